"""Benchmark: what the time Azure takes costs a test, in-process.

For each repair plan (recreate on ``generalized-by-api``, rescue on ``oobe-stuck-no-image``) run once on the
fake's ``instant`` profile (every operation ends in its request) and once on ``fast`` (Azure's durations on a
virtual clock): the ARM requests the engine made, the virtual seconds Azure would have taken, and the wall
seconds the run cost here. Then the same for single operations (VM create, deallocate, Run Command).

    .venv/bin/python bench/time_bench.py
"""
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for p in (ROOT, os.path.join(ROOT, "tests")):
    sys.path.insert(0, p)
os.environ.setdefault("AZURE_CONFIG_DIR", tempfile.mkdtemp(prefix="bench-"))

from azure.mgmt.compute import ComputeManagementClient  # noqa: E402

from azext_vmbootfix.repair import engine  # noqa: E402
from fakeazure.cloud import Cloud  # noqa: E402
from fakeazure.inprocess import sdk_client  # noqa: E402
from repairkit import Harness  # noqa: E402


def repair(scenario, path, profile):
    h = Harness(scenario, profile=profile)
    ctx = h.new_context(path)
    h.requests = 0
    virtual, wall = h.cloud.clock.now(), time.perf_counter()
    out = engine.apply(ctx)
    return out["status"], h.requests, h.cloud.clock.now() - virtual, time.perf_counter() - wall


def operations(profile):
    cloud = Cloud(profile)
    cloud.load_scenario("healthy-windows")
    cc = sdk_client(cloud, ComputeManagementClient)
    out = []
    for name, call in [("deallocate", lambda: cc.virtual_machines.begin_deallocate("rg-healthy", "app01")),
                       ("start", lambda: cc.virtual_machines.begin_start("rg-healthy", "app01")),
                       ("run command", lambda: cc.virtual_machines.begin_run_command(
                           "rg-healthy", "app01", {"command_id": "RunPowerShellScript", "script": ["hostname"]}))]:
        virtual, wall = cloud.clock.now(), time.perf_counter()
        call().result()
        out.append((name, cloud.clock.now() - virtual, time.perf_counter() - wall))
    return out


def main():
    print("{:<34} {:<8} {:>8} {:>10} {:>9}".format("repair plan", "profile", "requests", "virtual s", "wall s"))
    for scenario, path in [("generalized-by-api", "recreate"), ("oobe-stuck-no-image", "rescue")]:
        for profile in ("instant", "fast"):
            status, requests, virtual, wall = repair(scenario, path, profile)
            print("{:<34} {:<8} {:>8} {:>10.1f} {:>9.2f}  {}".format(
                "{} ({})".format(path, scenario), profile, requests, virtual, wall, status))
    print()
    print("{:<34} {:<8} {:>10} {:>9}".format("operation (healthy-windows)", "profile", "virtual s", "wall s"))
    for profile in ("instant", "fast"):
        for name, virtual, wall in operations(profile):
            print("{:<34} {:<8} {:>10.1f} {:>9.3f}".format(name, profile, virtual, wall))


if __name__ == "__main__":
    main()
