"""Resource-group template deployments (fakeazure/resources/deployments.py): the expression language, the
engine in-process through the SDK, and the stock ``az vm create`` (which deploys a template) against the
HTTPS fake."""
import json

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.resource import ResourceManagementClient
from werkzeug.test import Client

from fakeazure import control
from fakeazure.cloud import Cloud
from fakeazure.core.app import FakeAzureApp
from fakeazure.inprocess import sdk_client
from fakeazure.resources.exceptions import TemplateError
from fakeazure.templates import DEFERRED, Evaluator, ExpressionError, parse_expression, unique_string
from fakeazure.server import FakeAzureServer
from fakecloud import az, control as http_control, fake_server, run_az

SUB = "00000000-0000-0000-0000-000000000001"


# -- the expression language --------------------------------------------------------------------------
def _ev(parameters=None, variables=None, reference=None):
    return Evaluator(dict(parameters or {}), variables or {}, SUB,
                     {"id": "/subscriptions/{}/resourceGroups/rg1".format(SUB), "name": "rg1",
                      "location": "westeurope", "tags": {}}, "dep1", tenant_id="t", reference=reference)


def test_parameters_variables_concat_and_group():
    ev = _ev({"vmName": "web01", "n": 2}, {"nicName": "[concat(parameters('vmName'), 'VMNic')]",
                                          "both": "[concat(variables('nicName'), '-', string(parameters('n')))]"})
    assert ev.value("[variables('both')]") == "web01VMNic-2"
    assert ev.value("[resourceGroup().location]") == "westeurope"
    assert ev.value("[concat(createArray(1, 2), createArray(3))]") == [1, 2, 3]
    assert ev.value("[format('{0}-{1}', 'a', 7)]") == "a-7"
    assert ev.value("[[not an expression]") == "[not an expression]"
    assert ev.value({"a": ["[parameters('vmName')]", {"b": "[toUpper('x')]"}], "n": 1}) == \
        {"a": ["web01", {"b": "X"}], "n": 1}


def test_resource_id_forms():
    ev = _ev()
    base = "/subscriptions/{}/resourceGroups/".format(SUB)
    assert ev.value("[resourceId('Microsoft.Network/networkInterfaces', 'nic1')]") == \
        base + "rg1/providers/Microsoft.Network/networkInterfaces/nic1"
    assert ev.value("[resourceId('other', 'Microsoft.Network/virtualNetworks/subnets', 'v', 's')]") == \
        base + "other/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
    assert ev.value("[resourceId('s2', 'rg9', 'Microsoft.Compute/disks', 'd')]") == \
        "/subscriptions/s2/resourceGroups/rg9/providers/Microsoft.Compute/disks/d"
    with pytest.raises(ExpressionError, match="resourceId"):
        ev.value("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v')]")


def test_if_equals_json_logic_property_access_and_index():
    ev = _ev({"sec": "TrustedLaunch"})
    assert ev.value("[if(equals(parameters('sec'), 'TrustedLaunch'), json('{\"vTpm\": true}'), json('null'))]") == \
        {"vTpm": True}
    assert ev.value("[if(equals(parameters('sec'), 'Standard'), variables('missing'), 'lazy')]") == "lazy"
    assert ev.value("[json('{\"a\": {\"Id\": \"x\"}}').a.id]") == "x"  # property names ignore case
    assert ev.value("[createArray('a', 'b')[1]]") == "b"
    assert ev.value("[and(not(false()), or(false(), true()))]") is True
    assert ev.value("[equals('A', 'a')]") is False
    assert ev.value("[length(union(createObject('a', 1), createObject('b', 2)))]") == 2
    assert ev.value("[split('a/b', '/')[0]]") == "a"


def test_unique_string_is_deterministic_and_arm_shaped():
    a = _ev().value("[uniqueString(resourceGroup().id)]")
    assert a == unique_string("/subscriptions/{}/resourceGroups/rg1".format(SUB))
    assert len(a) == 13 and a.isalnum() and a == a.lower()
    assert a != _ev().value("[uniqueString('other')]")


def test_expression_errors():
    ev = _ev()
    for text, match in (("[parameters('nope')]", "template parameter 'nope' is not found"),
                        ("[variables('nope')]", "template variable 'nope' is not found"),
                        ("[noSuchFunction(1)]", "template function 'noSuchFunction' is not valid"),
                        ("[concat('a']", "is not valid"), ("[copyIndex()]", "copy loops"),
                        ("[json('{\"a\": 1}').b]", "property 'b' doesn't exist")):
        with pytest.raises(ExpressionError, match=match):
            ev.value(text)
    assert parse_expression("concat('it''s', 'x')") == ("call", "concat", [("lit", "it's"), ("lit", "x")])


def test_reference_is_deferred_while_validating_and_read_when_deploying():
    ev = _ev()
    ev.resource_lookup = lambda ref: "/x/" + ref
    assert ev.value("[reference('pip1').ipAddress]") is DEFERRED
    assert ev.value("[concat('ip=', reference('pip1').ipAddress)]") is DEFERRED
    assert ev.referenced == {"/x/pip1"}
    live = _ev(reference=lambda rid, api, full: {"ipAddress": "1.2.3.4", "rid": rid})
    live.resource_lookup = lambda ref: None
    assert live.value("[concat('ip=', reference('/subscriptions/s/x', '2022-01-01').ipAddress)]") == "ip=1.2.3.4"


# -- the engine, in-process through the SDK ---------------------------------------------------------
def _network_template(vm=None, prefix="dep"):
    """What az vm create sends, plus a VNet (az reuses an existing one) and an output using reference()."""
    nsg, pip, vnet, nic = prefix + "NSG", prefix + "PublicIP", prefix + "VNET", prefix + "VMNic"
    resources = [
        {"type": "Microsoft.Network/networkSecurityGroups", "name": nsg, "apiVersion": "2015-06-15",
         "location": "[parameters('location')]", "dependsOn": [],
         "properties": {"securityRules": [{"name": "rdp", "properties": {
             "protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": "3389", "sourceAddressPrefix": "*",
             "destinationAddressPrefix": "*", "access": "Allow", "priority": 1000, "direction": "Inbound"}}]}},
        {"apiVersion": "2022-01-01", "type": "Microsoft.Network/publicIPAddresses", "name": pip,
         "location": "[parameters('location')]", "properties": {"publicIPAllocationMethod": "Static"},
         "sku": {"name": "Standard"}},
        {"apiVersion": "2022-01-01", "type": "Microsoft.Network/virtualNetworks", "name": vnet,
         "location": "[parameters('location')]",
         "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                        "subnets": [{"name": "default", "properties": {"addressPrefix": "10.0.0.0/24"}}]}},
        {"apiVersion": "2015-06-15", "type": "Microsoft.Network/networkInterfaces", "name": nic,
         "location": "[parameters('location')]",
         "dependsOn": ["Microsoft.Network/networkSecurityGroups/" + nsg,
                       "Microsoft.Network/publicIpAddresses/" + pip,
                       "[resourceId('Microsoft.Network/virtualNetworks', '{}')]".format(vnet)],
         "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {
             "privateIPAllocationMethod": "Dynamic",
             "subnet": {"id": "[concat(resourceId('Microsoft.Network/virtualNetworks', '{}'), "
                              "'/subnets/default')]".format(vnet)},
             "publicIPAddress": {"id": "[resourceId('Microsoft.Network/publicIPAddresses', '{}')]".format(pip)}}}],
             "networkSecurityGroup": {"id": "[resourceId('Microsoft.Network/networkSecurityGroups', '{}')]"
                                            .format(nsg)}}},
    ]
    if vm:
        resources.append(vm)
    return {"$schema": "https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {"location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
                           "adminPassword": {"type": "securestring"}},
            "variables": {}, "resources": resources,
            "outputs": {"nicId": {"type": "string", "value": "[resourceId('Microsoft.Network/networkInterfaces', "
                                                             "'{}')]".format(nic)},
                        "nicState": {"type": "string",
                                     "value": "[reference('{}').provisioningState]".format(nic)}}}


def _vm_resource(name, image_id, nic="depVMNic", size="Standard_D2s_v3"):
    return {"apiVersion": "2026-04-01", "type": "Microsoft.Compute/virtualMachines", "name": name,
            "location": "[parameters('location')]", "dependsOn": ["Microsoft.Network/networkInterfaces/" + nic],
            "properties": {"hardwareProfile": {"vmSize": size},
                           "networkProfile": {"networkInterfaces": [{"id": "[resourceId('Microsoft.Network/"
                                                                           "networkInterfaces', '{}')]".format(nic),
                                                                     "properties": {"deleteOption": None}}]},
                           "storageProfile": {"osDisk": {"createOption": "fromImage", "name": None,
                                                         "caching": "ReadWrite",
                                                         "managedDisk": {"storageAccountType": None}},
                                              "imageReference": {"id": image_id}},
                           "osProfile": {"computerName": name, "adminUsername": "azureadmin",
                                         "adminPassword": "[parameters('adminPassword')]"}}}


def _deployment(template, password="Passw0rd!Passw0rd"):
    return {"properties": {"template": template, "parameters": {"adminPassword": {"value": password}},
                           "mode": "incremental"}}


@pytest.fixture()
def gen():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("generalized-by-api")
    image = "/subscriptions/{}/resourceGroups/rg-gen/providers/Microsoft.Compute/images/app01-image".format(
        cloud.default_subscription)
    return cloud, sdk_client(cloud, ResourceManagementClient), image


def test_deploys_network_and_vm_in_dependency_order(gen):
    cloud, client, image = gen
    result = client.deployments.begin_create_or_update(
        "rg-gen", "d1", _deployment(_network_template(_vm_resource("new01", image)))).result()
    assert result.properties.provisioning_state == "Succeeded"
    assert result.properties.parameters["adminPassword"] == {"type": "SecureString"}  # never echoed
    assert result.properties.outputs["nicState"]["value"] == "Succeeded"
    assert result.properties.outputs["nicId"]["value"].endswith("/networkInterfaces/depVMNic")
    ops = list(client.deployment_operations.list("rg-gen", "d1"))
    names = [o.properties.target_resource.resource_name for o in ops]
    assert len(names) == 5 and names.index("depVMNic") > names.index("depNSG") and names[-1] == "new01"
    assert {o.properties.provisioning_state for o in ops} == {"Succeeded"}
    vm = cloud.compute.get_vm(cloud.default_subscription, "rg-gen", "new01")
    assert vm.provisioning_state == "Succeeded" and vm.boot.agent_ready
    assert [d.name for d in client.deployments.list_by_resource_group("rg-gen")] == ["d1"]
    assert client.deployments.check_existence("rg-gen", "d1") is True
    client.deployments.begin_delete("rg-gen", "d1").result()
    assert client.deployments.check_existence("rg-gen", "d1") is False
    assert cloud.compute.get_vm(cloud.default_subscription, "rg-gen", "new01") is not None  # the record only


def test_a_refused_resource_fails_the_deployment_with_deployment_failed(gen):
    cloud, client, image = gen
    template = _network_template(_vm_resource("new01", image, size="Standard_NoSuchSize"))
    with pytest.raises(HttpResponseError) as info:
        client.deployments.begin_create_or_update("rg-gen", "d2", _deployment(template)).result()
    err = info.value.error
    assert err.code == "DeploymentFailed" and err.message.startswith("At least one resource deployment operation")
    assert len(err.details) == 1 and err.details[0].code != "DeploymentFailed"
    dep = client.deployments.get("rg-gen", "d2")
    assert dep.properties.provisioning_state == "Failed"
    states = {o.properties.target_resource.resource_name: o.properties.provisioning_state
              for o in client.deployment_operations.list("rg-gen", "d2")}
    assert states["new01"] == "Failed" and states["depVMNic"] == "Succeeded"


def test_operations_wait_for_their_dependencies_on_the_clock():
    cloud = Cloud(profile="fast", lro_seconds=10)
    cloud.load_scenario("generalized-by-api")
    client = sdk_client(cloud, ResourceManagementClient)
    poller = client.deployments.begin_create_or_update("rg-gen", "slow", _deployment(_network_template()),
                                                       polling=False)
    assert poller.result().properties.provisioning_state == "Accepted"
    dep = cloud.deployments.get_deployment(cloud.default_subscription, "rg-gen", "slow")
    assert {r.name: r.state for r in dep.resources}["depVMNic"] == "Pending"
    with pytest.raises(HttpResponseError, match="DeploymentActive"):
        client.deployments.begin_create_or_update("rg-gen", "slow", _deployment(_network_template()),
                                                  polling=False).result()
    cloud.clock.advance(11)
    cloud.operations.tick()
    assert {r.name: r.state for r in dep.resources}["depVMNic"] == "Running"
    cloud.clock.advance(11)
    cloud.operations.tick()
    assert client.deployments.get("rg-gen", "slow").properties.provisioning_state == "Succeeded"


def test_validate_answers_invalid_template_with_400(gen):
    cloud, client, image = gen
    bad = _network_template()
    bad["resources"][0]["properties"]["x"] = "[parameters('nope')]"
    with pytest.raises(HttpResponseError) as info:  # 400 {"error": ...}: the SDK's poller raises it
        client.deployments.begin_validate("rg-gen", "v1", _deployment(bad)).result()
    assert info.value.status_code == 400 and info.value.error.code == "InvalidTemplate"
    assert "The template parameter 'nope' is not found" in info.value.error.message
    ok = client.deployments.begin_validate("rg-gen", "v1", _deployment(_network_template())).result()
    assert ok.error is None and len(ok.properties.validated_resources) == 4
    assert client.deployments.check_existence("rg-gen", "v1") is False
    with pytest.raises(HttpResponseError, match="InvalidTemplate"):
        client.deployments.begin_create_or_update("rg-gen", "v2", _deployment(bad)).result()
    for mutate, match in ((lambda t: t["resources"][3]["dependsOn"].append("nothere"), "not defined"),
                          (lambda t: t["resources"][0].update(copy={"name": "c", "count": 2}), "copy loop"),
                          (lambda t: t["parameters"].pop("adminPassword"), "not present in the original")):
        template = _network_template()
        mutate(template)
        with pytest.raises(TemplateError, match=match):
            cloud.deployments.validate_deployment(cloud.default_subscription, "rg-gen", "v3", _deployment(template))


def test_control_api_answers_arm_errors_as_json():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("oobe-stuck")
    cloud.compute.begin_delete_vm(cloud.default_subscription, "rg-oobe", "web01")
    cloud.operations.finish_all()
    resp = Client(FakeAzureApp(cloud)).post("/_fake/scenarios", json={"name": "oobe-stuck"})
    assert resp.status_code == 400 and resp.headers["Content-Type"].startswith("application/json")
    assert resp.get_json()["error"]["code"] == "NicReservedForAnotherVm"
    assert "reserved for another Virtual Machine" in resp.get_json()["error"]["message"]
    status, body = control.call(cloud, "POST", "/_fake/scenarios", {"name": "oobe-stuck"})
    assert status == 400 and body["error"]["code"] == "NicReservedForAnotherVm"


# -- the stock az ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gen_server():
    with fake_server("generalized-by-api") as srv:
        yield srv


@pytest.fixture(scope="module")
def oobe_server():
    # a virtual clock (the 180 s NIC reservation costs no wall time), operations as long as Azure's, and
    # Retry-After 1 (with 0 az would poll every 30 s): fakecloud.fake_server's profile
    with FakeAzureServer(profile="fast", retry_after=1, poll_seconds=30, scenarios=["oobe-stuck"]) as srv:
        yield srv


@pytest.mark.az
def test_az_vm_create_from_generalized_image(gen_server):
    image = "/subscriptions/{}/resourceGroups/rg-gen/providers/Microsoft.Compute/images/app01-image".format(
        gen_server.cloud.default_subscription)
    out = az(gen_server, "vm", "create", "-g", "rg-gen", "-n", "new01", "--image", image, "--admin-username",
             "azureadmin", "--admin-password", "Passw0rd!Passw0rd", "--size", "Standard_D2s_v3")
    assert out["powerState"] == "VM running" and out["id"].endswith("/virtualMachines/new01")
    vm = az(gen_server, "vm", "get-instance-view", "-g", "rg-gen", "-n", "new01")
    view = vm["instanceView"]
    assert vm["provisioningState"] == "Succeeded"
    assert [s["code"] for s in view["statuses"]] == ["ProvisioningState/succeeded", "PowerState/running"]
    assert view["vmAgent"]["statuses"][0]["displayStatus"] == "Ready"
    assert vm["osProfile"]["adminUsername"] == "azureadmin"
    model = gen_server.cloud.compute.get_vm(gen_server.cloud.default_subscription, "rg-gen", "new01")
    assert model.boot.category == "logon" and model.boot.provisioned
    # Trusted Launch from a managed image: Azure refuses it (Learn: Trusted launch does not support managed
    # images; the wording of Azure/azure-cli#27975), inside the deployment az vm create runs
    tl = az(gen_server, "vm", "create", "-g", "rg-gen", "-n", "tl01", "--image", "app01-image", "--admin-username",
            "azureadmin", "--admin-password", "Passw0rd!Passw0rd", "--security-type", "TrustedLaunch",
            "--size", "Standard_D2s_v3", check=False)
    assert tl.rc == 1 and "Use of TrustedLaunch setting is not supported for the provided image" in tl.stderr


@pytest.mark.az
def test_az_oobe_recovery_path(oobe_server):
    srv = oobe_server
    vm = az(srv, "vm", "show", "-g", "rg-oobe", "-n", "web01")
    nic = vm["networkProfile"]["networkInterfaces"][0]["id"]
    disk = vm["storageProfile"]["osDisk"]["managedDisk"]["id"]
    az(srv, "vm", "update", "-g", "rg-oobe", "-n", "web01", "--set", "storageProfile.osDisk.deleteOption=Detach")
    az(srv, "vm", "delete", "-g", "rg-oobe", "-n", "web01", "--yes")
    args = ("vm", "create", "-g", "rg-oobe", "-n", "web01", "--attach-os-disk", disk, "--os-type", "windows",
            "--nics", nic)
    early = run_az(srv, *args)
    assert early.rc == 1
    assert '"code":"DeploymentFailed"' in early.stderr and '"code":"NicReservedForAnotherVm"' in early.stderr
    assert "Nic(s) in request is reserved for another Virtual Machine for 180 seconds." in early.stderr
    http_control(srv, "POST", "/_fake/clock/advance", {"seconds": 181})
    out = az(srv, *args)
    assert out["powerState"] == "VM running"
    again = az(srv, "vm", "show", "-g", "rg-oobe", "-n", "web01")
    assert again["storageProfile"]["osDisk"]["managedDisk"]["id"].lower() == disk.lower()
    assert again["storageProfile"]["osDisk"]["createOption"].lower() == "attach"
    assert again["networkProfile"]["networkInterfaces"][0]["id"].lower() == nic.lower()


@pytest.mark.az
def test_az_vm_create_from_the_mislabelled_image_times_out(oobe_server):
    srv = oobe_server
    res = run_az(srv, "vm", "create", "-g", "rg-oobe", "-n", "web02", "--image", "web01-image",
                 "--admin-username", "azureadmin", "--admin-password", "Passw0rd!Passw0rd")
    assert res.rc == 1
    status = json.loads(res.stderr[res.stderr.index("ERROR: ") + len("ERROR: "):].strip())
    detail = status["error"]["details"][0]
    assert status["status"] == "Failed" and status["error"]["code"] == "DeploymentFailed"
    assert detail["code"] == "ResourceDeploymentFailure" and detail["target"].endswith("/virtualMachines/web02")
    assert detail["details"][0]["code"] == "OSProvisioningTimedOut"
    vm = az(srv, "vm", "show", "-g", "rg-oobe", "-n", "web02")
    assert vm["provisioningState"] == "Failed"
