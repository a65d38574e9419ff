"""OCR of rendered screenshots, end to end through classify().

The matrix renders every screen in SCREENS in four of LOOKS (4 x 23 = 92 images,
each look used 8-9 times) with tests/unit/screens.py, reads it with
ocr.read_screenshot and classifies the text.  Error paths run without
tesseract.
"""
import difflib
import functools
import io
import subprocess
import sys

import pytest

from azext_vmbootfix import ocr, textmatch
from azext_vmbootfix.classify import classify
from screens import CONSOLE, LIGHT, OOBE_BLUE, SCREENS, STOP_BLUE, Look, render, screen_text

try:
    import pytesseract
    from PIL import Image
    pytesseract.get_tesseract_version()
    HAVE_TESSERACT = True
except Exception:  # missing module or binary
    HAVE_TESSERACT = False

needs_tesseract = pytest.mark.skipif(not HAVE_TESSERACT, reason="tesseract/pytesseract/Pillow not installed")

LOOKS = [
    Look((1024, 768), "DejaVuSans.ttf", *OOBE_BLUE),
    Look((800, 600), "DejaVuSansMono.ttf", *CONSOLE, fmt="BMP"),
    Look((1920, 1080), "DejaVuSerif.ttf", *LIGHT),
    Look((1280, 720), "default", *OOBE_BLUE, noise=20),
    Look((1024, 768), "DejaVuSans.ttf", *LIGHT, blur=0.8, jpeg=40),
    Look((1600, 900), "DejaVuSerif.ttf", *CONSOLE, jpeg=30),
    Look((800, 600), "DejaVuSans.ttf", *STOP_BLUE, noise=12, blur=0.6, jpeg=55),
    Look((1366, 768), "DejaVuSansMono.ttf", *LIGHT, crop="right-half"),
    Look((1024, 768), "DejaVuSans.ttf", *OOBE_BLUE, crop="bottom-third", fmt="BMP"),
    Look((1920, 1080), "default", *CONSOLE, noise=25),
    Look((1152, 864), "DejaVuSerif.ttf", *OOBE_BLUE, jpeg=45, crop="left-two-thirds"),
]
NAMES = sorted(SCREENS)
MATRIX = [(name, LOOKS[(i + k) % len(LOOKS)]) for i, name in enumerate(NAMES) for k in (0, 3, 6, 9)]


@functools.lru_cache(maxsize=None)
def read(name, look):
    return ocr.read_screenshot(render(name, look))


def text_similarity(name, text):
    """difflib ratio of the normalized OCR text to the rendered text."""
    return difflib.SequenceMatcher(None, textmatch.normalize(screen_text(name)),
                                   textmatch.normalize(text or "")).ratio()


# --- error paths (no tesseract needed) ----------------------------------------


def test_loading_the_modules_does_not_import_pillow_or_pytesseract():
    code = ("import sys; import azext_vmbootfix.ocr, azext_vmbootfix.classify; "
            "print('PIL' in sys.modules, 'pytesseract' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_missing_python_packages_give_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pytesseract", None)
    result = ocr.read_screenshot(b"whatever")
    assert result.text is None and result.engine is None
    assert "pytesseract" in result.error and "apt-get install tesseract-ocr" in result.error


@pytest.mark.skipif(not HAVE_TESSERACT, reason="needs pytesseract and Pillow")
def test_missing_tesseract_binary_gives_install_hint(monkeypatch):
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    result = ocr.read_screenshot(render("getting_ready", Look((640, 480))))
    assert result.text is None
    assert result.error.startswith("tesseract is not installed; install it with: apt-get install tesseract-ocr")
    assert result.seconds >= 0


@pytest.mark.skipif(not HAVE_TESSERACT, reason="needs Pillow")
@pytest.mark.parametrize("payload", [b"", b"not an image at all", b"BM\x00\x01garbage"])
def test_unreadable_bytes_are_an_error_not_an_exception(payload):
    result = ocr.read_screenshot(payload)
    assert result.text is None and "BMP, PNG or JPEG" in result.error


# --- formats and preprocessing ---------------------------------------------------


@needs_tesseract
@pytest.mark.ocr
@pytest.mark.parametrize("fmt,jpeg", [("BMP", 0), ("PNG", 0), ("PNG", 60)])
def test_bmp_png_and_jpeg_are_read(fmt, jpeg):
    data = render("getting_windows_ready", Look((1024, 768), fmt=fmt, jpeg=jpeg))
    result = ocr.read_screenshot(data)
    assert result.error is None and result.engine == "tesseract"
    assert "getting windows ready" in result.text.lower()


@needs_tesseract
def test_prepare_inverts_dark_backgrounds_and_upscales_small_images():
    dark = Image.open(io.BytesIO(render("bootmgr", Look((800, 600), "DejaVuSans.ttf", *CONSOLE))))
    prepared = ocr.prepare(dark)
    assert prepared.mode == "L" and prepared.width == ocr.TARGET_MIN_WIDTH
    assert prepared.getpixel((2, 2)) > 200  # black background became white
    light = Image.open(io.BytesIO(render("bootmgr", Look((1920, 1080), "DejaVuSans.ttf", *LIGHT))))
    assert ocr.prepare(light).size == (1920, 1080)


@needs_tesseract
@pytest.mark.ocr
def test_blank_screen_reads_as_no_text():
    result = ocr.read_screenshot(render_blank())
    assert result.error is None and result.text == ""
    assert classify({"screen_text": result.text})["osState"] == "unknown"


def render_blank():
    out = io.BytesIO()
    Image.new("RGB", (1024, 768), (0, 0, 0)).save(out, "BMP")
    return out.getvalue()


# --- the rendered matrix ------------------------------------------------------------


@needs_tesseract
@pytest.mark.ocr
@pytest.mark.parametrize("name,look", MATRIX, ids=["%s@%s" % (n, lk.label()) for n, lk in MATRIX])
def test_rendered_screen_is_classified(name, look):
    result = read(name, look)
    assert result.error is None
    out = classify({"screen_text": result.text})
    assert (out["articleId"], out["osState"]) == SCREENS[name][:2], result.text


@needs_tesseract
@pytest.mark.ocr
def test_matrix_accuracy_per_look(capsys):
    """Print per-look verdict accuracy, text similarity and time; bound the accuracy (speed is a benchmark
    figure, bench/diagnose_bench.py: a timed test fails on a loaded machine, not on slow code)."""
    rows, times, right_total = [], [], 0
    for look in LOOKS:
        cases = [name for name, lk in MATRIX if lk == look]
        results = [read(name, look) for name in cases]
        right = sum((classify({"screen_text": r.text})["articleId"], classify({"screen_text": r.text})["osState"])
                    == SCREENS[name][:2] for name, r in zip(cases, results))
        similarity = sum(text_similarity(n, r.text) for n, r in zip(cases, results)) / len(cases)
        times += [r.seconds for r in results]
        right_total += right
        rows.append("%-48s %d/%d  text %.2f  %.2fs" % (look.label(), right, len(cases), similarity,
                                                       sum(r.seconds for r in results) / len(cases)))
    with capsys.disabled():
        print("\n" + "\n".join(rows))
        print("overall %d/%d, mean %.2fs, max %.2fs per image" % (right_total, len(MATRIX),
                                                                  sum(times) / len(times), max(times)))
    assert right_total >= 0.95 * len(MATRIX)
