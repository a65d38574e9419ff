"""ARM's x-ms-ratelimit-remaining-* headers where the recordings show them: the subscription's writes and deletes on
every provider's writes and deletes (azure-cli recordings of 2023), global reads on reads (fidelity, 2025-2026),
Compute's own bucket on Compute's answers, nothing on the gateway's own errors."""
import os

import pytest
import yaml

from computekit import RG, raw  # noqa: F401
from computekit import cc, cloud  # noqa: F401
from test_lro_compute import TRAFFIC, hdrs

NET = "2024-05-01"


def ratelimit_names(headers):
    return {k for k in hdrs(headers) if k.startswith("x-ms-ratelimit")}


def recorded_names(cassette, index):
    with open(os.path.join(TRAFFIC, cassette), encoding="utf-8") as fh:
        it = yaml.safe_load(fh)["interactions"][index]
    return {k.lower() for k in it["response"]["headers"] if k.lower().startswith("x-ms-ratelimit")}


@pytest.mark.parametrize("cassette,index,method,path,body,api", [
    # a resource group PUT (test_resource_group#13), an NSG PUT (test_resource_move#1), a lock PUT and DELETE
    ("resource/test_resource_group.yaml", 13, "PUT", "/resourcegroups/rg2", {"location": "westus"}, "2022-09-01"),
    ("resource/test_resource_move.yaml", 1, "PUT", "/resourceGroups/rg/providers/Microsoft.Network/"
     "networkSecurityGroups/nsg1", {"location": "eastus"}, NET),
])
def test_writes_carry_the_subscription_headers_recorded(cloud, cassette, index, method, path, body, api):
    want = recorded_names(cassette, index)
    assert want  # the recording has them
    r = raw(cloud, method, "/subscriptions/{}{}".format(cloud.default_subscription, path), body, api=api)
    assert r.status_code in (200, 201), r.text
    assert want <= ratelimit_names(r.headers)


def test_deletes_reads_and_compute(cloud, cc):
    nsg = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkSecurityGroups/n1".format(
        cloud.default_subscription, RG)
    raw(cloud, "PUT", nsg, {"location": "eastus"}, api=NET)
    got = raw(cloud, "GET", nsg, api=NET)
    assert ratelimit_names(got.headers) == {"x-ms-ratelimit-remaining-subscription-global-reads"}  # fidelity 2026
    deleted = raw(cloud, "DELETE", nsg, api=NET)
    assert {"x-ms-ratelimit-remaining-subscription-deletes"} <= ratelimit_names(deleted.headers)
    disk = cc.disks.begin_create_or_update(RG, "d1", {"location": "eastus", "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 1}}).result()
    assert {"x-ms-ratelimit-remaining-resource", "x-ms-ratelimit-remaining-subscription-global-reads"} <= \
        ratelimit_names(raw(cloud, "GET", disk.id, api="2022-07-02").headers)


def test_the_gateways_errors_carry_none(cloud):
    """A missing snapshot: Azure's gateway 404 had no x-ms-ratelimit header (15 in the recordings)."""
    r = raw(cloud, "GET", "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/snapshots/nope".format(
        cloud.default_subscription, RG), api="2022-03-02")
    assert r.status_code == 404 and r.headers["x-ms-failure-cause"] == "gateway"
    assert ratelimit_names(r.headers) == set()
