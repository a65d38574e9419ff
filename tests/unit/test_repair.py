"""The repair engine against the in-process fake cloud: the happy path, rollback, crash and resume."""
import json

import pytest

from azext_vmbootfix.repair import engine
from azext_vmbootfix.repair.journal import Journal, JournalError
from repairkit import Harness


def test_generalized_by_api_is_recreated_from_its_image_and_boots(secret_canary):
    h = Harness("generalized-by-api", canary=secret_canary)
    ctx = h.new_context()
    out = engine.apply(ctx)
    assert out["status"] == "succeeded"
    assert [s["state"] for s in out["steps"]] == ["done"] * 8
    h.assert_repaired(ctx.run_id)
    h.assert_nothing_lost()
    backup = ctx.journal.step("backup-os-disk")["outputs"]["backupSnapshotId"]
    assert backup.lower() in h.inventory()["snapshots"]


def test_rollback_after_success_brings_the_original_back_as_it_was(secret_canary):
    h = Harness("generalized-by-api", canary=secret_canary)
    ctx = h.new_context()
    engine.apply(ctx)
    out = engine.rollback(h.reloaded_context())
    assert out["status"] == "rolled-back"
    h.assert_original_restored()  # same disks, NICs, size, tags, OSState/generalized, deallocated
    h.assert_nothing_lost()
    new_disk = ctx.journal.step("recreate-from-image")["outputs"]["newOsDiskName"]
    assert not any(new_disk.lower() in d for d in h.inventory()["disks"]), "the run's own OS disk is cleaned up"


def test_oobe_stuck_image_boots_but_warns_that_provisioning_failed(secret_canary):
    """web01-image comes from a snapshot taken before Sysprep yet is flagged Generalized (see the scenario)."""
    h = Harness("oobe-stuck", canary=secret_canary)
    ctx = h.new_context()
    assert engine.apply(ctx)["status"] == "succeeded"
    warning = ctx.journal.step("verify-boot")["outputs"]["warning"]
    assert "OSProvisioningTimedOut" in warning and "admin account given was not applied" in warning


def test_a_crash_mid_step_leaves_a_running_step_that_resume_reconciles(secret_canary):
    h = Harness("generalized-by-api", canary=secret_canary)
    ctx = h.new_context()
    crashed = h.apply_in_child(ctx, crash_at=12)  # killed at its 12th request, inside the VM delete
    assert crashed.outcome == "crashed" and crashed.requests == 12
    journal = Journal.load(h.path)
    assert journal.status == "applying"
    assert "running" in [s["state"] for s in journal.steps]
    h.assert_nothing_lost()
    out = engine.apply(h.reloaded_context())
    assert out["status"] == "succeeded"
    h.assert_repaired(journal.data["runId"], ctx.image_id)
    h.assert_nothing_lost()


def test_a_crash_inside_a_poller_thread_stops_the_run_there(secret_canary):
    """A crash while azure-core polls the VM delete (in its poller thread) stops the whole process: no later
    step starts and the journal does not say delete-vm is done."""
    h = Harness("generalized-by-api", canary=secret_canary)
    ctx = h.new_context()
    clean = Harness("generalized-by-api", canary=secret_canary)
    clean_ctx = clean.new_context()
    clean.cloud.request_log.clear()
    engine.apply(clean_ctx)
    polls = [i for i, r in enumerate(clean.cloud.request_log, 1) if "/operations/" in r["path"]]
    deletes = [i for i, r in enumerate(clean.cloud.request_log, 1) if r["method"] == "DELETE"]
    poll = next(i for i in polls if i > deletes[0])
    crashed = h.apply_in_child(ctx, crash_at=poll)
    assert crashed.outcome == "crashed" and "/operations/" in crashed.crashed[1]
    journal = Journal.load(h.path)
    assert journal.step("delete-vm")["state"] == "running"
    assert journal.step("recreate-from-image")["state"] == "pending"


# -- data disks and NICs that start with deleteOption Delete (article step 1) ------------------------
DATA = "generalized-with-data-disks"


def test_data_disks_and_nics_set_to_delete_are_kept_by_the_repair_and_come_back_on_rollback(secret_canary):
    h = Harness(DATA, canary=secret_canary)
    ctx = h.new_context()
    assert engine.apply(ctx)["status"] == "succeeded"
    # the same data disks at the same LUNs, the same NIC, all Detach; every other property as it was
    h.assert_repaired(ctx.run_id, ctx.image_id)
    h.assert_nothing_lost()
    assert engine.rollback(h.reloaded_context())["status"] == "rolled-back"
    h.assert_original_restored()  # deleteOption Delete again on the OS disk, app02-data and the NIC
    h.assert_nothing_lost()


def test_the_delete_guard_refuses_while_a_data_disk_would_go_with_the_vm(secret_canary):
    """Someone sets a data disk back to Delete after keep-disks-and-nics ran: delete-vm must refuse."""
    h = Harness(DATA, canary=secret_canary)
    ctx = h.new_context()
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "/snapshots/", "status": 409, "code": "Conflict"})
    with pytest.raises(engine.RepairError, match="backup-os-disk"):
        engine.apply(ctx)
    assert Journal.load(h.path).step("keep-disks-and-nics")["state"] == "done"
    h.cloud.faults.clear()
    vm = h.compute.virtual_machines.get(h.rg, h.name)
    assert [d.delete_option for d in vm.storage_profile.data_disks] == ["Detach", "Detach"]
    vm.storage_profile.data_disks[0].delete_option = "Delete"
    h.compute.virtual_machines.begin_create_or_update(h.rg, h.name, vm).result()
    with pytest.raises(engine.RepairError, match="delete-vm failed: the VM's disks or NICs are not set to be kept"):
        engine.apply(h.reloaded_context())
    assert h.compute.virtual_machines.get(h.rg, h.name).storage_profile.data_disks[0].delete_option == "Delete"
    h.assert_nothing_lost()


def test_the_delete_guard_refuses_while_the_nic_would_go_with_the_vm(secret_canary):
    h = Harness(DATA, canary=secret_canary)
    ctx = h.new_context()
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "/snapshots/", "status": 409, "code": "Conflict"})
    with pytest.raises(engine.RepairError):
        engine.apply(ctx)
    h.cloud.faults.clear()
    vm = h.compute.virtual_machines.get(h.rg, h.name)
    vm.network_profile.network_interfaces[0].delete_option = "Delete"
    h.compute.virtual_machines.begin_create_or_update(h.rg, h.name, vm).result()
    with pytest.raises(engine.RepairError, match="not set to be kept"):
        engine.apply(h.reloaded_context())
    h.assert_nothing_lost()


def test_a_failed_step_is_journaled_with_a_recommendation(secret_canary):
    h = Harness("generalized-by-api", canary=secret_canary)
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


def test_resume_needs_the_password_again_and_the_journal_never_holds_it(secret_canary):
    h = Harness("generalized-by-api", canary=secret_canary)
    ctx = h.new_context()
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "virtualMachines/app01$", "status": 400,
                        "code": "InvalidParameter", "count": 1, "nth": 2})  # PUT 1 sets deleteOption; 2 creates
    with pytest.raises(engine.RepairError):
        engine.apply(ctx)
    with open(h.path, encoding="utf-8") as fh:
        assert h.password not in fh.read()
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
