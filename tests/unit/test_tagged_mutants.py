"""Edges of repair/tagged.py the mutation run found unguarded (test_rollback_tags.py goes through it with whole runs
on the fake, minutes per mutant): which resources are the VM's and which run they belong to, every refusal's
words, the journal rebuilt from the tags (path, the original as it is rebuilt) and what it says cannot come back.
Stand-ins for the SDK clients, so that each case is milliseconds."""
import types

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.compute.models import (Disk, HardwareProfile, ManagedDiskParameters, NetworkInterfaceReference,
                                       NetworkProfile, OperatingSystemTypes, OSDisk, OSProfile, StorageProfile,
                                       VirtualMachine)

from azext_vmbootfix.repair import engine, tagged
from azext_vmbootfix.repair.plan import facts_of
from azext_vmbootfix.repair.recreate import ROLE_TAG, RUN_TAG

RUN_A = "0123abcd-0000-4000-8000-000000000001"
RUN_B = "89abcdef-0000-4000-8000-000000000002"
RG = "rg-oobe"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-oobe/providers/Microsoft.Compute"
ORIGINAL_DISK = SUB + "/disks/web01_OsDisk_1"


def _res(name, run_id=None, role=None):
    tags = {}
    if run_id:
        tags[RUN_TAG] = run_id
    if role:
        tags[ROLE_TAG] = role
    return types.SimpleNamespace(name=name, tags=tags or None)


def _resources(*listed):
    return types.SimpleNamespace(resources=types.SimpleNamespace(
        list_by_resource_group=lambda rg: list(listed) if rg == RG else []))


# -- which resources are the VM's, of which run ------------------------------------------------------------------
@pytest.mark.parametrize("name, run8, mine", [
    ("web01", None, True), ("WEB01", "0123abcd", True),
    ("web01-bootfix-0123abcd-backup", None, True), ("Web01-BootFix-0123ABCD-backup", "0123abcd", True),
    ("web01-rescue-0123abcd", None, True), ("web01-rescue-0123abcd-nic", "0123abcd", True),
    ("web01-bootfix-89abcdef-backup", "0123abcd", False), ("web01-rescue-89abcdef", "0123abcd", False),
    ("web010-bootfix-0123abcd", None, False), ("web01x", None, False), ("app01-rescue-0123abcd", None, False),
    (None, None, False), ("", None, False),
])
def test_a_resource_is_the_vms_by_its_name_and_the_runs_by_its_first_eight(name, run8, mine):
    assert tagged._mine(types.SimpleNamespace(name=name), "Web01", run8) is mine  # pylint: disable=protected-access


def test_the_one_run_is_found_with_its_resources_and_nothing_of_other_vms_or_untagged():
    backup = _res("web01-bootfix-0123abcd-backup", RUN_A, "backup")
    vm = _res("web01", RUN_A, "recreated")
    others = [_res("web01-bootfix-0123abcd-os"), _res("app01-bootfix-89abcdef-backup", RUN_B, "backup"),
              _res("web01-rescue-89abcdef", RUN_A, "rescue")]  # tagged with the run, named for another one
    assert tagged.find_run(_resources(backup, *others, vm), RG, "web01") == (RUN_A, [backup, vm])


def test_no_tagged_resource_of_the_vm_is_no_run_in_words():
    with pytest.raises(tagged.NoRun) as exc:
        tagged.find_run(_resources(_res("web01"), _res("app01", RUN_A, "recreated")), RG, "web01")
    assert str(exc.value) == "no resource in rg-oobe carries a vmbootfix-run tag of a repair of web01"


def test_an_earlier_run_that_left_only_its_backup_does_not_hide_the_live_one():
    old = _res("web01-bootfix-89abcdef-backup", RUN_B, "backup")
    live = [_res("web01-bootfix-0123abcd-backup", RUN_A, "backup"), _res("web01-rescue-0123abcd", RUN_A, "rescue")]
    assert tagged.find_run(_resources(old, *live), RG, "web01") == (RUN_A, live)


def test_a_single_run_with_only_its_backup_left_is_that_run():
    only = _res("web01-bootfix-0123abcd-backup", RUN_A, "backup")
    assert tagged.find_run(_resources(only), RG, "web01") == (RUN_A, [only])


def test_two_live_runs_cannot_be_told_apart_and_say_which():
    listed = [_res("web01-rescue-89abcdef", RUN_B, "rescue"), _res("web01-bootfix-0123abcd-os", RUN_A, "os-disk"),
              _res("web01-bootfix-0123abcd-backup", RUN_A, "backup")]
    with pytest.raises(tagged.NoRun) as exc:
        tagged.find_run(_resources(*listed), RG, "web01")
    assert str(exc.value) == ("resources of 2 runs of web01 carry vmbootfix-run tags ({}, {}): which one to undo "
                              "cannot be told apart".format(RUN_A, RUN_B))


def test_two_runs_with_only_backups_left_cannot_be_told_apart_either():
    listed = [_res("web01-bootfix-89abcdef-backup", RUN_B, "backup"),
              _res("web01-bootfix-0123abcd-backup", RUN_A, "backup")]
    with pytest.raises(tagged.NoRun, match=r"^resources of 2 runs of web01 carry vmbootfix-run tags \({}, {}\)"
                       .format(RUN_A, RUN_B)):
        tagged.find_run(_resources(*listed), RG, "web01")


# -- what cannot come back ------------------------------------------------------------------------------------
ALWAYS = ["the original deleteOption of the OS disk, data disks and NICs (they stay Detach)",
          "the VM's power state before the repair (it is left as the rollback leaves it)"]
RECREATE = ["the generalized state, osProfile and any tag the original VM had that the recreated one did not carry",
            "every field of the VM model the recreate did not carry over"]
NO_DISK = "the original OS disk is unknown: no backup snapshot of the run is left"


@pytest.mark.parametrize("path_name, vm, disk_id, expected", [
    ("recreate", object(), ORIGINAL_DISK, ALWAYS + RECREATE),
    ("rescue", object(), ORIGINAL_DISK, ALWAYS),
    ("rescue", object(), None, ALWAYS + [NO_DISK]),
    ("recreate", object(), None, ALWAYS + RECREATE + [NO_DISK]),
])
def test_what_a_rollback_from_tags_cannot_put_back(path_name, vm, disk_id, expected):
    assert tagged.not_restored(path_name, vm, disk_id, []) == expected


@pytest.mark.parametrize("found, kept", [
    ([_res("web01-rescue-0123abcd"), _res("web01-bootfix-0123abcd-backup")],
     "web01-bootfix-0123abcd-backup, web01-rescue-0123abcd"),
    ([], "none"),
])
def test_a_vm_that_is_gone_names_what_of_the_run_is_left(found, kept):
    assert tagged.not_restored("rescue", None, ORIGINAL_DISK, found) == ALWAYS + [
        "the VM itself: it was deleted and not created again, and its configuration was only in the journal; the "
        "run's resources still there: " + kept]


# -- the journal rebuilt from the tags --------------------------------------------------------------------------
class _Compute:
    def __init__(self, vm, snapshot_source=ORIGINAL_DISK, creation_data=True, os_type="Windows"):
        self.vm = vm
        snap = types.SimpleNamespace(creation_data=types.SimpleNamespace(source_resource_id=snapshot_source)
                                     if creation_data else None)
        self.snapshots = types.SimpleNamespace(get=lambda rg, name: snap if (rg, name) == (
            RG, "web01-bootfix-0123abcd-backup") else None)
        self.virtual_machines = types.SimpleNamespace(get=self._get_vm)
        disk = Disk(location="westeurope", os_type=os_type)
        disk.id, disk.name = ORIGINAL_DISK, "web01_OsDisk_1"
        self.disks = types.SimpleNamespace(get=lambda rg, name: disk if (rg, name) == (RG, "web01_OsDisk_1")
                                           else None)

    def _get_vm(self, rg, name):
        if self.vm is None or (rg, name) != (RG, "web01"):
            raise ResourceNotFoundError("not found")
        return self.vm


def _recreated_vm():
    vm = VirtualMachine(location="westeurope", tags={RUN_TAG: RUN_A, ROLE_TAG: "recreated", "team": "web"},
                        hardware_profile=HardwareProfile(vm_size="Standard_D2s_v5"),
                        os_profile=OSProfile(computer_name="web01", admin_username="azureuser"),
                        storage_profile=StorageProfile(os_disk=OSDisk(
                            create_option="FromImage", caching="ReadWrite", name="web01-bootfix-0123abcd-os",
                            delete_option="Detach", managed_disk=ManagedDiskParameters(id=SUB + "/disks/x"))),
                        network_profile=NetworkProfile(network_interfaces=[
                            NetworkInterfaceReference(id="/nic/web01-nic", delete_option="Detach")]))
    vm.id, vm.name, vm.provisioning_state, vm.vm_id = SUB + "/virtualMachines/web01", "web01", "Succeeded", "guid"
    return vm


def _recreate_run():
    """What a recreate run leaves tagged: its backup snapshot and the recreated VM."""
    return [_res("web01-bootfix-0123abcd-backup", RUN_A, "backup"), _res("web01", RUN_A, "recreated")]


def _rebuild(tmp_path, compute, *listed):
    return tagged.rebuild(compute, _resources(*listed), str(tmp_path / "web01.json"), "sub", RG, "web01",
                          engine.path_steps, facts_of)


def test_a_recreate_is_rebuilt_with_the_vm_as_it_is_and_the_disk_the_backup_was_taken_from(tmp_path):
    listed = _recreate_run()
    journal, run_id, missing = _rebuild(tmp_path, _Compute(_recreated_vm()), *listed)
    assert run_id == RUN_A and missing == ALWAYS + RECREATE
    data = journal.data
    assert data["path"] == "recreate" and data["runId"] == RUN_A
    assert [(s["name"], s["description"], s["article"]) for s in data["steps"]] == [
        (c.name, c.description, list(c.article)) for c in engine.path_steps("recreate")]
    assert {s["state"] for s in data["steps"]} == {"done"}
    assert (data["subscription"], data["resourceGroup"], data["vm"]) == ("sub", RG, "web01")
    original = data["original"]
    assert original["tags"] == {ROLE_TAG: "recreated", "team": "web"}  # the run's tag is not the original's
    assert "osProfile" not in original["properties"]
    assert original["properties"]["provisioningState"] == "Succeeded" and original["properties"]["vmId"] == "guid"
    assert original["properties"]["storageProfile"]["osDisk"] == {
        "osType": "Windows", "createOption": "Attach", "name": "web01_OsDisk_1", "deleteOption": "Detach",
        "caching": "ReadWrite", "managedDisk": {"id": ORIGINAL_DISK}}
    assert data["params"] == {"location": "westeurope", "osDiskId": ORIGINAL_DISK, "nicIds": ["/nic/web01-nic"],
                              "fromTags": True}
    assert data["facts"] == dict.fromkeys(data["facts"], None) | {
        "id": SUB + "/virtualMachines/web01", "name": "web01", "resourceGroup": RG, "location": "westeurope",
        "osDiskId": ORIGINAL_DISK, "nicIds": ["/nic/web01-nic"]}
    assert [{k: v for k, v in e.items() if k != "at"} for e in data["events"]] == [
        {"what": "journal", "state": "rebuilt-from-tags",
         "note": "the journal file was gone; found run {} by its tags".format(RUN_A)}]


@pytest.mark.parametrize("role", ["rescue", "fixed-copy"])
def test_a_run_with_a_rescue_vm_or_a_fixed_copy_is_rebuilt_as_a_rescue(tmp_path, role):
    listed = [_res("web01-bootfix-0123abcd-backup", RUN_A, "backup"), _res("web01-rescue-0123abcd", RUN_A, role)]
    vm = _recreated_vm()
    vm.tags, vm.os_profile = None, None  # a VM made from an attached OS disk has no osProfile
    journal, _run_id, missing = _rebuild(tmp_path, _Compute(vm), *listed)
    assert journal.data["path"] == "rescue" and missing == ALWAYS
    assert journal.data["original"]["tags"] == {}
    assert [s["name"] for s in journal.data["steps"]] == [c.name for c in engine.path_steps("rescue")]


@pytest.mark.parametrize("creation_data", [False, True])
def test_without_the_backups_source_nothing_is_rebuilt_and_it_says_why(tmp_path, creation_data):
    listed = _recreate_run()
    compute = _Compute(_recreated_vm(), snapshot_source=None, creation_data=creation_data)
    assert _rebuild(tmp_path, compute, *listed) == (None, RUN_A, ALWAYS + RECREATE + [NO_DISK])


def test_without_a_backup_nothing_is_rebuilt(tmp_path):
    listed = [_res("web01-rescue-0123abcd", RUN_A, "rescue")]
    assert _rebuild(tmp_path, _Compute(_recreated_vm()), *listed) == (None, RUN_A, ALWAYS + [NO_DISK])


def test_a_vm_that_is_gone_is_not_rebuilt_and_what_is_left_is_named(tmp_path):
    listed = [_res("web01-bootfix-0123abcd-backup", RUN_A, "backup"), _res("web01-rescue-0123abcd", RUN_A, "rescue")]
    journal, run_id, missing = _rebuild(tmp_path, _Compute(None), *listed)
    assert (journal, run_id) == (None, RUN_A) and missing == ALWAYS + [
        "the VM itself: it was deleted and not created again, and its configuration was only in the journal; the "
        "run's resources still there: web01-bootfix-0123abcd-backup, web01-rescue-0123abcd"]


@pytest.mark.parametrize("rid, expected", [
    (ORIGINAL_DISK, ("rg-oobe", "web01_OsDisk_1")),
    ("/subscriptions/s/RESOURCEGROUPS/Rg-Two/providers/Microsoft.Compute/disks/d1", ("Rg-Two", "d1")),
])
def test_a_disk_id_gives_its_group_and_name_as_written(rid, expected):
    assert tagged._group_and_name(rid) == expected  # pylint: disable=protected-access


@pytest.mark.parametrize("os_type, expected", [
    ("Windows", "Windows"), (None, "Windows"), ("Linux", "Linux"),  # the disk's own, Windows when it says none
    (OperatingSystemTypes.WINDOWS, "Windows"),  # a model holding the SDK's enum member (msrest-based SDKs)
])
def test_the_original_os_disk_keeps_its_own_os_type(tmp_path, os_type, expected):
    listed = _recreate_run()
    journal, _run_id, _missing = _rebuild(tmp_path, _Compute(_recreated_vm(), os_type=os_type), *listed)
    assert journal.data["original"]["properties"]["storageProfile"]["osDisk"]["osType"] == expected
