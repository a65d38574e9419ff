"""The whole "VM boot error" family: the fake renders each member's screen (in each language the catalog
reads it in), diagnose reads and classifies it.

tests/family.py holds the cases (written by hand, not read from the catalog); the fake's texts are its own
data. Text-level tests are fast; the OCR tests render BMPs as boot diagnostics serves them, clean and
perturbed (sizes, a serif font, JPEG, noise, crops), and need Tesseract with its deu/fra/spa/jpn packs:
with CI=true a missing binary, pack or Pillow is a failure, not a skip.
"""
import functools
import os
import shutil
import subprocess

import pytest

from azext_vmbootfix import catalog as cat
from azext_vmbootfix.classify import classify
from fakeazure.guest import boot, guest_from_spec
from family import ALL_CASES, CASES, LANGUAGE_CASES, NO_SCREEN_TEXT
from perturb import PERTURBATIONS, render_case

CATALOG = cat.load()
PACKS = ("eng", "deu", "fra", "spa", "jpn")


def _ocr_missing():
    try:
        import PIL  # noqa: F401
        import pytesseract  # noqa: F401
    except ImportError:
        return "Pillow/pytesseract not installed"
    if shutil.which("tesseract") is None:
        return "tesseract not installed"
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    missing = [p for p in PACKS if p not in langs]
    return "tesseract language packs missing: %s" % missing if missing else None


MISSING = _ocr_missing()
if MISSING and os.environ.get("CI") == "true":
    raise RuntimeError("CI needs OCR: " + MISSING)
needs_ocr = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def _text(spec):
    result = boot(guest_from_spec(spec))
    return "\n".join(result.screen_lines), result.os_type


# --- coverage: every family member, every language --------------------------------------------------------


def _own_languages(sig):
    own = {p.get("lang", "en") for p in sig.get("screen", []) if "text" in p}
    if not own and not sig.get("codes"):
        own = set(cat.languages(sig, CATALOG))
    return own or {"en"}


def test_every_catalog_entry_has_a_rendered_screen_in_every_language_it_reads():
    have = {(aid, state, (spec.get("language") or "en")) for _, aid, state, spec in ALL_CASES}
    for sig in CATALOG["signatures"]:
        if not cat.detectable(sig):
            assert sig["articleId"] in NO_SCREEN_TEXT
            continue
        for lang in _own_languages(sig):
            assert (sig["articleId"], sig["osState"], lang) in have, (sig["articleId"], lang)
    assert NO_SCREEN_TEXT == {s["articleId"] for s in CATALOG["signatures"] if not cat.detectable(s)}


def test_the_rendered_set_is_large_enough():
    assert len(CASES) >= 70 and len(LANGUAGE_CASES) >= 40


@pytest.mark.parametrize("name,article_id,os_state,spec", ALL_CASES, ids=[c[0] for c in ALL_CASES])
def test_the_fake_screen_text_is_classified(name, article_id, os_state, spec):
    text, os_type = _text(spec)
    out = classify({"screen_text": text, "os_type": os_type})
    assert (out["articleId"], out["osState"]) == (article_id, os_state), text


def test_the_fake_texts_are_not_the_catalog():
    """The fake keeps its own texts: no file of the fake reads the extension's catalog."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for folder, _dirs, files in os.walk(os.path.join(root, "fakeazure")):
        for name in files:
            if name.endswith((".py", ".yaml")):
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    body = fh.read()
                assert "azext_vmbootfix" not in body and "catalog/" not in body, name


# --- OCR over rendered screenshots -----------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _read(index, perturbation_index):
    from azext_vmbootfix.screenread import read_screen
    name, article_id, os_state, spec = ALL_CASES[index]
    perturbation = PERTURBATIONS[perturbation_index] if perturbation_index is not None else None
    data, os_type = render_case(spec, perturbation)
    ocr = read_screen(data)
    out = classify({"screen_text": ocr.text, "screen_error": ocr.error, "os_type": os_type})
    return (out["articleId"], out["osState"]), ocr


def _score(runs):
    wrong, healthy_wrong = [], []
    for index, perturbation_index in runs:
        name, article_id, os_state, _ = ALL_CASES[index]
        got, _ = _read(index, perturbation_index)
        if got != (article_id, os_state):
            look = PERTURBATIONS[perturbation_index][0] if perturbation_index is not None else "clean"
            wrong.append((name, look, got))
            if os_state == "healthy" and got[1] != "healthy" and got[0]:
                healthy_wrong.append(name)
    return wrong, healthy_wrong


@needs_ocr
@pytest.mark.ocr
def test_rendered_screens_are_classified_at_97_percent():
    runs = [(i, None) for i in range(len(ALL_CASES))]
    wrong, healthy_wrong = _score(runs)
    assert healthy_wrong == []
    assert len(runs) - len(wrong) >= 0.97 * len(runs), wrong


@needs_ocr
@pytest.mark.ocr
def test_perturbed_screens_are_classified_at_97_percent():
    """Each case once more under one perturbation, rotating through sizes, font, JPEG, noise and crops."""
    runs = [(i, i % len(PERTURBATIONS)) for i in range(len(ALL_CASES))]
    wrong, healthy_wrong = _score(runs)
    assert healthy_wrong == []
    assert len(runs) - len(wrong) >= 0.97 * len(runs), wrong


def _index(name):
    return next(i for i, case in enumerate(ALL_CASES) if case[0] == name)


@needs_ocr
@pytest.mark.ocr
@pytest.mark.parametrize("name", ["oobe-server", "oobe-server-de", "could-not-complete-fr",
                                  "getting-windows-ready-es", "stop-generic-ja"])
def test_languages_are_read_as_the_phrases_ask(name):
    got, ocr = _read(_index(name), None)
    assert got == tuple(ALL_CASES[_index(name)][1:3])
    lang = name.rsplit("-", 1)[-1]
    if lang == "ja":
        assert ocr.languages == ("jpn",)
    elif lang in ("de", "fr", "es"):  # eng alone reads Latin-script text well enough, or the pack is added
        assert ocr.languages in (("eng",), (cat.tesseract_language(lang, CATALOG), "eng"))
    else:
        assert ocr.languages == ("eng",)


class _Reader:
    """Stands in for ocr.Reader: the text each language pack 'reads', and which packs were asked for."""

    texts = {}
    asked = []

    def __init__(self, image_bytes):
        self.start = 0.0

    def read(self, lang="eng"):
        from azext_vmbootfix.ocr import OcrResult
        _Reader.asked.append(lang)
        return OcrResult(text=_Reader.texts.get(lang, ""), engine="tesseract", languages=tuple(lang.split("+")))


@pytest.mark.parametrize("texts,asked,winner", [
    ({"eng": "Press Ctrl+Alt+Delete to unlock. 10:42 Tuesday, June 4"}, ["eng"], "eng"),
    ({"eng": "Windovvs konnte dle Konflguratlon des Sys nicht abschl", "deu+eng":
      "Windows konnte die Konfiguration des Systems nicht abschließen. Starten Sie den Computer neu"},
     ["eng", "deu+eng"], "deu+eng"),
    ({"eng": "L;; /// (( =="}, ["eng", "jpn"], "jpn"),
])
def test_screenread_asks_for_the_packs_the_phrases_call_for(monkeypatch, texts, asked, winner):
    from azext_vmbootfix import ocr, screenread
    texts = dict(texts)
    texts.setdefault("jpn", "Windows のインストールを完了できませんでした。" if winner == "jpn" else "")
    monkeypatch.setattr(_Reader, "texts", texts)
    monkeypatch.setattr(_Reader, "asked", [])
    monkeypatch.setattr(ocr, "Reader", _Reader)
    result = screenread.read_screen(b"BM")
    assert _Reader.asked == asked
    assert "+".join(result.languages) == winner
