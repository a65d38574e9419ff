"""An isolated ``AZURE_CONFIG_DIR`` already pointed at the fake cloud and logged in.

The login is a managed identity (App Service protocol): the profile names the system-assigned identity,
and MSAL fetches tokens from ``IDENTITY_ENDPOINT`` with ``IDENTITY_HEADER``, both exported by the env
file. This is what ``az login --identity`` would leave behind, with no Entra ID round trip.
"""
import json
import os


def write_config_dir(config_dir, base_url, cloud):
    os.makedirs(config_dir, exist_ok=True)
    with open(os.path.join(config_dir, "config"), "w", encoding="utf-8") as fh:
        fh.write("[cloud]\nname = FakeAzureCloud\n\n[core]\ncollect_telemetry = no\nno_color = true\n"
                 "first_run = no\nsurvey_message = no\n\n[auto-upgrade]\nenable = no\n\n"
                 "[extension]\nuse_dynamic_install = no\nindex_url = {}/_fake/extension-index.json\n"
                 .format(base_url))
    with open(os.path.join(config_dir, "clouds.config"), "w", encoding="utf-8") as fh:
        fh.write("[FakeAzureCloud]\n"
                 "endpoint_resource_manager = {0}/\n"
                 "endpoint_active_directory = {0}\n"
                 "endpoint_active_directory_resource_id = https://management.core.windows.net/\n"
                 "endpoint_management = https://management.core.windows.net/\n"
                 "endpoint_active_directory_graph_resource_id = https://graph.windows.net/\n"
                 "endpoint_microsoft_graph_resource_id = https://graph.microsoft.com/\n"
                 "endpoint_gallery = \n"
                 "endpoint_vm_image_alias_doc = {0}/arm-compute/quickstart-templates/aliases.json\n"
                 "suffix_storage_endpoint = core.windows.net\n"
                 "subscription = {1}\n".format(base_url, cloud.default_subscription))
    sub = cloud.resources.get_subscription(cloud.default_subscription)
    profile = {"installationId": "fakeazure-installation", "subscriptions": [{
        "id": sub.subscription_id, "name": sub.display_name, "state": "Enabled",
        "isDefault": True, "tenantId": cloud.identity.tenant_id, "environmentName": "FakeAzureCloud",
        "user": {"name": "systemAssignedIdentity", "type": "servicePrincipal",
                 "assignedIdentityInfo": "MSI"}, "managedByTenants": []}]}
    with open(os.path.join(config_dir, "azureProfile.json"), "w", encoding="utf-8-sig") as fh:
        json.dump(profile, fh)
    return config_dir


def env_lines(config_dir, cert_path, base_url, cloud):
    """The ``export`` lines after which the stock az works against the fake."""
    values = [("AZURE_CONFIG_DIR", config_dir),
              ("REQUESTS_CA_BUNDLE", cert_path),
              ("IDENTITY_ENDPOINT", base_url + "/msi/token"),
              ("IDENTITY_HEADER", cloud.identity.identity_header),
              ("AZURE_CORE_COLLECT_TELEMETRY", "no"),
              ("FAKEAZURE_URL", base_url)]
    return ["export {}={}".format(k, _quote(v)) for k, v in values]


def _quote(value):
    return "'" + str(value).replace("'", "'\"'\"'") + "'"
