"""Disk and snapshot access (beginGetAccess / endGetAccess), uploads, and what Azure computes for snapshots and images,
compared with Azure's answers in the azure-cli recordings kept in tests/fixtures/azure-traffic/ (2023)."""
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from azure.core.exceptions import HttpResponseError

from fakeazure.blob.models import BlobError
from fakeazure.compute.models.snapshots import COPY_GIB_PER_SECOND, COPY_START_SECONDS
from computekit import RG, attach_vm, empty_os_disk, raw  # noqa: F401
from computekit import cc, cloud  # noqa: F401
from test_lro_compute import exchange, follow, hdrs, same_op_url

SNAP_ACCESS = "vm/test_snapshot_access.yaml"
WAIT = 30  # seconds a client waits for a create it sent raw (longer than any create these tests make)
UPLOAD = "vm/test_vm_disk_upload.yaml"
SECURE_UPLOAD = "vm/test_vm_trusted_launch_os_disk_secure_upload.yaml"


def path(cloud, kind, name):
    return "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/{}/{}".format(
        cloud.default_subscription, RG, kind, name)


def keys(d, prefix=""):
    """Every key path of a JSON document (lists by their first element)."""
    out = set()
    if isinstance(d, list):
        return keys(d[0], prefix + "[]") if d else out
    if isinstance(d, dict):
        for k, v in d.items():
            out.add(prefix + k)
            out |= keys(v, prefix + k + ".")
    return out


def snapshot(cc, name="snap", **props):
    body = {"location": "eastus", "sku": {"name": "Standard_LRS"},
            "properties": dict({"creationData": {"createOption": "Empty"}, "diskSizeGB": 1}, **props)}
    return cc.snapshots.begin_create_or_update(RG, name, body).result()


def test_grant_and_revoke_read_access_as_azure_answers(cloud, cc):
    snapshot(cc)
    req, status, _ = exchange(SNAP_ACCESS, 4)
    r = raw(cloud, "POST", path(cloud, "snapshots", "snap") + "/beginGetAccess", json.loads(req), api="2022-03-02")
    assert r.status_code == status == 202 and r.content == b""
    h = hdrs(r.headers)
    assert "/DiskOperations/" in h["azure-asyncoperation"] and same_op_url(h["azure-asyncoperation"], h["location"])
    _, _, rec_doc = exchange(SNAP_ACCESS, 5)
    doc = follow(cloud, h["azure-asyncoperation"]).json()
    assert list(doc) == list(rec_doc) and set(doc["properties"]["output"]) == {"accessSAS"}
    _, _, rec_result = exchange(SNAP_ACCESS, 6)
    result = follow(cloud, h["location"])
    assert result.status_code == 200 and set(result.json()) == set(rec_result)
    assert result.json()["accessSAS"] == doc["properties"]["output"]["accessSAS"]
    _, _, rec_get = exchange(SNAP_ACCESS, 7)
    assert rec_get["properties"]["diskState"] == cc.snapshots.get(RG, "snap").disk_state == "ActiveSAS"

    r = raw(cloud, "POST", path(cloud, "snapshots", "snap") + "/endGetAccess", api="2022-03-02")
    assert r.status_code == exchange(SNAP_ACCESS, 8)[1] == 202
    h = hdrs(r.headers)
    _, _, rec_doc = exchange(SNAP_ACCESS, 9)
    assert list(follow(cloud, h["azure-asyncoperation"]).json()) == list(rec_doc)  # no properties: no output
    done = follow(cloud, h["location"])
    assert done.status_code == 200 and done.content == b""
    assert cc.snapshots.get(RG, "snap").disk_state == exchange(SNAP_ACCESS, 11)[2]["properties"]["diskState"]


def test_the_sas_is_a_signed_url_of_the_fakes_blob_service(cloud, cc):
    empty_os_disk(cc, "d1")
    sas = cc.disks.begin_grant_access(RG, "d1", {"access": "Read", "duration_in_seconds": 600}).result().access_sas
    assert "/_blob/md-" in sas and "sig=" in sas and "sp=r&" in sas
    parts = urlsplit(sas)
    container, blob = parts.path.split("/_blob/")[1].split("/")
    assert cloud.blob.check_sas(container, blob, dict(parse_qsl(parts.query))) is None  # raises when not signed
    with pytest.raises(BlobError):
        cloud.blob.check_sas(container, blob, dict(parse_qsl(parts.query.replace("sp=r", "sp=rw"))))


def test_no_access_to_a_disk_of_a_running_vm(cloud, cc):
    disk = empty_os_disk(cc, "os1")
    attach_vm(cloud, cc, "vm1", disk)
    with pytest.raises(HttpResponseError) as err:
        cc.disks.begin_grant_access(RG, "os1", {"access": "Read", "duration_in_seconds": 60})
    # seen: 409 Conflict (microsoft/AzureStorageExplorer#6654); a stopped, still allocated VM is "running" too
    assert err.value.status_code == 409 and err.value.error.code == "Conflict"
    assert err.value.error.message == ("Access not permitted because disk os1 is currently attached to running VM "
                                       "{}.".format(path(cloud, "virtualMachines", "vm1")))
    cc.virtual_machines.begin_power_off(RG, "vm1").result()
    with pytest.raises(HttpResponseError):
        cc.disks.begin_grant_access(RG, "os1", {"access": "Read", "duration_in_seconds": 60})
    cc.virtual_machines.begin_deallocate(RG, "vm1").result()
    assert cc.disks.begin_grant_access(RG, "os1", {"access": "Read", "duration_in_seconds": 60}).result().access_sas


def test_upload_disk_states_as_azure_shows_them(cloud, cc):
    req, _, echo = exchange(UPLOAD, 1)
    r = raw(cloud, "PUT", path(cloud, "disks", "disk1"), json.loads(req) | {"location": "eastus"}, api="2022-07-02")
    assert r.status_code == 202 and set(r.json()["properties"]) == set(echo["properties"])
    cloud.clock.advance(WAIT)  # az polls until the create is done
    _, _, rec_get = exchange(UPLOAD, 3)  # ReadyToUpload: no diskSizeGB, no diskSizeBytes; tier of the size to come
    got = raw(cloud, "GET", path(cloud, "disks", "disk1"), api="2022-07-02").json()
    assert keys(got) == keys(rec_get)
    for k in ("diskState", "tier", "diskIOPSReadWrite", "diskMBpsReadWrite"):
        assert got["properties"][k] == rec_get["properties"][k]
    with pytest.raises(HttpResponseError) as err:  # an upload is written with a Write grant, not read
        cc.disks.begin_grant_access(RG, "disk1", {"access": "Bogus", "duration_in_seconds": 60})
    assert err.value.error.code == "InvalidParameter"
    cc.disks.begin_grant_access(RG, "disk1", {"access": "Write", "duration_in_seconds": 86400}).result()
    assert cc.disks.get(RG, "disk1").disk_state == "ActiveUpload"
    cc.disks.begin_revoke_access(RG, "disk1").result()
    disk = cc.disks.get(RG, "disk1")
    assert (disk.disk_state, disk.disk_size_gb) == ("Unattached", 20)  # 20 GiB + the 512-byte VHD footer


def test_write_access_only_for_a_disk_waiting_for_its_upload(cloud, cc):
    empty_os_disk(cc, "d1")
    with pytest.raises(HttpResponseError) as err:
        cc.disks.begin_grant_access(RG, "d1", {"access": "Write", "duration_in_seconds": 60})
    assert err.value.status_code == 409 and err.value.error.code == "OperationNotAllowed"


@pytest.mark.parametrize("index,secure", [(5, True), (21, False)])
def test_secure_upload_grant_has_the_guest_state_sas(cloud, cc, index, secure):
    create = 1 if secure else 17
    req, _, _ = exchange(SECURE_UPLOAD, create)
    raw(cloud, "PUT", path(cloud, "disks", "up"), json.loads(req) | {"location": "eastus"}, api="2022-07-02")
    cloud.clock.advance(WAIT)  # az polls until the create is done
    req, _, _ = exchange(SECURE_UPLOAD, index)
    r = raw(cloud, "POST", path(cloud, "disks", "up") + "/beginGetAccess", json.loads(req), api="2022-07-02")
    doc = follow(cloud, hdrs(r.headers)["azure-asyncoperation"]).json()
    rec_output = exchange(SECURE_UPLOAD, index + 1)[2]["properties"]["output"]
    assert set(doc["properties"]["output"]) == set(rec_output)
    assert ("securityDataAccessSAS" in rec_output) is secure


def test_incremental_snapshots_of_one_disk_share_a_family(cloud, cc):
    d1, d2 = [cc.disks.begin_create_or_update(RG, n, {"location": "eastus", "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 200, "hyperVGeneration": "V1"}}).result()
              for n in ("d1", "d2")]  # what az disk create sends (test_completion_percent#0)

    def incremental(name, src):
        return cc.snapshots.begin_create_or_update(RG, name, {
            "location": "eastus", "properties": {"creationData": {"createOption": "Copy", "sourceResourceId": src},
                                                 "incremental": True}}).result()

    a, b, c = incremental("a", d1.id), incremental("b", d1.id), incremental("c", d2.id)
    assert a.incremental_snapshot_family_id == b.incremental_snapshot_family_id != c.incremental_snapshot_family_id
    rec = exchange("vm/test_completion_percent.yaml", 7)[2]  # a recorded incremental snapshot
    got = raw(cloud, "GET", path(cloud, "snapshots", "a"), api="2022-03-02").json()
    assert keys(got) == keys(rec)
    snapshot(cc, "full")  # not incremental: no family
    full = raw(cloud, "GET", path(cloud, "snapshots", "full"), api="2022-03-02").json()
    assert "incrementalSnapshotFamilyId" not in full["properties"]


def test_incremental_snapshot_of_an_ultra_disk_copies_in_the_background(cloud, cc):
    """test_snapshot_ultra_ssd#7-#9: the snapshot of an Ultra disk reports completionPercent 0.0 when made; the
    copy then runs on the cloud's clock (the rate is the fake's: fakeazure/UNVERIFIED.md)."""
    disk_req = json.loads(exchange("vm/test_snapshot_ultra_ssd.yaml", 1)[0])
    snap_req = json.loads(exchange("vm/test_snapshot_ultra_ssd.yaml", 7)[0].replace(
        "cli_snapshot_ultra_ssd000001", RG).replace("00000000-0000-0000-0000-000000000000", cloud.default_subscription)
        .replace("disk000002", "ultra"))
    rec = exchange("vm/test_snapshot_ultra_ssd.yaml", 8)[2]["properties"]["output"]["properties"]
    assert rec["completionPercent"] == 0.0
    cc.disks.begin_create_or_update(RG, "ultra", disk_req | {"location": "eastus"}).result()
    r = raw(cloud, "PUT", path(cloud, "snapshots", "s-ultra"), snap_req | {"location": "eastus"}, api="2022-03-02")
    assert r.status_code == 202
    cloud.clock.advance(WAIT)  # az polls until the create is done
    got = raw(cloud, "GET", path(cloud, "snapshots", "s-ultra"), api="2022-03-02").json()["properties"]
    assert got["completionPercent"] == 0.0 and got["incrementalSnapshotFamilyId"]
    copy_seconds = got["diskSizeGB"] / COPY_GIB_PER_SECOND  # the fake's rate
    cloud.clock.advance(COPY_START_SECONDS - WAIT + copy_seconds / 2)  # half copied
    assert cc.snapshots.get(RG, "s-ultra").completion_percent == 50.0
    cloud.clock.advance(copy_seconds)
    assert cc.snapshots.get(RG, "s-ultra").completion_percent == 100.0
    premium = cc.disks.begin_create_or_update(RG, "prem", {"location": "eastus", "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 4}}).result()
    cc.snapshots.begin_create_or_update(RG, "s-prem", {"location": "eastus", "properties": {
        "creationData": {"createOption": "Copy", "sourceResourceId": premium.id}, "incremental": True}}).result()
    assert cc.snapshots.get(RG, "s-prem").completion_percent is None  # a Premium SSD's is usable at once


def test_image_data_disks_carry_their_size(cloud, cc):
    """The image of test_vm_managed_disk#35 (a snapshot OS disk, data disks from a snapshot and two disks)."""
    os_snap = snapshot(cc, "s1", osType="Linux", hyperVGeneration="V1")
    snapshot(cc, "s2", diskSizeGB=10)
    disks = [cc.disks.begin_create_or_update(RG, n, {"location": "eastus", "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 10}}).result() for n in ("d1", "d2")]
    # the recorded request names s1, s2, d1 and d2 of the recorder's group: the same names in ours
    req = json.loads(exchange("vm/test_vm_managed_disk.yaml", 35)[0].replace("cli_test_managed_disk000001", RG)
                     .replace("00000000-0000-0000-0000-000000000000", cloud.default_subscription))
    assert os_snap.id in json.dumps(req) and disks[1].id in json.dumps(req)
    r = raw(cloud, "PUT", path(cloud, "images", "i1"), req | {"location": "eastus"}, api="2022-11-01")
    assert r.status_code == 201 and "diskSizeGB" not in r.json()["properties"]["storageProfile"]["dataDisks"][0]
    cloud.clock.advance(WAIT)  # az polls until the create is done
    got = raw(cloud, "GET", path(cloud, "images", "i1"), api="2022-11-01").json()
    rec = exchange("vm/test_vm_managed_disk.yaml", 37)[2]
    assert keys(got) == keys(rec)
    assert [d["diskSizeGB"] for d in got["properties"]["storageProfile"]["dataDisks"]] == [10, 10, 10]
