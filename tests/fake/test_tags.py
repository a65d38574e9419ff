"""Microsoft.Resources/tags/default at group and resource scope, through ResourceManagementClient (what
``az tag`` uses) and plain HTTP; Azure's limits and their error codes."""
import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.resource import ResourceManagementClient
from azure.mgmt.resource.resources.models import Tags, TagsPatchResource, TagsResource
from hypothesis import given, settings, strategies as st

from fakeazure.cloud import Cloud
from fakeazure.inprocess import BASE_URL, sdk_client, session
from fakeazure.network.scenario import ensure_vm_network
from fakeazure.resources.tags import merge, remove


@pytest.fixture
def cloud():
    c = Cloud(profile="fast")
    c.resources.create_or_update_group(c.default_subscription, "rg", "westus", tags={"env": "prod"})
    return c


@pytest.fixture
def tags(cloud):
    return sdk_client(cloud, ResourceManagementClient).tags


def rg_id(cloud):
    return "/subscriptions/{}/resourceGroups/rg".format(cloud.default_subscription)


def nic(cloud):
    nic_id = rg_id(cloud) + "/providers/Microsoft.Network/networkInterfaces/vm1VMNic"
    return ensure_vm_network(cloud, cloud.default_subscription, "rg", "westus", "vm1", nic_id)


def put(tags, scope, values):
    return tags.begin_create_or_update_at_scope(scope, TagsResource(properties=Tags(tags=values))).result()


def patch(tags, scope, operation, values):
    return tags.begin_update_at_scope(scope, TagsPatchResource(operation=operation,
                                                               properties=Tags(tags=values))).result()


def test_group_tags_get_replace_merge_delete(cloud, tags):
    scope = rg_id(cloud)
    got = tags.get_at_scope(scope)
    assert (got.id, got.name, got.type) == (scope + "/providers/Microsoft.Resources/tags/default", "default",
                                           "Microsoft.Resources/tags")
    assert got.properties.tags == {"env": "prod"}
    assert put(tags, scope, {"owner": "ops"}).properties.tags == {"owner": "ops"}
    assert patch(tags, scope, "Merge", {"Owner": "sre", "team": "a"}).properties.tags == {"owner": "sre", "team": "a"}
    assert patch(tags, scope, "Delete", {"team": "b"}).properties.tags == {"owner": "sre", "team": "a"}
    assert patch(tags, scope, "Delete", {"team": "a"}).properties.tags == {"owner": "sre"}
    assert patch(tags, scope, "Replace", {"x": "1"}).properties.tags == {"x": "1"}
    # the group itself shows the same tags
    assert cloud.resources.get_group(cloud.default_subscription, "rg").tags == {"x": "1"}
    tags.begin_delete_at_scope(scope).result()
    assert tags.get_at_scope(scope).properties.tags == {}


def test_resource_tags_live_on_the_resource(cloud, tags):
    n = nic(cloud)
    put(tags, n.id, {"role": "rescue"})
    assert n.tags == {"role": "rescue"}
    token, _ = cloud.identity.mint()
    body = session(cloud).get(BASE_URL + n.id, params={"api-version": "2024-07-01"},
                              headers={"Authorization": "Bearer " + token}).json()
    assert body["tags"] == {"role": "rescue"}


@pytest.mark.parametrize("values,code,fragment", [
    ({"t{}".format(i): "v" for i in range(51)}, "InvalidTags",
     "Too many tags specified. Requested tag count - '51'. Maximum number of tags allowed - '50'."),
    ({"n" * 513: "v"}, "InvalidTagName", "Maximum allowed length for tag name - '512' characters."),
    ({"name": "v" * 257}, "InvalidTagValueLength", "Maximum allowed length for tag value - '256' characters."),
    ({"a/b": "v"}, "InvalidTagNameCharacters",
     "The tag names 'a/b' have reserved characters '<,>,%,&,\\,?,/' or control characters."),
    ({" ": "v"}, "InvalidTagName", "The tag name must be non-null, non-empty and non-whitespace only."),
])
def test_limits(cloud, tags, values, code, fragment):
    with pytest.raises(HttpResponseError) as exc:
        put(tags, rg_id(cloud), values)
    assert (exc.value.status_code, exc.value.error.code) == (400, code)
    assert fragment in exc.value.error.message
    assert cloud.resources.get_group(cloud.default_subscription, "rg").tags == {"env": "prod"}


def test_limits_apply_to_the_merged_result(cloud, tags):
    put(tags, rg_id(cloud), {"t{}".format(i): "v" for i in range(50)})
    with pytest.raises(HttpResponseError) as exc:
        patch(tags, rg_id(cloud), "Merge", {"one-more": "v"})
    assert exc.value.error.code == "InvalidTags"
    assert patch(tags, rg_id(cloud), "Merge", {"T1": "changed"}).properties.tags["t1"] == "changed"


def test_edges_at_the_limits_are_accepted(cloud, tags):
    values = {"n" * 512: "v" * 256}
    values.update({"t{}".format(i): "" for i in range(49)})
    assert len(put(tags, rg_id(cloud), values).properties.tags) == 50


def test_missing_scope_and_bad_operation(cloud, tags):
    with pytest.raises(ResourceNotFoundError) as exc:
        tags.get_at_scope(rg_id(cloud) + "/providers/Microsoft.Compute/virtualMachines/nope")
    assert exc.value.error.code == "ResourceNotFound"
    with pytest.raises(ResourceNotFoundError) as exc:
        tags.get_at_scope("/subscriptions/{}/resourceGroups/nogroup".format(cloud.default_subscription))
    assert exc.value.error.code == "ResourceGroupNotFound"
    token, _ = cloud.identity.mint()
    r = session(cloud).patch(BASE_URL + rg_id(cloud) + "/providers/Microsoft.Resources/tags/default",
                             params={"api-version": "2024-11-01"}, headers={"Authorization": "Bearer " + token},
                             json={"operation": "Append", "properties": {"tags": {"a": "b"}}})
    assert r.status_code == 400


def test_subscription_scope(cloud, tags):
    scope = "/subscriptions/" + cloud.default_subscription
    assert put(tags, scope, {"costcenter": "1"}).properties.tags == {"costcenter": "1"}
    assert tags.get_at_scope(scope).properties.tags == {"costcenter": "1"}


_names = st.text(alphabet=st.characters(blacklist_characters="<>%&\\?/", min_codepoint=32, max_codepoint=126),
                 min_size=1, max_size=8).filter(lambda s: s.strip())
_tagsets = st.dictionaries(_names, st.text(max_size=6), max_size=8).filter(
    lambda d: len({k.lower() for k in d}) == len(d))  # one request never names a tag twice


@pytest.mark.property
@settings(max_examples=40, deadline=None)
@given(_tagsets, _tagsets)
def test_merge_then_delete_round_trips(first, second):
    merged = merge(first, second)
    assert {k.lower() for k in merged} == {k.lower() for k in first} | {k.lower() for k in second}
    for name, value in second.items():
        assert any(k.lower() == name.lower() and v == value for k, v in merged.items())
    left = remove(merged, {k: "" for k in second})
    assert {k.lower() for k in left} == {k.lower() for k in first} - {k.lower() for k in second}
