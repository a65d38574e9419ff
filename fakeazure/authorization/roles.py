"""Built-in role definitions the fake can assign (Learn, "Azure built-in roles": the JSON of each role; the
Virtual Machine Contributor list as published in MicrosoftDocs/azure-docs built-in-roles.md, Contributor's
notActions as of its 2023 revision). A role assignment gives the caller the role's actions/notActions at its
scope and below; ``GET .../permissions`` lists one entry per assignment covering the scope."""

ROLES = {
    "Owner": {"id": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "actions": ["*"], "notActions": []},
    "Contributor": {"id": "b24988ac-6180-42a0-ab88-20f7382dd24c", "actions": ["*"], "notActions": [
        "Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
        "Microsoft.Authorization/elevateAccess/Action", "Microsoft.Blueprint/blueprintAssignments/write",
        "Microsoft.Blueprint/blueprintAssignments/delete", "Microsoft.Compute/galleries/share/action"]},
    "Reader": {"id": "acdd72a7-3385-48ef-bd42-f606fba81ae7", "actions": ["*/read"], "notActions": []},
    "Virtual Machine Contributor": {"id": "9980e02c-c2be-4d73-94e8-173b1dc7cf3c", "notActions": [], "actions": [
        "Microsoft.Authorization/*/read", "Microsoft.Compute/availabilitySets/*", "Microsoft.Compute/locations/*",
        "Microsoft.Compute/virtualMachines/*", "Microsoft.Compute/virtualMachineScaleSets/*",
        "Microsoft.Compute/disks/write", "Microsoft.Compute/disks/read", "Microsoft.Compute/disks/delete",
        "Microsoft.DevTestLab/schedules/*", "Microsoft.Insights/alertRules/*",
        "Microsoft.Network/applicationGateways/backendAddressPools/join/action",
        "Microsoft.Network/loadBalancers/backendAddressPools/join/action",
        "Microsoft.Network/loadBalancers/inboundNatPools/join/action",
        "Microsoft.Network/loadBalancers/inboundNatRules/join/action",
        "Microsoft.Network/loadBalancers/probes/join/action", "Microsoft.Network/loadBalancers/read",
        "Microsoft.Network/locations/*", "Microsoft.Network/networkInterfaces/*",
        "Microsoft.Network/networkSecurityGroups/join/action", "Microsoft.Network/networkSecurityGroups/read",
        "Microsoft.Network/publicIPAddresses/join/action", "Microsoft.Network/publicIPAddresses/read",
        "Microsoft.Network/virtualNetworks/read", "Microsoft.Network/virtualNetworks/subnets/join/action",
        "Microsoft.RecoveryServices/locations/*",
        "Microsoft.RecoveryServices/Vaults/backupFabrics/backupProtectionIntent/write",
        "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/*/read",
        "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/read",
        "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/write",
        "Microsoft.RecoveryServices/Vaults/backupPolicies/read",
        "Microsoft.RecoveryServices/Vaults/backupPolicies/write",
        "Microsoft.RecoveryServices/Vaults/read", "Microsoft.RecoveryServices/Vaults/usages/read",
        "Microsoft.RecoveryServices/Vaults/write", "Microsoft.ResourceHealth/availabilityStatuses/read",
        "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
        "Microsoft.SqlVirtualMachine/*", "Microsoft.Storage/storageAccounts/listKeys/action",
        "Microsoft.Storage/storageAccounts/read", "Microsoft.Support/*"]},
}


def role(name):
    for key, value in ROLES.items():
        if key.lower() == (name or "").lower():
            return key, value
    raise ValueError("unknown role {!r}; the fake knows {}".format(name, ", ".join(ROLES)))
