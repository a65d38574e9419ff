"""Scenarios load through the backends' own operations (the code a PUT runs, then the guest's boot), so a
scenario can only hold a state Azure could reach: one that asks for more is refused with Azure's answer."""
import pytest

from fakeazure.cloud import Cloud
from fakeazure.compute.exceptions import OperationNotAllowed
from fakeazure.scenarios import catalog

UNREACHABLE = """
name: image-of-a-running-vm
description: an image captured from a running, specialized VM (Azure requires a generalized VM)
resource_groups:
  - {name: rg-x, location: eastus}
vms:
  - name: vm1
    resource_group: rg-x
    guest: {os: windows, version: "2022", edition: Datacenter, generation: V2, state: healthy}
images:
  - {name: vm1-image, resource_group: rg-x, source_vm: vm1}
"""


def test_a_state_azure_refuses_is_refused_at_load(tmp_path):
    path = tmp_path / "unreachable.yaml"
    path.write_text(UNREACHABLE)
    cloud = Cloud(profile="fast")
    with pytest.raises(OperationNotAllowed) as exc:
        cloud.load_scenario(str(path))
    assert "The operation 'Create Image' requires the Virtual Machine 'vm1' to be Generalized." in exc.value.message


@pytest.mark.parametrize("name", [s["name"] for s in catalog()])
def test_scenarios_load_on_the_real_profile_with_every_operation_settled(name):
    cloud = Cloud(profile="real", lro_seconds=30)
    created = cloud.load_scenario(name)
    assert not cloud.operations.pending()
    for rid in created["vms"]:
        vm = cloud.find(rid)
        assert vm.provisioning_state == "Succeeded" and vm.last_operation_time is not None


def test_a_scenario_vm_is_what_a_create_made():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("oobe-stuck")
    sub = cloud.default_subscription
    vm = cloud.compute.get_vm(sub, "rg-oobe", "web01").to_json(instance_view=True)
    props = vm["properties"]
    # the defaults a VM create fills in, the resolved platform image, the disk made from it, the NIC it took
    assert props["osProfile"]["windowsConfiguration"]["patchSettings"]["patchMode"] == "AutomaticByOS"
    assert "adminPassword" not in props["osProfile"]
    assert props["storageProfile"]["imageReference"]["exactVersion"] == "20348.2849.241106"
    disk = cloud.compute.get_disk(sub, "rg-oobe", props["storageProfile"]["osDisk"]["name"])
    assert disk.creation_data["createOption"] == "FromImage" and disk.managed_by.lower() == vm["id"].lower()
    nic = cloud.network.get_nic(sub, "rg-oobe", "web01VMNic")
    assert nic.vm_id.lower() == vm["id"].lower()
    # and the guest the story describes booted by itself: stuck at OOBE, agent not ready
    assert cloud.compute.get_vm(sub, "rg-oobe", "web01").boot.screen_id == "oobe-hi-there"
    assert props["instanceView"]["vmAgent"]["statuses"][0]["displayStatus"] == "Not Ready"
