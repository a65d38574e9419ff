"""Management locks and permissions (the operations, no HTTP).

Locks: ``{scope}/providers/Microsoft.Authorization/locks/{name}`` at subscription, resource group or resource
scope, level ``CanNotDelete`` or ``ReadOnly`` (api 2016-09-01 body: ``{"properties": {"level", "notes",
"owners"}, "id", "type": "Microsoft.Authorization/locks", "name"}``). What they block, as ARM does:

* delete of a scope when a lock sits on the scope, on any scope above it, or on any resource below it (a
  resource group holding a locked resource cannot be deleted) - any level;
* writes (PUT/PATCH, and POST actions such as VM start/deallocate) on a scope under a ``ReadOnly`` lock;
* never the locks themselves: creating or deleting a lock is always allowed.

Refusal: 409 ``ScopeLocked``, "The scope '<scope>' cannot perform delete operation because following
scope(s) are locked: '<lock scope>'. Please remove the lock and try again." (verbatim from public reports:
Azure/azure-cli#20232, Azure/apiops#606, microsoft/AzureTRE#4664; ``write`` for writes).

Permissions: ``GET {scope}/providers/Microsoft.Authorization/permissions`` lists ``{"actions", "notActions"}``
(+ ``dataActions``/``notDataActions`` from api 2018-01-01-preview on) of the caller at ``scope``: the entries set
with :meth:`AuthorizationBackend.set_permissions` at that scope or above, or ``actions: ["*"]`` when none is set in the
subscription. A ``deny`` fault that names an ``action`` shows up in ``notActions`` so that the permissions
and the 403 the fault produces tell the same story. :meth:`AuthorizationBackend.authorize` checks a request against the
permissions (AuthorizationFailed 403) for callers that want enforcement.
"""
import fnmatch
import re

from ..core import errors, ids
from ..core.backend import BaseBackend

LOCK_LEVELS = ("CanNotDelete", "ReadOnly")
_OPERATION_STATUS = re.compile(r"/providers/[^/]+/locations/[^/]+/\w*operation\w*/", re.IGNORECASE)
_LOCKS_SEGMENT = "/providers/microsoft.authorization/locks"


class ManagementLock:
    def __init__(self, scope, name, level, notes=None, owners=None):
        self.scope = scope.rstrip("/")
        self.name = name
        self.level = level
        self.notes = notes
        self.owners = owners

    @property
    def id(self):
        return "{}/providers/Microsoft.Authorization/locks/{}".format(self.scope, self.name)

    def to_json(self):
        props = {"level": self.level}
        if self.notes is not None:
            props["notes"] = self.notes
        if self.owners:
            props["owners"] = self.owners
        return {"properties": props, "id": self.id, "type": "Microsoft.Authorization/locks", "name": self.name}


def is_lock_id(rid):
    return _LOCKS_SEGMENT in ids.key(rid or "")


class AuthorizationBackend(BaseBackend):
    def __init__(self, cloud):
        super().__init__(cloud)
        self.locks = {}        # key(lock id) -> ManagementLock
        self.permissions = {}  # key(scope) -> (scope, [entry])

    # -- scopes -----------------------------------------------------------------------------------
    def check_scope(self, scope):
        """404 unless ``scope`` (subscription, resource group or resource) exists."""
        p = ids.parse(scope)
        if p is None:
            raise errors.GatewayError("The scope '{}' is not valid.".format(scope), code="InvalidScope",
                                      status=400)
        self.cloud.resources.get_subscription(p["subscription"])
        if p["resource_group"] is None:
            return
        group = self.cloud.resources.get_group(p["subscription"], p["resource_group"])
        if p["namespace"] and self.cloud.find(scope) is None:
            rtype = "{}/{}".format(p["namespace"], p["type"])
            raise errors.ResourceNotFound(rtype, "/".join(p["names"]) or "", group.name)

    # -- locks ------------------------------------------------------------------------------------
    def put_lock(self, scope, name, body):
        self.check_scope(scope)
        props = body.get("properties") or {}
        level = props.get("level")
        if level not in LOCK_LEVELS:
            # code not verified against a recording; the SDK's enum allows NotSpecified, ARM refuses it
            raise errors.GatewayError("The lock level '{}' is not valid. Valid values are 'CanNotDelete' and "
                                      "'ReadOnly'.".format(level), code="LockLevelInvalid", status=400)
        notes = props.get("notes")
        if notes is not None and len(notes) > 512:
            raise errors.GatewayError("The lock notes may have at most 512 characters.",
                                      code="LockNotesTooLong", status=400)
        lock = ManagementLock(scope, name, level, notes, props.get("owners"))
        existing = self.locks.get(ids.key(lock.id))
        if existing is not None:  # keep the scope and name as first written
            existing.level, existing.notes, existing.owners = level, notes, props.get("owners")
            return existing, False
        self.locks[ids.key(lock.id)] = lock
        return lock, True

    def get_lock(self, scope, name):
        self.check_scope(scope)
        lock = self.locks.get(ids.key(ManagementLock(scope, name, None).id))
        if lock is None:
            raise errors.GatewayError("The lock '{}' could not be found.".format(name), code="LockNotFound",
                                      status=404)
        return lock

    def delete_lock(self, scope, name):
        """Returns True when a lock went, False when there was none (ARM: 200 vs 204)."""
        self.check_scope(scope)
        return self.locks.pop(ids.key(ManagementLock(scope, name, None).id), None) is not None

    def list_locks(self, scope, at_scope=False):
        """Locks at ``scope`` and below it; with ``at_scope`` (``$filter=atScope()``) at ``scope`` and above."""
        self.check_scope(scope)
        if at_scope:
            found = [lk for lk in self.locks.values() if ids.under(scope, lk.scope)]
        else:
            found = [lk for lk in self.locks.values() if ids.under(lk.scope, scope)]
        return sorted(found, key=lambda lk: ids.key(lk.id))

    def locks_covering(self, rid):
        return [lk for lk in self.locks.values() if ids.under(rid, lk.scope)]

    # -- what the Cloud calls ---------------------------------------------------------------------
    def check_delete(self, rid):
        if is_lock_id(rid):
            return
        blocking = [lk for lk in self.locks.values() if ids.under(rid, lk.scope) or ids.under(lk.scope, rid)]
        if blocking:
            raise _scope_locked(rid, "delete", blocking)

    def check_write(self, rid):
        if is_lock_id(rid):
            return
        blocking = [lk for lk in self.locks_covering(rid) if lk.level == "ReadOnly"]
        if blocking:
            raise _scope_locked(rid, "write", blocking)

    # -- permissions ------------------------------------------------------------------------------
    def set_permissions(self, scope, actions, not_actions=(), data_actions=(), not_data_actions=()):
        """What the caller may do at ``scope`` (and below). Several calls at one scope add entries."""
        entry = {"actions": list(actions), "notActions": list(not_actions),
                 "dataActions": list(data_actions), "notDataActions": list(not_data_actions)}
        self.permissions.setdefault(ids.key(scope), (scope, []))[1].append(entry)
        return entry

    def assign_role(self, scope, role_name):
        """A role assignment (:mod:`.roles`): the role's actions and notActions at ``scope`` and below."""
        from .roles import role
        _, definition = role(role_name)
        return self.set_permissions(scope, definition["actions"], definition["notActions"])

    def clear_permissions(self, scope=None):
        if scope is None:
            self.permissions.clear()
        else:
            self.permissions.pop(ids.key(scope), None)

    def permissions_at(self, scope, with_faults=True):
        p = ids.parse(scope) or {}
        sub_key = ids.key("/subscriptions/{}".format(p.get("subscription", "")))
        in_sub = [(s, entries) for k, (s, entries) in self.permissions.items() if ids.under(k, sub_key)]
        if in_sub:
            entries = [dict(e) for s, es in in_sub if ids.under(scope, s) for e in es]
        else:
            entries = [{"actions": ["*"], "notActions": [], "dataActions": [], "notDataActions": []}]
        denied = self._denied_actions() if with_faults else []
        if denied:
            for e in entries:
                e["notActions"] = list(e["notActions"]) + [a for a in denied if a not in e["notActions"]]
        return entries

    def _denied_actions(self):
        out = []
        for rule in self.cloud.faults.list():
            count = int(rule.get("count", 1))
            if rule.get("kind") == "deny" and rule.get("action") and (count == 0 or rule["fired"] < count):
                out.append(rule["action"])
        return out

    def allowed(self, scope, action, with_faults=True):
        for e in self.permissions_at(scope, with_faults):
            if any(_match(a, action) for a in e["actions"]) and \
                    not any(_match(n, action) for n in e["notActions"]):
                return True
        return False

    def authorize(self, method, path, client="fake-client", object_id="fake-object", with_faults=True):
        """Raise 403 AuthorizationFailed unless the permissions allow the action ``method path`` needs. The status
        URLs of long-running operations (``.../locations/{l}/operations/{id}`` and the like) are not checked: the
        caller who started the operation polls them whatever its role's scope (a role on a group alone creates
        VMs every day; how ARM authorizes these reads is not documented: fakeazure/UNVERIFIED.md).
        ``with_faults=False`` leaves out the actions ``deny`` faults name (the gateway's own check: a fault
        already refuses the requests its path covers, and only those)."""
        if _OPERATION_STATUS.search(path):
            return
        action, scope = action_for(method, path)
        if action is None or self.allowed(scope, action, with_faults):
            return
        raise errors.AuthorizationFailed(
            "The client '{}' with object id '{}' does not have authorization to perform action '{}' over scope "
            "'{}' or the scope is invalid. If access was recently granted, please refresh your credentials."
            .format(client, object_id, action, scope))

    # -- cross-provider hooks ---------------------------------------------------------------------
    def get_by_id(self, rid):
        return self.locks.get(ids.key(rid or "")) if is_lock_id(rid) else None

    def delete_group_contents(self, sub, rg):
        scope = "/subscriptions/{}/resourceGroups/{}".format(sub, rg)
        for k, lk in list(self.locks.items()):
            if ids.under(lk.scope, scope):
                del self.locks[k]

    def dump(self):
        return {"locks": [lk.to_json() for lk in self.locks.values()],
                "permissions": {s: entries for s, entries in self.permissions.values()}}


def _scope_locked(rid, verb, locks):
    scopes = []
    for lk in sorted(locks, key=lambda x: ids.key(x.scope)):
        if lk.scope not in scopes:
            scopes.append(lk.scope)
    return errors.ScopeLocked("The scope '{}' cannot perform {} operation because following scope(s) are locked: "
                              "'{}'. Please remove the lock and try again."
                              .format(rid, verb, "','".join(scopes)))


def _match(pattern, action):
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def action_for(method, path):
    """The RBAC action a request needs and the scope it acts on, e.g. ('Microsoft.Compute/virtualMachines/
    start/action', '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm')."""
    segs = [s for s in path.split("/") if s]
    low = [s.lower() for s in segs]
    if len(segs) < 2 or low[0] != "subscriptions":
        return None, None
    method = method.upper()
    if "providers" not in low:
        if len(segs) <= 2:
            return "Microsoft.Resources/subscriptions/read", "/" + "/".join(segs)
        rtype = "Microsoft.Resources/subscriptions/resourceGroups"
        scope = "/" + "/".join(segs[:4])
        if len(segs) > 4:  # .../resourceGroups/rg/resources and the like; POST moveResources, exportTemplate
            return rtype + "/" + segs[4] + ("/action" if method == "POST" else "/read"), scope
        return rtype + "/" + _verb(method), scope
    i = len(low) - 1 - low[::-1].index("providers")
    ns = segs[i + 1] if len(segs) > i + 1 else ""
    rest = segs[i + 2:]
    scope_segs = segs[:i]
    types = rest[0::2]
    names = rest[1::2]
    post_read = _POST_READS.get("{}/{}".format(ns, "/".join(types)).lower())
    if method == "POST" and post_read:
        return post_read, "/" + "/".join(scope_segs)
    if method == "POST" and len(types) == len(names) + 1 and len(types) > 1:
        action = "{}/{}/{}/action".format(ns, "/".join(types[:-1]), types[-1])
        return action, "/" + "/".join(scope_segs + [segs[i], ns] + rest[:-1])
    action = "{}/{}/{}".format(ns, "/".join(types), _verb(method))
    return action, "/" + "/".join(scope_segs + ([segs[i], ns] + rest if names else []))


# POST operations ARM authorizes as reads (Learn, "Azure permissions for Management and governance":
# "Microsoft.PolicyInsights/checkPolicyRestrictions/read - Get details about the restrictions that policy will
# enforce on a resource").
_POST_READS = {
    "microsoft.policyinsights/checkpolicyrestrictions": "Microsoft.PolicyInsights/checkPolicyRestrictions/read"}


def _verb(method):
    return {"GET": "read", "HEAD": "read", "PUT": "write", "PATCH": "write", "DELETE": "delete",
            "POST": "action"}.get(method, "read")
