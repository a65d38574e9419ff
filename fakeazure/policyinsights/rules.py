"""The policy rule language, enough of it for deny rules on what a VM repair creates.

Learn, "Azure Policy definition structure - policy rule": ``{"if": <condition>, "then": {"effect": ...}}``;
logical operators ``allOf``, ``anyOf``, ``not``; a condition is ``{"field": <field>, <operator>: <value>}`` with
the operators ``equals``, ``notEquals``, ``like``, ``notLike``, ``in``, ``notIn``, ``contains``, ``notContains``,
``containsKey``, ``notContainsKey``, ``exists`` (string comparisons are case-insensitive; ``like`` takes one
``*`` wildcard per the doc, the fake takes any). Fields: ``name``, ``type``, ``location``, ``tags``,
``tags['x']``/``tags[x]``/``tags.x``, and the aliases of :data:`ALIASES` (Learn's alias list; a ``[*]`` alias
gives every element). Values may be ``[parameters('x')]`` or ``[concat(...)]`` of literals and parameters.
Unknown aliases and operators are refused when the assignment is made, as Azure refuses a definition that
names an alias it does not have (``InvalidPolicyAlias``; wording not verified).
"""
import fnmatch
import re

# alias -> path in the resource content (Learn: "Azure Policy alias" lists, `az provider show --expand
# resourceTypes/aliases`). Lower-case keys.
ALIASES = {
    "microsoft.compute/virtualmachines/sku.name": "properties.hardwareProfile.vmSize",
    "microsoft.compute/virtualmachines/securityprofile.securitytype": "properties.securityProfile.securityType",
    "microsoft.compute/virtualmachines/storageprofile.osdisk.manageddisk.storageaccounttype":
        "properties.storageProfile.osDisk.managedDisk.storageAccountType",
    "microsoft.compute/imageid": "properties.storageProfile.imageReference.id",
    "microsoft.compute/imagepublisher": "properties.storageProfile.imageReference.publisher",
    "microsoft.compute/imageoffer": "properties.storageProfile.imageReference.offer",
    "microsoft.compute/imagesku": "properties.storageProfile.imageReference.sku",
    "microsoft.compute/disks/sku.name": "sku.name",
    "microsoft.compute/disks/networkaccesspolicy": "properties.networkAccessPolicy",
    "microsoft.compute/snapshots/sku.name": "sku.name",
    "microsoft.compute/snapshots/incremental": "properties.incremental",
    "microsoft.network/networkinterfaces/ipconfigurations[*].publicipaddress.id":
        "properties.ipConfigurations[*].properties.publicIPAddress.id",
    "microsoft.network/networkinterfaces/enableipforwarding": "properties.enableIPForwarding",
}
OPERATORS = ("equals", "notEquals", "like", "notLike", "in", "notIn", "contains", "notContains", "containsKey",
             "notContainsKey", "exists")
_TAG = re.compile(r"^tags(?:\[['\"]?(?P<a>[^\]'\"]+)['\"]?\]|\.(?P<b>.+))$", re.IGNORECASE)
_PARAM = re.compile(r"^parameters\('([^']+)'\)$")


class RuleError(ValueError):
    pass


def resolve(value, parameters):
    """A rule value with ``[parameters('x')]`` / ``[concat(...)]`` expressions replaced."""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]") and not value.startswith("[["):
        return _expr(value[1:-1].strip(), parameters)
    if isinstance(value, list):
        return [resolve(v, parameters) for v in value]
    return value


def _expr(text, parameters):
    m = _PARAM.match(text)
    if m:
        if m.group(1) not in parameters:
            raise RuleError("The policy parameter '{}' is not defined.".format(m.group(1)))
        return parameters[m.group(1)]
    if text.lower().startswith("concat(") and text.endswith(")"):
        parts = [p.strip() for p in re.findall(r"'[^']*'|parameters\('[^']+'\)", text[7:-1])]
        return "".join(p[1:-1] if p.startswith("'") else str(_expr(p, parameters)) for p in parts)
    raise RuleError("The policy expression '[{}]' is not supported by the fake.".format(text))


def _walk(obj, path):
    """Every value at ``path`` (dotted, ``[*]`` for each element); [] when absent."""
    values = [obj]
    for part in path.split("."):
        star = part.endswith("[*]")
        key = part[:-3] if star else part
        nxt = []
        for v in values:
            if isinstance(v, dict):
                found = next((v[k] for k in v if k.lower() == key.lower()), None)
                if found is None:
                    continue
                if star:
                    nxt.extend(found if isinstance(found, list) else [])
                else:
                    nxt.append(found)
        values = nxt
    return values


def field_values(content, field):
    """The values of ``field`` in a resource's content: [] when the field is absent."""
    low = field.lower()
    if low in ("name", "type", "location", "kind", "id"):
        return [content[low]] if content.get(low) is not None else []
    if low == "tags":
        return [content.get("tags")] if content.get("tags") is not None else []
    m = _TAG.match(field)
    if m:
        tag = (m.group("a") or m.group("b")).lower()
        tags = content.get("tags") or {}
        return [v for k, v in tags.items() if k.lower() == tag]
    if low not in ALIASES:
        raise RuleError("The policy alias '{}' is not known to the fake.".format(field))
    return _walk(content, ALIASES[low])


def _text(v):
    return str(v).lower() if not isinstance(v, bool) else str(v).lower()


def _compare(op, got, want):
    if op == "exists":
        return bool(got) == (str(want).lower() == "true")
    if not got:  # an absent field: only the negative operators hold (Learn: a missing field is not equal)
        return op in ("notEquals", "notLike", "notIn", "notContains", "notContainsKey")
    results = []
    for g in got:
        if op in ("equals", "notEquals"):
            r = _text(g) == _text(want)
        elif op in ("like", "notLike"):
            r = fnmatch.fnmatchcase(_text(g), _text(want))
        elif op in ("in", "notIn"):
            r = _text(g) in [_text(w) for w in want or []]
        elif op in ("contains", "notContains"):
            r = _text(want) in _text(g)
        else:  # containsKey
            r = isinstance(g, dict) and _text(want) in [k.lower() for k in g]
        results.append(r if not op.startswith("not") else not r)
    return all(results) if op.startswith("not") else any(results)


def evaluate(condition, content, parameters):
    """True when ``condition`` holds for the resource content (``then`` applies)."""
    if "allOf" in condition:
        return all(evaluate(c, content, parameters) for c in condition["allOf"])
    if "anyOf" in condition:
        return any(evaluate(c, content, parameters) for c in condition["anyOf"])
    if "not" in condition:
        return not evaluate(condition["not"], content, parameters)
    field, op = _field_and_operator(condition, parameters)
    return _compare(op, field_values(content, field), resolve(condition[op], parameters))


def validate(rule, parameters):
    """Refuse a rule the evaluator cannot run (at assignment time, not at the first request it meets)."""
    if not isinstance(rule, dict) or "if" not in rule or "then" not in rule:
        raise RuleError("A policy rule needs 'if' and 'then'.")
    _check(rule["if"], parameters)
    effect = str(resolve(rule["then"].get("effect"), parameters) or "")
    if effect.lower() not in ("deny", "audit", "disabled"):
        raise RuleError("The fake models the effects Deny, Audit and Disabled, not '{}'.".format(effect))


def _check(condition, parameters):
    for key in ("allOf", "anyOf"):
        if key in condition:
            for c in condition[key]:
                _check(c, parameters)
            return
    if "not" in condition:
        _check(condition["not"], parameters)
        return
    field, op = _field_and_operator(condition, parameters)
    field_values({}, field)  # an unknown alias raises
    resolve(condition[op], parameters)


def _field_and_operator(condition, parameters):
    """The field a leaf condition reads (parameters resolved) and its one operator, or RuleError."""
    field = resolve(condition.get("field"), parameters)
    if not field:
        raise RuleError("A policy condition needs 'field' (the fake does not model 'value' or 'count').")
    ops = [k for k in condition if k != "field"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        raise RuleError("The policy condition {} has no supported operator.".format(condition))
    return field, ops[0]
