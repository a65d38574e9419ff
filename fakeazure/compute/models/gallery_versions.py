"""Azure Compute Gallery image versions (the model; the backend is :mod:`.galleries`).

Image versions are answered in the shape of the requested api-version (recordings at 2022-03-03, the fidelity
pack at 2024-03-03): the source stays where it was given (``storageProfile.source`` for a VM or managed
image, ``storageProfile.osDiskImage.source.id`` for a disk or snapshot), ``dataDiskImages`` only when there are
data disks, ``safetyProfile`` from 2022-03-03, ``validationsProfile`` from 2024-03-03. An update that sends
the version back without its source keeps the source; publishing settings, target (extended) locations and
``safetyProfile.allowDeletionOfReplicatedLocations`` change in place.
"""
from ...core import ids
from ...core.clock import iso
from ...core.locations import display_name
from .base import NS, ComputeResource


class GalleryImageVersion(ComputeResource):
    resource_type = "galleries/images/versions"

    def __init__(self, backend, subscription_id, resource_group, gallery, image, name, location, source,
                 size_gb, guest, target_regions=None, exclude_from_latest=False, tags=None,
                 data_disk_images=None, source_at="storageProfile"):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.gallery = gallery
        self.image = image
        self.source = source  # {"id": ...} or {"virtualMachineId": ...}
        self.source_at = source_at  # where the request named it: "storageProfile" or "osDiskImage"
        self.size_gb = size_gb
        self.guest = guest
        self.target_regions = target_regions
        self.target_extended_locations = None
        self.exclude_from_latest = bool(exclude_from_latest)
        self.allow_deletion_of_replicated_locations = False
        self.data_disk_images = list(data_disk_images or [])

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, NS, "galleries", self.gallery,
                               "images", self.image, "versions", self.name)

    def definition(self):
        return self.backend.gallery_images.get(ids.key(ids.resource_id(
            self.subscription_id, self.resource_group, NS, "galleries", self.gallery, "images", self.image)))

    def publish(self, pub, safety):
        """What a PUT sets in place: regions, extended locations, latest, the deletion safety switch."""
        self.target_regions = pub.get("targetRegions") or self.target_regions
        self.target_extended_locations = pub.get("targetExtendedLocations") or None  # a PUT sets them all
        self.exclude_from_latest = bool(pub.get("excludeFromLatest", False))
        if "allowDeletionOfReplicatedLocations" in (safety or {}):
            self.allow_deletion_of_replicated_locations = bool(safety["allowDeletionOfReplicatedLocations"])

    def to_json(self, api_version=None):
        api = api_version or "9999"
        regions = self.target_regions or [{"name": self.location}]
        targets = [{"name": display_name(r.get("name")),
                    "regionalReplicaCount": r.get("regionalReplicaCount", 1),
                    "storageAccountType": _account_type(r.get("storageAccountType") or "Standard_LRS")}
                   for r in regions]
        pub = {"targetRegions": targets}
        if self.target_extended_locations:
            pub["targetExtendedLocations"] = [
                {"extendedLocation": {"type": (t.get("extendedLocation") or {}).get("type"),
                                      "name": (t.get("extendedLocation") or {}).get("name")},
                 "name": display_name(t.get("name")),
                 "extendedLocationReplicaCount": t.get("extendedLocationReplicaCount", 1),
                 "storageAccountType": _account_type(t.get("storageAccountType") or "StandardSSD_LRS")}
                for t in self.target_extended_locations]
        pub.update(replicaCount=1, excludeFromLatest=self.exclude_from_latest,
                   publishedDate=iso(self.time_created), storageAccountType="Standard_LRS")
        os_image = {}
        if self.provisioning_state != "Creating":  # the first answer has no size yet (recording)
            os_image["sizeInGB"] = self.size_gb
        os_image["hostCaching"] = "ReadWrite"
        storage = {}
        if self.source_at == "storageProfile":
            storage["source"] = self.source
            os_image["source"] = {}
        else:
            os_image["source"] = dict(self.source)
        storage["osDiskImage"] = os_image
        if self.data_disk_images:  # sized once made, as the OS disk image (test_gallery_specialized #39, #47)
            storage["dataDiskImages"] = [
                {"lun": d["lun"], **({} if self.provisioning_state == "Creating" else {"sizeInGB": d["sizeInGB"]}),
                 "hostCaching": d["hostCaching"], **({"source": dict(d["source"])} if d.get("source") else {})}
                for d in self.data_disk_images]
        props = {"publishingProfile": pub, "storageProfile": storage}
        if api >= "2022-03-03":
            props["safetyProfile"] = {"reportedForPolicyViolation": False,
                                      "allowDeletionOfReplicatedLocations": self.allow_deletion_of_replicated_locations}
        if api >= "2024-03-03":
            props["validationsProfile"] = {"validationOperationStatus": "NotExecuted"}
        props["provisioningState"] = self.provisioning_state
        return self.envelope(props)


def _account_type(name):
    """A storage account type as Azure writes it back ('standardssd_lrs' -> 'StandardSSD_LRS', recording)."""
    known = ("Standard_LRS", "Standard_ZRS", "StandardSSD_LRS", "Premium_LRS", "PremiumV2_LRS")
    return next((k for k in known if k.lower() == str(name).lower()), name)


def version_source(src, table, definition):
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
