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
import copy

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
    "properties.osProfile.windowsConfiguration.enableVMAgentPlatformUpdates": "2022-08-01",
    "properties.osProfile.linuxConfiguration.enableVMAgentPlatformUpdates": "2022-08-01",
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
# Keys Azure stopped sending: (path -> the first api-version recorded without it). A VM's
# enableVMAgentPlatformUpdates (false) is in the 2022-08-01 and 2022-11-01 bodies recorded in 2022-2023
# (fidelity vm-create.yaml, vm-get.yaml) and absent from the 2024-11-01 and 2026-04-01 bodies recorded in
# 2025-2026; whether Azure keys this on the api-version or on the date is not verified (UNVERIFIED.md).
_VM_UNTIL = {
    "properties.osProfile.windowsConfiguration.enableVMAgentPlatformUpdates": "2024-11-01",
    "properties.osProfile.linuxConfiguration.enableVMAgentPlatformUpdates": "2024-11-01",
}
UNTIL = {"microsoft.compute/virtualmachines": _VM_UNTIL}
SINCE = {"microsoft.compute/virtualmachines": _VM, "microsoft.compute/disks": _DISK,
         "microsoft.compute/snapshots": _SNAPSHOT, "microsoft.compute/images": _IMAGE}


def shaped(body, api_version):
    """A copy of ``body`` (a resource, a list of them under ``value``, or an operation status whose
    ``properties.output`` is one) without the keys the ``api_version`` model of its type lacks. ``body`` itself
    is left alone: it may share dicts with the model it was built from."""
    if not isinstance(body, dict) or not api_version:
        return body
    body = copy.deepcopy(body)
    _shape(body, api_version.lower())
    return body


def _shape(body, version):
    if not isinstance(body, dict):
        return
    for item in body.get("value") or [] if isinstance(body.get("value"), list) else []:
        _shape(item, version)
    output = (body.get("properties") or {}).get("output") if isinstance(body.get("properties"), dict) else None
    if isinstance(output, dict):
        _shape(output, version)
    for resource in body.get("resources") or [] if isinstance(body.get("resources"), list) else []:
        _shape(resource, version)
    kind = str(body.get("type") or "").lower()
    for path, first in SINCE.get(kind, {}).items():
        if version < first:
            _drop(body, path.split("."))
    for path, gone in UNTIL.get(kind, {}).items():
        if version >= gone:
            _drop(body, path.split("."))


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
