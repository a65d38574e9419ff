"""Validating a deployment: its parameters, its resources (conditions, inline children, ids) and their order
(``dependsOn``, implicit ``reference()`` dependencies; a cycle is an InvalidTemplate). Mixed into
:class:`fakeazure.resources.deployments.DeploymentsBackend`."""
import re

from ..core import ids
from ..core.locations import normalise
from ..templates import Evaluator, ExpressionError
from .deployment_model import DEPLOYMENT_TYPE, Deployment, Plan, PlannedResource, deployment_id
from .exceptions import (InvalidDeployment, InvalidDeploymentMode, InvalidDeploymentName, InvalidRequestContent,
                         invalid_template, resource_invalid, unsupported)

# keys of a template resource that are ARM's, not the provider's
_TEMPLATE_ONLY = {"type", "apiversion", "name", "dependson", "condition", "copy", "comments", "resources",
                  "scope", "metadata", "resourcegroup", "subscriptionid"}
PARAM_TYPES = {"string": "String", "securestring": "SecureString", "int": "Int", "bool": "Bool",
               "object": "Object", "secureobject": "SecureObject", "array": "Array"}
_NAME_RE = re.compile(r"^[-\w._()]{1,64}$")


class DeploymentPlanner:
    def validate_deployment(self, sub, rg, name, body):
        """The checks a PUT, a validate and a what-if share. ``rg`` None: a deployment at subscription scope.
        -> an unsaved Deployment (raises TemplateError)."""
        group = self.scope_of(sub, rg)
        if not _NAME_RE.match(name or ""):
            raise InvalidDeploymentName("The deployment name '{}' is invalid. It can only contain alphanumeric "
                                  "characters, periods, underscores, hyphens and parenthesis, and must be at most "
                                  "64 characters long.".format(name))
        props = body.get("properties")
        if not isinstance(props, dict):
            raise InvalidRequestContent("The request content was invalid and could not be deserialized: 'Required "
                                    "property 'properties' not found in JSON.'.")
        location = _deployment_location(name, group, body.get("location"))
        if props.get("templateLink") or props.get("parametersLink"):
            raise unsupported("A templateLink or parametersLink")
        mode = props.get("mode") or ""
        if mode.lower() not in ("incremental", "complete"):
            raise InvalidDeploymentMode("The deployment mode '{}' is not valid. Allowed values are 'Incremental' and "
                                    "'Complete'.".format(mode))
        if mode.lower() == "complete":
            raise unsupported("Deployment mode 'Complete'")
        template = props.get("template")
        if not isinstance(template, dict):
            raise InvalidRequestContent("The request content was invalid and could not be deserialized: 'The "
                                    "template is missing.'.")
        if template.get("functions"):
            raise unsupported("User-defined functions")
        given = props.get("parameters") or {}
        types, values = self._parameters(template.get("parameters") or {}, given, sub, group, name, location,
                                         getattr(body, "positions", None) or {})
        ev = self._evaluator(template, values, sub, group, name, reference=None, location=location)
        resources = self._plan_resources(template.get("resources") or [], ev)
        plan = Plan(values, ev, resources, template.get("outputs") or {})
        on_error, rollback = self._on_error(sub, group, props.get("onErrorDeployment"))
        dep = Deployment(sub, group.name if group is not None else None, name, template, types, values,
                          "Incremental", plan, self.cloud.clock.now(), tags=body.get("tags"), location=location)
        dep.on_error, dep.rollback = on_error, rollback
        return dep

    def _on_error(self, sub, group, spec):
        """``onErrorDeployment``: the deployment to redeploy if this one fails. ARM answers with the name it chose
        for ``LastSuccessful`` (test_group_on_error_deployment_lastsuccessful) and the name given for
        ``SpecificDeployment``; whether it refuses a scope with no successful deployment, or a name that is not
        one, is not known: the fake accepts both, and redeploys only what exists. -> (the property, the
        deployment record to redeploy or None)."""
        if not spec:
            return None, None
        kind = str(spec.get("type") or "")
        rg = group.name if group is not None else None
        done = [d for d in self.list_deployments(sub, rg) if d.provisioning_state == "Succeeded"]
        if kind.lower() == "lastsuccessful":
            target = max(done, key=lambda d: d.ended) if done else None
            return ({"type": "LastSuccessful", "deploymentName": target.name} if target else
                    {"type": "LastSuccessful"}), target
        if kind.lower() == "specificdeployment":
            name = spec.get("deploymentName")
            return ({"type": "SpecificDeployment", "deploymentName": name},
                    next((d for d in done if d.name.lower() == str(name).lower()), None))
        raise InvalidRequestContent("The request content was invalid and could not be deserialized: 'Error "
                                    "converting value \"{}\" to type 'OnErrorDeploymentType'.'.".format(kind))

    def _evaluator(self, template, values, sub, group, name, reference, location=None):
        return Evaluator(values, template.get("variables") or {}, sub, _group_facts(group), name,
                         tenant_id=self.cloud.identity.tenant_id, reference=reference, location=location)

    def _parameters(self, declared, given, sub, group, name, location, positions):
        if not isinstance(given, dict):
            raise InvalidRequestContent("The request content was invalid and could not be deserialized: "
                                    "'parameters must be an object'.")
        unknown = [k for k in given if k.lower() not in {d.lower() for d in declared}]
        if unknown:
            raise invalid_template("The template parameters '{}' in the parameters file are not valid; they are not "
                           "present in the original template and can therefore not be provided at deployment "
                           "time. The only supported parameters for this template are '{}'. Please see "
                           "https://aka.ms/arm-pass-parameter-values for usage details."
                           .format(", ".join(unknown), ", ".join(declared)))
        for k, v in given.items():
            if not isinstance(v, dict) or ("value" not in v and "reference" not in v):
                raise InvalidRequestContent("The request content was invalid and could not be deserialized: 'The "
                                        "parameter '{}' must have a 'value'.'.".format(k))
            if "reference" in v:
                raise unsupported("A Key Vault parameter reference")
        types, values = {}, {}
        # defaults may refer to earlier parameters (ARM allows parameters() in defaultValue)
        ev = Evaluator(values, {}, sub, _group_facts(group), name, tenant_id=self.cloud.identity.tenant_id,
                       location=location)
        for pname, decl in declared.items():
            decl = decl or {}
            ptype = str(decl.get("type") or "")
            if ptype.lower() not in PARAM_TYPES:
                raise invalid_template("The template parameter '{}' has an invalid type '{}'.".format(pname, ptype))
            types[pname] = PARAM_TYPES[ptype.lower()]
            supplied = next((v for k, v in given.items() if k.lower() == pname.lower()), None)
            if supplied is not None:
                value = supplied["value"]
            elif "defaultValue" in decl:
                try:
                    value = ev.value(decl["defaultValue"])
                except ExpressionError as exc:
                    raise invalid_template(
                        "The template parameter '{}' default value is not valid: {}".format(pname, exc))
            else:  # where the body declared it, as ARM says it (test_resource_group_deployment#12)
                path = "properties.template.parameters." + pname
                at = positions.get(path)
                where = " at line '{}' and column '{}'".format(*at) if at else ""
                raise invalid_template("The value for the template parameter '{}'{} is not provided. Please see "
                                       "https://aka.ms/arm-create-parameter-file for usage details."
                                       .format(pname, where), violation=(at, path) if at else None)
            self._check_type(pname, types[pname], value)
            allowed = decl.get("allowedValues")
            if allowed is not None and value not in allowed:
                raise invalid_template("The provided value '{}' for the template parameter '{}' is not valid. The "
                               "parameter value is not part of the allowed value(s): '{}'."
                               .format(value, pname, ",".join(str(a) for a in allowed)))
            values[pname] = value
        return types, values

    @staticmethod
    def _check_type(pname, ptype, value):
        ok = {"String": lambda v: isinstance(v, str), "SecureString": lambda v: isinstance(v, str),
              "Int": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "Bool": lambda v: isinstance(v, bool), "Object": lambda v: isinstance(v, dict),
              "SecureObject": lambda v: isinstance(v, dict), "Array": lambda v: isinstance(v, list)}[ptype]
        if not ok(value):
            raise invalid_template(
                "Template parameter '{}' was provided an invalid value. Expected a value of type '{}', "
                "but received a value of type '{}'.".format(pname, ptype, type(value).__name__))

    def _plan_resources(self, raw_resources, ev):
        if not isinstance(raw_resources, list):
            raise invalid_template("The template 'resources' must be an array.")
        flat = []
        for raw in raw_resources:
            self._flatten(raw, None, flat)
        planned, by_key, by_short, by_name, by_raw = [], {}, {}, {}, {}
        self._groups_made = _groups_made(flat, ev)
        for i, (raw, parent_raw) in enumerate(flat):
            parent = by_raw.get(id(parent_raw)) if parent_raw is not None else None
            if parent_raw is not None and parent is None:
                continue  # its parent was left out by a condition
            label = raw.get("name") if isinstance(raw.get("name"), str) else "#{}".format(i)
            if raw.get("copy") is not None:
                raise unsupported("The copy loop of resource '{}'".format(label))
            try:
                if "condition" in raw:
                    cond = ev.value(raw["condition"])
                    if cond is False:
                        continue
                rtype, name, api = (ev.value(raw.get(k)) for k in ("type", "name", "apiVersion"))
            except ExpressionError as exc:
                raise resource_invalid(label, exc)
            if not all(isinstance(x, str) and x for x in (rtype, name, api)):
                raise invalid_template("The template resource '{}' must have a 'type', a 'name' and an 'apiVersion'."
                               .format(label))
            if parent is not None:
                if "/" not in rtype:
                    rtype = "{}/{}".format(parent.type, rtype)
                if name.count("/") < rtype.count("/") - 1:
                    name = "{}/{}".format(parent.name, name)
            segs, names = rtype.split("/"), name.split("/")
            if len(segs) - 1 != len(names) or len(segs) < 2:
                raise invalid_template(
                    "The template resource '{}' for type '{}' has incorrect segment lengths. A nested "
                    "resource type must have identical number of segments as its resource name. A root "
                    "resource type must have segment length one greater than its resource name. Please "
                    "see https://aka.ms/arm-syntax-resources for usage details.".format(name, rtype))
            if rtype.lower() == DEPLOYMENT_TYPE.lower():
                rid = self._nested_deployment_id(ev, raw, name, label)
            else:
                rid = _template_resource_id(ev, segs, names)
            res = PlannedResource(i, rtype, name, api, raw, [], rid)
            try:
                location = ev.value(raw.get("location"))
            except ExpressionError as exc:
                raise resource_invalid(label, exc)
            res.location = normalise(location) if isinstance(location, str) else None
            if res.key in by_key:
                raise invalid_template("The resource '{}' is defined multiple times in a template. Please see "
                               "https://aka.ms/arm-syntax-resources for usage details.".format(rid))
            if parent is not None:
                res.depends.append(parent.key)
            planned.append(res)
            by_raw[id(raw)] = res
            by_key[res.key] = res
            by_short["{}/{}".format(rtype, name).lower()] = res
            by_name.setdefault(name.lower(), []).append(res)

        def lookup(ref):
            ref = str(ref)
            if ref.lower().startswith("/subscriptions/"):
                return by_key.get(ids.key(ref))
            found = by_short.get(ref.lower())
            if found is None and len(by_name.get(ref.lower(), [])) == 1:
                found = by_name[ref.lower()][0]
            return found

        ev.resource_lookup = lambda ref: (lookup(ref).id if lookup(ref) is not None else None)
        for res in planned:
            for dep in res.raw.get("dependsOn") or []:
                try:
                    ref = ev.value(dep)
                except ExpressionError as exc:
                    raise resource_invalid(res.name, exc)
                target = lookup(ref)
                if target is None:
                    raise invalid_template("The resource '{}' is not defined in the template. Please see "
                                   "https://aka.ms/arm-syntax for usage details.".format(ref))
                if target.key not in res.depends and target is not res:
                    res.depends.append(target.key)
            ev.referenced = set()
            try:
                ev.value(outer_body(res)[0])
            except ExpressionError as exc:
                raise resource_invalid(res.name, exc)
            for k in ev.referenced:
                if k != res.key and k not in res.depends:
                    res.depends.append(k)
        return _ordered(planned)

    def _nested_deployment_id(self, ev, raw, name, label):
        """A nested deployment (an inline template): in the deployment's own scope, or in the group (and
        subscription) its ``resourceGroup`` (``subscriptionId``) names, which must exist: ARM's validation
        answers 404 ResourceGroupNotFound otherwise (test_group_deployment_crossrg)."""
        try:
            sub = ev.value(raw.get("subscriptionId")) or ev.subscription
            rg = ev.value(raw.get("resourceGroup")) or (ev.group["name"] if ev.group else None)
        except ExpressionError as exc:
            raise resource_invalid(label, exc)
        props = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
        if props.get("templateLink") or props.get("parametersLink"):
            raise unsupported("The templateLink or parametersLink of nested deployment '{}'".format(name))
        if rg and str(rg).lower() in self._groups_made and ids.same(str(sub), ev.subscription):
            return deployment_id(str(sub), str(rg), name)  # a group this template makes first
        group = self.scope_of(str(sub), str(rg) if rg else None)
        return deployment_id(str(sub), group.name if group is not None else None, name)

    def _flatten(self, raw, parent, out):
        if not isinstance(raw, dict):
            raise invalid_template("A template resource must be an object.")
        out.append((raw, parent))
        children = raw.get("resources") or []
        for child in children:
            self._flatten(child, raw, out)



def _deployment_location(name, group, location):
    """A subscription-scope deployment must name a location, a group's must not (where ARM keeps its data).
    Wordings: elastic/cloudbeat#1624 (2023) and Azure/Azure-Landing-Zones#1991 (2022), ARM's InvalidDeployment."""
    if group is None and not location:
        raise InvalidDeployment("The 'location' property must be specified for '{}'. Please see "
                                "https://aka.ms/arm-deployment-subscription for usage details.".format(name))
    if group is not None and location:
        raise InvalidDeployment("The 'location' property is not allowed for '{}' at resource group scope. Please "
                                "see https://aka.ms/deploy-to-subscription for usage details.".format(name))
    return normalise(location) if location else None


def _groups_made(flat, ev):
    """Lower-case names of the resource groups a (subscription-scope) template makes."""
    out = set()
    for raw, _parent in flat:
        try:
            if str(ev.value(raw.get("type"))).lower() == "microsoft.resources/resourcegroups":
                out.add(str(ev.value(raw.get("name"))).lower())
        except ExpressionError:
            continue
    return out


def _group_facts(group):
    if group is None:
        return None
    return {"id": group.id, "name": group.name, "location": group.location, "tags": group.tags}


def _template_resource_id(ev, segs, names):
    """A template resource's id at the deployment's scope; a resource group made at subscription scope is
    ``/subscriptions/{s}/resourceGroups/{name}``."""
    if ev.group is None and "/".join(segs).lower() == "microsoft.resources/resourcegroups":
        return ids.resource_id(ev.subscription, names[0], None)
    pairs = []
    for t, n in zip(segs[1:], names):
        pairs += [t, n]
    return ids.resource_id(ev.subscription, ev.group["name"] if ev.group else None, segs[0], *pairs)


def body_of(raw):
    return {k: v for k, v in raw.items() if k.lower() not in _TEMPLATE_ONLY}


def outer_body(res):
    """``(body the outer template evaluates, nested template kept as written or None)``: a nested deployment of
    scope ``inner`` keeps its template's expressions for itself."""
    raw = body_of(res.raw)
    if not inner_scope(res):
        return raw, None
    props = raw.get("properties") or {}
    return dict(raw, properties={k: v for k, v in props.items() if k != "template"}), props.get("template")


def inner_scope(res):
    """A nested deployment whose template's expressions are its own to evaluate
    (``properties.expressionEvaluationOptions.scope: inner``); by default ARM evaluates them in the outer
    template's context ("outer")."""
    if res.type.lower() != DEPLOYMENT_TYPE.lower():
        return False
    props = res.raw.get("properties") if isinstance(res.raw.get("properties"), dict) else {}
    scope = (props.get("expressionEvaluationOptions") or {}).get("scope")
    return str(scope or "").lower() == "inner"


def _ordered(planned):
    """Template order, with every resource after what it depends on; a cycle is an InvalidTemplate."""
    by_key = {r.key: r for r in planned}
    out, state = [], {}

    def visit(r, path):
        s = state.get(r.key)
        if s == "done":
            return
        if s == "visiting":
            raise invalid_template("Circular dependency detected on resource: '{}'. Please see "
                           "https://aka.ms/arm-syntax-resources for usage details.".format(r.id))
        state[r.key] = "visiting"
        for k in r.depends:
            visit(by_key[k], path + [r])
        state[r.key] = "done"
        out.append(r)

    for r in planned:
        visit(r, [])
    return out

