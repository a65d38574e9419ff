"""Which properties a PUT or PATCH may change on a Compute resource: the writable-properties table.

One row a property, by its path in the resource body, with its kind and its source:

* ``IN_PLACE``: applied to the resource as it is (a running VM included);
* ``DEALLOCATED``: applied only while the VM is deallocated, refused otherwise;
* ``CREATE_ONLY``: set when the resource is created; a different value later is refused with 409
  ``PropertyChangeNotAllowed`` "Changing property '<name>' is not allowed." (seen).

:func:`refuse_changes` applies the ``CREATE_ONLY`` rows of a table to an update; the backends call it
where Azure makes the check. The rows below are the ones the fake enforces today; a property with no row
is applied as each backend's update applies it.
"""
from .exceptions import PropertyChangeRefused

IN_PLACE, DEALLOCATED, CREATE_ONLY = "in-place", "deallocated", "create-only"


class Row:
    def __init__(self, path, kind, source, name=None, same=None):
        self.path = path
        self.kind = kind
        self.source = source
        self.name = name or path.rsplit(".", 1)[-1]
        self.same = same or (lambda current, new: current == new)


def _same_image(current, new):
    keys = ("id",) if new.get("id") else ("publisher", "offer", "sku")
    return all((new.get(k) or "").lower() == (current.get(k) or "").lower() for k in keys)


VIRTUAL_MACHINES = [
    Row("properties.osProfile.computerName", CREATE_ONLY, "seen: PropertyChangeNotAllowed on a VM update"),
    Row("properties.osProfile.adminUsername", CREATE_ONLY, "seen: PropertyChangeNotAllowed on a VM update"),
    Row("properties.storageProfile.imageReference", CREATE_ONLY,
        "seen: PropertyChangeNotAllowed (publisher, offer and sku, or id, are compared)", same=_same_image),
]


def value_at(body, path):
    for part in path.split("."):
        if not isinstance(body, dict):
            return None
        body = body.get(part)
    return body


def refuse_changes(rows, current, body):
    """Raise PropertyChangeNotAllowed for the first ``CREATE_ONLY`` row whose value ``body`` changes."""
    for row in rows:
        if row.kind != CREATE_ONLY:
            continue
        new, old = value_at(body, row.path), value_at(current, row.path)
        if new and old is not None and not row.same(old, new):
            raise PropertyChangeRefused(row.name)
