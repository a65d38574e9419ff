"""Pre-flight checks of the VM itself, of the image the recreate uses, and of a marketplace plan's terms.

Sources: Azure Disk Encryption is recognised as azure-cli's ``vm encryption show`` does (vm/disk_encryption.py:
the extension ``Microsoft.Azure.Security``/``AzureDiskEncryption`` in the VM's ``resources`` or instance view,
or ``osDisk.encryptionSettings``), plus the managed disk's ``encryptionSettingsCollection``. Trusted Launch and
images: Learn, "Trusted Launch for Azure virtual machines" (unsupported: managed images; a gallery image
definition's ``SecurityType`` feature is ``TrustedLaunch``, ``TrustedLaunchSupported``,
``TrustedLaunchAndConfidentialVmSupported``, ``ConfidentialVM`` or ``ConfidentialVmSupported``). Plan terms:
Microsoft.MarketplaceOrdering agreements (azure-rest-api-specs, 2021-01-01), offer type ``virtualmachine``.
"""
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from azext_vmbootfix.repair.findings import error_text, failed, passed, split_id, warning

ADE_PUBLISHER = "microsoft.azure.security"
ADE_TYPES = ("azurediskencryption", "azurediskencryptionforlinux")
# Which VM security types a gallery image definition's SecurityType feature lets a VM have.
GALLERY_SECURITY = {
    "standard": ("Standard",),
    "trustedlaunchsupported": ("Standard", "TrustedLaunch"),
    "trustedlaunch": ("TrustedLaunch",),
    "trustedlaunchandconfidentialvmsupported": ("Standard", "TrustedLaunch", "ConfidentialVM"),
    "confidentialvmsupported": ("Standard", "ConfidentialVM"),
    "confidentialvm": ("ConfidentialVM",),
}


def _enum(value):
    return str(getattr(value, "value", value)) if value is not None else None


def _ade(vm, disk):
    """Why the VM looks encrypted with Azure Disk Encryption, or None."""
    os_disk = vm.storage_profile.os_disk
    if os_disk.encryption_settings is not None and os_disk.encryption_settings.enabled is not False:
        return "its OS disk has encryptionSettings (Azure Disk Encryption)"
    for ext in vm.resources or []:
        if (ext.publisher or "").lower() == ADE_PUBLISHER and \
                (ext.type_properties_type or "").lower() in ADE_TYPES:
            return "it has the AzureDiskEncryption extension ({})".format(ext.name)
    view = vm.instance_view
    for ext in (view.extensions or []) if view else []:
        if (ext.type or "").lower().startswith(ADE_PUBLISHER) and (ext.name or "").lower() in ADE_TYPES:
            return "its instance view shows the AzureDiskEncryption extension"
    collection = getattr(disk, "encryption_settings_collection", None) if disk is not None else None
    if collection is not None and collection.enabled:
        return "its OS disk {} has encryptionSettingsCollection enabled".format(disk.name)
    return None


def vm_shape(compute, vm):
    """Windows on managed disks, no ephemeral OS disk, no ADE, not a scale-set instance."""
    name = vm.name
    os_disk = vm.storage_profile.os_disk
    out = []
    os_type = _enum(os_disk.os_type) or "an unknown OS"
    if os_type.lower() != "windows":
        out.append(failed("vm", "{} runs {}, and this tool repairs Windows VMs stuck at OOBE".format(name, os_type),
                          "For a Linux VM that does not boot, see `az vm repair` (the vm-repair extension)."))
    unmanaged = [d.name for d in [os_disk] + list(vm.storage_profile.data_disks or []) if d.managed_disk is None]
    if unmanaged:
        out.append(failed("vm", "{} has unmanaged disks ({}); the repair snapshots, copies and attaches managed "
                                "disks".format(name, ", ".join(unmanaged)),
                          "Convert them first: az vm convert -g {} -n {}".format(_group(vm), name)))
    if os_disk.diff_disk_settings is not None:
        out.append(failed("vm", "{} has an ephemeral OS disk: there is no managed disk to keep, copy or swap, and "
                                "its contents do not survive a deallocation".format(name),
                          "Reimage it instead: az vm reimage -g {} -n {}".format(_group(vm), name)))
    if vm.virtual_machine_scale_set is not None:
        out.append(failed("vm", "{} is an instance of the scale set {}; a scale set instance cannot be deleted and "
                                "recreated, or given another OS disk, on its own".format(
                                    name, vm.virtual_machine_scale_set.id.rsplit("/", 1)[-1]),
                          "Reimage the instance through its scale set (az vmss reimage), or remove it from the "
                          "scale set first."))
    disk = None
    if os_disk.managed_disk is not None and os_disk.managed_disk.id and not os_disk.diff_disk_settings:
        p = split_id(os_disk.managed_disk.id)
        try:
            disk = compute.disks.get(p["resource_group"], p["names"][-1])
        except ResourceNotFoundError:
            out.append(failed("vm", "the OS disk {} of {} does not exist".format(os_disk.managed_disk.id, name),
                              "Check the VM: az vm show -g {} -n {}".format(_group(vm), name),
                              error="ResourceNotFoundError"))
        except HttpResponseError as exc:
            out.append(warning("vm", "could not read the OS disk to look for Azure Disk Encryption ({})".format(
                error_text(exc))))
    ade = _ade(vm, disk)
    if ade:
        out.append(failed("vm", "{} is encrypted with Azure Disk Encryption ({}): a copy of its OS disk cannot be "
                                "read on a rescue VM without the BitLocker key, and a recreated VM would not have "
                                "it".format(name, ade),
                          "Repair it with `az vm repair create --unlock-encrypted-vm` (the vm-repair extension), "
                          "which unlocks the disk with the key from its Key Vault."))
    if not out:
        out.append(passed("vm", "{}: Windows, managed disks, not ephemeral, not encrypted with ADE, not in a scale "
                                "set".format(name)))
    return out


def _group(vm):
    return split_id(vm.id)["resource_group"]


# -- the image ----------------------------------------------------------------------------------------------
def _image_details(compute, image):
    """{kind, osType, hyperVGeneration, securityType} of the recreate's image, read from Azure when the plan
    does not know them (an --image given by id)."""
    p = split_id(image.get("id"))
    types = [t.lower() for t in p["types"]]
    if types == ["images"]:
        img = compute.images.get(p["resource_group"], p["names"][0])
        os_disk = img.storage_profile.os_disk if img.storage_profile else None
        return {"kind": "managedImage", "osType": _enum(os_disk.os_type) if os_disk else None,
                "hyperVGeneration": _enum(img.hyper_v_generation), "securityType": None}
    if types == ["galleries", "images", "versions"]:
        definition = compute.gallery_images.get(p["resource_group"], p["names"][0], p["names"][1])
        security = next((f.value for f in definition.features or [] if (f.name or "").lower() == "securitytype"),
                        "Standard")
        return {"kind": "galleryImageVersion", "osType": _enum(definition.os_type),
                "hyperVGeneration": _enum(definition.hyper_v_generation), "securityType": security}
    return {"kind": "other", "osType": None, "hyperVGeneration": None, "securityType": None}


def image_fit(compute, target):
    """The image gives a VM like this one: Windows, the VM's Hyper-V generation, its security type."""
    image, facts = target.image, target.facts
    name = image.get("name") or image.get("id")
    if not image.get("id"):
        return []
    try:
        known = _image_details(compute, image)
    except HttpResponseError as exc:
        code = getattr(getattr(exc, "error", None), "code", None) or ""
        if getattr(exc, "status_code", None) == 404 or "notfound" in code.lower():
            return [failed("image", "the image {} does not exist ({})".format(name, error_text(exc)),
                           "Run `az vm boot-fix diagnose -g {} -n {}` to see the images captured from the VM, or "
                           "give another --image.".format(target.resource_group, facts["name"]),
                           error="ResourceNotFoundError")]
        return [warning("image", "could not read the image {} to check that it fits ({})".format(name,
                                                                                             error_text(exc)))]
    kind = known["kind"]
    problems = []
    os_type = known["osType"]
    if os_type and os_type.lower() != "windows":
        problems.append("it is a {} image".format(os_type))
    vm_gen, image_gen = facts.get("hyperVGeneration"), known["hyperVGeneration"] or image.get("hyperVGeneration")
    if vm_gen and image_gen and vm_gen.upper() != image_gen.upper():
        problems.append("it is Hyper-V generation {} and the VM is {}".format(image_gen, vm_gen))
    vm_security = facts.get("securityType") or "Standard"
    if kind == "managedImage" and vm_security != "Standard":
        problems.append("the VM's security type is {} and a managed image cannot give it (only an Azure Compute "
                        "Gallery image version can)".format(vm_security))
    elif kind == "galleryImageVersion":
        feature = known["securityType"] or image.get("securityType") or "Standard"
        allowed = GALLERY_SECURITY.get(feature.lower(), ("Standard",))
        if vm_security not in allowed:
            problems.append("its image definition's security type {} does not allow a {} VM".format(feature,
                                                                                                vm_security))
    if not problems:
        return [passed("image", "{} ({}) fits: {}, generation {}, security type {}".format(
            name, kind, os_type or "Windows", image_gen or vm_gen or "as the VM", vm_security))]
    return [failed("image", "the image {} does not fit {}: {}".format(name, facts["name"], "; ".join(problems)),
                   "Capture an Azure Compute Gallery image version of the same generation and security type "
                   "(a TrustedLaunch VM needs a definition with SecurityType TrustedLaunchSupported) and pass it "
                   "with --image, or use --rescue, which keeps the VM and repairs its disk.")]


# -- a marketplace plan ---------------------------------------------------------------------------------------
def plan_terms(clients, target):
    """A VM with a marketplace ``plan`` can only be created again if the plan's terms are accepted."""
    plan = getattr(target.vm, "plan", None) if target.vm is not None else None
    if plan is None or not plan.publisher:
        return []
    what = "{}/{}/{}".format(plan.publisher, plan.product, plan.name)
    try:
        terms = clients.marketplace.marketplace_agreements.get(offer_type="virtualmachine",
                                                               publisher_id=plan.publisher,
                                                               offer_id=plan.product, plan_id=plan.name)
    except HttpResponseError as exc:
        return [warning("plan-terms", "could not read the terms of the marketplace plan {} ({})".format(
            what, error_text(exc)), "az vm image terms show --publisher {} --offer {} --plan {}".format(
                plan.publisher, plan.product, plan.name))]
    if terms.accepted:
        return [passed("plan-terms", "the terms of the marketplace plan {} are accepted".format(what))]
    return [failed("plan-terms", "{} has the marketplace plan {} and its terms are not accepted in this "
                                 "subscription: the recreated VM would be refused".format(target.facts["name"], what),
                   "Accept them: az vm image terms accept --publisher {} --offer {} --plan {}".format(
                       plan.publisher, plan.product, plan.name))]
