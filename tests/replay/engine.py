"""Send a recording's requests, in order, to an empty in-process fake and compare every answer with Azure's.

Normalisations (each one also listed in ``tests/fixtures/azure-traffic/README.md``):

1. **A fresh fake per recording**, profile ``fast`` (virtual clock), created with the recording's own
   subscription id (the recorder's zeros), so ids in URLs and bodies need no rewriting.
2. **Host**: ``https://management.azure.com`` becomes the in-process fake's base URL; path, query and body
   are sent as recorded. A bearer token the fake minted replaces the recording's (removed) one.
3. **Skipped**: requests to login, token and graph hosts (``SKIPPED_HOSTS``); they are counted, not sent.
4. **Long-running operations**: when Azure's answer carried ``Azure-AsyncOperation`` (or ``Location`` on a
   201/202), the recorded operation URL is mapped to the URL the fake gave in the same header (or the
   other one when the fake gave only one); recorded URLs are matched by operation kind, id and
   ``monitor`` flag (:func:`operation_key`). The recorded polls of one operation URL collapse into one
   comparison: the intermediate ones are not sent; at the last one the fake's URL is followed until the
   operation is done (on a virtual clock the clock jumps by the ``Retry-After`` between polls), and that
   final answer is compared with Azure's last poll. When Azure's last poll was itself still running, the
   fake's URL is read once instead. A poll of an operation URL the fake never gave is a disagreement
   ("no operation URL").
5. **Presupposed state** is made first, not compared (:mod:`replay.arrange`): the resource groups azure-cli's
   test preparer made outside the recording (those the requests use, and those only Azure's non-list answers
   name, such as a nested deployment's target group); for the fidelity pack also the VMs, NICs and public IPs
   its snippets use.
   A resource the arrangement made is an approximation of Azure's (a NIC without its public IP, say):
   requests on it are compared on status and error code, not on body keys.
6. **Other tests' resources in Azure's lists**: the recorder's subscription held the groups of other tests
   running at the same time, and Azure's list answers show them (a subscription's locks, groups filtered by
   tag). Before comparing a list (``value: [...]``), Azure's elements whose ``id`` lies in a resource group
   the recording never names, or is a provider resource outside any group (a subscription-level lock) that
   no request of the recording addresses, are dropped; the fake starts empty, so all of its elements are
   kept. The number dropped is reported per recording.
7. **What a recording did not keep** is not compared: a request whose body the recorder left out
   (azure-cli's recorder omits bodies over 128 KB; the fidelity pack kept some PUTs without their body) is
   not sent, and later requests on the resource it addressed, and the polls of its operation, are not
   compared; an entry without a status line is sent but not compared; a poll whose starting request the
   recording lacks is not sent; an abridged body (fidelity pack) is not compared key by key. Each
   left-out request is listed per recording with its reason.
8. **Time**: the fake's virtual clock follows the recording's own: before each request it moves on by the
   time the recording shows between the previous dated answer and this one (its ``Date`` header, or the
   fidelity pack's ``recorded`` date of the entry); a step back counts as none (the fidelity pack joins
   snippets of several years). An operation the fake runs for as long as Azure did is thus still running
   where Azure's was and done where Azure's was done (a resource group reads ``Deleting`` while
   ``az group wait`` polls it). Where the recording shows how long Azure's operation took (a status
   document of it with ``startTime`` and ``endTime``), the fake's operation started by the same request
   ends after that time rather than after the durations table's median: each run ends when it ended in
   the recording (a ``powerOff`` that took 9 s there is over 9 s later here, whatever the median).
9. **Deployment names**: azure-cli's recorder rewrote every ``/deployments/{name}`` of a request URL to
   ``/deployments/mock-deployment`` (``DeploymentNameReplacer`` of azure-cli's testsdk; the answers kept the
   names), so two deployments of a recording were one name in its URLs and the fake saw an update where Azure
   saw a create. A request's URL gets back the name Azure's answer to it gives (``name`` of a deployment
   body); one whose answer names none (a refused validation, ``exportTemplate``, ``cancel``, the operations
   list) the name of the nearest request before it whose answer did (the same command's), else after it.
   Likewise a deployment operation's id (``.../deployments/{name}/operations/{id}``), which Azure chose: once
   Azure's and the fake's answers to the same operations list have been compared, an id of Azure's is sent as
   the fake's id of the operation on the same target resource with the same ``provisioningOperation``.
10. Nothing else is changed: no header, body or order is adapted to what the fake does.
"""
import re
from urllib.parse import urlsplit

from fakeazure.cloud import Cloud
from fakeazure.inprocess import BASE_URL, FakeCredential, session

from .armpath import classify, segments
from .arrange import Arranger
from .groups import group_of
from .cassettes import UNRECORDED
from .compare import Comparison
from .renames import paired_operation_ids, restored_deployment_names, with_fake_operation_id
from .timelines import answered_at, azure_operation_seconds

ARM_HOST = "management.azure.com"
SKIPPED_HOSTS = ("login.microsoftonline.com", "graph.windows.net", "graph.microsoft.com")
MAX_POLLS = 200
UNREPLAYABLE = object()  # the fake's operation URL of a request the replay could not send
_SUBSCRIPTION = re.compile(r"/subscriptions/([0-9a-fA-F-]{36})", re.IGNORECASE)
_RUNNING = {"inprogress", "running", "accepted", "notstarted", "creating", "updating", "deleting"}
_OPERATION_TYPES = ("/operations", "/operationstatuses", "/operationresults", "/diskoperations",
                    "/capsoperations", "/asyncoperations")
_OWN_OPERATION_TYPES = ("microsoft.resources/subscriptions/operationresults",
                        "microsoft.resources/deployments/operationstatuses")


class Outcome:
    """One compared request of a recording."""

    def __init__(self, index, exchange, kind, comparison, note=""):
        self.index = index
        self.exchange = exchange
        self.kind = kind              # "request" or "poll" (the last of a collapsed series)
        self.comparison = comparison
        self.note = note              # what the replay did that a reader should know (no operation URL, ...)
        self.started_by = None        # for a poll: the outcome of the request that started the operation
        self.cause = None             # set by causes.assign for a disagreement

    @property
    def method(self):
        return self.exchange.method

    @property
    def path(self):
        return urlsplit(self.exchange.url).path


class RecordingResult:
    def __init__(self, name, source):
        self.name = name
        self.source = source          # "azure-cli" or "fidelity"
        self.outcomes = []
        self.skipped = 0              # login/token/graph requests
        self.collapsed = 0            # intermediate polls not sent
        self.arranged = []            # resource groups created before the replay (see normalisation 5)
        self.foreign = 0              # elements of Azure's lists dropped as other tests' (normalisation 6)
        self.uncompared = []          # (index, why) of requests not compared (normalisations 4 and 7)
        self.notes = []               # what the arrangement could not do as recorded
        self.unmade = set()           # resource paths the arrangement could not make
        self.arranged_resources = set()  # resource paths the arrangement made (VMs, NICs): approximations
        self.errors = []              # the fake's own error log (tracebacks of 500s)


def _groups(exchanges):
    for ex in exchanges:
        found = group_of(urlsplit(ex.url).path)
        if found:
            yield found[1]


def main_subscription(exchanges):
    """The subscription most of the recording's URLs name (the recorder's zeros for azure-cli)."""
    counts = {}
    for ex in exchanges:
        for sub in _SUBSCRIPTION.findall(urlsplit(ex.url).path):
            counts[sub.lower()] = counts.get(sub.lower(), 0) + 1
    return max(counts, key=counts.get) if counts else None


def resource_path(path):
    """The lower-cased path of the resource a request addresses (a trailing action or child type cut)."""
    segs = [s.lower() for s in segments(path)]
    return "/" + "/".join(segs[: len(segs) - (len(segs) % 2)])


def operation_key(url):
    """What identifies an operation URL across a recording: its kind, its id and whether it is the
    ``Location`` form (``monitor=true``). azure-cli's recorder renames some names in request URLs and not
    in the response headers that handed them out (``mock-deployment`` for the deployment's own name), so
    whole URLs would not match."""
    parts = urlsplit(url)
    segs = [s.lower() for s in segments(parts.path)]
    monitor = "monitor=true" in parts.query.lower()
    return (segs[-2] if len(segs) > 1 else "", segs[-1] if segs else "", monitor)


def is_operation_url(method, url):
    """True for a GET of an async-operation status or result URL (what a client polls)."""
    if method != "GET":
        return False
    found = classify("GET", urlsplit(url).path)
    rtype = found[1].lower() if found else ""
    return rtype in _OWN_OPERATION_TYPES or ("/locations/" in rtype and rtype.endswith(_OPERATION_TYPES))


def running(resp):
    """True when a poll answer says the operation is still in flight."""
    if resp.status_code == 202:
        return True
    try:
        body = resp.json()
    except ValueError:
        return False
    return isinstance(body, dict) and str(body.get("status", "")).lower() in _RUNNING


def recorded_running(ex):
    if ex.status == 202:
        return True
    body = ex.json()
    return isinstance(body, dict) and str(body.get("status", "")).lower() in _RUNNING


class Replayer:
    """Replays one recording against its own fake."""

    def __init__(self, exchanges, name, source="azure-cli", profile="fast", arrange_resources=False,
                 cloud_options=None):
        self.exchanges = exchanges
        self.arrange_resources = arrange_resources
        self.result = RecordingResult(name, source)
        sub = main_subscription(exchanges)
        options = dict(cloud_options or {}, **({"subscription_id": sub} if sub else {}))
        self.cloud = Cloud(profile=profile, **options)
        self.http = session(self.cloud)
        self.credential = FakeCredential(self.cloud)
        self.groups = {g.lower() for g in _groups(exchanges)}
        self.addressed = {resource_path(urlsplit(ex.url).path) for ex in exchanges}
        self.operations = {}          # operation_key of a recorded operation URL -> the fake's URL (or None)
        self.started_by = {}          # operation_key -> the outcome of the request that started it
        self.tainted = set()          # resource paths an unreplayable request would have made or changed
        self.last_answered = None     # the recorded time of the last dated answer: normalisation 8
        self.azure_seconds = azure_operation_seconds(exchanges)  # operation id -> Azure's time: normalisation 8
        self.deployment_urls = restored_deployment_names(exchanges)  # normalisation 9
        self.operation_ids = {}       # a deployment operation id of Azure's (lower) -> the fake's: normalisation 9

    # -- sending ----------------------------------------------------------------------------------
    def to_fake(self, url):
        parts = urlsplit(url)
        return BASE_URL + parts.path + ("?" + parts.query if parts.query else "")

    def send(self, method, url, body=None):
        headers = {"Authorization": "Bearer " + self.credential.get_token(ARM_HOST).token,
                   "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        data = body.encode("utf-8") if isinstance(body, str) else body
        return self.http.request(method, url, data=data, headers=headers)

    def follow(self, fake_url, wait):
        """GET the fake's operation URL; with ``wait``, again until it is done (the clock jumps between)."""
        resp = self.send("GET", fake_url)
        for _ in range(MAX_POLLS):
            if not wait or not running(resp):
                break
            if self.cloud.clock.virtual:
                self.cloud.clock.advance(max(1, int(resp.headers.get("Retry-After", "1") or 1)))
            resp = self.send("GET", fake_url)
        return resp

    # -- the replay -------------------------------------------------------------------------------
    def arrange(self):
        self.arranger = Arranger(self, BASE_URL)
        self.result.arranged = self.arranger.groups(self.exchanges)
        if self.arrange_resources:
            self.arranger.vms_and_nics(self.exchanges)
            self.arranger.plan_disks(self.exchanges)

    def run(self):
        self.arrange()
        last_use = {}
        for i, ex in enumerate(self.exchanges):
            if ex.method == "GET":
                last_use[operation_key(ex.url)] = i
        for i, ex in enumerate(self.exchanges):
            host = urlsplit(ex.url).hostname
            if host in SKIPPED_HOSTS:
                self.result.skipped += 1
                continue
            self.follow_recorded_time(ex)
            self.arranger.before(i, self.exchanges)
            key = operation_key(ex.url)
            if ex.method == "GET" and (key in self.operations or is_operation_url(ex.method, ex.url)):
                if last_use[key] > i:
                    self.result.collapsed += 1
                elif key not in self.operations:
                    self.result.uncompared.append((i, "a poll whose starting request the recording lacks"))
                elif self.operations[key] is UNREPLAYABLE:
                    self.result.uncompared.append((i, "a poll of an operation the replay could not start"))
                else:
                    self._poll(i, ex)
                continue
            self._request(i, ex)
        self.result.errors = list(self.cloud.errors_log)
        return self.result

    def follow_recorded_time(self, ex):
        """Move a virtual clock on by the recorded time since the last dated answer (normalisation 8)."""
        when = answered_at(ex)
        if when is None or not self.cloud.clock.virtual:
            return
        if self.last_answered is not None and when > self.last_answered:
            self.cloud.clock.advance(when - self.last_answered)
        self.last_answered = when

    def _poll(self, i, ex):
        fake_url = self.operations[operation_key(ex.url)]
        if fake_url is None:
            outcome = Outcome(i, ex, "poll", Comparison(ex.status, None, ex.text, ""), note="no operation URL")
        else:
            resp = self.follow(fake_url, wait=not recorded_running(ex))
            outcome = Outcome(i, ex, "poll", Comparison(ex.status, resp.status_code, ex.text, resp.text,
                                                        judge_keys=not ex.abridged))
        outcome.started_by = self.started_by.get(operation_key(ex.url))
        self.result.outcomes.append(outcome)

    def own_elements(self, ex):
        """Azure's body with other tests' list elements dropped (normalisation 6), or None to keep it."""
        body = ex.json()
        if not isinstance(body, dict) or not isinstance(body.get("value"), list):
            return None
        kept = []
        for item in body["value"]:
            rid = str(item.get("id", "")) if isinstance(item, dict) else ""
            found = group_of(rid)
            if (found and found[1].lower() not in self.groups) or \
                    (not found and "/providers/" in rid.lower() and rid.lower() not in self.addressed):
                self.result.foreign += 1
                continue
            kept.append(item)
        return dict(body, value=kept) if len(kept) != len(body["value"]) else None

    def _request(self, i, ex):
        here = resource_path(urlsplit(ex.url).path)
        if ex.body is UNRECORDED:
            # the recording kept no body to send (normalisation 7): the request and all that follows from
            # it on the same resource are left out
            self.tainted.add(here)
            self.result.uncompared.append((i, "its request body was not recorded"))
            self._map_operations(ex, None, None)
            return
        resp = self.send(ex.method, self.to_fake(self.with_fake_ids(self.deployment_urls[i])), ex.body)
        self.learn_operation_ids(ex, resp)
        if ex.status is None:
            self.result.uncompared.append((i, "the recording kept no status line"))
            self._map_operations(ex, resp, None)
            return
        if any(here == t or here.startswith(t + "/") for t in self.tainted):
            self.result.uncompared.append((i, "it addresses a resource an unreplayable request made"))
            self._map_operations(ex, resp, None)
            return
        arranged = any(here == a or here.startswith(a + "/") for a in self.result.arranged_resources)
        outcome = Outcome(i, ex, "request", Comparison(ex.status, resp.status_code, ex.text, resp.text,
                                                       rec_body=self.own_elements(ex),
                                                       judge_keys=not (ex.abridged or arranged)))
        self.result.outcomes.append(outcome)
        self._map_operations(ex, resp, outcome)

    def with_fake_ids(self, url):
        """``url`` with a deployment operation id of Azure's replaced by the fake's (normalisation 9)."""
        return with_fake_operation_id(url, self.operation_ids)

    def learn_operation_ids(self, ex, resp):
        """Pair Azure's and the fake's ids in their answers to one deployment operations list."""
        try:
            ours = resp.json()
        except ValueError:
            return
        if "/operations" in urlsplit(ex.url).path:
            self.operation_ids.update(paired_operation_ids(ex.json(), ours))

    def _map_operations(self, ex, resp, outcome):
        """Map the operation URLs Azure's answer gave to the fake's (normalisation 4)."""
        rec_async, rec_loc = ex.header("azure-asyncoperation"), ex.header("location")
        if resp is None:
            fake_async = fake_loc = UNREPLAYABLE
        else:
            fake_async, fake_loc = resp.headers.get("Azure-AsyncOperation"), resp.headers.get("Location")
            if resp.status_code not in (201, 202):
                fake_loc = None  # a Location on a 200 names the resource, not an operation
        if resp is not None:
            self._take_azure_time(rec_async or (rec_loc if ex.status in (201, 202) else None),
                                  fake_async or fake_loc)
        if rec_async:
            self.operations[operation_key(rec_async)] = fake_async or fake_loc
            self.started_by[operation_key(rec_async)] = outcome
        if rec_loc and ex.status in (201, 202):
            self.operations[operation_key(rec_loc)] = fake_loc or fake_async
            self.started_by[operation_key(rec_loc)] = outcome


    def _take_azure_time(self, recorded_url, fake_url):
        """The fake's operation at ``fake_url`` ends as long after its start as Azure's at ``recorded_url`` did,
        where the recording shows that (normalisation 8)."""
        if not recorded_url or not fake_url or fake_url is UNREPLAYABLE:
            return
        seconds = self.azure_seconds.get(operation_id(recorded_url))
        op = self.cloud.operations.get(operation_id(fake_url))
        if seconds is None or op is None or op.done or op.always_due or self.cloud.operations.duration is not None:
            return  # (a profile that fixes every operation's time keeps it)
        op.due = op.started + seconds


def operation_id(url):
    """The id an operation URL ends with (lower-cased)."""
    segs = segments(urlsplit(url).path)
    return segs[-1].lower() if segs else ""


def replay(exchanges, name, source="azure-cli", profile="fast", arrange_resources=False):
    """Replay ``exchanges`` against a fresh fake; the :class:`RecordingResult`."""
    return Replayer(exchanges, name, source, profile, arrange_resources).run()
