"""Resource Graph's behaviour, no HTTP: scopes, the per-user quota, paging by ``$skipToken``.

* Scopes (QueryRequest): ``subscriptions`` -- each must exist and be readable by the caller, else 403
  ``AccessDenied`` for the whole query; ``managementGroups`` -- the fake knows the tenant root group only
  (its id is the tenant id: Azure names the root group after the tenant), any other id is AccessDenied;
  neither -- every subscription the caller can read (Learn: resources the caller cannot read are not
  returned). A subscription is unreadable when an active ``deny`` fault covers its path (the same fault
  refuses its ARM requests with 403 AuthorizationFailed).
* Quota (Learn, "Guidance for throttled requests"): 15 queries per user per 5-second window, counted on the
  cloud's clock; every answer says ``x-ms-user-quota-remaining`` and ``x-ms-user-quota-resets-after``
  (``hh:mm:ss``); a query past the quota is refused with 429 (``RateLimiting``) and the same headers.
* Paging (Learn, "Guidance for pagination"; spec ``QueryRequestOptions``): ``$top`` (1-1000, default 1000)
  rows a page, ``$skip`` rows skipped; when more rows remain the answer has ``$skipToken``, which encodes the
  next offset and the result it pages (the result is kept, as Resource Graph keeps a query's context, so
  the pages of one query do not shift). A query with ``limit``/``take``/``sample``, or whose columns are all
  dynamic, is not paged: ``resultTruncated: "true"`` and no token.
* The data is live (the fake indexes at query time); Azure's own index lags by seconds to minutes.
"""
import base64
import collections
import json
import re
import threading
import uuid

from ..core.backend import BaseBackend
from . import exceptions
from .engine import QueryError, Snapshot

QUOTA = 15
WINDOW = 5.0
MAX_TOP = 1000
KEPT_RESULTS = 4
_UNPAGEABLE = re.compile(r"\|\s*(limit|take|sample)\b", re.IGNORECASE)


def hms(seconds):
    seconds = max(0, int(round(seconds)))
    return "{:02d}:{:02d}:{:02d}".format(seconds // 3600, seconds // 60 % 60, seconds % 60)


class Result:
    def __init__(self, columns, rows, pageable):
        self.id = uuid.uuid4().hex
        self.columns = columns
        self.rows = rows
        self.pageable = pageable


class ResourceGraphBackend(BaseBackend):
    """Holds no ARM resources of its own: it indexes the other providers' (``graph_rows``)."""

    def __init__(self, cloud):
        super().__init__(cloud)
        self._windows = {}  # caller -> (window start, queries in it)
        self._results = collections.OrderedDict()
        self._lock = threading.Lock()

    # -- quota ------------------------------------------------------------------------------------
    def take_quota(self, caller):
        """Count one query; return its quota headers, or raise 429 past the quota."""
        now = self.cloud.clock.now()
        with self._lock:
            start, used = self._windows.get(caller, (now, 0))
            if now - start >= WINDOW:
                start, used = now, 0
            resets = hms(start + WINDOW - now)
            if used >= QUOTA:
                raise exceptions.rate_limited(now, {"x-ms-user-quota-remaining": "0",
                                                    "x-ms-user-quota-resets-after": resets})
            used += 1
            self._windows[caller] = (start, used)
        return {"x-ms-user-quota-remaining": str(QUOTA - used), "x-ms-user-quota-resets-after": resets}

    # -- scopes -----------------------------------------------------------------------------------
    def readable(self, sub):
        return not self.cloud.faults.denies("GET", "/subscriptions/{}/resources".format(sub))

    def scope(self, subscriptions, management_groups):
        now = self.cloud.clock.now()
        known = self.cloud.resources.subscriptions
        if subscriptions:
            subs = [str(s).lower() for s in subscriptions]
            if any(s not in known or not self.readable(s) for s in subs):
                raise exceptions.access_denied(now)
            return set(subs)
        if management_groups:
            tenant = self.cloud.identity.tenant_id.lower()
            if any(str(m).lower() != tenant for m in management_groups):
                raise exceptions.access_denied(now)
        return {s for s in known if self.readable(s)}

    # -- queries ----------------------------------------------------------------------------------
    def query(self, query, subscriptions=None, management_groups=None, options=None):
        """Return the answer body (``totalRecords, count, data, facets, resultTruncated, $skipToken``)."""
        now = self.cloud.clock.now()
        options = options or {}
        if not isinstance(query, str) or not query.strip():
            raise exceptions.bad_request(now, "The query is required.")
        top = options.get("$top", MAX_TOP)
        skip = options.get("$skip", 0)
        if not isinstance(top, int) or not 1 <= top <= MAX_TOP or not isinstance(skip, int) or skip < 0:
            raise exceptions.bad_request(now, "$top must be between 1 and {} and $skip at least 0.".format(MAX_TOP))
        token = options.get("$skipToken")
        result, offset = (self._result_of(token), self._offset_of(token)) if token else (None, skip)
        if result is None:  # a new query, or one whose kept result has been dropped: run it again
            result = self._run(query, self.scope(subscriptions, management_groups))
        rows = result.rows[offset:offset + top]
        body = {}
        more = result.pageable and offset + top < len(result.rows)
        if more:
            body["$skipToken"] = _token(result.id, offset + top)
        body.update(count=len(rows), data=self._format(result, rows, options.get("resultFormat", "objectArray")),
                    facets=[], resultTruncated="true" if not result.pageable and len(rows) < len(result.rows)
                    else "false", totalRecords=len(result.rows))
        return body

    def _run(self, query, subs):
        resources, containers = [], []
        for backend in self.cloud.provider_backends():
            rows = getattr(backend, "graph_rows", None)
            if rows is not None:
                resources.extend(rows(subs))
        for sub in subs:
            s = self.cloud.resources.subscriptions[sub]
            containers.append({"id": "/subscriptions/{}".format(s.subscription_id), "name": s.display_name,
                               "type": "microsoft.resources/subscriptions", "subscriptionId": s.subscription_id,
                               "tenantId": self.cloud.identity.tenant_id, "properties": {"state": s.state}})
            for group in self.cloud.resources.list_groups(s.subscription_id):
                containers.append({"id": group.id, "name": group.name,
                                   "type": "microsoft.resources/subscriptions/resourcegroups",
                                   "location": group.location, "resourceGroup": group.name.lower(),
                                   "subscriptionId": s.subscription_id, "tenantId": self.cloud.identity.tenant_id,
                                   "tags": group.tags, "properties": {"provisioningState": "Succeeded"}})
        snapshot = Snapshot(resources, containers)
        del resources, containers
        try:
            columns, rows = snapshot.run(query)
        except QueryError as exc:
            raise exceptions.invalid_query(self.cloud.clock.now(), str(exc))
        finally:
            snapshot.close()
        pageable = not _UNPAGEABLE.search(query) and any(kind != "object" for _, kind in columns)
        result = Result(columns, rows, pageable)
        with self._lock:
            self._results[result.id] = result
            while len(self._results) > KEPT_RESULTS:
                self._results.popitem(last=False)
        return result

    def _decode(self, token):
        try:
            data = json.loads(base64.b64decode(str(token).encode()).decode())
            return str(data["r"]), int(data["o"])
        except (ValueError, KeyError, TypeError):
            raise exceptions.bad_request(self.cloud.clock.now(), "The $skipToken is invalid.")

    def _result_of(self, token):
        with self._lock:
            return self._results.get(self._decode(token)[0])

    def _offset_of(self, token):
        return self._decode(token)[1]

    @staticmethod
    def _format(result, rows, fmt):
        names = [n for n, _ in result.columns]
        if str(fmt).lower() == "table":
            return {"columns": [{"name": n, "type": k} for n, k in result.columns], "rows": rows}
        return [dict(zip(names, row)) for row in rows]

    def dump(self):
        return {"keptResults": len(self._results)}


def _token(result_id, offset):
    return base64.b64encode(json.dumps({"r": result_id, "o": offset}).encode()).decode()
