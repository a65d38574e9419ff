"""The scan engine in-process against the fake cloud (fast profile): what a cassette cannot vary cheaply --
paging past the Resource Graph quota, the request counts, concurrency and its back-off, the triage rules."""
import json

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
    return runner.scan(graph_for, compute_for, http=session(cloud), sleep=cloud.clock.advance,
                       clock=cloud.clock.now, **kw)


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
    assert req == {"graphPages": 1, "graph": 1, "candidateFinding": 3, "perCandidate": 18, "blob": 18,
                   "throttled": 0}
    ranks = [rows.severity_key(r)[0] for r in out["vms"]]
    assert ranks == sorted(ranks)
    json.dumps(out)  # rows are plain data


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


def test_images_from_graph_keeps_one_entry_per_image_and_prefers_the_vm_link():
    img = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/images/i"
    ver = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/galleries/gal/images/def/versions/1.0.0"
    got = probe.images_from_graph([{"id": img, "link": "osDisk", "osState": "Generalized"},
                                   {"id": img, "link": "sourceVirtualMachine", "osState": "Generalized"},
                                   {"id": ver, "link": "sourceVirtualMachine", "osState": "Specialized"}])
    assert [(i["kind"], i["name"], i["link"], i["generalized"]) for i in got] == [
        ("managedImage", "i", "sourceVirtualMachine", True),
        ("galleryImageVersion", "gal/def/1.0.0", "sourceVirtualMachine", False)]
