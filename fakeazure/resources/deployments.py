"""Resource-group template deployments (``Microsoft.Resources/deployments``): the model and the template
engine, no HTTP (the routes are in ``urls.py``, the handlers in ``responses.py``).

What ARM does, and so what this does (Deployments_* in azure-rest-api-specs resources.json 2024-11-01):

* ``PUT .../resourcegroups/{rg}/providers/Microsoft.Resources/deployments/{name}`` validates the template
  at once (a bad expression, a missing parameter, an unknown ``dependsOn``: 400 ``InvalidTemplate``), then
  answers 201 (200 when a deployment of that name existed) with ``provisioningState: Accepted`` and an
  ``Azure-AsyncOperation`` header at ``.../deployments/{name}/operationStatuses/{id}``. While another
  deployment of that name runs the PUT is refused (409 ``DeploymentActive``).
* The deployment then PUTs each template resource, in ``dependsOn`` order, through the fake's own router:
  the provider's handler runs exactly as for a direct PUT (api-version check for the resource's
  ``apiVersion``, quotas, NIC reservations, image and Trusted Launch rules, locks). A resource is done when
  its own long-running operation (``Azure-AsyncOperation`` or ``Location`` of the answer) has finished.
  Resources that depend on a failed one are never started; independent ones still are.
* The deployment fails with ``DeploymentFailed`` ("At least one resource deployment operation failed.
  ...") whose ``details`` hold one entry per failed resource: the provider's error itself when the PUT
  was refused, or ``ResourceDeploymentFailure`` ("The resource write operation failed to complete
  successfully, because it reached terminal provisioning state 'Failed'.") wrapping the operation's error
  when the resource's operation failed later.
* ``GET`` (one, list), ``HEAD``, ``DELETE`` (the record only; 202 + Location at
  ``/subscriptions/{s}/operationresults/{id}``, 204 when absent), ``POST .../cancel`` (204),
  ``POST .../validate`` (200 with the validated deployment, 400 ``{"error": ...}``),
  ``GET .../operations`` and ``.../operations/{operationId}``.

Template language supported (:class:`Evaluator`): ``parameters`` (with ``defaultValue``, itself maybe an
expression; ``allowedValues``), ``variables``, ``resourceId``, ``subscriptionResourceId``, ``resourceGroup()``,
``subscription()``, ``deployment()``, ``reference`` (GET of the resource through the router; implicit
dependency on a template resource), ``concat``, ``format``, ``if`` (lazy), ``equals``, ``not``, ``and``,
``or``, ``json``, ``string``, ``int``, ``bool``, ``toLower``, ``toUpper``, ``trim``, ``replace``,
``substring``, ``length``, ``empty``, ``contains``, ``coalesce``, ``createArray``, ``array``,
``createObject``, ``union``, ``first``, ``last``, ``split``, ``uniqueString``, ``guid``, ``true``,
``false``, ``null``; property access (``.id``, case-insensitive as in ARM) and indexing (``[0]``,
``['key']``); ``[[`` escapes a literal ``[``; nested arrays and objects; resource ``condition``; inline
child ``resources``; ``outputs``.

Knowingly not supported (refused with 400 so a test cannot pass by accident): ``copy`` loops and
``copyIndex()``, ``templateLink``/``parametersLink``, mode ``Complete``, user-defined functions, nested
``Microsoft.Resources/deployments`` resources, subscription/management-group/tenant scope deployments.
``uniqueString`` and ``guid`` are deterministic but not bit-identical to ARM's hashes.
"""
import hashlib
import json
import re
import uuid
from urllib.parse import urlsplit

from ..core import apiversions, errors, ids
from ..core.backend import BaseBackend
from ..core.clock import iso
from ..core.lro import Operation

NS = "Microsoft.Resources"
DEPLOYMENT_TYPE = "Microsoft.Resources/deployments"
FAILED_MESSAGE = ("At least one resource deployment operation failed. Please list deployment operations for "
                  "details. Please see https://aka.ms/arm-deployment-operations for usage details.")
ASYNC_FAILED_MESSAGE = ("The resource write operation failed to complete successfully, because it reached "
                        "terminal provisioning state 'Failed'.")
# keys of a template resource that are ARM's, not the provider's
_TEMPLATE_ONLY = {"type", "apiversion", "name", "dependson", "condition", "copy", "comments", "resources",
                  "scope", "metadata"}
_STATUS_NAMES = {200: "OK", 201: "Created", 202: "Accepted", 204: "NoContent", 400: "BadRequest",
                 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
                 429: "TooManyRequests", 500: "InternalServerError"}
_PARAM_TYPES = {"string": "String", "securestring": "SecureString", "int": "Int", "bool": "Bool",
                "object": "Object", "secureobject": "SecureObject", "array": "Array"}
_NAME_RE = re.compile(r"^[-\w._()]{1,64}$")


class TemplateError(errors.ArmError):
    """A template ARM refuses before deploying anything (400 InvalidTemplate)."""
    status = 400
    code = "InvalidTemplate"


def _invalid(reason):
    return TemplateError("Deployment template validation failed: '{}'.".format(reason))


def _unsupported(what):
    return TemplateError("Deployment template validation failed: '{} is not supported by this fake ARM.'."
                         .format(what))


# ------------------------------------------------------------------------------------------------------
# The expression language
# ------------------------------------------------------------------------------------------------------
class ExpressionError(Exception):
    """A template expression that cannot be parsed or evaluated; the caller names where it was."""


class _Deferred:
    """The value of ``reference()`` while validating (the resource may not exist yet)."""

    def __repr__(self):
        return "<deferred>"


DEFERRED = _Deferred()

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+)|(?P<id>[A-Za-z_][\w]*)|(?P<sym>[(),.\[\]]))")


def is_expression(value):
    return isinstance(value, str) and value.startswith("[") and value.endswith("]") and \
        not value.startswith("[[")


def _tokens(text):
    pos, out = 0, []
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError("The language expression '{}' is not valid: unexpected character at "
                                  "position {}.".format(text, pos))
        pos = m.end()
        if m.group("str") is not None:
            out.append(("str", m.group("str")[1:-1].replace("''", "'")))
        elif m.group("num") is not None:
            out.append(("num", int(m.group("num"))))
        elif m.group("id") is not None:
            out.append(("id", m.group("id")))
        else:
            out.append(("sym", m.group("sym")))
    return out


class _Parser:
    """expr := literal accessor* | name '(' [expr (',' expr)*] ')' accessor*;
    accessor := '.' name | '[' expr ']'. Nodes: ('lit', v) ('call', name, args) ('prop', node, name)
    ('index', node, expr)."""

    def __init__(self, text):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def fail(self, why):
        return ExpressionError("The language expression '{}' is not valid: {}.".format(self.text, why))

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, kind=None, value=None):
        tok = self.peek()
        if tok[0] is None or (kind and tok[0] != kind) or (value is not None and tok[1] != value):
            raise self.fail("expected {} but found {}".format(value or kind, tok[1] if tok[0] else "the end"))
        self.i += 1
        return tok

    def parse(self):
        node = self.expr()
        if self.i != len(self.toks):
            raise self.fail("unexpected '{}'".format(self.peek()[1]))
        return node

    def expr(self):
        kind, value = self.peek()
        if kind in ("str", "num"):
            self.i += 1
            node = ("lit", value)
        elif kind == "id":
            self.i += 1
            self.take("sym", "(")
            args = []
            if self.peek() != ("sym", ")"):
                args.append(self.expr())
                while self.peek() == ("sym", ","):
                    self.i += 1
                    args.append(self.expr())
            self.take("sym", ")")
            node = ("call", value, args)
        else:
            raise self.fail("expected a function or a literal but found {}".format(value or "the end"))
        while True:
            tok = self.peek()
            if tok == ("sym", "."):
                self.i += 1
                node = ("prop", node, self.take("id")[1])
            elif tok == ("sym", "["):
                self.i += 1
                inner = self.expr()
                self.take("sym", "]")
                node = ("index", node, inner)
            else:
                return node


def parse_expression(text):
    """Parse ``text`` (without the surrounding brackets)."""
    return _Parser(text).parse()


def _get_member(obj, name):
    if obj is DEFERRED:
        return DEFERRED
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        for k, v in obj.items():
            if k.lower() == str(name).lower():
                return v
        raise ExpressionError("The language expression property '{}' doesn't exist, available properties are "
                              "'{}'.".format(name, ", ".join(obj)))
    raise ExpressionError("The language expression property '{}' can't be evaluated, property name must be "
                          "a string and the value an object.".format(name))


def unique_string(*parts):
    """13 lower-case base-32 characters, deterministic (ARM's own hash is not reproduced)."""
    digest = hashlib.sha256("-".join(parts).encode("utf-8")).digest()
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    n = int.from_bytes(digest[:8], "big")
    return "".join(alphabet[(n >> (5 * i)) & 31] for i in range(13))


class Evaluator:
    """Evaluates template values for one deployment. ``reference`` is None while validating (then
    ``reference()`` yields :data:`DEFERRED` and records the template resource it names in ``referenced``)."""

    def __init__(self, parameters, variables, subscription, group, deployment_name, tenant_id=None,
                 resource_lookup=None, reference=None):
        self.parameters = parameters          # name -> value (already evaluated)
        self.raw_variables = variables or {}  # name -> raw value
        self.subscription = subscription
        self.group = group                    # {"name", "location", "id", "tags"}
        self.deployment_name = deployment_name
        self.tenant_id = tenant_id
        self.resource_lookup = resource_lookup or (lambda key: None)  # name or id -> template resource id
        self.reference_fn = reference
        self.referenced = set()
        self._variables = {}
        self._evaluating = set()

    # -- values -----------------------------------------------------------------------------------
    def value(self, raw):
        """A template value with every expression in it evaluated (dict keys too)."""
        if isinstance(raw, str):
            if is_expression(raw):
                return self.expression(raw[1:-1])
            if raw.startswith("[["):
                return raw[1:]
            return raw
        if isinstance(raw, list):
            return [self.value(v) for v in raw]
        if isinstance(raw, dict):
            return {self.value(k) if isinstance(k, str) else k: self.value(v) for k, v in raw.items()}
        return raw

    def expression(self, text):
        return self.eval(parse_expression(text))

    def eval(self, node):
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "prop":
            return _get_member(self.eval(node[1]), node[2])
        if kind == "index":
            obj, idx = self.eval(node[1]), self.eval(node[2])
            if obj is DEFERRED or idx is DEFERRED:
                return DEFERRED
            if isinstance(obj, list) and isinstance(idx, int) and not isinstance(idx, bool):
                if not -len(obj) <= idx < len(obj):
                    raise ExpressionError("The language expression property array index '{}' is out of "
                                          "bounds.".format(idx))
                return obj[idx]
            return _get_member(obj, idx)
        name, args = node[1], node[2]
        low = name.lower()
        if low == "if":
            if len(args) != 3:
                raise ExpressionError("The template language function 'if' must have 3 arguments.")
            cond = self.eval(args[0])
            if cond is DEFERRED:
                return DEFERRED
            if not isinstance(cond, bool):
                raise ExpressionError("The template language function 'if' expects its first argument to be "
                                      "of type 'Boolean'.")
            return self.eval(args[1] if cond else args[2])
        fn = _FUNCTIONS.get(low)
        if fn is None:
            raise ExpressionError("The template function '{}' is not valid. Please see "
                                  "https://aka.ms/arm-functions for usage details.".format(name))
        values = [self.eval(a) for a in args]
        if low != "reference" and any(v is DEFERRED for v in values):
            return DEFERRED
        return fn(self, *values)

    # -- lookups ----------------------------------------------------------------------------------
    def parameter(self, name):
        for k, v in self.parameters.items():
            if k.lower() == str(name).lower():
                return v
        raise ExpressionError("The template parameter '{}' is not found. Please see "
                              "https://aka.ms/arm-syntax-parameters for usage details.".format(name))

    def variable(self, name):
        key = next((k for k in self.raw_variables if k.lower() == str(name).lower()), None)
        if key is None:
            raise ExpressionError("The template variable '{}' is not found. Please see "
                                  "https://aka.ms/arm-syntax-variables for usage details.".format(name))
        if key not in self._variables:
            if key in self._evaluating:
                raise ExpressionError("The template variable '{}' refers to itself.".format(key))
            self._evaluating.add(key)
            try:
                self._variables[key] = self.value(self.raw_variables[key])
            finally:
                self._evaluating.discard(key)
        return self._variables[key]


def _arity(name, args, low, high=None):
    high = low if high is None else high
    if not low <= len(args) <= (high if high >= 0 else len(args)):
        raise ExpressionError("The template language function '{}' has an invalid number of arguments ({})."
                              .format(name, len(args)))


def _resource_id(ev, *args, subscription_scope=False):
    args = [str(a) for a in args]
    type_at = next((i for i, a in enumerate(args) if "/" in a), None)
    if type_at is None:
        raise ExpressionError("Unable to evaluate template language function 'resourceId': the type "
                              "'{}' is invalid.".format(args[0] if args else ""))
    head, rtype, names = args[:type_at], args[type_at], args[type_at + 1:]
    segs = rtype.strip("/").split("/")
    if len(segs) - 1 != len(names) or len(segs) < 2:
        raise ExpressionError("Unable to evaluate template language function 'resourceId': function requires "
                              "exactly one multi-segmented argument which must be resource type including "
                              "resource provider namespace. Current function arguments '{}'. Please see "
                              "https://aka.ms/arm-template-expressions/#resourceid for usage details."
                              .format(",".join(args)))
    sub, rg = ev.subscription, ev.group["name"]
    if subscription_scope:
        if len(head) > 1:
            raise ExpressionError("The template language function 'subscriptionResourceId' takes at most one "
                                  "argument before the resource type.")
        sub = head[0] if head else sub
        rg = None
    elif len(head) == 1:
        rg = head[0]
    elif len(head) == 2:
        sub, rg = head
    elif len(head) > 2:
        raise ExpressionError("The template language function 'resourceId' takes at most two arguments "
                              "before the resource type.")
    pairs = []
    for t, n in zip(segs[1:], names):
        pairs += [t, n]
    return ids.resource_id(sub, rg, segs[0], *pairs)


def _concat(ev, *args):
    if args and all(isinstance(a, list) for a in args):
        return [x for a in args for x in a]
    return "".join(_to_string(a) for a in args)


def _to_string(v):
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    if v is None:
        return ""
    return str(v)


def _format(ev, fmt, *args):
    def sub(m):
        i = int(m.group(1))
        if i >= len(args):
            raise ExpressionError("The template language function 'format' has too few arguments.")
        return _to_string(args[i])
    return re.sub(r"\{(\d+)(?::[^}]*)?\}", sub, str(fmt))


def _json(ev, text):
    try:
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise ExpressionError("The template language function 'json' has an invalid argument: {}.".format(exc))


def _int(ev, v):
    try:
        return int(v)
    except (TypeError, ValueError):
        raise ExpressionError("The template language function 'int' cannot convert '{}'.".format(v))


def _bool(ev, v):
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    if isinstance(v, (bool, int)):
        return bool(v)
    raise ExpressionError("The template language function 'bool' cannot convert '{}'.".format(v))


def _equals(ev, a, b):
    if isinstance(a, str) and isinstance(b, str):
        return a == b  # ARM's equals is case-sensitive for strings
    return a == b


def _logic(name, fn):
    def run(ev, *args):
        if not all(isinstance(a, bool) for a in args):
            raise ExpressionError("The template language function '{}' expects arguments of type 'Boolean'."
                                  .format(name))
        return fn(args)
    return run


def _contains(ev, container, item):
    if isinstance(container, str):
        return str(item).lower() in container.lower()
    if isinstance(container, dict):
        return any(k.lower() == str(item).lower() for k in container)
    return item in (container or [])


def _union(ev, *args):
    if all(isinstance(a, dict) for a in args):
        out = {}
        for a in args:
            out.update(a)
        return out
    out = []
    for a in args:
        for x in a:
            if x not in out:
                out.append(x)
    return out


def _create_object(ev, *args):
    if len(args) % 2:
        raise ExpressionError("The template language function 'createObject' needs an even number of "
                              "arguments.")
    return {args[i]: args[i + 1] for i in range(0, len(args), 2)}


def _length(ev, v):
    if v is None:
        raise ExpressionError("The template language function 'length' cannot take null.")
    return len(v)


def _guid(ev, *parts):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "-".join(str(p) for p in parts)))


def _reference(ev, target, api_version=None, full=None):
    if target is DEFERRED:
        return DEFERRED
    rid = ev.resource_lookup(target)
    if ev.reference_fn is None:
        if rid is not None:
            ev.referenced.add(ids.key(rid))
        return DEFERRED
    return ev.reference_fn(rid or str(target), api_version, str(full or "").lower() == "full")


def _copy_index(ev, *args):
    raise ExpressionError("The template function 'copyIndex' is not expected at this location (copy loops are "
                          "not supported by this fake ARM).")


def _group(ev):
    g = ev.group
    out = {"id": g["id"], "name": g["name"], "type": "Microsoft.Resources/resourceGroups",
           "location": g["location"], "properties": {"provisioningState": "Succeeded"}}
    if g.get("tags"):
        out["tags"] = dict(g["tags"])
    return out


def _subscription(ev):
    return {"id": "/subscriptions/" + ev.subscription, "subscriptionId": ev.subscription,
            "tenantId": ev.tenant_id, "displayName": "Fake Subscription"}


def _deployment(ev):
    return {"name": ev.deployment_name, "properties": {"template": {"contentVersion": "1.0.0.0"}}}


_FUNCTIONS = {
    "parameters": lambda ev, *a: (_arity("parameters", a, 1), ev.parameter(a[0]))[1],
    "variables": lambda ev, *a: (_arity("variables", a, 1), ev.variable(a[0]))[1],
    "resourceid": _resource_id,
    "subscriptionresourceid": lambda ev, *a: _resource_id(ev, *a, subscription_scope=True),
    "resourcegroup": _group,
    "subscription": _subscription,
    "deployment": _deployment,
    "reference": _reference,
    "concat": _concat,
    "format": _format,
    "equals": lambda ev, *a: (_arity("equals", a, 2), _equals(ev, *a))[1],
    "not": lambda ev, *a: (_arity("not", a, 1), _logic("not", lambda x: not x[0])(ev, *a))[1],
    "and": _logic("and", all),
    "or": _logic("or", any),
    "json": _json,
    "string": lambda ev, v: v if isinstance(v, str) else _to_string(v),
    "int": _int,
    "bool": _bool,
    "tolower": lambda ev, v: str(v).lower(),
    "toupper": lambda ev, v: str(v).upper(),
    "trim": lambda ev, v: str(v).strip(),
    "replace": lambda ev, s, old, new: str(s).replace(str(old), str(new)),
    "substring": lambda ev, s, start=0, length=None: str(s)[start:None if length is None else start + length],
    "length": _length,
    "empty": lambda ev, v: v is None or len(v) == 0,
    "contains": _contains,
    "coalesce": lambda ev, *a: next((x for x in a if x is not None), None),
    "createarray": lambda ev, *a: list(a),
    "array": lambda ev, v: v if isinstance(v, list) else [v],
    "createobject": _create_object,
    "union": _union,
    "first": lambda ev, v: (v[0] if v else None),
    "last": lambda ev, v: (v[-1] if v else None),
    "split": lambda ev, s, sep: str(s).split(sep) if isinstance(sep, str) else _multi_split(str(s), sep),
    "uniquestring": lambda ev, *a: unique_string(*[str(x) for x in a]),
    "guid": _guid,
    "true": lambda ev: True,
    "false": lambda ev: False,
    "null": lambda ev: None,
    "copyindex": _copy_index,
}


def _multi_split(s, seps):
    return re.split("|".join(re.escape(x) for x in seps), s)


# ------------------------------------------------------------------------------------------------------
# The model
# ------------------------------------------------------------------------------------------------------
class PlannedResource:
    """One template resource after validation: its id, the raw body and what it waits for."""

    def __init__(self, index, rtype, name, api_version, raw, depends, rid):
        self.index = index
        self.type = rtype
        self.name = name
        self.api_version = api_version
        self.raw = raw
        self.depends = depends      # keys (lower-case ids) of template resources
        self.id = rid
        self.state = "Pending"      # Pending, Running, Succeeded, Failed
        self.operation_id = None    # the deployment operation's id (16 hex)
        self.rp_operation = None    # the provider's long-running operation id
        self.status_code = None
        self.error = None           # the detail for DeploymentFailed
        self.status_message = None
        self.started = None
        self.ended = None
        self.tracking_id = str(uuid.uuid4())
        self.service_request_id = str(uuid.uuid4())

    @property
    def key(self):
        return ids.key(self.id)

    def target(self):
        return {"id": self.id, "resourceType": self.type, "resourceName": self.name}


class Plan:
    """A validated deployment: parameters, the evaluator and the ordered resources."""

    def __init__(self, parameters, evaluator, resources, outputs):
        self.parameters = parameters
        self.evaluator = evaluator
        self.resources = resources
        self.outputs = outputs


class Deployment:
    def __init__(self, subscription_id, resource_group, name, template, parameter_types, parameters, mode,
                 plan, now, tags=None):
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self.name = name
        self.template = template
        self.parameter_types = parameter_types  # name -> ARM type name ('SecureString', ...)
        self.parameters = parameters            # name -> value
        self.mode = mode
        self.plan = plan
        self.resources = plan.resources
        self.tags = dict(tags or {})
        self.provisioning_state = "Accepted"
        self.started = now
        self.ended = None
        self.correlation_id = str(uuid.uuid4())
        self.error = None
        self.outputs = None
        self.run = None  # the DeploymentRun (operation)
        self.base_url = ""
        self.template_hash = str(int(hashlib.sha256(json.dumps(template, sort_keys=True).encode("utf-8"))
                                     .hexdigest()[:16], 16))

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, NS, "deployments", self.name)

    @property
    def active(self):
        return self.provisioning_state in ("Accepted", "Running")

    def touch(self):
        pass

    def to_json(self, clock_now=None, validated=False):
        props = {"templateHash": self.template_hash, "parameters": self._parameters_json(),
                 "mode": self.mode, "provisioningState": "Succeeded" if validated else self.provisioning_state,
                 "timestamp": iso(self.ended or self.started),
                 "duration": _duration((self.ended or clock_now or self.started) - self.started),
                 "correlationId": self.correlation_id, "providers": self._providers(),
                 "dependencies": self._dependencies()}
        if validated:
            props["validatedResources"] = [{"id": r.id} for r in self.resources]
        if self.provisioning_state == "Succeeded" and not validated:
            props["outputs"] = self.outputs or {}
            props["outputResources"] = [{"id": r.id} for r in self.resources if r.state == "Succeeded"]
        if self.error is not None and not validated:
            props["error"] = self.error
        body = {"id": self.id, "name": self.name, "type": DEPLOYMENT_TYPE}
        if self.tags:
            body["tags"] = dict(self.tags)
        body["properties"] = props
        return body

    def _parameters_json(self):
        out = {}
        for name, value in self.parameters.items():
            ptype = self.parameter_types.get(name, "String")
            out[name] = {"type": ptype} if ptype.startswith("Secure") else {"type": ptype, "value": value}
        return out

    def _providers(self):
        by_ns = {}
        for r in self.resources:
            ns, _, rtype = r.type.partition("/")
            types = by_ns.setdefault(ns, {})
            types.setdefault(rtype, set()).add(_location_of(r.raw))
        return [{"namespace": ns, "resourceTypes": [{"resourceType": t, "locations": sorted(x for x in locs if x)}
                                                    for t, locs in types.items()]}
                for ns, types in by_ns.items()]

    def _dependencies(self):
        by_key = {r.key: r for r in self.resources}
        out = []
        for r in self.resources:
            if r.depends:
                deps = [by_key[k].target() for k in r.depends if k in by_key]
                out.append({"dependsOn": deps, "id": r.id, "resourceType": r.type, "resourceName": r.name})
        return out

    def operations_json(self):
        out = []
        for r in self.resources:
            if r.operation_id is None:
                continue
            props = {"provisioningOperation": "Create", "provisioningState": r.state,
                     "timestamp": iso(r.ended or r.started), "duration": _duration((r.ended or r.started) - r.started),
                     "trackingId": r.tracking_id, "serviceRequestId": r.service_request_id}
            if r.status_code:
                props["statusCode"] = r.status_code
            if r.status_message is not None:
                props["statusMessage"] = r.status_message
            props["targetResource"] = r.target()
            out.append({"id": "{}/operations/{}".format(self.id, r.operation_id), "operationId": r.operation_id,
                        "properties": props})
        return out


def _location_of(raw):
    loc = raw.get("location") if isinstance(raw, dict) else None
    return loc.replace(" ", "").lower() if isinstance(loc, str) and not is_expression(loc) else None


def _duration(seconds):
    return "PT{:.7f}S".format(max(seconds, 0.0)).replace(".0000000S", "S")


class DeploymentRun(Operation):
    """The deployment's long-running operation. It is always due: every tick advances the deployment (starts
    the resources whose dependencies are done, collects the providers' operations) until all are done."""

    def __init__(self, engine, deployment, now):
        super().__init__("08584" + str(uuid.uuid4().int)[:15], deployment.subscription_id,
                         NS, "global", "operationStatuses", now, now, None)
        self.engine = engine
        self.deployment = deployment

    def finish(self, now):
        if self.done:
            return
        self.engine.advance(self.deployment, now)
        dep = self.deployment
        if dep.active:
            return
        self.ended = now
        self.status = dep.provisioning_state
        if dep.error is not None:
            self.error = errors.ArmError(dep.error["message"], code=dep.error["code"], status=409,
                                         target=dep.error.get("target"), details=dep.error.get("details"))

    def status_document(self):
        doc = {"status": self.deployment.provisioning_state if not self.done else self.status}
        if self.error is not None:
            doc["error"] = self.error.to_dict()
        return doc

    def path(self):
        dep = self.deployment
        return "/subscriptions/{}/resourcegroups/{}/providers/{}/deployments/{}/operationStatuses/{}".format(
            dep.subscription_id, dep.resource_group, NS, dep.name, self.id)


# ------------------------------------------------------------------------------------------------------
# The backend
# ------------------------------------------------------------------------------------------------------
class DeploymentsBackend(BaseBackend):
    def __init__(self, cloud):
        super().__init__(cloud)
        self.deployments = {}

    # -- reads ------------------------------------------------------------------------------------
    def get(self, sub, rg, name):
        self.cloud.resources.get_group(sub, rg)
        dep = self.deployments.get(self._key(sub, rg, name))
        if dep is None:
            raise errors.ArmError("Deployment '{}' could not be found.".format(name), code="DeploymentNotFound",
                                  status=404)
        return dep

    def exists(self, sub, rg, name):
        return self._key(sub, rg, name) in self.deployments

    def list(self, sub, rg):
        self.cloud.resources.get_group(sub, rg)
        prefix = ids.key(ids.resource_id(sub, rg, NS, "deployments", ""))
        return [d for k, d in sorted(self.deployments.items()) if k.startswith(prefix)]

    def get_operation(self, sub, rg, name, operation_id):
        dep = self.get(sub, rg, name)
        for op in dep.operations_json():
            if op["operationId"].lower() == operation_id.lower():
                return op
        raise errors.ArmError("Deployment operation '{}' could not be found.".format(operation_id),
                              code="DeploymentOperationNotFound", status=404)

    def get_by_id(self, rid):
        return self.deployments.get(ids.key(rid or ""))

    def delete_group_contents(self, sub, rg):
        prefix = ids.key(ids.resource_id(sub, rg, NS, "deployments", ""))
        for k in [k for k in self.deployments if k.startswith(prefix)]:
            del self.deployments[k]

    def dump(self):
        return {"deployments": [d.to_json(self.cloud.clock.now()) for d in self.deployments.values()]}

    @staticmethod
    def _key(sub, rg, name):
        return ids.key(ids.resource_id(sub, rg, NS, "deployments", name))

    # -- validation -------------------------------------------------------------------------------
    def validate(self, sub, rg, name, body):
        """The checks a PUT and a validate share. -> an unsaved Deployment (raises TemplateError)."""
        group = self.cloud.resources.get_group(sub, rg)
        if not _NAME_RE.match(name or ""):
            raise errors.ArmError("The deployment name '{}' is invalid. It can only contain alphanumeric "
                                  "characters, periods, underscores, hyphens and parenthesis, and must be at most "
                                  "64 characters long.".format(name), code="InvalidDeploymentName", status=400)
        props = body.get("properties")
        if not isinstance(props, dict):
            raise errors.BadRequest("The request content was invalid and could not be deserialized: 'Required "
                                    "property 'properties' not found in JSON.'.", code="InvalidRequestContent")
        if props.get("templateLink") or props.get("parametersLink"):
            raise _unsupported("A templateLink or parametersLink")
        mode = props.get("mode") or ""
        if mode.lower() not in ("incremental", "complete"):
            raise errors.BadRequest("The deployment mode '{}' is not valid. Allowed values are 'Incremental' and "
                                    "'Complete'.".format(mode), code="InvalidDeploymentMode")
        if mode.lower() == "complete":
            raise _unsupported("Deployment mode 'Complete'")
        template = props.get("template")
        if not isinstance(template, dict):
            raise errors.BadRequest("The request content was invalid and could not be deserialized: 'The "
                                    "template is missing.'.", code="InvalidRequestContent")
        if template.get("functions"):
            raise _unsupported("User-defined functions")
        given = props.get("parameters") or {}
        types, values = self._parameters(template.get("parameters") or {}, given, sub, group, name)
        ev = self._evaluator(template, values, sub, group, name, reference=None)
        resources = self._plan_resources(template.get("resources") or [], ev)
        plan = Plan(values, ev, resources, template.get("outputs") or {})
        return Deployment(sub, group.name, name, template, types, values, "Incremental", plan,
                          self.cloud.clock.now(), tags=body.get("tags"))

    def _evaluator(self, template, values, sub, group, name, reference):
        return Evaluator(values, template.get("variables") or {}, sub,
                         {"id": group.id, "name": group.name, "location": group.location, "tags": group.tags},
                         name, tenant_id=self.cloud.identity.tenant_id, reference=reference)

    def _parameters(self, declared, given, sub, group, name):
        if not isinstance(given, dict):
            raise errors.BadRequest("The request content was invalid and could not be deserialized: "
                                    "'parameters must be an object'.", code="InvalidRequestContent")
        unknown = [k for k in given if k.lower() not in {d.lower() for d in declared}]
        if unknown:
            raise _invalid("The template parameters '{}' in the parameters file are not valid; they are not "
                           "present in the original template and can therefore not be provided at deployment "
                           "time. The only supported parameters for this template are '{}'. Please see "
                           "https://aka.ms/arm-pass-parameter-values for usage details."
                           .format(", ".join(unknown), ", ".join(declared)))
        for k, v in given.items():
            if not isinstance(v, dict) or ("value" not in v and "reference" not in v):
                raise errors.BadRequest("The request content was invalid and could not be deserialized: 'The "
                                        "parameter '{}' must have a 'value'.'.".format(k),
                                        code="InvalidRequestContent")
            if "reference" in v:
                raise _unsupported("A Key Vault parameter reference")
        types, values = {}, {}
        # defaults may refer to earlier parameters (ARM allows parameters() in defaultValue)
        ev = Evaluator(values, {}, sub, {"id": group.id, "name": group.name, "location": group.location,
                                         "tags": group.tags}, name, tenant_id=self.cloud.identity.tenant_id)
        for pname, decl in declared.items():
            decl = decl or {}
            ptype = str(decl.get("type") or "")
            if ptype.lower() not in _PARAM_TYPES:
                raise _invalid("The template parameter '{}' has an invalid type '{}'.".format(pname, ptype))
            types[pname] = _PARAM_TYPES[ptype.lower()]
            supplied = next((v for k, v in given.items() if k.lower() == pname.lower()), None)
            if supplied is not None:
                value = supplied["value"]
            elif "defaultValue" in decl:
                try:
                    value = ev.value(decl["defaultValue"])
                except ExpressionError as exc:
                    raise _invalid("The template parameter '{}' default value is not valid: {}".format(pname, exc))
            else:
                raise _invalid("The value for the template parameter '{}' is not provided. Please see "
                               "https://aka.ms/arm-create-parameter-file for usage details.".format(pname))
            self._check_type(pname, types[pname], value)
            allowed = decl.get("allowedValues")
            if allowed is not None and value not in allowed:
                raise _invalid("The provided value '{}' for the template parameter '{}' is not valid. The "
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
            raise _invalid("Template parameter '{}' was provided an invalid value. Expected a value of type '{}', "
                           "but received a value of type '{}'.".format(pname, ptype, type(value).__name__))

    def _plan_resources(self, raw_resources, ev):
        if not isinstance(raw_resources, list):
            raise _invalid("The template 'resources' must be an array.")
        flat = []
        for raw in raw_resources:
            self._flatten(raw, None, flat)
        planned, by_key, by_short, by_name, by_raw = [], {}, {}, {}, {}
        for i, (raw, parent_raw) in enumerate(flat):
            parent = by_raw.get(id(parent_raw)) if parent_raw is not None else None
            if parent_raw is not None and parent is None:
                continue  # its parent was left out by a condition
            label = raw.get("name") if isinstance(raw.get("name"), str) else "#{}".format(i)
            if raw.get("copy") is not None:
                raise _unsupported("The copy loop of resource '{}'".format(label))
            try:
                if "condition" in raw:
                    cond = ev.value(raw["condition"])
                    if cond is False:
                        continue
                rtype, name, api = (ev.value(raw.get(k)) for k in ("type", "name", "apiVersion"))
            except ExpressionError as exc:
                raise _resource_invalid(label, exc)
            if not all(isinstance(x, str) and x for x in (rtype, name, api)):
                raise _invalid("The template resource '{}' must have a 'type', a 'name' and an 'apiVersion'."
                               .format(label))
            if parent is not None:
                if "/" not in rtype:
                    rtype = "{}/{}".format(parent.type, rtype)
                if name.count("/") < rtype.count("/") - 1:
                    name = "{}/{}".format(parent.name, name)
            if rtype.lower() == DEPLOYMENT_TYPE.lower():
                raise _unsupported("A nested deployment ('{}')".format(name))
            segs, names = rtype.split("/"), name.split("/")
            if len(segs) - 1 != len(names) or len(segs) < 2:
                raise _invalid("The template resource '{}' for type '{}' has incorrect segment lengths. A nested "
                               "resource type must have identical number of segments as its resource name. A root "
                               "resource type must have segment length one greater than its resource name. Please "
                               "see https://aka.ms/arm-syntax-resources for usage details.".format(name, rtype))
            pairs = []
            for t, n in zip(segs[1:], names):
                pairs += [t, n]
            rid = ids.resource_id(ev.subscription, ev.group["name"], segs[0], *pairs)
            res = PlannedResource(i, rtype, name, api, raw, [], rid)
            if res.key in by_key:
                raise _invalid("The resource '{}' is defined multiple times in a template. Please see "
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
                    raise _resource_invalid(res.name, exc)
                target = lookup(ref)
                if target is None:
                    raise _invalid("The resource '{}' is not defined in the template. Please see "
                                   "https://aka.ms/arm-syntax for usage details.".format(ref))
                if target.key not in res.depends and target is not res:
                    res.depends.append(target.key)
            ev.referenced = set()
            try:
                ev.value(self._body_of(res.raw))
            except ExpressionError as exc:
                raise _resource_invalid(res.name, exc)
            for k in ev.referenced:
                if k != res.key and k not in res.depends:
                    res.depends.append(k)
        return _ordered(planned)

    def _flatten(self, raw, parent, out):
        if not isinstance(raw, dict):
            raise _invalid("A template resource must be an object.")
        out.append((raw, parent))
        children = raw.get("resources") or []
        for child in children:
            self._flatten(child, raw, out)

    @staticmethod
    def _body_of(raw):
        return {k: v for k, v in raw.items() if k.lower() not in _TEMPLATE_ONLY}

    # -- create -----------------------------------------------------------------------------------
    def create(self, sub, rg, name, body, base_url):
        """PUT: validate, store, start. -> (deployment, created)."""
        old = self.deployments.get(self._key(sub, rg, name))
        if old is not None and old.active:
            raise errors.ArmError(
                "Unable to edit or replace deployment '{}': previous deployment from '{}' is still active "
                "(expiration time is '{}'). Please see https://aka.ms/arm-deploy for usage details."
                .format(name, iso(old.started), iso(old.started + 14 * 86400)), code="DeploymentActive",
                status=409)
        dep = self.validate(sub, rg, name, body)
        dep.base_url = base_url
        self.deployments[self._key(sub, rg, name)] = dep
        now = self.cloud.clock.now()
        run = DeploymentRun(self, dep, now)
        for hook in list(self.cloud.operations.pending_failures):  # an 'lro-fail' fault on this PUT
            err = hook(run, {})
            if err is not None:
                run.fail_with = err
                break
        dep.run = run
        self.cloud.operations.add(run)
        if run.fail_with is None:
            run.finish(now)  # starts the first resources (with no operation duration: all of them)
        return dep, old is None

    def cancel(self, sub, rg, name):
        dep = self.get(sub, rg, name)
        if not dep.active:
            raise errors.ArmError("The deployment '{}' cannot be cancelled because it is in state '{}'."
                                  .format(name, dep.provisioning_state), code="DeploymentCannotBeCancelled",
                                  status=409)
        now = self.cloud.clock.now()
        dep.provisioning_state = "Canceled"
        dep.ended = now
        if dep.run is not None and not dep.run.done:
            dep.run.status = "Canceled"
            dep.run.ended = now

    def begin_delete(self, sub, rg, name):
        """DELETE of the record (never of the resources). -> the operation, or None when absent."""
        self.cloud.resources.get_group(sub, rg)
        dep = self.deployments.get(self._key(sub, rg, name))
        if dep is None:
            return None
        if dep.active:
            raise errors.ArmError("The deployment '{}' cannot be deleted because it is still active. Cancel it "
                                  "first.".format(name), code="DeploymentActive", status=409)

        def done():
            self.deployments.pop(self._key(sub, rg, name), None)

        return self.cloud.operations.start(sub, None, "global", kind="operationresults", on_success=done)

    # -- the run ----------------------------------------------------------------------------------
    def advance(self, dep, now):
        """Move ``dep`` on: finish what has finished, start what can start; settle the outcome."""
        if dep.run is not None and dep.run.fail_with is not None:
            self._settle(dep, now, injected=dep.run.fail_with)
            return
        if not dep.active:
            return
        dep.provisioning_state = "Running"
        by_key = {r.key: r for r in dep.resources}
        changed = True
        while changed:
            changed = False
            for res in dep.resources:
                if res.state == "Running" and self._collect(res, now):
                    changed = True
                elif res.state == "Pending" and all(by_key[k].state == "Succeeded" for k in res.depends):
                    self._start(dep, res, now)
                    changed = True
        if any(r.state == "Running" for r in dep.resources):
            return
        if any(r.state == "Pending" and not any(by_key[k].state == "Failed" for k in _closure(r, by_key))
               for r in dep.resources):
            return  # cannot happen with an acyclic plan; kept for safety
        self._settle(dep, now)

    def _settle(self, dep, now, injected=None):
        failed = [r for r in dep.resources if r.state == "Failed"]
        dep.ended = now
        if injected is not None:
            dep.provisioning_state = "Failed"
            dep.error = injected.to_dict()
        elif failed:
            dep.provisioning_state = "Failed"
            dep.error = {"code": "DeploymentFailed", "target": dep.id, "message": FAILED_MESSAGE,
                         "details": [r.error for r in failed]}
        else:
            try:
                dep.outputs = self._outputs(dep)
                dep.provisioning_state = "Succeeded"
            except ExpressionError as exc:
                dep.provisioning_state = "Failed"
                dep.error = {"code": "DeploymentOutputEvaluationFailed", "target": dep.id,
                             "message": "Unable to evaluate template outputs. Please see error details and "
                                        "deployment operations. Please see https://aka.ms/arm-common-errors for "
                                        "usage details.", "details": [{"code": "DeploymentOutputEvaluationFailed",
                                                                        "message": str(exc)}]}

    def _outputs(self, dep):
        ev = self._live_evaluator(dep)
        out = {}
        for name, decl in (dep.plan.outputs or {}).items():
            ptype = _PARAM_TYPES.get(str(decl.get("type") or "string").lower(), "String")
            value = ev.value(decl.get("value"))
            out[name] = {"type": ptype, "value": value}
        return out

    def _live_evaluator(self, dep):
        group = self.cloud.resources.get_group(dep.subscription_id, dep.resource_group)
        ev = self._evaluator(dep.template, dep.parameters, dep.subscription_id, group, dep.name,
                             reference=lambda rid, api, full: self._reference(dep, rid, api, full))
        ev.resource_lookup = dep.plan.evaluator.resource_lookup
        return ev

    def _reference(self, dep, rid, api_version, full):
        planned = next((r for r in dep.resources if r.key == ids.key(rid)), None)
        api = api_version or (planned.api_version if planned else None)
        if not api:
            raise ExpressionError("The template function 'reference' needs an api-version for resource '{}', "
                                  "which is not defined in the template.".format(rid))
        status, body = self.internal_request("GET", rid, api, None, dep.base_url)
        if status >= 400:
            err = (body or {}).get("error") or {}
            raise ExpressionError("The resource '{}' referenced by reference() could not be read: {} {}"
                                  .format(rid, err.get("code"), err.get("message")))
        if full:
            return body
        return (body or {}).get("properties", {})

    def _start(self, dep, res, now):
        res.operation_id = uuid.uuid4().hex.upper()[:16]
        res.started = now
        res.state = "Running"
        try:
            body = self._live_evaluator(dep).value(self._body_of(res.raw))
        except ExpressionError as exc:
            self._fail(res, now, "BadRequest", {"code": "InvalidTemplate", "message": str(exc)})
            return
        reply, error = self._dispatch("PUT", res.id, res.api_version, body, dep.base_url)
        if error is not None:
            self._fail(res, now, _STATUS_NAMES.get(error.status, str(error.status)), error.to_dict(),
                       {"error": error.to_dict()})
            return
        res.status_code = _STATUS_NAMES.get(reply.status, str(reply.status))
        op = self._operation_of(reply)
        if op is None:
            res.state = "Succeeded"
            res.ended = now
            return
        res.rp_operation = op.id

    def _collect(self, res, now):
        """True when the resource's operation has ended (and the resource is settled)."""
        op = self.cloud.operations.get(res.rp_operation) if res.rp_operation else None
        if op is None:
            res.state, res.ended = "Succeeded", now
            return True
        if not op.done and op.due <= now:
            op.finish(now)
        if not op.done:
            return False
        res.ended = op.ended or now
        if op.status == "Succeeded":
            res.state = "Succeeded"
            return True
        inner = op.error.to_dict() if op.error is not None else {"code": "ResourceDeploymentFailure",
                                                                 "message": "The operation was {}."
                                                                 .format(op.status.lower())}
        self._fail(res, res.ended, "Conflict",
                   {"code": "ResourceDeploymentFailure", "target": res.id, "message": ASYNC_FAILED_MESSAGE,
                    "details": [inner]},
                   {"status": "Failed", "error": {"code": "ResourceDeploymentFailure",
                                                  "message": ASYNC_FAILED_MESSAGE, "details": [inner]}})
        return True

    @staticmethod
    def _fail(res, now, status_code, detail, status_message=None):
        res.state = "Failed"
        res.ended = now
        res.status_code = status_code
        res.error = detail
        res.status_message = status_message if status_message is not None else {"error": detail}

    def _operation_of(self, reply):
        for header in ("Azure-AsyncOperation", "Location"):
            url = reply.headers.get(header)
            if url:
                op_id = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
                op = self.cloud.operations.get(op_id)
                if op is not None:
                    return op
        return None

    # -- requests through the router --------------------------------------------------------------
    def _dispatch(self, method, path, api_version, body, base_url):
        """Run one ARM request through the fake's own router and handler. -> (Reply, None) or (None, ArmError)."""
        from ..core.app import FakeAzureApp
        from ..core.responses import RequestContext
        cloud = self.cloud
        route, params = cloud.router.match(method, path)
        if route is None:
            return None, FakeAzureApp._not_found(path, api_version)  # pylint: disable=protected-access
        saved = (list(cloud.operations.pending_failures), cloud.operations.extra_delay)
        cloud.operations.pending_failures.clear()  # a client request's faults are not this request's
        cloud.operations.extra_delay = 0.0
        try:
            if route.resource_type is not None:
                try:
                    apiversions.check(route.resource_type, api_version)
                except apiversions.ApiVersionError as exc:
                    return None, errors.GatewayError(exc.message, code=exc.code, status=exc.status)
            data = json.dumps(body).encode("utf-8") if body is not None else b""
            ctx = RequestContext(cloud, method, path, {"api-version": api_version},
                                 {"Content-Type": "application/json"}, data, params, base_url, api_version)
            ctx.form = {}
            reply = getattr(route.response_cls(ctx), route.handler)()
            if isinstance(reply, errors.ArmError):
                return None, reply
            return reply, None
        except errors.ArmError as exc:
            return None, exc
        except Exception:  # pylint: disable=broad-except  - a bug in the fake: as the app does
            import traceback
            cloud.log_error(traceback.format_exc())
            return None, errors.ArmError("An internal error occurred in the fake: see its log.",
                                         code="InternalServerError", status=500)
        finally:
            cloud.operations.pending_failures[:] = saved[0]
            cloud.operations.extra_delay = saved[1]

    def internal_request(self, method, path, api_version, body, base_url=""):
        """-> (status, JSON body or None)."""
        reply, error = self._dispatch(method, path, api_version, body, base_url)
        if error is not None:
            return error.status, error.body()
        return reply.status, reply.body


def _resource_invalid(name, exc):
    return _invalid("The template resource '{}' is not valid: {}".format(name, exc))


def _closure(res, by_key):
    seen, stack = set(), list(res.depends)
    while stack:
        k = stack.pop()
        if k in seen or k not in by_key:
            continue
        seen.add(k)
        stack.extend(by_key[k].depends)
    return seen


def _ordered(planned):
    """Template order, with every resource after what it depends on; a cycle is an InvalidTemplate."""
    by_key = {r.key: r for r in planned}
    out, state = [], {}

    def visit(r, path):
        s = state.get(r.key)
        if s == "done":
            return
        if s == "visiting":
            raise _invalid("Circular dependency detected on resource: '{}'. Please see "
                           "https://aka.ms/arm-syntax-resources for usage details.".format(r.id))
        state[r.key] = "visiting"
        for k in r.depends:
            visit(by_key[k], path + [r])
        state[r.key] = "done"
        out.append(r)

    for r in planned:
        visit(r, [])
    return out


__all__ = ["DeploymentsBackend", "Deployment", "Evaluator", "TemplateError", "ExpressionError",
           "parse_expression", "unique_string", "DEFERRED"]
