"""Edges of repair/rescue_guest.py the mutation run found unguarded: finish-setup's undo runs the restore script
only while the copy is attached to the rescue VM, with the copy's Windows letter and the run's tag, and its
failures name the script that failed."""
import json
import types

import pytest

from azext_vmbootfix.repair import engine, rescue, rescue_guest as RG
from azext_vmbootfix.repair.recreate import StepFailed
from azext_vmbootfix.repair.rescue_state import decide
from repairkit import Harness

RUN_ID = "0123abcd-4567-89ef-0123-456789abcdef"


def test_a_rollback_after_the_copy_was_detached_runs_no_restore_and_deletes_the_copy(secret_canary):
    h = Harness("oobe-stuck-no-image", canary=secret_canary)
    ctx = h.new_context("rescue", admin_username="bootfixuser")
    h.cloud.faults.add({"kind": "error", "method": "POST", "path": "virtualMachines/web01/deallocate$",
                        "status": 409, "code": "Conflict", "count": 5})
    with pytest.raises(engine.RepairError, match="deallocate-vm"):
        engine.apply(ctx)
    assert engine.rollback(h.reloaded_context(admin_password=None))["status"] == "rolled-back"
    assert not [r for _vm, kind, _s, r in h.cloud.compute.history if kind.endswith(rescue.RC_RESTORE)]
    assert not [d for d in h.inventory()["disks"] if d.endswith("-fixed") or "-rescue-" in d]
    h.assert_original_restored()


class _Scripts:
    """run_script as the rescue VM answers it: a result per script name, every call recorded."""

    def __init__(self, results):
        self.results, self.calls, self.protected = results, [], []

    def __call__(self, ctx, vm_name, command_name, script_name, parameters=None, protected=None):
        self.calls.append((vm_name, command_name, script_name, parameters))
        self.protected.append(protected)
        return self.results[script_name]


def _ok(output):
    return {"state": "Succeeded", "exitCode": 0, "output": output, "error": ""}


FAILED = {"state": "Failed", "exitCode": 1, "output": "", "error": "Access is denied.\nat line 3"}


@pytest.fixture
def attached(monkeypatch):
    monkeypatch.setattr(RG, "_copy_attached", lambda ctx: True)
    monkeypatch.setattr(RG, "_rescue_name", lambda ctx: "web01-rescue-0123abcd")
    monkeypatch.setattr(RG, "copy_disk_of", lambda doc: ({"number": 2}, doc["parts"]))
    monkeypatch.setattr(RG, "windows_partition", lambda parts: parts[0])

    def wire(results):
        scripts = _Scripts(results)
        monkeypatch.setattr(RG, "run_script", scripts)
        return scripts
    return wire


CTX = types.SimpleNamespace(run_id=RUN_ID)
DISKS = _ok('{"parts": [{"letter": "F"}]}')


def test_undo_restores_with_the_copys_letter_and_the_runs_tag(attached):
    scripts = attached({"get-disks.ps1": DISKS, "restore-backups.ps1": _ok('{"Restored": ["SYSTEM"]}')})
    assert RG.FinishSetup().undo(CTX) == {"Restored": ["SYSTEM"]}
    assert scripts.calls[-1] == ("web01-rescue-0123abcd", rescue.RC_RESTORE, "restore-backups.ps1",
                                 {"WindowsLetter": "F", "RunTag": "0123abcd"})


@pytest.mark.parametrize("results, message", [
    ({"get-disks.ps1": FAILED}, "get-disks.ps1 failed on the rescue VM (exit 1): Access is denied."),
    ({"get-disks.ps1": _ok("no json here")}, "get-disks.ps1 printed no JSON result on the rescue VM"),
    ({"get-disks.ps1": DISKS, "restore-backups.ps1": FAILED},
     "restoring the copy's backups failed on the rescue VM (exit 1): Access is denied."),
    ({"get-disks.ps1": DISKS, "restore-backups.ps1": _ok("done")},
     "restore-backups.ps1 printed no JSON result on the rescue VM"),
])
def test_undo_failures_name_the_script_that_failed(attached, results, message):
    attached(results)
    with pytest.raises(StepFailed) as exc:
        RG.FinishSetup().undo(CTX)
    assert str(exc.value) == message


def test_undo_does_nothing_when_the_copy_is_not_attached(monkeypatch):
    monkeypatch.setattr(RG, "_copy_attached", lambda ctx: False)
    monkeypatch.setattr(RG, "run_script", lambda *a, **k: pytest.fail("no script may run"))
    assert RG.FinishSetup().undo(CTX) is None


# -- finish-setup's apply, on stubs: what it sends the write script and what it journals ------------------------
SEALED = {"ImageState": "IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE", "CmdLine": "oobe\\windeploy.exe", "SetupType": 2,
          "OOBEInProgress": 1, "SystemSetupInProgress": 1, "setup.exe": 3, "controlSet": "ControlSet002",
          "InstallLanguage": "0407", "SystemLocaleId": "00000807", "LocaleName": "de-CH", "Preload": "00000807",
          "UnattendFile": "C:\\Windows\\Setup\\custom.xml", "SetupPhase": 4}


def _finish(monkeypatch, attached, state=None, original=None, user="fixadmin", written=None):
    written = {"Marker": RG.ANSWER_MARKER, "Written": True, "Backups": ["F:\\a.bootfix-0123abcd"]} \
        if written is None else written
    scripts = attached({"get-disks.ps1": DISKS, "read-setup-state.ps1": _ok("reg query output"),
                        "write-answer-file.ps1": _ok("BOOTFIX\n" + json.dumps(written))})
    monkeypatch.setattr(RG, "setup_state", lambda text: dict(SEALED if state is None else state)
                        if text == "reg query output" else pytest.fail("not the read script's output"))
    monkeypatch.setattr(RG, "_original", lambda ctx: original if original is not None else {
        "properties": {"osProfile": {"computerName": "WEB05"}}})
    monkeypatch.setattr(RG, "_params", lambda ctx: {"adminUsername": user})
    ctx = types.SimpleNamespace(run_id=RUN_ID, vm_name="web01-with-a-long-name", admin_password=lambda: "Pa55-w0rd!")
    return ctx, scripts


def test_finish_setup_sends_the_write_script_every_value_it_read(monkeypatch, attached):
    ctx, scripts = _finish(monkeypatch, attached)
    out = RG.FinishSetup().apply(ctx)
    name, command, script, parameters = scripts.calls[-1]
    assert (name, command, script) == ("web01-rescue-0123abcd", rescue.RC_ANSWER, "write-answer-file.ps1")
    assert parameters == {"InputLocale": "0807:00000807", "SystemLocale": "de-CH", "UILanguage": "de-DE",
                          "UserLocale": "de-CH", "WindowsLetter": "F", "ComputerNameB64": "V0VCMDU=",
                          "AdminUserB64": "Zml4YWRtaW4=", "ControlSet": "ControlSet002", "RunTag": "0123abcd",
                          "UnattendFile": "C:\\Windows\\Panther\\Unattend.xml"}
    assert scripts.protected == [None, None, {"AdminPasswordB64": "UGE1NS13MHJkIQ=="}]  # the password only there
    assert [c[1:3] for c in scripts.calls] == [(rescue.RC_DISKS, "get-disks.ps1"),
                                               (rescue.RC_STATE, "read-setup-state.ps1"),
                                               (rescue.RC_ANSWER, "write-answer-file.ps1")]
    assert scripts.calls[1][3] == {"WindowsLetter": "F"}
    assert out == {"copyDiskNumber": 2, "windowsLetter": "F", "answerFile": "F:\\Windows\\Panther\\Unattend.xml",
                   "answerAccounts": ["fixadmin", "built-in administrator"],
                   "setupState": {k: SEALED[k] for k in RG.STATE_FIELDS},
                   "decision": decide(SEALED), "controlSet": "ControlSet002",
                   "locales": {"InputLocale": "0807:00000807", "SystemLocale": "de-CH", "UILanguage": "de-DE",
                               "UserLocale": "de-CH"},
                   "unattendFile": {"action": "point", "before": "C:\\Windows\\Setup\\custom.xml",
                                    "after": "C:\\Windows\\Panther\\Unattend.xml"},
                   "backups": ["F:\\a.bootfix-0123abcd"]}


def test_finish_setup_defaults_the_control_set_the_computer_name_and_the_unattend_value(monkeypatch, attached):
    state = {k: v for k, v in SEALED.items() if k not in ("controlSet", "UnattendFile")}
    ctx, scripts = _finish(monkeypatch, attached, state=state, original={"properties": {}}, user="Administrator",
                              written={"Marker": RG.ANSWER_MARKER, "Written": True, "Backups": "F:\\one.bootfix"})
    out = RG.FinishSetup().apply(ctx)
    parameters = scripts.calls[-1][3]
    assert parameters["ControlSet"] == "ControlSet001" and parameters["UnattendFile"] == ""
    assert parameters["ComputerNameB64"] == RG.b64("web01-with-a-lo")       # the VM name, cut to 15 characters
    assert out["answerAccounts"] == ["built-in administrator"]              # the built-in account's own name
    assert out["backups"] == ["F:\\one.bootfix"] and out["controlSet"] == "ControlSet001"


@pytest.mark.parametrize("written", [{"Marker": "OTHER", "Written": True}, {"Marker": RG.ANSWER_MARKER},
                                     {"Marker": RG.ANSWER_MARKER, "Written": "yes"}])
def test_finish_setup_fails_unless_the_script_says_it_wrote_the_answer_file(monkeypatch, attached, written):
    ctx, _ = _finish(monkeypatch, attached, written=written)
    with pytest.raises(StepFailed) as exc:
        RG.FinishSetup().apply(ctx)
    assert str(exc.value) == "the answer file was not written to F:\\Windows\\Panther\\Unattend.xml"


@pytest.mark.parametrize("user, local", [("fixadmin", True), ("Administrator", False), ("ADMINISTRATOR", False),
                                         ("", False), (None, False)])
def test_only_a_named_admin_other_than_the_builtin_is_added(user, local):
    assert RG._local_account(user) is local  # pylint: disable=protected-access
