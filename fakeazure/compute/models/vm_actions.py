"""The POST actions on a VM (start, powerOff, restart, deallocate, generalize) and the guest's boot.

A power action answers 202 and shows its transitional PowerState (starting, stopping, deallocating) until
its operation ends; a VM that comes up runs its guest (:mod:`fakeazure.guest`), which decides what the
console shows and whether the agent is Ready.
"""
from .. import exceptions

# action: (display name in refusals, transitional state, final state)
POWER_ACTIONS = {
    "start": ("Start VM", "starting", "running"),
    "powerOff": ("Stop VM", "stopping", "stopped"),
    "deallocate": ("Deallocate VM", "deallocating", "deallocated"),
    "restart": ("Restart VM", "starting", "running"),
}


def boot_vm(vm, provisioning=None):
    """Run the guest on the VM's OS disk and keep what it shows (``vm.boot``)."""
    disk = vm.os_disk_model()
    if disk is None or disk.guest is None:
        vm.boot = None
        return None
    from ...guest import boot
    data = [model.guest if model is not None else None for model in vm.data_disk_models()]
    vm.boot = boot(disk.guest, provisioning=provisioning, data_disks=data)
    vm.boot.booted_at = vm.backend.cloud.clock.now()
    vm.boots += 1
    return vm.boot


class VirtualMachineActionsBackend:
    def begin_start_vm(self, subscription_id, resource_group, name):
        return self._begin_power(subscription_id, resource_group, name, "start")

    def begin_power_off_vm(self, subscription_id, resource_group, name, skip_shutdown=False):
        return self._begin_power(subscription_id, resource_group, name, "powerOff")

    def begin_restart_vm(self, subscription_id, resource_group, name):
        return self._begin_power(subscription_id, resource_group, name, "restart")

    def begin_deallocate_vm(self, subscription_id, resource_group, name):
        return self._begin_power(subscription_id, resource_group, name, "deallocate")

    def _begin_power(self, subscription_id, resource_group, name, action):
        vm = self.get_vm(subscription_id, resource_group, name)
        # a ReadOnly lock blocks the POST actions as it blocks writes (Learn, "Lock your resources": a ReadOnly
        # lock on a group holding a VM prevents starting or restarting it, "these operations require a POST")
        self.cloud.check_locks_for_write(vm.id)
        label, transitional, final = POWER_ACTIONS[action]
        self.not_busy(vm, label)
        if action in ("start", "restart") and vm.generalized:
            # seen: "Operation 'Start VM' is not allowed on VM 'x' since the VM is generalized."
            raise exceptions.OperationNotAllowed("Operation '{}' is not allowed on VM '{}' since the VM is "
                                                 "generalized.".format(label, vm.name))
        if action == "restart" and vm.power_state != "running":
            raise exceptions.OperationNotAllowed("Operation '{}' is not allowed on VM '{}' since the VM is {}."
                                                 .format(label, vm.name, vm.power_state))  # pattern as above
        # starting needs no new quota: quota counts every VM, allocated or not
        saved = (vm.power_state, vm.provisioning_state, vm.etag)
        # start on a running VM is accepted and changes nothing: the guest is not rebooted (a no-op on Azure;
        # restart is the action that reboots)
        no_op = action == "start" and vm.power_state == "running"
        if not no_op and not (action == "powerOff" and vm.power_state == "deallocated"):
            vm.power_state = transitional
        vm.provisioning_state = "Updating"
        vm.etag += 1

        def done():
            vm.provisioning_state = "Succeeded"
            vm.last_operation_time = self.cloud.clock.now()
            if action == "powerOff" and saved[0] == "deallocated":
                vm.power_state = "deallocated"
                return None
            if no_op:
                return None
            if final != "running" and saved[0] == "running":
                vm.last_heartbeat = self.cloud.clock.now()  # the agent's last report before the VM stopped
            vm.power_state = final
            if final == "running":
                boot_vm(vm, None)
            return None

        def failed(_err):
            vm.power_state, vm.provisioning_state, vm.etag = saved

        return self.start_operation(vm, "operations", done, failed, operation=action)

    def generalize_vm(self, subscription_id, resource_group, name):
        vm = self.get_vm(subscription_id, resource_group, name)
        self.cloud.check_locks_for_write(vm.id)
        self.not_busy(vm, "generalize")
        if vm.power_state not in ("stopped", "deallocated"):
            # seen (MicrosoftDocs/azure-docs#86809): "Operation 'generalize' is not allowed on VM 'myVM' since the
            # VM is running."
            raise exceptions.OperationNotAllowed("Operation 'generalize' is not allowed on VM '{}' since the VM is {}."
                                                 .format(vm.name, vm.power_state))
        vm.generalized = True
        vm.etag += 1
        vm.last_operation_time = self.cloud.clock.now()
        return vm
