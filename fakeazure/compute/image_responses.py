"""Microsoft.Compute managed images and the Compute Gallery (galleries, image definitions, image versions):
images answer 201 + body like VMs; galleries, definitions and versions 201 + capsOperations; an image version
is shaped for the requested api-version."""
from . import ratelimit
from .responses import ComputeResponse


class ImageResponse(ComputeResponse):
    kind, plural, names, notification = "image", "images", ("imageName",), True
    buckets = ratelimit.buckets("GetImages", "CreateImages", "DeleteImages")


class GalleryResponse(ComputeResponse):
    kind, plural, names = "gallery", "galleries", ("galleryName",)
    buckets = dict(ratelimit.buckets("GetGallery", "CreateUpdateGallery", "CreateUpdateGallery"),
                   share="CreateUpdateGallery")

    def get(self):
        # $select=Permissions and $expand=sharingProfile/Groups show whom the gallery is shared with
        groups = (self.query.get("$select") or "").lower() == "permissions" or \
            (self.query.get("$expand") or "").lower() == "sharingprofile/groups"
        return self.ok(self._call("get_", *self._names()).to_json(with_groups=groups))

    def share(self):
        op = self.backend.begin_share_gallery(self.subscription, self.resource_group, self.param("galleryName"),
                                              self.json_body())
        return self._accepted(op)  # 202, both headers (recording test_update_gallery_permissions#4)


class GalleryImageResponse(ComputeResponse):
    kind, plural, names = "gallery_image", "gallery_images", ("galleryName", "imageName")
    buckets = ratelimit.buckets("GetGallery", "CreateUpdateGallery", "CreateUpdateGallery")


class GalleryVersionResponse(ComputeResponse):
    """Image versions in the requested api-version's shape (:class:`.models.gallery_versions.GalleryImageVersion`)."""
    kind, plural, names = "gallery_version", "gallery_versions", ("galleryName", "imageName", "versionName")
    buckets = ratelimit.buckets("GetGalleryImageVersion", "CreateUpdateGallery", "CreateUpdateGallery")

    def get(self):
        return self.ok(self._call("get_", *self._names()).to_json(self.ctx.api_version))

    def list(self):
        return self.list_of([v.to_json(self.ctx.api_version) for v in self.backend.list_gallery_versions(
            self.subscription, self.resource_group, *self._names(parents_only=True))])

    def put(self):
        write = self._call("begin_create_or_update_", *self._names(), self.json_body())
        body = write.obj.to_json(self.ctx.api_version)
        if write.operation is not None and write.operation.done:
            body["properties"]["provisioningState"] = "Creating" if write.created else "Updating"
            if write.created:  # the first answer has no size yet, however fast the work
                body["properties"]["storageProfile"]["osDiskImage"].pop("sizeInGB", None)
        return self._async(write.operation, 201 if write.created else 200, body)
