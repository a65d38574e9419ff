"""Read a boot screenshot in the language it is written in, choosing Tesseract's languages from the catalog.

Reading every screenshot with all five language packs at once would be slow and no better. Instead:

1. Read with ``eng``. English, German, French and Spanish all use the Latin alphabet, and matching drops
   accents, so the catalog's phrases of all four already match this text.
2. If the best signature's phrases that matched are German, French or Spanish and it is not yet sure
   (below ``thresholds.sure``), read again with that language's pack first (``deu+eng``): umlauts and
   accents come out right and more phrases match.
3. If still nothing fired and the catalog has Japanese phrases, read with ``jpn`` (Latin-script OCR of Japanese
   text is noise, so nothing can match it).

The pass whose best signature scores highest wins. A missing language pack is not an error: the
earlier pass stands and the result says which pack to install.
"""
from azext_vmbootfix import catalog as cat, classify, ocr

LATIN_FIRST = "eng"


def _best(text, catalog):
    ranked = classify.rank_screen(text, catalog) if text else []
    return ranked[0] if ranked else None


def _score(best):
    return best.score if best is not None else 0.0


def read_screen(image_bytes, catalog=None):
    """OcrResult of the screenshot, read with the languages its text calls for (see the module doc)."""
    catalog = catalog or cat.load()
    reader = ocr.Reader(image_bytes)
    result = reader.read(LATIN_FIRST)
    if result.text is None:
        return result
    best = _best(result.text, catalog)
    thresholds = catalog["thresholds"]
    notes = []
    other = [lang for lang in (best.languages if best is not None and best.score > 0 else []) if lang != "en"]
    if other and other[0] != "ja" and _score(best) < thresholds["sure"]:
        candidate = reader.read(cat.tesseract_language(other[0], catalog) + "+" + LATIN_FIRST)
        result, best = _pick(result, best, candidate, catalog, notes)
    if _score(best) < thresholds["fire"] and "ja" in catalog["languages"]:
        candidate = reader.read(cat.tesseract_language("ja", catalog))
        result, best = _pick(result, best, candidate, catalog, notes)
    result.seconds = ocr._elapsed(reader.start)  # pylint: disable=protected-access
    if notes:
        result.error = "; ".join(notes)
    return result


def _pick(current, current_best, candidate, catalog, notes):
    if candidate.text is None:
        notes.append(candidate.error)
        return current, current_best
    best = _best(candidate.text, catalog)
    if _score(best) > _score(current_best):
        return candidate, best
    return current, current_best
