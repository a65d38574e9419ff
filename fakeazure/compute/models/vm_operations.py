"""The rest of a VM's operations in the ComputeRP spec (``VirtualMachines_*`` beyond power, generalize and run
command): redeploy, reapply, performMaintenance, reimage, simulateEviction, convertToManagedDisks, capture,
assessPatches, installPatches, attachDetachDataDisks, the sizes a VM can resize to, and the VMs of a location.

Every POST answers 202 with ``Azure-AsyncOperation`` and ``Location`` (shared/fidelity vm-power-lro.yaml:
redeploy; azure-cli recording test_vm_redeploy: reapply). What each does to the fake's VM:

* redeploy: the VM moves to another host: it goes down and boots again on it (its guest boots), ending
  running; reapply re-applies the VM's model and changes nothing the fake shows.
* performMaintenance: 409 OperationNotAllowed "Operation 'performMaintenance' is not allowed on VM '<vm>' since
  the Subscription of this VM is not eligible." (seen, Azure/azure-cli#6060: the fake never schedules
  maintenance).
* reimage: an ephemeral OS disk is made again from its image; other VMs are refused (wording not verified).
* simulateEviction (Spot VMs), convertToManagedDisks and capture (VMs on unmanaged disks),
  migrateToVirtualMachineScaleSet (VMs in an availability set): the fake's VMs are none of these, so Azure's
  refusal is all they get (wordings not verified).
* assessPatches / installPatches: the guest agent reports an assessment with no pending patch (the fake's
  guests have none); a VM whose agent is not Ready fails the operation as a run command does.
* attachDetachDataDisks: the same change a PUT of the VM's data disks makes (:meth:`update_vm`, with its
  refusals); the operation's result is the VM's storageProfile.
"""
import uuid

from ...core.clock import iso
from .. import exceptions
from .skus import data as sku_data, Size


class VirtualMachineOperationsBackend:
    def _vm_action(self, subscription_id, resource_group, name, effect):
        vm = self.get_vm(subscription_id, resource_group, name)
        self.not_busy(vm)
        self.cloud.check_locks_for_write(vm.id)
        return self.start_operation(vm, "operations", lambda: effect(vm))

    def begin_redeploy_vm(self, subscription_id, resource_group, name):
        vm = self.get_vm(subscription_id, resource_group, name)
        saved = vm.power_state

        def moved(vm):
            vm.last_operation_time = self.cloud.clock.now()
            vm.power_state = "running"
            from .vm_actions import boot_vm
            boot_vm(vm, None)
            return None

        op = self._vm_action(subscription_id, resource_group, name, moved)
        if not op.done:
            vm.power_state = "starting" if saved != "deallocated" else saved
        return op

    def begin_reapply_vm(self, subscription_id, resource_group, name):
        return self._vm_action(subscription_id, resource_group, name, lambda vm: None)

    def begin_perform_maintenance_vm(self, subscription_id, resource_group, name):
        vm = self.get_vm(subscription_id, resource_group, name)
        raise exceptions.OperationNotAllowed("Operation 'performMaintenance' is not allowed on VM '{}' since the "
                                             "Subscription of this VM is not eligible.".format(vm.name))  # seen

    def begin_reimage_vm(self, subscription_id, resource_group, name, body):
        vm = self.get_vm(subscription_id, resource_group, name)
        if vm.ephemeral_disk is None:
            raise exceptions.OperationNotAllowed(
                "Reimage of a virtual machine is supported only for a VM with an ephemeral OS disk; VM '{}' has a "
                "managed OS disk.".format(vm.name))  # wording not verified

        def fresh(vm):
            src = self.resolve_image(vm.image_reference or {}, vm.subscription_id, vm.location)
            vm.ephemeral_disk.guest = src["guest"] if src.get("fresh") else src["guest"].copy()
            from .vm_actions import boot_vm
            boot_vm(vm, None)
            return None

        return self._vm_action(subscription_id, resource_group, name, fresh)

    def begin_simulate_eviction_vm(self, subscription_id, resource_group, name):
        vm = self.get_vm(subscription_id, resource_group, name)
        raise exceptions.OperationNotAllowed("Simulate eviction is only supported for Spot virtual machines; VM '{}' "
                                             "is not a Spot VM.".format(vm.name))  # wording not verified

    def begin_convert_to_managed_disks_vm(self, subscription_id, resource_group, name):
        vm = self.get_vm(subscription_id, resource_group, name)
        raise exceptions.OperationNotAllowed("VM '{}' already uses managed disks.".format(vm.name))  # not verified

    def begin_capture_vm(self, subscription_id, resource_group, name, body):
        vm = self.get_vm(subscription_id, resource_group, name)
        raise exceptions.OperationNotAllowed(
            "Capture is supported only for a VM with unmanaged disks; VM '{}' has managed disks. Create an image "
            "(Microsoft.Compute/images) of it instead.".format(vm.name))  # wording not verified

    def begin_migrate_to_vmss_vm(self, subscription_id, resource_group, name, body):
        vm = self.get_vm(subscription_id, resource_group, name)
        raise exceptions.OperationNotAllowed(
            "Migration to a Virtual Machine Scale Set is supported only for a VM in an availability set; VM '{}' is "
            "in none.".format(vm.name))  # wording not verified; the fake has no availability sets

    def _agent(self, vm):
        boot = vm.boot
        if vm.power_state != "running" or boot is None or not getattr(boot, "agent_ready", False):
            raise exceptions.VMAgentStatusCommunicationError(vm.name)

    def begin_assess_patches_vm(self, subscription_id, resource_group, name):
        def assessed(vm):
            self._agent(vm)
            now = iso(self.cloud.clock.now())
            return {"status": "Succeeded", "assessmentActivityId": str(uuid.uuid4()), "rebootPending": False,
                    "criticalAndSecurityPatchCount": 0, "otherPatchCount": 0, "startDateTime": now,
                    "availablePatches": [], "error": None}

        return self._vm_action(subscription_id, resource_group, name, assessed)

    def begin_install_patches_vm(self, subscription_id, resource_group, name, body):
        if not (body or {}).get("rebootSetting"):
            raise exceptions.InvalidParameter("Required parameter 'rebootSetting' is missing (null).",
                                              target="rebootSetting")

        def installed(vm):
            self._agent(vm)
            return {"status": "Succeeded", "installationActivityId": str(uuid.uuid4()), "rebootStatus": "NotNeeded",
                    "maintenanceWindowExceeded": False, "excludedPatchCount": 0, "notSelectedPatchCount": 0,
                    "pendingPatchCount": 0, "installedPatchCount": 0, "failedPatchCount": 0, "patches": [],
                    "startDateTime": iso(self.cloud.clock.now()), "error": None}

        return self._vm_action(subscription_id, resource_group, name, installed)

    def begin_attach_detach_data_disks_vm(self, subscription_id, resource_group, name, body):
        """The data disks after attaching ``dataDisksToAttach`` and detaching ``dataDisksToDetach``: a PUT of the
        VM's data disk list. -> the update's operation, whose result is the VM's storageProfile."""
        vm = self.get_vm(subscription_id, resource_group, name)
        disks = [dict(d) for d in vm.to_json()["properties"]["storageProfile"]["dataDisks"]]
        detach = {(d.get("diskId") or "").lower(): d for d in body.get("dataDisksToDetach") or []}
        for d in disks:
            if (d.get("managedDisk") or {}).get("id", "").lower() in detach:
                d["toBeDetached"] = True
                option = detach[d["managedDisk"]["id"].lower()].get("detachOption")
                if option:
                    d["detachOption"] = option
        for a in body.get("dataDisksToAttach") or []:
            entry = {"lun": a.get("lun"), "createOption": "Attach", "managedDisk": {"id": a.get("diskId")}}
            entry.update((k, a[k]) for k in ("caching", "deleteOption", "writeAcceleratorEnabled") if k in a)
            if entry["lun"] is None:
                used = {d["lun"] for d in disks}
                entry["lun"] = next(i for i in range(64) if i not in used)
            disks.append(entry)
        write = self.update_vm(vm, {"properties": {"storageProfile": {"dataDisks": disks}}}, True,
                               result=vm.storage_profile)
        if write.operation is None:  # nothing to change: the operation still answers the storageProfile
            return self.start_operation(vm, "operations", vm.storage_profile)
        return write.operation

    # -- reads ------------------------------------------------------------------------------------
    def available_sizes_vm(self, subscription_id, resource_group, name):
        """The sizes a VM can be resized to: those of its location that boot its generation."""
        vm = self.get_vm(subscription_id, resource_group, name)
        gen = vm.hyper_v_generation()
        sizes = [Size(s) for s in sku_data()["virtualMachines"]]
        return [s for s in sizes if not s.restricted_in(vm.location) and gen in s.generations]

    def list_vms_by_location(self, subscription_id, location):
        self.cloud.resources.get_subscription(subscription_id)
        loc = (location or "").replace(" ", "").lower()
        return [v for v in self.list_vms(subscription_id) if v.location == loc]
