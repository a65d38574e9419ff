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


def rescue_size(compute, location, zones=None, catalog=None):
    """The first preferred nested-virtualization size that is offered without restriction in ``location`` (and
    the VM's ``zones``), takes a premium OS disk and fits the vCPU quota; if none fits the quota, the first
    offered one (pre-flight then says so). ``catalog`` is :func:`.preflight_capacity.read_catalog`'s answer."""
    from azure.core.exceptions import HttpResponseError
    from azext_vmbootfix.repair.preflight_capacity import cap, quota_room, read_catalog, restricted
    try:
        skus, usages = catalog or read_catalog(compute, location)
    except HttpResponseError:  # sizes unreadable (e.g. no Microsoft.Compute/skus/read): pre-flight says so
        return RESCUE_SIZES[0]
    offered = {}
    for sku in skus.values():
        if sku.family in NESTED_FAMILIES and not restricted(sku, location, zones) and cap(sku, "PremiumIO") == "True":
            offered[sku.name.lower()] = sku
    ordered = [offered[n.lower()] for n in RESCUE_SIZES if n.lower() in offered] + \
        sorted((s for n, s in offered.items() if n not in {r.lower() for r in RESCUE_SIZES}), key=lambda s: s.name)
    for sku in ordered:
        if not quota_room(sku, usages):
            return sku.name
    if ordered:
        return ordered[0].name
    raise StepFailed("no nested-virtualization-capable VM size with premium storage (Dsv3, Dsv4, Dsv5, Esv3) "
                     "is offered in {}{} to this subscription".format(location, " zone " + ",".join(zones)
                                                                     if zones else ""),
                     "Ask for one of these sizes in the region, or run the rescue by hand (article steps 5-12).")


def rescue_params(compute, vm, catalog=None):
    """What the rescue plan decides before it runs (kept in the journal's params)."""
    broken = windows_version(vm)
    version, image = rescue_image(broken)
    return {"rescueSize": rescue_size(compute, vm.location, list(vm.zones or []), catalog), "rescueImage": image,
            "rescueVersion": version, "brokenVersion": broken}
