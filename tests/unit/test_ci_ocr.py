"""Without tesseract the OCR tests skip, except in CI (CI=true, which .ci/run sets), where the run fails
at its start: CI must not pass by skipping the OCR it exists to check (tests/conftest.py)."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OCR_TEST = "tests/unit/test_ocr.py::test_missing_tesseract_binary_gives_install_hint"


def _run_an_ocr_test_without_tesseract(tmp_path, ci):
    env = dict(os.environ, PATH=str(tmp_path), CI=ci)  # an empty PATH: no tesseract binary to find
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", OCR_TEST],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize("ci", ["", "false"])
def test_outside_ci_a_missing_tesseract_skips(tmp_path, ci):
    rc, out = _run_an_ocr_test_without_tesseract(tmp_path, ci)
    assert rc == 0 and "1 skipped" in out, out


def test_in_ci_a_missing_tesseract_fails_the_run(tmp_path):
    rc, out = _run_an_ocr_test_without_tesseract(tmp_path, "true")
    assert rc != 0 and "CI needs OCR" in out and "tesseract missing" in out, out


def test_ci_runs_with_ci_true():
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as fh:
        assert "export CI=true" in fh.read()
