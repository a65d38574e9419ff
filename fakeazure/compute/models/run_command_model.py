"""The managed Run Command resource (``.../virtualMachines/{vm}/runCommands/{name}``) and one run of a script
(:class:`Execution`), shared by both forms of Run Command (:mod:`.run_commands`).

A script runs in the guest when its execution starts; what it printed, its exit code and the time it spent
(``Start-Sleep``: the guest's :attr:`ScriptResult.seconds`) are kept and shown when the execution ends, which
is the handler's own time (the durations table) plus the script's, cut at the form's time limit.
"""
from ...core.clock import iso

OUTPUT_LIMIT = 4096


def tail_bytes(text, limit=OUTPUT_LIMIT):
    """The last ``limit`` bytes of ``text`` (UTF-8), never splitting a character."""
    data = (text or "").encode("utf-8")
    if len(data) <= limit:
        return text or ""
    return data[-limit:].decode("utf-8", "ignore")


class Execution:
    """One run of a script: started now (``started``), its result known now, shown from ``ends`` on."""

    def __init__(self, started, stdout="", stderr="", exit_code=None, seconds=0.0, error=None):
        self.started = started
        self.stdout = stdout
        self.stderr = stderr
        self.exit_code = exit_code
        self.seconds = float(seconds or 0)   # the script's own run time
        self.error = error                   # an ArmError the run ends with (agent not ready, guest failure)
        self.timed_out = False

    def limit(self, seconds):
        """Cut the run at ``seconds`` of script time (a time limit); -> the script time it gets."""
        if seconds and self.seconds > seconds:
            self.timed_out = True
            return float(seconds)
        return self.seconds


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
        self.operations = []  # the operations of its current run (provisioning, and the run's own end)

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

    def begin(self, now):
        """A new run starts: the instance view shows it running, with nothing to show yet."""
        self.execution_state, self.execution_message, self.exit_code = "Running", "", None
        self.output = self.error = ""
        self.start_time, self.end_time = now, None

    def end(self, run, now):
        """The run is over: its output (the last 4 KB of each stream), exit code and state."""
        self.end_time = now
        self.output, self.error = tail_bytes(run.stdout), tail_bytes(run.stderr)
        if run.timed_out:
            self.execution_state = "TimedOut"
            self.execution_message = "Execution timed out after {} seconds".format(self.timeout)
            return
        self.exit_code = run.exit_code
        self.execution_state = "Succeeded" if run.exit_code == 0 else "Failed"
        self.execution_message = "" if run.exit_code == 0 else \
            "Execution completed with exit code {}".format(run.exit_code)

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
