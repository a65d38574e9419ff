"""The resource groups a recording presupposes (see :mod:`.arrange`): azure-cli's ``ResourceGroupPreparer``
creates the test's group before the recorder starts, so a cassette uses a group it never created."""
import json
import re
from urllib.parse import urlsplit

from .cassettes import parse_json

_GROUP = re.compile(r"^/subscriptions/([^/]+)/resourcegroups/([^/]+)(/.*)?$", re.IGNORECASE)


def creates(ex):
    """True when the exchange made its resource (a PUT Azure answered 201, or with no status kept);
    a PUT answered 200 updated one that was there before."""
    return ex.method == "PUT" and ex.status in (201, 202, None)


def group_of(path):
    """``(subscription, group, rest)`` of a path inside a resource group, or None."""
    m = _GROUP.match(path)
    return (m.group(1), m.group(2), (m.group(3) or "").strip("/")) if m else None


def presupposed_groups(exchanges):
    """``[(subscription, group, body)]`` of the groups used before or without being created; ``body`` is
    the PUT that makes them as Azure reported them."""
    first_use, seen = {}, {}
    for ex in exchanges:
        found = group_of(urlsplit(ex.url).path)
        if not found:
            continue
        sub, group, rest = found
        key = (sub.lower(), group.lower())
        first_use.setdefault(key, (ex, rest, sub, group))
        known = seen.setdefault(key, {})
        body = ex.json() if not rest and ex.method == "GET" else None
        if isinstance(body, dict) and body.get("location") and "group" not in known:
            known["group"] = {"location": body["location"], **({"tags": body["tags"]} if body.get("tags") else {})}
        if ex.method == "PUT" and rest and "resource" not in known:
            sent = parse_json(ex.body)
            if isinstance(sent, dict) and isinstance(sent.get("location"), str):
                known["resource"] = {"location": sent["location"]}
    out = []
    for key, (first, rest, sub, group) in first_use.items():
        if not rest and creates(first):
            continue  # the recording creates the group itself
        known = seen.get(key, {})
        out.append((sub, group, known.get("group") or known.get("resource") or {"location": "westus"}))
    for sub, group in _groups_in_answers(exchanges):
        if (sub.lower(), group.lower()) not in first_use:  # named only in Azure's answers: the preparer made it
            first_use[(sub.lower(), group.lower())] = None
            out.append((sub, group, {"location": "westus"}))
    return out


_ID_GROUP = re.compile(r'"/subscriptions/([0-9a-fA-F-]{36})/resourceGroups/([^/"]+)', re.IGNORECASE)


def _groups_in_answers(exchanges):
    """Groups whose ids Azure's answers name outside a list (a deployment's ``validatedResources`` naming a
    nested deployment's group), in order; list answers (``value: [...]``) are left out, as they may show other
    tests' groups of the recorder's subscription."""
    found = []
    for ex in exchanges:
        body = ex.json()
        if not isinstance(body, dict) or isinstance(body.get("value"), list):
            continue
        for sub, group in _ID_GROUP.findall(json.dumps(body)):
            if (sub, group) not in found:
                found.append((sub, group))
    return found
