"""One candidate: the ``diagnose`` evidence and verdict, slimmed to a row.

The evidence is :func:`azext_vmbootfix.evidence.collect` without its image listing (``with_images=False``):
the images that link to the VM came with the Resource Graph row. For a Windows VM with managed boot
diagnostics that is two ARM requests -- ``GET ...?$expand=instanceView`` and ``retrieveBootDiagnosticsData``
-- plus the SAS downloads: the serial log, and with OCR the screenshot (one, never a second), downloaded and
read with at most one page per core at a time. The verdict is
:func:`azext_vmbootfix.diagnose.verdict_for_vm`, whose output is reduced to a row at once.
"""
import os
import threading

from azext_vmbootfix.scan import rows


def _parse_id(rid):
    parts = (rid or "").strip("/").split("/")
    return {k.lower(): v for k, v in zip(parts[0::2], parts[1::2])}


def images_from_graph(graph_images):
    """Resource Graph's ``images`` column -> the image entries ``diagnose`` uses (one per image id; a link
    through the VM itself wins over one through its disk)."""
    best = {}
    order = {"sourceVirtualMachine": 0, "osDisk": 1, "snapshotOfOsDisk": 2}
    for entry in graph_images or []:
        if not isinstance(entry, dict) or not entry.get("id"):
            continue
        key = entry["id"].lower()
        if key in best and order.get(best[key]["link"], 9) <= order.get(entry.get("link"), 9):
            continue
        p = _parse_id(entry["id"])
        version = "versions" in p
        os_state = entry.get("osState") or None
        best[key] = {"kind": "galleryImageVersion" if version else "managedImage", "id": entry["id"],
                     "name": "{}/{}/{}".format(p.get("galleries"), p.get("images"), p.get("versions"))
                     if version else p.get("images"),
                     "resourceGroup": p.get("resourcegroups"), "link": entry.get("link"), "osState": os_state,
                     "generalized": (os_state or "").lower() == "generalized", "hyperVGeneration": None,
                     "created": entry.get("created") or None, "securityType": None}
    return sorted(best.values(), key=lambda i: i.get("created") or "", reverse=True)


# OCR is CPU-bound (Tesseract): at most one page per core at a time, whatever --max-concurrency is, so
# that many candidates at once do not push each OCR past its timeout. A screenshot (a 2.4 MB bitmap) is held
# from its download to the end of its OCR by one of twice as many slots: the next ones download while the
# cores read, and no more than these wait in memory, however many candidates run at once.
OCR_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))
SCREENSHOT_SLOTS = threading.BoundedSemaphore(2 * max(1, os.cpu_count() or 1))


def diagnose_one(compute, vm, why, read_screenshot=True, http=None):
    """The row of one candidate. Raises what ``evidence.collect`` raises when the VM cannot be read.
    Without OCR the screenshot is not downloaded at all: nothing would read it."""
    from azext_vmbootfix import diagnose, evidence
    collected = evidence.collect(compute, vm["resourceGroup"], vm["name"], read_screenshot=read_screenshot,
                                 with_images=False, http=http, download_screenshot=read_screenshot,
                                 screenshot_slot=SCREENSHOT_SLOTS, ocr_slot=OCR_SLOTS)
    collected["images"] = images_from_graph(vm.get("images"))
    out = diagnose.verdict_for_vm(collected)
    return rows.diagnosed(vm, out, why)
