"""Mutation testing of the repair code with mutmut 3 (PyPI): a figure, like a benchmark, not part of CI.

    python scripts/mutate.py                    # every module below, each in its own time box
    python scripts/mutate.py engine redact      # some of them
    MUTATE_MINUTES=30 python scripts/mutate.py rescue
    python scripts/mutate.py --recheck rescue   # the last run's survivors only, against the tests as they are now

For each module, a scratch copy of the checkout is made under ``.work/mutate/<module>/`` with a ``setup.cfg``
telling mutmut what to mutate (that file only) and which tests to run (the tests that exercise it: mutmut
then runs, for each mutant, only those of them that call the mutated function). mutmut runs there with 2
workers until it is done or the module's time box is over. Printed per module: mutants killed / total, the
score (killed + timeouts over mutants that some test reaches), the time it took, and every survivor with its
diff, marked "equivalent" with the reason when ``scripts/mutate_equivalents.txt`` lists it. The last line is
the total. Exit status 1 when a module scores below the target or an unlisted mutant survived.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, ".work", "mutate")
TARGET = 0.90
COPY = ("azext_vmbootfix", "fakeazure", "tests", "recordings", "setup.py", "pytest.ini", "HISTORY.rst", "README.md")
# module: (file, the tests that exercise it, time box in minutes: session 6's measured run on this 2-core
# machine, loaded, with a margin). The selections are the fast in-process
# tests: mutmut runs, per mutant, those of them that call the mutated function, fastest first, until one
# fails (the cassette and property tests would kill a few more, at minutes per survivor).
MODULES = {
    "engine": ("azext_vmbootfix/repair/engine.py", ["tests/unit/test_engine.py", "tests/unit/test_engine_mutants.py",
                                                    "tests/unit/test_engine_record_mutants.py",
                                                    "tests/unit/test_repair.py",
                                                    "tests/unit/test_repair_inflight.py",
                                                    "tests/unit/test_repair_overlap.py",
                                                    "tests/unit/test_journal_secrets.py",
                                                    "tests/unit/test_rescue_plan_text.py",
                                                    "tests/unit/test_plan.py", "tests/unit/test_repair_model.py"], 25),
    "journal": ("azext_vmbootfix/repair/journal.py",
                ["tests/unit/test_journal.py", "tests/unit/test_journal_mutants.py", "tests/unit/test_journal_secrets.py",
                 "tests/unit/test_repair.py"], 5),
    "plan": ("azext_vmbootfix/repair/plan.py", ["tests/unit/test_plan_mutants.py", "tests/unit/test_plan.py"], 6),
    "tagged": ("azext_vmbootfix/repair/tagged.py", ["tests/unit/test_tagged_mutants.py",
                                                "tests/unit/test_rollback_tags.py"], 6),
    "carry": ("azext_vmbootfix/repair/carry.py", ["tests/unit/test_carry.py", "tests/unit/test_carry_mutants.py",
                                                  "tests/unit/test_plan.py",
                                                  "tests/unit/test_repair_model.py"], 12),
    "recreate": ("azext_vmbootfix/repair/recreate.py", ["tests/unit/test_recreate_mutants.py",
                                                       "tests/unit/test_recreate.py", "tests/unit/test_recreate_vm.py",
                                                   "tests/unit/test_repair.py", "tests/unit/test_repair_model.py",
                                                   "tests/unit/test_repair_overlap.py",
                                                   "tests/unit/test_repair_inflight.py"], 25),
    "rescue": ("azext_vmbootfix/repair/rescue.py", ["tests/unit/test_rescue_bodies_mutants.py",
                                                    "tests/unit/test_rescue.py", "tests/unit/test_rescue_vm.py",
                                                    "tests/unit/test_rescue_mutants.py",
                                                    "tests/unit/test_rescue_plan_text.py"], 30),
    "rescue_guest": ("azext_vmbootfix/repair/rescue_guest.py", ["tests/unit/test_rescue_mutants.py",
                                                                "tests/unit/test_rescue.py",
                                                                "tests/unit/test_rescue_state.py",
                                                                "tests/unit/test_rescue_guest_mutants.py",
                                                                "tests/unit/test_rescue_plan_text.py"], 6),
    "rescue_state": ("azext_vmbootfix/repair/rescue_state.py", ["tests/unit/test_rescue_state.py",
                                                                "tests/unit/test_rescue_state_mutants.py"], 5),
    "rescue_nested": ("azext_vmbootfix/repair/rescue_nested.py", ["tests/unit/test_rescue_nested.py",
                                                                  "tests/unit/test_rescue_nested_mutants.py",
                                                                  "tests/unit/test_rescue_plan_text.py"], 40),
    # the other modules that change disks and VMs or decide which disk a script changes
    "rescue_swap": ("azext_vmbootfix/repair/rescue_swap.py", ["tests/unit/test_rescue.py",
                                                              "tests/unit/test_rescue_swap_mutants.py",
                                                              "tests/unit/test_rescue_plan_text.py"], 5),
    "rescue_read": ("azext_vmbootfix/repair/rescue_read.py", ["tests/unit/test_rescue_read_mutants.py",
                                                              "tests/unit/test_rescue_scripts.py",
                                                              "tests/unit/test_rescue_guest_mutants.py",
                                                              "tests/unit/test_rescue.py"], 15),
    "keep": ("azext_vmbootfix/repair/keep.py", ["tests/unit/test_keep.py", "tests/unit/test_repair_model.py",
                                                "tests/unit/test_recreate.py",
                                                "tests/unit/test_recreate_vm.py", "tests/unit/test_repair_overlap.py"],
             5),
    "runcommand": ("azext_vmbootfix/repair/runcommand.py", ["tests/unit/test_runcommand_mutants.py",
                                                            "tests/unit/test_runcommand_resume.py",
                                                            "tests/unit/test_rescue_scripts.py",
                                                            "tests/unit/test_rescue.py",
                                                            "tests/unit/test_journal_secrets.py"], 15),
    "redact": ("azext_vmbootfix/redact.py", ["tests/unit/test_redact.py", "tests/unit/test_cli_behaviour.py",
                                             "tests/unit/test_journal_secrets.py"], 3),
}
SETUP_CFG = """[mutmut]
source_paths=azext_vmbootfix
only_mutate={only}
pytest_add_cli_args_test_selection=
{tests}
also_copy=
    fakeazure
    recordings
    setup.py
    pytest.ini
    HISTORY.rst
    README.md
    vmbootfix.egg-info
use_git_change_detection=false
"""


def equivalents():
    """{mutant name: reason} from scripts/mutate_equivalents.txt (``name  reason``, # comments)."""
    out = {}
    path = os.path.join(ROOT, "scripts", "mutate_equivalents.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line and not line.startswith("#"):
                    name, _, reason = line.partition(" ")
                    out[name] = reason.strip()
    return out


def scratch(module, path, tests):
    work = os.path.join(WORK, module)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for name in COPY + tuple(n for n in os.listdir(ROOT) if n.endswith(".egg-info")):
        src = os.path.join(ROOT, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(work, name), ignore=ignore)
        elif os.path.exists(src):
            shutil.copy2(src, work)
    with open(os.path.join(work, "setup.cfg"), "w", encoding="utf-8") as fh:
        fh.write(SETUP_CFG.format(only=path, tests="\n".join("    " + t for t in tests)))
    return work


def mutmut(work, *args, timeout=None):
    exe = os.path.join(os.path.dirname(sys.executable), "mutmut")
    env = dict(os.environ, CI="")  # mutmut's own output; the OCR tests are not selected
    return subprocess.run([exe, *args], cwd=work, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)


def run_module(module, known):
    path, tests, minutes = MODULES[module]
    minutes = float(os.environ.get("MUTATE_MINUTES") or minutes)
    work = scratch(module, path, tests)
    started = time.monotonic()
    timed_out = False
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "mutmut"), "run", "--max-children", "2"],
                            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=minutes * 60)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, 15)  # mutmut and the workers it forked (their own process group)
        out, _ = proc.communicate()
    seconds = time.monotonic() - started
    mutmut(work, "export-cicd-stats")
    stats_path = os.path.join(work, "mutants", "mutmut-cicd-stats.json")
    if not os.path.exists(stats_path):
        print("{}: mutmut produced no results; its output:\n{}".format(module, out[-3000:]))
        return None
    with open(stats_path, encoding="utf-8") as fh:
        stats = json.load(fh)
    results = mutmut(work, "results").stdout
    survivors = re.findall(r"^\s+(\S+): survived$", results, re.M)
    reached = stats["total"] - stats["no_tests"] - stats["skipped"]
    caught = stats["killed"] + stats["timeout"]
    score = caught / reached if reached else 0.0
    tried = caught + stats["survived"] + stats["suspicious"] + stats["segfault"]
    print("\n== {} ({}): {}/{} killed (+{} timeouts), {} survived, {} reached by no test; score {:.1%}; {:.0f} s{}"
          .format(module, path, stats["killed"], stats["total"], stats["timeout"], stats["survived"],
                  stats["no_tests"], score, seconds, " (time box over: partial)" if timed_out else ""))
    if tried < reached:   # a partial run: the score above counts the mutants not run yet as not killed
        print("   {} of {} mutants run: {:.1%} of them killed".format(tried, reached, caught / tried if tried else 0))
    unexplained = 0
    for name in survivors:
        reason = known.get(name)
        print("  survivor {}{}".format(name, "  [equivalent: {}]".format(reason) if reason else ""))
        if not reason:
            unexplained += 1
            diff = mutmut(work, "show", name).stdout
            print("    " + "\n    ".join(line for line in diff.splitlines()[1:] if line.startswith(("+", "-"))
                                         and not line.startswith(("+++", "---"))))
    return {"module": module, "killed": caught, "reached": reached, "survivors": len(survivors),
            "unexplained": unexplained, "score": score, "seconds": seconds, "timed_out": timed_out}


def recheck(module, known):
    """Run the survivors of ``module``'s last run again, one at a time, against the tests as they are now (copied
    into the run's ``mutants/`` tree): after tests were written for them, without running every mutant again.
    A survivor counts as killed when its module's test selection fails with it switched on. The mutants no test
    reached in the run are run too, and counted: killed when the tests now fail on it, else a survivor."""
    path, tests, _minutes = MODULES[module]
    work = os.path.join(WORK, module)
    if not os.path.isdir(os.path.join(work, "mutants")):
        print("{}: no earlier run to recheck under {}".format(module, work))
        return None
    target = os.path.join(work, "mutants", "tests")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "tests"), target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    mutmut(work, "export-cicd-stats")
    with open(os.path.join(work, "mutants", "mutmut-cicd-stats.json"), encoding="utf-8") as fh:
        stats = json.load(fh)
    survivors = re.findall(r"^\s+(\S+): survived$", mutmut(work, "results").stdout, re.M)
    # mutants no selected test reached in the run: run too, now that tests may reach them (counted from here on)
    unreached = re.findall(r"^\s+(\S+): no tests$", mutmut(work, "results", "--all", "true").stdout, re.M)
    ordered = sorted(tests, key=lambda t: not t.endswith("_mutants.py"))  # the focused (fast) tests first
    started = time.monotonic()
    left, reached_now = [], []
    for name in survivors + unreached:
        if name in unreached:
            reached_now.append(name)  # counted from now on: killed, or a survivor
        if name in known:       # listed as equivalent: no test can kill it, running it again only costs time
            left.append(name)
            continue
        env = dict(os.environ, CI="", MUTANT_UNDER_TEST=name, PYTHONPATH=".")
        focused = [t for t in ordered if t.endswith("_mutants.py")]
        for selection in ([focused, ordered] if focused and len(focused) < len(ordered) else [ordered]):
            # the focused tests alone first (fast to collect); the whole selection only for what they let live
            proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", *selection],
                                  cwd=os.path.join(work, "mutants"), env=env, capture_output=True, text=True,
                                  check=False)
            if proc.returncode != 0:
                break
        if proc.returncode == 0:
            left.append(name)
        else:
            failed = re.findall(r"^FAILED (\S+)", proc.stdout, re.M)
            print("  killed {} by {}".format(name, failed[0] if failed else "exit {}".format(proc.returncode)))
    reached = stats["total"] - stats["no_tests"] - stats["skipped"] + len(reached_now)
    caught = stats["killed"] + stats["timeout"] + len(survivors) + len(reached_now) - len(left)
    score = caught / reached if reached else 0.0
    unexplained = [n for n in left if n not in known]
    print("\n== {} ({}) rechecked: {}/{} killed, {} survived (the {} mutants no test reached in the run "
          "included); score {:.1%}; recheck {:.0f} s".format(module, path, caught, reached, len(left),
                                                              len(unreached), score, time.monotonic() - started))
    for name in left:
        print("  survivor {}{}".format(name, "  [equivalent: {}]".format(known[name]) if name in known else ""))
    return {"module": module, "killed": caught, "reached": reached, "survivors": len(left),
            "unexplained": len(unexplained), "score": score, "seconds": time.monotonic() - started,
            "timed_out": False}


def main(argv):
    if argv[:1] == ["--recheck"]:
        known = equivalents()
        rows = [r for r in (recheck(m, known) for m in argv[1:] or list(MODULES)) if r]
        return 1 if not rows or any(r["score"] < TARGET or r["unexplained"] for r in rows) else 0
    modules = argv or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        print("unknown module(s) {}; one of {}".format(", ".join(unknown), ", ".join(MODULES)))
        return 2
    known = equivalents()
    rows = [r for r in (run_module(m, known) for m in modules) if r]
    if not rows:
        return 1
    killed, reached = sum(r["killed"] for r in rows), sum(r["reached"] for r in rows)
    print("\ntotal: {}/{} mutants reached by a test killed ({:.1%}), {} survivors ({} not listed as equivalent), "
          "{:.0f} s".format(killed, reached, killed / reached if reached else 0, sum(r["survivors"] for r in rows),
                            sum(r["unexplained"] for r in rows), sum(r["seconds"] for r in rows)))
    bad = [r for r in rows if r["score"] < TARGET or r["unexplained"] or r["timed_out"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
