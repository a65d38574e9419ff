"""Resume and rollback right after a crash that left an operation in flight (the fake's fast profile: operations
take the time Azure takes, on a virtual clock), Azure's refusals while another operation is in progress, and a
Run Command that may have run already (repair/inflight.py, repair/runcommand.py, the engine's retry)."""
import email.utils

import pytest

from azext_vmbootfix.repair import engine, inflight
from azext_vmbootfix.repair.journal import Journal
from repairkit import Harness

GEN = "generalized-by-api"
IN_PROGRESS = "Operation 'Delete VM' is not allowed on VM 'app01' since another operation is in progress."
VM_DELETE = {"method": "DELETE", "path": "/virtualMachines/app01$"}


def _clean_requests(scenario, plan="recreate"):
    """The requests of a clean run that are not polls (what skipPolls rules and skip_polls crashes count)."""
    h = Harness(scenario)
    ctx = h.new_context(plan)
    h.cloud.request_log.clear()
    engine.apply(ctx)
    return [(r["method"], r["path"], r["status"]) for r in h.cloud.request_log
            if not h.cloud.operations.is_poll(r["method"], r["path"])]


def _nth(requests, method, path_end, accepted=True):
    """1-based position of the first request ``method ...path_end`` (answered 2xx when ``accepted``)."""
    return next(i for i, (m, p, status) in enumerate(requests, 1)
                if m == method and p.lower().endswith(path_end.lower()) and (not accepted or status < 300))


def _crash_just_after(h, ctx, nth):
    result = h.apply_in_child(ctx, crash_at=nth, crash_after=True, skip_polls=True)
    assert result.outcome == "crashed", result
    assert h.cloud.operations.pending(), "the request's operation is still in flight"
    return result


def _conflicts(h):
    return [r for r in h.cloud.request_log if r["status"] == 409]


def test_resume_waits_for_the_vm_create_still_in_flight():
    """Killed just after Azure accepted the VM create: resumed at once, the VM reads Creating and has no OS disk
    yet. Resume waits for the create to end instead of tagging a disk that is not there."""
    requests = _clean_requests(GEN)
    delete = _nth(requests, "DELETE", "/virtualMachines/app01")
    nth = next(i for i, (method, path, status) in enumerate(requests, 1)  # the create Azure accepted
               if i > delete and method == "PUT" and path.endswith("/virtualMachines/app01") and status < 300)
    h = Harness(GEN)
    ctx = h.new_context()
    _crash_just_after(h, ctx, nth)
    h.cloud.request_log.clear()
    assert engine.apply(h.reloaded_context())["status"] == "succeeded"
    assert any("virtualMachines/app01 (Creating)" in m for m in h.progress_messages), h.progress_messages
    assert not _conflicts(h)
    h.assert_repaired(ctx.run_id, ctx.image_id)
    h.assert_nothing_lost()


def test_resume_waits_for_the_backup_snapshot_still_being_copied():
    nth = _nth(_clean_requests(GEN), "PUT", "-os")
    h = Harness(GEN)
    ctx = h.new_context()
    _crash_just_after(h, ctx, nth)
    h.cloud.request_log.clear()
    assert engine.apply(h.reloaded_context())["status"] == "succeeded"
    assert any("waiting for an operation still in flight: snapshots/" in m for m in h.progress_messages)
    assert not _conflicts(h), "the snapshot PUT was sent again while Azure was still copying"
    h.assert_repaired(ctx.run_id, ctx.image_id)


def test_rollback_right_after_a_crash_in_the_vm_delete_waits_and_brings_the_vm_back():
    """Killed just after the DELETE: the VM is still there (Deleting) with its original OS disk. A rollback that
    took it for the original and stopped would leave no VM once the delete ends."""
    nth = _nth(_clean_requests(GEN), "DELETE", "/virtualMachines/app01")
    h = Harness(GEN)
    ctx = h.new_context()
    _crash_just_after(h, ctx, nth)
    assert engine.rollback(h.reloaded_context())["status"] == "rolled-back"
    assert any("virtualMachines/app01 (Deleting)" in m for m in h.progress_messages), h.progress_messages
    h.assert_original_restored()
    h.assert_nothing_lost()


def test_resume_gives_up_with_a_clear_error_when_the_operation_outlasts_the_bound(monkeypatch):
    nth = _nth(_clean_requests(GEN), "DELETE", "/virtualMachines/app01")
    h = Harness(GEN)
    ctx = h.new_context()
    h.cloud.faults.add({"kind": "delay", "nth": nth, "seconds": 10 ** 6, "skipPolls": True})  # never ends
    _crash_just_after(h, ctx, nth)
    h.cloud.faults.clear()
    monkeypatch.setattr(inflight, "SETTLE_LIMIT_SECONDS", 120)
    with pytest.raises(engine.RepairError) as raised:
        engine.apply(h.reloaded_context())
    assert "still has operations in flight on virtualMachines/app01 (Deleting)" in str(raised.value)
    assert "resume" in raised.value.recommendation
    journal = Journal.load(h.path)
    failed = [r["name"] for r in journal.steps if r["state"] == "failed"]
    assert journal.status == "failed" and len(failed) == 1, journal.steps  # the first step it walked again
    h.assert_nothing_lost()


# Compute answers these 409s without Retry-After (a refusal with one is retried by azure-core's own RetryPolicy,
# which retries any answer >= 400 that carries Retry-After, sleeping in real time: the engine sees it only once
# the SDK's retries are spent, and then waits what it says, test_what_counts_as_another_operation_in_progress)
def test_a_refusal_because_another_operation_is_in_progress_is_waited_out_then_the_step_goes_on():
    h = Harness(GEN)
    ctx = h.new_context()
    h.cloud.faults.add(dict(VM_DELETE, kind="error", count=2, status=409, code="OperationNotAllowed",
                            message=IN_PROGRESS))
    start = h.cloud.clock.now()
    assert engine.apply(ctx)["status"] == "succeeded"
    assert len(h.cloud.faults.log) == 2, "both refusals were met"
    waits = [m for m in h.progress_messages if "another operation in progress" in m]
    wait = inflight.DEFAULT_WAIT_SECONDS
    assert len(waits) == 2 and all("trying again in {} s".format(wait) in m for m in waits), waits
    assert h.cloud.clock.now() - start >= 2 * wait
    h.assert_repaired(ctx.run_id, ctx.image_id)


def test_refusals_that_never_end_fail_the_step_once_the_bound_is_reached(monkeypatch):
    h = Harness(GEN)
    ctx = h.new_context()
    h.cloud.faults.add(dict(VM_DELETE, kind="error", count=0, status=409, code="OperationNotAllowed",
                            message=IN_PROGRESS))
    monkeypatch.setattr(inflight, "CONFLICT_LIMIT_SECONDS", 3 * inflight.DEFAULT_WAIT_SECONDS + 5)
    with pytest.raises(engine.RepairError, match="another operation is in progress"):
        engine.apply(ctx)
    assert len(h.cloud.faults.log) == 4  # the first try and three more, 10 s apart: 30 s of the 35
    assert Journal.load(h.path).step("delete-vm")["state"] == "failed"
    h.cloud.faults.clear()
    assert engine.apply(h.reloaded_context())["status"] == "succeeded"


def test_a_refusal_for_another_reason_is_not_waited_for():
    h = Harness(GEN)
    ctx = h.new_context()
    h.cloud.faults.add(dict(VM_DELETE, kind="error", status=409, code="OperationNotAllowed",
                            message="Operation could not be completed as it results in exceeding approved "
                                    "standardDSv3Family Cores quota."))
    with pytest.raises(engine.RepairError, match="quota"):
        engine.apply(ctx)
    assert not [m for m in h.progress_messages if "another operation in progress" in m]


# -- Retry-After and what counts as "another operation is in progress" ------------------------------------
class _Response:
    def __init__(self, status, headers):
        self.status_code = status
        self.headers = headers


class _Error:
    def __init__(self, code, message):
        self.code, self.message = code, message


class _HttpError(Exception):
    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status_code, self.message = status, message
        self.error = _Error(code, message)
        self.response = _Response(status, headers or {})


@pytest.mark.parametrize("value,seconds", [(None, inflight.DEFAULT_WAIT_SECONDS), ("7", 7), ("0", 1),
                                           ("9999", inflight.MAX_WAIT_SECONDS),
                                           ("soon", inflight.DEFAULT_WAIT_SECONDS)])
def test_retry_after_in_seconds(value, seconds):
    assert inflight.retry_after(value) == seconds


def test_retry_after_as_an_http_date():
    now = 1_800_000_000
    assert inflight.retry_after(email.utils.formatdate(now + 42, usegmt=True), now=now) == 42


@pytest.mark.parametrize("status,code,message,wait", [
    (409, "OperationNotAllowed", IN_PROGRESS, 11),
    (409, "OperationNotAllowed", "Operation 'Update VM' is not allowed on VM 'a' since the VM is marked for "
                                 "deletion. You can only retry the Delete operation (or wait for an ongoing one to "
                                 "complete).", 11),
    (409, "Conflict", "The request failed due to conflict with a concurrent request.", 11),
    (409, "OperationPreempted", "Operation execution has been preempted by a more recent operation.", 11),
    (429, "AnotherOperationInProgress", "Another operation on this or dependent resource is in progress.", 11),
    (409, "OperationNotAllowed", "Operation results in exceeding quota limits of Core.", None),
    (409, "Conflict", "Access not permitted because disk d is currently attached to running VM v.", None),
    (400, "InvalidParameter", "another operation is in progress", None),
])
def test_what_counts_as_another_operation_in_progress(status, code, message, wait):
    assert inflight.conflict_wait(_HttpError(status, code, message, {"Retry-After": "11"})) == wait


def test_without_the_right_to_list_the_group_the_vm_itself_is_still_waited_for():
    """No .../resourceGroups/resources/read (403 on the listing): the VM's instance view still shows it Deleting."""
    nth = _nth(_clean_requests(GEN), "DELETE", "/virtualMachines/app01")
    h = Harness(GEN)
    ctx = h.new_context()
    _crash_just_after(h, ctx, nth)
    h.cloud.faults.add({"kind": "deny", "method": "GET", "path": "/resourceGroups/rg-gen/resources$", "count": 0,
                        "action": "Microsoft.Resources/subscriptions/resourceGroups/resources/read"})
    assert engine.rollback(h.reloaded_context())["status"] == "rolled-back"
    assert any("cannot list rg-gen" in m for m in h.progress_messages)
    assert any("virtualmachines/app01 (deleting)" in m.lower() for m in h.progress_messages), h.progress_messages
    h.assert_original_restored()
