"""The commands on a run that exists: ``resume``, ``rollback`` (from the journal, or from the run's tags when
the journal file is gone: :mod:`.tagged`) and ``journal``. ``repair`` itself is in :mod:`.cli`."""
# pylint: disable=protected-access  (the helpers the repair commands share live in cli.py)
from knack.log import get_logger

from azext_vmbootfix.repair import cli as C
from azext_vmbootfix.repair import engine

logger = get_logger(__name__)


def journal_target(ctx, compute, undo):
    """Pre-flight's view of a run in its journal: the steps still to run (or, with ``undo``, to undo)."""
    from azext_vmbootfix.repair import preflight
    journal = ctx.journal
    states = {s["name"]: s["state"] for s in journal.steps}
    steps = engine.path_steps(journal.data["path"])
    steps = [c for c in steps if states.get(c.name) not in ("pending", "undone")] if undo else \
        [c for c in steps if states.get(c.name) != "done"]
    params = journal.data["params"]
    image = {"id": params.get("imageId"), "name": params.get("imageName")} if params.get("imageId") else None
    return preflight.Target(ctx, ctx.facts, steps, undo=undo, image=image)


def resume(cmd, resource_group_name, vm_name, admin_password=None):
    resource_group = resource_group_name
    err = C._errors()
    journal = C._load(cmd, resource_group, vm_name)
    if not engine.is_active(journal) or journal.status in ("rolling-back", "rollback-failed"):
        raise err.InvalidArgumentValueError(
            "There is no repair of {} to resume ({}).".format(vm_name, journal.status if journal else "no journal"),
            recommendation="az vm boot-fix journal -g {} -n {}".format(resource_group, vm_name))
    compute, _ = C._clients(cmd)
    ctx = engine.context_from_journal(compute, journal, progress=C._progress, resources=C._resources(cmd))
    from azext_vmbootfix.repair import preflight
    preflight.refuse(preflight.resume_checks(C._preflight_clients(cmd, compute),
                                             journal_target(ctx, compute, undo=False)), "The resume")
    pending = [s["name"] for s in journal.steps if s["state"] != "done"]
    if "recreate-from-image" in pending and journal.data["params"].get("imageGeneralized"):
        ctx._admin_password = C._password(admin_password, True)  # pylint: disable=protected-access
    if "finish-setup" in pending:
        ctx._admin_password = C._password(admin_password, True, rescue=True)  # pylint: disable=protected-access
    if "create-rescue-vm" in pending and journal.data["path"] == "nested":
        ctx._admin_password = C._password(admin_password, True, nested=True)  # pylint: disable=protected-access
    ctx.user_resumed = journal.status == "waiting-for-user"  # the person says the nested VM's OOBE is done
    return C._run(lambda: engine.apply(ctx), ctx)


def rollback(cmd, resource_group_name, vm_name, yes=False):
    resource_group = resource_group_name
    err = C._errors()
    journal = C._load(cmd, resource_group, vm_name)
    missing = None
    if journal is None:
        journal, missing = _from_tags(cmd, resource_group, vm_name)
    elif journal.status == "rolled-back":
        raise err.InvalidArgumentValueError(
            "There is no repair of {} to roll back (rolled-back).".format(vm_name),
            recommendation="az vm boot-fix journal -g {} -n {}".format(resource_group, vm_name))
    if not yes:
        from knack.prompting import NoTTYException, prompt_y_n
        try:
            if not prompt_y_n("Undo the repair of {} and bring the original VM back {}?".format(
                    vm_name, "with its original OS disk" if journal.data.get("path") in engine.RESCUE_PATHS
                    else "from its own disks")):
                raise err.ManualInterrupt("Nothing was changed.")
        except NoTTYException:
            raise err.RequiredArgumentMissingError("Confirmation is needed and there is no terminal to ask.",
                                                   recommendation="Pass --yes.")
    compute, _ = C._clients(cmd)
    ctx = engine.context_from_journal(compute, journal, progress=C._progress, resources=C._resources(cmd))
    from azext_vmbootfix.repair import preflight
    preflight.refuse(preflight.rollback_checks(C._preflight_clients(cmd, compute),
                                               journal_target(ctx, compute, undo=True)), "The rollback")
    out = C._run(lambda: engine.rollback(ctx), ctx)
    if missing:
        for item in missing:
            logger.warning("Not restored: %s", item)
        out["notRestored"] = missing
    return out


def _from_tags(cmd, resource_group, vm_name):
    """No journal: the run found again from its resources' tags (repair/tagged.py), or a clean error."""
    from azext_vmbootfix.repair import tagged
    from azext_vmbootfix.repair.plan import facts_of
    err = C._errors()
    compute, _ = C._clients(cmd)
    try:
        journal, run_id, missing = tagged.rebuild(
            compute, C._resources(cmd), C._path(cmd, resource_group, vm_name), C._subscription(cmd), resource_group,
            vm_name, engine.path_steps, facts_of)
    except tagged.NoRun as exc:
        raise err.InvalidArgumentValueError(
            "There is no repair of {} to roll back: no journal, and {}.".format(vm_name, exc),
            recommendation="az vm boot-fix journal -g {} -n {}".format(resource_group, vm_name))
    if journal is None:
        raise err.ResourceNotFoundError(
            "The journal of run {} is gone and its tags do not give enough to bring {} back: {}. Nothing was "
            "changed.".format(run_id, vm_name, "; ".join(missing)),
            recommendation="Create the VM from its kept OS disk: az vm create -g {} -n {} --attach-os-disk "
                           "<disk> --os-type Windows --nics <nics>".format(resource_group, vm_name))
    C._progress("No journal for {}: rolling back run {} found by its vmbootfix-run tags.".format(vm_name, run_id))
    return journal, missing


def show_journal(cmd, resource_group_name, vm_name):
    resource_group = resource_group_name
    journal = C._load(cmd, resource_group, vm_name)
    if journal is None:
        raise C._errors().ResourceNotFoundError(
            "No repair journal for {} in {}.".format(vm_name, resource_group),
            recommendation="az vm boot-fix repair -g {} -n {} --keep-disks --dry-run".format(resource_group,
                                                                                       vm_name))
    out = journal.summary()
    out["events"] = journal.data["events"]
    return out
