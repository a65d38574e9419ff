"""Public IP addresses: model and backend."""
import hashlib

from ...core import ids, names
from ...core.backend import lister, reader
from ...core.properties import IN_PLACE, apply_generic, changes, check_location, keep_at_create, overlay, \
    refuse_changes
from .. import exceptions, properties
from .base import NetworkResource


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
        return overlay(body, self.kept)



def _public_address(rid):
    h = hashlib.sha256(rid.lower().encode()).digest()
    return "20.{}.{}.{}".format(h[0] % 250 + 1, h[1], h[2] % 253 + 1)


class PublicIPBackend:
    get_public_ip = reader("public_ips", "publicIPAddresses")
    list_public_ips = lister("public_ips")

    def begin_create_or_update_public_ip(self, sub, rg, name, body):
        rid, location = self._begin_put("publicIPAddresses", sub, rg, name, body)
        props = body.get("properties") or {}
        sku = (body.get("sku") or {}).get("name") or "Standard"
        if sku not in ("Basic", "Standard"):
            raise exceptions.InvalidRequestFormat("Sku {} is not valid.".format(sku))
        allocation = props.get("publicIPAllocationMethod") or ("Static" if sku == "Standard" else "Dynamic")
        if sku == "Standard" and allocation != "Static":
            raise exceptions.StandardSkuPublicIPAddressesMustBeStatic(
                "Standard sku publicIp {} must have AllocationMethod set to Static."
                .format(rid))
        pip = self.public_ips.get(ids.key(rid))
        created = pip is None
        if created:
            names.check(name, 80)
            pip = PublicIPAddress(self, sub, rg, name, location, sku, allocation,
                                  props.get("publicIPAddressVersion", "IPv4"),
                                  props.get("idleTimeoutInMinutes", 4), body.get("tags"), body.get("zones"))
            keep_at_create(pip, properties.PUBLIC_IPS, body)
        else:
            check_location(pip, body)
            current = pip.to_json()
            refuse_changes(properties.PUBLIC_IPS, current, body, properties.create_only_refusal)
            if (body.get("sku") or {}).get("name") and body["sku"]["name"].lower() != pip.sku.lower():
                raise properties.create_only_refusal(next(r for r in properties.PUBLIC_IPS if r.path == "sku"))
            apply_generic(pip, changes(properties.PUBLIC_IPS, current, body, (IN_PLACE,)))
            pip.tags = dict(body.get("tags") or {})
            pip.idle_timeout = props.get("idleTimeoutInMinutes", pip.idle_timeout)
            if props.get("publicIPAllocationMethod") and props["publicIPAllocationMethod"] != pip.allocation:
                pip.allocation = props["publicIPAllocationMethod"]  # Learn: Dynamic to Static keeps the address
                pip.static_address = pip.address() or _public_address(pip.id) if pip.allocation == "Static" else None
        return self._end_put(rid, pip, created)

    def begin_delete_public_ip(self, sub, rg, name):
        pip = self.get_public_ip(sub, rg, name)
        self.cloud.check_locks_for_delete(pip.id)
        cfg_id, _ = pip.ip_configuration_id()
        if cfg_id:
            raise exceptions.PublicIPAddressCannotBeDeleted(
                "Public IP address {} can not be deleted since it is still allocated to resource "
                "{}. In order to delete the public IP, disassociate/detach the Public IP address "
                "from the resource.  To learn how to do this, see aka.ms/deletepublicip."
                .format(pip.id, cfg_id))
        return self._start_delete(pip, lambda: self.public_ips.pop(ids.key(pip.id), None))
