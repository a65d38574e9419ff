"""Benchmark: ``az vm boot-fix scan`` of a fleet on the fake cloud's real-clock profile (HTTPS, the stock az).

Prints, for 1,000 VMs (one subscription) and for the ``fleet-10k`` scenario (10,000 VMs in 3 subscriptions):
wall time (target <= 60 s for 10,000), the requests split as the issue asks -- Resource Graph pages, the
candidate-finding requests, the ARM requests per candidate (target <= 6) -- counted both by the scan and in
the fake's request log, and the az process's peak RSS (target: 10,000 VMs <= 1.2x 1,000 VMs).

    .venv/bin/python bench/scan_bench.py [--sizes 1000 10000] [--ocr]
"""
import argparse
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from fakeazure.server import FakeAzureServer  # noqa: E402

FLEET_10K = os.path.join(ROOT, "fakeazure", "scenarios", "fleet-10k.yaml")


def fleet_of(size, folder):
    """fleet-10k scaled down to ``size`` VMs in its first subscription (same mix), as a scenario file."""
    with open(FLEET_10K, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if size >= 10000:
        return FLEET_10K
    sub = dict(data["fleet"]["subscriptions"][0])
    scale = size / float(sub["vms"])
    sub["vms"] = size
    sub["special"] = {k: max(1, int(round(v * scale))) for k, v in sub["special"].items()}
    data["fleet"]["subscriptions"] = [sub]
    data["name"] = "fleet-{}".format(size)
    path = os.path.join(folder, "fleet-{}.yaml".format(size))
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(data, fh)
    return path


def control(server, path):
    ctx = ssl.create_default_context(cafile=server.cert_path)
    with urllib.request.urlopen(urllib.request.Request(server.base_url + path), context=ctx) as resp:
        return json.loads(resp.read() or b"{}")


# az is started by this small launcher, not by the benchmark itself: a process's peak RSS (ru_maxrss) starts
# at the peak of the memory its parent had when it was spawned (exec keeps the old memory's high-water mark,
# and a vfork child's old memory is its parent's), so az started from here would report this process's peak
# -- the fake cloud's, with its thousands of VMs -- whenever that is the higher.
LAUNCHER = """\
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(proc.pid, 0)
sys.stderr.write("\\nLAUNCHER %d %.3f %.3f\\n" % (os.waitstatus_to_exitcode(status), time.perf_counter() - start,
                                                usage.ru_maxrss / 1024.0))
"""


def run_az(env, args, on_start=None, python_args=("-m", "azure.cli")):
    """Run az (``python -m azure.cli``, what the ``az`` script runs) through the launcher. Returns (seconds,
    az's own peak RSS in MB, stdout, stderr); ``on_start(pid)`` is called with the launcher's pid."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, sys.executable, *python_args, *args],
                                env=env, stdout=out, stderr=err)
        if on_start is not None:
            on_start(proc.pid)
        proc.wait()
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode()
        head, _, tail = stderr.rpartition("\nLAUNCHER ")
        code, seconds, rss = tail.split()
        if proc.returncode != 0 or code != "0":
            raise SystemExit("az {} failed: {}".format(" ".join(args), head[-1500:]))
        return float(seconds), float(rss), out.read().decode(), head


def az(env, args):
    """Run az; return (seconds, peak RSS in MB, stdout)."""
    seconds, rss, stdout, _ = run_az(env, args)
    return seconds, rss, stdout


def measure(size, ocr, folder):
    scenario = fleet_of(size, folder)
    started = time.perf_counter()
    with FakeAzureServer(profile="real", lro_seconds=0, retry_after=1, scenarios=[scenario]) as server:
        load = time.perf_counter() - started
        env = dict(os.environ, **server.env_vars())
        env["AZURE_EXTENSION_DEV_SOURCES"] = ROOT
        az(env, ["vm", "boot-fix", "-h"])  # command index, .pyc
        control(server, "/_fake/requests?clear=true")
        args = ["vm", "boot-fix", "scan", "-o", "json"] + ([] if ocr else ["--no-ocr"])
        seconds, rss, stdout = az(env, args)
        log = control(server, "/_fake/requests?clear=true")["value"]
    summary = json.loads(stdout)["summary"]
    graph = [r for r in log if "microsoft.resourcegraph" in r["path"].lower()]
    finding = [r for r in log if r["path"].lower().endswith("/providers/microsoft.compute/virtualmachines")]
    blob = [r for r in log if r["path"].startswith("/_blob/")]
    other = [r for r in log if r not in graph and r not in finding and r not in blob
             and not r["path"].startswith(("/msi/", "/metadata/"))]
    return {"size": size, "load": load, "seconds": seconds, "rss": rss, "summary": summary,
            "log": {"graph": len(graph), "finding": len(finding), "perCandidate": len(other), "blob": len(blob)}}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--ocr", action="store_true", help="read the screenshots too (default --no-ocr)")
    args = parser.parse_args()
    if not any(n.endswith(".egg-info") for n in os.listdir(ROOT)):
        subprocess.run([sys.executable, "setup.py", "-q", "egg_info"], cwd=ROOT, check=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as folder:
        for size in args.sizes:
            results.append(measure(size, args.ocr, folder))
    for r in results:
        s, req, log = r["summary"], r["summary"]["requests"], r["log"]
        per = req["perCandidate"] / float(s["candidates"] or 1)
        print("{:>6} VMs: scan {:6.1f} s wall (fake loaded in {:.1f} s), az peak RSS {:6.1f} MB{}".format(
            r["size"], r["seconds"], r["load"], r["rss"], " (OCR)" if args.ocr else " (--no-ocr)"))
        print("            verdicts: {}".format(", ".join("{} {}".format(n, v) for v, n in s["byVerdict"].items())))
        print("            requests: {} Resource Graph ({} pages) + {} candidate-finding + {} for {} candidates "
              "({:.1f} each, target <= 6) + {} blob downloads".format(
                  req["graph"], req["graphPages"], req["candidateFinding"], req["perCandidate"], s["candidates"],
                  per, req["blob"]))
        print("            the fake's log: {graph} Resource Graph, {finding} statusOnly list pages, "
              "{perCandidate} other ARM, {blob} blob".format(**log))
    if len(results) >= 2:
        small, big = results[0], results[-1]
        print("peak RSS {} VMs / {} VMs = {:.2f}x (target <= 1.2x); {} VMs in {:.1f} s (target <= 60 s)".format(
            big["size"], small["size"], big["rss"] / small["rss"], big["size"], big["seconds"]))


if __name__ == "__main__":
    main()
