"""What the rescue plan decides before it runs: the rescue VM's image (another Windows Server version than the
broken disk's) and size (one that offers nested virtualization). Used by :mod:`.rescue`."""
import re

from azext_vmbootfix.repair.recreate import StepFailed

# No resource SKU capability says "nested virtualization" (oobe-domain.md section 0): the capable families, as data.
NESTED_FAMILIES = ("standardDv3Family", "standardDSv3Family", "standardDv4Family", "standardDSv4Family",
                   "standardDv5Family", "standardDSv5Family", "standardEv3Family", "standardESv3Family",
                   "standardEv4Family", "standardEv5Family")
RESCUE_SIZES = ("Standard_D4s_v5", "Standard_D4s_v3", "Standard_D4s_v4", "Standard_D4_v5", "Standard_D4_v3",
                "Standard_E4s_v3", "Standard_E4s_v5", "Standard_E4_v5", "Standard_E4_v4")
# Rescue images, in order of preference: the first whose Windows Server version differs from the broken disk's.
RESCUE_IMAGES = (("2019", {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                           "sku": "2019-datacenter-gensecond", "version": "latest"}),
                 ("2022", {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                           "sku": "2022-datacenter-g2", "version": "latest"}),
                 ("2016", {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                           "sku": "2016-datacenter-gensecond", "version": "latest"}))
def windows_version(vm):
    """The broken disk's Windows Server version ("2022", ...) from the VM's image reference or instance view."""
    ref = vm.storage_profile.image_reference if vm.storage_profile else None
    texts = [getattr(ref, "sku", None), getattr(ref, "offer", None)]
    view = getattr(vm, "instance_view", None)
    texts += [getattr(view, "os_name", None), getattr(view, "os_version", None)]
    for text in texts:
        match = re.search(r"(20[0-9]{2})", text or "")
        if match:
            return match.group(1)
    return None


def rescue_image(broken_version):
    for version, ref in RESCUE_IMAGES:
        if version != broken_version:
            return version, dict(ref)
    raise StepFailed("no rescue image of another Windows version than {}".format(broken_version))


def rescue_size(compute, location):
    """The first preferred nested-virtualization size offered without restriction in ``location``."""
    offered = {}
    for sku in compute.resource_skus.list(filter="location eq '{}'".format(location)):
        if sku.resource_type == "virtualMachines" and not sku.restrictions and sku.family in NESTED_FAMILIES:
            offered[sku.name.lower()] = sku.name
    for name in RESCUE_SIZES:
        if name.lower() in offered:
            return name
    if offered:
        return sorted(offered.values())[0]
    raise StepFailed("no nested-virtualization-capable VM size (Dv3/Dsv3, Dv4/Dsv4, Dv5/Dsv5, Ev3/Esv3, Ev4, Ev5) "
                     "is offered in {} to this subscription".format(location),
                     "Ask for quota for one of these families, or run the rescue by hand (article steps 5-12).")


def rescue_params(compute, vm):
    """What the rescue plan decides before it runs (kept in the journal's params)."""
    broken = windows_version(vm)
    version, image = rescue_image(broken)
    return {"rescueSize": rescue_size(compute, vm.location), "rescueImage": image, "rescueVersion": version,
            "brokenVersion": broken}
