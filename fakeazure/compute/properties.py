"""Which properties a PUT or PATCH may change on a Compute resource: the writable-properties tables of
virtual machines, disks, snapshots and managed images (the mechanism is :mod:`fakeazure.core.properties`).

Every writable property of the REST model az 2.91 sends (virtualMachines and images 2024-11-01, disks
2023-04-02, snapshots 2023-10-02, as the azure-mgmt-compute 34.1 models generated from
azure-rest-api-specs carry them; ``tests/fake/test_writable_properties.py`` checks that every writable
path of those models has a row here) is sorted into one of three kinds, with its source:

* ``IN_PLACE``: applied to the resource as it is;
* ``DEALLOCATED``: a VM applies it only while deallocated, a disk only while no running VM holds it;
  otherwise 409 ``OperationNotAllowed`` (wording not verified, fakeazure/UNVERIFIED.md);
* ``CREATE_ONLY``: set at create; a different value later is refused with 409 ``PropertyChangeNotAllowed``
  "Changing property '<name>' is not allowed." and ``target`` <name> (seen for 'priority': the
  azure-powershell VMSS scenario tests; 'zones': terraform-provider-azurerm#3277; 'availabilitySet.id':
  azure-powershell#1820; 'osDisk.osType': MicrosoftDocs/azure-docs#45880; 'osDisk.name',
  'osDisk.managedDisk.storageAccountType' and 'customData': comments of terraform-provider-azurerm).

Sources: "spec" is the REST model (a property the ``*Update`` model of PATCH also has is changeable);
"Learn" names the page that says when the property may change. Rows marked ``by_backend`` are applied
by the backend's own code (a resize, disks attached, NICs, tags); the rest are kept as sent and returned
in every later body.
"""
from ..core.properties import CREATE_ONLY, DEALLOCATED, IN_PLACE, Row, same

SPEC = "spec: writable, also in the PATCH model"
UNVERIFIED_CREATE = "spec: writable at create; that Azure refuses a change is inferred (wording not verified)"


def _same_image(current, new):
    current = current or {}
    keys = ("id",) if new.get("id") else ("publisher", "offer", "sku")
    return all((new.get(k) or "").lower() == (current.get(k) or "").lower() for k in keys)


P = "properties."
SP = P + "storageProfile."
OSD = SP + "osDisk."
OSP = P + "osProfile."
SEC = P + "securityProfile."

VIRTUAL_MACHINES = [
    Row("location", CREATE_ONLY, "ARM: InvalidResourceLocation (Learn, shared image gallery troubleshooting)",
        by_backend=True),
    Row("tags", IN_PLACE, SPEC, by_backend=True),
    Row("plan", CREATE_ONLY, UNVERIFIED_CREATE),
    Row("identity", IN_PLACE, "Learn: configure managed identities on an existing VM (az vm identity assign)",
        apply="set_identity"),
    Row("zones", CREATE_ONLY, "seen: terraform-provider-azurerm#3277"),
    Row("extendedLocation", CREATE_ONLY, UNVERIFIED_CREATE),
    Row("placement", CREATE_ONLY, "spec: 'placement' is honoured at creation only; wording not verified"),
    Row(P + "hardwareProfile.vmSize", IN_PLACE, "Learn: resize a VM (a running VM restarts)", by_backend=True),
    Row(P + "hardwareProfile.vmSizeProperties", DEALLOCATED,
        "Learn: constrained vCPU / VM customization (set at create or while deallocated)"),
    Row(P + "scheduledEventsPolicy", IN_PLACE, "spec"),
    Row(SP + "imageReference", CREATE_ONLY, "seen: PropertyChangeNotAllowed on a VM update (publisher, offer and sku, "
        "or id, are compared)", compare=lambda c, n: _same_image(c, n or {})),
    Row(OSD + "osType", CREATE_ONLY, "seen: MicrosoftDocs/azure-docs#45880", name="osDisk.osType"),
    Row(OSD + "encryptionSettings", IN_PLACE, "spec (Azure Disk Encryption sets it on a running VM)"),
    Row(OSD + "name", CREATE_ONLY, "seen: terraform-provider-azurerm issue (CreateOrUpdate 409)", name="osDisk.name"),
    Row(OSD + "vhd", CREATE_ONLY, "seen: \"Changing property 'osDisk.vhd.uri' is not allowed.\" (public Java sample)",
        name="osDisk.vhd.uri"),
    Row(OSD + "image", CREATE_ONLY, UNVERIFIED_CREATE, name="osDisk.image.uri"),
    Row(OSD + "caching", IN_PLACE, "Learn: az vm update --set storageProfile.osDisk.caching (the VM restarts)"),
    Row(OSD + "writeAcceleratorEnabled", IN_PLACE, "Learn: Write Accelerator on an existing disk (az vm update)"),
    Row(OSD + "diffDiskSettings", CREATE_ONLY, "Learn: ephemeral OS disks are chosen at create; wording not verified",
        name="osDisk.diffDiskSettings"),
    Row(OSD + "createOption", CREATE_ONLY, "seen: New-AzVM error quoted in a public walkthrough",
        name="osDisk.createOption"),
    Row(OSD + "diskSizeGB", DEALLOCATED, "Learn: expand an OS disk (Update-AzVM with DiskSizeGB while deallocated); "
        "seen: \"Disk resizing is allowed only when creating a VM or when the VM is deallocated.\"", by_backend=True),
    Row(OSD + "managedDisk.id", IN_PLACE, "Learn: OS disk swap (VM stopped or deallocated, checks.os_disk_swap)",
        by_backend=True),
    Row(OSD + "managedDisk.storageAccountType", CREATE_ONLY, "seen: terraform-provider-azurerm comment",
        name="osDisk.managedDisk.storageAccountType"),
    Row(OSD + "managedDisk.diskEncryptionSet", DEALLOCATED,
        "Learn: server-side encryption with customer-managed keys (disk detached or VM deallocated)"),
    Row(OSD + "managedDisk.securityProfile", CREATE_ONLY, UNVERIFIED_CREATE,
        name="osDisk.managedDisk.securityProfile"),
    Row(OSD + "deleteOption", IN_PLACE, "Learn: delete a VM and its resources (update deleteOption)", by_backend=True),
    Row(SP + "dataDisks", IN_PLACE, "Learn: attach/detach data disks on a running VM (deleteOption, caching per disk)",
        by_backend=True),
    Row(SP + "diskControllerType", DEALLOCATED, "Learn: convert a VM from SCSI to NVMe (VM deallocated)"),
    Row(SP + "alignRegionalDisksToVMZone", CREATE_ONLY, UNVERIFIED_CREATE),
    Row(P + "additionalCapabilities.ultraSSDEnabled", DEALLOCATED,
        "Learn: ultra disks, enable compatibility on an existing VM (VM deallocated)"),
    Row(P + "additionalCapabilities.hibernationEnabled", DEALLOCATED,
        "Learn: hibernation, enable on an existing VM (VM deallocated)"),
    Row(OSP + "computerName", CREATE_ONLY, "seen: PropertyChangeNotAllowed on a VM update", name="computerName"),
    Row(OSP + "adminUsername", CREATE_ONLY, "seen: PropertyChangeNotAllowed on a VM update", name="adminUsername"),
    Row(OSP + "adminPassword", CREATE_ONLY, "Learn: the password is reset through the VMAccess extension, not the "
        "VM model; a PUT carrying it (every redeployed template does) is accepted and the password is not changed "
        "(inferred, not verified)", by_backend=True, refuse=False),
    Row(OSP + "customData", CREATE_ONLY, "seen: terraform-provider-azurerm comment (custom data is never returned)",
        name="customData", by_backend=True),
    Row(OSP + "windowsConfiguration", IN_PLACE, "spec; Learn: patch orchestration modes changed with az vm update"),
    Row(OSP + "linuxConfiguration", IN_PLACE, "spec; Learn: patch orchestration modes changed with az vm update"),
    Row(OSP + "secrets", IN_PLACE, "spec; az vm secret add updates the VM"),
    Row(OSP + "allowExtensionOperations", IN_PLACE, "spec"),
    Row(OSP + "requireGuestProvisionSignal", CREATE_ONLY, UNVERIFIED_CREATE,
        name="osProfile.requireGuestProvisionSignal"),
    Row(P + "networkProfile.networkInterfaces", IN_PLACE, "each NIC's primary and deleteOption in place (Learn: "
        "delete a VM and its resources); adding or removing a NIC needs the VM deallocated (Learn: add or remove "
        "network interfaces)", by_backend=True),
    Row(P + "networkProfile.networkApiVersion", CREATE_ONLY, UNVERIFIED_CREATE),
    Row(P + "networkProfile.networkInterfaceConfigurations", CREATE_ONLY, UNVERIFIED_CREATE),
    Row(SEC + "uefiSettings", DEALLOCATED, "Learn: Trusted launch, secure boot and vTPM changed while deallocated"),
    Row(SEC + "encryptionAtHost", DEALLOCATED, "Learn: encryption at host on an existing VM (VM deallocated)"),
    Row(SEC + "securityType", DEALLOCATED, "Learn: enable Trusted launch on existing Gen2 VMs (VM deallocated)"),
    Row(SEC + "encryptionIdentity", IN_PLACE, "spec"),
    Row(SEC + "proxyAgentSettings", IN_PLACE, "spec"),
    Row(P + "diagnosticsProfile", IN_PLACE, "Learn: az vm boot-diagnostics enable/disable on a running VM"),
    Row(P + "availabilitySet", CREATE_ONLY, "seen: azure-powershell#1820", name="availabilitySet.id"),
    Row(P + "virtualMachineScaleSet", CREATE_ONLY, UNVERIFIED_CREATE, name="virtualMachineScaleSet.id"),
    Row(P + "proximityPlacementGroup", DEALLOCATED, "Learn: move an existing VM into a proximity placement group "
        "(VM deallocated)"),
    Row(P + "priority", CREATE_ONLY, "seen: azure-powershell VMSS scenario tests", name="priority"),
    Row(P + "evictionPolicy", CREATE_ONLY, UNVERIFIED_CREATE, name="evictionPolicy"),
    Row(P + "billingProfile", DEALLOCATED, "Learn: Spot VMs, the max price changes while deallocated"),
    Row(P + "host", DEALLOCATED, "Learn: dedicated hosts, add an existing VM (VM deallocated)"),
    Row(P + "hostGroup", DEALLOCATED, "Learn: dedicated hosts, add an existing VM (VM deallocated)"),
    Row(P + "licenseType", IN_PLACE, "Learn: Azure Hybrid Benefit on an existing VM (az vm update --license-type)"),
    Row(P + "extensionsTimeBudget", IN_PLACE, "spec"),
    Row(P + "platformFaultDomain", CREATE_ONLY, UNVERIFIED_CREATE, name="platformFaultDomain"),
    Row(P + "scheduledEventsProfile", IN_PLACE, "spec"),
    Row(P + "userData", IN_PLACE, "Learn: user data, updated on an existing VM, returned with $expand=userData",
        apply="set_user_data"),
    Row(P + "capacityReservation", DEALLOCATED, "Learn: associate an existing VM to a capacity reservation group "
        "(VM deallocated)"),
    Row(P + "applicationProfile", IN_PLACE, "spec; Learn: VM applications added to an existing VM"),
]

_DISK_COMMON = [
    Row("location", CREATE_ONLY, "ARM: InvalidResourceLocation", by_backend=True),
    Row("tags", IN_PLACE, SPEC, by_backend=True),
    Row("extendedLocation", CREATE_ONLY, UNVERIFIED_CREATE),
    Row(P + "osType", IN_PLACE, SPEC, by_backend=True),
    Row(P + "hyperVGeneration", CREATE_ONLY, "spec: not in the PATCH model; wording not verified",
        name="hyperVGeneration"),
    Row(P + "supportedCapabilities", IN_PLACE, SPEC + "; seen kept (azure-cli test_accelerated_network)"),
    Row(P + "creationData", CREATE_ONLY, "spec: not in the PATCH model; wording not verified", name="creationData",
        compare=lambda c, n: same({k: v for k, v in (c or {}).items() if k in n}, n)),
    Row(P + "diskSizeGB", IN_PLACE, "Learn: expand a managed disk (grow only)", by_backend=True),
    Row(P + "encryptionSettingsCollection", IN_PLACE, SPEC),
    Row(P + "encryption", DEALLOCATED, "Learn: server-side encryption, change keys while detached or the VM "
        "deallocated"),
    Row(P + "networkAccessPolicy", IN_PLACE, SPEC),
    Row(P + "diskAccessId", IN_PLACE, SPEC),
    Row(P + "securityProfile", CREATE_ONLY, "spec: not in the PATCH model; wording not verified",
        name="securityProfile"),
    Row(P + "supportsHibernation", IN_PLACE, SPEC + "; seen kept (azure-cli test_disk_hibernation)"),
    Row(P + "publicNetworkAccess", IN_PLACE, SPEC + "; seen kept"),
    Row(P + "completionPercent", IN_PLACE, "spec (writable)"),
    Row(P + "dataAccessAuthMode", IN_PLACE, SPEC + "; seen kept (azure-cli test_disk_data_access_auth_mode)"),
]

DISKS = _DISK_COMMON + [
    Row("sku", DEALLOCATED, "Learn: change the disk type (disk unattached or its VM deallocated)", by_backend=True),
    Row("zones", CREATE_ONLY, "seen for VMs: terraform-provider-azurerm#3277; for disks inferred"),
    Row(P + "purchasePlan", IN_PLACE, SPEC),
    Row(P + "diskIOPSReadWrite", IN_PLACE, SPEC + " (Ultra and Premium v2); seen kept"),
    Row(P + "diskMBpsReadWrite", IN_PLACE, SPEC + " (Ultra and Premium v2); seen kept"),
    Row(P + "diskIOPSReadOnly", IN_PLACE, SPEC + "; seen kept (azure-cli test_vm_ultra_ssd_disk_update)"),
    Row(P + "diskMBpsReadOnly", IN_PLACE, SPEC + "; seen kept (azure-cli test_vm_ultra_ssd_disk_update)"),
    Row(P + "maxShares", DEALLOCATED, "Learn: shared disks, maxShares changes only when the disk is detached"),
    Row(P + "tier", IN_PLACE, "Learn: performance tiers changed without downtime"),
    Row(P + "burstingEnabled", IN_PLACE, "Learn: on-demand bursting; seen: Azure adds burstingEnabledTime",
        apply="set_bursting"),
    Row(P + "optimizedForFrequentAttach", IN_PLACE, SPEC),
]

SNAPSHOTS = _DISK_COMMON + [
    Row("sku", IN_PLACE, SPEC, by_backend=True),
    Row(P + "purchasePlan", CREATE_ONLY, "spec: not in the PATCH model; wording not verified", name="purchasePlan"),
    Row(P + "incremental", CREATE_ONLY, "spec: not in the PATCH model; wording not verified", name="incremental"),
    Row(P + "copyCompletionError", IN_PLACE, "spec (writable)"),
]

IMAGES = [
    Row("location", CREATE_ONLY, "ARM: InvalidResourceLocation", by_backend=True),
    Row("tags", IN_PLACE, SPEC, by_backend=True),
    Row("extendedLocation", CREATE_ONLY, UNVERIFIED_CREATE + "; seen kept (azure-cli test_other_extended_location)"),
    Row(P + "sourceVirtualMachine", IN_PLACE, SPEC + "; the image is made again from it", by_backend=True),
    Row(P + "storageProfile", IN_PLACE, SPEC + "; the image is made again from it", by_backend=True),
    Row(P + "hyperVGeneration", IN_PLACE, SPEC, by_backend=True),
]


GALLERIES = [  # 2021-10-01, the api-version az 2.91 sends for galleries
    Row("location", CREATE_ONLY, "ARM: InvalidResourceLocation", by_backend=True),
    Row("tags", IN_PLACE, SPEC, by_backend=True),
    Row(P + "description", IN_PLACE, SPEC, by_backend=True),
    Row(P + "identifier", IN_PLACE, "spec: its only member (uniqueName) is read-only; az sends {} back",
        by_backend=True),
    Row(P + "sharingProfile", IN_PLACE, "spec; seen kept, with Azure's communityGalleryEnabled and publicNames "
        "(azure-cli test_update_gallery_permissions)", by_backend=True),
    Row(P + "softDeletePolicy", IN_PLACE, "spec; seen kept (azure-cli test_gallery_soft_delete)", by_backend=True),
]


def deallocated_refusal(row, what):
    """The 409 of a ``DEALLOCATED`` row changed at the wrong time (wording not verified)."""
    from .exceptions import OperationNotAllowed
    return OperationNotAllowed("Changing property '{}' is allowed only when {}.".format(row.name, what),
                               target=row.name)


def create_only_refusal(row):
    from .exceptions import PropertyChangeRefused
    return PropertyChangeRefused(row.name)
