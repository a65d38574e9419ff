"""The fake takes the time Azure takes (issue 9, "Time"): the durations table against the recordings it comes
from, and what clients see while an operation is in flight on the fast profile's virtual clock: transitional
provisioning and power states, polls that move the clock, conflicting requests refused with Azure's codes, a
repeated DELETE accepted, a delete preempting a create, a resource group that reads Deleting."""
import os
import statistics

import pytest
import yaml
from azure.core.exceptions import HttpResponseError
from azure.mgmt.resource import ResourceManagementClient

from fakeazure.cloud import DURATIONS, Cloud
from fakeazure.inprocess import sdk_client
from replay import timelines
from computekit import RG, empty_os_disk, nic, raw, vm_path
from computekit import cc, cloud  # noqa: F401  (fixtures)
from test_lro_compute import follow, settle

TABLE = yaml.safe_load(open(DURATIONS, encoding="utf-8"))


def _measured():
    """(type, operation) -> [seconds] of every operation the azure-traffic recordings start."""
    out = {}
    for _rel, tl in timelines.all_cassette_timelines():
        if tl.seconds() is not None:
            out.setdefault((tl.resource_type, tl.operation), []).append(tl.seconds())
    return out


MEASURED = _measured()


@pytest.mark.parametrize("rtype,operation", [(t, o) for t, ops in TABLE.items() for o in ops])
def test_each_duration_is_the_median_of_the_recordings(rtype, operation):
    row = TABLE[rtype][operation]
    values = list(MEASURED.get((rtype, operation), []))
    for ref in row.get("fidelity", []):
        path, _, op_prefix = ref.partition(": ")
        values.append(timelines.fidelity_seconds(os.path.join("fidelity", path), op_prefix))
    if values:
        assert "assumed" not in row, "{} {} is measured: {}".format(rtype, operation, values)
        assert row["seconds"] == round(statistics.median(values), 1), values
    else:
        assert row.get("assumed"), "{} {}: no recording measures it, and the row does not say why".format(
            rtype, operation)


def test_every_measured_operation_has_its_row():
    missing = sorted(k for k in MEASURED if k[1] not in TABLE.get(k[0], {}))
    assert not missing


def test_the_timeline_reader_measures_exactly_and_by_bounds():
    tls = {tl.index: tl for tl in timelines.cassette_timelines(
        "azure-traffic/recordings/resource/test_resource_group.yaml")}
    group_delete = tls[0]
    assert (group_delete.resource_type, group_delete.operation) == ("Microsoft.Resources/resourceGroups", "delete")
    assert group_delete.exact is None and group_delete.lower < group_delete.upper  # polls 202 ... 200
    assert group_delete.seconds() == (group_delete.lower + group_delete.upper) / 2
    assert timelines.fidelity_seconds("fidelity/vm-create.yaml", "GET async operation (VM create) - Succeeded") == \
        75.81  # 03:59:08.8677263 - 03:57:53.0532762


# -- what clients see while operations run (fixtures: computekit's cloud and cc, the fast profile) -------------
def _vm(cloud, cc, name="v", wait=True):
    d = empty_os_disk(cc, name + "-os")
    r = raw(cloud, "PUT", vm_path(cloud, name), {"location": "eastus", "properties": {
        "hardwareProfile": {"vmSize": "Standard_D2s_v3"},
        "storageProfile": {"osDisk": {"createOption": "Attach", "managedDisk": {"id": d.id}}},
        "networkProfile": {"networkInterfaces": [{"id": nic(cloud, name)}]}}})
    if wait:
        settle(cloud, r)
    return r


def _states(cc, name="v"):
    vm = cc.virtual_machines.get(RG, name, expand="instanceView")
    return vm.provisioning_state, vm.instance_view.statuses[-1].code


def test_a_vm_create_takes_azures_time_and_every_get_sees_it_in_flight(cloud, cc):
    r = _vm(cloud, cc, wait=False)
    started = cloud.clock.now()  # (the OS disk's create was polled before: 0.1 s, one poll)
    assert _states(cc) == ("Creating", "PowerState/starting")
    assert cloud.clock.now() == started  # reading a resource is no wait: the clock stands still
    doc = follow(cloud, r.headers["Azure-AsyncOperation"]).json()
    assert doc["status"] == "InProgress" and cloud.clock.now() == started + 10  # a poll stands for 10 s
    doc = settle(cloud, r).json()
    ended = timelines.arm_time(doc["endTime"]) - timelines.arm_time(doc["startTime"])
    assert ended == pytest.approx(75.8, abs=1e-3)  # the durations table's figure, not the poll's
    assert _states(cc) == ("Succeeded", "PowerState/running")
    assert cloud.clock.now() == started + 80  # eight polls


@pytest.mark.parametrize("action,transitional,final", [("deallocate", "deallocating", "deallocated"),
                                                       ("powerOff", "stopping", "stopped")])
def test_power_actions_show_their_transitional_state(cloud, cc, action, transitional, final):
    _vm(cloud, cc)
    r = raw(cloud, "POST", vm_path(cloud, "v") + "/" + action)
    assert _states(cc) == ("Updating", "PowerState/" + transitional)
    settle(cloud, r)
    assert _states(cc) == ("Succeeded", "PowerState/" + final)


def test_a_second_operation_while_one_runs_is_refused_with_azures_wording(cloud, cc):
    _vm(cloud, cc)
    r = raw(cloud, "POST", vm_path(cloud, "v") + "/deallocate")
    start = raw(cloud, "POST", vm_path(cloud, "v") + "/start")
    assert start.status_code == 409 and start.json()["error"] == {
        "code": "OperationNotAllowed",
        "message": "Operation 'Start VM' is not allowed on VM 'v' since another operation is in progress."}
    body = cc.virtual_machines.get(RG, "v").as_dict()
    update = raw(cloud, "PATCH", vm_path(cloud, "v"), {"tags": {"a": "b"}})
    assert update.status_code == 409 and update.json()["error"]["message"] == (
        "Operation 'Update VM' is not allowed on VM 'v' since another operation is in progress.")
    assert body["tags"] == cc.virtual_machines.get(RG, "v").tags == {}
    settle(cloud, r)
    assert raw(cloud, "POST", vm_path(cloud, "v") + "/start").status_code == 202  # accepted once it ended


def test_a_repeated_delete_during_a_delete_is_accepted_and_ends_with_the_first(cloud, cc):
    _vm(cloud, cc)
    cloud.operations.duration = 30  # a delete that takes a while (Azure's VM delete took 0.5 s)
    first = raw(cloud, "DELETE", vm_path(cloud, "v"))
    again = raw(cloud, "DELETE", vm_path(cloud, "v"))
    assert (first.status_code, again.status_code) == (202, 202)
    assert cc.virtual_machines.get(RG, "v").provisioning_state == "Deleting"
    start = raw(cloud, "POST", vm_path(cloud, "v") + "/start")
    assert start.status_code == 409 and start.json()["error"]["message"] == (
        "Operation 'Start VM' is not allowed on VM 'v' since the VM is marked for deletion. You can only retry "
        "the Delete operation (or wait for an ongoing one to complete).")
    assert settle(cloud, again).json()["status"] == "Succeeded"
    assert settle(cloud, first).json()["status"] == "Succeeded"
    assert raw(cloud, "GET", vm_path(cloud, "v")).status_code == 404


def test_a_delete_preempts_a_create_in_progress(cloud, cc):
    create = _vm(cloud, cc, wait=False)
    delete = raw(cloud, "DELETE", vm_path(cloud, "v"))
    assert delete.status_code == 202
    doc = follow(cloud, create.headers["Azure-AsyncOperation"]).json()
    assert doc["status"] == "Failed" and doc["error"] == {
        "code": "OperationPreempted", "message": "Operation execution has been preempted by a more recent operation."}
    assert settle(cloud, delete).json()["status"] == "Succeeded"
    assert raw(cloud, "GET", vm_path(cloud, "v")).status_code == 404
    disk = cc.disks.get(RG, "v-os")
    assert disk.managed_by is None  # the attached OS disk is let go, not lost


def test_a_failed_update_puts_the_etag_back(cloud, cc):
    _vm(cloud, cc)
    before = raw(cloud, "GET", vm_path(cloud, "v")).json()["etag"]
    cloud.faults.add({"kind": "lro-fail", "method": "PATCH", "path": "virtualMachines/v$"})
    r = raw(cloud, "PATCH", vm_path(cloud, "v"), {"tags": {"a": "b"}})
    assert r.json()["etag"] != before and r.json()["tags"] == {"a": "b"}
    assert settle(cloud, r).json()["status"] == "Failed"
    after = raw(cloud, "GET", vm_path(cloud, "v"))
    assert after.json()["etag"] == after.headers["ETag"] == before and after.json()["tags"] == {}


def test_a_resource_group_reads_deleting_while_it_is_deleted(cloud, cc):
    rm = sdk_client(cloud, ResourceManagementClient)
    started = cloud.clock.now()
    rm.resource_groups.begin_delete(RG, polling=False)
    assert rm.resource_groups.get(RG).properties.provisioning_state == "Deleting"
    with pytest.raises(HttpResponseError) as refused:
        rm.resource_groups.create_or_update(RG, {"location": "eastus"})
    assert refused.value.status_code == 409 and refused.value.error.code == "ResourceGroupBeingDeleted"
    assert refused.value.error.message == ("The resource group 'rg' is in deprovisioning state and cannot perform "
                                           "this operation.")
    with pytest.raises(HttpResponseError) as into:
        empty_os_disk(cc, "late")
    assert into.value.error.code == "ResourceGroupBeingDeleted"
    rm.resource_groups.begin_delete(RG).result()  # a second DELETE is accepted and ends with the first
    assert not rm.resource_groups.check_existence(RG)
    assert cloud.clock.now() - started >= 69.0  # Azure took about 70 s (durations.yaml)


def test_network_refuses_a_write_while_an_operation_runs_on_the_resource(cloud):
    from test_network import Arm, make_vnet
    arm = Arm(cloud)
    make_vnet(arm, rg=RG, location="eastus")
    vnet = arm.rid(RG, "virtualNetworks", "vnet1")
    first = arm.call("PUT", vnet + "/subnets/s2", {"properties": {"addressPrefix": "10.0.1.0/24"}})
    assert first.status_code == 201
    second = arm.call("PUT", vnet + "/subnets/s3", {"properties": {"addressPrefix": "10.0.2.0/24"}})
    err = second.json()["error"]
    assert second.status_code == 429 and err["code"] == "AnotherOperationInProgress"
    assert err["message"] == ("Another operation on this or dependent resource is in progress. To retrieve status of "
                              "the operation use uri: {}.".format(first.headers["Azure-AsyncOperation"]))
    assert "Retry-After" in second.headers
    again = arm.call("PUT", vnet + "/subnets/s3", {"properties": {"addressPrefix": "10.0.2.0/24"}})
    assert again.status_code == 201  # the client waited (the clock moved) and the first one had ended


@pytest.mark.parametrize("profile,in_flight", [("fast", True), ("instant", False)])
def test_only_the_instant_profile_ends_every_operation_in_its_request(profile, in_flight):
    c = Cloud(profile)
    c.resources.create_or_update_group(c.default_subscription, RG, "eastus")
    r = raw(c, "PUT", vm_path(c, "x").replace("virtualMachines/x", "disks/d"), {
        "location": "eastus", "properties": {"creationData": {"createOption": "Empty"}, "diskSizeGB": 4}},
        api="2025-01-02")
    assert r.json()["properties"]["provisioningState"] == "Updating"  # the answer shows the transition either way
    assert bool(c.operations.pending()) is in_flight
