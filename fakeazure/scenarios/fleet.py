"""Fleets: thousands of VMs across several subscriptions, made lazily (scenarios ``fleet-small``, ``fleet-10k``).

A scenario's ``fleet`` section::

    fleet:
      location: eastus
      vms_per_group: 50
      subscriptions:
        - {id: <guid>, name: Fleet A, prefix: fa, vms: 4000,
           special: {oobe-stuck: 10, oobe-stuck-imaged: 3, generalized-by-api: 2, undeployable: 2,
                     could-not-finish-configuring: 2, restarted-unexpectedly: 2, getting-windows-ready: 1,
                     deallocated: 300, stopped: 50, linux: 600}}
        - {id: <guid>, name: Fleet C, unreadable: true, vms: 5}     # the caller cannot read it

VM ``i`` of a subscription is ``<prefix>-vm-<i:05d>`` in ``rg-<prefix>-<i // vms_per_group:03d>``; the
special kinds sit at positions spread over the fleet by a fixed permutation, every other VM is a healthy
Windows Server 2022 (or 2019/2016, by position). Loading makes only the VM objects (the ARM model: size,
OS disk reference, NIC reference, power state, tags): a VM's OS disk, its guest, its NIC and network and its
boot are made the first time anything needs them (reading the VM itself, its boot diagnostics, an image of
it). Until then its Resource Graph row and its statusOnly statuses come from the spec, with the guest-agent
facts learned once per kind of guest by booting a throw-away copy. 10,000 VMs load in seconds.

``unreadable: true`` adds a ``deny`` fault on the subscription's path: ARM answers its requests with 403
AuthorizationFailed and Resource Graph refuses a query naming it (AccessDenied) or leaves it out.
"""
import hashlib

from ..compute.models import Disk, VirtualMachine, boot_vm

KINDS = {  # kind -> (guest spec, power state, generalized through the API)
    "healthy": ({"os": "windows", "state": "healthy"}, "running", False),
    "deallocated": ({"os": "windows", "state": "healthy"}, "deallocated", False),
    "stopped": ({"os": "windows", "state": "healthy"}, "stopped", False),
    "linux": ({"os": "linux", "distro": "ubuntu", "version": "22.04", "state": "healthy"}, "running", False),
    "oobe-stuck": ({"os": "windows", "state": "oobe-stuck"}, "running", False),
    "oobe-stuck-imaged": ({"os": "windows", "state": "oobe-stuck"}, "running", False),
    "generalized-by-api": ({"os": "windows", "state": "generalized"}, "deallocated", True),
    "undeployable": ({"os": "windows", "version": "2019", "generation": "V1", "state": "undeployable"}, "running",
                     False),
    "could-not-finish-configuring": ({"os": "windows", "state": "could-not-finish-configuring"}, "running", False),
    "restarted-unexpectedly": ({"os": "windows", "state": "restarted-unexpectedly"}, "running", False),
    "getting-windows-ready": ({"os": "windows", "state": "getting-windows-ready"}, "running", False),
}
_VERSIONS = ("2022", "2022", "2019", "2016")


class FleetVirtualMachine(VirtualMachine):
    """A VM whose OS disk, guest, network and boot are made on first use (see the module doc)."""

    def __init__(self, backend, subscription_id, resource_group, name, location, guest_spec, facts, **kwargs):
        self._guest_spec = guest_spec
        self._facts = facts  # what booting this kind of guest shows: agent_ready, os_name, os_version
        self._made = False
        self._boot_result = None
        super().__init__(backend, subscription_id, resource_group, name, location, **kwargs)

    @property
    def boot(self):
        if not self._made:
            self.materialize()
        return self._boot_result

    @boot.setter
    def boot(self, value):
        self._boot_result = value

    def materialize(self):
        """Make the OS disk (with its guest), the network, and boot the guest if the VM ever ran."""
        if self._made:
            return
        self._made = True
        from ..guest import guest_from_spec
        from ..network.scenario import ensure_vm_network
        compute = self.backend
        guest = guest_from_spec(self._guest_spec)
        disk = compute.add_disk(Disk(compute, self.subscription_id, self.resource_group, self.os_disk["name"],
                                     self.location, size_gb=127, sku="Premium_LRS", os_type=guest.os_type,
                                     hyper_v_generation=guest.generation, guest=guest,
                                     creation_data={"createOption": "FromImage"}))
        disk.managed_by = self.id
        ensure_vm_network(compute.cloud, self.subscription_id, self.resource_group, self.location, self.name,
                          self.nics[0]["id"])
        if self.power_state == "running":  # as the loader does: only a running VM has booted
            power = self.power_state
            boot_vm(self)
            self.power_state = power

    def os_disk_model(self):
        if not self._made:
            self.materialize()
        return super().os_disk_model()

    # -- what needs no disk: the ARM model and Resource Graph's row -------------------------------
    def hyper_v_generation(self):
        return super().hyper_v_generation() if self._made else self._guest_spec.get("generation", "V2")

    def os_type(self):
        return self.os_disk.get("osType")

    def storage_profile(self):
        if self._made:
            return super().storage_profile()
        os_disk = {"osType": self.os_disk["osType"], "name": self.os_disk["name"], "createOption": "FromImage",
                   "caching": "ReadWrite", "managedDisk": {"storageAccountType": "Premium_LRS",
                                                           "id": self.os_disk["id"]},
                   "deleteOption": "Detach", "diskSizeGB": 127}
        return {"imageReference": self.image_reference, "osDisk": os_disk, "dataDisks": []}

    def graph_instance_view(self):
        if self._made:
            return super().graph_instance_view()
        power = self.run_time_statuses()[-1]
        view = {"powerState": {k: power[k] for k in ("code", "displayStatus", "level")}}
        if self.power_state == "running" and self._facts["agent_ready"]:
            view.update(osName=self._facts["os_name"], osVersion=self._facts["os_version"],
                        computerName=self.os_profile["computerName"])
        view["hyperVGeneration"] = self.hyper_v_generation()
        return view


def _facts(cache, spec):
    """Boot a throw-away guest of this kind once: is the agent Ready, which OS does it report."""
    key = tuple(sorted(spec.items()))
    if key not in cache:
        from ..guest import boot, guest_from_spec
        result = boot(guest_from_spec(dict(spec, computer_name="probe")))
        cache[key] = {"agent_ready": bool(result.agent_ready), "os_name": result.os_name,
                      "os_version": result.os_version}
    return cache[key]


def _positions(prefix, count, special):
    """position -> special kind, spread by a fixed permutation (deterministic, no randomness)."""
    order = sorted(range(count), key=lambda i: hashlib.md5("{}:{}".format(prefix, i).encode()).hexdigest())
    out, at = {}, 0
    for kind in sorted(special):
        for _ in range(int(special[kind])):
            if at < count:
                out[order[at]] = kind
                at += 1
    return out


def apply(cloud, fleet, created):
    """Create the fleet's subscriptions, resource groups and VMs (lazy); return nothing, fill ``created``."""
    compute = cloud.compute
    location = fleet.get("location", "eastus")
    per_group = int(fleet.get("vms_per_group", 50))
    facts = {}
    for sub_spec in fleet["subscriptions"]:
        sub = sub_spec["id"]
        if sub.lower() not in cloud.resources.subscriptions:
            cloud.resources.add_subscription(sub, sub_spec.get("name", "Fleet"))
        prefix = sub_spec.get("prefix", sub[:4])
        count = int(sub_spec["vms"])
        special = _positions(prefix, count, sub_spec.get("special") or {})
        for g in range((count + per_group - 1) // per_group):
            group, _ = cloud.resources.create_or_update_group(sub, "rg-{}-{:03d}".format(prefix, g), location)
            created["resourceGroups"].append(group.id)
        for i in range(count):
            kind = special.get(i, "healthy")
            vm = _vm(compute, sub, prefix, i, per_group, location, kind, facts)
            created["vms"].append(vm.id)
            if kind in ("oobe-stuck-imaged", "generalized-by-api"):
                _image_of(cloud, vm, kind)
        if sub_spec.get("unreadable"):
            cloud.faults.add({"kind": "deny", "method": "*", "path": "^/subscriptions/{}/".format(sub),
                              "count": 0, "action": "Microsoft.Compute/virtualMachines/read"})
            created.setdefault("unreadableSubscriptions", []).append(sub)


def _vm(compute, sub, prefix, i, per_group, location, kind, facts):
    guest_spec, power, generalized = KINDS[kind]
    spec = dict(guest_spec)
    if spec["os"] == "windows":
        spec.setdefault("version", _VERSIONS[i % len(_VERSIONS)])
        spec.setdefault("generation", "V2")
    name = "{}-vm-{:05d}".format(prefix, i)
    rg = "rg-{}-{:03d}".format(prefix, i // per_group)
    spec.update(uid="{}/{}/{}".format(sub, rg, name).lower(), computer_name=name[:15])
    os_type = "Linux" if spec["os"] == "linux" else "Windows"
    disk_id = ("/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/disks/{}_OsDisk_1_{}"
               .format(sub, rg, name, hashlib.md5(name.encode()).hexdigest()))
    nic_id = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/{}VMNic".format(
        sub, rg, name)
    config = "linuxConfiguration" if os_type == "Linux" else "windowsConfiguration"
    vm = FleetVirtualMachine(
        compute, sub, rg, name, location, spec, _facts(facts, {k: v for k, v in spec.items()
                                                               if k not in ("uid", "computer_name")}),
        size="Standard_D2s_v3", os_disk={"id": disk_id, "name": disk_id.rsplit("/", 1)[1], "osType": os_type,
                                        "createOption": "FromImage", "deleteOption": "Detach"},
        nics=[{"id": nic_id}], tags={"fleet": prefix, "tier": ("web", "app", "db")[i % 3]},
        os_profile={"computerName": name[:15], "adminUsername": "azureadmin",
                    config: {"provisionVMAgent": True}, "secrets": [], "allowExtensionOperations": True},
        image_reference=_image_reference(spec), boot_diagnostics=True)
    vm.power_state = power
    vm.generalized = generalized
    compute.add(vm)
    return vm


def _image_reference(spec):
    if spec["os"] == "linux":
        return {"publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2",
                "version": "latest"}
    return {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
            "sku": "{}-datacenter{}".format(spec["version"], "-g2" if spec["generation"] == "V2" else ""),
            "version": "latest"}


def _image_of(cloud, vm, kind):
    """A managed image captured from the VM (generalized through the API) or from its OS disk earlier."""
    from ..compute import models as cm
    disk = vm.os_disk_model()
    image = cm.Image(cloud.compute, vm.subscription_id, vm.resource_group, vm.name + "-image", vm.location,
                     os_type=disk.os_type, os_state="Generalized", hyper_v_generation=disk.hyper_v_generation,
                     source_vm_id=vm.id if kind == "generalized-by-api" else None,
                     os_disk_ref={"managedDisk": {"id": disk.id}}, size_gb=disk.size_gb, guest=disk.guest.copy()
                     if hasattr(disk.guest, "copy") else None, security_type=disk.security_type)
    cloud.compute.add(image)
