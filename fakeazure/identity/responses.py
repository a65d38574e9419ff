"""Metadata and token endpoints. These need no bearer token and no api-version check."""
from ..core.responses import BaseResponse, Reply


class IdentityResponse(BaseResponse):
    def metadata_endpoints(self):
        base = self.ctx.base_url
        return self.ok({
            "galleryEndpoint": "",
            "graphEndpoint": "https://graph.windows.net/",
            "portalEndpoint": "https://portal.fakeazure.invalid/",
            "graph": "https://graph.windows.net/",
            "name": "FakeAzureCloud",
            "resourceManager": base + "/",
            "authentication": {"loginEndpoint": base, "audiences": ["https://management.core.windows.net/"],
                               "tenant": "common", "identityProvider": "AAD"},
            "media": "https://rest.media.azure.net",
            "microsoftGraphResourceId": "https://graph.microsoft.com/",
            "sqlManagement": "https://management.core.windows.net:8443/",
            "vmImageAliasDoc": base + "/arm-compute/quickstart-templates/aliases.json",
            "suffixes": {"storage": "core.windows.net", "keyVaultDns": "vault.azure.net",
                         "acrLoginServer": "azurecr.io", "sqlServerHostname": "database.windows.net"},
        })

    def msi_token(self):
        """App Service managed identity protocol (MSAL reads IDENTITY_ENDPOINT / IDENTITY_HEADER)."""
        ident = self.cloud.identity
        if self.ctx.headers.get("X-IDENTITY-HEADER") != ident.identity_header:
            return Reply(401, {"statusCode": 401, "message": "X-IDENTITY-HEADER is missing or wrong."})
        resource = self.query.get("resource") or "https://management.core.windows.net/"
        token, exp = ident.mint(resource)
        return self.ok({"access_token": token, "expires_on": str(exp), "resource": resource,
                        "token_type": "Bearer", "client_id": ident.client_id})

    def openid_configuration(self):
        base = self.ctx.base_url
        tenant = self.params["tenant"]
        return self.ok({
            "token_endpoint": "{}/{}/oauth2/v2.0/token".format(base, tenant),
            "authorization_endpoint": "{}/{}/oauth2/v2.0/authorize".format(base, tenant),
            "device_authorization_endpoint": "{}/{}/oauth2/v2.0/devicecode".format(base, tenant),
            "issuer": "{}/{}/v2.0".format(base, self.cloud.identity.tenant_id),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                      "client_secret_basic"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "tenant_region_scope": "WW",
        })

    def oauth2_token(self):
        """Client-credentials grant: any client id and secret is accepted (this is a fake Entra ID)."""
        form = self.ctx.form
        if form.get("grant_type") != "client_credentials":
            return Reply(400, {"error": "unsupported_grant_type",
                               "error_description": "AADSTS70003: only client_credentials is supported "
                                                    "by the fake."})
        scope = form.get("scope", "https://management.core.windows.net//.default")
        resource = scope.split(" ")[0].replace("/.default", "/").replace("//", "/").replace(":/", "://")
        token, _ = self.cloud.identity.mint(resource)
        return self.ok({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                        "access_token": token})
