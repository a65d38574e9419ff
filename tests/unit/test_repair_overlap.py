"""What overlaps in a repair run on the fake's time profile (Azure's durations on a virtual clock): the steps'
independent long-running operations are left in flight (repair/engine.py, ``ctx.start``) and the journal says so;
the NIC reservation after the VM delete is waited out at once from the delete's end (repair/step.py ``_wait_nic``).
The run time these save is printed by bench/time_bench.py, never asserted here."""
from azext_vmbootfix.repair import engine
from azext_vmbootfix.repair import recreate as R
from azext_vmbootfix.repair import step as T
from azext_vmbootfix.repair.journal import Journal
from repairkit import SCENARIOS, Harness

SCENARIOS.setdefault("oobe-stuck-captured", ("rg-oobe", "web01"))


def _events(h):
    return [(e["what"], e["state"]) for e in Journal.load(h.path).data["events"] if e["what"] != "status"]


def _journaled_during(h, ctx, name, state):
    """The journal's rows as saved when step ``name`` was marked ``state``."""
    seen, mark = {}, ctx.journal.mark

    def spy(row, new_state, outputs=None, error=None):
        mark(row, new_state, outputs, error)
        if row["name"] == name and new_state == state and not seen:
            seen.update({s["name"]: dict(s) for s in Journal.load(h.path).steps})
    ctx.journal.mark = spy
    return seen


def test_the_backup_snapshot_is_in_flight_while_the_vm_is_deleted(secret_canary):
    h = Harness("generalized-disks-and-public-ip", canary=secret_canary)
    ctx = h.new_context()
    seen = _journaled_during(h, ctx, "delete-vm", "running")
    assert engine.apply(ctx)["status"] == "succeeded"
    backup = seen["backup-os-disk"]
    assert backup["state"] == "running" and backup["outputs"]["inFlight"] == [
        "snapshot " + R.BackupOsDisk()._snapshot_name(ctx)]  # pylint: disable=protected-access
    assert seen["keep-disks-and-nics"]["state"] == "done"  # the delete waits for every deleteOption
    events = _events(h)
    assert events.index(("delete-vm", "running")) < events.index(("backup-os-disk", "done")) < \
        events.index(("recreate-from-image", "running"))  # the recreate waits for the backup
    h.assert_repaired(ctx.run_id)
    h.assert_nothing_lost()


def test_the_vm_write_and_the_nic_writes_of_keep_disks_are_in_flight_together(secret_canary):
    h = Harness("generalized-disks-and-public-ip", canary=secret_canary)
    ctx = h.new_context()
    seen = _journaled_during(h, ctx, "backup-os-disk", "running")
    engine.apply(ctx)
    assert seen["keep-disks-and-nics"]["outputs"]["inFlight"] == [
        "VM write: deleteOption Detach", "NIC write: a public IP's deleteOption"]
    restore = Journal.load(h.path).step("restore-delete-options")
    assert restore["state"] == "done" and restore["outputs"]["inFlight"] == [
        "VM write: original deleteOptions", "NIC write: a public IP's deleteOption"]


def test_the_rescue_deallocates_the_vm_while_the_rescue_vm_works_and_goes(secret_canary):
    h = Harness("oobe-stuck-no-image", canary=secret_canary)
    ctx = h.new_context("rescue")
    seen = _journaled_during(h, ctx, "detach-copy", "done")
    assert engine.apply(ctx)["status"] == "succeeded"
    assert seen["deallocate-vm"]["state"] == "running" and seen["enable-serial-console"]["state"] == "done"
    events = _events(h)
    assert events.index(("deallocate-vm", "done")) < events.index(("swap-os-disk", "running"))
    assert events.index(("start-vm", "running")) < events.index(("delete-rescue-vm", "done"))
    h.assert_rescued()


def test_the_nic_reservation_is_waited_out_at_once_from_the_deletes_end(secret_canary, monkeypatch):
    h = Harness("generalized-by-api", canary=secret_canary)
    ctx = h.new_context()
    deleted, creates = {}, []

    def note(c, sent, started):  # the delete's own status document says when it ended
        deleted["end"] = sent + started.times()[1] - started.times()[0]
        T.note_nic_reservation(c, sent, started)
    monkeypatch.setattr(R, "note_nic_reservation", note)
    h.cloud.operations.start = _spy_creates(h, creates)
    engine.apply(ctx)
    waits = [m for m in h.progress_messages if m.startswith("the NIC is still reserved")]
    assert waits[0].endswith("waiting 10 s") and len(waits) == 2  # one try, then until the reservation ends
    assert creates and 0 < creates[0] - (deleted["end"] + h.cloud.nic_reservation_seconds) <= 1.0 + 1e-6


def _spy_creates(h, creates):
    start = h.cloud.operations.start

    def spy(*a, **kw):
        op = start(*a, **kw)
        if op.activity == ("Microsoft.Compute/virtualMachines", "create"):
            creates.append(op.started)
        return op
    return spy


def test_without_the_deletes_end_the_nic_wait_is_ten_seconds_at_a_time():
    from types import SimpleNamespace
    from test_recreate import _http_error
    slept, calls = [], []
    ctx = SimpleNamespace(sleep=slept.append, progress=lambda m: None, memory={}, clock=lambda: 0.0)

    def reserved(n):
        def action():
            calls.append(1)
            if len(calls) <= n:
                raise _http_error("NicReservedForAnotherVm")
            return "made"
        return action
    assert T._wait_nic(ctx, reserved(3)) == "made" and slept == [10, 10, 10]  # pylint: disable=protected-access
    calls.clear(), slept.clear()
    ctx.memory[T.NIC_FREE_AT] = 150.5
    assert T._wait_nic(ctx, reserved(2)) == "made" and slept == [10, 150.5]  # pylint: disable=protected-access
    calls.clear(), slept.clear()
    ctx.memory[T.NIC_FREE_AT] = 9999.0  # never more than the reservation (and a second)
    assert T._wait_nic(ctx, reserved(2)) == "made" and slept == [10, 181.0]  # pylint: disable=protected-access


def test_arm_timestamps_are_read_with_their_seven_decimals():
    assert T._seconds("1970-01-01T00:01:40.1234567+00:00") == 100.1234567  # pylint: disable=protected-access
    assert T._seconds("1970-01-01T00:01:40Z") == 100.0  # pylint: disable=protected-access
    assert T._seconds("1970-01-01T01:00:00+01:00") == 0.0  # pylint: disable=protected-access
    # a real VM delete's status document (tests/fixtures/fidelity/vm-delete.yaml, 2025): it took 0.56 s
    end, begin = "2025-11-16T23:23:12.5126627+00:00", "2025-11-16T23:23:11.9501678+00:00"
    assert abs(T._seconds(end) - T._seconds(begin) - 0.5624949) < 1e-6  # pylint: disable=protected-access


def test_a_properly_generalized_capture_is_provisioned_and_healthy(secret_canary):
    """The demo's scenario: the image really is generalized, so the recreated VM takes the admin account given
    and Azure's provisioning succeeds (unlike oobe-stuck, whose image only says Generalized)."""
    h = Harness("oobe-stuck-captured", canary=secret_canary)
    ctx = h.new_context()
    assert engine.apply(ctx)["status"] == "succeeded"
    assert "warning" not in ctx.journal.step("verify-boot")["outputs"]
    vm = h.compute.virtual_machines.get(h.rg, h.name, expand="instanceView")
    assert vm.provisioning_state == "Succeeded"
    assert [s.code for s in vm.instance_view.statuses] == ["ProvisioningState/succeeded", "PowerState/running"]
    assert vm.instance_view.vm_agent.statuses[0].display_status == "Ready"
    assert h.guest_boot().screen_id != "oobe-hi-there"
    h.assert_repaired(ctx.run_id)
