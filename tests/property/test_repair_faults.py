"""Property tests: the repair plan against the fake cloud with a fault injected at every step.

Invariants, whatever the fault and wherever it lands:
- no disk, NIC, snapshot or image that existed before is lost;
- the journal is always there and loadable, and says where the run stopped;
- after the fault, `resume` finishes the repair, or `rollback` brings the original VM back as it was.
A fault is one of: a refusal (HTTP 400 on the Nth ARM request), a long-running operation that ends
Failed, or a crash of the process just before the Nth request (nothing after it runs).
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azext_vmbootfix import repair
from azext_vmbootfix.journal import ACTIVE, Journal
from repairkit import Harness, SimulatedCrash

pytestmark = [pytest.mark.property,
              # a simulated crash inside an SDK poller thread is re-raised by result() in the test's thread;
              # the poller thread's own copy of it is expected noise
              pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")]

CLEAN_RUN_REQUESTS = {"generalized-by-api": 34, "oobe-stuck": 35}  # ARM requests of a clean run (asserted)
RESCUE_REQUESTS = 77  # ARM requests of a clean rescue run on oobe-stuck-no-image (asserted)
RESCUE = "oobe-stuck-no-image"
SWEEP = "generalized-by-api"
KINDS = ("refuse", "lro-fail", "crash")


def _inject(h, kind, nth):
    if kind == "crash":
        h.requests = 0
        h.crash_at = nth
    elif kind == "refuse":
        h.cloud.faults.add({"kind": "error", "method": "*", "path": ".*", "nth": nth, "count": 1, "status": 400,
                            "code": "InvalidParameter", "message": "injected refusal"})
    else:
        h.cloud.faults.add({"kind": "lro-fail", "method": "*", "path": ".*", "nth": nth, "count": 1})


def _run_with_fault(scenario, kind, nth, path="recreate"):
    h = Harness(scenario)
    ctx = h.new_context(path)
    _inject(h, kind, nth)
    outcome = "succeeded"
    try:
        repair.apply(ctx)
    except repair.RepairError:
        outcome = "failed"
    except SimulatedCrash:
        outcome = "crashed"
    h.cloud.faults.clear()
    h.crash_at = None
    h.assert_nothing_lost()
    journal = Journal.load(h.path)
    assert journal is not None
    if outcome == "succeeded":
        assert journal.status == "succeeded"
    else:
        assert journal.status in ACTIVE + ("applying",), journal.status
    return h, journal, outcome


def _recover(h, journal, how):
    if how == "resume":
        if journal.status != "succeeded":
            assert repair.apply(h.reloaded_context())["status"] == "succeeded"
        if journal.data["path"] == "rescue":
            h.assert_rescued()
        else:
            h.assert_repaired(journal.data["runId"])
    else:
        assert repair.rollback(h.reloaded_context())["status"] == "rolled-back"
        h.assert_original_restored()
    h.assert_nothing_lost()


@pytest.mark.parametrize("scenario", ["generalized-by-api", "oobe-stuck"])
def test_a_clean_run_makes_the_requests_the_sweep_covers(scenario):
    h = Harness(scenario)
    ctx = h.new_context()
    h.requests = 0
    repair.apply(ctx)
    assert h.requests == CLEAN_RUN_REQUESTS[scenario]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("nth", range(1, CLEAN_RUN_REQUESTS[SWEEP] + 1))
def test_every_request_of_the_plan_can_fail_and_be_resumed_or_rolled_back(kind, nth):
    """The exhaustive sweep: each of the plan's requests fails in each way; odd ones resume, even roll back."""
    h, journal, _ = _run_with_fault(SWEEP, kind, nth)
    _recover(h, journal, "resume" if nth % 2 else "rollback")


def test_a_clean_rescue_makes_the_requests_the_rescue_sweep_covers():
    h = Harness(RESCUE)
    ctx = h.new_context("rescue")
    h.requests = 0
    repair.apply(ctx)
    assert h.requests == RESCUE_REQUESTS
    h.assert_rescued()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("nth", range(1, RESCUE_REQUESTS + 1))
def test_every_request_of_the_rescue_plan_can_fail_and_be_resumed_or_rolled_back(kind, nth):
    """The rescue sweep: each of the rescue plan's requests (disk copy, rescue NIC and VM, Run Commands, detach,
    deallocate, swap, start, deletes) fails in each way; odd ones resume, even ones roll back."""
    h, journal, _ = _run_with_fault(RESCUE, kind, nth, path="rescue")
    _recover(h, journal, "resume" if nth % 2 else "rollback")


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=st.sampled_from(["generalized-by-api", "oobe-stuck"]),
       faults=st.lists(st.tuples(st.sampled_from(KINDS[:2]), st.integers(1, 35)), max_size=3),
       crash=st.one_of(st.none(), st.integers(1, 35)),
       how=st.sampled_from(["resume", "rollback"]),
       second_fault=st.one_of(st.none(), st.integers(1, 12)))
def test_any_mix_of_faults_then_a_faulty_recovery_still_converges(scenario, faults, crash, how, second_fault):
    """Several faults in one run, a crash on top, and a fault during the recovery itself: running the
    recovery again always converges, and nothing is lost at any point."""
    h = Harness(scenario)
    ctx = h.new_context()
    for kind, nth in faults:
        _inject(h, kind, nth)
    if crash:
        _inject(h, "crash", crash)
    try:
        repair.apply(ctx)
    except (repair.RepairError, SimulatedCrash):
        pass
    h.cloud.faults.clear()
    h.crash_at = None
    h.assert_nothing_lost()
    journal = Journal.load(h.path)
    if second_fault:  # the recovery is interrupted too
        _inject(h, "refuse", second_fault)
        try:
            if how == "resume":
                repair.apply(h.reloaded_context())
            else:
                repair.rollback(h.reloaded_context())
        except repair.RepairError:
            pass
        h.cloud.faults.clear()
        h.assert_nothing_lost()
        journal = Journal.load(h.path)
    _recover(h, journal, how)
