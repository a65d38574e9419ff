from .responses import NetworkResponse as R

SUB = "/subscriptions/{subscriptionId}"
RG = SUB + "/resourceGroups/{resourceGroupName}"
P = RG + "/providers/Microsoft.Network"
SP = SUB + "/providers/Microsoft.Network"
LOC = SP + "/locations/{location}"
VNET = "Microsoft.Network/virtualNetworks"
SUBNET = "Microsoft.Network/virtualNetworks/subnets"
NIC = "Microsoft.Network/networkInterfaces"
PIP = "Microsoft.Network/publicIPAddresses"
NSG = "Microsoft.Network/networkSecurityGroups"

url_table = [
    ("GET", P + "/virtualNetworks/{vnetName}", VNET, R, "get_vnet"),
    ("PUT", P + "/virtualNetworks/{vnetName}", VNET, R, "put_vnet"),
    ("DELETE", P + "/virtualNetworks/{vnetName}", VNET, R, "delete_vnet"),
    ("GET", P + "/virtualNetworks", VNET, R, "list_vnets"),
    ("GET", SP + "/virtualNetworks", VNET, R, "list_all_vnets"),
    ("GET", P + "/virtualNetworks/{vnetName}/subnets/{subnetName}", SUBNET, R, "get_subnet"),
    ("PUT", P + "/virtualNetworks/{vnetName}/subnets/{subnetName}", SUBNET, R, "put_subnet"),
    ("DELETE", P + "/virtualNetworks/{vnetName}/subnets/{subnetName}", SUBNET, R, "delete_subnet"),
    ("GET", P + "/virtualNetworks/{vnetName}/subnets", SUBNET, R, "list_subnets"),
    ("GET", P + "/networkInterfaces/{nicName}", NIC, R, "get_nic"),
    ("PUT", P + "/networkInterfaces/{nicName}", NIC, R, "put_nic"),
    ("DELETE", P + "/networkInterfaces/{nicName}", NIC, R, "delete_nic"),
    ("GET", P + "/networkInterfaces", NIC, R, "list_nics"),
    ("GET", SP + "/networkInterfaces", NIC, R, "list_all_nics"),
    ("GET", P + "/publicIPAddresses/{publicIpName}", PIP, R, "get_public_ip"),
    ("PUT", P + "/publicIPAddresses/{publicIpName}", PIP, R, "put_public_ip"),
    ("DELETE", P + "/publicIPAddresses/{publicIpName}", PIP, R, "delete_public_ip"),
    ("GET", P + "/publicIPAddresses", PIP, R, "list_public_ips"),
    ("GET", SP + "/publicIPAddresses", PIP, R, "list_all_public_ips"),
    ("GET", P + "/networkSecurityGroups/{nsgName}", NSG, R, "get_nsg"),
    ("PUT", P + "/networkSecurityGroups/{nsgName}", NSG, R, "put_nsg"),
    ("DELETE", P + "/networkSecurityGroups/{nsgName}", NSG, R, "delete_nsg"),
    ("GET", P + "/networkSecurityGroups", NSG, R, "list_nsgs"),
    ("GET", SP + "/networkSecurityGroups", NSG, R, "list_all_nsgs"),
    ("GET", LOC + "/operations/{operationId}", "Microsoft.Network/locations/operations", R, "operation_status"),
    ("GET", LOC + "/operationResults/{operationId}", "Microsoft.Network/locations/operationResults", R,
     "operation_result"),
]
