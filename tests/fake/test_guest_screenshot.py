"""Boot-diagnostics screenshots of the simulated guest: valid BMPs that OCR can read."""

import io
import shutil

import pytest
from PIL import Image

from fakeazure.guest import boot, guest_from_spec, render_screenshot

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


def shot(version, state, **kw):
    return render_screenshot(boot(guest_from_spec({"os": "windows", "version": version, "state": state})), **kw)


def ocr(bmp: bytes) -> str:
    import pytesseract
    return " ".join(pytesseract.image_to_string(Image.open(io.BytesIO(bmp))).split())


def test_screenshot_is_a_bmp_of_the_requested_size():
    data = shot("2022", "oobe-stuck")
    assert data[:2] == b"BM"
    image = Image.open(io.BytesIO(data))
    assert image.format == "BMP" and image.size == (1024, 768)
    small = Image.open(io.BytesIO(shot("win10", "healthy", width=800, height=600)))
    assert small.size == (800, 600)


def test_every_screen_renders():
    from fakeazure.guest.presets import WINDOWS_PRESETS
    for state in WINDOWS_PRESETS:
        fault = {"screen": "stop-error"} if state == "boot-fault" else None
        assert render_screenshot(boot(guest_from_spec({"version": "2016", "state": state,
                                                       "fault": fault}))).startswith(b"BM")
    linux = guest_from_spec({"os": "linux"})
    assert render_screenshot(linux).startswith(b"BM")


def test_rendering_a_guest_does_not_change_it():
    guest = guest_from_spec({"version": "2019", "state": "oobe-stuck"})
    render_screenshot(guest)
    assert guest.image_state == "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE"


@needs_tesseract
@pytest.mark.parametrize("version,state,phrase", [
    ("2022", "oobe-stuck", "Hi there"),
    ("win10", "oobe-stuck", "Let's start with region. Is this right?"),
    ("2019", "undeployable", "Windows could not complete the installation"),
])
def test_tesseract_reads_the_key_phrase(version, state, phrase):
    assert phrase in ocr(shot(version, state))
