"""Managed images (model and backend) and what an ``imageReference`` names: a managed image, a gallery
image (definition or version) or a platform image of the marketplace (:mod:`.marketplace`)."""
from ...core import ids
from ...core.backend import lister, reader
from ...core.properties import check_location, keep_at_create, overlay, refuse_changes
from .. import checks, exceptions, properties
from . import marketplace
from ..checks import security_type as security
from .base import NS, ComputeResource, lower


class Image(ComputeResource):
    resource_type = "images"

    def __init__(self, backend, subscription_id, resource_group, name, location, os_type, os_state,
                 hyper_v_generation="V1", source_vm_id=None, os_disk_ref=None, size_gb=None,
                 guest=None, security_type=None, data_disks=None, tags=None, storage_account_type=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.os_type = os_type
        self.os_state = os_state
        self.hyper_v_generation = hyper_v_generation or "V1"
        self.source_vm_id = source_vm_id
        self.os_disk_ref = os_disk_ref or {}  # {"managedDisk": {"id"}} or {"snapshot": {"id"}}
        self.size_gb = size_gb
        self.guest = guest
        self.security_type = security_type
        self.data_disks = list(data_disks or [])
        self.storage_account_type = storage_account_type or "Standard_LRS"

    def to_json(self):
        os_disk = {"osType": self.os_type, "osState": self.os_state}
        if self.provisioning_state == "Succeeded" and self.size_gb:
            os_disk["diskSizeGB"] = self.size_gb
        os_disk.update(self.os_disk_ref)
        os_disk["caching"] = "ReadWrite" if self.source_vm_id else "None"
        os_disk["storageAccountType"] = self.storage_account_type
        props = {}
        if self.source_vm_id:
            props["sourceVirtualMachine"] = {"id": self.source_vm_id}
        props["storageProfile"] = {"osDisk": os_disk, "dataDisks": [self._data_disk_json(d) for d in self.data_disks]}
        props["provisioningState"] = self.provisioning_state
        props["hyperVGeneration"] = self.hyper_v_generation
        return overlay(self.envelope(props), self.kept)

    def _data_disk_json(self, entry):
        """A data disk of the image: its size once the image is made (test_vm_managed_disk#37)."""
        out = {"lun": entry["lun"]}
        if self.provisioning_state == "Succeeded" and entry.get("diskSizeGB"):
            out["diskSizeGB"] = entry["diskSizeGB"]
        out.update((k, v) for k, v in entry.items() if k not in ("lun", "diskSizeGB"))
        return out


class ImageBackend:
    get_image = reader("images", "images")
    list_images = lister("images")

    def begin_create_or_update_image(self, subscription_id, resource_group, name, body):
        self.cloud.resources.get_group(subscription_id, resource_group)
        rid = ids.resource_id(subscription_id, resource_group, NS, "images", name)
        existing = self.images.get(ids.key(rid))
        self.cloud.check_locks_for_write(rid)
        if existing is not None:
            self.not_busy(existing, "Update Image")
            check_location(existing, body)
            refuse_changes(properties.IMAGES, existing.to_json(), body, properties.create_only_refusal)
        else:
            checks.resource_name(name, 80)
        location = checks.location_of(body)
        props = body.get("properties") or {}
        sp = props.get("storageProfile") or {}
        src_vm = (props.get("sourceVirtualMachine") or {}).get("id")
        made = self._image_from_vm(src_vm) if src_vm else self._image_from_disk(sp)
        img = Image(self, subscription_id, resource_group, name, location, made["os_type"], made["os_state"],
                    hyper_v_generation=props.get("hyperVGeneration") or made["generation"] or "V1",
                    source_vm_id=src_vm, os_disk_ref=made["ref"], size_gb=made["size_gb"], guest=made["guest"],
                    data_disks=made["data"], tags=body.get("tags"),
                    storage_account_type=(sp.get("osDisk") or {}).get("storageAccountType") or "Standard_LRS")
        if existing is not None:
            img.kept = dict(existing.kept)
        keep_at_create(img, properties.IMAGES, body)
        return self.begin_put(self.images, img, existing, state="Creating")

    def _image_from_vm(self, src_vm):
        vm = self.referenced(src_vm, "vms", "virtualMachines")
        checks.image_source_vm(vm)
        disk = vm.os_disk_model()
        return {"os_type": vm.os_type(), "os_state": "Generalized",
                "ref": {"managedDisk": {"id": vm.os_disk.get("id")}} if vm.os_disk.get("id") else {},
                "size_gb": disk.size_gb if disk is not None else 127,
                "guest": disk.guest.copy() if disk is not None and disk.guest is not None else None,
                "generation": vm.hyper_v_generation(),
                "data": [{"lun": d["lun"], "diskSizeGB": model.size_gb, "managedDisk": {"id": model.id},
                          "caching": d.get("caching") or "None", "storageAccountType": "Standard_LRS"}
                         for d, model in zip(sorted(vm.data_disks, key=lambda x: x["lun"]), vm.data_disk_models())
                         if model is not None]}

    def _image_from_disk(self, sp):
        osd = sp.get("osDisk") or {}
        checks.image_os_disk(osd)
        if (osd.get("managedDisk") or {}).get("id"):
            src = self.referenced(osd["managedDisk"]["id"], "disks", "disks")
            ref = {"managedDisk": {"id": src.id}}
        elif (osd.get("snapshot") or {}).get("id"):
            src = self.referenced(osd["snapshot"]["id"], "snapshots", "snapshots")
            ref = {"snapshot": {"id": src.id}}
        else:
            raise exceptions.InvalidParameter("Required parameter 'osDisk.managedDisk' is missing (null).",
                                              target="osDisk")
        checks.image_source_disk(src)
        data = []
        for d in sp.get("dataDisks") or []:
            entry = {"lun": d.get("lun")}
            for k, table in (("snapshot", "snapshots"), ("managedDisk", "disks")):
                if (d.get(k) or {}).get("id"):
                    entry["diskSizeGB"] = self.referenced(d[k]["id"], table, table).size_gb
                    entry[k] = {"id": d[k]["id"]}
            entry.update(caching=d.get("caching") or "None",
                         storageAccountType=d.get("storageAccountType") or "Standard_LRS")
            data.append(entry)
        return {"os_type": osd.get("osType"), "os_state": osd.get("osState"), "ref": ref, "size_gb": src.size_gb,
                "guest": src.guest.copy() if src.guest is not None else None,
                "generation": src.hyper_v_generation or "V1", "data": data}

    def begin_delete_image(self, subscription_id, resource_group, name):
        img = self.deletable(self.images, "images", subscription_id, resource_group, name, label="Delete Image")
        if img is None:
            return None
        self.cloud.check_locks_for_delete(img.id)
        return self.begin_delete(img, table=self.images, restore=lambda: setattr(img, "provisioning_state",
                                                                                 "Succeeded"))

    # -- what an imageReference names -------------------------------------------------------------
    def resolve_image(self, ref, subscription_id, location):
        """What a FromImage OS disk comes from: dict(os_type, generation, os_state, security, guest,
        size_gb, exact_version, source_id, kind)."""
        rid = ref.get("id")
        if not rid:
            return self._platform_image(ref, location)
        rtype = lower((ids.parse(rid) or {}).get("type"))
        if rtype == "images":
            img = self.images.get(ids.key(rid))
            if img is None or img.location != location or img.provisioning_state != "Succeeded":
                raise exceptions.NotFound("The Image '{}' cannot be found in '{}' region.".format(rid, location))
                # wording not verified
            return {"kind": "image", "os_type": img.os_type, "generation": img.hyper_v_generation,
                    "os_state": img.os_state, "security": security(img.security_type),
                    "guest": img.guest, "size_gb": img.size_gb or 127, "source_id": img.id}
        if rtype in ("galleries/images/versions", "galleries/images"):
            if rtype == "galleries/images":
                definition = self.gallery_images.get(ids.key(rid))
                version = self.latest_gallery_version(definition) if definition is not None else None
            else:
                version = self.gallery_versions.get(ids.key(rid))
                definition = version.definition() if version is not None else None
            if version is None or definition is None or version.provisioning_state != "Succeeded":
                # seen (GalleryImageNotFound shape); wording approximate
                raise exceptions.GalleryImageNotFound(
                    "The gallery image {} is not available in {} region. Please contact image owner to replicate "
                    "to this region, or change your requested region.".format(rid, location))
            return {"kind": "gallery", "os_type": definition.os_type, "generation": definition.hyper_v_generation,
                    "os_state": definition.os_state, "security": definition.security_type, "guest": version.guest,
                    "size_gb": version.size_gb or 127, "source_id": version.id}
        raise exceptions.InvalidParameter("The value of parameter imageReference.id is invalid.",
                                          target="imageReference.id")

    def _platform_image(self, ref, location):
        found = marketplace.resolve(ref.get("publisher"), ref.get("offer"), ref.get("sku"), ref.get("version"))
        if found is None:
            raise exceptions.PlatformImageNotFound(ref.get("publisher"), ref.get("offer"), ref.get("sku"),
                                                   ref.get("version", "latest"))
        sku, exact = found
        from ...guest import guest_from_spec
        return {"kind": "platform", "os_type": sku.os_type, "generation": sku.generation,
                "os_state": "Generalized", "security": sku.security_feature or "Standard",
                "guest": guest_from_spec(dict(sku.raw["guest"])), "size_gb": sku.size_gb,
                "exact_version": exact, "fresh": True,
                "source_id": marketplace.platform_image_id(self.cloud.default_subscription, location, sku.publisher,
                                                           sku.offer, sku.sku, exact)}
