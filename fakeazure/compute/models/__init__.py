"""The Compute backend: one object per cloud, made of one backend per resource family (moto's
``EC2Backend`` is made the same way), each in its own module with its models:

| family | module | state |
|---|---|---|
| virtual machines | ``virtual_machine`` (model), ``virtual_machines`` (reads, create, delete), | ``vms`` |
| | ``vm_updates`` (PUT/PATCH of a VM), ``vm_actions`` (power, generalize, boot), | |
| | ``vm_operations`` (redeploy, reapply, patches, attach/detach, ...) | |
| disks, snapshots | ``disks``, ``snapshots``, ``disk_access`` (grant, revoke, uploads) | ``disks``, |
| | | ``snapshots`` |
| managed images, image references | ``images``, ``marketplace`` | ``images`` |
| galleries | ``galleries`` | ``galleries``, ``gallery_images``, ``gallery_versions`` |
| SKUs and quotas | ``skus`` | ``quotas`` |
| VM extensions | ``vm_extensions`` | ``vm_extensions`` |
| guest operations | ``run_commands``, ``boot_diagnostics`` | ``running``, ``run_commands``, ``history``, |
| | | ``last_boot`` |

The tables of resources are made empty in ``__init__`` (:class:`fakeazure.core.backend.ResourceBackend`,
from ``tables``), a family with other state makes it in its own ``__init__``, and so does this class (the
throttling counters): ``Cloud.reset()``, which makes a new backend, drops all of it. Backends return model objects,
operations and :class:`fakeazure.core.backend.Write` records; :mod:`fakeazure.compute.responses` chooses the status
codes and bodies. Request checks are in :mod:`fakeazure.compute.checks`, errors in
:mod:`fakeazure.compute.exceptions`.
"""
from ...core import ids
from ...core.backend import ResourceBackend, rename
from ..ratelimit import RateCounter
from .base import ComputeBase, NS
from .boot_diagnostics import BootDiagnosticsBackend
from .disk_access import DiskAccessBackend
from .disks import Disk, DiskBackend
from .galleries import Gallery, GalleryBackend, GalleryImage, GalleryImageVersion
from .images import Image, ImageBackend
from .run_commands import RunCommandBackend
from .skus import SkuBackend
from .snapshots import Snapshot, SnapshotBackend
from .virtual_machine import VirtualMachine
from .virtual_machines import VirtualMachineBackend
from .vm_actions import VirtualMachineActionsBackend, boot_vm
from .vm_extensions import VmExtension, VmExtensionBackend
from .vm_operations import VirtualMachineOperationsBackend
from .vm_updates import VirtualMachineUpdateBackend

_FAMILIES = (VirtualMachineBackend, VirtualMachineUpdateBackend, VirtualMachineActionsBackend, DiskBackend,
             DiskAccessBackend, SnapshotBackend, ImageBackend, GalleryBackend, SkuBackend, RunCommandBackend,
             BootDiagnosticsBackend, VmExtensionBackend, VirtualMachineOperationsBackend)


_TABLE_OF = {"virtualMachines": "vms", "disks": "disks", "snapshots": "snapshots", "images": "images",
             "galleries": "galleries", "galleries/images": "gallery_images",
             "galleries/images/versions": "gallery_versions", "virtualMachines/extensions": "vm_extensions"}


class ComputeBackend(ComputeBase, ResourceBackend, *_FAMILIES):
    tables = ("vms", "disks", "snapshots", "images", "galleries", "gallery_images", "gallery_versions",
              "vm_extensions")

    def __init__(self, cloud):
        ResourceBackend.__init__(self, cloud)
        for family in _FAMILIES:
            if "__init__" in family.__dict__:
                family.__init__(self)
        self.rate = RateCounter(cloud.clock)  # Compute's throttling buckets (x-ms-ratelimit-remaining-resource)

    def add(self, obj):
        """Keep a resource made outside a request: tests that need a state no PUT can make, and the lazily built
        fleets of :mod:`fakeazure.scenarios.fleet` (10,000 VMs in seconds)."""
        getattr(self, _TABLE_OF[obj.resource_type])[ids.key(obj.id)] = obj
        return obj

    def move_resources(self, renames):
        """A moved VM keeps its managed Run Commands and the action Run Command it is running."""
        super().move_resources(renames)
        for table in (self.run_commands, self.running):
            for key in [k for k in table if rename(k, renames) != k]:
                table[ids.key(rename(key, renames))] = table.pop(key)
        for commands in self.run_commands.values():
            for rc in commands.values():
                rc.vm_id = rename(rc.vm_id, renames)

    def graph_rows(self, subscription_ids):
        """Every resource of the given subscriptions (lower-case ids) as Azure Resource Graph's
        ``resources`` table holds it: the resource's ARM body with a lower-case ``type`` and
        ``resourceGroup``, ``subscriptionId``, and for VMs ``properties.extended.instanceView``."""
        for t in self.tables:
            for obj in getattr(self, t).values():
                if obj.subscription_id.lower() not in subscription_ids:
                    continue
                body = obj.to_json()
                if t == "vms":
                    body["properties"]["extended"] = {"instanceView": obj.graph_instance_view()}
                yield {"id": body["id"], "name": body["name"], "type": body["type"].lower(),
                       "tenantId": self.cloud.identity.tenant_id, "kind": "", "location": body.get("location"),
                       "resourceGroup": obj.resource_group.lower(), "subscriptionId": obj.subscription_id,
                       "managedBy": body.get("managedBy") or "", "sku": body.get("sku"), "plan": None,
                       "properties": body.get("properties") or {}, "tags": body.get("tags") or {},
                       "identity": body.get("identity"), "zones": body.get("zones"), "extendedLocation": None}

    def dump(self):
        return {"virtualMachines": [vm.to_json(instance_view=True) for vm in self.vms.values()],
                "disks": [d.to_json() for d in self.disks.values()],
                "snapshots": [s.to_json() for s in self.snapshots.values()],
                "images": [i.to_json() for i in self.images.values()],
                "galleries": [g.to_json() for g in self.galleries.values()],
                "galleryImages": [g.to_json() for g in self.gallery_images.values()],
                "galleryImageVersions": [g.to_json() for g in self.gallery_versions.values()],
                # not Azure's: how often each VM's guest booted, for tests that must see a reboot or its absence
                "guestBoots": {"{}/{}".format(vm.resource_group, vm.name): vm.boots for vm in self.vms.values()}}


__all__ = ["ComputeBackend", "Disk", "Gallery", "GalleryImage", "GalleryImageVersion", "Image", "NS", "Snapshot",
           "VirtualMachine", "VmExtension", "boot_vm"]
