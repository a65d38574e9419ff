"""Turn a scenario's data into backend calls (model objects + ``add``), never wire JSON.

Sections, applied in this order (a later entry may name an earlier one):

``resource_groups``: ``{name, location}``.

``vms``: ``{name, resource_group, size, guest: <spec, see fakeazure.guest.presets>, security_type
(Standard|TrustedLaunch), boot_diagnostics (managed|disabled), power_state (running|stopped|deallocated),
generalized_by_api, image_reference, computer_name, admin_username, os_disk_name, public_ip,
data_disks: [{lun, name, guest: <spec>} | {lun, name, copy_of_os_disk: <vm>} ]}``. A running VM is booted
(the guest decides what the console shows and whether the agent is Ready).  ``boot_as``: a VM that is
stopped/deallocated but booted before (its boot diagnostics keep that last capture).

``disks``: ``{name, resource_group, copy_of_os_disk: <vm> | guest: <spec>}`` (unattached).

``snapshots``: ``{name, resource_group, of_os_disk: <vm>, guest_state: <preset>}`` -- a snapshot of the VM's
OS disk; with ``guest_state`` the snapshot holds that VM's disk as it was earlier (same guest spec, same
disk signature, another preset: e.g. ``healthy`` for "taken before Sysprep").

``images``: ``{name, resource_group, os_state, source_vm: <vm> | source_snapshot: <snapshot>}`` -- a managed
image; from a VM it records ``sourceVirtualMachine`` and the VM's OS disk, from a snapshot the snapshot.

``galleries``: ``{name, resource_group, images: [{name, os_state, publisher, offer, sku, security_type,
versions: [{name, source_vm: <vm> | source_image: <image>, guest_state}]}]}``.

``fleet``: thousands of VMs in several subscriptions, made lazily (:mod:`fakeazure.scenarios.fleet`).

``faults``: rules for :mod:`fakeazure.core.faults`.
"""
import copy
import hashlib

from ..core import ids
from ..compute import models as cm
from ..compute.models import Disk, VirtualMachine, boot_vm


def apply(cloud, data):
    sub = data.get("subscription", cloud.default_subscription)
    created = {"scenario": data["name"], "resourceGroups": [], "vms": [], "disks": [], "snapshots": [],
               "images": [], "galleries": []}
    ctx = {"specs": {}, "vms": {}, "snapshots": {}, "images": {}}
    for rg in data.get("resource_groups", []):
        group, _ = cloud.resources.create_or_update_group(sub, rg["name"], rg.get("location", "eastus"),
                                                          rg.get("tags"))
        created["resourceGroups"].append(group.id)
    for spec in data.get("vms", []):
        vm = _vm(cloud, sub, spec, ctx)
        created["vms"].append(vm.id)
        created["disks"].append(vm.os_disk["id"])
        created["disks"].extend(d["id"] for d in vm.data_disks)
    for spec in data.get("disks", []):
        created["disks"].append(_standalone_disk(cloud, sub, spec, ctx).id)
    for spec in data.get("snapshots", []):
        created["snapshots"].append(_snapshot(cloud, sub, spec, ctx).id)
    for spec in data.get("images", []):
        created["images"].append(_image(cloud, sub, spec, ctx).id)
    for spec in data.get("galleries", []):
        created["galleries"].extend(_gallery(cloud, sub, spec, ctx))
    # quotas: {location: {cores: N, <family>: N}} (vCPU limits, see fakeazure/compute/skus.py)
    for location, limits in (data.get("quotas") or {}).items():
        for name, limit in limits.items():
            cloud.compute.quotas.set(sub, location, name, limit)
    if data.get("fleet"):  # thousands of VMs, made lazily (fleet.py)
        from .fleet import apply as apply_fleet
        apply_fleet(cloud, data["fleet"], created)
    for rule in data.get("faults", []):
        cloud.faults.add(rule)
    return created


def _guest(spec):
    if not spec:
        return None
    from ..guest import guest_from_spec
    return guest_from_spec(spec)


def _location(cloud, sub, spec):
    return spec.get("location") or cloud.resources.get_group(sub, spec["resource_group"]).location


def _hex(cloud, seed):
    return hashlib.md5((cloud.default_subscription + seed).encode()).hexdigest()


def _vm_named(ctx, name):
    vm = ctx["vms"].get(name.lower())
    if vm is None:
        raise ValueError("scenario: no VM {!r} defined before it is used".format(name))
    return vm


def _copy_guest(guest):
    return guest.copy() if guest is not None and hasattr(guest, "copy") else copy.deepcopy(guest)


def _vm(cloud, sub, spec, ctx):
    compute = cloud.compute
    rg = spec["resource_group"]
    location = _location(cloud, sub, spec)
    guest_spec = dict(spec.get("guest") or {})
    if guest_spec and "uid" not in guest_spec:
        guest_spec["uid"] = "{}/{}/{}".format(sub, rg, spec["name"]).lower()  # stable disk signature per VM
    if guest_spec and "computer_name" not in guest_spec and guest_spec.get("os", "windows") == "windows":
        guest_spec["computer_name"] = spec.get("computer_name", spec["name"][:15])
    guest = _guest(guest_spec)
    os_type = guest.os_type if guest is not None else spec.get("os_type", "Windows")
    generation = guest.generation if guest is not None else spec.get("generation", "V2")
    security = spec.get("security_type", "Standard")
    disk_name = spec.get("os_disk_name") or "{}_OsDisk_1_{}".format(spec["name"], _hex(cloud, spec["name"]))
    disk = compute.add_disk(Disk(compute, sub, rg, disk_name, location, size_gb=spec.get("os_disk_size_gb", 127),
                                 sku=spec.get("os_disk_sku", "Premium_LRS"), os_type=os_type,
                                 hyper_v_generation=generation,
                                 creation_data={"createOption": "FromImage",
                                                "imageReference": {"id": _image_ref_id(sub, location, spec)}},
                                 security_type=security if security != "Standard" else None, guest=guest))
    security_profile = None
    if security == "TrustedLaunch":
        security_profile = {"uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": True},
                            "securityType": "TrustedLaunch"}
    nic_id = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/{}VMNic".format(
        sub, rg, spec["name"])
    os_profile = {"computerName": spec.get("computer_name", spec["name"][:15]),
                  "adminUsername": spec.get("admin_username", "azureadmin"),
                  "windowsConfiguration" if os_type == "Windows" else "linuxConfiguration":
                      {"provisionVMAgent": True, "enableAutomaticUpdates": True} if os_type == "Windows"
                      else {"disablePasswordAuthentication": True, "provisionVMAgent": True},
                  "secrets": [], "allowExtensionOperations": True, "requireGuestProvisionSignal": True}
    data_disks = []
    for dd in spec.get("data_disks", []):
        ddisk = _data_disk(cloud, sub, rg, location, dd, ctx)
        data_disks.append({"lun": int(dd.get("lun", len(data_disks))), "id": ddisk.id, "name": ddisk.name,
                           "createOption": "Attach", "caching": dd.get("caching", "None"),
                           "deleteOption": "Detach"})
    vm = VirtualMachine(compute, sub, rg, spec["name"], location, size=spec.get("size", "Standard_D2s_v3"),
                        os_disk={"id": disk.id, "name": disk.name, "createOption": "FromImage",
                                 "osType": os_type, "deleteOption": spec.get("os_disk_delete_option", "Detach")},
                        data_disks=data_disks, nics=[{"id": nic_id}], os_profile=os_profile,
                        image_reference=_image_reference(spec, os_type), security_profile=security_profile,
                        boot_diagnostics=spec.get("boot_diagnostics", "managed") != "disabled",
                        tags=spec.get("tags"), zones=spec.get("zones"))
    disk.managed_by = vm.id
    for dd in data_disks:
        model = cloud.find(dd["id"])
        if model is not None:
            model.managed_by = vm.id
    compute.add_vm(vm)
    _network(cloud, sub, rg, location, spec, nic_id)
    power = spec.get("power_state", "running")
    if power == "running" or spec.get("boot_as"):
        # boot_as: booted once (e.g. before a deallocation) so boot diagnostics keep that capture
        boot_vm(compute, vm)
    vm.power_state = power
    vm.generalized = bool(spec.get("generalized_by_api", False))
    ctx["specs"][spec["name"].lower()] = guest_spec
    ctx["vms"][spec["name"].lower()] = vm
    return vm


def _network(cloud, sub, rg, location, spec, nic_id):
    """The VM's NIC, VNet, NSG as ``az vm create`` makes them."""
    from ..network.scenario import ensure_vm_network
    ensure_vm_network(cloud, sub, rg, location, spec["name"], nic_id, public_ip=bool(spec.get("public_ip")))


def _data_disk(cloud, sub, rg, location, dd, ctx):
    compute = cloud.compute
    if dd.get("copy_of_os_disk"):
        source = _vm_named(ctx, dd["copy_of_os_disk"]).os_disk_model()
        disk = Disk(compute, sub, rg, dd["name"], location, size_gb=source.size_gb, sku=source.sku,
                    os_type=source.os_type, hyper_v_generation=source.hyper_v_generation,
                    creation_data={"createOption": "Copy", "sourceResourceId": source.id,
                                   "sourceUniqueId": source.unique_id},
                    security_type=source.security_type, guest=_copy_guest(source.guest))
    else:
        guest = _guest(dd.get("guest"))
        disk = Disk(compute, sub, rg, dd["name"], location, size_gb=dd.get("size_gb", 127),
                    sku=dd.get("sku", "Premium_LRS"), guest=guest,
                    os_type=guest.os_type if guest is not None and dd.get("guest", {}).get("os") else None,
                    hyper_v_generation=guest.generation if guest is not None else None,
                    creation_data={"createOption": "Empty"})
    return compute.add_disk(disk)


def _standalone_disk(cloud, sub, spec, ctx):
    return _data_disk(cloud, sub, spec["resource_group"], _location(cloud, sub, spec), spec, ctx)


def _earlier_guest(ctx, vm_name, state):
    """The VM's disk as it was earlier: its guest spec with another preset (same uid, same signature)."""
    spec = dict(ctx["specs"][vm_name.lower()])
    spec["state"] = state
    return _guest(spec)


def _snapshot(cloud, sub, spec, ctx):
    compute = cloud.compute
    vm = _vm_named(ctx, spec["of_os_disk"])
    source = vm.os_disk_model()
    guest = _earlier_guest(ctx, vm.name, spec["guest_state"]) if spec.get("guest_state") else \
        _copy_guest(source.guest)
    snap = cm.Snapshot(compute, sub, spec["resource_group"], spec["name"], _location(cloud, sub, spec),
                       size_gb=source.size_gb, sku=spec.get("sku", "Standard_LRS"), os_type=source.os_type,
                       hyper_v_generation=source.hyper_v_generation,
                       creation_data={"createOption": "Copy", "sourceResourceId": source.id,
                                      "sourceUniqueId": source.unique_id},
                       security_type=source.security_type, guest=guest,
                       incremental=bool(spec.get("incremental", False)))
    compute.add(snap)
    ctx["snapshots"][spec["name"].lower()] = snap
    return snap


def _image(cloud, sub, spec, ctx):
    compute = cloud.compute
    location = _location(cloud, sub, spec)
    if spec.get("source_vm"):
        vm = _vm_named(ctx, spec["source_vm"])
        disk = vm.os_disk_model()
        source_vm_id, ref, guest = vm.id, {"managedDisk": {"id": disk.id}}, _copy_guest(disk.guest)
    else:
        snap = ctx["snapshots"][spec["source_snapshot"].lower()]
        disk, source_vm_id, ref, guest = snap, None, {"snapshot": {"id": snap.id}}, _copy_guest(snap.guest)
    image = cm.Image(compute, sub, spec["resource_group"], spec["name"], location, os_type=disk.os_type,
                     os_state=spec.get("os_state", "Generalized"), hyper_v_generation=disk.hyper_v_generation,
                     source_vm_id=source_vm_id, os_disk_ref=ref, size_gb=disk.size_gb, guest=guest,
                     security_type=disk.security_type)
    compute.add(image)
    ctx["images"][spec["name"].lower()] = image
    return image


def _gallery(cloud, sub, spec, ctx):
    compute = cloud.compute
    rg = spec["resource_group"]
    location = _location(cloud, sub, spec)
    out = [compute.add(cm.Gallery(compute, sub, rg, spec["name"], location,
                                  description=spec.get("description"))).id]
    for ispec in spec.get("images", []):
        features = []
        if ispec.get("security_type", "Standard") != "Standard":
            features.append({"name": "SecurityType", "value": ispec["security_type"]})
        image = cm.GalleryImage(compute, sub, rg, spec["name"], ispec["name"], location,
                                os_type=ispec.get("os_type", "Windows"), os_state=ispec.get("os_state", "Specialized"),
                                hyper_v_generation=ispec.get("hyper_v_generation", "V2"),
                                identifier={"publisher": ispec.get("publisher", "Contoso"),
                                            "offer": ispec.get("offer", ispec["name"]),
                                            "sku": ispec.get("sku", "1")}, features=features)
        out.append(compute.add(image).id)
        for vspec in ispec.get("versions", []):
            if vspec.get("source_vm"):
                vm = _vm_named(ctx, vspec["source_vm"])
                disk = vm.os_disk_model()
                source = {"id": vm.id, "virtualMachineId": vm.id}
                guest = _earlier_guest(ctx, vm.name, vspec["guest_state"]) if vspec.get("guest_state") else \
                    _copy_guest(disk.guest)
            else:
                src = ctx["images"][vspec["source_image"].lower()]
                disk, source, guest = src, {"id": src.id}, _copy_guest(src.guest)
            version = cm.GalleryImageVersion(compute, sub, rg, spec["name"], ispec["name"], vspec["name"], location,
                                             source=source, size_gb=disk.size_gb, guest=guest)
            out.append(compute.add(version).id)
    return out


def _image_reference(spec, os_type):
    ref = spec.get("image_reference")
    if ref is None:
        ref = _default_ref(spec, os_type)
    ref = dict(ref)
    if "id" not in ref and "exactVersion" not in ref:
        exact = ref.get("version") if ref.get("version") != "latest" else _EXACT.get(ref.get("sku", ""))
        if exact:
            ref["exactVersion"] = exact  # Azure fills the resolved version of "latest"
    return ref


_EXACT = {"2022-datacenter-g2": "20348.2762.241006", "2022-datacenter": "20348.2762.241006",
          "2019-datacenter-g2": "17763.6414.241004", "2016-datacenter-g2": "14393.7428.241004",
          "win11-23h2-pro": "22631.4317.241012", "22_04-lts-gen2": "22.04.202410020"}


def _default_ref(spec, os_type):
    guest = spec.get("guest") or {}
    if os_type == "Linux":
        return {"publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2",
                "version": "latest"}
    version = str(guest.get("version", "2022")).lower()
    gen2 = str(guest.get("generation", "V2")).upper() == "V2"
    if version in ("win11", "11"):
        return {"publisher": "MicrosoftWindowsDesktop", "offer": "windows-11", "sku": "win11-23h2-pro",
                "version": "latest"}
    if version in ("win10", "10"):
        return {"publisher": "MicrosoftWindowsDesktop", "offer": "Windows-10", "sku": "win10-22h2-pro-g2"
                if gen2 else "win10-22h2-pro", "version": "latest"}
    sku = {"2016": "2016-datacenter", "2019": "2019-datacenter", "2022": "2022-datacenter",
           "2025": "2025-datacenter", "2012r2": "2012-r2-datacenter"}.get(version, "2022-datacenter")
    if gen2 and version != "2012r2":
        sku += "-g2"
    return {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": sku, "version": "latest"}


def _image_ref_id(sub, location, spec):
    ref = spec.get("image_reference") or _default_ref(spec, "Linux" if (spec.get("guest") or {}).get("os") ==
                                                      "linux" else "Windows")
    if "id" in ref:
        return ref["id"]
    return ("/Subscriptions/{}/Providers/Microsoft.Compute/Locations/{}/Publishers/{}/ArtifactTypes/VMImage/"
            "Offers/{}/Skus/{}/Versions/{}").format(sub, location, ref["publisher"], ref["offer"], ref["sku"],
                                                   ref.get("version", "latest"))


__all__ = ["apply", "ids"]
