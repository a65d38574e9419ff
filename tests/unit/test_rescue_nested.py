"""``repair --rescue --method nested`` (repair/rescue_nested.py): the rescue VM gets Hyper-V and a nested VM on
the copy, the run stops at waiting-for-user with how to connect, a person finishes OOBE in the nested VM, and
``resume`` releases the copy, swaps it in and verifies."""
import pytest

from azext_vmbootfix.repair import engine, rescue
from azext_vmbootfix.repair.journal import Journal
from fakeazure.guest.boot import user_finishes_oobe
from repairkit import Harness

CIDR = "203.0.113.7/32"
NESTED_STEPS = ["record-original", "backup-os-disk", "copy-os-disk", "create-rescue-vm", "enable-hyperv",
                "start-nested-vm", "wait-for-user", "release-copy", "deallocate-vm", "enable-serial-console",
                "detach-copy", "delete-rescue-vm", "swap-os-disk", "start-vm", "verify-boot"]


def _waiting(canary, scenario="oobe-stuck-no-image"):
    h = Harness(scenario, canary=canary)
    ctx = h.new_context("nested", admin_username="fixadmin", method="nested", bastion=False, allowCidr=CIDR)
    out = engine.apply(ctx)
    return h, ctx, out


def _rescue_guest(h, ctx):
    return h.cloud.compute.get_vm(h.cloud.default_subscription, h.rg,
                                  rescue._rescue_name(ctx)).os_disk_model().guest  # pylint: disable=protected-access


def _copy_guest(h):
    return h.cloud.compute.disks[next(k for k in h.cloud.compute.disks if k.endswith("-fixed"))].guest


def test_the_run_stops_waiting_for_the_user_with_how_to_connect(secret_canary):
    h, ctx, out = _waiting(secret_canary)
    assert [s["name"] for s in out["steps"]] == NESTED_STEPS
    assert out["status"] == "waiting-for-user"
    states = {s["name"]: s["state"] for s in out["steps"]}
    assert states["start-nested-vm"] == "done" and states["wait-for-user"] == "waiting"
    assert all(states[s] == "pending" for s in NESTED_STEPS[7:])
    name = rescue._rescue_name(ctx)  # pylint: disable=protected-access
    vm = h.compute.virtual_machines.get(h.rg, name)
    assert str(vm.security_profile.security_type) == "Standard" and vm.os_profile.admin_username == "fixadmin"
    nested = _rescue_guest(h, ctx).session["hyperv_vms"]["problemvm"]
    assert nested["State"] == "Running" and nested["screen"].startswith("oobe-")   # the page a person finishes
    # the way in: a public IP whose NSG admits RDP from the given range only
    nsg = h.resources.resources.get_by_id(rescue._rescue_nsg_id(ctx), "2024-05-01")  # pylint: disable=protected-access
    rules = nsg.properties["securityRules"]
    assert [(r["properties"]["sourceAddressPrefix"], r["properties"]["destinationPortRange"],
             r["properties"]["access"]) for r in rules] == [(CIDR, "3389", "Allow")]
    pip = h.resources.resources.get_by_id(rescue._rescue_pip_id(ctx), "2024-05-01")  # pylint: disable=protected-access
    message = Journal.load(h.path).step("wait-for-user")["outputs"]["instructions"]
    assert pip.properties["ipAddress"] in message and "Hyper-V Manager" in message and "fixadmin" in message
    assert "az vm boot-fix resume" in message and h.password not in message
    assert message in h.progress_messages
    # the original VM is untouched while the person works
    assert h.compute.virtual_machines.get(h.rg, h.name).storage_profile.os_disk.managed_disk.id.lower() == \
        h.original.storage_profile.os_disk.managed_disk.id.lower()


def test_resume_after_the_user_finished_oobe_swaps_the_copy_in(secret_canary):
    h, ctx, _ = _waiting(secret_canary)
    user_finishes_oobe(_copy_guest(h), "Typed-At-The-Oobe-1!")   # the person, in Hyper-V Manager
    resumed = h.reloaded_context(admin_password=None)
    resumed.user_resumed = True                                  # what `resume` sets for a waiting run
    out = engine.apply(resumed)
    assert out["status"] == "succeeded" and all(s["state"] == "done" for s in out["steps"])
    h.assert_rescued()
    h.assert_nothing_lost()
    for rid in (rescue._rescue_pip_id(ctx), rescue._rescue_nsg_id(ctx)):  # pylint: disable=protected-access
        with pytest.raises(Exception):                                   # deleted with the rescue VM
            h.resources.resources.get_by_id(rid, "2024-05-01")
    released = [r for _vm, kind, _s, r in h.cloud.compute.history if kind.endswith(rescue.RC_RELEASE)]
    assert released and any("ProblemVM removed" in e for e in released[-1].effects)
    boot = h.guest_boot()
    assert boot.category == "logon" and "SAC>" in boot.serial_log   # EMS on in the copy's BCD, as on the rescue path


def test_rollback_while_waiting_puts_everything_back(secret_canary):
    h, ctx, _ = _waiting(secret_canary)
    out = engine.rollback(h.reloaded_context(admin_password=None))
    assert out["status"] == "rolled-back"
    h.assert_original_restored()
    h.assert_nothing_lost()
    for rid in (rescue._rescue_pip_id(ctx), rescue._rescue_nsg_id(ctx)):  # pylint: disable=protected-access
        with pytest.raises(Exception):
            h.resources.resources.get_by_id(rid, "2024-05-01")


def test_a_vnet_with_bastion_gets_no_public_ip(secret_canary):
    h = Harness("oobe-stuck-no-image", canary=secret_canary)
    vm_nic = h.original.network_profile.network_interfaces[0].id
    nic = h.resources.resources.get_by_id(vm_nic, "2024-05-01")
    subnet = nic.properties["ipConfigurations"][0]["properties"]["subnet"]["id"]
    vnet_id = subnet.rsplit("/subnets/", 1)[0]
    h.resources.resources.begin_create_or_update_by_id(vnet_id + "/subnets/AzureBastionSubnet", "2024-05-01", {
        "properties": {"addressPrefix": "10.0.255.0/26"}}).result()
    ctx = h.new_context("nested", admin_username="fixadmin", method="nested", bastion=True, allowCidr=None)
    out = engine.apply(ctx)
    assert out["status"] == "waiting-for-user"
    outputs = Journal.load(h.path).step("create-rescue-vm")["outputs"]
    assert outputs["connectBy"] == "bastion"
    with pytest.raises(Exception):
        h.resources.resources.get_by_id(rescue._rescue_pip_id(ctx), "2024-05-01")  # pylint: disable=protected-access
    assert "Bastion" in Journal.load(h.path).step("wait-for-user")["outputs"]["instructions"]


def test_a_step_is_done_by_its_last_script_run_and_a_failed_run_names_what_failed(secret_canary):
    """``done`` reads the JSON line of the step's last Run Command on the rescue VM (rescue_base.last_doc); a run
    that fails is StepFailed naming what was being done (rescue_base.rescue_doc), and then the step is not done."""
    from azext_vmbootfix.repair import rescue_base, rescue_nested
    from azext_vmbootfix.repair.recreate import StepFailed
    _h, ctx, _ = _waiting(secret_canary)
    assert rescue_nested.StartNestedVm().done(ctx)                  # its last run printed State Running
    assert not rescue_nested.EnableHyperV().done(ctx)               # its last run printed RestartNeeded Yes
    assert rescue_base.last_doc(ctx, rescue_base.RC_RELEASE, "release-nested-vm.ps1") == {}     # never run
    with pytest.raises(StepFailed, match=r"^starting the nested VM failed on the rescue VM \(exit 1\): .*'99'"):
        rescue_base.rescue_doc(ctx, rescue_base.RC_NESTED, "start-nested-vm.ps1", "starting the nested VM",
                               parameters={"DiskNumber": 99, "Generation": 1, "VmName": "ProblemVM"})
    assert not rescue_nested.StartNestedVm().done(ctx)


# -- through the CLI layer (repair.cli), its clients pointed at the fake ---------------------------------------
def test_cli_nested_needs_a_way_in_and_a_narrow_cidr_then_waits_and_resumes(monkeypatch, tmp_path, secret_canary):
    from azure.cli.core.azclierror import InvalidArgumentValueError, RequiredArgumentMissingError
    from azext_vmbootfix.repair import runs
    from test_rescue import _Cmd, _cli
    h = Harness("oobe-stuck-no-image", canary=secret_canary)
    rc = _cli(monkeypatch, h, tmp_path)
    with pytest.raises(RequiredArgumentMissingError, match="Bastion"):
        rc.repair(_Cmd, h.rg, h.name, method="nested", admin_password=h.password, yes=True)
    with pytest.raises(InvalidArgumentValueError, match="RDP"):
        rc.repair(_Cmd, h.rg, h.name, method="nested", allow_cidr="0.0.0.0/0", admin_password=h.password, yes=True)
    with pytest.raises(InvalidArgumentValueError, match="nested only"):
        rc.repair(_Cmd, h.rg, h.name, rescue=True, allow_cidr=CIDR, admin_password=h.password, yes=True)
    dry = rc.repair(_Cmd, h.rg, h.name, method="nested", allow_cidr=CIDR, dry_run=True)
    assert [s["name"] for s in dry["plan"]["steps"]] == NESTED_STEPS and dry["plan"]["path"] == "nested"
    out = rc.repair(_Cmd, h.rg, h.name, method="nested", allow_cidr="203.0.113.7", admin_username="fixadmin",
                   admin_password=h.password, yes=True)
    assert out["status"] == "waiting-for-user"
    with pytest.raises(InvalidArgumentValueError, match="waiting-for-user"):   # one run at a time
        rc.repair(_Cmd, h.rg, h.name, method="nested", allow_cidr=CIDR, admin_password=h.password, yes=True)
    user_finishes_oobe(_copy_guest(h), "Typed-At-The-Oobe-1!")
    assert runs.resume(_Cmd, h.rg, h.name)["status"] == "succeeded"    # no password needed any more
    h.assert_rescued()


def test_release_finds_the_copy_again_when_start_nested_vm_was_reconciled(secret_canary):
    h, ctx, _ = _waiting(secret_canary)
    journal = Journal.load(h.path)
    journal.step("start-nested-vm")["outputs"] = {"reconciled": True}   # as a resume that observed it leaves it
    journal.save()
    user_finishes_oobe(_copy_guest(h), "Typed-At-The-Oobe-1!")
    resumed = h.reloaded_context(admin_password=None)
    resumed.user_resumed = True
    assert engine.apply(resumed)["status"] == "succeeded"
    h.assert_rescued()


def test_a_trusted_launch_vm_gets_a_standard_rescue_vm_for_hyperv_and_its_copy_back(secret_canary):
    h, ctx, out = _waiting(secret_canary, "oobe-stuck-trusted-launch")
    assert out["status"] == "waiting-for-user"
    vm = h.compute.virtual_machines.get(h.rg, rescue._rescue_name(ctx))  # pylint: disable=protected-access
    assert str(vm.security_profile.security_type) == "Standard"   # Trusted Launch would block Hyper-V
    user_finishes_oobe(_copy_guest(h), "Typed-At-The-Oobe-1!")
    resumed = h.reloaded_context(admin_password=None)
    resumed.user_resumed = True
    assert engine.apply(resumed)["status"] == "succeeded"
    h.assert_rescued()   # the Trusted Launch VM runs its (Trusted Launch) copy
