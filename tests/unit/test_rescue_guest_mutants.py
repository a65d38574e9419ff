"""Edges of repair/rescue_guest.py the mutation run found unguarded: finish-setup's undo runs the restore script
only while the copy is attached to the rescue VM, with the copy's Windows letter and the run's tag, and its
failures name the script that failed."""
import types

import pytest

from azext_vmbootfix.repair import engine, rescue, rescue_guest as RG
from azext_vmbootfix.repair.recreate import StepFailed
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
        self.results, self.calls = results, []

    def __call__(self, ctx, vm_name, command_name, script_name, parameters=None, protected=None):
        self.calls.append((vm_name, command_name, script_name, parameters))
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
