"""Microsoft.Compute requests: parse, call one backend method, answer as Azure does.

Answer shapes (shared/fidelity/README.md):
- VM PUT create: 201 + body (Creating) + Azure-AsyncOperation + Azure-AsyncNotification, no Location;
  PUT/PATCH update: 200 + body (Updating) + the same headers and an ETag; no change: plain 200.
- power actions, DELETE: 202, empty body, Azure-AsyncOperation + Location (&monitor=true).
- generalize: synchronous 200, empty body.
- disks/snapshots PUT/PATCH: 202 with the request echoed + DiskOperations headers (no notification).
- images: 201 + body like VMs; galleries, definitions, versions: 201 + capsOperations.
- every answer (and every Compute error) names its throttling bucket (:mod:`.ratelimit`).

One response class per resource type, all alike: ``kind``/``plural`` name the backend's methods
(``get_<kind>``, ``list_<plural>``, ``begin_create_or_update_<kind>``, ``begin_delete_<kind>``) and
``names`` the URL parameters that name a resource; the handlers ``get``, ``list``, ``list_all``, ``put``
and ``delete`` are shared. Here: VMs, their extensions and Run Commands, availability sets, proximity placement
groups and the per-location documents; disks and snapshots are in :mod:`.disk_responses`, images and galleries
in :mod:`.image_responses`, the marketplace in :mod:`.marketplace_responses`.
"""
import json

from ..core import errors
from ..core.responses import BaseResponse, Reply, operation_status_reply
from . import exceptions, paging, ratelimit, shapes
from .models import skus


class ComputeResponse(BaseResponse):
    kind = plural = None
    names = ()
    notification = False  # Azure-AsyncNotification on writes
    buckets = {}          # handler -> Compute throttling bucket (:mod:`.ratelimit`); none: no headers

    @property
    def backend(self):
        return self.cloud.compute

    def run(self, handler):
        """Count the call in its Compute throttling bucket and put the headers on the answer or the error."""
        bucket = self.buckets.get(handler)
        if bucket is None:
            reply = getattr(self, handler)()
            if isinstance(reply, Reply):
                reply.body = shapes.shaped(reply.body, self.ctx.api_version)
            return reply
        counter = self.backend.rate
        try:
            reply = getattr(self, handler)()
        except errors.ArmError as exc:
            if not exc.gateway:
                exc.headers["x-ms-ratelimit-remaining-resource"] = counter.take(self.subscription, bucket)
                exc.headers.update(ratelimit.subscription_headers(self.ctx.method))
            raise
        reply.headers["x-ms-ratelimit-remaining-resource"] = counter.take(self.subscription, bucket)
        reply.headers.update(ratelimit.subscription_headers(self.ctx.method))
        reply.body = shapes.shaped(reply.body, self.ctx.api_version)  # no key its api-version's model lacks
        if isinstance(reply.body, dict) and "value" not in reply.body and reply.raw is None:
            # single Compute resources and status documents are pretty-printed with \r\n; lists are compact
            # (shared/fidelity README item 15)
            reply.raw = json.dumps(reply.body, indent=2).replace("\n", "\r\n").encode("utf-8")
        return reply

    # -- helpers ------------------------------------------------------------------------------------
    def _async(self, op, status, body, location=False):
        reply = self.lro(op, status=status, body=body, location=location)
        if self.notification:
            reply.headers["Azure-AsyncNotification"] = "Enabled"
        return reply

    def _accepted(self, op):
        """202, empty body, both headers (power actions, DELETE)."""
        return self._async(op, 202, None, location=True)

    def _names(self, parents_only=False):
        return [self.param(n) for n in (self.names[:-1] if parents_only else self.names)]

    def _call(self, prefix, *args, **kwargs):
        return getattr(self.backend, prefix + self.kind)(self.subscription, self.resource_group, *args, **kwargs)

    # -- the shared handlers ------------------------------------------------------------------------
    def get(self):
        return self.ok(self._call("get_", *self._names()).to_json())

    def list(self):
        return self.list_of([o.to_json() for o in getattr(self.backend, "list_" + self.plural)(
            self.subscription, self.resource_group, *self._names(parents_only=True))])

    def list_all(self):
        return self.list_of([o.to_json() for o in getattr(self.backend, "list_" + self.plural)(self.subscription)])

    def put(self):
        write = self._call("begin_create_or_update_", *self._names(), self.json_body())
        return self._async(write.operation, 201 if write.created else 200, write.accepted)

    def delete(self):
        op = self._call("begin_delete_", *self._names())
        return Reply(204, None) if op is None else self._accepted(op)

    def patch(self):
        """``*_Update`` (PATCH) of a type whose backend has no update of its own: the request merged into the
        resource as it is, then written as a PUT would be (a PATCH of a missing resource is the gateway's 404)."""
        current = self._call("get_", *self._names()).to_json()
        write = self._call("begin_create_or_update_", *self._names(), merged(current, self.json_body()))
        return self._async(write.operation, 200, write.accepted)


def merged(current, change):
    """``change`` laid over ``current``: objects merged key by key, everything else replaced."""
    if not isinstance(current, dict) or not isinstance(change, dict):
        return change
    out = dict(current)
    for k, v in change.items():
        out[k] = merged(current.get(k), v) if isinstance(v, dict) else v
    return out


class VirtualMachineResponse(ComputeResponse):
    kind, plural, names, notification = "vm", "vms", ("vmName",), True
    buckets = {"get": "LowCostGet", "get_instance_view": "LowCostGet", "list": "HighCostGet",
               "list_all": "HighCostGet", "put": "PutVM", "delete": "DeleteVM", "start": "UpdateVM",
               "power_off": "UpdateVM", "restart": "UpdateVM", "deallocate": "DeleteVM", "generalize": "UpdateVM",
               "redeploy": "UpdateVM", "reapply": "UpdateVM", "perform_maintenance": "UpdateVM",
               "reimage": "UpdateVM", "simulate_eviction": "UpdateVM", "convert_to_managed_disks": "UpdateVM",
               "capture": "UpdateVM", "assess_patches": "UpdateVM", "install_patches": "UpdateVM",
               "attach_detach_data_disks": "UpdateVM", "migrate_to_vmss": "UpdateVM",
               "list_available_sizes": "LowCostGet",
               "list_by_location": "HighCostGet"}

    def get(self):
        vm = self.backend.get_vm(self.subscription, self.resource_group, self.param("vmName"))
        expand = (self.query.get("$expand") or "").lower()
        if expand and expand not in ("instanceview", "userdata", "resiliencypolicy"):
            raise exceptions.InvalidParameter("The value of parameter '$expand' is invalid.", target="$expand")
        if expand == "instanceview":
            return self.ok(vm.to_json(instance_view=True))
        return self.ok(vm.to_json(user_data=expand == "userdata"), headers={"ETag": vm.etag_value})

    def get_instance_view(self):
        return self.ok(self.backend.get_vm(self.subscription, self.resource_group, self.param("vmName"))
                       .instance_view())

    def list(self):
        return paging.paged(self, self.backend.list_vms(self.subscription, self.resource_group),
                            lambda vm: vm.to_json())

    def list_all(self):
        vms = self.backend.list_vms(self.subscription)
        if (self.query.get("statusOnly") or "").lower() == "true":
            # run time status only (VirtualMachines_ListAll): the instance view's statuses, no model
            return paging.paged(self, vms, lambda vm: {
                "name": vm.name, "id": vm.id, "type": vm.full_type, "location": vm.location,
                "properties": {"vmId": vm.vm_id, "instanceView": {"statuses": vm.run_time_statuses()}}})
        return paging.paged(self, vms, lambda vm: vm.to_json())

    def put(self):
        write = self.backend.begin_create_or_update_vm(
            self.subscription, self.resource_group, self.param("vmName"), self.json_body(),
            patch=self.ctx.method == "PATCH", if_match=self.ctx.headers.get("If-Match"))
        if write.operation is None:
            return self.ok(write.accepted, headers={"ETag": write.obj.etag_value})
        reply = self._async(write.operation, 201 if write.created else 200, write.accepted)
        reply.headers["ETag"] = write.obj.etag_value
        return reply

    def delete(self):
        force = (self.query.get("forceDeletion") or "").lower() == "true"
        op = self.backend.begin_delete_vm(self.subscription, self.resource_group, self.param("vmName"), force=force)
        return Reply(204, None) if op is None else self._accepted(op)

    def _action(self, name, **kwargs):
        return self._accepted(getattr(self.backend, "begin_{}_vm".format(name))(
            self.subscription, self.resource_group, self.param("vmName"), **kwargs))

    def start(self):
        return self._action("start")

    def power_off(self):
        return self._action("power_off", skip_shutdown=(self.query.get("skipShutdown") or "").lower() == "true")

    def restart(self):
        return self._action("restart")

    def deallocate(self):
        return self._action("deallocate")

    def generalize(self):
        self.backend.generalize_vm(self.subscription, self.resource_group, self.param("vmName"))
        return Reply(200, None)

    def retrieve_boot_diagnostics_data(self):
        return self.ok(self.backend.retrieve_boot_diagnostics_data(
            self.subscription, self.resource_group, self.param("vmName"),
            self.query.get("sasUriExpirationTimeInMinutes"), self.ctx.base_url))

    # the other VirtualMachines_* actions (:mod:`.models.vm_operations`): 202 + both headers
    def redeploy(self):
        return self._action("redeploy")

    def reapply(self):
        return self._action("reapply")

    def perform_maintenance(self):
        return self._action("perform_maintenance")

    def reimage(self):
        return self._action("reimage", body=self.json_body(required=False))

    def simulate_eviction(self):
        """VirtualMachines_SimulateEviction answers 204 (no operation); the fake's VMs are not Spot VMs."""
        self.backend.begin_simulate_eviction_vm(self.subscription, self.resource_group, self.param("vmName"))
        return Reply(204, None)

    def migrate_to_vmss(self):
        return self._action("migrate_to_vmss", body=self.json_body(required=False))

    def convert_to_managed_disks(self):
        return self._action("convert_to_managed_disks")

    def capture(self):
        return self._action("capture", body=self.json_body())

    def assess_patches(self):
        return self._action("assess_patches")

    def install_patches(self):
        return self._action("install_patches", body=self.json_body())

    def attach_detach_data_disks(self):
        return self._action("attach_detach_data_disks", body=self.json_body())

    def list_available_sizes(self):
        return self.list_of([s.size_body() for s in self.backend.available_sizes_vm(
            self.subscription, self.resource_group, self.param("vmName"))])

    def list_by_location(self):
        return self.list_of([vm.to_json() for vm in self.backend.list_vms_by_location(self.subscription,
                                                                                      self.param("location"))])

    def run_command(self):
        return self._async(self.backend.begin_run_command(self.subscription, self.resource_group,
                                                          self.param("vmName"), self.json_body()), 202, None,
                           location=True)


class AvailabilitySetResponse(ComputeResponse):
    """Availability sets and proximity placement groups: their PUT and DELETE answer at once (spec: 200)."""
    kind, plural, names = "availability_set", "availability_sets", ("availabilitySetName",)

    def put(self):
        body = self.json_body()
        if self.ctx.method == "PATCH":  # *_Update: the request laid over the resource, then written as a PUT
            current = self._call("get_", *self._names()).to_json()
            props = dict(current.get("properties") or {}, **(body.get("properties") or {}))
            body = dict(current, **{k: v for k, v in body.items() if k != "properties"}, properties=props)
        write = self._call("begin_create_or_update_", *self._names(), body)
        return self.ok(write.accepted)

    def delete(self):
        self._call("begin_delete_", *self._names())
        return self.ok(None)


class ProximityPlacementGroupResponse(AvailabilitySetResponse):
    kind, plural, names = "ppg", "ppgs", ("proximityPlacementGroupName",)


class VmExtensionResponse(ComputeResponse):
    """VM extensions (``.../virtualMachines/{vmName}/extensions/{vmExtensionName}``): PUT 201/200, PATCH 200, both
    with Azure-AsyncOperation and no Location; DELETE 202 (shared/fidelity vm-create.yaml, vm-power-lro.yaml)."""
    kind, plural, names, notification = "vm_extension", "vm_extensions", ("vmName", "vmExtensionName"), True
    buckets = ratelimit.buckets("LowCostGet", "UpdateVM", "UpdateVM")

    def put(self):
        write = self._call("begin_create_or_update_", *self._names(), self.json_body(),
                           patch=self.ctx.method == "PATCH")
        return self._async(write.operation, 201 if write.created else 200, write.accepted)

    def list(self):
        return self.list_of([e.to_json() for e in self.backend.list_vm_extensions(
            self.subscription, self.resource_group, self.param("vmName"))])


class RunCommandResponse(ComputeResponse):
    """Managed Run Commands of a VM (``.../virtualMachines/{vmName}/runCommands/{runCommandName}``)."""
    kind, plural, names, notification = "run_command", "run_commands", ("vmName", "runCommandName"), True

    def put(self):
        write = self._call("begin_create_or_update_", *self._names(), self.json_body(),
                           patch=self.ctx.method == "PATCH")
        # the body as accepted: Creating or Updating, even when an instant profile has finished the work already
        return self._async(write.operation, 201 if write.created else 200, write.accepted)

    def get(self):
        expand = (self.query.get("$expand") or "").lower()
        if expand and expand != "instanceview":
            raise exceptions.InvalidParameter("The value of parameter '$expand' is invalid.", target="$expand")
        return self.ok(self._call("get_", *self._names()).to_json(instance_view=expand == "instanceview"))

    def list(self):
        expand = (self.query.get("$expand") or "").lower() == "instanceview"
        return self.list_of([rc.to_json(instance_view=expand) for rc in self.backend.list_run_commands(
            self.subscription, self.resource_group, self.param("vmName"))])

    def delete(self):
        op = self._call("begin_delete_", *self._names())
        return self.no_content(204) if op is None else self.lro(op, status=202)


class LocationResponse(ComputeResponse):
    """SKUs, sizes, usages and the operation status documents."""
    buckets = {"list_vm_sizes": "HighCostGet", "list_usages": "HighCostGet", "operation_status": "GetOperation",
               "caps_operation_status": "GetOperationStatus"}  # the SKU list names no bucket

    def list_skus(self):
        self.cloud.resources.get_subscription(self.subscription)
        flt = self.query.get("$filter") or ""
        location = None
        if "location" in flt.lower():
            location = flt.split("'")[1].replace(" ", "").lower() if "'" in flt else None
        return self.list_of(skus.resource_skus(location, self.subscription, self.backend.sku_restrictions))

    def list_vm_sizes(self):
        self.cloud.resources.get_subscription(self.subscription)
        return self.list_of(skus.vm_sizes(self.param("location").lower()))

    def list_usages(self):
        return self.list_of(self.backend.list_usages(self.subscription, self.param("location")))

    def operation_status(self):
        return operation_status_reply(self, self.param("operationId"))

    def caps_operation_status(self):
        return operation_status_reply(self, self.param("operationId"))
