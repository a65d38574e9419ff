"""Snapshots: the model and the backend; a snapshot is made and updated the way a disk is
(:meth:`DiskBackend._write_disk_like`)."""
from ...core.backend import lister, reader
from .disks import Disk


class Snapshot(Disk):
    resource_type = "snapshots"

    def __init__(self, *args, incremental=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.incremental = bool(incremental)

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
