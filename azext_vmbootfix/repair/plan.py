"""The plan as a saved object (Terraform's plan and apply).

``repair --dry-run`` writes a plan file next to the journals; ``repair --plan FILE`` applies exactly that plan
(the same run id, so the same resource names, the same parameters) and refuses if the VM changed since: the
plan records the VM's model as it was read, and :func:`model_changes` compares it with the VM now. Without
``--plan`` a plan is made and applied in one go.

A plan file holds: its ``kind`` and ``version``; the run id; subscription, group and VM; the path
(``recreate`` or ``rescue``) and its parameters; the VM's :data:`FACT_KEYS` (``facts``: the same shape for a new
run and a resume, kept in the journal too); the VM's model (secrets redacted, see :func:`recorded_model`) and
what was redacted; what of the model the run will not carry over and why (:func:`.carry.not_carried`); and
every step with the article steps it performs and what it reads, creates, changes and keeps (resource names).

:data:`ARTICLE_STEPS` and :func:`article_table` map the article's steps 1-12 to the steps that perform them,
or to the reason a step is not automated (:data:`NOT_AUTOMATED`).
"""
import json
import os
import re

from azext_vmbootfix.redact import scrub
from azext_vmbootfix.repair.journal import JournalError, now, write_atomically

KIND = "vmbootfix-plan"
VERSION = 1

# The article's steps (OSStartUp-OOBE), in short.
ARTICLE_STEPS = {
    1: "Delete the VM, keeping the disks",
    2: "Find the image of the prior capture",
    3: "Create the VM from that image",
    4: "Connect (RDP) to see if it is fixed",
    5: "Save a copy of the OS disk",
    6: "Nested VM: finish the Sysprep wizard on the copy",
    7: "Ensure the nested VM is up and answers RDP",
    8: "Enable the serial console (optional)",
    9: "bcdedit /enum: the Windows Boot Loader id",
    10: "bcdedit: EMS on, boot menu, EMS settings",
    11: "Detach the copy and swap it in as the OS disk",
    12: "Ensure the VM answers RDP",
}
# Article steps no step performs, with the reason.
NOT_AUTOMATED = {
    7: "No nested VM is booted: the answer file finishes OOBE at the VM's own next boot, which verify-boot "
       "checks (article step 12).",
}
# The VM facts a run keeps (evidence.vm_facts' names): one shape in a plan, a new run and a resume.
FACT_KEYS = ("id", "name", "resourceGroup", "location", "vmSize", "osType", "osDiskId", "osDiskName", "nicIds",
             "zones", "hyperVGeneration", "securityType", "adminUsername", "powerState", "osStateGeneralized")
# Parts of a VM's model that change without anyone changing the VM (not compared by model_changes).
_VOLATILE = re.compile(r"^(etag|properties\.provisioningState|properties\.instanceView(\..*)?)$")


def facts_of(facts):
    """The :data:`FACT_KEYS` of ``facts`` (evidence.vm_facts' answer); missing ones are None."""
    return {k: facts.get(k) for k in FACT_KEYS}


def recorded_model(vm):
    """``(model, redactions)``: the VM's model as JSON (read-only properties included, no instance view, no
    admin password), with every secret replaced (redact.scrub)."""
    view, vm.instance_view = vm.instance_view, None
    try:
        model = vm.serialize(keep_readonly=True)
    finally:
        vm.instance_view = view
    (model.get("properties", {}).get("osProfile") or {}).pop("adminPassword", None)
    return scrub(model)


def _flat(doc, prefix=""):
    if isinstance(doc, dict):
        out = {}
        for key, value in doc.items():
            out.update(_flat(value, "{}.{}".format(prefix, key) if prefix else key))
        return out
    if isinstance(doc, list):
        out = {}
        for i, value in enumerate(doc):
            out.update(_flat(value, "{}[{}]".format(prefix, i)))
        return out
    return {prefix: doc.lower() if isinstance(doc, str) and prefix.endswith("id") else doc}


def model_changes(recorded, current):
    """The dotted paths whose value differs between two recorded models (volatile parts left out)."""
    a = {k: v for k, v in _flat(recorded).items() if not _VOLATILE.match(k)}
    b = {k: v for k, v in _flat(current).items() if not _VOLATILE.match(k)}
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def article_table(paths):
    """One row per article step: the steps of each path that perform it, or why it is not automated."""
    rows = []
    for number, text in sorted(ARTICLE_STEPS.items()):
        row = {"article": number, "text": text}
        for path_name, steps in paths.items():
            row[path_name] = [cls.name for cls in steps if number in cls.article]
        if number in NOT_AUTOMATED:
            row["notAutomated"] = NOT_AUTOMATED[number]
        rows.append(row)
    return rows


OTHER_PATH = {"recreate": "done by the rescue path (repair --rescue), if the recreated VM does not boot",
              "rescue": "done by the recreate path, which needs an image captured from the VM"}


def article_rows(path_name, steps):
    """The article table for one plan: each article step with the plan's steps that perform it, or why none."""
    rows = []
    for row in article_table({path_name: steps}):
        names = row[path_name]
        rows.append({"article": row["article"], "text": row["text"], "steps": names,
                     "note": "" if names else row.get("notAutomated") or OTHER_PATH.get(path_name, "")})
    return rows


def article_label(numbers):
    """``(2, 3)`` -> ``"2-3"``, ``(8, 9, 10)`` -> ``"8-10"``, ``(1,)`` -> ``"1"``, ``()`` -> ``"-"``."""
    numbers = sorted(numbers or ())
    if not numbers:
        return "-"
    if numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 1:
        return "{}-{}".format(numbers[0], numbers[-1])
    return ",".join(str(n) for n in numbers)


def plan_path(journal_file, run_id):
    """Where a plan is saved: beside the VM's journal, ``<vm>.plan-<run8>.json``."""
    base = journal_file[:-len(".json")] if journal_file.endswith(".json") else journal_file
    return "{}.plan-{}.json".format(base, run_id.replace("-", "")[:8])


def save(plan, path):
    plan = dict(plan, planFile=path)
    write_atomically(path, json.dumps(plan, indent=2), prefix=".plan-")
    return plan


def load(path):
    """A saved plan; a clean JournalError naming the file when it is not one."""
    try:
        with open(os.path.expanduser(path), encoding="utf-8") as fh:
            plan = json.load(fh)
    except OSError as exc:
        raise JournalError("plan {} cannot be read: {}".format(path, exc.strerror or exc)) from exc
    except ValueError as exc:
        raise JournalError("plan {} is not readable JSON: {}".format(path, exc)) from exc
    if not isinstance(plan, dict) or plan.get("kind") != KIND:
        raise JournalError("{} is not a repair plan (no \"kind\": \"{}\")".format(path, KIND))
    if plan.get("version") != VERSION:
        raise JournalError("plan {} has version {}, this extension reads {}".format(path, plan.get("version"),
                                                                                   VERSION))
    return plan


def document(described, subscription, facts, params, model, redacted, not_carried):
    """The plan file's content: the engine's description of the plan and what it was made from."""
    return dict(kind=KIND, version=VERSION, createdAt=now(), subscription=subscription, facts=facts,
                params=params, model=model, redacted=redacted, notCarried=not_carried, **described)
