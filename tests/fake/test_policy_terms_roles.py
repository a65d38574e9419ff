"""The fake's Azure Policy (policyinsights), marketplace terms (marketplaceordering), role model and size
restrictions, in-process through the SDK clients azure-cli bundles and plain HTTP where the status matters."""
import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.marketplaceordering import MarketplaceOrderingAgreements
from azure.mgmt.marketplaceordering.models import AgreementTerms
from azure.mgmt.policyinsights import PolicyInsightsClient
from azure.mgmt.policyinsights.models import CheckRestrictionsRequest, CheckRestrictionsResourceDetails

from fakeazure.cloud import Cloud
from fakeazure.inprocess import BASE_URL, sdk_client, session

ALLOWED_LOCATIONS = {"if": {"not": {"field": "location", "in": "[parameters('listOfAllowedLocations')]"}},
                     "then": {"effect": "deny"}}  # the built-in "Allowed locations" rule (Learn)
REQUIRE_TAG = {"if": {"field": "[concat('tags[', parameters('tagName'), ']')]", "exists": "false"},
               "then": {"effect": "deny"}}       # the built-in "Require a tag on resources" rule (Learn)


@pytest.fixture
def cloud():
    c = Cloud(profile="fast")
    c.load_scenario("oobe-stuck")
    return c


def group(cloud):
    return "/subscriptions/{}/resourceGroups/rg-oobe".format(cloud.default_subscription)


def check(cloud, content, api_version="2022-03-01"):
    client = sdk_client(cloud, PolicyInsightsClient)
    return client.policy_restrictions.check_at_resource_group_scope("rg-oobe", CheckRestrictionsRequest(
        resource_details=CheckRestrictionsResourceDetails(resource_content=content, api_version=api_version)))


# -- Azure Policy ---------------------------------------------------------------------------------------------
def test_check_policy_restrictions_names_the_deny_assignments_the_content_meets(cloud):
    cloud.policyinsights.assign(group(cloud), "allowed-locations", ALLOWED_LOCATIONS,
                                {"listOfAllowedLocations": ["westeurope"]})
    cloud.policyinsights.assign(group(cloud), "require-owner", REQUIRE_TAG, {"tagName": "owner"})
    result = check(cloud, {"type": "Microsoft.Compute/snapshots", "name": "s1", "location": "eastus",
                           "tags": {"Owner": "ops"}})
    evaluations = result.content_evaluation_result.policy_evaluations
    assert [e.policy_info.policy_assignment_id.rsplit("/", 1)[-1] for e in evaluations] == ["allowed-locations"]
    assert evaluations[0].evaluation_result == "NonCompliant" and result.field_restrictions == []
    untagged = check(cloud, {"type": "Microsoft.Compute/snapshots", "name": "s1", "location": "westeurope"})
    assert [e.policy_info.policy_assignment_id.rsplit("/", 1)[-1]
            for e in untagged.content_evaluation_result.policy_evaluations] == ["require-owner"]


def test_a_deny_assignment_refuses_the_put_it_covers_and_nothing_else(cloud):
    compute = sdk_client(cloud, ComputeManagementClient)
    cloud.policyinsights.assign(group(cloud), "no-snapshots", {
        "if": {"field": "type", "equals": "Microsoft.Compute/snapshots"}, "then": {"effect": "Deny"}})
    disk = compute.virtual_machines.get("rg-oobe", "web01").storage_profile.os_disk.managed_disk.id
    with pytest.raises(HttpResponseError) as exc:
        compute.snapshots.begin_create_or_update("rg-oobe", "s2", {
            "location": "eastus", "creationData": {"createOption": "Copy", "sourceResourceId": disk}}).result()
    assert exc.value.status_code == 403 and exc.value.error.code == "RequestDisallowedByPolicy"
    assert exc.value.error.message.startswith("Resource 's2' was disallowed by policy. Policy identifiers: "
                                              "'[{\"policyAssignment\":{\"name\":\"no-snapshots\",\"id\":")
    assert compute.disks.get("rg-oobe", disk.rsplit("/", 1)[-1]).name  # reads and other types pass
    with pytest.raises(ResourceNotFoundError):
        compute.snapshots.get("rg-oobe", "s2")


def test_audit_and_disabled_effects_refuse_nothing(cloud):
    for effect in ("Audit", "Disabled"):
        cloud.policyinsights.assign(group(cloud), effect, {
            "if": {"field": "type", "equals": "Microsoft.Compute/snapshots"}, "then": {"effect": effect}})
    assert check(cloud, {"type": "Microsoft.Compute/snapshots", "name": "s", "location": "eastus"}) \
        .content_evaluation_result.policy_evaluations == []


def test_aliases_read_the_content_where_azure_keeps_them(cloud):
    cloud.policyinsights.assign(group(cloud), "no-premium", {"if": {"allOf": [
        {"field": "type", "equals": "Microsoft.Compute/disks"},
        {"field": "Microsoft.Compute/disks/Sku.Name", "like": "Premium*"}]}, "then": {"effect": "deny"}})
    premium = {"type": "Microsoft.Compute/disks", "name": "d", "location": "eastus", "sku": {"name": "Premium_LRS"}}
    standard = dict(premium, sku={"name": "StandardSSD_LRS"})
    assert len(check(cloud, premium).content_evaluation_result.policy_evaluations) == 1
    assert check(cloud, standard).content_evaluation_result.policy_evaluations == []


def test_a_rule_the_fake_cannot_evaluate_is_refused_when_assigned(cloud):
    with pytest.raises(ValueError, match="alias 'Microsoft.Compute/virtualMachines/nope'"):
        cloud.policyinsights.assign(group(cloud), "x", {"if": {"field": "Microsoft.Compute/virtualMachines/nope",
                                                               "equals": "1"}, "then": {"effect": "deny"}})
    with pytest.raises(ValueError, match="effects Deny, Audit and Disabled"):
        cloud.policyinsights.assign(group(cloud), "x", {"if": {"field": "type", "equals": "a"},
                                                        "then": {"effect": "modify"}})


def test_a_condition_without_field_or_with_an_operator_not_modelled_is_refused_when_assigned(cloud):
    for leaf, words in (({"field": "type", "greater": "a"}, "no supported operator"),
                        ({"field": "type", "equals": "a", "like": "b"}, "no supported operator"),
                        ({"value": "[parameters('x')]", "equals": "a"}, "needs 'field'")):
        with pytest.raises(ValueError, match=words):
            cloud.policyinsights.assign(group(cloud), "x", {"if": {"allOf": [{"not": leaf}]},
                                                            "then": {"effect": "deny"}})


def test_check_policy_restrictions_needs_resource_content(cloud):
    token, _ = cloud.identity.mint()
    r = session(cloud).post(BASE_URL + group(cloud) + "/providers/Microsoft.PolicyInsights/checkPolicyRestrictions",
                            params={"api-version": "2022-03-01"}, json={"resourceDetails": {}},
                            headers={"Authorization": "Bearer " + token})
    assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidCheckRestrictionsRequest"


# -- marketplace terms ------------------------------------------------------------------------------------------
def test_terms_are_not_accepted_until_accepted_then_the_agreement_exists(cloud):
    terms = sdk_client(cloud, MarketplaceOrderingAgreements).marketplace_agreements
    args = dict(offer_type="virtualmachine", publisher_id="bitnami", offer_id="rabbitmq", plan_id="rabbitmq")
    got = terms.get(**args)
    assert got.accepted is False and got.type == "Microsoft.MarketplaceOrdering/offertypes" and got.plan == "rabbitmq"
    assert got.id.endswith("/offerTypes/VirtualMachine/publishers/bitnami/offers/rabbitmq/plans/rabbitmq/"
                           "agreements/current")
    with pytest.raises(ResourceNotFoundError, match="Agreement has never been signed for this offer"):
        terms.get_agreement("bitnami", "rabbitmq", "rabbitmq")
    got.accepted = True
    assert terms.create(parameters=AgreementTerms(**{k: getattr(got, k) for k in (
        "publisher", "product", "plan", "license_text_link", "privacy_policy_link", "retrieve_datetime", "signature",
        "accepted")}), **args).accepted is True
    assert terms.get(**args).accepted is True
    assert terms.get_agreement("bitnami", "rabbitmq", "rabbitmq").name == "rabbitmq"
    terms.cancel("bitnami", "rabbitmq", "rabbitmq")
    assert terms.get(**args).accepted is False


def test_terms_of_an_offer_the_marketplace_lacks_are_not_found(cloud):
    terms = sdk_client(cloud, MarketplaceOrderingAgreements).marketplace_agreements
    with pytest.raises(HttpResponseError, match="The offer with Offer ID 'nope' was not found"):
        terms.get(offer_type="virtualmachine", publisher_id="bitnami", offer_id="nope", plan_id="x")


# -- roles ----------------------------------------------------------------------------------------------------------
def test_a_reader_may_read_and_list_its_permissions_but_not_write(cloud):
    cloud.authorization.assign_role(group(cloud), "Reader")
    compute = sdk_client(cloud, ComputeManagementClient)
    assert compute.virtual_machines.get("rg-oobe", "web01").name == "web01"
    perms = list(sdk_client(cloud, AuthorizationManagementClient).permissions.list_for_resource_group("rg-oobe"))
    assert [p.actions for p in perms] == [["*/read"]]
    with pytest.raises(HttpResponseError) as exc:
        compute.virtual_machines.begin_deallocate("rg-oobe", "web01").result()
    assert exc.value.status_code == 403 and exc.value.error.code == "AuthorizationFailed"
    assert "'Microsoft.Compute/virtualMachines/deallocate/action'" in exc.value.error.message


def test_permissions_at_a_gallery_image_version_include_what_is_granted_above():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("oobe-stuck-trusted-launch")
    cloud.authorization.assign_role("/subscriptions/{}/resourceGroups/rg-oobe-tl".format(cloud.default_subscription),
                                    "Contributor")
    client = sdk_client(cloud, AuthorizationManagementClient)
    perms = list(client.permissions.list_for_resource("rg-oobe-tl", "Microsoft.Compute", "galleries/galOobe/images/"
                                                      "web02-def", "versions", "1.0.0"))
    assert perms[0].actions == ["*"] and "Microsoft.Authorization/*/Write" in perms[0].not_actions
    with pytest.raises(ResourceNotFoundError):  # a scope that does not exist
        list(client.permissions.list_for_resource("rg-oobe-tl", "Microsoft.Compute", "galleries/galOobe/images/"
                                                  "web02-def", "versions", "9.9.9"))


# -- size restrictions -------------------------------------------------------------------------------------------------
def test_a_zone_restriction_shows_in_the_sku_list_and_refuses_a_create_in_that_zone(cloud):
    cloud.compute.sku_restrictions.add(cloud.default_subscription, "Standard_D2s_v5", "eastus", ["2"])
    compute = sdk_client(cloud, ComputeManagementClient)
    sku = next(s for s in compute.resource_skus.list(filter="location eq 'eastus'") if s.name == "Standard_D2s_v5")
    assert [(r.type, r.restriction_info.zones, r.reason_code) for r in sku.restrictions] == [
        ("Zone", ["2"], "NotAvailableForSubscription")]
    body = {"location": "eastus", "zones": ["2"], "properties": {
        "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
        "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                                              "sku": "2022-datacenter-g2", "version": "latest"}},
        "osProfile": {"computerName": "z", "adminUsername": "azureadmin", "adminPassword": "Fake-Passw0rd-1!"},
        "networkProfile": {"networkInterfaces": []}}}
    with pytest.raises(HttpResponseError) as exc:
        compute.virtual_machines.begin_create_or_update("rg-oobe", "z2", body).result()
    assert exc.value.error.code == "SkuNotAvailable" and "zones '2'" in exc.value.error.message


def test_a_role_on_the_group_alone_is_enough_to_create_and_poll(cloud):
    """The status URLs of long-running operations sit at subscription scope; their caller polls them anyway."""
    cloud.authorization.assign_role(group(cloud), "Contributor")
    compute = sdk_client(cloud, ComputeManagementClient)
    disk = compute.virtual_machines.get("rg-oobe", "web01").storage_profile.os_disk.managed_disk.id
    snap = compute.snapshots.begin_create_or_update("rg-oobe", "s3", {
        "location": "eastus", "creationData": {"createOption": "Copy", "sourceResourceId": disk}}).result()
    assert snap.provisioning_state == "Succeeded"
    with pytest.raises(HttpResponseError) as exc:  # but a subscription-wide read is not the group's
        list(compute.resource_skus.list())
    assert exc.value.status_code == 403 and "'Microsoft.Compute/skus/read'" in exc.value.error.message
