from ..core.routing import resource_routes
from . import responses as r

SUB = "/subscriptions/{subscriptionId}"
P = SUB + "/resourceGroups/{resourceGroupName}/providers/Microsoft.Network"
SP = SUB + "/providers/Microsoft.Network"
LOC = SP + "/locations/{location}"
VNETP = P + "/virtualNetworks/{vnetName}"
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
    + [("GET", LOC + "/operations/{operationId}", "Microsoft.Network/locations/operations", O, "operation_status"),
       ("GET", LOC + "/operationResults/{operationId}", "Microsoft.Network/locations/operationResults", O,
        "operation_result")]
)
