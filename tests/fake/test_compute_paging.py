"""Compute's VM lists come in pages as Azure's do (fakeazure/compute/paging.py): at most 50 VMs of each region a
page, ``nextLink`` with ``%24skiptoken``, the request's other parameters kept."""
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import pytest
from azure.mgmt.compute import ComputeManagementClient

from fakeazure.cloud import Cloud
from fakeazure.compute import paging
from fakeazure.inprocess import BASE_URL, sdk_client, session

FLEET_A = "6d3c1b52-8f4e-4a7e-9c1d-2b5f0e8a7c31"  # fleet-small: 60 VMs in eastus, 25 in rg-fa-001
VMS = "/subscriptions/{}/providers/Microsoft.Compute/virtualMachines".format(FLEET_A)


@pytest.fixture(scope="module")
def fleet():
    cloud = Cloud("fast")
    cloud.load_scenario("fleet-small")
    return cloud


def get(cloud, url):
    token, _ = cloud.identity.mint()
    return session(cloud).get(url if url.startswith("http") else BASE_URL + url,
                              headers={"Authorization": "Bearer " + token})


def test_page_sizes_are_those_azure_showed_for_1205_vms_in_six_regions():
    # azure-rest-api-specs#13843: about 1,200 VMs came in pages of these sizes; six regions of these sizes,
    # 50 VMs of each a page, give exactly that sequence
    sizes = {"r1": 49, "r2": 111, "r3": 150, "r4": 166, "r5": 231, "r6": 498}
    vms = [SimpleNamespace(location=r, n=i) for r, n in sizes.items() for i in range(n)]
    pages, token = [], None
    while True:
        page, token = paging.page_of(vms, token)
        pages.append(page)
        if token is None:
            break
    assert [len(p) for p in pages] == [299, 250, 211, 116, 81, 50, 50, 50, 50, 48]
    assert sorted((vm.location, vm.n) for p in pages for vm in p) == sorted((vm.location, vm.n) for vm in vms)


def test_status_only_list_pages_by_skiptoken_and_keeps_status_only(fleet):
    first = get(fleet, VMS + "?api-version=2024-11-01&statusOnly=true")
    assert first.status_code == 200
    body = first.json()
    assert len(body["value"]) == 50
    assert set(body["value"][0]["properties"]) == {"vmId", "instanceView"}
    link = urlparse(body["nextLink"])
    assert "&%24skiptoken=" in body["nextLink"] and link.path == VMS
    query = parse_qs(link.query)
    assert query["statusOnly"] == ["true"] and query["api-version"] == ["2024-11-01"]
    second = get(fleet, body["nextLink"]).json()
    assert len(second["value"]) == 10 and "nextLink" not in second
    ids = [vm["id"] for vm in body["value"] + second["value"]]
    assert len(set(ids)) == 60


def test_the_sdk_follows_the_pages_of_both_lists(fleet):
    cc = sdk_client(fleet, ComputeManagementClient, subscription_id=FLEET_A)
    assert len(list(cc.virtual_machines.list_all(status_only="true"))) == 60
    pages = list(cc.virtual_machines.list_all().by_page())
    assert [len(list(p)) for p in pages] == [50, 10]
    assert len(list(cc.virtual_machines.list("rg-fa-001"))) == 25


def test_a_token_the_fake_did_not_make_is_refused(fleet):
    for token in ("not-a-token", "WzFd"):  # not base64 JSON; base64 of [1]
        answer = get(fleet, VMS + "?api-version=2024-11-01&%24skiptoken=" + token)
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "InvalidParameter"
