"""A PUT or PATCH of an existing VM: every writable property is applied or refused, as the table of
:mod:`fakeazure.compute.properties` says (no silent ignore, issue 9).

The backend's own appliers: tags, size (a running VM restarts), the OS disk (swap, deleteOption, size while
deallocated), data disks attached and detached, NICs (each NIC's ``primary`` and ``deleteOption`` in place;
a NIC added or removed only while deallocated); every other row is kept as sent
(:func:`fakeazure.core.properties.apply_generic`). The change is applied at once (the 200 body shows the new
model) and undone when the operation fails; an update that changes nothing answers at once with no
operation (fidelity vm-update.yaml PATCH).
"""
from ...core import ids
from ...core.backend import Write
from ...core.properties import DEALLOCATED, IN_PLACE, apply_generic, changes, check_location, refuse_changes, \
    value_at
from .. import checks, properties
from . import skus
from .base import lower
from .vm_actions import boot_vm

ROWS = properties.VIRTUAL_MACHINES


class VirtualMachineUpdateBackend:
    def update_vm(self, vm, body, patch, result=None):
        """``result()`` (if given) is the output of the update's operation (attachDetachDataDisks answers the
        VM's storageProfile)."""
        self.not_busy(vm, "Update VM")  # seen: Operation 'Update VM' is not allowed ... (azure-sdk-for-python#2702)
        check_location(vm, body)
        props = body.get("properties") or {}
        sp = props.get("storageProfile") or {}
        current = vm.to_json(user_data=True)
        if not vm.os_profile:
            checks.no_os_profile(props.get("osProfile"))
        refuse_changes(ROWS, current, _without_swapped_name(vm, body), properties.create_only_refusal)
        custom = value_at(body, "properties.osProfile.customData")
        if custom and custom != vm.custom_data:
            raise properties.create_only_refusal(next(r for r in ROWS if r.name == "customData"))
        changed = changes(ROWS, current, body, (IN_PLACE, DEALLOCATED))
        deallocated = vm.power_state == "deallocated"
        for row, _ in changed:
            if row.kind == DEALLOCATED and not row.by_backend and not deallocated:
                raise properties.deallocated_refusal(row, "the VM is deallocated")
        plan = {"generic": [(r, v) for r, v in changed if not r.by_backend]}
        if "tags" in body or not patch:
            tags = dict(body.get("tags") or {})
            if tags != vm.tags:
                plan["tags"] = tags
        hw = props.get("hardwareProfile") or {}
        if hw.get("vmSize") and lower(hw["vmSize"]) != lower(vm.size):
            new_size = self.vm_size(hw["vmSize"], vm.location, vm.subscription_id, vm.zones)
            checks.size_boots_generation(new_size, vm.hyper_v_generation())
            self.check_quota(vm.subscription_id, vm.location, new_size, new_size.vcpus, exclude=vm)
            plan["size"] = new_size.name
        osd = sp.get("osDisk") or {}
        new_id = (osd.get("managedDisk") or {}).get("id")
        if new_id and not ids.same(new_id, vm.os_disk.get("id")):
            plan["swap_to"] = checks.os_disk_swap(self, vm, new_id)
            plan["osd"] = osd
        if osd.get("deleteOption") and osd["deleteOption"] != vm.os_disk.get("deleteOption", "Detach"):
            checks.os_delete_option(vm, osd["deleteOption"])
            plan["osDeleteOption"] = osd["deleteOption"]
        disk = vm.os_disk_model()
        if osd.get("diskSizeGB") and "swap_to" not in plan and disk is not None and \
                int(osd["diskSizeGB"]) != disk.size_gb:
            checks.os_disk_resize(vm, disk, int(osd["diskSizeGB"]))
            plan["osDiskSize"] = (disk, int(osd["diskSizeGB"]))
        if "dataDisks" in sp:
            size = skus.size(plan.get("size") or vm.size)
            default_sku = vm.os_disk.get("storageAccountType") or "Premium_LRS"
            parsed = checks.data_disks(self, sp.get("dataDisks"), vm.id, vm.name, size, vm.location, default_sku,
                                       existing=vm.data_disks, vm_zones=vm.zones)
            if _data_key(parsed) != _data_key(vm.data_disks):
                plan["data"] = parsed
        nics = (props.get("networkProfile") or {}).get("networkInterfaces")
        if nics is not None:
            new_nics = checks.vm_nics(vm, nics)
            if _nic_key(new_nics) != _nic_key(vm.nics):
                plan["nics"] = new_nics
        if len(plan) == 1 and not plan["generic"]:
            return Write(vm, False, None, vm.to_json())
        return self._apply_update(vm, plan, result)

    def _apply_update(self, vm, plan, result=None):
        saved = {"tags": dict(vm.tags), "size": vm.size, "os_disk": dict(vm.os_disk),
                 "data_disks": [dict(d) for d in vm.data_disks], "nics": [dict(n) for n in vm.nics],
                 "power": vm.power_state, "prov": vm.provisioning_state, "etag": vm.etag}
        undo_steps = [apply_generic(vm, plan["generic"])]

        def set_owner(disk, owner):
            old = disk.managed_by
            undo_steps.append(lambda: setattr(disk, "managed_by", old))
            disk.managed_by = owner

        if "tags" in plan:
            vm.tags = plan["tags"]
        if "size" in plan:
            vm.size = plan["size"]
        if "osDeleteOption" in plan:
            vm.os_disk["deleteOption"] = plan["osDeleteOption"]
        if "osDiskSize" in plan:
            disk, size_gb = plan["osDiskSize"]
            old_size = disk.size_gb
            undo_steps.append(lambda: setattr(disk, "size_gb", old_size))
            disk.size_gb = size_gb
        swap_to = plan.get("swap_to")
        if swap_to is not None:
            old = vm.os_disk_model()
            if old is not None:
                set_owner(old, None)
            set_owner(swap_to, vm.id)
            vm.os_disk.update(id=swap_to.id, name=swap_to.name, osType=swap_to.os_type or vm.os_type())
            kept_osd = value_at(vm.kept, "properties.storageProfile.osDisk") or {}
            for key in ("name", "osType"):  # the swapped disk's own (the whole kept body is undone on failure)
                kept_osd.pop(key, None)
            if plan["osd"].get("deleteOption"):
                vm.os_disk["deleteOption"] = plan["osd"]["deleteOption"]
        if "data" in plan:
            keep = {ids.key(d["id"]) for d in plan["data"] if d.get("id")}
            for d in vm.data_disks:
                if d.get("id") and ids.key(d["id"]) not in keep:
                    disk = self.disks.get(ids.key(d["id"]))
                    if disk is not None:
                        set_owner(disk, None)
            for d in plan["data"]:
                if d.get("id"):
                    set_owner(self.disks[ids.key(d["id"])], vm.id)
            vm.data_disks = plan["data"]
        if "nics" in plan:
            self._swap_nics(vm, plan["nics"], undo_steps)
        vm.provisioning_state = "Updating"
        vm.etag += 1
        accepted = vm.to_json()
        running = vm.power_state == "running"

        def done():
            self.make_data_disks(vm, 2 + len([d for d in vm.data_disks if d.get("id")]))
            vm.provisioning_state = "Succeeded"
            vm.last_operation_time = self.cloud.clock.now()
            if running and "size" in plan:
                boot_vm(vm, None)  # a resize restarts the VM
            return result() if result is not None else None

        def failed(_err):
            vm.tags, vm.size = saved["tags"], saved["size"]
            vm.os_disk, vm.data_disks, vm.nics = saved["os_disk"], saved["data_disks"], saved["nics"]
            vm.power_state, vm.provisioning_state = saved["power"], saved["prov"]
            vm.etag = saved["etag"]  # the model is the one before the update again, and so is its etag
            for step in reversed(undo_steps):
                step()

        return Write(vm, False, self.start_operation(vm, "operations", done, failed, operation="update"), accepted)

    def _swap_nics(self, vm, new_nics, undo_steps):
        """NICs added are taken (NicInUse when another VM holds one), NICs removed let go at once (a detach
        reserves nothing; the 180 s reservation follows a VM delete)."""
        old_ids = {ids.key(n["id"]) for n in vm.nics}
        new_ids = {ids.key(n["id"]) for n in new_nics}
        for n in new_nics:
            if ids.key(n["id"]) not in old_ids:
                self.cloud.attach_nic(n["id"], vm.id)
                undo_steps.append(lambda nid=n["id"]: self.cloud.release_nic(nid, vm.id, reserve_seconds=0))
        for n in vm.nics:
            if ids.key(n["id"]) not in new_ids:
                self.cloud.release_nic(n["id"], vm.id, reserve_seconds=0)
                undo_steps.append(lambda nid=n["id"]: self.cloud.attach_nic(nid, vm.id))
        vm.nics = new_nics


def _without_swapped_name(vm, body):
    """An OS disk swap names the new disk (Learn's swap samples set osDisk.name with managedDisk.id): the name
    changes with the disk, so it is not a create-only change then."""
    osd = value_at(body, "properties.storageProfile.osDisk") or {}
    new_id = (osd.get("managedDisk") or {}).get("id")
    if not new_id or ids.same(new_id, vm.os_disk.get("id")) or "name" not in osd:
        return body
    out = dict(body, properties=dict(body["properties"]))
    out["properties"]["storageProfile"] = dict(out["properties"]["storageProfile"], osDisk=dict(osd))
    del out["properties"]["storageProfile"]["osDisk"]["name"]
    return out


def _data_key(entries):
    return sorted((d["lun"], lower(d.get("id")) or "new:" + str(d.get("name")), lower(d.get("caching")),
                   lower(d.get("deleteOption"))) for d in entries)


def _nic_key(nics):
    """What a NIC entry says (a value sent explicitly counts, even Azure's default: it is kept and shown)."""
    return sorted((lower(n["id"]), (n.get("properties") or {}).get("primary"),
                   lower((n.get("properties") or {}).get("deleteOption"))) for n in nics)
