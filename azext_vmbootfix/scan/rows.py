"""The scan's output: one slim row per VM, the severity order of ``-o table`` and the summary.

A row holds only what is printed (az serialises the whole result at the end and cannot stream, so 10,000
rows must stay small): ``name, resourceGroup, subscriptionId, powerState, verdict, articleId, confidence,
next, reason``; the texts that repeat from row to row are one string object each. ``verdict`` is a
``diagnose`` osState (:data:`azext_vmbootfix.classify.OS_STATES`) for the VMs that were diagnosed, else one of
the scan's own:

* ``healthy`` -- running, and its guest agent reported the OS (not diagnosed; ``--deep`` would);
* ``not-running`` -- stopped or deallocated: it is not stuck at boot now;
* ``not-applicable`` -- Linux;
* ``error`` -- its evidence could not be read (``reason`` says why).
"""
import sys
from collections import Counter

# most severe first; verdicts not listed sort after these
SEVERITY = ("boot-failed", "stop-error", "setup-failed", "recovery-console", "running-at-oobe",
            "generalized-by-api", "setup-in-progress", "error", "unknown", "not-running", "healthy",
            "not-applicable")
_RANK = {v: i for i, v in enumerate(SEVERITY)}


def _parse_id(rid):
    parts = (rid or "").strip("/").split("/")
    return {k.lower(): v for k, v in zip(parts[0::2], parts[1::2])}


def _shared(text):
    """One string object for every row that holds this text (group and subscription names, power states,
    the reasons of settled rows repeat across thousands of rows)."""
    return sys.intern(text) if isinstance(text, str) else text


def base(vm, power):
    rid = _parse_id(vm.get("id"))
    return {"name": vm.get("name") or rid.get("virtualmachines"),
            "resourceGroup": _shared(vm.get("resourceGroup") or rid.get("resourcegroups")),
            "subscriptionId": _shared(vm.get("subscriptionId") or rid.get("subscriptions")),
            "powerState": _shared(power)}


def settled(vm, power, verdict, reason):
    """The row of a VM decided without diagnosing it."""
    row = base(vm, power)
    row.update(verdict=verdict, articleId=None, confidence=None, next=None, reason=_shared(reason))
    return row


def diagnosed(vm, out, why):
    """The row of a diagnosed VM, from ``diagnose.verdict_for_vm``'s output (which is then dropped)."""
    row = base(vm, (out.get("vm") or {}).get("powerState"))
    steps = [s for s in out.get("nextSteps") or [] if s.startswith("az ")]
    signals = [e for e in out.get("evidence") or [] if e.get("weight")]
    top = max(signals, key=lambda e: abs(e["weight"])) if signals else None
    reason = "{}: {}".format(top.get("signal"), top.get("observed")) if top else why
    row.update(verdict=out.get("osState"), articleId=out.get("articleId"),
               confidence=out.get("confidence"), next=steps[0] if steps else None, reason=_short(reason))
    return row


def failed(vm, power, message):
    row = settled(vm, power, "error", _short(message))
    row["next"] = "az vm boot-fix diagnose -g {} -n {}".format(row["resourceGroup"], row["name"])
    return row


def _short(text, limit=160):
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def severity_key(row):
    return (_RANK.get(row.get("verdict"), len(SEVERITY)), -(row.get("confidence") or 0),
            row.get("subscriptionId") or "", row.get("resourceGroup") or "", row.get("name") or "")


def summary(all_rows, **extra):
    """Counts by verdict (most severe first), plus whatever the runner adds (requests, problems)."""
    counts = Counter(r["verdict"] for r in all_rows)
    ordered = sorted(counts.items(), key=lambda kv: (_RANK.get(kv[0], len(SEVERITY)), kv[0]))
    out = {"vms": len(all_rows), "byVerdict": dict(ordered)}
    out.update(extra)
    return out
