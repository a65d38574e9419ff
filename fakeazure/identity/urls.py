from .responses import IdentityResponse as R

url_table = [
    ("GET", "/metadata/endpoints", None, R, "metadata_endpoints"),
    ("GET", "/msi/token", None, R, "msi_token"),
    ("GET", "/{tenant}/v2.0/.well-known/openid-configuration", None, R, "openid_configuration"),
    ("POST", "/{tenant}/oauth2/v2.0/token", None, R, "oauth2_token"),
]
