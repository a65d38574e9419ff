"""Run Command through the stock az (action form and managed runCommands), one fake server per module."""
import json

import pytest

from fakecloud import az, fake_server

pytestmark = pytest.mark.az


@pytest.fixture(scope="module")
def server():
    with fake_server("oobe-rescue", "healthy-windows", "linux") as srv:
        yield srv


def test_invoke_powershell_on_a_ready_vm(server):
    out = az(server, "vm", "run-command", "invoke", "-g", "rg-healthy", "-n", "app01", "--command-id",
             "RunPowerShellScript", "--scripts", "param($Who)", "Write-Output $who", "Frobnicate-Server", "--parameters", "who=az")
    codes = [v["code"] for v in out["value"]]
    assert codes == ["ComponentStatus/StdOut/succeeded", "ComponentStatus/StdErr/succeeded"]
    assert out["value"][0]["message"].strip() == "az"
    assert "Frobnicate-Server" in out["value"][1]["message"]


def test_invoke_refused_when_the_agent_is_not_ready(server):
    proc = az(server, "vm", "run-command", "invoke", "-g", "rg-oobe", "-n", "web01", "--command-id",
              "RunPowerShellScript", "--scripts", "Write-Output hi", check=False)
    assert proc.rc != 0 and "VMAgentStatusCommunicationError" in proc.stderr


def test_rescue_vm_edits_the_attached_disk_bcd(server):
    script = ['@"', "select disk 2", "select partition 1", "assign letter=S", '"@ | diskpart',
              r"bcdedit /store S:\EFI\Microsoft\Boot\BCD /ems '{default}' on",
              r"bcdedit /store S:\EFI\Microsoft\Boot\BCD /emssettings EMSPORT:1 EMSBAUDRATE:115200"]
    out = az(server, "vm", "run-command", "invoke", "-g", "rg-oobe", "-n", "rescue01", "--command-id",
             "RunPowerShellScript", "--scripts", *script)
    assert "The operation completed successfully." in out["value"][0]["message"]
    from fakeazure.guest.serial import ems_state
    disk = server.cloud.compute.get_disk(server.cloud.default_subscription, "rg-oobe", "web01-os-copy")
    assert ems_state(disk.guest.bcd)["loader_ems"]


def test_invoke_shell_script_on_linux(server):
    out = az(server, "vm", "run-command", "invoke", "-g", "rg-linux", "-n", "lnx01", "--command-id",
             "RunShellScript", "--scripts", "echo hello")
    assert len(out["value"]) == 1
    assert out["value"][0]["message"].startswith("Enable succeeded: \n[stdout]\nhello")


def test_managed_run_command_lifecycle(server):
    created = az(server, "vm", "run-command", "create", "-g", "rg-healthy", "--vm-name", "app01", "--name", "rc1",
                 "--location", "eastus", "--script", "param($Target, $Secret) Write-Output $target", "--parameters", "target=web",
                 "--protected-parameters", "secret=hunter2")
    assert created["provisioningState"] == "Succeeded"
    assert "protectedParameters" not in json.dumps(created) or created.get("protectedParameters") is None
    shown = az(server, "vm", "run-command", "show", "-g", "rg-healthy", "--vm-name", "app01", "--name", "rc1",
               "--instance-view")
    assert shown["instanceView"]["executionState"] == "Succeeded"
    assert shown["instanceView"]["output"].strip() == "web" and shown["instanceView"]["exitCode"] == 0
    assert "hunter2" not in json.dumps(shown)
    az(server, "vm", "run-command", "delete", "-g", "rg-healthy", "--vm-name", "app01", "--name", "rc1", "--yes")
    assert az(server, "vm", "run-command", "list", "-g", "rg-healthy", "--vm-name", "app01") == []
