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
from . import exceptions
from .exceptions import AnotherOperationInProgress
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
    """One class per resource type, all alike: ``kind``/``plural`` name the backend's methods (``get_<kind>``,
    ``list_<plural>``, ``begin_create_or_update_<kind>``, ``begin_delete_<kind>``), ``names`` the URL
    parameters that name a resource."""
    kind = plural = None
    names = ()

    @property
    def backend(self):
        return self.cloud.network

    def run(self, handler):
        """A refusal for an operation in progress names that operation's URL; the client waits before it tries
        again (a virtual clock moves as for a poll)."""
        try:
            return super().run(handler)
        except AnotherOperationInProgress as exc:
            url = lro_headers(self.cloud, exc.operation, self.ctx.base_url, self.ctx.api_version)
            exc.headers["Retry-After"] = str(int(self.cloud.operations.retry_after))
            self.cloud.operations.waited(exc.operation)
            raise exc.with_url(url["Azure-AsyncOperation"])

    def _names(self):
        return [self.param(n) for n in self.names]

    def _call(self, prefix, *args):
        return getattr(self.backend, prefix + self.kind)(self.subscription, self.resource_group, *args)

    def _etag_of(self, obj):
        return obj.etag

    def render(self, obj):
        """A resource's body (a type whose shape depends on the api-version overrides this)."""
        return obj.to_json()

    def get(self):
        obj = self._call("get_", *self._names())
        return Reply(200, self.render(obj), {"ETag": self._etag_of(obj)})

    def put(self):
        write = self._call("begin_create_or_update_", *self._names(), self.json_body())
        headers = lro_headers(self.cloud, write.operation, self.ctx.base_url, self.ctx.api_version, location=False)
        self._put_headers(write.obj, headers)
        return Reply(201 if write.created else 200, self.render(write.obj), headers)

    def _put_headers(self, obj, headers):
        headers["ETag"] = obj.etag

    def delete(self):
        names = self._names()
        try:
            self._call("get_", *names)
        except errors.ResourceNotFound:
            self.cloud.resources.get_group(self.subscription, self.resource_group)
            return Reply(204)
        return self._delete_reply(self._call("begin_delete_", *names))

    def _delete_reply(self, op):
        return Reply(202, None, lro_headers(self.cloud, op, self.ctx.base_url, self.ctx.api_version))

    def list(self):
        return self.list_of([self.render(o) for o in getattr(self.backend, "list_" + self.plural)(
            self.subscription, self.resource_group)])

    def list_all(self):
        return self.list_of([self.render(o) for o in getattr(self.backend, "list_" + self.plural)(
            self.subscription)])

    def update_tags(self):
        """``*_UpdateTags`` (PATCH): synchronous, 200 with the resource."""
        obj = self.backend.update_tags(self.kind, self.subscription, self.resource_group, *self._names(),
                                       self.json_body())
        return Reply(200, obj.to_json(), {"ETag": self._etag_of(obj)})

    def _post_lro(self, op):
        """A long-running POST whose result is read at its Location (final-state-via: location)."""
        return Reply(202, None, lro_headers(self.cloud, op, self.ctx.base_url, self.ctx.api_version))


class VirtualNetworkResponse(NetworkResponse):
    kind, plural, names = "vnet", "vnets", ("vnetName",)

    def check_ip_address(self):
        return Reply(200, self.backend.check_ip_address(self.subscription, self.resource_group, self.param("vnetName"),
                                                        self.query.get("ipAddress")))

    def list_usages(self):
        return self.list_of(self.backend.vnet_usages(self.subscription, self.resource_group, self.param("vnetName")))


class SubnetResponse(NetworkResponse):
    kind, plural, names = "subnet", "subnets", ("vnetName", "subnetName")

    def _etag_of(self, obj):
        return obj.vnet.etag

    def _put_headers(self, obj, headers):
        pass  # a subnet PUT answers without an ETag

    def delete(self):
        op = self._call("begin_delete_", *self._names())
        return Reply(204) if op is None else self._delete_reply(op)

    def list(self):
        vnet = self.backend.get_vnet(self.subscription, self.resource_group, self.param("vnetName"))
        return self.list_of([s.to_json() for s in vnet.subnets.values()])


class NetworkInterfaceResponse(NetworkResponse):
    kind, plural, names = "nic", "nics", ("nicName",)

    def effective_route_table(self):
        return self._post_lro(self.backend.begin_effective_route_table(self.subscription, self.resource_group,
                                                                       self.param("nicName")))

    def effective_security_groups(self):
        return self._post_lro(self.backend.begin_effective_network_security_groups(
            self.subscription, self.resource_group, self.param("nicName")))


class PublicIPResponse(NetworkResponse):
    kind, plural, names = "public_ip", "public_ips", ("publicIpName",)

    def ddos_protection_status(self):
        return self._post_lro(self.backend.begin_ddos_protection_status(self.subscription, self.resource_group,
                                                                        self.param("publicIpName")))


class SecurityGroupResponse(NetworkResponse):
    kind, plural, names = "nsg", "nsgs", ("nsgName",)

    def render(self, obj):
        return obj.to_json(self.ctx.api_version)


class SecurityRuleResponse(NetworkResponse):
    """``networkSecurityGroups/{nsg}/securityRules`` and ``defaultSecurityRules``."""
    names = ("nsgName", "securityRuleName")

    def get(self):
        nsg, rule = self.backend.get_security_rule(self.subscription, self.resource_group, *self._names())
        return Reply(200, nsg.rule_json(rule["name"]), {"ETag": nsg.etag})

    def list(self):
        nsg, rules = self.backend.list_security_rules(self.subscription, self.resource_group, self.param("nsgName"))
        return self.list_of([nsg.rule_json(r["name"]) for r in rules])

    def put(self):
        write, body = self.backend.begin_create_or_update_security_rule(self.subscription, self.resource_group,
                                                                        *self._names(), self.json_body())
        headers = lro_headers(self.cloud, write.operation, self.ctx.base_url, self.ctx.api_version, location=False)
        body["properties"]["provisioningState"] = "Updating" if not write.operation.done else "Succeeded"
        return Reply(201 if write.created else 200, body, headers)

    def delete(self):
        op = self.backend.begin_delete_security_rule(self.subscription, self.resource_group, *self._names())
        return Reply(204) if op is None else self._delete_reply(op)

    def get_default(self):
        nsg = self.backend.get_nsg(self.subscription, self.resource_group, self.param("nsgName"))
        rule = next((r for r in nsg.default_rules_json(self.ctx.api_version) if r["name"].lower() ==
                     self.param("defaultSecurityRuleName").lower()), None)
        if rule is None:
            raise exceptions.NotFound("Default security rule {} not found in network security group {}.".format(
                self.param("defaultSecurityRuleName"), nsg.id))  # wording not verified
        return Reply(200, rule)

    def list_default(self):
        nsg = self.backend.get_nsg(self.subscription, self.resource_group, self.param("nsgName"))
        return self.list_of(nsg.default_rules_json(self.ctx.api_version))


class OperationResponse(NetworkResponse):
    def _operation(self):
        op = self.cloud.operations.get(self.param("operationId"))
        if op is None or op.namespace != NS:
            raise errors.NotFound("The operation '{}' could not be found.".format(self.param("operationId")),
                                  code="OperationNotFound")
        return op

    def operation_status(self):
        op = self._operation()
        self.cloud.operations.waited(op)
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
        self.cloud.operations.waited(op)
        if not op.done:
            return Reply(202, None, lro_headers(self.cloud, op, self.ctx.base_url, self.ctx.api_version))
        if op.status == "Failed":
            raise op.error
        if isinstance(op.output, dict):  # a POST's result (effective routes, effective security groups)
            return Reply(200, op.output)
        return Reply(204)
