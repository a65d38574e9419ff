"""The plan a rescue run shows before it starts (--dry-run, the confirmation prompt): for every step of
``--rescue`` and ``--rescue --method nested``, the exact resources it reads, creates, changes and keeps, named
as the run will name them (repair/rescue.py, rescue_guest.py, rescue_swap.py, rescue_nested.py ``plan``).
A person approves the run on this text, so a wrong or missing name is a bug even when the run itself works."""
import pytest

from azext_vmbootfix.repair import engine
from repairkit import Harness

CIDR = "203.0.113.7/32"


def _expected(h, ctx, nested):
    vm_id = h.original.id
    os_disk = h.original.storage_profile.os_disk.managed_disk.id
    nic = h.original.network_profile.network_interfaces[0].id
    run8 = ctx.run_id.replace("-", "")[:8]
    copy, rescue_vm = "web01-bootfix-{}-fixed".format(run8), "web01-rescue-{}".format(run8)
    none = {"reads": [], "creates": [], "changes": [], "keeps": []}
    steps = {
        "record-original": dict(none, reads=[vm_id]),
        "backup-os-disk": dict(none, reads=[os_disk], creates=["snapshot web01-bootfix-{}-os".format(run8)]),
        "copy-os-disk": dict(none, reads=[os_disk], creates=["disk " + copy], keeps=[os_disk]),
        "create-rescue-vm": dict(none, reads=[nic], creates=[
            "vm {} (Standard_D4s_v5, Windows Server 2019)".format(rescue_vm), "nic {}-nic".format(rescue_vm),
            "disk {}-osdisk".format(rescue_vm)] + ([
                "public IP {}-pip".format(rescue_vm), "NSG {}-nsg (RDP from {} only)".format(rescue_vm, CIDR)]
                if nested else []), changes=["attach disk {} at LUN 0".format(copy)]),
        "finish-setup": dict(none, reads=[
            "runCommand bootfix-disks on " + rescue_vm,
            "disk {}: offline SOFTWARE, SYSTEM and DEFAULT hives (Setup state, control set, locales)".format(copy),
            "disk {}: BCD store (bcdedit /enum)".format(copy)],
            creates=["disk {}: backups *.bootfix-{} of the SYSTEM hive, Unattend.xml, SetupComplete.cmd".format(
                copy, run8)],
            changes=["disk {}: Windows\\Panther\\Unattend.xml, SetupComplete.cmd, SYSTEM computer name (and "
                     "Setup\\UnattendFile when it points elsewhere)".format(copy)]),
        "enable-hyperv": dict(none, changes=["{}: Hyper-V role, restart".format(rescue_vm)]),
        "start-nested-vm": dict(none, creates=["Hyper-V VM ProblemVM on " + rescue_vm]),
        "wait-for-user": none,
        "release-copy": dict(none, changes=["remove Hyper-V VM ProblemVM"]),
        "enable-serial-console": dict(none, reads=["bcdedit /enum on " + rescue_vm], changes=[
            "disk {}: BCD {{bootmgr}} displaybootmenu/timeout/bootems, loader ems, emssettings".format(copy)]),
        "detach-copy": dict(none, changes=["detach {} from {}".format(copy, rescue_vm)]),
        "deallocate-vm": dict(none, changes=["deallocate " + vm_id]),
        "swap-os-disk": dict(none, changes=["{}: OS disk -> {}".format(vm_id, copy)], keeps=[os_disk]),
        "start-vm": dict(none, changes=["start " + vm_id]),
        "verify-boot": dict(none, reads=[vm_id + "/instanceView"]),
        "delete-rescue-vm": dict(none, changes=["delete vm {}, its OS disk and NIC".format(rescue_vm)] + (
            ["delete public IP {0}-pip and NSG {0}-nsg".format(rescue_vm)] if nested else []), keeps=[copy]),
    }
    return steps


@pytest.mark.parametrize("path", ["rescue", "nested"])
def test_the_rescue_plan_names_what_every_step_touches(path):
    h = Harness("oobe-stuck-no-image")
    nested = path == "nested"
    extra = dict(method="nested", bastion=False, allowCidr=CIDR) if nested else {}
    ctx = h.new_context(path, admin_username="fixadmin", **extra)
    described = engine.describe(ctx)
    expected = _expected(h, ctx, nested)
    shown = {s["name"]: {k: s[k] for k in ("reads", "creates", "changes", "keeps")} for s in described["steps"]}
    assert len(shown) == len(described["steps"])
    for name, plan in shown.items():
        assert plan == expected[name], name
    assert described["rescue"] == {"size": "Standard_D4s_v5", "brokenVersion": "2022",
                                   "image": "MicrosoftWindowsServer:WindowsServer:2019-datacenter-gensecond:latest"}


def test_a_nested_rescue_reached_by_bastion_plans_no_public_ip():
    h = Harness("oobe-stuck-no-image")
    ctx = h.new_context("nested", admin_username="fixadmin", method="nested", bastion=True)
    steps = {s["name"]: s for s in engine.describe(ctx)["steps"]}
    assert not [c for c in steps["create-rescue-vm"]["creates"] if c.startswith(("public IP", "NSG"))]
    assert steps["delete-rescue-vm"]["changes"] == ["delete vm {}, its OS disk and NIC".format(
        "web01-rescue-" + ctx.run_id.replace("-", "")[:8])]        # nothing else to delete
