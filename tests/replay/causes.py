"""Why a replayed request disagreed: one cause per disagreement, found mechanically, to group them.

A cause is ``(category, operation, detail)``. ``operation`` is the method and resource type (with the
action of a POST), e.g. ``POST Microsoft.Compute/disks/beginGetAccess``. The categories, checked in order:

* ``route missing``: the fake has no route for the path or method (404 ``InvalidResourceType``, 404
  ``NotFound`` "No HTTP resource was found...", 405) where Azure answered otherwise;
* ``cascade``: the fake lacks a resource (404 ``...NotFound``), or has no operation to poll, because the
  fake refused to make it when the replay arranged it, or an earlier request of the same recording on that
  resource (or a parent) already disagreed on its status, or an earlier write in the same resource group
  that Azure accepted was refused by the fake: the first disagreement is the one to fix;
* ``no operation to poll``: Azure's answer started an operation the client polled; the fake's gave none;
* ``resource missing``: the fake lacks a resource Azure had, with no earlier disagreement to explain it
  (state the recording presupposes, or a name Azure generated and the fake did not);
* ``fake crashed``: a 5xx from the fake;
* ``fake refused what Azure accepted`` / ``fake accepted what Azure refused`` / ``other success status`` /
  ``other refusal``: the two statuses differ in those ways (detail: the codes);
* ``error code differs``: same status, other ARM error code;
* ``body keys differ``: same status; detail: the key paths missing from the fake's body (``-``) and extra
  in it (``+``), a few of each.
"""
from urllib.parse import urlsplit

from .armpath import classify, segments
from .engine import resource_path

ROUTE_CODES = {"InvalidResourceType", "HttpMethodNotAllowed"}
NO_ROUTE = "No HTTP resource was found"  # ARM's 404 NotFound for a path no provider serves


def operation(method, path):
    found = classify(method, path)
    rtype = found[1] if found else "(not ARM) " + path
    segs = segments(path)
    if method == "POST" and found and len(segs) % 2 == 1 and not rtype.endswith("/" + segs[-1]):
        rtype += "/" + segs[-1]  # the action
    return "{} {}".format(method, rtype)


def _resource_paths(path):
    """The lower-cased paths of the resource a request addresses and of every resource above it."""
    segs = [s.lower() for s in segments(path)]
    out = set()
    for end in range(2, len(segs) + 1, 2):
        if segs[end - 2] != "providers":
            out.add("/" + "/".join(segs[:end]))
    return out


def _group_path(path):
    """The lower-cased path of the resource group a path lies in ('' for none)."""
    segs = [s.lower() for s in segments(path)]
    return "/" + "/".join(segs[:4]) if len(segs) >= 4 and segs[2] == "resourcegroups" else ""


def _not_found(code):
    return bool(code) and code.endswith("NotFound")


def _short(message, width=110):
    message = " ".join(message.split())
    return message if len(message) <= width else message[: width - 3] + "..."


def _keys_detail(comparison, width=4):
    missing, extra = sorted(comparison.missing), sorted(comparison.extra)
    parts = ["-" + k for k in _tops(missing)[:width]] + ["+" + k for k in _tops(extra)[:width]]
    more = len(_tops(missing)) + len(_tops(extra)) - len(parts)
    return " ".join(parts) + (" (+{} more)".format(more) if more > 0 else "")


def _tops(paths):
    """Key paths without those whose parent path is listed too (``tags`` covers ``tags.a``)."""
    keep = []
    for p in paths:
        if not any(p.startswith(k + ".") or p.startswith(k + "[]") for k in keep):
            keep.append(p)
    return keep


def assign(result):
    """Set ``outcome.cause`` for every disagreement of a :class:`RecordingResult`."""
    failed = set()        # resource paths an earlier request disagreed on (its status)
    refused_write = {}    # resource group path -> the first write in it Azure accepted and the fake did not
    for o in result.outcomes:
        c, path = o.comparison, urlsplit(o.exchange.url).path
        op = operation(o.method, path)
        if o.note == "no operation URL":
            start = o.started_by
            if start is not None and not start.comparison.status_ok:
                o.cause = ("cascade", op, "the request that started it disagreed")
            else:
                o.cause = ("no operation to poll", op, "Azure's answer named an operation, the fake's none")
            continue
        if c.agrees:
            continue
        if c.status_ok:
            if not c.code_ok:
                detail = "Azure {}, fake {}: {}".format(c.rec_code, c.fake_code, _short(c.fake_message))
                o.cause = ("error code differs", op, detail)
            else:
                o.cause = ("body keys differ", op, _keys_detail(c))
            continue
        rec, fake = c.rec_status or 0, c.fake_status or 0
        no_route = c.fake_code in ROUTE_CODES or (c.fake_code == "NotFound" and c.fake_message.startswith(NO_ROUTE))
        if no_route and c.rec_code != c.fake_code:
            o.cause = ("route missing", op, "{} {}".format(fake, c.fake_code))
        elif _resource_paths(path) & result.unmade:
            o.cause = ("cascade", op, "{} {}: the fake refused to make what the recording presupposes (see the "
                                      "notes)".format(fake, c.fake_code or ""))
        elif _not_found(c.fake_code) and rec < 400:
            if _resource_paths(path) & failed:
                o.cause = ("cascade", op, "{}: an earlier request on it disagreed".format(c.fake_code))
            elif _group_path(path) in refused_write:
                o.cause = ("cascade", op, "{}: after a refused write in its group ({})".format(
                    c.fake_code, refused_write[_group_path(path)]))
            else:
                o.cause = ("resource missing", op, c.fake_code)
        elif fake >= 500:
            o.cause = ("fake crashed", op, "{} {}".format(fake, c.fake_code))
        elif fake >= 400 and rec < 400:
            o.cause = ("fake refused what Azure accepted", op, "Azure {}, fake {} {}: {}".format(
                rec, fake, c.fake_code, _short(c.fake_message)))
        elif rec >= 400 and fake < 400:
            o.cause = ("fake accepted what Azure refused", op, "Azure {} {}, fake {}".format(rec, c.rec_code, fake))
        elif rec < 400:
            o.cause = ("other success status", op, "Azure {}, fake {}".format(rec, fake))
        else:
            detail = "Azure {} {}, fake {} {}: {}".format(rec, c.rec_code, fake, c.fake_code, _short(c.fake_message))
            o.cause = ("other refusal", op, detail)
        failed.add(resource_path(path))
        if o.method in ("PUT", "PATCH", "POST") and rec < 400 <= fake:
            refused_write.setdefault(_group_path(path), op)
    return result
