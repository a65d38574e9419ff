"""The Network backend: one object per cloud, made of one backend per resource family (as moto's EC2
backend is), each in its own module with its models:

| family | module | state |
|---|---|---|
| virtual networks, subnets | ``virtual_networks`` | ``vnets`` |
| network interfaces (and what Compute asks of them) | ``network_interfaces`` | ``nics`` |
| public IP addresses | ``public_ips`` | ``public_ips`` |
| network security groups | ``security_groups`` | ``nsgs`` |
| tags, security rules, effective routes, address checks | ``operations`` | (the tables above) |

Every table of resources is made empty in ``__init__`` (:class:`fakeazure.core.backend.ResourceBackend`,
from ``tables``), so ``Cloud.reset()`` drops it; :mod:`.base` holds the shared write mechanism and
:mod:`fakeazure.network.exceptions` the error codes. Backends return objects, operations and
:class:`fakeazure.core.backend.Write` records; :mod:`fakeazure.network.responses` answers.
"""
from ...core import ids
from ...core.backend import ResourceBackend
from .base import NS, NetworkBase
from .network_interfaces import NetworkInterface, NetworkInterfaceBackend
from .operations import NetworkOperationsBackend
from .public_ips import PublicIPAddress, PublicIPBackend
from .security_groups import NetworkSecurityGroup, SecurityGroupBackend
from .virtual_networks import Subnet, VirtualNetwork, VirtualNetworkBackend

_FAMILIES = (VirtualNetworkBackend, NetworkInterfaceBackend, PublicIPBackend, SecurityGroupBackend,
             NetworkOperationsBackend)


class NetworkBackend(NetworkBase, ResourceBackend, *_FAMILIES):
    """Microsoft.Network state of one cloud."""

    tables = ("vnets", "nics", "public_ips", "nsgs")

    def get_by_id(self, rid):
        found = super().get_by_id(rid)
        if found is not None:
            return found
        p = ids.parse(rid or "")
        if p and (p["namespace"] or "").lower() == NS.lower() and \
                (p["type"] or "").lower() == "virtualnetworks/subnets" and len(p["names"]) == 2:
            vnet = self.vnets.get(ids.key(ids.resource_id(p["subscription"], p["resource_group"], NS,
                                                          "virtualNetworks", p["names"][0])))
            return vnet.subnet(p["names"][1]) if vnet else None
        return None

    def dump(self):
        return {"virtualNetworks": [v.to_json() for v in self.vnets.values()],
                "networkInterfaces": [n.to_json() for n in self.nics.values()],
                "publicIPAddresses": [p.to_json() for p in self.public_ips.values()],
                "networkSecurityGroups": [s.to_json() for s in self.nsgs.values()],
                "reservations": [{"nic": n.id, "vm": n.reserved_for[0], "until": n.reserved_for[1]}
                                 for n in self.nics.values() if n.reservation(self.cloud.clock.now())]}


__all__ = ["NetworkBackend", "NetworkInterface", "NetworkSecurityGroup", "PublicIPAddress", "Subnet", "VirtualNetwork",
           "NS"]
