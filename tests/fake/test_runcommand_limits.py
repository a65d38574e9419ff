"""Run Command's limits and time as Azure has them (issue 10's list, Learn's Run Command pages): the action form
runs one script at a time per VM, as SYSTEM, takes the handler's 20 s plus the script's own time and at most 90
minutes; managed Run Commands run in parallel, show ``Running`` in their instance view while the script runs,
honour ``asyncExecution`` and ``timeoutInSeconds``, and a PUT or DELETE ends a run in progress."""
import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.compute import ComputeManagementClient

from fakeazure.cloud import Cloud
from fakeazure.inprocess import sdk_client
from replay.timelines import arm_time

RG, VM = "rg-healthy", "app01"


@pytest.fixture
def cloud():
    c = Cloud("fast")
    c.load_scenario("healthy-windows")
    return c


@pytest.fixture
def client(cloud):
    return sdk_client(cloud, ComputeManagementClient)


def _invoke(client, script, **kw):
    return client.virtual_machines.begin_run_command(RG, VM, {"command_id": "RunPowerShellScript",
                                                              "script": script}, **kw)


def _took(cloud, poller):
    """endTime - startTime of the operation behind a finished poller, read from the fake's own record."""
    op = [o for o in cloud.operations._ops.values() if o.activity and o.activity[1].startswith("runCommand")][-1]
    return op.ended - op.started


def test_the_action_form_takes_the_handlers_20_seconds_plus_the_scripts_own_time(cloud, client):
    poller = _invoke(client, ["Write-Output ready"])
    assert poller.result().value[0].message.strip() == "ready"
    assert _took(cloud, poller) == pytest.approx(20.3)  # fidelity run-command.yaml; Learn: "about 20 seconds"
    poller = _invoke(client, ["Start-Sleep -Seconds 100", "Write-Output later"])
    assert poller.result().value[0].message.strip() == "later"
    assert _took(cloud, poller) == pytest.approx(120.3)


def test_the_action_form_stops_a_script_at_90_minutes(cloud, client):
    with pytest.raises(HttpResponseError) as info:
        _invoke(client, ["Start-Sleep -Seconds 6000"]).result()
    assert info.value.error.code == "VMExtensionProvisioningTimeout"
    assert "'RunCommandWindows' has timed out" in info.value.error.message
    assert _took(cloud, None) == pytest.approx(20.3 + 90 * 60)


def test_scripts_run_as_system(client):
    out = _invoke(client, ["whoami", "Write-Output $env:USERNAME"]).result().value[0].message.splitlines()
    assert out == ["nt authority\\system", "APP01$"]


def test_one_action_run_at_a_time_and_the_next_once_it_ended(cloud, client):
    first = _invoke(client, ["Write-Output 1"], polling=False)
    with pytest.raises(HttpResponseError) as info:
        _invoke(client, ["Write-Output 2"])
    assert info.value.status_code == 409 and info.value.error.code == "Conflict"
    cloud.clock.advance(21)
    assert _invoke(client, ["Write-Output 3"]).result().value[0].message.strip() == "3"
    assert first.status() != "Failed"


def _managed(client, name, script, polling=False, **props):
    body = {"location": "eastus", "source": {"script": script}}
    body.update(props)
    return client.virtual_machine_run_commands.begin_create_or_update(RG, VM, name, body, polling=polling)


def _runs(cloud):
    """The operations of managed Run Commands, oldest first (the fake's own record)."""
    return [o for o in cloud.operations._ops.values() if o.activity and o.activity[0].endswith("/runCommands")]


def _view(client, name):
    return client.virtual_machine_run_commands.get_by_virtual_machine(RG, VM, name, expand="instanceView")


def test_managed_run_commands_run_in_parallel_and_show_running_meanwhile(cloud, client):
    _managed(client, "one", "Start-Sleep -Seconds 60\nWrite-Output one")
    _managed(client, "two", "Write-Output two")  # no conflict: managed scripts run in parallel (Learn)
    one, two = _view(client, "one"), _view(client, "two")
    assert one.instance_view.execution_state == two.instance_view.execution_state == "Running"
    assert one.instance_view.start_time is not None and one.instance_view.exit_code is None
    assert one.provisioning_state == "Creating"
    assert _invoke(client, ["Write-Output action"]).result().value[0].message.strip() == "action"  # nor with it
    cloud.clock.advance(100)
    cloud.operations.tick()
    one = _view(client, "one")
    assert (one.instance_view.execution_state, one.instance_view.exit_code) == ("Succeeded", 0)
    assert one.instance_view.output.strip() == "one" and one.provisioning_state == "Succeeded"
    took = arm_time(one.instance_view.end_time.isoformat()) - arm_time(one.instance_view.start_time.isoformat())
    assert took == pytest.approx(20.3 + 60)


def test_async_execution_ends_the_provisioning_when_the_script_starts(cloud, client):
    poller = _managed(client, "bg", "Start-Sleep -Seconds 600\nWrite-Output done", polling=True,
                      async_execution=True)
    assert poller.result().provisioning_state == "Succeeded"
    assert _view(client, "bg").instance_view.execution_state == "Running"
    cloud.clock.advance(600)
    cloud.operations.tick()
    view = _view(client, "bg").instance_view
    assert (view.execution_state, view.output.strip()) == ("Succeeded", "done")


def test_timeout_in_seconds_times_a_script_out(cloud, client):
    _managed(client, "slow", "Start-Sleep -Seconds 300\nWrite-Output never", polling=True,
             timeout_in_seconds=60).result()
    view = _view(client, "slow").instance_view
    assert view.execution_state == "TimedOut" and view.exit_code is None


def test_a_put_or_delete_ends_the_run_in_progress(cloud, client):
    _managed(client, "rc", "Start-Sleep -Seconds 600\nWrite-Output old")
    old = _runs(cloud)[-1]
    assert _managed(client, "rc", "Write-Output new", polling=True).result().provisioning_state == "Succeeded"
    assert old.status == "Canceled"
    assert _view(client, "rc").instance_view.output.strip() == "new"
    _managed(client, "rc", "Start-Sleep -Seconds 600")
    running = _runs(cloud)[-1]
    client.virtual_machine_run_commands.begin_delete(RG, VM, "rc").result()
    assert running.status == "Canceled"
    assert list(client.virtual_machine_run_commands.list_by_virtual_machine(RG, VM)) == []


def test_the_instant_profile_gives_a_script_no_time():
    instant = Cloud("instant")
    instant.load_scenario("healthy-windows")
    _invoke(sdk_client(instant, ComputeManagementClient), ["Start-Sleep -Seconds 100"], polling=False)
    assert not instant.operations.pending()
