"""Fault injection and throttling, driven by the control API (``/_fake/faults``).

A rule matches requests by HTTP method and a regular expression on the path (case-insensitive, searched,
not anchored) and acts on the Nth match (1-based) for ``count`` matches (``count: 0`` means forever):

- ``error``: answer with ``status`` and an ARM error body (``code``, ``message``) instead of serving it, with a
  ``Retry-After`` header when ``retryAfter`` (seconds) is given.
- ``throttle``: answer 429 ``TooManyRequests`` with an integer ``Retry-After`` (``retryAfter``, default 1).
- ``deny``: answer 403 ``AuthorizationFailed`` as ARM does when the caller lacks ``action``.
- ``lro-fail``: serve the request; the operation it starts ends ``Failed`` (``code``, ``message``), no effect.
  Only requests that start a long-running operation count (``nth`` is the Nth matching request that starts one):
  a GET, or a PUT answered at once, has no operation to fail.
- ``delay``: serve the request; the operation it starts takes ``seconds`` longer.
- ``drop``: close the connection without answering (a network fault); in-process it raises ConnectionError.

``skipPolls: true`` (any kind but ``lro-fail``, which counts only requests that start an operation anyway): a
poll of a long-running operation (a GET of its ``Azure-AsyncOperation`` or ``Location`` URL) is neither counted
nor acted on. On a profile where operations take time the number of polls depends on how long each operation
takes and on the client's pace, so "the Nth request" moves; "the Nth request that is not a poll" stays where it
was, and a sweep can place a fault at every request of a clean run whatever the durations.

Rules are plain dicts so that scenarios and tests can carry them as data. Every time a rule acts, the
injector's ``log`` gets an entry ``{rule, kind, method, path}`` (``rule`` is the rule's index in the order it
was added), so a test can tell a fault that took effect from one that never matched.
"""
import re
import threading

from . import errors

KINDS = ("error", "throttle", "deny", "lro-fail", "delay", "drop")


class FaultRule:
    def __init__(self, spec):
        self.spec = dict(spec)
        kind = spec.get("kind", "error")
        if kind not in KINDS:
            raise ValueError("unknown fault kind {!r}; one of {}".format(kind, ", ".join(KINDS)))
        self.kind = kind
        self.method = (spec.get("method") or "*").upper()
        self.path = re.compile(spec.get("path") or ".*", re.IGNORECASE)
        self.nth = int(spec.get("nth", 1))
        self.count = int(spec.get("count", 1))
        self.skip_polls = bool(spec.get("skipPolls", False))
        if self.nth < 1 or self.count < 0:
            raise ValueError("nth must be >= 1 and count >= 0")
        self.seen = 0
        self.fired = 0
        self.index = None  # set by FaultInjector.add

    def matches(self, method, path):
        return (self.method in ("*", method.upper())) and bool(self.path.search(path))

    def take(self, method, path, poll=False):
        """Count a matching request; return True when this request is one the rule acts on. ``poll``: the request
        polls an operation (not counted by a ``skipPolls`` rule)."""
        if not self.matches(method, path) or (poll and self.skip_polls):
            return False
        self.seen += 1
        if self.seen < self.nth:
            return False
        if self.count and self.fired >= self.count:
            return False
        self.fired += 1
        return True

    def exhausted(self):
        return bool(self.count) and self.fired >= self.count

    def error(self):
        s = self.spec
        if self.kind == "throttle":
            retry = int(s.get("retryAfter", 1))
            return errors.TooManyRequests(
                s.get("message") or "The request is being throttled as the limit has been reached for "
                                    "operation type - {}. For more information, see - "
                                    "https://aka.ms/requestthrottling".format(s.get("operation", "Read")),
                headers={"Retry-After": str(retry)})
        if self.kind == "deny":
            return errors.AuthorizationFailed(
                "The client '{}' with object id '{}' does not have authorization to perform action '{}' "
                "over scope '{}' or the scope is invalid. If access was recently granted, please refresh "
                "your credentials.".format(s.get("client", "fake-client"), s.get("objectId", "fake-object"),
                                           s.get("action", "*"), s.get("scope", "/")))
        status = int(s.get("status", 500 if self.kind == "error" else 0) or 500)
        code = s.get("code") or ("InternalExecutionError" if self.kind == "lro-fail" else
                                 "InternalServerError" if status >= 500 else "BadRequest")
        message = s.get("message") or "An internal execution error occurred. (injected fault)"
        headers = {"Retry-After": str(int(s["retryAfter"]))} if "retryAfter" in s and self.kind == "error" else None
        return errors.ArmError(message, code=code, status=status, headers=headers)

    def describe(self):
        d = dict(self.spec)
        d.update(seen=self.seen, fired=self.fired)
        return d


class FaultInjector:
    def __init__(self):
        self._rules = []
        self._lock = threading.Lock()
        self.log = []  # every firing, oldest first: {"rule", "kind", "method", "path"}

    def add(self, spec):
        rule = FaultRule(spec)
        with self._lock:
            rule.index = len(self._rules)
            self._rules.append(rule)
        return rule

    def clear(self):
        """Drop the rules and the log."""
        with self._lock:
            self._rules.clear()
            self.log.clear()

    def _fired(self, rule, method, path):
        self.log.append({"rule": rule.index, "kind": rule.kind, "method": method.upper(), "path": path})

    def has_kind(self, kind):
        return any(rule.kind == kind for rule in self._rules)

    def list(self):
        return [r.describe() for r in self._rules]

    def denies(self, method, path):
        """Whether an active ``deny`` rule covers ``method path`` (a look only: nothing is counted)."""
        with self._lock:
            return any(r.kind == "deny" and r.matches(method, path) and not r.exhausted() and
                       r.seen + 1 >= r.nth for r in self._rules)

    def before_request(self, method, path, poll=False):
        """Return the rules that act on this request (at most one of each kind; ``lro-fail`` rules are
        counted by :meth:`on_operation_start` instead). ``poll``: the request polls an operation."""
        acting = []
        with self._lock:
            kinds = set()
            for rule in self._rules:
                if rule.kind in kinds or rule.kind == "lro-fail":
                    continue
                if rule.take(method, path, poll):
                    acting.append(rule)
                    kinds.add(rule.kind)
                    self._fired(rule, method, path)
        return acting

    def on_operation_start(self, method, path):
        """The request ``method path`` starts a long-running operation: the ``lro-fail`` rule that fails it,
        or None. Call it at most once per request."""
        with self._lock:
            for rule in self._rules:
                if rule.kind == "lro-fail" and rule.take(method, path):
                    self._fired(rule, method, path)
                    return rule
        return None
