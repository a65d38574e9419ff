"""``az vm boot-fix diagnose``: evidence in, verdict out (the classification is :mod:`classify`)."""
from azext_vmbootfix import article, classify, nextsteps

NOT_APPLICABLE_LINUX = "Linux VM: this tool diagnoses Windows boot errors only"
NOT_APPLICABLE_UNMANAGED = "unmanaged (VHD) OS disk: this tool supports managed disks only"


def signals_from(collected):
    vm = collected["vm"]
    diag = collected.get("bootDiagnostics") or {}
    return {
        "screen_text": diag.get("screenText"), "screen_error": diag.get("screenError"),
        "serial_log": diag.get("serialLog"), "power_state": vm["powerState"],
        "provisioning_state": vm["provisioningState"], "os_state_generalized": vm["osStateGeneralized"],
        "agent_status": vm["agentStatus"], "agent_message": vm["agentMessage"],
        "agent_last_heartbeat": vm["agentTime"], "os_type": vm["osType"],
        "boot_diagnostics_enabled": vm["bootDiagnosticsEnabled"],
        "images": [{"osState": i["osState"], "name": i["name"]} for i in collected.get("images", [])],
    }


def verdict_for_vm(collected):
    """The full diagnose output for a VM read from Azure."""
    vm = collected["vm"]
    if not vm["managedDisks"] and (vm["osType"] or "").lower() != "linux":
        verdict = {"articleId": None, "title": "Not applicable", "confidence": 1.0, "osState": "not-applicable",
                   "evidence": [{"signal": "instanceView", "observed": NOT_APPLICABLE_UNMANAGED,
                                 "source": "storageProfile.osDisk", "weight": 0.0, "matched": None}],
                   "alternatives": []}
    else:
        verdict = classify.classify(signals_from(collected))
    evidence = list(verdict["evidence"])
    diag = collected.get("bootDiagnostics") or {}
    if vm["bootDiagnosticsEnabled"] is False and (vm["osType"] or "").lower() != "linux":
        evidence.append({"signal": "bootDiagnostics", "observed": "boot diagnostics is disabled: no screenshot "
                         "or serial log; enable it and run diagnose again", "source": "diagnosticsProfile",
                         "weight": 0.0, "matched": None})
    if diag.get("error"):
        evidence.append({"signal": "bootDiagnostics", "observed": diag["error"],
                         "source": "retrieveBootDiagnosticsData", "weight": 0.0, "matched": None})
    watched = collected.get("watch")
    if watched:
        from azext_vmbootfix import watch
        item = watch.evidence(watched)
        evidence.append(item)
        if verdict["articleId"]:
            verdict["confidence"] = round(max(0.0, min(0.99, verdict["confidence"] + item["weight"])), 2)
    for problem in collected.get("problems", []):
        evidence.append({"signal": "images", "observed": problem, "source": "images/galleries", "weight": 0.0,
                         "matched": None})
    out = {
        "vm": {k: vm[k] for k in ("name", "resourceGroup", "id", "location", "powerState", "provisioningState",
                                  "osType", "securityType", "hyperVGeneration", "agentStatus",
                                  "bootDiagnosticsEnabled")},
        "articleId": verdict["articleId"], "title": verdict["title"], "confidence": verdict["confidence"],
        "osState": verdict["osState"], "evidence": evidence,
        "alternatives": verdict.get("alternatives", []),
        "screenshot": _screen_summary(diag),
        "images": collected.get("images", []),
    }
    out["article"] = _article(verdict["articleId"], vm["name"])
    out["nextSteps"] = nextsteps.for_verdict(out, vm)
    if watched:
        out["watch"] = watched
        out["nextSteps"] = nextsteps.for_watch(watched, vm) + out["nextSteps"]
    if "saved" in collected:
        out["savedFiles"] = collected["saved"]
    return out


class UnreadableScreenshot(ValueError):
    """The offline screenshot is not an image that can be decoded."""


def verdict_for_files(screenshot_bytes, serial_log, vm_name=None):
    """The offline diagnose of a screenshot (and serial log) a user downloaded. No Azure call."""
    from azext_vmbootfix.screenread import read_screen
    ocr = read_screen(screenshot_bytes)
    if ocr.bad_image:
        raise UnreadableScreenshot(ocr.error)
    label = vm_name or "[vmname]"
    signals = {"screen_text": ocr.text, "screen_error": ocr.error, "serial_log": serial_log}
    verdict = classify.classify(signals)
    diag = {"screenText": ocr.text, "screenError": ocr.error, "ocrSeconds": ocr.seconds, "screenshot": True,
            "ocrLanguages": list(ocr.languages)}
    out = {"vm": None, "articleId": verdict["articleId"], "title": verdict["title"],
           "confidence": verdict["confidence"], "osState": verdict["osState"], "evidence": verdict["evidence"],
           "alternatives": verdict.get("alternatives", []), "screenshot": _screen_summary(diag), "images": [],
           "article": _article(verdict["articleId"], label), "nextSteps": []}
    if verdict["articleId"]:
        out["nextSteps"] = ["az vm boot-fix diagnose -g <resource-group> -n {}  # adds Azure's signals: instance "
                            "view, guest agent, images".format(vm_name or "<vm-name>")]
    return out


def _screen_summary(diag):
    if not diag:
        return {"read": False, "reason": "not collected"}
    text = diag.get("screenText")
    return {"read": text is not None, "reason": None if text is not None else diag.get("screenError"),
            "ocrSeconds": diag.get("ocrSeconds"), "ocrLanguages": diag.get("ocrLanguages") or [], "text": text}


def _article(article_id, vm_name):
    if not article_id:
        return None
    try:
        rendered = article.render(article_id, vm_name, "markdown")
    except article.ArticleError:
        return None
    return {"articleId": rendered["articleId"], "title": rendered["title"], "content": rendered["content"]}
