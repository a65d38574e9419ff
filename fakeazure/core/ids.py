"""Azure resource ids: parse, build and compare (ARM compares ids case-insensitively)."""
import re

_ID_RE = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)(?:/resourceGroups/(?P<rg>[^/]+))?"
    r"(?:/providers/(?P<ns>[^/]+)/(?P<rest>.+))?$", re.IGNORECASE)


def resource_id(sub, rg, namespace, *type_name_pairs):
    """resource_id(sub, rg, 'Microsoft.Compute', 'virtualMachines', 'vm1', 'runCommands', 'rc')."""
    parts = ["/subscriptions", sub]
    if rg is not None:
        parts += ["resourceGroups", rg]
    if namespace:
        parts += ["providers", namespace]
        parts += list(type_name_pairs)
    return "/".join(parts)


def parse(rid):
    """Return a dict: subscription, resource_group, namespace, type (e.g. 'virtualMachines' or
    'galleries/images/versions'), name (last name), names (all names), or None if not an id."""
    m = _ID_RE.match(rid or "")
    if not m:
        return None
    out = {"subscription": m.group("sub"), "resource_group": m.group("rg"),
           "namespace": m.group("ns"), "type": None, "name": None, "names": []}
    rest = m.group("rest")
    if rest:
        segs = rest.split("/")
        types, names = segs[0::2], segs[1::2]
        out["type"] = "/".join(types)
        out["names"] = names
        out["name"] = names[-1] if names and len(names) == len(types) else None
    return out


def key(rid):
    """The dictionary key of a resource id (ARM ids are case-insensitive)."""
    return rid.lower().rstrip("/")


def same(a, b):
    return bool(a) and bool(b) and key(a) == key(b)


def under(child, parent):
    """True when scope ``child`` is ``parent`` or lies below it (ids compare case-insensitively)."""
    c, p = key(child), key(parent)
    return c == p or c.startswith(p + "/")


def full_type(namespace, rtype):
    return "{}/{}".format(namespace, rtype)
