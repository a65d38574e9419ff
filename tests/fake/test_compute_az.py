"""The stock az against the fake (HTTPS server, profile "real", operations done at once, Retry-After 1)."""
import pytest

from fakecloud import az, fake_server

pytestmark = pytest.mark.az


@pytest.fixture(scope="module")
def server():
    with fake_server("healthy-windows") as srv:
        yield srv


def test_vm_lifecycle(server):
    vm = az(server, "vm", "show", "-g", "rg-healthy", "-n", "app01")
    assert vm["name"] == "app01" and vm["provisioningState"] == "Succeeded"
    iv = az(server, "vm", "get-instance-view", "-g", "rg-healthy", "-n", "app01")
    assert iv["instanceView"]["statuses"][-1]["code"] == "PowerState/running"
    az(server, "vm", "stop", "-g", "rg-healthy", "-n", "app01")
    az(server, "vm", "start", "-g", "rg-healthy", "-n", "app01")
    az(server, "vm", "restart", "-g", "rg-healthy", "-n", "app01")
    vm = az(server, "vm", "update", "-g", "rg-healthy", "-n", "app01", "--set", "tags.x=y")
    assert vm["tags"]["x"] == "y"
    p = az(server, "image", "create", "-g", "rg-healthy", "-n", "img0", "--source", "app01", check=False)
    assert p.rc != 0 and "Generalized" in p.stderr
    az(server, "vm", "deallocate", "-g", "rg-healthy", "-n", "app01")
    iv = az(server, "vm", "get-instance-view", "-g", "rg-healthy", "-n", "app01")
    assert iv["instanceView"]["statuses"][-1]["code"] == "PowerState/deallocated"
    os_disk = iv["storageProfile"]["osDisk"]["name"]
    az(server, "vm", "generalize", "-g", "rg-healthy", "-n", "app01")
    img = az(server, "image", "create", "-g", "rg-healthy", "-n", "img1", "--source", "app01",
             "--hyper-v-generation", "V2")
    assert img["provisioningState"] == "Succeeded"
    snap = az(server, "snapshot", "create", "-g", "rg-healthy", "-n", "s1", "--source", os_disk)
    assert snap["creationData"]["createOption"] == "Copy"
    disk = az(server, "disk", "create", "-g", "rg-healthy", "-n", "d1", "--source", "s1")
    assert disk["osType"] == "Windows"
    assert {d["name"] for d in az(server, "disk", "list", "-g", "rg-healthy")} >= {"d1", os_disk}
    assert [s["name"] for s in az(server, "snapshot", "list", "-g", "rg-healthy")] == ["s1"]
    assert {i["name"] for i in az(server, "image", "list", "-g", "rg-healthy")} == {"img1"}
    az(server, "vm", "delete", "-g", "rg-healthy", "-n", "app01", "--yes")
    assert az(server, "vm", "list", "-g", "rg-healthy") == []


def test_missing_vm_exit_code_3(server):
    p = az(server, "vm", "show", "-g", "rg-healthy", "-n", "nope", check=False)
    assert p.rc == 3
    assert "(ResourceNotFound) The Resource 'Microsoft.Compute/virtualMachines/nope' under resource group " \
           "'rg-healthy' was not found." in p.stderr
