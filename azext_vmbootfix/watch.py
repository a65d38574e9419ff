"""``diagnose --watch SECONDS``: a second screenshot tells "stuck" from "working slowly".

One screenshot of "Working on updates 30%" cannot say whether Windows is stuck or slow. After SECONDS
diagnose reads boot diagnostics again and compares, but only when the capture was refreshed in between
(the screenshot blob's Last-Modified moved, or the serial log changed): boot diagnostics screenshots can
be minutes old, and two reads of one capture prove nothing.

Outcomes (``watch.outcome``):
  stuck          refreshed, same screen, and its percentage did not move (or it shows none and did not change)
  progressing    refreshed, same screen, the percentage moved: Windows is working, wait
  changed        refreshed and the screen moved on: the verdict is the second screenshot's
  not-refreshed  the capture is the same one: nothing can be told; watch longer
  unreadable     one of the two screenshots could not be read
"""
import time

from azext_vmbootfix import classify, textmatch

MAX_SECONDS = 3600
STUCK_BONUS = 0.1


def second_look(compute, collected, seconds, sleep=time.sleep, http=None, read_screenshot=True):
    """Wait ``seconds``, read boot diagnostics again; return (second boot diagnostics, watch summary)."""
    from azext_vmbootfix.evidence import boot_diagnostics
    first = collected.get("bootDiagnostics") or {}
    sleep(seconds)
    second = boot_diagnostics(compute, collected["vm"], read_screenshot, http)
    return second, compare(first, second, seconds)


def _same_capture(first, second):
    shot_same = first.get("screenshotTime") is not None and first.get("screenshotTime") == second.get("screenshotTime")
    serial_same = (first.get("serialLog") or "") == (second.get("serialLog") or "")
    return shot_same and serial_same


def _screen_id(text):
    if not text:
        return None
    top = classify.rank_screen(text)[0]
    return top.signature.get("articleId") or top.signature.get("osState") if top.score > 0 else None


def compare(first, second, seconds):
    """The watch summary of two boot-diagnostics reads ``seconds`` apart (see the module doc)."""
    text1, text2 = first.get("screenText"), second.get("screenText")
    p1, p2 = classify.progress_percent(text1), classify.progress_percent(text2)
    out = {"seconds": seconds, "firstScreenshotTime": first.get("screenshotTime"),
           "secondScreenshotTime": second.get("screenshotTime"), "refreshed": not _same_capture(first, second),
           "progress": [p1, p2]}
    if not out["refreshed"]:
        out["outcome"] = "not-refreshed"
        out["observed"] = ("the screenshot was not captured again in {} s (Last-Modified {}): stuck or slow "
                           "cannot be told; watch longer".format(seconds, first.get("screenshotTime")))
    elif text1 is None or text2 is None:
        out["outcome"] = "unreadable"
        out["observed"] = "a screenshot could not be read: {}".format(first.get("screenError") or
                                                                       second.get("screenError"))
    elif _screen_id(text1) != _screen_id(text2):
        out["outcome"] = "changed"
        out["observed"] = "the screen moved on in {} s; the verdict is the newer screenshot's".format(seconds)
    elif p1 is not None and p2 is not None and p2 != p1:
        out["outcome"] = "progressing"
        out["observed"] = "the progress moved from {}% to {}% in {} s: Windows is working, slowly; wait".format(
            p1, p2, seconds)
    elif p1 is not None and p2 is not None:
        out["outcome"] = "stuck"
        out["observed"] = "still at {}% after {} s on a refreshed screenshot: stuck".format(p1, seconds)
    elif textmatch.normalize(text1) == textmatch.normalize(text2):
        out["outcome"] = "stuck"
        out["observed"] = "the same screen, unchanged, after {} s on a refreshed screenshot: stuck".format(seconds)
    else:
        out["outcome"] = "changed"
        out["observed"] = "the screen's text changed in {} s".format(seconds)
    return out


def evidence(summary):
    """The evidence entry and the confidence change a watch summary brings to the verdict."""
    weight = STUCK_BONUS if summary["outcome"] == "stuck" else 0.0
    if summary["outcome"] == "progressing":
        weight = -STUCK_BONUS
    return {"signal": "watch", "observed": summary["observed"], "source": "bootDiagnostics (two captures)",
            "weight": weight, "matched": None}
