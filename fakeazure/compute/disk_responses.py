"""Microsoft.Compute disks and snapshots (DiskRP): PUT/PATCH answer 202 with the request echoed and the
DiskOperations headers (no Azure-AsyncNotification); beginGetAccess/endGetAccess are 202 operations whose
output is the SAS. Every answer names its DiskRP throttling bucket (:mod:`.ratelimit`)."""
from . import ratelimit
from .responses import ComputeResponse


class DiskResponse(ComputeResponse):
    kind, plural, names = "disk", "disks", ("diskName",)
    buckets = dict(ratelimit.buckets("GetDisks", "CreateUpdateDisks", "DeleteDisks"),
                   begin_get_access="GetDisks", end_get_access="GetDisks")  # bucket of the grant: not recorded

    def put(self):
        body = self.json_body()
        write = self._call("begin_create_or_update_", *self._names(), body, patch=self.ctx.method == "PATCH")
        echo = _echo(body, write.obj, write.created)
        return self._async(write.operation, 202, echo, location=True)

    def begin_get_access(self):
        """POST .../beginGetAccess: 202 + DiskOperations; the SAS is the operation's output."""
        op = self._call("begin_grant_access_", *self._names(), self.json_body(), self.ctx.base_url)
        return self._async(op, 202, None, location=True)

    def end_get_access(self):
        return self._async(self._call("begin_revoke_access_", *self._names()), 202, None, location=True)


class SnapshotResponse(DiskResponse):
    kind, plural, names = "snapshot", "snapshots", ("snapshotName",)
    buckets = dict(ratelimit.buckets("GetDisks", "HighCostSnapshotCreateHydrate", "DeleteDisks"),
                   begin_get_access="GetDisks", end_get_access="GetDisks")


# Performance targets a disk keeps only where they are settable (Ultra and Premium SSD v2); elsewhere the echo
# drops them as the later GET does (test_vm_managed_disk#5: a Standard_LRS update PUT sent them, the echo had none)
_SETTABLE_PERFORMANCE = ("ultrassd_lrs", "premiumv2_lrs")


def _echo(body, obj, created=True):
    """The 202 body of a disk/snapshot PUT or PATCH: the request echoed with the resource's name, id and type and
    ``provisioningState: Updating``, as Azure answered in every 2023 azure-cli recording at every DiskRP
    api-version (2022-03-02, 2022-07-02). Azure's echo of 2021-2022 (no id and type, ``isArmResource: true``,
    a copy's ``sourceUniqueId``: fidelity disk-create.yaml, test_vm_snapshot_copy_start_detection) was sent at
    the same api-versions: a change of the service, not of the api-version, so the fake answers today's."""
    out = {"name": obj.name, "id": obj.id, "type": obj.full_type}
    for k in ("location", "extendedLocation", "tags", "sku"):  # zones are not echoed (test_vm_disk_create_zones#1)
        if k in body:
            out[k] = body[k]
    props = dict(body.get("properties") or {})
    if (obj.sku or "").lower() not in _SETTABLE_PERFORMANCE:
        props.pop("diskIOPSReadWrite", None)
        props.pop("diskMBpsReadWrite", None)
    if not created and obj.sku == "UltraSSD_LRS":  # an Ultra update echoes readOnly (test_vm_ultra_ssd_disk_update#5)
        props.setdefault("readOnly", obj.to_json()["properties"].get("readOnly", False))
    props["provisioningState"] = "Updating"
    out["properties"] = props
    return out
