from .responses import ResourcesResponse as R

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
    ("GET", SUB + "/providers/Microsoft.Resources/locations/{location}/operationresults/{operationId}",
     "Microsoft.Resources/resourceGroups", R, "operation_result"),
]
