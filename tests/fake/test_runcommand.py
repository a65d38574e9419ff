"""Run Command in-process (fast profile, the SDK through the WSGI adapter): rules and guest effects."""
import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.compute import ComputeManagementClient

from fakeazure.cloud import Cloud
from fakeazure.compute.models.run_commands import OUTPUT_LIMIT
from fakeazure.guest import boot
from fakeazure.guest.serial import ems_state
from fakeazure.inprocess import sdk_client

SUB_RESCUE_SCRIPT = [  # the article's steps 9-10 against the copy of the OOBE disk (Gen2: BCD on the EFI partition)
    "@\"", "select disk 2", "select partition 1", "assign letter=S", "\"@ | diskpart",
    r"bcdedit /store S:\EFI\Microsoft\Boot\BCD /enum",
    r"bcdedit /store S:\EFI\Microsoft\Boot\BCD /set '{bootmgr}' displaybootmenu yes",
    r"bcdedit /store S:\EFI\Microsoft\Boot\BCD /set '{bootmgr}' timeout 5",
    r"bcdedit /store S:\EFI\Microsoft\Boot\BCD /set '{bootmgr}' bootems yes",
    r"bcdedit /store S:\EFI\Microsoft\Boot\BCD /ems '{default}' ON",
    r"bcdedit /store S:\EFI\Microsoft\Boot\BCD /emssettings EMSPORT:1 EMSBAUDRATE:115200",
]


def _cloud(*scenarios, **kw):
    cloud = Cloud(profile="fast", **kw)
    for s in scenarios:
        cloud.load_scenario(s)
    return cloud, sdk_client(cloud, ComputeManagementClient)


def _invoke(client, rg, name, script, command_id="RunPowerShellScript", parameters=None):
    body = {"command_id": command_id, "script": script}
    if parameters:
        body["parameters"] = [{"name": k, "value": v} for k, v in parameters.items()]
    return client.virtual_machines.begin_run_command(rg, name, body).result()


def test_rescue_vm_turns_ems_on_in_the_attached_oobe_disk():
    cloud, client = _cloud("oobe-rescue")
    copy = cloud.compute.get_disk(cloud.default_subscription, "rg-oobe", "web01-os-copy")
    assert not ems_state(copy.guest.bcd)["loader_ems"]
    result = _invoke(client, "rg-oobe", "rescue01", SUB_RESCUE_SCRIPT)
    stdout, stderr = result.value[0].message, result.value[1].message
    assert result.value[0].code == "ComponentStatus/StdOut/succeeded"
    assert "DiskPart successfully assigned the drive letter" in stdout
    assert "Windows Boot Loader" in stdout and "The operation completed successfully." in stdout
    assert stderr == ""
    ems = ems_state(copy.guest.bcd)
    assert ems["loader_ems"] and ems["bootmgr_ems"] and ems["port"] == 1 and ems["baud"] == 115200
    assert "SAC>" in boot(copy.guest.copy()).serial_log  # the fixed disk now talks on the serial console
    web01 = cloud.compute.get_vm(cloud.default_subscription, "rg-oobe", "web01")
    assert not ems_state(web01.os_disk_model().guest.bcd)["loader_ems"]  # only the copy was changed


def test_agent_not_ready_fails_the_operation():
    cloud, client = _cloud("oobe-stuck")
    with pytest.raises(HttpResponseError) as info:
        _invoke(client, "rg-oobe", "web01", ["Write-Output hi"])
    assert info.value.error.code == "VMAgentStatusCommunicationError"
    assert "has not reported status for VM agent or extensions" in info.value.error.message


def test_one_at_a_time_per_vm():
    cloud, client = _cloud("healthy-windows", lro_seconds=30)
    first = client.virtual_machines.begin_run_command("rg-healthy", "app01",
                                                      {"command_id": "RunPowerShellScript", "script": ["echo 1"]},
                                                      polling=False)
    assert first.status() != "Succeeded"
    with pytest.raises(HttpResponseError) as info:
        client.virtual_machines.begin_run_command("rg-healthy", "app01",
                                                  {"command_id": "RunPowerShellScript", "script": ["echo 2"]})
    assert info.value.status_code == 409 and info.value.error.code == "Conflict"
    assert info.value.error.message == ("Run command extension execution is in progress. Please wait for "
                                        "completion before invoking a run command.")
    cloud.clock.advance(31)  # the first one finishes; the next is accepted
    third = client.virtual_machines.begin_run_command("rg-healthy", "app01",
                                                      {"command_id": "RunPowerShellScript", "script": ["echo 3"]},
                                                      polling=False)
    cloud.clock.advance(31)
    assert third.status() != "Failed"
    assert first.status() != "Failed"


def test_output_keeps_the_last_4096_bytes():
    cloud, client = _cloud("healthy-windows")
    lines = ["Write-Output 'line {:04d} {}'".format(i, "x" * 40) for i in range(300)]
    message = _invoke(client, "rg-healthy", "app01", lines).value[0].message
    assert len(message.encode("utf-8")) <= OUTPUT_LIMIT
    assert message.rstrip().endswith("line 0299 " + "x" * 40)
    assert "line 0000" not in message


def test_unknown_lines_are_reported_in_stderr_and_parameters_reach_the_script():
    cloud, client = _cloud("healthy-windows")
    result = _invoke(client, "rg-healthy", "app01", ["param([string]$Greeting)", "Write-Output $greeting",
                                                          "Invoke-Magic -Now"],
                     parameters={"greeting": "hello"})
    assert result.value[0].message.strip() == "hello"
    assert "Invoke-Magic -Now" in result.value[1].message


def test_vm_must_be_running():
    cloud, client = _cloud("healthy-windows")
    client.virtual_machines.begin_deallocate("rg-healthy", "app01").result()
    with pytest.raises(HttpResponseError) as info:
        _invoke(client, "rg-healthy", "app01", ["echo 1"])
    assert info.value.status_code == 409 and info.value.error.code == "OperationNotAllowed"


def test_restart_from_the_script_reboots_the_guest():
    cloud, client = _cloud("healthy-windows")
    sub = cloud.default_subscription
    _invoke(client, "rg-healthy", "app01", ["reg add \"HKLM\\SYSTEM\\Setup\" /v SetupType /t REG_DWORD /d 1 /f",
                                            "reg add \"HKLM\\SYSTEM\\Setup\" /v CmdLine /t REG_SZ /d cmd.exe /f",
                                            "Restart-Computer -Force"])
    vm = cloud.compute.get_vm(sub, "rg-healthy", "app01")
    assert vm.boot.screen_id == "setup-cmdline" and not vm.boot.agent_ready


def test_linux_shell_script_single_entry():
    cloud, client = _cloud("linux")
    result = _invoke(client, "rg-linux", "lnx01", ["echo hello"], command_id="RunShellScript")
    assert len(result.value) == 1 and result.value[0].code == "ProvisioningState/succeeded"
    assert result.value[0].message.startswith("Enable succeeded: \n[stdout]\nhello")
    with pytest.raises(HttpResponseError):
        _invoke(client, "rg-linux", "lnx01", ["echo hello"], command_id="RunPowerShellScript")


def test_status_document_carries_the_result():
    cloud, client = _cloud("healthy-windows")
    from fakeazure.inprocess import session
    s = session(cloud)
    token, _ = cloud.identity.mint()
    url = ("https://fake.management.azure.local/subscriptions/{}/resourceGroups/rg-healthy/providers/"
           "Microsoft.Compute/virtualMachines/app01/runCommand?api-version=2024-11-01").format(
        cloud.default_subscription)
    resp = s.post(url, json={"commandId": "RunPowerShellScript", "script": ["echo hi"]},
                  headers={"Authorization": "Bearer " + token})
    assert resp.status_code == 202 and resp.content == b""
    assert resp.headers["Location"].split("?")[0] == resp.headers["Azure-AsyncOperation"].split("?")[0]
    assert "monitor=true" in resp.headers["Location"]
    assert resp.headers["Azure-AsyncNotification"] == "Enabled"
    doc = s.get(resp.headers["Azure-AsyncOperation"], headers={"Authorization": "Bearer " + token}).json()
    assert list(doc) == ["startTime", "status", "name"] and doc["status"] == "InProgress"  # 20.3 s (fidelity)
    while doc["status"] == "InProgress":
        doc = s.get(resp.headers["Azure-AsyncOperation"], headers={"Authorization": "Bearer " + token}).json()
    assert list(doc) == ["startTime", "endTime", "status", "properties", "name"]
    assert [v["code"] for v in doc["properties"]["output"]["value"]] == [
        "ComponentStatus/StdOut/succeeded", "ComponentStatus/StdErr/succeeded"]
    final = s.get(resp.headers["Location"], headers={"Authorization": "Bearer " + token}).json()
    assert final == doc["properties"]["output"]


def test_managed_run_command_protected_parameters_are_not_echoed():
    cloud, client = _cloud("healthy-windows")
    rc = client.virtual_machine_run_commands.begin_create_or_update(
        "rg-healthy", "app01", "rc1",
        {"location": "eastus", "source": {"script": "param($Name, $Secret)\nWrite-Output $name\nWrite-Output $secret\nexit 3"},
         "parameters": [{"name": "name", "value": "web"}],
         "protected_parameters": [{"name": "secret", "value": "s3cr3t"}],
         "run_as_password": "hunter2"}).result()
    assert rc.provisioning_state == "Succeeded"
    got = client.virtual_machine_run_commands.get_by_virtual_machine("rg-healthy", "app01", "rc1",
                                                                      expand="instanceView")
    assert got.protected_parameters is None and got.run_as_password is None
    view = got.instance_view
    assert view.execution_state == "Failed" and view.exit_code == 3
    assert view.output.split() == ["web", "s3cr3t"]
    assert "s3cr3t" not in str(cloud.dump())
    names = [r.name for r in client.virtual_machine_run_commands.list_by_virtual_machine("rg-healthy", "app01")]
    assert names == ["rc1"]
    client.virtual_machine_run_commands.begin_delete("rg-healthy", "app01", "rc1").result()
    assert list(client.virtual_machine_run_commands.list_by_virtual_machine("rg-healthy", "app01")) == []


def test_managed_run_command_agent_not_ready():
    cloud, client = _cloud("oobe-stuck")
    with pytest.raises(HttpResponseError) as info:
        client.virtual_machine_run_commands.begin_create_or_update(
            "rg-oobe", "web01", "rc1", {"location": "eastus", "source": {"script": "echo 1"}}).result()
    assert info.value.error.code == "VMAgentStatusCommunicationError"
    got = client.virtual_machine_run_commands.get_by_virtual_machine("rg-oobe", "web01", "rc1")
    assert got.provisioning_state == "Failed"
