"""Azure Compute Gallery: galleries, image definitions and image versions (models and backend). Their
operations are Compute's ``capsOperations``."""
import uuid

from ...core import ids
from ...core.backend import lister, reader
from ...core.clock import iso
from ...core.locations import display_name
from ...core.properties import check_location, keep_at_create, overlay, set_at
from .. import checks, exceptions, properties
from .base import NS, ComputeResource, lower


class Gallery(ComputeResource):
    resource_type = "galleries"

    def __init__(self, *args, description=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.description = description
        self.unique_name = "{}-{}".format(self.subscription_id[:8], self.name.upper())

    def to_json(self):
        props = {}
        if self.description:
            props["description"] = self.description
        props["identifier"] = {"uniqueName": self.unique_name}
        props["provisioningState"] = self.provisioning_state
        return overlay(self.envelope(props), self.kept)

    def set_sharing(self, profile):
        """The sharing profile as Azure keeps it: a community gallery gets its public name (prefix and a
        GUID) and is not enabled until shared (azure-cli test_update_gallery_permissions)."""
        saved = dict(self.kept.get("properties") or {})
        profile = dict(profile or {})
        info = dict(profile.get("communityGalleryInfo") or {})
        if info:
            info = dict({"communityGalleryEnabled": False}, **info)
            info["publicNames"] = ["{}-{}".format(info.get("publicNamePrefix"), uuid.uuid4())]
            profile["communityGalleryInfo"] = info
        set_at(self.kept, "properties.sharingProfile", profile)

        def undo():
            self.kept["properties"] = saved
        return undo


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


class GalleryImageVersion(ComputeResource):
    resource_type = "galleries/images/versions"

    def __init__(self, backend, subscription_id, resource_group, gallery, image, name, location, source,
                 size_gb, guest, target_regions=None, exclude_from_latest=False, tags=None,
                 data_disk_images=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.gallery = gallery
        self.image = image
        self.source = source  # {"id": ...} or {"virtualMachineId": ...}
        self.size_gb = size_gb
        self.guest = guest
        self.target_regions = target_regions
        self.exclude_from_latest = bool(exclude_from_latest)
        self.data_disk_images = list(data_disk_images or [])

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, NS, "galleries", self.gallery,
                               "images", self.image, "versions", self.name)

    def definition(self):
        return self.backend.gallery_images.get(ids.key(ids.resource_id(
            self.subscription_id, self.resource_group, NS, "galleries", self.gallery, "images", self.image)))

    def to_json(self):
        regions = self.target_regions or [{"name": self.location}]
        targets = [{"name": display_name(r.get("name")),
                    "regionalReplicaCount": r.get("regionalReplicaCount", 1),
                    "storageAccountType": r.get("storageAccountType", "Standard_LRS")} for r in regions]
        props = {"publishingProfile": {"targetRegions": targets, "replicaCount": 1,
                                       "excludeFromLatest": self.exclude_from_latest,
                                       "publishedDate": iso(self.time_created),
                                       "storageAccountType": "Standard_LRS"},
                 "storageProfile": {"source": self.source,
                                    "osDiskImage": {"sizeInGB": self.size_gb, "hostCaching": "ReadWrite",
                                                    "source": {}},
                                    "dataDiskImages": list(self.data_disk_images)},
                 "safetyProfile": {"reportedForPolicyViolation": False,
                                   "allowDeletionOfReplicatedLocations": False},
                 "validationsProfile": {"validationOperationStatus": "NotExecuted"},
                 "provisioningState": self.provisioning_state}
        return self.envelope(props)


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
        g = Gallery(self, sub, rg, name, checks.location_of(body), tags=body.get("tags"),
                    description=(body.get("properties") or {}).get("description"))
        if existing is not None:
            g.kept = dict(existing.kept)  # an update keeps what it does not name
        keep_at_create(g, properties.GALLERIES, body)
        return self.begin_put(self.galleries, g, existing, "capsOperations")

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
        source = ((props.get("storageProfile") or {}).get("source") or {})
        os_src = (((props.get("storageProfile") or {}).get("osDiskImage") or {}).get("source") or {})
        src_id = checks.required(source.get("virtualMachineId") or source.get("id") or os_src.get("id"),
                                 "storageProfile.source")
        table = {"virtualmachines": "vms", "disks": "disks", "snapshots": "snapshots",
                 "images": "images"}.get(lower((ids.parse(src_id) or {}).get("type")))
        if table is None:
            raise exceptions.InvalidParameter("The source '{}' is not a virtual machine, disk, snapshot or managed "
                                              "image.".format(src_id), target="storageProfile.source")
        src = self.referenced(src_id, table, {"vms": "virtualMachines"}.get(table, table))
        made = _version_source(src, table, definition)
        checks.gallery_version_source(src_id, made, definition)
        pub = props.get("publishingProfile") or {}
        guest = made["guest"]
        v = GalleryImageVersion(self, sub, rg, definition.gallery, definition.name, name,
                                lower(body.get("location")) or definition.location,
                                {"virtualMachineId": src.id} if table == "vms" else {"id": src.id},
                                made["size_gb"], guest.copy() if guest is not None else None,
                                target_regions=pub.get("targetRegions"),
                                exclude_from_latest=pub.get("excludeFromLatest", False), tags=body.get("tags"))
        return self.begin_put(self.gallery_versions, v, existing, "capsOperations")

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


def _version_source(src, table, definition):
    """What a version is made of: its OS state, guest, size, generation, security and OS type."""
    if table == "vms":
        disk = src.os_disk_model()
        return {"state": "Generalized" if src.generalized else "Specialized",
                "guest": disk.guest if disk else None, "size_gb": disk.size_gb if disk else 127,
                "gen": src.hyper_v_generation(), "sec": src.security_type, "os_type": src.os_type()}
    if table == "images":
        return {"state": src.os_state, "guest": src.guest, "size_gb": src.size_gb, "gen": src.hyper_v_generation,
                "sec": "Standard", "os_type": src.os_type}
    # a disk or snapshot carries no OS state, and its Hyper-V generation is not checked: the definition's
    # apply (Azure made a version of a V2 definition from snapshots of a V1 disk, azure-cli
    # test_gallery_specialized #39)
    return {"state": definition.os_state, "guest": src.guest, "size_gb": src.size_gb,
            "gen": definition.hyper_v_generation,
            "sec": src.security_type or "Standard", "os_type": src.os_type or definition.os_type}
