"""The Network operations beyond PUT/GET/DELETE on the fake's types (tags, security rules, effective routes and
security groups, address checks), in-process over HTTP."""
import pytest

from computekit import RG, WIN2022, image_vm, raw  # noqa: F401
from computekit import cc, cloud  # noqa: F401
from test_lro_compute import hdrs, settle

API = "2024-05-01"


@pytest.fixture
def vm(cloud, cc):
    return image_vm(cloud, cc, "web01", WIN2022).result()


def nic_id(vm):
    return vm.network_profile.network_interfaces[0].id


def nsg_id(cloud, vm):
    return raw(cloud, "GET", nic_id(vm), api=API).json()["properties"]["networkSecurityGroup"]["id"]


def without_etags(body):
    if isinstance(body, dict):
        return {k: without_etags(v) for k, v in body.items() if k != "etag"}
    if isinstance(body, list):
        return [without_etags(v) for v in body]
    return body


def public_ip(cloud):
    rid = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/publicIPAddresses/pip1".format(
        cloud.default_subscription, RG)
    r = raw(cloud, "PUT", rid, {"location": "eastus", "sku": {"name": "Standard"},
                                "properties": {"publicIPAllocationMethod": "Static"}}, api=API)
    assert r.status_code == 201, r.text
    return rid


def result_of(cloud, reply):
    """A long-running POST's result, read at its Location (final-state-via location)."""
    assert reply.status_code == 202, reply.text
    h = hdrs(reply.headers)
    assert "/operationResults/" in h["location"] and "/operations/" in h["azure-asyncoperation"]
    path = h["location"].split("://", 1)[1].split("/", 1)[1].split("?")[0]
    return raw(cloud, "GET", "/" + path, api=API)


@pytest.mark.parametrize("kind", ["networkInterfaces", "networkSecurityGroups", "publicIPAddresses",
                                  "virtualNetworks"])
def test_update_tags_changes_only_the_tags(cloud, vm, kind):
    public_ip(cloud)
    rid = next(r for r in (raw(cloud, "GET", "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/{}"
                                .format(cloud.default_subscription, RG, kind), api=API).json()["value"]))["id"]
    before = raw(cloud, "GET", rid, api=API).json()
    r = raw(cloud, "PATCH", rid, {"tags": {"owner": "ops"}}, api=API)
    assert r.status_code == 200 and r.json()["tags"] == {"owner": "ops"}
    assert "azure-asyncoperation" not in hdrs(r.headers)  # UpdateTags is synchronous
    after = raw(cloud, "GET", rid, api=API).json()
    assert without_etags(after["properties"]) == without_etags(before["properties"])
    assert after["etag"] != before["etag"]


def test_security_rules(cloud, vm):
    nsg = nsg_id(cloud, vm)
    rule = {"properties": {"protocol": "Tcp", "access": "Allow", "direction": "Inbound", "priority": 1000,
                           "sourcePortRange": "*", "destinationPortRange": "3389", "sourceAddressPrefix": "*",
                           "destinationAddressPrefix": "*"}}
    r = raw(cloud, "PUT", nsg + "/securityRules/rdp", rule, api=API)
    assert r.status_code == 201 and r.json()["type"] == "Microsoft.Network/networkSecurityGroups/securityRules"
    assert "azure-asyncoperation" in hdrs(r.headers) and "location" not in hdrs(r.headers)
    listed = raw(cloud, "GET", nsg, api=API).json()["properties"]["securityRules"]
    assert [x["name"] for x in listed] == ["rdp"] and listed[0] == raw(cloud, "GET", nsg + "/securityRules/rdp",
                                                                       api=API).json()
    clash = raw(cloud, "PUT", nsg + "/securityRules/rdp2", rule, api=API)
    assert clash.status_code == 400 and clash.json()["error"]["code"] == "SecurityRuleConflict"
    defaults = raw(cloud, "GET", nsg + "/defaultSecurityRules", api=API).json()["value"]
    assert {d["name"] for d in defaults} >= {"AllowVnetInBound", "DenyAllInBound", "AllowInternetOutBound"}
    assert raw(cloud, "GET", nsg + "/defaultSecurityRules/DenyAllInBound", api=API).json()["properties"][
        "priority"] == 65500
    deleting = raw(cloud, "DELETE", nsg + "/securityRules/rdp", api=API)
    assert deleting.status_code == 202
    settle(cloud, deleting)  # polled until the delete is done, as a client does
    assert raw(cloud, "GET", nsg, api=API).json()["properties"]["securityRules"] == []
    assert raw(cloud, "DELETE", nsg + "/securityRules/rdp", api=API).status_code == 204


def test_effective_routes_and_security_groups_of_a_running_vm(cloud, cc, vm):
    routes = result_of(cloud, raw(cloud, "POST", nic_id(vm) + "/effectiveRouteTable", api=API))
    assert routes.status_code == 200
    by_hop = {r["addressPrefix"][0]: r["nextHopType"] for r in routes.json()["value"]}
    assert by_hop["0.0.0.0/0"] == "Internet" and "VnetLocal" in by_hop.values()
    groups = result_of(cloud, raw(cloud, "POST", nic_id(vm) + "/effectiveNetworkSecurityGroups", api=API)).json()
    rules = groups["value"][0]["effectiveSecurityRules"]
    assert groups["value"][0]["networkSecurityGroup"]["id"].lower() == nsg_id(cloud, vm).lower()
    assert any(r["name"] == "defaultSecurityRules/DenyAllInBound" for r in rules)
    cc.virtual_machines.begin_deallocate(RG, "web01").result()
    r = raw(cloud, "POST", nic_id(vm) + "/effectiveRouteTable", api=API)
    assert r.status_code == 400  # only for a NIC of a running VM


def test_address_checks(cloud, vm):
    nic = raw(cloud, "GET", nic_id(vm), api=API).json()
    taken = nic["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"]
    vnet = nic["properties"]["ipConfigurations"][0]["properties"]["subnet"]["id"].split("/subnets/")[0]
    busy = raw(cloud, "GET", vnet + "/CheckIPAddressAvailability?ipAddress=" + taken, api=API).json()
    assert busy["available"] is False and taken not in busy["availableIPAddresses"]
    free = busy["availableIPAddresses"][0]
    assert raw(cloud, "GET", vnet + "/CheckIPAddressAvailability?ipAddress=" + free, api=API).json() == \
        {"available": True}
    usage = raw(cloud, "GET", vnet + "/usages", api=API).json()["value"][0]
    assert usage["currentValue"] == 1 and usage["unit"] == "Count"


def test_ddos_protection_status(cloud, vm):
    pip = public_ip(cloud)
    status = result_of(cloud, raw(cloud, "POST", pip + "/ddosProtectionStatus", api=API)).json()
    assert status["publicIpAddressId"] == pip and status["isWorkloadProtected"] == "False"
