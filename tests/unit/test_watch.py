"""diagnose --watch against the in-process fake (virtual clock): stuck, working slowly, not refreshed."""
import shutil

import pytest
from azure.mgmt.compute import ComputeManagementClient

from azext_vmbootfix import diagnose, evidence, watch
from fakeazure.cloud import Cloud
from fakeazure.compute.models.boot_diagnostics import SCREENSHOT_SECONDS
from fakeazure.inprocess import sdk_client, session

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


def _watch(scenario, rg, name, seconds):
    cloud = Cloud(profile="fast")
    cloud.load_scenario(scenario)
    compute = sdk_client(cloud, ComputeManagementClient)
    http = session(cloud)
    collected = evidence.collect(compute, rg, name, read_screenshot=True, http=http, with_images=False)
    second, summary = watch.second_look(compute, collected, seconds, sleep=cloud.clock.advance, http=http)
    collected["bootDiagnostics"], collected["watch"] = second, summary
    return collected, summary


@needs_tesseract
@pytest.mark.ocr
def test_a_percentage_that_does_not_move_is_stuck():
    collected, summary = _watch("updates-stuck", "rg-updates", "upd02", 600)
    assert summary["refreshed"] and summary["progress"] == [30, 30]
    assert summary["outcome"] == "stuck"
    out = diagnose.verdict_for_vm(collected)
    assert out["articleId"] == "OSStartUp-WINDOWS_UPDATE_INSTALLATION"
    assert out["watch"]["outcome"] == "stuck"
    assert any(e["signal"] == "watch" and e["weight"] > 0 for e in out["evidence"])


@needs_tesseract
@pytest.mark.ocr
def test_a_moving_percentage_is_working_slowly():
    collected, summary = _watch("updates-slow", "rg-updates", "upd03", 600)
    assert summary["refreshed"]
    assert summary["progress"] == [30, 50]  # 2 % a minute for 10 minutes
    assert summary["outcome"] == "progressing"
    out = diagnose.verdict_for_vm(collected)
    assert out["nextSteps"][0].startswith("# Windows is working")


@needs_tesseract
@pytest.mark.ocr
def test_the_same_capture_tells_nothing():
    collected, summary = _watch("updates-stuck", "rg-updates", "upd02", SCREENSHOT_SECONDS // 3)
    assert summary["refreshed"] is False and summary["outcome"] == "not-refreshed"
    assert summary["firstScreenshotTime"] == summary["secondScreenshotTime"]
    out = diagnose.verdict_for_vm(collected)
    assert "--watch" in out["nextSteps"][0]


def test_compare_rules_without_ocr():
    first = {"screenshotTime": "t1", "serialLog": "", "screenText": "Working on updates 30% complete."}
    moved = dict(first, screenshotTime="t2", screenText="Working on updates 41% complete.")
    same = dict(first, screenshotTime="t2")
    other = dict(first, screenshotTime="t2", screenText="Press Ctrl+Alt+Delete to unlock.")
    assert watch.compare(first, moved, 60)["outcome"] == "progressing"
    assert watch.compare(first, same, 60)["outcome"] == "stuck"
    assert watch.compare(first, other, 60)["outcome"] == "changed"
    assert watch.compare(first, dict(first), 60)["outcome"] == "not-refreshed"
    serial_moved = dict(first, serialLog="SAC>")
    assert watch.compare(first, serial_moved, 60)["refreshed"] is True
    unread = dict(same, screenText=None, screenError="OCR failed")
    assert watch.compare(first, unread, 60)["outcome"] == "unreadable"
