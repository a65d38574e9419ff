"""Scenario sections about who may do what (applied after the resources, before ``faults``):

``roles``: ``[{role, resource_group?}]`` -- built-in role assignments of the caller (fakeazure/authorization/roles.py)
at the group, or at the subscription without one. As soon as one exists, ARM's gateway authorizes every request
against them (before that the caller may do anything).

``locks``: ``[{name, level: CanNotDelete|ReadOnly, resource_group?, vm?, notes?}]`` -- a management lock on the
subscription, a group, or a VM of a group.

``policies``: ``[{name, resource_group?, display_name?, rule: {if, then}, parameters?}]`` -- Azure Policy
assignments (fakeazure/policyinsights/rules.py); a Deny rule refuses the PUTs it covers.

``marketplace_terms``: ``[{publisher, offer, plan, accepted}]`` -- the subscription's acceptance of a plan's terms.
"""


def _scope(sub, spec):
    scope = "/subscriptions/{}".format(sub)
    if spec.get("resource_group"):
        scope += "/resourceGroups/{}".format(spec["resource_group"])
        if spec.get("vm"):
            scope += "/providers/Microsoft.Compute/virtualMachines/{}".format(spec["vm"])
    elif spec.get("vm"):
        raise ValueError("scenario: a lock on VM {!r} needs its resource_group".format(spec["vm"]))
    return scope


def apply(cloud, sub, data):
    for spec in data.get("locks") or []:
        cloud.authorization.put_lock(_scope(sub, spec), spec["name"], {
            "properties": {"level": spec["level"], "notes": spec.get("notes")}})
    for spec in data.get("policies") or []:
        cloud.policyinsights.assign(_scope(sub, spec), spec["name"], spec["rule"], spec.get("parameters"),
                                    display_name=spec.get("display_name"))
    for spec in data.get("marketplace_terms") or []:
        cloud.marketplaceordering.set_terms(sub, "virtualmachine", spec["publisher"], spec["offer"], spec["plan"],
                                            bool(spec.get("accepted", True)))
    for spec in data.get("roles") or []:  # last: the scenario's own set-up is not the caller's doing
        cloud.authorization.assign_role(_scope(sub, spec), spec["role"])
