"""Robustness of text matching at the text level (fast; the bulk of the testing).

Corruptions modelled on OCR output: case changes, whitespace and line
breaks, quote variants, confusable glyphs, random edits, dropped lines and
cut-off phrases.
"""
import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from azext_vmbootfix import textmatch
from azext_vmbootfix.classify import classify, load_catalog
from screens import SCREENS, screen_text

pytestmark = pytest.mark.property
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = sorted(SCREENS)

# Corruptions that must not change the normalized text at all.
CONFUSABLE = {"l": ["1", "I", "|"], "i": ["1", "l", "|"], "I": ["l", "1"], "o": ["0"], "O": ["0"],
              "m": ["rn"], "d": ["cl"], "w": ["vv"], "s": ["5", "$"], "'": ["\u2019", "\u2018", "`", ""]}
WHITESPACE = [" ", "  ", "\n", " \n ", "\t", "\n\n"]


def verdict(text):
    out = classify({"screen_text": text})
    return out["articleId"], out["osState"]


def expected(name):
    return SCREENS[name][0], SCREENS[name][1]


@st.composite
def free_corruption(draw, text):
    """Case flips, confusable glyphs, quote variants, any whitespace."""
    out = []
    for word in text.split():
        letters = []
        for ch in word:
            choice = draw(st.integers(0, 3))
            if choice == 1 and ch in CONFUSABLE:
                ch = draw(st.sampled_from(CONFUSABLE[ch]))
            elif choice == 2:
                ch = ch.swapcase()
            letters.append(ch)
        out.append("".join(letters))
        out.append(draw(st.sampled_from(WHITESPACE)))
    return "".join(out)


@st.composite
def screen_with_free_corruption(draw):
    name = draw(st.sampled_from(NAMES))
    return name, draw(free_corruption(screen_text(name)))


def random_edits(text, rng, rate):
    """Delete, substitute, insert letters or drop spaces at ``rate`` per character."""
    out = []
    for ch in text:
        roll = rng.random()
        if roll < rate / 4:
            continue                                        # deletion (also drops spaces)
        if roll < rate / 2:
            out.append(rng.choice("abcdefghijklmnopqrstuvwxyz.,"))  # substitution
            continue
        out.append(ch)
        if roll < 3 * rate / 4:
            out.append(rng.choice("abcdefghijklmnopqrstuvwxyz .,'"))  # insertion
        elif roll < rate and ch != " ":
            out.append(" ")                                 # a word split in two
    return "".join(out)


def key_groups(name):
    """Smallest groups of a screen's lines that identify it on their own.

    Single lines where possible; the Server 2012 R2 Settings page needs two
    of its field labels together.
    """
    lines = SCREENS[name][2]
    singles = [(line,) for line in lines if verdict(line) == expected(name)]
    if singles:
        return singles
    return [pair for pair in itertools.combinations(lines, 2) if verdict("\n".join(pair)) == expected(name)]


# --- normalization -------------------------------------------------------


@pytest.mark.parametrize("raw,canonical", [
    ("Let\u2019s  start\nwith REGION.", "lets start wlth reglon"),
    ("Let's start with region", "lets start wlth reglon"),
    ("bui1t-in adrninistrator", "bullt ln admlnlstrator"),
    ("C0UNTRY or region", "country or reglon"),
    ("passvvord", "password"),
    ("Ctrl+Alt+Delete", "ctrl alt delete"),
    ("caf\u00e9", "cafe"),
])
def test_normalize_canonical_forms(raw, canonical):
    assert textmatch.normalize(raw) == canonical


@SETTINGS
@given(screen_with_free_corruption())
def test_free_corruptions_do_not_change_the_normalized_text(case):
    name, corrupted = case
    assert textmatch.normalize(corrupted) == textmatch.normalize(screen_text(name))


@settings(max_examples=40, deadline=None)
@given(screen_with_free_corruption())
def test_free_corruptions_do_not_change_the_verdict(case):
    name, corrupted = case
    assert verdict(corrupted) == expected(name)


# --- phrase scores --------------------------------------------------------


def _edit_distance_dp(pattern, text, free_start):
    prev = list(range(len(pattern) + 1))
    out = []
    for j, ch in enumerate(text):
        cur = [0 if free_start else j + 1]
        for i in range(1, len(pattern) + 1):
            cur.append(min(prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (pattern[i - 1] != ch)))
        out.append(cur[-1])
        prev = cur
    return out


@settings(max_examples=300, deadline=None)
@given(st.text("abc ", min_size=1, max_size=14), st.text("abc ", min_size=1, max_size=40), st.booleans())
def test_bench_baseline_myers_distances_equal_the_textbook_table(pattern, text, free_start):
    """The Myers matcher is bench/match_bench.py's baseline against rapidfuzz: it must stay right."""
    import importlib.util
    import os
    path = os.path.join(os.path.dirname(__file__), "..", "..", "bench", "baseline", "myers_matcher.py")
    spec = importlib.util.spec_from_file_location("myers_matcher", path)
    myers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(myers)
    assert myers._myers(pattern, text, free_start) == _edit_distance_dp(pattern, text, free_start)


def test_score_is_one_minus_edits_over_length():
    assert textmatch.phrase_score("getting ready", "...GETTING READY...").score == 1.0
    assert textmatch.phrase_score("getting ready", "getting reaady").score == pytest.approx(1 - 1 / 13, abs=1e-3)
    assert textmatch.phrase_score("hi there", "hithere").score == pytest.approx(7 / 8, abs=1e-3)
    assert textmatch.phrase_score("anything", "").score == 0.0


def test_words_cut_by_a_match_are_charged():
    assert textmatch.phrase_score("hi there", "which there is").score < textmatch.default_threshold("hi there")
    assert textmatch.phrase_score("getting ready", "getting windows ready").score < 0.7
    assert textmatch.phrase_score("getting windows ready", "getting ready").score < 0.7


@SETTINGS
@given(st.sampled_from([e["text"] for s in load_catalog()["signatures"] for e in s["screen"]
                        if "text" in e and len(e["text"]) >= 20]),
       st.floats(0.0, 0.2), st.booleans())
def test_phrases_cut_off_by_up_to_a_fifth_still_count(phrase, cut, from_left):
    keep = len(phrase) - int(len(phrase) * cut)
    partial = phrase[-keep:] if from_left else phrase[:keep]
    score = textmatch.phrase_score(phrase, "Noise before. " + partial + " noise after").score
    assert score >= textmatch.default_threshold(phrase)


# --- classification under corruption ---------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_random_edits_at_4_percent_keep_the_verdict(name):
    """100 seeded corruptions per screen: >= 95% right and never another article (a stop code too damaged
    to read falls back to its group's generic article, WindowsStopError-BLUESCREEN_GENERIC, not to another code)."""
    rng = random.Random(name)
    verdicts = [verdict(random_edits(screen_text(name), rng, 0.04)) for _ in range(100)]
    right = sum(v == expected(name) for v in verdicts)
    fallback = ("WindowsStopError-BLUESCREEN_GENERIC", "stop-error")
    wrong = [v for v in verdicts if v != expected(name) and v[1] != "unknown"
             and not (v == fallback and expected(name)[1] == "stop-error")]
    assert wrong == []
    assert right >= 95, right


@pytest.mark.parametrize("name", NAMES)
def test_every_screen_has_a_line_or_two_that_identify_it(name):
    assert key_groups(name), name


KEY_GROUPS = {name: key_groups(name) for name in NAMES}


@st.composite
def partial_screen(draw):
    """A shuffled subset of a screen's lines holding at least one key group."""
    name = draw(st.sampled_from(NAMES))
    lines = list(SCREENS[name][2])
    key = list(draw(st.sampled_from(KEY_GROUPS[name])))
    rest = draw(st.lists(st.sampled_from(lines), max_size=len(lines), unique=True))
    chosen = draw(st.permutations(key + [line for line in rest if line not in key]))
    return name, "\n".join(chosen)


@SETTINGS
@given(partial_screen())
def test_half_screens_with_a_key_line_are_recognised(case):
    name, text = case
    assert verdict(text) == expected(name)


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz .,\n"), max_size=300))
def test_random_letters_never_fire(text):
    assert verdict(text)[1] == "unknown"
