"""Network for a scenario VM, named the way ``az vm create`` names it: ``<vm>VNET`` (10.0.0.0/16) with
``<vm>Subnet`` (10.0.0.0/24), ``<vm>NSG``, optionally ``<vm>PublicIP``, and the NIC ``nic_id`` with the
ipConfiguration ``ipconfig<vm>``. An existing vnet in the group is reused, as ``az vm create`` does.

Everything is made by the backend's own PUTs (the code a request runs), each operation settled at once:
a scenario describes a network that was made earlier."""
from ..core import ids


def _settle(write, cloud):
    op = write.operation
    if op is not None and not op.done:
        op.finish(cloud.clock.now())
    return write.obj


def ensure_vm_network(cloud, sub, rg, location, vm_name, nic_id, public_ip=False, attach=True):
    """Create (or reuse) the network of VM ``vm_name``; return the NIC, attached to the VM unless ``attach``
    is False (then the VM's own create attaches it). Idempotent."""
    net = cloud.network
    location = location.replace(" ", "").lower()
    vm_id = ids.resource_id(sub, rg, "Microsoft.Compute", "virtualMachines", vm_name)
    existing = net.get_by_id(nic_id)
    if existing is not None:
        if attach and not existing.vm_id:
            net.attach_nic(nic_id, vm_id)
        return existing
    vnet = next((v for v in net.list_vnets(sub, rg) if v.location == location and v.subnets), None)
    if vnet is None:
        vnet = _settle(net.begin_create_or_update_vnet(sub, rg, vm_name + "VNET", {
            "location": location, "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [
                {"name": vm_name + "Subnet", "properties": {"addressPrefix": "10.0.0.0/24"}}]}}), cloud)
    subnet = next(iter(vnet.subnets.values()))
    nsg = net.get_by_id(ids.resource_id(sub, rg, "Microsoft.Network", "networkSecurityGroups", vm_name + "NSG")) or \
        _settle(net.begin_create_or_update_nsg(sub, rg, vm_name + "NSG", {"location": location}), cloud)
    config = {"subnet": {"id": subnet.id}, "privateIPAllocationMethod": "Dynamic", "primary": True}
    if public_ip:
        pip = net.get_by_id(ids.resource_id(sub, rg, "Microsoft.Network", "publicIPAddresses",
                                            vm_name + "PublicIP")) or \
            _settle(net.begin_create_or_update_public_ip(sub, rg, vm_name + "PublicIP", {
                "location": location, "sku": {"name": "Standard"}}), cloud)
        config["publicIPAddress"] = {"id": pip.id}
    p = ids.parse(nic_id)
    nic_rg, nic_name = (p["resource_group"], p["name"]) if p and p["name"] else (rg, vm_name + "VMNic")
    nic = _settle(net.begin_create_or_update_nic(sub, nic_rg, nic_name, {
        "location": location, "properties": {"ipConfigurations": [{"name": "ipconfig" + vm_name, "properties": config}],
                                             "networkSecurityGroup": {"id": nsg.id}}}), cloud)
    if attach:
        net.attach_nic(nic.id, vm_id)
    return nic


__all__ = ["ensure_vm_network"]
