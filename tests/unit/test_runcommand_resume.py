"""A Run Command that may have run already is read before it is sent again (repair/runcommand.py): on the fake
(a crash just after the PUT that started a script, fast profile), and the decision for each execution state."""
import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.compute.models import (RunCommandInputParameter, VirtualMachineRunCommand,
                                       VirtualMachineRunCommandInstanceView, VirtualMachineRunCommandScriptSource)

from azext_vmbootfix.repair import engine, runcommand
from azext_vmbootfix.repair.recreate import StepFailed
from repairkit import Harness

RESCUE = "oobe-stuck-no-image"


def _puts(h, command):
    return [r for r in h.cloud.request_log
            if r["method"] == "PUT" and r["path"].lower().endswith("/runcommands/" + command)]


@pytest.mark.parametrize("command", ["bootfix-answer-file", "bootfix-bcd-ems"])
def test_resume_right_after_a_script_was_sent_waits_for_it_and_takes_its_result(command):
    """Killed just after Azure accepted the Run Command (the script runs ~20 s): resumed at once, the step
    replays its earlier attempt (its reads' results, same parameters), waits for the script and takes its output;
    the script is not sent a second time (the fake would cancel the running one and run it again)."""
    clean = Harness(RESCUE)
    ctx = clean.new_context("rescue")
    clean.cloud.request_log.clear()
    engine.apply(ctx)
    requests = [r for r in clean.cloud.request_log if not clean.cloud.operations.is_poll(r["method"], r["path"])]
    nth = next(i for i, r in enumerate(requests, 1)
               if r["method"] == "PUT" and r["path"].lower().endswith("/runcommands/" + command))
    h = Harness(RESCUE)
    ctx = h.new_context("rescue")
    h.cloud.request_log.clear()
    result = h.apply_in_child(ctx, crash_at=nth, crash_after=True, skip_polls=True)
    assert result.outcome == "crashed" and result.crashed[1].lower().endswith(command)
    assert engine.apply(h.reloaded_context())["status"] == "succeeded"
    assert len(_puts(h, command)) == 1, "the script was sent again"
    assert any("already ran" in m and "its result is taken" in m for m in h.progress_messages)
    h.assert_rescued()
    h.assert_nothing_lost()


# -- the decision for each state of an earlier attempt ---------------------------------------------------
class _Commands:
    """The run-command operations a step uses, answering with ``stored`` (a list: one answer per read)."""

    def __init__(self, stored):
        self.stored = list(stored)
        self.reads = 0
        self.read_before_sending = None
        self.sent = []

    def get_by_virtual_machine(self, group, vm, name, expand=None):
        self.reads += 1
        answer = self.stored[min(self.reads, len(self.stored)) - 1]
        if answer is None:
            raise ResourceNotFoundError("not found")
        return answer

    def begin_create_or_update(self, group, vm, name, body):
        self.read_before_sending = self.reads
        self.sent.append(body)
        done = _stored("Succeeded", 0, "new output", script=body["properties"]["source"]["script"],
                       parameters={p["name"]: p["value"] for p in body["properties"]["parameters"]},
                       step=body["tags"].get(runcommand.STEP_TAG))
        self.stored.append(done)
        self.reads = len(self.stored) - 1

        class _Poller:
            @staticmethod
            def result():
                return done
        return _Poller()


class _Compute:
    def __init__(self, commands):
        self.virtual_machine_run_commands = commands


class _Journal:
    data = {"params": {"location": "westeurope"}, "runId": "00000000-0000-0000-0000-000000000001",
            "resourceGroup": "rg"}


class _Ctx:
    def __init__(self, stored, resumed=True):
        self.compute = _Compute(_Commands(stored))
        self.journal = _Journal()
        self.run_id = _Journal.data["runId"]
        self.resource_group = "rg"
        self.step_name = "enable-serial-console"
        self.resumed_step = resumed
        self.slept = 0
        self.messages = []

    def sleep(self, seconds):
        self.slept += seconds

    def progress(self, message):
        self.messages.append(message)


PARAMS = {"Store": r"S:\EFI\Microsoft\Boot\BCD", "Loader": "{default}"}


def _stored(state, exit_code, output="old output", script=None, parameters=None, step="enable-serial-console"):
    rc = VirtualMachineRunCommand(
        location="westeurope", tags={runcommand.STEP_TAG: step} if step else {},
        source=VirtualMachineRunCommandScriptSource(script=script or runcommand.script_text("enable-ems.ps1")),
        parameters=[RunCommandInputParameter(name=k, value=v) for k, v in (parameters or PARAMS).items()])
    rc.instance_view = VirtualMachineRunCommandInstanceView(execution_state=state, exit_code=exit_code,
                                                            output=output, error="")  # read-only: set as read
    return rc


def _run(ctx, script="enable-ems.ps1", params=None):
    return runcommand.run_script(ctx, "rescue-vm", "bootfix-ems", script, parameters=params or PARAMS)


def test_succeeded_is_taken_and_not_run_again():
    ctx = _Ctx([_stored("Succeeded", 0)])
    assert _run(ctx)["output"] == "old output"
    assert ctx.compute.virtual_machine_run_commands.sent == []


def test_running_is_waited_for_then_taken():
    ctx = _Ctx([_stored("Running", None, ""), _stored("Running", None, ""), _stored("Succeeded", 0)])
    assert _run(ctx)["output"] == "old output"
    assert ctx.slept == 2 * runcommand.RESUME_POLL_SECONDS and not ctx.compute.virtual_machine_run_commands.sent


def test_still_running_past_the_bound_stops_the_step(monkeypatch):
    monkeypatch.setattr(runcommand, "RESUME_WAIT_SECONDS", 30)
    ctx = _Ctx([_stored("Running", None, "")])
    with pytest.raises(StepFailed, match="still Running"):
        _run(ctx)
    assert not ctx.compute.virtual_machine_run_commands.sent


@pytest.mark.parametrize("state", ["Failed", "TimedOut", "Canceled"])
def test_an_idempotent_script_that_ended_badly_is_run_again(state):
    ctx = _Ctx([_stored(state, 1)])
    assert _run(ctx)["output"] == "new output"
    assert len(ctx.compute.virtual_machine_run_commands.sent) == 1
    assert any("it is idempotent: running it again" in m for m in ctx.messages)


def test_a_script_that_is_not_idempotent_is_not_run_twice(monkeypatch):
    # every shipped script is idempotent today; the guard stays for one that is not (read-bcd.ps1 was, before it
    # learnt to keep a letter already there)
    monkeypatch.setattr(runcommand, "IDEMPOTENT", tuple(n for n in runcommand.IDEMPOTENT if n != "read-bcd.ps1"))
    params = {"DiskNumber": "2", "PartitionNumber": "1", "Letter": "S", "Store": r"S:\EFI\Microsoft\Boot\BCD"}
    script = runcommand.script_text("read-bcd.ps1")
    ctx = _Ctx([_stored("Failed", 1, script=script, parameters=params)])
    with pytest.raises(StepFailed, match="not safe to run it twice") as raised:
        _run(ctx, "read-bcd.ps1", params)
    assert "az vm run-command" in raised.value.recommendation
    assert not ctx.compute.virtual_machine_run_commands.sent


@pytest.mark.parametrize("stored", [
    _stored("Succeeded", 0, step="finish-setup"),                       # another step's command of that name
    _stored("Succeeded", 0, parameters={"Store": "C:\\Boot\\BCD", "Loader": "{default}"}),  # other parameters
    _stored("Succeeded", 0, script="Write-Output 'something else'"),   # another script
    None,                                                              # never sent
])
def test_what_is_not_an_earlier_attempt_of_this_command_is_sent(stored):
    ctx = _Ctx([stored])
    assert _run(ctx)["output"] == "new output"
    assert len(ctx.compute.virtual_machine_run_commands.sent) == 1


def test_a_step_running_for_the_first_time_sends_without_reading():
    ctx = _Ctx([_stored("Succeeded", 0)], resumed=False)
    assert _run(ctx)["output"] == "new output"
    assert ctx.compute.virtual_machine_run_commands.read_before_sending == 0


def test_every_shipped_script_is_named_idempotent_or_not():
    from importlib import resources
    shipped = {p.name for p in resources.files("azext_vmbootfix.repair").joinpath("scripts").iterdir()
               if p.name.endswith(".ps1")}
    assert set(runcommand.IDEMPOTENT) == shipped


def test_read_bcd_run_twice_reads_the_same_store_on_the_simulated_guest():
    """read-bcd.ps1 sent again (a resume that cannot tell whether the first run happened) keeps the letter the
    first run assigned instead of failing in diskpart, which refuses a letter that is taken."""
    from fakeazure.guest import guest_from_spec, run_script
    rescue = guest_from_spec({"os": "windows", "version": "2022", "generation": "V1", "state": "healthy"})
    copy = guest_from_spec({"os": "windows", "version": "2019", "generation": "V2", "state": "oobe-stuck"})
    script = runcommand.script_text("read-bcd.ps1")
    params = {"DiskNumber": "2", "PartitionNumber": "1", "Letter": "S", "Store": r"S:\EFI\Microsoft\Boot\BCD"}
    first = run_script(rescue, script, data_disks=[copy], parameters=params)
    again = run_script(rescue, script, data_disks=[copy], parameters=params)
    assert first.exit_code == 0 and "Windows Boot Manager" in first.stdout, first.stderr
    assert (again.exit_code, again.stdout, again.stderr) == (0, first.stdout, "")
