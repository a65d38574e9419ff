"""More of what the engine promises that its tests left unpinned (mutation testing, scripts/mutate.py): a new
plan's path and its ``notCarried`` by image and path, the secrets a plan names, ``record``'s ``redacted`` list,
settling time counted toward the refusal limit, an in-flight failure's own recommendation and the journal's
article steps. Stub steps, a real journal (test_engine_mutants.py's fixtures)."""
import pytest

from azext_vmbootfix.repair import engine, recreate
from azext_vmbootfix.repair.journal import Journal
from test_engine import FACTS, IMAGE, Log, stub
from test_engine_mutants import VM_MODEL, Busy, plan, refused  # noqa: F401  (plan: the fixture)



def test_a_new_plan_is_a_recreate_plan_unless_told_and_names_its_losses_by_the_image_it_uses():
    from azure.mgmt.compute.models import VirtualMachine
    vm = VirtualMachine.deserialize(VM_MODEL)
    plan = engine.new_plan("s", FACTS, IMAGE, "admin1", vm=vm)
    assert plan["path"] == "recreate" and plan["model"] == VM_MODEL
    assert plan["notCarried"] == engine.carry.not_carried(VM_MODEL, osprofile_given=True)
    assert "properties.osProfile" not in [n["field"] for n in plan["notCarried"]]
    specialized = engine.new_plan("s", FACTS, dict(IMAGE, generalized=False), "admin1", vm=vm)
    assert specialized["notCarried"] == engine.carry.not_carried(VM_MODEL, osprofile_given=False)
    assert engine.new_plan("s", FACTS, None, "admin1", path_name="rescue", rescue={}, vm=vm)["notCarried"] == []


def test_record_lists_each_secret_it_scrubs_under_redacted_with_its_step_after_what_was_there(tmp_path):
    journal = engine.new_journal(str(tmp_path / "j.json"), "s", FACTS, IMAGE, "a")
    journal.data["redacted"].append({"path": "earlier", "kind": "k", "step": "x"})
    row = journal.step(journal.data["steps"][0]["name"])
    engine.record(journal, row, "done", {"a": {"password": "p1"}, "original": {"properties": {"accountKey": "k"}}})
    name = row["name"]
    assert journal.data["redacted"] == [
        {"path": "earlier", "kind": "k", "step": "x"},
        {"path": "original.properties.accountKey", "kind": "secret-named field", "step": name},
        {"path": "a.password", "kind": "secret-named field", "step": name}]
    assert row["outputs"] == {"a": {"password": "REDACTED"}}
    assert journal.data["original"] == {"properties": {"accountKey": "REDACTED"}}


def test_the_time_settling_takes_counts_toward_the_limit_of_waiting_out_refusals(plan, monkeypatch):
    monkeypatch.setattr(engine.inflight, "settle", lambda ctx: 4)
    monkeypatch.setattr(engine.inflight, "CONFLICT_LIMIT_SECONDS", 6)  # 3 s + 4 s settling leaves no room
    resumed = []
    ctx = plan(refused([Busy(), Busy()], resumed))
    ctx.sleep = lambda seconds: None
    with pytest.raises(engine.RepairError, match="another operation is in progress"):
        engine.apply(ctx)
    assert resumed == [False, True]  # tried again as a resumed step: what it started may have run


def test_an_operation_failing_in_flight_with_its_own_recommendation_reports_that_one(plan):
    log = Log()

    class Failing:
        def result(self):
            raise recreate.StepFailed("the disk is locked", "remove the lock, then resume")

    class Starts(stub("a", log)):
        def apply(self, ctx):
            ctx.start(Failing(), "snapshot")
            return {}
    Starts.name = "a"
    ctx = plan(Starts, stub("b", log))
    with pytest.raises(engine.RepairError) as info:
        engine.apply(ctx)
    assert str(info.value) == "step a failed: the disk is locked"
    assert info.value.recommendation == "remove the lock, then resume"


def test_a_recreate_plan_names_each_secret_it_redacted_and_whether_the_run_can_still_use_it():
    from azure.mgmt.compute.models import VirtualMachine
    model = dict(VM_MODEL, tags={"password": "hunter2"}, resources=[{
        "name": "cse", "location": "westeurope", "properties": {"publisher": "Microsoft.Compute", "settings": {
            "fileUris": ["https://acct.blob.core.windows.net/s/a.ps1?sv=1&sig=abc%3D"]}}}])
    vm = VirtualMachine.deserialize(model)
    plan = engine.new_plan("s", FACTS, IMAGE, "admin1", vm=vm)
    secrets = [n for n in plan["notCarried"] if n["reason"].startswith("a secret")]
    kinds = {r["path"]: r["kind"] for r in plan["redacted"]}
    assert {n["field"] for n in secrets} == set(kinds) and len(secrets) == len(kinds) >= 1
    for entry in secrets:
        if entry["field"].startswith("resources["):
            assert entry["reason"] == (
                "a secret ({}): kept out of the plan and the journal; the run re-creates the extension with it, "
                "but a resume in a new process cannot (it is then named in extensionsNotRecreated)".format(
                    kinds[entry["field"]]))
        else:
            assert entry["reason"] == "a secret ({}): redacted from the plan and the journal, so it cannot be " \
                                      "put back".format(kinds[entry["field"]])
    assert [n["field"] for n in secrets if n["field"].startswith("resources[")], "no extension secret in the plan"
    assert [n["field"] for n in secrets if not n["field"].startswith("resources[")], "no other secret in the plan"
    rescue = engine.new_plan("s", FACTS, None, "admin1", path_name="rescue", rescue={}, vm=vm)
    assert rescue["notCarried"] == [] and rescue["redacted"] == plan["redacted"]


def test_a_journal_lists_each_step_of_its_path_with_its_description_and_article_steps(tmp_path):
    journal = engine.new_journal(str(tmp_path / "j.json"), "s", FACTS, IMAGE, "a")
    assert journal.data["steps"] and [(r["name"], r["description"], r["article"]) for r in journal.data["steps"]] \
        == [(c.name, c.description, list(c.article)) for c in engine.path_steps("recreate")]
    journal.save()
    saved = Journal.load(journal.path)
    assert [r["article"] for r in saved.data["steps"]] == [list(c.article) for c in engine.path_steps("recreate")]
