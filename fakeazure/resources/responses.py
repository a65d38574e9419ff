from ..core.responses import BaseResponse, Reply, operation_result_reply


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
        return self.list_of([{"id": "/subscriptions/{}/locations/{}".format(sub.subscription_id, loc),
                              "name": loc, "displayName": display, "regionalDisplayName": display,
                              "type": "Region", "metadata": {"regionType": "Physical"}}
                             for loc, display in self.cloud.locations()])

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

    def list_group_resources(self):
        items = self.cloud.resources.resources_in_group(self.subscription, self.resource_group)
        return self.list_of(items)

    def operation_result(self):
        """Location polling for resource-group deletes: 202 while running, 200 when done."""
        return operation_result_reply(self, self.param("operationId"))
