"""What every Compute resource shares: its id, envelope, generic listing shape and conflict state."""
from ...core import ids
from ...core.backend import ArmResource
from .. import exceptions

NS = "Microsoft.Compute"


def lower(s):
    return (s or "").lower()


class ComputeResource(ArmResource):
    namespace = NS

    def __init__(self, backend, subscription_id, resource_group, name, location, tags=None):
        super().__init__(backend, subscription_id, resource_group, name, location, tags)
        self.time_created = backend.cloud.clock.now()

    def envelope(self, properties):
        body = {"name": self.name, "id": self.id, "type": self.full_type, "location": self.location,
                "tags": self.tags}  # Azure emits "tags": {} when there are none (fidelity vm-get.yaml)
        body["properties"] = properties
        return body

    def generic(self):
        return {"id": self.id, "name": self.name, "type": self.full_type, "location": self.location,
                "tags": self.tags}

    def busy(self):
        if not self.pending_op:
            return False
        op = self.backend.cloud.operations.get(self.pending_op)
        return op is not None and not op.done


class ComputeBase:
    """Helpers every Compute resource family uses (mixed into :class:`ComputeBackend`)."""

    namespace = NS

    @staticmethod
    def not_busy(obj):
        if obj.busy():
            raise exceptions.ConcurrentRequest()

    def referenced(self, rid, table, type_name):
        """A resource referenced by id in a request body, or Compute's 404 for it."""
        obj = getattr(self, table).get(ids.key(rid or ""))
        if obj is None:
            raise exceptions.ReferencedResourceNotFound(rid, type_name, ids.parse(rid or "") or {})
        return obj

    def deletable(self, table, type_name, subscription_id, resource_group, *names):
        """The resource a DELETE names when it may be deleted now; None when it does not exist (204)."""
        self.cloud.resources.get_group(subscription_id, resource_group)
        pairs = []
        for t, n in zip(type_name.split("/"), names):
            pairs += [t, n]
        obj = table.get(ids.key(ids.resource_id(subscription_id, resource_group, NS, *pairs)))
        if obj is not None:
            self.not_busy(obj)
        return obj
