"""Table transformers for ``-o table``."""
import re
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


# Column widths of the repair tables: with knack's separators a row fits a 120-column terminal.
_DRY_WIDTHS = (("#", 2), ("Step", 21), ("Article", 7), ("Creates", 44), ("Changes", 34))
_JOURNAL_WIDTHS = (("#", 2), ("Step", 21), ("Article", 7), ("State", 11), ("Error", 65))


def _fit(text, width):
    text = str(text if text is not None else "")
    return text if len(text) <= width else text[:width - 3] + "..."


_KINDS = {"virtualmachines": "vm", "disks": "disk", "snapshots": "snapshot", "networkinterfaces": "nic",
          "images": "image"}
_ID = re.compile(r"/subscriptions/[^\s,]+/providers/[^\s,]+")


def _short_id(match):
    parts = match.group(0).rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2].lower() in _KINDS:
        return "{} {}".format(_KINDS[parts[-2].lower()], parts[-1])
    return parts[-1]


def _short(item):
    """Every resource id in ``item`` as its type and name (``disk web01-osdisk``, ``vm web01``)."""
    text = _ID.sub(_short_id, str(item or ""))
    return re.sub(r"\b(vm|disk|snapshot|nic) \1 ", r"\1 ", text)


def _row(widths, values):
    return OrderedDict((name, _fit(value, width)) for (name, width), value in zip(widths, values))


def transform_repair(result):
    """One row per step: the plan (dry run) or the journal's state, with the article steps each performs.
    Resource names, not ids, and every cell cut to its column so that the table fits 120 columns."""
    # pylint: disable=import-outside-toplevel
    from azext_vmbootfix.repair.plan import article_label
    if result.get("dryRun"):  # a row per resource a step creates or changes; the step's cells on its first
        rows = []
        for s in result["plan"]["steps"]:
            creates, changes = [_short(c) for c in s["creates"]], [_short(c) for c in s["changes"]]
            for i in range(max(1, len(creates), len(changes))):
                rows.append(_row(_DRY_WIDTHS, (s["step"] if i == 0 else "", s["name"] if i == 0 else "",
                                               article_label(s.get("article")) if i == 0 else "",
                                               creates[i] if i < len(creates) else "",
                                               changes[i] if i < len(changes) else "")))
        return rows
    return [_row(_JOURNAL_WIDTHS, (i, s["name"], article_label(s.get("article")), s["state"], s.get("error") or ""))
            for i, s in enumerate(result.get("steps", []), 1)]


def transform_scan(result):
    """One row per VM, most severe first (the rows already come in that order). Plain dicts, not
    OrderedDicts (a scan has thousands of rows): knack keeps a transformed row's key order."""
    return [{"Verdict": r["verdict"], "VM": r["name"], "ResourceGroup": r["resourceGroup"],
             "Power": r.get("powerState") or "-", "ArticleId": r.get("articleId") or "-",
             "Confidence": "{:.2f}".format(r["confidence"]) if r.get("confidence") is not None else "-",
             "Next": r.get("next") or "-"} for r in result["vms"]]
