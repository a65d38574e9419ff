"""Snapshots: the model and the backend; a snapshot is made and updated the way a disk is
(:meth:`DiskBackend._write_disk_like`).

Incremental snapshots (recordings ``test_snapshot_incremental``, ``test_completion_percent`` of Azure/azure-cli,
2023): each has an ``incrementalSnapshotFamilyId``, the same for the incremental snapshots of one disk in one
region (the fake derives it from the source's ``uniqueId`` and the region). ``createOption: CopyStart`` copies
an incremental snapshot into another region (Learn, "Copy an incremental snapshot to a new region"): the new
snapshot is made at once and reports its background copy in ``completionPercent`` (0.0 right after, in the
recording); so does an incremental snapshot of an Ultra or Premium SSD v2 disk (``test_snapshot_ultra_ssd``).
How long Azure's copy takes is not recorded; the fake's copies :data:`COPY_GIB_PER_SECOND` on the cloud's
clock (``fakeazure/UNVERIFIED.md``). A CopyStart of a disk into a full snapshot was refused with 409
``OperationNotAllowed`` "CopyStart creation is not supported for this subscription."
(``test_vm_snapshot_copy_start_detection``): the fake answers so to every CopyStart that is not an incremental
snapshot copied into an incremental snapshot.
"""
import uuid

from ...core import ids
from ...core.backend import lister, reader
from .. import exceptions
from .base import lower
from .disks import Disk

# How fast a background copy's data arrives, in GiB per second of the cloud's clock (not verified: Azure publishes
# no rate; the recordings show 0.0 percent seconds after the copy was accepted). About 50 MiB/s: a cross-region
# copy of a 32 GiB disk takes some ten minutes, where 1 GiB/s would end it before the create's first poll.
COPY_GIB_PER_SECOND = 0.05
# Seconds before the copy's first byte arrives (not verified): every recording shows 0.0 on the first reads after
# the create, tens of seconds of polling included (test_snapshot_ultra_ssd, test_completion_percent).
COPY_START_SECONDS = 60.0


class Snapshot(Disk):
    resource_type = "snapshots"

    def __init__(self, *args, incremental=False, family_root=None, background_copy=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.incremental = bool(incremental)
        self.background_copy = bool(background_copy)
        self.family_root = family_root  # uniqueId of the disk the snapshot's lineage started from

    @property
    def family_id(self):
        if not self.incremental:
            return None
        root = self.family_root or self.unique_id
        return str(uuid.uuid5(uuid.NAMESPACE_OID, "{}/{}".format(root, self.location)))

    def completion_percent(self):
        """The background copy of the snapshot's data, from 0.0 to 100.0 on the cloud's clock (None for a
        snapshot made without one)."""
        if not self.background_copy:
            return None
        elapsed = max(0.0, self.backend.cloud.clock.now() - self.time_created - COPY_START_SECONDS)
        # whole percents, as the recordings show them (0.0, 100.0)
        return float(min(100, int(100.0 * elapsed * COPY_GIB_PER_SECOND / max(1, self.size_gb))))

    @property
    def disk_state(self):
        return "ActiveSAS" if self.sas_active else "Unattached"

    def operation_output(self):
        """A CopyStart copy's operation output has no ``completionPercent`` though a GET right after shows 0.0
        (test_completion_percent #9/#10, test_snapshot_incremental #12/#13); an Ultra disk's incremental
        snapshot's output has it (test_snapshot_ultra_ssd #8)."""
        body = self.to_json()
        if lower(self.creation_data.get("createOption")) == "copystart":
            body["properties"].pop("completionPercent", None)
        return body

    def sku_json(self):
        name = "Standard_ZRS" if self.incremental and self.sku.startswith("Premium") else self.sku
        return {"name": name, "tier": "Premium" if name.startswith("Premium") else "Standard"}

    def to_json(self):
        body = super().to_json()
        props = body["properties"]
        for k in ("diskIOPSReadWrite", "diskMBpsReadWrite", "tier"):
            props.pop(k, None)
        out = {}
        for k, v in props.items():  # 'incremental' sits after 'encryption' (fidelity snapshot-create)
            out[k] = v
            if k == "encryption":
                out["incremental"] = self.incremental
        if self.background_copy:
            out["completionPercent"] = self.completion_percent()
        if self.incremental and self.provisioning_state != "Updating":  # not in the first answer (recordings)
            out["incrementalSnapshotFamilyId"] = self.family_id
        body["properties"] = out
        body.pop("managedBy", None)
        return body


class SnapshotBackend:
    get_snapshot = reader("snapshots", "snapshots")
    list_snapshots = lister("snapshots")

    def begin_create_or_update_snapshot(self, subscription_id, resource_group, name, body, patch=False):
        props = body.get("properties") or {}
        cd = props.get("creationData") or {}
        new = ids.key(ids.resource_id(subscription_id, resource_group, "Microsoft.Compute", "snapshots", name)) \
            not in self.snapshots
        if new and lower(cd.get("createOption")) == "copystart":
            source = self._copy_source(cd.get("sourceResourceId"))
            if not (source.resource_type == "snapshots" and source.incremental and props.get("incremental")):
                # Azure's answer to a CopyStart of a disk into a full snapshot (test_vm_snapshot_copy_start_detection
                # #11); whether every other non-incremental CopyStart gets it is not verified
                raise exceptions.OperationNotAllowed("CopyStart creation is not supported for this subscription.")
            if source.completion_percent() not in (None, 100.0):
                raise exceptions.OperationNotAllowed(  # wording not verified
                    "The snapshot '{}' is still being copied; it cannot be the source of a copy.".format(source.id))
        return self._write_disk_like(Snapshot, self.snapshots, subscription_id, resource_group, name, body, patch)

    def begin_delete_snapshot(self, subscription_id, resource_group, name):
        """The operation, or None when there is no such snapshot (Azure answers 204)."""
        return self._delete_disk_like(self.snapshots, "snapshots", subscription_id, resource_group, name)
