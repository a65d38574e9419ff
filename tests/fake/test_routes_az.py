"""The stock az on the routes az users hit: marketplace images and aliases, resource and provider listing, disk
access (SAS), VM extensions and the VM operations beside power, managed Run Command update, NIC effective routes,
VM sizes. Each command here answered 404/405 before (or, for ``vm create --image Ubuntu2204``, fell over on the
missing image)."""
import pytest

from fakecloud import az, control, fake_server, run_az

pytestmark = pytest.mark.az

G = ("-g", "rg-healthy")
LINUX = ("--admin-username", "azureuser", "--authentication-type", "password",
         "--admin-password", "Secr3t!Passw0rd12")


@pytest.fixture(scope="module")
def server():
    with fake_server("healthy-windows") as srv:
        yield srv


def _paths(server):
    """The requests the fake answered since the last call: (method, path, status)."""
    log = control(server, "GET", "/_fake/requests?clear=true")["value"]
    return [(e["method"], e["path"], e["status"]) for e in log]


def test_vm_image_list_reads_the_alias_document_from_the_fake(server):
    _paths(server)
    res = run_az(server, "vm", "image", "list")
    assert res.rc == 0, res.stderr
    aliases = {i["urnAlias"]: i["urn"] for i in res.json()}
    assert aliases["Ubuntu2204"] == "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest"
    assert aliases["Win2022Datacenter"] == "MicrosoftWindowsServer:WindowsServer:2022-datacenter-g2:latest"
    # az's own words whenever --all is left out; nothing about a document it could not read
    assert res.stderr.strip() == ("WARNING: You are viewing an offline list of images, use --all to retrieve an "
                                  "up-to-date list")
    assert ("GET", "/arm-compute/quickstart-templates/aliases.json", 200) in _paths(server)


def test_vm_image_list_all_and_show(server):
    imgs = az(server, "vm", "image", "list", "--all", "-l", "eastus", "-p", "Debian", "-f", "debian-10")
    assert {(i["sku"], i["version"]) for i in imgs} == {("10", "0.20230222.1299"), ("10", "0.20230504.1370")}
    assert {i["name"] for i in az(server, "vm", "image", "list-publishers", "-l", "eastus")} >= {
        "Canonical", "Debian", "OpenLogic", "MicrosoftWindowsServer"}
    shown = az(server, "vm", "image", "show", "-l", "eastus", "--urn", "Debian:debian-10:10:latest")
    assert shown["name"] == "0.20230504.1370" and shown["osDiskImage"]["operatingSystem"] == "Linux"
    missing = run_az(server, "vm", "image", "show", "-l", "eastus", "--urn", "Debian:debian-10:10:0.0.1")
    assert missing.rc != 0 and "(NotFound) Artifact: VMImage was not found." in missing.stderr


def test_vm_create_with_an_alias_and_with_a_urn(server):
    az(server, "vm", "create", *G, "-n", "u1", "--image", "Ubuntu2204", "--size", "Standard_D2s_v5",
       "--nsg-rule", "NONE", *LINUX)
    ref = az(server, "vm", "show", *G, "-n", "u1", "--query", "storageProfile.imageReference")
    assert (ref["publisher"], ref["offer"], ref["sku"]) == ("Canonical", "0001-com-ubuntu-server-jammy",
                                                          "22_04-lts-gen2")
    assert ref["exactVersion"] and ref["version"] == "latest"
    az(server, "vm", "create", *G, "-n", "d1", "--image", "OpenLogic:CentOS:7.5:latest", "--size", "Standard_B2s",
       "--nsg-rule", "NONE", *LINUX)
    assert az(server, "vm", "show", *G, "-n", "d1", "--query", "storageProfile.osDisk.osType") == "Linux"
    unknown = run_az(server, "vm", "create", *G, "-n", "d2", "--image", "Debian:debian-99:99:latest", *LINUX)
    assert unknown.rc != 0 and "Artifact: VMImage was not found." in unknown.stderr


def test_resource_list_and_provider_show(server):
    types = az(server, "resource", "list", *G, "--query", "[].type")
    assert {"Microsoft.Compute/virtualMachines", "Microsoft.Compute/disks", "Microsoft.Network/networkInterfaces",
            "Microsoft.Network/virtualNetworks"} <= set(types)
    vms = az(server, "resource", "list", "--resource-type", "Microsoft.Compute/virtualMachines", "--query", "[].id")
    assert any(i.endswith("/virtualMachines/app01") for i in vms)
    shown = az(server, "resource", "show", "--ids", [i for i in vms if i.endswith("/app01")][0])
    assert shown["properties"]["hardwareProfile"]["vmSize"] == "Standard_D2s_v3"
    prov = az(server, "provider", "show", "-n", "Microsoft.Compute")
    assert prov["registrationState"] == "Registered"
    assert "virtualMachines" in {t["resourceType"] for t in prov["resourceTypes"]}


def test_disk_grant_and_revoke_access(server):
    os_disk = az(server, "vm", "show", *G, "-n", "app01", "--query", "storageProfile.osDisk.name")
    refused = run_az(server, "disk", "grant-access", *G, "-n", os_disk, "--duration-in-seconds", "3600")
    assert refused.rc != 0
    vm_id = az(server, "vm", "show", *G, "-n", "app01", "--query", "id")
    assert "(Conflict) Access not permitted because disk {} is currently attached to running VM {}.".format(
        os_disk, vm_id) in refused.stderr
    az(server, "snapshot", "create", *G, "-n", "snap1", "--source", os_disk)
    sas = az(server, "snapshot", "grant-access", *G, "-n", "snap1", "--duration-in-seconds", "3600")
    assert sas["accessSAS"].startswith("https://") and "sig=" in sas["accessSAS"]
    assert az(server, "snapshot", "show", *G, "-n", "snap1", "--query", "diskState") == "ActiveSAS"
    az(server, "snapshot", "revoke-access", *G, "-n", "snap1")
    assert az(server, "snapshot", "show", *G, "-n", "snap1", "--query", "diskState") == "Unattached"


def test_vm_extension_set_list_delete(server):
    ext = az(server, "vm", "extension", "set", *G, "--vm-name", "app01", "-n", "CustomScriptExtension",
             "--publisher", "Microsoft.Compute", "--settings", '{"commandToExecute":"hostname"}')
    assert ext["provisioningState"] == "Succeeded" and ext["typeHandlerVersion"] == "1.10"
    listed = az(server, "vm", "extension", "list", *G, "--vm-name", "app01", "--query", "[].name")
    assert listed == ["CustomScriptExtension"]
    az(server, "vm", "extension", "delete", *G, "--vm-name", "app01", "-n", "CustomScriptExtension")
    assert az(server, "vm", "extension", "list", *G, "--vm-name", "app01") == []


def test_redeploy_reapply_and_run_command_update(server):
    az(server, "vm", "redeploy", *G, "-n", "app01")
    az(server, "vm", "reapply", *G, "-n", "app01")
    assert az(server, "vm", "get-instance-view", *G, "-n", "app01",
              "--query", "instanceView.statuses[-1].code") == "PowerState/running"
    rc = az(server, "vm", "run-command", "create", *G, "--vm-name", "app01", "--name", "rc1", "--script", "hostname")
    updated = az(server, "vm", "run-command", "update", *G, "--vm-name", "app01", "--name", "rc1",
                 "--script", "whoami")  # az reads, then PUTs the whole body back
    assert updated["source"] == {"script": "whoami"}
    # the spec's PATCH (VirtualMachineRunCommands_Update), which stock az does not send itself
    patched = az(server, "rest", "--method", "patch", "--url", rc["id"] + "?api-version=2024-07-01",
                 "--body", '{"properties": {"source": {"script": "Get-Date"}}, "tags": {"a": "b"}}')
    assert patched["properties"]["source"] == {"script": "Get-Date"} and patched["tags"] == {"a": "b"}
    assert patched["properties"]["timeoutInSeconds"] == 0  # what the PATCH did not name stays


def test_nic_effective_route_table(server):
    nic = az(server, "vm", "show", *G, "-n", "app01", "--query", "networkProfile.networkInterfaces[0].id")
    routes = az(server, "network", "nic", "show-effective-route-table", "--ids", nic)["value"]
    prefixes = {r["addressPrefix"][0]: r["nextHopType"] for r in routes}
    assert prefixes["0.0.0.0/0"] == "Internet" and prefixes["10.0.0.0/16"] == "VnetLocal"


def test_vm_sizes_and_skus(server):
    sizes = {s["name"]: s for s in az(server, "vm", "list-sizes", "-l", "eastus")}
    assert len(sizes) > 250
    assert sizes["Standard_E4s_v5"]["numberOfCores"] == 4 and sizes["Standard_E4s_v5"]["memoryInMB"] == 32768
    skus = az(server, "vm", "list-skus", "-l", "eastus", "--size", "Standard_D4ps_v5")
    caps = {c["name"]: c["value"] for c in skus[0]["capabilities"]}
    assert caps["CpuArchitectureType"] == "Arm64" and caps["vCPUs"] == "4"
