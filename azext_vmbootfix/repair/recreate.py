"""The steps of a repair plan. Each step observes whether its effect is already there (``done``), makes
it (``apply``, idempotent) and can take it back (``undo``, idempotent). Resume is running the plan again;
rollback is running the undos in reverse. Steps talk to Azure only through the SDK clients in ``ctx``.

The recreate path is the article's steps 1-4: keep the disks and NICs, back up the OS disk, delete the VM,
recreate it with the same name from the captured image, and verify that it boots.
"""
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from azext_vmbootfix.repair import actions as A


RUN_TAG = "vmbootfix-run"
ROLE_TAG = "vmbootfix-role"
NIC_RETRY_SECONDS = 10
NIC_RETRY_LIMIT = 24           # 24 x 10 s covers Azure's 180 s NIC reservation with room to spare
BOOT_POLL_SECONDS = 15
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
    that every resource of the run carries the run's tags (rollback.from_tags finds them by these)."""
    ctx.compute.disks.begin_update(ctx.resource_group, name,
                                   {"tags": {RUN_TAG: ctx.run_id, ROLE_TAG: role}}).result()


def _wait_nic(ctx, action):
    """Run ``action`` (an Azure call that attaches the VM's NICs), retrying while Azure keeps them reserved."""
    for attempt in range(NIC_RETRY_LIMIT + 1):
        try:
            return action()
        except HttpResponseError as exc:
            if _code(exc) != "NicReservedForAnotherVm" or attempt == NIC_RETRY_LIMIT:
                raise
            ctx.progress("the NIC is still reserved after the VM delete; waiting {} s".format(NIC_RETRY_SECONDS))
            ctx.sleep(NIC_RETRY_SECONDS)
    return None


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


class RecordOriginal(Step):
    name = "record-original"
    article = ()  # the tool's own: rollback needs the VM as it was
    description = "Read the VM and record its configuration (no secrets) for rollback."
    actions = {"vm": (A.VM_READ,)}

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
        (model.get("properties", {}).get("osProfile") or {}).pop("adminPassword", None)
        power = next((c.split("/", 1)[1] for c in codes if c.startswith("PowerState/")), None)
        return {"original": model, "originalOsDiskId": vm.storage_profile.os_disk.managed_disk.id,
                "originalPowerState": power, "originalGeneralized": "OSState/generalized" in codes}


class KeepDisksAndNics(Step):
    name = "keep-disks-and-nics"
    article = (1,)
    description = "Set deleteOption=Detach on the OS disk, every data disk and every NIC (article step 1)."
    actions = {"vm": (A.VM_READ, A.VM_WRITE)}
    undo_actions = {"vm": (A.VM_READ, A.VM_WRITE)}

    def plan(self, ctx):
        return {"reads": [ctx.vm_id], "creates": [], "changes": [ctx.vm_id], "keeps": []}

    @staticmethod
    def _all_detach(vm):
        sp, np = vm.storage_profile, vm.network_profile
        options = [sp.os_disk.delete_option] + [d.delete_option for d in sp.data_disks or []]
        options += [n.delete_option for n in (np.network_interfaces or [])] if np else []
        return all(str(o or "Detach").lower() == "detach" for o in options)

    def done(self, ctx):
        vm = _vm_or_none(ctx)
        return vm is None or _is_ours(vm, ctx) or self._all_detach(vm)

    def apply(self, ctx):
        vm = ctx.compute.virtual_machines.get(ctx.resource_group, ctx.vm_name)
        vm.storage_profile.os_disk.delete_option = "Detach"
        for disk in vm.storage_profile.data_disks or []:
            disk.delete_option = "Detach"
        for nic in (vm.network_profile.network_interfaces or []) if vm.network_profile else []:
            nic.delete_option = "Detach"
        ctx.compute.virtual_machines.begin_create_or_update(ctx.resource_group, ctx.vm_name, vm).result()
        return {}

    def undo(self, ctx):
        vm = _vm_or_none(ctx)
        if vm is None or _is_ours(vm, ctx):
            return None  # the VM is gone or is the new one: deleteOptions come back with the original VM
        props = _original(ctx)["properties"]
        sp = props["storageProfile"]
        vm.storage_profile.os_disk.delete_option = sp["osDisk"].get("deleteOption", "Detach")
        by_lun = {d["lun"]: d.get("deleteOption", "Detach") for d in sp.get("dataDisks", [])}
        for disk in vm.storage_profile.data_disks or []:
            disk.delete_option = by_lun.get(disk.lun, disk.delete_option)
        by_id = {n["id"].lower(): (n.get("properties") or {}).get("deleteOption") or n.get("deleteOption")
                 for n in props.get("networkProfile", {}).get("networkInterfaces", [])}
        for nic in (vm.network_profile.network_interfaces or []) if vm.network_profile else []:
            nic.delete_option = by_id.get(nic.id.lower()) or nic.delete_option
        if self._all_detach(vm):
            return None  # the original options are all Detach, as the VM's are now: nothing to restore
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
        snap = ctx.compute.snapshots.begin_create_or_update(ctx.resource_group, self._snapshot_name(ctx),
                                                            body).result()
        return {"backupSnapshotId": snap.id}


class DeleteVm(Step):
    name = "delete-vm"
    article = (1,)
    description = "Delete the VM; its disks and NICs stay (deleteOption Detach)."
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
        if not KeepDisksAndNics._all_detach(vm):  # never delete what the plan promised to keep
            raise StepFailed("the VM's disks or NICs are not set to be kept; refusing to delete it",
                             "az vm boot-fix resume -g {} -n {}".format(ctx.resource_group, ctx.vm_name))
        ctx.compute.virtual_machines.begin_delete(ctx.resource_group, ctx.vm_name).result()
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
        body = _attach_body(original)
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


def _vm_body(original, os_disk, tags, image_reference=None, os_profile=None, detach_all=False):
    """A VM PUT body with the original VM's size, NICs, data disks, zone, security and diagnostics settings,
    and the given OS disk. Each data disk and NIC keeps its original deleteOption, unless ``detach_all``: the
    run's own VM gets Detach on all of them, so that deleting it (a rollback, a create started again) never
    deletes a disk or NIC of the original VM."""
    props = original["properties"]
    storage = {"osDisk": os_disk,
               "dataDisks": [{"lun": d["lun"], "createOption": "Attach", "caching": d.get("caching"),
                              "managedDisk": {"id": d["managedDisk"]["id"]},
                              "deleteOption": "Detach" if detach_all else d.get("deleteOption", "Detach")}
                             for d in props["storageProfile"].get("dataDisks", [])]}
    if image_reference:
        storage["imageReference"] = image_reference
    nics = [dict(n, properties=dict(n.get("properties") or {}, deleteOption="Detach")) if detach_all else n
            for n in props["networkProfile"]["networkInterfaces"]]
    body = {"location": original["location"], "tags": tags, "properties": {
        "hardwareProfile": props["hardwareProfile"], "storageProfile": storage,
        "networkProfile": {"networkInterfaces": nics}}}
    if os_profile:
        body["properties"]["osProfile"] = os_profile
    for key in ("securityProfile", "diagnosticsProfile", "additionalCapabilities"):
        if props.get(key):
            body["properties"][key] = props[key]
    if original.get("zones"):
        body["zones"] = original["zones"]
    return body


def _attach_body(original):
    """The original VM, re-created from its own disks (createOption Attach)."""
    os_disk = original["properties"]["storageProfile"]["osDisk"]
    return _vm_body(original, {"osType": os_disk.get("osType"), "createOption": "Attach", "name": os_disk.get("name"),
                               "caching": os_disk.get("caching"), "managedDisk": {"id": os_disk["managedDisk"]["id"]},
                               "deleteOption": os_disk.get("deleteOption", "Detach")},
                    original.get("tags") or {})


class RecreateFromImage(Step):
    name = "recreate-from-image"
    article = (2, 3)
    description = "Create the VM again, same name, size, NICs, data disks, zone and tags, from the image (article " \
                  "steps 2-3)."
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
        original = _original(ctx)
        props = original["properties"]
        os_disk = props["storageProfile"]["osDisk"]
        tags = dict(original.get("tags") or {}, **{RUN_TAG: ctx.run_id})
        os_profile = None
        if ctx.image_generalized:
            os_profile = {"computerName": (props.get("osProfile") or {}).get("computerName") or ctx.vm_name[:15],
                          "adminUsername": ctx.admin_username, "adminPassword": ctx.admin_password()}
        return _vm_body(original, {"createOption": "FromImage", "name": self._os_disk_name(ctx),
                                   "caching": os_disk.get("caching", "ReadWrite"),
                                   "managedDisk": {"storageAccountType":
                                                   (os_disk.get("managedDisk") or {}).get("storageAccountType")},
                                   "deleteOption": "Detach"},
                        tags, image_reference={"id": ctx.image_id}, os_profile=os_profile, detach_all=True)

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
            if (failed and agent != "Ready" and waited >= BOOT_POLL_SECONDS * 4) or waited >= ctx.boot_timeout:
                raise StepFailed(
                    "the VM did not boot to a Ready guest agent ({}; agent {})".format(
                        ", ".join(c for c in codes if not c.startswith("PowerState")) or "no status", agent),
                    self.failure_advice.format(ctx.resource_group, ctx.vm_name))
            ctx.sleep(BOOT_POLL_SECONDS)
            waited += BOOT_POLL_SECONDS


RECREATE_PATH = (RecordOriginal, KeepDisksAndNics, BackupOsDisk, DeleteVm, RecreateFromImage, VerifyBoot)
