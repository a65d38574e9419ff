"""SDK clients, always the ones azure-cli bundles (its versions win on sys.path)."""


def cf_compute(cli_ctx, *_, **kwargs):
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.cli.core.profiles import ResourceType
    return get_mgmt_service_client(cli_ctx, ResourceType.MGMT_COMPUTE, **kwargs)


def cf_resources(cli_ctx, *_, **kwargs):
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.cli.core.profiles import ResourceType
    return get_mgmt_service_client(cli_ctx, ResourceType.MGMT_RESOURCE_RESOURCES, **kwargs)


def cf_resource_graph(cli_ctx, *_, **kwargs):
    """Azure Resource Graph (``azure-mgmt-resourcegraph``, the extension's own dependency: azure-cli does not
    bundle it). Not bound to a subscription: the query names its scopes."""
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.mgmt.resourcegraph import ResourceGraphClient
    return get_mgmt_service_client(cli_ctx, ResourceGraphClient, subscription_bound=False, **kwargs)


def cf_compute_in(cli_ctx, subscription_id, **kwargs):
    """A compute client for any subscription the login can reach: the profile's own credential for it when
    `az account list` knows it, else the current login's credential (same tenant), as Resource Graph
    returns subscriptions the profile may not have cached."""
    from azure.cli.core._profile import Profile
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.cli.core.profiles import ResourceType
    profile = Profile(cli_ctx=cli_ctx)
    known = {s["id"].lower() for s in profile.load_cached_subscriptions() or []}
    if subscription_id.lower() in known:
        return cf_compute(cli_ctx, subscription_id=subscription_id, **kwargs)
    credential, _, _ = profile.get_login_credentials()
    return get_mgmt_service_client(cli_ctx, ResourceType.MGMT_COMPUTE, credential=credential,
                                   subscription_id=subscription_id, **kwargs)


def cf_authorization(cli_ctx, subscription_id=None, **kwargs):
    """``Microsoft.Authorization`` (the caller's permissions) for ``subscription_id`` (default: the current one)."""
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.cli.core.profiles import ResourceType
    return get_mgmt_service_client(cli_ctx, ResourceType.MGMT_AUTHORIZATION, subscription_id=subscription_id,
                                   **kwargs)


def cf_locks(cli_ctx, *_, **kwargs):
    """Management locks (``azure.mgmt.resource.locks``, api 2016-09-01 in azure-cli's profile)."""
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.cli.core.profiles import ResourceType
    return get_mgmt_service_client(cli_ctx, ResourceType.MGMT_RESOURCE_LOCKS, **kwargs)


def cf_policy_insights(cli_ctx, *_, **kwargs):
    """Azure Policy Insights (``checkPolicyRestrictions``, api 2022-03-01)."""
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.mgmt.policyinsights import PolicyInsightsClient
    return get_mgmt_service_client(cli_ctx, PolicyInsightsClient, **kwargs)


def cf_marketplace_ordering(cli_ctx, *_, **kwargs):
    """Marketplace terms agreements (``azure-mgmt-marketplaceordering``, api 2021-01-01), as ``az vm image terms``
    uses them."""
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.mgmt.marketplaceordering import MarketplaceOrderingAgreements
    return get_mgmt_service_client(cli_ctx, MarketplaceOrderingAgreements, **kwargs)
