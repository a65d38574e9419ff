"""Benchmark: repair and rescue run time against the critical path of their long-running operations.

Each repair plan (recreate on ``generalized-by-api`` and on ``generalized-disks-and-public-ip``, rescue and the
nested rescue (``--method nested``) on ``oobe-stuck-no-image``) runs in-process on the fake's ``fast`` profile
(Azure's durations, fakeazure/durations.yaml, on a virtual clock; a poll of an operation in flight stands for
Azure's Retry-After, 10 s) and on ``instant``.
Printed per run: the ARM requests the engine made, the virtual seconds the run took, the wall seconds it cost
here, and on ``fast`` the critical path and the ratio run / critical path.

The critical path is the longest chain of dependent long-running operations of the plan, each as long as
the durations table says: every operation the run started (the fake's operation log, each assigned to the step
that started it), with the dependencies of :data:`DEPENDS` between steps (a step's operations wait for those of
the steps it depends on; within a step, an operation waits for the one before it, except in the steps of
:data:`INDEPENDENT`), plus Azure's NIC reservation (180 s after a VM delete, before its NIC can join a VM
again). What is over the path is the time spent polling (an operation is seen done at the first poll after its
end) and the dependencies the engine keeps that the table does not (it waits for a step's operations before
the next step unless that step names it in ``overlaps``).

The poll floor is the same chain with each operation seen at the first poll after its end (the fake's poll
stands for Azure's Retry-After, 10 s): what a client that polls as Azure asks cannot beat, however it orders
its work. ``run / floor`` is the time the plan's ordering and waits add over that.

The nested plan stops for a person (``wait-for-user``: OOBE finished by hand in Hyper-V Manager); the person's
time is not counted: the figures are the run up to the stop plus the ``resume`` after it.

    .venv/bin/python bench/time_bench.py            # add -v for each run's critical path
"""
import atexit
import logging
import math
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for p in (ROOT, os.path.join(ROOT, "tests")):
    sys.path.insert(0, p)
if "AZURE_CONFIG_DIR" not in os.environ:  # a throwaway az config dir, removed at exit
    os.environ["AZURE_CONFIG_DIR"] = tempfile.mkdtemp(prefix="bench-")
    atexit.register(shutil.rmtree, os.environ["AZURE_CONFIG_DIR"], True)

from azure.mgmt.compute import ComputeManagementClient  # noqa: E402

from azext_vmbootfix.repair import engine  # noqa: E402
from azext_vmbootfix.repair.rescue_base import RC_ENUM, RC_STATE  # noqa: E402
from fakeazure.cloud import Cloud  # noqa: E402
from fakeazure.guest.boot import user_finishes_oobe  # noqa: E402
from fakeazure.inprocess import sdk_client  # noqa: E402
from repairkit import Harness  # noqa: E402

RESERVATION = "NIC reservation after the VM delete"
# What each step's operations must wait for (the steps whose effect they need), not how the engine orders them.
DEPENDS = {
    "recreate": {
        "backup-os-disk": [], "keep-disks-and-nics": [],
        "delete-vm": ["keep-disks-and-nics"],           # never delete before every deleteOption is Detach
        "recreate-from-image": ["delete-vm", RESERVATION],
        "verify-boot": ["recreate-from-image"],
        "recreate-extensions": ["verify-boot"],
        "restore-delete-options": ["verify-boot", "recreate-extensions"],  # last, once the boot is verified
    },
    "rescue": {
        "backup-os-disk": [], "copy-os-disk": ["backup-os-disk"],
        "create-rescue-vm": ["copy-os-disk"],
        "finish-setup": ["create-rescue-vm"],
        "deallocate-vm": ["finish-setup"],              # only once the copy is known to be fixable
        "enable-serial-console": ["finish-setup"],      # nothing on the copy changes before the decision; its read
        "detach-copy": ["enable-serial-console"],
        "delete-rescue-vm": ["detach-copy"],
        "swap-os-disk": ["detach-copy", "deallocate-vm"],
        "start-vm": ["swap-os-disk"],
        "verify-boot": ["start-vm"],
    },
    "nested": {
        "backup-os-disk": [], "copy-os-disk": ["backup-os-disk"],
        "create-rescue-vm": ["copy-os-disk"],           # its NSG, public IP and NIC, then the VM with the copy
        "enable-hyperv": ["create-rescue-vm"],          # Run Command, then the restart Hyper-V needs
        "start-nested-vm": ["enable-hyperv"],
        "wait-for-user": ["start-nested-vm"],           # a person finishes OOBE (not counted)
        "release-copy": ["wait-for-user"],
        "deallocate-vm": ["wait-for-user"],             # only once the person finished the copy
        "enable-serial-console": ["release-copy"],      # the copy's BCD, once Hyper-V no longer holds it
        "detach-copy": ["enable-serial-console"],
        "delete-rescue-vm": ["detach-copy"],
        "swap-os-disk": ["detach-copy", "deallocate-vm"],
        "start-vm": ["swap-os-disk"],
        "verify-boot": ["start-vm"],
    },
}
# Steps whose operations are independent of each other (the VM's write and its NICs' writes); in every other
# step an operation waits for the one before it (a NIC before the VM that uses it, a Run Command that reads what
# the last one printed).
INDEPENDENT = ("keep-disks-and-nics", "restore-delete-options")
# Run Commands (by name) of a step that need nothing of each other, only what came before the first of them:
# finish-setup reads the copy's Setup state (its Windows partition's hives) and its BCD store (its system
# partition) from the same disk listing, and decides from both.
CONCURRENT = {"finish-setup": (RC_STATE, RC_ENUM)}
# Operations a step's ``then`` starts while later steps run belong to the step that started the first one: the
# rescue VM's network resources go once its delete is over (delete-rescue-vm, rescue._delete_rescue).
RESCUE_NETWORK = ("networkInterfaces delete", "publicIPAddresses delete", "networkSecurityGroups delete")
PLANS = [("generalized-by-api", "recreate"), ("generalized-disks-and-public-ip", "recreate"),
         ("oobe-stuck-no-image", "rescue"), ("oobe-stuck-no-image", "nested")]
NESTED_CIDR = "203.0.113.7/32"  # the nested method's RDP source range (documentation range, RFC 5737)


def repair(scenario, path, profile):
    """(status, requests, virtual s, wall s, [(step, activity, started, seconds)], harness). The nested plan:
    the run to its stop for the person, the person finishing OOBE (no time), then ``resume``."""
    h = Harness(scenario, profile=profile)
    if path == "nested":
        ctx = h.new_context(path, admin_username="fixadmin", method="nested", bastion=False, allowCidr=NESTED_CIDR)
    else:
        ctx = h.new_context(path)
    ops, step = [], {"name": None}
    store, start = h.cloud.operations, h.cloud.operations.start

    compute, send_rc = h.cloud.compute, h.cloud.compute.begin_create_or_update_run_command

    def sent_rc(sub, rg, name, rc_name, *a, **kw):  # the Run Command's name, for CONCURRENT
        step["rc"] = rc_name
        try:
            return send_rc(sub, rg, name, rc_name, *a, **kw)
        finally:
            step["rc"] = None
    compute.begin_create_or_update_run_command = sent_rc

    def started(*a, **kw):
        op = start(*a, **kw)
        rtype, name = op.activity or ("?", "?")
        activity = "{} {}".format(rtype.rsplit("/", 1)[-1], name)
        if step.get("rc") and rtype.endswith("/runCommands"):
            activity += " " + step["rc"]
        owner = "delete-rescue-vm" if activity.startswith(RESCUE_NETWORK) else step["name"]
        ops.append((owner, activity, op.started, op.due - op.started))
        return op

    def progress(message):
        if message.startswith("["):
            step.update(name=message.split("] ", 1)[1].split(":", 1)[0])
    store.start = started
    ctx.progress = progress
    h.requests = 0
    virtual, wall = h.cloud.clock.now(), time.perf_counter()
    out = engine.apply(ctx)
    if path == "nested" and out["status"] == "waiting-for-user":
        paused = h.cloud.clock.now()
        user_finishes_oobe(_copy_guest(h), "Typed-At-The-Oobe-1!")  # the person, in Hyper-V Manager
        resumed = h.reloaded_context(admin_password=None)
        resumed.user_resumed, resumed.progress = True, progress     # what `resume` sets for a waiting run
        virtual -= h.cloud.clock.now() - paused                     # the person's time is not counted
        out = engine.apply(resumed)
    return out["status"], h.requests, h.cloud.clock.now() - virtual, time.perf_counter() - wall, ops, h


def _copy_guest(h):
    return h.cloud.compute.disks[next(k for k in h.cloud.compute.disks if k.endswith("-fixed"))].guest


def critical_path(path, ops, reservation):
    """(seconds, [(step, activity, seconds)]) of the longest chain of ``ops`` under :data:`DEPENDS`."""
    depends = DEPENDS[path]
    unknown = {s for s, *_ in ops} - set(depends)
    if unknown:
        raise SystemExit("steps with operations but no dependencies in DEPENDS[{!r}]: {}".format(path, unknown))
    end, chain = {}, {}  # step -> (finish, chain) of its last op; RESERVATION after delete-vm
    for name in depends:  # written in an order where a step comes after what it depends on
        mine = [o for o in ops if o[0] == name]
        before = max(((end[d], chain[d]) for d in depends[name] if d in end), default=(0.0, []))
        t, c = before
        together, last = CONCURRENT.get(name, ()), (None, before)
        for _, activity, began, seconds in mine:
            if name in INDEPENDENT:  # its operations wait for none of each other
                t0, c0 = before
            elif activity.rsplit(" ", 1)[-1] in together and last[0] in together:
                t0, c0 = last[1]  # sent with the one before it: both wait for what that one waited for
            else:
                t0, c0 = t, c
            last = (activity.rsplit(" ", 1)[-1], (t0, c0))
            if t0 + seconds >= t:
                t, c = t0 + seconds, c0 + [(name, activity, seconds)]
        end[name], chain[name] = t, c
        if name == "delete-vm":
            end[RESERVATION], chain[RESERVATION] = t + reservation, c + [(RESERVATION, "", reservation)]
    best = max(end, key=lambda k: end[k])
    return end[best], chain[best]


def poll_floor(chain, poll):
    """The chain with each operation seen at the first poll after its end (every ``poll`` seconds from its start);
    the NIC reservation is a wait, not a poll."""
    if not poll:
        return sum(seconds for _, _, seconds in chain)
    return sum(seconds if step == RESERVATION else math.ceil(round(seconds / poll, 6)) * poll
               for step, _, seconds in chain)


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
    verbose = "-v" in sys.argv[1:]
    logging.getLogger("vmbootfix.progress").disabled = True
    print("{:<42} {:<8} {:>8} {:>9} {:>10} {:>6} {:>7} {:>11} {:>7}".format(
        "repair plan", "profile", "requests", "virtual s", "critical s", "ratio", "floor s", "run / floor",
        "wall s"))
    paths = []
    for scenario, path in PLANS:
        for profile in ("instant", "fast"):
            status, requests, virtual, wall, ops, h = repair(scenario, path, profile)
            crit, ratio, floor, over = "", "", "", ""
            if profile == "fast":
                seconds, chain = critical_path(path, ops, h.cloud.nic_reservation_seconds)
                least = poll_floor(chain, h.cloud.operations.poll_seconds)
                crit, ratio = "{:.1f}".format(seconds), "{:.3f}".format(virtual / seconds)
                floor, over = "{:.1f}".format(least), "{:.3f}".format(virtual / least)
                paths.append(("{} ({})".format(path, scenario), chain))
            print("{:<42} {:<8} {:>8} {:>9.1f} {:>10} {:>6} {:>7} {:>11} {:>7.2f}  {}".format(
                "{} ({})".format(path, scenario), profile, requests, virtual, crit, ratio, floor, over, wall,
                status))
    if verbose:
        for label, chain in paths:
            print("\ncritical path of {}:".format(label))
            for step, activity, seconds in chain:
                print("  {:>6.1f} s  {:<24} {}".format(seconds, step, activity))
    print()
    print("{:<34} {:<8} {:>10} {:>9}".format("operation (healthy-windows)", "profile", "virtual s", "wall s"))
    for profile in ("instant", "fast"):
        for name, virtual, wall in operations(profile):
            print("{:<34} {:<8} {:>10.1f} {:>9.3f}".format(name, profile, virtual, wall))


if __name__ == "__main__":
    main()
