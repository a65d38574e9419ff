"""The repair journal (azext_vmbootfix/repair/journal.py): where it lives, what it records, how it is written."""
import json
import os
import re

import pytest

from azext_vmbootfix.repair import journal as J
from azext_vmbootfix.repair.journal import Journal, JournalError

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _journal(tmp_path, steps=("s1", "s2")):
    return Journal.new(str(tmp_path / "d" / "j.json"), "run-1", "sub", "rg", "vm", "recreate",
                       [{"name": n, "description": n + " does"} for n in steps], {"imageId": "/x"})


def test_the_path_is_per_subscription_group_and_vm_lower_cased_and_safe():
    path = J.journal_path("/cfg", "SUB-1", "My RG(1)", "Web 01")
    assert path == os.path.join("/cfg", "vmbootfix", "journals", "sub-1", "my_rg_1_", "web_01.json")
    assert J.journal_path("/c", "a.b_c", "x", "y").endswith(os.path.join("a.b_c", "x", "y.json"))


@pytest.mark.parametrize("text", ['{"adminPassword": "x"}', '{"password": "y"}', '{"Password" : "z"}',
                                  "https://a/b?sv=1&sig=abc", "Authorization: Bearer eyJ", '{"access_token": 1}',
                                  "ADMINPASSWORD"])
def test_a_secret_is_refused(text):
    with pytest.raises(JournalError) as info:
        J.check_no_secret(text, "the journal /j.json")
    assert str(info.value).startswith("refusing to write a secret into the journal /j.json (a ")


@pytest.mark.parametrize("text", ['{"password": ""}', '{"adminUsername": "x"}', "signature", "bearer",
                                  '{"passwordless": "x"}', "design=1"])
def test_what_is_not_a_secret_passes(text):
    assert J.check_no_secret(text) is None


def test_a_new_journal_is_planned_with_every_step_pending(tmp_path):
    j = _journal(tmp_path)
    d = j.data
    assert (d["version"], d["runId"], d["subscription"], d["resourceGroup"], d["vm"], d["path"], d["status"]) == (
        2, "run-1", "sub", "rg", "vm", "recreate", "planned")
    assert ISO.match(d["createdAt"]) and ISO.match(d["updatedAt"])
    assert d["params"] == {"imageId": "/x"} and d["original"] is None and d["events"] == []
    assert d["facts"] == {} and d["redacted"] == [] and d["planFile"] is None
    assert d["steps"] == [{"name": "s1", "description": "s1 does", "state": "pending", "outputs": {},
                           "error": None, "startedAt": None, "endedAt": None},
                          {"name": "s2", "description": "s2 does", "state": "pending", "outputs": {},
                           "error": None, "startedAt": None, "endedAt": None}]
    assert j.status == "planned" and j.steps is d["steps"] and j.step("s2") is d["steps"][1]
    with pytest.raises(KeyError) as info:
        j.step("nope")
    assert info.value.args == ("nope",)


def test_save_writes_the_json_atomically_and_load_reads_it_back(tmp_path):
    j = _journal(tmp_path)
    j.data["updatedAt"] = "old"
    j.save()
    assert ISO.match(j.data["updatedAt"])
    assert sorted(os.listdir(tmp_path / "d")) == ["j.json"]  # no temporary file left
    text = (tmp_path / "d" / "j.json").read_text(encoding="utf-8")
    assert json.loads(text) == j.data and text.startswith('{\n  "version": 2,')  # indented, in order
    again = Journal.load(j.path)
    assert again.path == j.path and again.data == j.data


def test_a_secret_is_never_written_and_the_old_journal_stays(tmp_path):
    j = _journal(tmp_path)
    j.save()
    before = (tmp_path / "d" / "j.json").read_text(encoding="utf-8")
    j.data["params"]["x"] = "https://blob/c?sig=abc"
    with pytest.raises(JournalError):
        j.save()
    assert (tmp_path / "d" / "j.json").read_text(encoding="utf-8") == before


def test_the_temporary_file_is_a_hidden_file_in_the_journals_own_folder(tmp_path, monkeypatch):
    """Beside the journal (a rename across file systems is not atomic) and named so that nothing takes a
    leftover for a journal."""
    j = _journal(tmp_path)
    renamed = []
    real = J.os.replace
    monkeypatch.setattr(J.os, "replace", lambda src, dst: renamed.append(src) or real(src, dst))
    j.save()
    assert os.path.dirname(renamed[0]) == str(tmp_path / "d")
    assert os.path.basename(renamed[0]).startswith(".journal-") and not renamed[0].endswith(".json")


def test_timestamps_are_utc_whatever_the_local_zone(monkeypatch):
    import datetime
    import time
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        stamp = datetime.datetime.strptime(J.now(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        assert abs((datetime.datetime.now(datetime.timezone.utc) - stamp).total_seconds()) < 120
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    j = _journal(tmp_path)
    j.save()

    def broken(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(J.os, "replace", broken)
    with pytest.raises(JournalError, match=r"^journal .*j\.json not written: disk full$"):
        j.save()
    assert sorted(os.listdir(tmp_path / "d")) == ["j.json"]


def test_load_of_nothing_is_none_and_of_garbage_or_another_version_an_error(tmp_path):
    assert Journal.load(str(tmp_path / "none.json")) is None
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(JournalError) as info:
        Journal.load(str(bad))
    assert str(info.value) == "journal {} is not readable JSON: Expecting property name enclosed in double " \
                              "quotes: line 1 column 2 (char 1)".format(bad)
    other = tmp_path / "v1.json"
    other.write_text('{"version": 1}', encoding="utf-8")
    with pytest.raises(JournalError, match=r"^journal .*v1\.json has version 1, this extension reads 2$"):
        Journal.load(str(other))


def test_mark_records_state_times_outputs_error_and_an_event(tmp_path):
    j = _journal(tmp_path)
    row = j.step("s1")
    j.mark(row, "running")
    assert row["state"] == "running" and ISO.match(row["startedAt"]) and row["endedAt"] is None
    j.mark(row, "done", {"a": 1})
    j.mark(row, "done", {"b": 2})
    assert row["outputs"] == {"a": 1, "b": 2} and ISO.match(row["endedAt"]) and row["error"] is None
    row["startedAt"], ended = None, row["endedAt"]
    j.mark(row, "undoing")
    assert ISO.match(row["startedAt"]) and row["endedAt"] == ended  # undoing starts, it does not end
    j.mark(row, "undo-failed", error="locked")
    assert row["error"] == "locked"
    assert [(e["what"], e["state"], e.get("note")) for e in j.data["events"]] == [
        ("s1", "running", None), ("s1", "done", None), ("s1", "done", None), ("s1", "undoing", None),
        ("s1", "undo-failed", "locked")]
    assert Journal.load(j.path).step("s1")["error"] == "locked"  # every mark is saved


def test_set_status_is_saved_with_an_event_and_a_note_cut_to_500_characters(tmp_path):
    j = _journal(tmp_path)
    j.set_status("failed", "n" * 600)
    saved = Journal.load(j.path)
    assert saved.status == "failed"
    event = saved.data["events"][-1]
    assert event["what"] == "status" and event["state"] == "failed" and event["note"] == "n" * 500
    assert ISO.match(event["at"])
    j.set_status("applying")
    assert "note" not in j.data["events"][-1]


def test_outputs_merge_every_step_later_ones_winning(tmp_path):
    j = _journal(tmp_path, steps=("a", "b", "c"))
    j.step("a")["outputs"] = {"x": 1, "y": 1}
    j.step("b")["outputs"] = None
    j.step("c")["outputs"] = {"y": 2}
    assert j.outputs() == {"x": 1, "y": 2}


def test_summary_is_what_the_commands_print(tmp_path):
    j = _journal(tmp_path)
    j.step("s1")["error"] = "e"
    assert j.summary() == {"runId": "run-1", "vm": "vm", "resourceGroup": "rg", "path": "recreate",
                           "status": "planned", "journal": j.path,
                           "steps": [{"name": "s1", "state": "pending", "description": "s1 does", "article": [],
                                      "error": "e"},
                                     {"name": "s2", "state": "pending", "description": "s2 does", "article": [],
                                      "error": None}],
                           "redacted": []}


def test_the_states_a_repair_can_be_in():
    assert J.ACTIVE == ("planned", "applying", "failed", "waiting-for-user", "rolling-back", "rollback-failed")
    assert J.FINISHED == ("succeeded", "rolled-back")
