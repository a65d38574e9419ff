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
        {"name": "vm1/ama", "location": "northeurope", "tags": {"team": "ops"}, "properties": every},
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
