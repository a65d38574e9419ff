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
   0..1.  Two engines find the substring: ``rapidfuzz`` (its partial-ratio
   alignment, C++; the default) and ``myers`` (Myers' bit-parallel
   approximate search written here in Python, linear in the text length).
   bench/match_bench.py compares them on accuracy and speed; see ENGINE.
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

# Which engine phrase_score uses (see bench/match_bench.py for the figures behind the choice).
ENGINE = "rapidfuzz"


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


def _myers(pattern, text, free_start):
    """Edit distance of ``pattern`` against prefixes of ``text``.

    Element ``j`` of the result is the smallest number of edits turning
    ``pattern`` into a substring of ``text`` that ends at position ``j``
    (``free_start=True``: the substring may start anywhere) or into
    ``text[:j + 1]`` (``free_start=False``).  Myers' bit-vector algorithm:
    one column of the dynamic-programming table per text character, held as
    bit masks of vertical +1/-1 steps.
    """
    m = len(pattern)
    masks = {}
    for i, ch in enumerate(pattern):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    plus, minus, dist = full, 0, m
    carry_in = 0 if free_start else 1
    result = []
    for ch in text:
        eq = masks.get(ch, 0)
        xv = eq | minus
        xh = ((((eq & plus) + plus) & full) ^ plus) | eq
        h_plus = (minus | ~(xh | plus)) & full
        h_minus = plus & xh
        if h_plus & top:
            dist += 1
        elif h_minus & top:
            dist -= 1
        h_plus = ((h_plus << 1) | carry_in) & full
        h_minus = (h_minus << 1) & full
        plus = (h_minus | ~(xv | h_plus)) & full
        minus = h_plus & xv
        result.append(dist)
    return result


def _best_alignment(pattern, text, end, dist):
    """Best start for a match ending at ``end``: (start, edits including cuts).

    Runs the anchored search backwards from ``end`` over every start that
    could be within reach, and charges each start the letters of the word it
    cuts on the left (the right cut is charged by the caller).
    """
    lo = max(0, end + 1 - len(pattern) - dist)
    costs = _myers(pattern[::-1], text[lo:end + 1][::-1], free_start=False)
    best_start, best_edits = lo, None
    for k, cost in enumerate(costs):
        start = end - k
        edits = cost + _left_cut(text, start)
        if best_edits is None or edits < best_edits:
            best_start, best_edits = start, edits
    return best_start, best_edits


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


def _candidate_ends(dists, limit):
    """End positions whose distance is a local minimum within ``limit``."""
    ends = []
    for j, d in enumerate(dists):
        if d > limit:
            continue
        if j + 1 < len(dists) and dists[j + 1] < d:
            continue
        if j > 0 and dists[j - 1] < d:
            continue
        ends.append((d, j))
    ends.sort()
    return [j for _, j in ends[:8]]


def phrase_score(phrase, text, *, normalized=False, engine=None):
    """Score how well ``phrase`` occurs in ``text`` (both raw unless told).

    Returns a :class:`Match`.  A perfect occurrence scores 1.0; each edit
    (substitution, insertion, deletion, or letter of a word cut by the
    match) costs ``1 / len(phrase)``.
    """
    if not normalized:
        phrase, text = normalize(phrase), normalize(text)
    if not phrase or not text:
        return NO_MATCH
    if (engine or ENGINE) == "rapidfuzz":
        return _rapidfuzz_score(phrase, text)
    return _myers_score(phrase, text)


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
    slack = min(4, max(2, m // 8))
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


def _myers_score(phrase, text):
    m = len(phrase)
    limit = m // 2
    dists = _myers(phrase, text, free_start=True)
    best = NO_MATCH
    for end in _candidate_ends(dists, limit):
        start, edits = _best_alignment(phrase, text, end, dists[end])
        edits += _right_cut(text, end)
        score = max(0.0, 1.0 - edits / m)
        if score > best.score:
            best = Match(round(score, 4), text[start:end + 1].strip())
    return best


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
