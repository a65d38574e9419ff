"""Network resources and the Network backend (the operations, no HTTP).

Shapes follow shared/fidelity/network-interface.yaml (NIC and public IP GET, 2023 and 2026): weak etags
``W/"<guid>"`` on the resource and on every ipConfiguration, ``type``/``location`` after ``properties``,
``virtualMachine.id`` and ``primary`` only while a VM holds the NIC.

Errors raised by the Network RP itself carry ``"details": []`` and are pretty-printed (seen in public
reports of ``NicInUse`` and ``NicReservedForAnotherVm``, both HTTP 400). Wording:

* ``NicReservedForAnotherVm`` (400): "Nic(s) in request is reserved for another Virtual Machine for 180
  seconds. Please provide another nic(s) or retry after 180 seconds. Reserved VM: <vm id>" - answered to a
  NIC DELETE and to a VM create that names the NIC (gardenlinux#4133, taskcluster#7196, bosh-azure-cpi#366).
* ``NicInUse`` (400): "Network Interface <nic id> is used by existing resource <vm id>. In order to delete
  the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic." -
  answered to a NIC DELETE and to a VM create/update naming a NIC another VM holds (terraform-provider-azurerm
  #8105, pulumi-azure#441).
* ``InvalidResourceReference``, ``PublicIPAddressInUse``, ``PublicIPAddressCannotBeDeleted``,
  ``InUseSubnetCannotBeDeleted``, ``InUseNetworkSecurityGroupCannotBeDeleted`` (all 400): wording as seen in
  public error reports; the exact sentence of the last three was not re-verified here.

The reservation decision: a NIC released by a VM (deleted, or whose create failed) stays reserved for
``reserve_seconds`` on the cloud's clock and refuses *any* VM in that window, including a VM re-created
under the same name (Azure tracks the VM instance, not its name).
"""
import hashlib
import ipaddress
import uuid

from ..core import errors, ids

NS = "Microsoft.Network"
NIC_RESERVE_SECONDS = 180


class NetworkError(errors.ArmError):
    """An error raised by the Network resource provider: pretty-printed, with an empty ``details``."""

    def body(self):
        body = super().body()
        body["error"].setdefault("details", [])
        return body


def _etag():
    return 'W/"{}"'.format(uuid.uuid4())


def _ref(rid):
    return {"id": rid} if rid else None


class NetworkResource:
    resource_type = None

    def __init__(self, backend, subscription_id, resource_group, name, location, tags=None):
        self.backend = backend
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self.name = name
        self.location = (location or "").replace(" ", "").lower()
        self.tags = dict(tags or {})
        self.resource_guid = str(uuid.uuid4())
        self.provisioning_state = "Succeeded"
        self.etag = _etag()

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, NS, self.resource_type, self.name)

    @property
    def full_type(self):
        return "{}/{}".format(NS, self.resource_type)

    def touch(self):
        self.etag = _etag()

    def generic(self):
        out = {"id": self.id, "name": self.name, "type": self.full_type, "location": self.location}
        if self.tags:
            out["tags"] = dict(self.tags)
        return out


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
        body = {"name": self.name, "id": self.id, "etag": self.etag, "type": self.full_type,
                "location": self.location}
        if self.tags:
            body["tags"] = dict(self.tags)
        body["properties"] = props
        return body


class PublicIPAddress(NetworkResource):
    resource_type = "publicIPAddresses"

    def __init__(self, backend, subscription_id, resource_group, name, location, sku="Standard",
                 allocation=None, version="IPv4", idle_timeout=4, tags=None, zones=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.sku = sku
        self.allocation = allocation or ("Static" if sku == "Standard" else "Dynamic")
        self.version = version
        self.idle_timeout = idle_timeout
        self.zones = zones
        self.static_address = _public_address(self.id) if self.allocation == "Static" else None

    def ip_configuration_id(self):
        for nic in self.backend.nics.values():
            for cfg_id, cfg in nic.config_ids():
                if ids.same(cfg.get("public_ip_id"), self.id):
                    return cfg_id, nic
        return None, None

    def address(self):
        if self.static_address:
            return self.static_address
        _, nic = self.ip_configuration_id()
        if nic is not None and nic.vm_id:
            return _public_address(self.id)
        return None

    def to_json(self):
        props = {"provisioningState": self.provisioning_state, "resourceGuid": self.resource_guid}
        addr = self.address()
        if addr:
            props["ipAddress"] = addr
        props.update({"publicIPAddressVersion": self.version, "publicIPAllocationMethod": self.allocation,
                      "idleTimeoutInMinutes": self.idle_timeout, "ipTags": []})
        cfg_id, _ = self.ip_configuration_id()
        if cfg_id:
            props["ipConfiguration"] = {"id": cfg_id}
        body = {"name": self.name, "id": self.id, "etag": self.etag, "location": self.location,
                "tags": dict(self.tags), "properties": props, "type": self.full_type,
                "sku": {"name": self.sku, "tier": "Regional"}}
        if self.zones:
            body["zones"] = list(self.zones)
        return body


class NetworkSecurityGroup(NetworkResource):
    resource_type = "networkSecurityGroups"

    def __init__(self, backend, subscription_id, resource_group, name, location, rules=None, tags=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.rules = list(rules or [])  # [{"name", "properties": {...}}] as sent

    def users(self):
        nics = [n.id for n in self.backend.nics.values() if ids.same(n.nsg_id, self.id)]
        subnets = [s.id for v in self.backend.vnets.values() for s in v.subnets.values()
                   if ids.same(s.nsg_id, self.id)]
        return nics, subnets

    def _rule(self, name, props, default=False):
        kind = "defaultSecurityRules" if default else "securityRules"
        full = {"provisioningState": "Succeeded"}
        full.update(props)
        return {"name": name, "id": "{}/{}/{}".format(self.id, kind, name), "etag": self.etag,
                "type": "{}/networkSecurityGroups/{}".format(NS, kind), "properties": full}

    def to_json(self):
        rules = [self._rule(r["name"], r.get("properties", {})) for r in self.rules]
        defaults = [self._rule(name, dict(zip(("description", "protocol", "sourcePortRange",
                                                "destinationPortRange", "sourceAddressPrefix",
                                                "destinationAddressPrefix", "access", "priority",
                                                "direction"), spec)), default=True)
                    for name, spec in _DEFAULT_RULES]
        props = {"provisioningState": self.provisioning_state, "resourceGuid": self.resource_guid,
                 "securityRules": rules, "defaultSecurityRules": defaults}
        nics, subnets = self.users()
        if nics:
            props["networkInterfaces"] = [{"id": n} for n in nics]
        if subnets:
            props["subnets"] = [{"id": s} for s in subnets]
        body = {"name": self.name, "id": self.id, "etag": self.etag, "type": self.full_type,
                "location": self.location}
        if self.tags:
            body["tags"] = dict(self.tags)
        body["properties"] = props
        return body


_DEFAULT_RULES = [
    ("AllowVnetInBound", ("Allow inbound traffic from all VMs in VNET", "*", "*", "*", "VirtualNetwork",
                          "VirtualNetwork", "Allow", 65000, "Inbound")),
    ("AllowAzureLoadBalancerInBound", ("Allow inbound traffic from azure load balancer", "*", "*", "*",
                                       "AzureLoadBalancer", "*", "Allow", 65001, "Inbound")),
    ("DenyAllInBound", ("Deny all inbound traffic", "*", "*", "*", "*", "*", "Deny", 65500, "Inbound")),
    ("AllowVnetOutBound", ("Allow outbound traffic from all VMs to all VMs in VNET", "*", "*", "*",
                           "VirtualNetwork", "VirtualNetwork", "Allow", 65000, "Outbound")),
    ("AllowInternetOutBound", ("Allow outbound traffic from all VMs to Internet", "*", "*", "*", "*",
                               "Internet", "Allow", 65001, "Outbound")),
    ("DenyAllOutBound", ("Deny all outbound traffic", "*", "*", "*", "*", "*", "Deny", 65500, "Outbound")),
]


class NetworkInterface(NetworkResource):
    resource_type = "networkInterfaces"

    def __init__(self, backend, subscription_id, resource_group, name, location, ip_configurations,
                 nsg_id=None, tags=None, accelerated=None, ip_forwarding=False):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        # [{"name", "subnet_id", "public_ip_id", "private_ip", "allocation", "primary"}]
        self.ip_configurations = list(ip_configurations)
        self.nsg_id = nsg_id
        self.accelerated = accelerated
        self.ip_forwarding = ip_forwarding
        self.vm_id = None
        self.primary = None
        self.reserved_for = None  # (vm id, until) after the VM released it
        self.mac = "-".join("{:02X}".format(b) for b in
                            [0x00, 0x22, 0x48] + list(hashlib.sha1(self.id.lower().encode()).digest()[:3]))
        self.dns_suffix = hashlib.md5(self.id.lower().encode()).hexdigest()[:26] + ".dx.internal.cloudapp.net"

    def config_ids(self):
        return [(self.id + "/ipConfigurations/" + cfg["name"], cfg) for cfg in self.ip_configurations]

    def reservation(self, now):
        if self.reserved_for and self.reserved_for[1] > now:
            return self.reserved_for[0]
        return None

    def to_json(self):
        configs = []
        for cfg_id, cfg in self.config_ids():
            props = {"provisioningState": "Succeeded", "privateIPAddress": cfg["private_ip"],
                     "privateIPAllocationMethod": cfg["allocation"]}
            if cfg.get("public_ip_id"):
                props["publicIPAddress"] = _ref(cfg["public_ip_id"])
            props["subnet"] = _ref(cfg["subnet_id"])
            props["primary"] = bool(cfg.get("primary"))
            props["privateIPAddressVersion"] = "IPv4"
            configs.append({"name": cfg["name"], "id": cfg_id, "etag": self.etag,
                            "type": NS + "/networkInterfaces/ipConfigurations", "properties": props})
        props = {"provisioningState": self.provisioning_state, "resourceGuid": self.resource_guid,
                 "ipConfigurations": configs,
                 "dnsSettings": {"dnsServers": [], "appliedDnsServers": [],
                                 "internalDomainNameSuffix": self.dns_suffix}}
        if self.vm_id:
            props["macAddress"] = self.mac
        if self.accelerated is not None:
            props["enableAcceleratedNetworking"] = bool(self.accelerated)
        props["vnetEncryptionSupported"] = False
        props["enableIPForwarding"] = bool(self.ip_forwarding)
        if self.nsg_id:
            props["networkSecurityGroup"] = _ref(self.nsg_id)
        if self.vm_id:
            props["primary"] = bool(self.primary)
            props["virtualMachine"] = _ref(self.vm_id)
        props.update({"hostedWorkloads": [], "tapConfigurations": [], "nicType": "Standard",
                      "allowPort25Out": False, "auxiliaryMode": "None"})
        return {"name": self.name, "id": self.id, "etag": self.etag, "tags": dict(self.tags),
                "properties": props, "type": self.full_type, "location": self.location, "kind": "Regular"}


def _public_address(rid):
    h = hashlib.sha256(rid.lower().encode()).digest()
    return "20.{}.{}.{}".format(h[0] % 250 + 1, h[1], h[2] % 253 + 1)


class Backend:
    """Microsoft.Network state of one cloud."""

    def __init__(self, cloud):
        self.cloud = cloud
        self.vnets = {}
        self.nics = {}
        self.public_ips = {}
        self.nsgs = {}

    # -- helpers ----------------------------------------------------------------------------------
    def _tables(self):
        return (self.vnets, self.nics, self.public_ips, self.nsgs)

    def _table_for(self, rtype):
        return {"virtualnetworks": self.vnets, "networkinterfaces": self.nics,
                "publicipaddresses": self.public_ips, "networksecuritygroups": self.nsgs}[rtype.lower()]

    def _get(self, rtype, sub, rg, name):
        self.cloud.resources.get_group(sub, rg)
        obj = self._table_for(rtype).get(ids.key(ids.resource_id(sub, rg, NS, rtype, name)))
        if obj is None:
            raise errors.ResourceNotFound("{}/{}".format(NS, rtype), name, rg)
        return obj

    def _list(self, table, sub, rg=None):
        if rg is not None:
            self.cloud.resources.get_group(sub, rg)
        out = [o for o in table.values() if o.subscription_id.lower() == sub.lower() and
               (rg is None or o.resource_group.lower() == rg.lower())]
        return sorted(out, key=lambda o: o.id.lower())

    def _start(self, obj, effect=None):
        """A Network long-running operation; the resource shows 'Updating' until it finishes."""
        obj.provisioning_state = "Updating"

        def done():
            if effect is not None:
                effect()
            obj.provisioning_state = "Succeeded"

        def failed(_err):
            obj.provisioning_state = "Failed"

        return self.cloud.operations.start(obj.subscription_id, NS, obj.location, kind="operations",
                                           on_success=done, on_failure=failed)

    def _start_delete(self, obj, effect):
        obj.provisioning_state = "Deleting"

        def failed(_err):
            obj.provisioning_state = "Succeeded"

        return self.cloud.operations.start(obj.subscription_id, NS, obj.location, kind="operations",
                                           on_success=effect, on_failure=failed)

    def _begin_put(self, rtype, sub, rg, name, body):
        """A top-level PUT's first checks, in ARM's order: the group, the location, then locks. -> (id, location)"""
        self.cloud.resources.get_group(sub, rg)
        location = self._location(body)
        rid = ids.resource_id(sub, rg, NS, rtype, name)
        self.cloud.check_locks_for_write(rid)
        return rid, location

    def _end_put(self, rid, obj, created):
        """Store what a PUT made or changed and start its operation. -> (obj, created, operation)"""
        obj.touch()
        self._table_for(obj.resource_type)[ids.key(rid)] = obj
        return obj, created, self._start(obj)

    @staticmethod
    def _location(body):
        loc = body.get("location")
        if not loc:
            raise errors.GatewayError("The 'location' property is required for this definition.",
                                      code="LocationRequired", status=400)
        return loc

    def _check_ref(self, ref_id, by_id, location=None, kind=None):
        obj = self.get_by_id(ref_id) if ref_id else None
        if obj is None or (kind is not None and not isinstance(obj, kind)) or \
                (location is not None and obj.location != location.replace(" ", "").lower()):
            raise NetworkError("Resource {} referenced by resource {} was not found. Please make sure that the "
                               "referenced resource exists, and that both resources are in the same region."
                               .format(ref_id, by_id), code="InvalidResourceReference", status=400)
        return obj

    # -- virtual networks and subnets -------------------------------------------------------------
    def get_vnet(self, sub, rg, name):
        return self._get("virtualNetworks", sub, rg, name)

    def list_vnets(self, sub, rg=None):
        return self._list(self.vnets, sub, rg)

    def put_vnet(self, sub, rg, name, body):
        rid, location = self._begin_put("virtualNetworks", sub, rg, name, body)
        props = body.get("properties") or {}
        prefixes = (props.get("addressSpace") or {}).get("addressPrefixes") or []
        if not prefixes:
            raise NetworkError("Value for addressSpace.addressPrefixes is required.",
                               code="InvalidRequestFormat", status=400)
        for p in prefixes:
            _network(p, "addressPrefixes")
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
            raise NetworkError("Subnet {} must have addressPrefix or addressPrefixes.".format(name),
                               code="InvalidRequestFormat", status=400)
        net = _network(prefix, "addressPrefix")
        if not any(net.subnet_of(ipaddress.ip_network(p, strict=False)) for p in vnet.address_prefixes
                   if ipaddress.ip_network(p, strict=False).version == net.version):
            raise NetworkError("Subnet '{}' is not valid in virtual network '{}'.".format(name, vnet.name),
                               code="NetcfgInvalidSubnet", status=400)
        if nsg_id:
            self._check_ref(nsg_id, vnet.id + "/subnets/" + name, vnet.location, NetworkSecurityGroup)

    def _check_subnet_unused(self, subnet):
        used = subnet.ip_configuration_ids()
        if used:
            raise NetworkError("Subnet {} is in use by {} and cannot be deleted. In order to delete the subnet, "
                               "delete all the resources within the subnet. See aka.ms/deletesubnet."
                               .format(subnet.name, used[0]), code="InUseSubnetCannotBeDeleted", status=400)

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
            raise NetworkError("Resource {}/subnets/{} not found.".format(vnet.id, name), code="NotFound",
                               status=404)
        return subnet

    def put_subnet(self, sub, rg, vnet_name, name, body):
        vnet = self.get_vnet(sub, rg, vnet_name)
        self.cloud.check_locks_for_write(vnet.id + "/subnets/" + name)
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
        op = self._start(vnet)
        return subnet, created, op

    def begin_delete_subnet(self, sub, rg, vnet_name, name):
        vnet = self.get_vnet(sub, rg, vnet_name)
        subnet = vnet.subnet(name)
        if subnet is None:
            return None, vnet
        self.cloud.check_locks_for_delete(subnet.id)
        self._check_subnet_unused(subnet)

        def effect():
            vnet.subnets.pop(name.lower(), None)
            vnet.touch()
        return self._start_delete(vnet, effect), vnet

    # -- public IPs -------------------------------------------------------------------------------
    def get_public_ip(self, sub, rg, name):
        return self._get("publicIPAddresses", sub, rg, name)

    def list_public_ips(self, sub, rg=None):
        return self._list(self.public_ips, sub, rg)

    def put_public_ip(self, sub, rg, name, body):
        rid, location = self._begin_put("publicIPAddresses", sub, rg, name, body)
        props = body.get("properties") or {}
        sku = (body.get("sku") or {}).get("name") or "Standard"
        if sku not in ("Basic", "Standard"):
            raise NetworkError("Sku {} is not valid.".format(sku), code="InvalidRequestFormat", status=400)
        allocation = props.get("publicIPAllocationMethod") or ("Static" if sku == "Standard" else "Dynamic")
        if sku == "Standard" and allocation != "Static":
            raise NetworkError("Standard sku publicIp {} must have AllocationMethod set to Static."
                               .format(rid), code="StandardSkuPublicIPAddressesMustBeStatic", status=400)
        pip = self.public_ips.get(ids.key(rid))
        created = pip is None
        if created:
            pip = PublicIPAddress(self, sub, rg, name, location, sku, allocation,
                                  props.get("publicIPAddressVersion", "IPv4"),
                                  props.get("idleTimeoutInMinutes", 4), body.get("tags"), body.get("zones"))
        else:
            pip.tags = dict(body.get("tags") or {})
            pip.idle_timeout = props.get("idleTimeoutInMinutes", pip.idle_timeout)
        return self._end_put(rid, pip, created)

    def begin_delete_public_ip(self, sub, rg, name):
        pip = self.get_public_ip(sub, rg, name)
        self.cloud.check_locks_for_delete(pip.id)
        cfg_id, _ = pip.ip_configuration_id()
        if cfg_id:
            raise NetworkError("Public IP address {} can not be deleted since it is still allocated to resource "
                               "{}. In order to delete the public IP, disassociate/detach the Public IP address "
                               "from the resource.  To learn how to do this, see aka.ms/deletepublicip."
                               .format(pip.id, cfg_id), code="PublicIPAddressCannotBeDeleted", status=400)
        return self._start_delete(pip, lambda: self.public_ips.pop(ids.key(pip.id), None))

    # -- network security groups ------------------------------------------------------------------
    def get_nsg(self, sub, rg, name):
        return self._get("networkSecurityGroups", sub, rg, name)

    def list_nsgs(self, sub, rg=None):
        return self._list(self.nsgs, sub, rg)

    def put_nsg(self, sub, rg, name, body):
        rid, location = self._begin_put("networkSecurityGroups", sub, rg, name, body)
        rules = [{"name": r["name"], "properties": dict(r.get("properties") or {})}
                 for r in (body.get("properties") or {}).get("securityRules") or []]
        nsg = self.nsgs.get(ids.key(rid))
        created = nsg is None
        if created:
            nsg = NetworkSecurityGroup(self, sub, rg, name, location, rules, body.get("tags"))
        else:
            nsg.rules = rules
            nsg.tags = dict(body.get("tags") or {})
        return self._end_put(rid, nsg, created)

    def begin_delete_nsg(self, sub, rg, name):
        nsg = self.get_nsg(sub, rg, name)
        self.cloud.check_locks_for_delete(nsg.id)
        nics, subnets = nsg.users()
        if nics or subnets:
            raise NetworkError("Network security group {} cannot be deleted because it is in use by the following "
                               "resources: {}. In order to delete the Network security group, remove the "
                               "association with the resource(s). To learn how to do this, see aka.ms/deletensg."
                               .format(nsg.id, ", ".join(nics + subnets)),
                               code="InUseNetworkSecurityGroupCannotBeDeleted", status=400)
        return self._start_delete(nsg, lambda: self.nsgs.pop(ids.key(nsg.id), None))

    # -- network interfaces -----------------------------------------------------------------------
    def get_nic(self, sub, rg, name):
        return self._get("networkInterfaces", sub, rg, name)

    def list_nics(self, sub, rg=None):
        return self._list(self.nics, sub, rg)

    def put_nic(self, sub, rg, name, body):
        rid, location = self._begin_put("networkInterfaces", sub, rg, name, body)
        props = body.get("properties") or {}
        raw_configs = props.get("ipConfigurations") or []
        if not raw_configs:
            raise NetworkError("Network interface {} must have one or more IP configurations.".format(rid),
                               code="NetworkInterfaceMustHaveAtLeastOneIpConfiguration", status=400)
        existing = self.nics.get(ids.key(rid))
        configs = []
        for i, raw in enumerate(raw_configs):
            cp = raw.get("properties") or {}
            cfg_name = raw.get("name") or "ipconfig{}".format(i + 1)
            cfg_id = rid + "/ipConfigurations/" + cfg_name
            subnet_id = (cp.get("subnet") or {}).get("id")
            subnet = self._check_ref(subnet_id, cfg_id, location, Subnet)
            pip_id = (cp.get("publicIPAddress") or {}).get("id")
            if pip_id:
                pip = self._check_ref(pip_id, cfg_id, location, PublicIPAddress)
                holder, holder_nic = pip.ip_configuration_id()
                if holder and not ids.same(holder_nic.id, rid):
                    raise NetworkError("Resource {} is referencing public IP address {} that is already allocated "
                                       "to resource {}.".format(cfg_id, pip.id, holder),
                                       code="PublicIPAddressInUse", status=400)
                pip_id = pip.id
            allocation = cp.get("privateIPAllocationMethod") or "Dynamic"
            private_ip = cp.get("privateIPAddress") if allocation == "Static" else None
            if private_ip is None and existing is not None:
                old = next((c for c in existing.ip_configurations if c["name"].lower() == cfg_name.lower() and
                            ids.same(c["subnet_id"], subnet.id)), None)
                private_ip = old["private_ip"] if old else None
            configs.append({"name": cfg_name, "subnet_id": subnet.id, "public_ip_id": pip_id,
                            "private_ip": private_ip, "allocation": allocation,
                            "primary": cp.get("primary", i == 0), "_subnet": subnet})
        for cfg in configs:
            subnet = cfg.pop("_subnet")
            if cfg["private_ip"] is None:
                cfg["private_ip"] = self.next_private_ip(subnet, exclude_nic=rid, taken=[
                    c["private_ip"] for c in configs if c["private_ip"]])
        nsg_id = (props.get("networkSecurityGroup") or {}).get("id")
        if nsg_id:
            nsg_id = self._check_ref(nsg_id, rid, location, NetworkSecurityGroup).id
        created = existing is None
        if created:
            nic = NetworkInterface(self, sub, rg, name, location, configs, nsg_id, body.get("tags"),
                                   props.get("enableAcceleratedNetworking"), props.get("enableIPForwarding", False))
        else:
            nic = existing
            nic.ip_configurations, nic.nsg_id = configs, nsg_id
            nic.tags = dict(body.get("tags") or {})
            if "enableAcceleratedNetworking" in props:
                nic.accelerated = props["enableAcceleratedNetworking"]
            nic.ip_forwarding = props.get("enableIPForwarding", nic.ip_forwarding)
        return self._end_put(rid, nic, created)

    def next_private_ip(self, subnet, exclude_nic=None, taken=()):
        used = set(taken)
        for nic in self.nics.values():
            if exclude_nic and ids.same(nic.id, exclude_nic):
                continue
            for cfg in nic.ip_configurations:
                if ids.same(cfg["subnet_id"], subnet.id):
                    used.add(cfg["private_ip"])
        net = subnet.network()
        for i, host in enumerate(net.hosts()):
            if i < 3:  # Azure reserves .1-.3 (and .0, the broadcast address)
                continue
            if str(host) not in used:
                return str(host)
        raise NetworkError("Subnet {} has no free IP addresses.".format(subnet.id),
                           code="SubnetIsFull", status=400)

    def _nic_delete_checks(self, nic):
        if nic.vm_id:
            raise NetworkError("Network Interface {} is used by existing resource {}. In order to delete the "
                               "network interface, it must be dissociated from the resource. To learn more, see "
                               "aka.ms/deletenic.".format(nic.id, nic.vm_id), code="NicInUse", status=400)
        reserved = nic.reservation(self.cloud.clock.now())
        if reserved:
            raise _reserved_error(reserved)

    def begin_delete_nic(self, sub, rg, name):
        nic = self.get_nic(sub, rg, name)
        self.cloud.check_locks_for_delete(nic.id)
        self._nic_delete_checks(nic)
        return self._start_delete(nic, lambda: self.nics.pop(ids.key(nic.id), None))

    # -- what Compute calls -----------------------------------------------------------------------
    def _nic_by_id(self, nic_id):
        nic = self.nics.get(ids.key(nic_id or ""))
        if nic is None:
            p = ids.parse(nic_id) or {}
            raise errors.ResourceNotFound(NS + "/networkInterfaces", p.get("name") or nic_id,
                                          p.get("resource_group") or "")
        return nic

    def attach_nic(self, nic_id, vm_id, primary=True):
        """Make ``vm_id`` hold the NIC. 400 NicInUse if another VM holds it, 400 NicReservedForAnotherVm if a
        deleted VM released it less than 180 s ago (on the cloud's clock)."""
        nic = self._nic_by_id(nic_id)
        if nic.vm_id and not ids.same(nic.vm_id, vm_id):
            raise NetworkError("Network Interface {} is used by existing resource {}. In order to delete the "
                               "network interface, it must be dissociated from the resource. To learn more, see "
                               "aka.ms/deletenic.".format(nic.id, nic.vm_id), code="NicInUse", status=400)
        reserved = nic.reservation(self.cloud.clock.now())
        if reserved and not nic.vm_id:
            raise _reserved_error(reserved)
        nic.vm_id = vm_id
        nic.primary = bool(primary)
        nic.reserved_for = None
        nic.touch()
        return nic

    def release_nic(self, nic_id, vm_id, reserve_seconds=None):
        """The VM ``vm_id`` lets the NIC go (VM deleted, or its create failed); the NIC stays reserved for
        ``reserve_seconds`` (0: a plain detach). A NIC another VM holds, or a missing NIC, is left alone."""
        nic = self.nics.get(ids.key(nic_id or ""))
        if nic is None or (nic.vm_id and not ids.same(nic.vm_id, vm_id)):
            return None
        nic.vm_id = None
        nic.primary = None
        if reserve_seconds is None:
            reserve_seconds = getattr(self.cloud, "nic_reservation_seconds", NIC_RESERVE_SECONDS)
        nic.reserved_for = (vm_id, self.cloud.clock.now() + reserve_seconds) if reserve_seconds else None
        nic.touch()
        return nic

    def delete_by_id(self, rid):
        """Delete a NIC or public IP at once (a VM's deleteOption=Delete); returns True if something went."""
        k = ids.key(rid or "")
        if k in self.nics:
            self.nics.pop(k)
            return True
        if k in self.public_ips:
            for nic in self.nics.values():
                for cfg in nic.ip_configurations:
                    if ids.same(cfg.get("public_ip_id"), rid):
                        cfg["public_ip_id"] = None
            self.public_ips.pop(k)
            return True
        if k in self.nsgs:
            self.nsgs.pop(k)
            return True
        if k in self.vnets:
            self.vnets.pop(k)
            return True
        return False

    # -- cross-provider hooks ---------------------------------------------------------------------
    def get_by_id(self, rid):
        k = ids.key(rid or "")
        for table in self._tables():
            if k in table:
                return table[k]
        p = ids.parse(rid or "")
        if p and (p["namespace"] or "").lower() == NS.lower() and \
                (p["type"] or "").lower() == "virtualnetworks/subnets" and len(p["names"]) == 2:
            vnet = self.vnets.get(ids.key(ids.resource_id(p["subscription"], p["resource_group"], NS,
                                                          "virtualNetworks", p["names"][0])))
            return vnet.subnet(p["names"][1]) if vnet else None
        return None

    def _in_group(self, obj, sub, rg):
        return obj.subscription_id.lower() == sub.lower() and obj.resource_group.lower() == rg.lower()

    def generic_resources(self, sub, rg):
        return [o.generic() for table in self._tables() for o in table.values() if self._in_group(o, sub, rg)]

    def delete_group_contents(self, sub, rg):
        for table in self._tables():
            for k, o in list(table.items()):
                if self._in_group(o, sub, rg):
                    del table[k]

    def dump(self):
        return {"virtualNetworks": [v.to_json() for v in self.vnets.values()],
                "networkInterfaces": [n.to_json() for n in self.nics.values()],
                "publicIPAddresses": [p.to_json() for p in self.public_ips.values()],
                "networkSecurityGroups": [s.to_json() for s in self.nsgs.values()],
                "reservations": [{"nic": n.id, "vm": n.reserved_for[0], "until": n.reserved_for[1]}
                                 for n in self.nics.values() if n.reservation(self.cloud.clock.now())]}


def _reserved_error(vm_id):
    return NetworkError("Nic(s) in request is reserved for another Virtual Machine for {} seconds. Please provide "
                        "another nic(s) or retry after {} seconds. Reserved VM: {}"
                        .format(NIC_RESERVE_SECONDS, NIC_RESERVE_SECONDS, vm_id),
                        code="NicReservedForAnotherVm", status=400)


def _network(prefix, what):
    try:
        return ipaddress.ip_network(prefix, strict=False)
    except (ValueError, TypeError):
        raise NetworkError("Value provided for {} is invalid: '{}'.".format(what, prefix),
                           code="InvalidAddressPrefixFormat", status=400)
