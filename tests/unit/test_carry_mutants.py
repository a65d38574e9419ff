"""The carry table's edges that mutation testing (scripts/mutate.py) found unpinned: the exact words a rollback
prints about what it could not give back, the leaves of a model as the table sees them, an identity of two
kinds with no user identity listed, the OS disk defaults of a recreate and bodies that share nothing with the
model they were built from."""
import copy

from azext_vmbootfix.repair import carry
from test_carry import MODEL


def test_a_rollback_says_why_extensions_and_a_system_principal_are_not_given_back():
    lost = carry.not_restored(MODEL)
    assert lost == [
        {"field": "resources[cse]",
         "reason": "extensions are not re-created by a rollback: the original VM's guest agent does not report "
                   "while Windows is stuck at OOBE; create them again once it boots (az vm extension set)"},
        {"field": "identity.principalId", "reason": carry.field_for("identity.principalId").why}]
    assert lost[1]["reason"]  # the table's own reason, not an empty one
    # Azure writes the type with or without a space after the comma
    assert [e["field"] for e in carry.not_restored({"identity": {"type": "UserAssigned,SystemAssigned"}})] == \
        ["identity.principalId"]
    assert carry.not_restored({"identity": {}}) == [] and carry.not_restored({}) == []


def test_the_leaves_of_a_model_name_each_user_identity_by_its_id_and_list_items_by_index():
    doc = {"identity": {"type": "UserAssigned",
                        "userAssignedIdentities": {"/ids/a": {"principalId": "p"}, "/ids/b": {}}},
           "x": [{"y": 1}, 2, None], "z": {}}
    assert list(carry._leaves(doc)) == [  # pylint: disable=protected-access
        ("identity.type", "UserAssigned"), ("identity.userAssignedIdentities[/ids/a]", {"principalId": "p"}),
        ("identity.userAssignedIdentities[/ids/b]", {}), ("x[0].y", 1), ("x[1]", 2)]


def test_an_identity_of_both_kinds_without_user_identities_is_given_back_as_system_assigned():
    for kind in ("SystemAssigned, UserAssigned", "SystemAssigned,UserAssigned", "UserAssigned, SystemAssigned"):
        assert carry.attach_body(dict(MODEL, identity={"type": kind}))["identity"] == {"type": "SystemAssigned"}
    assert "identity" not in carry.attach_body(dict(MODEL, identity={"type": "UserAssigned"}))


def test_a_recreated_os_disk_defaults_to_read_write_caching_and_a_managed_disk():
    model = copy.deepcopy(MODEL)
    osd = model["properties"]["storageProfile"]["osDisk"]
    del osd["caching"], osd["managedDisk"]
    disk = carry.recreate_body(model, "os-new", {}, {"id": "/img"})["properties"]["storageProfile"]["osDisk"]
    assert disk["caching"] == "ReadWrite" and disk["managedDisk"] == {}


def test_a_body_shares_no_object_with_the_model_it_came_from():
    model = copy.deepcopy(MODEL)
    model["properties"]["storageProfile"]["osDisk"]["managedDisk"]["securityProfile"] = {
        "securityEncryptionType": "DiskWithVMGuestState", "diskEncryptionSet": {"id": "/des2"}}
    expected = copy.deepcopy(model)
    body = carry.recreate_body(model, "os-new", {}, {"id": "/img"})
    body["properties"]["storageProfile"]["osDisk"]["managedDisk"]["securityProfile"]["diskEncryptionSet"]["id"] = "Y"
    attach = carry.attach_body(model)
    for built in (body, attach):
        built["properties"]["diagnosticsProfile"]["bootDiagnostics"]["enabled"] = False
        built["properties"]["storageProfile"]["dataDisks"][0]["managedDisk"]["storageAccountType"] = "X"
        built["properties"]["additionalCapabilities"]["hibernationEnabled"] = False
    assert model == expected


def test_the_extensions_to_recreate_keep_every_writable_setting_their_tags_and_their_short_name():
    every = {"publisher": "Microsoft.Azure.Monitor", "type": "AzureMonitorWindowsAgent", "typeHandlerVersion": "1.2",
             "autoUpgradeMinorVersion": True, "enableAutomaticUpgrade": False, "settings": {"a": [1]},
             "suppressFailures": True, "provisionAfterExtensions": ["cse"], "forceUpdateTag": "2",
             "provisioningState": "Succeeded", "instanceView": {"name": "x"}, "protectedSettings": {"k": "v"}}
    model = {"location": "westeurope", "resources": [
        {"name": "vm1/x/ama", "location": "northeurope", "tags": {"team": "ops"}, "properties": every},
        {"name": "cse", "properties": {"publisher": "Microsoft.Compute", "settings": {}, "typeHandlerVersion": None}},
        {"name": "bare"}]}
    got = carry.extensions(model)
    assert got == [
        ("ama", {"location": "northeurope", "tags": {"team": "ops"}, "properties": {
            k: v for k, v in every.items() if k not in ("provisioningState", "instanceView", "protectedSettings")}}),
        ("cse", {"location": "westeurope", "properties": {"publisher": "Microsoft.Compute"}}),
        ("bare", {"location": "westeurope", "properties": {}})]
    got[0][1]["properties"]["settings"]["a"].append(2)
    got[0][1]["tags"]["team"] = "x"
    assert every["settings"] == {"a": [1]} and model["resources"][0]["tags"] == {"team": "ops"}  # copies
    assert carry.extensions({"location": "l"}) == [] and carry.extensions({"location": "l", "resources": None}) == []


def test_an_unknown_property_is_named_without_its_list_positions_and_a_specialized_image_loses_the_os_profile():
    model = {"location": "l", "properties": {"futureThing": [{"x": 1}, {"x": 2}],
                                             "osProfile": {"computerName": "vm1"}}}
    assert carry.not_carried(model) == [
        {"field": "properties.futureThing.x", "reason": "not known to vmbootfix: not carried"}] + carry.ALWAYS_LOST
    assert carry.not_carried(model, osprofile_given=False) == [
        {"field": "properties.futureThing.x", "reason": "not known to vmbootfix: not carried"},
        {"field": "properties.osProfile",
         "reason": "the image is specialized: Azure takes no osProfile, the disk keeps the guest's own"}]
    # a model without properties: only its extensions' protected settings
    assert carry.not_carried({"location": "l", "resources": [{"name": "cse"}]}) == [
        {"field": "resources[cse].properties.protectedSettings", "reason": carry.EXTENSION_PROTECTED}]


def test_nic_references_keep_primary_and_set_detach_only_where_the_model_had_an_option():
    model = {"properties": {"networkProfile": {"networkInterfaces": [
        {"id": "/n1", "deleteOption": "Delete"}, {"id": "/n2"}, {"id": "/n3", "properties": {"primary": False}},
        {"id": "/n4", "properties": {"primary": True, "deleteOption": "Detach"}}]}}}
    assert carry._nic_refs(model) == [  # pylint: disable=protected-access
        {"id": "/n1", "properties": {"deleteOption": "Detach"}}, {"id": "/n2"},
        {"id": "/n3", "properties": {"primary": False}},
        {"id": "/n4", "properties": {"primary": True, "deleteOption": "Detach"}}]


def test_a_body_has_the_location_and_exactly_the_tags_it_is_given():
    body = carry.recreate_body(MODEL, "os-new", {"run": "r1"}, {"id": "/img"})
    assert body["location"] == "westeurope" and body["tags"] == {"run": "r1"}
    assert sorted(body) == ["identity", "location", "plan", "properties", "tags", "zones"]
    attach = carry.attach_body(MODEL)
    assert attach["location"] == "westeurope" and attach["tags"] == {"env": "prod"}


def test_split_secrets_keeps_each_secret_value_and_asks_leave_about_the_value_itself():
    model = {"resources": [{"name": "bare"}, {"name": "cse", "properties": {"settings": {
        "a": "https://x/y?sig=abc", "b": {"c": ["Password=hunter2"]}, "d": "plain"}}}]}
    asked = []

    def leave(value):
        asked.append(value)
        return "sig=" in value
    journaled, secrets = carry.split_secrets(model, leave=leave)
    assert secrets == {"resources[1].properties.settings.a": "https://x/y?sig=abc",
                       "resources[1].properties.settings.b.c[0]": "Password=hunter2"}
    assert sorted(asked) == ["Password=hunter2", "https://x/y?sig=abc"]
    assert journaled["resources"][1]["properties"]["settings"] == {
        "a": "https://x/y?sig=abc", "b": {"c": [carry.REDACTED]}, "d": "plain"}
    assert model["resources"][1]["properties"]["settings"]["b"]["c"] == ["Password=hunter2"]


def test_the_journal_form_leaves_a_sas_url_to_the_scrub_and_replaces_other_secrets():
    model = {"resources": [{"name": "cse", "properties": {"settings": {
        "uri": "https://acct.blob.core.windows.net/s/a.ps1?sv=1&sig=abc%3D", "pw": "password=x",
        "note": "a sig= that is no SAS URL"}}}]}
    journaled, kept_out = carry.journal_form(model)
    settings = journaled["resources"][0]["properties"]["settings"]
    assert settings == {"uri": "https://acct.blob.core.windows.net/s/a.ps1?sv=1&sig=abc%3D", "pw": carry.REDACTED,
                        "note": carry.REDACTED}
    assert kept_out == ["resources[0].properties.settings.note", "resources[0].properties.settings.pw",
                        "resources[0].properties.settings.uri"]


def test_a_row_shows_its_path_and_kind_in_a_failing_assertion():
    assert repr(carry.Field("properties.x", carry.CARRIED)) == "Field('properties.x', 'carried')"
