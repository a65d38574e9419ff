"""Bodies as the requested api-version has them: every key the fake sends for a VM, disk, snapshot, image or VM
extension is in the model of that api-version, at every api-version the fake accepts.

The oracle is tests/fixtures/api-models/compute.json: the key paths of the models in the azure-mgmt-compute
wheels on PyPI (33.1.0, 34.1.0, 37.2.0, 38.0.0, 39.0.0; rebuilt by build.sh there), which the SDK generates from
azure-rest-api-specs. An api-version with no model of its own is judged by the newest model before it.
"""
import bisect
import json
import os

import pytest

from fakeazure.core import apiversions
from computekit import RG, WIN2022, image_vm, raw, vm_path  # noqa: F401
from computekit import cc, cloud  # noqa: F401
from test_disk_access import keys
from test_lro_compute import follow, hdrs

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "api-models", "compute.json"),
          encoding="utf-8") as _fh:
    MODELS = json.load(_fh)
TYPES = {"VirtualMachine": "Microsoft.Compute/virtualMachines", "Disk": "Microsoft.Compute/disks",
         "Snapshot": "Microsoft.Compute/snapshots", "Image": "Microsoft.Compute/images",
         "VirtualMachineExtension": "Microsoft.Compute/virtualMachines/extensions"}


# Keys Azure was recorded sending at api-versions older than the model that has them: (model, path) -> the oldest
# version recorded (fakeazure/compute/shapes.py follows the recording there).
RECORDED_BEFORE_THE_MODEL = {
    ("Snapshot", "properties.incrementalSnapshotFamilyId"): "2022-03-02",  # test_completion_percent#7 (2023)
}


def outside_the_model(model, body, version):
    """The key paths of ``body`` that the ``version`` model of ``model`` does not have (nor a recording)."""
    versions = MODELS[model]["versions"]
    i = bisect.bisect_right(versions, version) - 1
    assert i >= 0, (model, version)
    allowed = {p for p, present in MODELS[model]["paths"].items() if i in present}
    free = [p[:-2] for p in allowed if p.endswith(".*")]
    got = {p.replace(".[]", "[].") for p in keys(body)}
    allowed |= {p for (m, p), first in RECORDED_BEFORE_THE_MODEL.items() if m == model and version >= first}
    return sorted(p for p in got if p not in allowed and not any(p.startswith(f + ".") for f in free))


@pytest.fixture(scope="module")
def estate():
    """VMs (Windows with Trusted Launch, zone, extension, data disk; Linux generalized), disks (one waiting for
    its upload), an incremental snapshot and an image: the fake's bodies with the most keys."""
    from azure.mgmt.compute import ComputeManagementClient
    from fakeazure.cloud import Cloud
    from fakeazure.inprocess import sdk_client
    c = Cloud("fast")
    c.resources.create_or_update_group(c.default_subscription, RG, "eastus")
    cc = sdk_client(c, ComputeManagementClient)
    tl = {"security_type": "TrustedLaunch", "uefi_settings": {"secure_boot_enabled": True, "v_tpm_enabled": True}}
    vm = image_vm(c, cc, "web01", WIN2022, zones=["1"], security_profile=tl).result()
    lin = image_vm(c, cc, "lin01", {"publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy",
                                    "sku": "22_04-lts-gen2", "version": "latest"}).result()
    cc.virtual_machine_extensions.begin_create_or_update(RG, "web01", "cse", {
        "location": "eastus", "publisher": "Microsoft.Compute", "type_properties_type": "CustomScriptExtension",
        "type_handler_version": "1.10", "settings": {"a": 1}, "auto_upgrade_minor_version": True}).result()
    d = cc.disks.begin_create_or_update(RG, "dd", {"location": "eastus", "zones": ["1"], "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 4}}).result()
    cc.virtual_machines.begin_attach_detach_data_disks(RG, "web01", {"data_disks_to_attach": [
        {"disk_id": d.id, "lun": 1}]}).result()
    up = cc.disks.begin_create_or_update(RG, "up", {"location": "eastus", "properties": {"creationData": {
        "createOption": "Upload", "uploadSizeBytes": 20 * 1024 ** 3 + 512}}}).result()
    snap = cc.snapshots.begin_create_or_update(RG, "s", {"location": "eastus", "properties": {
        "creationData": {"createOption": "Copy", "sourceResourceId": d.id}, "incremental": True}}).result()
    cc.virtual_machines.begin_deallocate(RG, "lin01").result()
    cc.virtual_machines.generalize(RG, "lin01")
    img = cc.images.begin_create_or_update(RG, "img", {"location": "eastus",
                                                       "source_virtual_machine": {"id": lin.id}}).result()
    paths = {"VirtualMachine": [vm_path(c, "web01") + "?$expand=instanceView", vm_path(c, "web01"),
                                vm_path(c, "lin01") + "?$expand=instanceView"],
             "Disk": [d.id, up.id, vm.storage_profile.os_disk.managed_disk.id],
             "Snapshot": [snap.id], "Image": [img.id],
             "VirtualMachineExtension": [vm_path(c, "web01") + "/extensions/cse"]}
    return c, paths


@pytest.mark.parametrize("model", sorted(TYPES))
def test_every_accepted_api_version_gets_only_its_models_keys(estate, model):
    cloud, paths = estate
    versions = apiversions.supported(TYPES[model])
    judged = 0
    for version in versions:
        if version < MODELS[model]["versions"][0]:
            continue
        for path in paths[model]:
            r = raw(cloud, "GET", path, api=version)
            assert r.status_code == 200, (version, r.text)
            assert outside_the_model(model, r.json(), version) == [], (model, version, path)
            judged += 1
    assert judged >= len(versions) - 2  # every version has a model to judge it (none before the first)


def test_vm_etag_from_the_api_version_that_added_it(estate):
    """F2 (tests/fixtures/azure-traffic/DISAGREEMENTS.md): Azure's VM body at 2022-08-01 has no etag."""
    cloud, paths = estate
    first = next(MODELS["VirtualMachine"]["versions"][i] for i in MODELS["VirtualMachine"]["paths"]["etag"])
    assert first == "2023-09-01"
    assert "etag" not in raw(cloud, "GET", paths["VirtualMachine"][1], api="2022-08-01").json()
    assert "etag" in raw(cloud, "GET", paths["VirtualMachine"][1], api=first).json()


def test_answers_of_writes_and_operations_are_shaped_too(estate):
    cloud, paths = estate
    r = raw(cloud, "PATCH", vm_path(cloud, "web01"), {"tags": {"x": "1"}}, api="2020-06-01")
    assert r.status_code == 200 and outside_the_model("VirtualMachine", r.json(), "2020-06-01") == []
    assert "timeCreated" not in r.json()["properties"]
    r = raw(cloud, "PUT", paths["Disk"][0].replace("/dd", "/d2"), {"location": "eastus", "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 1}}, api="2019-07-01")
    doc = follow(cloud, hdrs(r.headers)["azure-asyncoperation"]).json()
    assert outside_the_model("Disk", doc["properties"]["output"], "2019-07-01") == []
    assert "networkAccessPolicy" not in doc["properties"]["output"]["properties"]


def test_keys_azure_stopped_sending(estate):
    """enableVMAgentPlatformUpdates: in Azure's bodies at 2022-08-01 (F2, fidelity vm-create.yaml), gone from the
    bodies recorded at 2024-11-01 and 2026-04-01 (fidelity vm-get.yaml)."""
    cloud, paths = estate
    for version, present in (("2022-03-01", False), ("2022-08-01", True), ("2024-07-01", True),
                             ("2024-11-01", False), ("2026-04-01", False)):
        wc = raw(cloud, "GET", paths["VirtualMachine"][1], api=version).json()["properties"]["osProfile"][
            "windowsConfiguration"]
        assert ("enableVMAgentPlatformUpdates" in wc) is present, version
