"""Virtual machines: reads, PUT (create; an update goes to :mod:`.vm_updates`) and DELETE.

A write validates at once (errors are synchronous, as Azure's are; the checks are in
:mod:`fakeazure.compute.checks`), puts the VM in its transitional state (provisioningState Creating,
PowerState starting) and starts an operation whose success makes the disks, boots the guest and
provisions it; a create that fails leaves the VM ``Failed``, as Azure does.
"""
import uuid

from ...core import ids
from ...core.backend import Write, lister, reader
from ...core.properties import keep_at_create
from .. import checks, exceptions, properties
from ..checks import security_type as security
from .base import NS, lower
from .disks import Disk
from .virtual_machine import VirtualMachine
from .vm_actions import boot_vm


class VirtualMachineBackend:
    get_vm = reader("vms", "virtualMachines")
    list_vms = lister("vms")

    def begin_create_or_update_vm(self, subscription_id, resource_group, name, body, patch=False, if_match=None):
        """PUT/PATCH a VM. -> :class:`Write` (``operation`` None when an update changes nothing)."""
        self.cloud.resources.get_group(subscription_id, resource_group)
        vm = self.vms.get(ids.key(ids.resource_id(subscription_id, resource_group, NS, "virtualMachines", name)))
        if if_match and if_match != "*" and (vm is None or if_match != vm.etag_value):
            raise exceptions.PreconditionFailed()
        if vm is not None:
            self.cloud.check_locks_for_write(vm.id)
            return self.update_vm(vm, body, patch)
        if patch:
            raise exceptions.ResourceNotFound(NS + "/virtualMachines", name, resource_group)
        self.cloud.check_locks_for_write(ids.resource_id(subscription_id, resource_group, NS, "virtualMachines", name))
        checks.resource_name(name, 64)
        return self._create_vm(subscription_id, resource_group, name, body)

    # -- create -----------------------------------------------------------------------------------
    def _os_disk_source(self, sub, name, location, osd, image_ref, os_profile):
        """What the OS disk comes from (see :meth:`resolve_image`), with Azure's refusals."""
        option = lower(osd.get("createOption") or "FromImage")
        if option == "attach":
            if image_ref:
                # seen (InvalidParameter, target osDisk)
                raise exceptions.InvalidParameter("Cannot attach an existing OS disk if the VM is created from a "
                                                  "platform, user or a shared gallery image.", target="osDisk")
            md = osd.get("managedDisk") or {}
            disk = self.referenced(checks.required(md.get("id"), "osDisk.managedDisk.id"), "disks", "disks")
            return disk, {"kind": "attach", "generation": disk.hyper_v_generation or "V1", "os_state": "Specialized",
                          "security": security(disk.security_type), "guest": None, "size_gb": disk.size_gb,
                          "os_type": disk.os_type or osd.get("osType")}
        if option == "fromimage":
            src = self.resolve_image(checks.required(image_ref, "imageReference"), sub, location)
            if src["os_state"] == "Generalized":
                checks.os_profile(os_profile, src["os_type"], name)
            else:
                checks.no_os_profile(os_profile)
            return None, src
        raise exceptions.InvalidParameter("The value '{}' of parameter 'osDisk.createOption' is not allowed."
                                          .format(osd.get("createOption")), target="osDisk.createOption")

    def _create_vm(self, sub, rg, name, body):
        location = checks.location_of(body)
        props = body.get("properties") or {}
        size = self.vm_size((props.get("hardwareProfile") or {}).get("vmSize") or "Standard_DS1_v2", location, sub,
                            body.get("zones"))
        sp = props.get("storageProfile") or {}
        osd = sp.get("osDisk") or {}
        image_ref = sp.get("imageReference")
        os_profile = props.get("osProfile")
        security_profile = props.get("securityProfile")
        vm_security = security((security_profile or {}).get("securityType"))
        vm_id = ids.resource_id(sub, rg, NS, "virtualMachines", name)
        attach_disk, src = self._os_disk_source(sub, name, location, osd, image_ref, os_profile)
        if attach_disk is not None:
            checks.attachable(attach_disk, vm_id, name, body.get("zones"))
            checks.required(src["os_type"], "osDisk.osType")  # seen
            checks.no_os_profile(os_profile)  # seen
        gen = src["generation"] or "V1"
        checks.size_boots_generation(size, gen)
        checks.security(vm_security, src, gen, size)
        self.check_quota(sub, location, size, size.vcpus)
        default_sku = "Premium_LRS" if size.premium_io else "Standard_LRS"
        data_entries = checks.data_disks(self, sp.get("dataDisks"), vm_id, name, size, location, default_sku,
                                         vm_zones=body.get("zones"))
        nics = []
        for n in ((props.get("networkProfile") or {}).get("networkInterfaces") or []):
            entry = {"id": n.get("id")}
            if n.get("properties"):
                entry["properties"] = dict(n["properties"])
            nics.append(entry)
        for n in nics:
            self.cloud.attach_nic(n["id"], vm_id)  # may raise NicReservedForAnotherVm / NicInUse
        # -- the model, in its transitional state ----------------------------------------------
        os_disk_entry = {"osType": src["os_type"], "createOption": osd.get("createOption") or "FromImage",
                         "caching": osd.get("caching") or "ReadWrite",
                         "deleteOption": osd.get("deleteOption") or "Detach", "generation": gen,
                         "storageAccountType": (osd.get("managedDisk") or {}).get("storageAccountType")
                         or default_sku}
        if osd.get("diffDiskSettings"):
            os_disk_entry["diffDiskSettings"] = osd["diffDiskSettings"]
            os_disk_entry["deleteOption"] = "Delete"  # ephemeral OS disks are always deleted
        if osd.get("name"):
            os_disk_entry["name"] = osd["name"]
        if osd.get("diskSizeGB"):
            os_disk_entry["diskSizeGB"] = int(osd["diskSizeGB"])
        if attach_disk is not None:
            os_disk_entry.update(id=attach_disk.id, name=attach_disk.name)
            attach_disk.managed_by = vm_id
        for d in data_entries:
            if d.get("id"):
                self.disks[ids.key(d["id"])].managed_by = vm_id
        if vm_security != "Standard" and security_profile is not None:
            security_profile = dict(security_profile)
            security_profile.setdefault("uefiSettings", {"secureBootEnabled": True, "vTpmEnabled": True})
        stored_ref = None
        if image_ref:
            stored_ref = dict(image_ref)
            if src.get("exact_version"):
                stored_ref["exactVersion"] = src["exact_version"]
        diag = props.get("diagnosticsProfile")
        vm = VirtualMachine(self, sub, rg, name, location, size=size.name, os_disk=os_disk_entry,
                            data_disks=data_entries, nics=nics, os_profile=_stored_os_profile(name, os_profile,
                                                                                            src["os_type"]),
                            image_reference=stored_ref, security_profile=security_profile,
                            boot_diagnostics=bool(((diag or {}).get("bootDiagnostics") or {}).get("enabled"))
                            if diag else None, tags=body.get("tags"), zones=body.get("zones"))
        keep_at_create(vm, properties.VIRTUAL_MACHINES, body)
        vm.custom_data = (os_profile or {}).get("customData")
        vm.password_set = bool((os_profile or {}).get("adminPassword"))
        vm.provisioning_state = "Creating"
        vm.power_state = "starting"
        self.vms[ids.key(vm.id)] = vm
        # a copy of the source's guest is taken now (the disk is a copy of the image as it is now)
        guest = src.get("guest")
        guest = None if guest is None else (guest if src.get("fresh") else guest.copy())
        accepted = vm.to_json()

        def failed(err):
            vm.provisioning_state = "Failed"
            vm.provisioning_error = err
            vm.last_operation_time = self.cloud.clock.now()
            if vm.os_disk_model() is None:
                vm.power_state = "deallocated"

        op = self.start_operation(vm, "operations", lambda: self._vm_created(vm, src, guest, os_profile), failed,
                                  operation="create")
        return Write(vm, True, op, accepted)

    def _new_disk(self, vm, name, **kw):
        disk = Disk(self, vm.subscription_id, vm.resource_group, name, vm.location, zones=vm.zones, **kw)
        disk.managed_by = vm.id
        return disk

    def make_data_disks(self, vm, n):
        """The data disks a VM body asked for (createOption Empty) exist now; ``n`` numbers the first name."""
        for d in sorted(vm.data_disks, key=lambda x: x["lun"]):
            if d.get("id"):
                continue
            disk = self._new_disk(vm, d.get("name") or "{}_disk{}_{}".format(vm.name, n, uuid.uuid4().hex),
                                  size_gb=d.get("diskSizeGB") or 32, sku=d.get("storageAccountType"))
            n += 1
            self.disks[ids.key(disk.id)] = disk
            d.update(id=disk.id, name=disk.name)

    def _vm_created(self, vm, src, guest, os_profile):
        """The effect of a VM create: its disks exist, the guest boots and provisions."""
        gen = src["generation"] or "V1"
        if src["kind"] != "attach":
            name = vm.os_disk.get("name") or "{}_OsDisk_1_{}".format(vm.name, uuid.uuid4().hex)
            creation = {"createOption": "FromImage"}
            creation["galleryImageReference" if src["kind"] == "gallery" else "imageReference"] = \
                {"id": src["source_id"]}
            disk = self._new_disk(vm, name, size_gb=max(int(vm.os_disk.get("diskSizeGB") or 0),
                                                        int(src.get("size_gb") or 127)),
                                  sku=vm.os_disk.get("storageAccountType"), os_type=src["os_type"],
                                  hyper_v_generation=gen, creation_data=creation, guest=guest,
                                  security_type=vm.security_type if vm.security_type != "Standard" else None)
            if vm.os_disk.get("diffDiskSettings"):
                vm.ephemeral_disk = disk
                vm.os_disk["name"] = name
            else:
                self.disks[ids.key(disk.id)] = disk
                vm.os_disk.update(id=disk.id, name=disk.name)
        self.make_data_disks(vm, 2)
        vm.power_state = "running"
        vm.last_operation_time = self.cloud.clock.now()
        vm.etag += 1
        answer = None
        if src["os_state"] == "Generalized" and src["kind"] != "attach":
            from ...guest.model import ProvisioningAnswer
            answer = ProvisioningAnswer(admin_username=os_profile.get("adminUsername"),
                                        computer_name=(vm.os_profile or {}).get("computerName"),
                                        admin_password_set=bool(os_profile.get("adminPassword")))
        result = boot_vm(vm, answer)
        failure = None
        if result is not None and src["kind"] != "attach":
            if answer is not None and not getattr(result, "provisioned", False):
                failure = exceptions.OSProvisioningTimedOut(vm.name, getattr(result, "agent_ready", False))
            elif answer is None and not getattr(result, "agent_ready", False):
                failure = exceptions.OSProvisioningTimedOut(vm.name, False)
        if failure is not None:
            vm.provisioning_state = "Failed"
            vm.provisioning_error = failure
            raise failure
        vm.provisioning_state = "Succeeded"

    # -- delete -----------------------------------------------------------------------------------
    def begin_delete_vm(self, subscription_id, resource_group, name, force=False):
        """The operation, or None when there is no such VM (Azure answers 204)."""
        # a delete preempts a create, update or power action in progress (OperationPreempted, seen in
        # azure-sdk-for-python#5167 and osbuild-composer#1447 for VMs); a repeated delete is accepted
        vm = self.deletable(self.vms, "virtualMachines", subscription_id, resource_group, name, preempt=True)
        if vm is None:
            return None
        self.cloud.check_locks_for_delete(vm.id)
        saved = (vm.provisioning_state, vm.power_state)

        def restore():
            vm.provisioning_state, vm.power_state = saved

        return self.begin_delete(vm, effect=lambda: self._vm_deleted(vm), restore=restore)

    def _vm_deleted(self, vm):
        """The effect of a VM delete, honouring deleteOption on every disk and NIC."""
        self.vms.pop(ids.key(vm.id), None)
        self.drop_extensions(vm)
        os_model = vm.os_disk_model()
        if vm.ephemeral_disk is not None:
            vm.ephemeral_disk = None
        elif os_model is not None:
            self._let_go(os_model, vm.os_disk.get("deleteOption"))
        for d in vm.data_disks:
            model = self.disks.get(ids.key(d["id"])) if d.get("id") else None
            if model is not None:
                self._let_go(model, d.get("deleteOption"))
        for n in vm.nics:
            if (n.get("properties") or {}).get("deleteOption", "Detach") == "Delete":
                self.cloud.delete_by_id(n["id"])
            else:
                self.cloud.release_nic(n["id"], vm.id)

    def _let_go(self, disk, delete_option):
        if delete_option == "Delete":
            self.disks.pop(ids.key(disk.id), None)
        else:
            disk.managed_by = None


def _stored_os_profile(name, os_profile, os_type):
    """The osProfile as Azure keeps it: defaults filled in, the password never."""
    if not os_profile:
        return None
    stored = {"computerName": os_profile.get("computerName") or name[:15],
              "adminUsername": os_profile.get("adminUsername")}
    if os_type == "Windows":
        wc = dict(os_profile.get("windowsConfiguration") or {})
        wc.setdefault("provisionVMAgent", True)
        wc.setdefault("enableAutomaticUpdates", True)
        wc.setdefault("patchSettings", {"patchMode": "AutomaticByOS", "assessmentMode": "ImageDefault"})
        wc.setdefault("enableVMAgentPlatformUpdates", False)  # sent by the api-versions that have it (shapes.py)
        stored["windowsConfiguration"] = wc
    else:
        lc = dict(os_profile.get("linuxConfiguration") or {})
        lc.setdefault("disablePasswordAuthentication", not os_profile.get("adminPassword"))
        lc.setdefault("provisionVMAgent", True)
        lc.setdefault("patchSettings", {"patchMode": "ImageDefault", "assessmentMode": "ImageDefault"})
        lc.setdefault("enableVMAgentPlatformUpdates", False)
        stored["linuxConfiguration"] = lc
    stored.update(secrets=os_profile.get("secrets") or [], allowExtensionOperations=True,
                  requireGuestProvisionSignal=True)
    return stored
