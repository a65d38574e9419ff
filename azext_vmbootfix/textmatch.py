"""Robust matching of known phrases in OCR text, in any of the catalog's languages.

OCR of a boot-diagnostics screenshot is noisy: letters change case, words
run together or break across lines, apostrophes come out as ``'``, ``’`` or
nothing, and glyphs that look alike are swapped (``l``/``1``/``I``,
``O``/``0``, ``rn``/``m``, ``cl``/``d``, ``vv``/``w``).  Screens are also cut
off.  Matching therefore happens in two steps:

1. :func:`normalize` maps both the phrase and the text to a canonical form:
   Unicode compatibility folding, accents dropped, casefold, quotes deleted,
   other punctuation turned into spaces, look-alike glyphs mapped to one
   representative, whitespace collapsed.
   Japanese (and other CJK) text has no spaces between words, and Tesseract
   puts spaces between its characters: spaces between two CJK characters are
   removed, and every CJK character counts as a word of its own.
2. :func:`phrase_score` finds the substring of the text with the smallest
   edit distance to the phrase, then charges the letters of any word the
   match cuts in half, so that ``hi there`` does not match inside
   ``which there``.  The score is ``1 - edits / len(phrase)``, clipped to
   0..1.  rapidfuzz's partial-ratio alignment (C++) finds the substring.
   It replaced a hand-written Myers bit-parallel search: bench/match_bench.py
   compares the two (the Myers matcher lives on in bench/baseline/ as the baseline) and
   rapidfuzz classifies the same screens right, 4-6 times faster.
"""

import re
import unicodedata
from dataclasses import dataclass

# Quote-like characters are deleted, so "Let's", "Let’s" and "Lets" agree.
_QUOTES = "'\u2018\u2019\u201a\u201b\u2032\u00b4`\"\u201c\u201d\u201e"
_QUOTE_TABLE = {ord(c): None for c in _QUOTES}

# Single glyphs OCR confuses, mapped to one representative per class.
_GLYPHS = str.maketrans({
    "1": "l", "i": "l", "|": "l", "!": "l", "\u0131": "l",
    "0": "o",
    "5": "s", "$": "s",
})

# Glyph pairs OCR reads as one letter (and back); applied after _GLYPHS.
_PAIRS = (("rn", "m"), ("cl", "d"), ("vv", "w"))

_NON_WORD = re.compile(r"[\W_]+")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_CJK_CHAR = re.compile("[%s]" % _CJK)
_CJK_GAP = re.compile("(?<=[%s]) (?=[%s])" % (_CJK, _CJK))


def fold(text):
    """Casefold, drop accents and quotes, unify whitespace; keep punctuation.

    This light form is what regular-expression patterns are matched against.
    """
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().translate(_QUOTE_TABLE)
    return " ".join(text.split())


def normalize(text):
    """Return the canonical matching form of ``text`` (see module docstring)."""
    text = fold(text).translate(_GLYPHS)
    text = _NON_WORD.sub(" ", text)
    for pair, single in _PAIRS:
        text = text.replace(pair, single)
    return _CJK_GAP.sub("", " ".join(text.split()))


def has_cjk(text):
    """True when ``text`` holds a Japanese (or Chinese) character."""
    return bool(_CJK_CHAR.search(text or ""))


@dataclass(frozen=True)
class Match:
    """Best approximate occurrence of a phrase in a text.

    ``score`` is in 0..1; ``matched`` is the text span (normalized form) that
    was aligned with the phrase, or ``None`` when nothing is close.
    """

    score: float
    matched: str = None


NO_MATCH = Match(0.0, None)


def _boundary(text, i, j):
    """True when positions ``i`` and ``j`` (neighbours) are in different words."""
    if i < 0 or j >= len(text):
        return True
    return text[i] == " " or text[j] == " " or bool(_CJK_CHAR.match(text[i]) or _CJK_CHAR.match(text[j]))


def _left_cut(text, start):
    """Letters of the word that a match starting at ``start`` cuts off."""
    if _boundary(text, start - 1, start):
        return 0
    cut = 0
    while start - cut - 1 >= 0 and text[start - cut - 1] != " ":
        cut += 1
    return cut


def _right_cut(text, end):
    """Letters of the word that a match ending at ``end`` cuts off."""
    if _boundary(text, end, end + 1):
        return 0
    cut = 0
    while end + cut + 1 < len(text) and text[end + cut + 1] != " ":
        cut += 1
    return cut


def phrase_score(phrase, text, *, normalized=False):
    """Score how well ``phrase`` occurs in ``text`` (both raw unless told).

    Returns a :class:`Match`.  A perfect occurrence scores 1.0; each edit
    (substitution, insertion, deletion, or letter of a word cut by the
    match) costs ``1 / len(phrase)``.
    """
    if not normalized:
        phrase, text = normalize(phrase), normalize(text)
    if not phrase or not text:
        return NO_MATCH
    return _rapidfuzz_score(phrase, text)


def _rapidfuzz_score(phrase, text):
    """rapidfuzz's best partial alignment, refined: the window's edges move by up to a few letters to the
    smallest Levenshtein distance plus word-cut charge.

    (partial_ratio's window is as long as the phrase and its Indel ratio charges a missing letter half as
    much as Levenshtein does, so a letter inserted or dropped by OCR needs the edges to move.)
    """
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein
    m = len(phrase)
    found = fuzz.partial_ratio_alignment(phrase, text, score_cutoff=60)
    if found is None:
        return NO_MATCH
    slack = max(2, min(8, m // 4))
    best_edits, best_span = None, None
    for start in range(max(0, found.dest_start - slack), min(len(text), found.dest_start + slack + 1)):
        for stop in range(max(start + 1, found.dest_end - slack), min(len(text), found.dest_end + slack) + 1):
            end = stop - 1
            cuts = _left_cut(text, start) + _right_cut(text, end)
            limit = None if best_edits is None else max(0, best_edits - cuts)
            edits = Levenshtein.distance(phrase, text[start:stop], score_cutoff=limit) + cuts
            if best_edits is None or edits < best_edits:
                best_edits, best_span = edits, (start, end)
    score = max(0.0, 1.0 - best_edits / m)
    return Match(round(score, 4), text[best_span[0]:best_span[1] + 1].strip()) if score > 0 else NO_MATCH


def default_threshold(phrase):
    """Minimum score for a phrase to count as present, by its length.

    Short phrases tolerate one edit, longer ones a quarter of their letters.
    """
    m = len(normalize(phrase))
    if m < 10:
        return 0.86
    if m < 20:
        return 0.8
    return 0.75
