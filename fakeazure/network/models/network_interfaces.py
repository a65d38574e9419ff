"""Network interfaces: model and backend, and what Compute asks of them through the Cloud (a VM takes a NIC,
lets it go, and a released NIC stays reserved).

The reservation decision: a NIC released by a VM (deleted, or whose create failed) stays reserved for
``reserve_seconds`` on the cloud's clock and refuses *any* VM in that window, including a VM re-created
under the same name (Azure tracks the VM instance, not its name).
"""
import hashlib

from ...core import errors, ids, names
from ...core.backend import lister, reader
from ...core.properties import DEALLOCATED, IN_PLACE, apply_generic, changes, check_location, keep_at_create, \
    overlay, refuse_changes
from .. import exceptions, properties
from ..exceptions import NIC_RESERVE_SECONDS
from .base import NS, NetworkResource, _ref
from .public_ips import PublicIPAddress
from .security_groups import NetworkSecurityGroup
from .virtual_networks import Subnet


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
        return overlay({"name": self.name, "id": self.id, "etag": self.etag, "tags": dict(self.tags),
                        "properties": props, "type": self.full_type, "location": self.location, "kind": "Regular"},
                       self.kept)



class NetworkInterfaceBackend:
    get_nic = reader("nics", "networkInterfaces")
    list_nics = lister("nics")

    def begin_create_or_update_nic(self, sub, rg, name, body):
        rid, location = self._begin_put("networkInterfaces", sub, rg, name, body)
        props = body.get("properties") or {}
        raw_configs = props.get("ipConfigurations") or []
        if not raw_configs:
            raise exceptions.NetworkInterfaceMustHaveAtLeastOneIpConfiguration(
                "Network interface {} must have one or more IP configurations.".format(rid))
        existing = self.nics.get(ids.key(rid))
        if existing is None:
            names.check(name, 80)
        else:
            self._nic_update_checks(existing, body)
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
                    raise exceptions.PublicIPAddressInUse(
                        "Resource {} is referencing public IP address {} that is already allocated "
                        "to resource {}.".format(cfg_id, pip.id, holder))
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
            keep_at_create(nic, properties.NETWORK_INTERFACES, body)
        else:
            nic = existing
            apply_generic(nic, changes(properties.NETWORK_INTERFACES, nic.to_json(), body,
                                       (IN_PLACE, DEALLOCATED)))
            nic.ip_configurations, nic.nsg_id = configs, nsg_id
            nic.tags = dict(body.get("tags") or {})
            if "enableAcceleratedNetworking" in props:
                nic.accelerated = props["enableAcceleratedNetworking"]
            nic.ip_forwarding = props.get("enableIPForwarding", nic.ip_forwarding)
        return self._end_put(rid, nic, created)

    def _nic_update_checks(self, nic, body):
        """A PUT of an existing NIC: its location, its create-only properties, and Accelerated Networking changed
        only while the VM holding the NIC is deallocated (Learn)."""
        check_location(nic, body)
        current = nic.to_json()
        refuse_changes(properties.NETWORK_INTERFACES, current, body, properties.create_only_refusal)
        vm = self.cloud.find(nic.vm_id) if nic.vm_id else None
        if vm is not None and getattr(vm, "power_state", "deallocated") != "deallocated":
            for row, _ in changes(properties.NETWORK_INTERFACES, current, body, (DEALLOCATED,)):
                raise properties.deallocated_refusal(row)

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
        raise exceptions.SubnetIsFull("Subnet {} has no free IP addresses.".format(subnet.id))

    def _nic_delete_checks(self, nic):
        if nic.vm_id:
            raise exceptions.NicInUse(nic.id, nic.vm_id)
        reserved = nic.reservation(self.cloud.clock.now())
        if reserved:
            raise exceptions.NicReservedForAnotherVm(reserved)

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
            raise exceptions.NicInUse(nic.id, nic.vm_id)
        reserved = nic.reservation(self.cloud.clock.now())
        if reserved and not nic.vm_id:
            raise exceptions.NicReservedForAnotherVm(reserved)
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
