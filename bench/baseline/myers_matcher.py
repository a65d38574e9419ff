"""The hand-written Myers matcher that textmatch used before rapidfuzz: kept as bench/match_bench.py's baseline.

Same contract as textmatch.phrase_score: the substring of the text with the smallest edit distance to the
phrase (Myers' bit-parallel approximate search, linear in the text length), charged for words it cuts.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from azext_vmbootfix.textmatch import NO_MATCH, Match, _left_cut, _right_cut, normalize  # noqa: E402


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


def phrase_score(phrase, text, *, normalized=False):
    """textmatch.phrase_score's contract, computed with the Myers search."""
    if not normalized:
        phrase, text = normalize(phrase), normalize(text)
    if not phrase or not text:
        return NO_MATCH
    return _myers_score(phrase, text)


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


