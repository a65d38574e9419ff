"""Classify a Windows VM's boot state from collected signals (pure functions).

``classify(signals)`` takes what the evidence collectors gathered and returns
a plain, JSON-able verdict::

    {"articleId": "OSStartUp-OOBE" | ... | None,
     "title": str,
     "confidence": float,          # 0..1, two decimals
     "osState": str,               # see OS_STATES
     "evidence": [{"signal", "observed", "source", "weight", "matched"}],
     "alternatives": [{"articleId", "osState", "title", "score"}]}

Input keys (all optional): ``screen_text``, ``screen_error``, ``serial_log``,
``power_state``, ``provisioning_state``, ``os_state_generalized``,
``agent_status``, ``agent_message``, ``agent_last_heartbeat``, ``os_type``,
``boot_diagnostics_enabled``, ``images``.

The knowledge lives in the catalog (``catalog/*.json``, read by :mod:`catalog`); this module only
applies it.  A signature's phrases are its own plus its ``group``'s; a signature with ``codes`` (a stop
or status code) fires only when one of its codes is on screen, so the same stop screen with another code
goes to another article; phrases in Japanese are only tried on text that holds Japanese characters.

How confidence is calibrated
----------------------------
* The screenshot is the strongest signal.  Each signature's matching phrases
  combine as a noisy-OR: ``score = 1 - prod(1 - weight_i * match_i)``.  One
  exact strong phrase (weight 0.9-0.95) gives ~0.9; a weak phrase alone
  ("Hi there", 0.6) stays near 0.6; several agreeing phrases approach 1.
  A signature "fires" at ``thresholds.fire`` (0.5).
* The other signals then add signed weights (``defaultWeights`` overridden
  per signature by ``weights``): a guest agent that is Not Ready while the VM
  runs supports OOBE (+0.1), a Ready agent contradicts any boot error (-0.3),
  a screenshot of a VM that is not running may be stale (-0.1).  The sum is
  clipped to ``rules.maxConfidence`` (0.99): we never claim certainty.
* ``OSState/generalized`` from the API is a fact, not a guess: the verdict
  is ``generalized-by-api`` at 0.9 (+0.05 if a generalized image exists).
* Without a readable screen, a running VM whose agent is Not Ready is only a
  *suspicion* of OOBE: osState ``unknown``, confidence at most 0.5.
* Nothing recognised: articleId None, osState ``unknown``, confidence 0.

OS_STATES documents every ``osState`` value this module returns.
"""

import re

from . import catalog as cat, textmatch
from .screenmatch import (  # noqa: F401  (the screen half, re-exported for callers of classify)
    PhraseHit, SignatureScore, _normalized_phrase, match_phrase, progress_percent, rank_screen, score_signature)

OS_STATES = {
    "running-at-oobe": "Windows booted into the Out-of-Box-Experience and waits for input (in-guest Sysprep, not generalized via the API)",
    "generalized-by-api": "The VM was generalized through the API (OSState/generalized); it cannot start again, recreate it from its image",
    "setup-failed": "Windows mini-setup failed after Sysprep; the image is not deployable",
    "setup-in-progress": "Windows is applying updates, features or an upgrade and shows a progress screen",
    "stop-error": "Windows crashed with a stop error (blue screen)",
    "boot-failed": "The boot loader could not start Windows",
    "recovery-console": "Windows Recovery / Automatic Repair is on screen",
    "disk-check": "Check Disk (chkdsk) runs at boot",
    "safe-mode": "Windows started in Safe Mode",
    "shutting-down": "Windows is shutting down or restarting and does not finish",
    "healthy": "Windows is at its logon or lock screen",
    "not-applicable": "Not a Windows VM; this tool does not apply",
    "unknown": "The signals do not identify a known state",
}

SCREEN_SOURCE = "bootDiagnostics.consoleScreenshot (OCR)"
SERIAL_SOURCE = "bootDiagnostics.serialConsoleLog"


def load_catalog(folder=None):
    """The catalog (see :mod:`catalog`)."""
    return cat.load(folder)


# --------------------------------------------------------------------------
# Evidence helpers


def _evidence(signal, observed, source, weight=0.0, matched=None):
    return {"signal": signal, "observed": observed, "source": source,
            "weight": round(float(weight), 2), "matched": matched}


def _excerpt(text, limit=160):
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[:limit - 3] + "..."


def _lower(value):
    return (value or "").strip().lower()


def _is_running(signals):
    return _lower(signals.get("power_state")).endswith("running")


def _generalized_images(signals):
    return [img for img in signals.get("images") or []
            if _lower(str(img.get("osState"))) == "generalized"]


# --------------------------------------------------------------------------
# Context signals (everything but the screen)


def context_signals(signals, catalog):
    """Return {signal name: evidence dict without weight} for context facts.

    Names match ``defaultWeights`` / per-signature ``weights`` in the catalog.
    """
    found = {}
    agent = _lower(signals.get("agent_status"))
    agent_seen = "agent %s" % (signals.get("agent_status") or "status unknown")
    if signals.get("agent_message"):
        agent_seen += ": %s" % signals["agent_message"]
    if signals.get("agent_last_heartbeat"):
        agent_seen += " (status time %s)" % signals["agent_last_heartbeat"]
    if agent == "ready":
        found["agentReady"] = _evidence("guestAgent", agent_seen, "instanceView.vmAgent")
    elif agent and _is_running(signals):
        found["agentNotReadyWhileRunning"] = _evidence(
            "guestAgent", agent_seen + " while the VM is running", "instanceView.vmAgent")
    power = signals.get("power_state")
    if power and not _is_running(signals):
        found["vmNotRunning"] = _evidence(
            "instanceView", "power state %s: the screenshot may be stale" % power,
            "instanceView.statuses[PowerState]")
    provisioning = _lower(signals.get("provisioning_state"))
    if "timedout" in provisioning.replace(" ", ""):
        found["provisioningTimedOut"] = _evidence(
            "instanceView", "provisioning %s (image not generalized as expected?)" % signals["provisioning_state"],
            "instanceView.statuses[ProvisioningState]")
    elif "failed" in provisioning:
        found["provisioningFailed"] = _evidence(
            "instanceView", "provisioning %s" % signals["provisioning_state"],
            "instanceView.statuses[ProvisioningState]")
    found.update(serial_signals(signals.get("serial_log"), catalog))
    return found


def serial_signals(log, catalog):
    """Named serial-log facts from the catalog's ``serialPatterns``."""
    found = {}
    folded = (log or "").casefold()
    for name, pattern in catalog.get("serialPatterns", {}).items():
        hit = re.search(pattern["regex"], folded, re.MULTILINE)
        if hit:
            found[name] = _evidence("serialLog", pattern["meaning"], SERIAL_SOURCE,
                                    matched=hit.group(0))
    return found


def serial_note(signals):
    """Evidence explaining a missing or empty serial log (weight 0)."""
    log = signals.get("serial_log")
    if log is None:
        return _evidence("serialLog", "serial log not available", SERIAL_SOURCE)
    if not log.strip():
        return _evidence("serialLog", "serial log empty: EMS/SAC is probably disabled, "
                         "so this is not evidence either way", SERIAL_SOURCE)
    return None


def _signature_serial(signature, log):
    """Per-signature serial regexes -> evidence list (with weights)."""
    out = []
    folded = (log or "").casefold()
    for entry in signature.get("serial", []):
        hit = re.search(entry["regex"], folded, re.MULTILINE)
        if hit:
            out.append(_evidence("serialLog", entry.get("note", "pattern found"), SERIAL_SOURCE,
                                 entry.get("weight", 0.0), hit.group(0)))
    return out


def weigh(signature, context, catalog):
    """Attach the signature's weights to context facts; return evidence list."""
    weights = dict(catalog.get("defaultWeights", {}))
    weights.update((signature or {}).get("weights", {}))
    out = []
    for name, item in context.items():
        out.append(dict(item, weight=round(float(weights.get(name, 0.0)), 2)))
    return out


# --------------------------------------------------------------------------
# Verdicts


def _verdict(article_id, title, confidence, os_state, evidence, alternatives=()):
    return {
        "articleId": article_id,
        "title": title,
        "confidence": round(max(0.0, min(1.0, confidence)), 2),
        "osState": os_state,
        "evidence": evidence,
        "alternatives": list(alternatives),
    }


def _signature_by_id(catalog, article_id):
    return cat.find(catalog, article_id)


def _screen_evidence(ranked, limit=4):
    """Evidence entries for the winning signature's phrase hits."""
    top = ranked[0]
    out = [_evidence("screenshot", "screen shows %r" % hit.shown, SCREEN_SOURCE,
                     hit.contribution, hit.matched) for hit in top.hits[:limit]]
    out += [_evidence("screenshot", "screen also shows %r, which points elsewhere" % veto.shown,
                      SCREEN_SOURCE, -veto.contribution, veto.matched) for veto in top.vetoes]
    return out


def _alternatives(ranked, skip, floor=0.2):
    return [{"articleId": s.signature["articleId"], "osState": s.signature["osState"],
             "title": s.signature["title"], "score": round(s.score, 2)}
            for s in ranked if s is not skip and s.score >= floor][:3]


def read_screen(signals, catalog):
    """Return (ranked signature scores or [], evidence about the screen)."""
    text = signals.get("screen_text")
    min_chars = catalog["thresholds"].get("minScreenChars", 4)
    if text is None:
        reason = signals.get("screen_error") or "no screenshot text"
        if signals.get("boot_diagnostics_enabled") is False:
            reason = "boot diagnostics is disabled: no screenshot"
        return [], [_evidence("screenshot", "not read: %s" % reason, SCREEN_SOURCE)]
    if len(textmatch.normalize(text).replace(" ", "")) < min_chars:
        return [], [_evidence("screenshot", "screen is blank or has no readable text", SCREEN_SOURCE)]
    return rank_screen(text, catalog), []


def classify(signals, catalog=None):
    """Classify the VM's boot state; see the module docstring."""
    catalog = catalog or load_catalog()
    signals = signals or {}
    rules = catalog["rules"]
    os_type = _lower(signals.get("os_type"))
    ranked, screen_notes = read_screen(signals, catalog)
    context = context_signals(signals, catalog)
    notes = screen_notes + [n for n in [serial_note(signals)] if n]
    fire = catalog["thresholds"]["fire"]
    if os_type and os_type in rules["notApplicable"]["osTypes"]:
        if ranked and ranked[0].score >= fire and \
                ranked[0].signature.get("family") == rules["notApplicable"].get("unlessFamily"):
            return _screen_verdict(signals, catalog, ranked, context, [])
        return _verdict(None, "Not a Windows VM", rules["notApplicable"]["confidence"], "not-applicable",
                        [_evidence("instanceView", "osType %s" % signals["os_type"], "storageProfile.osDisk.osType")])

    if signals.get("os_state_generalized"):
        return _generalized_verdict(signals, catalog, ranked, notes)
    if ranked and ranked[0].score >= fire:
        return _screen_verdict(signals, catalog, ranked, context, notes)
    if ranked:
        notes.append(_evidence("screenshot", "unrecognised screen: %r" % _excerpt(signals["screen_text"]),
                               SCREEN_SOURCE))
    if "agentNotReadyWhileRunning" in context:
        return _suspicion_verdict(signals, catalog, bool(ranked), context, notes, ranked)
    if "agentReady" in context and not ranked:
        rule = rules["agentReadyNoScreen"]
        evidence = notes + [dict(context["agentReady"], weight=rule["confidence"])]
        evidence += [dict(e, weight=0.0) for name, e in context.items() if name != "agentReady"]
        return _verdict(rule["articleId"], "Guest agent is Ready: Windows booted", rule["confidence"],
                        rule["osState"], evidence)
    evidence = notes + weigh(None, context, catalog)
    return _verdict(None, "No known boot screen recognised", 0.0, "unknown", evidence,
                    _alternatives(ranked, None) if ranked else [])


def _screen_verdict(signals, catalog, ranked, context, notes):
    top = ranked[0]
    sig = top.signature
    evidence = _screen_evidence(ranked)
    evidence += weigh(sig, context, catalog)
    evidence += _signature_serial(sig, signals.get("serial_log"))
    confidence = top.score + sum(e["weight"] for e in evidence if e["signal"] != "screenshot")
    confidence = min(confidence, catalog["rules"]["maxConfidence"])
    return _verdict(sig["articleId"], sig["title"], confidence, sig["osState"], evidence + notes,
                    _alternatives(ranked, top))


def _generalized_verdict(signals, catalog, ranked, notes):
    rule = catalog["rules"]["generalizedByApi"]
    sig = _signature_by_id(catalog, rule["articleId"])
    evidence = [_evidence("instanceView", "OSState/generalized: the VM was generalized through the API and "
                          "cannot start; recreate it from its image (article steps 1-3)",
                          "instanceView.statuses[OSState]", rule["confidence"])]
    confidence = rule["confidence"]
    images = _generalized_images(signals)
    if images:
        confidence += rule["generalizedImageBonus"]
        evidence.append(_evidence("images", "%d generalized image(s) found to recreate the VM from" % len(images),
                                  "images", rule["generalizedImageBonus"]))
    elif signals.get("images") is not None:
        evidence.append(_evidence("images", "no generalized image found for this VM", "images"))
    if ranked and ranked[0].score >= catalog["thresholds"]["fire"]:
        seen = ranked[0].signature
        evidence.append(_evidence("screenshot", "last screenshot matches %s (predates the generalize call; "
                                  "the API state decides)" % (seen["articleId"] or seen["osState"]),
                                  SCREEN_SOURCE, 0.0, ranked[0].hits[0].matched))
    return _verdict(sig["articleId"], sig["title"], min(confidence, catalog["rules"]["maxConfidence"]),
                    rule["osState"], evidence + notes)


def _suspicion_verdict(signals, catalog, screen_was_read, context, notes, ranked):
    rule = catalog["rules"]["oobeSuspicion"]
    sig = _signature_by_id(catalog, rule["articleId"])
    base = rule["unreadableScreen"] if screen_was_read else rule["noScreen"]
    evidence = [dict(context["agentNotReadyWhileRunning"], weight=base)]
    if "provisioningTimedOut" in context:
        evidence.append(dict(context["provisioningTimedOut"], weight=rule["provisioningTimeoutBonus"]))
    if _generalized_images(signals):
        evidence.append(_evidence("images", "a generalized image exists (the VM may come from an in-guest Sysprep)",
                                  "images", rule["generalizedImageBonus"]))
    others = {k: v for k, v in context.items() if k not in ("agentNotReadyWhileRunning", "provisioningTimedOut")}
    evidence += [dict(e, weight=0.0) for e in others.values()]
    confidence = min(sum(e["weight"] for e in evidence), rule["cap"])
    return _verdict(sig["articleId"], sig["title"] + " (suspected, no screen evidence)", confidence,
                    rule["osState"], evidence + notes, _alternatives(ranked, None) if ranked else [])
