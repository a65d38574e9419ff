"""The stock ``az`` (azure-cli 2.91, in a subprocess) against one fake server for the module: what it prints
and its exit code for network reads and writes, locks, tags, throttling and a denied call, compared with
tests/fixtures/fidelity (real recordings) where one exists.

Each ``az`` run takes about 0.6 s; the module runs about a dozen.
"""
import json
import os

import pytest
import yaml

from fakeazure.network.scenario import ensure_vm_network
from fakecloud import control, fake_server, require_az, run_az

pytestmark = pytest.mark.az

FIDELITY = os.path.join(os.path.dirname(__file__), "..", "fixtures", "fidelity")


@pytest.fixture(scope="module")
def server():
    require_az()
    with fake_server() as srv:
        cloud = srv.cloud
        sub = cloud.default_subscription
        with cloud.lock:
            cloud.resources.create_or_update_group(sub, "rg", "westus")
            cloud.resources.create_or_update_group(sub, "rg-locked", "westus")
            ensure_vm_network(cloud, sub, "rg", "westus", "vm1", "/subscriptions/{}/resourceGroups/rg/providers/"
                              "Microsoft.Network/networkInterfaces/vm1VMNic".format(sub), public_ip=True)
        yield srv


def rg_id(server, rg="rg"):
    return "/subscriptions/{}/resourceGroups/{}".format(server.cloud.default_subscription, rg)


def recorded(file, op_prefix):
    with open(os.path.join(FIDELITY, file), encoding="utf-8") as fh:
        entry = next(e for e in yaml.safe_load(fh)["entries"] if e["op"].startswith(op_prefix))
    resp = entry["response"]
    return json.loads(resp["body_raw"]) if "body_raw" in resp else resp["body"]


def flattened_keys(body):
    """The keys az prints for an ARM body: properties lifted to the top, plus resourceGroup."""
    return (set(body) - {"properties"}) | set(body.get("properties", {})) | {"resourceGroup"}


def test_nic_show_prints_what_azure_would(server):
    res = run_az(server, "network", "nic", "show", "-g", "rg", "-n", "vm1VMNic")
    assert res.rc == 0, res.stderr
    nic = res.json()
    rec = recorded("network-interface.yaml", "GET network interface (2026")
    # everything az prints was in Azure's answer; az 2.91's aaz schema drops the two members it does not know
    assert set(nic) <= flattened_keys(rec)
    assert flattened_keys(rec) - set(nic) == {"allowPort25Out", "kind"}
    cfg = nic["ipConfigurations"][0]
    assert set(cfg) == flattened_keys(rec["properties"]["ipConfigurations"][0])
    assert cfg["primary"] is True and cfg["privateIPAddress"] == "10.0.0.4"
    assert nic["virtualMachine"]["id"].endswith("/providers/Microsoft.Compute/virtualMachines/vm1")
    assert nic["primary"] is True and nic["nicType"] == "Standard" and nic["resourceGroup"] == "rg"


def test_nic_show_missing_is_exit_3_with_arms_message(server):
    res = run_az(server, "network", "nic", "show", "-g", "rg", "-n", "nope")
    assert res.rc == 3
    assert "(ResourceNotFound) The Resource 'Microsoft.Network/networkInterfaces/nope' under resource group 'rg' " \
           "was not found." in res.stderr


def test_vnet_create_then_show(server):
    res = run_az(server, "network", "vnet", "create", "-g", "rg", "-n", "vnet2", "--address-prefix", "10.1.0.0/16",
             "--subnet-name", "s1", "--subnet-prefix", "10.1.0.0/24")
    assert res.rc == 0, res.stderr
    created = res.json()["newVNet"]
    assert created["provisioningState"] == "Succeeded"
    assert created["addressSpace"]["addressPrefixes"] == ["10.1.0.0/16"]
    shown = run_az(server, "network", "vnet", "show", "-g", "rg", "-n", "vnet2")
    assert shown.rc == 0, shown.stderr
    vnet = shown.json()
    assert [s["name"] for s in vnet["subnets"]] == ["s1"]
    assert vnet["subnets"][0]["addressPrefix"] == "10.1.0.0/24"
    assert vnet["etag"].startswith('W/"')


def test_lock_create_list_refuses_group_delete_then_delete(server):
    created = run_az(server, "lock", "create", "--name", "keep", "--lock-type", "CanNotDelete", "-g", "rg-locked",
                 "--notes", "do not delete")
    assert created.rc == 0, created.stderr
    assert created.json()["level"] == "CanNotDelete" and created.json()["notes"] == "do not delete"
    listed = run_az(server, "lock", "list", "-g", "rg-locked")
    assert [lk["name"] for lk in listed.json()] == ["keep"]

    refused = run_az(server, "group", "delete", "-n", "rg-locked", "--yes")
    scope = rg_id(server, "rg-locked")
    assert refused.rc == 1
    assert ("ERROR: (ScopeLocked) The scope '{0}' cannot perform delete operation because following scope(s) are "
            "locked: '{0}'. Please remove the lock and try again.".format(scope)) in refused.stderr
    assert "Code: ScopeLocked" in refused.stderr
    assert server.cloud.resources.group_exists(server.cloud.default_subscription, "rg-locked")

    deleted = run_az(server, "lock", "delete", "--name", "keep", "-g", "rg-locked")
    assert deleted.rc == 0, deleted.stderr
    assert run_az(server, "lock", "list", "-g", "rg-locked").json() == []


def test_tag_create_and_update(server):
    scope = rg_id(server)
    created = run_az(server, "tag", "create", "--resource-id", scope, "--tags", "owner=ops")
    assert created.rc == 0, created.stderr
    assert created.json()["properties"]["tags"] == {"owner": "ops"}
    assert created.json()["id"] == scope + "/providers/Microsoft.Resources/tags/default"
    merged = run_az(server, "tag", "update", "--resource-id", scope, "--operation", "merge", "--tags", "team=a")
    assert merged.rc == 0, merged.stderr
    assert merged.json()["properties"]["tags"] == {"owner": "ops", "team": "a"}
    too_long = run_az(server, "tag", "update", "--resource-id", scope, "--operation", "merge",
                      "--tags", "x=" + "v" * 257)
    assert too_long.rc == 1 and "(InvalidTagValueLength)" in too_long.stderr


def test_throttled_read_is_retried_through(server):
    control(server, "GET", "/_fake/requests?clear=true")
    control(server, "POST", "/_fake/faults", {"kind": "throttle", "method": "GET", "path": "resourceGroups/rg$",
                                              "count": 1, "retryAfter": 1})
    try:
        res = run_az(server, "group", "show", "-n", "rg")
    finally:
        control(server, "DELETE", "/_fake/faults")
    assert res.rc == 0, res.stderr
    assert res.json()["name"] == "rg"
    statuses = [e["status"] for e in control(server, "GET", "/_fake/requests")["value"]
                if e["path"].lower().endswith("/resourcegroups/rg")]
    assert statuses == [429, 200]
    assert res.seconds >= 1.0  # the CLI waited the Retry-After


def test_denied_read_is_exit_1_with_authorization_failed(server):
    action = "Microsoft.Resources/subscriptions/resourceGroups/read"
    control(server, "POST", "/_fake/faults", {"kind": "deny", "method": "GET", "path": "resourceGroups/rg$",
                                              "count": 1, "action": action, "scope": rg_id(server)})
    try:
        res = run_az(server, "group", "show", "-n", "rg")
    finally:
        control(server, "DELETE", "/_fake/faults")
    assert res.rc == 1
    assert "(AuthorizationFailed) The client 'fake-client' with object id 'fake-object' does not have " \
           "authorization to perform action '{}' over scope '{}'".format(action, rg_id(server)) in res.stderr
    assert "Code: AuthorizationFailed" in res.stderr
