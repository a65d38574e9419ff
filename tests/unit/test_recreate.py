"""The recreate path's steps (azext_vmbootfix/repair/recreate.py) one at a time: what each observes, sends,
refuses and takes back. Against the in-process fake cloud (tests/repairkit.py), or a stub where Azure's
answer must be one the fake does not give (a VM model holding a password, a boot that never finishes).
The VM bodies, recreate-from-image and verify-boot: tests/unit/test_recreate_vm.py."""
# pylint: disable=protected-access  (the steps' helpers are what is tested)
from types import SimpleNamespace

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.compute.models import OSProfile, VirtualMachine

from azext_vmbootfix.repair import engine
from azext_vmbootfix.repair import recreate as S
from recreatekit import DATA, GEN, http_error as _http_error, put as _put, raise_ as _raise
from recreatekit import recorded as _recorded, vm_of as _vm
from repairkit import Harness


# -- helpers ------------------------------------------------------------------------------------------
def test_names_are_made_from_the_first_8_characters_of_the_run_id(secret_canary):
    h = Harness(DATA, canary=secret_canary)
    ctx = h.new_context()
    run8 = ctx.run_id.replace("-", "")[:8]
    assert S._run8(ctx) == run8
    assert S.BackupOsDisk()._snapshot_name(ctx) == "app02-bootfix-{}-os".format(run8)
    assert S.RecreateFromImage()._os_disk_name(ctx) == "app02-bootfix-{}-osdisk".format(run8)
    ctx.journal.data["vm"] = "v" * 90
    assert len(S.BackupOsDisk()._snapshot_name(ctx)) == 80
    assert len(S.RecreateFromImage()._os_disk_name(ctx)) == 80


def test_an_error_code_is_read_from_the_azure_error_or_empty():
    assert S._code(_http_error("Conflict")) == "Conflict"
    assert S._code(ValueError("x")) == ""
    assert S._code(SimpleNamespace(error=SimpleNamespace(code=None))) == ""


def test_without_the_original_recorded_a_step_refuses_and_says_to_roll_back(secret_canary):
    ctx = Harness(GEN, canary=secret_canary).new_context()
    with pytest.raises(S.StepFailed) as info:
        S._original(ctx)
    assert str(info.value) == "the journal has no record of the original VM"
    assert info.value.recommendation == "az vm boot-fix rollback"


def test_a_step_by_default_plans_nothing_and_keeps_its_effect_on_rollback():
    step = S.Step()
    assert step.plan(None) == {"reads": [], "creates": [], "changes": [], "keeps": []}
    assert step.undo(None) is None
    with pytest.raises(NotImplementedError):
        step.done(None)
    with pytest.raises(NotImplementedError):
        step.apply(None)
    err = S.StepFailed("m", "r")
    assert str(err) == "m" and err.recommendation == "r" and S.StepFailed("m").recommendation is None


def test_the_nic_wait_retries_a_reserved_nic_every_10_seconds_up_to_the_limit():
    slept, said, calls = [], [], []
    ctx = SimpleNamespace(sleep=slept.append, progress=said.append)

    def reserved_twice():
        calls.append(1)
        if len(calls) <= 2:
            raise _http_error("NicReservedForAnotherVm")
        return "created"
    assert S._wait_nic(ctx, reserved_twice) == "created"
    assert slept == [10, 10] and said == ["the NIC is still reserved after the VM delete; waiting 10 s"] * 2
    calls.clear()
    slept.clear()
    with pytest.raises(HttpResponseError):
        S._wait_nic(ctx, lambda: calls.append(1) or _raise(_http_error("NicReservedForAnotherVm")))
    assert len(calls) == S.NIC_RETRY_LIMIT + 1 == 25 and len(slept) == 24  # 240 s > Azure's 180 s
    calls.clear()
    with pytest.raises(HttpResponseError, match="Conflict"):
        S._wait_nic(ctx, lambda: calls.append(1) or _raise(_http_error("Conflict")))
    assert len(calls) == 1


def test_the_timing_constants():
    assert (S.NIC_RETRY_SECONDS, S.NIC_RETRY_LIMIT, S.BOOT_POLL_SECONDS, S.BOOT_TIMEOUT_SECONDS) == (10, 24, 10, 900)
    assert S.FAILED_GRACE_SECONDS == 60  # provisioning Failed: a minute more for the agent before giving up
    assert (S.RUN_TAG, S.ROLE_TAG) == ("vmbootfix-run", "vmbootfix-role")


# -- record-original ----------------------------------------------------------------------------------
def test_record_original_keeps_the_model_without_instance_view_and_says_how_the_vm_was(secret_canary):
    h = Harness(GEN, canary=secret_canary)
    ctx = h.new_context()
    step = S.RecordOriginal()
    assert step.plan(ctx) == {"reads": [h.original.id], "creates": [], "changes": [], "keeps": []}
    assert step.done(ctx) is False
    out = step.apply(ctx)
    original = out.pop("original")
    assert out == {"originalOsDiskId": h.original.storage_profile.os_disk.managed_disk.id,
                   "originalPowerState": "deallocated", "originalGeneralized": True, "publicIpDeleteOptions": {},
                   "publicIpNics": {}, "keptOutOfJournal": []}
    assert ctx.journal.data["original"] is None  # steps return outputs; only the engine writes the journal
    engine.record(ctx.journal, ctx.journal.step(step.name), "done", dict(out, original=original))
    assert ctx.journal.data["original"] == original and "original" not in ctx.journal.step(step.name)["outputs"]
    assert original["id"] == h.original.id and "instanceView" not in original["properties"]
    assert original["properties"]["vmId"] == h.original.vm_id  # read-only properties kept
    assert step.done(ctx) is True
    gets = [r["query"] + "&" for r in h.cloud.request_log if r["method"] == "GET" and r["path"].endswith("/app01")]
    assert "$expand=instanceView&" in gets[-2]  # as the API spells it (InstanceViewTypes)
    assert "$expand=userData&" in gets[-1]  # user data comes only with its own $expand


def test_record_original_of_a_running_vm_that_is_not_generalized(secret_canary):
    h = Harness("oobe-stuck", canary=secret_canary)
    out = S.RecordOriginal().apply(h.new_context())
    assert out["originalPowerState"] == "running" and out["originalGeneralized"] is False


def test_record_original_never_keeps_an_admin_password():
    vm = VirtualMachine(location="eastus", os_profile=OSProfile(computer_name="c", admin_username="a",
                                                                admin_password="Secret-1!"))
    vm.storage_profile = SimpleNamespace(os_disk=SimpleNamespace(managed_disk=SimpleNamespace(id="/disks/os")))
    vm.instance_view = None
    compute = SimpleNamespace(virtual_machines=SimpleNamespace(get=lambda *a, **kw: vm))
    journal = SimpleNamespace(data={"resourceGroup": "rg", "vm": "vm"})
    ctx = SimpleNamespace(compute=compute, journal=journal, resource_group="rg", vm_name="vm", memory={},
                          resources=None)
    profile = {"adminUsername": "a", "adminPassword": "Secret-1!"}
    vm.serialize = lambda keep_readonly=False: {"properties": {"osProfile": dict(profile)}}
    out = S.RecordOriginal().apply(ctx)
    assert out == {"original": {"properties": {"osProfile": {"adminUsername": "a"}}}, "originalOsDiskId": "/disks/os",
                   "originalPowerState": None, "originalGeneralized": False, "publicIpDeleteOptions": {},
                   "publicIpNics": {}, "keptOutOfJournal": []}
    assert "Secret-1!" not in repr(ctx.memory)  # nor in the run's memory
    vm.serialize = lambda keep_readonly=False: {"id": "/vm"}  # a model with no properties at all
    assert S.RecordOriginal().apply(ctx)["original"] == {"id": "/vm"}


# -- keep-disks-and-nics (article step 1) ---------------------------------------------------------------
def _profile(os_option, data_options, nic_options, network=True):
    disks = [SimpleNamespace(delete_option=o) for o in data_options]
    nics = [SimpleNamespace(delete_option=o) for o in nic_options]
    return SimpleNamespace(storage_profile=SimpleNamespace(os_disk=SimpleNamespace(delete_option=os_option),
                                                           data_disks=disks),
                           network_profile=SimpleNamespace(network_interfaces=nics) if network else None)


@pytest.mark.parametrize("os_option,data,nics,network,expected", [
    ("Detach", ["Detach"], ["Detach"], True, True),
    (None, [None], [None], True, True),  # unset is Detach (Azure's default)
    ("detach", ["DETACH"], [], True, True),
    ("Delete", [], [], True, False),
    ("Detach", ["Detach", "Delete"], [], True, False),
    ("Detach", [], ["Delete"], True, False),
    ("Detach", [], [], False, True),
])
def test_all_detach_looks_at_the_os_disk_every_data_disk_and_every_nic(os_option, data, nics, network, expected):
    assert S.KeepDisksAndNics._all_detach(_profile(os_option, data, nics, network)) is expected


def test_keep_disks_sets_detach_on_the_os_disk_every_data_disk_and_the_nic(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    step = S.KeepDisksAndNics()
    assert step.plan(ctx) == {"reads": [h.original.id], "creates": [], "changes": [h.original.id], "keeps": []}
    assert step.done(ctx) is False
    assert step.apply(ctx) == {}
    vm = _vm(h)
    assert vm.storage_profile.os_disk.delete_option == "Detach"
    assert [d.delete_option for d in vm.storage_profile.data_disks] == ["Detach", "Detach"]
    assert vm.network_profile.network_interfaces[0].delete_option == "Detach"
    assert step.done(ctx) is True


def test_keep_disks_is_done_when_the_vm_is_gone_or_is_the_runs_own(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    step = S.KeepDisksAndNics()
    vm = _vm(h)
    vm.tags = dict(vm.tags, **{S.RUN_TAG: ctx.run_id})
    _put(h, vm)
    assert step.done(ctx) is True  # the run's own VM (delete options Delete still): nothing to keep
    h.compute.virtual_machines.begin_delete(h.rg, h.name).result()
    assert step.done(ctx) is True


def test_undoing_keep_disks_puts_every_original_delete_option_back(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    step = S.KeepDisksAndNics()
    step.apply(ctx)
    assert step.undo(ctx) is None
    vm = _vm(h)
    assert vm.storage_profile.os_disk.delete_option == "Delete"
    assert [d.delete_option for d in vm.storage_profile.data_disks] == ["Delete", "Detach"]
    assert vm.network_profile.network_interfaces[0].delete_option == "Delete"


def test_undoing_keep_disks_of_a_vm_that_was_all_detach_changes_nothing(secret_canary):
    h, ctx = _recorded(GEN, secret_canary)
    h.requests = 0
    S.KeepDisksAndNics().undo(ctx)
    assert h.requests == 1  # the GET; no PUT


@pytest.mark.parametrize("what", ["os", "nic"])
def test_undoing_keep_disks_restores_an_os_disk_or_a_nic_set_to_delete(secret_canary, what):
    h = Harness(GEN, canary=secret_canary)
    vm = _vm(h)
    if what == "os":
        vm.storage_profile.os_disk.delete_option = "Delete"
    else:
        vm.network_profile.network_interfaces[0].delete_option = "Delete"
    _put(h, vm)
    ctx = h.new_context()
    engine.record(ctx.journal, ctx.journal.step("record-original"), "done", S.RecordOriginal().apply(ctx))
    S.KeepDisksAndNics().apply(ctx)
    S.KeepDisksAndNics().undo(ctx)
    vm = _vm(h)
    assert vm.storage_profile.os_disk.delete_option == ("Delete" if what == "os" else "Detach")
    assert vm.network_profile.network_interfaces[0].delete_option == ("Delete" if what == "nic" else "Detach")


def test_undoing_keep_disks_reads_an_original_that_omits_options_as_detach(secret_canary):
    """An original without deleteOption (or data disks, or NICs) was Detach: undo restores Detach, and sends
    nothing when nothing was Delete."""
    h, ctx = _recorded(DATA, secret_canary)
    S.KeepDisksAndNics().apply(ctx)
    props = ctx.journal.data["original"]["properties"]
    del props["storageProfile"]["osDisk"]["deleteOption"]
    props["storageProfile"]["dataDisks"][1].pop("deleteOption")
    props["networkProfile"]["networkInterfaces"][0]["properties"].pop("deleteOption")
    h.requests = 0
    S.KeepDisksAndNics().undo(ctx)  # data disk 0 was Delete: a PUT, with Detach for all the others
    vm = _vm(h)
    assert vm.storage_profile.os_disk.delete_option == "Detach"
    assert [d.delete_option for d in vm.storage_profile.data_disks] == ["Delete", "Detach"]
    assert vm.network_profile.network_interfaces[0].delete_option == "Detach"
    props["storageProfile"]["dataDisks"][0]["deleteOption"] = "Detach"
    S.KeepDisksAndNics().apply(ctx)
    h.requests = 0
    S.KeepDisksAndNics().undo(ctx)
    assert h.requests == 1  # all Detach: the GET only
    del props["storageProfile"]["dataDisks"]
    del props["networkProfile"]
    S.KeepDisksAndNics().undo(ctx)
    assert [d.delete_option for d in _vm(h).storage_profile.data_disks] == ["Detach", "Detach"]


def test_undoing_keep_disks_leaves_a_data_disk_attached_since_as_it_is(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    S.KeepDisksAndNics().apply(ctx)
    disk = h.compute.disks.begin_create_or_update(h.rg, "app02-new", {"location": "eastus", "creation_data": {
        "create_option": "Empty"}, "disk_size_gb": 8}).result()
    vm = _vm(h)
    vm.storage_profile.data_disks.append({"lun": 5, "create_option": "Attach", "managed_disk": {"id": disk.id},
                                          "delete_option": "Delete"})
    _put(h, vm)
    S.KeepDisksAndNics().undo(ctx)
    options = {d.lun: d.delete_option for d in _vm(h).storage_profile.data_disks}
    assert options == {0: "Delete", 1: "Detach", 5: "Delete"}  # LUN 5 is not the run's to change


def test_undoing_keep_disks_of_a_nic_given_without_properties(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    S.KeepDisksAndNics().apply(ctx)
    nic = ctx.journal.data["original"]["properties"]["networkProfile"]["networkInterfaces"][0]
    nic["deleteOption"] = nic.pop("properties")["deleteOption"]  # the flattened shape of an SDK model
    S.KeepDisksAndNics().undo(ctx)
    assert _vm(h).network_profile.network_interfaces[0].delete_option == "Delete"


def test_undoing_keep_disks_leaves_a_gone_or_recreated_vm_alone(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    vm = _vm(h)
    vm.tags = {S.RUN_TAG: ctx.run_id}
    _put(h, vm)
    h.requests = 0
    assert S.KeepDisksAndNics().undo(ctx) is None and h.requests == 1
    h.compute.virtual_machines.begin_delete(h.rg, h.name).result()
    assert S.KeepDisksAndNics().undo(ctx) is None


# -- backup-os-disk ---------------------------------------------------------------------------------------
def test_backup_is_a_full_copy_of_the_original_os_disk_tagged_with_the_run(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    step = S.BackupOsDisk()
    name = step._snapshot_name(ctx)
    os_disk = h.original.storage_profile.os_disk.managed_disk.id
    assert step.plan(ctx) == {"reads": [os_disk], "creates": ["snapshot " + name], "changes": [], "keeps": []}
    assert step.done(ctx) is False
    out = step.apply(ctx)
    snap = h.compute.snapshots.get(h.rg, name)
    assert out == {"backupSnapshotId": snap.id}
    assert snap.tags == {S.RUN_TAG: ctx.run_id, S.ROLE_TAG: "backup"} and snap.location == "eastus"
    assert snap.creation_data.create_option == "Copy" and snap.creation_data.source_resource_id.lower() == \
        os_disk.lower()
    assert snap.incremental is False
    assert step.done(ctx) is True


# -- delete-vm ------------------------------------------------------------------------------------------
def test_delete_plans_to_keep_the_os_disk_and_every_nic(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    plan = S.DeleteVm().plan(ctx)
    assert plan == {"reads": [], "creates": [], "changes": ["delete " + h.original.id],
                    "keeps": [h.original.storage_profile.os_disk.managed_disk.id] +
                    [n.id for n in h.original.network_profile.network_interfaces]}


def test_delete_is_done_when_the_vm_is_gone_or_already_the_runs_own(secret_canary):
    h, ctx = _recorded(GEN, secret_canary)
    vm = _vm(h)
    vm.tags = {S.RUN_TAG: ctx.run_id}
    _put(h, vm)
    assert S.DeleteVm().done(ctx) is True
    vm.tags = {S.RUN_TAG: "another run"}
    _put(h, vm)
    assert S.DeleteVm().done(ctx) is False


def test_delete_refuses_while_something_would_go_with_the_vm(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    with pytest.raises(S.StepFailed) as info:
        S.DeleteVm().apply(ctx)
    assert str(info.value) == "the VM's disks or NICs are not set to be kept; refusing to delete it"
    assert info.value.recommendation == "az vm boot-fix resume -g rg-data -n app02"
    assert _vm(h) is not None


def test_delete_keeps_the_disks_and_nic_and_undo_brings_the_original_back(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    S.KeepDisksAndNics().apply(ctx)
    step = S.DeleteVm()
    assert step.done(ctx) is False
    assert step.apply(ctx) == {}
    assert step.done(ctx) is True
    h.assert_nothing_lost()
    assert step.undo(ctx) is None
    vm = _vm(h)  # back from its own disks, every deleteOption still Detach ...
    assert [vm.storage_profile.os_disk.delete_option, vm.network_profile.network_interfaces[0].delete_option] + [
        d.delete_option for d in vm.storage_profile.data_disks] == ["Detach"] * 4
    S.KeepDisksAndNics().undo(ctx)  # ... until rollback's last step puts the original ones back
    h.assert_original_restored()  # deallocated and generalized again, as it was
    assert step.undo(ctx) is None  # the original is there: nothing to do


def test_undoing_delete_of_a_running_vm_leaves_it_running(secret_canary):
    h, ctx = _recorded("oobe-stuck", secret_canary)
    S.DeleteVm().apply(ctx)
    S.DeleteVm().undo(ctx)
    view = h.compute.virtual_machines.instance_view(h.rg, h.name)
    assert "PowerState/running" in [s.code for s in view.statuses]
    assert "OSState/generalized" not in [s.code for s in view.statuses]


@pytest.mark.parametrize("power", ["deallocated", "stopped"])
def test_undoing_delete_of_a_vm_that_was_not_running_leaves_it_as_it_was(secret_canary, power):
    h = Harness("oobe-stuck", canary=secret_canary)
    vms = h.compute.virtual_machines
    (vms.begin_deallocate if power == "deallocated" else vms.begin_power_off)(h.rg, h.name).result()
    h.original = vms.get(h.rg, h.name, expand="instanceView")
    h.original_model = h.model()
    ctx = h.new_context()
    engine.record(ctx.journal, ctx.journal.step("record-original"), "done", S.RecordOriginal().apply(ctx))
    assert ctx.journal.step("record-original")["outputs"]["originalPowerState"] == power
    S.DeleteVm().apply(ctx)
    S.DeleteVm().undo(ctx)
    S.KeepDisksAndNics().undo(ctx)
    h.assert_original_restored()  # the same power state, not generalized


def test_undoing_delete_refuses_when_another_vm_took_the_name(secret_canary):
    h, ctx = _recorded(GEN, secret_canary)
    ctx.journal.data["original"]["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"] = "/other/disk"
    with pytest.raises(S.StepFailed, match="^a VM named app01 exists that is not the original one$"):
        S.DeleteVm().undo(ctx)
