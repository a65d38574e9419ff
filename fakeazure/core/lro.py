"""Long-running operations as ARM does them.

An operation is started by a backend method with the effect it has when it finishes. Its status is
served at ``.../providers/<ns>/locations/<loc>/<kind>/<id>`` (the ``Azure-AsyncOperation`` URL) and the same
URL with ``&monitor=true`` is the ``Location`` URL. Completion is lazy: every request first calls
:meth:`OperationStore.tick`, which finishes the operations whose due time has passed on the cloud's clock,
in the order they fell due, each with its due time as its ``endTime``.

How long an operation takes is the time Azure takes for that resource type and operation
(:class:`fakeazure.core.timing.Timing`, the table ``fakeazure/durations.yaml``), unless the cloud's profile
fixes one duration for all (``lro_seconds``) or makes them instant. On a virtual clock time passes where a
client waits: a poll of an operation still in progress stands for the wait between two polls, and moves the
clock by the profile's ``poll_seconds`` before it is answered (:meth:`OperationStore.waited`).

Status document (shared/fidelity/vm-power-lro.yaml): ``{"startTime", "status": "InProgress", "name"}``;
when finished ``endTime`` is added and status becomes ``Succeeded`` (or ``Failed``/``Canceled`` with
``error``). Disk operations put the resource in ``properties.output``; run command puts its result there too.
The Location URL answers 202 while running, then 200 with the operation's result body (empty for power
actions), or the error status and body when it failed.
"""
import uuid

from .clock import iso
from .errors import ArmError


class Operation:
    final_status = 200  # what the Location URL answers when the operation ends with no body (a move: 204)
    always_due = False  # a run that moves on at every tick (a deployment's), rather than once at its due time
    clock = None        # the store's clock (set by OperationStore): effects see the operation's end as now

    def __init__(self, op_id, subscription, namespace, location, kind, started, due, on_success,
                 on_failure=None, result_in_status=False, name=None, activity=None):
        self.id = op_id
        self.subscription = subscription
        self.namespace = namespace
        self.location = location
        self.kind = kind
        self.started = started
        self.due = due
        self.ended = None
        self.status = "InProgress"
        self.error = None
        self.output = None  # body returned by the Location URL / properties.output
        self.result_in_status = result_in_status
        self.name = name or op_id
        self._on_success = on_success
        self._on_failure = on_failure
        self.fail_with = None  # an ArmError injected by a fault
        self.activity = activity  # (resource type, operation) the duration was looked up by, e.g. ('...', 'delete')

    @property
    def done(self):
        return self.status != "InProgress"

    def finish(self, now):
        """End the operation at ``now`` (its due time when the clock has passed it): its effect runs."""
        if self.done:
            return
        self.ended = now
        if self.clock is not None:
            with self.clock.at(now):
                self._settle()
        else:
            self._settle()

    def _settle(self):
        if self.fail_with is None:
            try:
                self.output = self._on_success() if self._on_success else None
                self.status = "Succeeded"
                return
            except ArmError as exc:  # the effect itself failed (e.g. a conflict discovered at the end)
                self.fail_with = exc
        self.status = "Failed"
        self.error = self.fail_with
        if self._on_failure:
            self._on_failure(self.fail_with)

    def finish_due(self, now):
        """Called by :meth:`OperationStore.tick` once the clock (at ``now``) has passed the due time: the
        operation ends at its due time. (A deployment's run, always due, advances to ``now`` instead.)"""
        self.finish(min(self.due, now))

    def cancel(self, now, error=None):
        """End the operation ``Canceled`` without its effect (a managed Run Command replaced or deleted)."""
        if self.done:
            return
        self.ended = now
        self.status = "Canceled"
        self.error = error

    def status_document(self):
        doc = {"startTime": iso(self.started)}
        if self.ended is not None:
            doc["endTime"] = iso(self.ended)
        doc["status"] = self.status
        if self.error is not None:
            doc["error"] = self.error.to_dict()
        if self.status == "Succeeded" and self.result_in_status and self.output is not None:
            doc["properties"] = {"output": self.output}
        doc["name"] = self.name
        return doc

    def path(self):
        if self.namespace is None:  # ARM's own operations: /subscriptions/{s}/operationresults/{id}
            return "/subscriptions/{}/{}/{}".format(self.subscription, self.kind, self.id)
        return "/subscriptions/{}/providers/{}/locations/{}/{}/{}".format(
            self.subscription, self.namespace, self.location, self.kind, self.id)


class OperationStore:
    """All operations of one fake cloud, timed by the cloud's profile: ``timing`` (how long each kind of
    operation takes, :class:`fakeazure.core.timing.Timing`), ``duration`` (one duration for every operation,
    overriding ``timing`` when not None), ``retry_after`` (the ``Retry-After`` the fake sends) and
    ``poll_seconds`` (how far a poll moves a virtual clock)."""

    def __init__(self, clock, duration=None, retry_after=0, timing=None, poll_seconds=0.0):
        self.clock = clock
        self.duration = duration
        self.timing = timing
        self.retry_after = retry_after
        self.poll_seconds = float(poll_seconds or 0)
        self.extra_delay = 0.0  # added by a 'delay' fault
        self._ops = {}
        self._running = {}  # the operations not yet seen done (a subset of _ops, so that tick stays cheap)
        self.pending_failures = []  # callables(op) -> ArmError|None, from faults

    def seconds(self, activity, plus=0.0):
        """How long an operation doing ``activity`` (resource type, operation) takes in this profile, ``plus``
        the time its own work adds (a script's run time) where the profile keeps Azure's time."""
        if self.duration is not None:
            return float(self.duration)
        if self.timing is None or activity is None:
            return 0.0
        return self.timing.seconds(*activity) + plus

    def start(self, subscription, namespace, location, kind="operations", on_success=None,
              on_failure=None, duration=None, result_in_status=False, match_info=None, activity=None):
        """Start an operation. ``activity`` is ``(resource type, operation)``, e.g.
        ``("Microsoft.Compute/virtualMachines", "create")``: it names the row of the durations table; an
        explicit ``duration`` (seconds) wins over it."""
        now = self.clock.now()
        dur = self.seconds(activity) if duration is None else duration
        op = Operation(str(uuid.uuid4()), subscription, namespace, location.replace(" ", "").lower(), kind,
                       now, now + dur + self.extra_delay, on_success, on_failure, result_in_status,
                       activity=activity)
        op.clock = self.clock
        for hook in list(self.pending_failures):
            err = hook(op, match_info or {})
            if err is not None:
                op.fail_with = err
                break
        self._ops[op.id.lower()] = op
        self._running[op.id.lower()] = op
        if op.due <= now:
            # no duration (the instant profile, or an operation Azure does at once): the work is done now,
            # the first poll sees the end
            op.finish(now)
        return op

    def start_following(self, first, subscription, namespace, location, kind):
        """An operation for a repeated request (a DELETE while a delete runs): it ends when ``first`` does, as it
        does, and has no effect of its own."""
        def outcome():
            if first.status == "Failed" and first.error is not None:
                raise first.error
            return None

        return self.start(subscription, namespace, location, kind=kind, on_success=outcome,
                          duration=max(0.0, first.due - self.clock.now()), activity=first.activity)

    def add(self, op):
        """Keep an operation made elsewhere (a deployment's run, which advances on every tick)."""
        self._ops[op.id.lower()] = op
        self._running[op.id.lower()] = op
        return op

    def get(self, op_id):
        return self._ops.get(op_id.lower())

    def is_poll(self, method, path):
        """Whether ``method path`` polls one of these operations (its Azure-AsyncOperation or Location URL: both
        end with the operation's id; the query is not part of ``path``)."""
        return method.upper() == "GET" and self.get(path.rstrip("/").rsplit("/", 1)[-1]) is not None

    def tick(self):
        """Finish every operation whose due time has passed, in the order they fell due, each at its due
        time; then move on the runs that are always due (deployments), which may start operations of their
        own, until nothing more falls due."""
        now = self.clock.now()
        seen = set()
        while True:
            for key in [k for k, op in self._running.items() if op.done]:
                del self._running[key]
            due = sorted((op for op in self._running.values()
                          if not op.always_due and op.due <= now and op.id not in seen), key=lambda o: o.due)
            for op in due:
                seen.add(op.id)
                op.finish_due(now)
            for run in [op for op in self._running.values() if op.always_due and not op.done]:
                run.finish_due(now)
            if not due:
                break

    def waited(self, op):
        """A client polls ``op``: on a virtual clock, when it is still in progress, the client's wait since its
        last look (``poll_seconds``, the Retry-After Azure gives) passes before the answer."""
        if op is None or op.done or not self.poll_seconds or not getattr(self.clock, "virtual", False):
            return
        self.clock.advance(self.poll_seconds)
        self.tick()

    def pending(self):
        return [op for op in self._running.values() if not op.done]

    def finish_all(self):
        """Finish every pending operation now (used by the control API and in-process tests)."""
        now = self.clock.now()
        for _ in range(100):  # a finished operation may start others (a deployment's next resources)
            pending = self.pending()
            if not pending:
                break
            for op in pending:
                op.finish(now)

    def headers(self, op, base_url, api_version):
        """Azure-AsyncOperation, Location and Retry-After for ``op``, shaped as the recordings show them:
        ``...?p=<partition>&api-version=...`` and the Location with ``&monitor=true`` before the api-version
        (shared/fidelity/vm-power-lro.yaml). ARM's own operations (namespace None) answer on Location only."""
        if op.namespace is None:
            return {"Location": "{}{}?api-version={}".format(base_url, op.path(), api_version),
                    "Retry-After": str(int(self.retry_after))}
        partition = uuid.uuid5(uuid.NAMESPACE_URL, "{}/{}".format(op.namespace, op.location))
        head = "{}{}?p={}".format(base_url, op.path(), partition)
        return {"Azure-AsyncOperation": "{}&api-version={}".format(head, api_version),
                "Location": "{}&monitor=true&api-version={}".format(head, api_version),
                "Retry-After": str(int(self.retry_after))}

    def clear(self):
        self._ops.clear()
        self._running.clear()
        self.pending_failures.clear()
        self.extra_delay = 0.0
