"""The rescue path: the article's steps 5-12 as steps of the same engine (see :mod:`.recreate`, :mod:`.engine`).

For a VM stuck at OOBE when no usable image exists, or when the recreate path did not boot (roll that back
first). The original VM is never deleted: its OS disk is copied, the copy is finished offline on a rescue VM,
and the copy becomes the VM's OS disk.

1. record-original, 2. backup-os-disk  (the classes of :mod:`.recreate`; the snapshot is kept on rollback)
3. copy-os-disk        a managed disk ``<vm>-bootfix-<run8>-fixed`` from the snapshot (same SKU, zone, Hyper-V
                       generation and security type), tagged with the run
4. create-rescue-vm    ``<vm>-rescue-<run8>``: Windows Server of ANOTHER version than the broken disk (two disks
                       cloned from one image version share a disk signature; Windows would re-sign the copy and
                       its BCD would no longer find its partitions, 0xc000000e), a nested-virtualization-capable
                       size, security type Standard, its own NIC in the VM's subnet, no public IP, a random admin
                       password that exists only in memory, the copy attached at LUN 0
5. finish-setup        Run Command writes an ``oobeSystem`` answer file to the copy's ``Windows\\Panther\\Unattend.xml``
                       so that OOBE completes unattended at the next boot. This is the automated equivalent of the
                       article's step 6 (finish the Sysprep wizard in a nested Hyper-V VM): Windows Setup reads
                       the answer instead of waiting for someone to click through the pages.
6. enable-serial-console  Run Command with the article's bcdedit commands (steps 9-10) on the copy's BCD store
7. detach-copy, 8. deallocate-vm, 9. swap-os-disk, 10. start-vm, 11. verify-boot, 12. delete-rescue-vm

Run Command scripts are the ``.ps1`` files of ``scripts/`` (see :mod:`.runcommand`): every decision (which disk,
which partition, which drive letter, which boot loader) is made here from the JSON an earlier read-only script
printed, and reaches the next script as a parameter. The admin password of the answer file is passed only as a
managed Run Command ``protectedParameters`` entry, base64-encoded (Azure never returns it); the journal never
holds it.
"""
import secrets
import string

from azure.core.exceptions import ResourceNotFoundError

from azext_vmbootfix.repair import actions as A
from azext_vmbootfix.repair import recreate as S
from azext_vmbootfix.repair.recreate import RUN_TAG, ROLE_TAG, StepFailed, _is_ours, _original, _run8
from azext_vmbootfix.repair.rescue_plan import (NESTED_FAMILIES, RESCUE_IMAGES, RESCUE_SIZES,  # noqa: F401
                                                rescue_image, rescue_params, rescue_size, windows_version)
from azext_vmbootfix.repair.rescue_read import (bcd_store, copy_disk_of, ems_verified,  # noqa: F401
                                                parse_bcd_enum, parse_disks, system_partition, windows_partition)
from azext_vmbootfix.repair.runcommand import b64, check, json_line, run_script, script_result, succeeded


NETWORK_API = "2024-05-01"  # Microsoft.Network api-version for the rescue NIC (generic resources client)

RESCUE_ADMIN = "bootfixrescue"
RC_DISKS, RC_ANSWER, RC_PARTS, RC_ENUM, RC_EMS = ("bootfix-disks", "bootfix-answer-file", "bootfix-bcd-find",
                                                 "bootfix-bcd-enum", "bootfix-bcd-ems")
ANSWER_MARKER = "BOOTFIX-ANSWER-FILE"
EMS_MARKER = "BOOTFIX-EMS"
SPARE_LETTERS = "STUVWXYZ"


# -- names and small helpers ------------------------------------------------------------------------
def _copy_name(ctx):
    return "{}-bootfix-{}-fixed".format(ctx.vm_name, _run8(ctx))[:80]


def _rescue_name(ctx):
    return "{}-rescue-{}".format(ctx.vm_name, _run8(ctx))[:64]


def _rescue_os_disk_name(ctx):
    return _rescue_name(ctx) + "-osdisk"


def _rescue_nic_id(ctx):
    sub = ctx.journal.data["subscription"]
    return "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/{}-nic".format(
        sub, ctx.resource_group, _rescue_name(ctx))


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


def random_password():
    """A throw-away admin password for the rescue VM: generated here, sent once in the create, never stored."""
    pools = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#%^*-_=+")
    chars = [secrets.choice(pool) for pool in pools] + [secrets.choice("".join(pools)) for _ in range(20)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


# -- the steps ----------------------------------------------------------------------------------------
class CopyOsDisk(S.Step):
    name = "copy-os-disk"
    article = (5,)
    description = "Make a managed disk copy of the OS disk from the backup (article step 5); the original disk " \
                  "is never changed."
    actions = {"group": (A.SNAPSHOT_READ, A.DISK_READ, A.DISK_WRITE, A.DISK_GET_ACCESS),
               "os_disk": (A.DISK_READ,)}
    undo_actions = {"group": (A.DISK_READ, A.DISK_DELETE)}

    def plan(self, ctx):
        return {"reads": [ctx.facts.get("osDiskId")], "creates": ["disk " + _copy_name(ctx)], "changes": [],
                "keeps": [ctx.facts.get("osDiskId")]}

    def done(self, ctx):
        disk = _copy_disk(ctx)
        return disk is not None and (disk.provisioning_state or "").lower() == "succeeded"

    def apply(self, ctx):
        rg, name = _split_id(_original(ctx)["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"])
        source = ctx.compute.disks.get(rg, name)
        # observed, not read from the journal: a resumed run may have reconciled backup-os-disk without outputs
        snapshot_id = ctx.compute.snapshots.get(ctx.resource_group, S.BackupOsDisk()._snapshot_name(ctx)).id  # pylint: disable=protected-access
        body = {"location": source.location, "tags": {RUN_TAG: ctx.run_id, ROLE_TAG: "fixed-copy"},
                "sku": {"name": source.sku.name if source.sku else "Premium_LRS"},
                "osType": source.os_type, "hyperVGeneration": source.hyper_v_generation,
                "creationData": {"createOption": "Copy", "sourceResourceId": snapshot_id}}
        if source.zones:
            body["zones"] = list(source.zones)
        security = getattr(source.security_profile, "security_type", None) if source.security_profile else None
        if security:
            body["securityProfile"] = {"securityType": str(getattr(security, "value", security))}
        disk = ctx.compute.disks.begin_create_or_update(ctx.resource_group, _copy_name(ctx), body).result()
        return {"fixedDiskId": disk.id, "generation": str(getattr(source.hyper_v_generation, "value",
                                                                  source.hyper_v_generation) or "V1")}

    def undo(self, ctx):
        disk = _copy_disk(ctx)
        if disk is None:
            return None
        if disk.managed_by:
            raise StepFailed("the copy {} is still attached to {}; refusing to delete it".format(
                disk.name, disk.managed_by))
        ctx.compute.disks.begin_delete(ctx.resource_group, disk.name).result()
        return None


def _delete_rescue(ctx):
    """Delete the rescue VM, its OS disk and its NIC: resources of this run only, by name and tag."""
    vm = _rescue_vm(ctx)
    if vm is not None:
        ctx.compute.virtual_machines.begin_delete(ctx.resource_group, vm.name).result()
    disk = _get_or_none(ctx.compute.disks.get, ctx.resource_group, _rescue_os_disk_name(ctx))
    if disk is not None and not disk.managed_by:  # the name carries the run id: it is this run's own
        ctx.compute.disks.begin_delete(ctx.resource_group, disk.name).result()
    nic = _get_or_none(ctx.resources.resources.get_by_id, _rescue_nic_id(ctx), NETWORK_API)
    if nic is not None and (nic.tags or {}).get(RUN_TAG) == ctx.run_id:
        ctx.resources.resources.begin_delete_by_id(_rescue_nic_id(ctx), NETWORK_API).result()


class CreateRescueVm(S.Step):
    name = "create-rescue-vm"
    article = (6,)
    description = "Create a rescue VM (another Windows Server version, nested-virtualization size, own NIC, no " \
                  "public IP, throw-away password) with the copy attached at LUN 0 (article step 6)."
    actions = {"group": (A.VM_READ, A.VM_WRITE, A.DISK_WRITE, A.NIC_READ, A.NIC_WRITE, A.NIC_JOIN),
               "nics": (A.NIC_READ,), "subnet": (A.SUBNET_JOIN,)}
    undo_actions = {"group": (A.VM_READ, A.VM_DELETE, A.DISK_READ, A.DISK_DELETE, A.NIC_READ, A.NIC_DELETE)}

    def plan(self, ctx):
        p = _params(ctx)
        return {"reads": list(ctx.facts.get("nicIds") or [])[:1],
                "creates": ["vm {} ({}, Windows Server {})".format(_rescue_name(ctx), p.get("rescueSize"),
                                                                   p.get("rescueVersion")),
                            "nic " + _rescue_nic_id(ctx).rsplit("/", 1)[-1], "disk " + _rescue_os_disk_name(ctx)],
                "changes": ["attach disk {} at LUN 0".format(_copy_name(ctx))], "keeps": []}

    def done(self, ctx):
        vm = _rescue_vm(ctx)
        if vm is None or (vm.provisioning_state or "").lower() != "succeeded":
            return False
        return any(d.lun == 0 and _same(d.managed_disk.id, _copy_id(ctx)) for d in vm.storage_profile.data_disks)

    def _subnet(self, ctx):
        nic_id = _original(ctx)["properties"]["networkProfile"]["networkInterfaces"][0]["id"]
        nic = ctx.resources.resources.get_by_id(nic_id, NETWORK_API)
        configs = (nic.properties or {}).get("ipConfigurations") or []
        primary = next((c for c in configs if (c.get("properties") or {}).get("primary")), configs[0])
        return primary["properties"]["subnet"]["id"]

    def apply(self, ctx):
        if _rescue_vm(ctx) is not None:
            _delete_rescue(ctx)  # a create of this run that failed half-way: start again from nothing
        p = _params(ctx)
        tags = {RUN_TAG: ctx.run_id, ROLE_TAG: "rescue"}
        nic_body = {"location": p["location"], "tags": tags, "properties": {"ipConfigurations": [
            {"name": "ipconfig1", "properties": {"subnet": {"id": self._subnet(ctx)},
                                                 "privateIPAllocationMethod": "Dynamic"}}]}}
        nic = ctx.resources.resources.begin_create_or_update_by_id(_rescue_nic_id(ctx), NETWORK_API,
                                                                   nic_body).result()
        zones = _original(ctx).get("zones")
        body = {"location": p["location"], "tags": tags, "properties": {
            "hardwareProfile": {"vmSize": p["rescueSize"]},
            "storageProfile": {
                "imageReference": p["rescueImage"],
                "osDisk": {"createOption": "FromImage", "name": _rescue_os_disk_name(ctx), "caching": "ReadWrite",
                           "managedDisk": {"storageAccountType": "Premium_LRS"}, "deleteOption": "Delete"},
                "dataDisks": [{"lun": 0, "createOption": "Attach", "caching": "None", "deleteOption": "Detach",
                               "managedDisk": {"id": _copy_id(ctx)}}]},
            # security type Standard: no securityProfile (Trusted Launch is a client-side default, not ARM's)
            "osProfile": {"computerName": "rescue" + _run8(ctx)[:9], "adminUsername": RESCUE_ADMIN,
                          "adminPassword": random_password()},
            "networkProfile": {"networkInterfaces": [{"id": nic.id, "properties": {"primary": True,
                                                                                 "deleteOption": "Delete"}}]},
            "diagnosticsProfile": {"bootDiagnostics": {"enabled": True}}}}
        if zones:
            body["zones"] = zones
        vm = ctx.compute.virtual_machines.begin_create_or_update(ctx.resource_group, _rescue_name(ctx),
                                                                 body).result()
        S.tag_run_disk(ctx, _rescue_os_disk_name(ctx), "rescue-os-disk")  # like every resource of the run
        return {"rescueVmId": vm.id, "rescueNicId": nic.id}

    def undo(self, ctx):
        _delete_rescue(ctx)


def _local_account(user):
    """The answer file always sets the built-in administrator's password (whatever it was renamed to) and adds
    ``--admin-username`` as a local administrator, unless that is the built-in account's default name."""
    return bool(user) and user.lower() != "administrator"


class FinishSetup(S.Step):
    """The answer file finishes OOBE. A disk stuck at OOBE has already run the specialize pass (it named the
    machine WIN-...), so the answer file's specialize ComputerName comes too late: the script also writes the
    original computer name offline into the copy's SYSTEM hive (ComputerName and Tcpip Hostname values)."""
    name = "finish-setup"
    article = (6,)
    description = "Write an oobeSystem answer file to the copy's Windows\\Panther\\Unattend.xml by Run Command, so " \
                  "OOBE finishes unattended at the next boot (the automated equivalent of finishing the " \
                  "wizard in a nested Hyper-V console, article step 6)."
    actions = {"group": (A.VM_READ, A.RUN_COMMANDS_READ, A.RUN_COMMANDS_WRITE)}

    def plan(self, ctx):
        return {"reads": ["runCommand {} on {}".format(RC_DISKS, _rescue_name(ctx))],
                "creates": [], "changes": ["disk {}: Windows\\Panther\\Unattend.xml, SetupComplete.cmd".format(
                    _copy_name(ctx))], "keeps": []}

    def done(self, ctx):
        if _rescue_vm(ctx) is None:
            return False
        result = script_result(ctx, _rescue_name(ctx), RC_ANSWER)
        if not succeeded(result) or ANSWER_MARKER not in result["output"]:
            return False
        return json_line(result["output"], "write-answer-file.ps1").get("Written") is True

    def apply(self, ctx):
        rescue_vm = _rescue_name(ctx)
        doc = json_line(check(run_script(ctx, rescue_vm, RC_DISKS, "get-disks.ps1"), "get-disks.ps1"),
                        "get-disks.ps1")
        disk, parts = copy_disk_of(doc)
        letter = windows_partition(parts)["letter"]
        original = _original(ctx)
        user = _params(ctx).get("adminUsername")
        computer = ((original.get("properties") or {}).get("osProfile") or {}).get("computerName") or ctx.vm_name[:15]
        output = check(run_script(ctx, rescue_vm, RC_ANSWER, "write-answer-file.ps1",
                                  parameters={"WindowsLetter": letter, "ComputerNameB64": b64(computer),
                                              "AdminUserB64": b64(user or ""), "Locale": "en-US"},
                                  protected={"AdminPasswordB64": b64(ctx.admin_password())}),
                       "writing the answer file")
        written = json_line(output, "write-answer-file.ps1")
        if written.get("Marker") != ANSWER_MARKER or written.get("Written") is not True:
            raise StepFailed("the answer file was not written to {}:\\Windows\\Panther\\Unattend.xml".format(letter))
        return {"copyDiskNumber": disk["number"], "windowsLetter": letter,
                "answerFile": "{}:\\Windows\\Panther\\Unattend.xml".format(letter),
                "answerAccounts": ([user] if _local_account(user) else []) + ["built-in administrator"]}


class EnableSerialConsole(S.Step):
    name = "enable-serial-console"
    article = (8, 9, 10)
    description = "Turn on EMS/SAC in the copy's BCD store with the article's bcdedit commands (steps 9-10), so " \
                  "the serial console works from now on."
    actions = {"group": (A.VM_READ, A.RUN_COMMANDS_READ, A.RUN_COMMANDS_WRITE)}

    def plan(self, ctx):
        return {"reads": ["bcdedit /enum on " + _rescue_name(ctx)], "creates": [],
                "changes": ["disk {}: BCD {{bootmgr}} displaybootmenu/timeout/bootems, loader ems, emssettings"
                            .format(_copy_name(ctx))], "keeps": []}

    def _generation(self, ctx):
        disk = _copy_disk(ctx)
        generation = getattr(disk, "hyper_v_generation", None) if disk is not None else None
        return str(getattr(generation, "value", generation) or _params(ctx).get("generation") or "V1")

    def done(self, ctx):
        if _rescue_vm(ctx) is None:
            return False
        result = script_result(ctx, _rescue_name(ctx), RC_EMS)
        if not succeeded(result) or EMS_MARKER not in result["output"]:
            return False
        loader = ctx.journal.step(self.name)["outputs"].get("loader")
        return bool(loader) and ems_verified(result["output"], loader)

    def apply(self, ctx):
        generation = self._generation(ctx)
        rescue_vm = _rescue_name(ctx)
        doc = json_line(check(run_script(ctx, rescue_vm, RC_PARTS, "get-disks.ps1"), "get-disks.ps1"),
                        "get-disks.ps1")     # observed again: a resume may follow a reconciled finish-setup
        disk, parts = copy_disk_of(doc)
        part = system_partition(parts, generation)
        letter, assign = part["letter"], ""
        if not letter:  # the EFI partition has no letter: give it one (as Microsoft's repair scripts do)
            used = {p["letter"] for ps in parse_disks(doc)[1].values() for p in ps if p["letter"]}
            letter = assign = next(x for x in SPARE_LETTERS if x not in used)
        store = bcd_store(letter, generation)
        blocks = parse_bcd_enum(check(run_script(ctx, rescue_vm, RC_ENUM, "read-bcd.ps1", parameters={
            "DiskNumber": disk["number"], "PartitionNumber": part["number"], "Letter": assign, "Store": store}),
            "bcdedit /enum"))
        bootmgr = next((b for b in blocks if b.get("identifier") == "{bootmgr}"), {})
        loaders = [b for b in blocks if b["title"] == "Windows Boot Loader"]
        loader = next((b["identifier"] for b in loaders if b.get("identifier") == bootmgr.get("default")), None) \
            or next((b["identifier"] for b in loaders if b.get("identifier") == "{default}"), None) \
            or (loaders[0]["identifier"] if loaders else None)
        if not loader:
            raise StepFailed("bcdedit /store {} /enum shows no Windows Boot Loader".format(store))
        ctx.step_outputs["loader"] = loader  # journaled by the engine even if a later command fails
        output = check(run_script(ctx, rescue_vm, RC_EMS, "enable-ems.ps1",
                                  parameters={"Store": store, "Loader": loader}), "bcdedit (EMS)")
        if not ems_verified(output, loader):
            raise StepFailed("bcdedit ran but /enum does not show EMS on for {} in {}".format(loader, store))
        return {"bcdStore": store, "loader": loader, "ems": "EMSPORT:1 EMSBAUDRATE:115200"}


class DetachCopy(S.Step):
    name = "detach-copy"
    article = (11,)
    description = "Detach the fixed copy from the rescue VM (article step 11)."
    actions = {"group": (A.VM_READ, A.VM_WRITE)}

    def plan(self, ctx):
        return {"reads": [], "creates": [], "changes": ["detach {} from {}".format(_copy_name(ctx),
                                                                                    _rescue_name(ctx))],
                "keeps": []}

    def done(self, ctx):
        vm = _rescue_vm(ctx)
        copy_id = _copy_id(ctx)
        return vm is None or not any(_same(d.managed_disk.id, copy_id) for d in vm.storage_profile.data_disks)

    def apply(self, ctx):
        vm = ctx.compute.virtual_machines.get(ctx.resource_group, _rescue_name(ctx))
        copy_id = _copy_id(ctx)
        vm.storage_profile.data_disks = [d for d in vm.storage_profile.data_disks
                                         if not _same(d.managed_disk.id, copy_id)]
        ctx.compute.virtual_machines.begin_create_or_update(ctx.resource_group, vm.name, vm).result()
        return {}


class DeallocateVm(S.Step):
    name = "deallocate-vm"
    article = (11,)
    description = "Deallocate the original VM: an OS disk swap needs it stopped."
    actions = {"vm": (A.VM_INSTANCE_VIEW, A.VM_DEALLOCATE)}
    undo_actions = {"vm": (A.VM_INSTANCE_VIEW, A.VM_START)}

    def plan(self, ctx):
        return {"reads": [], "creates": [], "changes": ["deallocate " + ctx.vm_id], "keeps": []}

    def done(self, ctx):
        return _power(ctx, ctx.vm_name) == "deallocated"

    def apply(self, ctx):
        ctx.compute.virtual_machines.begin_deallocate(ctx.resource_group, ctx.vm_name).result()
        return {}

    def undo(self, ctx):
        """Put the original power state back: start the VM if it was running before the repair."""
        before = ctx.journal.step(S.RecordOriginal.name)["outputs"].get("originalPowerState")
        if before in ("running", "starting") and _power(ctx, ctx.vm_name) != "running":
            ctx.compute.virtual_machines.begin_start(ctx.resource_group, ctx.vm_name).result()


class SwapOsDisk(S.Step):
    name = "swap-os-disk"
    article = (11,)
    description = "Make the fixed copy the VM's OS disk (article step 11); the original OS disk is kept."
    actions = {"vm": (A.VM_READ, A.VM_WRITE, A.VM_INSTANCE_VIEW, A.VM_DEALLOCATE)}
    undo_actions = {"vm": (A.VM_READ, A.VM_WRITE, A.VM_INSTANCE_VIEW, A.VM_DEALLOCATE)}

    def plan(self, ctx):
        return {"reads": [], "creates": [], "changes": ["{}: OS disk -> {}".format(ctx.vm_id, _copy_name(ctx))],
                "keeps": [ctx.facts.get("osDiskId")]}

    def done(self, ctx):
        vm = ctx.compute.virtual_machines.get(ctx.resource_group, ctx.vm_name)
        return _same(_os_disk_id(vm), _copy_id(ctx))

    def _swap(self, ctx, disk_id, name):
        vm = ctx.compute.virtual_machines.get(ctx.resource_group, ctx.vm_name)
        if _same(_os_disk_id(vm), disk_id):
            return
        if _power(ctx, ctx.vm_name) not in ("deallocated", "stopped"):
            ctx.compute.virtual_machines.begin_deallocate(ctx.resource_group, ctx.vm_name).result()
        vm.storage_profile.os_disk.managed_disk.id = disk_id
        vm.storage_profile.os_disk.name = name
        ctx.compute.virtual_machines.begin_create_or_update(ctx.resource_group, ctx.vm_name, vm).result()

    def apply(self, ctx):
        self._swap(ctx, _copy_id(ctx), _copy_name(ctx))
        return {"osDiskId": _copy_id(ctx)}

    def undo(self, ctx):
        os_disk = _original(ctx)["properties"]["storageProfile"]["osDisk"]
        self._swap(ctx, os_disk["managedDisk"]["id"], os_disk.get("name") or _split_id(os_disk["managedDisk"]["id"])[1])


class StartVm(S.Step):
    name = "start-vm"
    article = (12,)
    description = "Start the VM on the fixed copy; Windows finishes OOBE from the answer file."
    actions = {"vm": (A.VM_READ, A.VM_INSTANCE_VIEW, A.VM_START)}

    def plan(self, ctx):
        return {"reads": [], "creates": [], "changes": ["start " + ctx.vm_id], "keeps": []}

    def done(self, ctx):
        return _power(ctx, ctx.vm_name) == "running" and \
            _same(_os_disk_id(ctx.compute.virtual_machines.get(ctx.resource_group, ctx.vm_name)), _copy_id(ctx))

    def apply(self, ctx):
        ctx.compute.virtual_machines.begin_start(ctx.resource_group, ctx.vm_name).result()
        return {}


class VerifyRescuedBoot(S.VerifyBoot):
    article = (12,)
    description = "Wait until Windows on the fixed copy reports a Ready guest agent (article step 12)."
    # SAC is server-only (oobe-domain.md 2c): a Windows 10/11 copy has EMS in its BCD but never shows SAC>
    failure_advice = ("The fixed copy did not boot to a Ready agent: look at `az vm boot-fix diagnose -g {0} -n {1}` "
                      "(on Windows Server the serial console now shows SAC; client editions have none), then "
                      "`az vm boot-fix resume -g {0} -n {1}` to wait again, or `az vm boot-fix rollback -g {0} -n {1}` "
                      "to put the original OS disk back.")


class DeleteRescueVm(S.Step):
    name = "delete-rescue-vm"
    article = ()  # the tool's own clean-up
    description = "Delete the rescue VM, its OS disk and its NIC (nothing else)."
    actions = {"group": (A.VM_READ, A.VM_DELETE, A.DISK_READ, A.DISK_DELETE, A.NIC_READ, A.NIC_DELETE)}

    def plan(self, ctx):
        return {"reads": [], "creates": [], "changes": ["delete vm {}, its OS disk and NIC".format(
            _rescue_name(ctx))], "keeps": [_copy_name(ctx)]}

    def done(self, ctx):
        return _rescue_vm(ctx) is None and \
            _get_or_none(ctx.compute.disks.get, ctx.resource_group, _rescue_os_disk_name(ctx)) is None and \
            _get_or_none(ctx.resources.resources.get_by_id, _rescue_nic_id(ctx), NETWORK_API) is None

    def apply(self, ctx):
        _delete_rescue(ctx)
        return {}


RESCUE_PATH = (S.RecordOriginal, S.BackupOsDisk, CopyOsDisk, CreateRescueVm, FinishSetup, EnableSerialConsole,
               DetachCopy, DeallocateVm, SwapOsDisk, StartVm, VerifyRescuedBoot, DeleteRescueVm)
