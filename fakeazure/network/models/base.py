"""What every Network resource shares (id, etag, generic shape) and the one write mechanism of the Network
backend: a PUT stores the resource and its operation shows ``Updating`` until done (``Failed`` when it
fails); a DELETE shows ``Deleting`` until its effect applies.

Shapes follow shared/fidelity/network-interface.yaml (NIC and public IP GET, 2023 and 2026): weak etags
``W/"<guid>"`` on the resource and on every ipConfiguration, ``type``/``location`` after ``properties``,
``virtualMachine.id`` and ``primary`` only while a VM holds the NIC.
"""
import ipaddress
import uuid

from ...core import errors, ids
from ...core.backend import ArmResource, Write
from .. import exceptions

NS = "Microsoft.Network"


def _etag():
    return 'W/"{}"'.format(uuid.uuid4())


def _ref(rid):
    return {"id": rid} if rid else None


class NetworkResource(ArmResource):
    namespace = NS

    def __init__(self, backend, subscription_id, resource_group, name, location, tags=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.resource_guid = str(uuid.uuid4())
        self.etag = _etag()

    def touch(self):
        self.etag = _etag()

    def envelope(self, props):
        """The body of a vnet or NSG: name, id, etag, type, location, tags when set, properties."""
        body = {"name": self.name, "id": self.id, "etag": self.etag, "type": self.full_type,
                "location": self.location}
        if self.tags:
            body["tags"] = dict(self.tags)
        body["properties"] = props
        return body

    def generic(self):
        out = {"id": self.id, "name": self.name, "type": self.full_type, "location": self.location}
        if self.tags:
            out["tags"] = dict(self.tags)
        return out




class NetworkBase:
    """The Network backend's shared lookups and writes (mixed into :class:`NetworkBackend`)."""

    namespace = NS


    def _table_for(self, rtype):
        return {"virtualnetworks": self.vnets, "networkinterfaces": self.nics,
                "publicipaddresses": self.public_ips, "networksecuritygroups": self.nsgs}[rtype.lower()]

    def _start(self, obj, effect=None, operation="update", resource_type=None):
        """A Network long-running operation; the resource shows 'Updating' until it finishes."""
        obj.provisioning_state = "Updating"

        def done():
            if effect is not None:
                effect()
            obj.provisioning_state = "Succeeded"

        def failed(_err):
            obj.provisioning_state = "Failed"

        return self.start_operation(obj, "operations", done, failed, operation=operation,
                                    resource_type=resource_type)

    def _start_delete(self, obj, effect):
        if not self.deleting(obj):
            self.not_busy(obj)
        return self.begin_delete(obj, effect=effect, restore=lambda: setattr(obj, "provisioning_state", "Succeeded"))

    def not_busy(self, obj):
        """Network refuses a write on a resource while an operation is in progress on it."""
        op = self.running_operation(obj)
        if op is not None:
            raise exceptions.AnotherOperationInProgress(op)

    def _begin_put(self, rtype, sub, rg, name, body):
        """A top-level PUT's first checks, in ARM's order: the group, the location, then locks. -> (id, location)"""
        self.cloud.resources.get_group(sub, rg)
        loc = body.get("location")
        if not loc:
            raise errors.GatewayError("The 'location' property is required for this definition.",
                                      code="LocationRequired", status=400)
        rid = ids.resource_id(sub, rg, NS, rtype, name)
        self.cloud.check_locks_for_write(rid)
        existing = self._table_for(rtype).get(ids.key(rid))
        if existing is not None:
            self.not_busy(existing)
        return rid, loc

    def _end_put(self, rid, obj, created):
        """Store what a PUT made or changed and start its operation. -> :class:`Write`"""
        obj.touch()
        self._table_for(obj.resource_type)[ids.key(rid)] = obj
        return Write(obj, created, self._start(obj, operation="create" if created else "update"))

    def _check_ref(self, ref_id, by_id, location=None, kind=None):
        obj = self.get_by_id(ref_id) if ref_id else None
        if obj is None or (kind is not None and not isinstance(obj, kind)) or \
                (location is not None and obj.location != location.replace(" ", "").lower()):
            raise exceptions.InvalidResourceReference(
                "Resource {} referenced by resource {} was not found. Please make sure that the referenced resource "
                "exists, and that both resources are in the same region.".format(ref_id, by_id))
        return obj


def network_of(prefix, what):
    try:
        return ipaddress.ip_network(prefix, strict=False)
    except (ValueError, TypeError):
        raise exceptions.InvalidAddressPrefixFormat("Value provided for {} is invalid: '{}'.".format(what, prefix))
