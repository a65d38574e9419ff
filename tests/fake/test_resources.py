"""Resource groups: CRUD, HEAD, and the delete long-running operation as ARM answers it."""
import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.resource import ResourceManagementClient

from fakeazure.cloud import Cloud
from fakeazure.core.app import FakeAzureApp
from fakeazure.inprocess import sdk_client
from werkzeug.test import Client


@pytest.fixture()
def cloud():
    return Cloud(profile="fast")


def _bearer(cloud):
    return {"Authorization": "Bearer " + cloud.identity.mint()[0]}


def test_group_create_show_exists_and_delete_through_the_sdk(cloud):
    client = sdk_client(cloud, ResourceManagementClient)
    made = client.resource_groups.create_or_update("rg1", {"location": "West Europe", "tags": {"a": "b"}})
    assert made.location == "westeurope" and made.tags == {"a": "b"}
    assert client.resource_groups.check_existence("rg1") is True
    client.resource_groups.begin_delete("rg1").result()
    assert client.resource_groups.check_existence("rg1") is False
    with pytest.raises(ResourceNotFoundError, match="ResourceGroupNotFound"):
        client.resource_groups.get("rg1")


def test_group_delete_answers_202_with_location_only_and_polls_on_operationresults(cloud):
    cloud.resources.create_or_update_group(cloud.default_subscription, "rg2", "eastus")
    cloud.operations.duration = 30  # keep it running on the virtual clock
    http = Client(FakeAzureApp(cloud))
    sub = cloud.default_subscription
    resp = http.delete("/subscriptions/{}/resourcegroups/rg2?api-version=2024-11-01".format(sub),
                       headers=_bearer(cloud))
    assert resp.status_code == 202 and resp.data == b""
    assert "Azure-AsyncOperation" not in resp.headers
    location = resp.headers["Location"]
    assert "/subscriptions/{}/operationresults/".format(sub) in location
    assert resp.headers["Retry-After"].isdigit()
    path = location.split("://", 1)[1].split("/", 1)[1]
    poll = http.get("/" + path, headers=_bearer(cloud))
    assert poll.status_code == 202
    cloud.clock.advance(31)
    done = http.get("/" + path, headers=_bearer(cloud))
    assert done.status_code == 200
    assert not cloud.resources.group_exists(sub, "rg2")


def test_create_in_another_location_is_refused(cloud):
    cloud.resources.create_or_update_group(cloud.default_subscription, "rg3", "eastus")
    client = sdk_client(cloud, ResourceManagementClient)
    with pytest.raises(Exception, match="InvalidResourceGroupLocation"):
        client.resource_groups.create_or_update("rg3", {"location": "westus"})


def test_a_group_put_with_empty_tags_echoes_them_one_without_tags_has_none(cloud):
    """Azure answers "tags": {} to a PUT that sent them empty (azure-cli test_resource_group #13, #14) and leaves
    tags out of a group made without them."""
    http = Client(FakeAzureApp(cloud))
    url = "/subscriptions/{}/resourcegroups/{{}}?api-version=2022-09-01".format(cloud.default_subscription)
    made = http.put(url.format("rg-empty"), json={"location": "eastus", "tags": {}}, headers=_bearer(cloud))
    assert made.json["tags"] == {}
    assert http.get(url.format("rg-empty"), headers=_bearer(cloud)).json["tags"] == {}
    bare = http.put(url.format("rg-bare"), json={"location": "eastus"}, headers=_bearer(cloud))
    assert "tags" not in bare.json
