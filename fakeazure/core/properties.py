"""Writable-properties tables: how a PUT or PATCH may change each property of a resource, and the one
mechanism that applies them ("no silent ignore", issue 9).

A provider describes each resource type by a list of :class:`Row`, one per writable property of the
type's REST model (a path in the resource body; a row on an object covers everything under it), each
with its kind and its source:

* ``IN_PLACE``: applied to the resource as it is (a running VM included);
* ``DEALLOCATED``: applied only while the resource allows it (for a VM: deallocated); otherwise refused
  with the row's ``refusal``;
* ``CREATE_ONLY``: set when the resource is created; a different value later is refused (Compute:
  409 ``PropertyChangeNotAllowed`` "Changing property '<name>' is not allowed.").

A row is applied in one of three ways: stored in the resource's ``kept`` body (the default: the value is
kept and returned in every later body, :func:`overlay`), through a method of the model (``apply`` names
it), or by the backend's own code (``by_backend``: sizes, disks, NICs, tags, whose effects go beyond
the stored value). Providers never share a table; they share this module.
"""
import copy

from . import errors

IN_PLACE, DEALLOCATED, CREATE_ONLY = "in-place", "deallocated", "create-only"
KINDS = (IN_PLACE, DEALLOCATED, CREATE_ONLY)


def _norm(value):
    """A value as compared: empty containers and strings are absent, strings compare case-insensitively
    (Azure's enums and resource ids do), lists and dicts element by element."""
    if value in (None, "", [], {}):
        return None
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items() if _norm(v) is not None}
    return value


def same(current, new):
    return _norm(current) == _norm(new)


class Row:
    """One writable property (or subtree). ``name`` is what a refusal calls it (default: the path without
    its ``properties.`` prefix); ``refusal`` overrides the refusal of a ``DEALLOCATED`` row; ``refuse`` False
    marks a ``CREATE_ONLY`` property whose change Azure accepts and ignores (said in ``source``)."""

    def __init__(self, path, kind, source, name=None, compare=None, apply=None, by_backend=False,
                 refusal=None, refuse=True, sample=None):
        assert kind in KINDS, kind
        self.path = path
        self.kind = kind
        self.source = source
        self.name = name or (path[len("properties."):] if path.startswith("properties.") else path)
        self.compare = compare or same
        self.apply = apply
        self.by_backend = by_backend
        self.refusal = refusal
        self.refuse = refuse
        self.sample = sample  # a value the table-driven test sets (tests/fake/test_writable_properties.py)

    def __repr__(self):
        return "Row({!r}, {})".format(self.path, self.kind)


def covering(rows, path):
    """The row whose path is ``path`` or the nearest object above it, or None."""
    best = None
    for row in rows:
        if path == row.path or path.startswith(row.path + "."):
            if best is None or len(row.path) > len(best.path):
                best = row
    return best


_MISSING = object()


def value_at(body, path, default=None):
    for part in path.split("."):
        if not isinstance(body, dict) or part not in body:
            return default
        body = body[part]
    return body


def present(body, path):
    return value_at(body, path, _MISSING) is not _MISSING


def set_at(body, path, value):
    parts = path.split(".")
    for part in parts[:-1]:
        nxt = body.get(part)
        if not isinstance(nxt, dict):
            nxt = body[part] = {}
        body = nxt
    body[parts[-1]] = copy.deepcopy(value)


def overlay(body, kept):
    """``body`` with every value of ``kept`` (a partial body) laid over it, objects merged key by key."""
    for key, value in kept.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            overlay(body[key], value)
        else:
            body[key] = copy.deepcopy(value)
    return body


def changes(rows, current, body, kinds=KINDS):
    """The rows of ``kinds`` whose value ``body`` sets to something other than ``current`` has, with the
    new value: [(row, value)]. A property the body leaves out is unchanged (PUT and PATCH alike)."""
    out = []
    for row in rows:
        if row.kind not in kinds or not present(body, row.path):
            continue
        new = value_at(body, row.path)
        if new is None:
            continue
        old = value_at(current, row.path)
        if not row.compare(old, new):
            out.append((row, new))
    return out


def refuse_changes(rows, current, body, refusal):
    """Raise ``refusal(row)`` for the first ``CREATE_ONLY`` row whose value ``body`` changes (rows whose
    change Azure ignores are skipped)."""
    for row, _ in changes(rows, current, body, (CREATE_ONLY,)):
        if row.refuse and not row.by_backend:
            raise refusal(row)


def check_location(existing, body):
    """ARM's refusal of a PUT that names an existing resource in another location (every type)."""
    new = (body.get("location") or "").replace(" ", "").lower()
    if new and existing is not None and new != existing.location:
        raise errors.InvalidResourceLocation(existing, new)


def apply_generic(obj, changed):
    """Apply the changed rows a backend does not handle itself: the model's ``apply`` method, or the value
    stored in ``obj.kept``. Returns an undo function."""
    saved = copy.deepcopy(obj.kept)
    undo_calls = []
    for row, value in changed:
        if row.by_backend or (row.kind == CREATE_ONLY):
            continue
        if row.apply:
            undo_calls.append(getattr(obj, row.apply)(value))
        else:
            set_at(obj.kept, row.path, value)

    def undo():
        obj.kept = saved
        for call in reversed(undo_calls):
            if callable(call):
                call()
    return undo


def keep_at_create(obj, rows, body):
    """At create: store every value of ``body`` that a generic row (not the backend's own) covers."""
    for row in rows:
        if row.by_backend or row.apply or not present(body, row.path):
            continue
        value = value_at(body, row.path)
        if value is not None:
            set_at(obj.kept, row.path, value)
    for row in rows:
        if row.apply and not row.by_backend and present(body, row.path) and value_at(body, row.path) is not None:
            getattr(obj, row.apply)(value_at(body, row.path))
