"""Fleets (fakeazure/scenarios/fleet.py): every kind of fleet VM is made once by the backends' operations (its
prototype), and each fleet VM is that prototype's model under its own name: what a GET shows of it before and
after its disk is made is what the PUT path made."""
import re

import pytest

from fakeazure.cloud import Cloud
from fakeazure.core import ids

_VOLATILE = ("vmId", "timeCreated", "time", "etag")


def _normalised(body, vm):
    """A VM body with its own names and the values that differ between any two VMs blanked."""
    text = repr(body)
    for old in (vm.id, vm.os_disk["id"], vm.nics[0]["id"]):
        text = re.sub(re.escape(old), "<id>", text, flags=re.IGNORECASE)
    text = text.replace(vm.os_disk["name"], "<disk>")
    text = re.sub(re.escape(vm.name), "<name>", text)
    text = text.replace(vm.name[:15], "<computer>")
    out = eval(text)  # noqa: S307 - our own repr of plain data
    for key in ("tags",):
        out.pop(key, None)
    props = out["properties"]
    for key in _VOLATILE:
        props.pop(key, None)
    return out


@pytest.fixture(scope="module")
def fleet():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("fleet-small")
    return cloud


def test_each_fleet_vm_is_its_prototypes_model_under_its_own_name(fleet):
    kinds = {}
    for vm in fleet.compute.vms.values():
        kinds.setdefault(id(vm._proto), vm)
    assert len(kinds) >= 8  # the kinds of fleet-small, each made once
    for vm in kinds.values():
        proto = vm._proto.vm
        assert proto.provisioning_state == "Succeeded" and proto.backend is not fleet.compute  # a PUT elsewhere
        assert _normalised(vm.to_json(), vm) == _normalised(proto.to_json(), proto)
        assert vm.power_state == proto.power_state and vm.generalized == proto.generalized


def test_a_fleet_vm_reads_the_same_before_and_after_its_disk_is_made(fleet):
    vm = next(v for v in fleet.compute.vms.values() if not v._made and v.power_state == "running")
    before = vm.to_json()
    vm.materialize()
    after = vm.to_json()
    assert before == after
    disk = vm.os_disk_model()
    assert disk.managed_by == vm.id and ids.same(disk.id, vm.os_disk["id"]) and disk.guest is not None
    assert disk.to_json()["properties"]["creationData"] == vm._proto.disk.to_json()["properties"]["creationData"]
    nic = fleet.network.get_by_id(vm.nics[0]["id"])
    assert nic is not None and ids.same(nic.vm_id, vm.id)


def test_every_fleet_image_reference_is_one_the_marketplace_has(fleet):
    refs = {tuple(sorted(vm.image_reference.items())) for vm in fleet.compute.vms.values()}
    for ref in refs:
        ref = dict(ref)
        ref.pop("exactVersion", None)
        fleet.compute.resolve_image(ref, fleet.default_subscription, "eastus")  # raises PlatformImageNotFound


def test_the_imaged_kinds_have_their_image_as_the_image_api_made_it(fleet):
    images = list(fleet.compute.images.values())
    assert len(images) == 2  # fleet-small: one oobe-stuck-imaged, one generalized-by-api
    for image in images:
        vm = fleet.compute.vms[ids.key(image.id.rsplit("/providers/", 1)[0] + "/providers/Microsoft.Compute/"
                                       "virtualMachines/" + image.name[:-len("-image")])]
        body = image.to_json()["properties"]
        assert body["storageProfile"]["osDisk"].get("managedDisk", {}).get("id", vm.os_disk["id"]) == vm.os_disk["id"]
        if vm.generalized:
            assert body["sourceVirtualMachine"]["id"] == vm.id
        assert image.guest is not None
