"""The VM properties the fake keeps (compute/models/vm_kept.py), availability sets and proximity placement
groups (availability_sets.py), marketplace plans at create, and a public IP's deleteOption, in-process."""
import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.resource import ResourceManagementClient

from fakeazure.cloud import Cloud
from fakeazure.inprocess import sdk_client

PLAN = {"name": "standard-data-science-vm", "publisher": "microsoft-ads", "product": "standard-data-science-vm"}


@pytest.fixture
def spot():
    c = Cloud("fast")
    c.load_scenario("generalized-spot")
    return c, sdk_client(c, ComputeManagementClient)


def _error(call):
    with pytest.raises(HttpResponseError) as info:
        call()
    return info.value.status_code, info.value.error.code, info.value.error.message


def test_a_create_only_property_changed_is_refused_with_azures_wording(spot):
    _, cc = spot
    vm = cc.virtual_machines.get("rg-spot", "batch01")
    assert (vm.priority, vm.eviction_policy, vm.billing_profile.max_price) == ("Spot", "Deallocate", -1)
    vm.priority = "Regular"
    assert _error(lambda: cc.virtual_machines.begin_create_or_update("rg-spot", "batch01", vm).result()) == (
        409, "PropertyChangeNotAllowed", "Changing property 'priority' is not allowed.")


def test_a_deallocated_only_property_changes_only_while_deallocated(spot):
    cloud, cc = spot
    vm = cc.virtual_machines.get("rg-spot", "batch01")
    vm.billing_profile.max_price = 0.5
    cc.virtual_machines.begin_create_or_update("rg-spot", "batch01", vm).result()  # deallocated: applied
    assert cc.virtual_machines.get("rg-spot", "batch01").billing_profile.max_price == 0.5
    cloud.compute.get_vm(cloud.default_subscription, "rg-spot", "batch01").power_state = "running"
    vm.billing_profile.max_price = 0.7
    status, code, _ = _error(lambda: cc.virtual_machines.begin_create_or_update("rg-spot", "batch01", vm).result())
    assert (status, code) == (409, "OperationNotAllowed")


def test_user_data_is_returned_only_with_its_expand():
    cloud = Cloud("fast")
    cloud.load_scenario("generalized-in-availability-set")
    cc = sdk_client(cloud, ComputeManagementClient)
    assert cc.virtual_machines.get("rg-avset", "app04").user_data is None
    assert cc.virtual_machines.get("rg-avset", "app04", expand="userData").user_data.startswith("eyJ")
    vm = cc.virtual_machines.get("rg-avset", "app04")
    assert vm.license_type == "Windows_Server" and vm.identity.principal_id
    assert list(vm.identity.user_assigned_identities.values())[0].client_id
    aset = cc.availability_sets.get("rg-avset", "app-avset")
    assert [v.id.lower() for v in aset.virtual_machines] == [vm.id.lower()]
    assert aset.proximity_placement_group.id.endswith("/app-ppg")
    patched = cc.availability_sets.update("rg-avset", "app-avset", {"tags": {"team": "web"}})  # *_Update
    assert patched.tags == {"team": "web"} and patched.platform_fault_domain_count == 2
    assert patched.proximity_placement_group.id.endswith("/app-ppg")
    vm.availability_set = None
    vm.availability_set = {"id": aset.id.replace("app-avset", "other")}
    assert _error(lambda: cc.virtual_machines.begin_create_or_update("rg-avset", "app04", vm).result())[:2] == (
        409, "PropertyChangeNotAllowed")
    status, code, _ = _error(lambda: cc.availability_sets.delete("rg-avset", "app-avset"))
    assert (status, code) == (409, "OperationNotAllowed")  # a VM is in it
    cc.virtual_machines.begin_delete("rg-avset", "app04").result()
    assert cc.availability_sets.get("rg-avset", "app-avset").virtual_machines == []
    cc.availability_sets.delete("rg-avset", "app-avset")


def test_a_vm_with_managed_disks_is_refused_by_a_classic_availability_set():
    cloud = Cloud("fast")
    cloud.load_scenario("generalized-in-availability-set")
    cc = sdk_client(cloud, ComputeManagementClient)
    classic = cc.availability_sets.create_or_update("rg-avset", "old", {"location": "eastus",
                                                                         "sku": {"name": "Classic"}})
    vm = cc.virtual_machines.get("rg-avset", "app04")
    body = vm.serialize()
    body["properties"]["availabilitySet"] = {"id": classic.id}
    body["properties"]["storageProfile"] = {"osDisk": {"createOption": "Attach", "osType": "Windows", "managedDisk": {
        "id": vm.storage_profile.os_disk.managed_disk.id}}}
    body["properties"].pop("osProfile")
    cc.virtual_machines.begin_delete("rg-avset", "app04").result()
    status, code, message = _error(lambda: cc.virtual_machines.begin_create_or_update("rg-avset", "app04",
                                                                                      body).result())
    assert (status, code) == (409, "OperationNotAllowed") and "'Aligned' SKU" in message


def test_a_plan_needs_its_terms_and_an_image_sourced_from_one_needs_the_plan():
    cloud = Cloud("fast")
    cloud.load_scenario("generalized-marketplace-plan")
    cc = sdk_client(cloud, ComputeManagementClient)
    vm = cc.virtual_machines.get("rg-plan", "ds01")
    disk = cc.disks.get("rg-plan", vm.storage_profile.os_disk.name)
    assert disk.purchase_plan.name == PLAN["name"]  # the disk keeps the plan, and so does its snapshot
    assert cc.snapshots.get("rg-plan", "ds01-os-snap").purchase_plan.publisher == PLAN["publisher"]
    image = cc.images.get("rg-plan", "ds01-image")
    body = {"location": "eastus", "hardware_profile": {"vm_size": "Standard_D2s_v3"},
            "storage_profile": {"image_reference": {"id": image.id}, "os_disk": {"create_option": "FromImage"}},
            "os_profile": {"computer_name": "ds02", "admin_username": "azureadmin", "admin_password": "Pw-123456789!"},
            "network_profile": {"network_interfaces": [{"id": vm.network_profile.network_interfaces[0].id}]}}
    cc.virtual_machines.begin_delete("rg-plan", "ds01").result()
    status, code, message = _error(lambda: cc.virtual_machines.begin_create_or_update("rg-plan", "ds02",
                                                                                      body).result())
    assert (status, code) == (400, "VMMarketplaceInvalidInput")
    assert message.startswith("Creating a virtual machine from Marketplace image or a custom image sourced from a "
                              "Marketplace image requires Plan information in the request. VM: '")
    cloud.marketplaceordering.set_terms(cloud.default_subscription, "virtualmachine", PLAN["publisher"],
                                        PLAN["product"], PLAN["name"], False)
    body["plan"] = PLAN
    status, code, message = _error(lambda: cc.virtual_machines.begin_create_or_update("rg-plan", "ds02",
                                                                                      body).result())
    assert (status, code) == (400, "MarketplacePurchaseEligibilityFailed")
    assert message == "Marketplace purchase eligibilty check returned errors. See inner errors for details."


def test_a_public_ip_set_to_delete_through_its_nic_goes_with_the_vm_unless_detached():
    cloud = Cloud("fast")
    cloud.load_scenario("generalized-disks-and-public-ip")
    cc = sdk_client(cloud, ComputeManagementClient)
    rc = sdk_client(cloud, ResourceManagementClient)
    pip = next(iter(cloud.network.public_ips.values()))
    generic = rc.resources.get_by_id(pip.id, "2024-05-01")
    assert generic.properties["deleteOption"] == "Delete"
    nic = rc.resources.get_by_id(cloud.network.nics[next(iter(cloud.network.nics))].id, "2024-05-01")
    props = nic.properties
    props["ipConfigurations"][0]["properties"]["publicIPAddress"] = {"id": pip.id, "properties": {
        "deleteOption": "detach"}}
    rc.resources.begin_create_or_update_by_id(nic.id, "2024-05-01", {"location": nic.location,
                                                                     "properties": props}).result()
    assert rc.resources.get_by_id(pip.id, "2024-05-01").properties["deleteOption"] == "Detach"
    props["ipConfigurations"][0]["properties"]["publicIPAddress"]["properties"]["deleteOption"] = "Delete"
    rc.resources.begin_create_or_update_by_id(nic.id, "2024-05-01", {"location": nic.location,
                                                                     "properties": props}).result()
    vm = cc.virtual_machines.get("rg-disks", "app03")
    vm.network_profile.network_interfaces[0].delete_option = "Detach"  # the NIC stays; its public IP does not
    cc.virtual_machines.begin_create_or_update("rg-disks", "app03", vm).result()
    cc.virtual_machines.begin_delete("rg-disks", "app03").result()
    assert not cloud.network.public_ips and len(cloud.network.nics) == 1
