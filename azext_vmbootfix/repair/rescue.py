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
                       size, security type sent explicitly (Standard; Trusted Launch for a Trusted Launch copy),
                       its own NIC in the VM's subnet, no public IP, a random admin password that exists only in
                       memory, the copy attached at LUN 0; a NIC reservation is waited out as recreate does
5. finish-setup        Run Command reads the copy's offline hives (Setup state, control set, locales), the plan
                       decides (:mod:`.rescue_state`: what an answer file cannot finish is refused here, before
                       the copy changes), then writes an ``oobeSystem`` answer file to the copy's
                       ``Windows\\Panther\\Unattend.xml`` (backups first) so that OOBE completes unattended at the
                       next boot. This is the automated equivalent of the article's step 6 (finish the Sysprep
                       wizard in a nested Hyper-V VM); ``--method nested`` does it the article's way
                       (:mod:`.rescue_nested`).
6. enable-serial-console  Run Command with the article's bcdedit commands (steps 9-10) on the copy's BCD store
7. detach-copy, 8. deallocate-vm, 9. swap-os-disk, 10. start-vm, 11. verify-boot, 12. delete-rescue-vm

Modules: this one (copy, rescue VM, its removal, the plan), :mod:`.rescue_base` (names), :mod:`.rescue_guest`
(steps 5-6), :mod:`.rescue_swap` (steps 7-11), :mod:`.rescue_state` (the Setup-state decision),
:mod:`.rescue_plan` (image and size), :mod:`.rescue_read` (what the scripts print).

Run Command scripts are the ``.ps1`` files of ``scripts/`` (see :mod:`.runcommand`): every decision (which disk,
which partition, which drive letter, which boot loader) is made here from the JSON an earlier read-only script
printed, and reaches the next script as a parameter. The admin password of the answer file is passed only as a
managed Run Command ``protectedParameters`` entry, base64-encoded (Azure never returns it); the journal never
holds it.
"""
import secrets
import string

from azext_vmbootfix.repair import actions as A
from azext_vmbootfix.repair import recreate as S
from azext_vmbootfix.repair.recreate import RUN_TAG, ROLE_TAG, StepFailed, _original, _run8
from azext_vmbootfix.repair.rescue_base import (  # noqa: F401  (names other modules and tests import from here)
    ANSWER_MARKER, EMS_MARKER, NETWORK_API, RC_ANSWER, RC_DISKS, RC_EMS, RC_ENUM, RC_HYPERV, RC_NESTED, RC_PARTS,
    RC_RELEASE, RC_RESTORE, RC_STATE,
    RESCUE_ADMIN, SPARE_LETTERS, _copy_disk, _copy_id, _copy_name, _get_or_none, _params, _rescue_name,
    _rescue_nic_id, _rescue_nsg_id, _rescue_os_disk_name, _rescue_pip_id, _rescue_vm, _same, _split_id)
from azext_vmbootfix.repair.rescue_guest import EnableSerialConsole, FinishSetup
from azext_vmbootfix.repair.rescue_plan import (NESTED_FAMILIES, RESCUE_IMAGES, RESCUE_SIZES,  # noqa: F401
                                                rescue_image, rescue_params, rescue_size, windows_version)
from azext_vmbootfix.repair.rescue_read import (bcd_store, copy_disk_of, ems_verified,  # noqa: F401
                                                parse_bcd_enum, parse_disks, system_partition, windows_partition)
from azext_vmbootfix.repair.rescue_swap import (DeallocateVm, DetachCopy, StartVm, SwapOsDisk,  # noqa: F401
                                                VerifyRescuedBoot)


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


def rescue_security(copy_disk):
    """The rescue VM's securityProfile, always explicit: ``Standard`` (the value azure-cli's ``--security-type
    Standard`` sends; nested Hyper-V needs it, Learn's nested guide), unless the copy is a Trusted Launch disk
    (it carries the VM guest state of a Trusted Launch VM): then a Trusted Launch VM, Secure Boot and vTPM on,
    whose Gen2 image matches the copy's Gen2. A Confidential VM disk is refused: its copy cannot be read offline
    without its keys."""
    kind = getattr(getattr(copy_disk, "security_profile", None), "security_type", None)
    kind = str(getattr(kind, "value", kind) or "")
    if kind.startswith("ConfidentialVM"):
        raise StepFailed("the OS disk is a Confidential VM disk ({}): its copy cannot be finished offline".format(kind),
                         "Roll back (`az vm boot-fix rollback`) and restore the VM from a backup.")
    if kind == "TrustedLaunch":
        return {"securityType": "TrustedLaunch", "uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": True}}
    return {"securityType": "Standard"}


def _delete_rescue(ctx, in_flight=False):
    """Delete the rescue VM, its OS disk and its NIC: resources of this run only, by name and tag. ``in_flight``:
    the VM's delete is left in flight, and the rest follows once it is over (the engine waits for it)."""
    vm = _rescue_vm(ctx)
    if vm is not None and in_flight:
        ctx.start(S.Started(ctx.compute.virtual_machines.begin_delete, ctx.resource_group, vm.name),
                  "delete VM " + vm.name, then=lambda _result: _delete_rescue_rest(ctx))
        return
    if vm is not None:
        ctx.compute.virtual_machines.begin_delete(ctx.resource_group, vm.name).result()
    _delete_rescue_rest(ctx)


def _delete_rescue_rest(ctx):
    """What the rescue VM's delete left (its OS disk and NIC go with it: deleteOption Delete)."""
    disk = _get_or_none(ctx.compute.disks.get, ctx.resource_group, _rescue_os_disk_name(ctx))
    if disk is not None and not disk.managed_by:  # the name carries the run id: it is this run's own
        ctx.compute.disks.begin_delete(ctx.resource_group, disk.name).result()
    # the NIC first: its public IP and NSG (the nested method's) cannot go while a NIC uses them
    for rid in (_rescue_nic_id(ctx), _rescue_pip_id(ctx), _rescue_nsg_id(ctx)):
        found = _get_or_none(ctx.resources.resources.get_by_id, rid, NETWORK_API)
        if found is not None and (found.tags or {}).get(RUN_TAG) == ctx.run_id:
            # a NIC stays reserved for the VM just deleted for 180 s and Azure refuses its delete meanwhile
            # (NicReservedForAnotherVm): waited out as a VM create that names it is
            wait_nic = S._wait_nic  # pylint: disable=protected-access
            wait_nic(ctx, lambda rid=rid: ctx.resources.resources.begin_delete_by_id(rid, NETWORK_API).result())


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
        subnet = self._subnet(ctx)
        ip_config = {"subnet": {"id": subnet}, "privateIPAllocationMethod": "Dynamic"}
        nic_props, access = self._access(ctx, subnet, ip_config, tags)
        nic_props["ipConfigurations"] = [{"name": "ipconfig1", "properties": ip_config}]
        nic_body = {"location": p["location"], "tags": tags, "properties": nic_props}
        nic = ctx.resources.resources.begin_create_or_update_by_id(_rescue_nic_id(ctx), NETWORK_API,
                                                                   nic_body).result()
        zones = _original(ctx).get("zones")
        security = self._security(ctx)
        body = {"location": p["location"], "tags": tags, "properties": {
            "hardwareProfile": {"vmSize": p["rescueSize"]},
            "storageProfile": {
                "imageReference": p["rescueImage"],
                "osDisk": {"createOption": "FromImage", "name": _rescue_os_disk_name(ctx), "caching": "ReadWrite",
                           "managedDisk": {"storageAccountType": "Premium_LRS"}, "deleteOption": "Delete"},
                "dataDisks": [{"lun": 0, "createOption": "Attach", "caching": "None", "deleteOption": "Detach",
                               "managedDisk": {"id": _copy_id(ctx)}}]},
            "securityProfile": security,   # explicit: never a default that may change (see rescue_security)
            "osProfile": dict(self._account(ctx), computerName="rescue" + _run8(ctx)[:9]),
            "networkProfile": {"networkInterfaces": [{"id": nic.id, "properties": {"primary": True,
                                                                                 "deleteOption": "Delete"}}]},
            "diagnosticsProfile": {"bootDiagnostics": {"enabled": True}}}}
        if zones:
            body["zones"] = zones
        # a create of this run that failed earlier may have left its NIC reserved for ~180 s, as recreate meets
        create = ctx.compute.virtual_machines.begin_create_or_update
        wait_nic = S._wait_nic  # pylint: disable=protected-access
        vm = wait_nic(ctx, lambda: create(ctx.resource_group, _rescue_name(ctx), body).result())
        S.tag_run_disk(ctx, _rescue_os_disk_name(ctx), "rescue-os-disk")  # like every resource of the run
        return dict(access, rescueVmId=vm.id, rescueNicId=nic.id, securityType=security["securityType"])

    # what the nested method (rescue_nested.py) does differently
    def _access(self, ctx, subnet_id, ip_config, tags):
        """(extra NIC properties, outputs): none here, the rescue VM is reached by Run Command only."""
        return {}, {}

    def _security(self, ctx):
        return rescue_security(_copy_disk(ctx))

    def _account(self, ctx):
        """A throw-away admin that nobody signs in with: the password exists only in this request."""
        return {"adminUsername": RESCUE_ADMIN, "adminPassword": random_password()}

    def undo(self, ctx):
        _delete_rescue(ctx)


class DeleteRescueVm(S.Step):
    name = "delete-rescue-vm"
    article = ()  # the tool's own clean-up
    description = "Delete the rescue VM, its OS disk and its NIC (and the nested method's public IP and NSG; " \
                  "nothing else)."
    actions = {"group": (A.VM_READ, A.VM_DELETE, A.DISK_READ, A.DISK_DELETE, A.NIC_READ, A.NIC_DELETE)}

    def plan(self, ctx):
        changes = ["delete vm {}, its OS disk and NIC".format(_rescue_name(ctx))]
        if ctx.journal.data.get("path") == "nested" and not _params(ctx).get("bastion"):  # rescue_nested's way in
            changes.append("delete public IP {} and NSG {}".format(_rescue_pip_id(ctx).rsplit("/", 1)[-1],
                                                                  _rescue_nsg_id(ctx).rsplit("/", 1)[-1]))
        return {"reads": [], "creates": [], "changes": changes, "keeps": [_copy_name(ctx)]}

    def done(self, ctx):
        return _rescue_vm(ctx) is None and \
            _get_or_none(ctx.compute.disks.get, ctx.resource_group, _rescue_os_disk_name(ctx)) is None and \
            all(_get_or_none(ctx.resources.resources.get_by_id, rid, NETWORK_API) is None
                for rid in (_rescue_nic_id(ctx), _rescue_pip_id(ctx), _rescue_nsg_id(ctx)))

    def apply(self, ctx):
        _delete_rescue(ctx, in_flight=True)
        return {}


RESCUE_PATH = (S.RecordOriginal, S.BackupOsDisk, CopyOsDisk, CreateRescueVm, FinishSetup, DeallocateVm,
               EnableSerialConsole, DetachCopy, DeleteRescueVm, SwapOsDisk, StartVm, VerifyRescuedBoot)
