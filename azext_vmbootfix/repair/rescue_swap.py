"""The rescue steps that put the fixed copy in place (article steps 11-12): detach it from the rescue VM,
deallocate the VM, swap its OS disk, start it and wait for Windows. The original OS disk is kept throughout."""
from azext_vmbootfix.repair import actions as A
from azext_vmbootfix.repair import recreate as S
from azext_vmbootfix.repair.recreate import _original
from azext_vmbootfix.repair.rescue_base import (_copy_id, _copy_name, _os_disk_id, _power, _rescue_name, _rescue_vm,
                                                _same, _split_id)


class DetachCopy(S.Step):
    name = "detach-copy"
    article = (11,)
    description = "Detach the fixed copy from the rescue VM (article step 11)."
    overlaps = ("deallocate-vm",)  # the rescue VM's write: the original VM's deallocation goes on meanwhile
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
        """Left in flight: the next steps work on the rescue VM and the copy, not on this VM."""
        S.start(ctx, "deallocate " + ctx.vm_name, ctx.compute.virtual_machines.begin_deallocate, ctx.resource_group,
                ctx.vm_name)
        return {}

    def undo(self, ctx):
        """Put the original power state back: start the VM if it was running before the repair."""
        before = ctx.journal.step(S.RecordOriginal.name)["outputs"].get("originalPowerState")
        if before in ("running", "starting") and _power(ctx, ctx.vm_name) != "running":
            ctx.compute.virtual_machines.begin_start(ctx.resource_group, ctx.vm_name).result()


class SwapOsDisk(S.Step):
    name = "swap-os-disk"
    article = (11,)
    overlaps = ("delete-rescue-vm",)  # the original VM only: the rescue VM goes meanwhile
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
    overlaps = ("delete-rescue-vm",)  # the original VM only: the rescue VM goes meanwhile
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
    overlaps = ("delete-rescue-vm",)
    description = "Wait until Windows on the fixed copy reports a Ready guest agent (article step 12)."
    # SAC is server-only (oobe-domain.md 2c): a Windows 10/11 copy has EMS in its BCD but never shows SAC>
    failure_advice = ("The fixed copy did not boot to a Ready agent: look at `az vm boot-fix diagnose -g {0} -n {1}` "
                      "(on Windows Server the serial console now shows SAC; client editions have none), then "
                      "`az vm boot-fix resume -g {0} -n {1}` to wait again, or `az vm boot-fix rollback -g {0} -n {1}` "
                      "to put the original OS disk back.")
