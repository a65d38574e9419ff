"""Reading recorded traffic: azure-cli's VCR cassettes and the condensed fidelity pack, as one shape.

Every recording becomes a list of :class:`Exchange` (method, url, request body, status, response headers,
response body text). The fidelity pack (``tests/fixtures/fidelity``) is made of entries with a ``request``
and a ``response`` and sometimes ``polls``; entries with no request line (notes, evidence) give nothing.
Where the pack abridged a response body (prose such as ``"...same as above..."``, a head, a tail or a
summary instead of the body) the exchange is marked ``abridged`` and its body keys are not compared; where
it kept no request body for a PUT or PATCH, the body is :data:`UNRECORDED`.

Two more things are read from the pack, neither compared:

* **What an entry shows** (:attr:`Exchange.shown`): every JSON body the entry recorded (its response, its
  ``status_poll``, its ``polls``), and those of the request-less entries that follow it (the final polls of
  an operation kept as an entry of their own). The replay arranges resources from them (``replay.arrange``)
  and reads Azure's operation times from them (``replay.engine``, normalisation 8).
* **Azure's order**: the pack condensed each run and sometimes kept its steps out of order (``vm-power-lro``
  has the ``powerOff`` Azure answered at 23:18:56 after the ``deallocate`` of 23:22:34). Within a file, the
  entries of one recorded run (the same ``source``, "same file" naming the entry before's) are put back in
  the order of their ``recorded`` dates; runs keep the order of their first entry, and an entry without a
  date stays after the one before it.
"""
import email.utils
import gzip
import json

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OMITTED = "!!! The request body has been omitted from the recording"  # azure-cli's recorder, bodies > 128 KB


class _Unrecorded:
    """The body of a request the recording did not keep (it cannot be sent again)."""

    def __repr__(self):
        return "UNRECORDED"


UNRECORDED = _Unrecorded()


class Exchange:
    """One recorded request and Azure's answer."""

    __slots__ = ("method", "url", "body", "status", "headers", "text", "label", "origin", "abridged", "recorded",
                 "shown")

    def __init__(self, method, url, body, status, headers, text, label="", origin="", abridged=False,
                 recorded=None, shown=None):
        self.method = method.upper()
        self.url = url
        self.body = body            # request body text or None
        self.status = status        # int, or None when the recording kept no status line
        self.headers = headers      # lower-cased names -> value
        self.text = text            # response body text ('' when none)
        self.label = label          # what the recording calls it (the fidelity pack's op), for reports
        self.origin = origin        # the file it came from
        self.abridged = abridged    # the recording kept only part of the response body (not compared)
        self.recorded = recorded    # when it was answered (an HTTP date) where the recording says so apart
                                    # from the headers (the fidelity pack's ``recorded``), else None
        self.shown = shown if shown is not None else []  # JSON bodies the recording showed with it (above)

    def json(self):
        return parse_json(self.text)

    def header(self, name):
        return self.headers.get(name.lower())


def parse_json(text):
    """The JSON value of a body, or None when it is empty or not JSON."""
    if isinstance(text, (dict, list)):
        return text
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _text(value):
    """A recorded body as text: VCR keeps bytes (sometimes gzip) or a string."""
    if value is None:
        return None
    if isinstance(value, bytes):
        if value[:2] == b"\x1f\x8b":
            value = gzip.decompress(value)
        return value.decode("utf-8", errors="replace")
    return value


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def load_yaml(path):
    with open(path, "rb") as fh:
        return yaml.load(fh, Loader=_Loader)


def vcr_exchanges(doc):
    """The exchanges of a VCR cassette document (``interactions: [{request, response}]``)."""
    out = []
    for it in doc.get("interactions") or []:
        req, resp = it["request"], it["response"]
        body = resp.get("body") or {}
        text = _text(body.get("string") if isinstance(body, dict) else body) or ""
        headers = {k.lower(): _first(v) for k, v in (resp.get("headers") or {}).items()}
        status = (resp.get("status") or {}).get("code")
        body = _text(req.get("body"))
        if isinstance(body, str) and body.startswith(_OMITTED):
            body = UNRECORDED
        out.append(Exchange(req["method"], req["uri"], body, status, headers, text,
                            label=_first((req.get("headers") or {}).get("CommandName")) or ""))
    return out


def fidelity_exchanges(doc, origin=""):
    """The exchanges of a fidelity-pack file: every entry whose request has a method and a full URL, the entries
    of one recorded run in Azure's order (see above)."""
    rows, run, last = [], None, None
    for entry in doc.get("entries") or []:
        source = str(entry.get("source", ""))
        run = run if source.startswith("same") and run is not None else (source, entry.get("commit"))
        ex = _fidelity_exchange(entry, origin)
        if ex is None:
            if last is not None:  # a request-less entry continues the one before it
                last.shown += _shown(entry)
            continue
        last = ex
        rows.append((run, recorded_date(entry.get("recorded")), ex))
    first_of_run, dated, keyed = {}, {}, []
    for position, (run, when, ex) in enumerate(rows):
        first_of_run.setdefault(run, position)
        when = dated.get(run) if when is None else when  # an undated entry stays after the one before it
        dated[run] = when
        keyed.append(((first_of_run[run], when if when is not None else float("-inf"), position), ex))
    return [ex for _, ex in sorted(keyed, key=lambda kv: kv[0])]


def recorded_date(text):
    """The POSIX time of a pack entry's ``recorded`` ("Wed, 18 May 2022 08:57:08 GMT", remarks after the date
    dropped), or None when it gives none."""
    if not text:
        return None
    try:
        return email.utils.parsedate_to_datetime(str(text).split(" GMT")[0] + " GMT").timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def _shown(entry):
    """The JSON bodies a pack entry recorded: its response's, its ``status_poll``'s and its polls'."""
    out = []
    for part in (entry.get("response"), entry.get("status_poll")):
        if isinstance(part, dict) and isinstance(part.get("body"), (dict, list)):
            out.append(part["body"])
    polls = list(entry.get("polls") or [])
    if isinstance(entry.get("async_polls"), dict):
        polls += entry["async_polls"].get("polls") or []
    out += [p["body"] for p in polls if isinstance(p, dict) and isinstance(p.get("body"), (dict, list))]
    return out


def _fidelity_exchange(entry, origin):
    req = entry.get("request") or {}
    resp = entry.get("response") or {}
    uri, method = req.get("uri"), req.get("method")
    if not uri or not method or not str(uri).startswith("https://"):
        return None
    status = resp.get("status")
    status = status if isinstance(status, int) else None
    abridged = False
    if "body_raw" in resp:
        text = resp["body_raw"]
    elif isinstance(resp.get("body"), (dict, list)):
        text = json.dumps(resp["body"])
        abridged = _abridged(resp["body"])
    elif resp.get("body") in ("", None) and "body" in resp:
        text = ""  # the pack's way of writing an empty body
    else:
        text, abridged = "", True  # a note, a head, a tail or a summary in place of the body
    body = req.get("body")
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
    if body is None and method.upper() in ("PUT", "PATCH"):
        body = UNRECORDED  # the pack noted what was sent instead of keeping it
    headers = {k.lower(): str(v) for k, v in (resp.get("headers") or {}).items()}
    return Exchange(method, uri, body, status, headers, text, label=entry.get("op", ""), origin=origin,
                    abridged=abridged, recorded=entry.get("recorded"), shown=_shown(entry))


def _abridged(value):
    """True when a pack body has parts written as prose (``"...same as above..."``, ``...cut...``)."""
    if isinstance(value, dict):
        return any(_abridged(v) for v in value.values())
    if isinstance(value, list):
        return any(_abridged(v) for v in value)
    return isinstance(value, str) and (value.startswith("...") or "...cut..." in value
                                       or value.startswith("(identical"))
