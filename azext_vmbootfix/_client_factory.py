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
