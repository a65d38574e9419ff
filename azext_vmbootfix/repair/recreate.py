"""The steps of a repair plan. Each step observes whether its effect is already there (``done``), makes
it (``apply``, idempotent) and can take it back (``undo``, idempotent). Resume is running the plan again;
rollback is running the undos in reverse. Steps talk to Azure only through the SDK clients in ``ctx``.

The recreate path is the article's steps 1-4: keep the disks, NICs and public IPs, back up the OS disk, delete
the VM, recreate it with the same name from the captured image carrying its whole model (:mod:`.carry`), verify
that it boots, re-create its extensions, and put every deleteOption back as it was (:mod:`.keep`).
"""
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from azext_vmbootfix.repair import actions as A
from azext_vmbootfix.repair import carry, keep
from azext_vmbootfix.repair.step import (  # noqa: F401  (names the rescue modules and tests import from here)
    BOOT_POLL_SECONDS, BOOT_TIMEOUT_SECONDS, FAILED_GRACE_SECONDS, NIC_RETRY_LIMIT, NIC_RETRY_SECONDS,
    PUBLIC_IP_OPTION, RECORD_STEP, ROLE_TAG, RUN_TAG, Started, Step, StepFailed, _code, _is_ours, _model, _original,
    _recorded, _run8, _set_public_ips, _vm_or_none, _wait_nic, note_nic_reservation, start, tag_run_disk)


class RecordOriginal(Step):
    name = RECORD_STEP
    article = ()  # the tool's own: rollback needs the VM as it was
    description = "Read the VM (its whole model, user data, the deleteOption of its public IPs) and record it (no " \
                  "secrets) for the recreate and for rollback."
    actions = {"vm": (A.VM_READ,), "nics": (A.NIC_READ, A.PUBLIC_IP_READ)}

    def plan(self, ctx):
        return {"reads": [ctx.vm_id], "creates": [], "changes": [], "keeps": []}

    def done(self, ctx):
        return bool(ctx.journal.data.get("original"))

    def apply(self, ctx):
        """Returns the model as ``original`` (the engine keeps it at the journal's top level, secrets redacted)."""
        vm = ctx.compute.virtual_machines.get(ctx.resource_group, ctx.vm_name, expand="instanceView")
        codes = [s.code or "" for s in (vm.instance_view.statuses or [])] if vm.instance_view else []
        vm.instance_view = None
        model = vm.serialize(keep_readonly=True)
        user_data = ctx.compute.virtual_machines.get(ctx.resource_group, ctx.vm_name, expand="userData").user_data
        if user_data:  # returned only with $expand=userData
            model.setdefault("properties", {})["userData"] = user_data
        (model.get("properties", {}).get("osProfile") or {}).pop("adminPassword", None)
        journaled, kept_out = carry.journal_form(model)  # the engine scrubs the rest (redact.scrub)
        ctx.memory["original"] = model  # never journaled: extension settings that hold a secret
        nic_ids = [n.id for n in (vm.network_profile.network_interfaces or [])] if vm.network_profile else []
        pips = keep.public_ips(ctx.resources, nic_ids)
        power = next((c.split("/", 1)[1] for c in codes if c.startswith("PowerState/")), None)
        return {"original": journaled, "originalOsDiskId": vm.storage_profile.os_disk.managed_disk.id,
                "originalPowerState": power, "originalGeneralized": "OSState/generalized" in codes,
                "publicIpDeleteOptions": pips[0], "publicIpNics": pips[1], "keptOutOfJournal": kept_out}


def _write_delete_options(ctx, change, label, detach):
    """keep-disks' and restore-delete-options' apply: ``change(vm)`` edits the VM's model and says whether it
    changed anything; if so the VM's write is started (in flight, named "VM write: <label>"), then the public
    IPs' deleteOptions are written (Detach when ``detach``, else the recorded ones), in flight too."""
    vm = ctx.compute.virtual_machines.get(ctx.resource_group, ctx.vm_name)
    if change(vm):
        start(ctx, "VM write: " + label, ctx.compute.virtual_machines.begin_create_or_update,
              ctx.resource_group, ctx.vm_name, vm)
    _set_public_ips(ctx, detach=detach, in_flight=True)
    return {}


class KeepDisksAndNics(Step):
    name = "keep-disks-and-nics"
    article = (1,)
    description = "Set deleteOption=Detach on the OS disk, every data disk, every NIC and their public IPs " \
                  "(article step 1)."
    actions = {"vm": (A.VM_READ, A.VM_WRITE), "nics": PUBLIC_IP_OPTION}
    undo_actions = actions

    def plan(self, ctx):
        return {"reads": [ctx.vm_id], "creates": [], "changes": [ctx.vm_id], "keeps": []}

    _all_detach = staticmethod(keep.vm_all_detach)

    def done(self, ctx):
        if not keep.public_ips_detach(ctx.resources, _recorded(ctx, "publicIpDeleteOptions") or {}):
            return False
        vm = _vm_or_none(ctx)
        return vm is None or _is_ours(vm, ctx) or self._all_detach(vm)

    def apply(self, ctx):
        """The VM's write and the NICs' writes (public IPs) are independent: all in flight at once."""
        return _write_delete_options(ctx, keep.set_vm_detach, "deleteOption Detach", detach=True)

    def undo(self, ctx):
        """The original deleteOptions back on the original VM and its public IPs (rollback's last step)."""
        _set_public_ips(ctx, detach=False)
        vm = _vm_or_none(ctx)
        if vm is None or _is_ours(vm, ctx):
            return None  # the VM is gone or is the new one: deleteOptions come back with the original VM
        if keep.set_vm_original(vm, _original(ctx)):
            ctx.compute.virtual_machines.begin_create_or_update(ctx.resource_group, ctx.vm_name, vm).result()
        return None


class BackupOsDisk(Step):
    name = "backup-os-disk"
    article = (5,)
    description = "Snapshot the OS disk so that nothing is lost whatever happens next (kept on rollback)."
    actions = {"group": (A.SNAPSHOT_READ, A.SNAPSHOT_WRITE), "os_disk": (A.DISK_READ, A.DISK_GET_ACCESS)}

    def _snapshot_name(self, ctx):
        return "{}-bootfix-{}-os".format(ctx.vm_name, _run8(ctx))[:80]

    def plan(self, ctx):
        return {"reads": [ctx.facts.get("osDiskId")], "creates": ["snapshot " + self._snapshot_name(ctx)],
                "changes": [], "keeps": []}

    def done(self, ctx):
        try:
            snap = ctx.compute.snapshots.get(ctx.resource_group, self._snapshot_name(ctx))
        except ResourceNotFoundError:
            return False
        return (snap.provisioning_state or "").lower() == "succeeded"

    def apply(self, ctx):
        disk_id = _original(ctx)["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"]
        body = {"location": ctx.facts["location"], "tags": {RUN_TAG: ctx.run_id, ROLE_TAG: "backup"},
                "creationData": {"createOption": "Copy", "sourceResourceId": disk_id}, "incremental": False}
        start(ctx, "snapshot " + self._snapshot_name(ctx), ctx.compute.snapshots.begin_create_or_update,
              ctx.resource_group, self._snapshot_name(ctx), body)
        sub = ctx.journal.data["subscription"]
        return {"backupSnapshotId": "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/snapshots/{}"
                .format(sub, ctx.resource_group, self._snapshot_name(ctx))}


class DeleteVm(Step):
    name = "delete-vm"
    article = (1,)
    description = "Delete the VM; its disks and NICs stay (deleteOption Detach)."
    # the snapshot goes on while the VM goes: the OS disk stays (Detach, checked first) and nothing changes it
    overlaps = ("backup-os-disk",)
    actions = {"vm": (A.VM_READ, A.VM_DELETE)}
    undo_actions = {"vm": (A.VM_READ, A.VM_WRITE, A.VM_DEALLOCATE, A.VM_GENERALIZE), "nics": (A.NIC_JOIN,)}

    def plan(self, ctx):
        return {"reads": [], "creates": [], "changes": ["delete " + ctx.vm_id],
                "keeps": [ctx.facts.get("osDiskId")] + list(ctx.facts.get("nicIds") or [])}

    def done(self, ctx):
        vm = _vm_or_none(ctx)
        return vm is None or _is_ours(vm, ctx)

    def apply(self, ctx):
        vm = ctx.compute.virtual_machines.get(ctx.resource_group, ctx.vm_name)
        if not keep.vm_all_detach(vm) or not keep.public_ips_detach(
                ctx.resources, _recorded(ctx, "publicIpDeleteOptions") or {}):  # never delete what is to be kept
            raise StepFailed("the VM's disks or NICs are not set to be kept; refusing to delete it",
                             "az vm boot-fix resume -g {} -n {}".format(ctx.resource_group, ctx.vm_name))
        sent = ctx.clock()
        deleted = Started(ctx.compute.virtual_machines.begin_delete, ctx.resource_group, ctx.vm_name)
        deleted.result()
        note_nic_reservation(ctx, sent, deleted)  # recreate-from-image waits for the NICs as long as needed
        return {}

    def undo(self, ctx):
        """Bring the original VM back from its own OS disk, data disks and NICs (createOption Attach)."""
        vm = _vm_or_none(ctx)
        original = _original(ctx)
        props = original["properties"]
        os_disk_id = props["storageProfile"]["osDisk"]["managedDisk"]["id"]
        if vm is not None:
            if vm.storage_profile.os_disk.managed_disk.id.lower() == os_disk_id.lower():
                return None  # the original is there
            raise StepFailed("a VM named {} exists that is not the original one".format(ctx.vm_name))
        body = carry.attach_body(original)
        _wait_nic(ctx, lambda: ctx.compute.virtual_machines.begin_create_or_update(
            ctx.resource_group, ctx.vm_name, body).result())
        before = ctx.journal.step(RecordOriginal.name)["outputs"]
        vms = ctx.compute.virtual_machines
        power, generalized = before.get("originalPowerState"), before.get("originalGeneralized")
        if power == "stopped":
            vms.begin_power_off(ctx.resource_group, ctx.vm_name).result()  # as it was: stopped, still allocated
        elif power == "deallocated" or generalized:
            vms.begin_deallocate(ctx.resource_group, ctx.vm_name).result()  # as it was: deallocated
        if generalized:
            vms.generalize(ctx.resource_group, ctx.vm_name)  # as it was: OSState/generalized
        return None


class RecreateFromImage(Step):
    name = "recreate-from-image"
    article = (2, 3)
    description = "Create the VM again from the image, same name, carrying its whole model (size, NICs, data " \
                  "disks, zone, tags, identities, placement, Spot, plan...; all Detach) (article steps 2-3)."
    actions = {"vm": (A.VM_READ, A.VM_WRITE, A.VM_INSTANCE_VIEW), "group": (A.DISK_READ, A.DISK_WRITE),
               "image": (A.READ,), "nics": (A.NIC_JOIN,)}
    undo_actions = {"vm": (A.VM_READ, A.VM_DELETE), "group": (A.DISK_READ, A.DISK_DELETE)}

    def _os_disk_name(self, ctx):
        return "{}-bootfix-{}-osdisk".format(ctx.vm_name, _run8(ctx))[:80]

    def plan(self, ctx):
        return {"reads": [ctx.image_id], "creates": [ctx.vm_id, "disk " + self._os_disk_name(ctx)], "changes": [],
                "keeps": list(ctx.facts.get("nicIds") or [])}

    @staticmethod
    def _booted_unprovisioned(ctx):
        """Windows started but Azure's provisioning timed out (the image was not really generalized)."""
        view = ctx.compute.virtual_machines.instance_view(ctx.resource_group, ctx.vm_name)
        return any((s.code or "").lower().startswith("provisioningstate/failed/osprovisioning")
                   for s in view.statuses or [])

    def done(self, ctx):
        vm = _vm_or_none(ctx)
        if not _is_ours(vm, ctx) or not self._made(ctx, vm):
            return False
        try:  # and its OS disk carries the run's tags (a run stopped between the create and the tagging)
            disk = ctx.compute.disks.get(ctx.resource_group, self._os_disk_name(ctx))
        except ResourceNotFoundError:
            return False
        return (disk.tags or {}).get(RUN_TAG) == ctx.run_id

    def _made(self, ctx, vm):
        return (vm.provisioning_state or "").lower() != "failed" or self._booted_unprovisioned(ctx)

    def _body(self, ctx):
        original = _model(ctx)
        props = original["properties"]
        tags = dict(original.get("tags") or {}, **{RUN_TAG: ctx.run_id})
        os_profile = None
        if ctx.image_generalized:
            os_profile = {"computerName": (props.get("osProfile") or {}).get("computerName") or ctx.vm_name[:15],
                          "adminUsername": ctx.admin_username, "adminPassword": ctx.admin_password()}
        return carry.recreate_body(original, self._os_disk_name(ctx), tags, {"id": ctx.image_id}, os_profile)

    def apply(self, ctx):
        vm = _vm_or_none(ctx)
        if _is_ours(vm, ctx) and self._made(ctx, vm):  # made, but its OS disk not yet tagged
            tag_run_disk(ctx, self._os_disk_name(ctx), "os-disk")
            return {"newOsDiskName": self._os_disk_name(ctx)}
        if _is_ours(vm, ctx):
            self.undo(ctx)  # a create of this run that failed half-way: start it again from nothing
        body = self._body(ctx)
        try:
            _wait_nic(ctx, lambda: ctx.compute.virtual_machines.begin_create_or_update(
                ctx.resource_group, ctx.vm_name, body).result())
        except HttpResponseError as exc:
            if _is_ours(_vm_or_none(ctx), ctx) and self._booted_unprovisioned(ctx):
                # created and booted, but provisioning did not finish: verify-boot decides what that means
                tag_run_disk(ctx, self._os_disk_name(ctx), "os-disk")
                return {"newOsDiskName": self._os_disk_name(ctx), "provisioning": _code(exc)}
            raise
        tag_run_disk(ctx, self._os_disk_name(ctx), "os-disk")
        return {"newOsDiskName": self._os_disk_name(ctx)}

    def undo(self, ctx):
        vm = _vm_or_none(ctx)
        if _is_ours(vm, ctx):
            ctx.compute.virtual_machines.begin_delete(ctx.resource_group, ctx.vm_name).result()
        try:  # the OS disk made from the image: its name holds the run id; the original disks are never touched
            disk = ctx.compute.disks.get(ctx.resource_group, self._os_disk_name(ctx))
        except ResourceNotFoundError:
            return None
        if disk.managed_by is None:  # attached to something (not this run's VM, deleted above): left alone
            ctx.compute.disks.begin_delete(ctx.resource_group, self._os_disk_name(ctx)).result()
        return None


class VerifyBoot(Step):
    name = "verify-boot"
    article = (4,)
    description = "Wait until Windows reports a Ready guest agent (article step 4)."
    overlaps = ("recreate-from-image",)  # its OS disk's tagging: a read of the VM does not wait for it
    failure_advice = ("The image does not boot either (article step 5 on): roll back with `az vm boot-fix rollback "
                      "-g {0} -n {1}` to get the original VM back, then use the rescue path.")
    actions = {"vm": (A.VM_INSTANCE_VIEW,)}

    def plan(self, ctx):
        return {"reads": [ctx.vm_id + "/instanceView"], "creates": [], "changes": [], "keeps": []}

    @staticmethod
    def _state(ctx):
        view = ctx.compute.virtual_machines.instance_view(ctx.resource_group, ctx.vm_name)
        codes = [s.code or "" for s in view.statuses or []]
        agent = None
        if view.vm_agent and view.vm_agent.statuses:
            agent = view.vm_agent.statuses[0].display_status
        return codes, agent

    def done(self, ctx):
        return False  # verification is a read: it is always run again

    def apply(self, ctx):
        waited = 0
        while True:
            codes, agent = self._state(ctx)
            if "PowerState/running" in codes and agent == "Ready":
                outputs = {"bootVerified": True}
                failed = [c for c in codes if c.lower().startswith("provisioningstate/failed")]
                if failed:
                    outputs["warning"] = (
                        "Windows booted and its guest agent is Ready, but Azure's provisioning ended {}: the image "
                        "was not really generalized, so the admin account given was not applied; sign in with "
                        "the accounts the disk had".format(failed[0].split("/", 2)[-1]))
                return outputs
            failed = [c for c in codes if c.lower().startswith("provisioningstate/failed")]
            if (failed and agent != "Ready" and waited >= FAILED_GRACE_SECONDS) or waited >= ctx.boot_timeout:
                raise StepFailed(
                    "the VM did not boot to a Ready guest agent ({}; agent {})".format(
                        ", ".join(c for c in codes if not c.startswith("PowerState")) or "no status", agent),
                    self.failure_advice.format(ctx.resource_group, ctx.vm_name))
            ctx.sleep(BOOT_POLL_SECONDS)
            waited += BOOT_POLL_SECONDS


class RecreateExtensions(Step):
    name = "recreate-extensions"
    article = ()  # the tool's own: the article's recreate (steps 2-3) leaves the extensions behind
    overlaps = ("recreate-from-image",)  # its OS disk's tagging: these write the VM, not the disk
    description = "Create the VM's extensions again with their settings (their protected settings cannot be read)."
    actions = {"vm": (A.VM_READ, A.VM_EXTENSION_READ, A.VM_EXTENSION_WRITE)}

    def plan(self, ctx):
        original = ctx.journal.data.get("original") or ctx.memory.get("planned") or {}
        return {"reads": [], "creates": ["extension " + name for name, _ in carry.extensions(original)],
                "changes": [], "keeps": []}

    def done(self, ctx):
        wanted = [name for name, _ in carry.extensions(_original(ctx))]
        if not wanted:
            return True
        vm = _vm_or_none(ctx)
        have = {(e.name or "").rsplit("/", 1)[-1].lower() for e in (vm.resources or [])} if _is_ours(vm, ctx) else set()
        return all(name.lower() in have for name in wanted)

    def apply(self, ctx):
        """Each extension re-created; one whose settings held a secret the journal did not keep (a resume in a
        new process) is not, and one that fails does not fail the repair: both are named in the outputs."""
        skipped, failed = [], []
        for name, body in carry.extensions(_model(ctx)):
            if carry.has_redacted(body):
                skipped.append(name)
                continue
            try:
                ctx.compute.virtual_machine_extensions.begin_create_or_update(
                    ctx.resource_group, ctx.vm_name, name, body).result()
            except HttpResponseError as exc:
                failed.append("{}: {}".format(name, _code(exc) or exc.message))
        out = {}
        if skipped:
            out["extensionsNotRecreated"] = skipped
        if failed:
            out["extensionsFailed"] = failed
        return out


class RestoreDeleteOptions(Step):
    name = "restore-delete-options"
    article = ()  # the tool's own: puts back what article step 1 changed
    overlaps = ("recreate-from-image",)  # its OS disk's tagging: these write the VM, not the disk
    description = "Put back the original deleteOption of the OS disk, data disks, NICs and public IPs (last, " \
                  "once the boot is verified)."
    actions = {"vm": (A.VM_READ, A.VM_WRITE), "nics": PUBLIC_IP_OPTION}
    undo_actions = actions

    def plan(self, ctx):
        return {"reads": [], "creates": [], "changes": [ctx.vm_id], "keeps": []}

    def done(self, ctx):
        vm = _vm_or_none(ctx)
        if not _is_ours(vm, ctx) or keep.set_vm_original(vm, _original(ctx)):
            return False
        return keep.public_ips_are(ctx.resources, _recorded(ctx, "publicIpDeleteOptions") or {})

    def apply(self, ctx):
        return _write_delete_options(ctx, lambda vm: keep.set_vm_original(vm, _original(ctx)),
                                     "original deleteOptions", detach=False)

    def undo(self, ctx):
        """Detach again on the run's VM and the public IPs, so that undoing the recreate deletes nothing."""
        _set_public_ips(ctx, detach=True)
        vm = _vm_or_none(ctx)
        if _is_ours(vm, ctx) and keep.set_vm_detach(vm):
            ctx.compute.virtual_machines.begin_create_or_update(ctx.resource_group, ctx.vm_name, vm).result()
        return None


RECREATE_PATH = (RecordOriginal, KeepDisksAndNics, BackupOsDisk, DeleteVm, RecreateFromImage, VerifyBoot,
                 RecreateExtensions, RestoreDeleteOptions)
