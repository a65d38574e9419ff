"""Network security groups: model (with Azure's default rules) and backend."""
from ...core import ids
from ...core.backend import lister, reader
from .. import exceptions
from .base import NS, NetworkResource


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

    def rule_json(self, name):
        rule = next(r for r in self.rules if r["name"].lower() == name.lower())
        return self._rule(rule["name"], rule.get("properties", {}))

    def default_rules_json(self, api_version=None):
        # Azure's default rules end with four empty lists at api 2022-01-01 (recording test_resource_move of
        # Azure/azure-cli) and have none at 2015-06-15 (test_resource_group_deployment); the lists came with the
        # augmented rules, taken here as api 2017-06-01 (not verified)
        lists = api_version is None or api_version >= "2017-06-01"
        return [self._rule(name, dict(dict(zip(("description", "protocol", "sourcePortRange", "destinationPortRange",
                                                "sourceAddressPrefix", "destinationAddressPrefix", "access",
                                                "priority", "direction"), spec)),
                                      **(_EMPTY_LISTS if lists else {})), default=True)
                for name, spec in _DEFAULT_RULES]

    def effective_rules(self):
        """The NSG's rules as NetworkInterfaces_ListEffectiveNetworkSecurityGroups lists them (lowest priority
        number first, its own before the defaults)."""
        out = []
        for kind, rules in (("securityRules", [self.rule_json(r["name"]) for r in self.rules]),
                            ("defaultSecurityRules", self.default_rules_json())):
            for r in rules:
                p = r["properties"]
                out.append({"name": "{}/{}".format(kind, r["name"]), "protocol": p.get("protocol", "*").capitalize()
                            if p.get("protocol") != "*" else "All",
                            "sourcePortRange": p.get("sourcePortRange", "*").replace("*", "0-65535"),
                            "destinationPortRange": p.get("destinationPortRange", "*").replace("*", "0-65535"),
                            "sourceAddressPrefix": p.get("sourceAddressPrefix", "*"),
                            "destinationAddressPrefix": p.get("destinationAddressPrefix", "*"),
                            "access": p.get("access"), "priority": p.get("priority"), "direction": p.get("direction")})
        return sorted(out, key=lambda r: (r["direction"] or "", int(r["priority"] or 0)))

    def to_json(self, api_version=None):
        rules = [self._rule(r["name"], r.get("properties", {})) for r in self.rules]
        defaults = self.default_rules_json(api_version)
        props = {"provisioningState": self.provisioning_state, "resourceGuid": self.resource_guid,
                 "securityRules": rules, "defaultSecurityRules": defaults}
        nics, subnets = self.users()
        if nics:
            props["networkInterfaces"] = [{"id": n} for n in nics]
        if subnets:
            props["subnets"] = [{"id": s} for s in subnets]
        return self.envelope(props)


_EMPTY_LISTS = {"sourcePortRanges": [], "destinationPortRanges": [], "sourceAddressPrefixes": [],
                "destinationAddressPrefixes": []}

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


class SecurityGroupBackend:
    get_nsg = reader("nsgs", "networkSecurityGroups")
    list_nsgs = lister("nsgs")

    def begin_create_or_update_nsg(self, sub, rg, name, body):
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
            raise exceptions.InUseNetworkSecurityGroupCannotBeDeleted(
                "Network security group {} cannot be deleted because it is in use by the following "
                "resources: {}. In order to delete the Network security group, remove the "
                "association with the resource(s). To learn how to do this, see aka.ms/deletensg."
                .format(nsg.id, ", ".join(nics + subnets)))
        return self._start_delete(nsg, lambda: self.nsgs.pop(ids.key(nsg.id), None))
