"""The plan as a saved object (azext_vmbootfix/repair/plan.py) through the repair command's own code
(repair.cli) on the in-process fake: --dry-run saves it, --plan applies exactly it (same run id, so the
resource names shown are the ones created) and refuses a VM changed since; the article table; the tables'
width."""
import json
import os

import pytest
from azure.cli.core import azclierror
from knack.output import format_table
from knack.util import CommandResultItem

from azext_vmbootfix._format import transform_repair
from azext_vmbootfix.repair import cli as rc
from azext_vmbootfix.repair import carry
from azext_vmbootfix.repair import plan as P
from azext_vmbootfix.repair import recreate, rescue
from azext_vmbootfix.repair.journal import Journal
from repairkit import PASSWORD
from test_preflight import _Cmd, state, wired  # noqa: F401  (wired is a fixture)

PATHS = {"recreate": recreate.RECREATE_PATH, "rescue": rescue.RESCUE_PATH}


# -- the article's steps ----------------------------------------------------------------------------------
def test_every_article_step_is_performed_by_a_step_or_says_why_it_is_not_automated():
    performed = {n for steps in PATHS.values() for cls in steps for n in cls.article}
    assert performed <= set(P.ARTICLE_STEPS), "a step names an article step that does not exist"
    for number in P.ARTICLE_STEPS:
        assert (number in performed) != (number in P.NOT_AUTOMATED), \
            "article step {} must be performed by a step or have a reason, not both".format(number)
    table = P.article_table(PATHS)
    assert [r["article"] for r in table] == list(range(1, 13))
    assert table[0]["recreate"] == ["keep-disks-and-nics", "delete-vm"] and table[0]["rescue"] == []
    assert table[10]["rescue"] == ["deallocate-vm", "detach-copy", "swap-os-disk"]
    assert table[6]["notAutomated"] == P.NOT_AUTOMATED[7] and table[6]["recreate"] == table[6]["rescue"] == []
    rows = P.article_rows("recreate", recreate.RECREATE_PATH)
    assert [bool(r["steps"]) for r in rows] == [True] * 5 + [False] * 7  # 1-5 (5: the backup), not 6-12
    assert all(r["note"] for r in rows if not r["steps"]) and rows[6]["note"] == P.NOT_AUTOMATED[7]


@pytest.mark.parametrize("numbers,label", [((), "-"), ((1,), "1"), ((2, 3), "2-3"), ((10, 8, 9), "8-10"),
                                           ((1, 5), "1,5")])
def test_article_labels(numbers, label):
    assert P.article_label(numbers) == label


# -- --dry-run saves the plan, --plan applies exactly it -------------------------------------------------------
def _created_names(plan):
    return [c.split(" ", 1)[1].split(" ")[0] for s in plan["steps"] for c in s["creates"] if " " in c]


def test_dry_run_saves_the_plan_and_plan_applies_it_creating_the_names_it_showed(wired):
    h, journal = wired("generalized-by-api")
    before = state(h.cloud)
    dry = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, dry_run=True)
    assert state(h.cloud) == before and not journal.exists()
    saved = P.load(dry["planFile"])
    assert os.path.dirname(dry["planFile"]) == os.path.dirname(str(journal))  # beside the journals
    assert saved["runId"] == dry["plan"]["runId"] and saved["steps"] == dry["plan"]["steps"]
    assert saved["model"]["id"].lower() == h.original.id.lower() and "instanceView" not in saved["model"]["properties"]
    assert set(saved["facts"]) == set(P.FACT_KEYS) and saved["params"]["imageName"] == "app01-image"
    assert [s["article"] for s in saved["steps"]] == [[], [1], [5], [1], [2, 3], [4], [], []]
    assert [r["article"] for r in dry["articleSteps"]] == list(range(1, 13))
    names = _created_names(saved)
    assert len(names) == 2 and all(saved["runId"].replace("-", "")[:8] in n for n in names)
    again = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, dry_run=True)
    assert again["plan"]["runId"] != saved["runId"]  # each plan draws its own run id ...
    out = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, plan_file=dry["planFile"], yes=True,
                    admin_password=PASSWORD)
    assert out["status"] == "succeeded" and out["runId"] == saved["runId"]  # ... and applying one keeps it
    assert out["notCarried"] == saved["notCarried"] and out["notCarried"]  # named in the final output too
    assert Journal.load(str(journal)).data["planFile"] == dry["planFile"]
    existing = {k.rsplit("/", 1)[-1] for k in list(h.cloud.compute.snapshots) + list(h.cloud.compute.disks)}
    assert set(n.lower() for n in names) <= existing, "the run created other names than the plan showed"


def test_a_plan_is_refused_when_the_vm_changed_since(wired):
    h, journal = wired("generalized-by-api")
    dry = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, dry_run=True)
    vm = h.compute.virtual_machines.get(h.rg, h.name)
    vm.tags = dict(vm.tags or {}, owner="someone-else")
    h.compute.virtual_machines.begin_create_or_update(h.rg, h.name, vm).result()
    before = state(h.cloud)
    with pytest.raises(azclierror.ValidationError) as info:
        rc.repair(_Cmd, h.rg, h.name, keep_disks=True, plan_file=dry["planFile"], yes=True, admin_password=PASSWORD)
    assert "changed since the plan" in info.value.error_msg and "tags.owner" in info.value.error_msg
    assert "nothing was changed" in info.value.error_msg and "--dry-run" in info.value.recommendations[0]
    assert state(h.cloud) == before and not journal.exists()


def test_a_plan_for_another_vm_or_not_a_plan_is_refused(wired, tmp_path):
    h, journal = wired("generalized-by-api")
    dry = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, dry_run=True)
    with pytest.raises(azclierror.InvalidArgumentValueError, match="is for VM app01 in rg-gen"):
        rc.repair(_Cmd, h.rg, "other", keep_disks=True, plan_file=dry["planFile"], yes=True)
    bogus = tmp_path / "bogus.json"
    bogus.write_text(json.dumps({"kind": "something"}), encoding="utf-8")
    with pytest.raises(azclierror.FileOperationError, match="is not a repair plan"):
        rc.repair(_Cmd, h.rg, h.name, keep_disks=True, plan_file=str(bogus), yes=True)
    with pytest.raises(azclierror.MutuallyExclusiveArgumentError):
        rc.repair(_Cmd, h.rg, h.name, keep_disks=True, plan_file=dry["planFile"], rescue=True)
    assert not journal.exists()


def test_the_plan_lists_what_of_the_vm_model_is_not_carried_over(wired):
    h, _ = wired("generalized-by-api")
    dry = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, dry_run=True)
    fields = {n["field"]: n["reason"] for n in dry["notCarried"]}
    carried = ("properties.hardwareProfile.vmSize", "location", "properties.storageProfile.dataDisks")
    assert not [f for f in fields if f.startswith(carried)]
    model = P.load(dry["planFile"])["model"]
    assert "properties.osProfile.windowsConfiguration" not in fields  # carried (repair/carry.py's table)
    model["properties"]["somethingNew"] = "x"  # a property the table does not know is named, never hidden
    assert {"field": "properties.somethingNew", "reason": "not known to vmbootfix: not carried"} in \
        carry.not_carried(model)
    assert carry.not_carried(model, "rescue") == []  # the rescue path keeps the VM itself


def test_model_changes_ignore_what_changes_by_itself():
    a = {"etag": "1", "properties": {"provisioningState": "Succeeded", "vmId": "x", "osDisk": {"id": "/A/b"}}}
    b = {"etag": "2", "properties": {"provisioningState": "Updating", "vmId": "x", "osDisk": {"id": "/a/B"}}}
    assert P.model_changes(a, b) == []
    b["properties"]["vmId"] = "y"
    assert P.model_changes(a, b) == ["properties.vmId"]


# -- -o table fits a 120-column terminal -------------------------------------------------------------------
def _table(result):
    return format_table(CommandResultItem(result, table_transformer=transform_repair, is_query_active=False))


@pytest.mark.parametrize("scenario,kw", [("generalized-by-api", {"keep_disks": True}),
                                         ("oobe-stuck-no-image", {"rescue": True})])
def test_the_dry_run_and_journal_tables_fit_120_columns_with_an_article_column(wired, scenario, kw):
    h, _ = wired(scenario)
    dry = rc.repair(_Cmd, h.rg, h.name, dry_run=True, **kw)
    text = _table(dry)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 120, text
    assert lines[0].split() == ["#", "Step", "Article", "Creates", "Changes"]
    assert "/subscriptions/" not in text  # names, not ids
    out = rc.repair(_Cmd, h.rg, h.name, yes=True, admin_password=PASSWORD, **kw)
    out["steps"][3]["error"] = "x" * 300  # a long error is cut to its column
    text = _table(out)
    assert max(len(line) for line in text.splitlines()) <= 120, text
    assert text.splitlines()[0].split() == ["#", "Step", "Article", "State", "Error"]


# -- the command the dry run prints is the one that applies the plan ---------------------------------------------
@pytest.mark.parametrize("scenario,kw", [("generalized-by-api", {"keep_disks": True}),
                                         ("oobe-stuck-no-image", {"rescue": True})])
def test_the_apply_command_the_dry_run_prints_applies_the_plan(wired, scenario, kw, caplog):
    import shlex
    h, _ = wired(scenario)
    with caplog.at_level("WARNING"):
        dry = rc.repair(_Cmd, h.rg, h.name, dry_run=True, **kw)
    hint = next(r.getMessage() for r in caplog.records if "apply it with:" in r.getMessage())
    args = shlex.split(hint.split("apply it with:", 1)[1])
    assert args[:4] == ["az", "vm", "boot-fix", "repair"]
    assert args[args.index("--plan") + 1] == dry["planFile"]
    given = {"keep_disks": "--keep-disks" in args}
    out = rc.repair(_Cmd, args[args.index("-g") + 1], args[args.index("-n") + 1], plan_file=dry["planFile"],
                    yes=True, admin_password=PASSWORD, **given)
    assert out["status"] == "succeeded" and out["runId"] == dry["plan"]["runId"]
