"""Microsoft.Resources: subscriptions, tenants, resource groups, generic resource listings."""
