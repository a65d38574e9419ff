"""The carry table (azext_vmbootfix/repair/carry.py): what of a VM's model the recreate path carries, what it
names as lost, and the bodies it builds. Plain data in, plain data out."""
import pytest

from azext_vmbootfix.repair import carry

SUB = "/subscriptions/s/resourceGroups/rg/providers/"
MODEL = {
    "id": SUB + "Microsoft.Compute/virtualMachines/vm1", "name": "vm1", "location": "westeurope",
    "tags": {"env": "prod"}, "zones": ["1"], "etag": "\"7\"",
    "plan": {"name": "p", "publisher": "pub", "product": "prod"},
    "identity": {"type": "SystemAssigned, UserAssigned", "principalId": "p-1", "tenantId": "t",
                 "userAssignedIdentities": {SUB + "Microsoft.ManagedIdentity/userAssignedIdentities/id1": {
                     "principalId": "p-2", "clientId": "c-2"}}},
    "resources": [{"name": "cse", "location": "westeurope", "properties": {
        "publisher": "Microsoft.Compute", "type": "CustomScriptExtension", "typeHandlerVersion": "1.10",
        "provisioningState": "Succeeded",
        "settings": {"fileUris": ["https://acct.blob.core.windows.net/s/run.ps1?sv=2022-11-02&sig=abc%3D"],
                     "commandToExecute": "powershell -File run.ps1"}}}],
    "properties": {
        "hardwareProfile": {"vmSize": "Standard_D4s_v5"}, "licenseType": "Windows_Server",
        "priority": "Spot", "evictionPolicy": "Deallocate", "billingProfile": {"maxPrice": -1},
        "availabilitySet": {"id": SUB + "Microsoft.Compute/availabilitySets/as1"},
        "userData": "e30=", "additionalCapabilities": {"hibernationEnabled": True},
        "securityProfile": {"securityType": "TrustedLaunch"},
        "diagnosticsProfile": {"bootDiagnostics": {"enabled": True,
                                                   "storageUri": "https://diag.blob.core.windows.net/"}},
        "provisioningState": "Succeeded", "vmId": "v", "timeCreated": "2026-01-01T00:00:00Z",
        "storageProfile": {
            "diskControllerType": "NVMe",
            "imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer"},
            "osDisk": {"osType": "Windows", "name": "os1", "createOption": "FromImage", "caching": "ReadOnly",
                       "managedDisk": {"id": SUB + "Microsoft.Compute/disks/os1", "storageAccountType": "Premium_LRS",
                                       "diskEncryptionSet": {"id": SUB + "Microsoft.Compute/diskEncryptionSets/des"}},
                       "deleteOption": "Delete", "diskSizeGB": 127},
            "dataDisks": [{"lun": 4, "name": "d4", "createOption": "Attach", "caching": "ReadWrite",
                           "writeAcceleratorEnabled": False, "deleteOption": "Delete", "diskSizeGB": 64,
                           "managedDisk": {"id": SUB + "Microsoft.Compute/disks/d4",
                                           "storageAccountType": "Premium_LRS"},
                           "toBeDetached": False}]},
        "osProfile": {"computerName": "vm1", "adminUsername": "old",
                      "windowsConfiguration": {"timeZone": "UTC", "provisionVMAgent": True},
                      "secrets": [], "allowExtensionOperations": True},
        "networkProfile": {"networkInterfaces": [
            {"id": SUB + "Microsoft.Network/networkInterfaces/n1", "properties": {"primary": True,
                                                                                  "deleteOption": "Delete"}}]}}}


def test_every_row_has_a_known_kind_and_a_reason_unless_it_is_plainly_carried():
    for row in carry.FIELDS:
        assert row.kind in (carry.CARRIED, carry.DIFFERENT, carry.NOT_CARRIED, carry.AZURE), row
        if row.kind in (carry.DIFFERENT, carry.NOT_CARRIED):
            assert row.why, row
    paths = [row.path for row in carry.FIELDS]
    assert len(paths) == len(set(paths)), "a path has two rows"


def test_the_most_specific_row_decides():
    assert carry.field_for("identity.principalId").kind == carry.NOT_CARRIED
    assert carry.field_for("identity.type").kind == carry.DIFFERENT
    assert carry.field_for("properties.storageProfile.dataDisks[2].caching").kind == carry.CARRIED
    assert carry.field_for("properties.storageProfile.dataDisks[0].deleteOption").kind == carry.DIFFERENT
    assert carry.field_for("properties.somethingNew") is None


def test_not_carried_names_the_principal_protected_settings_custom_data_and_anything_unknown():
    model = dict(MODEL, properties=dict(MODEL["properties"], futureThing={"x": 1}))
    lost = {e["field"]: e["reason"] for e in carry.not_carried(model)}
    assert "role assignments" in lost["identity.principalId"]
    assert "protected settings" in lost["resources[cse].properties.protectedSettings"]
    assert "customData" in " ".join(lost) and "properties.osProfile.adminPassword" in lost
    assert lost["properties.futureThing.x"] == "not known to vmbootfix: not carried"
    carried = ("properties.licenseType", "properties.priority", "plan", "properties.availabilitySet",
               "properties.userData", "zones")
    assert not [f for f in lost if f.startswith(carried)]


def test_a_specialized_image_names_the_os_profile_once_and_nothing_about_custom_data():
    lost = [e["field"] for e in carry.not_carried(MODEL, osprofile_given=False)]
    assert lost.count("properties.osProfile") == 1
    assert "properties.osProfile.customData" not in lost


def test_the_recreate_body_carries_the_whole_model_with_everything_detach():
    body = carry.recreate_body(MODEL, "os-new", {"env": "prod", "run": "r"}, {"id": "/img"},
                               {"computerName": "vm1", "adminUsername": "admin", "adminPassword": "x"})
    props = body["properties"]
    assert body["plan"] == MODEL["plan"] and body["zones"] == ["1"] and body["location"] == "westeurope"
    assert body["identity"] == {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {
        SUB + "Microsoft.ManagedIdentity/userAssignedIdentities/id1": {}}}
    for key in ("licenseType", "priority", "evictionPolicy", "billingProfile", "availabilitySet", "userData",
                "additionalCapabilities", "securityProfile", "diagnosticsProfile", "hardwareProfile"):
        assert props[key] == MODEL["properties"][key], key
    for key in ("provisioningState", "vmId", "timeCreated"):
        assert key not in props
    assert "etag" not in body and "resources" not in body and "id" not in body
    sp = props["storageProfile"]
    assert sp["diskControllerType"] == "NVMe" and sp["imageReference"] == {"id": "/img"}
    assert sp["osDisk"] == {"name": "os-new", "createOption": "FromImage", "caching": "ReadOnly",
                            "deleteOption": "Detach", "managedDisk": {
                                "storageAccountType": "Premium_LRS",
                                "diskEncryptionSet": {"id": SUB + "Microsoft.Compute/diskEncryptionSets/des"}}}
    assert sp["dataDisks"] == [{"lun": 4, "caching": "ReadWrite", "writeAcceleratorEnabled": False,
                                "managedDisk": {"id": SUB + "Microsoft.Compute/disks/d4"}, "createOption": "Attach",
                                "deleteOption": "Detach"}]
    assert props["networkProfile"]["networkInterfaces"] == [
        {"id": SUB + "Microsoft.Network/networkInterfaces/n1",
         "properties": {"primary": True, "deleteOption": "Detach"}}]
    assert props["osProfile"] == {"computerName": "vm1", "adminUsername": "admin", "adminPassword": "x",
                                  "windowsConfiguration": {"timeZone": "UTC", "provisionVMAgent": True},
                                  "allowExtensionOperations": True}


def test_the_attach_body_is_the_original_with_its_own_os_disk_and_no_os_profile():
    body = carry.attach_body(MODEL)
    osd = body["properties"]["storageProfile"]["osDisk"]
    assert osd == {"osType": "Windows", "name": "os1", "createOption": "Attach", "caching": "ReadOnly",
                   "deleteOption": "Detach", "managedDisk": {"id": SUB + "Microsoft.Compute/disks/os1"}}
    assert "osProfile" not in body["properties"] and "imageReference" not in body["properties"]["storageProfile"]
    assert body["plan"] == MODEL["plan"] and body["properties"]["priority"] == "Spot"


@pytest.mark.parametrize("identity,expected", [
    (None, None), ({"type": "None"}, None), ({"type": "SystemAssigned", "principalId": "p"},
                                             {"type": "SystemAssigned"}),
    ({"type": "UserAssigned", "userAssignedIdentities": {"/u": {"clientId": "c"}}},
     {"type": "UserAssigned", "userAssignedIdentities": {"/u": {}}}),
])
def test_identities_are_given_again_by_kind_and_id_only(identity, expected):
    model = dict(MODEL, identity=identity)
    assert carry.attach_body(model).get("identity") == expected


def test_extension_settings_with_a_sas_are_kept_out_of_the_journal_and_in_memory():
    journaled, secrets = carry.split_secrets(MODEL)
    assert "sig=" not in repr(journaled)
    assert list(secrets) == ["resources[0].properties.settings.fileUris[0]"]
    assert "sig=" in repr(MODEL)  # the original is not changed
    (name, body), = carry.extensions(MODEL)
    assert name == "cse" and body["properties"]["settings"] == MODEL["resources"][0]["properties"]["settings"]
    assert "provisioningState" not in body["properties"] and not carry.has_redacted(body)
    (_, redacted), = carry.extensions(journaled)
    assert carry.has_redacted(redacted)


def test_a_rollback_names_the_extensions_and_the_principal_it_could_not_give_back():
    lost = carry.not_restored(MODEL)
    assert [e["field"] for e in lost] == ["resources[cse]", "identity.principalId"]
    assert "az vm extension set" in lost[0]["reason"]
    assert carry.not_restored({"identity": {"type": "UserAssigned"}}) == []
