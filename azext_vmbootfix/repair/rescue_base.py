"""Names and small helpers the rescue steps share (:mod:`.rescue`, :mod:`.rescue_guest`, :mod:`.rescue_swap`,
:mod:`.rescue_nested`): every resource of a rescue run is named after the VM and the run id, and found again by name
and tag; a script run on the rescue VM answers with one JSON line (:func:`rescue_doc`, :func:`last_doc`)."""
from azure.core.exceptions import ResourceNotFoundError

from azext_vmbootfix.repair.recreate import RUN_TAG, StepFailed, _is_ours, _run8
from azext_vmbootfix.repair.runcommand import check, json_line, run_script, script_result, succeeded

NETWORK_API = "2024-05-01"  # Microsoft.Network api-version for the rescue NIC (generic resources client)

RESCUE_ADMIN = "bootfixrescue"
RC_DISKS, RC_ANSWER, RC_PARTS, RC_ENUM, RC_EMS = ("bootfix-disks", "bootfix-answer-file", "bootfix-bcd-find",
                                                 "bootfix-bcd-enum", "bootfix-bcd-ems")
RC_STATE, RC_RESTORE = "bootfix-setup-state", "bootfix-restore"
RC_HYPERV, RC_NESTED, RC_RELEASE = "bootfix-hyperv", "bootfix-nested-vm", "bootfix-nested-release"
NESTED_VM = "ProblemVM"  # the nested Hyper-V VM's name, as Microsoft's win-enable-nested-hyperv script calls it


class WaitingForUser(Exception):
    """Raised by a step that hands over to a person (the nested method): the engine records the step as
    ``waiting``, the run as ``waiting-for-user``, prints ``message`` and stops; ``resume`` continues."""

    def __init__(self, message, outputs=None):
        super().__init__(message)
        self.message, self.outputs = message, outputs or {}
ANSWER_MARKER = "BOOTFIX-ANSWER-FILE"
EMS_MARKER = "BOOTFIX-EMS"
SPARE_LETTERS = "STUVWXYZ"


def _copy_name(ctx):
    return "{}-bootfix-{}-fixed".format(ctx.vm_name, _run8(ctx))[:80]


def _rescue_name(ctx):
    return "{}-rescue-{}".format(ctx.vm_name, _run8(ctx))[:64]


def rescue_doc(ctx, command_name, script_name, what=None, parameters=None):
    """Run ``scripts/<script_name>`` on the rescue VM; the JSON line it printed (StepFailed naming ``what``, the
    script by default, when it fails or prints none)."""
    output = check(run_script(ctx, _rescue_name(ctx), command_name, script_name, parameters=parameters),
                   what or script_name)
    return json_line(output, script_name)


def last_doc(ctx, command_name, script_name):
    """The JSON line of the rescue VM's last run of ``command_name`` when that run succeeded, else {} (no rescue
    VM, no run, a failed run): what a step's ``done`` reads."""
    result = script_result(ctx, _rescue_name(ctx), command_name) if _rescue_vm(ctx) is not None else None
    return json_line(result["output"], script_name) if succeeded(result) else {}


def _rescue_os_disk_name(ctx):
    return _rescue_name(ctx) + "-osdisk"


def _rescue_nic_id(ctx):
    sub = ctx.journal.data["subscription"]
    return "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/{}-nic".format(
        sub, ctx.resource_group, _rescue_name(ctx))


def _rescue_network_id(ctx, kind, suffix):
    sub = ctx.journal.data["subscription"]
    return "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/{}/{}-{}".format(
        sub, ctx.resource_group, kind, _rescue_name(ctx), suffix)


def _rescue_pip_id(ctx):
    return _rescue_network_id(ctx, "publicIPAddresses", "pip")


def _rescue_nsg_id(ctx):
    return _rescue_network_id(ctx, "networkSecurityGroups", "nsg")


def _params(ctx):
    return ctx.journal.data["params"]


def _split_id(rid):
    parts = rid.split("/")
    low = [p.lower() for p in parts]
    return parts[low.index("resourcegroups") + 1], parts[-1]


def _get_or_none(getter, *args, **kw):
    try:
        return getter(*args, **kw)
    except ResourceNotFoundError:
        return None


def _rescue_vm(ctx):
    vm = _get_or_none(ctx.compute.virtual_machines.get, ctx.resource_group, _rescue_name(ctx))
    return vm if _is_ours(vm, ctx) else None


def _copy_disk(ctx):
    disk = _get_or_none(ctx.compute.disks.get, ctx.resource_group, _copy_name(ctx))
    return disk if disk is not None and (disk.tags or {}).get(RUN_TAG) == ctx.run_id else None


def _copy_id(ctx):
    disk = _copy_disk(ctx)
    if disk is None:
        raise StepFailed("the fixed copy {} does not exist".format(_copy_name(ctx)),
                         "az vm boot-fix rollback -g {} -n {}".format(ctx.resource_group, ctx.vm_name))
    return disk.id


def _power(ctx, name):
    view = ctx.compute.virtual_machines.instance_view(ctx.resource_group, name)
    return next(((s.code or "").split("/", 1)[1] for s in view.statuses or []
                 if (s.code or "").startswith("PowerState/")), None)


def _same(a, b):
    return (a or "").lower() == (b or "").lower()


def _os_disk_id(vm):
    return vm.storage_profile.os_disk.managed_disk.id
