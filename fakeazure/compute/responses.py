"""Microsoft.Compute requests: parse, call one backend method, answer as Azure does.

Answer shapes (shared/fidelity/README.md):
- VM PUT create: 201 + body (Creating) + Azure-AsyncOperation + Azure-AsyncNotification, no Location;
  PUT/PATCH update: 200 + body (Updating) + the same headers and an ETag; no change: plain 200.
- power actions, DELETE: 202, empty body, Azure-AsyncOperation + Location (&monitor=true).
- generalize: synchronous 200, empty body.
- disks/snapshots PUT/PATCH: 202 with the request echoed + DiskOperations headers (no notification).
- images: 201 + body like VMs; galleries, definitions, versions: 201 + capsOperations.
- every answer (and every Compute error) names its throttling bucket.
"""
import functools
import json

from ..core import errors
from ..core.responses import BaseResponse, Reply, operation_status_reply
from . import skus
from .ratelimit import RateCounter, subscription_headers


def bucket(name):
    """Count the call in a Compute throttling bucket and put the headers on the answer or the error."""
    def wrap(fn):
        @functools.wraps(fn)
        def inner(self):
            counter = self.cloud.__dict__.get("_compute_rate")
            if counter is None:
                counter = self.cloud.__dict__["_compute_rate"] = RateCounter(self.cloud.clock)
            try:
                reply = fn(self)
            except errors.ArmError as exc:
                if not exc.gateway:
                    exc.headers["x-ms-ratelimit-remaining-resource"] = counter.take(self.subscription, name)
                    exc.headers.update(subscription_headers(self.ctx.method))
                raise
            reply.headers["x-ms-ratelimit-remaining-resource"] = counter.take(self.subscription, name)
            reply.headers.update(subscription_headers(self.ctx.method))
            if isinstance(reply.body, dict) and "value" not in reply.body and reply.raw is None:
                # single Compute resources and status documents are pretty-printed with \r\n; lists are
                # compact (shared/fidelity README item 15)
                reply.raw = json.dumps(reply.body, indent=2).replace("\n", "\r\n").encode("utf-8")
            return reply
        return inner
    return wrap


class ComputeResponse(BaseResponse):

    @property
    def backend(self):
        return self.cloud.compute

    # -- helpers ------------------------------------------------------------------------------------
    def _async(self, op, status, body, location=False, notification=True):
        reply = self.lro(op, status=status, body=body, location=location)
        if notification:
            reply.headers["Azure-AsyncNotification"] = "Enabled"
        return reply

    def _accepted(self, op, notification=True):
        """202, empty body, both headers (power actions, DELETE)."""
        return self._async(op, 202, None, location=True, notification=notification)

    def _list(self, objs, **kw):
        return self.list_of([o.to_json(**kw) for o in objs])

    # -- virtual machines -----------------------------------------------------------------------
    @bucket("LowCostGet")
    def get_vm(self):
        vm = self.backend.get_vm(self.subscription, self.resource_group, self.param("vmName"))
        expand = (self.query.get("$expand") or "").lower()
        if expand and expand not in ("instanceview", "userdata", "resiliencypolicy"):
            raise errors.InvalidParameter("The value of parameter '$expand' is invalid.", target="$expand")
        if expand == "instanceview":
            return self.ok(vm.to_json(instance_view=True))
        return self.ok(vm.to_json(), headers={"ETag": vm.etag_value})

    @bucket("LowCostGet")
    def get_instance_view(self):
        vm = self.backend.get_vm(self.subscription, self.resource_group, self.param("vmName"))
        return self.ok(vm.instance_view())

    @bucket("HighCostGet")
    def list_vms(self):
        return self._list(self.backend.list_vms(self.subscription, self.resource_group))

    @bucket("HighCostGet")
    def list_all_vms(self):
        vms = self.backend.list_vms(self.subscription)
        if (self.query.get("statusOnly") or "").lower() == "true":
            # run time status only (VirtualMachines_ListAll): the instance view's statuses, no model
            return self.list_of([{"name": vm.name, "id": vm.id, "type": vm.full_type, "location": vm.location,
                                  "properties": {"vmId": vm.vm_id,
                                                 "instanceView": {"statuses": vm.run_time_statuses()}}}
                                 for vm in vms])
        return self._list(vms)

    @bucket("PutVM")
    def put_vm(self):
        return self._write_vm(patch=False)

    @bucket("PutVM")
    def patch_vm(self):
        return self._write_vm(patch=True)

    def _write_vm(self, patch):
        body = self.json_body()
        vm, op, status, reply_body = self.backend.create_or_update_vm(
            self.subscription, self.resource_group, self.param("vmName"), body, patch=patch,
            if_match=self.ctx.headers.get("If-Match"))
        if op is None:
            return self.ok(reply_body, headers={"ETag": vm.etag_value})
        reply = self._async(op, status, reply_body)
        reply.headers["ETag"] = vm.etag_value
        return reply

    def _power(self, action):
        skip = (self.query.get("skipShutdown") or "").lower() == "true"
        op = self.backend.power_action(self.subscription, self.resource_group, self.param("vmName"), action,
                                       skip_shutdown=skip)
        return self._accepted(op)

    @bucket("UpdateVM")
    def start_vm(self):
        return self._power("start")

    @bucket("UpdateVM")
    def power_off_vm(self):
        return self._power("powerOff")

    @bucket("UpdateVM")
    def restart_vm(self):
        return self._power("restart")

    @bucket("DeleteVM")
    def deallocate_vm(self):
        return self._power("deallocate")

    @bucket("UpdateVM")
    def generalize_vm(self):
        self.backend.generalize_vm(self.subscription, self.resource_group, self.param("vmName"))
        return Reply(200, None)

    @bucket("DeleteVM")
    def delete_vm(self):
        force = (self.query.get("forceDeletion") or "").lower() == "true"
        op = self.backend.delete_vm(self.subscription, self.resource_group, self.param("vmName"), force=force)
        if op is None:
            return Reply(204, None)
        return self._accepted(op)

    # -- disks and snapshots --------------------------------------------------------------------
    @bucket("GetDisks")
    def get_disk(self):
        return self.ok(self.backend.get_disk(self.subscription, self.resource_group,
                                             self.param("diskName")).to_json())

    @bucket("GetDisks")
    def list_disks(self):
        return self._list(self.backend.list_disks(self.subscription, self.resource_group))

    @bucket("GetDisks")
    def list_all_disks(self):
        return self._list(self.backend.list_disks(self.subscription))

    @bucket("CreateUpdateDisks")
    def put_disk(self):
        return self._write_disk(False, self.param("diskName"), patch=self.ctx.method == "PATCH")

    @bucket("DeleteDisks")
    def delete_disk(self):
        op = self.backend.delete_disk(self.subscription, self.resource_group, self.param("diskName"))
        return Reply(204, None) if op is None else self._accepted(op, notification=False)

    @bucket("GetDisks")
    def get_snapshot(self):
        return self.ok(self.backend.get_snapshot(self.subscription, self.resource_group,
                                                 self.param("snapshotName")).to_json())

    @bucket("GetDisks")
    def list_snapshots(self):
        return self._list(self.backend.list_snapshots(self.subscription, self.resource_group))

    @bucket("GetDisks")
    def list_all_snapshots(self):
        return self._list(self.backend.list_snapshots(self.subscription))

    @bucket("HighCostSnapshotCreateHydrate")
    def put_snapshot(self):
        return self._write_disk(True, self.param("snapshotName"), patch=self.ctx.method == "PATCH")

    @bucket("DeleteDisks")
    def delete_snapshot(self):
        op = self.backend.delete_disk(self.subscription, self.resource_group, self.param("snapshotName"),
                                      snapshot=True)
        return Reply(204, None) if op is None else self._accepted(op, notification=False)

    def _write_disk(self, snapshot, name, patch):
        body = self.json_body()
        _obj, op, status, echo = self.backend.create_or_update_disk(
            self.subscription, self.resource_group, name, body, snapshot=snapshot, patch=patch)
        return self._async(op, status, echo, location=True, notification=False)

    # -- images ---------------------------------------------------------------------------------
    @bucket("GetImages")
    def get_image(self):
        return self.ok(self.backend.get_image(self.subscription, self.resource_group,
                                              self.param("imageName")).to_json())

    @bucket("GetImages")
    def list_images(self):
        return self._list(self.backend.list_images(self.subscription, self.resource_group))

    @bucket("GetImages")
    def list_all_images(self):
        return self._list(self.backend.list_images(self.subscription))

    @bucket("CreateImages")
    def put_image(self):
        _img, op, status, body = self.backend.create_image(self.subscription, self.resource_group,
                                                           self.param("imageName"), self.json_body())
        return self._async(op, status, body)

    @bucket("DeleteImages")
    def delete_image(self):
        op = self.backend.delete_image(self.subscription, self.resource_group, self.param("imageName"))
        return Reply(204, None) if op is None else self._accepted(op)

    # -- galleries --------------------------------------------------------------------------------
    @bucket("GetGallery")
    def get_gallery(self):
        return self.ok(self.backend.get_gallery(self.subscription, self.resource_group,
                                                self.param("galleryName")).to_json())

    @bucket("GetGallery")
    def list_galleries(self):
        return self._list(self.backend.list_galleries(self.subscription, self.resource_group))

    @bucket("GetGallery")
    def list_all_galleries(self):
        return self._list(self.backend.list_galleries(self.subscription))

    @bucket("CreateUpdateGallery")
    def put_gallery(self):
        _g, op, status, body = self.backend.create_gallery(self.subscription, self.resource_group,
                                                           self.param("galleryName"), self.json_body())
        return self._async(op, status, body, notification=False)

    @bucket("GetGallery")
    def get_gallery_image(self):
        return self.ok(self.backend.get_gallery_image(self.subscription, self.resource_group,
                                                      self.param("galleryName"), self.param("imageName")).to_json())

    @bucket("GetGallery")
    def list_gallery_images(self):
        return self._list(self.backend.list_gallery_images(self.subscription, self.resource_group,
                                                           self.param("galleryName")))

    @bucket("CreateUpdateGallery")
    def put_gallery_image(self):
        _d, op, status, body = self.backend.create_gallery_image(
            self.subscription, self.resource_group, self.param("galleryName"), self.param("imageName"),
            self.json_body())
        return self._async(op, status, body, notification=False)

    @bucket("GetGalleryImageVersion")
    def get_gallery_version(self):
        return self.ok(self.backend.get_gallery_version(
            self.subscription, self.resource_group, self.param("galleryName"), self.param("imageName"),
            self.param("versionName")).to_json())

    @bucket("GetGalleryImageVersion")
    def list_gallery_versions(self):
        return self._list(self.backend.list_gallery_versions(self.subscription, self.resource_group,
                                                             self.param("galleryName"), self.param("imageName")))

    @bucket("CreateUpdateGallery")
    def put_gallery_version(self):
        _v, op, status, body = self.backend.create_gallery_version(
            self.subscription, self.resource_group, self.param("galleryName"), self.param("imageName"),
            self.param("versionName"), self.json_body())
        return self._async(op, status, body, notification=False)

    def _delete_gallery(self, table, getter, children, *names):
        try:
            obj = getter(self.subscription, self.resource_group, *names)
        except errors.ResourceNotFound:
            return Reply(204, None)
        op = self.backend.delete_gallery_thing(table, obj.id, children)
        return Reply(204, None) if op is None else self._accepted(op, notification=False)

    @bucket("CreateUpdateGallery")
    def delete_gallery(self):
        return self._delete_gallery("galleries", self.backend.get_gallery, "gallery_images",
                                    self.param("galleryName"))

    @bucket("CreateUpdateGallery")
    def delete_gallery_image(self):
        return self._delete_gallery("gallery_images", self.backend.get_gallery_image, "gallery_versions",
                                    self.param("galleryName"), self.param("imageName"))

    @bucket("CreateUpdateGallery")
    def delete_gallery_version(self):
        return self._delete_gallery("gallery_versions", self.backend.get_gallery_version, None,
                                    self.param("galleryName"), self.param("imageName"), self.param("versionName"))

    # -- SKUs, sizes, usages --------------------------------------------------------------------
    def list_skus(self):
        self.cloud.resources.get_subscription(self.subscription)
        flt = self.query.get("$filter") or ""
        location = None
        if "location" in flt.lower():
            location = flt.split("'")[1].replace(" ", "").lower() if "'" in flt else None
        return self.list_of(skus.resource_skus(location))

    @bucket("HighCostGet")
    def list_vm_sizes(self):
        self.cloud.resources.get_subscription(self.subscription)
        return self.list_of(skus.vm_sizes(self.param("location").lower()))

    @bucket("HighCostGet")
    def list_usages(self):
        return self.list_of(self.backend.usages(self.subscription, self.param("location")))

    # -- operations -------------------------------------------------------------------------------
    @bucket("GetOperation")
    def operation_status(self):
        return operation_status_reply(self, self.param("operationId"))

    @bucket("GetOperationStatus")
    def caps_operation_status(self):
        return operation_status_reply(self, self.param("operationId"))
