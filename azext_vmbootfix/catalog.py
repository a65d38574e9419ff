"""The boot-screen catalog: data in ``catalog/*.json``, read here, applied by :mod:`classify`.

``catalog/rules.json`` holds thresholds, rules, weights, serial-log patterns, the languages (catalog
language -> Tesseract language pack) and the phrase ``groups`` that several signatures share (the stop
screen, the Boot Manager screen). Every other ``catalog/<family>.json`` holds ``{"family", "signatures"}``.

A signature: ``articleId`` (None for states without an article: healthy, an unknown status code),
``aliases`` (other ids of the same screen in Azure's article family), ``title``, ``osState``, ``family``,
``source`` (the article and Learn page its text came from), ``screen`` (phrases: ``text`` + ``lang`` or
``regex``, with ``weight`` and ``src``), ``group``, ``codes`` (a stop or status code that must be on
screen for the signature to fire), ``screenUnless`` (vetoes), ``serial``, ``weights``, ``progress``
(the screen shows a percentage), ``next`` (``repair`` command, ``runId`` of Azure's repair-script-library,
``article``), and for screens without text ``detectable: false`` with ``why``.
"""
import functools
import json
from pathlib import Path

CATALOG_DIR = Path(__file__).with_name("catalog")
RULES_FILE = "rules.json"
DEFAULT_LANGUAGE = "en"


@functools.lru_cache(maxsize=4)
def load(folder=None):
    """The catalog: rules.json's keys plus ``signatures`` (every family file, in file-name order)."""
    folder = Path(folder or CATALOG_DIR)
    with open(folder / RULES_FILE, encoding="utf-8") as handle:
        catalog = json.load(handle)
    catalog["signatures"] = []
    for path in sorted(folder.glob("*.json")):
        if path.name == RULES_FILE:
            continue
        with open(path, encoding="utf-8") as handle:
            catalog["signatures"].extend(json.load(handle)["signatures"])
    return catalog


def find(catalog, article_id):
    """The signature with this id or alias (case-insensitive, as the portal's ids are); KeyError if none."""
    wanted = (article_id or "").lower()
    for sig in catalog["signatures"]:
        names = [sig["articleId"] or ""] + sig.get("aliases", [])
        if wanted in (name.lower() for name in names):
            return sig
    raise KeyError(article_id)


def canonical_id(article_id, catalog=None):
    """The catalog's id for ``article_id`` (itself or the entry it is an alias of); None if unknown."""
    try:
        return find(catalog or load(), article_id)["articleId"]
    except KeyError:
        return None


def phrases(sig, catalog):
    """Every screen phrase of a signature: its own, then its group's."""
    group = catalog.get("groups", {}).get(sig.get("group"), {})
    return list(sig.get("screen", [])) + list(group.get("screen", []))


def phrase_language(entry):
    return entry.get("lang", DEFAULT_LANGUAGE)


def languages(sig, catalog):
    """The catalog languages a signature has phrases in (its group's included)."""
    return sorted({phrase_language(p) for p in phrases(sig, catalog) if "text" in p})


def tesseract_language(language, catalog=None):
    """Tesseract's language pack for a catalog language ('de' -> 'deu')."""
    return (catalog or load())["languages"][language]


def detectable(sig):
    """False for family members whose screen has no text to read (the catalog says why)."""
    return sig.get("detectable", True)


def article_ids(catalog=None):
    """Every article id of the family the catalog covers: signature ids and their aliases."""
    out = []
    for sig in (catalog or load())["signatures"]:
        if sig["articleId"]:
            out.append(sig["articleId"])
            out.extend(sig.get("aliases", []))
    return out
