from .responses import ResourcesResponse as R
from .tags import TagsResponse as T

SUB = "/subscriptions/{subscriptionId}"
RG = SUB + "/resourceGroups/{resourceGroupName}"

url_table = [
    ("GET", "/subscriptions", "Microsoft.Resources/subscriptions", R, "list_subscriptions"),
    ("GET", SUB, "Microsoft.Resources/subscriptions", R, "get_subscription"),
    ("GET", "/tenants", "Microsoft.Resources/tenants", R, "list_tenants"),
    ("GET", SUB + "/locations", "Microsoft.Resources/subscriptions", R, "list_locations"),
    ("GET", SUB + "/resourcegroups", "Microsoft.Resources/resourceGroups", R, "list_groups"),
    ("GET", RG, "Microsoft.Resources/resourceGroups", R, "get_group"),
    ("HEAD", RG, "Microsoft.Resources/resourceGroups", R, "head_group"),
    ("PUT", RG, "Microsoft.Resources/resourceGroups", R, "put_group"),
    ("PATCH", RG, "Microsoft.Resources/resourceGroups", R, "patch_group"),
    ("DELETE", RG, "Microsoft.Resources/resourceGroups", R, "delete_group"),
    ("GET", RG + "/resources", "Microsoft.Resources/resources", R, "list_group_resources"),
    ("GET", SUB + "/resources", "Microsoft.Resources/resources", R, "list_resources"),
    # resource providers (Providers_*): subscription and tenant scope
    ("GET", SUB + "/providers", "Microsoft.Resources/providers", R, "list_providers"),
    ("GET", SUB + "/providers/{resourceProviderNamespace}", "Microsoft.Resources/providers", R, "get_provider"),
    ("POST", SUB + "/providers/{resourceProviderNamespace}/register", "Microsoft.Resources/providers", R,
     "register_provider"),
    ("POST", SUB + "/providers/{resourceProviderNamespace}/unregister", "Microsoft.Resources/providers", R,
     "unregister_provider"),
    ("GET", "/providers", "Microsoft.Resources/providers", R, "list_tenant_providers"),
    ("GET", "/providers/{resourceProviderNamespace}", "Microsoft.Resources/providers", R, "get_tenant_provider"),
    ("GET", SUB + "/operationresults/{operationId}", "Microsoft.Resources/subscriptions/operationresults", R,
     "operation_result"),
]

# Resource-group actions of ARM (ResourceGroups_ExportTemplate, Resources_MoveResources; fakeazure/resources/moves.py)
url_table += [
    ("POST", RG + "/exportTemplate", "Microsoft.Resources/resourceGroups", R, "export_group_template"),
    ("POST", RG + "/moveResources", "Microsoft.Resources/resourceGroups", R, "move_resources"),
]

# Microsoft.Resources/deployments at resource-group and at subscription scope (fakeazure/resources/deployments.py;
# Deployments_* and Deployments_*AtSubscriptionScope in azure-rest-api-specs resources.json)
_DT = "Microsoft.Resources/deployments"
for _scope in (RG, SUB):
    _DEP = _scope + "/providers/Microsoft.Resources/deployments"
    url_table += [
        ("GET", _DEP, _DT, R, "list_deployments"),
        ("PUT", _DEP + "/{deploymentName}", _DT, R, "put_deployment"),
        ("GET", _DEP + "/{deploymentName}", _DT, R, "get_deployment"),
        ("HEAD", _DEP + "/{deploymentName}", _DT, R, "head_deployment"),
        ("DELETE", _DEP + "/{deploymentName}", _DT, R, "delete_deployment"),
        ("POST", _DEP + "/{deploymentName}/validate", _DT, R, "validate_deployment"),
        ("POST", _DEP + "/{deploymentName}/whatIf", _DT, R, "what_if_deployment"),
        ("POST", _DEP + "/{deploymentName}/cancel", _DT, R, "cancel_deployment"),
        ("GET", _DEP + "/{deploymentName}/operationStatuses/{operationId}", _DT, R, "deployment_operation_status"),
        ("POST", _DEP + "/{deploymentName}/exportTemplate", _DT, R, "export_deployment_template"),
    ]
# deployment operations: a group's have no /providers/Microsoft.Resources segment, a subscription's have it
# (DeploymentOperations_List, DeploymentOperations_ListAtSubscriptionScope)
for _ops in (RG + "/deployments/{deploymentName}/operations",
             SUB + "/providers/Microsoft.Resources/deployments/{deploymentName}/operations"):
    url_table += [
        ("GET", _ops, _DT + "/operations", R, "list_deployment_operations"),
        ("GET", _ops + "/{operationId}", _DT + "/operations", R, "get_deployment_operation"),
    ]

# Microsoft.Resources/tags/default at every scope (fakeazure/resources/tags.py): subscription, group, resource
# (also with the empty parent path some clients send), child resource.
_TAG_SCOPES = [SUB, RG, RG + "/providers/{ns}/{type}/{name}", RG + "/providers/{ns}//{type}/{name}",
               RG + "/providers/{ns}/{ptype}/{pname}/{type}/{name}"]
for _scope in _TAG_SCOPES:
    for _method, _handler in (("GET", "get_tags"), ("PUT", "put_tags"), ("PATCH", "patch_tags"),
                              ("DELETE", "delete_tags")):
        url_table.append((_method, _scope + "/providers/Microsoft.Resources/tags/default", "Microsoft.Resources/tags",
                          T, _handler))
