"""Edges of repair/rescue.py the mutation run found unguarded: the copy of the OS disk and the rescue VM exactly
as they are created (what is kept, what is deleted with the VM, how it is tagged), the throw-away password, the
security type per kind of copy, and the clean-up that deletes only what this run created."""
import re
import string
import types

import pytest

from azext_vmbootfix.repair import engine, rescue as R
from azext_vmbootfix.repair.recreate import ROLE_TAG, RUN_TAG, StepFailed
from repairkit import Harness

NETWORK_API = "2024-05-01"


@pytest.fixture
def created():
    """A rescue run stopped right after create-rescue-vm (the first Run Command refused). Made for each test that
    uses it: mutation testing runs, for a mutant, only the tests that called the mutated code, and a fixture
    shared by the module is made for the first of them only."""
    return _stopped_after_create()


def test_the_copy_is_the_snapshots_with_the_source_disks_kind_and_the_runs_tags(created):
    h, ctx = created
    source = h.compute.disks.get(h.rg, h.original.storage_profile.os_disk.name)
    copy = h.compute.disks.get(h.rg, R._copy_name(ctx))  # pylint: disable=protected-access
    assert copy.tags == {RUN_TAG: ctx.run_id, ROLE_TAG: "fixed-copy"}
    assert (copy.sku.name, copy.os_type, copy.hyper_v_generation, copy.location) == \
        (source.sku.name, source.os_type, source.hyper_v_generation, source.location)
    assert str(copy.creation_data.create_option) in ("Copy", "DiskCreateOption.COPY")
    assert copy.creation_data.source_resource_id.endswith("/snapshots/web01-bootfix-{}-os".format(
        ctx.run_id.replace("-", "")[:8]))
    assert ctx.journal.step("copy-os-disk")["outputs"] == {"fixedDiskId": copy.id, "generation": "V2"}


def test_the_rescue_vm_keeps_the_copy_and_takes_its_own_disk_and_nic_with_it(created):
    h, ctx = created
    vm = h.compute.virtual_machines.get(h.rg, R._rescue_name(ctx))  # pylint: disable=protected-access
    run8 = ctx.run_id.replace("-", "")[:8]
    assert vm.tags == {RUN_TAG: ctx.run_id, ROLE_TAG: "rescue"} and vm.hardware_profile.vm_size == "Standard_D4s_v5"
    os_disk = vm.storage_profile.os_disk
    assert (os_disk.name, os_disk.caching, os_disk.managed_disk.storage_account_type, os_disk.delete_option) == \
        ("web01-rescue-{}-osdisk".format(run8), "ReadWrite", "Premium_LRS", "Delete")
    [data] = vm.storage_profile.data_disks
    assert (data.lun, data.caching, data.delete_option, data.name) == (0, "None", "Detach",
                                                                        "web01-bootfix-{}-fixed".format(run8))
    assert vm.os_profile.computer_name == "rescue" + run8 and vm.os_profile.admin_username == R.RESCUE_ADMIN
    [nic_ref] = vm.network_profile.network_interfaces
    assert nic_ref.primary and nic_ref.delete_option == "Delete"
    assert vm.diagnostics_profile.boot_diagnostics.enabled
    nic = h.resources.resources.get_by_id(R._rescue_nic_id(ctx), NETWORK_API)  # pylint: disable=protected-access
    assert nic.tags == {RUN_TAG: ctx.run_id, ROLE_TAG: "rescue"} and "networkSecurityGroup" not in nic.properties
    [config] = nic.properties["ipConfigurations"]
    assert config["name"] == "ipconfig1" and config["properties"]["privateIPAllocationMethod"] == "Dynamic"
    assert "publicIPAddress" not in config["properties"]
    original_nic = h.resources.resources.get_by_id(h.original.network_profile.network_interfaces[0].id, NETWORK_API)
    assert config["properties"]["subnet"]["id"] == \
        original_nic.properties["ipConfigurations"][0]["properties"]["subnet"]["id"]
    rescue_disk = h.compute.disks.get(h.rg, os_disk.name)
    assert rescue_disk.tags[RUN_TAG] == ctx.run_id and rescue_disk.tags[ROLE_TAG] == "rescue-os-disk"
    outputs = ctx.journal.step("create-rescue-vm")["outputs"]
    assert {k: v for k, v in outputs.items() if k != "inFlight"} == {  # inFlight: the engine's, see step.py
        "rescueVmId": vm.id, "rescueNicId": nic.id, "securityType": "Standard"}


def test_the_throw_away_password_is_long_and_has_every_kind_of_character():
    for _ in range(50):
        password = R.random_password()
        assert len(password) == 24
        assert any(c in string.ascii_uppercase for c in password) and any(c in string.ascii_lowercase
                                                                          for c in password)
        assert any(c in string.digits for c in password) and any(c in "!@#%^*-_=+" for c in password)
        assert set(password) <= set(string.ascii_letters + string.digits + "!@#%^*-_=+")
    assert len({R.random_password() for _ in range(20)}) == 20


def test_the_throw_away_password_draws_one_of_each_kind_then_twenty_of_all_and_shuffles(monkeypatch):
    """The draws themselves (the test above samples them: a pool with a wrong character could pass it by chance)."""
    pools = []
    symbols = "!@#%^*-_=+"
    monkeypatch.setattr(R, "secrets", types.SimpleNamespace(
        choice=lambda pool: pools.append(pool) or pool[len(pools) % len(pool)],
        SystemRandom=lambda: types.SimpleNamespace(shuffle=lambda chars: chars.reverse())))
    password = R.random_password()
    everything = string.ascii_uppercase + string.ascii_lowercase + string.digits + symbols
    assert pools == [string.ascii_uppercase, string.ascii_lowercase, string.digits, symbols] + [everything] * 20
    drawn = [p[(i + 1) % len(p)] for i, p in enumerate(pools)]
    assert password == "".join(reversed(drawn))


def _disk(kind):
    value = types.SimpleNamespace(value=kind) if kind else None
    return types.SimpleNamespace(security_profile=types.SimpleNamespace(security_type=value))


def test_the_rescue_vms_security_follows_the_copy():
    assert R.rescue_security(_disk(None)) == {"securityType": "Standard"}
    assert R.rescue_security(types.SimpleNamespace(security_profile=None)) == {"securityType": "Standard"}
    assert R.rescue_security(_disk("TrustedLaunch")) == {
        "securityType": "TrustedLaunch", "uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": True}}
    with pytest.raises(StepFailed) as exc:
        R.rescue_security(_disk("ConfidentialVM_DiskEncryptedWithCustomerKey"))
    assert str(exc.value) == "the OS disk is a Confidential VM disk (ConfidentialVM_DiskEncryptedWithCustomerKey): " \
                             "its copy cannot be finished offline"
    assert exc.value.recommendation == "Roll back (`az vm boot-fix rollback`) and restore the VM from a backup."


def test_an_attached_copy_is_never_deleted(created):
    h, ctx = created
    with pytest.raises(StepFailed) as exc:
        R.CopyOsDisk().undo(ctx)
    assert str(exc.value).startswith("the copy web01-bootfix-") and "is still attached to /subscriptions/" in \
        str(exc.value) and str(exc.value).endswith("-rescue-{}; refusing to delete it".format(
            ctx.run_id.replace("-", "")[:8]))


def test_the_clean_up_deletes_only_what_carries_this_runs_tag():
    h = Harness("oobe-stuck-no-image")
    ctx = h.new_context("rescue")
    other = "another-run"
    for rid, body in ((R._rescue_nsg_id(ctx), {"properties": {"securityRules": []}}),  # pylint: disable=protected-access
                      (R._rescue_pip_id(ctx), {"sku": {"name": "Standard"},  # pylint: disable=protected-access
                                               "properties": {"publicIPAllocationMethod": "Static"}})):
        h.resources.resources.begin_create_or_update_by_id(rid, NETWORK_API, dict(
            body, location="eastus", tags={RUN_TAG: other})).result()
    assert not R.DeleteRescueVm().done(ctx)       # something with the rescue's names is still there
    R.DeleteRescueVm().apply(ctx)
    for rid in (R._rescue_nsg_id(ctx), R._rescue_pip_id(ctx)):  # pylint: disable=protected-access
        assert h.resources.resources.get_by_id(rid, NETWORK_API).tags == {RUN_TAG: other}


@pytest.mark.parametrize("state, done", [("Succeeded", True), ("succeeded", True), ("Creating", False),
                                         (None, False)])
def test_the_copy_is_done_once_azure_says_it_succeeded(monkeypatch, state, done):
    monkeypatch.setattr(R, "_copy_disk", lambda ctx: types.SimpleNamespace(provisioning_state=state))
    assert R.CopyOsDisk().done(None) is done
    monkeypatch.setattr(R, "_copy_disk", lambda ctx: None)
    assert R.CopyOsDisk().done(None) is False


def test_the_rescue_vm_plan_reads_the_vms_first_nic_only():
    h = Harness("oobe-stuck-no-image")
    ctx = h.new_context("rescue")
    ctx.facts = dict(ctx.facts, nicIds=["/x/networkInterfaces/first", "/x/networkInterfaces/second"])
    assert R.CreateRescueVm().plan(ctx)["reads"] == ["/x/networkInterfaces/first"]   # where the subnet is read


def _stopped_after_create():
    h = Harness("oobe-stuck-no-image")
    ctx = h.new_context("rescue")
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "runCommands/" + R.RC_DISKS, "status": 409,
                        "code": "Conflict", "count": 5})
    with pytest.raises(engine.RepairError, match="finish-setup"):
        engine.apply(ctx)
    return h, ctx


def _leave_behind(h, ctx, nic=True):
    """The rescue VM set to keep its OS disk (and NIC): what a create that failed half-way can leave."""
    vm = h.compute.virtual_machines.get(h.rg, R._rescue_name(ctx))  # pylint: disable=protected-access
    vm.storage_profile.os_disk.delete_option = "Detach"
    for ref in vm.network_profile.network_interfaces if nic else []:
        ref.delete_option = "Detach"
    h.compute.virtual_machines.begin_create_or_update(h.rg, vm.name, vm).result()


def _gone(h, ctx):
    """(rescue VM gone, its OS disk gone, its NIC gone, the copy still there)."""
    rescue = R._rescue_name(ctx)  # pylint: disable=protected-access
    names = [vm.name for vm in h.compute.virtual_machines.list(h.rg)]
    disks = [d.name for d in h.compute.disks.list_by_resource_group(h.rg)]
    nic = R._get_or_none(h.resources.resources.get_by_id, R._rescue_nic_id(ctx),  # pylint: disable=protected-access
                         NETWORK_API)
    return rescue not in names, R._rescue_os_disk_name(ctx) not in disks, nic is None, \
        R._copy_name(ctx) in disks  # pylint: disable=protected-access


def test_deleting_the_rescue_vm_leaves_it_in_flight_then_deletes_the_disk_it_left():
    h, ctx = _stopped_after_create()
    _leave_behind(h, ctx, nic=False)
    labels, start = [], ctx.start
    ctx.start = lambda poller, what, then=None: labels.append(what) or start(poller, what, then=then)
    step = R.DeleteRescueVm()
    assert step.done(ctx) is False
    assert step.apply(ctx) == {}
    assert labels == ["delete VM " + R._rescue_name(ctx)]  # pylint: disable=protected-access
    assert _gone(h, ctx) == (True, True, True, True)  # the copy stays
    assert step.done(ctx) is True


def test_undoing_the_rescue_vm_deletes_it_and_the_disk_it_left_at_once():
    h, ctx = _stopped_after_create()
    _leave_behind(h, ctx, nic=False)
    R.CreateRescueVm().undo(ctx)
    assert _gone(h, ctx) == (True, True, True, True)


def test_a_disk_and_a_nic_the_rescue_vm_left_are_deleted_and_each_keeps_the_step_from_being_done():
    h, ctx = _stopped_after_create()
    _leave_behind(h, ctx)
    h.compute.virtual_machines.begin_delete(h.rg, R._rescue_name(ctx)).result()  # pylint: disable=protected-access
    step = R.DeleteRescueVm()
    assert _gone(h, ctx) == (True, False, False, True) and step.done(ctx) is False
    h.compute.disks.begin_delete(h.rg, R._rescue_os_disk_name(ctx)).result()  # pylint: disable=protected-access
    assert step.done(ctx) is False  # the NIC alone
    waits = []
    ctx.progress = waits.append
    started = h.cloud.clock.now()
    step.apply(ctx)  # Azure keeps the deleted VM's NIC reserved for 180 s and refuses its delete until then
    assert _gone(h, ctx) == (True, True, True, True) and step.done(ctx) is True
    assert 180 <= h.cloud.clock.now() - started < 200
    assert waits and set(waits) == {"the NIC is still reserved after the VM delete; waiting 10 s"}


def test_a_disk_the_rescue_vm_left_alone_keeps_the_step_from_being_done():
    h, ctx = _stopped_after_create()
    _leave_behind(h, ctx, nic=False)
    h.compute.virtual_machines.begin_delete(h.rg, R._rescue_name(ctx)).result()  # pylint: disable=protected-access
    assert _gone(h, ctx) == (True, False, True, True) and R.DeleteRescueVm().done(ctx) is False


class _Disks:
    def __init__(self, source):
        self.source, self.sent = source, []

    def get(self, rg, name):
        return self.source

    def begin_create_or_update(self, rg, name, body):
        self.sent.append((rg, name, body))
        return types.SimpleNamespace(result=lambda: types.SimpleNamespace(id="/disks/" + name))


def _copy_context(source):
    """copy-os-disk's context on stand-ins: the source disk read, the backup snapshot, the disks it sends."""
    disks = _Disks(source)
    ctx = types.SimpleNamespace(
        compute=types.SimpleNamespace(disks=disks, snapshots=types.SimpleNamespace(
            get=lambda rg, name: types.SimpleNamespace(id="/snapshots/" + name))),
        journal=types.SimpleNamespace(data={"original": {"properties": {"storageProfile": {"osDisk": {
            "managedDisk": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/os1"}}}}}}),
        run_id="0123abcd-0000", resource_group="rg", vm_name="web01")
    return disks, ctx


@pytest.mark.parametrize("sku, expected", [(types.SimpleNamespace(name="StandardSSD_LRS"), "StandardSSD_LRS"),
                                           (None, "Premium_LRS")])
def test_the_copy_is_sent_with_the_sources_kind_and_premium_when_the_source_shows_none(sku, expected):
    source = types.SimpleNamespace(location="westeurope", sku=sku, os_type="Windows", hyper_v_generation="V1",
                                   zones=None, security_profile=None)
    disks, ctx = _copy_context(source)
    assert R.CopyOsDisk().apply(ctx) == {"fixedDiskId": "/disks/web01-bootfix-0123abcd-fixed", "generation": "V1"}
    [(rg, name, body)] = disks.sent
    assert (rg, name) == ("rg", "web01-bootfix-0123abcd-fixed")
    assert body == {"location": "westeurope", "tags": {RUN_TAG: "0123abcd-0000", ROLE_TAG: "fixed-copy"},
                    "sku": {"name": expected}, "osType": "Windows", "hyperVGeneration": "V1",
                    "creationData": {"createOption": "Copy",
                                     "sourceResourceId": "/snapshots/web01-bootfix-0123abcd-os"}}


def _rescue(state, disks):
    return types.SimpleNamespace(provisioning_state=state, storage_profile=types.SimpleNamespace(data_disks=[
        types.SimpleNamespace(lun=lun, managed_disk=types.SimpleNamespace(id=rid)) for lun, rid in disks]))


@pytest.mark.parametrize("vm, done", [
    (None, False),
    (_rescue("Succeeded", [(0, "/DISKS/COPY")]), True), (_rescue("succeeded", [(1, "/x"), (0, "/disks/copy")]), True),
    (_rescue("Creating", [(0, "/disks/copy")]), False), (_rescue(None, [(0, "/disks/copy")]), False),
    (_rescue("Succeeded", [(1, "/disks/copy")]), False), (_rescue("Succeeded", [(0, "/disks/other")]), False),
    (_rescue("Succeeded", []), False)])
def test_the_rescue_vm_is_done_once_it_succeeded_with_the_copy_at_lun_0(monkeypatch, vm, done):
    ctx = types.SimpleNamespace()
    monkeypatch.setattr(R, "_rescue_vm", lambda c: vm)
    monkeypatch.setattr(R, "_copy_id", lambda c: "/disks/copy" if c is ctx else None)
    assert R.CreateRescueVm().done(ctx) is done


@pytest.mark.parametrize("configs, subnet", [
    ([{"properties": {"subnet": {"id": "/s1"}}}, {"properties": {"primary": True, "subnet": {"id": "/s2"}}}], "/s2"),
    ([{"properties": {"subnet": {"id": "/s1"}}}, {"properties": {"subnet": {"id": "/s2"}}}], "/s1"),
    ([{"name": "bare"}, {"properties": {"primary": True, "subnet": {"id": "/s3"}}}], "/s3")])
def test_the_rescue_vm_joins_the_subnet_of_the_vms_primary_ip_configuration(configs, subnet):
    nic = types.SimpleNamespace(properties={"ipConfigurations": configs})
    ctx = types.SimpleNamespace(
        journal=types.SimpleNamespace(data={"original": {"properties": {"networkProfile": {
            "networkInterfaces": [{"id": "/nics/n1"}, {"id": "/nics/n2"}]}}}}),
        resources=types.SimpleNamespace(resources=types.SimpleNamespace(
            get_by_id=lambda rid, api: nic if (rid, api) == ("/nics/n1", NETWORK_API) else None)))
    assert R.CreateRescueVm()._subnet(ctx) == subnet  # pylint: disable=protected-access


def test_finish_setup_names_the_store_it_read_when_it_holds_no_boot_loader(monkeypatch):
    from azext_vmbootfix.repair import rescue_guest
    h, ctx = _stopped_after_create()
    h.cloud.faults.clear()  # the refusal that stopped the run
    monkeypatch.setattr(rescue_guest, "parse_bcd_enum", lambda text: [])
    with pytest.raises(StepFailed) as info:
        rescue_guest.FinishSetup().apply(ctx)
    assert re.fullmatch(r"bcdedit /store \S+\\BCD /enum shows no Windows Boot Loader", str(info.value)), \
        str(info.value)


def test_the_copy_keeps_the_sources_zone_and_security_type():
    security = types.SimpleNamespace(security_type=types.SimpleNamespace(value="TrustedLaunch"))
    source = types.SimpleNamespace(location="westeurope", sku=types.SimpleNamespace(name="Premium_LRS"),
                                   os_type="Windows", hyper_v_generation=types.SimpleNamespace(value="V2"),
                                   zones=("2",), security_profile=security)
    disks, ctx = _copy_context(source)
    assert R.CopyOsDisk().apply(ctx)["generation"] == "V2"
    [(_, _, body)] = disks.sent
    assert body["zones"] == ["2"] and body["securityProfile"] == {"securityType": "TrustedLaunch"}
    source.security_profile = types.SimpleNamespace(security_type="TrustedLaunch")
    source.hyper_v_generation = None
    assert R.CopyOsDisk().apply(ctx)["generation"] == "V1"
    assert disks.sent[-1][2]["securityProfile"] == {"securityType": "TrustedLaunch"}
    source.security_profile = types.SimpleNamespace(security_type=None)
    R.CopyOsDisk().apply(ctx)
    assert "securityProfile" not in disks.sent[-1][2]
