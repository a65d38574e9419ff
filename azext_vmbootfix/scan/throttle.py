"""Bounded concurrency that backs off on 429, and the request counts of a scan.

* :class:`Limiter` lets at most ``limit`` candidates be worked on at once. A 429 halves the limit (never
  below 1) and pauses every new start until the server's wait is over; each run of successes as long as
  the limit raises it by one again, up to the ``--max-concurrency`` the user gave.
* :class:`Watch` is an azure-core pipeline policy placed after the retry policy (``per_retry_policies``), so
  it sees every attempt, the ones the SDK retries included: it counts them by kind and tells the limiter
  about each 429. The SDK's own retry honours ``Retry-After`` for the request that was throttled.
* Resource Graph's quota headers: ``x-ms-user-quota-remaining`` (int) and ``x-ms-user-quota-resets-after``
  (``hh:mm:ss``) come with every query answer (Learn, "Guidance for throttled requests in Azure Resource
  Graph"); :meth:`Watch.graph_wait` is how long to wait before the next query.
"""
import email.utils
import threading
import time

from azure.core.pipeline.policies import SansIOHTTPPolicy

DEFAULT_WAIT = 5.0  # when a 429 names no wait (Learn's example window is 5 s)
MAX_WAIT = 120.0


def parse_hms(value):
    """``hh:mm:ss`` (``x-ms-user-quota-resets-after``) -> seconds, or None."""
    try:
        parts = [float(p) for p in str(value).strip().split(":")]
    except (TypeError, ValueError):
        return None
    if len(parts) != 3 or any(p < 0 for p in parts):
        return None
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def parse_retry_after(value, now=None):
    """``Retry-After``: seconds, or an HTTP date -> seconds from now; None when absent or unreadable."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def wait_of(headers):
    """How long a throttled answer asks the caller to wait (seconds), from its headers."""
    get = headers.get
    wait = parse_retry_after(get("Retry-After"))
    if wait is None:
        ms = get("retry-after-ms") or get("x-ms-retry-after-ms")
        wait = float(ms) / 1000.0 if ms and str(ms).replace(".", "", 1).isdigit() else None
    if wait is None:
        wait = parse_hms(get("x-ms-user-quota-resets-after"))
    return min(MAX_WAIT, DEFAULT_WAIT if wait is None else wait)


class Limiter:
    def __init__(self, limit, clock=time.monotonic):
        self.ceiling = max(1, int(limit))
        self.limit = self.ceiling
        self.active = 0
        self.pause_until = 0.0
        self.throttles = 0
        self._streak = 0
        self._clock = clock
        self._cond = threading.Condition()

    def acquire(self):
        with self._cond:
            while True:
                wait = self.pause_until - self._clock()
                if wait > 0:
                    self._cond.wait(timeout=wait)
                    continue
                if self.active < self.limit:
                    self.active += 1
                    return
                self._cond.wait(timeout=1.0)

    def release(self):
        with self._cond:
            self.active -= 1
            self._streak += 1
            if self._streak >= self.limit and self.limit < self.ceiling:
                self.limit += 1
                self._streak = 0
            self._cond.notify_all()

    def throttled(self, wait):
        with self._cond:
            self.throttles += 1
            self._streak = 0
            self.limit = max(1, self.limit // 2)
            self.pause_until = max(self.pause_until, self._clock() + wait)
            self._cond.notify_all()


class Watch(SansIOHTTPPolicy):
    """Counts every attempt by kind (``graph`` for Resource Graph, else ``arm``) and reports 429s."""

    def __init__(self, limiter=None, clock=time.monotonic):
        super().__init__()
        self.limiter = limiter
        self.counts = {"graph": 0, "arm": 0, "throttled": 0}
        self._clock = clock
        self._lock = threading.Lock()
        self._graph_ready_at = 0.0

    def on_response(self, request, response):
        url = request.http_request.url or ""
        kind = "graph" if "/providers/microsoft.resourcegraph/" in url.lower() else "arm"
        headers = response.http_response.headers
        status = response.http_response.status_code
        with self._lock:
            self.counts[kind] += 1
            if kind == "graph":
                self._note_quota(headers)
            if status == 429:
                self.counts["throttled"] += 1
        if status == 429 and self.limiter is not None:
            self.limiter.throttled(wait_of(headers))

    def _note_quota(self, headers):
        remaining = headers.get("x-ms-user-quota-remaining")
        resets = parse_hms(headers.get("x-ms-user-quota-resets-after"))
        try:
            exhausted = remaining is not None and int(remaining) <= 0
        except ValueError:
            exhausted = False
        if exhausted and resets is not None:  # hh:mm:ss is rounded: half a second more to be sure
            self._graph_ready_at = max(self._graph_ready_at, self._clock() + min(resets + 0.5, MAX_WAIT))

    def graph_wait(self):
        """Seconds to wait before the next Resource Graph query (0 while the quota lasts)."""
        with self._lock:
            return max(0.0, self._graph_ready_at - self._clock())
