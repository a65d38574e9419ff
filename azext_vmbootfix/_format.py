"""Table transformers for ``-o table``."""
from collections import OrderedDict


def transform_article(result):
    if isinstance(result, list):
        return [OrderedDict([("ArticleId", r["articleId"]), ("Title", r["title"])]) for r in result]
    return OrderedDict([("ArticleId", result["articleId"]), ("Title", result["title"]),
                        ("VM", result["vmName"]), ("Format", result["format"])])


def transform_diagnose(result):
    """Rows a person reads top to bottom: the verdict, the evidence, the images, the next commands.
    Several VMs (--ids) give one verdict row each."""
    if isinstance(result, list):
        return [OrderedDict([("VM", (r.get("vm") or {}).get("name")),
                             ("ResourceGroup", (r.get("vm") or {}).get("resourceGroup")),
                             ("ArticleId", r.get("articleId") or "-"), ("OsState", r.get("osState")),
                             ("Confidence", "{:.2f}".format(r.get("confidence") or 0)),
                             ("Images", len(r.get("images") or []))]) for r in result]
    rows = []

    def row(what, detail, weight=""):
        rows.append(OrderedDict([("Item", what), ("Detail", detail), ("Weight", weight)]))

    vm = result.get("vm") or {}
    verdict = result.get("articleId") or "no known boot error"
    row("verdict", "{} - {} (confidence {:.2f}, {})".format(verdict, result.get("title"),
                                                            result.get("confidence") or 0, result.get("osState")))
    if vm:
        row("vm", "{} in {}: {}, agent {}".format(vm.get("name"), vm.get("resourceGroup"), vm.get("powerState"),
                                                   vm.get("agentStatus") or "n/a (not running)"))
    for e in result.get("evidence", []):
        weight = e.get("weight")
        row(e.get("signal"), e.get("observed"), "{:+.2f}".format(weight) if weight else "")
    for image in result.get("images", []):
        row("image", "{} ({}, {}, linked by {})".format(image.get("name"), image.get("kind"), image.get("osState"),
                                                       image.get("link")))
    for step in result.get("nextSteps", []):
        row("next", step)
    return rows


def transform_repair(result):
    """One row per step: the plan (dry run) or the journal's state."""
    if result.get("dryRun"):
        return [OrderedDict([("Step", s["step"]), ("Name", s["name"]), ("Creates", ", ".join(s["creates"])),
                             ("Changes", ", ".join(s["changes"])), ("Description", s["description"])])
                for s in result["plan"]["steps"]]
    return [OrderedDict([("Step", i), ("Name", s["name"]), ("State", s["state"]), ("Error", s.get("error") or "")])
            for i, s in enumerate(result.get("steps", []), 1)]


def transform_scan(result):
    """One row per VM, most severe first (the rows already come in that order). Plain dicts, not
    OrderedDicts (a scan has thousands of rows): knack keeps a transformed row's key order."""
    return [{"Verdict": r["verdict"], "VM": r["name"], "ResourceGroup": r["resourceGroup"],
             "Power": r.get("powerState") or "-", "ArticleId": r.get("articleId") or "-",
             "Confidence": "{:.2f}".format(r["confidence"]) if r.get("confidence") is not None else "-",
             "Next": r.get("next") or "-"} for r in result["vms"]]
