"""Snapshots: the model and the backend; a snapshot is made and updated the way a disk is
(:meth:`DiskBackend._write_disk_like`).

What Azure computes for a snapshot (azure-cli recordings test_snapshot_incremental, test_completion_percent):
an incremental snapshot has ``incrementalSnapshotFamilyId``, shared by the incremental snapshots of one disk in
one region (a copy into another region starts a family of its own); a ``CopyStart`` copy, and an incremental
snapshot of an Ultra or Premium SSD v2 disk (test_snapshot_ultra_ssd; Learn, "Create an incremental snapshot":
their data is copied in the background and the snapshot is usable at 100), report ``completionPercent``
(``0.0`` when Azure has just accepted them) while the copy runs.
"""
import uuid

from ...core.backend import lister, reader
from .disks import Disk

# How fast a background copy's data arrives, in GiB per second of the cloud's clock (not verified: Azure publishes
# no rate; the recordings show 0.0 percent seconds after the copy was accepted).
COPY_GIB_PER_SECOND = 1.0


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
        """The background copy of the snapshot's data, from 0.0 to 100.0 on the cloud's clock."""
        elapsed = self.backend.cloud.clock.now() - self.time_created
        return round(min(100.0, 100.0 * elapsed * COPY_GIB_PER_SECOND / max(1, self.size_gb)), 1)

    @property
    def disk_state(self):
        return "ActiveSAS" if self.sas_active else "Unattached"

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
        if self.incremental:
            out["incrementalSnapshotFamilyId"] = self.family_id
        body["properties"] = out
        body.pop("managedBy", None)
        return body


class SnapshotBackend:
    get_snapshot = reader("snapshots", "snapshots")
    list_snapshots = lister("snapshots")

    def begin_create_or_update_snapshot(self, subscription_id, resource_group, name, body, patch=False):
        return self._write_disk_like(Snapshot, self.snapshots, subscription_id, resource_group, name, body, patch)

    def begin_delete_snapshot(self, subscription_id, resource_group, name):
        """The operation, or None when there is no such snapshot (Azure answers 204)."""
        return self._delete_disk_like(self.snapshots, "snapshots", subscription_id, resource_group, name)
