"""Pre-flight: the sizes the plan creates VMs of are offered where it creates them, and the vCPU quota has room.

Resource SKUs (``GET /subscriptions/{s}/providers/Microsoft.Compute/skus``, api 2019-04-01 in azure-cli 2.91;
Learn, "Resolve errors for SKU not available"): a size with a ``Location`` restriction naming the region, or a
``Zone`` restriction whose ``restrictionInfo.zones`` names the VM's zone, cannot be created there
(``SkuNotAvailable``); a zonal VM's size must list its zone in ``locationInfo[].zones``.

Quota (``GET .../locations/{l}/usages``; Learn, "Check vCPU quotas"): a VM counts against the regional total
(``cores``) and its size family (``standardDSv5Family`` ...), deallocated or not. The recreate deletes the VM
before it creates it again with the same size: it needs no new quota, only usage not above the limit (a quota
lowered below what is in use refuses the create). The rescue VM is new: it needs its vCPUs free in both.
"""
from azure.core.exceptions import HttpResponseError

from azext_vmbootfix.repair.findings import error_text, failed, passed, warning


def cap(sku, name):
    """A resource SKU's capability value (``"True"``, ``"4"`` ...), or None."""
    return next((c.value for c in sku.capabilities or [] if c.name == name), None)


def read_catalog(compute, location):
    """({size name lower: resource SKU} of the VM sizes in ``location``, {usage name: (limit, current, label)})."""
    skus = {s.name.lower(): s for s in compute.resource_skus.list(filter="location eq '{}'".format(location))
            if s.resource_type == "virtualMachines"}
    usages = {}
    for u in compute.usage.list(location):
        usages[u.name.value] = (int(u.limit), int(u.current_value), u.name.localized_value or u.name.value)
    return skus, usages


def restricted(sku, location, zones):
    """Why ``sku`` cannot be created in ``location`` (and ``zones``), or None."""
    zones = list(zones or [])
    for r in sku.restrictions or []:
        rtype = str(getattr(r.type, "value", r.type))
        reason = str(getattr(r.reason_code, "value", r.reason_code) or "")
        if rtype == "Location" and location.lower() in [v.lower() for v in r.values or []]:
            return "not available in {} to this subscription ({})".format(location, reason or "Location")
        if rtype == "Zone" and zones:
            hit = sorted(set(zones) & set((r.restriction_info.zones if r.restriction_info else None) or []))
            if hit:
                return "not available in zone {} of {} ({})".format(",".join(hit), location, reason or "Zone")
    if zones:
        offered = set()
        for info in sku.location_info or []:
            if (info.location or "").lower() == location.lower():
                offered |= set(info.zones or [])
        missing = sorted(set(zones) - offered)
        if missing:
            return "not offered in zone {} of {}".format(",".join(missing), location)
    return None


def quota_room(sku, usages, new=True):
    """The quota lines a VM of ``sku`` would not fit (``new``: it adds its vCPUs), empty when it fits."""
    need = int(cap(sku, "vCPUs") or 0) if new else 0
    short = []
    for key in ("cores", sku.family):
        if key in usages:
            limit, current, label = usages[key]
            if current + need > limit:
                short.append("{}: {} of {} in use, {} more needed".format(label, current, limit, need) if need
                             else "{}: {} in use is above the limit {}".format(label, current, limit))
    return short


def capacity(compute, target):
    """Size and quota findings for the VMs the remaining steps create: the recreated VM, the rescue VM."""
    names = set(target.step_names)
    wanted = []  # (role, size, new vCPUs count against quota, needs premium storage)
    if "recreate-from-image" in names and target.facts.get("vmSize"):
        wanted.append(("recreated VM", target.facts["vmSize"], False, False))
    if "create-rescue-vm" in names and target.rescue_size:
        wanted.append(("rescue VM", target.rescue_size, "create-rescue-vm" not in target.started, True))
    if not wanted:
        return []
    location, zones = target.location, list(target.facts.get("zones") or [])
    try:
        skus, usages = target.catalog or read_catalog(compute, location)
    except HttpResponseError as exc:
        return [warning("size", "could not read the VM sizes or the vCPU quota of {} ({}); they are not "
                                "checked".format(location, error_text(exc)))]
    out = []
    for role, size, new, premium in wanted:
        sku = skus.get(size.lower())
        why = "not offered in {}".format(location) if sku is None else restricted(sku, location, zones)
        if why is None and premium and cap(sku, "PremiumIO") != "True":
            why = "cannot take the Premium_LRS OS disk the rescue VM is created with (no PremiumIO)"
        if why:
            out.append(failed("size", "the {}'s size {} is {}".format(role, size, why), _advice(role, location)))
            continue
        out.append(passed("size", "the {}'s size {} is offered in {}{}".format(
            role, size, location, " zone " + ",".join(zones) if zones else "")))
        short = quota_room(sku, usages, new)
        if short:
            out.append(failed("quota", "the {}'s size {} does not fit the vCPU quota of {}: {}".format(
                role, sku.name, location, "; ".join(short)), _advice(role, location, quota=True)))
        else:
            out.append(passed("quota", "the {} ({} vCPUs of {}) fits the vCPU quota of {}".format(
                role, cap(sku, "vCPUs"), sku.family, location)))
    return out


def _advice(role, location, quota=False):
    if role != "rescue VM":
        ask = "Ask for more vCPU quota in {} (portal: Subscriptions > Usage + quotas)".format(location) if quota \
            else "Lift the restriction (a support request for the size in the region or zone)"
        return ask + ", then run the repair again: the recreated VM keeps its size."
    return ("No nested-virtualization size with premium storage fits {} now: ask for vCPU quota for the DSv5 or "
            "DSv3 family there (portal: Subscriptions > Usage + quotas), then plan again.").format(location) \
        if quota else ("No nested-virtualization size with premium storage is offered in {} and the VM's zone: "
                       "ask for access to the DSv5 or DSv3 family there, then plan again.".format(location))
