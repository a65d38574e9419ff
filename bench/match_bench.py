"""Benchmark: rapidfuzz (textmatch) against the hand-written Myers matcher (baseline/myers_matcher.py), on accuracy and speed.

Both engines of textmatch.phrase_score classify the same texts with the same catalog:
1. the fake's screen texts of every case of tests/family.py, corrupted as OCR corrupts text (random
   deletions, substitutions, insertions, split words) at 4 % and 8 % of the characters, 5 seeds each;
2. with --ocr, the Tesseract text of every rendered case (read once, as diagnose reads it).
Prints per engine and set: cases right, and the classification time per screen (mean, median).

    .venv/bin/python bench/match_bench.py [--ocr]
"""
import argparse
import os
import random
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]

from family import ALL_CASES  # noqa: E402

ENGINES = ("rapidfuzz", "myers")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "baseline"))
from azext_vmbootfix import textmatch as _textmatch  # noqa: E402
RAPIDFUZZ = _textmatch.phrase_score


def corrupt(text, rng, rate):
    out = []
    for ch in text:
        roll = rng.random()
        if roll < rate / 4:
            continue
        if roll < rate / 2:
            out.append(rng.choice("abcdefghijklmnopqrstuvwxyz.,"))
            continue
        out.append(ch)
        if roll < 3 * rate / 4:
            out.append(rng.choice("abcdefghijklmnopqrstuvwxyz .,'"))
        elif roll < rate and ch != " ":
            out.append(" ")
    return "".join(out)


def screen_texts():
    from fakeazure.guest import boot, guest_from_spec
    out = []
    for name, aid, state, spec in ALL_CASES:
        result = boot(guest_from_spec(spec))
        out.append((name, (aid, state), "\n".join(result.screen_lines), result.os_type))
    return out


def ocr_texts():
    from azext_vmbootfix.screenread import read_screen
    from perturb import render_case
    out = []
    for name, aid, state, spec in ALL_CASES:
        data, os_type = render_case(spec)
        out.append((name, (aid, state), read_screen(data).text, os_type))
    return out


def run(engine, texts):
    import myers_matcher
    from azext_vmbootfix import textmatch
    from azext_vmbootfix.classify import _normalized_phrase, classify
    textmatch.phrase_score = RAPIDFUZZ if engine == "rapidfuzz" else myers_matcher.phrase_score
    _normalized_phrase.cache_clear()
    right, times = 0, []
    for _, expected, text, os_type in texts:
        start = time.perf_counter()
        out = classify({"screen_text": text, "os_type": os_type})
        times.append(time.perf_counter() - start)
        right += (out["articleId"], out["osState"]) == expected
    return right, times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ocr", action="store_true", help="also the OCR text of every rendered case (slow)")
    args = parser.parse_args()
    clean = screen_texts()
    sets = {"clean text": clean}
    for rate in (0.04, 0.08):
        rng = random.Random(rate)
        sets["%d %% edits" % (rate * 100)] = [(n, e, corrupt(t, rng, rate), o) for _ in range(5) for n, e, t, o in clean]
    if args.ocr:
        sets["OCR text"] = ocr_texts()
    print("%-12s %-10s %12s %12s %12s" % ("set", "engine", "right", "mean ms", "median ms"))
    for label, texts in sets.items():
        for engine in ENGINES:
            right, times = run(engine, texts)
            print("%-12s %-10s %5d/%-6d %12.1f %12.1f" % (label, engine, right, len(texts),
                                                            1000 * statistics.mean(times),
                                                            1000 * statistics.median(times)))


if __name__ == "__main__":
    main()
