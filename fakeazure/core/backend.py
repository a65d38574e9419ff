"""What every provider backend offers the Cloud, and the one mechanism every resource write goes through.

A backend is made by the Cloud and holds all its state in attributes made in ``__init__``, so that
``Cloud.reset()``, which makes every backend anew, drops all of it (moto's rule). Backends return model
objects (or operations); the provider's responses choose the status code and the body.

:class:`ResourceBackend` is the base of a provider whose resources live in tables (dicts keyed by the
lower-case resource id): lookups and listings in ARM's manner, the cross-provider hooks, and the two
long-running shapes every resource type shares:

* :meth:`ResourceBackend.begin_put`: the resource is stored in its transitional provisioning state and an
  operation settles it (``Succeeded``) or, when it fails, puts back what was there before;
* :meth:`ResourceBackend.begin_delete`: the resource shows ``Deleting`` until its operation applies the
  delete, or goes back to its earlier state when the operation fails.

The checks before a write (locks, conflicts, Azure's refusals) are the caller's: each provider's order of
refusals is its own.
"""
from . import errors, ids
from .locations import normalise


class ArmResource:
    """A resource of a provider: where it lives and its id (``namespace``/``resource_type``/``name``)."""

    namespace = None
    resource_type = None  # e.g. 'virtualMachines'

    def __init__(self, backend, subscription_id, resource_group, name, location, tags=None):
        self.backend = backend
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self.name = name
        self.location = normalise(location)
        self.tags = dict(tags or {})
        self.provisioning_state = "Succeeded"
        self.pending_op = None  # id of the operation in progress on this resource
        # ARM's own record of the resource (createdTime of the generic resource list)
        self.time_created = backend.cloud.clock.now() if backend is not None else None
        self.kept = {}  # writable properties kept as sent (fakeazure.core.properties), laid over the body

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, self.namespace, self.resource_type,
                               self.name)

    @property
    def full_type(self):
        return "{}/{}".format(self.namespace, self.resource_type)


class BaseBackend:
    namespace = None  # e.g. "Microsoft.Compute"

    def __init__(self, cloud):
        self.cloud = cloud

    def get_by_id(self, rid):  # pylint: disable=unused-argument
        """The model object of a resource id this backend owns, or None."""
        return None

    def generic_resources(self, subscription_id, group):  # pylint: disable=unused-argument
        """The group's resources in the generic listing shape (id, name, type, location, tags)."""
        return []

    def graph_rows(self, subscription_ids):  # pylint: disable=unused-argument
        """This backend's resources in the given subscriptions (lower-case ids) as Azure Resource Graph's
        ``resources`` table rows (id, name, type in lower case, location, resourceGroup, subscriptionId,
        tags, properties, ...)."""
        return []

    def delete_group_contents(self, subscription_id, group):  # pylint: disable=unused-argument
        """Drop every resource this backend holds in the group (its group is being deleted)."""
        return None

    def move_resources(self, renames):  # pylint: disable=unused-argument
        """Resources moved to another group (``renames``: old lower-case id -> new id): take the new ids."""
        return None

    def dump(self):
        return {}


class Write:
    """What a PUT or PATCH did, for the response to answer with: the resource, whether it was created, the
    operation that settles it (None: nothing left to do) and the resource as it looked when the request was
    accepted (``accepted``, the body of the first answer, taken before any operation could finish)."""

    def __init__(self, obj, created, operation=None, accepted=None):
        self.obj = obj
        self.created = created
        self.operation = operation
        self.accepted = accepted


def reader(table, type_name):
    """A backend's ``get_<kind>(subscription, group, *names)``: the resource a URL names, or the gateway's 404."""
    def get(self, subscription_id, resource_group, *names):
        return self.get_resource(getattr(self, table), type_name, subscription_id, resource_group, *names)
    return get


def lister(table):
    """A backend's ``list_<kinds>(subscription, group=None)``: a subscription's or a group's resources."""
    def list_all(self, subscription_id, resource_group=None):
        return self.list_resources(getattr(self, table), subscription_id, resource_group)
    return list_all


def in_group(obj, subscription_id, group):
    return obj.subscription_id.lower() == subscription_id.lower() and obj.resource_group.lower() == group.lower()


def rename(value, renames):
    """``value`` with every id string at or under an old id of ``renames`` turned into the new one (the same
    object when nothing changed)."""
    if isinstance(value, str):
        low = value.lower()
        for old, new in renames.items():
            if low == old or low.startswith(old + "/"):
                return new + value[len(old):]
        return value
    if isinstance(value, list):
        out = [rename(v, renames) for v in value]
        return out if any(a is not b for a, b in zip(out, value)) else value
    if isinstance(value, dict):
        out = {k: rename(v, renames) for k, v in value.items()}
        return out if any(out[k] is not value[k] for k in value) else value
    return value


class ResourceBackend(BaseBackend):
    """A backend whose resources are kept in dict tables named by ``tables`` (attribute names), each made
    empty here."""

    tables = ()

    def __init__(self, cloud):
        super().__init__(cloud)
        for table in self.tables:
            setattr(self, table, {})

    # -- reads ------------------------------------------------------------------------------------
    def get_resource(self, table, type_name, subscription_id, resource_group, *names):
        """The resource of a request URL, or the gateway's 404 (the group's 404 first)."""
        self.cloud.resources.get_group(subscription_id, resource_group)
        pairs = []
        for t, n in zip(type_name.split("/"), names):
            pairs += [t, n]
        obj = table.get(ids.key(ids.resource_id(subscription_id, resource_group, self.namespace, *pairs)))
        if obj is None:
            # a child's types and names interleave: 'Microsoft.Compute/virtualMachines/vm1/extensions/ext1'
            # (seen in a ResourceNotFound of a VM extension)
            raise errors.ResourceNotFound("/".join([self.namespace] + pairs[:-1]), pairs[-1], resource_group)
        return obj

    def list_resources(self, table, subscription_id, resource_group=None, parent=None):
        """A subscription's (or a group's, or a parent's) resources of one table, sorted by id."""
        if resource_group is not None:
            self.cloud.resources.get_group(subscription_id, resource_group)
        sub = subscription_id.lower()
        prefix = ids.key(parent) + "/" if parent else None
        out = [o for o in table.values() if o.subscription_id.lower() == sub and
               (resource_group is None or o.resource_group.lower() == resource_group.lower()) and
               (prefix is None or ids.key(o.id).startswith(prefix))]
        return sorted(out, key=lambda o: o.id.lower())

    def _tables(self):
        return [getattr(self, t) for t in self.tables]

    def get_by_id(self, rid):
        k = ids.key(rid or "")
        for table in self._tables():
            if k in table:
                return table[k]
        return None

    def generic_resources(self, subscription_id, group):
        return [o.generic() for table in self._tables() for o in table.values()
                if in_group(o, subscription_id, group)]

    def delete_group_contents(self, subscription_id, group):
        for table in self._tables():
            for k, o in list(table.items()):
                if in_group(o, subscription_id, group):
                    del table[k]

    def move_resources(self, renames):
        """A moved resource and its children take their new group and key; every id string held in a plain
        attribute (str, list, dict) of any resource here follows (a VM's disk and NIC references, a disk's
        ``managedBy``)."""
        for table in self._tables():
            for k, obj in list(table.items()):
                new = rename(obj.id, renames)
                if new != obj.id:
                    p = ids.parse(new)
                    del table[k]
                    obj.subscription_id, obj.resource_group = p["subscription"], p["resource_group"]
                    table[ids.key(obj.id)] = obj
        for table in self._tables():
            for obj in table.values():
                for attr, value in list(vars(obj).items()):
                    if isinstance(value, (str, list, dict)):
                        new = rename(value, renames)
                        if new is not value:
                            setattr(obj, attr, new)

    # -- writes -----------------------------------------------------------------------------------
    def start_operation(self, obj, kind, on_success=None, on_failure=None, result_in_status=False,
                        operation="update", resource_type=None):
        """An operation on ``obj``, remembered on it (``obj.pending_op``) so that conflicts can be seen. Every
        Compute and Network write starts here; ``operation`` (``create``, ``update``, ``delete``, an action)
        with the resource's type (``resource_type`` when the operation is on a child the parent carries, as a
        subnet) names the row of the durations table that says how long it takes."""
        activity = (resource_type or obj.full_type, operation)
        op = self.cloud.operations.start(obj.subscription_id, self.namespace, obj.location, kind=kind,
                                         on_success=on_success, on_failure=on_failure,
                                         result_in_status=result_in_status, activity=activity)
        obj.pending_op = op.id
        return op

    def deleting(self, obj):
        """True while a delete of ``obj`` is in progress."""
        op = self.running_operation(obj)
        return op is not None and (op.activity or ("", ""))[1] == "delete"

    def running_operation(self, obj):
        """The operation in progress on ``obj`` (started by :meth:`start_operation`), or None."""
        if not getattr(obj, "pending_op", None):
            return None
        op = self.cloud.operations.get(obj.pending_op)
        return op if op is not None and not op.done else None

    def begin_put(self, table, obj, existing, kind="operations", state=None, settle=None, undo=None,
                  result_in_status=False):
        """Store ``obj`` (new, or replacing ``existing``, which may be ``obj`` itself) in its transitional
        state and start the operation that settles it. -> :class:`Write`, whose ``accepted`` is the resource
        as the first answer shows it. ``settle()`` runs when the operation finishes and its return value is
        the operation's output; on failure the table gets back what it held before and ``undo()`` (if given)
        puts back what an update changed in place."""
        key = ids.key(obj.id)
        obj.provisioning_state = state or ("Creating" if existing is None else "Updating")
        table[key] = obj
        accepted = obj.to_json()

        def succeeded():
            obj.provisioning_state = "Succeeded"
            return settle() if settle is not None else None

        def failed(_err):
            if existing is not None:
                table[key] = existing
            else:
                table.pop(key, None)
            if undo is not None:
                undo()

        op = self.start_operation(obj, kind, succeeded, failed, result_in_status=result_in_status,
                                  operation="create" if existing is None else "update")
        return Write(obj, existing is None, op, accepted)

    def begin_delete(self, obj, kind="operations", effect=None, table=None, restore=None):
        """``obj`` shows ``Deleting`` until its operation runs ``effect`` (default: drop it from ``table``);
        when the operation fails ``restore()`` runs (default: the provisioning state it had). A DELETE while a
        delete is in progress is accepted, as Azure accepts it ("You can only retry the Delete operation (or
        wait for an ongoing one to complete)", Learn's VM error messages): its operation ends with the first."""
        first = self.running_operation(obj)
        if first is not None and (first.activity or ("", ""))[1] == "delete":
            return self.cloud.operations.start_following(first, obj.subscription_id, self.namespace, obj.location,
                                                         kind)
        saved = obj.provisioning_state
        obj.provisioning_state = "Deleting"

        def done():
            if effect is not None:
                return effect()
            table.pop(ids.key(obj.id), None)
            return None

        def failed(_err):
            if restore is not None:
                restore()
            else:
                obj.provisioning_state = saved

        return self.start_operation(obj, kind, done, failed, operation="delete")
