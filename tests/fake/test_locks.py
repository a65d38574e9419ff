"""Management locks and permissions in the fake, in-process, through the SDK clients az uses
(ManagementLockClient 2016-09-01, ResourceManagementClient) and plain HTTP where a status code matters."""
import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.resource import ResourceManagementClient
from azure.mgmt.resource.locks import ManagementLockClient
from azure.mgmt.resource.locks.models import ManagementLockObject

from fakeazure.authorization.models import action_for
from fakeazure.cloud import Cloud
from fakeazure.core import errors
from fakeazure.inprocess import BASE_URL, sdk_client, session


@pytest.fixture
def cloud():
    c = Cloud(profile="fast")
    c.resources.create_or_update_group(c.default_subscription, "rg", "westus")
    c.resources.create_or_update_group(c.default_subscription, "other", "westus")
    return c


@pytest.fixture
def locks(cloud):
    return sdk_client(cloud, ManagementLockClient).management_locks


@pytest.fixture
def rm(cloud):
    return sdk_client(cloud, ResourceManagementClient)


def http(cloud, method, path, body=None, api="2016-09-01"):
    token, _ = cloud.identity.mint()
    return session(cloud).request(method, BASE_URL + path, params={"api-version": api}, json=body,
                                  headers={"Authorization": "Bearer " + token})


def rg_id(cloud, rg="rg"):
    return "/subscriptions/{}/resourceGroups/{}".format(cloud.default_subscription, rg)


def make_nic(cloud, name="nic1"):
    from fakeazure.network.scenario import ensure_vm_network
    nic_id = rg_id(cloud) + "/providers/Microsoft.Network/networkInterfaces/" + name
    nic = ensure_vm_network(cloud, cloud.default_subscription, "rg", "westus", "vm1", nic_id)
    cloud.network.release_nic(nic.id, nic.vm_id, reserve_seconds=0)
    return nic


def scope_locked(verb, scope, lock_scope):
    return ("The scope '{}' cannot perform {} operation because following scope(s) are locked: '{}'. "
            "Please remove the lock and try again.".format(scope, verb, lock_scope))


def test_lock_crud_at_resource_group(cloud, locks):
    created = locks.create_or_update_at_resource_group_level("rg", "nodelete",
                                                             ManagementLockObject(level="CanNotDelete", notes="keep"))
    assert created.id == rg_id(cloud) + "/providers/Microsoft.Authorization/locks/nodelete"
    assert (created.level, created.notes, created.type) == ("CanNotDelete", "keep", "Microsoft.Authorization/locks")
    assert locks.get_at_resource_group_level("rg", "nodelete").level == "CanNotDelete"
    assert [lk.name for lk in locks.list_at_resource_group_level("rg")] == ["nodelete"]
    assert [lk.name for lk in locks.list_at_resource_group_level("other")] == []
    assert [lk.name for lk in locks.list_at_subscription_level()] == ["nodelete"]
    r = http(cloud, "PUT", created.id, {"properties": {"level": "ReadOnly"}})
    assert r.status_code == 200 and r.json()["properties"] == {"level": "ReadOnly"}
    assert http(cloud, "DELETE", created.id).status_code == 200
    assert http(cloud, "DELETE", created.id).status_code == 204
    with pytest.raises(ResourceNotFoundError) as exc:
        locks.get_at_resource_group_level("rg", "nodelete")
    assert exc.value.error.code == "LockNotFound"


def test_locked_group_refuses_delete_with_azures_message(cloud, locks, rm):
    lock = locks.create_or_update_at_resource_group_level("rg", "l", ManagementLockObject(level="CanNotDelete"))
    with pytest.raises(HttpResponseError) as exc:
        rm.resource_groups.begin_delete("rg").result()
    assert exc.value.status_code == 409
    assert exc.value.error.code == "ScopeLocked"
    assert exc.value.error.message == scope_locked("delete", rg_id(cloud), rg_id(cloud))
    assert cloud.resources.group_exists(cloud.default_subscription, "rg")
    # deleting the lock itself is allowed, and then the group goes (driven on the backend: the group
    # delete's Location poll is not this module's business)
    locks.delete_at_resource_group_level("rg", "l")
    assert lock.name == "l"
    cloud.resources.begin_delete_group(cloud.default_subscription, "rg")
    assert cloud.resources.get_group(cloud.default_subscription, "rg").provisioning_state == "Deleting"
    cloud.clock.advance(70)  # Azure took about 70 s (durations.yaml)
    cloud.operations.tick()
    assert not cloud.resources.group_exists(cloud.default_subscription, "rg")


def test_a_lock_on_a_resource_blocks_deleting_its_group(cloud, locks, rm):
    nic = make_nic(cloud)
    # the CLI's shape: empty parent path, i.e. '.../Microsoft.Network//networkInterfaces/nic1'
    lock = locks.create_or_update_at_resource_level("rg", "Microsoft.Network", "", "networkInterfaces", "nic1", "l",
                                                    ManagementLockObject(level="CanNotDelete"))
    # ids echo the request's casing (the SDK writes 'resourcegroups' here); ARM compares them case-insensitively
    assert lock.id.lower() == (nic.id + "/providers/Microsoft.Authorization/locks/l").lower()
    assert [lk.name for lk in locks.list_at_resource_level("rg", "Microsoft.Network", "", "networkInterfaces",
                                                            "nic1")] == ["l"]
    assert [lk.name for lk in locks.list_at_resource_group_level("rg")] == ["l"]  # locks below the group
    with pytest.raises(HttpResponseError) as exc:
        rm.resource_groups.begin_delete("rg").result()
    assert exc.value.error.message.lower() == scope_locked("delete", rg_id(cloud), nic.id).lower()
    r = http(cloud, "DELETE", nic.id, api="2024-07-01")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "ScopeLocked")
    assert r.headers["x-ms-failure-cause"] == "gateway"
    # CanNotDelete still lets the NIC be written (tags) ...
    assert http(cloud, "PATCH", nic.id + "/providers/Microsoft.Resources/tags/default",
                {"operation": "Merge", "properties": {"tags": {"a": "b"}}}, api="2024-11-01").status_code == 200


def test_read_only_blocks_writes_and_actions_but_not_reads(cloud, locks):
    nic = make_nic(cloud)
    locks.create_or_update_at_resource_group_level("rg", "ro", ManagementLockObject(level="ReadOnly"))
    assert http(cloud, "GET", nic.id, api="2024-07-01").status_code == 200
    body = http(cloud, "GET", nic.id, api="2024-07-01").json()
    r = http(cloud, "PUT", nic.id, body, api="2024-07-01")
    assert r.status_code == 409
    assert r.json()["error"]["message"] == scope_locked("write", nic.id, rg_id(cloud))
    r = http(cloud, "PATCH", rg_id(cloud) + "/providers/Microsoft.Resources/tags/default",
             {"operation": "Merge", "properties": {"tags": {"a": "b"}}}, api="2024-11-01")
    assert r.json()["error"]["code"] == "ScopeLocked"
    # a POST action (what Compute checks before start/deallocate) is a write
    vm = rg_id(cloud) + "/providers/Microsoft.Compute/virtualMachines/vm1"
    with pytest.raises(errors.ScopeLocked):
        cloud.check_locks_for_write(vm)
    with pytest.raises(errors.ScopeLocked):
        cloud.check_locks_for_delete(vm)
    # locks stay manageable under a ReadOnly lock
    locks.create_or_update_at_resource_group_level("rg", "second", ManagementLockObject(level="CanNotDelete"))
    locks.delete_at_resource_group_level("rg", "second")
    cloud.check_locks_for_write(rg_id(cloud, "other"))  # other groups are untouched


def test_subscription_lock_covers_every_group_and_at_scope_filter(cloud, locks):
    locks.create_or_update_at_subscription_level("sublock", ManagementLockObject(level="CanNotDelete"))
    locks.create_or_update_at_resource_group_level("rg", "rglock", ManagementLockObject(level="CanNotDelete"))
    with pytest.raises(errors.ScopeLocked) as exc:
        cloud.check_locks_for_delete(rg_id(cloud, "other"))
    assert "'/subscriptions/{}'".format(cloud.default_subscription) in exc.value.message
    assert [lk.name for lk in locks.list_at_resource_group_level("rg")] == ["rglock"]
    at_scope = locks.list_at_resource_group_level("rg", filter="atScope()")
    assert sorted(lk.name for lk in at_scope) == ["rglock", "sublock"]
    assert sorted(lk.name for lk in locks.list_at_subscription_level()) == ["rglock", "sublock"]
    assert locks.get_at_subscription_level("sublock").level == "CanNotDelete"


def test_lock_on_missing_scope_or_bad_level(cloud, locks):
    with pytest.raises(ResourceNotFoundError) as exc:
        locks.create_or_update_at_resource_group_level("nogroup", "l", ManagementLockObject(level="ReadOnly"))
    assert exc.value.error.code == "ResourceGroupNotFound"
    with pytest.raises(ResourceNotFoundError) as exc:
        locks.create_or_update_at_resource_level("rg", "Microsoft.Compute", "", "virtualMachines", "nope", "l",
                                                 ManagementLockObject(level="ReadOnly"))
    assert exc.value.error.code == "ResourceNotFound"
    r = http(cloud, "PUT", rg_id(cloud) + "/providers/Microsoft.Authorization/locks/l",
             {"properties": {"level": "NotSpecified"}})
    assert r.status_code == 400
    r = http(cloud, "GET", rg_id(cloud) + "/providers/Microsoft.Authorization/locks/l", api="2099-01-01")
    assert r.json()["error"]["code"] == "NoRegisteredProviderFound"


def test_group_delete_drops_its_locks(cloud, locks):
    make_nic(cloud)
    locks.create_or_update_at_resource_group_level("other", "l", ManagementLockObject(level="CanNotDelete"))
    cloud.resources.begin_delete_group(cloud.default_subscription, "rg")
    assert [lk.name for lk in locks.list_at_subscription_level()] == ["l"]


def test_permissions_default_restricted_and_deny_fault(cloud):
    path = rg_id(cloud) + "/providers/Microsoft.Authorization/permissions"
    assert http(cloud, "GET", path, api="2022-04-01").json() == {
        "value": [{"actions": ["*"], "notActions": [], "dataActions": [], "notDataActions": []}]}
    assert http(cloud, "GET", path, api="2015-07-01").json() == {"value": [{"actions": ["*"], "notActions": []}]}
    vm = rg_id(cloud) + "/providers/Microsoft.Compute/virtualMachines/vm1"
    cloud.authorization.set_permissions(rg_id(cloud), ["Microsoft.Compute/virtualMachines/read",
                                                       "Microsoft.Compute/virtualMachines/*/action",
                                                       "Microsoft.Authorization/permissions/read"],
                                        ["Microsoft.Compute/virtualMachines/deallocate/action"])
    got = http(cloud, "GET", path, api="2022-04-01").json()["value"]
    assert got[0]["actions"][0] == "Microsoft.Compute/virtualMachines/read"
    # nothing is granted in the other group any more, not even reading one's permissions there (ARM's gateway
    # authorizes every request against the caller's roles)
    other = http(cloud, "GET", rg_id(cloud, "other") + "/providers/Microsoft.Authorization/permissions",
                 api="2022-04-01")
    assert other.status_code == 403 and other.json()["error"]["code"] == "AuthorizationFailed"
    auth = cloud.authorization
    auth.authorize("GET", vm)
    auth.authorize("POST", vm + "/start")
    with pytest.raises(errors.AuthorizationFailed) as exc:
        auth.authorize("POST", vm + "/deallocate")
    assert "'Microsoft.Compute/virtualMachines/deallocate/action' over scope '{}'".format(vm) in exc.value.message
    with pytest.raises(errors.AuthorizationFailed):
        auth.authorize("DELETE", vm)
    auth.clear_permissions()
    cloud.faults.add({"kind": "deny", "method": "POST", "path": "deallocate", "count": 0,
                      "action": "Microsoft.Compute/virtualMachines/deallocate/action"})
    got = http(cloud, "GET", path, api="2022-04-01").json()
    assert got["value"][0]["notActions"] == ["Microsoft.Compute/virtualMachines/deallocate/action"]
    with pytest.raises(errors.AuthorizationFailed):
        auth.authorize("POST", vm + "/deallocate")


@pytest.mark.parametrize("method,path,action", [
    ("GET", "/subscriptions/s/resourceGroups/rg", "Microsoft.Resources/subscriptions/resourceGroups/read"),
    ("DELETE", "/subscriptions/s/resourceGroups/rg", "Microsoft.Resources/subscriptions/resourceGroups/delete"),
    ("PUT", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
     "Microsoft.Compute/virtualMachines/write"),
    ("POST", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/powerOff",
     "Microsoft.Compute/virtualMachines/powerOff/action"),
    ("GET", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/runCommands/rc",
     "Microsoft.Compute/virtualMachines/runCommands/read"),
    ("PUT", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/locks/l",
     "Microsoft.Authorization/locks/write"),
    # the operations of Learn's "Azure permissions for Management and governance" (Microsoft.Resources)
    ("POST", "/subscriptions/s/resourceGroups/rg/moveResources",
     "Microsoft.Resources/subscriptions/resourceGroups/moveResources/action"),
    ("POST", "/subscriptions/s/resourcegroups/rg/exportTemplate",
     "Microsoft.Resources/subscriptions/resourceGroups/exportTemplate/action"),
    ("GET", "/subscriptions/s/resourceGroups/rg/resources",
     "Microsoft.Resources/subscriptions/resourceGroups/resources/read"),
])
def test_action_for(method, path, action):
    assert action_for(method, path)[0] == action
