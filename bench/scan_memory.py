"""Where ``az vm boot-fix scan`` spends its memory: the stock az in a subprocess, as ``scan_bench.py`` runs it.

For each fleet size it prints the az process's resident memory over time, cut into the scan's phases by the
fake's request log (imports and login; each subscription's ``statusOnly`` list; the Resource Graph pages;
the candidates' requests; after the last request: az turning the result into its output), the peak of each
phase and the whole run's peak (``ru_maxrss``, as ``scan_bench.py`` reports it).

With ``--memray`` az runs under memray (``pip install memray``; ``--trace-python-allocators``, so that
Python's own allocator is seen object by object) and the script also prints what was alive at the peak of the
traced heap, by the allocating frame nearest the top of the stack that is in the extension, the Azure SDK,
azure-core, azure-cli or knack -- which code holds the memory when the memory is highest. (memray's heap is
smaller than the RSS: the RSS also holds freed memory that Python's allocator keeps, and the code.)

    .venv/bin/python bench/scan_memory.py [--sizes 1000 10000] [--ocr] [--memray] [--output json|table|none]
                                          [--keep DIR]
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scan_bench  # noqa: E402
from scan_bench import ROOT, control, fleet_of  # noqa: E402

from fakeazure.server import FakeAzureServer  # noqa: E402

MB = 1024.0 * 1024.0
# frames attributed to a package: the first of these (from the top of the stack) names the holder
HOLDERS = (("azext_vmbootfix", "extension"), ("azure/mgmt/compute", "azure-mgmt-compute"),
           ("azure/mgmt/resourcegraph", "azure-mgmt-resourcegraph"), ("azure/core", "azure-core"),
           ("azure/cli", "azure-cli"), ("knack", "knack"), ("requests", "requests"), ("urllib3", "urllib3"),
           ("json", "json"))


SAMPLER = """\
import sys, time
launcher, out = sys.argv[1], open(sys.argv[2], "w")
pid = None
while pid is None:  # az is the launcher's child
    try:
        with open("/proc/%s/task/%s/children" % (launcher, launcher)) as fh:
            pid = (fh.read().split() or [None])[0]
    except OSError:
        sys.exit(0)
    time.sleep(0.005)
while True:
    try:
        with open("/proc/%s/status" % pid) as fh:
            got = dict(line.split(":", 1) for line in fh if line.startswith(("VmRSS", "VmHWM", "State")))
    except OSError:
        break
    if got.get("State", "").strip().startswith("Z") or "VmRSS" not in got:
        break
    out.write("%.3f %s %s\\n" % (time.time(), got["VmRSS"].split()[0], got["VmHWM"].split()[0]))
    out.flush()
    time.sleep(0.02)
"""


def run_az(env, args, memray_out=None):
    """Run az as ``scan_bench.py`` does (through its launcher, so that the peak is az's own); a separate
    process samples az's RSS every 20 ms (a thread here would share the GIL with the fake's server).
    Returns (samples [(time, MB)], az's peak RSS in MB (``ru_maxrss``), stdout)."""
    python_args = ("-m", "azure.cli")
    if memray_out:
        python_args = ("-m", "memray", "run", "--quiet", "--trace-python-allocators", "-o", memray_out) + python_args
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as trace:
        sampler = []

        def start(pid):
            sampler.append(subprocess.Popen([sys.executable, "-c", SAMPLER, str(pid), trace.name]))
        _, peak, stdout, _ = scan_bench.run_az(env, args, on_start=start, python_args=python_args)
        sampler[0].wait()
        samples = [(float(t), int(rss) / 1024.0) for t, rss, _ in
                   (line.split() for line in trace.read().splitlines() if line.count(" ") == 2)]
    return samples, peak, stdout


def _kind(path):
    low = path.lower()
    if "microsoft.resourcegraph" in low:
        return "Resource Graph page"
    if low.endswith("/providers/microsoft.compute/virtualmachines"):
        return "statusOnly list " + path.split("/")[2][:8]
    return "candidates' requests and downloads"


def phases(log, started, ended):
    """[(label, start, end)]: runs of consecutive requests of one kind (by the fake's request log: path,
    time, ms; a candidate's blob downloads count with its ARM requests), each from the end of the previous
    run to the end of its last request."""
    arm = sorted((r for r in log if not r["path"].startswith(("/msi/", "/metadata/"))),
                 key=lambda r: r["time"])
    if not arm:
        return [("whole run", started, ended)]
    cuts, t = [("imports, login", started, arm[0]["time"])], arm[0]["time"]
    for r in arm:
        kind, end = _kind(r["path"]), r["time"] + r.get("ms", 0) / 1000.0
        if cuts[-1][0].split(" x")[0] == kind:
            label, start, _ = cuts[-1]
            count = int(label.split(" x")[1]) + 1 if " x" in label else 2
            cuts[-1] = ("{} x{}".format(kind, count), start, max(end, cuts[-1][2]))
        else:
            cuts.append((kind, t, end))
        t = max(t, end)
    cuts.append(("after the last request: output", t, ended))
    return cuts


def memray_holders(path, top=12):
    """What was alive at the traced heap's peak, by holder (package) and by the holder's frame."""
    import memray
    by_pkg, by_frame = collections.Counter(), collections.Counter()
    with memray.FileReader(path) as reader:
        peak = reader.metadata.peak_memory
        for rec in reader.get_high_watermark_allocation_records(merge_threads=True):
            stack = rec.stack_trace()
            pkg, frame = "other", None
            for func, filename, line in stack:  # top (the allocating frame) first
                name = filename.replace("\\", "/")
                hit = next((label for key, label in HOLDERS if "/{}/".format(key) in name or
                            name.endswith("/{}.py".format(key))), None)
                if hit:
                    pkg = hit
                    frame = "{}:{} {}".format(name.split("site-packages/")[-1].split(ROOT + "/")[-1], line, func)
                    break
            by_pkg[pkg] += rec.size
            by_frame[frame or "(no Python frame)"] += rec.size
    return peak, by_pkg, by_frame.most_common(top)


def measure(size, ocr, folder, use_memray, output="json"):
    scenario = fleet_of(size, folder)
    with FakeAzureServer(profile="real", lro_seconds=0, retry_after=1, scenarios=[scenario]) as server:
        env = dict(os.environ, **server.env_vars())
        env["AZURE_EXTENSION_DEV_SOURCES"] = ROOT
        run_az(env, ["vm", "boot-fix", "-h"])  # command index, .pyc
        control(server, "/_fake/requests?clear=true")
        args = ["vm", "boot-fix", "scan", "-o", output] + ([] if ocr else ["--no-ocr"])
        started = time.time()
        samples, peak, stdout = run_az(env, args)
        ended = time.time()
        log = control(server, "/_fake/requests?clear=true")["value"]
        traced = None
        if use_memray:
            out = os.path.join(folder, "scan-{}.bin".format(size))
            run_az(env, args, memray_out=out)
            control(server, "/_fake/requests?clear=true")
            traced = memray_holders(out)
    vms = json.loads(stdout)["summary"]["vms"] if output == "json" else None
    return {"size": size, "peak": peak, "samples": samples, "phases": phases(log, started, ended),
            "vms": vms, "output": len(stdout), "format": output, "traced": traced}


def report(r):
    print("{:>6} VMs ({} rows, {:.1f} MB of {} output): az peak RSS {:.1f} MB".format(
        r["size"], r["vms"] if r["vms"] is not None else "?", r["output"] / MB, r["format"], r["peak"]))
    for label, start, end in r["phases"]:
        inside = [mb for t, mb in r["samples"] if start <= t <= end]
        if inside:
            print("    {:<48} {:6.1f} s  RSS {:6.1f} -> {:6.1f} MB, peak {:6.1f} MB".format(
                label, end - start, inside[0], inside[-1], max(inside)))
    if r["traced"]:
        peak, by_pkg, frames = r["traced"]
        print("    memray: traced heap peak {:.1f} MB; alive at that peak, by holder:".format(peak / MB))
        print("      " + ", ".join("{} {:.1f} MB".format(k, v / MB) for k, v in by_pkg.most_common()))
        for frame, size in frames:
            print("      {:7.1f} MB  {}".format(size / MB, frame))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--ocr", action="store_true", help="read the screenshots too (default --no-ocr)")
    parser.add_argument("--memray", action="store_true", help="also run az under memray and print the holders")
    parser.add_argument("--keep", help="keep the scenario files and memray captures in this folder")
    parser.add_argument("--output", default="json", help="az's -o (json, table, none: how much is az's output)")
    args = parser.parse_args()
    if not any(n.endswith(".egg-info") for n in os.listdir(ROOT)):
        subprocess.run([sys.executable, "setup.py", "-q", "egg_info"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory(prefix="scan-memory-") as tmp:
        folder = args.keep or tmp
        os.makedirs(folder, exist_ok=True)
        results = [measure(size, args.ocr, folder, args.memray, args.output) for size in args.sizes]
    for r in results:
        report(r)
    if len(results) >= 2:
        print("peak RSS {} VMs / {} VMs = {:.2f}x (target <= 1.2x)".format(
            results[-1]["size"], results[0]["size"], results[-1]["peak"] / results[0]["peak"]))


if __name__ == "__main__":
    main()
