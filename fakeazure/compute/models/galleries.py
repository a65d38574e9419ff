"""Azure Compute Gallery: galleries and image definitions (models) and the backend of all three (image versions'
model is in :mod:`.gallery_versions`). Their operations are Compute's ``capsOperations``.

Galleries keep ``sharingProfile`` and ``softDeletePolicy`` as sent (recordings ``test_update_gallery_permissions``
and ``test_gallery_soft_delete`` of Azure/azure-cli, api 2021-10-01): a Community gallery's
``communityGalleryInfo`` gains ``communityGalleryEnabled: false`` and ``publicNames`` (its prefix and a guid).
``POST .../galleries/{g}/share`` (Galleries_UpdateSharingProfile: ``operationType`` Add, Remove, Reset,
EnableCommunity, with ``groups`` of Subscriptions or AADTenants ids) is a capsOperation; ``Reset`` makes the
gallery Private again (recorded), Add makes it ``Groups``, EnableCommunity enables a Community gallery. The
refusals' wordings are not verified (``fakeazure/UNVERIFIED.md``).
"""
import uuid

from ...core import ids
from ...core.backend import lister, reader
from ...core.properties import check_location, keep_at_create, overlay
from .. import checks, exceptions, properties
from .base import NS, ComputeResource, lower
from .gallery_versions import GalleryImageVersion, version_source


class Gallery(ComputeResource):
    resource_type = "galleries"

    def __init__(self, *args, description=None, sharing=None, soft_delete=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.description = description
        self.unique_name = "{}-{}".format(self.subscription_id[:8], self.name.upper())
        self.sharing = _sharing(sharing)
        self.groups = []  # [{"type": "Subscriptions"|"AADTenants", "ids": [...]}] shared with (Add)
        self.soft_delete = dict(soft_delete) if soft_delete is not None else None

    def to_json(self, with_groups=False):
        props = {}
        if self.description:
            props["description"] = self.description
        props["identifier"] = {"uniqueName": self.unique_name}
        if self.sharing is not None:
            sharing = dict(self.sharing)
            if with_groups and self.groups:
                sharing["groups"] = [dict(g, ids=list(g["ids"])) for g in self.groups]
            props["sharingProfile"] = sharing
        props["provisioningState"] = self.provisioning_state
        if self.soft_delete is not None:
            props["softDeletePolicy"] = dict(self.soft_delete)
        return overlay(self.envelope(props), self.kept)


class GalleryImage(ComputeResource):
    resource_type = "galleries/images"

    def __init__(self, backend, subscription_id, resource_group, gallery, name, location, os_type, os_state,
                 hyper_v_generation="V1", identifier=None, features=None, architecture="x64", tags=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.gallery = gallery
        self.os_type = os_type
        self.os_state = os_state
        self.hyper_v_generation = hyper_v_generation or "V1"
        self.identifier = identifier or {}
        self.features = list(features or [])
        self.architecture = architecture or "x64"

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, NS, "galleries", self.gallery,
                               "images", self.name)

    @property
    def security_type(self):
        for f in self.features:
            if lower(f.get("name")) == "securitytype":
                return f.get("value")
        return "Standard"

    def to_json(self):
        props = {"hyperVGeneration": self.hyper_v_generation, "architecture": self.architecture,
                 "osType": self.os_type, "osState": self.os_state, "identifier": self.identifier}
        if self.features:
            props["features"] = self.features
        props["provisioningState"] = self.provisioning_state
        return self.envelope(props)


def _sharing(profile):
    """A gallery's sharingProfile as Azure keeps it (a Community gallery's info completed)."""
    if profile is None:
        return None
    out = {"permissions": profile.get("permissions") or "Private"}
    info = profile.get("communityGalleryInfo")
    if out["permissions"] == "Community" and isinstance(info, dict):
        prefix = info.get("publicNamePrefix") or ""
        completed = {"communityGalleryEnabled": False}
        completed.update({k: info[k] for k in ("publisherUri", "publisherContact", "eula", "publicNamePrefix")
                          if k in info})
        completed["publicNames"] = ["{}-{}".format(prefix, uuid.uuid4())]
        out["communityGalleryInfo"] = completed
    return out


class GalleryBackend:
    # -- reads ------------------------------------------------------------------------------------
    get_gallery = reader("galleries", "galleries")
    get_gallery_image = reader("gallery_images", "galleries/images")
    get_gallery_version = reader("gallery_versions", "galleries/images/versions")
    list_galleries = lister("galleries")

    def list_gallery_images(self, subscription_id, resource_group, gallery):
        g = self.get_gallery(subscription_id, resource_group, gallery)
        return self.list_resources(self.gallery_images, subscription_id, resource_group, parent=g.id)

    def list_gallery_versions(self, subscription_id, resource_group, gallery, image):
        d = self.get_gallery_image(subscription_id, resource_group, gallery, image)
        return self.list_resources(self.gallery_versions, subscription_id, resource_group, parent=d.id)

    def latest_gallery_version(self, definition):
        best = None
        for v in self.gallery_versions.values():
            if v.exclude_from_latest or v.provisioning_state != "Succeeded":
                continue
            if ids.key(v.id).startswith(ids.key(definition.id) + "/"):
                key = tuple(int(x) if x.isdigit() else 0 for x in v.name.split("."))
                if best is None or key > best[0]:
                    best = (key, v)
        return best[1] if best else None

    # -- writes -----------------------------------------------------------------------------------
    def begin_create_or_update_gallery(self, sub, rg, name, body):
        self.cloud.resources.get_group(sub, rg)
        existing = self.galleries.get(ids.key(ids.resource_id(sub, rg, NS, "galleries", name)))
        if existing is not None:
            check_location(existing, body)
        props = body.get("properties") or {}
        sharing = props.get("sharingProfile")
        if sharing is not None and sharing.get("permissions") not in (None, "Private", "Groups", "Community"):
            raise exceptions.InvalidParameter("The value '{}' of parameter 'sharingProfile.permissions' is not "
                                              "valid.".format(sharing.get("permissions")),
                                              target="sharingProfile.permissions")  # wording not verified
        g = Gallery(self, sub, rg, name, checks.location_of(body), tags=body.get("tags"),
                    description=props.get("description"),
                    sharing=sharing if sharing is not None else (existing.sharing if existing else None),
                    soft_delete=props.get("softDeletePolicy") or (existing.soft_delete if existing else None))
        if existing is not None and sharing is None:
            g.groups = existing.groups
        if existing is not None:
            g.kept = dict(existing.kept)  # an update keeps what it does not name
        keep_at_create(g, properties.GALLERIES, body)
        return self.begin_put(self.galleries, g, existing, "capsOperations")

    def begin_share_gallery(self, sub, rg, name, body):
        """POST .../share (Galleries_UpdateSharingProfile) -> the capsOperation that applies it."""
        g = self.get_gallery(sub, rg, name)
        self.not_busy(g)
        self.cloud.check_locks_for_write(g.id)
        op_type = body.get("operationType")
        kinds = {"add": "Add", "remove": "Remove", "reset": "Reset", "enablecommunity": "EnableCommunity"}
        if lower(op_type) not in kinds:  # wording not verified
            raise exceptions.InvalidParameter("The value '{}' of parameter 'operationType' is not valid.".format(
                op_type), target="operationType")
        op_type = kinds[lower(op_type)]
        groups = body.get("groups") or []
        if op_type in ("Add", "Remove") and not groups:  # wording not verified
            raise exceptions.InvalidParameter("Required parameter 'groups' is missing (null).", target="groups")
        if op_type == "EnableCommunity" and (g.sharing or {}).get("permissions") != "Community":
            raise exceptions.OperationNotAllowed(  # wording not verified
                "The gallery '{}' is not shared with the community; it cannot be enabled.".format(g.name))

        def apply():
            if op_type == "Reset":
                g.sharing, g.groups = {"permissions": "Private"}, []
            elif op_type == "EnableCommunity":
                g.sharing["communityGalleryInfo"]["communityGalleryEnabled"] = True
            else:
                g.groups = _share_groups(g.groups, groups, add=op_type == "Add")
                g.sharing = {"permissions": "Groups"}

        return self.start_operation(g, "capsOperations", on_success=apply)

    def begin_create_or_update_gallery_image(self, sub, rg, gallery, name, body):
        g = self.get_gallery(sub, rg, gallery)
        existing = self.gallery_images.get(ids.key(ids.resource_id(sub, rg, NS, "galleries", gallery, "images",
                                                                   name)))
        props = body.get("properties") or {}
        for req in ("osType", "osState", "identifier"):
            checks.required(props.get(req), req)
        d = GalleryImage(self, sub, rg, g.name, name, lower(body.get("location")) or g.location, props["osType"],
                         props["osState"], hyper_v_generation=props.get("hyperVGeneration") or "V1",
                         identifier=props["identifier"], features=props.get("features"),
                         architecture=props.get("architecture"), tags=body.get("tags"))
        if existing is not None and (existing.os_state != d.os_state or existing.os_type != d.os_type):
            raise exceptions.PropertyChangeRefused("osState")
        return self.begin_put(self.gallery_images, d, existing, "capsOperations")

    def begin_create_or_update_gallery_version(self, sub, rg, gallery, image, name, body):
        definition = self.get_gallery_image(sub, rg, gallery, image)
        existing = self.gallery_versions.get(ids.key(ids.resource_id(
            sub, rg, NS, "galleries", definition.gallery, "images", definition.name, "versions", name)))
        props = body.get("properties") or {}
        storage = props.get("storageProfile") or {}
        source = storage.get("source") or {}
        os_src = ((storage.get("osDiskImage") or {}).get("source") or {})
        src_id = source.get("virtualMachineId") or source.get("id") or os_src.get("id")
        pub = props.get("publishingProfile") or {}
        if existing is not None and (src_id is None or ids.same(src_id, _source_id(existing))):
            # an update sends the version back (az sig image-version update): its source stays
            self.not_busy(existing)
            self.cloud.check_locks_for_write(existing.id)
            saved = dict(vars(existing))
            existing.publish(pub, props.get("safetyProfile"))
            if "tags" in body:
                existing.tags = dict(body.get("tags") or {})
            return self.begin_put(self.gallery_versions, existing, existing, "capsOperations",
                                  undo=lambda: vars(existing).update(saved))
        src_id = checks.required(src_id, "storageProfile.source")
        table = {"virtualmachines": "vms", "disks": "disks", "snapshots": "snapshots",
                 "images": "images"}.get(lower((ids.parse(src_id) or {}).get("type")))
        if table is None:
            raise exceptions.InvalidParameter("The source '{}' is not a virtual machine, disk, snapshot or managed "
                                              "image.".format(src_id), target="storageProfile.source")
        src = self.referenced(src_id, table, {"vms": "virtualMachines"}.get(table, table))
        made = version_source(src, table, definition)
        checks.gallery_version_source(src_id, made, definition)
        guest = made["guest"]
        v = GalleryImageVersion(self, sub, rg, definition.gallery, definition.name, name,
                                lower(body.get("location")) or definition.location,
                                {"virtualMachineId": src.id} if table == "vms" else {"id": src.id},
                                made["size_gb"], guest.copy() if guest is not None else None,
                                target_regions=pub.get("targetRegions"),
                                exclude_from_latest=pub.get("excludeFromLatest", False), tags=body.get("tags"),
                                source_at="storageProfile" if (source.get("id") or source.get("virtualMachineId"))
                                else "osDiskImage", data_disk_images=self._data_disk_images(storage, src, table))
        v.publish(pub, props.get("safetyProfile"))
        return self.begin_put(self.gallery_versions, v, existing, "capsOperations")

    def _data_disk_images(self, storage, src, table):
        """The data disks a new version holds: those the request names with their disk or snapshot sources
        (``hostCaching`` ReadOnly unless sent: test_gallery_specialized #39), or a managed image's own data
        disks with their caching (fidelity gallery-image-version.yaml, ``{lun, sizeInGB, hostCaching: None}``).
        A VM source's data disks are not modelled (no recording shows them)."""
        if table == "images":
            return [{"lun": d["lun"], "sizeInGB": d.get("diskSizeGB"), "hostCaching": d.get("caching") or "None"}
                    for d in sorted(src.data_disks, key=lambda x: x["lun"])]
        out = []
        for d in storage.get("dataDiskImages") or []:
            src_id = checks.required((d.get("source") or {}).get("id"), "dataDiskImages.source.id")
            kind = lower((ids.parse(src_id) or {}).get("type"))
            if kind not in ("disks", "snapshots"):
                raise exceptions.InvalidParameter("The source '{}' of a data disk image is not a disk or snapshot."
                                                  .format(src_id), target="dataDiskImages")  # wording not verified
            disk = self.referenced(src_id, kind, kind)
            out.append({"lun": d.get("lun"), "sizeInGB": disk.size_gb,
                        "hostCaching": d.get("hostCaching") or "ReadOnly", "source": {"id": disk.id}})
        return out

    def begin_delete_gallery(self, sub, rg, name):
        return self._delete_gallery_part(self.galleries, "galleries", self.gallery_images, sub, rg, name)

    def begin_delete_gallery_image(self, sub, rg, gallery, name):
        return self._delete_gallery_part(self.gallery_images, "galleries/images", self.gallery_versions, sub, rg,
                                         gallery, name)

    def begin_delete_gallery_version(self, sub, rg, gallery, image, name):
        return self._delete_gallery_part(self.gallery_versions, "galleries/images/versions", None, sub, rg,
                                         gallery, image, name)

    def _delete_gallery_part(self, table, type_name, children, sub, rg, *names):
        """A gallery, definition or version; None when it does not exist (204)."""
        obj = self.deletable(table, type_name, sub, rg, *names)
        if obj is None:
            return None
        if children is not None and any(k.startswith(ids.key(obj.id) + "/") for k in children):
            raise exceptions.CannotDeleteResource("The resource '{}' cannot be deleted because it contains nested "
                                                  "resources.".format(obj.id))  # wording not verified
        self.cloud.check_locks_for_delete(obj.id)
        return self.begin_delete(obj, "capsOperations", table=table,
                                 restore=lambda: setattr(obj, "provisioning_state", "Succeeded"))


def _source_id(version):
    return version.source.get("id") or version.source.get("virtualMachineId")


def _share_groups(current, changes, add):
    """Groups shared with after an Add or a Remove: ids merged (or taken away) per group type."""
    by_type = {lower(g["type"]): (g["type"], list(g["ids"])) for g in current}
    for change in changes:
        kind, ids_now = by_type.setdefault(lower(change.get("type")), (change.get("type"), []))
        for i in change.get("ids") or []:
            if add and i not in ids_now:
                ids_now.append(i)
            elif not add and i in ids_now:
                ids_now.remove(i)
    return [{"type": kind, "ids": found} for kind, found in by_type.values() if found]
