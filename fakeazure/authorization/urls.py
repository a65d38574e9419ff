from .responses import AuthorizationResponse as R

SUB = "/subscriptions/{subscriptionId}"
RG = SUB + "/resourceGroups/{resourceGroupName}"
LOCKS = "Microsoft.Authorization/locks"
PERMS = "Microsoft.Authorization/permissions"

# Scopes a lock or a permissions list can hang on: subscription, group, resource (with the CLI's empty
# parent path), child resource, grandchild resource (a gallery image version).
RESOURCE_SCOPES = [RG + "/providers/{ns}/{type}/{name}",
                   RG + "/providers/{ns}//{type}/{name}",
                   RG + "/providers/{ns}/{ptype}/{pname}/{type}/{name}",
                   RG + "/providers/{ns}/{ptype}/{pname}/{p2type}/{p2name}/{type}/{name}"]
SCOPES = [SUB, RG] + RESOURCE_SCOPES

url_table = []
for _scope in SCOPES:
    _base = _scope + "/providers/Microsoft.Authorization/locks"
    url_table += [("PUT", _base + "/{lockName}", LOCKS, R, "put_lock"),
                  ("GET", _base + "/{lockName}", LOCKS, R, "get_lock"),
                  ("DELETE", _base + "/{lockName}", LOCKS, R, "delete_lock"),
                  ("GET", _base, LOCKS, R, "list_locks")]
for _scope in [RG] + RESOURCE_SCOPES:
    url_table.append(("GET", _scope + "/providers/Microsoft.Authorization/permissions", PERMS, R,
                      "list_permissions"))
