"""Rollback when the journal file is gone: the run is found again from the tags its resources carry.

Every resource a run creates carries ``vmbootfix-run=<run id>`` (and ``vmbootfix-role``): the backup snapshot,
the recreated VM and its OS disk, the fixed copy, the rescue VM's NIC and Run Commands. :func:`find_run` lists
the VM's resource group and keeps what belongs to the VM (``<vm>-bootfix-<run8>-*``, ``<vm>-rescue-<run8>*``, or
the VM itself). :func:`rebuild` writes a new journal for that run in which every step counts as started, with
an ``original`` made from what Azure still shows: the VM as it is now (or as the run recreated it) with the OS
disk the backup snapshot was taken from. The engine's ordinary rollback then walks the undos, each of which
observes before it acts, so what is already as it was is left alone.

What only the lost journal knew cannot come back, and :func:`not_restored` says so: the original
``deleteOption`` of each disk and NIC (they stay ``Detach``), the power and generalized state before the run,
the original VM's tags beyond those the run's VM carried, and, if the VM was deleted and not recreated yet, its
whole configuration (its disks and NICs are kept and listed).
"""
from azure.core.exceptions import ResourceNotFoundError

from azext_vmbootfix.repair.journal import Journal
from azext_vmbootfix.repair.recreate import ROLE_TAG, RUN_TAG

RESOURCES_API = "2022-09-01"


class NoRun(Exception):
    """No run of the VM (or more than one) can be told apart from the tags."""


def _mine(resource, vm_name, run8=None):
    name = (resource.name or "").lower()
    prefixes = ["{}-bootfix-".format(vm_name.lower()), "{}-rescue-".format(vm_name.lower())]
    if run8:
        prefixes = [p + run8 for p in prefixes]
    return name == vm_name.lower() or any(name.startswith(p) for p in prefixes)


def find_run(resources, resource_group, vm_name):
    """``(run id, [resource])``: the one run of ``vm_name`` whose tagged resources still exist."""
    runs = {}
    for res in resources.resources.list_by_resource_group(resource_group):
        run_id = (res.tags or {}).get(RUN_TAG)
        if run_id and _mine(res, vm_name, run_id.replace("-", "")[:8]):
            runs.setdefault(run_id, []).append(res)
    if not runs:
        raise NoRun("no resource in {} carries a {} tag of a repair of {}".format(resource_group, RUN_TAG, vm_name))
    # a run rolled back (or finished and cleaned up) leaves only its backup snapshot: nothing of it to undo
    live = {k: v for k, v in runs.items() if any((r.tags or {}).get(ROLE_TAG) != "backup" for r in v)}
    if len(live) > 1 or (not live and len(runs) > 1):
        raise NoRun("resources of {} runs of {} carry {} tags ({}): which one to undo cannot be told apart".format(
            len(live or runs), vm_name, RUN_TAG, ", ".join(sorted(live or runs))))
    run_id, found = next(iter((live or runs).items()))
    return run_id, found


def _role(found, role):
    return next((r for r in found if (r.tags or {}).get(ROLE_TAG) == role), None)


def rebuild(compute, resources, journal_file, subscription, resource_group, vm_name, path_steps, facts_of):
    """A journal for the run :func:`find_run` finds, ready for ``engine.rollback``; and what cannot be restored."""
    run_id, found = find_run(resources, resource_group, vm_name)
    path_name = "rescue" if _role(found, "fixed-copy") or _role(found, "rescue") else "recreate"
    backup = _role(found, "backup")
    original_disk_id = None
    if backup is not None:
        snap = compute.snapshots.get(resource_group, backup.name)
        original_disk_id = snap.creation_data.source_resource_id if snap.creation_data else None
    try:
        vm = compute.virtual_machines.get(resource_group, vm_name)
    except ResourceNotFoundError:
        vm = None
    missing = not_restored(path_name, vm, original_disk_id, found)
    if vm is None or original_disk_id is None:
        return None, run_id, missing
    original = vm.serialize(keep_readonly=True)
    props = original.setdefault("properties", {})
    props.pop("osProfile", None)  # an OS disk attached again comes without one
    tags = dict(original.get("tags") or {})
    tags.pop(RUN_TAG, None)
    original["tags"] = tags
    disk = compute.disks.get(*_group_and_name(original_disk_id))
    props["storageProfile"]["osDisk"] = {"osType": str(getattr(disk.os_type, "value", disk.os_type) or "Windows"),
                                         "createOption": "Attach", "name": disk.name, "deleteOption": "Detach",
                                         "caching": props["storageProfile"]["osDisk"].get("caching"),
                                         "managedDisk": {"id": disk.id}}
    rows = [{"name": cls.name, "description": cls.description, "article": list(cls.article)}
            for cls in path_steps(path_name)]
    facts = facts_of({"id": vm.id, "name": vm_name, "resourceGroup": resource_group, "location": vm.location,
                      "osDiskId": disk.id, "nicIds": [n.id for n in vm.network_profile.network_interfaces or []]})
    journal = Journal.new(journal_file, run_id, subscription, resource_group, vm_name, path_name, rows,
                          {"location": vm.location, "osDiskId": disk.id, "nicIds": facts["nicIds"],
                           "fromTags": True}, facts=facts)
    journal.data["original"] = original
    for row in journal.steps:  # every step counts as started: each undo observes before it acts
        row["state"] = "done"
    journal.event("journal", "rebuilt-from-tags", "the journal file was gone; found run {} by its tags".format(
        run_id))
    return journal, run_id, missing


def _group_and_name(rid):
    parts = rid.split("/")
    low = [p.lower() for p in parts]
    return parts[low.index("resourcegroups") + 1], parts[-1]


def not_restored(path_name, vm, original_disk_id, found):
    """What a rollback from the tags cannot put back (the lost journal held it), in words."""
    out = ["the original deleteOption of the OS disk, data disks and NICs (they stay Detach)",
           "the VM's power state before the repair (it is left as the rollback leaves it)"]
    if path_name == "recreate":
        out += ["the generalized state, osProfile and any tag the original VM had that the recreated one did "
                "not carry", "every field of the VM model the recreate did not carry over"]
    if original_disk_id is None:
        out.append("the original OS disk is unknown: no backup snapshot of the run is left")
    if vm is None:
        kept = sorted(r.name for r in found)
        out.append("the VM itself: it was deleted and not created again, and its configuration was only in the "
                   "journal; the run's resources still there: {}".format(", ".join(kept) or "none"))
    return out
