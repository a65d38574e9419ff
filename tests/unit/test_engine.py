"""The repair engine (azext_vmbootfix/repair/engine.py) on its own: plans made of stub steps, a real journal.

The recreate and rescue plans against the fake cloud are in test_repair.py and test_rescue.py; these pin what
the engine itself promises: the order it walks steps in, the write-ahead journal states, what it reports
and recommends, and how a plan and a context are rebuilt from the journal alone.
"""
import json
import re
import uuid

import pytest

from azext_vmbootfix.repair import engine, recreate, rescue
from azext_vmbootfix.repair import plan as plan_module
from azext_vmbootfix.repair.journal import Journal

FACTS = {"id": "/subscriptions/s/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1",
         "name": "vm1", "resourceGroup": "rg1", "location": "westeurope", "osDiskId": "/disks/os1",
         "nicIds": ["/nics/n1", "/nics/n2"], "hyperVGeneration": "V2"}
IMAGE = {"id": "/images/img1", "name": "img1", "generalized": True}


class Log:
    def __init__(self):
        self.calls = []


def stub(name, log, done=False, fail=None, undo_fail=None, outputs=None, recommendation=None):
    """A step class: records its calls; ``fail``/``undo_fail`` is the message it raises with."""

    class Stub(recreate.Step):
        description = "the {} step".format(name)

        def plan(self, ctx):
            return {"reads": ["r-{}-{}".format(name, ctx.vm_name)], "creates": [], "changes": [], "keeps": []}

        def done(self, ctx):
            log.calls.append(("done", name, ctx.journal.step(name)["state"]))
            return done

        def apply(self, ctx):
            log.calls.append(("apply", name, ctx.journal.step(name)["state"]))
            if fail:
                raise recreate.StepFailed(fail, recommendation)
            return dict(outputs or {})

        def undo(self, ctx):
            log.calls.append(("undo", name, ctx.journal.step(name)["state"]))
            if undo_fail:
                raise RuntimeError(undo_fail)

    Stub.name = name
    return Stub


@pytest.fixture
def plan(monkeypatch, tmp_path):
    """plan(*step_classes) -> a context whose journal is a fresh plan of those steps (path "stubs")."""
    messages = []

    def make(*steps):
        monkeypatch.setitem(engine.PATHS, "stubs", tuple(steps))
        journal = engine.new_journal(str(tmp_path / "j.json"), "sub1", FACTS, IMAGE, "admin1", path_name="stubs")
        journal.save()
        return engine.Context(None, journal, FACTS, admin_username="admin1", admin_password="pw",
                              progress=messages.append)
    make.messages = messages
    return make


def test_path_steps_are_the_recreate_plan_by_default_and_the_rescue_plan_by_name():
    assert engine.path_steps("recreate") == recreate.RECREATE_PATH
    assert engine.path_steps(None) == recreate.RECREATE_PATH
    assert engine.path_steps("rescue") == rescue.RESCUE_PATH


def test_apply_walks_the_steps_in_order_marking_each_running_before_it_acts(plan):
    log = Log()
    ctx = plan(stub("a", log, outputs={"x": 1}), stub("b", log))
    out = engine.apply(ctx)
    assert log.calls == [("done", "a", "pending"), ("apply", "a", "running"),
                         ("done", "b", "pending"), ("apply", "b", "running")]
    assert out == {"runId": ctx.run_id, "vm": "vm1", "resourceGroup": "rg1", "path": "stubs",
                   "status": "succeeded", "journal": ctx.journal.path,
                   "steps": [{"name": "a", "state": "done", "description": "the a step", "article": [], "error": None},
                             {"name": "b", "state": "done", "description": "the b step", "article": [], "error": None}],
                   "redacted": []}
    saved = Journal.load(ctx.journal.path)
    assert saved.status == "succeeded" and saved.step("a")["outputs"] == {"x": 1}
    assert [(e["what"], e["state"]) for e in saved.data["events"]] == [
        ("status", "applying"), ("a", "running"), ("a", "done"), ("b", "running"), ("b", "done"),
        ("status", "succeeded")]
    assert plan.messages == ["[1/2] a: the a step", "[2/2] b: the b step"]


def test_apply_skips_done_rows_and_records_a_reconciled_step(plan):
    log = Log()
    ctx = plan(stub("a", log), stub("b", log, done=True), stub("c", log))
    ctx.journal.step("a")["state"] = "done"
    engine.apply(ctx)
    assert log.calls == [("done", "b", "pending"), ("done", "c", "pending"), ("apply", "c", "running")]
    assert ctx.journal.step("b")["state"] == "done" and ctx.journal.step("b")["outputs"] == {"reconciled": True}
    assert plan.messages == ["[2/3] b: nothing to do (Azure already shows it done)", "[3/3] c: the c step"]


def test_a_failing_step_is_journaled_and_reported_with_its_own_recommendation(plan):
    log = Log()
    ctx = plan(stub("a", log), stub("b", log, fail="no quota\nsecond line", recommendation="ask for quota"),
               stub("c", log))
    with pytest.raises(engine.RepairError) as info:
        engine.apply(ctx)
    assert str(info.value) == "step b failed: no quota" and info.value.recommendation == "ask for quota"
    assert ("apply", "c", "running") not in log.calls and ("done", "c", "pending") not in log.calls
    saved = Journal.load(ctx.journal.path)
    assert saved.status == "failed" and saved.data["events"][-1] == {
        "at": saved.data["events"][-1]["at"], "what": "status", "state": "failed", "note": "no quota"}
    assert saved.step("b")["state"] == "failed" and saved.step("b")["error"] == "no quota"
    assert saved.step("c")["state"] == "pending"


def test_without_a_recommendation_the_failure_says_how_to_resume_or_roll_back(plan):
    ctx = plan(stub("a", Log(), fail="boom"))
    with pytest.raises(engine.RepairError) as info:
        engine.apply(ctx)
    assert info.value.recommendation == (
        "Resume with `az vm boot-fix resume -g rg1 -n vm1` once the cause is fixed, or put the VM back as it was "
        "with `az vm boot-fix rollback -g rg1 -n vm1`.")


def test_an_error_message_is_its_first_line_at_most_400_characters_preferring_a_message_attribute():
    class WithMessage(Exception):
        message = "the message\nand more"

    assert engine._message(WithMessage("str form")) == "the message"  # pylint: disable=protected-access
    assert engine._message(ValueError("x" * 500 + "\ny")) == "x" * 400  # pylint: disable=protected-access
    assert engine._message(ValueError("a\nb")) == "a"  # pylint: disable=protected-access


def test_rollback_undoes_started_steps_newest_first_and_skips_pending_and_undone(plan):
    log = Log()
    ctx = plan(stub("a", log), stub("b", log), stub("c", log), stub("d", log))
    for name, state in (("a", "done"), ("b", "undone"), ("c", "failed"), ("d", "pending")):
        ctx.journal.step(name)["state"] = state
    out = engine.rollback(ctx)
    assert log.calls == [("undo", "c", "undoing"), ("undo", "a", "undoing")]
    assert out["status"] == "rolled-back"
    assert [s["state"] for s in out["steps"]] == ["undone", "undone", "undone", "pending"]
    assert plan.messages == ["undo c", "undo a"]
    saved = Journal.load(ctx.journal.path)
    assert [(e["what"], e["state"]) for e in saved.data["events"]][0] == ("status", "rolling-back")
    assert saved.status == "rolled-back"


def test_a_failing_undo_stops_the_rollback_and_says_to_run_it_again(plan):
    log = Log()
    ctx = plan(stub("a", log), stub("b", log, undo_fail="locked\nmore"), stub("c", log))
    for name in ("a", "b", "c"):
        ctx.journal.step(name)["state"] = "done"
    with pytest.raises(engine.RepairError) as info:
        engine.rollback(ctx)
    assert str(info.value) == "undoing b failed: locked"
    assert info.value.recommendation == ("Run `az vm boot-fix rollback -g rg1 -n vm1` again once the cause is "
                                         "fixed; nothing the VM owned has been deleted.")
    assert ("undo", "a", "undoing") not in log.calls
    saved = Journal.load(ctx.journal.path)
    assert saved.status == "rollback-failed" and saved.step("b")["state"] == "undo-failed"
    assert saved.step("b")["error"] == "locked" and saved.step("a")["state"] == "done"
    assert saved.data["events"][-1]["note"] == "locked"


def test_a_new_recreate_journal_holds_the_plan_and_what_it_needs_and_nothing_else(tmp_path):
    journal = engine.new_journal(str(tmp_path / "j.json"), "sub1", FACTS, IMAGE, "admin1")
    d = journal.data
    assert uuid.UUID(d["runId"]).version == 4
    assert (d["subscription"], d["resourceGroup"], d["vm"], d["path"], d["status"]) == (
        "sub1", "rg1", "vm1", "recreate", "planned")
    assert d["params"] == {"imageId": "/images/img1", "imageName": "img1", "imageGeneralized": True,
                           "adminUsername": "admin1", "osDiskId": "/disks/os1", "nicIds": ["/nics/n1", "/nics/n2"],
                           "location": "westeurope"}
    assert [(s["name"], s["description"], s["state"]) for s in d["steps"]] == [
        (cls.name, cls.description, "pending") for cls in recreate.RECREATE_PATH]


def test_a_new_rescue_journal_adds_the_rescue_parameters_and_the_generation(tmp_path):
    params = {"rescueSize": "Standard_D4s_v5", "rescueImage": {"sku": "2019"}, "rescueVersion": "2019",
              "brokenVersion": "2022"}
    journal = engine.new_journal(str(tmp_path / "j.json"), "sub1", FACTS, None, "admin1", path_name="rescue",
                                 rescue=params)
    assert journal.data["path"] == "rescue"
    assert journal.data["params"] == dict(params, imageId=None, imageName=None, imageGeneralized=False,
                                          adminUsername="admin1", osDiskId="/disks/os1",
                                          nicIds=["/nics/n1", "/nics/n2"], location="westeurope", generation="V2")
    assert [s["name"] for s in journal.data["steps"]] == [cls.name for cls in rescue.RESCUE_PATH]


def test_run_ids_are_new_each_time():
    a, b = engine.new_run_id(), engine.new_run_id()
    assert a != b and re.match(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$", a)


def test_a_context_from_the_journal_alone_has_what_the_run_had(tmp_path):
    journal = engine.new_journal(str(tmp_path / "j.json"), "sub1", FACTS, IMAGE, "admin1")
    journal.data["original"] = {"id": FACTS["id"], "properties": {}}
    ctx = engine.context_from_journal("compute", journal, admin_password="pw", resources="arm")
    assert (ctx.compute, ctx.resources, ctx.journal) == ("compute", "arm", journal)
    assert ctx.facts == dict({k: None for k in plan_module.FACT_KEYS}, **FACTS)
    assert (ctx.admin_username, ctx.image_id, ctx.image_generalized) == ("admin1", "/images/img1", True)
    assert ctx.admin_password() == "pw"
    assert (ctx.run_id, ctx.resource_group, ctx.vm_name, ctx.vm_id) == (journal.data["runId"], "rg1", "vm1",
                                                                        FACTS["id"])


def test_facts_have_one_shape_for_a_new_run_and_a_resume(tmp_path):
    journal = engine.new_journal(str(tmp_path / "j.json"), "sub1", dict(FACTS, powerState="running", extra=1),
                                 None, "a", path_name="rescue", rescue={})
    new = engine.Context(None, journal)
    journal.save()
    resumed = engine.context_from_journal(None, Journal.load(journal.path))
    assert new.facts == resumed.facts and set(new.facts) == set(plan_module.FACT_KEYS)
    assert new.facts["powerState"] == "running" and "extra" not in new.facts


def test_a_context_from_an_old_journal_without_the_image_flag(tmp_path):
    journal = engine.new_journal(str(tmp_path / "j.json"), "sub1", dict(FACTS, id=None), None, "a",
                                 path_name="rescue", rescue={})
    del journal.data["params"]["imageGeneralized"]
    ctx = engine.context_from_journal(None, journal)
    assert ctx.facts["id"] is None and ctx.vm_id == "vm1"
    assert ctx.image_generalized is True  # an old journal without the flag: a generalized image
    with pytest.raises(recreate.StepFailed) as info:
        ctx.admin_password()
    assert str(info.value) == ("this step needs the admin password (of the recreated VM, or of the answer file "
                               "that finishes OOBE on the rescue path)")
    assert info.value.recommendation == "pass --admin-password (it is never written to the journal)"


def test_a_context_from_the_journal_of_a_specialized_image_gives_no_admin(tmp_path):
    journal = engine.new_journal(str(tmp_path / "j.json"), "s", FACTS, dict(IMAGE, generalized=False), "a")
    assert engine.context_from_journal(None, journal).image_generalized is False


def test_a_context_sleeps_with_time_sleep_by_default_and_reports_progress_nowhere(monkeypatch, tmp_path):
    slept = []
    monkeypatch.setattr(engine.time, "sleep", slept.append)
    journal = engine.new_journal(str(tmp_path / "j.json"), "s", FACTS, IMAGE, "a")
    ctx = engine.Context(None, journal, FACTS)
    ctx.sleep(7)
    assert slept == [7] and ctx.progress("x") is None
    assert ctx.boot_timeout == recreate.BOOT_TIMEOUT_SECONDS and ctx.admin_username is None
    assert ctx.image_id is None and ctx.image_generalized is True and ctx.resources is None


def test_describe_is_the_plan_as_data(plan):
    ctx = plan(stub("a", Log()), stub("b", Log()))
    out = engine.describe(ctx)
    assert out == {"runId": ctx.run_id, "vm": "vm1", "resourceGroup": "rg1", "path": "stubs", "image": "img1",
                   "steps": [{"step": 1, "name": "a", "article": [], "description": "the a step",
                              "reads": ["r-a-vm1"], "creates": [], "changes": [], "keeps": []},
                             {"step": 2, "name": "b", "article": [], "description": "the b step",
                              "reads": ["r-b-vm1"], "creates": [], "changes": [], "keeps": []}]}
    json.dumps(out)  # printable as JSON by --dry-run


def test_describe_of_a_rescue_names_the_rescue_vm(tmp_path, monkeypatch):
    params = {"rescueSize": "Standard_D4s_v5", "rescueVersion": "2019", "brokenVersion": "2022",
              "rescueImage": {"publisher": "P", "offer": "O", "sku": "S", "version": "latest"}}
    journal = engine.new_journal(str(tmp_path / "j.json"), "s", FACTS, None, "a", path_name="rescue",
                                 rescue=params)
    monkeypatch.setitem(engine.PATHS, "rescue", ())
    out = engine.describe(engine.Context(None, journal, FACTS))
    assert out["rescue"] == {"size": "Standard_D4s_v5", "brokenVersion": "2022", "image": "P:O:S:latest"}
    assert out["image"] is None and out["steps"] == []
    del journal.data["params"]["rescueImage"]
    assert engine.describe(engine.Context(None, journal, FACTS))["rescue"]["image"] == ":::"


@pytest.mark.parametrize("status,active", [("planned", True), ("applying", True), ("failed", True),
                                           ("rolling-back", True), ("rollback-failed", True),
                                           ("succeeded", False), ("rolled-back", False)])
def test_a_journal_is_active_until_it_succeeded_or_was_rolled_back(tmp_path, status, active):
    journal = Journal.new(str(tmp_path / "j.json"), "r", "s", "g", "v", "recreate", [], {})
    journal.data["status"] = status
    assert engine.is_active(journal) is active
    assert engine.is_active(None) is False


def test_repair_error_carries_its_recommendation():
    err = engine.RepairError("m", "do this")
    assert str(err) == "m" and err.recommendation == "do this"
    assert engine.RepairError("m").recommendation is None


# -- operations left in flight (ctx.start) and the steps that overlap them --------------------------------------
class Poller:
    """An SDK poller's stand-in: ``result()`` is logged (the wait) and returns or raises."""

    def __init__(self, log, what, error=None):
        self.log, self.what, self.error = log, what, error

    def result(self):
        self.log.calls.append(("wait", self.what))
        if self.error:
            raise RuntimeError(self.error)
        return self.what


def starter(name, log, ops, overlaps=(), error=None, then=None):
    """A step that leaves the operations ``ops`` in flight (the first failing with ``error``)."""
    base = stub(name, log)

    class Starter(base):
        def apply(self, ctx):
            log.calls.append(("apply", name, ctx.journal.step(name)["state"]))
            for i, what in enumerate(ops):
                ctx.start(Poller(log, what, error if i == 0 else None), what, then=then)
            return {"made": name}
    Starter.name, Starter.overlaps = name, tuple(overlaps)
    return Starter


def test_a_step_in_flight_stays_running_until_a_step_that_does_not_overlap_it(plan):
    log = Log()
    ctx = plan(starter("a", log, ["op1", "op2"]), starter("b", log, ["op3"], overlaps=["a"]), stub("c", log))
    seen = {}
    original = ctx.journal.mark

    def mark(row, state, outputs=None, error=None):
        original(row, state, outputs, error)
        if row["name"] == "b" and state == "running":
            seen["a"] = dict(Journal.load(ctx.journal.path).step("a"))
    ctx.journal.mark = mark
    engine.apply(ctx)
    assert seen["a"]["state"] == "running" and seen["a"]["outputs"] == {"made": "a", "inFlight": ["op1", "op2"]}
    assert log.calls == [("done", "a", "pending"), ("apply", "a", "running"),
                         ("done", "b", "pending"), ("apply", "b", "running"),      # b did not wait for a
                         ("wait", "op1"), ("wait", "op2"), ("wait", "op3"),          # c waits for both
                         ("done", "c", "pending"), ("apply", "c", "running")]
    saved = Journal.load(ctx.journal.path)
    assert [(e["what"], e["state"]) for e in saved.data["events"]] == [
        ("status", "applying"), ("a", "running"), ("a", "running"), ("b", "running"), ("b", "running"),
        ("a", "done"), ("b", "done"), ("c", "running"), ("c", "done"), ("status", "succeeded")]
    assert saved.step("a")["outputs"] == {"made": "a", "inFlight": ["op1", "op2"]}


def test_the_last_operations_in_flight_are_waited_for_before_the_run_succeeds(plan):
    log = Log()
    ctx = plan(stub("a", log), starter("b", log, ["op1"]))
    assert engine.apply(ctx)["status"] == "succeeded"
    assert log.calls[-1] == ("wait", "op1") and ctx.journal.step("b")["state"] == "done"


def test_an_operation_that_fails_in_flight_fails_its_own_step(plan):
    log = Log()
    ctx = plan(starter("a", log, ["snapshot"], error="Conflict: the disk is busy"),
               starter("b", log, ["op"], overlaps=["a"]), stub("c", log))
    with pytest.raises(engine.RepairError, match="step a failed: Conflict: the disk is busy"):
        engine.apply(ctx)
    saved = Journal.load(ctx.journal.path)
    assert [saved.step(n)["state"] for n in "abc"] == ["failed", "done", "pending"]
    assert saved.status == "failed" and ("apply", "c", "running") not in log.calls


def test_what_follows_an_operation_in_flight_is_waited_for_too(plan):
    log = Log()
    follow = Poller(log, "after")
    ctx = plan(starter("a", log, ["first"], then=lambda result: [follow] if result == "first" else []),
               stub("b", log))
    engine.apply(ctx)
    assert log.calls[2:4] == [("wait", "first"), ("wait", "after")]


def test_outside_apply_nothing_is_left_in_flight(plan):
    log = Log()
    ctx = plan(starter("a", log, ["op"]))
    ctx.start(Poller(log, "undo-op"), "undo-op")  # as an undo does during a rollback
    assert log.calls == [("wait", "undo-op")] and ctx.started == []


def test_what_a_failing_step_started_ends_before_the_run_stops(plan):
    log = Log()
    base = starter("a", log, ["op1"])

    class StartsThenFails(base):
        def apply(self, ctx):
            super().apply(ctx)
            raise recreate.StepFailed("the second write was refused")
    StartsThenFails.name = "a"
    ctx = plan(StartsThenFails, stub("b", log))
    with pytest.raises(engine.RepairError, match="the second write was refused"):
        engine.apply(ctx)
    assert log.calls[-1] == ("wait", "op1") and ctx.started == []
    assert Journal.load(ctx.journal.path).step("a")["state"] == "failed"
