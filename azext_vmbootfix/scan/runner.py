"""The whole scan: Resource Graph pages, the cheap triage, then the candidates' evidence, concurrently.

Requests, by kind (the summary's ``requests``):
``graph`` -- the query's pages (and their retries);
``arm`` -- the pages of the per-subscription statusOnly lists (candidate finding) plus, per candidate, ``GET
?$expand=instanceView`` and ``retrieveBootDiagnosticsData`` (two);
``blob`` -- the SAS downloads of serial logs, and of screenshots when OCR reads them (not ARM).
"""
import concurrent.futures
import threading
import time

from azext_vmbootfix.scan import candidates, graph, probe, rows
from azext_vmbootfix.scan.query import build
from azext_vmbootfix.scan.throttle import Limiter, Watch

_KEEP = ("id", "name", "resourceGroup", "subscriptionId", "powerState", "images")


class CountingHttp:
    """``requests``-like ``get`` that counts the SAS downloads (which are not ARM requests)."""

    def __init__(self, http=None):
        self._http = http
        self.count = 0
        self._lock = threading.Lock()

    def get(self, url, **kwargs):
        with self._lock:
            self.count += 1
        if self._http is not None:
            return self._http.get(url, **kwargs)
        import requests
        return requests.get(url, **kwargs)


class Progress:
    """The CLI's progress controller, or nothing."""

    def __init__(self, controller=None):
        self._c = controller
        self._lock = threading.Lock()

    def show(self, message, value=None, total=None):
        if self._c is None:
            return
        with self._lock:
            if value is not None and total:
                self._c.add(message=message, value=value, total_val=total)
            else:
                self._c.add(message=message)

    def end(self):
        if self._c is not None:
            self._c.end()


def scan(graph_for, compute_for, subscriptions=None, management_groups=None, resource_group=None,
         max_concurrency=8, deep=False, read_screenshot=True, progress=None, http=None, sleep=time.sleep,
         clock=time.monotonic):
    """Scan every VM in scope; return ``{"summary": ..., "vms": [rows, most severe first]}``.

    ``graph_for(watch)`` makes the ResourceGraphClient and ``compute_for(subscription_id, watch)`` a compute
    client for one subscription, each with ``watch`` in its pipeline (``per_retry_policies``)."""
    limiter = Limiter(max_concurrency, clock=clock)
    watch = Watch(limiter, clock=clock)
    return _Scan(graph_for(watch), compute_for, watch, limiter, Progress(progress), CountingHttp(http),
                 sleep).run(subscriptions, management_groups, resource_group, deep, read_screenshot,
                            max_concurrency)


class _Scan:
    def __init__(self, graph_client, compute_for, watch, limiter, progress, http, sleep):
        self.graph_client = graph_client
        self.compute_for = compute_for
        self.watch = watch
        self.limiter = limiter
        self.progress = progress
        self.http = http
        self.sleep = sleep
        self.computes = {}
        self.statuses = {}
        self.problems = []
        self.unreadable = []
        self.pages = 0
        self.finding = 0
        self._lock = threading.Lock()

    def compute(self, sub):
        with self._lock:
            if sub not in self.computes:
                self.computes[sub] = self.compute_for(sub, self.watch)
            return self.computes[sub]

    def statuses_of(self, sub):
        if sub not in self.statuses:
            before = self.watch.counts["arm"]
            errors = []
            self.statuses[sub] = candidates.statuses_by_vm(self.compute(sub), on_error=errors.append)
            self.finding += self.watch.counts["arm"] - before
            if errors:
                self.unreadable.append({"subscriptionId": sub, "error": _error_text(errors[0])})
        return self.statuses[sub]

    def run(self, subscriptions, management_groups, resource_group, deep, read_screenshot, workers):
        query = build(resource_group)
        if subscriptions:  # the statusOnly list tells which ones the caller can read, before the query
            subscriptions = [s for s in subscriptions if self.statuses_of(s.lower()) is not None]
            if not subscriptions:
                return self._result([], 0)
        all_rows, todo = [], []
        self.progress.show("Querying Azure Resource Graph")
        for page in graph.run(self.graph_client, query, subscriptions, management_groups, self.watch,
                              self.sleep):
            self.pages += 1
            for vm in page.rows:
                sub = (vm.get("subscriptionId") or "").lower()
                # each VM's statuses are dropped once read: what is held shrinks as the rows arrive
                codes = (self.statuses_of(sub) or {}).pop(candidates.vm_key(vm.get("id")), None)
                is_candidate, result = candidates.triage(vm, codes, deep)
                if is_candidate:
                    todo.append(({k: vm.get(k) for k in _KEEP}, result))
                else:
                    all_rows.append(result)
            self.progress.show("Resource Graph: {} of {} VMs".format(len(all_rows) + len(todo), page.total),
                               len(all_rows) + len(todo), page.total)
            if page.truncated and not page.skip_token:
                self.problems.append("Resource Graph truncated the result: {} of {} rows".format(
                    len(all_rows) + len(todo), page.total))
        all_rows.extend(self._probe_all(todo, read_screenshot, workers))
        self.progress.end()
        return self._result(all_rows, len(todo))

    def _probe_all(self, todo, read_screenshot, workers):
        out = []
        if not todo:
            return out

        def work(vm, why):
            self.limiter.acquire()
            try:
                return probe.diagnose_one(self.compute(vm["subscriptionId"].lower()), vm, why,
                                          read_screenshot=read_screenshot, http=self.http)
            except Exception as exc:  # pylint: disable=broad-except
                return rows.failed(vm, None, _error_text(exc))
            finally:
                self.limiter.release()

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(work, vm, why) for vm, why in todo]
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                out.append(future.result())
                self.progress.show("Diagnosing candidates: {} of {}".format(done, len(todo)), done, len(todo))
        return out

    def _result(self, all_rows, candidate_count):
        all_rows.sort(key=rows.severity_key)
        requests = {"graphPages": self.pages, "graph": self.watch.counts["graph"],
                    "candidateFinding": self.finding, "perCandidate": self.watch.counts["arm"] - self.finding,
                    "blob": self.http.count, "throttled": self.watch.counts["throttled"]}
        extra = {"candidates": candidate_count, "requests": requests}
        if self.unreadable:
            extra["unreadableSubscriptions"] = self.unreadable
        if self.problems:
            extra["problems"] = self.problems
        return {"summary": rows.summary(all_rows, **extra), "vms": all_rows}


def _error_text(exc):
    code = getattr(getattr(exc, "error", None), "code", None)
    status = getattr(exc, "status_code", None)
    message = getattr(getattr(exc, "error", None), "message", None) or str(exc).split("\n")[0]
    head = " ".join(str(x) for x in (status, code) if x)
    return "{}: {}".format(head, message) if head else message


def log_summary(summary):
    """The counts by verdict on stderr (``-o table`` prints only the rows)."""
    from knack.log import get_logger
    counts = ", ".join("{} {}".format(n, v) for v, n in summary["byVerdict"].items()) or "no VM"
    req = summary["requests"]
    get_logger(__name__).warning(
        "Scanned %d VMs, diagnosed %d: %s. Requests: %d Resource Graph (%d pages), %d ARM to find candidates, "
        "%d ARM for candidates.", summary["vms"], summary["candidates"], counts, req["graph"], req["graphPages"],
        req["candidateFinding"], req["perCandidate"])
    for sub in summary.get("unreadableSubscriptions", []):
        get_logger(__name__).warning("Subscription %s was not scanned: %s", sub["subscriptionId"], sub["error"])
    for problem in summary.get("problems", []):
        get_logger(__name__).warning(problem)
