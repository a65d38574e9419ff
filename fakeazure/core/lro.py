"""Long-running operations as ARM does them.

An operation is started by a backend method with the effect it has when it finishes. Its status is
served at ``.../providers/<ns>/locations/<loc>/<kind>/<id>`` (the ``Azure-AsyncOperation`` URL) and the same
URL with ``&monitor=true`` is the ``Location`` URL. Completion is lazy: every request first calls
:meth:`OperationStore.tick`, which finishes the operations whose due time has passed on the cloud's clock.

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

    def __init__(self, op_id, subscription, namespace, location, kind, started, due, on_success,
                 on_failure=None, result_in_status=False, name=None):
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

    @property
    def done(self):
        return self.status != "InProgress"

    def finish(self, now):
        if self.done:
            return
        self.ended = now
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
    """All operations of one fake cloud. ``duration`` and ``retry_after`` come from the cloud's profile."""

    def __init__(self, clock, duration=0.0, retry_after=0):
        self.clock = clock
        self.duration = duration
        self.retry_after = retry_after
        self.extra_delay = 0.0  # added by a 'delay' fault
        self._ops = {}
        self.pending_failures = []  # callables(op) -> ArmError|None, from faults

    def start(self, subscription, namespace, location, kind="operations", on_success=None,
              on_failure=None, duration=None, result_in_status=False, match_info=None):
        now = self.clock.now()
        dur = self.duration if duration is None else duration
        op = Operation(str(uuid.uuid4()), subscription, namespace, location.replace(" ", "").lower(), kind,
                       now, now + dur + self.extra_delay, on_success, on_failure, result_in_status)
        for hook in list(self.pending_failures):
            err = hook(op, match_info or {})
            if err is not None:
                op.fail_with = err
                break
        self._ops[op.id.lower()] = op
        if op.due <= now:
            # no duration (the fast profile): the work is done at once, the first poll sees the end
            op.finish(now)
        return op

    def add(self, op):
        """Keep an operation made elsewhere (a deployment's run, which advances on every tick)."""
        self._ops[op.id.lower()] = op
        return op

    def get(self, op_id):
        return self._ops.get(op_id.lower())

    def tick(self):
        now = self.clock.now()
        for op in list(self._ops.values()):
            if not op.done and op.due <= now:
                op.finish(now)

    def pending(self):
        return [op for op in self._ops.values() if not op.done]

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
        self.pending_failures.clear()
        self.extra_delay = 0.0
