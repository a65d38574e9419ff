"""The login side of the fake cloud: cloud metadata, the managed-identity token endpoint and a minimal
Entra ID (openid configuration + client-credentials token) for service-principal logins."""
