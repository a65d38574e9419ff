"""Compute bodies as the requested api-version has them: no key outside that api-version's model.

The fake builds every body in the newest shape; :func:`shaped` drops the keys a model of the requested
api-version does not have. ``SINCE`` names, per resource type, each key the fake sends that an older model lacks
and the first api-version whose model has it, read from the models of the azure-mgmt-compute wheels on PyPI
(which the SDK generates from azure-rest-api-specs; the paths of every model are kept in
tests/fixtures/api-models/compute.json, which tests/fake/test_api_version_bodies.py checks the fake against).
Paths are dotted, ``[]`` for the elements of a list. Example: a VM has ``etag`` from api-version 2023-09-01, so
an older request gets none (F2 of tests/fixtures/azure-traffic/DISAGREEMENTS.md). Where a recording shows Azure
sending a key at an api-version older than the model that has it, the recording wins (commented below).
"""

_VM = {
    "etag": "2023-09-01",
    "zones": "2017-03-30",
    "properties.vmId": "2016-03-30",
    "properties.timeCreated": "2021-11-01",
    "properties.instanceView.computerName": "2017-12-01",
    "properties.instanceView.osName": "2017-12-01",
    "properties.instanceView.osVersion": "2017-12-01",
    "properties.instanceView.hyperVGeneration": "2019-03-01",
    "properties.osProfile.allowExtensionOperations": "2018-06-01",
    "properties.osProfile.requireGuestProvisionSignal": "2019-03-01",
    "properties.osProfile.linuxConfiguration.provisionVMAgent": "2018-06-01",
    "properties.osProfile.linuxConfiguration.patchSettings": "2020-12-01",
    "properties.osProfile.linuxConfiguration.patchSettings.assessmentMode": "2021-03-01",
    "properties.osProfile.windowsConfiguration.patchSettings": "2020-06-01",
    "properties.osProfile.windowsConfiguration.patchSettings.assessmentMode": "2021-03-01",
    "properties.securityProfile": "2020-06-01",
    "properties.securityProfile.securityType": "2020-12-01",
    "properties.securityProfile.uefiSettings": "2020-12-01",
    "properties.storageProfile.imageReference.exactVersion": "2019-07-01",
    "properties.storageProfile.osDisk.managedDisk": "2016-04-30-preview",
    "properties.storageProfile.osDisk.managedDisk.securityProfile": "2021-11-01",
    "properties.storageProfile.osDisk.deleteOption": "2021-03-01",
    "properties.storageProfile.dataDisks[].managedDisk": "2016-04-30-preview",
    "properties.storageProfile.dataDisks[].deleteOption": "2021-03-01",
    "properties.storageProfile.dataDisks[].toBeDetached": "2019-03-01",
    "properties.networkProfile.networkInterfaces[].properties.deleteOption": "2021-03-01",
}
_DISK_COMMON = {
    "sku": "2017-03-30",
    "properties.creationData.sourceUniqueId": "2019-03-01",
    "properties.creationData.uploadSizeBytes": "2019-03-01",
    "properties.diskSizeBytes": "2019-03-01",
    "properties.uniqueId": "2019-03-01",
    "properties.encryption": "2019-07-01",
    "properties.networkAccessPolicy": "2020-05-01",
    "properties.publicNetworkAccess": "2021-04-01",
}
_DISK = dict(_DISK_COMMON, **{
    "properties.securityProfile": "2020-12-01",
    "managedBy": "2017-03-30",
    "zones": "2017-03-30",
    "properties.diskIOPSReadWrite": "2018-06-01",
    "properties.diskMBpsReadWrite": "2018-06-01",
    "properties.diskState": "2018-09-30",
    "properties.hyperVGeneration": "2018-09-30",
    "properties.tier": "2020-06-30",
})
_SNAPSHOT = dict(_DISK_COMMON, **{
    "properties.securityProfile": "2021-08-01",
    "properties.incremental": "2019-03-01",
    "properties.diskState": "2020-06-30",
    "properties.hyperVGeneration": "2018-09-30",
    # the model has it from 2022-07-02, but Azure sent it at 2022-03-02 (azure-cli recordings of 2023:
    # test_completion_percent, test_snapshot_incremental): the recorded answer wins, at the version recorded
    "properties.incrementalSnapshotFamilyId": "2022-03-02",
    "properties.completionPercent": "2021-04-01",
})
_IMAGE = {
    "properties.hyperVGeneration": "2019-03-01",
    "properties.storageProfile.osDisk.storageAccountType": "2017-03-30",
    "properties.storageProfile.dataDisks[].storageAccountType": "2017-03-30",
}
SINCE = {"microsoft.compute/virtualmachines": _VM, "microsoft.compute/disks": _DISK,
         "microsoft.compute/snapshots": _SNAPSHOT, "microsoft.compute/images": _IMAGE}


def shaped(body, api_version):
    """``body`` (a resource, a list of them under ``value``, or an operation status whose ``properties.output``
    is one) without the keys the ``api_version`` model of its type lacks. Changes ``body`` in place."""
    if not isinstance(body, dict) or not api_version:
        return body
    version = api_version.lower()
    for item in body.get("value") or [] if isinstance(body.get("value"), list) else []:
        shaped(item, api_version)
    output = (body.get("properties") or {}).get("output") if isinstance(body.get("properties"), dict) else None
    if isinstance(output, dict):
        shaped(output, api_version)
    for resource in body.get("resources") or [] if isinstance(body.get("resources"), list) else []:
        shaped(resource, api_version)
    since = SINCE.get(str(body.get("type") or "").lower())
    if since:
        for path, first in since.items():
            if version < first:
                _drop(body, path.split("."))
    return body


def _drop(node, parts):
    head, rest = parts[0], parts[1:]
    if head.endswith("[]"):
        for item in node.get(head[:-2]) or [] if isinstance(node, dict) else []:
            if isinstance(item, dict) and rest:
                _drop(item, rest)
        return
    if not isinstance(node, dict) or head not in node:
        return
    if rest:
        _drop(node[head], rest)
    else:
        del node[head]
