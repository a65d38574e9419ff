"""Property tests: the repair plans against the fake cloud with a fault injected at every step.

Invariants, whatever the fault and wherever it lands:
- no disk, NIC, snapshot or image that existed before is lost, nor the run's backup snapshot once made;
- the journal is always there and loadable, and says where the run stopped;
- after the fault, `resume` finishes the repair, or `rollback` brings the original VM back as it was
  (the whole VM model compared, tests/vmmodel.py).
A fault is one of: a refusal (HTTP 400 on the Nth request), a long-running operation that ends Failed (the
Nth request that starts one), or a crash of the process (tests/childrun.py: the run goes on in a child
process that is killed from outside just before its Nth request is served, or just after, before it sees the
answer). Every case checks that its fault took effect: the fake's fault log shows the rule fired and the run
saw it (a failed step naming the fault, or a killed process), and the sweep's tally is printed at the end.

These tests run on the fake's "fast" profile (the time Azure takes, on a virtual clock): operations stay in flight
while the run polls them, a crash just after a request leaves its operation running, and the recovery meets it
(a resource still Creating or Deleting, a 409 because another operation is in progress) and must wait for it
(repair/inflight.py). The sweeps place a fault at every request of a clean run, so a clean run must make the same
requests every time: the number of polls of an operation depends on how long it takes, so faults and crashes
count only the requests that are not polls (the fake's ``skipPolls`` rules, fakeazure/core/faults.py, and
``skip_polls`` of tests/childrun.py). A poll is never the faulted request; what a lost poll does (the process
dies while its operation runs on) is what a crash just after the request that started the operation does.
"""
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from azext_vmbootfix.repair import engine
from azext_vmbootfix.repair.journal import Journal
from repairkit import Harness

pytestmark = pytest.mark.property

# (scenario, plan): ARM requests of a clean run that are not polls, and how many of them start a long-running
# operation (asserted). (The recreated VM's and the rescue VM's OS disks are tagged with the run: a PATCH, a
# long-running operation; the recreate reads the VM's user data and its public IPs, and restores the
# deleteOptions as its last step; the rescue path reads the copy's Setup state with one Run Command more before
# it writes the answer file. The VM create meets the NIC reservation: those retries are not polls, and their
# number is set by the durations table's VM delete and the recreate's wait.)
CLEAN = {("generalized-by-api", "recreate"): (20, 4), ("oobe-stuck", "recreate"): (21, 4),
         ("generalized-with-data-disks", "recreate"): (26, 6), ("oobe-stuck-no-image", "rescue"): (68, 15),
         ("oobe-stuck-gen1-no-image", "rescue"): (68, 15), ("oobe-stuck-windows11", "rescue"): (68, 15)}
# where, among those requests, a clean run's writes start an operation (asserted with CLEAN): a crash just after
# one leaves that operation in flight, so the mixes draw crashes there often
STARTS = {("generalized-by-api", "recreate"): [6, 9, 15, 17], ("oobe-stuck", "recreate"): [6, 9, 15, 18],
          ("generalized-with-data-disks", "recreate"): [6, 9, 12, 18, 20, 24]}
STARTS.update({(s, "rescue"): [5, 10, 15, 19, 21, 24, 28, 29, 34, 39, 42, 49, 53, 59, 63]
               for s in ("oobe-stuck-no-image", "oobe-stuck-gen1-no-image", "oobe-stuck-windows11")})
SWEEPS = [("generalized-by-api", "recreate"), ("oobe-stuck", "recreate"), ("generalized-with-data-disks", "recreate"),
          ("oobe-stuck-no-image", "rescue"), ("oobe-stuck-gen1-no-image", "rescue")]
KINDS = ("refuse", "lro-fail", "crash-before", "crash-after")
REFUSAL = "injected refusal"
LRO_FAILURE = "InternalExecutionError"
DELAY_SECONDS = 300  # a "delay" fault of the mixes: the operation the request starts stays in flight 5 min more


def _cases():
    out = []
    for scenario, plan in SWEEPS:
        requests, lros = CLEAN[(scenario, plan)]
        for kind in KINDS:
            for nth in range(1, (lros if kind == "lro-fail" else requests) + 1):
                out.append(pytest.param(scenario, plan, kind, nth, id="{}-{}-{}".format(scenario, kind, nth)))
    return out


def _add_fault(h, kind, nth):
    """A fault at the ``nth`` request that is not a poll (``lro-fail``: the nth that starts an operation)."""
    if kind == "refuse":
        return h.cloud.faults.add({"kind": "error", "method": "*", "path": ".*", "nth": nth, "count": 1,
                                   "status": 400, "code": "InvalidParameter", "message": REFUSAL, "skipPolls": True})
    if kind == "delay":
        return h.cloud.faults.add({"kind": "delay", "method": "*", "path": ".*", "nth": nth, "count": 1,
                                   "seconds": DELAY_SECONDS, "skipPolls": True})
    return h.cloud.faults.add({"kind": "lro-fail", "method": "*", "path": ".*", "nth": nth, "count": 1})


def run_with_fault(h, ctx, kind, nth):
    """Apply the plan with one fault; return what the run saw: ("crashed", (method, path)) or
    ("failed", message) or ("succeeded", None)."""
    if kind.startswith("crash"):
        result = h.apply_in_child(ctx, crash_at=nth, crash_after=kind == "crash-after", skip_polls=True)
        return result.outcome, result.crashed if result.outcome == "crashed" else result.error
    if kind in ("refuse", "lro-fail"):
        _add_fault(h, kind, nth)
    try:
        engine.apply(ctx)
    except engine.RepairError as exc:
        return "failed", str(exc)
    return "succeeded", None


def fault_took_effect(h, kind, nth, outcome, detail):
    """Why the fault took effect, or raise AssertionError saying why it did not."""
    journal = Journal.load(h.path)
    assert journal is not None, "the journal must survive any failure"
    if kind.startswith("crash"):
        assert outcome == "crashed", "the process was not killed at request {}: it {}".format(nth, outcome)
        assert journal.status == "applying", "a killed run cannot have recorded its end: " + journal.status
        return "killed at request {} ({} {})".format(nth, *detail)
    fired = [e for e in h.cloud.faults.log if e["kind"] == ("error" if kind == "refuse" else "lro-fail")]
    assert len(fired) == 1, "the fake's fault log shows {} firings: {}".format(len(fired), h.cloud.faults.log)
    want = REFUSAL if kind == "refuse" else LRO_FAILURE
    assert outcome == "failed" and want in (detail or ""), "the run did not see the fault: {} {}".format(
        outcome, detail)
    failed = [s for s in journal.steps if s["state"] == "failed"]
    assert journal.status == "failed" and len(failed) == 1 and want in failed[0]["error"], journal.data["status"]
    return "{} {} failed step {}".format(fired[0]["method"], fired[0]["path"].rsplit("/", 2)[-2:], failed[0]["name"])


def recover(h, how):
    journal = Journal.load(h.path)
    if how == "resume":
        if journal.status != "succeeded":
            assert engine.apply(h.reloaded_context())["status"] == "succeeded"
        if journal.data["path"] == "rescue":
            h.assert_rescued()
        else:
            h.assert_repaired(journal.data["runId"], journal.data["params"]["imageId"])
    else:
        assert engine.rollback(h.reloaded_context())["status"] == "rolled-back"
        h.assert_original_restored()
    h.assert_nothing_lost()


@pytest.mark.parametrize("scenario,plan", sorted(CLEAN))
def test_a_clean_run_makes_the_requests_the_sweeps_cover(scenario, plan):
    h = Harness(scenario)
    ctx = h.new_context(plan)
    requests = h.cloud.faults.add({"kind": "error", "nth": 10 ** 6, "skipPolls": True})  # never fires: counts
    starts = h.cloud.faults.add({"kind": "lro-fail", "nth": 10 ** 6})  # the requests that start an operation
    h.requests = 0
    h.cloud.request_log.clear()
    engine.apply(ctx)
    assert (requests.seen, starts.seen) == CLEAN[(scenario, plan)]
    sent = [r for r in h.cloud.request_log if not h.cloud.operations.is_poll(r["method"], r["path"])]
    assert [i for i, r in enumerate(sent, 1) if r["method"] != "GET" and r["status"] < 300] == STARTS[(scenario, plan)]
    assert h.requests > requests.seen, "on the fast profile operations are polled while they are in flight"
    if plan == "rescue":
        h.assert_rescued()
    else:
        h.assert_repaired(ctx.run_id, ctx.image_id)
    h.assert_nothing_lost()


def test_the_sweep_keeps_at_least_its_557_cases():
    assert len(_cases()) >= 557  # what the sweep had when it counted polls too, on the instant profile


@pytest.mark.parametrize("scenario,plan,kind,nth", _cases())
def test_every_request_can_fail_and_be_resumed_or_rolled_back(scenario, plan, kind, nth, fault_sweep_tally):
    """The exhaustive sweep: each request of each plan fails in each way and the fault is seen to take
    effect; then odd cases resume and even ones roll back, and the invariants hold."""
    h = Harness(scenario)
    ctx = h.new_context(plan)
    outcome, detail = run_with_fault(h, ctx, kind, nth)
    try:
        why = fault_took_effect(h, kind, nth, outcome, detail)
    except AssertionError:
        fault_sweep_tally.append((scenario, kind, nth, None))
        raise
    fault_sweep_tally.append((scenario, kind, nth, why))
    h.cloud.faults.clear()
    h.assert_nothing_lost()
    recover(h, "resume" if nth % 2 else "rollback")


# the mixed-fault test's runs: (scenario, plan, requests a recovery may see faulted)
MIXED = [("generalized-by-api", "recreate", 12), ("oobe-stuck", "recreate", 12),
         ("generalized-with-data-disks", "recreate", 12), ("oobe-stuck-no-image", "rescue", 40),
         ("oobe-stuck-gen1-no-image", "rescue", 40), ("oobe-stuck-windows11", "rescue", 40)]


@st.composite
def mixed_runs(draw):
    """A plan (recreate or rescue, on the scenarios it applies to), several refusals/LRO failures/delays at
    requests of that plan, an optional crash, how to recover, and an optional refusal during the recovery."""
    scenario, plan, recovery = draw(st.sampled_from(MIXED))
    requests, lros = CLEAN[(scenario, plan)]
    faults = draw(st.lists(st.one_of(st.tuples(st.just("refuse"), st.integers(1, requests)),
                                     st.tuples(st.just("lro-fail"), st.integers(1, lros)),
                                     st.tuples(st.just("delay"), st.integers(1, requests))), max_size=3))
    crash = draw(st.one_of(st.none(), st.tuples(st.integers(1, requests), st.booleans()),
                           st.tuples(st.sampled_from(STARTS[(scenario, plan)]), st.just(True))))
    how = draw(st.sampled_from(["resume", "rollback"]))
    second_fault = draw(st.one_of(st.none(), st.integers(1, recovery)))
    return scenario, plan, faults, crash, how, second_fault


@settings(max_examples=160, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(run=mixed_runs())
def test_any_mix_of_faults_then_a_faulty_recovery_still_converges(run):
    """Several faults in one run (operations made to last 5 min more among them), a crash on top (in a child
    process: what it started stays in flight), and a fault during the recovery itself: running the recovery
    again always converges, and nothing is lost at any point. Both plans, on every scenario they apply to."""
    scenario, plan, faults, crash, how, second_fault = run
    h = Harness(scenario)
    ctx = h.new_context(plan)
    for kind, nth in faults:
        _add_fault(h, kind, nth)
    if crash:
        outcome, _ = run_with_fault(h, ctx, "crash-after" if crash[1] else "crash-before", crash[0])
    else:
        outcome, _ = run_with_fault(h, ctx, "none", 0)
    event("{} {}: {} then {}".format(plan, scenario, outcome, how))
    event("operations in flight when the run stopped: {}".format(bool(h.cloud.operations.pending())))
    h.cloud.faults.clear()
    h.assert_nothing_lost()
    journal = Journal.load(h.path)
    assert journal is not None and journal.data["path"] == plan
    if second_fault:  # the recovery is interrupted too
        _add_fault(h, "refuse", second_fault)
        try:
            if how == "resume":
                engine.apply(h.reloaded_context())
            else:
                engine.rollback(h.reloaded_context())
        except engine.RepairError:
            pass
        h.cloud.faults.clear()
        h.assert_nothing_lost()
    recover(h, how)
