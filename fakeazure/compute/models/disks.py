"""Managed disks: the model and the backend (PUT, PATCH, DELETE, reads). Snapshots share the disk-like
create and update (:mod:`.snapshots`). Every copy of a disk carries the guest model through
``guest.copy()``, taken when the request is accepted."""
import uuid

from ...core import ids
from ...core.backend import lister, reader
from ...core.clock import iso
from ...core.properties import DEALLOCATED, IN_PLACE, apply_generic, changes, check_location, keep_at_create, \
    overlay, refuse_changes, set_at
from .. import checks, exceptions, properties
from . import marketplace
from .disk_access import upload_size_gb
from .base import NS, ComputeResource, lower

_PREMIUM_TIERS = [(4, "P1", 120, 25), (8, "P2", 120, 25), (16, "P3", 120, 25), (32, "P4", 120, 25),
                  (64, "P6", 240, 50), (128, "P10", 500, 100), (256, "P15", 1100, 125),
                  (512, "P20", 2300, 150), (1024, "P30", 5000, 200), (2048, "P40", 7500, 250),
                  (4096, "P50", 7500, 250), (8192, "P60", 16000, 500), (16384, "P70", 18000, 750),
                  (32767, "P80", 20000, 900)]


class Disk(ComputeResource):
    resource_type = "disks"

    def __init__(self, backend, subscription_id, resource_group, name, location, size_gb=127,
                 sku="Premium_LRS", os_type=None, hyper_v_generation=None, creation_data=None,
                 security_type=None, guest=None, tags=None, zones=None, purchase_plan=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.size_gb = int(size_gb)
        self.sku = sku or "Premium_LRS"
        self.os_type = os_type
        self.hyper_v_generation = hyper_v_generation
        self.creation_data = creation_data or {"createOption": "Empty"}
        self.security_type = security_type if security_type not in (None, "", "Standard") else None
        self.guest = guest
        self.managed_by = None
        self.unique_id = str(uuid.uuid4())
        self.zones = zones
        self.sas_active = False  # set by the disk access (grant/revoke) operations (:mod:`.disk_access`)
        # 'ReadyToUpload' / 'ActiveUpload' while a disk made for an upload has not received it
        self.upload_state = None
        self.upload_size_bytes = self.creation_data.get("uploadSizeBytes")
        if lower(self.creation_data.get("createOption")) in ("upload", "uploadpreparedsecure"):
            self.upload_state = "ReadyToUpload"
        # the marketplace plan of the image the disk came from ({name, publisher, product}), copied along to
        # snapshots, images and the disks made from them: a VM made from any of them must give that plan
        self.purchase_plan = purchase_plan

    @property
    def disk_state(self):
        if self.upload_state:
            return self.upload_state
        if self.sas_active:
            return "ActiveSAS"
        if not self.managed_by:
            return "Unattached"
        vm = self.backend.vms.get(ids.key(self.managed_by))
        if vm is not None and vm.power_state in ("deallocated", "deallocating"):
            return "Reserved"
        return "Attached"

    def _tier(self):
        size = self.size_gb
        if self.upload_state:  # the tier of the size being uploaded (P4 for 20 GiB, test_vm_disk_upload)
            size = -(-int(self.upload_size_bytes or 0) // 1024 ** 3)
        for limit, tier, iops, mbps in _PREMIUM_TIERS:
            if size <= limit:
                return tier, iops, mbps
        return "P80", 20000, 900

    def sku_json(self):
        tier = self.sku.split("_")[0]
        return {"name": self.sku, "tier": {"StandardSSD": "Standard", "UltraSSD": "Ultra"}.get(tier, tier)}

    def operation_output(self):
        """The body a finished ``DiskOperations`` status shows in ``properties.output``: the resource's."""
        return self.to_json()

    def to_json(self):
        props = {}
        if self.os_type:
            props["osType"] = self.os_type
        if self.hyper_v_generation:
            props["hyperVGeneration"] = self.hyper_v_generation
        if self.purchase_plan:
            props["purchasePlan"] = dict(self.purchase_plan)
        props["creationData"] = self.creation_data
        if not self.upload_state:  # a disk waiting for its upload has no size yet (test_vm_disk_upload)
            props["diskSizeGB"] = self.size_gb
        premium = self.sku.startswith("Premium") and self.sku != "PremiumV2_LRS"
        if self.sku == "UltraSSD_LRS":
            # an Ultra disk's defaults as Azure reports them (azure-cli test_vm_ultra_ssd_disk_update,
            # test_snapshot_ultra_ssd, test_vm_disk_logical_sector_size)
            props.update(diskIOPSReadWrite=100, diskMBpsReadWrite=13, readOnly=False, diskIOPSReadOnly=100,
                         diskMBpsReadOnly=13)
        elif self.sku == "PremiumV2_LRS":  # Learn: Premium SSD v2 baseline 3,000 IOPS and 125 MB/s (inferred shape)
            props.update(diskIOPSReadWrite=3000, diskMBpsReadWrite=125)
        elif premium:
            _, iops, mbps = self._tier()
            props["diskIOPSReadWrite"] = iops
            props["diskMBpsReadWrite"] = mbps
        else:
            props["diskIOPSReadWrite"] = 500
            props["diskMBpsReadWrite"] = 60
        props["encryption"] = {"type": "EncryptionAtRestWithPlatformKey"}
        if self.sku == "UltraSSD_LRS":
            props["maxShares"] = 1
        props["networkAccessPolicy"] = "AllowAll"
        if self.security_type:
            props["securityProfile"] = {"securityType": self.security_type}
        props["publicNetworkAccess"] = "Enabled"
        props["timeCreated"] = iso(self.time_created)
        props["provisioningState"] = self.provisioning_state
        props["diskState"] = self.disk_state
        if not self.upload_state:
            props["diskSizeBytes"] = self.size_gb * 1024 ** 3
        props["uniqueId"] = self.unique_id
        if premium:
            props["tier"] = self._tier()[0]
        body = {"name": self.name, "id": self.id, "type": self.full_type, "location": self.location,
                "tags": self.tags}
        if self.managed_by:
            body["managedBy"] = self.managed_by
        body["sku"] = self.sku_json()
        if self.zones:
            body["zones"] = list(self.zones)
        body["properties"] = props
        return overlay(body, self.kept)

    def set_bursting(self, enabled):
        """On-demand bursting: Azure notes when it was enabled (``burstingEnabledTime``, azure-cli
        test_disk_bursting)."""
        saved = dict(self.kept.get("properties") or {})
        set_at(self.kept, "properties.burstingEnabled", bool(enabled))
        if enabled:
            set_at(self.kept, "properties.burstingEnabledTime", iso(self.backend.cloud.clock.now()))
        else:
            self.kept.get("properties", {}).pop("burstingEnabledTime", None)

        def undo():
            self.kept["properties"] = saved
        return undo


class DiskBackend:
    """Disks (and, through :meth:`_write_disk_like`, snapshots)."""

    get_disk = reader("disks", "disks")
    list_disks = lister("disks")

    def add_disk(self, disk):
        """Keep a disk or snapshot made outside a request (see :meth:`ComputeBackend.add`)."""
        return self.add(disk)

    def begin_create_or_update_disk(self, subscription_id, resource_group, name, body, patch=False):
        return self._write_disk_like(Disk, self.disks, subscription_id, resource_group, name, body, patch)

    def begin_delete_disk(self, subscription_id, resource_group, name):
        """The operation, or None when there is no such disk (Azure answers 204)."""
        return self._delete_disk_like(self.disks, "disks", subscription_id, resource_group, name)

    # -- shared with snapshots --------------------------------------------------------------------
    def _delete_disk_like(self, table, type_name, sub, rg, name):
        obj = self.deletable(table, type_name, sub, rg, name)
        if obj is None:
            return None
        if type_name == "disks" and obj.managed_by:
            # seen: "Disk mdb57dc956081 is attached to VM /subscriptions/.../virtualMachines/trb57dc95608."
            raise exceptions.OperationNotAllowed("Disk {} is attached to VM {}.".format(obj.name, obj.managed_by))
        self.cloud.check_locks_for_delete(obj.id)
        return self.begin_delete(obj, "DiskOperations", table=table)

    def _write_disk_like(self, cls, table, sub, rg, name, body, patch):
        """PUT/PATCH a disk or snapshot: a new one is made from ``creationData``; an existing one is updated
        in place (size up, SKU, tags, osType, hyperVGeneration)."""
        self.cloud.resources.get_group(sub, rg)
        key = ids.key(ids.resource_id(sub, rg, NS, cls.resource_type, name))
        existing = table.get(key)
        if existing is None:
            if patch:
                raise exceptions.ResourceNotFound(NS + "/" + cls.resource_type, name, rg)
            self.cloud.check_locks_for_write(ids.resource_id(sub, rg, NS, cls.resource_type, name))
            checks.resource_name(name, 80)
            obj = self._disk_like_from_body(cls, sub, rg, name, body)
            keep_at_create(obj, properties.SNAPSHOTS if cls.resource_type == "snapshots" else properties.DISKS, body)
            return self.begin_put(table, obj, None, "DiskOperations", state="Updating", settle=obj.operation_output,
                                  result_in_status=True)
        self.not_busy(existing)
        self.cloud.check_locks_for_write(existing.id)
        check_location(existing, body)
        rows = properties.SNAPSHOTS if cls.resource_type == "snapshots" else properties.DISKS
        current = existing.to_json()
        refuse_changes(rows, current, body, properties.create_only_refusal)
        changed = changes(rows, current, body, (IN_PLACE, DEALLOCATED))
        free = existing.disk_state != "Attached"  # unattached, or its VM deallocated (Reserved)
        for row, _ in changed:
            if row.kind == DEALLOCATED and not free:
                raise properties.deallocated_refusal(row, "the disk is unattached or its VM is deallocated")
        props = body.get("properties") or {}
        checks.disk_resize(self, existing, props.get("diskSizeGB"))
        saved = (existing.size_gb, existing.sku, dict(existing.tags), existing.os_type)
        undo_generic = apply_generic(existing, changed)
        if props.get("diskSizeGB") is not None:
            existing.size_gb = int(props["diskSizeGB"])
        if (body.get("sku") or {}).get("name"):
            existing.sku = body["sku"]["name"]
        if "tags" in body or not patch:
            existing.tags = dict(body.get("tags") or {})
        if props.get("osType"):
            existing.os_type = props["osType"]
        prov = existing.provisioning_state

        def undo():
            (existing.size_gb, existing.sku, existing.tags, existing.os_type) = saved
            existing.provisioning_state = prov
            undo_generic()

        return self.begin_put(table, existing, existing, "DiskOperations", settle=existing.operation_output, undo=undo,
                              result_in_status=True)

    def _disk_like_from_body(self, cls, sub, rg, name, body):
        location = checks.location_of(body)
        props = body.get("properties") or {}
        cd = dict(props.get("creationData") or {})
        option = checks.required(cd.get("createOption"), "creationData.createOption")
        sku = (body.get("sku") or {}).get("name")
        sec = (props.get("securityProfile") or {}).get("securityType")
        kw = {"size_gb": props.get("diskSizeGB"), "os_type": props.get("osType"),
              "hyper_v_generation": props.get("hyperVGeneration"), "security_type": sec, "guest": None}
        lo = option.lower()
        snapshot = cls.resource_type == "snapshots"
        if lo == "empty":
            checks.required(kw["size_gb"], "diskSizeGB")
        elif lo in ("copy", "restore", "copystart"):
            src = self._copy_source(cd.get("sourceResourceId"))
            checks.copy_source(src, lo, location)
            cd["sourceUniqueId"] = src.unique_id
            kw.update(size_gb=max(int(kw["size_gb"] or 0), src.size_gb), os_type=kw["os_type"] or src.os_type,
                      hyper_v_generation=kw["hyper_v_generation"] or src.hyper_v_generation,
                      security_type=sec or src.security_type,
                      guest=src.guest.copy() if src.guest is not None else None,
                      purchase_plan=getattr(src, "purchase_plan", None))
            sku = sku or (src.sku if not snapshot else None)
        elif lo == "fromimage":
            if snapshot:
                raise exceptions.InvalidParameter("The value 'FromImage' of parameter 'creationData.createOption' "
                                                  "is not allowed for snapshots.", target="creationData.createOption")
            src = self._image_of_disk(cd, sub, location)
            guest = src["guest"]
            kw.update(size_gb=max(int(kw["size_gb"] or 0), int(src["size_gb"] or 0)), os_type=src["os_type"],
                      hyper_v_generation=src["generation"], purchase_plan=src.get("purchase_plan"),
                      guest=None if guest is None else (guest if src.get("fresh") else guest.copy()))
            if src.get("security") in ("TrustedLaunch",) and not sec:
                kw["security_type"] = "TrustedLaunch"
        elif lo in ("import", "upload", "importsecure", "uploadpreparedsecure"):
            if not kw["size_gb"] and lo != "import":
                kw["size_gb"] = upload_size_gb(cd.get("uploadSizeBytes")) if cd.get("uploadSizeBytes") else 32
            kw["size_gb"] = kw["size_gb"] or 32
        else:
            raise exceptions.InvalidParameter("The value '{}' of parameter 'creationData.createOption' is not "
                                              "allowed.".format(option), target="creationData.createOption")
        kw["hyper_v_generation"] = kw["hyper_v_generation"] or ("V1" if kw["os_type"] else None)
        if (sku or "") in ("UltraSSD_LRS", "PremiumV2_LRS") and lo == "empty":
            cd.setdefault("logicalSectorSize", 4096)  # Azure's default sector size for these (recordings above)
        elif lo in ("copy", "copystart") and "logicalSectorSize" in src.creation_data:
            cd.setdefault("logicalSectorSize", src.creation_data["logicalSectorSize"])
        extra = {}
        if snapshot:
            extra["incremental"] = bool(props.get("incremental", False))
            if lo in ("copy", "copystart"):
                extra["family_root"] = getattr(src, "family_root", None) or src.unique_id
                # copied in the background: CopyStart, and incremental snapshots of Ultra / Premium SSD v2 disks
                extra["background_copy"] = lo == "copystart" or (
                    extra["incremental"] and getattr(src, "sku", None) in ("UltraSSD_LRS", "PremiumV2_LRS"))
        return cls(self, sub, rg, name, location, sku=sku or ("Standard_LRS" if snapshot else "Premium_LRS"),
                   creation_data=cd, tags=body.get("tags"), zones=body.get("zones"), **kw, **extra)

    def _copy_source(self, rid):
        """A disk or snapshot named by a creationData.sourceResourceId."""
        p = ids.parse(rid or "") or {}
        rtype = lower(p.get("type"))
        table = {"disks": "disks", "snapshots": "snapshots"}.get(rtype)
        if table is None:
            raise exceptions.InvalidParameter("The value of parameter creationData.sourceResourceId is invalid.",
                                              target="creationData.sourceResourceId")
        return self.referenced(rid, table, rtype)

    def _image_of_disk(self, cd, sub, location):
        ref = cd.get("galleryImageReference") or cd.get("imageReference") or {}
        rid = ref.get("id") or ref.get("sharedGalleryImageId") or ""
        plat = marketplace.parse_platform_image_id(rid)
        if plat is not None:
            return self.resolve_image({"publisher": plat[0], "offer": plat[1], "sku": plat[2], "version": plat[3]},
                                      sub, location)
        p = ids.parse(rid) or {}
        if lower(p.get("type")) not in ("galleries/images/versions", "galleries/images"):
            raise exceptions.InvalidParameter("The value of parameter imageReference.id is invalid.",
                                              target="creationData.imageReference.id")
        return self.resolve_image({"id": rid}, sub, location)
