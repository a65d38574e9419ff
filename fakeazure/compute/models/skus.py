"""Virtual machine sizes (resource SKUs) and vCPU quotas, kept as data in ``skus.json`` (294 sizes of the
general-purpose, memory, compute and storage families: Azure's own resource SKU records of 2023 and Learn's size
pages, each size naming its source).

The wire shape of ``GET /providers/Microsoft.Compute/skus`` is built here from the data; quotas are
per (subscription, location): ``cores`` (Total Regional vCPUs) and one entry per size family. A VM
counts against its quota whatever its power state (Azure counts deallocated VMs too).
"""
import json
import os

from .. import exceptions

_HERE = os.path.dirname(os.path.abspath(__file__))
_DATA = None

def family_label(family):
    """The display name of a family's usage entry: 'standardDSv3Family' -> 'Standard DSv3 Family vCPUs'
    (shared/fidelity/compute-capacity.yaml)."""
    return "Standard {} Family vCPUs".format(family[len("standard"):-len("Family")])


def data():
    global _DATA
    if _DATA is None:
        with open(os.path.join(_HERE, "skus.json"), encoding="utf-8") as fh:
            raw = json.load(fh)
        raw["by_name"] = {s["name"].lower(): s for s in raw["virtualMachines"]}
        for s in raw["virtualMachines"]:
            s["caps"] = {c["name"]: c["value"] for c in s["capabilities"]}
        _DATA = raw
    return _DATA


class Size:
    """One VM size as the backend needs it."""

    def __init__(self, raw):
        self.raw = raw
        self.name = raw["name"]
        self.family = raw["family"]
        caps = raw["caps"]
        self.vcpus = int(caps["vCPUs"])
        self.memory_gb = float(caps["MemoryGB"])
        self.generations = caps["HyperVGenerations"].split(",")
        self.premium_io = caps["PremiumIO"] == "True"
        self.architecture = caps["CpuArchitectureType"]
        self.trusted_launch_disabled = caps.get("TrustedLaunchDisabled") == "True"
        self.max_data_disks = int(caps["MaxDataDiskCount"])
        self.resource_disk_mb = int(caps.get("MaxResourceVolumeMB", "0"))

    def size_body(self):
        """The size as ``vmSizes`` lists it (VirtualMachineSize)."""
        return {"name": self.name, "numberOfCores": self.vcpus, "osDiskSizeInMB": 1047552,
                "resourceDiskSizeInMB": self.resource_disk_mb, "memoryInMB": int(self.memory_gb * 1024),
                "maxDataDiskCount": self.max_data_disks}

    def restricted_in(self, location):
        for r in self.raw.get("restrictions", []):
            if r["type"] == "Location" and location in r["values"]:
                return True
        return False


def size(name):
    raw = data()["by_name"].get((name or "").lower())
    return Size(raw) if raw else None


def locations():
    return list(data()["locations"])


def resource_skus(location=None, subscription=None, extra=None):
    """The resource SKU list (virtualMachines only), optionally for one location; ``extra`` is a cloud's
    :class:`Restrictions` for ``subscription``."""
    out = []
    for s in data()["virtualMachines"]:
        locs = [location] if location else locations()
        for loc in locs:
            restrictions = []
            for r in s.get("restrictions", []):
                if loc in r["values"]:
                    restrictions.append({"type": r["type"], "values": [loc],
                                         "restrictionInfo": {"locations": [loc]},
                                         "reasonCode": r["reasonCode"]})
            if extra is not None and subscription:
                restrictions += extra.wire(subscription, s["name"], loc)
            out.append({"resourceType": "virtualMachines", "name": s["name"], "tier": "Standard",
                        "size": s["name"].split("_", 1)[1], "family": s["family"], "locations": [loc],
                        "locationInfo": [{"location": loc, "zones": list(s.get("zones", [])),
                                          "zoneDetails": []}],
                        "capabilities": [dict(c) for c in s["capabilities"]], "restrictions": restrictions})
    return out


def vm_sizes(location):
    out = []
    for s in data()["virtualMachines"]:
        sz = Size(s)
        if sz.restricted_in(location):
            continue
        out.append(sz.size_body())
    return out


class Restrictions:
    """Restrictions a scenario puts on sizes for one subscription (Learn, "Resolve errors for SKU not available"):
    ``Location`` (the size is not offered in the region to the subscription) or ``Zone`` (not in these zones).
    Wire shape as ``az vm list-skus`` shows them: ``{type, values: [location], restrictionInfo: {locations,
    zones}, reasonCode}``."""

    def __init__(self):
        self.entries = []  # (subscription, size lower, location, zones tuple or None, reason)

    def add(self, subscription, size_name, location, zones=None, reason="NotAvailableForSubscription"):
        self.entries.append((subscription.lower(), size_name.lower(), location.lower(),
                             tuple(str(z) for z in zones) if zones else None, reason))

    def wire(self, subscription, size_name, location):
        out = []
        for sub, size_, loc, zones, reason in self.entries:
            if sub == subscription.lower() and size_ == size_name.lower() and loc == location.lower():
                info = {"locations": [location]}
                if zones:
                    info["zones"] = list(zones)
                out.append({"type": "Zone" if zones else "Location", "values": [location],
                            "restrictionInfo": info, "reasonCode": reason})
        return out

    def blocks(self, subscription, size_name, location, zones):
        """The zones (or ``["*"]`` for the whole location) in which the size may not be created."""
        hit = []
        for r in self.wire(subscription, size_name, location):
            if r["type"] == "Location":
                return ["*"]
            hit += [z for z in r["restrictionInfo"]["zones"] if z in [str(x) for x in zones or []]]
        return hit


class Quotas:
    """vCPU limits of one cloud: defaults from the data, overridden per (subscription, location, name)."""

    def __init__(self):
        self.overrides = {}

    def set(self, subscription, location, name, limit):
        self.overrides[(subscription.lower(), location.lower(), name)] = int(limit)

    def limit(self, subscription, location, name):
        got = self.overrides.get((subscription.lower(), location.lower(), name))
        if got is not None:
            return got
        q = data()["quota"]
        return int(q.get(name, q["family_default"]))

    def usages(self, subscription, location, vms):
        """Usage entries (limit, unit, currentValue, name) for the VMs of one subscription+location."""
        cores = 0
        count = 0
        per_family = {}
        for vm in vms:
            sz = size(vm.size)
            if sz is None:
                continue
            count += 1
            cores += sz.vcpus
            per_family[sz.family] = per_family.get(sz.family, 0) + sz.vcpus

        def entry(name, label, current):
            return {"limit": self.limit(subscription, location, name), "unit": "Count",
                    "currentValue": current, "name": {"value": name, "localizedValue": label}}

        out = [entry("availabilitySets", "Availability Sets", 0),
               entry("cores", "Total Regional vCPUs", cores),
               entry("virtualMachines", "Virtual Machines", count),
               entry("virtualMachineScaleSets", "Virtual Machine Scale Sets", 0)]
        for family in sorted({s["family"] for s in data()["virtualMachines"]}, key=str.lower):
            out.append(entry(family, family_label(family), per_family.get(family, 0)))
        return out, cores, per_family


class SkuBackend:
    """VM sizes as a request names them, and the vCPU quotas a VM counts against."""

    def __init__(self):
        self.quotas = Quotas()
        self.sku_restrictions = Restrictions()

    def vm_size(self, name, location, subscription_id=None, zones=None):
        """The size a VM body names, or Azure's refusal (unknown size, size not offered in the location, or not
        to this subscription in the location or the VM's zones: :class:`Restrictions`)."""
        found = size(name)
        if found is None:
            raise exceptions.InvalidParameter(
                "The value {} provided for the VM size is not valid. The valid sizes in the current region "
                "are: {}.".format(name, ", ".join(s["name"] for s in data()["virtualMachines"])),
                target="vmSize")  # wording not verified
        if found.restricted_in(location):
            raise exceptions.SkuNotAvailable(found.name, location)
        blocked = self.sku_restrictions.blocks(subscription_id, name, location, zones) if subscription_id else []
        if blocked:
            raise exceptions.SkuNotAvailable(found.name, location, None if blocked == ["*"] else blocked)
        return found

    def _vms_in(self, subscription_id, location, exclude=None):
        return [v for v in self.vms.values() if v.subscription_id.lower() == subscription_id.lower() and
                v.location == location and v is not exclude]

    def check_quota(self, subscription_id, location, vm_size, add_vcpus, exclude=None):
        """Azure's refusal when ``add_vcpus`` more vCPUs of ``vm_size`` exceed a family or the regional quota."""
        _, cores, per_family = self.quotas.usages(subscription_id, location,
                                                  self._vms_in(subscription_id, location, exclude))
        for name, label, current in ((vm_size.family, "{} Cores".format(vm_size.family),
                                      per_family.get(vm_size.family, 0)),
                                     ("cores", "Total Regional Cores", cores)):
            limit = self.quotas.limit(subscription_id, location, name)
            if current + add_vcpus > limit:
                raise exceptions.QuotaExceeded(label, location, limit, current, add_vcpus)

    def list_usages(self, subscription_id, location):
        self.cloud.resources.get_subscription(subscription_id)
        loc = location.replace(" ", "").lower()
        return self.quotas.usages(subscription_id, loc, self._vms_in(subscription_id, loc))[0]
