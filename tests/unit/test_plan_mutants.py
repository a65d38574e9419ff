"""Edges of repair/plan.py the mutation run found unguarded (the CLI tests in test_plan.py go through them with
one well-formed plan): what the recorded model leaves out, how two models are compared, the article rows of one
plan, where a plan is saved and how it is written, every way a plan file is refused, and the plan document."""
import json
import os
import re

import pytest
from azure.mgmt.compute.models import (OSProfile, VirtualMachine, VirtualMachineInstanceView,
                                       WindowsConfiguration)

from azext_vmbootfix.repair import plan as P
from azext_vmbootfix.repair import recreate, rescue
from azext_vmbootfix.repair.journal import JournalError

RUN = "0123abcd-4567-89ef-0123-456789abcdef"


# -- the recorded model -------------------------------------------------------------------------------------
def _vm():
    vm = VirtualMachine(location="westeurope", os_profile=OSProfile(
        computer_name="web01", admin_username="azureuser", admin_password="Canary-Pw-1!",
        windows_configuration=WindowsConfiguration(provision_vm_agent=True)))
    vm.instance_view = VirtualMachineInstanceView(computer_name="web01")
    return vm


def test_the_recorded_model_leaves_out_the_admin_password_and_the_instance_view_and_keeps_the_vm_as_it_was():
    vm = _vm()
    view = vm.instance_view
    model, redactions = P.recorded_model(vm)
    assert model["properties"]["osProfile"] == {"computerName": "web01", "adminUsername": "azureuser",
                                                "windowsConfiguration": {"provisionVMAgent": True}}
    assert "instanceView" not in model["properties"]
    # the password is left out, not redacted: no trace of it, not even a redaction naming where it was
    assert redactions == [] and "Canary-Pw-1!" not in json.dumps(model)
    assert vm.instance_view is view and vm.os_profile.admin_password == "Canary-Pw-1!"  # the VM is untouched


def test_a_model_without_an_os_profile_is_recorded_as_it_is():
    model, redactions = P.recorded_model(VirtualMachine(location="westeurope"))
    assert model == {"location": "westeurope"} and redactions == []


# -- comparing two models -----------------------------------------------------------------------------------
@pytest.mark.parametrize("recorded, current, changes", [
    ({"a": [{"b": 1}, {"b": 2}]}, {"a": [{"b": 1}, {"b": 3}]}, ["a[1].b"]),
    ({"a": [1, 2]}, {"a": [2, 1]}, ["a[0]", "a[1]"]),
    ({"a": [1]}, {"a": [1, 2]}, ["a[1]"]),
    ({"id": "/Subscriptions/X/VM"}, {"id": "/subscriptions/x/vm"}, []),   # ids compare without case
    ({"disk": {"id": "/A"}, "lun": 0}, {"disk": {"id": "/a"}, "lun": 0}, []),
    ({"name": "Web01"}, {"name": "web01"}, ["name"]),                     # other strings with it
    ({"grid": 5}, {"grid": 5}, []),
    ({"etag": "1", "properties": {"provisioningState": "Updating", "instanceView": {"x": 1}}},
     {"etag": "2", "properties": {"provisioningState": "Succeeded"}}, []),  # what changes by itself
])
def test_model_changes_names_each_path_that_differs(recorded, current, changes):
    assert P.model_changes(recorded, current) == changes


# -- the article rows of one plan ---------------------------------------------------------------------------
@pytest.mark.parametrize("path_name, steps", [("recreate", recreate.RECREATE_PATH), ("rescue", rescue.RESCUE_PATH)])
def test_article_rows_give_each_steps_performers_or_why_none(path_name, steps):
    rows = P.article_rows(path_name, steps)
    assert [set(r) for r in rows] == [{"article", "text", "steps", "note"}] * 12
    assert [r["text"] for r in rows] == [P.ARTICLE_STEPS[n] for n in range(1, 13)]
    for row in rows:
        if row["steps"]:
            assert row["note"] == ""
        elif row["article"] in P.NOT_AUTOMATED:
            assert row["note"] == P.NOT_AUTOMATED[row["article"]]
        else:
            assert row["note"] == P.OTHER_PATH[path_name]


def test_article_rows_of_an_unknown_path_have_no_note_but_the_reason_a_step_is_not_automated():
    rows = P.article_rows("other", ())
    assert [r["note"] for r in rows] == ["" if n not in P.NOT_AUTOMATED else P.NOT_AUTOMATED[n] for n in range(1, 13)]


# -- where and how a plan is saved --------------------------------------------------------------------------
@pytest.mark.parametrize("journal_file, expected", [
    (os.path.join("runs", "rg", "web01.json"), os.path.join("runs", "rg", "web01.plan-0123abcd.json")),
    (os.path.join("runs", "rg", "web01"), os.path.join("runs", "rg", "web01.plan-0123abcd.json")),
    (os.path.join("runs", "rg", "web01.JSON"), os.path.join("runs", "rg", "web01.JSON.plan-0123abcd.json")),
])
def test_a_plan_is_saved_beside_the_journal_named_by_the_runs_first_eight(journal_file, expected):
    assert P.plan_path(journal_file, RUN) == expected


def test_a_saved_plan_is_written_atomically_readable_and_names_its_file(tmp_path, monkeypatch):
    path = str(tmp_path / "web01.plan-0123abcd.json")
    written = []
    real = P.write_atomically
    monkeypatch.setattr(P, "write_atomically", lambda *a, **k: written.append((a, k)) or real(*a, **k))
    plan = {"kind": P.KIND, "version": P.VERSION, "runId": RUN, "steps": [{"name": "s"}]}
    out = P.save(plan, path)
    assert out == dict(plan, planFile=path) and "planFile" not in plan
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert text == json.dumps(out, indent=2)  # indented: a plan is read and reviewed before it is applied
    assert written[0][1] == {"prefix": ".plan-"}  # the temporary file is hidden, not a *.json a listing takes
    assert P.load(path) == out


# -- every way a plan file is refused -----------------------------------------------------------------------
def test_a_missing_plan_file_is_refused_naming_it_and_why(tmp_path):
    path = str(tmp_path / "gone.json")
    with pytest.raises(JournalError) as exc:
        P.load(path)
    assert str(exc.value) == "plan {} cannot be read: No such file or directory".format(path)


def test_a_plan_path_is_read_with_the_home_directory_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "p.json").write_text(json.dumps({"kind": P.KIND, "version": P.VERSION}), encoding="utf-8")
    assert P.load("~/p.json") == {"kind": P.KIND, "version": P.VERSION}


def test_an_unreadable_path_without_an_os_reason_names_the_error(monkeypatch):
    def refuse(*_a, **_k):
        raise OSError("device gone")
    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(JournalError, match=r"^plan p\.json cannot be read: device gone$"):
        P.load("p.json")


def test_a_plan_file_that_is_not_json_is_refused_with_the_parsers_words(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(JournalError) as exc:
        P.load(str(path))
    assert str(exc.value) == ("plan {} is not readable JSON: Expecting property name enclosed in double quotes: "
                              "line 1 column 2 (char 1)".format(path))


@pytest.mark.parametrize("doc", [[1, 2], {"kind": "vmbootfix-journal", "version": 1}, {}])
def test_a_json_file_that_is_not_a_plan_is_refused(tmp_path, doc):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(JournalError) as exc:
        P.load(str(path))
    assert str(exc.value) == '{} is not a repair plan (no "kind": "vmbootfix-plan")'.format(path)


def test_a_plan_of_another_version_is_refused_naming_both(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"kind": P.KIND, "version": 7}), encoding="utf-8")
    with pytest.raises(JournalError) as exc:
        P.load(str(path))
    assert str(exc.value) == "plan {} has version 7, this extension reads 1".format(path)


# -- the plan document --------------------------------------------------------------------------------------
def test_the_plan_document_holds_what_it_was_made_from_and_the_engines_description():
    described = {"runId": RUN, "steps": [{"name": "s"}], "notCarried": ["the engine's copy"]}
    doc = P.document(described, "sub", {"name": "web01"}, {"path": "recreate"}, {"id": "/vm"},
                     [{"path": "x", "kind": "secret-named field"}], [{"path": "p", "why": "w"}])
    created = doc.pop("createdAt")
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", created)
    assert doc == {"kind": "vmbootfix-plan", "version": 1, "subscription": "sub", "facts": {"name": "web01"},
                   "params": {"path": "recreate"}, "model": {"id": "/vm"},
                   "redacted": [{"path": "x", "kind": "secret-named field"}], "notCarried": [{"path": "p", "why": "w"}],
                   "runId": RUN, "steps": [{"name": "s"}]}
