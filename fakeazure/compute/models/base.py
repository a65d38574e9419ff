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

    def not_busy(self, obj, label="Update"):
        """Refuse operation ``label`` (Azure's name for it in refusals, e.g. 'Start VM') on ``obj`` while another
        operation is in progress on it (:func:`fakeazure.compute.exceptions.busy`)."""
        op = self.running_operation(obj)
        if op is not None:
            raise exceptions.busy(obj, label, deleting=(op.activity or ("", ""))[1] == "delete")

    def referenced(self, rid, table, type_name):
        """A resource referenced by id in a request body, or Compute's 404 for it."""
        obj = getattr(self, table).get(ids.key(rid or ""))
        if obj is None:
            raise exceptions.ReferencedResourceNotFound(rid, type_name, ids.parse(rid or "") or {})
        return obj

    def deletable(self, table, type_name, subscription_id, resource_group, *names, label="Delete", preempt=False):
        """The resource a DELETE names when it may be deleted now (or is being deleted already: a repeated
        DELETE is accepted, :meth:`fakeazure.core.backend.ResourceBackend.begin_delete`); None when it does not
        exist (204). With ``preempt`` another operation in progress does not refuse the delete: it ends Failed
        with ``OperationPreempted`` (its effect undone) and the delete goes ahead."""
        self.cloud.resources.get_group(subscription_id, resource_group)
        pairs = []
        for t, n in zip(type_name.split("/"), names):
            pairs += [t, n]
        obj = table.get(ids.key(ids.resource_id(subscription_id, resource_group, NS, *pairs)))
        if obj is not None and not self.deleting(obj):
            running = self.running_operation(obj)
            if running is not None and preempt:
                running.fail_with = exceptions.OperationPreempted()
                running.finish(self.cloud.clock.now())
            else:
                self.not_busy(obj, label)
        return obj
