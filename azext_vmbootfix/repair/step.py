"""What every step of every repair plan shares: the :class:`Step` contract, its failure (:class:`StepFailed`),
the run's tags and resource names, and the helpers that read the VM and the recorded model (the recreate path
is :mod:`.recreate`, the rescue paths :mod:`.rescue` and :mod:`.rescue_nested`).

A step observes whether its effect is already there (``done``), makes it (``apply``, idempotent) and can take it
back (``undo``, idempotent). ``apply`` may leave independent long-running operations in flight with
``ctx.start`` (see :mod:`.engine`); a later step that does not touch their resources names the step in its
``overlaps`` and does not wait for them.
"""
import datetime
import itertools

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.core.polling.arm_polling import ARMPolling

from azext_vmbootfix.repair import actions as A
from azext_vmbootfix.repair import keep


RECORD_STEP = "record-original"  # the step whose outputs hold what the VM was (recreate.RecordOriginal)
RUN_TAG = "vmbootfix-run"
ROLE_TAG = "vmbootfix-role"
NIC_RETRY_SECONDS = 10
NIC_RESERVE_SECONDS = 180      # Azure keeps a deleted VM's NICs for it this long (NicReservedForAnotherVm's wording)
NIC_FREE_AT = "nicFreeAt"      # ctx.memory: when (ctx.clock()) this run's VM delete frees the NICs
NIC_RETRY_LIMIT = 24           # 24 x 10 s covers Azure's 180 s NIC reservation with room to spare
BOOT_POLL_SECONDS = 10         # the instance view read as often as Azure's Retry-After (10 s) lets an LRO be polled
FAILED_GRACE_SECONDS = 60      # provisioning Failed and no Ready agent for this long: the boot is not coming
PUBLIC_IP_OPTION = (A.NIC_READ, A.NIC_WRITE, A.PUBLIC_IP_READ, A.PUBLIC_IP_JOIN)  # keep.set_public_ip
DEFAULT_POLL_SECONDS = 30      # azure-core's ARM polling interval when Azure sends no Retry-After
BOOT_TIMEOUT_SECONDS = 900     # Azure gives Windows provisioning up to 40 minutes; 15 is our default wait


class StepFailed(Exception):
    """A step could not make its effect; ``recommendation`` says what the admin can do."""

    def __init__(self, message, recommendation=None):
        super().__init__(message)
        self.recommendation = recommendation


def _code(exc):
    return getattr(getattr(exc, "error", None), "code", None) or ""


def _run8(ctx):
    return ctx.run_id.replace("-", "")[:8]


def _vm_or_none(ctx):
    try:
        return ctx.compute.virtual_machines.get(ctx.resource_group, ctx.vm_name)
    except ResourceNotFoundError:
        return None


def _is_ours(vm, ctx):
    return vm is not None and (vm.tags or {}).get(RUN_TAG) == ctx.run_id


def _original(ctx):
    original = ctx.journal.data.get("original")
    if not original:
        raise StepFailed("the journal has no record of the original VM", "az vm boot-fix rollback")
    return original


def tag_run_disk(ctx, name, role):
    """Tag a disk Azure made for one of the run's VMs (a VM's tags are not copied to the OS disk it creates), so
    that every resource of the run carries the run's tags (rollback.from_tags finds them by these). The update is
    left in flight (nothing the next steps do touches the disk): the engine waits for it."""
    return start(ctx, "tag disk " + name, ctx.compute.disks.begin_update, ctx.resource_group, name,
                 {"tags": {RUN_TAG: ctx.run_id, ROLE_TAG: role}})


def _model(ctx):
    """The captured model: the run's own copy in memory (extension settings with secrets in them), else the
    journal's (those settings replaced by a marker, :func:`carry.split_secrets`)."""
    return ctx.memory.get("original") or _original(ctx)


def _recorded(ctx, key, default=None):
    return (ctx.journal.step(RECORD_STEP)["outputs"] or {}).get(key, default)


def _set_public_ips(ctx, detach, in_flight=False):
    """Every public IP recorded set to Detach (``detach``) or to its original deleteOption: one NIC write each,
    all started before any is waited for; ``in_flight``: left in flight for the engine to wait for."""
    nics, by_nic = _recorded(ctx, "publicIpNics") or {}, {}
    for pip_id, option in (_recorded(ctx, "publicIpDeleteOptions") or {}).items():
        nic = (nics.get(pip_id) or "").lower()
        if nic in by_nic:  # one write at a time on a NIC: the next one reads what the last one wrote
            by_nic.pop(nic).result()
        poller = keep.start_public_ip(ctx.resources, nics.get(pip_id), pip_id, "Detach" if detach else option,
                                      sender=Started if in_flight else None)
        if poller is not None:
            by_nic[nic] = poller
    for poller in by_nic.values():
        if in_flight:
            ctx.start(poller, "NIC write: a public IP's deleteOption")
        else:
            poller.result()


def _wait_nic(ctx, action):
    """Run ``action`` (an Azure call that attaches the VM's NICs), retrying while Azure keeps them reserved, every
    :data:`NIC_RETRY_SECONDS`. When this run deleted the VM it knows when the reservation ends
    (:func:`note_nic_reservation`): still reserved at the second attempt, it waits until then at once."""
    memory = getattr(ctx, "memory", {})
    for attempt in range(NIC_RETRY_LIMIT + 1):
        try:
            return action()
        except HttpResponseError as exc:
            if _code(exc) != "NicReservedForAnotherVm" or attempt == NIC_RETRY_LIMIT:
                raise
            free_at = memory.pop(NIC_FREE_AT, None) if attempt == 1 else None
            wait = NIC_RETRY_SECONDS
            if free_at is not None and free_at - ctx.clock() > NIC_RETRY_SECONDS:
                wait = round(min(free_at - ctx.clock(), NIC_RESERVE_SECONDS + 1.0), 1)
            ctx.progress("the NIC is still reserved after the VM delete; waiting {} s".format(wait))
            ctx.sleep(wait)
    return None


def note_nic_reservation(ctx, sent, deleted):
    """After the VM delete (sent at ``ctx.clock()`` = ``sent``; ``deleted`` its :class:`Started`): when its NICs are
    free again by this process's clock. Azure reserves them for 180 s from the delete's end (its status
    document's ``endTime``; the wording of ``NicReservedForAnotherVm``); the delete began no earlier than
    ``sent``, so the end is placed ``endTime - startTime`` after it, plus a second for the request's way."""
    times = deleted.times()
    if times is not None:
        ctx.memory[NIC_FREE_AT] = sent + (times[1] - times[0]) + NIC_RESERVE_SECONDS + 1.0


class Step:
    name = ""
    description = ""
    article = ()  # the article's steps (1-12) this step performs; see repair/plan.py ARTICLE_STEPS
    # The RBAC actions apply and undo perform, {scope: (action, ...)} (scopes and names: repair/actions.py).
    # Pre-flight checks the caller's permissions and the locks against them before anything changes.
    actions = {}
    undo_actions = {}

    def plan(self, ctx):
        """What the step reads, creates, changes and keeps (resource ids or names), for the dry run."""
        return {"reads": [], "creates": [], "changes": [], "keeps": []}

    def done(self, ctx):
        raise NotImplementedError

    def apply(self, ctx):
        raise NotImplementedError

    def undo(self, ctx):
        """Take the effect back; the default is a step whose effect is kept on rollback."""
        return None


class _Later(ARMPolling):
    """ARM's polling, not started until :meth:`wait`: the SDK's poller runs a polling method that is not finished
    in a thread of its own at once; this one says it is finished until asked to wait, so that no thread polls
    (and every wait of the run happens in the order the engine asks for it)."""
    _asked = False

    def finished(self):
        return super().finished() if self._asked else True

    def wait(self):
        self._asked = True
        self.run()  # delays by Azure's Retry-After between polls (azure-core's LROBasePolling)
        return self.resource()

    def times(self):
        """``(startTime, endTime)`` in seconds of the operation's last status document, when it has both."""
        try:
            doc = self._pipeline_response.http_response.json()
            return _seconds(doc["startTime"]), _seconds(doc["endTime"])
        except (AttributeError, KeyError, TypeError, ValueError):
            return None


def _seconds(stamp):
    """ARM's timestamp (``2026-04-01T10:20:30.1234567+00:00``, up to 7 decimals) as POSIX seconds."""
    stamp = stamp[:-1] + "+00:00" if stamp.endswith("Z") else stamp
    head, _, rest = stamp.partition(".")
    if not rest:  # no fraction: the zone, if any, is in head
        return datetime.datetime.fromisoformat(head if head[-6] in "+-" else head + "+00:00").timestamp()
    fraction = "".join(itertools.takewhile(str.isdigit, rest))
    when = datetime.datetime.fromisoformat(head + (rest[len(fraction):] or "+00:00"))
    return when.timestamp() + (float("0." + fraction) if fraction else 0.0)


class Started:
    """A long-running operation sent and not waited for; :meth:`result` waits for it (:class:`_Later`)."""

    def __init__(self, begin, *args, **kwargs):
        self._polling = _Later(timeout=polling_interval(begin))
        begin(*args, polling=self._polling, **kwargs)

    def result(self):
        return self._polling.wait()

    def times(self):
        return self._polling.times()


def polling_interval(begin):
    """The wait between two polls when Azure sends no ``Retry-After``: the client's own ``polling_interval``, as
    the SDK's ``begin_*`` methods take it when they make their ARMPolling themselves (``lro_delay =
    kwargs.pop("polling_interval", self._config.polling_interval)``); azure-core's ARM default otherwise."""
    config = getattr(getattr(begin, "__self__", None), "_config", None)
    interval = getattr(config, "polling_interval", None)
    return DEFAULT_POLL_SECONDS if interval is None else interval


def start(ctx, what, begin, *args, **kwargs):
    """Send ``begin(*args, **kwargs)`` (an SDK ``begin_*`` method) and leave it in flight: the engine waits for
    it before the next step that does not name this one in its ``overlaps``, and journals ``what`` meanwhile."""
    return ctx.start(Started(begin, *args, **kwargs), what)
