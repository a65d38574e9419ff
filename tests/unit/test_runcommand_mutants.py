"""Edges of repair/runcommand.py the mutation run found unguarded (the rescue runs go through it with scripts that
succeed): the words of every wait and refusal on a resume, what counts as an earlier attempt, a failed script's
message, the JSON line a script prints, and the Run Command body as sent. Stand-ins from
test_runcommand_resume.py, so that each case is milliseconds."""
import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.compute.models import ExecutionState

from azext_vmbootfix.repair import runcommand as RC
from azext_vmbootfix.repair.recreate import RUN_TAG, StepFailed
from test_runcommand_resume import PARAMS, _Commands, _Ctx, _run, _stored


# -- an earlier attempt on a resume ------------------------------------------------------------------------------
def test_an_earlier_attempt_that_succeeded_is_taken_and_says_so():
    ctx = _Ctx([_stored("Succeeded", 0)])
    assert _run(ctx) == {"state": "Succeeded", "exitCode": 0, "output": "old output", "error": ""}
    assert ctx.messages == ["enable-ems.ps1 already ran on rescue-vm (Succeeded): its result is taken, it is not "
                            "run again"]


@pytest.mark.parametrize("state", ["Pending", "Running", "Unknown", "running"])
def test_an_unfinished_earlier_attempt_is_waited_for_in_words(state):
    ctx = _Ctx([_stored(state, None, ""), _stored("Succeeded", 0)])
    assert _run(ctx)["output"] == "old output" and ctx.slept == RC.RESUME_POLL_SECONDS
    assert ctx.messages[0] == "enable-ems.ps1 sent by an earlier attempt is {} on rescue-vm: waiting for its " \
                              "result".format(state)


def test_an_earlier_attempt_without_an_instance_view_is_unreported_and_waited_for():
    unreported = _stored("Running", None, "")
    unreported.instance_view = None
    ctx = _Ctx([unreported, _stored("Succeeded", 0)])
    assert _run(ctx)["output"] == "old output"
    assert ctx.messages[0] == "enable-ems.ps1 sent by an earlier attempt is unreported on rescue-vm: waiting for " \
                              "its result"


def test_waiting_stops_at_the_bound_with_what_to_do(monkeypatch):
    monkeypatch.setattr(RC, "RESUME_WAIT_SECONDS", 30)
    ctx = _Ctx([_stored("Running", None, "")])
    with pytest.raises(StepFailed) as exc:
        _run(ctx)
    assert str(exc.value) == "enable-ems.ps1 sent by an earlier attempt is still Running on rescue-vm after 30 s"
    assert exc.value.recommendation == ("Wait until `az vm run-command show -g rg --vm-name rescue-vm -n bootfix-ems "
                                        "--instance-view` shows it ended, then resume.")
    assert ctx.slept == 30 and len(ctx.messages) == 3
    assert not ctx.compute.virtual_machine_run_commands.sent


@pytest.mark.parametrize("provisioning", ["Failed", "Canceled", "failed"])
def test_a_command_whose_resource_failed_is_not_waited_for_and_is_run_again(provisioning):
    stored = _stored("Running", None, "")
    stored.provisioning_state = provisioning
    ctx = _Ctx([stored])
    assert _run(ctx)["output"] == "new output" and ctx.slept == 0
    assert ctx.messages == ["enable-ems.ps1 ran before on rescue-vm and ended Running (exit None); it is "
                            "idempotent: running it again"]


def test_succeeded_with_an_exit_code_is_a_failure_and_an_idempotent_script_runs_again():
    ctx = _Ctx([_stored("Succeeded", 1)])
    assert _run(ctx)["output"] == "new output"
    assert ctx.messages == ["enable-ems.ps1 ran before on rescue-vm and ended Succeeded (exit 1); it is "
                            "idempotent: running it again"]


def test_a_script_that_must_not_run_twice_says_what_to_look_at_and_delete(monkeypatch):
    monkeypatch.setattr(RC, "IDEMPOTENT", ())
    ctx = _Ctx([_stored("Failed", 1)])
    with pytest.raises(StepFailed) as exc:
        _run(ctx)
    assert str(exc.value) == "enable-ems.ps1 already ran on rescue-vm and ended Failed (exit 1); it is not safe to " \
                             "run it twice"
    assert exc.value.recommendation == (
        "Look at `az vm run-command show -g rg --vm-name rescue-vm -n bootfix-ems --instance-view`; then delete the "
        "Run Commands tagged vmbootfix-step=enable-serial-console on rescue-vm (`az vm run-command list -g rg "
        "--vm-name rescue-vm`), so that the step reads the disks afresh, and resume.")


def test_a_failed_earlier_attempt_that_never_reported_says_unreported(monkeypatch):
    monkeypatch.setattr(RC, "IDEMPOTENT", ())
    stored = _stored("Running", None, "")
    stored.instance_view, stored.provisioning_state = None, "Failed"
    with pytest.raises(StepFailed, match=r"^enable-ems\.ps1 already ran on rescue-vm and ended unreported \(exit "
                                         r"None\); it is not safe"):
        _run(_Ctx([stored]))


# -- what is an earlier attempt of this command ------------------------------------------------------------------
def _props(script="s", parameters=None):
    return {"source": {"script": script}, "parameters": [{"name": k, "value": v}
                                                         for k, v in (parameters or {}).items()]}


@pytest.mark.parametrize("stored, props, same", [
    (_stored("Succeeded", 0, script="s", parameters={"A": "1", "B": "2"}), _props("s", {"B": "2", "A": "1"}), True),
    (_stored("Succeeded", 0, script="s", parameters={"A": "1"}), _props("s", {"A": "2"}), False),
    (_stored("Succeeded", 0, script="s", parameters={"A": "1"}), _props("t", {"A": "1"}), False),
    (_stored("Succeeded", 0, script="s", parameters={"A": "1"}, step="other"), _props("s", {"A": "1"}), False),
])
def test_the_same_step_script_and_parameters_make_an_earlier_attempt(stored, props, same):
    assert RC._same(stored, props, {RC.STEP_TAG: "enable-serial-console"}) is same  # pylint: disable=protected-access


def test_a_stored_command_without_source_tags_or_parameters_is_compared_as_empty():
    stored = _stored("Succeeded", 0, script="s", step=None)
    stored.source, stored.parameters, stored.tags = None, None, None
    assert RC._same(stored, {"source": {"script": None}}, {}) is True  # pylint: disable=protected-access
    assert RC._same(stored, _props("s"), {}) is False  # pylint: disable=protected-access


# -- results ---------------------------------------------------------------------------------------------------
def test_a_result_reads_the_instance_view_an_enum_state_included():
    stored = _stored("Succeeded", 0)
    stored.instance_view.execution_state = ExecutionState.SUCCEEDED
    stored.instance_view.output, stored.instance_view.error = None, None
    result = RC._result(stored)  # pylint: disable=protected-access
    assert result == {"state": "Succeeded", "exitCode": 0, "output": "", "error": ""}


@pytest.mark.parametrize("result, ok", [
    ({"state": "Succeeded", "exitCode": 0}, True), ({"state": "SUCCEEDED", "exitCode": 0}, True),
    ({"state": "Succeeded", "exitCode": 1}, False), ({"state": "Succeeded", "exitCode": None}, False),
    ({"state": "Failed", "exitCode": 0}, False), (None, False), ({}, False),
])
def test_succeeded_means_succeeded_with_exit_code_zero(result, ok):
    assert RC.succeeded(result) is ok


def test_script_result_of_a_command_that_is_not_there():
    class _Missing:
        @staticmethod
        def get_by_virtual_machine(*_a, **_k):
            raise ResourceNotFoundError("gone")
    ctx = _Ctx([])
    ctx.compute.virtual_machine_run_commands = _Missing()
    assert RC.script_result(ctx, "rescue-vm", "bootfix-ems") is None
    with pytest.raises(ResourceNotFoundError):
        RC.script_result(ctx, "rescue-vm", "bootfix-ems", required=True)


# -- a failed script's message -----------------------------------------------------------------------------------
def test_a_succeeded_script_gives_its_output():
    assert RC.check({"state": "Succeeded", "exitCode": 0, "output": "x\ny", "error": "warning"}, "w") == "x\ny"


@pytest.mark.parametrize("result, message", [
    ({"state": "Failed", "exitCode": 1, "output": "out 1\nout 2\n", "error": "  Access is denied.\r\nAt line:3\n"},
     "reading the BCD failed on the rescue VM (exit 1): Access is denied."),
    ({"state": "Failed", "exitCode": 2, "output": "first\nsecond\nlast line  \n", "error": " \n"},
     "reading the BCD failed on the rescue VM (exit 2): last line"),
    ({"state": "TimedOut", "exitCode": None, "output": "", "error": ""},
     "reading the BCD failed on the rescue VM (exit None): no output"),
    (None, "reading the BCD failed on the rescue VM (exit None): no output"),
    ({"state": "Failed", "exitCode": 1, "output": "", "error": "E" * 400},
     "reading the BCD failed on the rescue VM (exit 1): " + "E" * 300),
])
def test_a_failed_script_says_what_failed_with_its_first_error_line_or_last_output_line(result, message):
    with pytest.raises(StepFailed) as exc:
        RC.check(result, "reading the BCD")
    assert str(exc.value) == message


# -- the JSON line a script prints -------------------------------------------------------------------------------
@pytest.mark.parametrize("output, doc", [
    ('noise\n{"a": 1}\n  {"a": 2}  \ntrailing text\n', {"a": 2}),
    ('[1, 2]\n{"broken": \n', [1, 2]),
    ('{"a": 1}', {"a": 1}),
])
def test_the_last_json_line_is_the_result(output, doc):
    assert RC.json_line(output, "get-disks.ps1") == doc


@pytest.mark.parametrize("output", ["", None, "no json here\n{broken\n"])
def test_no_json_line_is_refused_naming_the_script(output):
    with pytest.raises(StepFailed) as exc:
        RC.json_line(output, "get-disks.ps1")
    assert str(exc.value) == "get-disks.ps1 printed no JSON result on the rescue VM"


# -- the body sent ---------------------------------------------------------------------------------------------
def test_the_run_command_body_carries_the_script_its_parameters_as_text_and_the_runs_tags():
    ctx = _Ctx([], resumed=False)
    RC.run_script(ctx, "rescue-vm", "bootfix-ems", "enable-ems.ps1", parameters={"Store": "S:", "Port": 1},
                  protected={"Password": "Canary-Pw-1!"})
    (body,) = ctx.compute.virtual_machine_run_commands.sent
    assert body == {"location": "westeurope",
                    "tags": {RUN_TAG: ctx.run_id, RC.STEP_TAG: "enable-serial-console"},
                    "properties": {"source": {"script": RC.script_text("enable-ems.ps1")}, "asyncExecution": False,
                                   "timeoutInSeconds": 900, "treatFailureAsDeploymentFailure": False,
                                   "parameters": [{"name": "Store", "value": "S:"}, {"name": "Port", "value": "1"}],
                                   "protectedParameters": [{"name": "Password", "value": "Canary-Pw-1!"}]}}


def test_without_a_step_name_or_protected_values_the_body_has_neither():
    ctx = _Ctx([], resumed=False)
    ctx.step_name = None
    RC.run_script(ctx, "rescue-vm", "bootfix-ems", "enable-ems.ps1", parameters=PARAMS)
    (body,) = ctx.compute.virtual_machine_run_commands.sent
    assert body["tags"] == {RUN_TAG: ctx.run_id} and "protectedParameters" not in body["properties"]


@pytest.mark.parametrize("text, encoded", [("", ""), (None, ""), ("a^b&c", "YV5iJmM="), ("Zürich", "WsO8cmljaA==")])
def test_free_text_goes_base64_of_its_utf8(text, encoded):
    assert RC.b64(text) == encoded


def test_an_earlier_attempt_without_an_execution_state_is_waited_for():
    stored = _stored("Running", None, "")
    stored.instance_view.execution_state = None
    ctx = _Ctx([stored, _stored("Succeeded", 0)])
    assert _run(ctx)["output"] == "old output" and ctx.slept == RC.RESUME_POLL_SECONDS


def test_an_idempotent_script_whose_earlier_attempt_never_reported_runs_again_saying_so():
    stored = _stored("Running", None, "")
    stored.instance_view, stored.provisioning_state = None, "Canceled"
    ctx = _Ctx([stored])
    assert _run(ctx)["output"] == "new output"
    assert ctx.messages == ["enable-ems.ps1 ran before on rescue-vm and ended unreported (exit None); it is "
                            "idempotent: running it again"]


class _Recording(_Commands):
    """Records the $expand of each read; ``gone_after_send``: the command is not there when read after the send."""

    def __init__(self, stored, gone_after_send=False):
        super().__init__(stored)
        self.expands, self.gone_after_send = [], gone_after_send

    def get_by_virtual_machine(self, group, vm, name, expand=None):
        self.expands.append(expand)
        if self.gone_after_send and self.sent:
            raise ResourceNotFoundError("gone")
        return super().get_by_virtual_machine(group, vm, name, expand=expand)


def test_every_read_asks_for_the_instance_view_as_azure_spells_it():
    ctx = _Ctx([_stored("Running", None, ""), _stored("Failed", 1)])
    ctx.compute.virtual_machine_run_commands = _Recording(ctx.compute.virtual_machine_run_commands.stored)
    _run(ctx)
    assert len(ctx.compute.virtual_machine_run_commands.expands) == 3  # two earlier reads, the result's
    assert set(ctx.compute.virtual_machine_run_commands.expands) == {"instanceView"}


def test_a_command_gone_after_it_was_sent_is_an_error_not_a_missing_result():
    ctx = _Ctx([], resumed=False)
    ctx.compute.virtual_machine_run_commands = _Recording([], gone_after_send=True)
    with pytest.raises(ResourceNotFoundError):
        _run(ctx)


def test_a_context_without_a_step_name_or_a_resume_mark_sends_at_once_tagged_with_the_run_only():
    ctx = _Ctx([_stored("Succeeded", 0)])
    del ctx.step_name, ctx.resumed_step
    assert _run(ctx)["output"] == "new output"
    commands = ctx.compute.virtual_machine_run_commands
    assert commands.read_before_sending == 0 and commands.sent[0]["tags"] == {RUN_TAG: ctx.run_id}


@pytest.mark.parametrize("calls, later", [(1, []), (2, ["bootfix-0", "bootfix-1"]), (3, ["bootfix-0", "bootfix-1",
                                                                                         "bootfix-2"])])
def test_scripts_sent_together_are_each_waited_for_in_turn(monkeypatch, calls, later):
    """Several at once: each sent as a Started (its poller polls only when asked); one alone: the SDK's poller."""
    started = []

    class _Started:
        def __init__(self, begin, *args):
            started.append(args[2])
            self.poller = begin(*args)

        def result(self):
            return self.poller.result()
    monkeypatch.setattr(RC, "Started", _Started)
    ctx = _Ctx([], resumed=False)
    out = RC.run_scripts(ctx, "rescue-vm", [("bootfix-{}".format(i), "get-disks.ps1", {"N": i}) for i in range(calls)])
    assert started == later and [r["output"] for r in out] == ["new output"] * calls


def test_every_shipped_script_is_ascii():
    """So that its text is the same read in any encoding (and Windows PowerShell 5.1, which reads a .ps1 without
    a BOM in the ANSI code page, reads it as written when an admin runs it by hand)."""
    from importlib import resources
    for path in resources.files("azext_vmbootfix.repair").joinpath("scripts").iterdir():
        if path.name.endswith(".ps1"):
            path.read_bytes().decode("ascii")
