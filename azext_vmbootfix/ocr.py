"""Read the text of a boot-diagnostics screenshot with Tesseract.

Pillow and pytesseract are imported lazily inside :func:`read_screenshot`,
so loading the extension never needs them.  Failures never raise: the
result carries ``text=None`` and an ``error`` that says what to install.

Preprocessing (one pass, a second only when the first finds little text):

1. grayscale; invert when the background is dark (OOBE blue, black
   consoles), because Tesseract reads dark text on light best;
2. upscale small screenshots so body text reaches ~25 px, then a 3x3
   median filter: it removes speckle noise (which otherwise makes
   Tesseract slow and blind) and keeps the upscaled strokes;
3. second pass (only if the first found fewer than MIN_USEFUL_CHARS): stretch contrast and binarize at the mean grey level,
   which helps on noisy or JPEG-damaged captures.
"""

import io
import os
import time
from dataclasses import dataclass

ENGINE = "tesseract"

INSTALL_HINT = (
    "tesseract is not installed; install it with: apt-get install tesseract-ocr (Debian/Ubuntu), "
    "dnf install tesseract (Fedora/RHEL), brew install tesseract (macOS), "
    "or the UB Mannheim installer on Windows (add it to PATH)")

LIBRARY_HINT = (
    "screenshot OCR needs the Python packages Pillow and pytesseract in the Azure CLI's Python "
    "(e.g. az extension's pip: <az python> -m pip install Pillow pytesseract) and " + INSTALL_HINT)

# Below this many letters and digits the first pass counts as "found little".
MIN_USEFUL_CHARS = 12
TARGET_MIN_WIDTH = 1400
TESSERACT_CONFIG = "--psm 3"
TIMEOUT_SECONDS = 20


@dataclass
class OcrResult:
    """Outcome of reading one screenshot."""

    text: str = None
    engine: str = None
    error: str = None
    seconds: float = 0.0
    bad_image: bool = False  # the bytes are not an image Pillow can decode
    languages: tuple = ()    # the Tesseract language packs the text was read with, e.g. ("deu", "eng")


def _elapsed(start):
    return round(time.monotonic() - start, 3)


def _useful_chars(text):
    return sum(ch.isalnum() for ch in text or "")


def prepare(image, binarize=False):
    """Return a grayscale, dark-on-light, large-enough copy of ``image``."""
    from PIL import ImageFilter, ImageOps, ImageStat

    gray = image.convert("L")
    if ImageStat.Stat(gray).mean[0] < 128:
        gray = ImageOps.invert(gray)
    if gray.width < TARGET_MIN_WIDTH:
        factor = TARGET_MIN_WIDTH / gray.width
        gray = gray.resize((TARGET_MIN_WIDTH, round(gray.height * factor)), resample=3)  # BICUBIC
    gray = gray.filter(ImageFilter.MedianFilter(3))
    if binarize:
        gray = ImageOps.autocontrast(gray, cutoff=1)
        level = ImageStat.Stat(gray).mean[0]
        gray = gray.point(lambda v: 255 if v > level * 0.9 else 0)
    return gray


def _open(image_bytes):
    from PIL import Image

    image = Image.open(io.BytesIO(image_bytes))
    image.load()
    return image


def _tesseract(pytesseract, image, lang="eng"):
    # Tesseract's OpenMP threads fight each other on small VMs and make one
    # page 3-4x slower; one thread per page is fastest for screenshots.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    return pytesseract.image_to_string(image, lang=lang, config=TESSERACT_CONFIG,
                                       timeout=TIMEOUT_SECONDS)


def language_hint(lang):
    """What to install when a Tesseract language pack is missing."""
    packs = " ".join("tesseract-ocr-" + code for code in lang.split("+") if code != "eng")
    return ("the Tesseract language pack for %s is not installed; install it with: apt-get install %s "
            "(Debian/Ubuntu), dnf install tesseract-langpack-<lang> (Fedora), or the language data from "
            "the tesseract installer" % (lang, packs))


class Reader:
    """One screenshot, decoded and prepared once, read with as many Tesseract languages as asked."""

    def __init__(self, image_bytes):
        self.start = time.monotonic()
        self.image = self.pytesseract = self.failed = None
        try:
            import pytesseract
            from PIL import UnidentifiedImageError  # noqa: F401  (Pillow present?)
        except ImportError:
            self.failed = OcrResult(error=LIBRARY_HINT)
            return
        self.pytesseract = pytesseract
        try:
            self.image = _open(image_bytes)
        except Exception as exc:  # Pillow raises several types for bad input
            self.failed = OcrResult(error="screenshot is not a readable BMP, PNG or JPEG image (%s)" %
                                    type(exc).__name__, bad_image=True)
        self._prepared = {}

    def _prepare(self, binarize):
        if binarize not in self._prepared:
            self._prepared[binarize] = prepare(self.image, binarize=binarize)
        return self._prepared[binarize]

    def read(self, lang="eng"):
        """OcrResult of one pass with ``lang`` ('eng', 'deu+eng', 'jpn'); seconds count from the start."""
        if self.failed is not None:
            return OcrResult(error=self.failed.error, bad_image=self.failed.bad_image, seconds=_elapsed(self.start))
        pytesseract = self.pytesseract
        try:
            text = _tesseract(pytesseract, self._prepare(False), lang)
            if _useful_chars(text) < MIN_USEFUL_CHARS:
                second = _tesseract(pytesseract, self._prepare(True), lang)
                if _useful_chars(second) > _useful_chars(text):
                    text = second
        except pytesseract.TesseractNotFoundError:
            return OcrResult(error=INSTALL_HINT, seconds=_elapsed(self.start))
        except pytesseract.TesseractError as exc:
            if "Failed loading language" in str(exc) or "Error opening data file" in str(exc):
                return OcrResult(engine=ENGINE, error=language_hint(lang), seconds=_elapsed(self.start))
            return OcrResult(engine=ENGINE, error="OCR failed: %s" % exc, seconds=_elapsed(self.start))
        except Exception as exc:  # tesseract crashed, timed out, or bad image mode
            return OcrResult(engine=ENGINE, error="OCR failed: %s" % exc, seconds=_elapsed(self.start))
        return OcrResult(text=text.strip(), engine=ENGINE, seconds=_elapsed(self.start),
                         languages=tuple(lang.split("+")))


def read_screenshot(image_bytes, lang="eng"):
    """OCR a BMP, PNG or JPEG screenshot with one Tesseract language; return an :class:`OcrResult`.
    (screenread.read_screen chooses the languages from the catalog's phrases.)"""
    return Reader(image_bytes).read(lang)
