"""Subscriptions, tenants and resource groups."""
from ..core import errors, ids
from ..core.backend import BaseBackend
from .exceptions import InvalidResourceGroupLocation, ResourceGroupBeingDeleted
from .group_actions import GroupActions
from .listing import canonical_namespace


class Subscription:
    def __init__(self, subscription_id, display_name, tenant_id, state="Enabled"):
        self.subscription_id = subscription_id
        self.display_name = display_name
        self.tenant_id = tenant_id
        self.state = state

    def to_json(self):
        return {"id": "/subscriptions/" + self.subscription_id, "authorizationSource": "RoleBased",
                "managedByTenants": [], "subscriptionId": self.subscription_id, "tenantId": self.tenant_id,
                "displayName": self.display_name, "state": self.state,
                "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "quotaId":
                                         "PayAsYouGo_2014-09-01", "spendingLimit": "Off"}}


class ResourceGroup:
    def __init__(self, subscription_id, name, location, tags=None, managed_by=None):
        self.subscription_id = subscription_id
        self.name = name
        self.location = location
        self.tags = dict(tags or {})
        self.tags_sent = tags is not None  # Azure echoes "tags": {} when a PUT sent them empty (test_resource_group)
        self.managed_by = managed_by
        self.provisioning_state = "Succeeded"
        self.deleting = None  # the operation deleting the group, while it runs

    @property
    def id(self):
        return "/subscriptions/{}/resourceGroups/{}".format(self.subscription_id, self.name)

    def to_json(self):
        body = {"id": self.id, "name": self.name, "type": "Microsoft.Resources/resourceGroups",
                "location": self.location}
        if self.tags or self.tags_sent:
            body["tags"] = self.tags
        if self.managed_by:
            body["managedBy"] = self.managed_by
        body["properties"] = {"provisioningState": self.provisioning_state}
        return body


class ResourcesBackend(GroupActions, BaseBackend):
    def __init__(self, cloud):
        super().__init__(cloud)
        self.subscriptions = {}
        self.groups = {}
        self.registrations = {}  # (subscription, namespace) -> 'Registered' / 'Unregistered'; default Registered

    # -- subscriptions ----------------------------------------------------------------------------
    def add_subscription(self, subscription_id, display_name):
        sub = Subscription(subscription_id, display_name, self.cloud.identity.tenant_id)
        self.subscriptions[subscription_id.lower()] = sub
        return sub

    def get_subscription(self, subscription_id):
        sub = self.subscriptions.get((subscription_id or "").lower())
        if sub is None:
            raise errors.SubscriptionNotFound(subscription_id)
        return sub

    # -- resource provider registration ---------------------------------------------------------
    def registration(self, subscription_id, namespace):
        return self.registrations.get((subscription_id.lower(), namespace.lower()), "Registered")

    def set_registration(self, subscription_id, namespace, state):
        """Register or unregister a provider (at once: Azure passes through Registering/Unregistering, which
        ``az provider register --wait`` polls out). -> the namespace in its own casing."""
        self.get_subscription(subscription_id)
        found = canonical_namespace(namespace)
        self.registrations[(subscription_id.lower(), found.lower())] = state
        return found

    def check_registered(self, subscription_id, namespace):
        """ARM's refusal of a write to a provider the subscription is not registered for."""
        if self.registration(subscription_id or "", namespace or "") == "Unregistered":
            # seen: 409, the text repeated in details with target (nforgeio/neonKUBE#1670, Azure/OpenShift#21)
            message = ("The subscription is not registered to use namespace '{}'. See https://aka.ms/rps-not-found "
                       "for how to register subscriptions.".format(namespace))
            raise errors.GatewayError(message, code="MissingSubscriptionRegistration", status=409, details=[
                {"code": "MissingSubscriptionRegistration", "target": namespace, "message": message}])

    # -- resource groups --------------------------------------------------------------------------
    def get_group(self, subscription_id, name):
        self.get_subscription(subscription_id)
        group = self.groups.get((subscription_id.lower(), name.lower()))
        if group is None:
            raise errors.ResourceGroupNotFound(name)
        return group

    def group_exists(self, subscription_id, name):
        return (subscription_id.lower(), name.lower()) in self.groups

    def list_groups(self, subscription_id):
        self.get_subscription(subscription_id)
        return [g for (s, _), g in sorted(self.groups.items()) if s == subscription_id.lower()]

    def create_or_update_group(self, subscription_id, name, location, tags=None, managed_by=None):
        self.get_subscription(subscription_id)
        if not location:
            raise errors.BadRequest("The 'location' property is required for this definition.",
                                    code="LocationRequired")
        existing = self.groups.get((subscription_id.lower(), name.lower()))
        if existing is not None:
            if existing.location.replace(" ", "").lower() != location.replace(" ", "").lower():
                raise InvalidResourceGroupLocation(
                    "Invalid resource group location '{}'. The Resource group already exists in location "
                    "'{}'.".format(location, existing.location))
            existing.tags = dict(tags or {})
            existing.tags_sent = tags is not None
            return existing, False
        group = ResourceGroup(subscription_id, name, location.replace(" ", "").lower(), tags, managed_by)
        self.groups[(subscription_id.lower(), name.lower())] = group
        return group, True

    def update_group_tags(self, subscription_id, name, tags):
        group = self.get_group(subscription_id, name)
        if tags is not None:
            group.tags = dict(tags)
            group.tags_sent = True
        return group

    def check_writable(self, subscription_id, name, group_delete=False):
        """ARM refuses every write into a group it is deleting (a repeated DELETE of the group itself excepted:
        ``group_delete``)."""
        group = self.groups.get(((subscription_id or "").lower(), (name or "").lower()))
        if group is not None and group.deleting is not None and not group.deleting.done and not group_delete:
            raise ResourceGroupBeingDeleted(group.name)

    def begin_delete_group(self, subscription_id, name):
        """Delete the group and everything in it (locks permitting). Returns the operation: the group reads
        ``Deleting`` until it ends (Azure took about 70 s, fakeazure/durations.yaml); a DELETE meanwhile is
        accepted and ends with the first."""
        group = self.get_group(subscription_id, name)
        if group.deleting is not None and not group.deleting.done:
            return self.cloud.operations.start_following(group.deleting, subscription_id, None, group.location,
                                                         "operationresults")
        self.cloud.check_locks_for_delete(group.id)
        group.provisioning_state = "Deleting"

        def done():
            for backend in self.cloud.provider_backends():
                backend.delete_group_contents(subscription_id, group.name)
            self.groups.pop((subscription_id.lower(), name.lower()), None)

        def failed(_err):
            group.provisioning_state = "Succeeded"

        group.deleting = self.cloud.operations.start(subscription_id, None, group.location, kind="operationresults",
                                                     on_success=done, on_failure=failed,
                                                     activity=("Microsoft.Resources/resourceGroups", "delete"))
        return group.deleting

    def resources_in_group(self, subscription_id, name):
        """The generic resources of one group, as every provider lists them (export, move, what-if)."""
        self.get_group(subscription_id, name)
        out = []
        for backend in self.cloud.provider_backends():
            out.extend(backend.generic_resources(subscription_id, name))
        return out

    def get_by_id(self, rid):
        p = ids.parse(rid)
        if p and p["resource_group"] and not p["namespace"]:
            return self.groups.get((p["subscription"].lower(), p["resource_group"].lower()))
        return None

    def dump(self):
        return {"subscriptions": [s.to_json() for s in self.subscriptions.values()],
                "resourceGroups": [g.to_json() for g in self.groups.values()]}
