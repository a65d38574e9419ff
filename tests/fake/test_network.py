"""Microsoft.Network in the fake, in-process: wire shapes against tests/fixtures/fidelity/network-interface.yaml,
long-running operation shapes, the rules Compute relies on (NicInUse, the 180 s NicReservedForAnotherVm),
and the scenario helper.

azure-mgmt-network is not installed with azure-cli 2.91 (its network commands are aaz-generated), so the
SDK side uses ResourceManagementClient's generic ``*_by_id`` operations, which drive the same ARM polling.
"""
import json
import os

import pytest
import yaml

from fakeazure.cloud import Cloud
from fakeazure.core import errors
from fakeazure.inprocess import BASE_URL, sdk_client, session
from fakeazure.network.scenario import ensure_vm_network

FIDELITY = os.path.join(os.path.dirname(__file__), "..", "fixtures", "fidelity")
API = "2024-07-01"


class Arm:
    """Plain HTTP against the in-process fake (bearer token from the fake's identity)."""

    def __init__(self, cloud):
        self.cloud = cloud
        self.http = session(cloud)
        self.sub = cloud.default_subscription

    def rid(self, rg, rtype, name):
        return "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/{}/{}".format(self.sub, rg, rtype,
                                                                                              name)

    def call(self, method, path, body=None, api=API, **params):
        token, _ = self.cloud.identity.mint()
        url = path if path.startswith("http") else BASE_URL + path
        if "api-version=" not in url:
            params["api-version"] = api
        return self.http.request(method, url, params=params, json=body,
                                 headers={"Authorization": "Bearer " + token})

    def settle(self, resp):
        """Poll the operation ``resp`` started until it ends, as a client does (each poll of an operation in
        progress moves the fast profile's clock); -> the last status document."""
        for _ in range(100):
            doc = self.call("GET", resp.headers["Azure-AsyncOperation"]).json()
            if doc["status"] != "InProgress":
                return doc
        raise AssertionError("the operation never ended")


@pytest.fixture
def cloud():
    c = Cloud(profile="fast")
    c.resources.create_or_update_group(c.default_subscription, "rg", "westus")
    return c


@pytest.fixture
def arm(cloud):
    return Arm(cloud)


def make_vnet(arm, rg="rg", name="vnet1", location="westus"):
    r = arm.call("PUT", arm.rid(rg, "virtualNetworks", name), {
        "location": location, "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                                             "subnets": [{"name": "subnet1",
                                                          "properties": {"addressPrefix": "10.0.0.0/24"}}]}})
    assert r.status_code == 201, r.text
    arm.settle(r)
    return r.json()


def make_nic(arm, name="nic1", pip=None, nsg=None, rg="rg", location="westus"):
    cfg = {"subnet": {"id": arm.rid(rg, "virtualNetworks", "vnet1") + "/subnets/subnet1"}}
    if pip:
        cfg["publicIPAddress"] = {"id": arm.rid(rg, "publicIPAddresses", pip)}
    props = {"ipConfigurations": [{"name": "ipconfig" + name, "properties": cfg}]}
    if nsg:
        props["networkSecurityGroup"] = {"id": arm.rid(rg, "networkSecurityGroups", nsg)}
    r = arm.call("PUT", arm.rid(rg, "networkInterfaces", name), {"location": location, "properties": props})
    if r.status_code < 300:
        arm.settle(r)
    return r


def fidelity_entries(name):
    with open(os.path.join(FIDELITY, name), encoding="utf-8") as fh:
        return yaml.safe_load(fh)["entries"]


def test_vnet_put_answers_201_then_200_with_async_header(arm):
    body = make_vnet(arm)
    assert list(body)[:5] == ["name", "id", "etag", "type", "location"]
    assert body["etag"].startswith('W/"')
    assert [s["name"] for s in body["properties"]["subnets"]] == ["subnet1"]
    again = arm.call("PUT", arm.rid("rg", "virtualNetworks", "vnet1"), {
        "location": "westus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}})
    assert again.status_code == 200
    assert "Location" not in again.headers
    status = arm.call("GET", again.headers["Azure-AsyncOperation"])
    assert status.json() == {"status": "Succeeded"}  # 1.5 s (durations.yaml): done at the first poll
    # a PUT is a full replace: the body named no subnet, so subnet1 went
    assert again.json()["properties"]["subnets"] == []
    assert arm.call("GET", arm.rid("rg", "virtualNetworks", "vnet1") + "/subnets/subnet1").status_code == 404


def test_nic_body_matches_recorded_shape(arm, cloud):
    make_vnet(arm)
    assert arm.call("PUT", arm.rid("rg", "publicIPAddresses", "pip1"),
                    {"location": "westus", "sku": {"name": "Standard"}}).status_code == 201
    assert arm.call("PUT", arm.rid("rg", "networkSecurityGroups", "nsg1"), {"location": "westus"}).status_code == 201
    assert make_nic(arm, pip="pip1", nsg="nsg1").status_code == 201
    vm_id = "/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1".format(arm.sub)
    cloud.network.attach_nic(arm.rid("rg", "networkInterfaces", "nic1"), vm_id)
    got = arm.call("GET", arm.rid("rg", "networkInterfaces", "nic1"))
    assert got.status_code == 200
    assert got.headers["ETag"] == got.json()["etag"]
    nic = got.json()
    recorded = json.loads(next(e for e in fidelity_entries("network-interface.yaml")
                               if e["op"].startswith("GET network interface (2026"))["response"]["body_raw"])
    assert list(nic) == list(recorded)
    assert list(nic["properties"]) == list(recorded["properties"])
    cfg, rec_cfg = nic["properties"]["ipConfigurations"][0], recorded["properties"]["ipConfigurations"][0]
    assert list(cfg) == list(rec_cfg)
    assert list(cfg["properties"]) == list(rec_cfg["properties"])
    assert cfg["etag"] == nic["etag"]
    assert cfg["properties"]["privateIPAddress"] == "10.0.0.4"
    assert nic["properties"]["virtualMachine"] == {"id": vm_id}
    assert nic["properties"]["primary"] is True
    # the public IP now points back at the ipConfiguration, with the recorded key order
    pip = arm.call("GET", arm.rid("rg", "publicIPAddresses", "pip1")).json()
    rec_pip = json.loads(next(e for e in fidelity_entries("network-interface.yaml")
                              if e["op"].startswith("GET public IP (2026"))["response"]["body_raw"])
    assert list(pip) == list(rec_pip)
    assert list(pip["properties"]) == list(rec_pip["properties"])
    assert pip["properties"]["ipConfiguration"]["id"] == cfg["id"]
    assert pip["sku"] == rec_pip["sku"] and pip["properties"]["publicIPAllocationMethod"] == "Static"


def test_unattached_nic_has_no_vm_mac_or_primary(arm):
    make_vnet(arm)
    nic = make_nic(arm).json()["properties"]
    assert "virtualMachine" not in nic and "primary" not in nic and "macAddress" not in nic


def test_nic_with_missing_subnet_is_refused_with_details(arm):
    r = make_nic(arm)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "InvalidResourceReference"
    assert err["details"] == []
    assert "referenced by resource" in err["message"]
    assert r.text.startswith("{\r\n")  # RP errors are pretty-printed


def test_generic_sdk_create_and_delete_drive_network_lros(arm, cloud):
    from azure.mgmt.resource import ResourceManagementClient
    from azure.mgmt.resource.resources.models import GenericResource
    client = sdk_client(cloud, ResourceManagementClient)
    vnet_id = arm.rid("rg", "virtualNetworks", "sdkvnet")
    result = client.resources.begin_create_or_update_by_id(vnet_id, API, GenericResource(
        location="westus", properties={"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}})).result()
    assert result.properties["provisioningState"] == "Succeeded"
    client.resources.begin_delete_by_id(vnet_id, API).result()
    assert arm.call("GET", vnet_id).status_code == 404


def test_delete_answers_202_with_location_and_async_operation(arm):
    make_vnet(arm)
    make_nic(arm)
    r = arm.call("DELETE", arm.rid("rg", "networkInterfaces", "nic1"))
    assert r.status_code == 202 and r.content == b""
    loc, aao = r.headers["Location"], r.headers["Azure-AsyncOperation"]
    assert "/providers/Microsoft.Network/locations/westus/operationResults/" in loc
    assert "/providers/Microsoft.Network/locations/westus/operations/" in aao
    assert loc.split("/")[-1].split("?")[0] == aao.split("/")[-1].split("?")[0]
    assert int(r.headers["Retry-After"]) >= 0
    assert arm.call("GET", aao).json() == {"status": "Succeeded"}  # 1.5 s (durations.yaml): done at the first poll
    assert arm.call("GET", loc).status_code == 204
    assert arm.call("DELETE", arm.rid("rg", "networkInterfaces", "nic1")).status_code == 204


def test_slow_operation_shows_updating_then_succeeded():
    cloud = Cloud(profile="fast", lro_seconds=50, retry_after=1)
    cloud.resources.create_or_update_group(cloud.default_subscription, "rg", "westus")
    arm = Arm(cloud)
    r = arm.call("PUT", arm.rid("rg", "virtualNetworks", "v"), {
        "location": "westus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}})
    assert r.json()["properties"]["provisioningState"] == "Updating"
    poll = arm.call("GET", r.headers["Azure-AsyncOperation"])
    assert poll.json() == {"status": "InProgress"} and poll.headers["Retry-After"] == "1"
    cloud.clock.advance(51)
    assert arm.call("GET", r.headers["Azure-AsyncOperation"]).json() == {"status": "Succeeded"}
    assert arm.call("GET", arm.rid("rg", "virtualNetworks", "v")).json()["properties"]["provisioningState"] == \
        "Succeeded"


def test_in_use_public_ip_subnet_and_nsg_cannot_be_deleted(arm):
    make_vnet(arm)
    arm.call("PUT", arm.rid("rg", "publicIPAddresses", "pip1"), {"location": "westus"})
    arm.call("PUT", arm.rid("rg", "networkSecurityGroups", "nsg1"), {"location": "westus"})
    make_nic(arm, pip="pip1", nsg="nsg1")
    for rtype, name, code in [("publicIPAddresses", "pip1", "PublicIPAddressCannotBeDeleted"),
                              ("virtualNetworks", "vnet1", "InUseSubnetCannotBeDeleted"),
                              ("networkSecurityGroups", "nsg1", "InUseNetworkSecurityGroupCannotBeDeleted")]:
        r = arm.call("DELETE", arm.rid("rg", rtype, name))
        assert (r.status_code, r.json()["error"]["code"]) == (400, code)
    # a second NIC cannot take the same public IP
    r = arm.call("PUT", arm.rid("rg", "networkInterfaces", "nic2"), {"location": "westus", "properties": {
        "ipConfigurations": [{"name": "c", "properties": {
            "subnet": {"id": arm.rid("rg", "virtualNetworks", "vnet1") + "/subnets/subnet1"},
            "publicIPAddress": {"id": arm.rid("rg", "publicIPAddresses", "pip1")}}}]}})
    assert r.json()["error"]["code"] == "PublicIPAddressInUse"


def test_attach_release_and_the_180_second_reservation(arm, cloud):
    make_vnet(arm)
    make_nic(arm)
    net = cloud.network
    nic_id = arm.rid("rg", "networkInterfaces", "nic1")
    vm1 = "/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1".format(arm.sub)
    vm2 = vm1[:-1] + "2"
    net.attach_nic(nic_id, vm1)
    net.attach_nic(nic_id, vm1)  # the same VM again is fine (a VM update)
    with pytest.raises(Exception) as exc:
        net.attach_nic(nic_id, vm2)
    assert (exc.value.status, exc.value.code) == (400, "NicInUse")
    assert vm1 in exc.value.message
    r = arm.call("DELETE", nic_id)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "NicInUse")

    net.release_nic(nic_id, vm1)
    for vm in (vm2, vm1):  # any VM, even one re-created under the same name
        with pytest.raises(Exception) as exc:
            net.attach_nic(nic_id, vm)
        assert (exc.value.status, exc.value.code) == (400, "NicReservedForAnotherVm")
        assert exc.value.message == ("Nic(s) in request is reserved for another Virtual Machine for 180 seconds. "
                                     "Please provide another nic(s) or retry after 180 seconds. Reserved VM: " + vm1)
    r = arm.call("DELETE", nic_id)
    assert r.json()["error"]["code"] == "NicReservedForAnotherVm"
    assert "virtualMachine" not in arm.call("GET", nic_id).json()["properties"]
    cloud.clock.advance(179)
    with pytest.raises(errors.ArmError) as still_reserved:
        net.attach_nic(nic_id, vm2)
    assert still_reserved.value.code == "NicReservedForAnotherVm"
    cloud.clock.advance(2)
    assert net.attach_nic(nic_id, vm2).vm_id == vm2
    # a plain detach (reserve_seconds=0) leaves no reservation; releasing for the wrong VM does nothing
    assert net.release_nic(nic_id, vm1) is None
    net.release_nic(nic_id, vm2, reserve_seconds=0)
    assert arm.call("DELETE", nic_id).status_code == 202


def test_missing_nic_attach_is_a_404(cloud):
    with pytest.raises(Exception) as exc:
        cloud.network.attach_nic("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Network/"
                                 "networkInterfaces/nope".format(cloud.default_subscription), "/x")
    assert (exc.value.status, exc.value.code) == (404, "ResourceNotFound")


def test_lists_generic_resources_group_delete_and_delete_by_id(arm, cloud):
    make_vnet(arm)
    arm.call("PUT", arm.rid("rg", "publicIPAddresses", "pip1"), {"location": "westus"})
    make_nic(arm, pip="pip1")
    assert [n["name"] for n in arm.call("GET", "/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Network/"
                                               "networkInterfaces".format(arm.sub)).json()["value"]] == ["nic1"]
    assert len(arm.call("GET", "/subscriptions/{}/providers/Microsoft.Network/virtualNetworks"
                        .format(arm.sub)).json()["value"]) == 1
    types = sorted(r["type"] for r in cloud.network.generic_resources(arm.sub, "rg"))
    assert types == ["Microsoft.Network/networkInterfaces", "Microsoft.Network/publicIPAddresses",
                     "Microsoft.Network/virtualNetworks"]
    # deleteOption=Delete on a VM: Compute deletes the public IP, then the NIC goes too
    assert cloud.network.delete_by_id(arm.rid("rg", "publicIPAddresses", "pip1"))
    nic = arm.call("GET", arm.rid("rg", "networkInterfaces", "nic1")).json()
    assert "publicIPAddress" not in nic["properties"]["ipConfigurations"][0]["properties"]
    assert cloud.network.delete_by_id(arm.rid("rg", "networkInterfaces", "nic1"))
    assert not cloud.network.delete_by_id(arm.rid("rg", "networkInterfaces", "nic1"))
    assert cloud.find(arm.rid("rg", "virtualNetworks", "vnet1") + "/subnets/subnet1").name == "subnet1"
    cloud.network.delete_group_contents(arm.sub, "rg")
    assert cloud.network.dump()["virtualNetworks"] == []


def test_missing_group_and_resource_errors(arm):
    r = arm.call("GET", arm.rid("nogroup", "networkInterfaces", "x"))
    assert (r.status_code, r.json()["error"]["code"]) == (404, "ResourceGroupNotFound")
    r = arm.call("GET", arm.rid("rg", "networkInterfaces", "x"))
    assert r.json()["error"]["message"].startswith(
        "The Resource 'Microsoft.Network/networkInterfaces/x' under resource group 'rg' was not found.")
    assert r.headers["x-ms-failure-cause"] == "gateway"
    r = arm.call("PUT", arm.rid("rg", "virtualNetworks", "v"), {"properties": {}})
    assert r.json()["error"]["code"] == "LocationRequired"


def test_scenario_network_is_named_like_az_vm_create_and_idempotent(cloud):
    sub = cloud.default_subscription
    nic_id = "/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/app01VMNic".format(sub)
    nic = ensure_vm_network(cloud, sub, "rg", "westus", "app01", nic_id, public_ip=True)
    body = nic.to_json()
    assert body["properties"]["virtualMachine"]["id"].endswith("/virtualMachines/app01")
    cfg = body["properties"]["ipConfigurations"][0]
    assert cfg["name"] == "ipconfigapp01"
    assert cfg["properties"]["subnet"]["id"].endswith("/virtualNetworks/app01VNET/subnets/app01Subnet")
    assert cfg["properties"]["publicIPAddress"]["id"].endswith("/publicIPAddresses/app01PublicIP")
    assert body["properties"]["networkSecurityGroup"]["id"].endswith("/networkSecurityGroups/app01NSG")
    assert ensure_vm_network(cloud, sub, "rg", "westus", "app01", nic_id) is nic
    other = ensure_vm_network(cloud, sub, "rg", "westus", "app02",
                              nic_id.replace("app01VMNic", "app02VMNic"))
    assert other.to_json()["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"] == "10.0.0.5"
    assert len(cloud.network.vnets) == 1  # the group's vnet is reused


def test_nsg_default_rules_have_azures_keys(arm):
    """K7: every default rule as Azure's recording shows it (test_resource_move, Azure/azure-cli), the four empty
    lists included."""
    path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "azure-traffic", "recordings", "resource",
                        "test_resource_move.yaml")
    with open(path, encoding="utf-8") as fh:
        recorded = json.loads(yaml.safe_load(fh)["interactions"][3]["response"]["body"]["string"])
    r = arm.call("PUT", arm.rid("rg", "networkSecurityGroups", "nsg1"), {"location": "westus"})
    assert r.status_code == 201, r.text
    ours = arm.call("GET", arm.rid("rg", "networkSecurityGroups", "nsg1")).json()["properties"]["defaultSecurityRules"]
    theirs = recorded["properties"]["defaultSecurityRules"]
    assert [(d["name"], list(d["properties"])) for d in ours] == [(d["name"], list(d["properties"])) for d in theirs]
    assert all(d["properties"]["sourcePortRanges"] == [] for d in ours)
    # at api 2015-06-15 Azure's NSG had no such lists (its body in test_resource_group_deployment#7's outputs)
    old = arm.call("GET", arm.rid("rg", "networkSecurityGroups", "nsg1"), api="2015-06-15").json()
    assert all("sourcePortRanges" not in d["properties"] for d in old["properties"]["defaultSecurityRules"])
