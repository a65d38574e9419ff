"""Which ARM resource type (and at which scope) a request path addresses.

One classifier serves two ends: it decides which recordings the replay takes (the selection rule in
``tests/fixtures/azure-traffic/README.md`` compares a recording's requests with the types of the fake's
route table, both put through :func:`classify`) and it names the type in the replay's report.

The rules, ARM's URL grammar read mechanically:

* the scope is ``tenant`` (nothing before ``providers``), ``managementGroup``, ``subscription``,
  ``resourceGroup``, or ``resource`` (an extension resource: a second ``providers`` after a resource,
  e.g. a lock on a VM);
* after the last ``providers/{namespace}`` the path alternates type and name: the type is the namespace
  and every type segment (``locations/{l}/operations/{id}`` is ``Microsoft.Compute/locations/operations``);
* a trailing odd segment is a child collection (GET, PUT, PATCH, DELETE) or an action (POST); an action
  belongs to its resource's type (``virtualMachines/{vm}/start`` is ``virtualMachines``);
* paths with no ``providers`` are ARM's own (``Microsoft.Resources``): subscriptions, resource groups,
  ``resources``, ``locations``, ``tagNames``, ``operationresults``, the deployment operations under a group.
"""
import re

_PLACEHOLDER = re.compile(r"^\{\w+\}$")


def segments(path):
    """The path's segments, empty ones dropped (ARM reads ``.../{ns}//{type}/{name}`` as no parent)."""
    return [s for s in path.split("?")[0].split("/") if s]


def classify(method, path):
    """``(scope, resource_type)`` for a request, or None for a path that is no ARM resource path."""
    segs = segments(path)
    low = [s.lower() for s in segs]
    if not segs:
        return None
    prov = [i for i, s in enumerate(low) if s == "providers"]
    if prov:
        last = prov[-1]
        scope = _scope_before(low[:last])
        if scope is None:
            return None
        rest = segs[last + 1:]
        if not rest:
            return (scope, "Microsoft.Resources/providers")
        if len(rest) == 1 or (len(rest) == 2 and method.upper() == "POST" and scope == "subscription"
                              and rest[1].lower() in ("register", "unregister")):
            return (scope, "Microsoft.Resources/providers")
        return (scope, _provider_type(method, rest))
    return _arm_own(method, low)


def _scope_before(low):
    """The scope that the segments before a ``providers`` segment name."""
    if not low:
        return "tenant"
    if low[:2] == ["providers", "microsoft.management"] and len(low) == 4 and low[2] == "managementgroups":
        return "managementGroup"
    if low[0] != "subscriptions":
        return None
    if len(low) == 2:
        return "subscription"
    if len(low) == 4 and low[2] == "resourcegroups":
        return "resourceGroup"
    if len(low) > 4 and low[2] == "resourcegroups":
        return "resource"
    return None


def _provider_type(method, rest):
    ns, chain = rest[0], rest[1:]
    types = [chain[i] for i in range(0, len(chain), 2)]
    if len(chain) % 2 == 1 and len(chain) >= 3 and method.upper() == "POST":
        types = types[:-1]  # an action on the resource named before it
    return "/".join([ns] + types)


def _arm_own(method, low):
    if low[0] == "tenants":
        return ("tenant", "Microsoft.Resources/tenants")
    if low[0] != "subscriptions":
        return None
    if len(low) <= 2:
        return ("tenant", "Microsoft.Resources/subscriptions")
    kind = low[2]
    if kind == "resourcegroups":
        if len(low) <= 4:
            return ("subscription", "Microsoft.Resources/resourceGroups")
        if len(low) == 5:
            if low[4] == "resources":
                return ("resourceGroup", "Microsoft.Resources/resources")
            return ("subscription", "Microsoft.Resources/resourceGroups")  # an action: exportTemplate
        types = [low[i] for i in range(4, len(low), 2)]
        return ("resourceGroup", "Microsoft.Resources/" + "/".join(types))
    if kind == "operationresults":
        return ("subscription", "Microsoft.Resources/subscriptions/operationresults")
    return ("subscription", "Microsoft.Resources/" + kind)


def is_template(path):
    """True when ``path`` is a route template (holds ``{placeholder}`` segments)."""
    return any(_PLACEHOLDER.match(s) for s in segments(path))
