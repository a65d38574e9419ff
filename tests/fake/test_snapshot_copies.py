"""D3/K3: incremental snapshots' families, CopyStart copies across regions and their background copy
(fakeazure/compute/models/snapshots.py), through the SDK in-process."""
import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.compute import ComputeManagementClient

from fakeazure.cloud import Cloud
from fakeazure.compute.models.snapshots import COPY_GIB_PER_SECOND, COPY_START_SECONDS
from fakeazure.inprocess import sdk_client


def _created(cloud, snapshot):
    """When the fake made the snapshot (its copy's clock starts there)."""
    return cloud.compute.snapshots[snapshot.id.lower()].time_created


@pytest.fixture
def cloud():
    c = Cloud("fast")
    for rg, loc in (("rg-w", "westus"), ("rg-e", "eastus")):
        c.resources.create_or_update_group(c.default_subscription, rg, loc)
    return c


@pytest.fixture
def cc(cloud):
    return sdk_client(cloud, ComputeManagementClient)


def _disk(cc, name="disk1", sku="Premium_LRS"):
    return cc.disks.begin_create_or_update("rg-w", name, {
        "location": "westus", "sku": {"name": sku}, "creation_data": {"create_option": "Empty"},
        "disk_size_gb": 64}).result()


def _snap(cc, rg, name, location, source, option="Copy", incremental=True):
    return cc.snapshots.begin_create_or_update(rg, name, {
        "location": location, "incremental": incremental,
        "creation_data": {"create_option": option, "source_resource_id": source}})


def test_incremental_snapshots_of_one_disk_share_a_family_per_region(cc):
    disk = _disk(cc)
    a, b = (_snap(cc, "rg-w", n, "westus", disk.id).result() for n in ("a", "b"))
    assert a.incremental_snapshot_family_id and a.incremental_snapshot_family_id == b.incremental_snapshot_family_id
    other = _snap(cc, "rg-w", "c", "westus", _disk(cc, "disk2").id).result()
    assert other.incremental_snapshot_family_id != a.incremental_snapshot_family_id
    full = _snap(cc, "rg-w", "full", "westus", disk.id, incremental=False).result()
    assert full.incremental_snapshot_family_id is None and full.completion_percent is None


def test_copy_start_copies_into_another_region_and_reports_its_progress(cloud, cc):
    source = _snap(cc, "rg-w", "a", "westus", _disk(cc).id).result()
    poller = _snap(cc, "rg-e", "b", "eastus", source.id, option="CopyStart")
    copy = poller.result()
    assert copy.location == "eastus" and copy.creation_data.source_unique_id == source.unique_id
    assert copy.completion_percent == 0.0
    assert copy.incremental_snapshot_family_id not in (None, source.incremental_snapshot_family_id)
    copy_seconds = copy.disk_size_gb / COPY_GIB_PER_SECOND  # the fake's copy rate (fakeazure/UNVERIFIED.md)
    cloud.clock.advance(COPY_START_SECONDS + copy_seconds / 2 - (cloud.clock.now() - _created(cloud, copy)))
    assert cc.snapshots.get("rg-e", "b").completion_percent == 50.0
    cloud.clock.advance(copy_seconds)
    assert cc.snapshots.get("rg-e", "b").completion_percent == 100.0


def test_a_plain_copy_stays_in_its_region_and_copy_start_needs_incremental_snapshots(cc):
    disk = _disk(cc)
    with pytest.raises(HttpResponseError) as err:
        _snap(cc, "rg-e", "x", "eastus", disk.id)  # Copy across regions
    assert err.value.error.code == "InvalidParameter"
    with pytest.raises(HttpResponseError) as err:  # from a disk: Azure's 409 (test_vm_snapshot_copy_start_detection)
        _snap(cc, "rg-e", "y", "eastus", disk.id, option="CopyStart", incremental=False)
    assert (err.value.status_code, err.value.error.code) == (409, "OperationNotAllowed")
    assert err.value.error.message == "CopyStart creation is not supported for this subscription."
    full = _snap(cc, "rg-w", "full", "westus", disk.id, incremental=False).result()
    with pytest.raises(HttpResponseError) as err:
        _snap(cc, "rg-e", "z", "eastus", full.id, option="CopyStart")  # from a full snapshot
    assert err.value.error.code == "OperationNotAllowed"


def test_a_copy_still_copying_cannot_be_copied_again(cloud, cc):
    source = _snap(cc, "rg-w", "a", "westus", _disk(cc).id).result()
    copy = _snap(cc, "rg-e", "b", "eastus", source.id, option="CopyStart").result()
    with pytest.raises(HttpResponseError) as err:
        _snap(cc, "rg-w", "back", "westus", copy.id, option="CopyStart")
    assert err.value.error.code == "OperationNotAllowed"
    cloud.clock.advance(COPY_START_SECONDS + copy.disk_size_gb / COPY_GIB_PER_SECOND)
    assert _snap(cc, "rg-w", "back", "westus", copy.id, option="CopyStart").result().completion_percent == 0.0


def test_ultra_disk_snapshots_copy_in_the_background(cc):
    ultra = cc.disks.begin_create_or_update("rg-w", "ultra", {
        "location": "westus", "sku": {"name": "UltraSSD_LRS"}, "creation_data": {"create_option": "Empty"},
        "disk_size_gb": 4}).result()
    assert _snap(cc, "rg-w", "u", "westus", ultra.id).result().completion_percent == 0.0


def test_a_copy_start_operation_output_has_no_completion_percent(cloud, cc):
    # test_completion_percent #9/#10 and test_snapshot_incremental #12/#13: the DiskOperations output of a
    # CopyStart copy has no completionPercent, the GET right after shows 0.0; an Ultra disk's incremental
    # snapshot's output has it (test_snapshot_ultra_ssd #8)
    source = _snap(cc, "rg-w", "a", "westus", _disk(cc).id).result()
    _snap(cc, "rg-e", "b", "eastus", source.id, option="CopyStart").result()
    ultra = cc.disks.begin_create_or_update("rg-w", "ultra", {
        "location": "westus", "sku": {"name": "UltraSSD_LRS"}, "creation_data": {"create_option": "Empty"},
        "disk_size_gb": 4}).result()
    _snap(cc, "rg-w", "u", "westus", ultra.id).result()
    outputs = {op.output["name"]: op.output["properties"] for op in cloud.operations._ops.values()
               if isinstance(op.output, dict) and op.output.get("type") == "Microsoft.Compute/snapshots"}
    assert "completionPercent" not in outputs["b"]
    assert outputs["u"]["completionPercent"] == 0.0
    assert cc.snapshots.get("rg-e", "b").completion_percent == 0.0
