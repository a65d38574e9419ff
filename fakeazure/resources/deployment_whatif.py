"""What-if of a template deployment (``POST .../deployments/{name}/whatIf``, at resource-group and at
subscription scope): what the deployment would change, without deploying. Mixed into
:class:`fakeazure.resources.deployments.DeploymentsBackend`.

What ARM does (Deployments_WhatIf in azure-rest-api-specs resources.json; the recordings
``test_resource_group_level_what_if`` and ``test_subscription_level_what_if`` of Azure/azure-cli):

* the body is validated at once as for a PUT (a bad template: 400 ``InvalidTemplate``); then 202 with a
  ``Location`` at ``/subscriptions/{s}/operationresults/{id}``, which answers 202 while the what-if runs and
  then 200 with ``{"status": "Succeeded", "properties": {"correlationId", "changes": [...]}}``;
* one change per template resource, sorted by id: ``Create`` when the resource does not exist, ``Modify``
  with a ``delta`` when the template sets a property to another value, ``NoChange`` otherwise; at
  resource-group scope the group's other resources are listed as ``Ignore`` (incremental mode leaves them);
* with ``whatIfSettings.resultFormat`` ``FullResourcePayloads`` (the default) a change has ``before`` (the
  resource as it is) and ``after`` (as it would be): ``apiVersion``, ``id``, ``name``, ``type`` and the
  resource's body, keys in alphabetical order as the recordings show; ``ResourceIdOnly`` gives neither.

How the fake predicts ``after``: the resource as it is (read through the fake's own router at the
template's ``apiVersion``, without ``etag`` and ``properties.provisioningState``) with the template's body
merged in (objects key by key, anything else replaced). ARM asks each provider for its prediction, which
also drops the provider's read-only properties; the fake does not know them, so a ``before`` may show
read-only properties ARM leaves out, and the ``Ignore`` entries' shape is not seen in a recording
(``fakeazure/UNVERIFIED.md``). A ``reference()`` to a resource the deployment would create cannot be
evaluated before it exists: the resource's ``after`` then keeps the template's expressions unevaluated.
"""
import copy

from ..core.locations import normalise
from ..templates import ExpressionError
from .deployment_plan import outer_body
from .exceptions import InvalidRequestContent

FORMATS = {"fullresourcepayloads": "FullResourcePayloads", "resourceidonly": "ResourceIdOnly"}
_READ_ONLY = ("etag",)


class DeploymentWhatIf:
    def begin_what_if(self, sub, rg, name, body, base_url):
        """Validate now, predict when the operation finishes. -> the operation (Location polling)."""
        settings = (body.get("properties") or {}).get("whatIfSettings") or {}
        fmt = FORMATS.get(str(settings.get("resultFormat") or "FullResourcePayloads").lower())
        if fmt is None:
            raise InvalidRequestContent("The request content was invalid and could not be deserialized: 'Error "
                                        "converting value \"{}\" to type 'WhatIfResultFormat'.'."
                                        .format(settings.get("resultFormat")))
        dep = self.validate_deployment(sub, rg, name, body)
        dep.base_url = base_url

        def predict():
            try:
                changes = self._changes(dep, full=fmt == "FullResourcePayloads")
            except ExpressionError as exc:
                return {"status": "Failed", "error": {"code": "InvalidTemplate", "message": str(exc)}}
            return {"status": "Succeeded", "properties": {"correlationId": dep.correlation_id, "changes": changes}}

        return self.cloud.operations.start(sub, None, dep.location or self.scope_of(sub, rg).location,
                                           kind="operationresults", on_success=predict)

    # -- the prediction ---------------------------------------------------------------------------
    def _changes(self, dep, full):
        ev = self._live_evaluator(dep)
        changes = []
        planned = set()
        for res in dep.resources:
            planned.add(res.key)
            status, current = self.internal_request("GET", res.id, res.api_version, None, dep.base_url)
            before = _payload(res, current) if status == 200 else None
            raw, template = outer_body(res)
            try:
                wanted = ev.value(raw)
            except ExpressionError:
                wanted = raw  # a reference() to what does not exist yet: left as written
            if template is not None:
                wanted["properties"]["template"] = template
            after = _merged(before, res, wanted)
            change = {"resourceId": res.id}
            if before is None:
                change["changeType"] = "Create"
            else:
                delta = _delta(before, after, "")
                change["changeType"] = "Modify" if delta else "NoChange"
                if full and delta:
                    change["delta"] = delta
            if full:
                if before is not None:
                    change["before"] = before
                change["after"] = after
            changes.append(_ordered_change(change))
        if dep.resource_group is not None:
            for item in self.cloud.resources.resources_in_group(dep.subscription_id, dep.resource_group):
                if item["id"].lower() not in planned:
                    changes.append({"resourceId": item["id"], "changeType": "Ignore"})
        return sorted(changes, key=lambda c: c["resourceId"].lower())


def _payload(res, body):
    """A resource as what-if shows it: apiVersion, id, name, type and its body, keys sorted."""
    out = {k: copy.deepcopy(v) for k, v in (body or {}).items() if k not in _READ_ONLY}
    props = out.get("properties")
    if isinstance(props, dict):
        props.pop("provisioningState", None)
    out.update(apiVersion=res.api_version, id=res.id, name=res.name.split("/")[-1], type=res.type)
    return _sorted(out)


def _merged(before, res, wanted):
    after = copy.deepcopy(before) if before is not None else {}
    _merge_into(after, wanted if isinstance(wanted, dict) else {})
    if isinstance(after.get("location"), str):
        after["location"] = normalise(after["location"])
    after.update(apiVersion=res.api_version, id=res.id, name=res.name.split("/")[-1], type=res.type)
    return _sorted(after)


def _merge_into(target, source):
    for k, v in source.items():
        if isinstance(v, dict) and isinstance(target.get(k), dict):
            _merge_into(target[k], v)
        else:
            target[k] = copy.deepcopy(v)


def _sorted(value):
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value, key=str.lower)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _delta(before, after, path):
    """WhatIfPropertyChange entries: Create / Delete / Modify, and Array with children for a changed array."""
    out = []
    for key in sorted(set(before) | set(after), key=str.lower):
        here = "{}.{}".format(path, key) if path else key
        if key in ("apiVersion", "id", "name", "type"):
            continue
        out += _change(here, before.get(key), after.get(key), key in before, key in after)
    return out


def _change(path, old, new, had, has):
    if had and not has:
        return [{"path": path, "propertyChangeType": "Delete", "before": old}]
    if has and not had:
        return [{"path": path, "propertyChangeType": "Create", "after": new}]
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        return _delta(old, new, path)
    if isinstance(old, list) and isinstance(new, list):
        children = []
        for i in range(max(len(old), len(new))):
            children += _change(str(i), old[i] if i < len(old) else None, new[i] if i < len(new) else None,
                                i < len(old), i < len(new))
        return [{"path": path, "propertyChangeType": "Array", "children": children}]
    return [{"path": path, "propertyChangeType": "Modify", "before": old, "after": new}]


def _ordered_change(change):
    order = ("resourceId", "changeType", "before", "after", "delta")
    return {k: change[k] for k in order if k in change}
