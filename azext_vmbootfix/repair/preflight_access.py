"""Pre-flight: the caller's permissions and the management locks, against the actions the plan's steps declare.

Permissions: ``GET {scope}/providers/Microsoft.Authorization/permissions`` lists one entry per role the caller
holds at the scope or above (``actions``/``notActions``). An action is allowed when one entry has an action
pattern matching it and no notActions pattern of *that same entry* matching it; ``*`` matches any characters,
``/`` included, case-insensitively (Learn, "Understand Azure role definitions": Actions, NotActions, wildcard
permissions). Deny assignments are not in this list (Learn): a deny is only seen when Azure refuses.

The group's permissions are read first; a scope inside the group whose actions they already allow is not read
again (permissions at a scope include every assignment above it). Scopes elsewhere (an image or a subnet in
another group or subscription) are read at their own scope.

Locks (Learn, "Lock your resources to protect your infrastructure"): a lock applies to its scope and everything
below it; ``CanNotDelete`` blocks deletes, ``ReadOnly`` blocks deletes, writes and POST actions. What the plan
deletes or writes at VM scope is checked against locks on the VM, its group and its subscription; what it
creates in the group, against locks on the group and the subscription. Two list calls at the group (its
locks and its resources'; with ``$filter=atScope()`` the ones it inherits) cover them, with the rights a role
at the group gives (a subscription-wide list would need them on the subscription).
"""
import re

from azure.core.exceptions import HttpResponseError

from azext_vmbootfix.repair import actions as A
from azext_vmbootfix.repair.findings import error_text, failed, passed, resource_type, short, split_id, warning


def matches(pattern, action):
    """ARM's wildcard match of one permission pattern against one action (case-insensitive)."""
    regex = "^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$"
    return re.match(regex, action, re.IGNORECASE) is not None


def allowed(entries, action):
    for entry in entries:
        if any(matches(a, action) for a in entry.get("actions") or []) and \
                not any(matches(n, action) for n in entry.get("notActions") or []):
            return True
    return False


def scope_ids(target):
    """{scope name: [resource ids]} for the scopes of :data:`actions.SCOPES`."""
    facts = target.facts
    out = {"vm": [facts["id"]], "group": [target.group_id], "os_disk": [facts["osDiskId"]] if facts.get("osDiskId")
           else [], "nics": list(facts.get("nicIds") or []), "image": [], "subnet": []}
    if target.image.get("id"):
        out["image"] = [target.image["id"]]
    return out


def _subnet_id(clients, target):
    from azext_vmbootfix.repair.rescue import NETWORK_API
    nics = target.facts.get("nicIds") or []
    if not nics:
        return None
    nic = clients.resources.resources.get_by_id(nics[0], NETWORK_API)
    configs = (nic.properties or {}).get("ipConfigurations") or []
    primary = next((c for c in configs if (c.get("properties") or {}).get("primary")), configs[0] if configs else {})
    return ((primary.get("properties") or {}).get("subnet") or {}).get("id")


def _read_permissions(clients, scope):
    p = split_id(scope)
    client = clients.authorization(p["subscription"])
    if p["namespace"]:
        parent = "/".join("{}/{}".format(t, n) for t, n in zip(p["types"][:-1], p["names"][:-1]))
        pages = client.permissions.list_for_resource(p["resource_group"], p["namespace"], parent, p["types"][-1],
                                                     p["names"][-1])
    else:
        pages = client.permissions.list_for_resource_group(p["resource_group"])
    return [{"actions": list(e.actions or []), "notActions": list(e.not_actions or [])} for e in pages]


def _inside(child, parent):
    c, p = child.lower().rstrip("/"), parent.lower().rstrip("/")
    return c == p or c.startswith(p + "/")


def permissions(clients, target, needed):
    """One finding: every action ``needed`` ({scope: {action: [steps]}}) is allowed at its scope."""
    ids = scope_ids(target)
    problems = []
    if "subnet" in needed:
        try:
            subnet = _subnet_id(clients, target)
        except HttpResponseError as exc:
            problems.append(warning("permissions", "could not read the VM's NIC to find its subnet ({})".format(
                error_text(exc))))
            subnet = None
        ids["subnet"] = [subnet] if subnet else []
    cache = {}

    def entries_at(scope):
        if scope.lower() not in cache:
            try:
                cache[scope.lower()] = _read_permissions(clients, scope)
            except HttpResponseError as exc:
                cache[scope.lower()] = exc
        if isinstance(cache[scope.lower()], Exception):
            raise cache[scope.lower()]
        return cache[scope.lower()]

    try:
        group_entries = entries_at(target.group_id)
    except HttpResponseError as exc:
        if getattr(exc, "status_code", None) != 403:
            return [warning("permissions", "could not read the caller's permissions on {} ({}); they are not "
                                           "checked".format(short(target.group_id), error_text(exc)))]
        group_entries = []  # no role on the group: each action is judged at its own scope
    missing = []  # (action, scope id, steps)
    checked = 0
    for scope_name in A.SCOPES:
        for action, steps in (needed.get(scope_name) or {}).items():
            for scope in ids.get(scope_name) or []:
                full = action if "/" in action else "{}/{}".format(resource_type(scope), action)
                checked += 1
                if _inside(scope, target.group_id) and allowed(group_entries, full):
                    continue
                try:
                    if allowed(entries_at(scope), full):
                        continue
                except HttpResponseError as exc:
                    if getattr(exc, "status_code", None) != 403:
                        problems.append(warning("permissions", "could not read the caller's permissions on {} ({}); "
                                                               "'{}' is not checked".format(short(scope),
                                                                                            error_text(exc), full)))
                        continue
                    # 403: not even Microsoft.Authorization/permissions/read there, which every role (Reader
                    # included) grants: the caller holds no role on that scope
                missing.append((full, scope, steps))
    if missing:
        lines = ["'{}' on {} (step {})".format(action, short(scope), ", ".join(steps)) for action, scope, steps in
                 missing]
        problems.append(failed(
            "permissions", "the signed-in identity lacks {} permission{} the plan needs: {}".format(
                len(missing), "" if len(missing) == 1 else "s", "; ".join(lines)),
            "Ask for a role granting them (Virtual Machine Contributor on the group covers the Compute actions; "
            "the network join actions need Network Contributor or a custom role), then run the command again; "
            "`az role assignment list --assignee <you> --all -o table` shows what you hold.",
            error="ForbiddenError"))
    elif not any(f["status"] == "warning" for f in problems):
        problems.append(passed("permissions", "the signed-in identity may perform all {} actions the plan needs "
                                              "({} scope{} read)".format(checked, len(cache),
                                                                       "" if len(cache) == 1 else "s")))
    return problems


# -- locks ----------------------------------------------------------------------------------------------------
_LOCKS = "/providers/microsoft.authorization/locks/"


def _lock_scope(lock_id):
    low = lock_id.lower()
    return lock_id[: low.rindex(_LOCKS)] if _LOCKS in low else lock_id


def locks(clients, target, needed):
    """One finding: no lock blocks what the plan writes or deletes at VM and group scope."""
    try:  # the group's own and its resources' locks, then the ones it inherits (atScope: the group and above)
        ops = clients.locks.management_locks
        found = {lk.id.lower(): lk for lk in ops.list_at_resource_group_level(target.resource_group)}
        found.update({lk.id.lower(): lk for lk in ops.list_at_resource_group_level(target.resource_group,
                                                                                   filter="atScope()")})
        found = list(found.values())
    except HttpResponseError as exc:
        return [warning("locks", "could not list the management locks of {} ({}); they are not checked".format(
            target.resource_group, error_text(exc)))]
    targets = {"vm": target.facts["id"], "group": target.group_id}
    blocked = []  # (lock, what, steps)
    for scope_name, scope in targets.items():
        verbs = {}
        for action, steps in (needed.get(scope_name) or {}).items():
            verb = A.verb(action)
            if verb != "read":
                verbs.setdefault(verb, set()).update(steps)
        for lock in found:
            lock_scope = _lock_scope(lock.id)
            if not _inside(scope, lock_scope):
                continue
            level = str(getattr(lock.level, "value", lock.level))
            for verb, steps in sorted(verbs.items()):
                if verb == "delete" or level == "ReadOnly":
                    blocked.append((lock, level, lock_scope, verb, scope_name, sorted(steps)))
    if not blocked:
        return [passed("locks", "no lock on the subscription, the group or the VM blocks the plan ({} lock{} "
                                "seen)".format(len(found), "" if len(found) == 1 else "s"))]
    seen, lines, recommendations = set(), [], []
    for lock, level, lock_scope, verb, scope_name, steps in blocked:
        what = {"vm": "the VM {}".format(target.facts["name"]), "group": "new resources in {}".format(
            target.resource_group)}[scope_name]
        lines.append("the {} lock '{}' on {} blocks {} of {} (step {})".format(
            level, lock.name, short(lock_scope), {"delete": "deletes", "write": "writes",
                                                 "action": "actions (start, deallocate, ...)"}[verb],
            what, ", ".join(steps)))
        if lock.id.lower() not in seen:
            seen.add(lock.id.lower())
            recommendations.append("Remove the lock '{}' for the repair and put it back afterwards: "
                                   "az lock delete --ids {}".format(lock.name, lock.id))
    return [failed("locks", "; ".join(lines), " ".join(recommendations))]
