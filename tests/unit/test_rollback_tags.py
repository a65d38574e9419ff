"""Rollback when the journal file is gone (azext_vmbootfix/repair/tagged.py): the run is found again by the tags
every resource it created carries, undone through the engine's ordinary rollback, and what only the journal knew
is named as not restored."""
import os

import pytest
from azure.cli.core import azclierror

import vmmodel
from azext_vmbootfix.repair import cli as rc
from azext_vmbootfix.repair import runs
from azext_vmbootfix.repair.recreate import RUN_TAG
from repairkit import PASSWORD, REATTACHED_DIFFERS
from test_preflight import _Cmd, state, wired  # noqa: F401  (wired is a fixture)


def _run_resources(h, run_id):
    """Every resource of the fake that carries the run's tag, by kind."""
    c = h.cloud
    tables = {"vm": c.compute.vms, "disk": c.compute.disks, "snapshot": c.compute.snapshots, "nic": c.network.nics}
    return {kind: sorted(k.rsplit("/", 1)[-1] for k, r in table.items() if (r.tags or {}).get(RUN_TAG) == run_id)
            for kind, table in tables.items()}


@pytest.mark.parametrize("scenario", ["generalized-by-api", "oobe-stuck"])  # provisioned, and timed out
def test_every_resource_a_recreate_creates_carries_the_run_tag(wired, scenario):
    h, _ = wired(scenario)
    before = h.inventory()
    out = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, yes=True, admin_password=PASSWORD)
    now = h.inventory()
    new = (now["disks"] - before["disks"]) | (now["snapshots"] - before["snapshots"]) | (now["nics"] - before["nics"])
    tagged = _run_resources(h, out["runId"])
    assert new and {n.rsplit("/", 1)[-1] for n in new} == set(tagged["disk"] + tagged["snapshot"] + tagged["nic"])
    assert tagged["vm"] == [h.name.lower()]


def test_every_resource_a_rescue_creates_carries_the_run_tag(wired):
    """Stopped before the rescue VM is deleted: its VM, OS disk and NIC are there to look at."""
    h, _ = wired("oobe-stuck-no-image")
    before = h.inventory()
    h.cloud.faults.add({"kind": "error", "method": "POST", "path": "virtualMachines/web01/deallocate$",
                        "status": 409, "code": "Conflict", "count": 0})  # the original VM's deallocation is refused
    with pytest.raises(azclierror.AzureResponseError, match="deallocate-vm"):
        rc.repair(_Cmd, h.rg, h.name, rescue=True, yes=True, admin_password=PASSWORD)
    run_id = [v.tags[RUN_TAG] for v in h.cloud.compute.vms.values() if RUN_TAG in (v.tags or {})][0]
    now = h.inventory()
    new = (now["disks"] - before["disks"]) | (now["snapshots"] - before["snapshots"]) | (now["nics"] - before["nics"])
    tagged = _run_resources(h, run_id)
    assert len(new) == 4 and {n.rsplit("/", 1)[-1] for n in new} == set(
        tagged["disk"] + tagged["snapshot"] + tagged["nic"])  # backup, copy, rescue OS disk, rescue NIC
    assert tagged["vm"] == ["{}-rescue-{}".format(h.name, run_id.replace("-", "")[:8]).lower()]


def test_a_recreate_is_rolled_back_from_its_tags_when_the_journal_is_gone(wired):
    h, journal = wired("oobe-stuck")
    out = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, yes=True, admin_password=PASSWORD)
    assert out["status"] == "succeeded"
    os.remove(str(journal))
    back = runs.rollback(_Cmd, h.rg, h.name, yes=True)
    assert back["status"] == "rolled-back" and back["runId"] == out["runId"]
    assert any("deleteOption" in m for m in back["notRestored"])
    now = h.model()
    vmmodel.assert_same(h.original_model, now, ignore=dict(REATTACHED_DIFFERS, **{
        r"properties\.(storageProfile\.dataDisks\[[^]]+\]\.|networkProfile\.networkInterfaces\[[^]]+\]\.(properties\.)?"
        r"|storageProfile\.osDisk\.)deleteOption$": "not restored without the journal (said in notRestored)"}),
        what="the VM rolled back from its tags")
    assert _run_resources(h, out["runId"]) == {"vm": [], "disk": [], "snapshot": [
        "{}-bootfix-{}-os".format(h.name, out["runId"].replace("-", "")[:8]).lower()], "nic": []}
    h.assert_nothing_lost()


def test_a_rescue_is_rolled_back_from_its_tags_when_the_journal_is_gone(wired):
    h, journal = wired("oobe-stuck-no-image")
    out = rc.repair(_Cmd, h.rg, h.name, rescue=True, yes=True, admin_password=PASSWORD)
    assert out["status"] == "succeeded"
    os.remove(str(journal))
    back = runs.rollback(_Cmd, h.rg, h.name, yes=True)
    assert back["status"] == "rolled-back" and back["notRestored"]
    vm = h.compute.virtual_machines.get(h.rg, h.name)
    original_os_disk = h.original.storage_profile.os_disk.managed_disk.id
    assert vm.storage_profile.os_disk.managed_disk.id.lower() == original_os_disk.lower()
    left = _run_resources(h, out["runId"])
    assert left["vm"] == [] and left["nic"] == [] and left["disk"] == [] and len(left["snapshot"]) == 1
    h.assert_nothing_lost()


def test_an_earlier_rolled_back_run_whose_backup_is_left_does_not_hide_the_run_to_undo(wired):
    h, journal = wired("oobe-stuck")
    first = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, yes=True, admin_password=PASSWORD)
    assert runs.rollback(_Cmd, h.rg, h.name, yes=True)["status"] == "rolled-back"  # its backup stays
    second = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, yes=True, admin_password=PASSWORD)
    os.remove(str(journal))
    back = runs.rollback(_Cmd, h.rg, h.name, yes=True)
    assert back["runId"] == second["runId"] != first["runId"] and back["status"] == "rolled-back"
    assert _run_resources(h, second["runId"])["vm"] == []


def test_without_journal_or_tags_there_is_nothing_to_roll_back(wired):
    h, journal = wired("oobe-stuck")
    before = state(h.cloud)
    with pytest.raises(azclierror.InvalidArgumentValueError, match="no journal, and no resource in rg-oobe carries"):
        runs.rollback(_Cmd, h.rg, h.name, yes=True)
    assert state(h.cloud) == before and not journal.exists()


def test_a_vm_deleted_and_not_recreated_cannot_come_back_from_tags_and_nothing_changes(wired):
    h, journal = wired("oobe-stuck")
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "virtualMachines/web01$", "status": 400,
                        "code": "InvalidParameter", "count": 0, "nth": 2})  # PUT 1 sets deleteOption; 2 creates
    with pytest.raises(azclierror.AzureResponseError, match="recreate-from-image"):
        rc.repair(_Cmd, h.rg, h.name, keep_disks=True, yes=True, admin_password=PASSWORD)
    h.cloud.faults.clear()
    os.remove(str(journal))
    before = state(h.cloud)
    with pytest.raises(azclierror.ResourceNotFoundError) as info:
        runs.rollback(_Cmd, h.rg, h.name, yes=True)
    assert "the VM itself: it was deleted" in info.value.error_msg and "-bootfix-" in info.value.error_msg
    assert "--attach-os-disk" in info.value.recommendations[0]
    assert state(h.cloud) == before
    h.assert_nothing_lost()
