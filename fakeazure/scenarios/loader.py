"""Turn a scenario's data into the backends' own operations: the code a PUT runs, then the guest's boot.

Everything ARM can see is made by the request path (``begin_create_or_update_*``, power actions,
generalize), with Azure's refusals: a scenario that asks for a state Azure could never reach fails to
load. Each operation is settled at once (a scenario describes what happened before it starts). What ARM
cannot see, the contents of a disk (the guest, :mod:`fakeazure.guest`), comes from the scenario's guest
spec: a VM is created from its platform image, as ``az vm create`` does, then its disk holds the guest
the story describes (what happened inside the VM) and the guest boots.

Sections, applied in this order (a later entry may name an earlier one):

``resource_groups``: ``{name, location, tags}``.

``vms``: ``{name, resource_group, location, size, guest: <spec, see fakeazure.guest.presets>, security_type
(Standard|TrustedLaunch), boot_diagnostics (managed|disabled), power_state (running|stopped|deallocated),
generalized_by_api, image_reference, computer_name, admin_username, os_disk_name, os_disk_size_gb,
os_disk_sku, os_disk_delete_option, nic_delete_option (Detach|Delete; unset: the NIC reference has no
properties), public_ip, tags, zones, data_disks: [{lun, name, caching, delete_option, guest: <spec>}
| {lun, name, delete_option, copy_of_os_disk: <vm>}]}``. A running VM's guest boots (the guest decides what the console
shows and whether the agent is Ready). ``boot_as``: a VM that is stopped/deallocated but booted before (its
boot diagnostics keep that last capture); other VMs that are not running keep no capture.

``disks``: ``{name, resource_group, copy_of_os_disk: <vm> | guest: <spec>, size_gb, sku}`` (unattached).

``snapshots``: ``{name, resource_group, of_os_disk: <vm>, guest_state: <preset>, sku, incremental}`` -- a
snapshot of the VM's OS disk; with ``guest_state`` the snapshot holds that VM's disk as it was earlier
(same guest spec, same disk signature, another preset: e.g. ``healthy`` for "taken before Sysprep").

``images``: ``{name, resource_group, os_state, source_vm: <vm> | source_snapshot: <snapshot>}`` -- a managed
image; from a VM (which must be generalized, as Azure requires) it records ``sourceVirtualMachine``, from a
snapshot the snapshot (``os_state`` is the caller's word, as the image API takes it).

``galleries``: ``{name, resource_group, description, images: [{name, os_type, os_state, hyper_v_generation,
publisher, offer, sku, security_type, versions: [{name, source_vm: <vm> | source_image: <image>,
guest_state}]}]}``.

``quotas``: ``{location: {cores: N, <family>: N}}`` (vCPU limits, see fakeazure/compute/models/skus.py).

``sku_restrictions``: ``[{size, location, zones?, reason?}]`` (a size not offered to the subscription in a
region or in some of its zones).

``roles``, ``locks``, ``policies``, ``marketplace_terms``: who may do what (:mod:`fakeazure.scenarios.access`).

``fleet``: thousands of VMs in several subscriptions (:mod:`fakeazure.scenarios.fleet`): each kind of fleet VM
is made once as a ``vms`` entry is (its prototype, in a scratch cloud), and every fleet VM of that kind is the
prototype's model under its own name (``ComputeBackend.add``), its disk, network and boot made on first use
(10,000 VMs in seconds; one PUT per VM would take minutes, see the module).

``faults``: rules for :mod:`fakeazure.core.faults`.
"""
import hashlib
import secrets

from ..compute.models import boot_vm
from ..core import ids
from ..network.scenario import ensure_vm_network

_SSH_KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDfakeazurescenariokey fakeazure@scenario"


def apply(cloud, data):
    sub = data.get("subscription", cloud.default_subscription)
    created = {"scenario": data["name"], "resourceGroups": [], "vms": [], "disks": [], "snapshots": [],
               "images": [], "galleries": []}
    ctx = {"cloud": cloud, "sub": sub, "specs": {}, "vms": {}, "snapshots": {}, "images": {}}
    for rg in data.get("resource_groups", []):
        group, _ = cloud.resources.create_or_update_group(sub, rg["name"], rg.get("location", "eastus"),
                                                          rg.get("tags"))
        created["resourceGroups"].append(group.id)
    for spec in data.get("vms", []):
        vm = _vm(ctx, spec)
        created["vms"].append(vm.id)
        created["disks"].append(vm.os_disk["id"])
        created["disks"].extend(d["id"] for d in vm.data_disks)
    for spec in data.get("disks", []):
        created["disks"].append(_disk(ctx, spec["resource_group"], spec).id)
    for spec in data.get("snapshots", []):
        created["snapshots"].append(_snapshot(ctx, spec).id)
    for spec in data.get("images", []):
        created["images"].append(_image(ctx, spec).id)
    for spec in data.get("galleries", []):
        created["galleries"].extend(_gallery(ctx, spec))
    for location, limits in (data.get("quotas") or {}).items():
        for name, limit in limits.items():
            cloud.compute.quotas.set(sub, location, name, limit)
    # sku_restrictions: [{size, location, zones?, reason?}] (a size not offered in a region or its zones)
    for spec in data.get("sku_restrictions") or []:
        cloud.compute.sku_restrictions.add(sub, spec["size"], spec["location"], spec.get("zones"),
                                           spec.get("reason", "NotAvailableForSubscription"))
    from .access import apply as apply_access  # roles, locks, policies, marketplace terms (access.py)
    apply_access(cloud, sub, data)
    if data.get("fleet"):  # thousands of VMs: one of each kind made here, the others its renamed copies (fleet.py)
        from .fleet import apply as apply_fleet
        apply_fleet(cloud, data["fleet"], created, make_vm=_make_vm)
    for rule in data.get("faults", []):
        cloud.faults.add(rule)
    return created


def _make_vm(cloud, spec):
    """One VM made as a scenario's ``vms`` entry is (the fleet's prototypes)."""
    return _vm({"cloud": cloud, "sub": cloud.default_subscription, "specs": {}, "vms": {}}, spec)


# -- helpers ------------------------------------------------------------------------------------------
def _settle(ctx, op):
    """Finish ``op`` now (raising what it failed with): the scenario's past is over before it starts."""
    if op is not None and not op.done:
        op.finish(ctx["cloud"].clock.now())
    if op is not None and op.status == "Failed":
        raise op.error
    return op


def _put(ctx, write):
    _settle(ctx, write.operation)
    return write.obj


def _guest(spec):
    if not spec:
        return None
    from ..guest import guest_from_spec
    return guest_from_spec(spec)


def _location(ctx, spec):
    return spec.get("location") or ctx["cloud"].resources.get_group(ctx["sub"], spec["resource_group"]).location


def _hex(ctx, seed):
    return hashlib.md5((ctx["cloud"].default_subscription + seed).encode()).hexdigest()


def _vm_named(ctx, name):
    vm = ctx["vms"].get(name.lower())
    if vm is None:
        raise ValueError("scenario: no VM {!r} defined before it is used".format(name))
    return vm


def _earlier_guest(ctx, vm_name, state):
    """The VM's disk as it was earlier: its guest spec with another preset (same uid, same signature)."""
    spec = dict(ctx["specs"][vm_name.lower()])
    spec["state"] = state
    return _guest(spec)


def _copy_guest(guest):
    return guest.copy() if guest is not None else None


# -- virtual machines ---------------------------------------------------------------------------------
def _vm(ctx, spec):
    cloud, sub, rg, name = ctx["cloud"], ctx["sub"], spec["resource_group"], spec["name"]
    compute = cloud.compute
    location = _location(ctx, spec)
    guest_spec = dict(spec.get("guest") or {})
    if guest_spec and "uid" not in guest_spec:
        guest_spec["uid"] = "{}/{}/{}".format(sub, rg, name).lower()  # stable disk signature per VM
    linux = guest_spec.get("os", "windows") == "linux" or spec.get("os_type") == "Linux"
    if guest_spec and "computer_name" not in guest_spec and not linux:
        guest_spec["computer_name"] = spec.get("computer_name", name[:15])
    nic_id = ids.resource_id(sub, rg, "Microsoft.Network", "networkInterfaces", name + "VMNic")
    ensure_vm_network(cloud, sub, rg, location, name, nic_id, public_ip=bool(spec.get("public_ip")), attach=False)
    data_disks = []
    for dd in spec.get("data_disks", []):
        disk = _disk(ctx, rg, dd, location)
        data_disks.append({"lun": int(dd.get("lun", len(data_disks))), "createOption": "Attach",
                           "caching": dd.get("caching", "None"), "managedDisk": {"id": disk.id},
                           "deleteOption": dd.get("delete_option", "Detach")})
    body = {"location": location, "tags": spec.get("tags") or {}, "properties": {
        "hardwareProfile": {"vmSize": spec.get("size", "Standard_D2s_v3")},
        "storageProfile": {"imageReference": dict(spec.get("image_reference") or _default_ref(spec, linux)),
                           "osDisk": {"createOption": "FromImage",
                                      "name": spec.get("os_disk_name") or "{}_OsDisk_1_{}".format(name, _hex(ctx, name)),
                                      "diskSizeGB": spec.get("os_disk_size_gb", 127),
                                      "deleteOption": spec.get("os_disk_delete_option", "Detach"),
                                      "managedDisk": {"storageAccountType": spec.get("os_disk_sku", "Premium_LRS")}},
                           "dataDisks": data_disks},
        "osProfile": _os_profile(spec, name, linux),
        "networkProfile": {"networkInterfaces": [_nic_ref(nic_id, spec)]},
        "diagnosticsProfile": {"bootDiagnostics": {"enabled": spec.get("boot_diagnostics", "managed") != "disabled"}}}}
    if spec.get("security_type", "Standard") == "TrustedLaunch":
        body["properties"]["securityProfile"] = {"uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": True},
                                                 "securityType": "TrustedLaunch"}
    if spec.get("zones"):
        body["zones"] = spec["zones"]
    vm = _put(ctx, compute.begin_create_or_update_vm(sub, rg, name, body))
    # the story inside the VM: its disk now holds the scenario's guest, which boots (or not) by itself
    guest = _guest(guest_spec)
    if guest is not None:
        vm.os_disk_model().guest = guest
    power = spec.get("power_state", "running")
    if power == "running" or spec.get("boot_as"):
        boot_vm(vm)
    else:
        vm.boot = None
    if power == "stopped":
        _settle(ctx, compute.begin_power_off_vm(sub, rg, name))
    elif power == "deallocated":
        _settle(ctx, compute.begin_deallocate_vm(sub, rg, name))
    if spec.get("generalized_by_api"):
        compute.generalize_vm(sub, rg, name)
    ctx["specs"][name.lower()] = guest_spec
    ctx["vms"][name.lower()] = vm
    return vm


def _nic_ref(nic_id, spec):
    if spec.get("nic_delete_option"):
        return {"id": nic_id, "properties": {"deleteOption": spec["nic_delete_option"]}}
    return {"id": nic_id}


def _os_profile(spec, name, linux):
    profile = {"computerName": spec.get("computer_name", name[:15]),
               "adminUsername": spec.get("admin_username", "azureadmin")}
    if linux:
        profile["linuxConfiguration"] = {"disablePasswordAuthentication": True, "provisionVMAgent": True, "ssh": {
            "publicKeys": [{"path": "/home/{}/.ssh/authorized_keys".format(profile["adminUsername"]),
                            "keyData": _SSH_KEY}]}}
    else:
        profile["adminPassword"] = "Sc3n-" + secrets.token_urlsafe(18)  # used once, kept nowhere
        profile["windowsConfiguration"] = {"provisionVMAgent": True, "enableAutomaticUpdates": True}
    return profile


def _default_ref(spec, linux):
    """The platform image ``az vm create`` would have used for the scenario's guest."""
    guest = spec.get("guest") or {}
    if linux:
        return {"publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2",
                "version": "latest"}
    version = str(guest.get("version", "2022")).lower()
    gen2 = str(guest.get("generation", "V2")).upper() == "V2"
    if version in ("win11", "11"):
        return {"publisher": "MicrosoftWindowsDesktop", "offer": "windows-11", "sku": "win11-23h2-pro",
                "version": "latest"}
    sku = {"2016": "2016-datacenter", "2019": "2019-datacenter"}.get(version, "2022-datacenter")
    if gen2:
        sku += "-g2" if sku.startswith("2022") else "-gensecond"
    return {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": sku, "version": "latest"}


# -- disks, snapshots, images, galleries --------------------------------------------------------------
def _disk(ctx, rg, spec, location=None):
    """A disk made by a disk PUT: a copy of a VM's OS disk, or a disk whose contents are a guest."""
    compute, sub = ctx["cloud"].compute, ctx["sub"]
    location = location or _location(ctx, spec)
    if spec.get("copy_of_os_disk"):
        source = _vm_named(ctx, spec["copy_of_os_disk"]).os_disk_model()
        return _put(ctx, compute.begin_create_or_update_disk(sub, rg, spec["name"], {
            "location": location, "properties": {"creationData": {"createOption": "Copy",
                                                                  "sourceResourceId": source.id}}}))
    guest = _guest(spec.get("guest"))
    props = {"creationData": {"createOption": "Empty"}, "diskSizeGB": spec.get("size_gb", 127)}
    if guest is not None and (spec.get("guest") or {}).get("os"):
        props.update(osType=guest.os_type, hyperVGeneration=guest.generation)
    disk = _put(ctx, compute.begin_create_or_update_disk(sub, rg, spec["name"], {
        "location": location, "sku": {"name": spec.get("sku", "Premium_LRS")}, "properties": props}))
    disk.guest = guest  # what was written on it
    return disk


def _snapshot(ctx, spec):
    compute = ctx["cloud"].compute
    vm = _vm_named(ctx, spec["of_os_disk"])
    body = {"location": _location(ctx, spec), "sku": {"name": spec.get("sku", "Standard_LRS")},
            "properties": {"creationData": {"createOption": "Copy", "sourceResourceId": vm.os_disk["id"]},
                           "incremental": bool(spec.get("incremental", False))}}
    snap = _put(ctx, compute.begin_create_or_update_snapshot(ctx["sub"], spec["resource_group"], spec["name"], body))
    if spec.get("guest_state"):
        snap.guest = _earlier_guest(ctx, vm.name, spec["guest_state"])  # taken earlier in the story
    ctx["snapshots"][spec["name"].lower()] = snap
    return snap


def _image(ctx, spec):
    compute = ctx["cloud"].compute
    props = {}
    if spec.get("source_vm"):
        props["sourceVirtualMachine"] = {"id": _vm_named(ctx, spec["source_vm"]).id}
    else:
        snap = ctx["snapshots"][spec["source_snapshot"].lower()]
        props["storageProfile"] = {"osDisk": {"osType": snap.os_type, "osState": spec.get("os_state", "Generalized"),
                                              "snapshot": {"id": snap.id}}}
        props["hyperVGeneration"] = snap.hyper_v_generation
    image = _put(ctx, compute.begin_create_or_update_image(ctx["sub"], spec["resource_group"], spec["name"], {
        "location": _location(ctx, spec), "properties": props}))
    ctx["images"][spec["name"].lower()] = image
    return image


def _gallery(ctx, spec):
    compute, sub, rg = ctx["cloud"].compute, ctx["sub"], spec["resource_group"]
    location = _location(ctx, spec)
    body = {"location": location}
    if spec.get("description"):
        body["properties"] = {"description": spec["description"]}
    out = [_put(ctx, compute.begin_create_or_update_gallery(sub, rg, spec["name"], body)).id]
    for ispec in spec.get("images", []):
        props = {"osType": ispec.get("os_type", "Windows"), "osState": ispec.get("os_state", "Specialized"),
                 "hyperVGeneration": ispec.get("hyper_v_generation", "V2"),
                 "identifier": {"publisher": ispec.get("publisher", "Contoso"),
                                "offer": ispec.get("offer", ispec["name"]), "sku": ispec.get("sku", "1")}}
        if ispec.get("security_type", "Standard") != "Standard":
            props["features"] = [{"name": "SecurityType", "value": ispec["security_type"]}]
        out.append(_put(ctx, compute.begin_create_or_update_gallery_image(
            sub, rg, spec["name"], ispec["name"], {"location": location, "properties": props})).id)
        for vspec in ispec.get("versions", []):
            if vspec.get("source_vm"):
                source = {"virtualMachineId": _vm_named(ctx, vspec["source_vm"]).id}
            else:
                source = {"id": ctx["images"][vspec["source_image"].lower()].id}
            version = _put(ctx, compute.begin_create_or_update_gallery_version(
                sub, rg, spec["name"], ispec["name"], vspec["name"],
                {"location": location, "properties": {"storageProfile": {"source": source}}}))
            if vspec.get("guest_state"):
                version.guest = _earlier_guest(ctx, vspec["source_vm"], vspec["guest_state"])
            out.append(version.id)
    return out


__all__ = ["apply"]
