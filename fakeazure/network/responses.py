"""Microsoft.Network over HTTP: parse, call one backend method, render.

Long-running shapes (Network differs from Compute):

* ``PUT`` answers 201 (created) or 200 (updated) with the resource body and ``Azure-AsyncOperation:
  .../providers/Microsoft.Network/locations/{loc}/operations/{id}?api-version=...``; no ``Location``.
* ``DELETE`` answers 202 with an empty body, ``Location: .../locations/{loc}/operationResults/{id}`` and the
  ``Azure-AsyncOperation`` URL above (both with the same id), plus ``Retry-After``; a DELETE of something that
  is not there answers 204.
* The status document is only ``{"status": "InProgress"|"Succeeded"|"Failed"}`` (+ ``error`` when failed);
  the ``operationResults`` URL answers 202 while running and 204 when done.

Evidence: a 2015 azure-xplat-cli nock recording of vnet/subnet/public IP deletes (202 + both headers, ids
equal to ``x-ms-request-id``, status body ``{"status": "Succeeded"}``) and azure-rest-api-specs'
``x-ms-long-running-operation-options: final-state-via: azure-async-operation`` (PUT) / ``location`` (DELETE).
"""
from ..core import errors
from ..core.responses import BaseResponse, Reply
from .models import NS


def lro_headers(cloud, op, base_url, api_version, location=True):
    base = "{}/subscriptions/{}/providers/{}/locations/{}".format(base_url, op.subscription, NS, op.location)
    suffix = "?api-version={}".format(api_version)
    headers = {"Azure-AsyncOperation": "{}/operations/{}{}".format(base, op.id, suffix),
               "Retry-After": str(int(cloud.operations.retry_after))}
    if location:
        headers["Location"] = "{}/operationResults/{}{}".format(base, op.id, suffix)
    return headers


class NetworkResponse(BaseResponse):
    @property
    def backend(self):
        return self.cloud.network

    # -- helpers ----------------------------------------------------------------------------------
    def _show(self, obj):
        return Reply(200, obj.to_json(), {"ETag": obj.etag})

    def _put_reply(self, obj, created, op):
        headers = lro_headers(self.cloud, op, self.ctx.base_url, self.ctx.api_version, location=False)
        headers["ETag"] = obj.etag
        return Reply(201 if created else 200, obj.to_json(), headers)

    def _delete_reply(self, op):
        headers = lro_headers(self.cloud, op, self.ctx.base_url, self.ctx.api_version)
        return Reply(202, None, headers)

    def _delete(self, getter, begin, *names):
        try:
            getter(self.subscription, self.resource_group, *names)
        except errors.ResourceNotFound:
            self.cloud.resources.get_group(self.subscription, self.resource_group)
            return Reply(204)
        return self._delete_reply(begin(self.subscription, self.resource_group, *names))

    def _list(self, items):
        return self.list_of([o.to_json() for o in items])

    # -- virtual networks -------------------------------------------------------------------------
    def get_vnet(self):
        return self._show(self.backend.get_vnet(self.subscription, self.resource_group, self.param("vnetName")))

    def put_vnet(self):
        return self._put_reply(*self.backend.put_vnet(self.subscription, self.resource_group,
                                                      self.param("vnetName"), self.json_body()))

    def delete_vnet(self):
        return self._delete(self.backend.get_vnet, self.backend.begin_delete_vnet, self.param("vnetName"))

    def list_vnets(self):
        return self._list(self.backend.list_vnets(self.subscription, self.resource_group))

    def list_all_vnets(self):
        return self._list(self.backend.list_vnets(self.subscription))

    # -- subnets ----------------------------------------------------------------------------------
    def get_subnet(self):
        subnet = self.backend.get_subnet(self.subscription, self.resource_group, self.param("vnetName"),
                                         self.param("subnetName"))
        return Reply(200, subnet.to_json(), {"ETag": subnet.vnet.etag})

    def put_subnet(self):
        subnet, created, op = self.backend.put_subnet(self.subscription, self.resource_group,
                                                      self.param("vnetName"), self.param("subnetName"),
                                                      self.json_body())
        headers = lro_headers(self.cloud, op, self.ctx.base_url, self.ctx.api_version, location=False)
        return Reply(201 if created else 200, subnet.to_json(), headers)

    def delete_subnet(self):
        op, _ = self.backend.begin_delete_subnet(self.subscription, self.resource_group, self.param("vnetName"),
                                                 self.param("subnetName"))
        return Reply(204) if op is None else self._delete_reply(op)

    def list_subnets(self):
        vnet = self.backend.get_vnet(self.subscription, self.resource_group, self.param("vnetName"))
        return self.list_of([s.to_json() for s in vnet.subnets.values()])

    # -- network interfaces -----------------------------------------------------------------------
    def get_nic(self):
        return self._show(self.backend.get_nic(self.subscription, self.resource_group, self.param("nicName")))

    def put_nic(self):
        return self._put_reply(*self.backend.put_nic(self.subscription, self.resource_group,
                                                     self.param("nicName"), self.json_body()))

    def delete_nic(self):
        return self._delete(self.backend.get_nic, self.backend.begin_delete_nic, self.param("nicName"))

    def list_nics(self):
        return self._list(self.backend.list_nics(self.subscription, self.resource_group))

    def list_all_nics(self):
        return self._list(self.backend.list_nics(self.subscription))

    # -- public IPs -------------------------------------------------------------------------------
    def get_public_ip(self):
        return self._show(self.backend.get_public_ip(self.subscription, self.resource_group,
                                                     self.param("publicIpName")))

    def put_public_ip(self):
        return self._put_reply(*self.backend.put_public_ip(self.subscription, self.resource_group,
                                                           self.param("publicIpName"), self.json_body()))

    def delete_public_ip(self):
        return self._delete(self.backend.get_public_ip, self.backend.begin_delete_public_ip,
                            self.param("publicIpName"))

    def list_public_ips(self):
        return self._list(self.backend.list_public_ips(self.subscription, self.resource_group))

    def list_all_public_ips(self):
        return self._list(self.backend.list_public_ips(self.subscription))

    # -- network security groups ------------------------------------------------------------------
    def get_nsg(self):
        return self._show(self.backend.get_nsg(self.subscription, self.resource_group, self.param("nsgName")))

    def put_nsg(self):
        return self._put_reply(*self.backend.put_nsg(self.subscription, self.resource_group,
                                                     self.param("nsgName"), self.json_body()))

    def delete_nsg(self):
        return self._delete(self.backend.get_nsg, self.backend.begin_delete_nsg, self.param("nsgName"))

    def list_nsgs(self):
        return self._list(self.backend.list_nsgs(self.subscription, self.resource_group))

    def list_all_nsgs(self):
        return self._list(self.backend.list_nsgs(self.subscription))

    # -- operations -------------------------------------------------------------------------------
    def _operation(self):
        op = self.cloud.operations.get(self.param("operationId"))
        if op is None or op.namespace != NS:
            raise errors.NotFound("The operation '{}' could not be found.".format(self.param("operationId")),
                                  code="OperationNotFound")
        return op

    def operation_status(self):
        op = self._operation()
        body = {"status": op.status}
        headers = {}
        if op.status == "Failed" and op.error is not None:
            err = op.error.to_dict()
            err.setdefault("details", [])
            body["error"] = err
        if not op.done:
            headers["Retry-After"] = str(int(self.cloud.operations.retry_after))
        return Reply(200, body, headers)

    def operation_result(self):
        op = self._operation()
        if not op.done:
            return Reply(202, None, lro_headers(self.cloud, op, self.ctx.base_url, self.ctx.api_version))
        if op.status == "Failed":
            raise op.error
        return Reply(204)
