"""Turn a scenario's data into backend calls."""
from ..compute.models import Disk, VirtualMachine, boot_vm


def apply(cloud, data):
    sub = data.get("subscription", cloud.default_subscription)
    created = {"scenario": data["name"], "resourceGroups": [], "vms": [], "disks": []}
    for rg in data.get("resource_groups", []):
        group, _ = cloud.resources.create_or_update_group(sub, rg["name"], rg.get("location", "eastus"),
                                                          rg.get("tags"))
        created["resourceGroups"].append(group.id)
    for spec in data.get("vms", []):
        vm = _vm(cloud, sub, spec)
        created["vms"].append(vm.id)
        created["disks"].append(vm.os_disk["id"])
    for rule in data.get("faults", []):
        cloud.faults.add(rule)
    return created


def _guest(spec):
    if not spec:
        return None
    from ..guest import guest_from_spec
    return guest_from_spec(spec)


def _vm(cloud, sub, spec):
    compute = cloud.compute
    rg = spec["resource_group"]
    location = spec.get("location") or cloud.resources.get_group(sub, rg).location
    guest = _guest(spec.get("guest"))
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
    vm = VirtualMachine(compute, sub, rg, spec["name"], location, size=spec.get("size", "Standard_D2s_v3"),
                        os_disk={"id": disk.id, "name": disk.name, "createOption": "FromImage",
                                 "osType": os_type, "deleteOption": spec.get("os_disk_delete_option", "Detach")},
                        nics=[{"id": nic_id}], os_profile=os_profile,
                        image_reference=spec.get("image_reference"), security_profile=security_profile,
                        boot_diagnostics=spec.get("boot_diagnostics", "managed") != "disabled",
                        tags=spec.get("tags"), zones=spec.get("zones"))
    disk.managed_by = vm.id
    compute.add_vm(vm)
    vm.power_state = spec.get("power_state", "running")
    vm.generalized = bool(spec.get("generalized_by_api", False))
    if vm.power_state == "running":
        boot_vm(compute, vm)
    return vm


def _hex(cloud, seed):
    import hashlib
    return hashlib.md5((cloud.default_subscription + seed).encode()).hexdigest()


def _image_ref_id(sub, location, spec):
    ref = spec.get("image_reference") or {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                                          "sku": "2022-datacenter-azure-edition", "version": "latest"}
    if "id" in ref:
        return ref["id"]
    return ("/Subscriptions/{}/Providers/Microsoft.Compute/Locations/{}/Publishers/{}/ArtifactTypes/VMImage/"
            "Offers/{}/Skus/{}/Versions/{}").format(sub, location, ref["publisher"], ref["offer"], ref["sku"],
                                                   ref.get("version", "latest"))
