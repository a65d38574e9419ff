"""Every deleteOption a VM delete honours: the OS disk's, each data disk's, each NIC's (in the VM model) and
each public IP's on those NICs (a property of the public IP address, ``properties.deleteOption``: "what
happens to the public IP address when the VM using it is deleted", Microsoft.Network's PublicIPAddress
model). The recreate path sets them all to ``Detach`` before the VM delete (article step 1), keeps them so
for the whole run, and puts the original values back as its last step or on rollback.

Public IPs are read and written with the generic ARM client (azure-cli ships no network SDK package): the
option is read from the address and written through the NIC's IP configuration (:func:`set_public_ip`).
"""
import copy

from azure.core.exceptions import ResourceNotFoundError

NETWORK_API = "2024-05-01"


def _detach(option):
    return str(option or "Detach").lower() == "detach"


def vm_all_detach(vm):
    """Whether deleting ``vm`` (an SDK model) would delete none of its disks and NICs."""
    sp, np = vm.storage_profile, vm.network_profile
    options = [sp.os_disk.delete_option] + [d.delete_option for d in sp.data_disks or []]
    options += [n.delete_option for n in (np.network_interfaces or [])] if np else []
    return all(_detach(o) for o in options)


def set_vm_detach(vm):
    """Detach on the OS disk, every data disk and every NIC of ``vm`` (SDK model); whether anything changed."""
    changed = not vm_all_detach(vm)
    vm.storage_profile.os_disk.delete_option = "Detach"
    for disk in vm.storage_profile.data_disks or []:
        disk.delete_option = "Detach"
    for nic in (vm.network_profile.network_interfaces or []) if vm.network_profile else []:
        nic.delete_option = "Detach"
    return changed


def original_vm_options(original):
    """``(os, {lun: option}, {nic id: option})`` of the captured model (REST shape); a disk's absent option is
    Detach, a NIC's is None (not shown: Detach, and left as the VM has it)."""
    props = original["properties"]
    sp = props["storageProfile"]
    by_lun = {d["lun"]: d.get("deleteOption") or "Detach" for d in sp.get("dataDisks") or []}
    by_nic = {n["id"].lower(): (n.get("properties") or {}).get("deleteOption") or n.get("deleteOption")
              for n in (props.get("networkProfile") or {}).get("networkInterfaces") or []}  # None: not shown
    return sp["osDisk"].get("deleteOption") or "Detach", by_lun, by_nic


def set_vm_original(vm, original, os_disk=True):
    """The original options on ``vm`` (SDK model): data disks by LUN, NICs by id (a disk or NIC the original
    did not have is left as it is); the OS disk's too unless ``os_disk`` is False. Whether anything changed."""
    os_option, by_lun, by_nic = original_vm_options(original)
    before = _options(vm)
    if os_disk:
        vm.storage_profile.os_disk.delete_option = os_option
    for disk in vm.storage_profile.data_disks or []:
        disk.delete_option = by_lun.get(disk.lun, disk.delete_option)
    for nic in (vm.network_profile.network_interfaces or []) if vm.network_profile else []:
        nic.delete_option = by_nic.get(nic.id.lower()) or nic.delete_option
    return _options(vm) != before


def _options(vm):
    sp, np = vm.storage_profile, vm.network_profile
    out = [str(sp.os_disk.delete_option or "Detach").lower()]
    out += [str(d.delete_option or "Detach").lower() for d in sp.data_disks or []]
    out += [str(n.delete_option or "Detach").lower() for n in (np.network_interfaces or [])] if np else []
    return out


# -- public IPs ------------------------------------------------------------------------------------------
def public_ips(resources, nic_ids):
    """``({public ip id: deleteOption}, {public ip id: NIC id})`` of every public IP on the NICs' IP
    configurations (a GET of each NIC and of each public IP)."""
    options, nics = {}, {}
    if resources is None:
        return options, nics
    for nic_id in nic_ids:
        try:
            nic = resources.resources.get_by_id(nic_id, NETWORK_API)
        except ResourceNotFoundError:
            continue
        for cfg in (nic.properties or {}).get("ipConfigurations") or []:
            pip_id = ((cfg.get("properties") or {}).get("publicIPAddress") or {}).get("id")
            if not pip_id:
                continue
            pip = resources.resources.get_by_id(pip_id, NETWORK_API)
            options[pip.id] = (pip.properties or {}).get("deleteOption") or "Detach"
            nics[pip.id] = nic.id
    return options, nics


def _pip_option(resources, pip_id):
    """The public IP's deleteOption now, or None when it is gone."""
    try:
        pip = resources.resources.get_by_id(pip_id, NETWORK_API)
    except ResourceNotFoundError:
        return None
    return (pip.properties or {}).get("deleteOption") or "Detach"


def set_public_ip(resources, nic_id, pip_id, option):
    """The public IP's deleteOption set to ``option`` through the NIC that holds it (:func:`start_public_ip`),
    waited for. Whether a PUT was sent; a gone public IP or NIC is left alone."""
    poller = start_public_ip(resources, nic_id, pip_id, option)
    if poller is not None:
        poller.result()
    return poller is not None


def start_public_ip(resources, nic_id, pip_id, option, sender=None):
    """The public IP's deleteOption set to ``option`` through the NIC that holds it: the NIC's body with the
    IP configuration's ``publicIPAddress`` given as ``{id, properties: {deleteOption}}``, PUT (a NIC write and
    the public IP's join action, which Virtual Machine Contributor holds; a write of the public IP itself
    would need Network Contributor). ``sender(begin, *args)`` sends it (default: ``begin(*args)``, an SDK
    poller); what it returns is returned, not waited for; None when nothing is to be sent (the option is already
    so, or the public IP or NIC is gone)."""
    current = _pip_option(resources, pip_id)
    if current is None or current.lower() == str(option).lower():
        return None
    try:
        nic = resources.resources.get_by_id(nic_id, NETWORK_API)
    except ResourceNotFoundError:
        return None
    props = copy.deepcopy(nic.properties or {})
    for cfg in props.get("ipConfigurations") or []:
        ref = (cfg.get("properties") or {}).get("publicIPAddress") or {}
        if (ref.get("id") or "").lower() == pip_id.lower():
            cfg["properties"]["publicIPAddress"] = {"id": ref["id"], "properties": {"deleteOption": option}}
    body = {"location": nic.location, "properties": props}
    if nic.tags:
        body["tags"] = dict(nic.tags)
    send = sender or (lambda begin, *args: begin(*args))
    return send(resources.resources.begin_create_or_update_by_id, nic.id, NETWORK_API, body)


def public_ips_are(resources, options):
    """Whether every public IP of ``options`` ({id: deleteOption}) that still exists has its option now."""
    for pip_id, option in options.items():
        current = _pip_option(resources, pip_id)
        if current is not None and current.lower() != str(option).lower():
            return False
    return True


def public_ips_detach(resources, pip_ids):
    """Whether every public IP of ``pip_ids`` that still exists is Detach now."""
    return public_ips_are(resources, {pip_id: "Detach" for pip_id in pip_ids})
