"""Network for a scenario VM, named the way ``az vm create`` names it: ``<vm>VNET`` (10.0.0.0/16) with
``<vm>Subnet`` (10.0.0.0/24), ``<vm>NSG``, optionally ``<vm>PublicIP``, and the NIC ``nic_id`` with the
ipConfiguration ``ipconfig<vm>``, attached to the VM (primary). An existing vnet in the group is reused,
as ``az vm create`` does. Resources are created in their final state (no long-running operation)."""
from ..core import ids
from .models import NetworkInterface, NetworkSecurityGroup, PublicIPAddress, Subnet, VirtualNetwork


def ensure_vm_network(cloud, sub, rg, location, vm_name, nic_id, public_ip=False):
    """Create (or reuse) the network of VM ``vm_name``; return the NIC. Idempotent."""
    net = cloud.network
    location = location.replace(" ", "").lower()
    vm_id = ids.resource_id(sub, rg, "Microsoft.Compute", "virtualMachines", vm_name)
    existing = net.get_by_id(nic_id)
    if existing is not None:
        if not existing.vm_id:
            net.attach_nic(nic_id, vm_id)
        return existing
    vnet = next((v for v in net.list_vnets(sub, rg) if v.location == location and v.subnets), None)
    if vnet is None:
        vnet = VirtualNetwork(net, sub, rg, vm_name + "VNET", location, ["10.0.0.0/16"])
        vnet.subnets[(vm_name + "Subnet").lower()] = Subnet(vnet, vm_name + "Subnet", "10.0.0.0/24")
        net.vnets[ids.key(vnet.id)] = vnet
    subnet = next(iter(vnet.subnets.values()))
    nsg = NetworkSecurityGroup(net, sub, rg, vm_name + "NSG", location)
    net.nsgs.setdefault(ids.key(nsg.id), nsg)
    nsg = net.nsgs[ids.key(nsg.id)]
    pip_id = None
    if public_ip:
        pip = PublicIPAddress(net, sub, rg, vm_name + "PublicIP", location, sku="Standard")
        net.public_ips.setdefault(ids.key(pip.id), pip)
        pip_id = net.public_ips[ids.key(pip.id)].id
    p = ids.parse(nic_id)
    nic_rg, nic_name = (p["resource_group"], p["name"]) if p and p["name"] else (rg, vm_name + "VMNic")
    config = {"name": "ipconfig" + vm_name, "subnet_id": subnet.id, "public_ip_id": pip_id,
              "private_ip": net.next_private_ip(subnet), "allocation": "Dynamic", "primary": True}
    nic = NetworkInterface(net, sub, nic_rg, nic_name, location, [config], nsg.id)
    net.nics[ids.key(nic.id)] = nic
    net.attach_nic(nic.id, vm_id)
    return nic


__all__ = ["ensure_vm_network"]
