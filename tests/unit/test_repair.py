"""The repair engine against the in-process fake cloud: the happy path, rollback, crash and resume."""
import json

import pytest

from azext_vmbootfix.repair import engine
from azext_vmbootfix.repair.journal import Journal, JournalError
from repairkit import PASSWORD, Harness, SimulatedCrash


def test_generalized_by_api_is_recreated_from_its_image_and_boots():
    h = Harness("generalized-by-api")
    ctx = h.new_context()
    out = engine.apply(ctx)
    assert out["status"] == "succeeded"
    assert [s["state"] for s in out["steps"]] == ["done"] * 6
    h.assert_repaired(ctx.run_id)
    h.assert_nothing_lost()
    backup = ctx.journal.step("backup-os-disk")["outputs"]["backupSnapshotId"]
    assert backup.lower() in h.inventory()["snapshots"]


def test_rollback_after_success_brings_the_original_back_as_it_was():
    h = Harness("generalized-by-api")
    ctx = h.new_context()
    engine.apply(ctx)
    out = engine.rollback(h.reloaded_context())
    assert out["status"] == "rolled-back"
    h.assert_original_restored()  # same disks, NICs, size, tags, OSState/generalized, deallocated
    h.assert_nothing_lost()
    new_disk = ctx.journal.step("recreate-from-image")["outputs"]["newOsDiskName"]
    assert not any(new_disk.lower() in d for d in h.inventory()["disks"]), "the run's own OS disk is cleaned up"


def test_oobe_stuck_image_boots_but_warns_that_provisioning_failed():
    """web01-image comes from a snapshot taken before Sysprep yet is flagged Generalized (see the scenario)."""
    h = Harness("oobe-stuck")
    ctx = h.new_context()
    assert engine.apply(ctx)["status"] == "succeeded"
    warning = ctx.journal.step("verify-boot")["outputs"]["warning"]
    assert "OSProvisioningTimedOut" in warning and "admin account given was not applied" in warning


def test_a_crash_mid_step_leaves_a_running_step_that_resume_reconciles():
    h = Harness("generalized-by-api")
    ctx = h.new_context()
    h.requests = 0
    h.crash_at = 9  # somewhere inside the plan
    with pytest.raises(SimulatedCrash):
        engine.apply(ctx)
    journal = Journal.load(h.path)
    assert journal.status == "applying"
    assert "running" in [s["state"] for s in journal.steps]
    h.assert_nothing_lost()
    out = engine.apply(h.reloaded_context())
    assert out["status"] == "succeeded"
    h.assert_repaired(journal.data["runId"])
    h.assert_nothing_lost()


def test_a_failed_step_is_journaled_with_a_recommendation():
    h = Harness("generalized-by-api")
    h.cloud.faults.add({"kind": "error", "method": "DELETE", "path": "virtualMachines/app01$", "status": 500,
                        "count": 0})
    ctx = h.new_context()
    with pytest.raises(engine.RepairError) as info:
        engine.apply(ctx)
    assert "delete-vm" in str(info.value) and "az vm boot-fix resume" in info.value.recommendation
    journal = Journal.load(h.path)
    assert journal.status == "failed" and journal.step("delete-vm")["state"] == "failed"
    h.cloud.faults.clear()
    assert engine.apply(h.reloaded_context())["status"] == "succeeded"


def test_resume_needs_the_password_again_and_the_journal_never_holds_it():
    h = Harness("generalized-by-api")
    ctx = h.new_context()
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "virtualMachines/app01$", "status": 400,
                        "code": "InvalidParameter", "count": 1, "nth": 2})  # PUT 1 sets deleteOption; 2 creates
    with pytest.raises(engine.RepairError):
        engine.apply(ctx)
    with open(h.path, encoding="utf-8") as fh:
        assert PASSWORD not in fh.read()
    journal = Journal.load(h.path)
    no_password = engine.context_from_journal(h.compute, journal, sleep=h.cloud.clock.advance)
    with pytest.raises(engine.RepairError, match="admin password"):
        engine.apply(no_password)
    assert engine.apply(h.reloaded_context())["status"] == "succeeded"


def test_journal_refuses_to_hold_a_secret(tmp_path):
    journal = Journal.new(str(tmp_path / "j.json"), "run", "sub", "rg", "vm", "recreate", [], {})
    journal.data["params"]["adminPassword"] = "x"
    with pytest.raises(JournalError):
        journal.save()
    assert not (tmp_path / "j.json").exists()


def test_journal_writes_are_atomic_json(tmp_path):
    path = tmp_path / "a" / "b.json"
    journal = Journal.new(str(path), "run", "sub", "rg", "vm", "recreate",
                          [{"name": "s1", "description": "d"}], {"imageId": "/x"})
    journal.save()
    assert json.loads(path.read_text())["steps"][0]["state"] == "pending"
    assert [p.name for p in path.parent.iterdir()] == ["b.json"]  # no temporary file left behind
