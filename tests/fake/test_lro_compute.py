"""Compute's long-running operations on the wire, compared with the real recordings in tests/fixtures/fidelity."""
import json
import os
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from computekit import RG, WIN2022, empty_os_disk, nic, raw, vm_path  # noqa: F401  (fixtures below)
from computekit import cc, cloud  # noqa: F401

FIDELITY = os.path.join(os.path.dirname(__file__), "..", "fixtures", "fidelity")
TRAFFIC = os.path.join(os.path.dirname(__file__), "..", "fixtures", "azure-traffic", "recordings")


def recorded(name, op_prefix):
    path = os.path.join(FIDELITY, name)
    with open(path, encoding="utf-8") as fh:
        for e in yaml.safe_load(fh)["entries"]:
            if e["op"].startswith(op_prefix):
                return e
    raise AssertionError("no entry {!r} in {}".format(op_prefix, name))


def exchange(cassette, index):
    """(request body, status, response body) of one exchange of an azure-cli recording (2023)."""
    with open(os.path.join(TRAFFIC, cassette), encoding="utf-8") as fh:
        it = yaml.safe_load(fh)["interactions"][index]
    body = (it["response"].get("body") or {}).get("string")
    return it["request"]["body"], it["response"]["status"]["code"], json.loads(body) if body else None


def hdrs(h):
    return {k.lower(): v for k, v in h.items()}


def same_op_url(async_url, location_url):
    a, b = urlsplit(async_url), urlsplit(location_url)
    qa, qb = parse_qs(a.query), parse_qs(b.query)
    return a.path == b.path and qb.get("monitor") == ["true"] and "monitor" not in qa


def follow(cloud, url):
    """GET an operation URL the fake handed out (with its own api-version and monitor flag)."""
    parts = urlsplit(url)
    q = parse_qs(parts.query)
    api, monitor = q["api-version"][0], q.get("monitor") == ["true"]
    return raw(cloud, "GET", parts.path + ("?monitor=true" if monitor else ""), api=api)


def settle(cloud, resp):
    """Poll the operation a response started until it is done, as a client does (each poll of an operation in
    progress moves the fast profile's clock); -> the last answer of its ``Azure-AsyncOperation`` URL (or of its
    ``Location`` URL when it gave no other)."""
    h = hdrs(resp.headers)
    url = h.get("azure-asyncoperation") or h["location"]
    for _ in range(200):
        answer = follow(cloud, url)
        running = answer.status_code == 202 or (answer.content and answer.json().get("status") == "InProgress")
        if not running:
            return answer
    raise AssertionError("the operation never ended")


def create_attach_vm(cloud, cc, name="v", wait=True):
    d = empty_os_disk(cc, name + "-os")
    body = {"location": "eastus", "properties": {
        "hardwareProfile": {"vmSize": "Standard_D2s_v3"},
        "storageProfile": {"osDisk": {"createOption": "Attach", "managedDisk": {"id": d.id}}},
        "networkProfile": {"networkInterfaces": [{"id": nic(cloud, name)}]}}}
    r = raw(cloud, "PUT", vm_path(cloud, name), body)
    if wait:
        settle(cloud, r)
    return r


def test_vm_put_create_is_201_with_async_no_location(cloud, cc):
    rec = recorded("vm-create.yaml", "PUT VM (create")["response"]
    r = raw(cloud, "PUT", vm_path(cloud, "web"), {"location": "eastus", "properties": {
        "hardwareProfile": {"vmSize": "Standard_D2s_v3"},
        "storageProfile": {"imageReference": WIN2022, "osDisk": {"createOption": "FromImage"}},
        "osProfile": {"computerName": "web", "adminUsername": "u", "adminPassword": "Aa1!zyx_long"},
        "networkProfile": {"networkInterfaces": [{"id": nic(cloud, "web"), "properties": {"primary": True}}]}}})
    assert r.status_code == rec["status"] == 201
    h = hdrs(r.headers)
    for k in ("azure-asyncoperation", "azure-asyncnotification", "x-ms-ratelimit-remaining-resource"):
        assert k in h and k in hdrs(rec["headers"])
    assert "location" not in h
    assert int(h["retry-after"]) >= 0
    assert "/providers/Microsoft.Compute/locations/eastus/operations/" in h["azure-asyncoperation"]
    assert h["x-ms-ratelimit-remaining-resource"].startswith("Microsoft.Compute/PutVM")
    body = r.json()
    assert set(rec["body"]) - {"tags"} <= set(body)
    props = body["properties"]
    assert props["provisioningState"] == "Creating"
    assert "adminPassword" not in props["osProfile"]
    assert "id" not in props["storageProfile"]["osDisk"]["managedDisk"]  # disks not created yet
    assert props["storageProfile"]["osDisk"]["deleteOption"] == "Detach"
    assert r.content.count(b"\r\n") > 5  # pretty-printed like Compute's bodies
    status = follow(cloud, h["azure-asyncoperation"])
    doc = status.json()
    running = recorded("vm-create.yaml", "GET async operation (VM create) - InProgress")["response"]["body"]
    assert list(doc) == list(running) and doc["status"] == "InProgress"  # Azure took 75.8 s (durations.yaml)
    assert hdrs(status.headers)["x-ms-ratelimit-remaining-resource"].startswith(
        "Microsoft.Compute/GetOperationResource;")
    doc = settle(cloud, r).json()
    assert list(doc) == ["startTime", "endTime", "status", "name"] and doc["status"] == "Succeeded"
    assert doc["name"] in h["azure-asyncoperation"]


@pytest.mark.parametrize("action,bucket", [("powerOff", "UpdateVM"), ("deallocate", "DeleteVM"),
                                           ("restart", "UpdateVM"), ("start", "UpdateVM")])
def test_power_action_202_empty_both_headers(cloud, cc, action, bucket):
    rec = recorded("vm-power-lro.yaml", "POST restart")["response"]
    create_attach_vm(cloud, cc)
    r = raw(cloud, "POST", vm_path(cloud, "v") + "/" + action)
    assert r.status_code == rec["status"] == 202
    assert r.content == b"" and r.headers["Content-Length"] == "0" and "Content-Type" not in r.headers
    h = hdrs(r.headers)
    assert same_op_url(h["azure-asyncoperation"], h["location"])
    assert h["azure-asyncnotification"] == "Enabled"
    assert h["x-ms-ratelimit-remaining-resource"].startswith("Microsoft.Compute/{}SubscriptionMaximum;".format(bucket))
    final = settle(cloud, r)
    assert final.status_code == 200
    final = follow(cloud, h["location"])
    assert final.status_code == 200 and final.content == b""


def test_generalize_synchronous_200(cloud, cc):
    rec = recorded("vm-generalize.yaml", "POST generalize")["response"]
    create_attach_vm(cloud, cc)
    settle(cloud, raw(cloud, "POST", vm_path(cloud, "v") + "/powerOff"))
    r = raw(cloud, "POST", vm_path(cloud, "v") + "/generalize")
    assert r.status_code == rec["status"] == 200 and r.content == b""
    h = hdrs(r.headers)
    assert "azure-asyncoperation" not in h and "location" not in h and "content-type" not in h


def test_delete_202_then_204(cloud, cc):
    rec = recorded("vm-delete.yaml", "DELETE VM")["response"]
    create_attach_vm(cloud, cc)
    r = raw(cloud, "DELETE", vm_path(cloud, "v"))
    assert r.status_code == rec["status"] == 202 and r.content == b""
    h = hdrs(r.headers)
    assert same_op_url(h["azure-asyncoperation"], h["location"])
    assert "x-ms-ratelimit-remaining-subscription-deletes" in h
    settle(cloud, r)
    lst = raw(cloud, "GET", vm_path(cloud, "").rstrip("/"))
    assert lst.content == b'{"value":[]}'  # compact, as recorded


def test_put_update_200_updating_with_etag(cloud, cc):
    rec = recorded("vm-update.yaml", "PUT VM attaching a NEW empty data disk")["response"]
    create_attach_vm(cloud, cc)
    vm = raw(cloud, "GET", vm_path(cloud, "v"))
    assert vm.headers["ETag"] == vm.json()["etag"]
    body = vm.json()
    body["properties"]["storageProfile"]["dataDisks"] = [{"lun": 0, "createOption": "Empty", "diskSizeGB": 1,
                                                          "name": "d1", "caching": "ReadOnly"}]
    r = raw(cloud, "PUT", vm_path(cloud, "v"), body, api="2025-11-01")
    assert r.status_code == rec["status"] == 200
    h = hdrs(r.headers)
    assert "azure-asyncoperation" in h and "location" not in h
    out = r.json()
    assert out["properties"]["provisioningState"] == "Updating"
    assert h["etag"] == out["etag"] and int(out["etag"].strip('"')) > int(body["etag"].strip('"'))
    dd = out["properties"]["storageProfile"]["dataDisks"][0]
    assert set(rec["body"]["properties"]["storageProfile"]["dataDisks"][0]) == set(dd)
    expanded = raw(cloud, "GET", vm_path(cloud, "v") + "?$expand=instanceView")
    assert "ETag" not in expanded.headers  # fidelity README item 12


def test_disk_put_202_echo_and_disk_operations(cloud, cc):
    # Azure's echo of 2023 (name, id, type; no isArmResource), at any api-version: the 2022 shape of the fidelity
    # pack was sent at the same api-versions, so the service changed it (compute/disk_responses.py _echo)
    req, status, echo = exchange("vm/test_vm_managed_disk.yaml", 1)
    path = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/disks/d1".format(
        cloud.default_subscription, RG)
    r = raw(cloud, "PUT", path, json.loads(req) | {"location": "eastus"}, api="2025-01-02")
    assert r.status_code == status == 202
    assert r.json() == echo | {"location": "eastus", "id": path}
    h = hdrs(r.headers)
    assert "/DiskOperations/" in h["azure-asyncoperation"] and same_op_url(h["azure-asyncoperation"], h["location"])
    assert "azure-asyncnotification" not in h
    assert h["x-ms-ratelimit-remaining-resource"].startswith("Microsoft.Compute/CreateUpdateDisks3Min;")
    doc = follow(cloud, h["azure-asyncoperation"]).json()
    rec_doc = recorded("disk-create.yaml", "GET DiskOperations status (create)")["response"]["body"]
    assert list(doc) == list(rec_doc)
    assert set(doc["properties"]["output"]["properties"]) == set(rec_doc["properties"]["output"]["properties"])
    assert set(doc["properties"]["output"]) == set(rec_doc["properties"]["output"])


def test_disk_update_echo_drops_what_the_sku_cannot_set(cloud, cc):
    """A Standard_LRS update PUT that sends the disk's IOPS and throughput back: the echo keeps tier, drops them."""
    cc.disks.begin_create_or_update(RG, "d1", {"location": "eastus", "sku": {"name": "Premium_LRS"}, "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 1, "hyperVGeneration": "V1"}}).result()
    req, status, echo = exchange("vm/test_vm_managed_disk.yaml", 5)  # it sends the disk's hyperVGeneration back
    r = raw(cloud, "PUT", "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/disks/d1".format(
        cloud.default_subscription, RG), json.loads(req) | {"location": "eastus"}, api="2022-07-02")
    assert r.status_code == status == 202
    assert set(r.json()["properties"]) == set(echo["properties"])


def test_ultra_disk_update_echo_carries_read_only(cloud, cc):
    """An Ultra disk's update PUT echoes ``readOnly`` though not sent; its create echo has none
    (test_vm_ultra_ssd_disk_update #1 and #5)."""
    req1, status1, echo1 = exchange("vm/test_vm_ultra_ssd_disk_update.yaml", 1)
    req5, status5, echo5 = exchange("vm/test_vm_ultra_ssd_disk_update.yaml", 5)
    path = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/disks/d1".format(
        cloud.default_subscription, RG)
    created = raw(cloud, "PUT", path, json.loads(req1) | {"location": "eastus2"}, api="2022-07-02")
    assert created.status_code == status1 == 202 and "readOnly" not in json.loads(req1)["properties"]
    assert set(created.json()["properties"]) == set(echo1["properties"])
    follow(cloud, created.headers["Azure-AsyncOperation"])
    updated = raw(cloud, "PUT", path, json.loads(req5) | {"location": "eastus2"}, api="2022-07-02")
    assert updated.status_code == status5 == 202 and "readOnly" not in json.loads(req5)["properties"]
    assert set(updated.json()["properties"]) == set(echo5["properties"])


def test_snapshot_put_bucket_and_output(cloud, cc):
    rec = recorded("snapshot-create.yaml", "GET DiskOperations status (snapshot) - Succeeded")["response"]["body"]
    _, _, echo = exchange("vm/test_completion_percent.yaml", 5)  # an incremental copy of a disk, 2023
    d = empty_os_disk(cc, "src")
    r = raw(cloud, "PUT", "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/snapshots/s2".format(
        cloud.default_subscription, RG), {"location": "eastus", "tags": {}, "sku": {"name": "Premium_LRS"},
                                          "properties": {"creationData": {"createOption": "Copy",
                                                                          "sourceResourceId": d.id},
                                                         "incremental": True}},
        api="2025-01-02")
    assert r.status_code == 202
    assert set(r.json()) == set(echo) and set(r.json()["properties"]["creationData"]) == {"createOption",
                                                                                           "sourceResourceId"}
    h = hdrs(r.headers)
    assert h["x-ms-ratelimit-remaining-resource"].startswith("Microsoft.Compute/HighCostSnapshotCreateHydrate3Min;")
    doc = follow(cloud, h["azure-asyncoperation"]).json()
    assert set(rec["properties"]["output"]["properties"]) <= set(doc["properties"]["output"]["properties"])
    out = doc["properties"]["output"]["properties"]
    assert out["creationData"]["sourceUniqueId"] == d.unique_id and out["incrementalSnapshotFamilyId"]


def test_image_put_201_and_gallery_caps_operations(cloud, cc):
    rec = recorded("image-create.yaml", "PUT image from snapshots")["response"]
    d = empty_os_disk(cc, "src", os_type="Linux", gen="V1")
    r = raw(cloud, "PUT", "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/images/i1".format(
        cloud.default_subscription, RG), {"location": "eastus", "properties": {"storageProfile": {
            "osDisk": {"managedDisk": {"id": d.id}, "osType": "Linux", "osState": "Generalized"}},
            "hyperVGeneration": "V1"}}, api="2024-07-01")
    assert r.status_code == rec["status"] == 201
    assert r.json()["properties"]["provisioningState"] == "Creating"
    h = hdrs(r.headers)
    assert "/operations/" in h["azure-asyncoperation"] and "location" not in h
    assert h["x-ms-ratelimit-remaining-resource"].startswith("Microsoft.Compute/CreateImages3Min;")
    g = raw(cloud, "PUT", "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/galleries/gal".format(
        cloud.default_subscription, RG), {"location": "eastus"}, api="2024-03-03")
    assert "/capsOperations/" in hdrs(g.headers)["azure-asyncoperation"]


def test_retry_after_is_an_integer_on_real_profile():
    from fakeazure.cloud import Cloud
    from fakeazure.inprocess import sdk_client
    from azure.mgmt.compute import ComputeManagementClient
    c = Cloud("fast", lro_seconds=100, retry_after=3)
    c.resources.create_or_update_group(c.default_subscription, RG, "eastus")
    client = sdk_client(c, ComputeManagementClient)
    r = raw(c, "PUT", "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/disks/d".format(
        c.default_subscription, RG), {"location": "eastus", "properties": {"creationData": {"createOption": "Empty"},
                                                                          "diskSizeGB": 4}}, api="2025-01-02")
    assert r.headers["Retry-After"] == "3"
    poll = follow(c, r.headers["Azure-AsyncOperation"])
    assert poll.json()["status"] == "InProgress" and poll.headers["Retry-After"] == "3"
    loc = follow(c, r.headers["Location"])
    assert loc.status_code == 202
    c.clock.advance(101)
    assert follow(c, r.headers["Azure-AsyncOperation"]).json()["status"] == "Succeeded"
    assert client.disks.get(RG, "d").provisioning_state == "Succeeded"
