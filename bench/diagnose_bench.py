"""Benchmark: what one ``az vm boot-fix diagnose`` costs, against the fake cloud.

Prints: the ARM requests one diagnose makes (target <= 6), its wall time over ``az vm show`` on the same
VM (median of N runs; targets <= 1.25x without OCR, <= 2x with OCR), and what the extension adds to
``az vm -h`` (target <= 30 ms). Uses the stock az of .venv and the fake's real-clock profile.

    .venv/bin/python bench/diagnose_bench.py [--runs 5] [--scenario oobe-stuck]
"""
import argparse
import atexit
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from fakeazure.server import FakeAzureServer  # noqa: E402


def az_path():
    return os.path.join(os.path.dirname(sys.executable), "az")


def run(env, *args):
    start = time.perf_counter()
    proc = subprocess.run([az_path(), *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit("az {} failed ({}): {}".format(" ".join(args), proc.returncode, proc.stderr[-800:]))
    return elapsed, proc.stdout


def control(server, method, path):
    ctx = ssl.create_default_context(cafile=server.cert_path)
    req = urllib.request.Request(server.base_url + path, method=method)
    with urllib.request.urlopen(req, context=ctx) as resp:
        return json.loads(resp.read() or b"{}")


def arm_requests(server):
    log = control(server, "GET", "/_fake/requests?clear=true")["value"]
    return [r for r in log if not r["path"].startswith(("/msi/", "/_blob/", "/metadata/"))]


def median_time(env, args, runs):
    return statistics.median(run(env, *args)[0] for _ in range(runs))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scenario", default="oobe-stuck")
    args = parser.parse_args()
    import yaml
    with open(os.path.join(ROOT, "fakeazure", "scenarios", args.scenario + ".yaml"), encoding="utf-8") as fh:
        vm = yaml.safe_load(fh)["vms"][0]
    rg, name = vm["resource_group"], vm["name"]
    if not any(n.endswith(".egg-info") for n in os.listdir(ROOT)):
        subprocess.run([sys.executable, "setup.py", "-q", "egg_info"], cwd=ROOT, check=True)
    with FakeAzureServer(profile="real", lro_seconds=0, retry_after=1, scenarios=[args.scenario]) as server:
        env = dict(os.environ, **server.env_vars())
        env["AZURE_EXTENSION_DEV_SOURCES"] = ROOT
        bare = dict(env)
        bare.pop("AZURE_EXTENSION_DEV_SOURCES")
        bare["AZURE_CONFIG_DIR"] = tempfile.mkdtemp(prefix="bench-bare-")
        atexit.register(shutil.rmtree, bare["AZURE_CONFIG_DIR"], True)
        for f in ("config", "clouds.config", "azureProfile.json"):
            with open(os.path.join(server.config_dir, f), "rb") as src, \
                    open(os.path.join(bare["AZURE_CONFIG_DIR"], f), "wb") as dst:
                dst.write(src.read())
        # warm up (command index, .pyc)
        run(env, "vm", "show", "-g", rg, "-n", name)
        run(env, "vm", "boot-fix", "diagnose", "-g", rg, "-n", name, "--no-ocr")
        run(bare, "vm", "-h")
        run(env, "vm", "-h")
        arm_requests(server)
        _, out = run(env, "vm", "boot-fix", "diagnose", "-g", rg, "-n", name)
        reqs = arm_requests(server)
        verdict = json.loads(out)
        show = median_time(env, ["vm", "show", "-g", rg, "-n", name], args.runs)
        no_ocr = median_time(env, ["vm", "boot-fix", "diagnose", "-g", rg, "-n", name, "--no-ocr"], args.runs)
        ocr = median_time(env, ["vm", "boot-fix", "diagnose", "-g", rg, "-n", name], args.runs)
        help_bare = median_time(bare, ["vm", "-h"], args.runs)
        help_ext = median_time(env, ["vm", "-h"], args.runs)
    print("scenario {} ({}/{}): verdict {} confidence {}".format(args.scenario, rg, name, verdict["articleId"],
                                                                 verdict["confidence"]))
    print("ARM requests per diagnose: {} (target <= 6)".format(len(reqs)))
    for r in reqs:
        print("    {:6} {}".format(r["method"], r["path"]))
    print("median of {} runs:".format(args.runs))
    print("  az vm show                        {:6.3f} s".format(show))
    print("  diagnose --no-ocr                 {:6.3f} s  = {:.2f}x vm show (target <= 1.25x)".format(
        no_ocr, no_ocr / show))
    print("  diagnose (OCR)                    {:6.3f} s  = {:.2f}x vm show (target <= 2x)".format(ocr, ocr / show))
    print("  az vm -h without the extension    {:6.3f} s".format(help_bare))
    print("  az vm -h with the extension       {:6.3f} s  = +{:.0f} ms (target <= 30 ms)".format(
        help_ext, (help_ext - help_bare) * 1000))


if __name__ == "__main__":
    main()
