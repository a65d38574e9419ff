"""The Network operations on the fake's resource types beyond PUT, GET and DELETE (the Network spec's
``*_UpdateTags``, ``SecurityRules_*``, ``DefaultSecurityRules_*``, ``NetworkInterfaces_GetEffectiveRouteTable``
and ``_ListEffectiveNetworkSecurityGroups``, ``VirtualNetworks_CheckIPAddressAvailability`` and
``_ListUsage``): ``az network nic update --set tags...``, ``az network nsg rule ...``,
``az network nic show-effective-route-table``, ``az network vnet check-ip-address``, ``az network vnet
list-available-ips``.

UpdateTags is synchronous (200 with the resource); a security rule PUT is long-running like its NSG's and its
body is the rule the NSG lists; the effective routes and security groups are long-running POSTs whose result
is read at their ``Location`` (the spec's final-state-via location). The routes a NIC gets are Azure's
system routes for its subnet's virtual network (Learn, "Virtual network traffic routing": the address spaces
``VnetLocal``, 0.0.0.0/0 ``Internet`` and the reserved ranges ``None``).
"""
import ipaddress

from ...core import ids
from ...core.backend import Write
from .. import exceptions

# Learn "Virtual network traffic routing", default system routes: (prefix, next hop type)
_SYSTEM_ROUTES = [("0.0.0.0/0", "Internet"), ("10.0.0.0/8", "None"), ("172.16.0.0/12", "None"),
                  ("192.168.0.0/16", "None"), ("100.64.0.0/10", "None")]
_RULE_FIELDS = ("description", "protocol", "sourcePortRange", "destinationPortRange", "sourceAddressPrefix",
                "sourceAddressPrefixes", "destinationAddressPrefix", "destinationAddressPrefixes",
                "sourcePortRanges", "destinationPortRanges", "access", "priority", "direction")


class NetworkOperationsBackend:
    # -- tags --------------------------------------------------------------------------------------
    def update_tags(self, kind, sub, rg, name, body):
        """``*_UpdateTags``: the tags replaced, nothing else; no operation."""
        obj = getattr(self, "get_" + kind)(sub, rg, name)
        self.cloud.check_locks_for_write(obj.id)
        if "tags" in body:
            obj.tags = dict(body.get("tags") or {})
            obj.touch()
        return obj

    # -- security rules ----------------------------------------------------------------------------
    def _rule_of(self, nsg, name):
        return next((r for r in nsg.rules if r["name"].lower() == name.lower()), None)

    def get_security_rule(self, sub, rg, nsg_name, name):
        nsg = self.get_nsg(sub, rg, nsg_name)
        rule = self._rule_of(nsg, name)
        if rule is None:
            raise exceptions.NotFound("Security rule {} not found in network security group {}."
                                      .format(name, nsg.id))  # wording not verified
        return nsg, rule

    def list_security_rules(self, sub, rg, nsg_name):
        nsg = self.get_nsg(sub, rg, nsg_name)
        return nsg, list(nsg.rules)

    def begin_create_or_update_security_rule(self, sub, rg, nsg_name, name, body):
        nsg = self.get_nsg(sub, rg, nsg_name)
        self.cloud.check_locks_for_write(nsg.id)
        props = {k: v for k, v in (body.get("properties") or {}).items() if k in _RULE_FIELDS}
        for field in ("protocol", "access", "direction", "priority"):
            if props.get(field) in (None, ""):
                raise exceptions.SecurityRuleInvalid(
                    "Security rule {} has invalid {}. Value provided: null.".format(name, field))  # not verified
        for other in nsg.rules:
            p = other.get("properties") or {}
            if other["name"].lower() != name.lower() and str(p.get("priority")) == str(props["priority"]) and \
                    (p.get("direction") or "").lower() == props["direction"].lower():
                raise exceptions.SecurityRuleConflict(
                    "Security rule {} conflicts with rule {}. Rules cannot have the same Priority and Direction. "
                    "To learn more, see aka.ms/nsgrules.".format(name, other["name"]))  # wording not verified
        existing = self._rule_of(nsg, name)
        if existing is None:
            nsg.rules.append({"name": name, "properties": props})
        else:
            existing["properties"] = props
        nsg.touch()
        return Write(nsg, existing is None, self._start(nsg)), nsg.rule_json(name)

    def begin_delete_security_rule(self, sub, rg, nsg_name, name):
        nsg = self.get_nsg(sub, rg, nsg_name)
        if self._rule_of(nsg, name) is None:
            return None
        self.cloud.check_locks_for_write(nsg.id)

        def removed():
            nsg.rules = [r for r in nsg.rules if r["name"].lower() != name.lower()]
            nsg.touch()

        return self._start(nsg, removed)

    # -- what a NIC gets -----------------------------------------------------------------------------
    def _running_nic(self, sub, rg, name):
        nic = self.get_nic(sub, rg, name)
        vm = self.cloud.find(nic.vm_id) if nic.vm_id else None
        if vm is None or getattr(vm, "power_state", None) != "running":
            raise exceptions.NicNotAttachedToRunningVm(
                "Effective routes and security rules are available only for a network interface attached to a "
                "running virtual machine; {} is not.".format(nic.id))  # wording not verified
        return nic

    def begin_effective_route_table(self, sub, rg, name):
        nic = self._running_nic(sub, rg, name)

        def routes():
            out = []
            for prefix in self._vnet_prefixes(nic):
                out.append({"source": "Default", "state": "Active", "addressPrefix": [prefix],
                            "nextHopIpAddress": [], "nextHopType": "VnetLocal"})
            for prefix, hop in _SYSTEM_ROUTES:
                out.append({"source": "Default", "state": "Active", "addressPrefix": [prefix],
                            "nextHopIpAddress": [], "nextHopType": hop})
            return {"value": out}

        return self.start_operation(nic, "operations", routes)

    def begin_effective_network_security_groups(self, sub, rg, name):
        nic = self._running_nic(sub, rg, name)

        def groups():
            out = []
            subnet_nsgs = []
            for cfg in nic.ip_configurations:
                subnet = self.get_by_id(cfg.get("subnet_id"))
                if subnet is not None and subnet.nsg_id:
                    subnet_nsgs.append((subnet.nsg_id, {"subnet": {"id": subnet.id}}))
            for nsg_id, association in ([(nic.nsg_id, {"networkInterface": {"id": nic.id}})] if nic.nsg_id else []) \
                    + subnet_nsgs:
                nsg = self.get_by_id(nsg_id)
                if nsg is None:
                    continue
                out.append({"networkSecurityGroup": {"id": nsg.id}, "association": association,
                            "effectiveSecurityRules": nsg.effective_rules(), "tagMap": {}})
            return {"value": out}

        return self.start_operation(nic, "operations", groups)

    def _vnet_prefixes(self, nic):
        prefixes = []
        for cfg in nic.ip_configurations:
            subnet = self.get_by_id(cfg.get("subnet_id"))
            if subnet is not None:
                for p in subnet.vnet.address_prefixes:
                    if p not in prefixes:
                        prefixes.append(p)
        return prefixes

    def begin_ddos_protection_status(self, sub, rg, name):
        """PublicIPAddresses_DdosProtectionStatus: the fake has no DDoS protection plan, so no workload of it is
        protected (PublicIpDdosProtectionStatusResult of the Network spec)."""
        pip = self.get_public_ip(sub, rg, name)
        body = pip.to_json()

        def status():
            return {"publicIpAddress": body["properties"].get("ipAddress"), "publicIpAddressId": pip.id,
                    "ddosProtectionPlanId": None, "isWorkloadProtected": "False"}

        return self.start_operation(pip, "operations", status)

    # -- a virtual network's addresses ------------------------------------------------------------------
    def check_ip_address(self, sub, rg, vnet_name, address):
        vnet = self.get_vnet(sub, rg, vnet_name)
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            raise exceptions.InvalidParameter("The value of parameter ipAddress is invalid.")  # not verified
        taken = self._taken(vnet)
        subnet = next((s for s in vnet.subnets.values() if ip in s.network()), None)
        if subnet is None:
            raise exceptions.PrivateIPAddressNotInAnySubnet(
                "Private static IP address {} does not belong to the range of any subnet in virtual network {}."
                .format(address, vnet.id))  # wording not verified
        if str(ip) not in taken and ip not in _reserved(subnet.network()):
            return {"available": True}
        free = [str(h) for h in subnet.network().hosts() if str(h) not in taken and h not in
                _reserved(subnet.network())][:5]
        return {"available": False, "availableIPAddresses": free}

    def vnet_usages(self, sub, rg, vnet_name):
        vnet = self.get_vnet(sub, rg, vnet_name)
        taken = self._taken(vnet)
        out = []
        for s in vnet.subnets.values():
            net = s.network()
            out.append({"currentValue": sum(1 for a in taken if ipaddress.ip_address(a) in net), "id": s.id,
                        "limit": net.num_addresses - 5,  # Azure keeps 5 addresses of every subnet
                        "name": {"localizedValue": "Subnet size and usage", "value": "Subnet size and usage"},
                        "unit": "Count"})
        return out

    def _taken(self, vnet):
        prefix = ids.key(vnet.id) + "/subnets/"
        return {cfg["private_ip"] for nic in self.nics.values() for cfg in nic.ip_configurations
                if cfg.get("private_ip") and ids.key(cfg.get("subnet_id") or "").startswith(prefix)}


def _reserved(net):
    """Azure keeps the first four addresses and the last of every subnet (Learn, Virtual Network FAQ)."""
    hosts = list(net)
    return set(hosts[:4] + hosts[-1:])


__all__ = ["NetworkOperationsBackend"]
