"""Microsoft.Compute in the fake, in-process (profile "fast"): VMs (create, power, update, delete), SKUs and the
gateway's 404, with Azure's refusals. Disks, snapshots, images and galleries: test_compute_images.py; the shared
fixtures and helpers: tests/computekit.py."""
import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.compute import ComputeManagementClient

from computekit import RG, WIN2022, attach_vm, empty_os_disk, image_vm, nic, power, raw, vm_path
from computekit import cc, cloud  # noqa: F401  (fixtures)
from fakeazure.cloud import Cloud
from fakeazure.inprocess import sdk_client


# -- virtual machines: create ------------------------------------------------------------------
def test_marketplace_windows_vm_boots_and_provisions(cloud, cc):
    vm = image_vm(cloud, cc, "web01", WIN2022).result()
    assert vm.provisioning_state == "Succeeded"
    os_disk = vm.storage_profile.os_disk
    assert os_disk.name.startswith("web01_OsDisk_1_") and len(os_disk.name.split("_")[-1]) == 32
    assert os_disk.os_type == "Windows" and os_disk.delete_option == "Detach"
    assert vm.storage_profile.image_reference.exact_version
    iv = cc.virtual_machines.instance_view(RG, "web01")
    assert iv.computer_name.lower() == "web01" and iv.vm_agent.statuses[0].display_status == "Ready"
    assert iv.hyper_v_generation == "V2"
    disk = cc.disks.get(RG, os_disk.name)
    assert disk.managed_by == vm.id and disk.disk_state == "Attached"


def test_linux_marketplace_vm(cloud, cc):
    ref = {"publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2",
           "version": "latest"}
    vm = image_vm(cloud, cc, "lin1", ref).result()
    assert vm.storage_profile.os_disk.os_type == "Linux" and vm.provisioning_state == "Succeeded"


def test_unknown_platform_image(cloud, cc):
    with pytest.raises(HttpResponseError) as e:
        image_vm(cloud, cc, "x", {"publisher": "Nope", "offer": "o", "sku": "s", "version": "latest"})
    assert e.value.error.code == "PlatformImageNotFound"


def test_generalized_source_needs_os_profile_and_password(cloud, cc):
    with pytest.raises(HttpResponseError) as e:
        image_vm(cloud, cc, "x", WIN2022, os_profile=False)
    assert e.value.status_code == 400 and e.value.error.target == "osProfile"
    body = {"location": "eastus", "hardware_profile": {"vm_size": "Standard_D2s_v3"},
            "storage_profile": {"image_reference": WIN2022},
            "os_profile": {"computer_name": "x", "admin_username": "azureadmin"},
            "network_profile": {"network_interfaces": [{"id": nic(cloud, "x")}]}}
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_create_or_update(RG, "x", body)
    assert e.value.error.target == "adminPassword"


def test_attach_rejects_os_profile_and_image(cloud, cc):
    d = empty_os_disk(cc, "d1")
    body = {"location": "eastus", "hardware_profile": {"vm_size": "Standard_D2s_v3"},
            "storage_profile": {"os_disk": {"create_option": "Attach", "managed_disk": {"id": d.id}}},
            "os_profile": {"computer_name": "x", "admin_username": "a", "admin_password": "P@ssw0rd1234"},
            "network_profile": {"network_interfaces": [{"id": nic(cloud, "x")}]}}
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_create_or_update(RG, "x", body)
    assert e.value.error.message == "Parameter 'osProfile' is not allowed."
    del body["os_profile"]
    body["storage_profile"]["image_reference"] = WIN2022
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_create_or_update(RG, "x", body)
    assert e.value.error.target == "osDisk"


def test_size_generation_mismatch(cloud, cc):
    d = empty_os_disk(cc, "d1", gen="V2")
    with pytest.raises(HttpResponseError) as e:
        attach_vm(cloud, cc, "x", d, size="Standard_A1_v2")
    assert "cannot boot Hypervisor Generation '2'" in e.value.error.message


def test_quota_refusal_and_usages(cloud, cc):
    cloud.compute.quotas.set(cloud.default_subscription, "eastus", "standardDSv3Family", 4)
    attach_vm(cloud, cc, "a", empty_os_disk(cc, "da"))
    attach_vm(cloud, cc, "b", empty_os_disk(cc, "db"))
    with pytest.raises(HttpResponseError) as e:
        attach_vm(cloud, cc, "c", empty_os_disk(cc, "dc"))
    assert e.value.status_code == 409 and e.value.error.code == "OperationNotAllowed"
    assert "exceeding approved standardDSv3Family Cores quota" in e.value.error.message
    assert "Current Limit: 4, Current Usage: 4, Additional Required: 2" in e.value.error.message
    usages = {u.name.value: u for u in cc.usage.list("eastus")}
    assert usages["cores"].current_value == 4 and usages["standardDSv3Family"].limit == 4
    cc.virtual_machines.begin_deallocate(RG, "a").result()  # deallocated VMs still count
    assert {u.name.value: u for u in cc.usage.list("eastus")}["cores"].current_value == 4


def test_data_disk_limit_and_empty_data_disks(cloud, cc):
    d = empty_os_disk(cc, "d1")
    vm = attach_vm(cloud, cc, "v", d, size="Standard_B1s", storage_profile={
        "os_disk": {"create_option": "Attach", "managed_disk": {"id": d.id}},
        "data_disks": [{"lun": 0, "create_option": "Empty", "disk_size_gb": 8}]})
    dd = vm.storage_profile.data_disks[0]
    assert dd.name.startswith("v_disk2_") and dd.managed_disk.id and dd.caching == "None"
    assert dd.to_be_detached is False and dd.delete_option == "Detach"
    vm.storage_profile.data_disks.append({"lun": 1, "create_option": "Empty", "disk_size_gb": 8})
    vm.storage_profile.data_disks.append({"lun": 2, "create_option": "Empty", "disk_size_gb": 8})
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_create_or_update(RG, "v", vm)
    assert e.value.error.message == "The maximum number of data disks allowed to be attached to a VM of this size is 2."
    assert e.value.error.target == "dataDisks"


# -- power, generalize ------------------------------------------------------------------------------
def test_power_cycle_and_instance_view(cloud, cc):
    attach_vm(cloud, cc, "v", empty_os_disk(cc, "d1"))
    assert power(cc, "v") == "PowerState/running"
    cc.virtual_machines.begin_power_off(RG, "v").result()
    assert power(cc, "v") == "PowerState/stopped"
    assert cc.disks.get(RG, "d1").disk_state == "Attached"
    cc.virtual_machines.begin_deallocate(RG, "v").result()
    assert power(cc, "v") == "PowerState/deallocated"
    assert cc.disks.get(RG, "d1").disk_state == "Reserved"
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_restart(RG, "v").result()
    assert e.value.error.code == "OperationNotAllowed"
    cc.virtual_machines.begin_start(RG, "v").result()
    cc.virtual_machines.begin_restart(RG, "v").result()
    assert power(cc, "v") == "PowerState/running"


def test_generalize_rules(cloud, cc):
    attach_vm(cloud, cc, "v", empty_os_disk(cc, "d1"))
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.generalize(RG, "v")
    assert e.value.error.message == "Operation 'generalize' is not allowed on VM 'v' since the VM is running."
    cc.virtual_machines.begin_power_off(RG, "v").result()
    cc.virtual_machines.generalize(RG, "v")  # a stopped VM is enough (fidelity vm-generalize.yaml)
    iv = cc.virtual_machines.instance_view(RG, "v")
    assert "OSState/generalized" in [s.code for s in iv.statuses]
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_start(RG, "v").result()
    assert e.value.error.message == "Operation 'Start VM' is not allowed on VM 'v' since the VM is generalized."


def test_transitional_states_then_final(cloud, cc):
    slow = Cloud("fast", lro_seconds=30)
    slow.resources.create_or_update_group(slow.default_subscription, RG, "eastus")
    c2 = sdk_client(slow, ComputeManagementClient)
    # polling=False: an SDK poller polls in a thread of its own, and on the fast profile every poll of an
    # operation in progress moves the clock; this test moves it itself
    c2.disks.begin_create_or_update(RG, "d1", {"location": "eastus", "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 30, "osType": "Linux"}}, polling=False)
    assert slow.compute.disks["/subscriptions/{}/resourcegroups/rg/providers/microsoft.compute/disks/d1".format(
        slow.default_subscription)].provisioning_state == "Updating"
    slow.clock.advance(31)
    d = c2.disks.get(RG, "d1")
    assert d.provisioning_state == "Succeeded"
    c2.virtual_machines.begin_create_or_update(RG, "v", {
        "location": "eastus", "hardware_profile": {"vm_size": "Standard_D2s_v3"},
        "storage_profile": {"os_disk": {"create_option": "Attach", "managed_disk": {"id": d.id}}},
        "network_profile": {"network_interfaces": [{"id": nic(slow, "v")}]}}, polling=False)
    assert c2.virtual_machines.get(RG, "v").provisioning_state == "Creating"
    slow.clock.advance(31)
    poller = c2.virtual_machines.begin_power_off(RG, "v", polling=False)
    assert power(c2, "v") == "PowerState/stopping"
    assert c2.virtual_machines.get(RG, "v").provisioning_state == "Updating"
    with pytest.raises(HttpResponseError) as e:  # a second write while one runs (Learn's VM error messages)
        c2.virtual_machines.begin_start(RG, "v")
    assert e.value.status_code == 409 and e.value.error.code == "OperationNotAllowed"
    assert e.value.error.message == "Operation 'Start VM' is not allowed on VM 'v' since another operation is in progress."
    slow.clock.advance(31)
    poller.result()
    assert power(c2, "v") == "PowerState/stopped"


def test_lro_fail_fault_reverts(cloud, cc):
    attach_vm(cloud, cc, "v", empty_os_disk(cc, "d1"))
    cloud.faults.add({"kind": "lro-fail", "method": "POST", "path": "/virtualMachines/v/powerOff"})
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_power_off(RG, "v").result()
    assert "InternalExecutionError" in str(e.value)
    assert power(cc, "v") == "PowerState/running"
    assert cc.virtual_machines.get(RG, "v").provisioning_state == "Succeeded"
    cloud.faults.add({"kind": "lro-fail", "method": "PUT", "path": "/snapshots/s1"})
    with pytest.raises(HttpResponseError):
        cc.snapshots.begin_create_or_update(RG, "s1", {"location": "eastus", "creation_data": {
            "create_option": "Copy", "source_resource_id": cc.disks.get(RG, "d1").id}}).result()
    with pytest.raises(ResourceNotFoundError):
        cc.snapshots.get(RG, "s1")
    cloud.faults.add({"kind": "lro-fail", "method": "DELETE", "path": "/virtualMachines/v"})
    with pytest.raises(HttpResponseError):
        cc.virtual_machines.begin_delete(RG, "v").result()
    assert cc.virtual_machines.get(RG, "v").provisioning_state == "Succeeded"


def test_lro_fail_counts_only_requests_that_start_an_operation_and_is_logged(cloud, cc):
    attach_vm(cloud, cc, "v", empty_os_disk(cc, "d1"))
    rule = cloud.faults.add({"kind": "lro-fail", "method": "*", "path": ".*", "nth": 2})
    cc.virtual_machines.get(RG, "v")  # a GET starts nothing: not counted
    cc.virtual_machines.instance_view(RG, "v")
    cc.virtual_machines.begin_power_off(RG, "v").result()  # the 1st request that starts an operation
    assert rule.seen == 1 and rule.fired == 0 and cloud.faults.log == []
    with pytest.raises(HttpResponseError, match="InternalExecutionError"):
        cc.virtual_machines.begin_start(RG, "v").result()  # the 2nd: it fails
    assert cloud.faults.log == [{"rule": 0, "kind": "lro-fail", "method": "POST",
                                 "path": "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/"
                                         "virtualMachines/v/start".format(cloud.default_subscription, RG)}]
    cloud.faults.add({"kind": "error", "method": "GET", "path": "/virtualMachines/v$", "status": 400,
                      "code": "InvalidParameter", "message": "no"})
    with pytest.raises(HttpResponseError):
        cc.virtual_machines.get(RG, "v")
    assert [(e["rule"], e["kind"], e["method"]) for e in cloud.faults.log][1:] == [(1, "error", "GET")]
    cloud.faults.clear()
    assert cloud.faults.log == []


def test_update_applies_a_nics_delete_option_and_a_failed_update_takes_it_back(cloud, cc):
    vm = attach_vm(cloud, cc, "v", empty_os_disk(cc, "d1"))
    nic_id = vm.network_profile.network_interfaces[0].id
    vm.network_profile.network_interfaces[0].delete_option = "Delete"
    cc.virtual_machines.begin_create_or_update(RG, "v", vm).result()
    assert cc.virtual_machines.get(RG, "v").network_profile.network_interfaces[0].delete_option == "Delete"
    cloud.faults.add({"kind": "lro-fail", "method": "PUT", "path": "/virtualMachines/v$"})
    vm.network_profile.network_interfaces[0].delete_option = "Detach"
    with pytest.raises(HttpResponseError):
        cc.virtual_machines.begin_create_or_update(RG, "v", vm).result()
    assert cc.virtual_machines.get(RG, "v").network_profile.network_interfaces[0].delete_option == "Delete"
    cc.virtual_machines.begin_create_or_update(RG, "v", vm).result()
    assert cc.virtual_machines.get(RG, "v").network_profile.network_interfaces[0].delete_option == "Detach"
    cc.virtual_machines.begin_delete(RG, "v").result()
    assert cloud.find(nic_id) is not None  # Detach: the NIC outlives the VM


def test_a_scenario_sets_delete_options_on_data_disks_and_the_nic():
    cloud = Cloud("fast")
    cloud.load_scenario("generalized-with-data-disks")
    vm = sdk_client(cloud, ComputeManagementClient).virtual_machines.get("rg-data", "app02")
    assert vm.storage_profile.os_disk.delete_option == "Delete"
    assert [(d.lun, d.name, d.delete_option) for d in vm.storage_profile.data_disks] == [
        (0, "app02-data", "Delete"), (1, "app02-logs", "Detach")]
    assert vm.network_profile.network_interfaces[0].delete_option == "Delete"


# -- update: tags, OS disk swap, data disks, etag ---------------------------------------------------
def test_update_tags_etag_and_if_match(cloud, cc):
    vm = attach_vm(cloud, cc, "v", empty_os_disk(cc, "d1"))
    before = int(vm.etag.strip('"'))
    vm.tags = {"x": "y"}
    vm = cc.virtual_machines.begin_create_or_update(RG, "v", vm).result()
    assert vm.tags == {"x": "y"} and int(vm.etag.strip('"')) > before
    r = raw(cloud, "PATCH", vm_path(cloud, "v"), {"tags": {"x": "y"}})
    assert r.status_code == 200 and "Azure-AsyncOperation" not in r.headers  # nothing changed: synchronous
    r = raw(cloud, "PATCH", vm_path(cloud, "v"), {"tags": {"x": "z"}}, headers={"If-Match": '"1"'})
    assert r.status_code == 412


def test_os_disk_swap(cloud, cc):
    attach_vm(cloud, cc, "v", empty_os_disk(cc, "d1"))
    new = empty_os_disk(cc, "d2")
    gen1 = empty_os_disk(cc, "d3", gen="V1")
    vm = cc.virtual_machines.get(RG, "v")
    vm.storage_profile.os_disk.managed_disk.id = new.id
    vm.storage_profile.os_disk.name = "d2"
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_create_or_update(RG, "v", vm)
    assert e.value.error.code == "OperationNotAllowed"  # running
    cc.virtual_machines.begin_power_off(RG, "v").result()
    vm.storage_profile.os_disk.managed_disk.id = gen1.id
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_create_or_update(RG, "v", vm)
    assert e.value.error.code == "PropertyChangeNotAllowed" and "HyperVisor Generation 'V2'" in e.value.error.message
    vm.storage_profile.os_disk.managed_disk.id = new.id
    vm = cc.virtual_machines.begin_create_or_update(RG, "v", vm).result()
    assert vm.storage_profile.os_disk.name == "d2"
    assert cc.disks.get(RG, "d1").disk_state == "Unattached"
    assert cc.disks.get(RG, "d2").managed_by == vm.id


def test_swap_security_type_mismatch(cloud, cc):
    attach_vm(cloud, cc, "v", empty_os_disk(cc, "d1", security="TrustedLaunch"), security="TrustedLaunch")
    std = empty_os_disk(cc, "d2")
    cc.virtual_machines.begin_deallocate(RG, "v").result()
    vm = cc.virtual_machines.get(RG, "v")
    vm.storage_profile.os_disk.managed_disk.id = std.id
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_create_or_update(RG, "v", vm)
    assert e.value.error.code == "PropertyChangeNotAllowed"


def test_data_disk_attach_detach_and_conflicts(cloud, cc):
    attach_vm(cloud, cc, "v1", empty_os_disk(cc, "o1"))
    attach_vm(cloud, cc, "v2", empty_os_disk(cc, "o2"))
    data = cc.disks.begin_create_or_update(RG, "data", {"location": "eastus", "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 16}}).result()
    vm1 = cc.virtual_machines.get(RG, "v1")
    vm1.storage_profile.data_disks = [{"lun": 0, "create_option": "Attach", "managed_disk": {"id": data.id}}]
    cc.virtual_machines.begin_create_or_update(RG, "v1", vm1).result()
    assert cc.disks.get(RG, "data").managed_by.lower() == vm1.id.lower()
    vm2 = cc.virtual_machines.get(RG, "v2")
    vm2.storage_profile.data_disks = [{"lun": 0, "create_option": "Attach", "managed_disk": {"id": data.id}}]
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_create_or_update(RG, "v2", vm2)
    assert e.value.status_code == 409
    with pytest.raises(HttpResponseError) as e:
        cc.disks.begin_delete(RG, "data").result()
    assert e.value.error.message.startswith("Disk data is attached to VM /subscriptions/")
    vm1 = cc.virtual_machines.get(RG, "v1")
    vm1.storage_profile.data_disks[0].to_be_detached = True
    vm1 = cc.virtual_machines.begin_create_or_update(RG, "v1", vm1).result()
    assert vm1.storage_profile.data_disks == [] and cc.disks.get(RG, "data").disk_state == "Unattached"
    cc.disks.begin_delete(RG, "data").result()


# -- delete -----------------------------------------------------------------------------------------
def test_delete_honours_delete_options(cloud, cc):
    d = empty_os_disk(cc, "keep")
    attach_vm(cloud, cc, "v", d)
    cc.virtual_machines.begin_delete(RG, "v").result()
    assert cc.disks.get(RG, "keep").disk_state == "Unattached"
    vm = image_vm(cloud, cc, "w", WIN2022, storage_profile={
        "image_reference": WIN2022, "os_disk": {"create_option": "FromImage", "delete_option": "Delete"},
        "data_disks": [{"lun": 0, "create_option": "Empty", "disk_size_gb": 4, "delete_option": "Delete"},
                       {"lun": 1, "create_option": "Empty", "disk_size_gb": 4}]},
        network_profile={"network_interfaces": [{"id": nic(cloud, "w"), "delete_option": "Delete"}]}).result()
    names = [vm.storage_profile.os_disk.name] + [x.name for x in vm.storage_profile.data_disks]
    cc.virtual_machines.begin_delete(RG, "w", force_deletion=True).result()
    left = {x.name for x in cc.disks.list_by_resource_group(RG)}
    assert names[0] not in left and names[1] not in left and names[2] in left
    assert cloud.network.get_by_id(vm.network_profile.network_interfaces[0].id) is None
    r = raw(cloud, "DELETE", vm_path(cloud, "w"))
    assert r.status_code == 204


def test_nic_reserved_after_delete(cloud, cc):
    attach_vm(cloud, cc, "v", empty_os_disk(cc, "d1"))
    nic_id = cc.virtual_machines.get(RG, "v").network_profile.network_interfaces[0].id
    cc.virtual_machines.begin_delete(RG, "v").result()
    body = {"location": "eastus", "hardware_profile": {"vm_size": "Standard_D2s_v3"},
            "storage_profile": {"os_disk": {"create_option": "Attach", "managed_disk": {"id": cc.disks.get(RG, "d1").id}}},
            "network_profile": {"network_interfaces": [{"id": nic_id}]}}
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_create_or_update(RG, "v2", body)
    assert e.value.error.code == "NicReservedForAnotherVm"
    cloud.clock.advance(181)
    assert cc.virtual_machines.begin_create_or_update(RG, "v2", body).result().provisioning_state == "Succeeded"


def test_ephemeral_os_disk_always_deleted(cloud, cc):
    vm = image_vm(cloud, cc, "e", WIN2022, storage_profile={
        "image_reference": WIN2022, "os_disk": {"create_option": "FromImage", "caching": "ReadOnly",
                                                "diff_disk_settings": {"option": "Local"}}}).result()
    assert vm.storage_profile.os_disk.delete_option == "Delete"
    assert all(not x.name.startswith("e_OsDisk") for x in cc.disks.list_by_resource_group(RG))


# -- SKUs ------------------------------------------------------------------------------------------
def test_resource_skus_and_sizes(cloud, cc):
    skus = list(cc.resource_skus.list(filter="location eq 'westus'"))
    by = {s.name: s for s in skus}
    caps = {c.name: c.value for c in by["Standard_D2s_v3"].capabilities}
    assert caps["vCPUs"] == "2" and caps["HyperVGenerations"] == "V1,V2" and caps["PremiumIO"] == "True"
    assert by["Standard_NC6s_v3"].restrictions[0].reason_code == "NotAvailableForSubscription"
    a1 = {c.name: c.value for c in by["Standard_A1_v2"].capabilities}
    assert a1["HyperVGenerations"] == "V1" and "TrustedLaunchDisabled" not in a1  # Azure's record (skus.json)
    assert {c.name: c.value for c in by["Standard_E2bds_v5"].capabilities}["TrustedLaunchDisabled"] == "True"
    sizes = {s.name for s in cc.virtual_machine_sizes.list("eastus")}
    assert "Standard_B2s" in sizes


def test_restricted_size_refused(cloud, cc):
    cloud.resources.create_or_update_group(cloud.default_subscription, "w", "westus")
    d = cc.disks.begin_create_or_update("w", "d", {"location": "westus", "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 30, "osType": "Linux"}}).result()
    with pytest.raises(HttpResponseError) as e:
        cc.virtual_machines.begin_create_or_update("w", "v", {
            "location": "westus", "hardware_profile": {"vm_size": "Standard_NC6s_v3"},
            "storage_profile": {"os_disk": {"create_option": "Attach", "managed_disk": {"id": d.id}}}})
    assert e.value.error.code == "SkuNotAvailable"


def test_missing_vm_is_gateway_404(cloud, cc):
    r = raw(cloud, "GET", vm_path(cloud, "nope"))
    assert r.status_code == 404 and r.headers["x-ms-failure-cause"] == "gateway"
    assert r.json()["error"]["message"].startswith("The Resource 'Microsoft.Compute/virtualMachines/nope' under "
                                                   "resource group 'rg' was not found.")
    assert "x-ms-ratelimit-remaining-resource" not in r.headers
    assert b"\r\n" not in r.content  # compact


def test_a_skip_polls_rule_neither_counts_nor_faults_polls(cloud, cc):
    """skipPolls: the Nth request that is not a poll of an operation, however many polls the fast profile's
    durations make (a deallocate takes ~20 s: two polls of 10 s)."""
    attach_vm(cloud, cc, "v", empty_os_disk(cc, "d1"))
    rule = cloud.faults.add({"kind": "error", "method": "*", "path": ".*", "nth": 3, "status": 400,
                             "code": "InvalidParameter", "message": "injected", "skipPolls": True})
    cloud.request_log.clear()
    cc.virtual_machines.begin_deallocate(RG, "v").result()  # the POST (1st), its polls (skipped)
    polls = [r for r in cloud.request_log if cloud.operations.is_poll(r["method"], r["path"])]
    assert len(polls) >= 2 and all(r["status"] == 200 for r in polls)
    assert rule.seen == 1 and cloud.faults.log == []
    cc.virtual_machines.get(RG, "v")  # the 2nd
    with pytest.raises(HttpResponseError, match="injected"):
        cc.virtual_machines.get(RG, "v")  # the 3rd
    assert [e["method"] for e in cloud.faults.log] == ["GET"]
    counting = cloud.faults.add({"kind": "error", "nth": 10 ** 6})  # without skipPolls, polls count
    cc.virtual_machines.begin_start(RG, "v").result()
    assert counting.seen > 1


def test_an_error_rule_can_carry_retry_after(cloud, cc):
    attach_vm(cloud, cc, "v", empty_os_disk(cc, "d1"))
    cloud.faults.add({"kind": "error", "method": "GET", "path": "/virtualMachines/v$", "status": 409,
                      "code": "OperationNotAllowed", "message": "busy", "retryAfter": 0})
    cloud.faults.add({"kind": "error", "method": "DELETE", "path": "/virtualMachines/v$", "status": 409,
                      "code": "OperationNotAllowed", "message": "busy"})
    assert raw(cloud, "GET", vm_path(cloud, "v")).headers["Retry-After"] == "0"
    assert "Retry-After" not in raw(cloud, "DELETE", vm_path(cloud, "v")).headers
