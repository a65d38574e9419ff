"""The scan engine in-process against the fake cloud (fast profile): what a cassette cannot vary cheaply --
paging past the Resource Graph quota, the request counts, concurrency and its back-off, the triage rules."""
import json
import threading
import time

import pytest
from azure.core.pipeline.transport import RequestsTransport
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.resourcegraph import ResourceGraphClient

from azext_vmbootfix.scan import candidates, probe, query, rows, runner, throttle
from fakeazure.cloud import Cloud
from fakeazure.inprocess import BASE_URL, FakeCredential, sdk_client, session


@pytest.fixture(scope="module")
def fleet():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("fleet-small")
    return cloud


def run_scan(cloud, **kw):
    def graph_for(watch):
        return ResourceGraphClient(FakeCredential(cloud), base_url=BASE_URL, per_retry_policies=[watch],
                                   transport=RequestsTransport(session=session(cloud), session_owner=False))

    def compute_for(sub, watch):
        return sdk_client(cloud, ComputeManagementClient, subscription_id=sub, per_retry_policies=[watch])
    kw.setdefault("read_screenshot", False)
    kw.setdefault("http", session(cloud))
    kw.setdefault("clock", cloud.clock.now)
    return runner.scan(graph_for, compute_for, sleep=cloud.clock.advance, **kw)


def test_the_query_constant_is_what_the_fake_runs_and_filters_one_group(fleet):
    text = query.build("rg-fa-001")
    assert text.startswith("resources\n| where type =~ 'microsoft.compute/virtualmachines'\n"
                           "| where resourceGroup =~ 'rg-fa-001'\n")
    assert "| summarize images = make_set(image)" in text and text.endswith("| order by id asc")
    body = fleet.resourcegraph.query(text)
    assert body["totalRecords"] == 25 and {r["resourceGroup"] for r in body["data"]} == {"rg-fa-001"}
    with pytest.raises(ValueError):
        query.build("x' or 1==1")


def test_tenant_scope_scan_finds_the_stuck_vms_with_two_requests_each(fleet):
    out = run_scan(fleet)
    summary = out["summary"]
    assert summary["vms"] == 100  # the unreadable subscription is left out of the tenant scope
    assert summary["candidates"] == 9
    req = summary["requests"]
    # candidate finding: the statusOnly list of each subscription, 50 VMs a page (fleet A's 60 in two)
    # blob: the serial logs only (without OCR nothing would read a screenshot, so none is downloaded)
    assert req == {"graphPages": 1, "graph": 1, "candidateFinding": 3, "perCandidate": 18, "blob": 9,
                   "throttled": 0}
    ranks = [rows.severity_key(r)[0] for r in out["vms"]]
    assert ranks == sorted(ranks)
    json.dumps(out)  # rows are plain data


def test_status_lists_are_read_without_a_model_per_vm_and_an_unreadable_one_is_reported(fleet, monkeypatch):
    from azure.mgmt.compute.v2024_11_01 import models
    made, init = [], models.VirtualMachine.__init__

    def counted(self, *args, **kw):
        made.append(1)
        init(self, *args, **kw)
    monkeypatch.setattr(models.VirtualMachine, "__init__", counted)
    out = run_scan(fleet, subscriptions=["6d3c1b52-8f4e-4a7e-9c1d-2b5f0e8a7c31",
                                         "9c4d2e1f-7b3a-4c5d-a6e8-1f2b3c4d5e6f"])
    summary = out["summary"]
    assert summary["vms"] == 60 and summary["requests"]["candidateFinding"] == 3  # two pages, one 403
    assert len(made) == summary["candidates"]  # a model for each candidate's GET only, none for the lists
    [unreadable] = summary["unreadableSubscriptions"]
    assert unreadable["subscriptionId"] == "9c4d2e1f-7b3a-4c5d-a6e8-1f2b3c4d5e6f"
    assert unreadable["error"].startswith("403 AuthorizationFailed: The client ")


def test_paging_past_the_quota_waits_for_the_reset(fleet, monkeypatch):
    monkeypatch.setattr(query, "PAGE_SIZE", 3)
    monkeypatch.setattr("azext_vmbootfix.scan.graph.PAGE_SIZE", 3)
    fleet.resourcegraph._windows.clear()
    before = fleet.clock.now()
    out = run_scan(fleet, subscriptions=["6d3c1b52-8f4e-4a7e-9c1d-2b5f0e8a7c31"])
    req = out["summary"]["requests"]
    assert out["summary"]["vms"] == 60 and req["graphPages"] == 20
    assert req["throttled"] == 0  # the quota headers were honoured before a 429 could happen
    assert fleet.clock.now() - before >= 1  # it waited (on the fake's clock) for the quota to reset


class Gauge:
    """Counts the calls in progress at once (``with gauge:``) and keeps the highest count."""

    def __init__(self):
        self.now = self.most = 0
        self._lock = threading.Lock()

    def __enter__(self):
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *exc):
        with self._lock:
            self.now -= 1


def test_candidates_are_diagnosed_concurrently_never_past_max_concurrency(fleet, monkeypatch):
    gauge, real = Gauge(), probe.diagnose_one
    together = threading.Barrier(3, timeout=30)  # the first three candidates must be in progress at once

    def diagnose_one(*args, **kw):
        with gauge:
            if together.n_waiting < 3 and not together.broken:
                try:
                    together.wait()
                except threading.BrokenBarrierError:
                    pass
            return real(*args, **kw)
    monkeypatch.setattr(probe, "diagnose_one", diagnose_one)
    out = run_scan(fleet, max_concurrency=3)
    assert not together.broken, "three candidates were never diagnosed at the same time"
    assert gauge.most == 3
    assert out["summary"]["candidates"] == 9 and "error" not in out["summary"]["byVerdict"]


def test_a_429_from_compute_among_the_candidates_halves_the_concurrency(fleet, monkeypatch):
    seen = []

    class Recorded(throttle.Limiter):
        def throttled(self, wait):
            super().throttled(wait)
            seen.append((self.limit, wait))
    monkeypatch.setattr(runner, "Limiter", Recorded)
    fleet.faults.add({"kind": "throttle", "method": "GET", "path": r"/virtualMachines/f[ab]-vm-\d+$", "nth": 3,
                      "count": 1, "retryAfter": 1})
    try:  # the limiter's pause is on the wall clock here: the fake's virtual clock would never end it
        out = run_scan(fleet, max_concurrency=4, clock=time.monotonic)
    finally:
        fleet.faults.clear()
    assert seen == [(2, 1.0)]  # the pipeline's Watch saw the 429 and told the limiter: 4 -> 2, for 1 s
    summary = out["summary"]
    assert summary["requests"]["throttled"] == 1 and summary["candidates"] == 9
    assert "error" not in summary["byVerdict"]  # the SDK retried the throttled GET after Retry-After


class Slot(Gauge):
    """A semaphore of ``n`` slots that counts who holds it."""

    def __init__(self, n):
        super().__init__()
        self._sem = threading.BoundedSemaphore(n)

    def __enter__(self):
        self._sem.acquire()
        super().__enter__()

    def __exit__(self, *exc):
        super().__exit__()
        self._sem.release()


def test_with_ocr_screenshots_are_held_only_inside_their_slots(fleet, monkeypatch):
    held, reading, sizes, outside = Slot(2), Slot(1), [], []

    class Http:
        def __init__(self):
            self._s = session(fleet)

        def get(self, url, **kw):
            if ".screenshot.bmp" in url and held.now < 1:
                outside.append("download")
            return self._s.get(url, **kw)

    def ocr(image):
        if reading.now != 1 or held.now < 1:
            outside.append("OCR")
        deadline = time.monotonic() + 10  # the first reading waits for a second screenshot to be held
        while not sizes and held.now < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        sizes.append(len(image))
        return type("Read", (), {"text": "", "error": None, "seconds": 0.0, "languages": ("eng",)})()
    monkeypatch.setattr(probe, "SCREENSHOT_SLOTS", held)
    monkeypatch.setattr(probe, "OCR_SLOTS", reading)
    monkeypatch.setattr("azext_vmbootfix.screenread.read_screen", ocr)  # diagnose's reader
    out = run_scan(fleet, read_screenshot=True, http=Http(), max_concurrency=6)
    assert not outside, "outside their slots: {}".format(outside)
    assert held.most == 2 and reading.most == 1  # downloads overlapped the reading, within the bounds
    # eight bitmaps, each read once: the ninth candidate (generalized through the API, deallocated) never
    # booted in this cloud, so its screenshot blob is a 404
    assert len(sizes) == 8 and min(sizes) > 1000000
    assert out["summary"]["requests"]["blob"] == 18  # with OCR: screenshot and serial log of each


def test_a_429_halves_the_concurrency_and_pauses_new_work():
    now = [0.0]
    limiter = throttle.Limiter(8, clock=lambda: now[0])
    limiter.throttled(3.0)
    assert limiter.limit == 4 and limiter.pause_until == 3.0
    limiter.throttled(1.0)
    assert limiter.limit == 2 and limiter.pause_until == 3.0
    now[0] = 3.5
    for _ in range(2):
        limiter.acquire()
    for _ in range(2):
        limiter.release()
    assert limiter.limit == 3  # a run of successes raises it again


@pytest.mark.parametrize("headers,wait", [({"Retry-After": "7"}, 7.0), ({"x-ms-user-quota-resets-after": "00:00:03"}, 3.0),
                                          ({"retry-after-ms": "1500"}, 1.5), ({}, throttle.DEFAULT_WAIT),
                                          ({"Retry-After": "9999"}, throttle.MAX_WAIT)])
def test_wait_of_a_throttled_answer(headers, wait):
    assert throttle.wait_of(headers) == wait


def test_triage_rules():
    vm = {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/v", "name": "v",
          "osType": "Windows", "powerState": "PowerState/running", "osName": "Windows Server 2022 Datacenter"}
    assert candidates.triage(vm, ())[1]["verdict"] == "healthy"
    assert candidates.triage(vm, (), deep=True)[0] is True
    assert candidates.triage(dict(vm, osName=""), ())[0] is True
    assert candidates.triage(vm, ("OSState/generalized", "PowerState/deallocated"))[0] is True
    assert candidates.triage(vm, ("ProvisioningState/failed/OSProvisioningTimedOut",))[0] is True
    assert candidates.triage(vm, ("PowerState/deallocated",))[1]["verdict"] == "not-running"
    assert candidates.triage(dict(vm, osType="Linux", osName=""), ())[1]["verdict"] == "not-applicable"


def test_rows_share_the_texts_that_repeat_from_row_to_row():
    # two rows made from separately decoded JSON (as two Resource Graph pages are): equal texts, one object
    vm1, vm2 = (json.loads(json.dumps({"id": "/subscriptions/s/resourceGroups/rg-a/providers/Microsoft.Compute/"
                                              "virtualMachines/" + n, "name": n, "resourceGroup": "rg-a",
                                        "subscriptionId": "6d3c1b52-8f4e-4a7e-9c1d-2b5f0e8a7c31",
                                        "osType": "Windows", "powerState": "PowerState/running",
                                        "osName": "Windows Server 2022 Datacenter"})) for n in ("v1", "v2"))
    assert vm1["resourceGroup"] is not vm2["resourceGroup"]
    r1, r2 = (candidates.triage(vm, ("PowerState/" + "running",))[1] for vm in (vm1, vm2))
    for key in ("resourceGroup", "subscriptionId", "powerState", "reason"):
        assert r1[key] == r2[key] and r1[key] is r2[key], key
    assert set(r1) == {"name", "resourceGroup", "subscriptionId", "powerState", "verdict", "articleId",
                       "confidence", "next", "reason"}


def test_images_from_graph_keeps_one_entry_per_image_and_prefers_the_vm_link():
    img = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/images/i"
    ver = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/galleries/gal/images/def/versions/1.0.0"
    got = probe.images_from_graph([{"id": img, "link": "osDisk", "osState": "Generalized"},
                                   {"id": img, "link": "sourceVirtualMachine", "osState": "Generalized"},
                                   {"id": ver, "link": "sourceVirtualMachine", "osState": "Specialized"}])
    assert [(i["kind"], i["name"], i["link"], i["generalized"]) for i in got] == [
        ("managedImage", "i", "sourceVirtualMachine", True),
        ("galleryImageVersion", "gal/def/1.0.0", "sourceVirtualMachine", False)]
