"""Edges of repair/rescue_guest.py the mutation run found unguarded: finish-setup's undo runs the restore script
only while the copy is attached to the rescue VM (test_undo_does_nothing_when_the_copy_is_not_attached), with the copy's Windows letter and the run's tag, and its
failures name the script that failed."""
import json
import types

import pytest

from azext_vmbootfix.repair import rescue, rescue_base as RB, rescue_guest as RG
from azext_vmbootfix.repair.recreate import StepFailed
from azext_vmbootfix.repair.rescue_state import decide

RUN_ID = "0123abcd-4567-89ef-0123-456789abcdef"


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
    monkeypatch.setattr(RG, "_rescue_vm", lambda ctx: object())
    monkeypatch.setattr(RG, "_copy_disk", lambda ctx: object())
    monkeypatch.setattr(RG, "_rescue_name", lambda ctx: "web01-rescue-0123abcd")
    monkeypatch.setattr(RG, "copy_disk_of", lambda doc: ({"number": 2}, doc["parts"]))
    monkeypatch.setattr(RG, "windows_partition", lambda parts: parts[0])

    monkeypatch.setattr(RB, "_rescue_name", lambda ctx: "web01-rescue-0123abcd")

    def wire(results):
        scripts = _Scripts(results)
        monkeypatch.setattr(RG, "run_script", scripts)
        monkeypatch.setattr(RB, "run_script", scripts)    # rescue_doc's
        monkeypatch.setattr(RG, "run_scripts", lambda ctx, vm, calls: [scripts(ctx, vm, *c) for c in calls])
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
    monkeypatch.setattr(RG, "_rescue_vm", lambda ctx: object())
    monkeypatch.setattr(RG, "_copy_disk", lambda ctx: object())
    monkeypatch.setattr(RG, "run_script", lambda *a, **k: pytest.fail("no script may run"))
    assert RG.FinishSetup().undo(CTX) is None


# -- finish-setup's apply, on stubs: what it sends the write script and what it journals ------------------------
SEALED = {"ImageState": "IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE", "CmdLine": "oobe\\windeploy.exe", "SetupType": 2,
          "OOBEInProgress": 1, "SystemSetupInProgress": 1, "setup.exe": 3, "controlSet": "ControlSet002",
          "InstallLanguage": "0407", "SystemLocaleId": "00000807", "LocaleName": "de-CH", "Preload": "00000807",
          "UnattendFile": "C:\\Windows\\Setup\\custom.xml", "SetupPhase": 4}


BCD_PARAMS = {"DiskNumber": 2, "PartitionNumber": 1, "Letter": "S", "Store": "S:\\EFI\\Microsoft\\Boot\\BCD"}
BCD_BLOCKS = [{"title": "Windows Boot Manager", "identifier": "{bootmgr}", "default": "{current}"},
              {"title": "Windows Boot Loader", "identifier": "{current}"}]


def _finish(monkeypatch, attached, state=None, original=None, user="fixadmin", written=None, blocks=None):
    written = {"Marker": RG.ANSWER_MARKER, "Written": True, "Backups": ["F:\\a.bootfix-0123abcd"]} \
        if written is None else written
    scripts = attached({"get-disks.ps1": DISKS, "read-setup-state.ps1": _ok("reg query output"),
                        "read-bcd.ps1": _ok("bcdedit /enum text"),
                        "write-answer-file.ps1": _ok("BOOTFIX\n" + json.dumps(written))})
    monkeypatch.setattr(RG.EnableSerialConsole, "read_parameters",
                        lambda self, ctx, doc, disk, parts: dict(BCD_PARAMS) if doc == {"parts": [{"letter": "F"}]}
                        and disk == {"number": 2} else pytest.fail("not get-disks' listing"))
    monkeypatch.setattr(RG, "parse_bcd_enum", lambda text: (BCD_BLOCKS if blocks is None else blocks)
                        if text == "bcdedit /enum text" else pytest.fail("not the BCD read's output"))
    monkeypatch.setattr(RG, "setup_state", lambda text: dict(SEALED if state is None else state)
                        if text == "reg query output" else pytest.fail("not the read script's output"))
    monkeypatch.setattr(RG, "_original", lambda ctx: original if original is not None else {
        "properties": {"osProfile": {"computerName": "WEB05"}}})
    monkeypatch.setattr(RG, "_params", lambda ctx: {"adminUsername": user})
    ctx = types.SimpleNamespace(run_id=RUN_ID, vm_name="web01-with-a-long-name", admin_password=lambda: "Pa55-w0rd!",
                                memory={})
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
    assert scripts.protected == [None, None, None, {"AdminPasswordB64": "UGE1NS13MHJkIQ=="}]  # the password only there
    assert [c[1:3] for c in scripts.calls] == [(rescue.RC_DISKS, "get-disks.ps1"),
                                               (rescue.RC_STATE, "read-setup-state.ps1"),
                                               (rescue.RC_ENUM, "read-bcd.ps1"),
                                               (rescue.RC_ANSWER, "write-answer-file.ps1")]
    assert scripts.calls[1][3] == {"WindowsLetter": "F"} and scripts.calls[2][3] == BCD_PARAMS
    # what enable-serial-console of this run takes instead of reading the store again
    assert ctx.memory == {RG.BCD_READ: {"store": BCD_PARAMS["Store"], "loader": "{current}"}}
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


# -- enable-serial-console, on stubs: which partition, which letter, which loader ----------------------------------
def _ems(monkeypatch, attached, parts, generation="V2", blocks=None, verified=True, other_letters=("C", "D")):
    scripts = attached({"get-disks.ps1": DISKS, "read-bcd.ps1": _ok("bcdedit /enum text"),
                        "enable-ems.ps1": _ok("ems text")})
    monkeypatch.setattr(RG, "copy_disk_of", lambda doc: ({"number": 2}, parts))
    monkeypatch.setattr(RG, "parse_disks", lambda doc: ([], {0: [{"letter": x} for x in other_letters], 2: parts})
                        if doc == {"parts": [{"letter": "F"}]} else ([], {}))   # only get-disks' own JSON
    monkeypatch.setattr(RG, "_copy_disk", lambda ctx: types.SimpleNamespace(hyper_v_generation=generation))
    monkeypatch.setattr(RG, "_params", lambda ctx: {})
    blocks = [{"title": "Windows Boot Manager", "identifier": "{bootmgr}", "default": "{current}"},
              {"title": "Windows Boot Loader", "identifier": "{current}"}] if blocks is None else blocks
    monkeypatch.setattr(RG, "parse_bcd_enum", lambda text: blocks if text == "bcdedit /enum text" else [])
    checked = []
    monkeypatch.setattr(RG, "ems_verified", lambda text, loader: checked.append((text, loader)) or verified)
    ctx = types.SimpleNamespace(run_id=RUN_ID, step_outputs={})
    return ctx, scripts, checked


EFI = {"number": 1, "letter": None, "sizeMb": 100, "type": "System"}
RESERVED = {"number": 1, "letter": "E", "sizeMb": 500, "type": "IFS"}
WINDOWS = {"number": 2, "letter": "F", "sizeMb": 130000, "type": "Basic"}


@pytest.mark.parametrize("others, letter", [(("C", "D"), "S"), (("C", "S", "T"), "U")])
def test_the_efi_partition_gets_the_first_spare_letter(monkeypatch, attached, others, letter):
    ctx, scripts, checked = _ems(monkeypatch, attached, [EFI, WINDOWS], other_letters=others)
    out = RG.EnableSerialConsole().apply(ctx)
    store = letter + ":\\EFI\\Microsoft\\Boot\\BCD"
    assert [c[1:] for c in scripts.calls[1:]] == [
        (rescue.RC_ENUM, "read-bcd.ps1", {"DiskNumber": 2, "PartitionNumber": 1, "Letter": letter, "Store": store}),
        (rescue.RC_EMS, "enable-ems.ps1", {"Store": store, "Loader": "{current}"})]
    assert checked == [("ems text", "{current}")] and ctx.step_outputs == {"loader": "{current}"}
    assert out == {"bcdStore": store, "loader": "{current}", "ems": "EMSPORT:1 EMSBAUDRATE:115200"}


def test_a_gen1_copy_uses_its_lettered_system_reserved_partition(monkeypatch, attached):
    ctx, scripts, _ = _ems(monkeypatch, attached, [RESERVED, WINDOWS], generation=None)
    assert RG.EnableSerialConsole().apply(ctx)["bcdStore"] == "E:\\Boot\\BCD"
    assert scripts.calls[1][3] == {"DiskNumber": 2, "PartitionNumber": 1, "Letter": "", "Store": "E:\\Boot\\BCD"}


LOADER = "Windows Boot Loader"


@pytest.mark.parametrize("blocks, loader", [
    ([{"title": "Windows Boot Manager", "identifier": "{bootmgr}", "default": "{b}"},
      {"title": LOADER, "identifier": "{a}"}, {"title": LOADER, "identifier": "{b}"}], "{b}"),   # bootmgr's default
    ([{"title": "Windows Boot Manager", "identifier": "{bootmgr}", "default": "{gone}"},
      {"title": LOADER, "identifier": "{a}"}, {"title": LOADER, "identifier": "{default}"}], "{default}"),
    ([{"title": LOADER, "identifier": "{a}"}, {"title": LOADER, "identifier": "{c}"}], "{a}"),   # else the first
])
def test_the_loader_is_bootmgrs_default_then_default_then_the_first(monkeypatch, attached, blocks, loader):
    ctx, scripts, _ = _ems(monkeypatch, attached, [EFI, WINDOWS], blocks=blocks)
    assert RG.EnableSerialConsole().apply(ctx)["loader"] == loader
    assert scripts.calls[-1][3]["Loader"] == loader


def test_no_loader_or_ems_not_shown_fails_the_step(monkeypatch, attached):
    ctx, _, _ = _ems(monkeypatch, attached, [EFI, WINDOWS], blocks=[{"title": "Windows Boot Manager",
                                                                     "identifier": "{bootmgr}"}])
    with pytest.raises(StepFailed) as exc:
        RG.EnableSerialConsole().apply(ctx)
    assert str(exc.value) == "bcdedit /store S:\\EFI\\Microsoft\\Boot\\BCD /enum shows no Windows Boot Loader"
    ctx, _, _ = _ems(monkeypatch, attached, [EFI, WINDOWS], verified=False)
    with pytest.raises(StepFailed) as exc:
        RG.EnableSerialConsole().apply(ctx)
    assert str(exc.value) == "bcdedit ran but /enum does not show EMS on for {current} in S:\\EFI\\Microsoft\\Boot\\BCD"
    assert ctx.step_outputs == {"loader": "{current}"}   # journaled even though the step failed


@pytest.mark.parametrize("generation, params, expected", [("V2", {}, "V2"), (None, {"generation": "V2"}, "V2"),
                                                          (None, {}, "V1")])
def test_the_generation_comes_from_the_copy_then_the_plan(monkeypatch, generation, params, expected):
    monkeypatch.setattr(RG, "_copy_disk", lambda ctx: types.SimpleNamespace(
        hyper_v_generation=types.SimpleNamespace(value=generation) if generation else None))
    monkeypatch.setattr(RG, "_params", lambda ctx: params if ctx == "ctx" else {})
    assert RG.EnableSerialConsole()._generation("ctx") == expected  # pylint: disable=protected-access
    monkeypatch.setattr(RG, "_copy_disk", lambda ctx: None)
    assert RG.EnableSerialConsole()._generation("ctx") == (params.get("generation") or "V1")  # pylint: disable=protected-access


@pytest.mark.parametrize("result, loader, verified, done", [
    (None, "{current}", True, False),
    ({"state": "Failed", "exitCode": 1, "output": "BOOTFIX-EMS", "error": ""}, "{current}", True, False),
    (_ok("no marker"), "{current}", True, False),
    (_ok("BOOTFIX-EMS"), None, True, False),
    (_ok("BOOTFIX-EMS"), "{current}", False, False),
    (_ok("BOOTFIX-EMS"), "{current}", True, True),
])
def test_serial_console_is_done_only_when_the_ems_script_showed_it_on(monkeypatch, result, loader, verified, done):
    monkeypatch.setattr(RG, "_rescue_vm", lambda ctx: object())
    monkeypatch.setattr(RG, "_rescue_name", lambda ctx: "web01-rescue-0123abcd")
    monkeypatch.setattr(RG, "script_result", lambda ctx, vm, command: result if command == rescue.RC_EMS else None)
    monkeypatch.setattr(RG, "ems_verified", lambda text, ldr: verified and ldr == "{current}" and text == "BOOTFIX-EMS")
    outputs = {"loader": loader} if loader else {}
    ctx = types.SimpleNamespace(journal=types.SimpleNamespace(
        step=lambda name: {"outputs": outputs if name == "enable-serial-console" else {"loader": "{current}"}}))
    assert RG.EnableSerialConsole().done(ctx) is done
    monkeypatch.setattr(RG, "_rescue_vm", lambda ctx: None)
    assert RG.EnableSerialConsole().done(ctx) is False


@pytest.mark.parametrize("result, done", [
    (None, False), (_ok("BOOTFIX-ANSWER-FILE\n{\"Written\": true}"), True),
    (_ok("BOOTFIX-ANSWER-FILE\n{\"Written\": false}"), False), (_ok("{\"Written\": true}"), False),
    ({"state": "Failed", "exitCode": 1, "output": "BOOTFIX-ANSWER-FILE\n{\"Written\": true}", "error": ""}, False),
])
def test_finish_setup_is_done_only_when_the_write_script_said_written(monkeypatch, result, done):
    monkeypatch.setattr(RG, "_rescue_vm", lambda ctx: object())
    monkeypatch.setattr(RG, "_rescue_name", lambda ctx: "web01-rescue-0123abcd")
    monkeypatch.setattr(RG, "script_result", lambda ctx, vm, command: result if command == rescue.RC_ANSWER else None)
    assert RG.FinishSetup().done(types.SimpleNamespace()) is done
    monkeypatch.setattr(RG, "_rescue_vm", lambda ctx: None)
    assert RG.FinishSetup().done(types.SimpleNamespace()) is False


COPY_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/web01-bootfix-0123abcd-fixed"


def _with_disks(*ids):
    return types.SimpleNamespace(storage_profile=types.SimpleNamespace(data_disks=[
        types.SimpleNamespace(managed_disk=types.SimpleNamespace(id=i)) for i in ids]))


@pytest.mark.parametrize("vm, copy, attached", [
    (None, COPY_ID, False), (_with_disks(COPY_ID), None, False), (_with_disks(None, "/x/other"), COPY_ID, False),
    (_with_disks(None, COPY_ID.upper()), COPY_ID, True)])
def test_the_copy_counts_as_attached_only_when_the_rescue_vm_lists_it(monkeypatch, vm, copy, attached):
    monkeypatch.setattr(RG, "_rescue_vm", lambda ctx: vm)
    monkeypatch.setattr(RG, "_copy_disk", lambda ctx: types.SimpleNamespace(id=copy) if copy else None)
    assert RG._copy_attached(None) is attached  # pylint: disable=protected-access


NO_JSON = _ok("no json here")


@pytest.mark.parametrize("script, result, message", [
    ("get-disks.ps1", FAILED, "get-disks.ps1 failed on the rescue VM (exit 1): Access is denied."),
    ("get-disks.ps1", NO_JSON, "get-disks.ps1 printed no JSON result on the rescue VM"),
    ("read-setup-state.ps1", FAILED, "reading the Setup state failed on the rescue VM (exit 1): Access is denied."),
    ("read-bcd.ps1", FAILED, "bcdedit /enum failed on the rescue VM (exit 1): Access is denied."),
    ("write-answer-file.ps1", FAILED, "writing the answer file failed on the rescue VM (exit 1): Access is denied."),
    ("write-answer-file.ps1", NO_JSON, "write-answer-file.ps1 printed no JSON result on the rescue VM"),
])
def test_finish_setup_failures_name_the_script_that_failed(monkeypatch, attached, script, result, message):
    ctx, scripts = _finish(monkeypatch, attached)
    scripts.results[script] = result
    with pytest.raises(StepFailed) as exc:
        RG.FinishSetup().apply(ctx)
    assert str(exc.value) == message


@pytest.mark.parametrize("script, result, message", [
    ("get-disks.ps1", FAILED, "get-disks.ps1 failed on the rescue VM (exit 1): Access is denied."),
    ("get-disks.ps1", NO_JSON, "get-disks.ps1 printed no JSON result on the rescue VM"),
    ("read-bcd.ps1", FAILED, "bcdedit /enum failed on the rescue VM (exit 1): Access is denied."),
    ("enable-ems.ps1", FAILED, "bcdedit (EMS) failed on the rescue VM (exit 1): Access is denied."),
])
def test_serial_console_failures_name_the_script_that_failed(monkeypatch, attached, script, result, message):
    ctx, scripts, _ = _ems(monkeypatch, attached, [EFI, WINDOWS])
    scripts.results[script] = result
    with pytest.raises(StepFailed) as exc:
        RG.EnableSerialConsole().apply(ctx)
    assert str(exc.value) == message


@pytest.mark.parametrize("blocks, refused", [
    ([{"title": "Windows Boot Manager", "identifier": "{bootmgr}"}], "shows no Windows Boot Loader"),  # no loader
    (None, "Refused"),  # a Setup state the answer file cannot finish
])
def test_finish_setup_decides_from_both_reads_before_the_copy_changes(monkeypatch, attached, blocks, refused):
    state = dict(SEALED, ImageState="IMAGE_STATE_COMPLETE", OOBEInProgress=0, SystemSetupInProgress=0,
                 SetupType=0, CmdLine="") if refused == "Refused" else None
    ctx, scripts = _finish(monkeypatch, attached, state=state, blocks=blocks)
    with pytest.raises(Exception) as exc:
        RG.FinishSetup().apply(ctx)
    assert refused in "{}: {}".format(type(exc.value).__name__, exc.value)
    assert "write-answer-file.ps1" not in [c[2] for c in scripts.calls] and ctx.memory == {}


def test_serial_console_takes_finish_setups_read_and_reads_nothing_again(monkeypatch, attached):
    ctx, scripts, checked = _ems(monkeypatch, attached, [EFI, WINDOWS])
    ctx.memory = {RG.BCD_READ: {"store": "T:\\EFI\\Microsoft\\Boot\\BCD", "loader": "{b}"}}
    out = RG.EnableSerialConsole().apply(ctx)
    assert [c[1:] for c in scripts.calls] == [
        (rescue.RC_EMS, "enable-ems.ps1", {"Store": "T:\\EFI\\Microsoft\\Boot\\BCD", "Loader": "{b}"})]
    assert checked == [("ems text", "{b}")] and out["bcdStore"] == "T:\\EFI\\Microsoft\\Boot\\BCD"


def test_without_admin_username_no_user_is_sent(monkeypatch, attached):
    ctx, scripts = _finish(monkeypatch, attached, user=None)
    assert RG.FinishSetup().apply(ctx)["answerAccounts"] == ["built-in administrator"]
    assert scripts.calls[-1][3]["AdminUserB64"] == ""


def test_a_marker_without_a_json_result_is_reported_by_script_name(monkeypatch):
    monkeypatch.setattr(RG, "_rescue_vm", lambda ctx: object())
    monkeypatch.setattr(RG, "_rescue_name", lambda ctx: "web01-rescue-0123abcd")
    monkeypatch.setattr(RG, "script_result", lambda ctx, vm, command: _ok("BOOTFIX-ANSWER-FILE"))
    with pytest.raises(StepFailed, match="^write-answer-file.ps1 printed no JSON result on the rescue VM$"):
        RG.FinishSetup().done(types.SimpleNamespace())
