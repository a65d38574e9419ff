"""What the engine promises that test_engine.py left unpinned (found by mutation testing, scripts/mutate.py):
a step handing over to a person, the outputs a failing step leaves, operations that follow one in flight outside
a run, the plan's ``notCarried`` for a recreate and what a context starts with. Stub steps, a real journal."""
import pytest

from azext_vmbootfix.repair import engine, recreate
from azext_vmbootfix.repair.journal import Journal
from azext_vmbootfix.repair.rescue_base import WaitingForUser
from test_engine import FACTS, IMAGE, Log, Poller, stub

VM_MODEL = {"name": "vm1", "location": "westeurope", "zones": ["2"],
            "properties": {"hardwareProfile": {"vmSize": "Standard_D2s_v5"},
                           "osProfile": {"computerName": "vm1", "adminUsername": "admin1"}}}


@pytest.fixture
def plan(monkeypatch, tmp_path):
    messages = []

    def make(*steps, path="stubs"):
        monkeypatch.setitem(engine.PATHS, path, tuple(steps))
        journal = engine.new_journal(str(tmp_path / "j.json"), "sub1", FACTS, IMAGE, "admin1", path_name=path)
        journal.save()
        return engine.Context(None, journal, FACTS, admin_username="admin1", progress=messages.append)
    make.messages = messages
    return make


def hands_over(name, log):
    """A step that journals an output, then hands over to a person (as the nested method's steps do)."""
    class HandsOver(stub(name, log)):
        def apply(self, ctx):
            log.calls.append(("apply", name, ctx.journal.step(name)["state"]))
            ctx.step_outputs["before"] = "kept"
            raise WaitingForUser("connect to the console, then resume", {"console": "serial"})
    HandsOver.name = name
    return HandsOver


def test_a_step_handing_over_to_a_person_stops_the_run_waiting_with_its_message(plan):
    log = Log()
    ctx = plan(stub("a", log), hands_over("b", log), stub("c", log))
    out = engine.apply(ctx)
    assert out["status"] == "waiting-for-user"
    saved = Journal.load(ctx.journal.path)
    assert saved.status == "waiting-for-user"
    assert saved.data["events"][-1]["note"] == "connect to the console, then resume"
    assert saved.step("b")["state"] == "waiting"
    assert saved.step("b")["outputs"] == {"before": "kept", "console": "serial"}
    assert saved.step("c")["state"] == "pending" and ("apply", "c", "running") not in log.calls
    assert plan.messages[-1] == "connect to the console, then resume"


def test_what_a_failing_step_put_in_its_outputs_is_journaled_with_the_failure(plan):
    log = Log()

    class FailsAfterNaming(stub("a", log)):
        def apply(self, ctx):
            ctx.step_outputs["rescueVm"] = "vm1-rescue"
            raise recreate.StepFailed("the rescue VM did not start")
    FailsAfterNaming.name = "a"
    ctx = plan(FailsAfterNaming)
    with pytest.raises(engine.RepairError):
        engine.apply(ctx)
    row = Journal.load(ctx.journal.path).step("a")
    assert row["state"] == "failed" and row["outputs"] == {"rescueVm": "vm1-rescue"}


def test_a_done_step_keeps_the_outputs_it_put_aside_beside_what_apply_returned(plan):
    log = Log()

    class Both(stub("a", log)):
        def apply(self, ctx):
            ctx.step_outputs["early"] = 1
            return {"late": 2}
    Both.name = "a"
    ctx = plan(Both)
    engine.apply(ctx)
    assert Journal.load(ctx.journal.path).step("a")["outputs"] == {"early": 1, "late": 2}


def test_outside_a_run_what_follows_an_operation_is_waited_for_with_its_result(plan):
    log = Log()
    ctx = plan(stub("a", log))
    seen = []

    def then(result):
        seen.append(result)
        return [None, Poller(log, "after"), Poller(log, "and after")]
    ctx.start(Poller(log, "first"), "first", then=then)
    assert seen == ["first"] and log.calls == [("wait", "first"), ("wait", "after"), ("wait", "and after")]


def test_a_recreate_plan_names_what_the_new_vm_will_not_have_from_the_vm_model(plan, monkeypatch):
    ctx = plan(stub("a", Log()), path="recreate")
    out = engine.describe(ctx, vm_model=VM_MODEL)
    assert ctx.memory["planned"] is VM_MODEL
    fields = [n["field"] for n in out["notCarried"]]
    assert fields == [n["field"] for n in engine.carry.not_carried(VM_MODEL, osprofile_given=True)]
    assert "notCarried" not in engine.describe(ctx)  # no model, nothing to name
    given = [{"field": "x", "reason": "y"}]
    assert engine.describe(ctx, vm_model=VM_MODEL, not_carried=given)["notCarried"] == given


def test_a_plan_of_another_path_has_no_not_carried_list(plan):
    ctx = plan(stub("a", Log()))
    assert "notCarried" not in engine.describe(ctx, vm_model=VM_MODEL)


def test_a_context_starts_outside_any_step_and_not_resumed(tmp_path):
    journal = engine.new_journal(str(tmp_path / "j.json"), "s", FACTS, IMAGE, "a")
    ctx = engine.Context(None, journal)
    assert ctx.facts == journal.data["facts"] and ctx.step_outputs == {} and ctx.started == []
    assert ctx.user_resumed is False and ctx.resumed_step is False and ctx.overlap is False
    assert ctx.step_name is None and ctx.in_flight == {} and ctx.memory == {}
    assert engine.Context(None, journal, {"name": "given"}).facts == {"name": "given"}


def test_a_specialized_image_plan_names_the_os_profile_azure_will_not_take(monkeypatch, tmp_path):
    monkeypatch.setitem(engine.PATHS, "recreate", ())
    journal = engine.new_journal(str(tmp_path / "j.json"), "s", FACTS, dict(IMAGE, generalized=False), "a")
    out = engine.describe(engine.Context(None, journal, FACTS), vm_model=VM_MODEL)
    assert out["notCarried"] == engine.carry.not_carried(VM_MODEL, osprofile_given=False)
    assert out["notCarried"] != engine.carry.not_carried(VM_MODEL, osprofile_given=True)


def test_each_step_sees_its_own_name_whether_it_ran_before_and_only_its_own_outputs(plan):
    seen = []

    def looking(name, put=None):
        class Looks(stub(name, Log())):
            def apply(self, ctx):
                seen.append((ctx.step_name, ctx.resumed_step, dict(ctx.step_outputs)))
                if put:
                    ctx.step_outputs[put] = name
                return {}
        Looks.name = name
        return Looks
    ctx = plan(looking("a", put="fromA"), looking("b"), looking("c"))
    ctx.journal.step("c")["state"] = "running"   # an earlier run was inside c when it stopped
    engine.apply(ctx)
    assert seen == [("a", False, {}), ("b", False, {}), ("c", True, {})]
    assert ctx.journal.step("b")["outputs"] == {}


def test_steps_leave_operations_in_flight_only_while_the_run_walks_the_plan(plan):
    log = Log()

    class Fails(stub("a", log)):
        def apply(self, ctx):
            assert ctx.overlap is True
            raise recreate.StepFailed("no")
    Fails.name = "a"
    ctx = plan(stub("z", log))
    engine.apply(ctx)
    assert ctx.overlap is False
    ctx = plan(Fails)
    with pytest.raises(engine.RepairError):
        engine.apply(ctx)
    assert ctx.overlap is False


def test_a_resumed_run_settles_what_was_left_in_flight_once_before_its_first_step(plan, monkeypatch):
    calls = []
    monkeypatch.setattr(engine.inflight, "interrupted", lambda journal: True)
    monkeypatch.setattr(engine.inflight, "settle", lambda ctx: calls.append(ctx.step_name) or 0)
    ctx = plan(stub("a", Log()), stub("b", Log()), stub("c", Log()))
    engine.apply(ctx)
    assert calls == ["a"]


def test_a_step_handing_over_waits_for_what_earlier_steps_left_in_flight(plan):
    log = Log()
    from test_engine import starter
    ctx = plan(starter("a", log, ["op1"]), type("B", (hands_over("b", log),), {"overlaps": ("a",)}))
    assert engine.apply(ctx)["status"] == "waiting-for-user"
    assert ("wait", "op1") in log.calls
    assert Journal.load(ctx.journal.path).step("a")["state"] == "done"


def test_a_step_failing_in_done_after_one_left_operations_in_flight_is_reported_as_its_failure(plan):
    log = Log()
    from test_engine import starter

    class DoneFails(stub("b", log)):
        def done(self, ctx):
            raise recreate.StepFailed("cannot read the VM")
    DoneFails.name, DoneFails.overlaps = "b", ("a",)
    ctx = plan(starter("a", log, ["op1"]), DoneFails)
    with pytest.raises(engine.RepairError, match="step b failed: cannot read the VM"):
        engine.apply(ctx)
    assert ("wait", "op1") in log.calls


def test_an_operation_failing_in_flight_journals_its_error_on_its_step_and_the_run(plan):
    log = Log()
    from test_engine import starter
    ctx = plan(starter("a", log, ["snapshot"], error="Conflict: the disk is busy"), stub("c", log))
    with pytest.raises(engine.RepairError):
        engine.apply(ctx)
    saved = Journal.load(ctx.journal.path)
    assert saved.step("a")["error"] == "Conflict: the disk is busy"
    assert saved.data["events"][-1]["note"] == "Conflict: the disk is busy" and saved.status == "failed"
    ctx = plan(starter("a", log, ["snapshot"], error="Conflict: the disk is busy"), stub("c", log))
    with pytest.raises(engine.RepairError) as info:
        engine.apply(ctx)
    assert str(info.value) == "step a failed: Conflict: the disk is busy"
    assert info.value.recommendation == engine._advice(ctx, None)  # pylint: disable=protected-access
    assert "-g rg1 -n vm1" in info.value.recommendation


class Busy(Exception):
    """Azure's refusal while another operation is in progress (409 Conflict, OperationNotAllowed)."""

    def __init__(self):
        super().__init__("Operation 'x' is not allowed since another operation is in progress.")
        self.status_code, self.message = 409, str(self)
        self.error = type("E", (), {"code": "OperationNotAllowed", "message": str(self)})()
        self.response = type("R", (), {"status_code": 409, "headers": {"Retry-After": "3"}})()


def test_an_undo_refused_while_azure_is_busy_is_tried_again_and_the_rollback_goes_on(plan, monkeypatch):
    assert engine.inflight.conflict_wait(Busy()) == 3
    monkeypatch.setattr(engine.inflight, "settle", lambda ctx: 0)
    log, refusals = Log(), [Busy()]

    class UndoBusyOnce(stub("a", log)):
        def undo(self, ctx):
            log.calls.append(("undo", "a", ctx.journal.step("a")["state"]))
            if refusals:
                raise refusals.pop()
    UndoBusyOnce.name = "a"
    ctx = plan(UndoBusyOnce)
    ctx.sleep = lambda seconds: log.calls.append(("sleep", seconds))
    ctx.journal.step("a")["state"] = "done"
    assert engine.rollback(ctx)["status"] == "rolled-back"
    assert log.calls == [("undo", "a", "undoing"), ("sleep", 3), ("undo", "a", "undoing")]
    assert plan.messages[-1] == "a: Azure has another operation in progress (Operation 'x' is not allowed since " \
                                "another operation is in progress.); trying again in 3 s"


def refused(left, resumed=None):
    """Step "a": refused with each error of ``left`` in turn, then done; ``resumed`` gets ctx.resumed_step at
    each try."""
    class Refused(stub("a", Log())):
        def apply(self, ctx):
            if resumed is not None:
                resumed.append(ctx.resumed_step)
            if left:
                raise left.pop()
            return {}
    Refused.name = "a"
    return Refused


@pytest.mark.parametrize("refusals,succeeds", [(2, True), (3, False)])
def test_refusals_are_waited_out_up_to_the_limit_in_all_and_not_beyond(plan, monkeypatch, refusals, succeeds):
    monkeypatch.setattr(engine.inflight, "settle", lambda ctx: 0)
    monkeypatch.setattr(engine.inflight, "CONFLICT_LIMIT_SECONDS", 6)  # two waits of 3 s fit exactly
    ctx = plan(refused([Busy() for _ in range(refusals)]))
    ctx.sleep = lambda seconds: None
    if succeeds:
        assert engine.apply(ctx)["status"] == "succeeded"
    else:
        with pytest.raises(engine.RepairError, match="another operation is in progress"):
            engine.apply(ctx)


def test_after_a_refusal_a_step_found_done_leaves_nothing_behind_for_the_next_failure(plan, monkeypatch):
    monkeypatch.setattr(engine.inflight, "settle", lambda ctx: 0)
    log, tries = Log(), []
    from test_engine import Poller

    class RefusedThenDone(stub("a", log)):
        def done(self, ctx):
            return bool(tries)

        def apply(self, ctx):
            tries.append(1)
            ctx.start(Poller(log, "op"), "op")
            raise Busy()
    RefusedThenDone.name = "a"

    class DoneFails(stub("b", log)):
        def done(self, ctx):
            raise recreate.StepFailed("cannot read the VM")
    DoneFails.name = "b"
    ctx = plan(RefusedThenDone, DoneFails)
    ctx.sleep = lambda seconds: None
    with pytest.raises(engine.RepairError, match="step b failed: cannot read the VM"):
        engine.apply(ctx)
    assert ("wait", "op") in log.calls


def test_a_failing_undo_reports_its_own_recommendation(plan):
    class UndoFails(stub("a", Log())):
        def undo(self, ctx):
            raise recreate.StepFailed("the disk is locked", "remove the lock, then roll back again")
    UndoFails.name = "a"
    ctx = plan(UndoFails)
    ctx.journal.step("a")["state"] = "done"
    with pytest.raises(engine.RepairError) as info:
        engine.rollback(ctx)
    assert info.value.recommendation == "remove the lock, then roll back again"


def test_an_undo_runs_as_a_fresh_step_and_a_resumed_rollback_settles_once(plan, monkeypatch):
    seen, settled = [], []
    monkeypatch.setattr(engine.inflight, "interrupted", lambda journal: True)
    monkeypatch.setattr(engine.inflight, "settle", lambda ctx: settled.append(ctx.step_name) or 0)

    def undoing(name):
        class Looks(stub(name, Log())):
            def undo(self, ctx):
                seen.append((ctx.step_name, ctx.resumed_step))
        Looks.name = name
        return Looks
    ctx = plan(undoing("a"), undoing("b"))
    for name in "ab":
        ctx.journal.step(name)["state"] = "done"
    ctx.resumed_step = True  # as an apply left it
    engine.rollback(ctx)
    assert seen == [("b", False), ("a", False)] and settled == ["b"]

