"""Secrets in what the journal keeps: a VM whose extension settings hold a SAS URL is repaired, the journal
records what was redacted (never the value), and any journal failure is a clean error naming the file."""
import json

import pytest
from azure.mgmt.compute.models import VirtualMachineExtension

from azext_vmbootfix.redact import scrub
from azext_vmbootfix.repair import engine
from azext_vmbootfix.repair.journal import Journal, JournalError
from repairkit import Harness
from test_preflight import wired  # noqa: F401  (a fixture)

SIG = "Zm9vYmFyU2lnbmF0dXJlMTIzNDU2Nzg5MA%3D%3D"
SAS = "https://stbootfix.blob.core.windows.net/scripts/setup.ps1?sv=2022-11-02&se=2030-01-01&sp=r&sig=" + SIG
KEY = "c3RvcmFnZUFjY291bnRLZXlWYWx1ZUZvclRlc3Rz"


def _with_extension(h, monkeypatch):
    """The VM as Azure returns it with a Custom Script Extension whose public settings hold a SAS URL and a
    storage key (the fake has no VM extensions yet: the SDK's own model is added to every GET of the VM)."""
    operations = type(h.compute.virtual_machines)  # the client makes a new operations object on each access
    get = operations.get

    def get_with_extension(self, resource_group, name, **kw):
        vm = get(self, resource_group, name, **kw)
        if name.lower() == h.name.lower():
            vm.resources = [VirtualMachineExtension(
                location=vm.location, publisher="Microsoft.Compute", type_properties_type="CustomScriptExtension",
                type_handler_version="1.10", settings={"fileUris": [SAS], "storageAccountKey": KEY,
                                                       "commandToExecute": "powershell -File setup.ps1"})]
            vm.resources[0].__dict__["id"] = vm.id + "/extensions/cse"
        return vm
    monkeypatch.setattr(operations, "get", get_with_extension)


def test_a_vm_whose_extension_settings_hold_a_sas_url_is_repaired_and_the_journal_says_what_was_redacted(
        secret_canary, monkeypatch):
    secret_canary.also(SIG)
    secret_canary.also(KEY)
    h = Harness("generalized-by-api", canary=secret_canary)
    _with_extension(h, monkeypatch)
    ctx = h.new_context()
    out = engine.apply(ctx)
    assert out["status"] == "succeeded"
    journal = Journal.load(h.path)
    kinds = {(r["path"], r["kind"]) for r in journal.data["redacted"]}
    assert ("original.resources[0].properties.settings.fileUris[0]", "SAS signature") in kinds
    assert ("original.resources[0].properties.settings.storageAccountKey", "secret-named field") in kinds
    assert all(r["step"] == "record-original" for r in journal.data["redacted"])
    settings = journal.data["original"]["resources"][0]["properties"]["settings"]
    assert settings["fileUris"][0].endswith("&sig=REDACTED") and settings["storageAccountKey"] == "REDACTED"
    assert settings["commandToExecute"] == "powershell -File setup.ps1"  # what is no secret is kept
    assert out["redacted"] == journal.data["redacted"]
    with open(h.path, encoding="utf-8") as fh:
        text = fh.read()
    assert SIG not in text and KEY not in text


def test_a_journal_that_cannot_be_written_is_an_error_naming_the_file_and_the_run_stops(secret_canary, monkeypatch):
    from azext_vmbootfix.repair import journal as J
    h = Harness("generalized-by-api", canary=secret_canary)
    ctx = h.new_context()
    real, writes = J.write_atomically, []

    def write(path, text, prefix=".tmp-"):
        writes.append(path)
        if len(writes) == 4:  # status applying, record-original running, record-original done, then this
            raise OSError(28, "No space left on device")
        return real(path, text, prefix)
    monkeypatch.setattr(J, "write_atomically", write)
    with pytest.raises(JournalError) as info:
        engine.apply(ctx)
    assert str(info.value) == "journal {} not written: No space left on device".format(h.path)
    saved = Journal.load(h.path)  # its last complete state: keep-disks-and-nics was never started
    assert saved.step("record-original")["state"] == "done"
    assert saved.step("keep-disks-and-nics")["state"] == "pending"
    assert [r["method"] for r in h.cloud.request_log if r["method"] != "GET"] == []  # nothing changed in Azure


def test_scrub_replaces_signatures_and_secret_named_strings_and_lists_them_without_values():
    doc = {"a": {"fileUris": [SAS, "https://x/y.ps1"], "password": "Pa55-w0rd-value", "keyData": "ssh-rsa AAA", "n": 1,
                 "protectedSettingsFromKeyVault": {"secretUrl": "https://kv/secrets/s/1"}}}
    clean, found = scrub(doc)
    assert clean["a"]["fileUris"] == [SAS.replace(SIG, "REDACTED"), "https://x/y.ps1"]
    assert clean["a"]["password"] == "REDACTED" and clean["a"]["keyData"] == "ssh-rsa AAA" and clean["a"]["n"] == 1
    assert clean["a"]["protectedSettingsFromKeyVault"] == {"secretUrl": "https://kv/secrets/s/1"}
    assert found == [{"path": "a.fileUris[0]", "kind": "SAS signature"},
                     {"path": "a.password", "kind": "secret-named field"}]
    assert doc["a"]["password"] == "Pa55-w0rd-value"  # the input is not changed
    assert "Pa55-w0rd-value" not in json.dumps(found) and SIG not in json.dumps(found)


def test_the_repair_command_reports_a_journal_it_cannot_write_as_a_file_error_naming_it(wired, monkeypatch):
    from azure.cli.core import azclierror
    from azext_vmbootfix.repair import cli as rc
    from azext_vmbootfix.repair import journal as J
    from repairkit import PASSWORD
    from test_preflight import _Cmd
    h, journal = wired("generalized-by-api")
    real, writes = J.write_atomically, []

    def write(path, text, prefix=".tmp-"):
        writes.append(path)
        if len(writes) >= 3:  # the journal saved, status applying, then every later write fails
            raise OSError(13, "Permission denied")
        return real(path, text, prefix)
    monkeypatch.setattr(J, "write_atomically", write)
    with pytest.raises(azclierror.FileOperationError) as info:
        rc.repair(_Cmd, h.rg, h.name, keep_disks=True, yes=True, admin_password=PASSWORD)
    assert "journal {} not written: Permission denied".format(journal) in info.value.error_msg
    assert "az vm boot-fix resume" in info.value.recommendations[0]
