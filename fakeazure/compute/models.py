"""Compute resources and the Compute backend (the operations, no HTTP).

This first cut holds virtual machines and managed disks as far as reading them goes; the write
operations grow here (see the issue on the ARM engine).
"""
import uuid

from ..core import errors, ids
from ..core.clock import iso

NS = "Microsoft.Compute"


class ComputeResource:
    resource_type = None  # e.g. 'virtualMachines'

    def __init__(self, backend, subscription_id, resource_group, name, location, tags=None):
        self.backend = backend
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self.name = name
        self.location = location.replace(" ", "").lower()
        self.tags = dict(tags or {})
        self.time_created = backend.cloud.clock.now()

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, NS, self.resource_type, self.name)

    def envelope(self, properties):
        body = {"name": self.name, "id": self.id, "type": "{}/{}".format(NS, self.resource_type),
                "location": self.location}
        if self.tags:
            body["tags"] = self.tags
        body["properties"] = properties
        return body

    def generic(self):
        return {"id": self.id, "name": self.name, "type": "{}/{}".format(NS, self.resource_type),
                "location": self.location, "tags": self.tags}


class Disk(ComputeResource):
    resource_type = "disks"

    def __init__(self, backend, subscription_id, resource_group, name, location, size_gb=127,
                 sku="Premium_LRS", os_type=None, hyper_v_generation=None, creation_data=None,
                 security_type=None, guest=None, tags=None, zones=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.size_gb = size_gb
        self.sku = sku
        self.os_type = os_type
        self.hyper_v_generation = hyper_v_generation
        self.creation_data = creation_data or {"createOption": "Empty"}
        self.security_type = security_type
        self.guest = guest
        self.managed_by = None
        self.unique_id = str(uuid.uuid4())
        self.zones = zones
        self.provisioning_state = "Succeeded"

    @property
    def disk_state(self):
        if self.managed_by:
            vm = self.backend.cloud.find(self.managed_by)
            if vm is not None and getattr(vm, "power_state", None) in ("running", "starting", "stopped",
                                                                       "stopping"):
                return "Attached"
            return "Reserved" if vm is not None and vm.power_state != "deallocated" else "Attached"
        return "Unattached"

    def to_json(self):
        props = {}
        if self.os_type:
            props["osType"] = self.os_type
        if self.hyper_v_generation:
            props["hyperVGeneration"] = self.hyper_v_generation
        props["creationData"] = self.creation_data
        props["diskSizeGB"] = self.size_gb
        props["diskSizeBytes"] = self.size_gb * 1024 ** 3
        props["uniqueId"] = self.unique_id
        props["encryption"] = {"type": "EncryptionAtRestWithPlatformKey"}
        if self.security_type:
            props["securityProfile"] = {"securityType": self.security_type}
        props["networkAccessPolicy"] = "AllowAll"
        props["publicNetworkAccess"] = "Enabled"
        props["timeCreated"] = iso(self.time_created)
        props["provisioningState"] = self.provisioning_state
        props["diskState"] = self.disk_state
        body = self.envelope(props)
        if self.managed_by:
            body["managedBy"] = self.managed_by
        body["sku"] = {"name": self.sku, "tier": self.sku.split("_")[0]}
        if self.zones:
            body["zones"] = list(self.zones)
        return body


class VirtualMachine(ComputeResource):
    resource_type = "virtualMachines"

    def __init__(self, backend, subscription_id, resource_group, name, location, size="Standard_D2s_v3",
                 os_disk=None, data_disks=None, nics=None, os_profile=None, image_reference=None,
                 security_profile=None, boot_diagnostics=True, tags=None, zones=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.size = size
        self.vm_id = str(uuid.uuid4())
        self.os_disk = os_disk or {}  # {"id", "name", "createOption", "caching", "deleteOption", "osType"}
        self.data_disks = list(data_disks or [])  # [{"lun", "id", "name", "createOption", ...}]
        self.nics = list(nics or [])  # [{"id", "primary", "deleteOption"}]
        self.os_profile = os_profile
        self.image_reference = image_reference
        self.security_profile = security_profile
        self.boot_diagnostics = boot_diagnostics
        self.zones = zones
        self.provisioning_state = "Succeeded"
        self.power_state = "running"
        self.generalized = False
        self.etag = 1
        self.last_operation_time = self.time_created
        self.boot = None  # the last BootResult of the guest (fakeazure.guest), set by the backend

    # -- the disk objects behind the references ---------------------------------------------------
    def os_disk_model(self):
        return self.backend.cloud.find(self.os_disk.get("id", "")) if self.os_disk.get("id") else None

    def hyper_v_generation(self):
        disk = self.os_disk_model()
        return (disk.hyper_v_generation if disk is not None else None) or "V1"

    def storage_profile(self):
        disk = self.os_disk_model()
        os_disk = {"osType": self.os_disk.get("osType") or (disk.os_type if disk else None),
                   "name": self.os_disk.get("name") or (disk.name if disk else None),
                   "createOption": self.os_disk.get("createOption", "FromImage"),
                   "caching": self.os_disk.get("caching", "ReadWrite"),
                   "managedDisk": {"storageAccountType": disk.sku if disk else "Premium_LRS",
                                   "id": self.os_disk.get("id")},
                   "deleteOption": self.os_disk.get("deleteOption", "Detach"),
                   "diskSizeGB": disk.size_gb if disk else 127}
        if self.security_profile and self.security_profile.get("securityType") == "TrustedLaunch":
            pass
        data = []
        for d in sorted(self.data_disks, key=lambda x: x["lun"]):
            model = self.backend.cloud.find(d["id"])
            data.append({"lun": d["lun"], "name": d.get("name") or (model.name if model else None),
                         "createOption": d.get("createOption", "Attach"), "caching": d.get("caching", "None"),
                         "managedDisk": {"storageAccountType": model.sku if model else "Premium_LRS",
                                         "id": d["id"]},
                         "deleteOption": d.get("deleteOption", "Detach"),
                         "diskSizeGB": model.size_gb if model else None, "toBeDetached": False})
        profile = {}
        if self.image_reference:
            profile["imageReference"] = self.image_reference
        profile["osDisk"] = os_disk
        profile["dataDisks"] = data
        return profile

    def to_json(self, instance_view=False):
        props = {"hardwareProfile": {"vmSize": self.size}, "provisioningState": self.provisioning_state,
                 "vmId": self.vm_id}
        if self.boot_diagnostics is not None:
            props["diagnosticsProfile"] = {"bootDiagnostics": {"enabled": bool(self.boot_diagnostics)}}
        if self.security_profile:
            props["securityProfile"] = self.security_profile
        props["storageProfile"] = self.storage_profile()
        if self.os_profile:
            props["osProfile"] = {k: v for k, v in self.os_profile.items() if k != "adminPassword"}
        props["networkProfile"] = {"networkInterfaces": [
            {k: v for k, v in n.items() if k in ("id", "properties")} if "properties" in n else
            {"id": n["id"], **({"properties": {"primary": n["primary"]}} if "primary" in n else {}),
             **({"properties": {"deleteOption": n["deleteOption"]}} if "deleteOption" in n else {})}
            for n in self.nics]}
        if instance_view:
            props["instanceView"] = self.instance_view()
        props["timeCreated"] = iso(self.time_created)
        body = self.envelope(props)
        body["etag"] = '"{}"'.format(self.etag)
        if self.zones:
            body["zones"] = list(self.zones)
        return body

    def instance_view(self):
        view = {}
        up = self.power_state in ("running", "stopped", "stopping", "starting")
        boot = self.boot
        if up and boot is not None:
            if boot.computer_name:
                view["computerName"] = boot.computer_name
            view["osName"] = boot.os_name
            view["osVersion"] = boot.os_version
        if up:
            view["vmAgent"] = self.agent_view()
        disk = self.os_disk_model()
        view["disks"] = [{"name": d.name, "statuses": [{
            "code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded",
            "time": iso(self.last_operation_time)}]} for d in [disk] if d is not None]
        if self.boot_diagnostics:
            view["bootDiagnostics"] = {}
        view["hyperVGeneration"] = self.hyper_v_generation()
        statuses = [{"code": "ProvisioningState/{}".format(self.provisioning_state.lower()), "level": "Info"
                     if self.provisioning_state != "Failed" else "Error",
                     "displayStatus": "Provisioning {}".format(self.provisioning_state.lower()),
                     "time": iso(self.last_operation_time)}]
        if self.generalized:
            statuses.append({"code": "OSState/generalized", "level": "Info", "displayStatus": "VM generalized"})
        statuses.append({"code": "PowerState/{}".format(self.power_state), "level": "Info",
                         "displayStatus": "VM {}".format(self.power_state)})
        view["statuses"] = statuses
        return view

    def agent_view(self):
        boot = self.boot
        if boot is not None and boot.agent_ready and self.power_state == "running":
            return {"vmAgentVersion": "2.7.41491.1102", "statuses": [{
                "code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Ready",
                "message": "GuestAgent is running and processing the extensions.",
                "time": iso(self.backend.cloud.clock.now()).split(".")[0] + "+00:00"}]}
        return {"vmAgentVersion": "Unknown", "statuses": [{
            "code": "ProvisioningState/Unavailable", "level": "Warning", "displayStatus": "Not Ready",
            "message": "VM status blob is found but not yet populated.",
            "time": iso(self.backend.cloud.clock.now()).split(".")[0] + "+00:00"}]}


class ComputeBackend:
    def __init__(self, cloud):
        self.cloud = cloud
        self.vms = {}
        self.disks = {}

    # -- lookups ----------------------------------------------------------------------------------
    def _get(self, table, type_name, subscription_id, resource_group, name):
        self.cloud.resources.get_group(subscription_id, resource_group)
        obj = table.get(ids.key(ids.resource_id(subscription_id, resource_group, NS, type_name, name)))
        if obj is None:
            raise errors.ResourceNotFound("{}/{}".format(NS, type_name), name, resource_group)
        return obj

    def get_vm(self, subscription_id, resource_group, name):
        return self._get(self.vms, "virtualMachines", subscription_id, resource_group, name)

    def get_disk(self, subscription_id, resource_group, name):
        return self._get(self.disks, "disks", subscription_id, resource_group, name)

    def list_vms(self, subscription_id, resource_group=None):
        return self._list(self.vms, subscription_id, resource_group)

    def list_disks(self, subscription_id, resource_group=None):
        return self._list(self.disks, subscription_id, resource_group)

    def _list(self, table, subscription_id, resource_group):
        if resource_group is not None:
            self.cloud.resources.get_group(subscription_id, resource_group)
        out = []
        for obj in table.values():
            if obj.subscription_id.lower() != subscription_id.lower():
                continue
            if resource_group is not None and obj.resource_group.lower() != resource_group.lower():
                continue
            out.append(obj)
        return sorted(out, key=lambda o: o.id.lower())

    def get_by_id(self, rid):
        k = ids.key(rid)
        return self.vms.get(k) or self.disks.get(k)

    # -- writes used by scenarios -----------------------------------------------------------------
    def add_disk(self, disk):
        self.disks[ids.key(disk.id)] = disk
        return disk

    def add_vm(self, vm):
        self.vms[ids.key(vm.id)] = vm
        return vm

    # -- cross-provider hooks ---------------------------------------------------------------------
    def generic_resources(self, subscription_id, group):
        out = []
        for table in (self.vms, self.disks):
            for obj in table.values():
                if obj.subscription_id.lower() == subscription_id.lower() and \
                        obj.resource_group.lower() == group.lower():
                    out.append(obj.generic())
        return out

    def delete_group_contents(self, subscription_id, group):
        for table in (self.vms, self.disks):
            for k, obj in list(table.items()):
                if obj.subscription_id.lower() == subscription_id.lower() and \
                        obj.resource_group.lower() == group.lower():
                    del table[k]

    def dump(self):
        return {"virtualMachines": [vm.to_json(instance_view=True) for vm in self.vms.values()],
                "disks": [d.to_json() for d in self.disks.values()]}


def boot_vm(backend, vm, provisioning=None):
    """Run the guest on the VM's OS disk (fakeazure.guest) and keep what it shows."""
    disk = vm.os_disk_model()
    if disk is None or disk.guest is None:
        vm.boot = None
        return None
    from ..guest import boot
    data = []
    for d in sorted(vm.data_disks, key=lambda x: x["lun"]):
        model = backend.cloud.find(d["id"])
        data.append(model.guest if model is not None else None)
    vm.boot = boot(disk.guest, provisioning=provisioning, data_disks=data)
    return vm.boot
