"""Microsoft.Authorization over HTTP: locks at every scope and the caller's permissions.

Status codes (azure-mgmt-resource locks 2016-09-01, from azure-rest-api-specs): PUT 201 created / 200 updated;
GET 200; DELETE 200 when a lock went, 204 when there was none; lists ``{"value": [...]}``. The scope is
everything before ``/providers/Microsoft.Authorization/`` (the CLI sends an empty parent path for a
top-level resource, i.e. ``.../providers/Microsoft.Compute//virtualMachines/vm``, which ARM reads as one
slash).
"""
import re

from ..core.responses import BaseResponse, Reply

_AUTH = re.compile(r"/providers/microsoft\.authorization/", re.IGNORECASE)


def scope_of(path):
    matches = list(_AUTH.finditer(path))
    scope = path[: matches[-1].start()] if matches else path
    return re.sub(r"/{2,}", "/", scope).rstrip("/")


class AuthorizationResponse(BaseResponse):
    @property
    def backend(self):
        return self.cloud.authorization

    @property
    def scope(self):
        return scope_of(self.ctx.path)

    def put_lock(self):
        lock, created = self.backend.put_lock(self.scope, self.param("lockName"), self.json_body())
        return self.ok(lock.to_json(), status=201 if created else 200)

    def get_lock(self):
        return self.ok(self.backend.get_lock(self.scope, self.param("lockName")).to_json())

    def delete_lock(self):
        return Reply(200 if self.backend.delete_lock(self.scope, self.param("lockName")) else 204)

    def list_locks(self):
        flt = (self.query.get("$filter") or "").replace(" ", "").lower()
        locks = self.backend.list_locks(self.scope, at_scope="atscope()" in flt)
        name = re.search(r"name\s+eq\s+'([^']*)'", self.query.get("$filter") or "", re.IGNORECASE)
        if name:
            locks = [lk for lk in locks if lk.name.lower() == name.group(1).lower()]
        return self.list_of([lk.to_json() for lk in locks])

    def list_permissions(self):
        self.backend.check_scope(self.scope)
        entries = self.backend.permissions_at(self.scope)
        if (self.ctx.api_version or "") < "2018":
            entries = [{"actions": e["actions"], "notActions": e["notActions"]} for e in entries]
        return self.list_of(entries)
