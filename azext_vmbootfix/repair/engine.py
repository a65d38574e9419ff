"""The repair engine: a plan (an ordered list of steps, see :mod:`.recreate`) applied step by step, with a
write-ahead journal (:mod:`.journal`). Terraform's plan/apply shape: :func:`new_plan` is data that
``--dry-run`` prints and saves (:mod:`.plan`); ``apply`` walks it; ``resume`` walks it again (each step first
observes whether its effect is already there); ``rollback`` walks the undos in reverse.

Independent long-running operations overlap: a step may leave operations in flight (:meth:`Context.start`);
its row stays ``running`` (with ``inFlight``: what was started) and the engine moves on. Before each step it
waits for every operation still in flight, except those of the earlier steps the step names in its
``overlaps`` (it touches none of their resources); at the end of the run it waits for all. Only then is the
row ``done``: a crash meanwhile leaves it ``running``, and a resume observes it again (``done``) as for any
step that was running. Waiting is the SDK poller's, which honours Azure's ``Retry-After``.

Only the engine writes the journal. A step returns its outputs (a dict); a value that must be journaled even
if the step fails later goes in ``ctx.step_outputs``. The output ``original`` (record-original's VM model) is
kept at the journal's top level. Every output is scrubbed of secrets first (redact.scrub): what was replaced is
listed in the journal's ``redacted``, and the repair goes on. A journal that cannot be written stops the run
with a :class:`~.journal.JournalError` naming the file.
"""
import time
import uuid

from azext_vmbootfix.redact import scrub
from azext_vmbootfix.repair import carry, inflight
from azext_vmbootfix.repair import plan as P
from azext_vmbootfix.repair import rescue as R
from azext_vmbootfix.repair import recreate as S
from azext_vmbootfix.repair.journal import ACTIVE, Journal, JournalError


from azext_vmbootfix.repair.rescue_base import WaitingForUser  # noqa: E402
from azext_vmbootfix.repair.rescue_nested import NESTED_PATH  # noqa: E402

PATHS = {"recreate": S.RECREATE_PATH, "rescue": R.RESCUE_PATH, "nested": NESTED_PATH}
RESCUE_PATHS = ("rescue", "nested")


def path_steps(path_name):
    """The step classes of a plan: ``recreate`` (article steps 1-4) or ``rescue`` (article steps 5-12)."""
    return PATHS[path_name or "recreate"]


class RepairError(Exception):
    def __init__(self, message, recommendation=None):
        super().__init__(message)
        self.recommendation = recommendation


class Context:
    """What steps need: SDK clients, names, the journal, a clock, progress output, and secrets in memory."""

    def __init__(self, compute, journal, facts=None, admin_username=None, admin_password=None, image_id=None,
                 image_generalized=True, sleep=None, progress=None, boot_timeout=S.BOOT_TIMEOUT_SECONDS,
                 resources=None, clock=None):
        self.compute = compute
        self.resources = resources  # generic ARM client: the rescue VM's NIC (no network SDK in azure-cli)
        self.journal = journal
        self.facts = facts if facts is not None else journal.data.get("facts") or {}  # plan.FACT_KEYS
        self.step_outputs = {}  # what the running step wants journaled even if it fails (see the module doc)
        self.admin_username = admin_username
        self._admin_password = admin_password  # never journaled, never logged
        self.image_id = image_id
        self.image_generalized = image_generalized
        self.sleep = sleep or (lambda seconds: time.sleep(seconds))  # looked up at call time (tests patch it)
        self.clock = clock or time.monotonic  # seconds, the clock ``sleep`` moves
        self.progress = progress or (lambda message: None)
        self.user_resumed = False  # set by `resume` of a run that waits for a person (the nested method)
        self.boot_timeout = boot_timeout
        self.memory = {}  # what the run keeps in memory only (the captured model with its extension secrets)
        self.started = []  # the running step's operations left in flight: (poller, what, then), see start()
        self.in_flight = {}  # step name -> (journal row, outputs, started): settled by the engine
        self.overlap = False  # True while apply() walks the plan: steps may leave operations in flight
        self.resumed_step = False  # the running step may have run before (set by the engine, read by runcommand)
        self.step_name = None      # the step running now (set by the engine)

    def start(self, poller, what, then=None):
        """Leave ``poller`` (an SDK LRO poller) in flight; ``what`` names it in the journal. ``then`` runs once it
        has finished (its result given) and may return more pollers to wait for. Returns the poller. Outside
        :func:`apply` (an undo, a step applied on its own) nothing is left in flight: it is waited for here."""
        if poller is None:
            return None
        if self.overlap:
            self.started.append((poller, what, then))
            return poller
        pending = [(poller, then)]
        while pending:
            waiting, follow = pending.pop(0)
            result = waiting.result()
            pending += [(p, None) for p in (follow(result) if follow else None) or () if p is not None]
        return poller

    @property
    def run_id(self):
        return self.journal.data["runId"]

    @property
    def resource_group(self):
        return self.journal.data["resourceGroup"]

    @property
    def vm_name(self):
        return self.journal.data["vm"]

    @property
    def vm_id(self):
        return self.facts.get("id") or self.vm_name

    def admin_password(self):
        if not self._admin_password:
            raise S.StepFailed("this step needs the admin password (of the recreated VM, or of the answer file "
                               "that finishes OOBE on the rescue path)",
                               "pass --admin-password (it is never written to the journal)")
        return self._admin_password


def new_run_id():
    """A repair run's id: it names the run's resources and tags the VM it creates."""
    return str(uuid.uuid4())


def new_plan(subscription, facts, image, admin_username, path_name="recreate", rescue=None, vm=None):
    """A new run's plan, not yet described (see :func:`describe`): run id, path, parameters, facts and, given
    the VM, its recorded model. ``path_name`` is ``recreate`` (``image`` is the image to recreate from) or
    ``rescue`` (``rescue`` holds :func:`rescue.rescue_params`)."""
    image = image or {}
    params = {"imageId": image.get("id"), "imageName": image.get("name"),
              "imageGeneralized": bool(image.get("generalized")), "adminUsername": admin_username,
              "osDiskId": facts.get("osDiskId"), "nicIds": facts.get("nicIds"), "location": facts["location"]}
    if path_name in RESCUE_PATHS:
        params.update(rescue or {}, generation=facts.get("hyperVGeneration"))
    model, redacted = P.recorded_model(vm) if vm is not None else (None, [])
    return {"runId": new_run_id(), "subscription": subscription, "resourceGroup": facts["resourceGroup"],
            "vm": facts["name"], "path": path_name, "params": params, "facts": P.facts_of(facts), "model": model,
            "redacted": redacted,
            "notCarried": carry.not_carried(model, path_name, osprofile_given=params["imageGeneralized"]) +
            [_secret_not_carried(r) for r in redacted if path_name == "recreate"]}


def _secret_not_carried(redaction):
    """A secret the plan records redacted: lost, except in an extension's settings, which the run that reads the
    VM keeps in memory to re-create the extension (:func:`carry.split_secrets`)."""
    if redaction["path"].startswith("resources["):
        return {"field": redaction["path"], "reason": "a secret ({}): kept out of the plan and the journal; the "
                "run re-creates the extension with it, but a resume in a new process cannot (it is then named in "
                "extensionsNotRecreated)".format(redaction["kind"])}
    return {"field": redaction["path"], "reason": "a secret ({}): redacted from the plan and the journal, so it "
            "cannot be put back".format(redaction["kind"])}


def journal_from_plan(path, plan):
    """The journal of a run of ``plan`` (a new plan or a saved one): same run id, parameters and facts."""
    rows = [{"name": cls.name, "description": cls.description, "article": list(cls.article)}
            for cls in path_steps(plan["path"])]
    return Journal.new(path, plan["runId"], plan["subscription"], plan["resourceGroup"], plan["vm"], plan["path"],
                       rows, plan["params"], facts=plan["facts"], plan_file=plan.get("planFile"))


def new_journal(path, subscription, facts, image, admin_username, path_name="recreate", rescue=None):
    """A journal for a new run: :func:`journal_from_plan` of :func:`new_plan` (a journal holds no VM model: the
    plan's ``model`` and ``notCarried`` are the plan file's)."""
    return journal_from_plan(path, new_plan(subscription, facts, image, admin_username, path_name, rescue))


def context_from_journal(compute, journal, admin_password=None, **kw):
    params = journal.data["params"]
    return Context(compute, journal, journal.data.get("facts") or {}, admin_username=params.get("adminUsername"),
                   admin_password=admin_password, image_id=params.get("imageId"),
                   image_generalized=params.get("imageGeneralized", True), **kw)


def describe(ctx, vm_model=None, not_carried=None):
    """The plan as data, for --dry-run: each step with the article steps it performs and what it reads,
    creates, changes and keeps (resource names); for the recreate path, ``notCarried``: what of ``vm_model``
    (REST shape) the recreated VM will not have (``not_carried`` when the plan already lists it)."""
    params = ctx.journal.data["params"]
    if vm_model is not None:
        ctx.memory["planned"] = vm_model
    out = {"runId": ctx.run_id, "vm": ctx.vm_name, "resourceGroup": ctx.resource_group,
           "path": ctx.journal.data["path"], "image": params.get("imageName"),
           "steps": [dict({"step": i + 1, "name": cls.name, "article": list(cls.article),
                           "description": cls.description}, **cls().plan(ctx))
                     for i, cls in enumerate(path_steps(ctx.journal.data["path"]))]}
    if ctx.journal.data["path"] == "recreate" and vm_model is not None:
        out["notCarried"] = not_carried if not_carried is not None else \
            carry.not_carried(vm_model, osprofile_given=bool(params.get("imageGeneralized")))
    if ctx.journal.data["path"] in RESCUE_PATHS:
        image = params.get("rescueImage") or {}
        out["rescue"] = {"size": params.get("rescueSize"), "brokenVersion": params.get("brokenVersion"),
                         "image": ":".join(image.get(k, "") for k in ("publisher", "offer", "sku", "version"))}
    return out


def _steps(journal):
    return [cls() for cls in path_steps(journal.data["path"])]


def apply(ctx):
    """Walk the plan from wherever the journal says it is. Raises RepairError when a step fails, JournalError
    when the journal cannot be written. A run that an earlier one left inside a step first waits for the
    operations it may have left in flight (:mod:`.inflight`); a step Azure refuses because another operation is
    in progress is run again once that one is over."""
    ctx.overlap = True
    try:
        return _apply(ctx)
    finally:
        ctx.overlap = False


def _apply(ctx):
    journal = ctx.journal
    resuming = inflight.interrupted(journal)
    journal.set_status("applying")
    total = len(journal.steps)
    for index, step in enumerate(_steps(journal), 1):
        row = journal.step(step.name)
        if row["state"] == "done":
            continue
        ctx.step_outputs = {}
        _settle(ctx, keep=getattr(step, "overlaps", ()))
        ctx.step_name = step.name  # Run Commands carry it (runcommand.STEP_TAG)
        ctx.resumed_step = row["state"] != "pending"  # it may have run before: runcommand reads what it left
        try:
            if resuming:  # before the first step it walks again, whatever an earlier run left in flight is over
                resuming = False
                inflight.settle(ctx)
            _until_not_busy(ctx, row, lambda: _apply_step(ctx, step, row, index, total))
        except JournalError:
            raise
        except WaitingForUser as wait:  # a person's turn (the nested method): the run stops here, cleanly
            _settle(ctx)
            record(journal, row, "waiting", dict(ctx.step_outputs, **wait.outputs))
            journal.set_status("waiting-for-user", wait.message)
            ctx.progress(wait.message)
            return journal.summary()
        except Exception as exc:  # every failure is journaled before it is reported
            recommendation = _advice(ctx, exc)
            record(journal, row, "failed", ctx.step_outputs, error=_message(exc))
            _drain(ctx.started)  # what this step started before it failed ends before the run stops
            ctx.started = []
            try:
                _settle(ctx)  # what other steps left in flight ends too, and is journaled
            except RepairError:
                pass  # the first failure is the one reported
            journal.set_status("failed", _message(exc))
            raise RepairError("step {} failed: {}".format(step.name, _message(exc)), recommendation) from exc
    _settle(ctx)
    journal.set_status("succeeded")
    return journal.summary()


def _apply_step(ctx, step, row, index, total):
    """One step: observed done, or applied (its operations possibly left in flight, see Context.start)."""
    journal = ctx.journal
    ctx.step_outputs = {}
    if step.done(ctx):
        record(journal, row, "done", {"reconciled": True})
        ctx.progress("[{}/{}] {}: nothing to do (Azure already shows it done)".format(index, total, step.name))
        return
    record(journal, row, "running")  # write-ahead: the journal says so before Azure is touched
    ctx.progress("[{}/{}] {}: {}".format(index, total, step.name, step.description))
    ctx.started = []
    outputs = dict(ctx.step_outputs, **(step.apply(ctx) or {}))
    if ctx.started:  # done once they are: the row stays running, naming what is in flight
        ctx.in_flight[step.name] = (row, outputs, ctx.started)
        record(journal, row, "running", dict(outputs, inFlight=[what for _, what, _ in ctx.started]))
        ctx.started = []
    else:
        record(journal, row, "done", outputs)


def _until_not_busy(ctx, row, action):
    """``action()``, run again while Azure refuses it because another operation is in progress: each time after
    the wait the refusal asks for (``Retry-After``) and until the run's resources are settled, within
    :data:`inflight.CONFLICT_LIMIT_SECONDS` in all (then the refusal itself is the step's failure)."""
    waited = 0
    while True:
        try:
            return action()
        except (JournalError, WaitingForUser):
            raise
        except Exception as exc:  # pylint: disable=broad-except  (anything else is the caller's to journal)
            wait = inflight.conflict_wait(exc)
            if wait is None or waited + wait > inflight.CONFLICT_LIMIT_SECONDS:
                raise
            ctx.progress("{}: Azure has another operation in progress ({}); trying again in {} s".format(
                row["name"], _message(exc), wait))
            _drain(ctx.started)  # what the refused attempt started ends first
            ctx.started = []
            ctx.sleep(wait)
            waited += wait + inflight.settle(ctx)
            ctx.resumed_step = True  # what it started before the refusal may have run


def _drain(started):
    """Wait for each operation of a failed step, whatever its outcome (the step's failure is the one reported)."""
    for poller, _what, _then in started:
        try:
            poller.result()
        except Exception:  # pylint: disable=broad-except
            pass


def _advice(ctx, exc):
    return getattr(exc, "recommendation", None) or (
        "Resume with `az vm boot-fix resume -g {0} -n {1}` once the cause is fixed, or put the VM back "
        "as it was with `az vm boot-fix rollback -g {0} -n {1}`.".format(ctx.resource_group, ctx.vm_name))


def _settle(ctx, keep=()):
    """Wait for the operations earlier steps left in flight (those of the steps named in ``keep`` excepted), in
    the order they were started, and mark each step done. A failed one marks its step failed; the others are
    still waited for and journaled, then the first failure is raised (RepairError)."""
    first = None
    for name in [n for n in list(ctx.in_flight) if n not in keep]:
        row, outputs, started = ctx.in_flight.pop(name)
        try:
            while started:
                poller, _what, then = started.pop(0)
                result = poller.result()
                more = then(result) if then is not None else None
                started += [(p, "", None) for p in more or () if p is not None]
        except JournalError:
            raise
        except Exception as exc:  # journaled before it is reported, as a step's own failure
            record(ctx.journal, row, "failed", {}, error=_message(exc))
            if first is None:
                first = (name, exc)
            continue
        record(ctx.journal, row, "done", outputs)
    if first is not None:
        name, exc = first
        ctx.journal.set_status("failed", _message(exc))
        raise RepairError("step {} failed: {}".format(name, _message(exc)), _advice(ctx, exc)) from exc


def record(journal, row, state, outputs=None, error=None):
    """The only way steps' results reach the journal: secrets scrubbed (and listed), ``original`` lifted."""
    outputs = dict(outputs or {})
    original = outputs.pop("original", None)
    if original is not None:
        original, found = scrub(original)
        journal.data["original"] = original
        journal.data.setdefault("redacted", []).extend(dict(r, step=row["name"], path="original." + r["path"])
                                                       for r in found)
    outputs, found = scrub(outputs)
    journal.data.setdefault("redacted", []).extend(dict(r, step=row["name"]) for r in found)
    journal.mark(row, state, outputs, error=scrub(error)[0] if error else None)


def rollback(ctx):
    """Undo every step that started, newest first; the original VM comes back from its own disks. As for
    :func:`apply`, operations an interrupted run left in flight are waited for first, and an undo Azure refuses
    because another operation is in progress is tried again once it is over."""
    journal = ctx.journal
    resuming = inflight.interrupted(journal)
    journal.set_status("rolling-back")
    for step in reversed(_steps(journal)):
        row = journal.step(step.name)
        if row["state"] in ("pending", "undone"):
            continue
        ctx.step_name, ctx.resumed_step = step.name, False  # an undo reads afresh and sends its scripts
        try:
            if resuming:
                resuming = False
                inflight.settle(ctx)
            journal.mark(row, "undoing")
            ctx.progress("undo {}".format(step.name))
            _until_not_busy(ctx, row, lambda: step.undo(ctx))
            journal.mark(row, "undone")
        except Exception as exc:
            journal.mark(row, "undo-failed", error=_message(exc))
            journal.set_status("rollback-failed", _message(exc))
            raise RepairError("undoing {} failed: {}".format(step.name, _message(exc)),
                              getattr(exc, "recommendation", None) or
                              "Run `az vm boot-fix rollback -g {} -n {}` again once the cause is fixed; nothing "
                              "the VM owned has been deleted.".format(ctx.resource_group, ctx.vm_name)) from exc
    journal.set_status("rolled-back")
    return journal.summary()


def is_active(journal):
    return journal is not None and journal.status in ACTIVE


def _message(exc):
    text = getattr(exc, "message", None) or str(exc)
    return scrub(text.split("\n")[0][:400])[0]
