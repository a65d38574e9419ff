"""Run Command on a VM: the action form (``POST .../runCommand``) and managed Run Commands
(``.../runCommands/{name}``), both running their script in the simulated guest.

Azure behaviours reproduced, with their evidence (V = seen in Azure material, C = chosen here):

Time (both forms)
- V: a script runs through the VM agent's handler, which takes its own time: the action form's
  RunPowerShellScript took 20.3 s for a short script (fidelity run-command.yaml; Learn, Run Command
  restrictions: "The minimum time to run a script is about 20 seconds"), the figure of the durations table
  (``runCommand:<commandId>`` rows; managed Run Command: ``Microsoft.Compute/virtualMachines/runCommands``).
- C: the script runs in the guest when its run starts (its effects on the guest are there from then on);
  its output, exit code and end show when the run ends: the handler's time plus the script's own time (the
  guest counts ``Start-Sleep`` and ``timeout /t``), cut at the form's time limit.

Run Command, action form (``POST .../runCommand``)
- V: 202, empty body, ``Azure-AsyncOperation`` + ``Location`` (``&monitor=true``), ``Azure-AsyncNotification:
  Enabled``; the result is in the status document's ``properties.output.value[]`` and is the body of the
  Location GET (shared/fidelity/run-command.yaml).
- V: Windows gives two entries ``ComponentStatus/StdOut/succeeded`` and ``ComponentStatus/StdErr/succeeded``;
  Linux one ``ProvisioningState/succeeded`` entry "Enable succeeded: \\n[stdout]\\n...\\n[stderr]\\n..."
  (run-command.yaml).
- V (Learn, Run Command restrictions): output keeps the LAST 4,096 bytes of each stream (the 2019 Linux
  recording starts mid-line); scripts run as System (the guest's ``whoami`` and ``$env:USERNAME`` say so);
  one script at a time; a script runs at most 90 minutes, "after which it will time out".
- V: a second run while one is in progress: 409 ``Conflict`` "Run command extension execution is in
  progress. Please wait for completion before invoking a run command." (Azure/azure-cli#32305, #19137).
- C: a script that runs past 90 minutes ends the operation Failed with ``VMExtensionProvisioningTimeout``
  (Learn's VM error list has the code and sentence for extensions; that the action form's timeout answers
  with it was not found: fakeazure/UNVERIFIED.md).
- V: guest agent not Ready: the operation is accepted and later fails with ``VMAgentStatusCommunicationError``
  "VM '<name>' has not reported status for VM agent or extensions. ..." (azure-powershell#5741,
  azure-xplat-cli#2794 show that code in a Failed status document).
- V: VM not running: 409 ``OperationNotAllowed`` "The operation requires the VM to be running (or set to
  run)." (MicrosoftDocs/azure-docs#32404 quotes it for operations on a deallocated VM); a VM being deleted:
  "... since the VM is marked for deletion ..." (Learn's VM error messages).
- V: parameter values of the action form: a caret is dropped (Azure/azure-powershell#19087); a value with an
  ``&`` makes the command fail or hang (Learn, Run Command troubleshooting; MicrosoftDocs/azure-docs#80366).
  C: modelled as a run that fails (exit 1) before the script starts, with a message saying why; no wording
  of Azure's was found (fakeazure/UNVERIFIED.md). Managed Run Command: nothing documented, values arrive intact.
- C: a Linux script that exits non-zero gives ``ProvisioningState/failed`` / "Enable failed: ... exit
  status=<n>" in the single entry; the operation itself still Succeeds.
- V: the built-in command ids Azure lists are accepted, an unknown one gets 404 ``NotFound`` "The entity was
  not found in this Azure location." (:mod:`.run_command_ids`, which also says what each id runs).

Managed Run Command (``.../runCommands/{name}``)
- V: PUT answers 201 (new, ``provisioningState: Creating``) or 200 (``Updating``); body echoes source,
  parameters, asyncExecution, treatFailureAsDeploymentFailure, timeoutInSeconds, runAsUser, blob URIs;
  ``protectedParameters`` and ``runAsPassword`` are never returned (REST examples, 2024-11-01).
- V: ``$expand=instanceView`` adds ``instanceView {executionState, executionMessage, exitCode, output, error,
  startTime, endTime, statuses}``; executionState is one of Unknown, Pending, Running, Failed, Succeeded,
  TimedOut, Canceled (REST spec). While the script runs it reads ``Running`` with its ``startTime``.
- V (Learn, managed Run Command): scripts of several managed Run Commands run in parallel on one VM (no
  conflict between them, nor with the action form); a PUT on a Run Command whose script still runs, or its
  DELETE, ends that run (here: ``executionState: Canceled``, its operation ``Canceled``); ``timeoutInSeconds``
  bounds the script (``TimedOut``); ``asyncExecution`` true: "provisioning will complete as soon as the
  script starts and will not wait for script to complete" (REST spec), false: the PUT's operation ends with
  the script.
- C: output and error each keep their last 4 KB, as the action form's (fakeazure/UNVERIFIED.md); agent not
  Ready fails the PUT's operation with ``VMAgentStatusCommunicationError`` and leaves ``provisioningState:
  Failed``; a non-zero exit gives ``executionState: Failed`` and, only with ``treatFailureAsDeploymentFailure``
  (and a synchronous run), a failed operation (``VMExtensionProvisioningError``). DELETE answers 202 + async
  headers, 204 when absent. PATCH (update) lays the request's keys over the run command as it stands
  (location, tags, each property) and then runs as a PUT would.

What the guest side leaves out (see fakeazure.guest): scripts run through the guest's interpreter, which
knows a fixed set of commands; anything else is reported in stderr as PowerShell/cmd would, never
silently ignored. ``scriptUri`` downloads, ``runAsUser`` and output blobs are not modelled (a ``scriptUri``
source fails the run with a clear message); partial output while a script runs is not shown.
"""
import traceback

from ...core import ids
from ...core.backend import Write
from .. import exceptions
from . import run_command_ids
from .run_command_model import OUTPUT_LIMIT, Execution, ManagedRunCommand, tail_bytes
from .vm_actions import boot_vm

VM_TYPE = "Microsoft.Compute/virtualMachines"
RC_TYPE = VM_TYPE + "/runCommands"
ACTION_LIMIT_SECONDS = 90 * 60  # Learn, Run Command restrictions: "The maximum time a script can run is 90 minutes"
RUN_CONFLICT = ("Run command extension execution is in progress. Please wait for completion before "
                "invoking a run command.")
NOT_RUNNING = "The operation requires the VM to be running (or set to run)."

__all__ = ["ManagedRunCommand", "OUTPUT_LIMIT", "RunCommandBackend", "action_parameters", "tail_bytes"]


class RunCommandBackend:
    def __init__(self):
        self.running = {}        # vm key -> operation id of the action run command in progress
        self.run_commands = {}   # vm key -> {name lower: ManagedRunCommand}
        self.history = []        # (vm id, kind, script, ScriptResult) of every run, for tests and demos

    def _os_guest(self, vm):
        disk = vm.os_disk_model()
        return disk.guest if disk is not None else None

    def _data_guests(self, vm):
        out = []
        for d in sorted(vm.data_disks, key=lambda x: x["lun"]):
            model = self.cloud.find(d["id"])
            out.append(getattr(model, "guest", None) if model is not None else None)
        return out

    @staticmethod
    def _agent_ready(vm):
        boot = vm.boot
        return vm.power_state == "running" and boot is not None and bool(boot.agent_ready)

    def _os_type(self, vm):
        guest = self._os_guest(vm)
        if guest is not None and getattr(guest, "os_type", None):
            return guest.os_type
        return vm.os_disk.get("osType") or "Windows"

    def _refuse_when_not_running(self, vm, label):
        if self.deleting(vm):
            raise exceptions.busy(vm, label, deleting=True)
        if vm.power_state != "running":
            raise exceptions.OperationNotAllowed(NOT_RUNNING)

    # -- running scripts --------------------------------------------------------------------------
    def _execute(self, vm, kind, script, parameters, shell):
        """Start a run of ``script`` in the VM's OS guest now. -> :class:`Execution` (its ``error`` set when the
        agent cannot run it: not Ready, or the guest simulation failed)."""
        now = self.cloud.clock.now()
        if not self._agent_ready(vm):
            return Execution(now, error=exceptions.VMAgentStatusCommunicationError(vm.name))
        guest = self._os_guest(vm)
        if guest is None:
            return Execution(now, "", "The VM has no guest operating system in this fake.", 1)
        params = {}
        for p in parameters or []:
            if isinstance(p, dict) and "name" in p:
                params[p["name"]] = p.get("value", "")
        try:
            from ...guest import run_script  # the guest's script interpreter (fakeazure.guest.interpreter)
            result = run_script(guest, script, shell=shell, data_disks=self._data_guests(vm), parameters=params)
        except Exception:  # a bug in the guest simulation: the run fails as Azure's internal error would
            self.cloud.log_error(traceback.format_exc())
            return Execution(now, error=exceptions.InternalExecutionError())
        stderr = result.stderr or ""
        unknown = [c for c in (getattr(result, "unknown_commands", None) or []) if c not in stderr]
        if unknown:  # never silently ignored: say which lines the simulated guest did not run
            stderr += ("" if not stderr or stderr.endswith("\n") else "\n") + "".join(
                "fakeazure: the simulated guest does not model this line; it was not run: {}\n".format(c)
                for c in unknown)
        self.history.append((vm.id, kind, script, result))
        self._after_effects(vm, result)
        return Execution(now, result.stdout or "", stderr, result.exit_code, getattr(result, "seconds", 0.0))

    def _after_effects(self, vm, result):
        """``restart`` (Restart-Computer, shutdown /r) reboots the VM's guest, so the screen, the agent and
        boot diagnostics change; ``shutdown`` from inside the guest leaves the VM stopped (still allocated),
        as an in-guest shutdown does on Azure."""
        effects = [str(e).lower() for e in (getattr(result, "effects", None) or [])]
        if "restart" in effects:
            boot_vm(vm)
            self.remember_boot(vm)
        elif "shutdown" in effects:
            vm.power_state = "stopped"

    # -- action run command -----------------------------------------------------------------------
    def begin_run_command(self, sub, rg, name, body):
        vm = self.get_vm(sub, rg, name)
        self.cloud.check_locks_for_write(vm.id)  # a POST action (Learn, "Lock your resources")
        command_id = body.get("commandId")
        if not command_id:
            raise exceptions.InvalidParameter("Required parameter 'commandId' is missing (null).", target="commandId")
        os_type = self._os_type(vm)
        script = body.get("script") or []
        if isinstance(script, str):
            script = [script]
        script = run_command_ids.script_of(command_id, os_type, script)  # 404 NotFound for an unknown id
        wanted = "RunShellScript" if os_type == "Linux" else "RunPowerShellScript"
        self._refuse_when_not_running(vm, "Run Command")  # the label is not verified
        key = ids.key(vm.id)
        current = self.running.get(key)
        if current is not None:
            op = self.cloud.operations.get(current)
            if op is not None and not op.done:
                raise exceptions.Conflict(RUN_CONFLICT)
        linux = os_type == "Linux"
        delivered, broken = action_parameters(body.get("parameters") or [])
        if broken:
            run = Execution(self.cloud.clock.now(), "", broken, 1)
        else:
            run = self._execute(vm, "runCommand", "\n".join(script), delivered, "bash" if linux else "powershell")
        activity = (VM_TYPE, "runCommand:" + wanted)
        seconds = self.cloud.operations.seconds(activity, plus=run.limit(ACTION_LIMIT_SECONDS))

        def work():
            self.running.pop(key, None)
            if run.error is not None:
                raise run.error
            if run.timed_out:
                raise exceptions.VMExtensionProvisioningTimeout(
                    "RunCommandLinux" if linux else "RunCommandWindows")
            return {"value": _action_statuses(run.stdout, run.stderr, run.exit_code, linux)}

        def failed(_err):
            self.running.pop(key, None)

        op = self.cloud.operations.start(sub, self.namespace, vm.location, on_success=work, on_failure=failed,
                                         result_in_status=True, duration=seconds, activity=activity)
        if not op.done:
            self.running[key] = op.id
        return op

    # -- managed run commands ---------------------------------------------------------------------
    def _table(self, vm):
        return self.run_commands.setdefault(ids.key(vm.id), {})

    def get_run_command(self, sub, rg, name, rc_name):
        vm = self.get_vm(sub, rg, name)
        rc = self._table(vm).get(rc_name.lower())
        if rc is None:
            raise exceptions.ResourceNotFound("Microsoft.Compute/virtualMachines/{}/runCommands".format(vm.name),
                                              rc_name, rg)
        return rc

    def list_run_commands(self, sub, rg, name):
        vm = self.get_vm(sub, rg, name)
        return sorted(self._table(vm).values(), key=lambda r: r.name.lower())

    def _stop_run(self, rc):
        """A PUT on a Run Command whose script still runs, or its DELETE, ends that run (Learn, managed Run
        Command: "If the script execution is still in progress, execution will be terminated")."""
        now = self.cloud.clock.now()
        stopped = False
        for op in rc.operations:
            if not op.done:
                op.cancel(now)
                stopped = True
        if stopped and rc.execution_state in ("Pending", "Running"):
            rc.execution_state, rc.end_time = "Canceled", now
        rc.operations = []

    def begin_create_or_update_run_command(self, sub, rg, name, rc_name, body, patch=False):
        vm = self.get_vm(sub, rg, name)
        self.cloud.check_locks_for_write(vm.id + "/runCommands/" + rc_name)
        if patch:  # VirtualMachineRunCommands_Update: the request laid over the run command as it is
            current = self.get_run_command(sub, rg, name, rc_name)
            body = dict(current.as_request(), **{k: v for k, v in body.items() if k != "properties"},
                        properties=dict(current.as_request()["properties"], **(body.get("properties") or {})))
        if not body.get("location"):
            raise exceptions.BadRequest("Required property 'location' not found in JSON.", code="LocationRequired")
        props = body.get("properties") or {}
        source = props.get("source") or {}
        if source.get("commandId") and not source.get("script"):
            run_command_ids.script_of(source["commandId"], self._os_type(vm), [])  # 404 for an unknown id
        if not (source.get("script") or source.get("scriptUri") or source.get("commandId")):
            raise exceptions.InvalidParameter("One of 'source.script', 'source.scriptUri' or 'source.commandId' "
                                              "must be specified.", target="source")
        self._refuse_when_not_running(vm, "Create or Update Run Command")  # the label is not verified
        table = self._table(vm)
        rc = table.get(rc_name.lower())
        created = rc is None
        if created:
            rc = ManagedRunCommand(vm, rc_name, body.get("location"), body)
            table[rc_name.lower()] = rc
        else:
            self._stop_run(rc)
            rc.update(body)
            rc.provisioning_state = "Updating"
        accepted = rc.to_json()
        linux = self._os_type(vm) == "Linux"
        rc.begin(self.cloud.clock.now())
        if rc.source.get("scriptUri") and not rc.source.get("script"):
            run = Execution(self.cloud.clock.now(), "", "Downloading a script from scriptUri is not modelled by "
                                                        "the fake.", 1)
        else:
            script = rc.source.get("script") or "\n".join(
                run_command_ids.script_of(rc.source.get("commandId"), self._os_type(vm), []))
            run = self._execute(vm, "runCommands/" + rc.name, script,
                                list(rc.parameters) + list(rc.protected_parameters), "bash" if linux else "powershell")
        activity = (RC_TYPE, "create" if created else "update")
        handler = self.cloud.operations.seconds(activity)
        ends = self.cloud.operations.seconds(
            activity, plus=run.limit(rc.timeout if isinstance(rc.timeout, int) and rc.timeout > 0 else None))
        handler_name = "RunCommandHandlerLinux" if linux else "RunCommandHandlerWindows"

        def run_ended():
            if run.error is None:
                rc.end(run, run.started + ends)
            return None

        def provisioned():
            if run.error is not None:
                rc.provisioning_state, rc.execution_state = "Failed", "Unknown"
                raise run.error
            if not rc.async_execution:
                run_ended()
                if rc.execution_state == "Failed" and rc.treat_failure:
                    rc.provisioning_state = "Failed"
                    raise exceptions.VMExtensionProvisioningError(
                        "VM has reported a failure when processing extension '{}' (publisher 'Microsoft.CPlat.Core' "
                        "and type '{}'). Error message: '{}'.".format(rc.name, handler_name, rc.execution_message))
            rc.provisioning_state = "Succeeded"
            return None

        def failed(_err):
            rc.provisioning_state = "Failed"

        ops = self.cloud.operations
        op = ops.start(sub, self.namespace, vm.location, on_success=provisioned, on_failure=failed,
                       duration=handler if rc.async_execution else ends, activity=activity)
        rc.operations = [op]
        if rc.async_execution and run.error is None:  # the script goes on after the provisioning ends
            rc.operations.append(ops.start(sub, self.namespace, vm.location, on_success=run_ended, duration=ends,
                                           activity=activity))
        return Write(rc, created, op, accepted)

    def begin_delete_run_command(self, sub, rg, name, rc_name):
        vm = self.get_vm(sub, rg, name)
        table = self._table(vm)
        rc = table.get(rc_name.lower())
        if rc is None:
            return None
        self._stop_run(rc)
        rc.provisioning_state = "Deleting"

        def work():
            table.pop(rc_name.lower(), None)
            return None

        return self.cloud.operations.start(sub, self.namespace, vm.location, on_success=work,
                                           activity=(RC_TYPE, "delete"))


def action_parameters(parameters):
    """Parameters as the action form delivers them: (parameters with carets dropped, why the run fails or "")."""
    delivered = []
    for p in parameters or []:
        value = str(p.get("value", "")) if isinstance(p, dict) else ""
        if "&" in value:
            return [], ("fakeazure: the parameter '{}' contains '&', which breaks the action form of Run Command "
                        "(Learn: Run Command troubleshooting); the script did not run.\n".format(p.get("name")))
        delivered.append(dict(p, value=value.replace("^", "")) if isinstance(p, dict) else p)
    return delivered, ""


def _action_statuses(out, err, code, linux):
    out, err = tail_bytes(out), tail_bytes(err)
    if linux:
        if code == 0:
            return [{"code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded",
                     "message": "Enable succeeded: \n[stdout]\n{}\n[stderr]\n{}\n".format(out, err)}]
        return [{"code": "ProvisioningState/failed", "level": "Error", "displayStatus": "Provisioning failed",
                 "message": "Enable failed: failed to execute command: command terminated with exit status={}"
                            "\n[stdout]\n{}\n[stderr]\n{}\n".format(code, out, err)}]
    return [{"code": "ComponentStatus/StdOut/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded",
             "message": out},
            {"code": "ComponentStatus/StdErr/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded",
             "message": err}]


