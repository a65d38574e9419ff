"""Azure Compute Gallery in the fake: sharing (profile and POST share), soft delete, and image versions shaped
per api-version and updated without their source (fakeazure/compute/models/galleries.py; D4, D5, K5)."""
import pytest

from fakeazure.cloud import Cloud
from test_arm_deployments import Arm

OLD, NEW = "2022-03-03", "2024-03-03"


@pytest.fixture
def arm():
    a = Arm(Cloud(profile="fast"))
    a.group("rg", "westus")
    return a


def _path(arm, *parts):
    return "/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Compute/{}".format(arm.sub, "/".join(parts))


def _put(arm, path, body, api=OLD):
    r = arm.call("PUT", path, body, api=api)
    assert r.status_code in (200, 201), r.text
    arm.wait(r)
    return r


def test_sharing_profile_and_soft_delete_are_kept(arm):
    g = _path(arm, "galleries", "g1")
    first = _put(arm, g, {"location": "westus", "properties": {
        "softDeletePolicy": {"isSoftDeleteEnabled": True},
        "sharingProfile": {"permissions": "Community", "communityGalleryInfo": {
            "publisherUri": "pubUri", "publisherContact": "a@b.c", "eula": "eula", "publicNamePrefix": "pub"}}}},
        api="2021-10-01").json()
    props = arm.call("GET", g, api="2021-10-01").json()["properties"]
    assert list(props) == ["identifier", "sharingProfile", "provisioningState", "softDeletePolicy"]  # recorded order
    info = props["sharingProfile"]["communityGalleryInfo"]
    assert info["communityGalleryEnabled"] is False and info["publicNames"][0].startswith("pub-")
    assert props["softDeletePolicy"] == {"isSoftDeleteEnabled": True}
    assert first["properties"]["provisioningState"] == "Creating"


def test_share_add_remove_enable_and_reset(arm):
    g = _path(arm, "galleries", "g1")
    _put(arm, g, {"location": "westus"}, api="2021-10-01")

    def share(body, status=202):
        r = arm.call("POST", g + "/share", body, api=OLD)
        assert r.status_code == status, r.text
        if status == 202:
            assert "/capsOperations/" in r.headers["Azure-AsyncOperation"] and "monitor=true" in r.headers["Location"]
            assert arm.wait(r).status_code == 200
        return r

    share({"operationType": "Add", "groups": [{"type": "Subscriptions", "ids": ["s1", "s2"]},
                                              {"type": "AADTenants", "ids": ["t1"]}]})
    profile = arm.call("GET", g + "?$select=Permissions", api="2021-10-01").json()["properties"]["sharingProfile"]
    assert profile == {"permissions": "Groups", "groups": [{"type": "Subscriptions", "ids": ["s1", "s2"]},
                                                           {"type": "AADTenants", "ids": ["t1"]}]}
    share({"operationType": "Remove", "groups": [{"type": "Subscriptions", "ids": ["s1"]}]})
    groups = arm.call("GET", g + "?$expand=sharingProfile/Groups", api="2021-10-01").json()
    assert groups["properties"]["sharingProfile"]["groups"][0] == {"type": "Subscriptions", "ids": ["s2"]}
    assert "groups" not in arm.call("GET", g, api="2021-10-01").json()["properties"]["sharingProfile"]
    assert share({"operationType": "EnableCommunity"}, 409).json()["error"]["code"] == "OperationNotAllowed"
    assert share({"operationType": "Add"}, 400).json()["error"]["code"] == "InvalidParameter"
    share({"operationType": "Reset"})
    assert arm.call("GET", g + "?$select=Permissions", api="2021-10-01").json()["properties"]["sharingProfile"] == \
        {"permissions": "Private"}


def _version_setup(arm):
    _put(arm, _path(arm, "galleries", "g1"), {"location": "westus"}, api="2021-10-01")
    _put(arm, _path(arm, "galleries", "g1", "images", "img"), {"location": "westus", "properties": {
        "osType": "Windows", "osState": "Specialized", "hyperVGeneration": "V1",
        "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}}, api="2021-10-01")
    disk = _path(arm, "disks", "d1")
    arm.wait(arm.call("PUT", disk, {"location": "westus", "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 10, "osType": "Windows"}}, api="2022-07-02"))
    return disk, _path(arm, "galleries", "g1", "images", "img", "versions", "1.0.0")


def test_a_version_from_a_disk_keeps_its_source_where_it_was_given_and_the_api_versions_shape(arm):
    disk, version = _version_setup(arm)
    first = _put(arm, version, {"location": "westus", "properties": {
        "publishingProfile": {"targetRegions": [{"name": "westus"}], "targetExtendedLocations": [
            {"name": "westus", "extendedLocation": {"name": "microsoftlosangeles1", "type": "EdgeZone"},
             "extendedLocationReplicaCount": 1}]},
        "storageProfile": {"osDiskImage": {"source": {"id": disk}}}}}).json()
    assert "sizeInGB" not in first["properties"]["storageProfile"]["osDiskImage"]  # as recorded
    old = arm.call("GET", version, api=OLD).json()["properties"]
    assert old["storageProfile"] == {"osDiskImage": {"sizeInGB": 10, "hostCaching": "ReadWrite",
                                                     "source": {"id": disk}}}
    assert "validationsProfile" not in old and old["safetyProfile"]["allowDeletionOfReplicatedLocations"] is False
    assert old["publishingProfile"]["targetExtendedLocations"][0]["storageAccountType"] == "StandardSSD_LRS"
    assert arm.call("GET", version, api=NEW).json()["properties"]["validationsProfile"] == {
        "validationOperationStatus": "NotExecuted"}
    assert "safetyProfile" not in arm.call("GET", version, api="2021-10-01").json()["properties"]


def test_an_update_without_the_source_keeps_it_and_applies_the_rest(arm):
    disk, version = _version_setup(arm)
    _put(arm, version, {"location": "westus", "properties": {
        "publishingProfile": {"targetRegions": [{"name": "westus"}]},
        "storageProfile": {"osDiskImage": {"source": {"id": disk}}}}})
    sent_back = arm.call("GET", version, api=OLD).json()
    sent_back["properties"]["storageProfile"] = {"osDiskImage": {"hostCaching": "ReadWrite"}}
    sent_back["properties"]["safetyProfile"] = {"allowDeletionOfReplicatedLocations": True}
    sent_back["properties"]["publishingProfile"]["targetRegions"].append(
        {"name": "eastus", "regionalReplicaCount": 2, "storageAccountType": "premium_lrs"})
    r = arm.call("PUT", version, sent_back, api=OLD)
    assert r.status_code == 200 and r.json()["properties"]["provisioningState"] == "Updating", r.text
    arm.wait(r)
    props = arm.call("GET", version, api=OLD).json()["properties"]
    assert props["storageProfile"]["osDiskImage"]["source"] == {"id": disk}
    assert props["safetyProfile"]["allowDeletionOfReplicatedLocations"] is True
    assert props["publishingProfile"]["targetRegions"][1] == {"name": "East US", "regionalReplicaCount": 2,
                                                             "storageAccountType": "Premium_LRS"}
    new = arm.call("PUT", _path(arm, "galleries", "g1", "images", "img", "versions", "2.0.0"),
                   {"location": "westus", "properties": {"storageProfile": {"osDiskImage": {}}}}, api=OLD)
    assert new.status_code == 400 and new.json()["error"]["code"] == "InvalidParameter"  # a new one needs a source


def test_a_version_keeps_its_data_disk_images_from_snapshots_and_from_a_managed_image(arm):
    # test_gallery_specialized #39/#47: snapshots sent as dataDiskImages come back with their lun, caching
    # (ReadOnly unless sent) and source, and a size once made; fidelity gallery-image-version.yaml: a managed
    # image's data disks become {lun, sizeInGB, hostCaching: None}
    disk, version = _version_setup(arm)
    snaps = []
    for name in ("s2", "s3"):
        snap = _path(arm, "snapshots", name)
        arm.wait(arm.call("PUT", snap, {"location": "westus", "properties": {
            "creationData": {"createOption": "Copy", "sourceResourceId": disk}}}, api="2022-07-02"))
        snaps.append(snap)
    first = _put(arm, version, {"location": "westus", "properties": {"storageProfile": {
        "osDiskImage": {"source": {"id": disk}},
        "dataDiskImages": [{"lun": 2, "source": {"id": snaps[0]}},
                           {"lun": 3, "hostCaching": "None", "source": {"id": snaps[1]}}]}}}).json()
    assert first["properties"]["storageProfile"]["dataDiskImages"] == [
        {"lun": 2, "hostCaching": "ReadOnly", "source": {"id": snaps[0]}},
        {"lun": 3, "hostCaching": "None", "source": {"id": snaps[1]}}]
    made = arm.call("GET", version, api=OLD).json()["properties"]["storageProfile"]["dataDiskImages"]
    assert [(d["lun"], d["sizeInGB"]) for d in made] == [(2, 10), (3, 10)]

    image = _path(arm, "images", "managedImage1")
    data = _path(arm, "disks", "data1")
    arm.wait(arm.call("PUT", data, {"location": "westus", "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 16}}, api="2022-07-02"))
    _put(arm, image, {"location": "westus", "properties": {"storageProfile": {
        "osDisk": {"osType": "Windows", "osState": "Specialized", "managedDisk": {"id": disk}},
        "dataDisks": [{"lun": 0, "managedDisk": {"id": data}}]}}}, api="2022-03-01")
    from_image = _path(arm, "galleries", "g1", "images", "img", "versions", "1.1.2")
    _put(arm, from_image, {"location": "westus", "properties": {"storageProfile": {"source": {"id": image}}}}, api=NEW)
    assert arm.call("GET", from_image, api=NEW).json()["properties"]["storageProfile"]["dataDiskImages"] == [
        {"lun": 0, "sizeInGB": 16, "hostCaching": "None"}]
    missing = arm.call("PUT", _path(arm, "galleries", "g1", "images", "img", "versions", "3.0.0"), {
        "location": "westus", "properties": {"storageProfile": {"osDiskImage": {"source": {"id": disk}},
                                                                "dataDiskImages": [{"lun": 0, "source": {
                                                                    "id": _path(arm, "snapshots", "none")}}]}}},
        api=OLD)
    assert missing.status_code == 404, missing.text
