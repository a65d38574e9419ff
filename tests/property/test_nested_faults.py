"""The nested method (repair --rescue --method nested) under a refusal at every ARM request, before the wait and
after it: the fault takes effect, then odd cases resume and even ones roll back, and the invariants hold (the
same shape as test_repair_faults.py's sweep, for the path with a person in the middle)."""
import pytest

from azext_vmbootfix.repair import engine
from azext_vmbootfix.repair.journal import Journal
from fakeazure.guest.boot import user_finishes_oobe
from repairkit import Harness

pytestmark = pytest.mark.property

SCENARIO = "oobe-stuck-no-image"
BEFORE_WAIT, AFTER_WAIT = 53, 59   # ARM requests of a clean run up to waiting-for-user, and from resume to the end
# (record-original reads the VM's user data and its NICs' public IPs: two GETs more than the rescue branch had)
REFUSAL = "injected refusal"
PROFILE = "instant"  # as test_repair_faults.py: on a timed profile the number of polls depends on durations


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
                        "code": "InvalidParameter", "message": REFUSAL})


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


def test_the_clean_run_makes_the_requests_the_sweep_covers():
    h = Harness(SCENARIO, profile=PROFILE)
    ctx = _new(h)
    h.requests = 0
    assert engine.apply(ctx)["status"] == "waiting-for-user"
    before = h.requests
    _user(h)
    h.requests = 0
    assert engine.apply(_resumed(h, user_done=True))["status"] == "succeeded"
    assert (before, h.requests) == (BEFORE_WAIT, AFTER_WAIT)
    h.assert_rescued()


@pytest.mark.parametrize("nth", range(1, BEFORE_WAIT + 1))
def test_a_refusal_before_the_wait(nth):
    h = Harness(SCENARIO, profile=PROFILE)
    ctx = _new(h)          # the plan reads sizes and quota first: the sweep counts from the run's own requests
    _refuse(h, nth)
    with pytest.raises(engine.RepairError, match=REFUSAL):
        engine.apply(ctx)
    _took_effect(h)
    _finish(h) if nth % 2 else _roll_back(h)


@pytest.mark.parametrize("nth", range(1, AFTER_WAIT + 1))
def test_a_refusal_after_the_wait(nth):
    h = Harness(SCENARIO, profile=PROFILE)
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
