"""Run Command on a VM: the action form (``POST .../runCommand``) and managed Run Commands
(``.../runCommands/{name}``), both running their script in the simulated guest.

Azure behaviours reproduced, with their evidence (V = seen in Azure material, C = chosen here):

Run Command, action form (``POST .../runCommand``)
- V: 202, empty body, ``Azure-AsyncOperation`` + ``Location`` (``&monitor=true``), ``Azure-AsyncNotification:
  Enabled``; the result is in the status document's ``properties.output.value[]`` and is the body of the
  Location GET (shared/fidelity/run-command.yaml).
- V: Windows gives two entries ``ComponentStatus/StdOut/succeeded`` and ``ComponentStatus/StdErr/succeeded``;
  Linux one ``ProvisioningState/succeeded`` entry "Enable succeeded: \\n[stdout]\\n...\\n[stderr]\\n..."
  (run-command.yaml).
- V: output keeps the LAST 4,096 bytes of each stream (Learn run-command docs; the 2019 Linux recording
  starts mid-line).
- V: a second run while one is in progress: 409 ``Conflict`` "Run command extension execution is in
  progress. Please wait for completion before invoking a run command." (Azure/azure-cli#32305, #19137).
- V: guest agent not Ready: the operation is accepted and later fails with ``VMAgentStatusCommunicationError``
  "VM '<name>' has not reported status for VM agent or extensions. ..." (azure-powershell#5741,
  azure-xplat-cli#2794 show that code in a Failed status document).
- V: VM not running: 409 ``OperationNotAllowed`` "The operation requires the VM to be running (or set to
  run)." (MicrosoftDocs/azure-docs#32404 quotes it for operations on a deallocated VM).
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
  startTime, endTime, statuses}``.
- C: the script runs when the PUT's operation finishes, for ``asyncExecution`` true or false alike (the
  fake's operations already take ``lro_seconds``); agent not Ready fails the PUT's operation with
  ``VMAgentStatusCommunicationError`` and leaves ``provisioningState: Failed``; a non-zero exit gives
  ``executionState: Failed`` and, only with ``treatFailureAsDeploymentFailure``, a failed operation
  (``VMExtensionProvisioningError``). DELETE answers 202 + async headers, 204 when absent.
  PATCH (update) lays the request's keys over the run command as it stands (location, tags, each property)
  and then runs as a PUT would.

What the guest side leaves out (see fakeazure.guest): scripts run through the guest's interpreter, which
knows a fixed set of commands; anything else is reported in stderr as PowerShell/cmd would, never
silently ignored. Timing inside the guest, ``scriptUri`` downloads, ``runAsUser`` and output blobs are
not modelled (a ``scriptUri`` source fails the run with a clear message).
"""
import traceback

from ...core import ids
from ...core.backend import Write
from ...core.clock import iso
from .. import exceptions
from . import run_command_ids
from .vm_actions import boot_vm

OUTPUT_LIMIT = 4096
RUN_CONFLICT = ("Run command extension execution is in progress. Please wait for completion before "
                "invoking a run command.")
NOT_RUNNING = "The operation requires the VM to be running (or set to run)."


def tail_bytes(text, limit=OUTPUT_LIMIT):
    """The last ``limit`` bytes of ``text`` (UTF-8), never splitting a character."""
    data = (text or "").encode("utf-8")
    if len(data) <= limit:
        return text or ""
    return data[-limit:].decode("utf-8", "ignore")


class ManagedRunCommand:
    resource_type = "runCommands"

    def __init__(self, vm, name, location, body):
        self.vm_id = vm.id
        self.vm_name = vm.name
        self.name = name
        self.location = (location or vm.location).replace(" ", "").lower()
        self.tags = {}
        self.provisioning_state = "Creating"
        self.update(body)
        self.execution_state = "Pending"
        self.execution_message = ""
        self.exit_code = None
        self.output = ""
        self.error = ""
        self.start_time = None
        self.end_time = None

    def update(self, body):
        props = body.get("properties") or {}
        self.tags = dict(body.get("tags") or {})
        self.source = dict(props.get("source") or {})
        self.parameters = list(props.get("parameters") or [])
        self.protected_parameters = list(props.get("protectedParameters") or [])
        self.async_execution = bool(props.get("asyncExecution", False))
        self.treat_failure = bool(props.get("treatFailureAsDeploymentFailure", False))
        self.timeout = props.get("timeoutInSeconds")
        self.run_as_user = props.get("runAsUser")
        self.output_blob_uri = props.get("outputBlobUri")
        self.error_blob_uri = props.get("errorBlobUri")

    @property
    def id(self):
        return self.vm_id + "/runCommands/" + self.name

    def as_request(self):
        """The run command as a PUT would send it (what a PATCH is laid over), protected parameters included."""
        props = {"source": dict(self.source), "parameters": list(self.parameters),
                 "protectedParameters": list(self.protected_parameters), "asyncExecution": self.async_execution,
                 "treatFailureAsDeploymentFailure": self.treat_failure, "timeoutInSeconds": self.timeout,
                 "runAsUser": self.run_as_user, "outputBlobUri": self.output_blob_uri,
                 "errorBlobUri": self.error_blob_uri}
        return {"location": self.location, "tags": dict(self.tags),
                "properties": {k: v for k, v in props.items() if v is not None}}

    def to_json(self, instance_view=False):
        props = {"source": self.source, "parameters": self.parameters, "asyncExecution": self.async_execution,
                 "treatFailureAsDeploymentFailure": self.treat_failure}
        if self.run_as_user:
            props["runAsUser"] = self.run_as_user
        props["timeoutInSeconds"] = self.timeout if self.timeout is not None else 0
        props["provisioningState"] = self.provisioning_state
        if self.output_blob_uri:
            props["outputBlobUri"] = self.output_blob_uri
        if self.error_blob_uri:
            props["errorBlobUri"] = self.error_blob_uri
        if instance_view:
            view = {"executionState": self.execution_state, "executionMessage": self.execution_message}
            if self.exit_code is not None:
                view["exitCode"] = self.exit_code
            view["output"] = self.output
            view["error"] = self.error
            if self.start_time is not None:
                view["startTime"] = iso(self.start_time)
            if self.end_time is not None:
                view["endTime"] = iso(self.end_time)
            view["statuses"] = []
            props["instanceView"] = view
        body = {"name": self.name, "id": self.id, "type": "Microsoft.Compute/virtualMachines/runCommands",
                "location": self.location}
        if self.tags:
            body["tags"] = self.tags
        body["properties"] = props
        return body


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

    # -- running scripts --------------------------------------------------------------------------
    def _run(self, vm, kind, script, parameters, shell):
        """Run ``script`` in the VM's OS guest; return (stdout, stderr, exit code)."""
        guest = self._os_guest(vm)
        if guest is None:
            return "", "The VM has no guest operating system in this fake.", 1
        params = {}
        for p in parameters or []:
            if isinstance(p, dict) and "name" in p:
                params[p["name"]] = p.get("value", "")
        try:
            from ...guest import run_script  # the guest's script interpreter (fakeazure.guest.interpreter)
            result = run_script(guest, script, shell=shell, data_disks=self._data_guests(vm), parameters=params)
        except Exception:  # a bug in the guest simulation: fail the operation as Azure's internal error would
            self.cloud.log_error(traceback.format_exc())
            raise exceptions.InternalExecutionError()
        stdout = result.stdout or ""
        stderr = result.stderr or ""
        unknown = [c for c in (getattr(result, "unknown_commands", None) or []) if c not in stderr]
        if unknown:  # never silently ignored: say which lines the simulated guest did not run
            stderr += ("" if not stderr or stderr.endswith("\n") else "\n") + "".join(
                "fakeazure: the simulated guest does not model this line; it was not run: {}\n".format(c)
                for c in unknown)
        self.history.append((vm.id, kind, script, result))
        self._after_effects(vm, result)
        return stdout, stderr, result.exit_code

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
        if vm.power_state != "running":
            raise exceptions.OperationNotAllowed(NOT_RUNNING)
        key = ids.key(vm.id)
        current = self.running.get(key)
        if current is not None:
            op = self.cloud.operations.get(current)
            if op is not None and not op.done:
                raise exceptions.Conflict(RUN_CONFLICT)
        text = "\n".join(script)
        parameters = body.get("parameters") or []
        linux = os_type == "Linux"

        def work():
            self.running.pop(key, None)
            if not self._agent_ready(vm):
                raise exceptions.VMAgentStatusCommunicationError(vm.name)
            delivered, broken = action_parameters(parameters)
            if broken:
                return {"value": _action_statuses("", broken, 1, linux)}
            out, err, code = self._run(vm, "runCommand", text, delivered, "bash" if linux else "powershell")
            return {"value": _action_statuses(out, err, code, linux)}

        def failed(_err):
            self.running.pop(key, None)

        op = self.cloud.operations.start(sub, self.namespace, vm.location, on_success=work, on_failure=failed,
                                         result_in_status=True)
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
        if vm.power_state != "running":
            raise exceptions.OperationNotAllowed(NOT_RUNNING)
        table = self._table(vm)
        rc = table.get(rc_name.lower())
        created = rc is None
        if created:
            rc = ManagedRunCommand(vm, rc_name, body.get("location"), body)
            table[rc_name.lower()] = rc
        else:
            rc.update(body)
            rc.provisioning_state = "Updating"
        rc.execution_state, rc.execution_message, rc.exit_code = "Pending", "", None
        rc.output = rc.error = ""
        rc.start_time = rc.end_time = None
        linux = self._os_type(vm) == "Linux"

        def work():
            if not self._agent_ready(vm):
                rc.provisioning_state = "Failed"
                rc.execution_state = "Unknown"
                raise exceptions.VMAgentStatusCommunicationError(vm.name)
            rc.start_time = self.cloud.clock.now()
            rc.execution_state = "Running"
            if rc.source.get("scriptUri") and not rc.source.get("script"):
                out, err, code = "", "Downloading a script from scriptUri is not modelled by the fake.", 1
            else:
                script = rc.source.get("script") or "\n".join(
                    run_command_ids.script_of(rc.source.get("commandId"), self._os_type(vm), []))
                out, err, code = self._run(vm, "runCommands/" + rc.name, script,
                                           list(rc.parameters) + list(rc.protected_parameters),
                                           "bash" if linux else "powershell")
            rc.end_time = self.cloud.clock.now()
            rc.output, rc.error, rc.exit_code = tail_bytes(out), tail_bytes(err), code
            rc.execution_state = "Succeeded" if code == 0 else "Failed"
            rc.execution_message = "" if code == 0 else "Execution completed with exit code {}".format(code)
            if code != 0 and rc.treat_failure:
                rc.provisioning_state = "Failed"
                raise exceptions.VMExtensionProvisioningError(
                    "VM has reported a failure when processing extension '{}' (publisher 'Microsoft.CPlat.Core' and "
                    "type '{}'). Error message: '{}'.".format(rc.name, "RunCommandHandlerLinux" if linux else
                                                              "RunCommandHandlerWindows", rc.execution_message))
            rc.provisioning_state = "Succeeded"
            return None

        def failed(_err):
            if rc.provisioning_state not in ("Failed",):
                rc.provisioning_state = "Failed"

        op = self.cloud.operations.start(sub, self.namespace, vm.location, on_success=work, on_failure=failed)
        return Write(rc, created, op)

    def begin_delete_run_command(self, sub, rg, name, rc_name):
        vm = self.get_vm(sub, rg, name)
        table = self._table(vm)
        if rc_name.lower() not in table:
            return None
        table[rc_name.lower()].provisioning_state = "Deleting"

        def work():
            table.pop(rc_name.lower(), None)
            return None

        return self.cloud.operations.start(sub, self.namespace, vm.location, on_success=work)


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


