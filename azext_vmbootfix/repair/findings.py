"""One pre-flight check's result: ``{check, status, detail, recommendation, error}``.

``error`` names the azclierror class a failure is reported as (:func:`.preflight.refuse`): ForbiddenError for
what Azure would answer 403 (RBAC, policy), ResourceNotFoundError for a missing VM, ValidationError for the rest
(locks, quota, sizes, the VM's make-up, the image).
"""

ERROR_TYPES = ("ValidationError", "ForbiddenError", "ResourceNotFoundError")


def passed(check, detail):
    return {"check": check, "status": "passed", "detail": detail, "recommendation": None, "error": None}


def failed(check, detail, recommendation, error="ValidationError"):
    if error not in ERROR_TYPES:
        raise ValueError(error)
    return {"check": check, "status": "failed", "detail": detail, "recommendation": recommendation, "error": error}


def warning(check, detail, recommendation=None):
    """A check Azure would not answer (e.g. 403 on the read itself): reported, never blocking."""
    return {"check": check, "status": "warning", "detail": detail, "recommendation": recommendation, "error": None}


def error_text(exc):
    """An SDK error as ``Code: message`` (first line)."""
    code = getattr(getattr(exc, "error", None), "code", None)
    message = getattr(getattr(exc, "error", None), "message", None) or getattr(exc, "message", None) or str(exc)
    message = str(message).split("\n")[0][:300]
    return "{}: {}".format(code, message) if code else message


def split_id(rid):
    """Parts of an ARM id: subscription, resource_group, namespace, types [..], names [..] (None when absent)."""
    parts = [p for p in (rid or "").split("/") if p]
    low = [p.lower() for p in parts]
    out = {"subscription": None, "resource_group": None, "namespace": None, "types": [], "names": []}
    if "subscriptions" in low:
        out["subscription"] = parts[low.index("subscriptions") + 1]
    if "resourcegroups" in low:
        out["resource_group"] = parts[low.index("resourcegroups") + 1]
    if "providers" in low:
        i = len(low) - 1 - low[::-1].index("providers")
        out["namespace"] = parts[i + 1] if len(parts) > i + 1 else None
        rest = parts[i + 2:]
        out["types"], out["names"] = rest[0::2], rest[1::2]
    return out


def resource_type(rid):
    """``Microsoft.Compute/galleries/images/versions`` for a gallery image version id, and so on."""
    p = split_id(rid)
    if not p["namespace"]:
        return "Microsoft.Resources/subscriptions/resourceGroups" if p["resource_group"] else \
            "Microsoft.Resources/subscriptions"
    return "/".join([p["namespace"]] + p["types"])


def short(rid):
    """A resource id as a reader wants it in a message: ``type/name`` under its group."""
    p = split_id(rid)
    if not p["namespace"]:
        return "resource group {}".format(p["resource_group"]) if p["resource_group"] else \
            "subscription {}".format(p["subscription"])
    return "{} {}".format(p["types"][-1] if p["types"] else p["namespace"], "/".join(p["names"]))
