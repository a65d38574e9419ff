"""The rescue VM itself (repair/rescue.py CreateRescueVm): its security type always explicit, Trusted Launch only
for a Trusted Launch copy, and a NIC reservation waited out as recreate does."""
import pytest

from azext_vmbootfix.repair import engine, rescue
from repairkit import Harness


def _stop_after_create(h, ctx):
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "runCommands/" + rescue.RC_DISKS, "status": 409,
                        "code": "Conflict", "count": 1})
    with pytest.raises(engine.RepairError, match="finish-setup"):
        engine.apply(ctx)
    return h.compute.virtual_machines.get(h.rg, rescue._rescue_name(ctx))  # pylint: disable=protected-access


def test_the_rescue_vm_is_standard_explicitly(secret_canary):
    h = Harness("oobe-stuck-no-image", canary=secret_canary)
    ctx = h.new_context("rescue")
    vm = _stop_after_create(h, ctx)
    assert str(vm.security_profile.security_type) == "Standard"  # sent, not left to a default that may change
    assert ctx.journal.step("create-rescue-vm")["outputs"]["securityType"] == "Standard"


def test_a_trusted_launch_copy_gets_a_trusted_launch_rescue_vm_and_the_rescue_finishes(secret_canary):
    h = Harness("oobe-stuck-trusted-launch", canary=secret_canary)
    ctx = h.new_context("rescue", admin_username="bootfixuser")
    vm = _stop_after_create(h, ctx)
    assert str(vm.security_profile.security_type) in ("TrustedLaunch", "SecurityTypes.TRUSTED_LAUNCH")
    assert vm.security_profile.uefi_settings.secure_boot_enabled and vm.security_profile.uefi_settings.v_tpm_enabled
    assert engine.apply(h.reloaded_context())["status"] == "succeeded"
    h.assert_rescued()


def test_a_reserved_nic_is_waited_out(secret_canary):
    h = Harness("oobe-stuck-no-image", canary=secret_canary)
    ctx = h.new_context("rescue", admin_username="bootfixuser")
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "virtualMachines/web01-rescue-[0-9a-f]+$",
                        "status": 400, "code": "NicReservedForAnotherVm", "count": 2})
    assert engine.apply(ctx)["status"] == "succeeded"
    assert sum("NIC is still reserved" in m for m in h.progress_messages) == 2
    h.assert_rescued()
