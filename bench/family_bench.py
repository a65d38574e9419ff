"""Benchmark: diagnose's screen classification over the rendered "VM boot error" family.

Renders every case of tests/family.py (each family member, and the language screens in de/fr/es/ja) with
the fake's renderer, as boot diagnostics serves it (BMP at the screen's capture size), then reads and
classifies it as diagnose does (screenread.read_screen + classify). Prints: the time per screenshot
(median, p90, max; OCR included, languages included), the accuracy, healthy screens called a boot error,
the confusion matrix rows that are off the diagonal, and the languages the OCR used.

    .venv/bin/python bench/family_bench.py [--only NAME-SUBSTRING] [--perturb]

--perturb also reads each case once more under one perturbation (size, font, JPEG, noise, crop), rotating.
"""
import argparse
import collections
import io
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]

from family import ALL_CASES  # noqa: E402
from perturb import PERTURBATIONS, render_case  # noqa: E402


def classify_shot(data, os_type):
    from azext_vmbootfix.classify import classify
    from azext_vmbootfix.screenread import read_screen
    start = time.perf_counter()
    ocr = read_screen(data)
    out = classify({"screen_text": ocr.text, "screen_error": ocr.error, "os_type": os_type})
    return out, time.perf_counter() - start, ocr


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="")
    parser.add_argument("--perturb", action="store_true")
    args = parser.parse_args()
    cases = [c for c in ALL_CASES if args.only in c[0]]
    runs = [(c, None) for c in cases]
    if args.perturb:
        runs += [(c, PERTURBATIONS[i % len(PERTURBATIONS)]) for i, c in enumerate(cases)]
    times, right, healthy_wrong, langs = [], 0, [], collections.Counter()
    confusion = collections.Counter()
    for (name, aid, state, spec), perturbation in runs:
        data, os_type = render_case(spec, perturbation)
        out, seconds, ocr = classify_shot(data, os_type)
        times.append(seconds)
        langs["+".join(ocr.languages) or "-"] += 1
        got = (out["articleId"], out["osState"])
        ok = got == (aid, state)
        right += ok
        if state == "healthy" and out["osState"] != "healthy" and out["articleId"]:
            healthy_wrong.append(name)
        if not ok:
            confusion[((aid or "-"), (out["articleId"] or out["osState"]), perturbation[0] if perturbation else "clean",
                       name)] += 1
    times.sort()
    print("screenshots: %d (%d cases%s)" % (len(runs), len(cases), ", each also perturbed" if args.perturb else ""))
    print("time per screenshot, OCR + classify: median %.3f s, p90 %.3f s, max %.3f s" % (
        statistics.median(times), times[int(0.9 * (len(times) - 1))], times[-1]))
    print("accuracy: %d/%d = %.1f %%" % (right, len(runs), 100.0 * right / len(runs)))
    print("healthy screens called a boot error: %d %s" % (len(healthy_wrong), healthy_wrong))
    print("OCR languages used: %s" % dict(langs))
    print("confusion matrix, off-diagonal (expected -> got, look, case):")
    for (expected, got, look, name), n in sorted(confusion.items()):
        print("  %-62s -> %-52s %-10s %s" % (expected, got, look, name))
    if not confusion:
        print("  (none: every screenshot is on the diagonal)")


if __name__ == "__main__":
    main()
