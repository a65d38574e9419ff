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
Windows Server 2022 (or 2019/2016, by position).

**How a fleet VM is made.** Every distinct kind of fleet VM (kind, Windows version, generation: a few dozen)
is made once by the backends' own operations, as the loader makes any scenario VM: in a scratch cloud, the
VM PUT from its platform image, its network through the Network backend, the guest's boot, the power actions
and ``generalize`` the kind needs, and the managed image the kind has (from the generalized VM, or from the
OS disk of the VM stuck at OOBE). That VM, its OS disk and its image are the kind's *prototype*. Each fleet
VM is its prototype's model under the fleet VM's own name, group, ids and tags, so it holds a state the PUT
path reached. What stays lazy is what costs: the VM's own OS disk (its prototype's, renamed, holding a guest
made from the kind's spec), its NIC and network (made through the Network backend) and its boot happen the
first time anything needs them (reading the VM itself, its boot diagnostics, an image of it); until then its
Resource Graph row and its statusOnly statuses come from the model, with the guest-agent facts of the
prototype's boot.

Why not one PUT per fleet VM: measured on this machine (2 cores), a scenario VM through the loader takes
about 34 ms and 167 kB (two guests and their boots), and the PUT path alone, without any guest or boot,
16.9 ms per VM at 500 VMs and 58 ms per VM at 2,000 (the quota and the subnet's free-address checks read every
VM and NIC, so the cost grows with the fleet): 10,000 VMs would load in over ten minutes, not seconds.

``unreadable: true`` adds a ``deny`` fault on the subscription's path: ARM answers its requests with 403
AuthorizationFailed and Resource Graph refuses a query naming it (AccessDenied) or leaves it out.
"""
import hashlib
import uuid

from ..compute.models import VirtualMachine, boot_vm
from ..core import ids
from ..core.backend import rename

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
_NOT_COPIED = ("backend", "boot", "pending_op")


def renamed_copy(cls, proto, backend, renames, **attrs):
    """A new ``cls`` object holding ``proto``'s state: plain values copied, the ids of ``renames`` rewritten,
    ``attrs`` set (its new name, group, ids)."""
    obj = cls.__new__(cls)
    for key, value in vars(proto).items():
        if key not in _NOT_COPIED:
            obj.__dict__[key] = _copied(value, renames)
    obj.backend = backend
    obj.pending_op = None
    obj.__dict__.update(attrs)
    return obj


def _copied(value, renames):
    """A copy of plain data (dicts, lists, strings) with the ids of ``renames`` rewritten; other values as they are."""
    if isinstance(value, dict):
        return {k: _copied(v, renames) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v, renames) for v in value]
    if isinstance(value, str) and value[:15].lower() == "/subscriptions/":
        return rename(value, renames)
    return value


class Prototype:
    """One kind of fleet VM as the backends' operations made it (in a scratch cloud): the VM, its OS disk, its
    image (or None) and what its boot showed."""

    def __init__(self, vm, image):
        self.vm = vm
        self.disk = vm.os_disk_model()
        self.image = image
        self.storage_profile = vm.storage_profile()  # the scratch cloud changes no more: read once
        boot = vm.boot
        self.facts = {"agent_ready": bool(getattr(boot, "agent_ready", False)),
                      "os_name": getattr(boot, "os_name", None), "os_version": getattr(boot, "os_version", None)}


class FleetVirtualMachine(VirtualMachine):
    """A VM made as its prototype's model under its own name; its OS disk, guest, network and boot are made on
    first use (see the module doc)."""

    @property
    def boot(self):
        if not self._made:
            self.materialize()
        return self._boot_result

    @boot.setter
    def boot(self, value):
        self._boot_result = value

    def materialize(self):
        """Make the OS disk (the prototype's, renamed, with a guest from the kind's spec), the network, and boot the
        guest if the VM ever ran."""
        if self._made:
            return
        self._made = True
        from ..guest import guest_from_spec
        from ..network.scenario import ensure_vm_network
        compute, proto = self.backend, self._proto.disk
        disk = renamed_copy(type(proto), proto, compute, {ids.key(self._proto.vm.id): self.id},
                            subscription_id=self.subscription_id, resource_group=self.resource_group,
                            name=self.os_disk["name"], unique_id=str(uuid.uuid4()),
                            time_created=compute.cloud.clock.now(), guest=guest_from_spec(self._guest_spec))
        compute.add_disk(disk)
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

    @property
    def _renames(self):
        """The prototype's ids -> this VM's (VM, OS disk, NIC)."""
        proto = self._proto.vm
        return {ids.key(proto.id): self.id, ids.key(proto.os_disk["id"]): self.os_disk["id"],
                ids.key(proto.nics[0]["id"]): self.nics[0]["id"]}

    # -- what needs no disk: the ARM model and Resource Graph's row -------------------------------
    def hyper_v_generation(self):
        return super().hyper_v_generation() if self._made else self._proto.disk.hyper_v_generation

    def os_type(self):
        return self.os_disk.get("osType")

    def storage_profile(self):
        if self._made:
            return super().storage_profile()
        profile = _copied(self._proto.storage_profile, self._renames)
        profile["osDisk"]["name"] = self.os_disk["name"]
        return profile

    def graph_instance_view(self):
        if self._made:
            return super().graph_instance_view()
        power = self.run_time_statuses()[-1]
        view = {"powerState": {k: power[k] for k in ("code", "displayStatus", "level")}}
        facts = self._proto.facts
        if self.power_state == "running" and facts["agent_ready"]:
            view.update(osName=facts["os_name"], osVersion=facts["os_version"],
                        computerName=self.os_profile["computerName"])
        view["hyperVGeneration"] = self.hyper_v_generation()
        return view


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


def apply(cloud, fleet, created, make_vm):
    """Create the fleet's subscriptions, resource groups and VMs; fill ``created``. ``make_vm(cloud, spec)`` is the
    scenario loader's VM maker (the backends' operations), used for the prototypes."""
    compute = cloud.compute
    location = fleet.get("location", "eastus")
    per_group = int(fleet.get("vms_per_group", 50))
    prototypes = _Prototypes(cloud, location, make_vm)
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
            vm = _vm(compute, sub, prefix, i, per_group, kind, prototypes)
            created["vms"].append(vm.id)
            if vm._proto.image is not None:
                _image_of(compute, vm)
        if sub_spec.get("unreadable"):
            cloud.faults.add({"kind": "deny", "method": "*", "path": "^/subscriptions/{}/".format(sub),
                              "count": 0, "action": "Microsoft.Compute/virtualMachines/read"})
            created.setdefault("unreadableSubscriptions", []).append(sub)


class _Prototypes:
    """The prototype of each kind of fleet VM, made on first need in one scratch cloud."""

    def __init__(self, cloud, location, make_vm):
        self.cloud, self.location, self.make_vm = cloud, location, make_vm
        self.scratch = None
        self.made = {}

    def get(self, kind, spec):
        key = (kind,) + tuple(sorted(spec.items()))
        if key not in self.made:
            if self.scratch is None:
                self.scratch = type(self.cloud)(profile="fast")
            self.made[key] = self._make(kind, spec, len(self.made))
        return self.made[key]

    def _make(self, kind, spec, n):
        scratch, sub = self.scratch, self.scratch.default_subscription
        rg = "rg-proto-{:02d}".format(n)
        scratch.resources.create_or_update_group(sub, rg, self.location)
        _, power, generalized = KINDS[kind]
        vm = self.make_vm(scratch, {"name": "proto-vm", "resource_group": rg, "location": self.location,
                                    "size": "Standard_D2s_v3", "guest": dict(spec, uid="{}/{}".format(rg, kind)),
                                    "computer_name": "proto-vm", "power_state": power,
                                    "generalized_by_api": generalized})
        image = None
        if kind in ("oobe-stuck-imaged", "generalized-by-api"):
            props = {"sourceVirtualMachine": {"id": vm.id}} if generalized else {"storageProfile": {"osDisk": {
                "osType": vm.os_type(), "osState": "Generalized", "managedDisk": {"id": vm.os_disk["id"]}}}}
            write = scratch.compute.begin_create_or_update_image(sub, rg, "proto-vm-image",
                                                                 {"location": self.location, "properties": props})
            if not write.operation.done:
                write.operation.finish(scratch.clock.now())
            image = write.obj
        return Prototype(vm, image)


def _vm(compute, sub, prefix, i, per_group, kind, prototypes):
    guest_spec, _, _ = KINDS[kind]
    spec = dict(guest_spec)
    if spec["os"] == "windows":
        spec.setdefault("version", _VERSIONS[i % len(_VERSIONS)])
        spec.setdefault("generation", "V2")
    proto = prototypes.get(kind, spec)
    name = "{}-vm-{:05d}".format(prefix, i)
    rg = "rg-{}-{:03d}".format(prefix, i // per_group)
    vm_id = ids.resource_id(sub, rg, "Microsoft.Compute", "virtualMachines", name)
    disk_id = ids.resource_id(sub, rg, "Microsoft.Compute", "disks",
                              "{}_OsDisk_1_{}".format(name, hashlib.md5(name.encode()).hexdigest()))
    nic_id = ids.resource_id(sub, rg, "Microsoft.Network", "networkInterfaces", name + "VMNic")
    renames = {ids.key(proto.vm.id): vm_id, ids.key(proto.vm.os_disk["id"]): disk_id,
               ids.key(proto.vm.nics[0]["id"]): nic_id}
    vm = renamed_copy(FleetVirtualMachine, proto.vm, compute, renames, subscription_id=sub, resource_group=rg,
                      name=name, vm_id=str(uuid.uuid4()), time_created=compute.cloud.clock.now(),
                      tags={"fleet": prefix, "tier": ("web", "app", "db")[i % 3]}, _proto=proto,
                      _guest_spec=dict(spec, uid="{}/{}/{}".format(sub, rg, name).lower(), computer_name=name[:15]),
                      _made=False, _boot_result=None)
    vm.last_operation_time = vm.time_created
    vm.os_disk["name"] = disk_id.rsplit("/", 1)[1]
    vm.os_profile["computerName"] = name[:15]
    # the writable properties kept as the prototype's PUT sent them name the prototype: this VM's own names
    props = vm.kept.get("properties") or {}
    if "computerName" in (props.get("osProfile") or {}):
        props["osProfile"]["computerName"] = name[:15]
    if "name" in ((props.get("storageProfile") or {}).get("osDisk") or {}):
        props["storageProfile"]["osDisk"]["name"] = vm.os_disk["name"]
    compute.add(vm)
    return vm


def _image_of(compute, vm):
    """The kind's managed image under the VM's name, holding a copy of the VM's own disk (made now)."""
    proto = vm._proto.image
    disk = vm.os_disk_model()
    image_id = ids.resource_id(vm.subscription_id, vm.resource_group, "Microsoft.Compute", "images",
                               vm.name + "-image")
    image = renamed_copy(type(proto), proto, compute, dict(vm._renames, **{ids.key(proto.id): image_id}),
                         subscription_id=vm.subscription_id, resource_group=vm.resource_group,
                         name=vm.name + "-image", time_created=compute.cloud.clock.now(),
                         guest=disk.guest.copy() if disk.guest is not None else None)
    compute.add(image)
