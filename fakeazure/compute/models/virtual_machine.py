"""The virtual machine resource: its model, its body in each shape ARM gives it, and its instance view
(shared/fidelity/vm-get.yaml). The operations on it are in :mod:`.virtual_machines` and :mod:`.vm_actions`."""
import uuid

from ...core import ids
from ...core.clock import iso
from ...core.properties import overlay, set_at, value_at
from ..checks import security_type as _security
from .base import ComputeResource


class VirtualMachine(ComputeResource):
    resource_type = "virtualMachines"

    def __init__(self, backend, subscription_id, resource_group, name, location, size="Standard_D2s_v3",
                 os_disk=None, data_disks=None, nics=None, os_profile=None, image_reference=None,
                 security_profile=None, boot_diagnostics=True, tags=None, zones=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.size = size
        self.vm_id = str(uuid.uuid4())
        # {"id", "name", "createOption", "caching", "deleteOption", "osType", "diffDiskSettings"}
        self.os_disk = os_disk or {}
        # [{"lun", "id", "name", "createOption", "caching", "deleteOption", "diskSizeGB", ...}]
        self.data_disks = list(data_disks or [])
        self.nics = list(nics or [])  # [{"id", "properties": {...}}]
        self.os_profile = os_profile
        self.image_reference = image_reference
        self.security_profile = security_profile
        self.boot_diagnostics = boot_diagnostics
        self.zones = zones
        self.provisioning_error = None  # the ArmError of a failed provisioning
        self.power_state = "running"
        self.generalized = False
        self.etag = 1
        self.identity = None  # the identity block as Azure returns it (principal and tenant ids filled in)
        self.user_data = None  # returned only with $expand=userData
        self.custom_data = None  # never returned; kept to refuse a change (compute.properties)
        self.last_operation_time = self.time_created
        self.last_heartbeat = None  # when the guest agent last reported (set when a running VM stops)
        self.boot = None  # the last BootResult of the guest (fakeazure.guest), set by boot_vm
        self.boots = 0  # how many times the guest booted (the control API's state shows it)
        self.ephemeral_disk = None  # a Disk object that is not an ARM resource (ephemeral OS disk)

    @property
    def etag_value(self):
        return '"{}"'.format(self.etag)

    @property
    def security_type(self):
        return _security((self.security_profile or {}).get("securityType"))

    # -- properties kept as sent (compute.properties): the security and diagnostics profiles ----------
    @property
    def security_profile(self):
        return value_at(self.kept, "properties.securityProfile")

    @security_profile.setter
    def security_profile(self, value):
        if value:
            set_at(self.kept, "properties.securityProfile", value)
        else:
            self.kept.get("properties", {}).pop("securityProfile", None)

    @property
    def boot_diagnostics(self):
        """None: no diagnosticsProfile; else whether boot diagnostics are on."""
        diag = value_at(self.kept, "properties.diagnosticsProfile.bootDiagnostics")
        return None if diag is None else bool(diag.get("enabled"))

    @boot_diagnostics.setter
    def boot_diagnostics(self, enabled):
        if enabled is None:
            self.kept.get("properties", {}).pop("diagnosticsProfile", None)
        else:
            set_at(self.kept, "properties.diagnosticsProfile.bootDiagnostics.enabled", bool(enabled))

    def set_identity(self, identity):
        """The identity Azure keeps: a principal for a system-assigned identity, ids for user-assigned ones."""
        saved = self.identity
        kind = (identity or {}).get("type") or "None"
        if kind.lower() == "none":
            self.identity = None
        else:
            out = {"type": kind}
            if "systemassigned" in kind.lower().replace(" ", "").replace(",", ""):
                old = saved or {}
                out["principalId"] = old.get("principalId") or str(uuid.uuid5(uuid.NAMESPACE_URL, self.id + "/mi"))
                out["tenantId"] = self.backend.cloud.identity.tenant_id
            users = identity.get("userAssignedIdentities") or {}
            if users:
                out["userAssignedIdentities"] = {
                    rid: {"principalId": str(uuid.uuid5(uuid.NAMESPACE_URL, rid.lower() + "/p")),
                          "clientId": str(uuid.uuid5(uuid.NAMESPACE_URL, rid.lower() + "/c"))} for rid in users}
            self.identity = out

        def undo():
            self.identity = saved
        return undo

    def set_user_data(self, value):
        saved = self.user_data
        self.user_data = value

        def undo():
            self.user_data = saved
        return undo

    # -- the disk objects behind the references ---------------------------------------------------
    def os_disk_model(self):
        if self.ephemeral_disk is not None:
            return self.ephemeral_disk
        rid = self.os_disk.get("id")
        return self.backend.disks.get(ids.key(rid)) if rid else None

    def data_disk_models(self):
        out = []
        for d in sorted(self.data_disks, key=lambda x: x["lun"]):
            out.append(self.backend.disks.get(ids.key(d["id"])) if d.get("id") else None)
        return out

    def hyper_v_generation(self):
        disk = self.os_disk_model()
        return (disk.hyper_v_generation if disk is not None else None) or self.os_disk.get("generation") or "V1"

    def os_type(self):
        disk = self.os_disk_model()
        return self.os_disk.get("osType") or (disk.os_type if disk is not None else None)

    def storage_profile(self):
        disk = self.os_disk_model()
        os_disk = {"osType": self.os_type(),
                   "name": self.os_disk.get("name") or (disk.name if disk else None),
                   "createOption": self.os_disk.get("createOption", "FromImage")}
        if self.os_disk.get("diffDiskSettings"):
            os_disk["diffDiskSettings"] = self.os_disk["diffDiskSettings"]
        os_disk["caching"] = self.os_disk.get("caching", "ReadWrite")
        managed = {"storageAccountType": disk.sku if disk is not None else
                   self.os_disk.get("storageAccountType", "Premium_LRS")}
        if self.os_disk.get("id"):
            managed["id"] = self.os_disk["id"]
        if self.security_type != "Standard" and self.security_type != "TrustedLaunch":
            managed["securityProfile"] = {"securityEncryptionType": "VMGuestStateOnly"}
        os_disk["managedDisk"] = managed
        os_disk["deleteOption"] = self.os_disk.get("deleteOption", "Detach")
        os_disk["diskSizeGB"] = disk.size_gb if disk is not None else self.os_disk.get("diskSizeGB", 127)
        data = []
        for d in sorted(self.data_disks, key=lambda x: x["lun"]):
            model = self.backend.disks.get(ids.key(d["id"])) if d.get("id") else None
            entry = {"lun": d["lun"]}
            name = d.get("name") or (model.name if model is not None else None)
            if name:
                entry["name"] = name
            entry["createOption"] = d.get("createOption", "Attach")
            entry["caching"] = d.get("caching") or "None"
            md = {"storageAccountType": model.sku if model is not None else d.get("storageAccountType",
                                                                                     "Premium_LRS")}
            if d.get("id"):
                md["id"] = d["id"]
            entry["managedDisk"] = md
            entry["deleteOption"] = d.get("deleteOption", "Detach")
            entry["diskSizeGB"] = model.size_gb if model is not None else d.get("diskSizeGB")
            entry["toBeDetached"] = bool(d.get("toBeDetached", False))
            data.append(entry)
        profile = {}
        if self.image_reference:
            profile["imageReference"] = self.image_reference
        profile["osDisk"] = os_disk
        profile["dataDisks"] = data
        return profile

    def to_json(self, instance_view=False, user_data=False):
        props = {"hardwareProfile": {"vmSize": self.size}, "provisioningState": self.provisioning_state,
                 "vmId": self.vm_id, "storageProfile": self.storage_profile()}
        if self.os_profile:
            props["osProfile"] = {k: v for k, v in self.os_profile.items() if k != "adminPassword"}
        props["networkProfile"] = {"networkInterfaces": [
            {k: v for k, v in n.items() if k in ("id", "properties")} for n in self.nics]}
        if self.security_profile:
            props["securityProfile"] = self.security_profile
        if self.boot_diagnostics is not None:
            props["diagnosticsProfile"] = {"bootDiagnostics": {"enabled": bool(self.boot_diagnostics)}}
        if instance_view:
            props["instanceView"] = self.instance_view()
        props["timeCreated"] = iso(self.time_created)
        if user_data and self.user_data is not None:
            props["userData"] = self.user_data
        body = self.envelope(props)
        body["etag"] = self.etag_value
        extensions = self.backend.extensions_of(self)
        if extensions:  # the VM's extensions, after its etag (shared/fidelity vm-get.yaml)
            body["resources"] = [e.to_json() for e in extensions]
        if self.identity:
            body["identity"] = dict(self.identity)
        if self.zones:
            body["zones"] = list(self.zones)
        return overlay(body, self.kept)

    # -- instance view (shared/fidelity/vm-get.yaml, README item 11) -------------------------------
    def instance_view(self):
        view = {}
        allocated = self.power_state not in ("deallocated", "deallocating")
        boot = self.boot
        if allocated and boot is not None and getattr(boot, "agent_ready", False):
            if getattr(boot, "computer_name", None):
                view["computerName"] = boot.computer_name
            view["osName"] = boot.os_name
            view["osVersion"] = boot.os_version
        if allocated and self.power_state != "starting" or (allocated and boot is not None):
            view["vmAgent"] = self.agent_view()
        agent = view.get("vmAgent")
        extensions = self.backend.extensions_of(self) if "vmAgent" in view else []
        if agent is not None and "extensionHandlers" in agent:
            agent["extensionHandlers"] = [e.handler_view() for e in extensions]
        disks = []
        for d in [self.os_disk_model()] + self.data_disk_models():
            if d is not None:
                disks.append({"name": d.name, "statuses": [{
                    "code": "ProvisioningState/succeeded", "level": "Info",
                    "displayStatus": "Provisioning succeeded", "time": iso(self.last_operation_time)}]})
        view["disks"] = disks
        if extensions:  # no "extensions" member when the VM has none (vm-get.yaml notes)
            view["extensions"] = [e.instance_view() for e in extensions]
        if self.boot_diagnostics:
            view["bootDiagnostics"] = {}
        view["hyperVGeneration"] = self.hyper_v_generation()
        view["statuses"] = self.run_time_statuses()
        return view

    def run_time_statuses(self):
        """The instance view's ``statuses`` (provisioning, OSState/generalized, power): all that a
        ``statusOnly=true`` list carries of a VM."""
        state = self.provisioning_state.lower()
        if state == "failed":
            err = self.provisioning_error
            status = {"code": "ProvisioningState/failed/{}".format(err.code if err else "InternalExecutionError"),
                      "level": "Error", "displayStatus": "Provisioning failed"}
            if err is not None:
                status["message"] = err.message
            status["time"] = iso(self.last_operation_time)
        else:
            status = {"code": "ProvisioningState/{}".format(state), "level": "Info",
                      "displayStatus": "Provisioning succeeded" if state == "succeeded" else
                      self.provisioning_state, "time": iso(self.last_operation_time)}
        statuses = [status]
        if self.generalized:
            statuses.append({"code": "OSState/generalized", "level": "Info", "displayStatus": "VM generalized"})
        statuses.append({"code": "PowerState/{}".format(self.power_state), "level": "Info",
                         "displayStatus": "VM {}".format(self.power_state)})
        return statuses

    def graph_instance_view(self):
        """``properties.extended.instanceView`` as Azure Resource Graph shows it: the power state, and
        what the guest agent reported (osName, osVersion, computerName) while it reports."""
        power = self.run_time_statuses()[-1]
        view = {"powerState": {k: power[k] for k in ("code", "displayStatus", "level")}}
        boot = self.boot
        if self.power_state not in ("deallocated", "deallocating") and boot is not None and \
                getattr(boot, "agent_ready", False):
            view.update(osName=boot.os_name, osVersion=boot.os_version)
            if getattr(boot, "computer_name", None):
                view["computerName"] = boot.computer_name
        view["hyperVGeneration"] = self.hyper_v_generation()
        return view

    def agent_view(self):
        """The agent's report: heartbeats while the VM runs (time: now); a stopped VM keeps the agent's last
        report (fidelity README item 11: stopped VMs keep vmAgent), dated when it was made."""
        boot = self.boot
        when = self.backend.cloud.clock.now()
        if self.power_state == "stopped" and self.last_heartbeat is not None:
            when = self.last_heartbeat
        now = iso(when).split(".")[0] + "+00:00"
        if boot is not None and getattr(boot, "agent_ready", False):
            version = "2.7.41491.1102" if self.os_type() == "Windows" else "2.9.1.1"
            return {"vmAgentVersion": version, "statuses": [{
                "code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Ready",
                "message": "Guest Agent is running", "time": now}], "extensionHandlers": []}
        return {"vmAgentVersion": "Unknown", "statuses": [{
            "code": "ProvisioningState/Unavailable", "level": "Warning", "displayStatus": "Not Ready",
            "message": "VM status blob is found but not yet populated.", "time": now}]}
