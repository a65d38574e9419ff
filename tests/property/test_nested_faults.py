"""The nested method (repair --rescue --method nested) under a refusal at every ARM request, before the wait and
after it, and a crash just after every request before the wait: the fault takes effect, then odd cases resume and
even ones roll back, and the invariants hold (the same shape as test_repair_faults.py's sweep, for the path with
a person in the middle). On the fast profile, counting only the requests that are not polls (as
test_repair_faults.py says why): a crash leaves what it started in flight, and the recovery waits for it."""
import pytest

from azext_vmbootfix.repair import engine
from azext_vmbootfix.repair.journal import Journal
from fakeazure.guest.boot import user_finishes_oobe
from repairkit import Harness

pytestmark = pytest.mark.property

SCENARIO = "oobe-stuck-no-image"
BEFORE_WAIT, AFTER_WAIT = 41, 46   # ARM requests (not polls) of a clean run up to waiting-for-user, and from resume
# to the end (record-original reads the VM's user data and its NICs' public IPs: two GETs more than the rescue had)
REFUSAL = "injected refusal"


def _new(h):
    return h.new_context("nested", admin_username="fixadmin", method="nested", bastion=False,
                         allowCidr="203.0.113.7/32")


def _user(h):
    copy = h.cloud.compute.disks[next(k for k in h.cloud.compute.disks if k.endswith("-fixed"))].guest
    user_finishes_oobe(copy, "Typed-At-The-Oobe-1!")


def _resumed(h, user_done=False):
    ctx = h.reloaded_context()
    ctx.user_resumed = user_done
    return ctx


def _refuse(h, nth):
    h.cloud.faults.add({"kind": "error", "method": "*", "path": ".*", "nth": nth, "count": 1, "status": 400,
                        "code": "InvalidParameter", "message": REFUSAL, "skipPolls": True})


def _took_effect(h):
    fired = [e for e in h.cloud.faults.log if e["kind"] == "error"]
    journal = Journal.load(h.path)
    failed = [s for s in journal.steps if s["state"] == "failed"]
    assert len(fired) == 1 and journal.status == "failed" and len(failed) == 1 and REFUSAL in failed[0]["error"]
    h.cloud.faults.clear()
    h.assert_nothing_lost()


def _finish(h):
    if Journal.load(h.path).status != "waiting-for-user":
        assert engine.apply(_resumed(h))["status"] == "waiting-for-user"
    _user(h)
    assert engine.apply(_resumed(h, user_done=True))["status"] == "succeeded"
    h.assert_rescued()
    h.assert_nothing_lost()


def _roll_back(h):
    assert engine.rollback(_resumed(h))["status"] == "rolled-back"
    h.assert_original_restored()
    h.assert_nothing_lost()
    assert not [n for n in h.cloud.network.nics if "-rescue-" in n]


def _counter(h):
    return h.cloud.faults.add({"kind": "error", "nth": 10 ** 6, "skipPolls": True})  # never fires: counts


def test_the_clean_run_makes_the_requests_the_sweep_covers():
    h = Harness(SCENARIO)
    ctx = _new(h)
    counter = _counter(h)
    assert engine.apply(ctx)["status"] == "waiting-for-user"
    before = counter.seen
    _user(h)
    counter = _counter(h)
    assert engine.apply(_resumed(h, user_done=True))["status"] == "succeeded"
    assert (before, counter.seen) == (BEFORE_WAIT, AFTER_WAIT)
    h.assert_rescued()


def test_the_sweep_keeps_at_least_its_112_cases():
    assert BEFORE_WAIT * 2 + AFTER_WAIT >= 112  # what it had when it counted polls too, on the instant profile


@pytest.mark.parametrize("nth", range(1, BEFORE_WAIT + 1))
def test_a_refusal_before_the_wait(nth):
    h = Harness(SCENARIO)
    ctx = _new(h)          # the plan reads sizes and quota first: the sweep counts from the run's own requests
    _refuse(h, nth)
    with pytest.raises(engine.RepairError, match=REFUSAL):
        engine.apply(ctx)
    _took_effect(h)
    _finish(h) if nth % 2 else _roll_back(h)


@pytest.mark.parametrize("nth", range(1, AFTER_WAIT + 1))
def test_a_refusal_after_the_wait(nth):
    h = Harness(SCENARIO)
    assert engine.apply(_new(h))["status"] == "waiting-for-user"
    _user(h)
    _refuse(h, nth)
    with pytest.raises(engine.RepairError, match=REFUSAL):
        engine.apply(_resumed(h, user_done=True))
    _took_effect(h)
    if nth % 2:
        assert engine.apply(_resumed(h))["status"] == "succeeded"   # the wait is over: no flag needed again
        h.assert_rescued()
        h.assert_nothing_lost()
    else:
        _roll_back(h)


@pytest.mark.parametrize("nth", range(1, BEFORE_WAIT + 1))
def test_a_crash_just_after_a_request_before_the_wait(nth, fault_sweep_tally):
    """Killed just after its nth request (not a poll), before it sees the answer: what that request started is in
    flight; resume (odd) or rollback (even) at once waits for it and ends where it should."""
    h = Harness(SCENARIO)
    result = h.apply_in_child(_new(h), crash_at=nth, crash_after=True, skip_polls=True)
    took = result.outcome == "crashed" and Journal.load(h.path).status == "applying"
    fault_sweep_tally.append(("nested " + SCENARIO, "crash-after", nth, "killed at {} {}".format(*result.crashed)
                              if took else None))
    assert took, result
    h.assert_nothing_lost()
    _finish(h) if nth % 2 else _roll_back(h)
