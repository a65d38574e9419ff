"""What ARM does with a group's resources as a whole: export them as a template, move them to another group
(fakeazure/resources/group_actions.py), in-process through plain HTTP and, for the VM move, the SDK."""
import pytest
from azure.mgmt.compute import ComputeManagementClient

from fakeazure.cloud import Cloud
from fakeazure.inprocess import sdk_client
from test_arm_deployments import Arm

NSG_API = "2022-01-01"


@pytest.fixture
def arm():
    a = Arm(Cloud(profile="fast"))
    a.group("src")
    a.group("dst", "eastus")
    return a


def _nsg(arm, name, rg="src"):
    path = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkSecurityGroups/{}".format(
        arm.sub, rg, name)
    r = arm.call("PUT", path, {"location": "westus", "tags": {"k": "v"}}, api=NSG_API)
    assert r.status_code == 201, r.text
    arm.wait(r)
    return path


def _export(arm, body, rg="src"):
    return arm.call("POST", "/subscriptions/{}/resourcegroups/{}/exportTemplate".format(arm.sub, rg), body)


def _move(arm, ids, target="dst", rg="src"):
    return arm.call("POST", "/subscriptions/{}/resourceGroups/{}/moveResources".format(arm.sub, rg), {
        "resources": ids, "targetResourceGroup": "/subscriptions/{}/resourceGroups/{}".format(arm.sub, target)})


# -- export -------------------------------------------------------------------------------------
def test_an_empty_group_exports_at_once(arm):
    r = _export(arm, {"resources": ["*"]})
    assert r.status_code == 200 and "Location" not in r.headers  # as recorded (test_resource_group#18)
    assert r.json() == {"template": {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0", "parameters": {}, "variables": {}, "resources": []}}


def test_export_parameterises_names_unless_told_not_to(arm):
    nsg = _nsg(arm, "nsg-1")
    r = _export(arm, {"resources": ["*"], "options": "IncludeParameterDefaultValue"})
    assert r.status_code == 202 and "/operationresults/" in r.headers["Location"]
    template = arm.wait(r).json()["template"]
    assert template["parameters"] == {"networkSecurityGroups_nsg_1_name": {"type": "String",
                                                                           "defaultValue": "nsg-1"}}
    (res,) = template["resources"]
    assert res["type"] == "Microsoft.Network/networkSecurityGroups"
    assert res["name"] == "[parameters('networkSecurityGroups_nsg_1_name')]"
    assert res["location"] == "westus" and res["tags"] == {"k": "v"}
    assert "provisioningState" not in res["properties"] and "resourceGuid" not in res["properties"]
    assert "id" not in res and "etag" not in res and res["apiVersion"]

    plain = arm.wait(_export(arm, {"resources": [nsg], "options": "SkipAllParameterization"})).json()["template"]
    assert plain["parameters"] == {} and plain["resources"][0]["name"] == "nsg-1"
    no_default = arm.wait(_export(arm, {"resources": ["*"]})).json()["template"]
    assert no_default["parameters"] == {"networkSecurityGroups_nsg_1_name": {"type": "String"}}


def test_export_refuses_an_unknown_option(arm):
    r = _export(arm, {"resources": ["*"], "options": "IncludeEverything"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidRequestContent"


# -- move ---------------------------------------------------------------------------------------
def test_moved_nsgs_answer_in_the_target_group_only(arm):
    a, b = _nsg(arm, "nsg-a"), _nsg(arm, "nsg-b")
    r = _move(arm, [a, b])
    assert r.status_code == 202 and "/operationresults/" in r.headers["Location"], r.text
    assert arm.wait(r).status_code == 204  # as recorded (test_resource_move#26)
    for name, old in (("nsg-a", a), ("nsg-b", b)):
        assert arm.call("GET", old, api=NSG_API).status_code == 404
        moved = arm.call("GET", old.replace("/resourceGroups/src/", "/resourceGroups/dst/"), api=NSG_API)
        assert moved.status_code == 200
        body = moved.json()
        assert body["id"].split("/")[4] == "dst" and body["location"] == "westus"
        assert all("/resourceGroups/dst/" in rule["id"] for rule in body["properties"]["defaultSecurityRules"])


def test_a_move_refused_before_it_starts(arm):
    a = _nsg(arm, "nsg-a")
    cases = [
        (_move(arm, [a], target="nowhere"), 404, "ResourceGroupNotFound"),
        (_move(arm, [a], target="src"), 400, "InvalidResourceMoveRequest"),
        (_move(arm, [a + "/securityRules/r1"]), 400, "InvalidResourceMoveRequest"),
        (_move(arm, [a.replace("nsg-a", "nsg-none")]), 404, "ResourceNotFound"),
        (_move(arm, [a.replace("/src/", "/dst/")]), 400, "InvalidResourceMoveRequest"),
    ]
    for resp, status, code in cases:
        assert (resp.status_code, resp.json()["error"]["code"]) == (status, code), resp.text
    assert "is not a top level resource" in cases[2][0].json()["error"]["message"]


def test_a_read_only_lock_on_either_group_blocks_the_move(arm):
    a = _nsg(arm, "nsg-a")
    for group in ("src", "dst"):
        lock = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Authorization/locks/ro".format(arm.sub, group)
        assert arm.call("PUT", lock, {"properties": {"level": "ReadOnly"}}, api="2016-09-01").status_code in (200, 201)
        r = _move(arm, [a])
        assert r.status_code == 409 and r.json()["error"]["code"] == "ScopeLocked", r.text
        assert arm.call("DELETE", lock, api="2016-09-01").status_code == 200
    assert arm.wait(_move(arm, [a])).status_code == 204


def _vm(arm):
    """A VM in src with its NIC, vnet, public IP and OS disk (the SDK, as az vm create's pieces would be)."""
    from fakeazure.network.scenario import ensure_vm_network
    cloud, sub = arm.cloud, arm.sub
    nic = "/subscriptions/{}/resourceGroups/src/providers/Microsoft.Network/networkInterfaces/vm1VMNic".format(sub)
    ensure_vm_network(cloud, sub, "src", "westus", "vm1", nic, attach=False)
    cc = sdk_client(cloud, ComputeManagementClient)
    vm = cc.virtual_machines.begin_create_or_update("src", "vm1", {
        "location": "westus", "hardware_profile": {"vm_size": "Standard_D2s_v3"},
        "storage_profile": {"image_reference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                                                "sku": "2022-datacenter-g2", "version": "latest"},
                            "os_disk": {"create_option": "FromImage", "name": "vm1-os"}},
        "os_profile": {"computer_name": "vm1", "admin_username": "azureadmin", "admin_password": "Secr3t!Passw0rd"},
        "network_profile": {"network_interfaces": [{"id": nic}]}}).result()
    return cc, vm


def test_a_vm_moves_only_with_what_it_depends_on_and_keeps_its_references(arm):
    cc, vm = _vm(arm)
    r = _move(arm, [vm.id])
    assert r.status_code == 202
    failed = arm.wait(r)
    assert failed.status_code == 409 and failed.json()["error"]["code"] == "ResourceMoveProviderValidationFailed"
    assert "MissingMoveDependentResources" in failed.text and "vm1-os" in failed.text and "vm1VMNic" in failed.text
    assert cc.virtual_machines.get("src", "vm1").id == vm.id  # nothing moved

    everything = [i["id"] for i in arm.call("GET", "/subscriptions/{}/resourceGroups/src/resources"
                                            .format(arm.sub)).json()["value"]]
    assert arm.wait(_move(arm, everything)).status_code == 204
    moved = cc.virtual_machines.get("dst", "vm1")
    assert "/resourceGroups/dst/" in moved.storage_profile.os_disk.managed_disk.id
    assert "/resourceGroups/dst/" in moved.network_profile.network_interfaces[0].id
    disk = cc.disks.get("dst", "vm1-os")
    assert disk.managed_by == moved.id
    assert cc.virtual_machines.instance_view("dst", "vm1").statuses[-1].code == "PowerState/running"
