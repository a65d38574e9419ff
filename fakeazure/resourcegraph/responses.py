"""``POST /providers/Microsoft.ResourceGraph/resources``: parse the QueryRequest, run it, answer with the
QueryResponse and the quota headers (on refusals too)."""
from ..core.responses import BaseResponse, Reply
from . import exceptions


class ResourceGraphResponse(BaseResponse):

    @property
    def backend(self):
        return self.cloud.resourcegraph

    def _caller(self):
        auth = self.ctx.headers.get("Authorization", "")
        claims = self.cloud.identity.verify(auth.partition(" ")[2]) or {}
        return claims.get("oid") or "anonymous"

    def resources(self):
        quota = self.backend.take_quota(self._caller())
        body = self.json_body()
        try:
            answer = self.backend.query(body.get("query"), body.get("subscriptions"), body.get("managementGroups"),
                                        body.get("options") or {})
        except exceptions.GraphError as exc:
            exc.headers.update(quota)
            raise
        return Reply(200, answer, quota)
