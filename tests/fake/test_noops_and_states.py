"""Azure's behaviour on no-ops and states (issue 9), in-process: what the conformance table
(tests/fixtures/conformance.yaml, run with the stock az) cannot see from outside, such as whether the guest
rebooted or when the agent last reported."""
import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from fakeazure.compute.models import run_command_ids
from fakeazure.inprocess import session
from fakeazure.network.scenario import ensure_vm_network

from computekit import RG, cc, cloud  # noqa: F401 (fixtures)
WIN = {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-datacenter-azure-edition",
       "version": "latest"}
CLIENT = {"publisher": "MicrosoftWindowsDesktop", "offer": "windows-11", "sku": "win11-23h2-pro",
          "version": "latest"}


def make_vm(cloud, cc, name="vm1", image=None):
    nic = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/{}Nic".format(
        cloud.default_subscription, RG, name)
    ensure_vm_network(cloud, cloud.default_subscription, RG, "eastus", name, nic)
    cc.virtual_machines.begin_create_or_update(RG, name, {
        "location": "eastus", "hardware_profile": {"vm_size": "Standard_D2s_v3"},
        "storage_profile": {"image_reference": image or WIN, "os_disk": {"create_option": "FromImage"}},
        "os_profile": {"computer_name": name, "admin_username": "azureadmin", "admin_password": "Secr3t!Passw0rd"},
        "diagnostics_profile": {"boot_diagnostics": {"enabled": True}},
        "network_profile": {"network_interfaces": [{"id": nic}]}}).result()
    return cloud.compute.get_vm(cloud.default_subscription, RG, name)


def test_start_on_a_running_vm_does_not_reboot_the_guest(cloud, cc):
    vm = make_vm(cloud, cc)
    boot = vm.boot
    cc.virtual_machines.begin_start(RG, "vm1").result()  # accepted (202, then Succeeded)
    assert vm.boot is boot and vm.power_state == "running"
    cc.virtual_machines.begin_restart(RG, "vm1").result()  # restart is what reboots
    assert vm.boot is not boot


def test_a_stopped_vm_reports_its_agent_as_last_heard_a_deallocated_one_not_at_all(cloud, cc):
    make_vm(cloud, cc)
    cloud.clock.advance(60)
    cc.virtual_machines.begin_power_off(RG, "vm1").result()
    stopped_at = int(cloud.clock.now())
    cloud.clock.advance(900)
    view = cc.virtual_machines.instance_view(RG, "vm1")
    assert view.statuses[-1].code == "PowerState/stopped"
    assert view.vm_agent.statuses[0].display_status == "Ready"
    heard = view.vm_agent.statuses[0].time.timestamp()
    assert stopped_at - 60 <= heard <= stopped_at + 1  # when it stopped (the stop's last poll at most), not now
    assert view.computer_name.lower() == "vm1" and view.os_name
    cc.virtual_machines.begin_deallocate(RG, "vm1").result()
    view = cc.virtual_machines.instance_view(RG, "vm1")
    assert view.statuses[-1].code == "PowerState/deallocated"
    assert (view.vm_agent, view.computer_name, view.os_name) == (None, None, None)


def _serial_log(cloud, cc, name):
    uris = cc.virtual_machines.retrieve_boot_diagnostics_data(RG, name)
    return session(cloud).get(uris.serial_console_log_blob_uri).text


def test_a_vm_from_a_windows_server_marketplace_image_has_sac_on_its_serial_port(cloud, cc):
    make_vm(cloud, cc)
    log = _serial_log(cloud, cc, "vm1")
    assert "SAC>" in log and "Computer is booting, SAC started and initialized." in log
    make_vm(cloud, cc, "desk1", image=CLIENT)  # SAC is server-only: a client image prints nothing there
    assert "SAC>" not in _serial_log(cloud, cc, "desk1")


@pytest.mark.parametrize("command_id", sorted(run_command_ids.WINDOWS))
def test_every_builtin_windows_run_command_is_accepted(cloud, cc, command_id):
    make_vm(cloud, cc)
    result = cc.virtual_machines.begin_run_command(RG, "vm1", {"command_id": command_id,
                                                               "script": ["Write-Output ran"]}).result()
    assert result.value[0].code == "ComponentStatus/StdOut/succeeded"
    script = cloud.compute.history[-1][2]
    if command_id == "RunPowerShellScript":
        assert script == "Write-Output ran"
    else:  # the built-in script, not the caller's
        assert script == "\n".join(run_command_ids.WINDOWS[command_id])


def test_a_builtin_script_line_the_guest_does_not_model_is_reported_not_skipped(cloud, cc):
    make_vm(cloud, cc)
    result = cc.virtual_machines.begin_run_command(RG, "vm1", {"command_id": "IPConfig"}).result()
    assert "ipconfig /all" in result.value[1].message  # stderr names the line the guest did not run


@pytest.mark.parametrize("command_id", ["RunShellScript", "RDPSetting", "NoSuchCommand"])
def test_an_unknown_run_command_id_is_not_found(cloud, cc, command_id):
    make_vm(cloud, cc)
    with pytest.raises(ResourceNotFoundError) as e:
        cc.virtual_machines.begin_run_command(RG, "vm1", {"command_id": command_id, "script": ["x"]})
    assert (e.value.status_code, e.value.error.code) == (404, "NotFound")
    assert e.value.error.message == "The entity was not found in this Azure location."


def test_a_managed_run_command_names_a_builtin_id_or_is_not_found(cloud, cc):
    make_vm(cloud, cc)
    rc = cc.virtual_machine_run_commands.begin_create_or_update(RG, "vm1", "ip", {
        "location": "eastus", "source": {"command_id": "IPConfig"}}).result()
    assert rc.provisioning_state == "Succeeded"
    assert cloud.compute.history[-1][2] == "ipconfig /all"  # the built-in script, not the id as a script
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machine_run_commands.begin_create_or_update(RG, "vm1", "bad", {
            "location": "eastus", "source": {"command_id": "NoSuchCommand"}})
    assert (e.value.status_code, e.value.error.code) == (404, "NotFound")
