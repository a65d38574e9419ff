from ..core import errors
from ..core.locations import entries, location_json
from ..core.responses import BaseResponse, Reply, operation_result_reply
from . import listing


class ResourcesResponse(BaseResponse):
    def list_subscriptions(self):
        return self.list_of([s.to_json() for s in self.cloud.resources.subscriptions.values()])

    def get_subscription(self):
        return self.ok(self.cloud.resources.get_subscription(self.subscription).to_json())

    def list_tenants(self):
        tid = self.cloud.identity.tenant_id
        return self.list_of([{"id": "/tenants/" + tid, "tenantId": tid, "tenantCategory": "Home",
                              "countryCode": "US", "displayName": "Fake Azure Tenant",
                              "domains": ["fakeazure.onmicrosoft.com"],
                              "defaultDomain": "fakeazure.onmicrosoft.com", "tenantType": "AAD"}])

    def list_locations(self):
        sub = self.cloud.resources.get_subscription(self.subscription)
        return self.list_of([location_json(sub.subscription_id, e, self.ctx.api_version) for e in entries()])

    def list_groups(self):
        return self.list_of([g.to_json() for g in self.cloud.resources.list_groups(self.subscription)])

    def get_group(self):
        return self.ok(self.cloud.resources.get_group(self.subscription, self.resource_group).to_json())

    def head_group(self):
        exists = self.cloud.resources.group_exists(self.subscription, self.resource_group)
        return Reply(204 if exists else 404)

    def put_group(self):
        body = self.json_body()
        group, created = self.cloud.resources.create_or_update_group(
            self.subscription, self.resource_group, body.get("location"), body.get("tags"),
            body.get("managedBy"))
        return self.ok(group.to_json(), status=201 if created else 200)

    def patch_group(self):
        body = self.json_body()
        group = self.cloud.resources.update_group_tags(self.subscription, self.resource_group,
                                                       body.get("tags"))
        return self.ok(group.to_json())

    def delete_group(self):
        op = self.cloud.resources.begin_delete_group(self.subscription, self.resource_group)
        return self.lro(op)  # 202 with Location only, polled at /subscriptions/{s}/operationresults/{id}

    def export_group_template(self):
        result, op = self.cloud.resources.begin_export_template(self.subscription, self.resource_group,
                                                                self.json_body(), self.ctx.base_url)
        if op is None:
            return self.ok(result)
        return self.lro(op)  # 202 with Location; the template at /subscriptions/{s}/operationresults/{id}

    def move_resources(self):
        op = self.cloud.resources.begin_move_resources(self.subscription, self.resource_group, self.json_body())
        return self.lro(op)  # 202 with Location; 204 there when the move is done

    def list_group_resources(self):
        return self.list_of(listing.list_resources(self.cloud, self.subscription, self.resource_group,
                                                   **self._list_query()))

    def list_resources(self):
        """GET /subscriptions/{s}/resources (az resource list)."""
        return self.list_of(listing.list_resources(self.cloud, self.subscription, **self._list_query()))

    def _list_query(self):
        return {"flt": self.query.get("$filter"), "expand": self.query.get("$expand"), "top": self.query.get("$top")}

    # -- resource providers -------------------------------------------------------------------------
    def list_providers(self):
        self.cloud.resources.get_subscription(self.subscription)
        return self.list_of([self._provider(ns) for ns in listing.namespaces()])

    def get_provider(self):
        self.cloud.resources.get_subscription(self.subscription)
        return self.ok(self._provider(self.param("resourceProviderNamespace")))

    def register_provider(self):
        return self.ok(self._provider(self.cloud.resources.set_registration(
            self.subscription, self.param("resourceProviderNamespace"), "Registered")))

    def unregister_provider(self):
        return self.ok(self._provider(self.cloud.resources.set_registration(
            self.subscription, self.param("resourceProviderNamespace"), "Unregistered")))

    def _provider(self, namespace):
        state = self.cloud.resources.registration(self.subscription, namespace)
        return listing.provider(self.subscription, namespace, state)

    def list_tenant_providers(self):
        return self.list_of([listing.provider(None, ns) for ns in listing.namespaces()])

    def get_tenant_provider(self):
        return self.ok(listing.provider(None, self.param("resourceProviderNamespace")))

    def operation_result(self):
        """Location polling for resource-group deletes: 202 while running, 200 when done."""
        return operation_result_reply(self, self.param("operationId"))

    # -- template deployments (fakeazure/resources/deployments.py) ---------------------------------
    @property
    def _deployments(self):
        return self.cloud.deployments

    def _deployment_args(self):
        return self.subscription, self.resource_group, self.param("deploymentName")

    def put_deployment(self):
        body = self.json_body(lenient=True)  # ARM reads deployment bodies as Json.NET does (core/jsonnet.py)
        dep, created = self._deployments.begin_create_or_update_deployment(*self._deployment_args(), body,
                                                                           self.ctx.base_url)
        headers = {"Azure-AsyncOperation": "{}{}?api-version={}".format(self.ctx.base_url, dep.run.path(),
                                                                       self.ctx.api_version),
                   "Retry-After": str(int(self.cloud.operations.retry_after))}
        reply_body = dep.to_json(self.cloud.clock.now())
        reply_body["properties"]["provisioningState"] = "Accepted"  # the first answer, however fast the run
        for k in ("outputs", "outputResources", "error"):
            reply_body["properties"].pop(k, None)
        return Reply(201 if created else 200, reply_body, headers)

    def validate_deployment(self):
        try:
            dep = self._deployments.validate_deployment(*self._deployment_args(), self.json_body(lenient=True))
        except errors.ArmError as exc:
            if exc.status != 400:
                raise
            return Reply(400, exc.body())  # DeploymentValidateResult: {"error": {...}}
        return self.ok(dep.to_json(self.cloud.clock.now(), validated=True))

    def what_if_deployment(self):
        op = self._deployments.begin_what_if(*self._deployment_args(), self.json_body(lenient=True),
                                             self.ctx.base_url)
        return self.lro(op)  # 202 with Location only, the result at /subscriptions/{s}/operationresults/{id}

    def get_deployment(self):
        return self.ok(self._deployments.get_deployment(*self._deployment_args()).to_json(self.cloud.clock.now()))

    def head_deployment(self):
        self.cloud.resources.get_group(self.subscription, self.resource_group)
        return Reply(204 if self._deployments.deployment_exists(*self._deployment_args()) else 404)

    def list_deployments(self):
        now = self.cloud.clock.now()
        return self.list_of([d.to_json(now) for d in self._deployments.list_deployments(self.subscription,
                                                                            self.resource_group)])

    def delete_deployment(self):
        op = self._deployments.begin_delete_deployment(*self._deployment_args())
        if op is None:
            return Reply(204)
        return self.lro(op)  # 202 with Location only (ARM's /subscriptions/{s}/operationresults/{id})

    def cancel_deployment(self):
        self._deployments.cancel_deployment(*self._deployment_args())
        return Reply(204)

    def deployment_operation_status(self):
        dep = self._deployments.get_deployment(*self._deployment_args())
        run = dep.run
        if run is None or run.id.lower() != self.param("operationId").lower():
            raise errors.NotFound("The operation '{}' could not be found.".format(self.param("operationId")),
                                  code="OperationNotFound")
        self.cloud.operations.waited(run)
        headers = {} if run.done else {"Retry-After": str(int(self.cloud.operations.retry_after))}
        return Reply(200, run.status_document(), headers)

    def export_deployment_template(self):
        return self.ok({"template": self._deployments.get_deployment(*self._deployment_args()).template})

    def list_deployment_operations(self):
        return self.list_of(self._deployments.get_deployment(*self._deployment_args()).operations_json(listed=True))

    def get_deployment_operation(self):
        return self.ok(self._deployments.get_deployment_operation(*self._deployment_args(), self.param("operationId")))
