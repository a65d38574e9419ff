"""ARM's generic views of a subscription: the resource list (``Resources_List``,
``Resources_ListByResourceGroup``: ``az resource list``) and the resource providers (``Providers_*``:
``az provider list/show/register``, and ``az resource show``, which reads a provider to choose an api-version).

Resource list (azure-cli recording test_resource_scenario, 2022): ``{"value": [...]}`` of
``{id, name, type, [sku], [kind], [managedBy], location, [identity], [createdTime, changedTime,
provisioningState with $expand=createdTime,changedTime,provisioningState], [tags]}``. ``$filter`` as Learn's
Resources - List page describes it: ``eq``/``ne`` on ``resourceType``, ``name``, ``location``, ``resourceGroup``;
``substringof('x', name|resourceGroup)``; these joined by and/or (az itself sends ``resourceGroup eq 'g' and
resourceType eq 't'`` for ``az resource list -g g --resource-type t``, and ``name``/``location`` likewise);
``tagName eq 'n' [and tagValue eq 'v']`` alone, whose answer leaves out the tags and the expanded properties (as
the recording shows). A tag test joined to any other (azure-rest-api-specs#21324: tags with resourceType), a
tagValue without its tagName, or a test ARM does not know is 400 InvalidFilterInQueryString "Invalid $filter
'<filter>' specified in the query string." (azure-sdk-for-net#18748). ``$top`` cuts the list (no nextLink: the
fake never pages).

Providers (test_resource_scenario): ``{id, namespace, authorizations, resourceTypes: [{resourceType, locations
(display names), apiVersions (newest first), capabilities}], registrationState, registrationPolicy}``, the
resource types and api-versions from :mod:`fakeazure.core.apiversions`, the locations from
:mod:`fakeazure.core.locations`.
"""
import re

from ..core import apiversions, errors
from ..core.clock import iso
from ..core.locations import locations

_COND = re.compile(r"^\s*([\w/]+)\s+(eq|ne)\s+'([^']*)'\s*$", re.IGNORECASE)
_SUBSTRING = re.compile(r"^\s*substringof\(\s*'([^']*)'\s*,\s*(\w+)\s*\)\s*$", re.IGNORECASE)
_FIELDS = {"resourcetype": "type", "name": "name", "location": "location", "resourcegroup": "resourceGroup",
           "tagname": "tagName", "tagvalue": "tagValue"}
# top-level resource types that are tracked resources (tags, location); the rest are children or actions
_TRACKED = {"virtualMachines", "disks", "snapshots", "images", "galleries", "availabilitySets", "virtualNetworks",
            "networkInterfaces", "publicIPAddresses", "networkSecurityGroups"}


class InvalidFilterInQueryString(errors.GatewayError):
    status = 400
    code = "InvalidFilterInQueryString"

    def __init__(self, text):
        super().__init__("Invalid $filter '{}' specified in the query string.".format(text))


class Filter:
    """A parsed $filter: conditions (field, op, value); 'and' binds tighter than 'or' (OData)."""

    def __init__(self, text):
        self.text = (text or "").strip()
        self.conds, self.any_of = [], []  # any_of: groups of indexes into conds, each group joined by 'and'
        if not self.text:
            return
        for alternative in re.split(r"\s+or\s+", self.text, flags=re.IGNORECASE):
            group = []
            for part in re.split(r"\s+and\s+", alternative, flags=re.IGNORECASE):
                m, s = _COND.match(part), _SUBSTRING.match(part)
                if m and m.group(1).lower() in _FIELDS and (m.group(2).lower() == "eq" or
                                                             m.group(1).lower() not in ("tagname", "tagvalue")):
                    self.conds.append((_FIELDS[m.group(1).lower()], m.group(2).lower(), m.group(3)))
                elif s and s.group(2).lower() in ("name", "resourcegroup"):
                    self.conds.append(("substringof", s.group(2).lower(), s.group(1)))
                else:
                    raise InvalidFilterInQueryString(self.text)
                group.append(len(self.conds) - 1)
            self.any_of.append(group)
        fields = [f for f, _, _ in self.conds]
        tags = [f for f in fields if f in ("tagName", "tagValue")]
        if tags and (sorted(fields) not in (["tagName"], ["tagName", "tagValue"]) or len(self.any_of) > 1):
            raise InvalidFilterInQueryString(self.text)  # a tag test stands alone (tagValue with its tagName)

    @property
    def by_tag(self):
        """Filtered by tag: Azure leaves out each resource's tags and what $expand asked for (Learn, and
        test_resource_scenario#13, #14)."""
        return any(f == "tagName" for f, _, _ in self.conds)

    def matches(self, item, group):
        if not self.conds:
            return True
        return any(all(self._test(item, group, *self.conds[i]) for i in alt) for alt in self.any_of)

    def _test(self, item, group, field, op, value):
        tags = item.get("tags") or {}
        if field == "substringof":
            return value.lower() in (item["name"] if op == "name" else group).lower()
        if field == "tagName":
            return value.lower() in (k.lower() for k in tags)
        if field == "tagValue":
            name = next(v for f, _, v in self.conds if f == "tagName").lower()
            return any(k.lower() == name and v == value for k, v in tags.items())
        actual = group if field == "resourceGroup" else str(item.get(field, ""))
        return (actual.lower() == value.lower()) == (op == "eq")


def list_resources(cloud, subscription_id, group=None, flt=None, expand=None, top=None):
    """The generic resources of a subscription (or of one group), filtered and expanded as ARM does."""
    cloud.resources.get_subscription(subscription_id)
    groups = [cloud.resources.get_group(subscription_id, group)] if group else \
        cloud.resources.list_groups(subscription_id)
    flt = Filter(flt)
    wanted = set() if flt.by_tag else {e.strip().lower() for e in (expand or "").split(",") if e.strip()}
    out = []
    for g in groups:
        for backend in cloud.provider_backends():
            for item in backend.generic_resources(subscription_id, g.name):
                if flt.matches(item, g.name):
                    body = _expanded(cloud, item, wanted)
                    if flt.by_tag:
                        body.pop("tags", None)
                    out.append(body)
    out.sort(key=lambda i: i["id"].lower())
    return out[:int(top)] if top else out


def _expanded(cloud, item, wanted):
    body = {k: v for k, v in item.items() if k != "tags"}
    obj = cloud.find(item["id"]) if wanted else None
    created = getattr(obj, "time_created", None)
    if "createdtime" in wanted and created is not None:
        body["createdTime"] = _utc(created)
    if "changedtime" in wanted and created is not None:
        body["changedTime"] = _utc(getattr(obj, "last_operation_time", None) or created)
    if "provisioningstate" in wanted and obj is not None:
        body["provisioningState"] = getattr(obj, "provisioning_state", "Succeeded")
    if "tags" in item:
        body["tags"] = item["tags"]
    return body


def _utc(ts):
    """ARM's generic resource times end in Z (2022-05-12T19:11:06.3060384Z, test_resource_scenario)."""
    return iso(ts).replace("+00:00", "Z")


# -- resource providers ----------------------------------------------------------------------------
def namespaces():
    return sorted({t.split("/", 1)[0] for t in apiversions.resource_types() if "/" in t and t[0].isupper()},
                  key=str.lower)


def canonical_namespace(namespace):
    """A namespace the fake serves in its own casing ('microsoft.compute' -> 'Microsoft.Compute'), or ARM's 404."""
    found = next((n for n in namespaces() if n.lower() == (namespace or "").lower()), None)
    if found is None:
        raise errors.GatewayError("The resource namespace '{}' is invalid.".format(namespace),
                                  code="InvalidResourceNamespace", status=404)  # wording not verified
    return found


def provider(subscription_id, namespace, registered=None):
    """The provider document of a namespace the fake serves (``subscription_id`` None: the tenant's view)."""
    found = canonical_namespace(namespace)
    displays = [display for _, display in locations()]
    types = []
    for t in apiversions.resource_types():
        ns, _, rest = t.partition("/")
        if ns != found or not rest:
            continue
        tracked = rest in _TRACKED
        types.append({"resourceType": rest, "locations": displays if not rest.startswith("operations") else [],
                      "apiVersions": sorted(apiversions.supported(t), reverse=True),
                      "capabilities": "CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, SupportsTags, "
                                      "SupportsLocation" if tracked else "None"})
    prefix = "/subscriptions/{}".format(subscription_id) if subscription_id else ""
    body = {"id": "{}/providers/{}".format(prefix, found), "namespace": found, "authorizations": [],
            "resourceTypes": types}
    if subscription_id:  # the tenant-level view has no registration (Providers_GetAtTenantScope)
        body.update(registrationState=registered or "Registered", registrationPolicy="RegistrationRequired")
    return body

