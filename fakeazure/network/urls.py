from ..core.routing import resource_routes
from . import responses as r

SUB = "/subscriptions/{subscriptionId}"
P = SUB + "/resourceGroups/{resourceGroupName}/providers/Microsoft.Network"
SP = SUB + "/providers/Microsoft.Network"
LOC = SP + "/locations/{location}"
VNETP = P + "/virtualNetworks/{vnetName}"
NICP = P + "/networkInterfaces/{nicName}"
NSGP = P + "/networkSecurityGroups/{nsgName}"
NS = "Microsoft.Network"
O = r.OperationResponse

url_table = (
    resource_routes(P + "/virtualNetworks", VNETP, "Microsoft.Network/virtualNetworks", r.VirtualNetworkResponse,
                    subscription_collection=SP + "/virtualNetworks")
    + resource_routes(VNETP + "/subnets", VNETP + "/subnets/{subnetName}", "Microsoft.Network/virtualNetworks/subnets",
                      r.SubnetResponse)
    + resource_routes(P + "/networkInterfaces", P + "/networkInterfaces/{nicName}",
                      "Microsoft.Network/networkInterfaces", r.NetworkInterfaceResponse,
                      subscription_collection=SP + "/networkInterfaces")
    + resource_routes(P + "/publicIPAddresses", P + "/publicIPAddresses/{publicIpName}",
                      "Microsoft.Network/publicIPAddresses", r.PublicIPResponse,
                      subscription_collection=SP + "/publicIPAddresses")
    + resource_routes(P + "/networkSecurityGroups", P + "/networkSecurityGroups/{nsgName}",
                      "Microsoft.Network/networkSecurityGroups", r.SecurityGroupResponse,
                      subscription_collection=SP + "/networkSecurityGroups")
    # the other operations of these types (:mod:`fakeazure.network.models.operations`)
    + [("PATCH", P + "/" + t + "/{" + n + "}", NS + "/" + t, cls, "update_tags") for t, n, cls in (
        ("virtualNetworks", "vnetName", r.VirtualNetworkResponse),
        ("networkInterfaces", "nicName", r.NetworkInterfaceResponse),
        ("publicIPAddresses", "publicIpName", r.PublicIPResponse),
        ("networkSecurityGroups", "nsgName", r.SecurityGroupResponse))]
    + resource_routes(NSGP + "/securityRules", NSGP + "/securityRules/{securityRuleName}",
                      NS + "/networkSecurityGroups/securityRules", r.SecurityRuleResponse)
    + [("GET", NSGP + "/defaultSecurityRules", NS + "/networkSecurityGroups/defaultSecurityRules",
        r.SecurityRuleResponse, "list_default"),
       ("GET", NSGP + "/defaultSecurityRules/{defaultSecurityRuleName}",
        NS + "/networkSecurityGroups/defaultSecurityRules", r.SecurityRuleResponse, "get_default"),
       ("POST", NICP + "/effectiveRouteTable", NS + "/networkInterfaces", r.NetworkInterfaceResponse,
        "effective_route_table"),
       ("POST", NICP + "/effectiveNetworkSecurityGroups", NS + "/networkInterfaces", r.NetworkInterfaceResponse,
        "effective_security_groups"),
       ("GET", VNETP + "/CheckIPAddressAvailability", NS + "/virtualNetworks", r.VirtualNetworkResponse,
        "check_ip_address"),
       ("GET", VNETP + "/usages", NS + "/virtualNetworks", r.VirtualNetworkResponse, "list_usages"),
       ("POST", P + "/publicIPAddresses/{publicIpName}/ddosProtectionStatus", NS + "/publicIPAddresses",
        r.PublicIPResponse, "ddos_protection_status")]
    + [("GET", LOC + "/operations/{operationId}", "Microsoft.Network/locations/operations", O, "operation_status"),
       ("GET", LOC + "/operationResults/{operationId}", "Microsoft.Network/locations/operationResults", O,
        "operation_result")]
)
