"""Managed Run Command on the rescue VM: the PowerShell scripts shipped in ``scripts/``, their parameters, their
results.

The scripts are plain ``.ps1`` files (package data) that an admin can read and run by hand. Every value reaches a
script as a Run Command parameter, never spliced into its text. Free text (the computer name, the admin user
name, the admin password) goes base64-encoded (UTF-8): the action form of Run Command drops a caret and breaks on
an ``&`` in a parameter value (Azure/azure-powershell#19087, MicrosoftDocs/azure-docs#80366), and whether the
managed form does the same is not documented; base64 has neither. The scripts decode it and escape it for where
it goes (XML text in the answer file). Secrets go only in ``protectedParameters``: Azure never returns them.
Scripts print their findings as one ``ConvertTo-Json -Compress`` line (or bcdedit's own text), never a default
table view, whose layout depends on the console width.

A step run again (a resume after a crash, or after Azure refused it because an operation was in progress) may
have sent its Run Commands already. Before sending one again :func:`run_script` reads the managed Run Command's
``instanceView`` (azure-rest-api-specs, Compute ``runCommand.json``, ``VirtualMachineRunCommandInstanceView``:
``executionState`` Unknown, Pending, Running, Failed, Succeeded, TimedOut or Canceled; ``exitCode``, ``output``,
``error``). Each command carries the step that sent it (tag :data:`STEP_TAG`); when the stored one is the same
script with the same parameters sent by the same step (:func:`_same`):
- ``Pending``/``Running`` (or ``Unknown``): waits for it to end (polling, within :data:`RESUME_WAIT_SECONDS`);
- ``Succeeded`` with exit code 0: takes that output and does not run it again. Reads too: the step decided its
  next scripts from them, and the step's own later scripts may have changed what they read (a copy taken
  Offline by start-nested-vm.ps1), so the step replays its earlier attempt rather than mix it with a new read;
- ``Failed``, ``TimedOut``, ``Canceled``: says so and runs it again when the script is in :data:`IDEMPOTENT`;
  otherwise the step stops (StepFailed) rather than run it twice, and says how to start the step afresh.
A command of another step (get-disks.ps1 is sent under one name by several steps) or with other parameters is
not an earlier attempt of this one: it is sent as usual.

The action form of Run Command (``POST .../runCommand``) is not used: it keeps no resource, its result lives only
in the status document of the operation that ran it, whose URL dies with the process that sent it, so a resume
could not tell whether a script it sent had run. Were it ever used, only scripts in :data:`IDEMPOTENT` could go
through it, and a resume would simply send them again.
"""
import base64
import json
from importlib import resources

from azext_vmbootfix.repair.recreate import RUN_TAG, StepFailed
from azext_vmbootfix.repair.step import Started

SCRIPT_TIMEOUT_SECONDS = 900
RESUME_POLL_SECONDS = 10
RESUME_WAIT_SECONDS = SCRIPT_TIMEOUT_SECONDS + 120  # the script's own bound, and the agent's time to report
STEP_TAG = "vmbootfix-step"
READ_ONLY = ("get-disks.ps1", "read-setup-state.ps1")  # they change nothing on the rescue VM or the copy
# Scripts that can run twice with the same parameters and leave the same result (each one's header says how):
# the reads; bcdedit /set sets absolute values; the answer file keeps its first backups and appends to
# SetupComplete.cmd once; restoring copies the same backups back; Install-WindowsFeature of an installed feature
# succeeds with nothing to do; the nested VM script removes a VM of its name first, the release one removes it
# only if it is there; read-bcd.ps1 assigns its drive letter only when the partition does not have it yet
# (diskpart refuses a letter that is taken), so a second run reads the same store.
IDEMPOTENT = READ_ONLY + ("read-bcd.ps1", "enable-ems.ps1", "write-answer-file.ps1", "restore-backups.ps1",
                          "enable-hyperv.ps1", "start-nested-vm.ps1", "release-nested-vm.ps1")
_UNFINISHED = ("pending", "running", "unknown", "")


def script_text(name):
    """The text of ``scripts/<name>`` as shipped in the wheel."""
    return resources.files("azext_vmbootfix.repair").joinpath("scripts", name).read_text(encoding="utf-8")


def b64(text):
    """A free-text value for a script parameter: UTF-8, base64 (the scripts decode it)."""
    return base64.b64encode((text or "").encode("utf-8")).decode("ascii")


def run_script(ctx, vm_name, command_name, script_name, parameters=None, protected=None):
    """Run ``scripts/<script_name>`` on ``vm_name`` as a managed Run Command; return its instance view (output,
    error, exit code). ``protected`` values go only in ``protectedParameters``; nothing here logs them."""
    return run_scripts(ctx, vm_name, [(command_name, script_name, parameters, protected)])[0]


def run_scripts(ctx, vm_name, calls):
    """Run several scripts on ``vm_name`` at once, each as its own managed Run Command: every one is sent before
    any is waited for (Learn, "Run scripts in your Windows VM by using managed Run Commands": managed Run
    Commands add "parallel execution of multiple scripts" over the action form). Only for scripts that need
    nothing of each other's output and touch different things. ``calls``: ``(command name, script name,
    parameters[, protected])``; returns their instance views in that order (see :func:`run_script`)."""
    sent = [_send(ctx, vm_name, *call, later=len(calls) > 1) for call in calls]
    results = []
    for (command_name, *_rest), (earlier, poller) in zip(calls, sent):
        if poller is None:
            results.append(earlier)
            continue
        poller.result()
        results.append(script_result(ctx, vm_name, command_name, required=True))
    return results


def _send(ctx, vm_name, command_name, script_name, parameters=None, protected=None, later=False):
    """``(earlier result, None)`` when an earlier attempt's result is taken, else ``(None, poller)``: the managed
    Run Command sent. ``later``: its poller does not poll until asked (:class:`~.step.Started`), so that several
    sent together are waited for one after the other, each poll in the order asked."""
    props = {"source": {"script": script_text(script_name)}, "asyncExecution": False,
             "timeoutInSeconds": SCRIPT_TIMEOUT_SECONDS, "treatFailureAsDeploymentFailure": False,
             "parameters": [{"name": k, "value": str(v)} for k, v in (parameters or {}).items()]}
    if protected:
        props["protectedParameters"] = [{"name": k, "value": v} for k, v in protected.items()]
    tags = {RUN_TAG: ctx.run_id}
    if getattr(ctx, "step_name", None):
        tags[STEP_TAG] = ctx.step_name
    body = {"location": ctx.journal.data["params"]["location"], "tags": tags, "properties": props}
    if getattr(ctx, "resumed_step", False):
        earlier = _earlier_result(ctx, vm_name, command_name, script_name, props, tags)
        if earlier is not None:
            return earlier, None
    commands = ctx.compute.virtual_machine_run_commands
    send = (lambda *a: Started(commands.begin_create_or_update, *a)) if later else commands.begin_create_or_update
    return None, send(ctx.resource_group, vm_name, command_name, body)


def _earlier_result(ctx, vm_name, command_name, script_name, props, tags):
    """What an earlier run of the same command left (see the module's doc): its result when it is to be taken,
    None when the script is to be sent (again); StepFailed when it must not run twice."""
    from azure.core.exceptions import ResourceNotFoundError
    waited = 0
    while True:
        try:
            rc = ctx.compute.virtual_machine_run_commands.get_by_virtual_machine(
                ctx.resource_group, vm_name, command_name, expand="instanceView")
        except ResourceNotFoundError:
            return None  # never sent (or its VM is gone): send it
        if not _same(rc, props, tags):
            return None  # another step's, or other parameters: not an earlier attempt of this one
        result = _result(rc)
        shown = (result or {}).get("state") or "unreported"
        state = (result or {}).get("state", "").lower()
        if state not in _UNFINISHED or (rc.provisioning_state or "").lower() in ("failed", "canceled"):
            break
        if waited >= RESUME_WAIT_SECONDS:
            raise StepFailed("{} sent by an earlier attempt is still {} on {} after {} s".format(
                script_name, shown, vm_name, waited),
                "Wait until `az vm run-command show -g {} --vm-name {} -n {} --instance-view` shows it ended, then "
                "resume.".format(ctx.resource_group, vm_name, command_name))
        ctx.progress("{} sent by an earlier attempt is {} on {}: waiting for its result".format(
            script_name, shown, vm_name))
        ctx.sleep(RESUME_POLL_SECONDS)
        waited += RESUME_POLL_SECONDS
    if succeeded(result):
        ctx.progress("{} already ran on {} (Succeeded): its result is taken, it is not run again".format(
            script_name, vm_name))
        return result
    if script_name not in IDEMPOTENT:
        raise StepFailed("{} already ran on {} and ended {} (exit {}); it is not safe to run it twice".format(
            script_name, vm_name, (result or {}).get("state") or "unreported", (result or {}).get("exitCode")),
            "Look at `az vm run-command show -g {0} --vm-name {1} -n {2} --instance-view`; then delete the Run "
            "Commands tagged {3}={4} on {1} (`az vm run-command list -g {0} --vm-name {1}`), so that the step "
            "reads the disks afresh, and resume.".format(ctx.resource_group, vm_name, command_name, STEP_TAG,
                                                         tags.get(STEP_TAG)))
    ctx.progress("{} ran before on {} and ended {} (exit {}); it is idempotent: running it again".format(
        script_name, vm_name, (result or {}).get("state") or "unreported", (result or {}).get("exitCode")))
    return None


def _same(rc, props, tags):
    """Whether the stored command is an earlier attempt of this one: sent by the same step, the same script text,
    the same (non-protected) parameters. Azure never returns protected parameters, so they cannot be compared
    (they are the same password at every attempt)."""
    if (rc.tags or {}).get(STEP_TAG) != tags.get(STEP_TAG):
        return False
    source = getattr(rc, "source", None)
    script = getattr(source, "script", None) if source is not None else None
    have = sorted((p.name, p.value) for p in (rc.parameters or []))
    want = sorted((p["name"], p["value"]) for p in props.get("parameters") or [])
    return script == props["source"]["script"] and have == want


def script_result(ctx, vm_name, command_name, required=False):
    from azure.core.exceptions import ResourceNotFoundError
    try:
        rc = ctx.compute.virtual_machine_run_commands.get_by_virtual_machine(
            ctx.resource_group, vm_name, command_name, expand="instanceView")
    except ResourceNotFoundError:
        if required:
            raise
        return None
    return _result(rc)


def _result(rc):
    view = rc.instance_view
    if view is None:
        return None
    state = getattr(view.execution_state, "value", view.execution_state)
    return {"state": str(state or ""), "exitCode": view.exit_code, "output": view.output or "",
            "error": view.error or ""}


def succeeded(result):
    return bool(result) and result["state"].lower() == "succeeded" and result["exitCode"] == 0


def check(result, what):
    """The script's output, or StepFailed naming what failed with the first line of its error (a PowerShell error
    record starts with its message)."""
    if not succeeded(result):
        error = (result or {}).get("error", "").strip()
        output = (result or {}).get("output", "").strip()
        detail = error.splitlines()[0] if error else (output.splitlines()[-1] if output else "no output")
        raise StepFailed("{} failed on the rescue VM (exit {}): {}".format(
            what, (result or {}).get("exitCode"), detail[:300]))
    return result["output"]


def json_line(output, what):
    """The last line of ``output`` that parses as JSON (a script's ``ConvertTo-Json -Compress``)."""
    for line in reversed((output or "").splitlines()):
        line = line.strip()
        if line.startswith(("{", "[")):
            try:
                return json.loads(line)
            except ValueError:
                continue
    raise StepFailed("{} printed no JSON result on the rescue VM".format(what))
