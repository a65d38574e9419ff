"""Run the whole replay and put its figures into words: agreement per recording and overall, and the
disagreements grouped by cause.

``run_all()`` replays every chosen azure-cli recording and the fidelity pack; ``figures()`` counts;
``format_*`` give the text the test prints and ``python -m replay`` (``bash scripts/dev.sh replay``) shows.
"""
import collections
import glob
import os

from . import causes
from .cassettes import fidelity_exchanges, load_yaml, vcr_exchanges
from .engine import replay

# The fidelity pack is replayed as one run, its files in this order: what an entry presupposes is made
# by an earlier file where the pack has it (disks before the snapshots and images made from them, the
# VM create before the actions on that VM), deletions last.
FIDELITY_ORDER = ("compute-capacity", "disk-create", "snapshot-create", "image-create", "errors",
                  "network-interface", "vm-create", "run-command", "vm-power-lro", "vm-update", "vm-generalize",
                  "vm-get", "gallery-image-version", "vm-delete")
TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAFFIC = os.path.join(TESTS, "fixtures", "azure-traffic")
FIDELITY = os.path.join(TESTS, "fixtures", "fidelity")


def chosen_recordings():
    """``[(name, path)]`` of the azure-cli recordings listed in ``chosen.txt``, in its order."""
    out = []
    with open(os.path.join(TRAFFIC, "chosen.txt"), encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                rel = line.split()[0]
                out.append((rel, os.path.join(TRAFFIC, "recordings", rel)))
    return out


def run_all():
    """Every recording replayed: ``[RecordingResult]``, azure-cli ones first, then the fidelity pack."""
    results = []
    for name, path in chosen_recordings():
        results.append(causes.assign(replay(vcr_exchanges(load_yaml(path)), name, "azure-cli")))
    results.append(causes.assign(replay(fidelity_pack(), "fidelity pack (one run)", "fidelity",
                                        arrange_resources=True)))
    return results


def fidelity_pack():
    """The fidelity pack's exchanges, file by file in ``FIDELITY_ORDER`` (every file must be listed)."""
    files = {os.path.splitext(os.path.basename(p))[0]: p for p in glob.glob(os.path.join(FIDELITY, "*.yaml"))}
    unlisted = set(files) - set(FIDELITY_ORDER)
    if unlisted:
        raise AssertionError("fidelity files not in FIDELITY_ORDER: {}".format(", ".join(sorted(unlisted))))
    out = []
    for name in FIDELITY_ORDER:
        out += fidelity_exchanges(load_yaml(files[name]), origin=name)
    return out


class Figures:
    """Agreement counts over a set of outcomes."""

    def __init__(self, outcomes):
        outcomes = list(outcomes)
        self.requests = len(outcomes)
        self.status = sum(o.comparison.status_ok for o in outcomes)
        judged = [o for o in outcomes if o.comparison.code_judged]
        self.codes_judged = len(judged)
        self.codes = sum(o.comparison.code_ok for o in judged)
        bodies = [o for o in outcomes if o.comparison.keys_ok is not None]
        self.bodies_judged = len(bodies)
        self.bodies = sum(bool(o.comparison.keys_ok) for o in bodies)
        self.all = sum(o.comparison.agrees for o in outcomes)

    @staticmethod
    def pct(n, d):
        return 100.0 * n / d if d else 100.0

    @property
    def status_pct(self):
        return self.pct(self.status, self.requests)

    @property
    def codes_pct(self):
        return self.pct(self.codes, self.codes_judged)

    @property
    def bodies_pct(self):
        return self.pct(self.bodies, self.bodies_judged)

    def line(self):
        return ("status {}/{} ({:.1f} %)  error code {}/{} ({:.1f} %)  body keys {}/{} ({:.1f} %)  all three {}/{}"
                .format(self.status, self.requests, self.status_pct, self.codes, self.codes_judged,
                        self.codes_pct, self.bodies, self.bodies_judged, self.bodies_pct, self.all, self.requests))


def figures(results, source=None):
    return Figures(o for r in results if source in (None, r.source) for o in r.outcomes)


def format_recordings(results):
    rows = ["{:<66} {:>4} {:>11} {:>11} {:>11}  {}".format(
        "recording", "req", "status", "error code", "body keys",
        "polls collapsed/skipped/groups arranged/foreign dropped")]
    for r in results:
        f = Figures(r.outcomes)
        rows.append("{:<66} {:>4} {:>11} {:>11} {:>11}  {}/{}/{}/{}".format(
            r.name[:66], f.requests, "{}/{}".format(f.status, f.requests), "{}/{}".format(f.codes, f.codes_judged),
            "{}/{}".format(f.bodies, f.bodies_judged), r.collapsed, r.skipped, len(r.arranged), r.foreign))
        origins = sorted({o.exchange.origin for o in r.outcomes if o.exchange.origin})
        for origin in origins:
            f = Figures(o for o in r.outcomes if o.exchange.origin == origin)
            rows.append("  {:<64} {:>4} {:>11} {:>11} {:>11}".format(
                origin, f.requests, "{}/{}".format(f.status, f.requests), "{}/{}".format(f.codes, f.codes_judged),
                "{}/{}".format(f.bodies, f.bodies_judged)))
        rows += ["    note: " + n for n in r.notes]
        for index, why in r.uncompared:
            rows.append("    not compared: #{}, {}".format(index, why))
        rows += ["    the fake logged an internal error: " + e.strip().splitlines()[-1] for e in r.errors]
    return "\n".join(rows)


def format_summary(results):
    rows = []
    for source in ("azure-cli", "fidelity", None):
        picked = [r for r in results if source in (None, r.source)]
        if not picked:
            continue
        rows.append("{:<10} {:>3} recordings  {}".format(source or "overall", len(picked),
                                                         figures(picked).line()))
    return "\n".join(rows)


def grouped_causes(results, source=None):
    """``{category: {(operation, detail): [where, ...]}}`` of every disagreement."""
    groups = collections.defaultdict(lambda: collections.defaultdict(list))
    for r in results:
        if source not in (None, r.source):
            continue
        for o in r.outcomes:
            if o.cause is not None:
                category, op, detail = o.cause
                where = o.exchange.origin or r.name
                groups[category][(op, detail)].append("{}#{}".format(where, o.index))
    return groups


def format_causes(results, source=None, examples=2):
    groups = grouped_causes(results, source)
    rows = []
    for category, items in sorted(groups.items(), key=lambda kv: -sum(len(v) for v in kv[1].values())):
        rows.append("{} ({})".format(category, sum(len(v) for v in items.values())))
        for (op, detail), where in sorted(items.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            rows.append("  {:>4}  {}  {}".format(len(where), op, detail))
            rows.append("        e.g. " + ", ".join(where[:examples]))
    return "\n".join(rows)
