"""The rescue's reading of the copy's offline hives (repair/rescue_state.py, scripts/read-setup-state.ps1) and what
it decides: every row of the Setup-state table, the locales, Setup\\UnattendFile, and the backups."""
import os

import pytest

from azext_vmbootfix.repair import engine, rescue, rescue_state as RS
from azext_vmbootfix.repair import runcommand
from fakeazure.guest import guest_from_spec, run_script
from repairkit import Harness

FIXTURES = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "windows")

# A disk as ``sysprep /generalize /oobe`` leaves it and after its first (stuck) boot ran specialize.
SEALED = {"ImageState": "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE", "CmdLine": "oobe\\windeploy.exe", "SetupType": 2,
          "OOBEInProgress": 1, "SystemSetupInProgress": 1, "setup.exe": 1}
AT_OOBE = dict(SEALED, ImageState="IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE", **{"setup.exe": 3})

# (row, state): one state per row of RS.ROWS, the row it must land on
ROW_CASES = [
    ("no-image-state", dict(SEALED, ImageState=None)),
    ("sealed-to-oobe", SEALED),
    ("sealed-to-oobe", AT_OOBE),
    ("oobe-interrupted", dict(AT_OOBE, ImageState="IMAGE_STATE_UNDEPLOYABLE")),
    ("specialize-unfinished", dict(SEALED, ImageState="IMAGE_STATE_UNDEPLOYABLE", OOBEInProgress=0)),
    ("specialize-unfinished", dict(SEALED, ImageState="IMAGE_STATE_UNDEPLOYABLE")),  # OOBEInProgress alone: no
    ("undeployable", dict(AT_OOBE, ImageState="IMAGE_STATE_UNDEPLOYABLE", OOBEInProgress=0, SetupType=0, CmdLine="")),
    ("undeployable", dict(AT_OOBE, ImageState="IMAGE_STATE_UNDEPLOYABLE", OOBEInProgress=0)),
    ("sealed-to-audit", dict(SEALED, ImageState="IMAGE_STATE_GENERALIZE_RESEAL_TO_AUDIT")),
    ("sealed-to-audit", dict(AT_OOBE, ImageState="IMAGE_STATE_SPECIALIZE_RESEAL_TO_AUDIT")),
    ("complete", {"ImageState": "IMAGE_STATE_COMPLETE", "SetupType": 0, "CmdLine": "", "OOBEInProgress": 0,
                  "setup.exe": 3}),
    ("winlogon-changed", dict(AT_OOBE, CmdLine="cmd.exe")),             # the offline "cmd.exe" trick
    ("winlogon-changed", dict(SEALED, SetupType=0)),
    ("complete-with-setup", dict(AT_OOBE, ImageState="IMAGE_STATE_COMPLETE")),
]


@pytest.mark.parametrize("row, state", ROW_CASES, ids=["{}-{}".format(r, i) for i, (r, _) in enumerate(ROW_CASES)])
def test_every_setup_state_row(row, state):
    matched = next(r for r in RS.ROWS if r[1](state))
    assert matched[0] == row
    if matched[2] == "finish":
        assert RS.decide(state)["row"] == row
    else:
        with pytest.raises(RS.Refused) as exc:
            RS.decide(state)
        assert exc.value.recommendation  # every refusal says what to do


def test_the_table_has_a_case_for_every_row():
    assert {r[0] for r in RS.ROWS} == {row for row, _ in ROW_CASES}


def test_an_undeployable_disk_at_oobe_is_finished_and_a_failed_specialize_is_refused_as_unrecoverable():
    assert RS.decide(dict(AT_OOBE, ImageState="IMAGE_STATE_UNDEPLOYABLE"))["action"] == "finish"
    with pytest.raises(RS.Refused, match="will never be deployable") as exc:
        RS.decide(dict(SEALED, ImageState="IMAGE_STATE_UNDEPLOYABLE", OOBEInProgress=0))
    assert "cannot be recovered" in exc.value.recommendation


def test_reg_query_output_as_learn_prints_it_is_read():
    with open(os.path.join(FIXTURES, "reg-query-image-state.txt"), encoding="utf-8") as fh:
        text = fh.read()
    keys = RS.parse_reg_query(text)
    state_key = "software\\microsoft\\windows\\currentversion\\setup\\state"
    assert keys[state_key]["imagestate"] == ("ImageState", "REG_SZ", "IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE")


def test_the_fake_guest_prints_reg_query_and_state_ini_as_windows_does():
    guest = guest_from_spec({"os": "windows", "version": "2019", "state": "oobe-stuck",
                             "image_state": "IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE"})
    out = run_script(guest, "reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Setup\\State /v ImageState",
                     shell="cmd").stdout
    with open(os.path.join(FIXTURES, "reg-query-image-state.txt"), encoding="utf-8") as fh:
        published = fh.read().replace("\r\n", "\n").split("\n\n", 1)[1]   # from the key line on
    assert out.strip("\n").splitlines() == published.strip("\n").splitlines()
    with open(os.path.join(FIXTURES, "state-ini.txt"), encoding="utf-8") as fh:
        ini = fh.read().replace("\r\n", "\n").split("\n", 1)[1]
    assert guest.windows_partition.read("Windows\\Setup\\State\\State.ini").replace("\r\n", "\n") == ini


def test_locales_come_from_the_hives_and_never_default_to_en_us():
    state = {"InstallLanguage": "0407", "SystemLocaleId": "00000807", "LocaleName": "de-CH", "Preload": "00000807"}
    assert RS.locales(state) == {"UILanguage": "de-DE", "SystemLocale": "de-CH", "UserLocale": "de-CH",
                                 "InputLocale": "0807:00000807"}
    assert RS.locales({"InstallLanguage": "0411"}) == {"UILanguage": "ja-JP", "SystemLocale": "ja-JP",
                                                       "UserLocale": "ja-JP", "InputLocale": "ja-JP"}
    assert RS.locales({"InstallLanguage": "0429"}) == {}   # an LCID not in the table: left to Windows


def test_unattend_file_value_is_left_absent_kept_or_pointed_at_the_runs_file():
    assert RS.unattend_value({}) == {"action": "absent", "before": None}
    assert RS.unattend_value({"UnattendFile": "%WINDIR%\\Panther\\Unattend.xml"})["action"] == "keep"
    pointed = RS.unattend_value({"UnattendFile": "C:\\Windows\\Setup\\custom-oobe.xml"})
    assert pointed == {"action": "point", "before": "C:\\Windows\\Setup\\custom-oobe.xml",
                       "after": "C:\\Windows\\Panther\\Unattend.xml"}


def test_the_read_script_reads_every_fact_from_the_offline_hives():
    vm = guest_from_spec({"os": "windows", "version": "2022", "state": "healthy"})
    disk = guest_from_spec({"os": "windows", "version": "2019", "state": "oobe-stuck", "language": "fr",
                            "setup": {"UnattendFile": "C:\\x.xml"},
                            "registry": {"SYSTEM": {"Select": {"Current": ["REG_DWORD", 2]},
                                                    "ControlSet002\\Control\\Nls\\Language": {
                                                        "InstallLanguage": ["REG_SZ", "0C0C"]}}}})
    result = run_script(vm, runcommand.script_text("read-setup-state.ps1"), data_disks=[disk],
                        parameters={"WindowsLetter": "F"})
    assert result.exit_code == 0, result.stderr
    state = RS.setup_state(result.stdout)
    assert state["ImageState"] == "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE" and state["SetupType"] == 2
    assert state["CmdLine"] == "oobe\\windeploy.exe" and state["OOBEInProgress"] == 1 and state["setup.exe"] == 1
    assert state["controlSet"] == "ControlSet002" and state["InstallLanguage"] == "0C0C"  # not ControlSet001's
    assert state["LocaleName"] == "fr-FR" and state["Preload"] == "0000040C" and state["UnattendFile"] == "C:\\x.xml"
    assert not vm.session.get("hives")  # every hive unloaded again


# -- through the engine, on the fake cloud -----------------------------------------------------------------
def _guest(h):
    return h.cloud.compute.get_vm(h.cloud.default_subscription, h.rg, h.name).os_disk_model().guest


def test_localized_disk_with_an_unattend_file_value_is_rescued_in_its_own_locales(secret_canary):
    h = Harness("oobe-stuck-localized", canary=secret_canary)
    ctx = h.new_context("rescue", admin_username="bootfixuser")
    out = engine.apply(ctx)
    assert out["status"] == "succeeded"
    h.assert_rescued()
    outputs = ctx.journal.step("finish-setup")["outputs"]
    assert outputs["decision"]["row"] == "sealed-to-oobe"
    assert outputs["controlSet"] == "ControlSet002"
    assert outputs["locales"] == {"UILanguage": "de-DE", "SystemLocale": "de-CH", "UserLocale": "de-CH",
                                  "InputLocale": "0807:00000807"}
    assert outputs["unattendFile"]["action"] == "point"
    assert outputs["unattendFile"]["before"] == "C:\\Windows\\Setup\\custom-oobe.xml"
    run8 = ctx.run_id.replace("-", "")[:8]
    letter = outputs["windowsLetter"]
    assert sorted(outputs["backups"]) == sorted([
        "{}:\\Windows\\System32\\config\\SYSTEM.bootfix-{}".format(letter, run8),
        "{}:\\Windows\\Setup\\Scripts\\SetupComplete.cmd.bootfix-{}".format(letter, run8)])
    boot = h.guest_boot()
    assert boot.category == "logon" and "bootfixuser" in boot.usable_admins
    assert boot.computer_name.upper() == "WEB05"            # written in ControlSet002, the one Windows boots
    guest = _guest(h)
    assert guest.setup_value("UnattendFile") is None or "Panther" in guest.setup_value("UnattendFile")
    script = guest.windows_partition.read("Windows\\Setup\\Scripts\\SetupComplete.cmd")
    assert script.startswith("@echo off") and "Contoso" in script and script.count("Panther\\Unattend.xml") == 1
    backup = guest.windows_partition.read("Windows\\System32\\config\\SYSTEM.bootfix-" + run8)
    assert backup.startswith("\x00HIVE:") and "custom-oobe.xml" in backup    # the value as it was
    written = [s for _vm, kind, s, r in h.cloud.compute.history if kind.endswith(rescue.RC_ANSWER)]
    assert written


def test_an_unrecoverable_disk_is_refused_before_the_copy_changes_and_rollback_still_works(secret_canary):
    h = Harness("could-not-complete-installation", canary=secret_canary)
    ctx = h.new_context("rescue")
    with pytest.raises(engine.RepairError, match="will never be deployable") as exc:
        engine.apply(ctx)
    assert isinstance(exc.value.__cause__, RS.Refused) and "cannot be recovered" in exc.value.recommendation
    assert ctx.journal.step("finish-setup")["state"] == "failed"
    copy = h.cloud.compute.disks[next(k for k in h.cloud.compute.disks if k.endswith("-fixed"))].guest
    assert not [f for f in copy.windows_partition.files if "bootfix" in f.lower() or f.endswith("Unattend.xml")]
    assert not [r for _vm, kind, _s, r in h.cloud.compute.history if kind.endswith(rescue.RC_ANSWER)]
    out = engine.rollback(h.reloaded_context(admin_password=None))
    assert out["status"] == "rolled-back"
    h.assert_original_restored()
    h.assert_nothing_lost()
    assert not [d for d in h.inventory()["disks"] if d.endswith("-fixed") or "-rescue-" in d]


def test_rollback_with_the_copy_attached_puts_the_backups_back(secret_canary):
    h = Harness("oobe-stuck-localized", canary=secret_canary)
    ctx = h.new_context("rescue")
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "runCommands/" + rescue.RC_EMS, "status": 409,
                        "code": "Conflict", "count": 5})
    with pytest.raises(engine.RepairError, match="enable-serial-console"):
        engine.apply(ctx)
    key = next(k for k in h.cloud.compute.disks if k.endswith("-fixed"))
    copy = h.cloud.compute.disks[key].guest
    assert "Panther" in copy.setup_value("UnattendFile")
    engine.rollback(h.reloaded_context(admin_password=None))
    restores = [r for _vm, kind, _s, r in h.cloud.compute.history if kind.endswith(rescue.RC_RESTORE)]
    assert len(restores) == 1 and restores[0].exit_code == 0, restores
    assert any("restored hive" in e for e in restores[0].effects)
    # the copy object as it was just before copy-os-disk's undo deleted it: the original values are back
    assert copy.setup_value("UnattendFile") == "C:\\Windows\\Setup\\custom-oobe.xml"
    assert copy.windows_partition.read("Windows\\Panther\\Unattend.xml") is None
    assert "Panther" not in copy.windows_partition.read("Windows\\Setup\\Scripts\\SetupComplete.cmd")
    h.assert_original_restored()


def test_cli_turns_a_refusal_into_a_validation_error_and_rollback_works(monkeypatch, tmp_path, secret_canary):
    from azure.cli.core.azclierror import ValidationError
    from azext_vmbootfix.repair import runs
    from test_rescue import _Cmd, _cli
    h = Harness("could-not-complete-installation", canary=secret_canary)
    rc = _cli(monkeypatch, h, tmp_path)
    with pytest.raises(ValidationError, match="will never be deployable") as exc:
        rc.repair(_Cmd, h.rg, h.name, rescue=True, admin_password=h.password, yes=True)
    assert "cannot be recovered" in exc.value.recommendations[0]
    assert runs.show_journal(_Cmd, h.rg, h.name)["status"] == "failed"
    assert runs.rollback(_Cmd, h.rg, h.name, yes=True)["status"] == "rolled-back"
    h.assert_original_restored()


def test_a_disk_reporting_undeployable_at_oobe_is_rescued(secret_canary):
    h = Harness("oobe-stuck-undeployable", canary=secret_canary)
    assert h.guest_boot().category == "oobe"          # the scenario's VM waits at the OOBE page
    ctx = h.new_context("rescue", admin_username="bootfixuser")
    assert engine.apply(ctx)["status"] == "succeeded"
    outputs = ctx.journal.step("finish-setup")["outputs"]
    assert outputs["setupState"]["ImageState"] == "IMAGE_STATE_UNDEPLOYABLE"
    assert outputs["decision"]["row"] == "oobe-interrupted"
    h.assert_rescued()
    assert h.guest_boot().category == "logon" and _guest(h).image_state == "IMAGE_STATE_COMPLETE"
