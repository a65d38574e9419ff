"""The fake's Resource Graph through the SDK client (in-process): paging, quota, scopes, errors."""
import pytest
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.transport import RequestsTransport
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

from fakeazure.cloud import Cloud
from fakeazure.inprocess import BASE_URL, FakeCredential, session

A = "6d3c1b52-8f4e-4a7e-9c1d-2b5f0e8a7c31"
NO_ACCESS = "9c4d2e1f-7b3a-4c5d-a6e8-1f2b3c4d5e6f"
VMS = "resources | where type =~ 'microsoft.compute/virtualmachines' | project id, name | order by id asc"


@pytest.fixture()
def graph():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("fleet-small")
    headers = []
    client = ResourceGraphClient(FakeCredential(cloud), base_url=BASE_URL, retry_status=0,
                                 transport=RequestsTransport(session=session(cloud), session_owner=False))

    def ask(query=VMS, subscriptions=None, **options):
        return client.resources(QueryRequest(query=query, subscriptions=subscriptions,
                                             options=QueryRequestOptions(**options)),
                                cls=lambda resp, body, hdrs: (body, resp.http_response.headers))
    ask.cloud = cloud
    ask.headers = headers
    return ask


def test_pages_by_skip_token_until_none(graph):
    ids, token, pages = [], None, 0
    while True:
        body, _ = graph(subscriptions=[A], top=25, skip_token=token)
        pages += 1
        ids += [row["id"] for row in body.data]
        assert body.total_records == 60 and body.result_truncated == "false"
        token = body.skip_token
        if not token:
            break
    assert pages == 3 and len(ids) == len(set(ids)) == 60 and ids == sorted(ids)


def test_a_limited_or_all_dynamic_query_is_truncated_without_a_token(graph):
    body, _ = graph(query=VMS + " | take 70", top=10)
    assert body.result_truncated == "true" and body.skip_token is None and body.count == 10
    body, _ = graph(query="resources | where type =~ 'microsoft.compute/virtualmachines' | project properties",
                    top=10)
    assert body.result_truncated == "true" and body.skip_token is None


def test_quota_headers_and_429_past_fifteen_queries(graph):
    seen = []
    for _ in range(15):
        _, headers = graph(top=1)
        seen.append(int(headers["x-ms-user-quota-remaining"]))
    assert seen == list(range(14, -1, -1))
    assert headers["x-ms-user-quota-resets-after"] == "00:00:05"  # the fake's clock did not move
    with pytest.raises(HttpResponseError) as info:
        graph(top=1)
    assert info.value.status_code == 429 and info.value.error.code == "RateLimiting"
    assert info.value.response.headers["x-ms-user-quota-remaining"] == "0"
    graph.cloud.clock.advance(5)
    body, headers = graph(top=1)
    assert headers["x-ms-user-quota-remaining"] == "14"


def test_a_subscription_the_caller_cannot_read_is_access_denied_or_left_out(graph):
    with pytest.raises(HttpResponseError) as info:
        graph(subscriptions=[A, NO_ACCESS])
    assert info.value.status_code == 403 and info.value.error.code == "AccessDenied"
    body, _ = graph(query="resources | summarize n = count() by subscriptionId | order by subscriptionId asc")
    assert NO_ACCESS not in [row["subscriptionId"] for row in body.data] and len(body.data) == 2


def test_a_query_the_grammar_rejects_is_a_400_with_the_parser_reason(graph):
    with pytest.raises(HttpResponseError) as info:
        graph(query="resources | where type ==")
    assert info.value.status_code == 400
    codes = [d.code for d in info.value.error.details]
    assert codes == ["InvalidQuery", "ParserFailure"]


def test_fleet_vms_are_made_lazily(graph):
    vm = next(iter(graph.cloud.compute.vms.values()))
    assert not vm._made and vm.os_disk["id"].lower() not in graph.cloud.compute.disks
    body, _ = graph(query="resources | where type =~ 'microsoft.compute/virtualmachines' and name == '{}' "
                          "| project id, osName = tostring(properties.extended.instanceView.osName)".format(vm.name))
    assert body.count == 1 and not vm._made  # Resource Graph needs no disk or guest
    assert vm.instance_view()["vmAgent"] and vm._made
