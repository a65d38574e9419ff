"""Availability sets and proximity placement groups (``AvailabilitySets_*``, ``ProximityPlacementGroups_*``,
Microsoft.Compute 2024-11-01): PUT, GET, list and DELETE, answered at once (no long-running operation, as the
spec's 200 for both), and the VMs that reference them.

Shapes (azure-rest-api-specs ComputeRP availabilitySet.json, proximityPlacementGroup.json): an availability set
has ``sku.name`` ``Aligned`` (managed disks) or ``Classic``, ``platformFaultDomainCount`` (default 2),
``platformUpdateDomainCount`` (default 5), the read-only ``virtualMachines`` [{id}] and an optional
``proximityPlacementGroup``; a proximity placement group has ``proximityPlacementGroupType`` (Standard), the
read-only ``virtualMachines`` and ``availabilitySets`` [{id}].

Refusals: a VM with managed disks in a ``Classic`` set: 409 OperationNotAllowed (wording recalled from public
reports, not verified: fakeazure/UNVERIFIED.md); a VM moved to another set: 409 PropertyChangeNotAllowed
"Changing property 'availabilitySet.id' is not allowed." (azure-powershell#1820, made by vm_kept); a set or group
still referenced by a VM cannot be deleted: 409 (wording not verified).
"""
from ...core import ids
from ...core.backend import Write, lister, reader
from .. import exceptions
from .base import NS, ComputeResource

_FAULT_DOMAINS, _UPDATE_DOMAINS = 2, 5


class AvailabilitySet(ComputeResource):
    resource_type = "availabilitySets"

    def __init__(self, backend, subscription_id, resource_group, name, location, tags=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.sku = "Aligned"
        self.fault_domains, self.update_domains = _FAULT_DOMAINS, _UPDATE_DOMAINS
        self.ppg_id = None

    def vm_ids(self):
        return sorted(vm.id for vm in self.backend.vms.values()
                      if ids.same(((vm.kept.get("properties") or {}).get("availabilitySet") or {}).get("id"), self.id))

    def to_json(self):
        props = {"platformUpdateDomainCount": self.update_domains, "platformFaultDomainCount": self.fault_domains,
                 "virtualMachines": [{"id": i} for i in self.vm_ids()]}
        if self.ppg_id:
            props["proximityPlacementGroup"] = {"id": self.ppg_id}
        body = self.envelope(props)
        body["sku"] = {"name": self.sku}
        return body


class ProximityPlacementGroup(ComputeResource):
    resource_type = "proximityPlacementGroups"

    def __init__(self, backend, subscription_id, resource_group, name, location, tags=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.ppg_type = "Standard"

    def to_json(self):
        vms = sorted(vm.id for vm in self.backend.vms.values() if ids.same(
            ((vm.kept.get("properties") or {}).get("proximityPlacementGroup") or {}).get("id"), self.id))
        sets = sorted(a.id for a in self.backend.availability_sets.values() if ids.same(a.ppg_id, self.id))
        return self.envelope({"proximityPlacementGroupType": self.ppg_type,
                              "virtualMachines": [{"id": i} for i in vms],
                              "availabilitySets": [{"id": i} for i in sets]})


class AvailabilitySetBackend:
    get_availability_set = reader("availability_sets", "availabilitySets")
    list_availability_sets = lister("availability_sets")
    get_ppg = reader("ppgs", "proximityPlacementGroups")
    list_ppgs = lister("ppgs")

    def begin_create_or_update_availability_set(self, sub, rg, name, body):
        self.cloud.resources.get_group(sub, rg)
        rid = ids.resource_id(sub, rg, NS, "availabilitySets", name)
        existing = self.availability_sets.get(ids.key(rid))
        props = body.get("properties") or {}
        aset = existing or AvailabilitySet(self, sub, rg, name, _location(body), body.get("tags"))
        if existing is not None:
            aset.tags = dict(body.get("tags") or {})
        aset.sku = ((body.get("sku") or {}).get("name") or aset.sku)
        aset.fault_domains = int(props.get("platformFaultDomainCount") or aset.fault_domains)
        aset.update_domains = int(props.get("platformUpdateDomainCount") or aset.update_domains)
        ppg = (props.get("proximityPlacementGroup") or {}).get("id")
        aset.ppg_id = self.referenced(ppg, "ppgs", "proximityPlacementGroups").id if ppg else None
        aset.provisioning_state = "Succeeded"
        self.availability_sets[ids.key(rid)] = aset
        return Write(aset, existing is None, None, aset.to_json())

    def begin_delete_availability_set(self, sub, rg, name):
        aset = self.deletable(self.availability_sets, "availabilitySets", sub, rg, name)
        if aset is None:
            return None
        self.cloud.check_locks_for_delete(aset.id)
        if aset.vm_ids():
            raise exceptions.OperationNotAllowed(  # wording not verified
                "Availability Set '{}' cannot be deleted. Before deleting an Availability Set please ensure that it "
                "does not contain any VM.".format(aset.name))
        self.availability_sets.pop(ids.key(aset.id), None)
        return None

    def begin_create_or_update_ppg(self, sub, rg, name, body):
        self.cloud.resources.get_group(sub, rg)
        rid = ids.resource_id(sub, rg, NS, "proximityPlacementGroups", name)
        existing = self.ppgs.get(ids.key(rid))
        ppg = existing or ProximityPlacementGroup(self, sub, rg, name, _location(body), body.get("tags"))
        if existing is not None:
            ppg.tags = dict(body.get("tags") or {})
        ppg.ppg_type = (body.get("properties") or {}).get("proximityPlacementGroupType") or ppg.ppg_type
        ppg.provisioning_state = "Succeeded"
        self.ppgs[ids.key(rid)] = ppg
        return Write(ppg, existing is None, None, ppg.to_json())

    def begin_delete_ppg(self, sub, rg, name):
        ppg = self.deletable(self.ppgs, "proximityPlacementGroups", sub, rg, name)
        if ppg is None:
            return None
        self.cloud.check_locks_for_delete(ppg.id)
        body = ppg.to_json()["properties"]
        if body["virtualMachines"] or body["availabilitySets"]:
            raise exceptions.OperationNotAllowed(  # wording not verified
                "Proximity placement group '{}' cannot be deleted while resources are allocated in it."
                .format(ppg.name))
        self.ppgs.pop(ids.key(ppg.id), None)
        return None

    def check_placement(self, vm_location, props):
        """A VM body's availability set and proximity placement group: they exist, are in its region, and an
        availability set takes VMs with managed disks only with the Aligned SKU."""
        aset_id = (props.get("availabilitySet") or {}).get("id")
        if aset_id:
            aset = self.referenced(aset_id, "availability_sets", "availabilitySets")
            if aset.sku.lower() != "aligned":
                raise exceptions.OperationNotAllowed(  # wording recalled, not verified
                    "Addition of a VM with managed disks to non managed Availability Set or addition of a VM with "
                    "blob based disks to managed Availability Set is not supported. Please create an Availability "
                    "Set with 'Aligned' SKU in order to add a VM with managed disks to it.")
        ppg_id = (props.get("proximityPlacementGroup") or {}).get("id")
        if ppg_id:
            self.referenced(ppg_id, "ppgs", "proximityPlacementGroups")


def _location(body):
    from .. import checks
    return checks.location_of(body)
