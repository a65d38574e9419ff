"""Benchmark: what repair's pre-flight costs, in-process against the fake cloud (fast profile, no network).

Prints, for the recreate path (scenario oobe-stuck) and the rescue path (oobe-stuck-no-image): the ARM
requests the pre-flight makes (by kind) next to those of the dry run (diagnose's own reads left out: they
are diagnose_bench.py's), and the pre-flight's wall time (median of N runs) next to the dry run's. On the
rescue path the size list and the quota are read once, by the plan, and pre-flight reuses them. The times are
the fake's: on Azure each request costs a round trip (tens to hundreds of ms), so the request count is the
figure that carries over.

    .venv/bin/python bench/preflight_bench.py [--runs 5]
"""
import argparse
import atexit
import collections
import os
import shutil
import statistics
import sys
import time
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for path in (ROOT, os.path.join(ROOT, "tests")):
    sys.path.insert(0, path)

from azext_vmbootfix import diagnose, evidence  # noqa: E402
from azext_vmbootfix.repair import cli as rc  # noqa: E402
from azext_vmbootfix.repair import preflight  # noqa: E402
from repairkit import Harness  # noqa: E402


class _Cmd:
    class cli_ctx:  # pylint: disable=invalid-name
        class config:  # pylint: disable=invalid-name
            config_dir = None


def kind(entry):
    path = entry["path"].lower()
    for word in ("permissions", "locks", "checkpolicyrestrictions", "marketplaceordering", "/skus", "/usages",
                 "/disks/", "/images/", "/virtualmachines/", "/networkinterfaces/"):
        if word in path:
            return "{} {}".format(entry["method"], word.strip("/"))
    return "{} other".format(entry["method"])


def one(scenario, rescue, tmp):
    h = Harness(scenario)
    images, _ = evidence.restore_images(h.compute, evidence.vm_facts(h.original))
    spans = {}
    real_plan, real_shape = preflight.plan_checks, preflight.vm_checks

    def timed(name, fn):
        def wrapped(*a, **kw):
            start, log0 = time.perf_counter(), len(h.cloud.request_log)
            out = fn(*a, **kw)
            spans[name] = (time.perf_counter() - start, h.cloud.request_log[log0:])
            return out
        return wrapped

    patches = [mock.patch.object(rc, "_clients", lambda cmd: (h.compute, h.compute)),
               mock.patch.object(rc, "_resources", lambda cmd: h.resources),
               mock.patch.object(rc, "_preflight_clients", lambda cmd, compute: h.preflight_clients()),
               mock.patch.object(rc, "_subscription", lambda cmd: h.cloud.default_subscription),
               mock.patch.object(rc, "_path", lambda cmd, rg, vm: os.path.join(tmp, "journal.json")),
               mock.patch.object(evidence, "collect", lambda *a, **kw: None),
               mock.patch.object(diagnose, "verdict_for_vm", lambda _e: {
                   "articleId": "OSStartUp-OOBE", "osState": "in-guest-sysprep", "confidence": 0.9,
                   "images": images}),
               mock.patch.object(preflight, "plan_checks", timed("plan", real_plan)),
               mock.patch.object(preflight, "vm_checks", timed("vm", real_shape))]
    for p in patches:
        p.start()
    try:
        h.cloud.request_log.clear()
        start = time.perf_counter()
        rc.start(_Cmd, h.rg, h.name, keep_disks=True, rescue=rescue, dry_run=True)
        total = time.perf_counter() - start
        dry_requests = list(h.cloud.request_log)
    finally:
        for p in patches:
            p.stop()
    pre_time = spans["plan"][0] + spans["vm"][0]
    pre_requests = spans["vm"][1] + spans["plan"][1]
    return total, pre_time, dry_requests, pre_requests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args, _ = parser.parse_known_args()
    import tempfile
    tmp = tempfile.mkdtemp(prefix="preflight-bench-")
    atexit.register(shutil.rmtree, tmp, True)
    print("pre-flight, in-process fake (fast profile), median of {} runs".format(args.runs))
    for label, scenario, rescue in (("recreate", "oobe-stuck", False), ("rescue", "oobe-stuck-no-image", True)):
        totals, pres = [], []
        for _ in range(args.runs):
            total, pre, dry_requests, pre_requests = one(scenario, rescue, tmp)
            totals.append(total)
            pres.append(pre)
        kinds = collections.Counter(kind(e) for e in pre_requests)
        print("  {:8s} dry run without diagnose {:3d} ARM requests, {:6.1f} ms; pre-flight {:2d} of them, {:6.1f} ms"
              .format(
            label, len(dry_requests), statistics.median(totals) * 1000, len(pre_requests),
            statistics.median(pres) * 1000))
        print("           pre-flight requests: " + ", ".join("{} x{}".format(k, n)
                                                        for k, n in sorted(kinds.items())))


if __name__ == "__main__":
    main()
