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
"""
import base64
import json
from importlib import resources

from azext_vmbootfix.repair.recreate import RUN_TAG, StepFailed

SCRIPT_TIMEOUT_SECONDS = 900


def script_text(name):
    """The text of ``scripts/<name>`` as shipped in the wheel."""
    return resources.files("azext_vmbootfix.repair").joinpath("scripts", name).read_text(encoding="utf-8")


def b64(text):
    """A free-text value for a script parameter: UTF-8, base64 (the scripts decode it)."""
    return base64.b64encode((text or "").encode("utf-8")).decode("ascii")


def run_script(ctx, vm_name, command_name, script_name, parameters=None, protected=None):
    """Run ``scripts/<script_name>`` on ``vm_name`` as a managed Run Command; return its instance view (output,
    error, exit code). ``protected`` values go only in ``protectedParameters``; nothing here logs them."""
    props = {"source": {"script": script_text(script_name)}, "asyncExecution": False,
             "timeoutInSeconds": SCRIPT_TIMEOUT_SECONDS, "treatFailureAsDeploymentFailure": False,
             "parameters": [{"name": k, "value": str(v)} for k, v in (parameters or {}).items()]}
    if protected:
        props["protectedParameters"] = [{"name": k, "value": v} for k, v in protected.items()]
    body = {"location": ctx.journal.data["params"]["location"], "tags": {RUN_TAG: ctx.run_id}, "properties": props}
    commands = ctx.compute.virtual_machine_run_commands
    commands.begin_create_or_update(ctx.resource_group, vm_name, command_name, body).result()
    return script_result(ctx, vm_name, command_name, required=True)


def script_result(ctx, vm_name, command_name, required=False):
    from azure.core.exceptions import ResourceNotFoundError
    try:
        rc = ctx.compute.virtual_machine_run_commands.get_by_virtual_machine(
            ctx.resource_group, vm_name, command_name, expand="instanceView")
    except ResourceNotFoundError:
        if required:
            raise
        return None
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
