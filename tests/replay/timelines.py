"""How long Azure took: the long-running operations of the recordings in ``tests/fixtures`` and their timelines.

The fake's durations table (``fakeazure/durations.yaml``) is made from this module's figures, and
``tests/fake/test_time_profile.py`` checks the table against them. Two kinds of evidence:

* **exact**: a Compute status document that has both ``startTime`` and ``endTime`` (the operation took
  ``endTime - startTime``);
* **bounded**: status documents without times (Network's ``{"status": ...}``, ARM's ``operationresults``
  202/200): the operation ended after the last answer that said it was running and before the first that
  said it was done, counted from the ``Date`` of the answer that started it. Its figure is the middle of
  that interval (an operation already done at the first poll: the middle of ``[0, first poll]``).

``operations(exchanges)`` reads one azure-cli cassette (:mod:`replay.cassettes`); ``fidelity_seconds``
reads the one status document a fidelity-pack entry names. ``python -m replay.timelines`` (from ``tests/``)
prints every measured operation and the median per resource type and operation.
"""
import datetime
import email.utils
import glob
import os
import statistics
from urllib.parse import urlsplit

from .armpath import classify
from .cassettes import load_yaml, vcr_exchanges

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")
_DONE = ("succeeded", "failed", "canceled")


def arm_time(text):
    """ARM's ``2023-05-25T10:28:02.8705174+00:00`` (seven decimals) as a POSIX timestamp."""
    text = text.replace("Z", "+00:00")
    head, dot, rest = text.partition(".")
    if dot:
        digits = ""
        for i, ch in enumerate(rest):
            if not ch.isdigit():
                rest = rest[i:]
                break
            digits += ch
        else:
            rest = ""
        text = head + "." + digits[:6].ljust(6, "0") + rest
    return datetime.datetime.fromisoformat(text).timestamp()


def http_date(headers):
    value = headers.get("date")
    return email.utils.parsedate_to_datetime(value).timestamp() if value else None


def answered_at(ex):
    """When an exchange was answered: its ``Date`` header, else the date the fidelity pack noted for its entry
    (``recorded``; "(approx.)" and other remarks after the date are dropped), else None."""
    when = http_date(ex.headers)
    if when is not None or not getattr(ex, "recorded", None):
        return when
    head = str(ex.recorded).split(" GMT")[0] + " GMT"
    try:
        return email.utils.parsedate_to_datetime(head).timestamp()
    except (TypeError, ValueError):
        return None


class Timeline:
    """One operation a recording started: the request that started it and what its polls showed."""

    def __init__(self, index, method, path, status):
        self.index = index                  # the starting exchange's position in the recording
        self.method = method
        self.path = path
        self.status = status                # the starting answer's status code
        self.exact = None                   # endTime - startTime, when a status document had both
        self.lower = None                   # seconds from the start to the last "still running" answer
        self.upper = None                   # seconds from the start to the first "done" answer
        self.polls = 0

    @property
    def resource_type(self):
        found = classify(self.method, self.path)
        return found[1] if found else None

    @property
    def operation(self):
        """``create`` (PUT answered 201, or a 202 that made a new resource: disks), ``update``, ``delete``, or
        the name of a POST action (``start``, ``runCommand``, ...)."""
        if self.method == "POST":
            return self.path.rstrip("/").rsplit("/", 1)[-1]
        if self.method == "DELETE":
            return "delete"
        return "create" if self.status == 201 or self.created else "update"

    created = False  # set for a disk-like PUT answered 202 whose resource did not exist before

    def seconds(self):
        """The figure: exact, or the middle of the bounds (None when the recording shows no end)."""
        if self.exact is not None:
            return round(self.exact, 2)
        if self.upper is None:
            return None
        return round(((self.lower or 0.0) + self.upper) / 2, 2)

    def evidence(self):
        if self.exact is not None:
            return "endTime - startTime"
        return "between {} s and {} s".format(self.lower or 0, self.upper) if self.upper is not None else "no end"


def operations(exchanges):
    """The :class:`Timeline` of every operation the exchanges start (an answer with ``Azure-AsyncOperation``,
    or ``Location`` on a 201/202)."""
    found, by_url, seen_paths = [], {}, set()
    for i, ex in enumerate(exchanges):
        path = urlsplit(ex.url).path.lower()
        if ex.method == "GET" and path in by_url:
            _poll(by_url[path], ex)
            continue
        urls = [ex.header("azure-asyncoperation")]
        if ex.status in (201, 202):
            urls.append(ex.header("location"))
        urls = [urlsplit(u).path.lower() for u in urls if u]
        if urls and ex.method in ("PUT", "PATCH", "POST", "DELETE") and ex.status in (200, 201, 202):
            tl = Timeline(i, ex.method, urlsplit(ex.url).path, ex.status)
            tl.created = ex.method == "PUT" and ex.status == 202 and path not in seen_paths
            tl.start = http_date(ex.headers)
            for u in urls:
                by_url[u] = tl
            found.append(tl)
        if ex.method == "GET" and ex.status == 200:
            seen_paths.add(path)
        if ex.method == "PUT":
            seen_paths.add(path)
    return found


def _poll(tl, ex):
    tl.polls += 1
    doc = ex.json()
    status = str(doc.get("status", "")).lower() if isinstance(doc, dict) else ""
    if isinstance(doc, dict) and doc.get("startTime") and doc.get("endTime"):
        tl.exact = arm_time(doc["endTime"]) - arm_time(doc["startTime"])
    when = http_date(ex.headers)
    since = None if when is None or tl.start is None else max(0.0, when - tl.start)
    done = status in _DONE or (not status and ex.status in (200, 204))
    if since is None:
        return
    if done:
        tl.upper = since if tl.upper is None else min(tl.upper, since)
    else:
        tl.lower = since if tl.lower is None else max(tl.lower, since)


def azure_operation_seconds(exchanges):
    """``{operation id: endTime - startTime}`` of every operation whose status document the recording shows
    with both times (an answer's body, or a body the fidelity pack showed with the entry)."""
    out = {}
    for ex in exchanges:
        for doc in [ex.json()] + list(getattr(ex, "shown", [])):
            if isinstance(doc, dict) and doc.get("name") and doc.get("startTime") and doc.get("endTime"):
                try:
                    out[str(doc["name"]).lower()] = max(0.0, arm_time(doc["endTime"]) - arm_time(doc["startTime"]))
                except ValueError:
                    continue
    return out


def cassette_timelines(relpath):
    """The timelines of one azure-traffic recording (``relpath`` under ``tests/fixtures``)."""
    return operations(vcr_exchanges(load_yaml(os.path.join(FIXTURES, relpath))))


def fidelity_seconds(relpath, op_prefix):
    """``endTime - startTime`` of the status document in the fidelity-pack entry whose ``op`` starts with
    ``op_prefix`` (in its response or its ``polls``)."""
    doc = load_yaml(os.path.join(FIXTURES, relpath))
    for entry in doc.get("entries") or []:
        if str(entry.get("op", "")).startswith(op_prefix):
            for status in _status_documents(entry):
                return round(arm_time(status["endTime"]) - arm_time(status["startTime"]), 2)
    raise KeyError("no status document with startTime and endTime in {} entry {!r}".format(relpath, op_prefix))


def _status_documents(value):
    if isinstance(value, dict):
        if value.get("startTime") and value.get("endTime"):
            yield value
        for v in value.values():
            yield from _status_documents(v)
    elif isinstance(value, list):
        for v in value:
            yield from _status_documents(v)


def all_cassette_timelines():
    """(recording path under tests/fixtures, Timeline) for every azure-traffic recording."""
    for path in sorted(glob.glob(os.path.join(FIXTURES, "azure-traffic", "recordings", "*", "*.yaml"))):
        rel = os.path.relpath(path, FIXTURES)
        for tl in cassette_timelines(rel):
            yield rel, tl


def main():
    groups = {}
    for rel, tl in all_cassette_timelines():
        secs = tl.seconds()
        print("{:<90} #{:<3} {:<48} {:<14} {:>8} ({})".format(rel, tl.index, str(tl.resource_type), tl.operation,
                                                               "-" if secs is None else secs, tl.evidence()))
        if secs is not None:
            groups.setdefault((tl.resource_type, tl.operation), []).append(secs)
    print()
    for (rtype, op), values in sorted(groups.items()):
        print("{:<48} {:<14} n={:<3} median {:>8}".format(rtype, op, len(values), round(statistics.median(values), 2)))


if __name__ == "__main__":
    main()
