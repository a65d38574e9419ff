"""Compute resources and the Compute backend (the operations; no HTTP here).

Resources: virtual machines, managed disks, snapshots, managed images, galleries, gallery image
definitions and versions. Every copy of a disk (snapshot, image, version, new OS disk) carries the
guest model (:mod:`fakeazure.guest`) through ``guest.copy()``, taken when the request is accepted.

Long-running operations: a write validates at once (errors are synchronous, as Azure's are), puts the
resource in its transitional state (provisioningState Creating/Updating/Deleting, PowerState
starting/stopping/deallocating) and starts an operation whose ``on_success`` applies the effect and
whose ``on_failure`` puts the transitional state back (a create that fails leaves the VM ``Failed``,
as Azure does; a disk/snapshot/image whose create fails is removed). A resource with an operation in
progress refuses other writes with 409 Conflict.

Error texts are Azure's where a public record of them was found (named in the comments with
"seen:"); the others follow the same pattern and say "wording not verified".
"""
import uuid

from ..core import errors, ids
from ..core.clock import iso
from . import marketplace, skus

NS = "Microsoft.Compute"

_PREMIUM_TIERS = [(4, "P1", 120, 25), (8, "P2", 120, 25), (16, "P3", 120, 25), (32, "P4", 120, 25),
                  (64, "P6", 240, 50), (128, "P10", 500, 100), (256, "P15", 1100, 125),
                  (512, "P20", 2300, 150), (1024, "P30", 5000, 200), (2048, "P40", 7500, 250),
                  (4096, "P50", 7500, 250), (8192, "P60", 16000, 500), (16384, "P70", 18000, 750),
                  (32767, "P80", 20000, 900)]


def _lower(s):
    return (s or "").lower()


def _gen_number(gen):
    return "2" if _lower(gen) == "v2" else "1"


def _security(value):
    """Normalise a security type: None/'' -> 'Standard'."""
    return value or "Standard"


# ------------------------------------------------------------------------------------------------
# Resources
# ------------------------------------------------------------------------------------------------
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
        self.pending_op = None  # id of the operation in progress on this resource

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, NS, self.resource_type, self.name)

    @property
    def full_type(self):
        return "{}/{}".format(NS, self.resource_type)

    def envelope(self, properties):
        body = {"name": self.name, "id": self.id, "type": self.full_type, "location": self.location,
                "tags": self.tags}  # Azure emits "tags": {} when there are none (fidelity vm-get.yaml)
        body["properties"] = properties
        return body

    def generic(self):
        return {"id": self.id, "name": self.name, "type": self.full_type, "location": self.location,
                "tags": self.tags}

    def busy(self):
        if not self.pending_op:
            return False
        op = self.backend.cloud.operations.get(self.pending_op)
        return op is not None and not op.done


class Disk(ComputeResource):
    resource_type = "disks"

    def __init__(self, backend, subscription_id, resource_group, name, location, size_gb=127,
                 sku="Premium_LRS", os_type=None, hyper_v_generation=None, creation_data=None,
                 security_type=None, guest=None, tags=None, zones=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.size_gb = int(size_gb)
        self.sku = sku or "Premium_LRS"
        self.os_type = os_type
        self.hyper_v_generation = hyper_v_generation
        self.creation_data = creation_data or {"createOption": "Empty"}
        self.security_type = security_type if security_type not in (None, "", "Standard") else None
        self.guest = guest
        self.managed_by = None
        self.unique_id = str(uuid.uuid4())
        self.zones = zones
        self.provisioning_state = "Succeeded"
        self.sas_active = False  # set by the disk access (grant/revoke) operations

    @property
    def disk_state(self):
        if self.sas_active:
            return "ActiveSAS"
        if not self.managed_by:
            return "Unattached"
        vm = self.backend.vms.get(ids.key(self.managed_by))
        if vm is not None and vm.power_state in ("deallocated", "deallocating"):
            return "Reserved"
        return "Attached"

    def _tier(self):
        for limit, tier, iops, mbps in _PREMIUM_TIERS:
            if self.size_gb <= limit:
                return tier, iops, mbps
        return "P80", 20000, 900

    def sku_json(self):
        tier = self.sku.split("_")[0]
        return {"name": self.sku, "tier": {"StandardSSD": "Standard", "UltraSSD": "Ultra"}.get(tier, tier)}

    def to_json(self):
        props = {}
        if self.os_type:
            props["osType"] = self.os_type
        if self.hyper_v_generation:
            props["hyperVGeneration"] = self.hyper_v_generation
        props["creationData"] = self.creation_data
        props["diskSizeGB"] = self.size_gb
        premium = self.sku.startswith("Premium")
        if premium:
            _, iops, mbps = self._tier()
            props["diskIOPSReadWrite"] = iops
            props["diskMBpsReadWrite"] = mbps
        elif self.sku != "Standard_LRS" or True:
            props["diskIOPSReadWrite"] = 500
            props["diskMBpsReadWrite"] = 60
        props["encryption"] = {"type": "EncryptionAtRestWithPlatformKey"}
        props["networkAccessPolicy"] = "AllowAll"
        if self.security_type:
            props["securityProfile"] = {"securityType": self.security_type}
        props["publicNetworkAccess"] = "Enabled"
        props["timeCreated"] = iso(self.time_created)
        props["provisioningState"] = self.provisioning_state
        props["diskState"] = self.disk_state
        props["diskSizeBytes"] = self.size_gb * 1024 ** 3
        props["uniqueId"] = self.unique_id
        if premium:
            props["tier"] = self._tier()[0]
        body = {"name": self.name, "id": self.id, "type": self.full_type, "location": self.location,
                "tags": self.tags}
        if self.managed_by:
            body["managedBy"] = self.managed_by
        body["sku"] = self.sku_json()
        if self.zones:
            body["zones"] = list(self.zones)
        body["properties"] = props
        return body


class Snapshot(Disk):
    resource_type = "snapshots"

    def __init__(self, *args, incremental=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.incremental = bool(incremental)

    @property
    def disk_state(self):
        return "ActiveSAS" if self.sas_active else "Unattached"

    def sku_json(self):
        name = "Standard_ZRS" if self.incremental and self.sku.startswith("Premium") else self.sku
        return {"name": name, "tier": "Premium" if name.startswith("Premium") else "Standard"}

    def to_json(self):
        body = super().to_json()
        props = body["properties"]
        for k in ("diskIOPSReadWrite", "diskMBpsReadWrite", "tier"):
            props.pop(k, None)
        out = {}
        for k, v in props.items():  # 'incremental' sits after 'encryption' (fidelity snapshot-create)
            out[k] = v
            if k == "encryption":
                out["incremental"] = self.incremental
        body["properties"] = out
        body.pop("managedBy", None)
        return body


class Image(ComputeResource):
    resource_type = "images"

    def __init__(self, backend, subscription_id, resource_group, name, location, os_type, os_state,
                 hyper_v_generation="V1", source_vm_id=None, os_disk_ref=None, size_gb=None,
                 guest=None, security_type=None, data_disks=None, tags=None, storage_account_type=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.os_type = os_type
        self.os_state = os_state
        self.hyper_v_generation = hyper_v_generation or "V1"
        self.source_vm_id = source_vm_id
        self.os_disk_ref = os_disk_ref or {}  # {"managedDisk": {"id"}} or {"snapshot": {"id"}}
        self.size_gb = size_gb
        self.guest = guest
        self.security_type = security_type
        self.data_disks = list(data_disks or [])
        self.storage_account_type = storage_account_type or "Standard_LRS"
        self.provisioning_state = "Succeeded"

    def to_json(self):
        os_disk = {"osType": self.os_type, "osState": self.os_state}
        if self.provisioning_state == "Succeeded" and self.size_gb:
            os_disk["diskSizeGB"] = self.size_gb
        os_disk.update(self.os_disk_ref)
        os_disk["caching"] = "ReadWrite" if self.source_vm_id else "None"
        os_disk["storageAccountType"] = self.storage_account_type
        props = {}
        if self.source_vm_id:
            props["sourceVirtualMachine"] = {"id": self.source_vm_id}
        props["storageProfile"] = {"osDisk": os_disk, "dataDisks": list(self.data_disks)}
        props["provisioningState"] = self.provisioning_state
        props["hyperVGeneration"] = self.hyper_v_generation
        return self.envelope(props)


class Gallery(ComputeResource):
    resource_type = "galleries"

    def __init__(self, *args, description=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.description = description
        self.provisioning_state = "Succeeded"
        self.unique_name = "{}-{}".format(self.subscription_id[:8], self.name.upper())

    def to_json(self):
        props = {}
        if self.description:
            props["description"] = self.description
        props["identifier"] = {"uniqueName": self.unique_name}
        props["provisioningState"] = self.provisioning_state
        return self.envelope(props)


class GalleryImage(ComputeResource):
    resource_type = "galleries/images"

    def __init__(self, backend, subscription_id, resource_group, gallery, name, location, os_type, os_state,
                 hyper_v_generation="V1", identifier=None, features=None, architecture="x64", tags=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.gallery = gallery
        self.os_type = os_type
        self.os_state = os_state
        self.hyper_v_generation = hyper_v_generation or "V1"
        self.identifier = identifier or {}
        self.features = list(features or [])
        self.architecture = architecture or "x64"
        self.provisioning_state = "Succeeded"

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, NS, "galleries", self.gallery,
                               "images", self.name)

    @property
    def security_type(self):
        for f in self.features:
            if _lower(f.get("name")) == "securitytype":
                return f.get("value")
        return "Standard"

    def to_json(self):
        props = {"hyperVGeneration": self.hyper_v_generation, "architecture": self.architecture,
                 "osType": self.os_type, "osState": self.os_state, "identifier": self.identifier}
        if self.features:
            props["features"] = self.features
        props["provisioningState"] = self.provisioning_state
        return self.envelope(props)


class GalleryImageVersion(ComputeResource):
    resource_type = "galleries/images/versions"

    def __init__(self, backend, subscription_id, resource_group, gallery, image, name, location, source,
                 size_gb, guest, target_regions=None, exclude_from_latest=False, tags=None,
                 data_disk_images=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.gallery = gallery
        self.image = image
        self.source = source  # {"id": ...} or {"virtualMachineId": ...}
        self.size_gb = size_gb
        self.guest = guest
        self.target_regions = target_regions
        self.exclude_from_latest = bool(exclude_from_latest)
        self.data_disk_images = list(data_disk_images or [])
        self.provisioning_state = "Succeeded"

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, NS, "galleries", self.gallery,
                               "images", self.image, "versions", self.name)

    def definition(self):
        return self.backend.gallery_images.get(ids.key(ids.resource_id(
            self.subscription_id, self.resource_group, NS, "galleries", self.gallery, "images", self.image)))

    def to_json(self):
        from ..cloud import LOCATIONS
        display = dict(LOCATIONS)
        regions = self.target_regions or [{"name": self.location}]
        targets = [{"name": display.get(_lower(r.get("name")).replace(" ", ""), r.get("name")),
                    "regionalReplicaCount": r.get("regionalReplicaCount", 1),
                    "storageAccountType": r.get("storageAccountType", "Standard_LRS")} for r in regions]
        props = {"publishingProfile": {"targetRegions": targets, "replicaCount": 1,
                                       "excludeFromLatest": self.exclude_from_latest,
                                       "publishedDate": iso(self.time_created),
                                       "storageAccountType": "Standard_LRS"},
                 "storageProfile": {"source": self.source,
                                    "osDiskImage": {"sizeInGB": self.size_gb, "hostCaching": "ReadWrite",
                                                    "source": {}},
                                    "dataDiskImages": list(self.data_disk_images)},
                 "safetyProfile": {"reportedForPolicyViolation": False,
                                   "allowDeletionOfReplicatedLocations": False},
                 "validationsProfile": {"validationOperationStatus": "NotExecuted"},
                 "provisioningState": self.provisioning_state}
        return self.envelope(props)


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
        self.provisioning_state = "Succeeded"
        self.provisioning_error = None  # the ArmError of a failed provisioning
        self.power_state = "running"
        self.generalized = False
        self.etag = 1
        self.last_operation_time = self.time_created
        self.boot = None  # the last BootResult of the guest (fakeazure.guest), set by boot_vm
        self.ephemeral_disk = None  # a Disk object that is not an ARM resource (ephemeral OS disk)

    @property
    def etag_value(self):
        return '"{}"'.format(self.etag)

    @property
    def security_type(self):
        return _security((self.security_profile or {}).get("securityType"))

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

    def to_json(self, instance_view=False):
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
        body = self.envelope(props)
        body["etag"] = self.etag_value
        if self.zones:
            body["zones"] = list(self.zones)
        return body

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
        disks = []
        for d in [self.os_disk_model()] + self.data_disk_models():
            if d is not None:
                disks.append({"name": d.name, "statuses": [{
                    "code": "ProvisioningState/succeeded", "level": "Info",
                    "displayStatus": "Provisioning succeeded", "time": iso(self.last_operation_time)}]})
        view["disks"] = disks
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
        boot = self.boot
        now = iso(self.backend.cloud.clock.now()).split(".")[0] + "+00:00"
        if boot is not None and getattr(boot, "agent_ready", False):
            version = "2.7.41491.1102" if self.os_type() == "Windows" else "2.9.1.1"
            return {"vmAgentVersion": version, "statuses": [{
                "code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Ready",
                "message": "Guest Agent is running", "time": now}], "extensionHandlers": []}
        return {"vmAgentVersion": "Unknown", "statuses": [{
            "code": "ProvisioningState/Unavailable", "level": "Warning", "displayStatus": "Not Ready",
            "message": "VM status blob is found but not yet populated.", "time": now}]}


# ------------------------------------------------------------------------------------------------
# The backend
# ------------------------------------------------------------------------------------------------
_TABLES = ("vms", "disks", "snapshots", "images", "galleries", "gallery_images", "gallery_versions")


class ComputeBackend:
    def __init__(self, cloud):
        self.cloud = cloud
        for t in _TABLES:
            setattr(self, t, {})
        self.quotas = skus.Quotas()

    # -- lookups ----------------------------------------------------------------------------------
    def _get(self, table, type_name, subscription_id, resource_group, *names):
        self.cloud.resources.get_group(subscription_id, resource_group)
        pairs = []
        for t, n in zip(type_name.split("/"), names):
            pairs += [t, n]
        obj = table.get(ids.key(ids.resource_id(subscription_id, resource_group, NS, *pairs)))
        if obj is None:
            raise errors.ResourceNotFound("{}/{}".format(NS, type_name), "/".join(names), resource_group)
        return obj

    def get_vm(self, subscription_id, resource_group, name):
        return self._get(self.vms, "virtualMachines", subscription_id, resource_group, name)

    def get_disk(self, subscription_id, resource_group, name):
        return self._get(self.disks, "disks", subscription_id, resource_group, name)

    def get_snapshot(self, subscription_id, resource_group, name):
        return self._get(self.snapshots, "snapshots", subscription_id, resource_group, name)

    def get_image(self, subscription_id, resource_group, name):
        return self._get(self.images, "images", subscription_id, resource_group, name)

    def get_gallery(self, subscription_id, resource_group, name):
        return self._get(self.galleries, "galleries", subscription_id, resource_group, name)

    def get_gallery_image(self, subscription_id, resource_group, gallery, name):
        return self._get(self.gallery_images, "galleries/images", subscription_id, resource_group, gallery, name)

    def get_gallery_version(self, subscription_id, resource_group, gallery, image, name):
        return self._get(self.gallery_versions, "galleries/images/versions", subscription_id, resource_group,
                         gallery, image, name)

    def _list(self, table, subscription_id, resource_group=None, parent=None):
        if resource_group is not None:
            self.cloud.resources.get_group(subscription_id, resource_group)
        sub = subscription_id.lower()
        rg = _lower(resource_group)
        prefix = ids.key(parent) + "/" if parent else None
        out = [o for o in table.values() if o.subscription_id.lower() == sub and
               (resource_group is None or o.resource_group.lower() == rg) and
               (prefix is None or ids.key(o.id).startswith(prefix))]
        return sorted(out, key=lambda o: o.id.lower())

    def list_vms(self, subscription_id, resource_group=None):
        return self._list(self.vms, subscription_id, resource_group)

    def list_disks(self, subscription_id, resource_group=None):
        return self._list(self.disks, subscription_id, resource_group)

    def list_snapshots(self, subscription_id, resource_group=None):
        return self._list(self.snapshots, subscription_id, resource_group)

    def list_images(self, subscription_id, resource_group=None):
        return self._list(self.images, subscription_id, resource_group)

    def list_galleries(self, subscription_id, resource_group=None):
        return self._list(self.galleries, subscription_id, resource_group)

    def list_gallery_images(self, subscription_id, resource_group, gallery):
        g = self.get_gallery(subscription_id, resource_group, gallery)
        return self._list(self.gallery_images, subscription_id, resource_group, parent=g.id)

    def list_gallery_versions(self, subscription_id, resource_group, gallery, image):
        d = self.get_gallery_image(subscription_id, resource_group, gallery, image)
        return self._list(self.gallery_versions, subscription_id, resource_group, parent=d.id)

    def get_by_id(self, rid):
        k = ids.key(rid or "")
        for t in _TABLES:
            obj = getattr(self, t).get(k)
            if obj is not None:
                return obj
        return None

    def _ref(self, rid, table, type_name, what=None):
        """A resource referenced by id in a request body, or Compute's 404 for it."""
        obj = getattr(self, table).get(ids.key(rid or ""))
        if obj is None:
            p = ids.parse(rid or "") or {}
            raise errors.NotFound("The Resource '{}/{}' under resource group '{}' was not found."
                                  .format(NS + "/" + type_name, p.get("name") or rid,
                                          p.get("resource_group") or ""), code="NotFound")
        return obj

    # -- writes used by scenarios -----------------------------------------------------------------
    def add_disk(self, disk):
        table = self.snapshots if isinstance(disk, Snapshot) else self.disks
        table[ids.key(disk.id)] = disk
        return disk

    def add_vm(self, vm):
        self.vms[ids.key(vm.id)] = vm
        return vm

    def add(self, obj):
        table = {VirtualMachine: self.vms, Disk: self.disks, Snapshot: self.snapshots, Image: self.images,
                 Gallery: self.galleries, GalleryImage: self.gallery_images,
                 GalleryImageVersion: self.gallery_versions}[type(obj)]
        table[ids.key(obj.id)] = obj
        return obj

    # -- operations -------------------------------------------------------------------------------
    def _start(self, obj, kind, on_success, on_failure, result_in_status=False):
        op = self.cloud.operations.start(obj.subscription_id, NS, obj.location, kind=kind,
                                         on_success=on_success, on_failure=on_failure,
                                         result_in_status=result_in_status)
        obj.pending_op = op.id
        return op

    @staticmethod
    def _not_busy(obj):
        if obj.busy():
            # seen: Azure answers concurrent writes on one VM with 409 Conflict and this text
            raise errors.Conflict("The request failed due to conflict with a concurrent request.")

    def _hex(self, seed):
        return uuid.uuid4().hex

    # -- quotas -----------------------------------------------------------------------------------
    def _quota_check(self, subscription_id, location, size, add_vcpus, exclude=None):
        vms = [v for v in self.vms.values() if v.subscription_id.lower() == subscription_id.lower() and
               v.location == location and v is not exclude]
        _, cores, per_family = self.quotas.usages(subscription_id, location, vms)
        # seen: "Operation could not be completed as it results in exceeding approved Total Regional
        # Cores quota. Additional details - Deployment Model: Resource Manager, Location: ..., Current
        # Limit: 10, Current Usage: 8, Additional Required: 4, (Minimum) New Limit Required: 12." (409)
        for name, label, current in ((size.family, "{} Cores".format(size.family), per_family.get(size.family, 0)),
                                     ("cores", "Total Regional Cores", cores)):
            limit = self.quotas.limit(subscription_id, location, name)
            if current + add_vcpus > limit:
                raise errors.OperationNotAllowed(
                    "Operation could not be completed as it results in exceeding approved {} quota. "
                    "Additional details - Deployment Model: Resource Manager, Location: {}, Current Limit: {}, "
                    "Current Usage: {}, Additional Required: {}, (Minimum) New Limit Required: {}. Submit a "
                    "request for Quota increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/"
                    "UsageAndQuota.ReactView/Parameters/ by specifying parameters listed in the 'Details' "
                    "section for deployment to succeed. Please read more about quota limits at "
                    "https://docs.microsoft.com/en-us/azure/azure-supportability/per-vm-quota-requests"
                    .format(label, location, limit, current, add_vcpus, current + add_vcpus))

    def usages(self, subscription_id, location):
        self.cloud.resources.get_subscription(subscription_id)
        loc = location.replace(" ", "").lower()
        vms = [v for v in self.vms.values() if v.subscription_id.lower() == subscription_id.lower() and
               v.location == loc]
        return self.quotas.usages(subscription_id, loc, vms)[0]

    def _size(self, name, location):
        size = skus.size(name)
        if size is None:
            raise errors.InvalidParameter(
                "The value {} provided for the VM size is not valid. The valid sizes in the current region "
                "are: {}.".format(name, ", ".join(s["name"] for s in skus.data()["virtualMachines"])),
                target="vmSize")  # wording not verified
        if size.restricted_in(location):
            # seen (Azure's SkuNotAvailable text)
            raise errors.ArmError(
                "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: "
                "{}' is currently not available in location '{}'. Please try another size or deploy to a "
                "different location or different zone. See https://aka.ms/azureskunotavailable for details."
                .format(size.name, location), code="SkuNotAvailable", status=409)
        return size

    # ============================================================================================
    # Virtual machines
    # ============================================================================================
    def create_or_update_vm(self, subscription_id, resource_group, name, body, patch=False, if_match=None):
        """PUT/PATCH a VM. Returns (vm, operation or None, http status, body to answer with)."""
        self.cloud.resources.get_group(subscription_id, resource_group)
        vm = self.vms.get(ids.key(ids.resource_id(subscription_id, resource_group, NS, "virtualMachines",
                                                  name)))
        if if_match and if_match != "*" and (vm is None or if_match != vm.etag_value):
            raise errors.ArmError("The condition specified using HTTP conditional header(s) is not met.",
                                  code="PreconditionFailed", status=412)
        if vm is not None:
            self.cloud.check_locks_for_write(vm.id)
            return self._update_vm(vm, body, patch)
        if patch:
            raise errors.ResourceNotFound(NS + "/virtualMachines", name, resource_group)
        return self._create_vm(subscription_id, resource_group, name, body)

    # -- create -----------------------------------------------------------------------------------
    def _resolve_image(self, ref, subscription_id, location):
        """What a FromImage OS disk comes from: dict(os_type, generation, os_state, security, guest,
        size_gb, exact_version, source_id, kind)."""
        rid = ref.get("id")
        if rid:
            p = ids.parse(rid) or {}
            rtype = _lower(p.get("type"))
            if rtype == "images":
                img = self.images.get(ids.key(rid))
                if img is None or img.location != location or img.provisioning_state != "Succeeded":
                    raise errors.NotFound("The Image '{}' cannot be found in '{}' region.".format(rid, location),
                                          code="NotFound")  # wording not verified
                return {"kind": "image", "os_type": img.os_type, "generation": img.hyper_v_generation,
                        "os_state": img.os_state, "security": _security(img.security_type),
                        "guest": img.guest, "size_gb": img.size_gb or 127, "source_id": img.id}
            if rtype in ("galleries/images/versions", "galleries/images"):
                if rtype == "galleries/images":
                    definition = self.gallery_images.get(ids.key(rid))
                    version = self._latest_version(definition) if definition is not None else None
                else:
                    version = self.gallery_versions.get(ids.key(rid))
                    definition = version.definition() if version is not None else None
                if version is None or definition is None or version.provisioning_state != "Succeeded":
                    # seen (GalleryImageNotFound shape); wording approximate
                    raise errors.NotFound("The gallery image {} is not available in {} region. Please contact "
                                          "image owner to replicate to this region, or change your requested "
                                          "region.".format(rid, location), code="GalleryImageNotFound")
                return {"kind": "gallery", "os_type": definition.os_type, "generation":
                        definition.hyper_v_generation, "os_state": definition.os_state,
                        "security": definition.security_type, "guest": version.guest,
                        "size_gb": version.size_gb or 127, "source_id": version.id}
            raise errors.InvalidParameter("The value of parameter imageReference.id is invalid.",
                                          target="imageReference.id")
        entry = marketplace.lookup(ref.get("publisher"), ref.get("offer"), ref.get("sku"))
        if entry is None:
            # seen: "The platform image 'p:o:s:v' is not available. Verify that all fields in the storage
            # profile are correct."
            raise errors.InvalidParameter(
                "The platform image '{}:{}:{}:{}' is not available. Verify that all fields in the storage "
                "profile are correct. For more details about storage profile information, please refer to "
                "https://aka.ms/storageprofile".format(ref.get("publisher"), ref.get("offer"), ref.get("sku"),
                                                       ref.get("version", "latest")),
                code="PlatformImageNotFound", target="imageReference")
        from ..guest import guest_from_spec
        return {"kind": "platform", "os_type": entry["os_type"], "generation": entry["generation"],
                "os_state": "Generalized", "security": "TrustedLaunchSupported",
                "guest": guest_from_spec(dict(entry["guest"])), "size_gb": entry["size_gb"],
                "exact_version": entry["exact_version"], "fresh": True,
                "source_id": marketplace.platform_image_id(self.cloud.default_subscription, location,
                                                           ref.get("publisher"), ref.get("offer"),
                                                           ref.get("sku"), entry["exact_version"])}

    def _latest_version(self, definition):
        best = None
        for v in self.gallery_versions.values():
            if v.exclude_from_latest or v.provisioning_state != "Succeeded":
                continue
            if ids.key(v.id).startswith(ids.key(definition.id) + "/"):
                key = tuple(int(x) if x.isdigit() else 0 for x in v.name.split("."))
                if best is None or key > best[0]:
                    best = (key, v)
        return best[1] if best else None

    @staticmethod
    def _check_os_profile(os_profile, os_type):
        if not os_profile:
            raise errors.InvalidParameter("Required parameter 'osProfile' is missing (null).", target="osProfile")
        if not os_profile.get("adminUsername"):
            raise errors.InvalidParameter("Required parameter 'adminUsername' is missing (null).",
                                          target="adminUsername")
        if os_type == "Windows":
            if not os_profile.get("adminPassword"):
                raise errors.InvalidParameter("Required parameter 'adminPassword' is missing (null).",
                                              target="adminPassword")
        else:
            lc = os_profile.get("linuxConfiguration") or {}
            keys = ((lc.get("ssh") or {}).get("publicKeys") or [])
            if not os_profile.get("adminPassword") and not keys:
                raise errors.InvalidParameter("Required parameter 'adminPassword' is missing (null).",
                                              target="adminPassword")

    def _attachable(self, disk, vm_id, vm_name):
        if disk.managed_by and not ids.same(disk.managed_by, vm_id):
            # wording not verified (pattern of Azure's OperationNotAllowed attach refusals)
            raise errors.OperationNotAllowed(
                "Cannot attach disk '{}' to VM '{}' because the disk is already owned by VM '{}'."
                .format(disk.name, vm_name, disk.managed_by), target="dataDisk")
        if disk.busy():
            raise errors.Conflict("The request failed due to conflict with a concurrent request.")

    def _parse_data_disks(self, entries, vm_id, vm_name, size, location, default_sku, existing=None):
        """Validate a dataDisks list; return normalised entries (new Empty disks without id)."""
        out = []
        luns = set()
        existing = {d["lun"]: d for d in (existing or [])}
        for raw in entries or []:
            lun = raw.get("lun")
            if lun is None:
                raise errors.InvalidParameter("Required parameter 'dataDisk.lun' is missing (null).",
                                              target="dataDisk.lun")
            lun = int(lun)
            if lun in luns:
                raise errors.InvalidParameter("A disk at LUN {} already exists.".format(lun), target="dataDisks")
            luns.add(lun)
            if raw.get("toBeDetached") or raw.get("detachOption"):
                continue
            option = raw.get("createOption") or "Attach"
            md = raw.get("managedDisk") or {}
            entry = {"lun": lun, "createOption": option, "caching": raw.get("caching") or "None",
                     "deleteOption": raw.get("deleteOption") or "Detach"}
            old = existing.get(lun)
            if md.get("id"):
                disk = self._ref(md["id"], "disks", "disks")
                same = old is not None and ids.same(old.get("id"), disk.id)
                if option.lower() == "empty" and not same:  # a disk already there keeps its createOption
                    # seen: InvalidParameterConflictingProperties
                    raise errors.ArmError("The property 'dataDisk.createOption' cannot have the value 'Empty' "
                                          "when property 'dataDisk.managedDisk.id' is set.",
                                          code="InvalidParameterConflictingProperties", status=400)
                if not same:
                    self._attachable(disk, vm_id, vm_name)
                if disk.location != location:
                    raise errors.InvalidParameter("Disk '{}' is in location '{}' but the VM is in '{}'."
                                                  .format(disk.name, disk.location, location),
                                                  target="dataDisk.managedDisk.id")  # wording not verified
                entry.update(id=disk.id, name=disk.name)
                if same:
                    entry["createOption"] = old.get("createOption", option)
            elif old is not None and old.get("id") and option.lower() != "empty":
                entry.update(id=old["id"], name=old.get("name"))
            elif option.lower() == "empty":
                if not raw.get("diskSizeGB"):
                    raise errors.InvalidParameter("Required parameter 'dataDisk.diskSizeGB' is missing (null).",
                                                  target="dataDisk.diskSizeGB")
                entry.update(diskSizeGB=int(raw["diskSizeGB"]), name=raw.get("name"),
                             storageAccountType=md.get("storageAccountType") or default_sku)
            else:
                raise errors.InvalidParameter("Required parameter 'dataDisk.managedDisk.id' is missing (null).",
                                              target="dataDisk.managedDisk.id")
            out.append(entry)
        if len(out) > size.max_data_disks:
            # seen (fidelity errors.yaml, 409 OperationNotAllowed target dataDisks)
            raise errors.OperationNotAllowed("The maximum number of data disks allowed to be attached to a VM "
                                             "of this size is {}.".format(size.max_data_disks), target="dataDisks")
        return out

    def _create_vm(self, sub, rg, name, body):
        location = _lower(body.get("location")).replace(" ", "")
        if not location:
            raise errors.BadRequest("The 'location' property is required for this definition.",
                                    code="LocationRequired")
        props = body.get("properties") or {}
        size_name = (props.get("hardwareProfile") or {}).get("vmSize") or "Standard_DS1_v2"
        size = self._size(size_name, location)
        sp = props.get("storageProfile") or {}
        osd = sp.get("osDisk") or {}
        option = _lower(osd.get("createOption") or "FromImage")
        image_ref = sp.get("imageReference")
        os_profile = props.get("osProfile")
        security_profile = props.get("securityProfile")
        vm_security = _security((security_profile or {}).get("securityType"))
        vm_id = ids.resource_id(sub, rg, NS, "virtualMachines", name)
        attach_disk = None
        if option == "attach":
            if image_ref:
                # seen (InvalidParameter, target osDisk)
                raise errors.InvalidParameter("Cannot attach an existing OS disk if the VM is created from a "
                                              "platform, user or a shared gallery image.", target="osDisk")
            md = osd.get("managedDisk") or {}
            if not md.get("id"):
                raise errors.InvalidParameter("Required parameter 'osDisk.managedDisk.id' is missing (null).",
                                              target="osDisk.managedDisk.id")
            attach_disk = self._ref(md["id"], "disks", "disks")
            self._attachable(attach_disk, vm_id, name)
            os_type = attach_disk.os_type or osd.get("osType")
            if not os_type:
                raise errors.InvalidParameter("Required parameter 'osDisk.osType' is missing (null).",
                                              target="osDisk.osType")  # seen
            if os_profile:
                raise errors.InvalidParameter("Parameter 'osProfile' is not allowed.", target="osProfile")  # seen
            src = {"kind": "attach", "os_type": os_type, "generation": attach_disk.hyper_v_generation or "V1",
                   "os_state": "Specialized", "security": _security(attach_disk.security_type), "guest": None,
                   "size_gb": attach_disk.size_gb}
        elif option == "fromimage":
            if not image_ref:
                raise errors.InvalidParameter("Required parameter 'imageReference' is missing (null).",
                                              target="imageReference")
            src = self._resolve_image(image_ref, sub, location)
            if src["os_state"] == "Generalized":
                self._check_os_profile(os_profile, src["os_type"])
            elif os_profile:
                raise errors.InvalidParameter("Parameter 'osProfile' is not allowed.", target="osProfile")
        else:
            raise errors.InvalidParameter("The value '{}' of parameter 'osDisk.createOption' is not allowed."
                                          .format(osd.get("createOption")), target="osDisk.createOption")
        gen = src["generation"] or "V1"
        if gen not in size.generations:
            # seen
            raise errors.BadRequest(
                "The selected VM size '{}' cannot boot Hypervisor Generation '{}'. If this was a Create operation "
                "please check that the Hypervisor Generation of the Image matches the Hypervisor Generation of "
                "the selected VM Size. If this was an Update operation please select a Hypervisor Generation "
                "'{}' VM Size. For more information, see https://aka.ms/azuregen2vm".format(
                    size.name, _gen_number(gen), _gen_number(gen)))
        self._check_security(vm_security, src, gen, size)
        self._quota_check(sub, location, size, size.vcpus)
        default_sku = "Premium_LRS" if size.premium_io else "Standard_LRS"
        data_entries = self._parse_data_disks(sp.get("dataDisks"), vm_id, name, size, location, default_sku)
        nics = []
        for n in ((props.get("networkProfile") or {}).get("networkInterfaces") or []):
            entry = {"id": n.get("id")}
            if n.get("properties"):
                entry["properties"] = dict(n["properties"])
            nics.append(entry)
        net = getattr(self.cloud, "network", None)
        if net is not None and hasattr(net, "attach_nic"):
            for n in nics:
                net.attach_nic(n["id"], vm_id)  # may raise NicReservedForAnotherVm / NicInUse
        # -- the model, in its transitional state ----------------------------------------------
        stored_profile = None
        if os_profile:
            stored_profile = {"computerName": os_profile.get("computerName") or name[:15],
                              "adminUsername": os_profile.get("adminUsername")}
            if src["os_type"] == "Windows":
                wc = dict(os_profile.get("windowsConfiguration") or {})
                wc.setdefault("provisionVMAgent", True)
                wc.setdefault("enableAutomaticUpdates", True)
                wc.setdefault("patchSettings", {"patchMode": "AutomaticByOS", "assessmentMode": "ImageDefault"})
                stored_profile["windowsConfiguration"] = wc
            else:
                lc = dict(os_profile.get("linuxConfiguration") or {})
                lc.setdefault("disablePasswordAuthentication", not os_profile.get("adminPassword"))
                lc.setdefault("provisionVMAgent", True)
                lc.setdefault("patchSettings", {"patchMode": "ImageDefault", "assessmentMode": "ImageDefault"})
                stored_profile["linuxConfiguration"] = lc
            stored_profile.update(secrets=os_profile.get("secrets") or [], allowExtensionOperations=True,
                                  requireGuestProvisionSignal=True)
        stored_ref = None
        if image_ref:
            stored_ref = dict(image_ref)
            if src.get("exact_version"):
                stored_ref["exactVersion"] = src["exact_version"]
        diag = props.get("diagnosticsProfile")
        boot_diag = bool(((diag or {}).get("bootDiagnostics") or {}).get("enabled")) if diag else None
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
        vm = VirtualMachine(self, sub, rg, name, location, size=size.name, os_disk=os_disk_entry,
                            data_disks=data_entries, nics=nics, os_profile=stored_profile,
                            image_reference=stored_ref, security_profile=security_profile,
                            boot_diagnostics=boot_diag, tags=body.get("tags"), zones=body.get("zones"))
        vm.password_set = bool((os_profile or {}).get("adminPassword"))
        vm.provisioning_state = "Creating"
        vm.power_state = "starting"
        self.vms[ids.key(vm.id)] = vm
        # a copy of the source's guest is taken now (the disk is a copy of the image as it is now)
        guest = src.get("guest")
        guest = None if guest is None else (guest if src.get("fresh") else guest.copy())
        reply_body = vm.to_json()

        def done():
            self._vm_created(vm, src, guest, os_profile)

        def failed(err):
            vm.provisioning_state = "Failed"
            vm.provisioning_error = err
            vm.last_operation_time = self.cloud.clock.now()
            if vm.os_disk_model() is None:
                vm.power_state = "deallocated"

        op = self._start(vm, "operations", done, failed)
        return vm, op, 201, reply_body

    def _check_security(self, vm_security, src, gen, size):
        # wording not verified for these three refusals
        if vm_security in ("TrustedLaunch", "ConfidentialVM"):
            if gen != "V2":
                raise errors.InvalidParameter("Security type '{}' requires an image or disk of Hyper-V "
                                              "Generation 'V2'.".format(vm_security),
                                              target="securityProfile.securityType")
            if size.trusted_launch_disabled and vm_security == "TrustedLaunch":
                raise errors.BadRequest("The VM size '{}' is not supported for Trusted Launch.".format(size.name),
                                        code="BadRequest")
        src_sec = src.get("security") or "Standard"
        if src_sec in ("TrustedLaunch", "ConfidentialVM") and vm_security != src_sec:
            raise errors.BadRequest("The security type of the VM ('{}') is not compatible with the security "
                                    "type of its OS disk source ('{}').".format(vm_security, src_sec))

    def _vm_created(self, vm, src, guest, os_profile):
        """The effect of a VM create: its disks exist, the guest boots and provisions."""
        sub, rg = vm.subscription_id, vm.resource_group
        gen = src["generation"] or "V1"
        if src["kind"] != "attach":
            name = vm.os_disk.get("name") or "{}_OsDisk_1_{}".format(vm.name, self._hex("os"))
            size_gb = max(int(vm.os_disk.get("diskSizeGB") or 0), int(src.get("size_gb") or 127))
            creation = {"createOption": "FromImage"}
            if src["kind"] == "gallery":
                creation["galleryImageReference"] = {"id": src["source_id"]}
            else:
                creation["imageReference"] = {"id": src["source_id"]}
            disk = Disk(self, sub, rg, name, vm.location, size_gb=size_gb,
                        sku=vm.os_disk.get("storageAccountType"), os_type=src["os_type"], hyper_v_generation=gen,
                        creation_data=creation,
                        security_type=vm.security_type if vm.security_type != "Standard" else None,
                        guest=guest, zones=vm.zones)
            disk.managed_by = vm.id
            if vm.os_disk.get("diffDiskSettings"):
                vm.ephemeral_disk = disk
                vm.os_disk["name"] = name
            else:
                self.disks[ids.key(disk.id)] = disk
                vm.os_disk.update(id=disk.id, name=disk.name)
        n = 2
        for d in sorted(vm.data_disks, key=lambda x: x["lun"]):
            if d.get("id"):
                continue
            dname = d.get("name") or "{}_disk{}_{}".format(vm.name, n, self._hex("data"))
            n += 1
            disk = Disk(self, sub, rg, dname, vm.location, size_gb=d.get("diskSizeGB") or 32,
                        sku=d.get("storageAccountType"), zones=vm.zones)
            disk.managed_by = vm.id
            self.disks[ids.key(disk.id)] = disk
            d.update(id=disk.id, name=disk.name)
        vm.power_state = "running"
        vm.last_operation_time = self.cloud.clock.now()
        vm.etag += 1
        answer = None
        if src["os_state"] == "Generalized" and src["kind"] != "attach":
            from ..guest.model import ProvisioningAnswer
            answer = ProvisioningAnswer(admin_username=os_profile.get("adminUsername"),
                                        computer_name=(vm.os_profile or {}).get("computerName"),
                                        admin_password_set=bool(os_profile.get("adminPassword")))
        result = boot_vm(self, vm, answer)
        failure = None
        if result is not None and src["kind"] != "attach":
            if answer is not None and not getattr(result, "provisioned", False):
                failure = _provisioning_timeout(vm.name, agent_seen=getattr(result, "agent_ready", False))
            elif answer is None and not getattr(result, "agent_ready", False):
                failure = _provisioning_timeout(vm.name, agent_seen=False)
        if failure is not None:
            vm.provisioning_state = "Failed"
            vm.provisioning_error = failure
            raise failure
        vm.provisioning_state = "Succeeded"

    # -- update -----------------------------------------------------------------------------------
    def _update_vm(self, vm, body, patch):
        self._not_busy(vm)
        props = body.get("properties") or {}
        sp = props.get("storageProfile") or {}
        changes = {}
        if "tags" in body or not patch:
            tags = dict(body.get("tags") or {})
            if tags != vm.tags:
                changes["tags"] = tags
        hw = props.get("hardwareProfile") or {}
        new_size = None
        if hw.get("vmSize") and _lower(hw["vmSize"]) != _lower(vm.size):
            new_size = self._size(hw["vmSize"], vm.location)
            if vm.hyper_v_generation() not in new_size.generations:
                raise errors.BadRequest(
                    "The selected VM size '{}' cannot boot Hypervisor Generation '{}'. If this was a Create "
                    "operation please check that the Hypervisor Generation of the Image matches the Hypervisor "
                    "Generation of the selected VM Size. If this was an Update operation please select a "
                    "Hypervisor Generation '{}' VM Size. For more information, see https://aka.ms/azuregen2vm"
                    .format(new_size.name, _gen_number(vm.hyper_v_generation()),
                            _gen_number(vm.hyper_v_generation())))
            old = skus.size(vm.size)
            self._quota_check(vm.subscription_id, vm.location, new_size, new_size.vcpus, exclude=vm)
            changes["size"] = new_size.name
            del old
        op_prof = props.get("osProfile") or {}
        if vm.os_profile:
            for k in ("computerName", "adminUsername"):
                if op_prof.get(k) and op_prof[k] != vm.os_profile.get(k):
                    raise errors.ArmError("Changing property '{}' is not allowed.".format(k),
                                          code="PropertyChangeNotAllowed", status=409, target=k)  # seen
        elif op_prof:
            raise errors.InvalidParameter("Parameter 'osProfile' is not allowed.", target="osProfile")
        ref = sp.get("imageReference")
        if ref and vm.image_reference:
            cur = vm.image_reference
            keys = ("id",) if ref.get("id") else ("publisher", "offer", "sku")
            if any(_lower(ref.get(k)) != _lower(cur.get(k)) for k in keys):
                raise errors.ArmError("Changing property 'imageReference' is not allowed.",
                                      code="PropertyChangeNotAllowed", status=409, target="imageReference")
        osd = sp.get("osDisk") or {}
        swap_to = None
        new_id = (osd.get("managedDisk") or {}).get("id")
        if new_id and not ids.same(new_id, vm.os_disk.get("id")):
            swap_to = self._check_swap(vm, new_id)
        if osd.get("deleteOption") and osd["deleteOption"] != vm.os_disk.get("deleteOption", "Detach"):
            if vm.os_disk.get("diffDiskSettings") and osd["deleteOption"] != "Delete":
                raise errors.InvalidParameter("Ephemeral OS disks are always deleted with the VM; deleteOption "
                                              "must be 'Delete'.", target="osDisk.deleteOption")  # not verified
            changes["osDeleteOption"] = osd["deleteOption"]
        new_data = None
        if "dataDisks" in sp:
            size = skus.size(changes.get("size") or vm.size)
            default_sku = vm.os_disk.get("storageAccountType") or "Premium_LRS"
            parsed = self._parse_data_disks(sp.get("dataDisks"), vm.id, vm.name, size, vm.location,
                                            default_sku, existing=vm.data_disks)
            if self._data_key(parsed) != self._data_key(vm.data_disks):
                new_data = parsed
        if new_size is None and "size" in changes:
            pass
        if not changes and swap_to is None and new_data is None:
            return vm, None, 200, vm.to_json()  # nothing to do: synchronous (fidelity vm-update.yaml PATCH)
        # -- apply at once (the 200 body shows the new model); undo if the operation fails ----------
        saved = {"tags": dict(vm.tags), "size": vm.size, "os_disk": dict(vm.os_disk),
                 "data_disks": [dict(d) for d in vm.data_disks], "power": vm.power_state,
                 "prov": vm.provisioning_state, "etag": vm.etag}
        managed_by_undo = []

        def set_owner(disk, owner):
            managed_by_undo.append((disk, disk.managed_by))
            disk.managed_by = owner

        if "tags" in changes:
            vm.tags = changes["tags"]
        if "size" in changes:
            vm.size = changes["size"]
        if "osDeleteOption" in changes:
            vm.os_disk["deleteOption"] = changes["osDeleteOption"]
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
        reply_body = vm.to_json()
        running = vm.power_state == "running"

        def done():
            n = 2 + len([d for d in vm.data_disks if d.get("id")])
            for d in sorted(vm.data_disks, key=lambda x: x["lun"]):
                if not d.get("id"):
                    dname = d.get("name") or "{}_disk{}_{}".format(vm.name, n, self._hex("data"))
                    n += 1
                    disk = Disk(self, vm.subscription_id, vm.resource_group, dname, vm.location,
                                size_gb=d.get("diskSizeGB") or 32, sku=d.get("storageAccountType"), zones=vm.zones)
                    disk.managed_by = vm.id
                    self.disks[ids.key(disk.id)] = disk
                    d.update(id=disk.id, name=disk.name)
            vm.provisioning_state = "Succeeded"
            vm.last_operation_time = self.cloud.clock.now()
            if running and "size" in changes:
                boot_vm(self, vm, None)  # a resize restarts the VM

        def failed(_err):
            vm.tags, vm.size = saved["tags"], saved["size"]
            vm.os_disk, vm.data_disks = saved["os_disk"], saved["data_disks"]
            vm.power_state, vm.provisioning_state = saved["power"], saved["prov"]
            for disk, owner in reversed(managed_by_undo):
                disk.managed_by = owner

        op = self._start(vm, "operations", done, failed)
        return vm, op, 200, reply_body

    @staticmethod
    def _data_key(entries):
        return sorted((d["lun"], _lower(d.get("id")) or "new:" + str(d.get("name")), d.get("caching"),
                       d.get("deleteOption")) for d in entries)

    def _check_swap(self, vm, new_id):
        disk = self._ref(new_id, "disks", "disks")
        if vm.os_disk.get("diffDiskSettings"):
            raise errors.OperationNotAllowed("OS disk swap is not supported for VMs with ephemeral OS disks.",
                                             target="osDisk")  # wording not verified
        if vm.power_state not in ("stopped", "deallocated"):
            # Azure requires the VM stopped or deallocated (a swap on a powered-off VM is recorded,
            # fidelity vm-update.yaml); wording not verified
            raise errors.OperationNotAllowed(
                "Operation 'Swap OS disk' is not allowed on VM '{}' since the VM is {}. Stop or deallocate "
                "the VM before swapping its OS disk.".format(vm.name, vm.power_state), target="osDisk")
        if disk.managed_by and not ids.same(disk.managed_by, vm.id):
            self._attachable(disk, vm.id, vm.name)
        if disk.os_type and vm.os_type() and disk.os_type != vm.os_type():
            raise errors.ArmError("Swapping OS Disk is not supported since OS type on the OSDisk and VM do not "
                                  "match. Please make sure the OS type on the OSDisk is '{}'".format(vm.os_type()),
                                  code="PropertyChangeNotAllowed", status=409, target="osDisk")  # not verified
        vm_gen = vm.hyper_v_generation()
        if (disk.hyper_v_generation or "V1") != vm_gen:
            # seen
            raise errors.ArmError("Swapping OS Disk is not supported since HyperVisor property on the OSDisk and "
                                  "VM do not match. Please make sure the HyperVisor property on the OSDisk is "
                                  "HyperVisor Generation '{}'".format(vm_gen), code="PropertyChangeNotAllowed",
                                  status=409, target="osDisk")
        if _security(disk.security_type) != vm.security_type and not (
                vm.security_type == "Standard" and _security(disk.security_type) == "TrustedLaunchSupported"):
            raise errors.ArmError("Swapping OS Disk is not supported since security type on the OSDisk ('{}') and "
                                  "VM ('{}') do not match.".format(_security(disk.security_type), vm.security_type),
                                  code="PropertyChangeNotAllowed", status=409, target="osDisk")  # not verified
        if disk.location != vm.location or (vm.zones and disk.zones and set(vm.zones) != set(disk.zones)):
            raise errors.ArmError("Swapping OS Disk is not supported since the OSDisk is not in the VM's location "
                                  "or zone.", code="PropertyChangeNotAllowed", status=409, target="osDisk")
        return disk

    # -- power ------------------------------------------------------------------------------------
    _POWER = {
        # action: (display name in refusals, transitional state, final state)
        "start": ("Start VM", "starting", "running"),
        "powerOff": ("Stop VM", "stopping", "stopped"),
        "deallocate": ("Deallocate VM", "deallocating", "deallocated"),
        "restart": ("Restart VM", "starting", "running"),
    }

    def power_action(self, subscription_id, resource_group, name, action, skip_shutdown=False):
        vm = self.get_vm(subscription_id, resource_group, name)
        self._not_busy(vm)
        label, transitional, final = self._POWER[action]
        if action in ("start", "restart") and vm.generalized:
            # seen: "Operation 'Start VM' is not allowed on VM 'x' since the VM is generalized."
            raise errors.OperationNotAllowed("Operation '{}' is not allowed on VM '{}' since the VM is "
                                             "generalized.".format(label, vm.name))
        if action == "restart" and vm.power_state != "running":
            raise errors.OperationNotAllowed("Operation '{}' is not allowed on VM '{}' since the VM is {}."
                                             .format(label, vm.name, vm.power_state))  # pattern as above
        if action == "start":
            self._quota_ok_to_start(vm)
        saved = (vm.power_state, vm.provisioning_state)
        if not (action == "powerOff" and vm.power_state == "deallocated"):
            vm.power_state = transitional
        vm.provisioning_state = "Updating"
        vm.etag += 1

        def done():
            vm.provisioning_state = "Succeeded"
            vm.last_operation_time = self.cloud.clock.now()
            if action == "powerOff" and saved[0] == "deallocated":
                vm.power_state = "deallocated"
                return None
            vm.power_state = final
            if final == "running":
                boot_vm(self, vm, None)
            return None

        def failed(_err):
            vm.power_state, vm.provisioning_state = saved

        return self._start(vm, "operations", done, failed)

    def _quota_ok_to_start(self, vm):
        return None  # quota counts every VM, allocated or not; starting needs no new quota

    def generalize_vm(self, subscription_id, resource_group, name):
        vm = self.get_vm(subscription_id, resource_group, name)
        self._not_busy(vm)
        if vm.power_state not in ("stopped", "deallocated"):
            # seen (MicrosoftDocs/azure-docs#86809): "Operation 'generalize' is not allowed on VM 'myVM'
            # since the VM is running."
            raise errors.OperationNotAllowed("Operation 'generalize' is not allowed on VM '{}' since the VM is {}."
                                             .format(vm.name, vm.power_state))
        vm.generalized = True
        vm.etag += 1
        vm.last_operation_time = self.cloud.clock.now()
        return vm

    def delete_vm(self, subscription_id, resource_group, name, force=False):
        """Returns the operation, or None when there is no such VM (Azure answers 204)."""
        self.cloud.resources.get_group(subscription_id, resource_group)
        vm = self.vms.get(ids.key(ids.resource_id(subscription_id, resource_group, NS, "virtualMachines", name)))
        if vm is None:
            return None
        self._not_busy(vm)
        self.cloud.check_locks_for_delete(vm.id)
        saved = (vm.provisioning_state, vm.power_state)
        vm.provisioning_state = "Deleting"

        def done():
            self._vm_deleted(vm)

        def failed(_err):
            vm.provisioning_state, vm.power_state = saved

        return self._start(vm, "operations", done, failed)

    def _vm_deleted(self, vm):
        """The effect of a VM delete, honouring deleteOption on every disk and NIC."""
        self.vms.pop(ids.key(vm.id), None)
        os_model = vm.os_disk_model()
        if vm.ephemeral_disk is not None:
            vm.ephemeral_disk = None
        elif os_model is not None:
            if vm.os_disk.get("deleteOption") == "Delete":
                self.disks.pop(ids.key(os_model.id), None)
            else:
                os_model.managed_by = None
        for d in vm.data_disks:
            model = self.disks.get(ids.key(d["id"])) if d.get("id") else None
            if model is None:
                continue
            if d.get("deleteOption") == "Delete":
                self.disks.pop(ids.key(model.id), None)
            else:
                model.managed_by = None
        net = getattr(self.cloud, "network", None)
        for n in vm.nics:
            option = (n.get("properties") or {}).get("deleteOption", "Detach")
            if net is None:
                continue
            if option == "Delete" and hasattr(net, "delete_by_id"):
                net.delete_by_id(n["id"])
            elif hasattr(net, "release_nic"):
                net.release_nic(n["id"], vm.id)

    # ============================================================================================
    # Disks and snapshots
    # ============================================================================================
    def _source_for_copy(self, rid):
        """A disk or snapshot named by a creationData.sourceResourceId."""
        p = ids.parse(rid or "") or {}
        rtype = _lower(p.get("type"))
        table = {"disks": "disks", "snapshots": "snapshots"}.get(rtype)
        if table is None:
            raise errors.InvalidParameter("The value of parameter creationData.sourceResourceId is invalid.",
                                          target="creationData.sourceResourceId")
        return self._ref(rid, table, rtype)

    def _disk_like_from_body(self, cls, sub, rg, name, body, existing):
        location = _lower(body.get("location")).replace(" ", "")
        if not location:
            raise errors.BadRequest("The 'location' property is required for this definition.",
                                    code="LocationRequired")
        props = body.get("properties") or {}
        cd = dict(props.get("creationData") or {})
        option = cd.get("createOption")
        if not option:
            raise errors.InvalidParameter("Required parameter 'creationData.createOption' is missing (null).",
                                          target="creationData.createOption")
        sku = (body.get("sku") or {}).get("name")
        sec = (props.get("securityProfile") or {}).get("securityType")
        kw = {"size_gb": props.get("diskSizeGB"), "os_type": props.get("osType"),
              "hyper_v_generation": props.get("hyperVGeneration"), "security_type": sec, "guest": None}
        lo = option.lower()
        if lo == "empty":
            if not kw["size_gb"]:
                raise errors.InvalidParameter("Required parameter 'diskSizeGB' is missing (null).",
                                              target="diskSizeGB")
        elif lo in ("copy", "restore", "copystart"):
            src = self._source_for_copy(cd.get("sourceResourceId"))
            if lo == "restore" and not isinstance(src, Snapshot):
                raise errors.InvalidParameter("Restore requires a snapshot as the source.",
                                              target="creationData.sourceResourceId")  # not verified
            if src.location != location:
                raise errors.InvalidParameter("The source '{}' is in location '{}'; the copy must be created in "
                                              "the same location.".format(src.id, src.location),
                                              target="creationData.sourceResourceId")  # not verified
            cd["sourceUniqueId"] = src.unique_id
            kw.update(size_gb=max(int(kw["size_gb"] or 0), src.size_gb), os_type=kw["os_type"] or src.os_type,
                      hyper_v_generation=kw["hyper_v_generation"] or src.hyper_v_generation,
                      security_type=sec or src.security_type,
                      guest=src.guest.copy() if src.guest is not None else None)
            sku = sku or (src.sku if cls is Disk else None)
        elif lo == "fromimage":
            if cls is Snapshot:
                raise errors.InvalidParameter("The value 'FromImage' of parameter 'creationData.createOption' is "
                                              "not allowed for snapshots.", target="creationData.createOption")
            ref = cd.get("galleryImageReference") or cd.get("imageReference") or {}
            rid = ref.get("id") or ref.get("sharedGalleryImageId") or ""
            plat = marketplace.parse_platform_image_id(rid)
            if plat is not None:
                src = self._resolve_image({"publisher": plat[0], "offer": plat[1], "sku": plat[2],
                                           "version": plat[3]}, sub, location)
            else:
                p = ids.parse(rid) or {}
                if _lower(p.get("type")) not in ("galleries/images/versions", "galleries/images"):
                    raise errors.InvalidParameter("The value of parameter imageReference.id is invalid.",
                                                  target="creationData.imageReference.id")
                src = self._resolve_image({"id": rid}, sub, location)
            guest = src["guest"]
            kw.update(size_gb=max(int(kw["size_gb"] or 0), int(src["size_gb"] or 0)), os_type=src["os_type"],
                      hyper_v_generation=src["generation"],
                      guest=None if guest is None else (guest if src.get("fresh") else guest.copy()))
            if src.get("security") in ("TrustedLaunch",) and not sec:
                kw["security_type"] = "TrustedLaunch"
        elif lo in ("import", "upload", "importsecure", "uploadpreparedsecure"):
            if not kw["size_gb"] and lo != "import":
                kw["size_gb"] = int((cd.get("uploadSizeBytes") or 0) // (1024 ** 3)) or 32
            kw["size_gb"] = kw["size_gb"] or 32
        else:
            raise errors.InvalidParameter("The value '{}' of parameter 'creationData.createOption' is not "
                                          "allowed.".format(option), target="creationData.createOption")
        kw["hyper_v_generation"] = kw["hyper_v_generation"] or ("V1" if kw["os_type"] else None)
        extra = {"incremental": bool(props.get("incremental", False))} if cls is Snapshot else {}
        obj = cls(self, sub, rg, name, location, sku=sku or ("Standard_LRS" if cls is Snapshot else "Premium_LRS"),
                  creation_data=cd, tags=body.get("tags"), zones=body.get("zones"), **kw, **extra)
        return obj

    def create_or_update_disk(self, subscription_id, resource_group, name, body, snapshot=False, patch=False):
        """PUT/PATCH a disk or snapshot. Returns (obj, op, status, 202 echo body)."""
        self.cloud.resources.get_group(subscription_id, resource_group)
        cls = Snapshot if snapshot else Disk
        table = self.snapshots if snapshot else self.disks
        rtype = "snapshots" if snapshot else "disks"
        key = ids.key(ids.resource_id(subscription_id, resource_group, NS, rtype, name))
        existing = table.get(key)
        echo = self._echo(body, name if not snapshot else None)
        if existing is None:
            if patch:
                raise errors.ResourceNotFound(NS + "/" + rtype, name, resource_group)
            obj = self._disk_like_from_body(cls, subscription_id, resource_group, name, body, None)
            obj.provisioning_state = "Updating"
            table[key] = obj
            if "sourceUniqueId" in obj.creation_data:
                echo["properties"]["creationData"] = dict(obj.creation_data)

            def done():
                obj.provisioning_state = "Succeeded"
                return obj.to_json()

            def failed(_err):
                table.pop(key, None)

            op = self._start(obj, "DiskOperations", done, failed, result_in_status=True)
            return obj, op, 202, echo
        self._not_busy(existing)
        self.cloud.check_locks_for_write(existing.id)
        props = body.get("properties") or {}
        saved = (existing.size_gb, existing.sku, dict(existing.tags), existing.provisioning_state,
                 existing.os_type, existing.hyper_v_generation)
        new_size = props.get("diskSizeGB")
        if new_size is not None and int(new_size) < existing.size_gb:
            # seen shape (Azure refuses shrinking); wording approximate
            raise errors.BadRequest("Disk size reduction is not supported. Current size is {} GB, requested size "
                                    "is {} GB.".format(existing.size_gb, new_size), code="BadRequest")
        if new_size is not None and int(new_size) != existing.size_gb and existing.managed_by and \
                existing.disk_state == "Attached":
            vm = self.vms.get(ids.key(existing.managed_by))
            if vm is not None and vm.power_state == "running":
                raise errors.OperationNotAllowed(
                    "Disk resizing is allowed only when creating a VM or when the VM is deallocated.",
                    target="disk.diskSizeGB")  # seen (pre-2022 wording)
        if new_size is not None:
            existing.size_gb = int(new_size)
        if (body.get("sku") or {}).get("name"):
            existing.sku = body["sku"]["name"]
        if "tags" in body or not patch:
            existing.tags = dict(body.get("tags") or {})
        if props.get("osType"):
            existing.os_type = props["osType"]
        if props.get("hyperVGeneration"):
            existing.hyper_v_generation = props["hyperVGeneration"]
        existing.provisioning_state = "Updating"

        def done_update():
            existing.provisioning_state = "Succeeded"
            return existing.to_json()

        def failed_update(_err):
            (existing.size_gb, existing.sku, existing.tags, existing.provisioning_state,
             existing.os_type, existing.hyper_v_generation) = saved

        op = self._start(existing, "DiskOperations", done_update, failed_update, result_in_status=True)
        return existing, op, 202, echo

    @staticmethod
    def _echo(body, name):
        """The 202 body of a disk/snapshot PUT: the request echoed (fidelity disk-create.yaml)."""
        out = {}
        if name:
            out["name"] = name
        for k in ("location", "tags", "sku", "zones"):
            if k in body:
                out[k] = body[k]
        props = {k: v for k, v in (body.get("properties") or {}).items()
                 if k not in ("diskIOPSReadWrite", "diskMBpsReadWrite", "tier")}
        props["provisioningState"] = "Updating"
        props["isArmResource"] = True
        out["properties"] = props
        return out

    def delete_disk(self, subscription_id, resource_group, name, snapshot=False):
        self.cloud.resources.get_group(subscription_id, resource_group)
        table = self.snapshots if snapshot else self.disks
        rtype = "snapshots" if snapshot else "disks"
        key = ids.key(ids.resource_id(subscription_id, resource_group, NS, rtype, name))
        obj = table.get(key)
        if obj is None:
            return None
        self._not_busy(obj)
        if not snapshot and obj.managed_by:
            # seen: "Disk mdb57dc956081 is attached to VM /subscriptions/.../virtualMachines/trb57dc95608."
            raise errors.OperationNotAllowed("Disk {} is attached to VM {}.".format(obj.name, obj.managed_by))
        self.cloud.check_locks_for_delete(obj.id)
        saved = obj.provisioning_state
        obj.provisioning_state = "Deleting"

        def done():
            table.pop(key, None)

        def failed(_err):
            obj.provisioning_state = saved

        return self._start(obj, "DiskOperations", done, failed)

    # ============================================================================================
    # Managed images
    # ============================================================================================
    def create_image(self, subscription_id, resource_group, name, body):
        self.cloud.resources.get_group(subscription_id, resource_group)
        key = ids.key(ids.resource_id(subscription_id, resource_group, NS, "images", name))
        existing = self.images.get(key)
        if existing is not None:
            self._not_busy(existing)
        location = _lower(body.get("location")).replace(" ", "")
        if not location:
            raise errors.BadRequest("The 'location' property is required for this definition.",
                                    code="LocationRequired")
        props = body.get("properties") or {}
        gen = props.get("hyperVGeneration")
        sp = props.get("storageProfile") or {}
        src_vm = (props.get("sourceVirtualMachine") or {}).get("id")
        if src_vm:
            vm = self._ref(src_vm, "vms", "virtualMachines")
            if vm.security_type in ("TrustedLaunch", "ConfidentialVM"):
                # seen: (OperationNotAllowed) Creation of managed images are not supported for virtual machine
                # with TrustedLaunch security type.
                raise errors.OperationNotAllowed("Creation of managed images are not supported for virtual machine "
                                                 "with {} security type.".format(vm.security_type))
            if not vm.generalized:
                # seen: "The operation 'Create Image' requires the Virtual Machine 'opstest' to be Generalized."
                raise errors.OperationNotAllowed("The operation 'Create Image' requires the Virtual Machine '{}' to "
                                                 "be Generalized.".format(vm.name))
            disk = vm.os_disk_model()
            os_type, os_state = vm.os_type(), "Generalized"
            ref = {"managedDisk": {"id": vm.os_disk.get("id")}} if vm.os_disk.get("id") else {}
            size_gb = disk.size_gb if disk is not None else 127
            guest = disk.guest.copy() if disk is not None and disk.guest is not None else None
            gen = gen or vm.hyper_v_generation()
            sat = disk.sku if disk is not None else None
            data = [{"lun": d["lun"], "managedDisk": {"id": d["id"]}, "caching": d.get("caching") or "None",
                     "storageAccountType": "Standard_LRS"} for d in vm.data_disks if d.get("id")]
        else:
            osd = sp.get("osDisk") or {}
            os_type, os_state = osd.get("osType"), osd.get("osState")
            if not os_type:
                raise errors.InvalidParameter("Required parameter 'osDisk.osType' is missing (null).",
                                              target="osDisk.osType")
            if os_state not in ("Generalized", "Specialized"):
                raise errors.InvalidParameter("Required parameter 'osDisk.osState' is missing (null).",
                                              target="osDisk.osState")
            if (osd.get("managedDisk") or {}).get("id"):
                src = self._ref(osd["managedDisk"]["id"], "disks", "disks")
                ref = {"managedDisk": {"id": src.id}}
            elif (osd.get("snapshot") or {}).get("id"):
                src = self._ref(osd["snapshot"]["id"], "snapshots", "snapshots")
                ref = {"snapshot": {"id": src.id}}
            else:
                raise errors.InvalidParameter("Required parameter 'osDisk.managedDisk' is missing (null).",
                                              target="osDisk")
            if _security(src.security_type) in ("TrustedLaunch", "ConfidentialVM"):
                raise errors.OperationNotAllowed("Creation of managed images are not supported for disk with {} "
                                                 "security type.".format(src.security_type))  # not verified
            size_gb = src.size_gb
            guest = src.guest.copy() if src.guest is not None else None
            gen = gen or src.hyper_v_generation or "V1"
            sat = osd.get("storageAccountType")
            data = []
            for d in sp.get("dataDisks") or []:
                entry = {"lun": d.get("lun")}
                for k in ("snapshot", "managedDisk"):
                    if (d.get(k) or {}).get("id"):
                        entry[k] = {"id": d[k]["id"]}
                entry.update(caching=d.get("caching") or "None",
                             storageAccountType=d.get("storageAccountType") or "Standard_LRS")
                data.append(entry)
        img = Image(self, subscription_id, resource_group, name, location, os_type, os_state,
                    hyper_v_generation=gen or "V1", source_vm_id=src_vm, os_disk_ref=ref, size_gb=size_gb,
                    guest=guest, data_disks=data, tags=body.get("tags"),
                    storage_account_type=(sp.get("osDisk") or {}).get("storageAccountType") or "Standard_LRS")
        del sat
        img.provisioning_state = "Creating"
        self.images[key] = img
        reply = img.to_json()

        def done():
            img.provisioning_state = "Succeeded"

        def failed(_err):
            if existing is not None:
                self.images[key] = existing
            else:
                self.images.pop(key, None)

        op = self._start(img, "operations", done, failed)
        return img, op, (200 if existing is not None else 201), reply

    def delete_image(self, subscription_id, resource_group, name):
        self.cloud.resources.get_group(subscription_id, resource_group)
        key = ids.key(ids.resource_id(subscription_id, resource_group, NS, "images", name))
        img = self.images.get(key)
        if img is None:
            return None
        self._not_busy(img)
        self.cloud.check_locks_for_delete(img.id)
        img.provisioning_state = "Deleting"

        def done():
            self.images.pop(key, None)

        def failed(_err):
            img.provisioning_state = "Succeeded"

        return self._start(img, "operations", done, failed)

    # ============================================================================================
    # Galleries, image definitions, image versions
    # ============================================================================================
    def _caps(self, obj, table, key, existing):
        obj.provisioning_state = "Creating" if existing is None else "Updating"
        table[key] = obj
        reply = obj.to_json()

        def done():
            obj.provisioning_state = "Succeeded"

        def failed(_err):
            if existing is not None:
                table[key] = existing
            else:
                table.pop(key, None)

        op = self._start(obj, "capsOperations", done, failed)
        return obj, op, (200 if existing is not None else 201), reply

    def create_gallery(self, sub, rg, name, body):
        self.cloud.resources.get_group(sub, rg)
        key = ids.key(ids.resource_id(sub, rg, NS, "galleries", name))
        existing = self.galleries.get(key)
        location = _lower(body.get("location")).replace(" ", "")
        if not location:
            raise errors.BadRequest("The 'location' property is required for this definition.",
                                    code="LocationRequired")
        g = Gallery(self, sub, rg, name, location, tags=body.get("tags"),
                    description=(body.get("properties") or {}).get("description"))
        return self._caps(g, self.galleries, key, existing)

    def create_gallery_image(self, sub, rg, gallery, name, body):
        g = self.get_gallery(sub, rg, gallery)
        key = ids.key(ids.resource_id(sub, rg, NS, "galleries", gallery, "images", name))
        existing = self.gallery_images.get(key)
        props = body.get("properties") or {}
        for req in ("osType", "osState", "identifier"):
            if not props.get(req):
                raise errors.InvalidParameter("Required parameter '{}' is missing (null).".format(req), target=req)
        d = GalleryImage(self, sub, rg, g.name, name, _lower(body.get("location")) or g.location, props["osType"],
                         props["osState"], hyper_v_generation=props.get("hyperVGeneration") or "V1",
                         identifier=props["identifier"], features=props.get("features"),
                         architecture=props.get("architecture"), tags=body.get("tags"))
        if existing is not None and (existing.os_state != d.os_state or existing.os_type != d.os_type):
            raise errors.ArmError("Changing property 'osState' is not allowed.", code="PropertyChangeNotAllowed",
                                  status=409, target="osState")
        return self._caps(d, self.gallery_images, key, existing)

    def create_gallery_version(self, sub, rg, gallery, image, name, body):
        definition = self.get_gallery_image(sub, rg, gallery, image)
        key = ids.key(ids.resource_id(sub, rg, NS, "galleries", definition.gallery, "images", definition.name,
                                      "versions", name))
        existing = self.gallery_versions.get(key)
        props = body.get("properties") or {}
        source = ((props.get("storageProfile") or {}).get("source") or {})
        os_src = (((props.get("storageProfile") or {}).get("osDiskImage") or {}).get("source") or {})
        src_id = source.get("virtualMachineId") or source.get("id") or os_src.get("id")
        if not src_id:
            raise errors.InvalidParameter("Required parameter 'storageProfile.source' is missing (null).",
                                          target="storageProfile.source")
        p = ids.parse(src_id) or {}
        rtype = _lower(p.get("type"))
        table = {"virtualmachines": "vms", "disks": "disks", "snapshots": "snapshots", "images": "images"}.get(rtype)
        if table is None:
            raise errors.InvalidParameter("The source '{}' is not a virtual machine, disk, snapshot or managed "
                                          "image.".format(src_id), target="storageProfile.source")
        src = self._ref(src_id, table, {"vms": "virtualMachines"}.get(table, table))
        if isinstance(src, VirtualMachine):
            state = "Generalized" if src.generalized else "Specialized"
            disk = src.os_disk_model()
            guest, size_gb = (disk.guest if disk else None), (disk.size_gb if disk else 127)
            gen, sec, os_type = src.hyper_v_generation(), src.security_type, src.os_type()
        elif isinstance(src, Image):
            state, guest, size_gb = src.os_state, src.guest, src.size_gb
            gen, sec, os_type = src.hyper_v_generation, "Standard", src.os_type
        else:
            state = definition.os_state  # a disk or snapshot carries no OS state: the definition's applies
            guest, size_gb = src.guest, src.size_gb
            gen, sec, os_type = src.hyper_v_generation or definition.hyper_v_generation, \
                _security(src.security_type), src.os_type or definition.os_type
        if state != definition.os_state:
            # seen (Azure/azure-cli#24972, code BadRequest)
            raise errors.BadRequest("The resource with id '{}' has a different OS state ['{}'] than the parent "
                                    "gallery image OS state ['{}'].".format(src_id, state, definition.os_state))
        if (gen or "V1") != definition.hyper_v_generation:
            raise errors.BadRequest("The resource with id '{}' has a different Hypervisor generation ['{}'] than the "
                                    "parent gallery image Hypervisor generation ['{}'].".format(
                                        src_id, gen or "V1", definition.hyper_v_generation))  # modelled on the above
        if os_type and os_type != definition.os_type:
            raise errors.BadRequest("The resource with id '{}' has a different OS type ['{}'] than the parent "
                                    "gallery image OS type ['{}'].".format(src_id, os_type, definition.os_type))
        def_sec = definition.security_type
        if sec in ("TrustedLaunch", "ConfidentialVM") and def_sec not in (sec, "TrustedLaunchSupported",
                                                                          "TrustedLaunchAndConfidentialVmSupported"):
            raise errors.BadRequest("The source '{}' has security type '{}', which the gallery image definition '{}' "
                                    "does not support. Create the image definition with the feature SecurityType "
                                    "'{}'.".format(src_id, sec, definition.name, sec))  # wording not verified
        pub = props.get("publishingProfile") or {}
        v = GalleryImageVersion(self, sub, rg, definition.gallery, definition.name, name,
                                _lower(body.get("location")) or definition.location,
                                {"virtualMachineId": src.id} if isinstance(src, VirtualMachine) else {"id": src.id},
                                size_gb, guest.copy() if guest is not None else None,
                                target_regions=pub.get("targetRegions"),
                                exclude_from_latest=pub.get("excludeFromLatest", False), tags=body.get("tags"))
        return self._caps(v, self.gallery_versions, key, existing)

    def delete_gallery_thing(self, table_name, obj_id, children_table=None):
        table = getattr(self, table_name)
        key = ids.key(obj_id)
        obj = table.get(key)
        if obj is None:
            return None
        self._not_busy(obj)
        if children_table:
            prefix = key + "/"
            if any(k.startswith(prefix) for k in getattr(self, children_table)):
                raise errors.ArmError("The resource '{}' cannot be deleted because it contains nested resources."
                                      .format(obj.id), code="CannotDeleteResource", status=409)  # not verified
        self.cloud.check_locks_for_delete(obj.id)
        obj.provisioning_state = "Deleting"

        def done():
            table.pop(key, None)

        def failed(_err):
            obj.provisioning_state = "Succeeded"

        return self._start(obj, "capsOperations", done, failed)

    # -- cross-provider hooks ---------------------------------------------------------------------
    def graph_rows(self, subscription_ids):
        """Every resource of the given subscriptions (lower-case ids) as Azure Resource Graph's
        ``resources`` table holds it: the resource's ARM body with a lower-case ``type`` and
        ``resourceGroup``, ``subscriptionId``, and for VMs ``properties.extended.instanceView``."""
        for t in _TABLES:
            for obj in getattr(self, t).values():
                if obj.subscription_id.lower() not in subscription_ids:
                    continue
                body = obj.to_json()
                if t == "vms":
                    body["properties"]["extended"] = {"instanceView": obj.graph_instance_view()}
                yield {"id": body["id"], "name": body["name"], "type": body["type"].lower(),
                       "tenantId": self.cloud.identity.tenant_id, "kind": "", "location": body.get("location"),
                       "resourceGroup": obj.resource_group.lower(), "subscriptionId": obj.subscription_id,
                       "managedBy": body.get("managedBy") or "", "sku": body.get("sku"), "plan": None,
                       "properties": body.get("properties") or {}, "tags": body.get("tags") or {},
                       "identity": body.get("identity"), "zones": body.get("zones"), "extendedLocation": None}

    def generic_resources(self, subscription_id, group):
        out = []
        for t in _TABLES:
            for obj in getattr(self, t).values():
                if obj.subscription_id.lower() == subscription_id.lower() and \
                        obj.resource_group.lower() == group.lower():
                    out.append(obj.generic())
        return out

    def delete_group_contents(self, subscription_id, group):
        for t in _TABLES:
            table = getattr(self, t)
            for k, obj in list(table.items()):
                if obj.subscription_id.lower() == subscription_id.lower() and \
                        obj.resource_group.lower() == group.lower():
                    del table[k]

    def dump(self):
        return {"virtualMachines": [vm.to_json(instance_view=True) for vm in self.vms.values()],
                "disks": [d.to_json() for d in self.disks.values()],
                "snapshots": [s.to_json() for s in self.snapshots.values()],
                "images": [i.to_json() for i in self.images.values()],
                "galleries": [g.to_json() for g in self.galleries.values()],
                "galleryImages": [g.to_json() for g in self.gallery_images.values()],
                "galleryImageVersions": [g.to_json() for g in self.gallery_versions.values()]}


def _provisioning_timeout(vm_name, agent_seen):
    """Azure's OSProvisioningTimedOut (both texts seen in public reports)."""
    if agent_seen:
        msg = ("OS Provisioning for VM '{}' did not finish in the allotted time. However, the VM guest agent was "
               "detected running. This suggests the guest OS has not been properly prepared to be used as a VM "
               "image (with CreateOption=FromImage). To resolve this issue, either use the VHD as is with "
               "CreateOption=Attach or prepare it properly for use as an image:\r\n * Instructions for Windows: "
               "https://azure.microsoft.com/documentation/articles/virtual-machines-windows-upload-image/ \r\n * "
               "Instructions for Linux: https://azure.microsoft.com/documentation/articles/"
               "virtual-machines-linux-capture-image/".format(vm_name))
    else:
        msg = ("OS Provisioning for VM '{}' did not finish in the allotted time. The VM may still finish "
               "provisioning successfully. Please check provisioning state later. Also, make sure the image has "
               "been properly prepared (generalized).\r\n * Instructions for Windows: "
               "https://azure.microsoft.com/documentation/articles/virtual-machines-windows-upload-image/ \r\n * "
               "Instructions for Linux: https://azure.microsoft.com/documentation/articles/"
               "virtual-machines-linux-capture-image/".format(vm_name))
    return errors.ArmError(msg, code="OSProvisioningTimedOut", status=409)


def boot_vm(backend, vm, provisioning=None):
    """Run the guest on the VM's OS disk (fakeazure.guest) and keep what it shows."""
    disk = vm.os_disk_model()
    if disk is None or disk.guest is None:
        vm.boot = None
        return None
    from ..guest import boot
    data = []
    for model in vm.data_disk_models():
        data.append(model.guest if model is not None else None)
    vm.boot = boot(disk.guest, provisioning=provisioning, data_disks=data)
    vm.boot.booted_at = backend.cloud.clock.now()
    return vm.boot
