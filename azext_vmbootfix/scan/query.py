"""The Resource Graph query of the scan: one readable KQL constant.

One row per VM (``id`` is projected, so Resource Graph can page it by ``$skipToken``), with:
``name, subscriptionId, resourceGroup, location`` -- where it is;
``osType, powerState`` (``PowerState/<state>``), ``provisioningState``, ``securityType``, ``bootDiagnostics``;
``osName`` -- what the guest agent last reported (empty when it never reported: Windows not past setup);
``osDiskId`` (lower case), ``tags``;
``images`` -- the managed images and gallery image versions that link to the VM: ``{id, type, osState,
link, created}`` with ``link`` one of ``sourceVirtualMachine`` (made from the VM), ``osDisk`` (from its OS
disk) or ``snapshotOfOsDisk`` (from a snapshot of it). A gallery version's ``osState`` is its image
definition's. An image linked both ways appears twice (the reader keeps one).

Resource Graph allows at most three ``join`` operators; this query uses two. Versions made from a snapshot or
a managed image are not linked here (``diagnose`` finds them by listing).
"""
import re

VM_QUERY = """\
resources
| where type =~ 'microsoft.compute/virtualmachines'{scope}
| extend osType = tostring(properties.storageProfile.osDisk.osType),
         powerState = tostring(properties.extended.instanceView.powerState.code),
         provisioningState = tostring(properties.provisioningState),
         osName = tostring(properties.extended.instanceView.osName),
         securityType = tostring(properties.securityProfile.securityType),
         osDiskId = tolower(tostring(properties.storageProfile.osDisk.managedDisk.id)),
         bootDiagnostics = tobool(properties.diagnosticsProfile.bootDiagnostics.enabled)
| extend linkKey = pack_array(tolower(id), osDiskId)
| mv-expand linkKey to typeof(string)
| join kind=leftouter (
    resources
    | where type in~ ('microsoft.compute/images', 'microsoft.compute/galleries/images/versions')
    | extend refId = iff(type =~ 'microsoft.compute/images',
                         tolower(tostring(properties.storageProfile.osDisk.snapshot.id)),
                         tolower(substring(id, 0, indexof(id, '/versions/'))))
    | join kind=leftouter (
        resources
        | where type in~ ('microsoft.compute/snapshots', 'microsoft.compute/galleries/images')
        | project refId = tolower(id), refSource = tolower(tostring(properties.creationData.sourceResourceId)),
                  refOsState = tostring(properties.osState)
      ) on refId
    | extend sourceVm = tolower(coalesce(tostring(properties.sourceVirtualMachine.id),
                                         tostring(properties.storageProfile.source.virtualMachineId))),
             sourceDisk = tolower(coalesce(tostring(properties.storageProfile.osDisk.managedDisk.id), refSource))
    | extend linkKey = pack_array(sourceVm, sourceDisk)
    | mv-expand linkKey to typeof(string)
    | where isnotempty(linkKey)
    | project linkKey, image = pack(
        'id', id, 'type', type,
        'osState', coalesce(tostring(properties.storageProfile.osDisk.osState), refOsState),
        'link', iff(linkKey == sourceVm, 'sourceVirtualMachine', iff(isnotempty(refSource), 'snapshotOfOsDisk', 'osDisk')),
        'created', tostring(properties.publishingProfile.publishedDate))
  ) on linkKey
| summarize images = make_set(image), tags = take_any(tags)
    by id, name, subscriptionId, resourceGroup, location, osType, powerState, provisioningState, osName,
       securityType, osDiskId, bootDiagnostics
| order by id asc"""

PAGE_SIZE = 1000  # Resource Graph's maximum $top
_GROUP_NAME = re.compile(r"^[-\w._()]{1,90}$")


def build(resource_group=None):
    """The query text, limited to one resource group when given (its name is validated, not escaped:
    Azure's resource-group names cannot hold a quote)."""
    scope = ""
    if resource_group:
        if not _GROUP_NAME.match(resource_group) or resource_group.endswith("."):
            raise ValueError("not a resource group name: {!r}".format(resource_group))
        scope = "\n| where resourceGroup =~ '{}'".format(resource_group)
    return VM_QUERY.format(scope=scope)
