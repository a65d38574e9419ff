"""Virtual networks and their subnets: models and backend (a PUT of a vnet is a full replace of its subnets)."""
import ipaddress

from ...core import ids
from ...core.backend import Write, lister, reader
from .. import exceptions
from .base import NS, NetworkResource, _ref, network_of
from .security_groups import NetworkSecurityGroup


class Subnet:
    resource_type = "virtualNetworks/subnets"

    def __init__(self, vnet, name, address_prefix, nsg_id=None):
        self.vnet = vnet
        self.name = name
        self.address_prefix = address_prefix
        self.nsg_id = nsg_id
        self.provisioning_state = "Succeeded"

    @property
    def id(self):
        return self.vnet.id + "/subnets/" + self.name

    @property
    def location(self):
        return self.vnet.location

    def network(self):
        return ipaddress.ip_network(self.address_prefix, strict=False)

    def ip_configuration_ids(self):
        return [cfg_id for nic in self.vnet.backend.nics.values() for cfg_id, cfg in nic.config_ids()
                if ids.same(cfg.get("subnet_id"), self.id)]

    def to_json(self):
        props = {"provisioningState": self.provisioning_state, "addressPrefix": self.address_prefix}
        if self.nsg_id:
            props["networkSecurityGroup"] = _ref(self.nsg_id)
        used = self.ip_configuration_ids()
        if used:
            props["ipConfigurations"] = [{"id": cid} for cid in used]
        props["delegations"] = []
        props["privateEndpointNetworkPolicies"] = "Disabled"
        props["privateLinkServiceNetworkPolicies"] = "Enabled"
        return {"name": self.name, "id": self.id, "etag": self.vnet.etag, "properties": props,
                "type": NS + "/" + self.resource_type}


class VirtualNetwork(NetworkResource):
    resource_type = "virtualNetworks"

    def __init__(self, backend, subscription_id, resource_group, name, location, address_prefixes,
                 tags=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.address_prefixes = list(address_prefixes)
        self.subnets = {}  # lower name -> Subnet

    def subnet(self, name):
        return self.subnets.get(name.lower())

    def to_json(self):
        props = {"provisioningState": self.provisioning_state, "resourceGuid": self.resource_guid,
                 "addressSpace": {"addressPrefixes": list(self.address_prefixes)},
                 "subnets": [s.to_json() for s in self.subnets.values()],
                 "virtualNetworkPeerings": [], "enableDdosProtection": False}
        return self.envelope(props)



class VirtualNetworkBackend:
    get_vnet = reader("vnets", "virtualNetworks")
    list_vnets = lister("vnets")

    def begin_create_or_update_vnet(self, sub, rg, name, body):
        rid, location = self._begin_put("virtualNetworks", sub, rg, name, body)
        props = body.get("properties") or {}
        prefixes = (props.get("addressSpace") or {}).get("addressPrefixes") or []
        if not prefixes:
            raise exceptions.InvalidRequestFormat("Value for addressSpace.addressPrefixes is required.")
        for p in prefixes:
            network_of(p, "addressPrefixes")
        vnet = self.vnets.get(ids.key(rid))
        created = vnet is None
        if created:
            vnet = VirtualNetwork(self, sub, rg, name, location, prefixes, body.get("tags"))
        else:
            vnet.address_prefixes = list(prefixes)
            vnet.tags = dict(body.get("tags") or {})
        # a PUT is a full replace: subnets the body leaves out are deleted (the ARM-template gotcha)
        wanted = {}
        for s in props.get("subnets") or []:
            sp = s.get("properties") or {}
            wanted[s["name"].lower()] = (s["name"], sp.get("addressPrefix") or
                                         (sp.get("addressPrefixes") or [None])[0],
                                         (sp.get("networkSecurityGroup") or {}).get("id"))
        for key, sub_obj in list(vnet.subnets.items()):
            if key not in wanted:
                self._check_subnet_unused(sub_obj)
        new = {}
        for key, (sname, prefix, nsg_id) in wanted.items():
            self._validate_subnet(vnet, sname, prefix, nsg_id)
            existing = vnet.subnets.get(key)
            if existing is not None:
                existing.address_prefix, existing.nsg_id = prefix, nsg_id
                new[key] = existing
            else:
                new[key] = Subnet(vnet, sname, prefix, nsg_id)
        vnet.subnets = new
        return self._end_put(rid, vnet, created)

    def _validate_subnet(self, vnet, name, prefix, nsg_id):
        if not prefix:
            raise exceptions.InvalidRequestFormat("Subnet {} must have addressPrefix or addressPrefixes.".format(name))
        net = network_of(prefix, "addressPrefix")
        if not any(net.subnet_of(ipaddress.ip_network(p, strict=False)) for p in vnet.address_prefixes
                   if ipaddress.ip_network(p, strict=False).version == net.version):
            raise exceptions.NetcfgInvalidSubnet(
                "Subnet '{}' is not valid in virtual network '{}'.".format(name, vnet.name))
        if nsg_id:
            self._check_ref(nsg_id, vnet.id + "/subnets/" + name, vnet.location, NetworkSecurityGroup)

    def _check_subnet_unused(self, subnet):
        used = subnet.ip_configuration_ids()
        if used:
            raise exceptions.InUseSubnetCannotBeDeleted(
                "Subnet {} is in use by {} and cannot be deleted. In order to delete the subnet, "
                "delete all the resources within the subnet. See aka.ms/deletesubnet."
                .format(subnet.name, used[0]))

    def begin_delete_vnet(self, sub, rg, name):
        vnet = self.get_vnet(sub, rg, name)
        self.cloud.check_locks_for_delete(vnet.id)
        for s in vnet.subnets.values():
            self._check_subnet_unused(s)
        return self._start_delete(vnet, lambda: self.vnets.pop(ids.key(vnet.id), None))

    def get_subnet(self, sub, rg, vnet_name, name):
        vnet = self.get_vnet(sub, rg, vnet_name)
        subnet = vnet.subnet(name)
        if subnet is None:
            # the parent exists, so the Network RP itself answers (not the ARM gateway)
            raise exceptions.NotFound("Resource {}/subnets/{} not found.".format(vnet.id, name))
        return subnet

    def begin_create_or_update_subnet(self, sub, rg, vnet_name, name, body):
        vnet = self.get_vnet(sub, rg, vnet_name)
        self.cloud.check_locks_for_write(vnet.id + "/subnets/" + name)
        self.not_busy(vnet)  # one subnet at a time: Azure/bicep#5132
        props = body.get("properties") or {}
        prefix = props.get("addressPrefix") or (props.get("addressPrefixes") or [None])[0]
        nsg_id = (props.get("networkSecurityGroup") or {}).get("id")
        self._validate_subnet(vnet, name, prefix, nsg_id)
        subnet = vnet.subnet(name)
        created = subnet is None
        if created:
            subnet = Subnet(vnet, name, prefix, nsg_id)
            vnet.subnets[name.lower()] = subnet
        else:
            subnet.address_prefix, subnet.nsg_id = prefix, nsg_id
        vnet.touch()
        return Write(subnet, created, self._start(vnet, operation="create" if created else "update",
                                                  resource_type=NS + "/virtualNetworks/subnets"))

    def begin_delete_subnet(self, sub, rg, vnet_name, name):
        vnet = self.get_vnet(sub, rg, vnet_name)
        subnet = vnet.subnet(name)
        if subnet is None:
            return None
        self.cloud.check_locks_for_delete(subnet.id)
        self._check_subnet_unused(subnet)
        self.not_busy(vnet)

        def effect():
            vnet.subnets.pop(name.lower(), None)
            vnet.touch()
        # the subnet goes; its virtual network is updated meanwhile, not deleted
        return self._start(vnet, effect, operation="delete", resource_type=NS + "/virtualNetworks/subnets")
