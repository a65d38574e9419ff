"""The rescue path (article steps 5-12) against the in-process fake cloud, fast profile."""
import base64

import pytest

from azext_vmbootfix.repair import engine, rescue, runs
from azext_vmbootfix.repair.journal import Journal
from azext_vmbootfix.repair.runcommand import json_line
from fakeazure.guest import bcd
from repairkit import Harness

RESCUE_STEPS = ["record-original", "backup-os-disk", "copy-os-disk", "create-rescue-vm", "finish-setup",
                "deallocate-vm", "enable-serial-console", "detach-copy", "delete-rescue-vm", "swap-os-disk",
                "start-vm", "verify-boot"]


def _rescued(canary, admin="bootfixuser"):
    h = Harness("oobe-stuck-no-image", canary=canary)
    ctx = h.new_context("rescue", admin_username=admin)
    out = engine.apply(ctx)
    return h, ctx, out


def test_the_plan_is_the_rescue_path_with_a_rescue_vm_of_another_windows_version(secret_canary):
    h = Harness("oobe-stuck-no-image", canary=secret_canary)
    plan = engine.describe(h.new_context("rescue"))
    assert plan["path"] == "rescue" and [s["name"] for s in plan["steps"]] == RESCUE_STEPS
    assert plan["rescue"]["brokenVersion"] == "2022"
    assert "2019-datacenter" in plan["rescue"]["image"]  # not the broken disk's version: no signature collision
    assert plan["rescue"]["size"] == "Standard_D4s_v5"


def test_rescue_ends_with_the_original_vm_running_the_fixed_copy(secret_canary):
    h, ctx, out = _rescued(secret_canary)
    assert out["status"] == "succeeded" and [s["state"] for s in out["steps"]] == ["done"] * 12
    vm = h.compute.virtual_machines.get(h.rg, h.name, expand="instanceView")
    assert vm.id.lower() == h.original.id.lower()  # the same VM, never deleted
    assert vm.storage_profile.os_disk.managed_disk.id.lower().endswith("-fixed")
    assert vm.instance_view.vm_agent.statuses[0].display_status == "Ready"
    boot = h.guest_boot()
    assert boot.category == "logon"
    assert "bootfixuser" in boot.usable_admins  # the account of the answer file
    assert "SAC>" in boot.serial_log  # EMS on: the serial console works
    # the stuck disk had already run specialize (a WIN-... name); the original name comes back
    assert boot.computer_name.upper() == h.original.os_profile.computer_name.upper()
    # the answer file (it holds a password) is deleted by SetupComplete.cmd after OOBE
    guest = h.cloud.compute.get_vm(h.cloud.default_subscription, h.rg, h.name).os_disk_model().guest
    assert guest.windows_partition.read("Windows\\Panther\\Unattend.xml") is None


def test_rescue_leaves_no_rescue_resources_and_keeps_the_original_disk_and_backup(secret_canary):
    h, ctx, _ = _rescued(secret_canary)
    now = h.inventory()
    assert not [v for v in h.cloud.compute.vms if "-rescue-" in v]
    assert not [n for n in now["nics"] if "-rescue-" in n]
    assert not [d for d in now["disks"] if "-rescue-" in d]
    h.assert_nothing_lost()  # the original OS disk is still there
    backup = ctx.journal.step("backup-os-disk")["outputs"]["backupSnapshotId"]
    assert backup.lower() in now["snapshots"]


def test_the_password_is_only_a_protected_parameter_and_never_in_the_journal(secret_canary):
    h, ctx, _ = _rescued(secret_canary)
    with open(h.path, encoding="utf-8") as fh:
        assert h.password not in fh.read()
    scripts = [script for _vm, kind, script, _res in h.cloud.compute.history]
    encoded = base64.b64encode(h.password.encode("utf-8")).decode("ascii")
    assert scripts and not any(h.password in s or encoded in s for s in scripts)
    assert any("$AdminPasswordB64" in s for s in scripts)  # a parameter of the script, never its text


def test_the_bcd_commands_are_the_articles(secret_canary):
    h, ctx, _ = _rescued(secret_canary)
    ems, result = [(s, r) for _vm, kind, s, r in h.cloud.compute.history if kind.endswith(rescue.RC_EMS)][-1]
    store = "S:\\EFI\\Microsoft\\Boot\\BCD"  # Gen2: the EFI partition got a letter from diskpart
    for cmd in ("/set '{bootmgr}' displaybootmenu yes", "/set '{bootmgr}' timeout 5", "/set '{bootmgr}' bootems yes",
                "/ems $Loader ON", "/emssettings EMSPORT:1 EMSBAUDRATE:115200"):
        assert "bcdedit /store $Store {}".format(cmd) in ems  # BCD identifiers quoted (issue 10)
    effects = [e for e in result.effects if e.startswith("BCD " + store)]
    for change in ("{bootmgr} displaybootmenu = yes", "{bootmgr} timeout = 5", "{bootmgr} bootems = yes",
                   "{default} ems ON", "emssettings EMSPORT:1 EMSBAUDRATE:115200"):
        assert any(e.endswith(change) for e in effects), (change, effects)
    assert ctx.journal.step("enable-serial-console")["outputs"]["loader"] == "{default}"


def test_rollback_after_success_restores_the_original_os_disk_and_deletes_the_copy(secret_canary):
    h, ctx, _ = _rescued(secret_canary)
    out = engine.rollback(h.reloaded_context(admin_password=None))
    assert out["status"] == "rolled-back"
    h.assert_original_restored()  # original OS disk, running (at OOBE again) as before
    h.assert_nothing_lost()
    now = h.inventory()
    assert not [d for d in now["disks"] if d.endswith("-fixed")]
    assert ctx.journal.step("backup-os-disk")["outputs"]["backupSnapshotId"].lower() in now["snapshots"]


def test_resume_needs_the_password_again_for_the_answer_file(secret_canary):
    h = Harness("oobe-stuck-no-image", canary=secret_canary)
    ctx = h.new_context("rescue")
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "runCommands/bootfix-answer-file", "status": 409,
                        "code": "Conflict", "count": 1})
    with pytest.raises(engine.RepairError):
        engine.apply(ctx)
    journal = Journal.load(h.path)
    assert journal.step("finish-setup")["state"] == "failed"
    with pytest.raises(engine.RepairError, match="admin password"):
        engine.apply(h.reloaded_context(admin_password=None))
    assert engine.apply(h.reloaded_context())["status"] == "succeeded"


def test_a_copy_that_comes_up_offline_is_refused_not_re_signed():
    """A rescue VM from the broken disk's own image version sees a colliding signature: refuse to online it."""
    doc = {"Disks": [{"Number": 0, "PartitionStyle": "GPT", "OperationalStatus": "Online", "IsOffline": False},
                     {"Number": 1, "PartitionStyle": "MBR", "OperationalStatus": "Online", "IsOffline": False},
                     {"Number": 2, "PartitionStyle": "GPT", "OperationalStatus": "Offline", "IsOffline": True,
                      "OfflineReason": "Collision"}], "Partitions": []}
    with pytest.raises(rescue.S.StepFailed, match="collides"):
        rescue.copy_disk_of(doc)


def test_rescue_image_is_never_the_broken_version():
    for broken in ("2016", "2019", "2022", None):
        version, _ = rescue.rescue_image(broken)
        assert version != broken


def test_random_passwords_are_complex_and_differ():
    a, b = rescue.random_password(), rescue.random_password()
    assert a != b and len(a) == 24
    assert any(c.isupper() for c in a) and any(c.islower() for c in a) and any(c.isdigit() for c in a)


# -- the CLI layer (repair.cli) in-process, its clients pointed at the fake -------------------------
class _Cmd:
    class cli_ctx:  # pylint: disable=invalid-name
        class config:  # pylint: disable=invalid-name
            config_dir = None


def _cli(monkeypatch, h, tmp_path):
    from azext_vmbootfix.repair import cli as rc
    monkeypatch.setattr(rc, "_clients", lambda cmd: (h.compute, h.compute))
    monkeypatch.setattr(rc, "_resources", lambda cmd: h.resources)
    monkeypatch.setattr(rc, "_preflight_clients", lambda cmd, compute: h.preflight_clients())
    monkeypatch.setattr(rc, "_subscription", lambda cmd: h.cloud.default_subscription)
    monkeypatch.setattr(rc, "_path", lambda cmd, rg, vm: str(tmp_path / "journal.json"))
    monkeypatch.setattr(engine.Context, "__init__", _fast_context(engine.Context.__init__, h))
    # the screenshot is read over plain HTTP from the blob URL, which the in-process fake does not serve:
    # stand in for diagnose's verdict (its own tests cover it)
    from azext_vmbootfix import diagnose, evidence
    monkeypatch.setattr(evidence, "collect", lambda *a, **kw: None)
    monkeypatch.setattr(diagnose, "verdict_for_vm", lambda _e: {
        "articleId": "OSStartUp-OOBE", "osState": "in-guest-sysprep", "confidence": 0.9, "images": []})
    return rc


def _fast_context(init, h):
    def wrapped(self, *a, **kw):
        kw["sleep"] = h.cloud.clock.advance
        init(self, *a, **kw)
    return wrapped


def test_cli_start_without_an_image_takes_the_rescue_path(monkeypatch, tmp_path, secret_canary):
    h = Harness("oobe-stuck-no-image", canary=secret_canary)
    rc = _cli(monkeypatch, h, tmp_path)
    dry = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, dry_run=True)
    assert dry["plan"]["path"] == "rescue" and len(dry["plan"]["steps"]) == 12
    out = rc.repair(_Cmd, h.rg, h.name, rescue=True, admin_username="bootfixuser", admin_password=h.password,
                   yes=True)
    assert out["status"] == "succeeded"
    back = runs.rollback(_Cmd, h.rg, h.name, yes=True)
    assert back["status"] == "rolled-back"
    h.assert_original_restored()


def test_cli_resume_continues_a_rescue(monkeypatch, tmp_path, secret_canary):
    h = Harness("oobe-stuck-no-image", canary=secret_canary)
    rc = _cli(monkeypatch, h, tmp_path)
    h.cloud.faults.add({"kind": "error", "method": "POST", "path": "virtualMachines/web01/deallocate$",
                        "status": 409, "code": "Conflict", "count": 1})
    from azure.cli.core.azclierror import AzureResponseError
    with pytest.raises(AzureResponseError, match="deallocate-vm"):
        rc.repair(_Cmd, h.rg, h.name, rescue=True, admin_password=h.password, yes=True)
    assert runs.resume(_Cmd, h.rg, h.name)["status"] == "succeeded"  # finish-setup is done: no password needed


def test_cli_rescue_refuses_an_image_too(monkeypatch, tmp_path, secret_canary):
    h = Harness("oobe-stuck-no-image", canary=secret_canary)
    rc = _cli(monkeypatch, h, tmp_path)
    from azure.cli.core.azclierror import MutuallyExclusiveArgumentError
    with pytest.raises(MutuallyExclusiveArgumentError):
        rc.repair(_Cmd, h.rg, h.name, rescue=True, image="x", yes=True)


# -- beyond Gen2 Windows Server 2022: a Gen1 Server 2016 and a Windows 11 client -------------------------
GEN1 = "oobe-stuck-gen1-no-image"
WIN11 = "oobe-stuck-windows11"  # no image, snapshot or gallery in that scenario either


def _fixed_guest(h):
    return h.cloud.compute.get_vm(h.cloud.default_subscription, h.rg, h.name).os_disk_model().guest


def _copy_partitions(h):
    """The copy's partitions as the rescue VM's first Get-Partition printed them."""
    out = [res.stdout for _vm, kind, _s, res in h.cloud.compute.history if kind.endswith(rescue.RC_DISKS)][0]
    _disk, parts = rescue.copy_disk_of(json_line(out, "get-disks.ps1"))
    return parts


def test_gen1_plan_uses_a_2019_rescue_vm_for_a_2016_disk(secret_canary):
    h = Harness(GEN1, canary=secret_canary)
    plan = engine.describe(h.new_context("rescue"))
    assert plan["rescue"]["brokenVersion"] == "2016"
    assert plan["rescue"]["image"].split(":")[2].startswith("2019-")


def test_gen1_rescue_vm_really_runs_windows_server_2019(secret_canary):
    """Stop the run right after create-rescue-vm and look at the rescue VM that Azure made."""
    h = Harness(GEN1, canary=secret_canary)
    ctx = h.new_context("rescue", admin_username="bootfixuser")
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "runCommands/" + rescue.RC_DISKS, "status": 409,
                        "code": "Conflict", "count": 1})
    with pytest.raises(engine.RepairError, match="finish-setup"):
        engine.apply(ctx)
    name = rescue._rescue_name(ctx)  # pylint: disable=protected-access
    vm = h.compute.virtual_machines.get(h.rg, name)
    assert vm.storage_profile.image_reference.sku.startswith("2019-")
    guest = h.cloud.compute.get_vm(h.cloud.default_subscription, h.rg, name).os_disk_model().guest
    assert guest.release.key == "2019" and h.original.storage_profile.image_reference.sku.startswith("2016-")
    assert engine.apply(h.reloaded_context())["status"] == "succeeded"
    h.assert_rescued()


def test_gen1_server_2016_rescue_ends_running_the_fixed_copy_with_sac(secret_canary):
    h = Harness(GEN1, canary=secret_canary)
    ctx = h.new_context("rescue", admin_username="bootfixuser")
    out = engine.apply(ctx)
    assert out["status"] == "succeeded" and [s["state"] for s in out["steps"]] == ["done"] * 12
    h.assert_rescued()  # same VM, OS disk = the copy, agent Ready, no rescue resources left
    h.assert_nothing_lost()
    # the BCD store is \Boot\BCD on the System Reserved partition (lettered without diskpart on Gen1)
    parts = _copy_partitions(h)
    reserved = [p for p in parts if p["sizeMb"] < 2048]
    assert len(reserved) == 1 and reserved[0]["letter"] and reserved[0]["number"] == 1
    store = "{}:\\Boot\\BCD".format(reserved[0]["letter"])
    assert ctx.journal.step("enable-serial-console")["outputs"]["bcdStore"] == store
    assert ctx.journal.step("copy-os-disk")["outputs"]["generation"] == "V1"
    runs = [(kind, r) for _vm, kind, _s, r in h.cloud.compute.history]
    enum = [r for k, r in runs if k.endswith(rescue.RC_ENUM)][-1]
    assert not any("assigned" in e for e in enum.effects)  # nothing to assign: it already has a letter
    ems = [r for k, r in runs if k.endswith(rescue.RC_EMS)][-1]
    assert any(e.startswith("BCD " + store) and e.endswith("{default} ems ON") for e in ems.effects)
    boot = h.guest_boot()
    assert boot.category == "logon" and boot.generation == "V1" and boot.server
    assert "bootfixuser" in boot.usable_admins
    assert boot.computer_name.upper() == "WEB16"  # not the WIN-... name the stuck specialize pass gave it
    assert "SAC>" in boot.serial_log and "<os-build-number>14393<" in boot.serial_log  # EMS on, Server 2016
    assert _fixed_guest(h).windows_partition.read("Windows\\Panther\\Unattend.xml") is None


def test_windows11_client_rescue_finishes_oobe_with_ems_in_the_bcd_but_no_sac(secret_canary):
    h = Harness(WIN11, canary=secret_canary)
    assert not h.cloud.compute.list_images(h.cloud.default_subscription)
    ctx = h.new_context("rescue", admin_username="bootfixuser")
    out = engine.apply(ctx)
    assert out["status"] == "succeeded" and [s["state"] for s in out["steps"]] == ["done"] * 12
    h.assert_rescued()
    h.assert_nothing_lost()
    boot = h.guest_boot()
    assert boot.category == "logon" and not boot.server  # past OOBE ("Is this the right country...")
    assert "bootfixuser" in boot.usable_admins  # the answer file's account
    guest = _fixed_guest(h)
    assert guest.image_state == "IMAGE_STATE_COMPLETE"
    ems = bcd.ems_state(guest.bcd)  # the article's steps 9-10 are in the copy's BCD ...
    assert ems["loader_ems"] and ems["bootmgr_ems"] and ems["displaybootmenu"] and ems["timeout"] == 5
    assert ems["port"] == 1 and ems["baud"] == 115200
    assert "SAC" not in boot.serial_log  # ... but a client SKU never runs SAC (oobe-domain.md 2c, 3)
    assert ctx.journal.step("enable-serial-console")["outputs"]["bcdStore"].endswith(":\\EFI\\Microsoft\\Boot\\BCD")
    assert ctx.journal.step("verify-boot")["outputs"]["bootVerified"] is True
