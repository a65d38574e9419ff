"""Operations still in flight when a run stopped: what ``resume`` and ``rollback`` observe and wait for.

A run killed (or failed on a poll) while Azure was deleting or creating the VM, copying a disk or deallocating
leaves that operation running. Sending the request again meets Azure's refusal for a resource that is busy, or
worse, a step that looks at a resource half made draws the wrong conclusion (a VM still ``Creating`` has no OS
disk yet; a VM still ``Deleting`` looks like the original one). So before the engine walks the plan again
(:func:`settle`), it waits until none of the run's resources is in a transitional state:

- ``provisioningState`` ``Creating``, ``Updating``, ``Deleting`` (and ARM's ``Accepted``), read for every
  resource of the group with one ARM list (``$expand=provisioningState``: Learn, "Resources - List By Resource
  Group"), kept to the run's own: tagged with its run id, or named in its journal (the VM, its disks and NICs);
- a VM's power state ``starting``, ``stopping``, ``deallocating`` (its instance view).

Whatever it did not see (a child resource such as an extension) is caught when Azure refuses a request because
another operation is in progress (:func:`conflict_wait`): 409 ``OperationNotAllowed`` "... since another
operation is in progress." / "... is marked for deletion ... (or wait for an ongoing one to complete)" (Learn,
"Understand common error messages when you manage virtual machines in Azure"), 409 ``Conflict`` "The request
failed due to conflict with a concurrent request.", 409 ``OperationPreempted``. The engine then waits the
``Retry-After`` the answer gave (:data:`DEFAULT_WAIT_SECONDS` when it gave none, as Compute's 409s do), settles,
and runs the step again (steps are idempotent and observe first). Network answers its own ``429
AnotherOperationInProgress`` with ``Retry-After``, which the SDK's retry policy already honours.

Compute's 409s carry no ``Retry-After`` (shared recordings, errors.yaml); one that did would be retried first by
azure-core's RetryPolicy, which retries any answer >= 400 with ``Retry-After`` (sleeping), before the engine sees
it. Not verified: that ARM's listing shows a resource's transitional state as soon as its provider does (no
recording of a list during an operation); where it lags, the refusal above catches what the listing missed.

Both waits are bounded (:data:`SETTLE_LIMIT_SECONDS`, :data:`CONFLICT_LIMIT_SECONDS`); past the bound the run
stops with :class:`StillInFlight`, which names what is still busy and what to do.
"""
import email.utils
import time

from azext_vmbootfix.repair.recreate import RUN_TAG, StepFailed

TRANSITIONAL = ("creating", "updating", "deleting", "accepted", "migrating")
POWER_TRANSITIONAL = ("powerstate/starting", "powerstate/stopping", "powerstate/deallocating")
POLL_SECONDS = 10               # between two looks at a busy resource (Compute's first Retry-After, 10 s)
DEFAULT_WAIT_SECONDS = 10       # after a refusal that names no Retry-After
MAX_WAIT_SECONDS = 120          # one wait, whatever Retry-After says
SETTLE_LIMIT_SECONDS = 1800     # a gallery version takes ~6 min, a VM create ~1.5; 30 min is well past both
CONFLICT_LIMIT_SECONDS = 1800
# a step stopped inside (killed: running/undoing) or failed (a failed poll leaves its operation running); a step
# waiting for a person is not: it raised WaitingForUser once its operations were over
INTERRUPTED = ("running", "failed", "undoing", "undo-failed")
_BUSY_WORDS = ("another operation is in progress", "conflict with a concurrent request",
               "wait for an ongoing one to complete", "preempted by a more recent operation")
_BUSY_CODES = ("operationnotallowed", "conflict", "operationpreempted", "anotheroperationinprogress")


class StillInFlight(StepFailed):
    """Azure kept an operation of the run going longer than the bound."""


def interrupted(journal):
    """Whether an earlier run of this journal stopped inside a step (killed or failed): only then can one of its
    operations still be in flight."""
    return any(row["state"] in INTERRUPTED for row in journal.steps)


def _ours(ctx):
    """Lower-cased ids and names the journal knows as the run's (besides what carries the run's tag)."""
    known = {(ctx.vm_name or "").lower()}
    facts = ctx.facts or {}
    for rid in [facts.get("osDiskId")] + list(facts.get("nicIds") or []) + list(facts.get("dataDiskIds") or []):
        if rid:
            known.add(rid.lower())
    original = (ctx.journal.data.get("original") or {}).get("properties") or {}
    for disk in ((original.get("storageProfile") or {}).get("dataDisks") or []):
        rid = (disk.get("managedDisk") or {}).get("id")
        if rid:
            known.add(rid.lower())
    return known


def busy(ctx):
    """The run's resources with an operation in flight, as ``"<type>/<name> (<state>)"`` (empty: none)."""
    from azure.core.exceptions import HttpResponseError
    if ctx.resources is None:  # a context with no generic ARM client (no way to list): the refusals still count
        return []
    out = []
    known = _ours(ctx)
    vms = set()
    try:
        listed = list(ctx.resources.resources.list_by_resource_group(ctx.resource_group,
                                                                     expand="provisioningState"))
    except HttpResponseError as exc:
        if getattr(exc, "status_code", None) != 403:
            raise
        # no .../resourceGroups/resources/read: the VM is still looked at, and a refusal because another
        # operation is in progress is still waited out (conflict_wait)
        ctx.progress("cannot list {} to see what is still in flight ({}); going on".format(
            ctx.resource_group, getattr(getattr(exc, "error", None), "code", None) or exc.status_code))
        listed, vms = [], {ctx.vm_name}
    for res in listed:
        mine = (res.tags or {}).get(RUN_TAG) == ctx.run_id or (res.id or "").lower() in known
        rtype = (res.type or "").rsplit("/", 1)[-1]
        if rtype.lower() == "virtualmachines" and (mine or (res.name or "").lower() == ctx.vm_name.lower()):
            vms.add(res.name)
            mine = True
        state = (getattr(res, "provisioning_state", None) or "").lower()
        if mine and state in TRANSITIONAL:
            out.append("{}/{} ({})".format(rtype, res.name, res.provisioning_state))
    for name in sorted(vms):
        if any(name in b for b in out):
            continue  # already busy: its power state adds nothing
        out += _power_busy(ctx, name)
    return out


def _power_busy(ctx, name):
    from azure.core.exceptions import ResourceNotFoundError
    try:
        view = ctx.compute.virtual_machines.instance_view(ctx.resource_group, name)
    except ResourceNotFoundError:
        return []
    codes = [(s.code or "") for s in view.statuses or []]
    return ["virtualMachines/{} ({})".format(name, c.split("/", 1)[1]) for c in codes
            if c.lower() in POWER_TRANSITIONAL or (c.lower().startswith("provisioningstate/") and
                                                   c.split("/", 1)[1].lower() in TRANSITIONAL)]


def settle(ctx, limit=None):
    """Wait until none of the run's resources has an operation in flight; StillInFlight past ``limit`` seconds
    (:data:`SETTLE_LIMIT_SECONDS`). Returns the seconds it waited."""
    limit = SETTLE_LIMIT_SECONDS if limit is None else limit
    waited = 0
    while True:
        pending = busy(ctx)
        if not pending:
            return waited
        if waited >= limit:
            raise StillInFlight(
                "after {} s Azure still has operations in flight on {}".format(waited, ", ".join(pending)),
                "Wait until they end (az resource show ... --query properties.provisioningState), then run "
                "`az vm boot-fix resume -g {0} -n {1}` (or rollback) again.".format(ctx.resource_group,
                                                                                   ctx.vm_name))
        ctx.progress("waiting for an operation still in flight: {}".format(", ".join(pending)))
        ctx.sleep(POLL_SECONDS)
        waited += POLL_SECONDS


def conflict_wait(exc):
    """Seconds to wait before trying again when ``exc`` is Azure's refusal because another operation is in
    progress on the resource (its ``Retry-After``, else :data:`DEFAULT_WAIT_SECONDS`); None for anything else."""
    response = getattr(exc, "response", None)
    status = getattr(exc, "status_code", None) or getattr(response, "status_code", None)
    if status not in (409, 429):
        return None
    error = getattr(exc, "error", None)
    code = (getattr(error, "code", None) or "").lower()
    text = (getattr(error, "message", None) or getattr(exc, "message", None) or str(exc)).lower()
    if code not in _BUSY_CODES or not any(w in text for w in _BUSY_WORDS + ("another operation on this",)):
        return None
    headers = getattr(response, "headers", None) or {}
    return retry_after(headers.get("Retry-After"))


def retry_after(value, now=None):
    """``Retry-After`` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) as seconds to wait, at least 1 and at
    most :data:`MAX_WAIT_SECONDS`; :data:`DEFAULT_WAIT_SECONDS` when absent or unreadable."""
    if value is None or str(value).strip() == "":
        return DEFAULT_WAIT_SECONDS
    value = str(value).strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return DEFAULT_WAIT_SECONDS
        seconds = when - (now if now is not None else time.time())
    return min(MAX_WAIT_SECONDS, max(1, int(seconds + 0.999)))
