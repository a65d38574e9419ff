"""A PUT or PATCH of an existing VM: what it may change (size, tags, the OS disk's deleteOption, the NICs'
deleteOption and primary, an OS disk swap, data disks attached and detached) and what it may not
(:mod:`fakeazure.compute.properties`).

The change is applied at once (the 200 body shows the new model) and undone when the operation fails;
an update that changes nothing answers at once with no operation (fidelity vm-update.yaml PATCH).
"""
from ...core import ids
from ...core.backend import Write
from .. import checks, properties
from . import skus
from . import vm_kept
from .base import lower
from .vm_actions import boot_vm


class VirtualMachineUpdateBackend:
    def update_vm(self, vm, body, patch):
        self.not_busy(vm)
        props = body.get("properties") or {}
        sp = props.get("storageProfile") or {}
        changes = {}
        if "tags" in body or not patch:
            tags = dict(body.get("tags") or {})
            if tags != vm.tags:
                changes["tags"] = tags
        hw = props.get("hardwareProfile") or {}
        if hw.get("vmSize") and lower(hw["vmSize"]) != lower(vm.size):
            new_size = self.vm_size(hw["vmSize"], vm.location, vm.subscription_id, vm.zones)
            checks.size_boots_generation(new_size, vm.hyper_v_generation())
            self.check_quota(vm.subscription_id, vm.location, new_size, new_size.vcpus, exclude=vm)
            changes["size"] = new_size.name
        if not vm.os_profile:
            checks.no_os_profile(props.get("osProfile"))
        properties.refuse_changes(properties.VIRTUAL_MACHINES, vm.to_json(), body)
        osd = sp.get("osDisk") or {}
        swap_to = None
        new_id = (osd.get("managedDisk") or {}).get("id")
        if new_id and not ids.same(new_id, vm.os_disk.get("id")):
            swap_to = checks.os_disk_swap(self, vm, new_id)
        if osd.get("deleteOption") and osd["deleteOption"] != vm.os_disk.get("deleteOption", "Detach"):
            checks.os_delete_option(vm, osd["deleteOption"])
            changes["osDeleteOption"] = osd["deleteOption"]
        kept = vm_kept.changes(vm, body, patch)
        if kept:
            changes["kept"] = kept
        nics = _nic_property_changes(vm, props.get("networkProfile"))
        if nics is not None:
            changes["nics"] = nics
        new_data = None
        if "dataDisks" in sp:
            size = skus.size(changes.get("size") or vm.size)
            default_sku = vm.os_disk.get("storageAccountType") or "Premium_LRS"
            parsed = checks.data_disks(self, sp.get("dataDisks"), vm.id, vm.name, size, vm.location, default_sku,
                                       existing=vm.data_disks)
            if _data_key(parsed) != _data_key(vm.data_disks):
                new_data = parsed
        if not changes and swap_to is None and new_data is None:
            return Write(vm, False, None, vm.to_json())
        return self._apply_update(vm, changes, swap_to, osd, new_data)

    def _apply_update(self, vm, changes, swap_to, osd, new_data):
        saved = {"tags": dict(vm.tags), "size": vm.size, "os_disk": dict(vm.os_disk), "nics": vm.nics,
                 "data_disks": [dict(d) for d in vm.data_disks], "power": vm.power_state,
                 "prov": vm.provisioning_state}
        managed_by_undo = []

        def set_owner(disk, owner):
            managed_by_undo.append((disk, disk.managed_by))
            disk.managed_by = owner

        undo_kept = vm_kept.apply(vm, changes.get("kept") or [], self.cloud.identity.tenant_id)
        if "tags" in changes:
            vm.tags = changes["tags"]
        if "size" in changes:
            vm.size = changes["size"]
        if "osDeleteOption" in changes:
            vm.os_disk["deleteOption"] = changes["osDeleteOption"]
        if "nics" in changes:
            vm.nics = changes["nics"]
        if swap_to is not None:
            old = vm.os_disk_model()
            if old is not None:
                set_owner(old, None)
            set_owner(swap_to, vm.id)
            vm.os_disk.update(id=swap_to.id, name=swap_to.name, osType=swap_to.os_type or vm.os_type())
            if osd.get("deleteOption"):
                vm.os_disk["deleteOption"] = osd["deleteOption"]
        if new_data is not None:
            keep = {ids.key(d["id"]) for d in new_data if d.get("id")}
            for d in vm.data_disks:
                if d.get("id") and ids.key(d["id"]) not in keep:
                    disk = self.disks.get(ids.key(d["id"]))
                    if disk is not None:
                        set_owner(disk, None)
            for d in new_data:
                if d.get("id"):
                    set_owner(self.disks[ids.key(d["id"])], vm.id)
            vm.data_disks = new_data
        vm.provisioning_state = "Updating"
        vm.etag += 1
        accepted = vm.to_json()
        running = vm.power_state == "running"

        def done():
            self.make_data_disks(vm, 2 + len([d for d in vm.data_disks if d.get("id")]))
            vm.provisioning_state = "Succeeded"
            vm.last_operation_time = self.cloud.clock.now()
            if running and "size" in changes:
                boot_vm(vm, None)  # a resize restarts the VM

        def failed(_err):
            vm.tags, vm.size = saved["tags"], saved["size"]
            vm.os_disk, vm.data_disks, vm.nics = saved["os_disk"], saved["data_disks"], saved["nics"]
            vm.power_state, vm.provisioning_state = saved["power"], saved["prov"]
            undo_kept()
            for disk, owner in reversed(managed_by_undo):
                disk.managed_by = owner

        return Write(vm, False, self.start_operation(vm, "operations", done, failed), accepted)


def _nic_property_changes(vm, network_profile):
    """The VM's NIC references with the writable properties of an update (deleteOption, primary) applied, or
    None when nothing changes. NICs are matched by id; adding or removing a NIC is not modelled here."""
    given = {ids.key(n["id"]): n.get("properties") or {} for n in
             (network_profile or {}).get("networkInterfaces") or [] if n.get("id")}
    out, changed = [], False
    for nic in vm.nics:
        props = dict(nic.get("properties") or {})
        for key in ("deleteOption", "primary"):
            value = given.get(ids.key(nic["id"]), {}).get(key)
            if value is not None and value != props.get(key):
                props[key], changed = value, True
        out.append(dict(nic, properties=props) if props else dict(nic))
    return out if changed else None


def _data_key(entries):
    return sorted((d["lun"], lower(d.get("id")) or "new:" + str(d.get("name")), d.get("caching"),
                   d.get("deleteOption")) for d in entries)
