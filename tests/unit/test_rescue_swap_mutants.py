"""Edges of repair/rescue_swap.py the mutation run found unguarded, on a stub of the compute client: the detach
keeps the rescue VM's other data disks, the swap deallocates only a VM that is not already stopped and names the
disk it puts in, its undo puts the original disk back under its own name, and a rollback starts the VM again only
if it was running before the repair."""
import types

import pytest

from azext_vmbootfix.repair import rescue_swap as RW

COPY = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/web01-bootfix-0123abcd-fixed"
ORIGINAL = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/web01_OsDisk_1"


def _vm(name, os_disk, data=()):
    return types.SimpleNamespace(name=name, storage_profile=types.SimpleNamespace(
        os_disk=types.SimpleNamespace(name=os_disk.rsplit("/", 1)[-1], managed_disk=types.SimpleNamespace(id=os_disk)),
        data_disks=[types.SimpleNamespace(lun=i, managed_disk=types.SimpleNamespace(id=d)) for i, d in enumerate(data)]))


class _Compute:
    """virtual_machines as the steps use it: get, instance_view (PowerState), deallocate, start, PUT; each call
    recorded."""

    def __init__(self, vms, power):
        self.vms, self.power, self.calls = vms, power, []
        self.virtual_machines = self

    def _done(self):
        return types.SimpleNamespace(result=lambda: None)

    def get(self, rg, name):
        assert rg == "rg", rg  # the VM's own group
        return self.vms[name]

    def instance_view(self, rg, name):
        code = "PowerState/" + self.power[name] if self.power.get(name) else "ProvisioningState/succeeded"
        return types.SimpleNamespace(statuses=[types.SimpleNamespace(code="ProvisioningState/succeeded"),
                                               types.SimpleNamespace(code=code)])

    def begin_deallocate(self, rg, name):
        self.calls.append(("deallocate", name))
        self.power[name] = "deallocated"
        return self._done()

    def begin_start(self, rg, name):
        self.calls.append(("start", name))
        self.power[name] = "running"
        return self._done()

    def begin_create_or_update(self, rg, name, vm):
        self.calls.append(("put", name, vm.storage_profile.os_disk.managed_disk.id, vm.storage_profile.os_disk.name,
                           [d.managed_disk.id for d in vm.storage_profile.data_disks]))
        self.vms[name] = vm
        return self._done()


def _ctx(monkeypatch, compute, original_power="running"):
    monkeypatch.setattr(RW, "_copy_id", lambda ctx: COPY if ctx.vm_name == "web01" else None)
    monkeypatch.setattr(RW, "_copy_name", lambda ctx: "web01-bootfix-0123abcd-fixed")
    monkeypatch.setattr(RW, "_rescue_name", lambda ctx: "web01-rescue-0123abcd")
    monkeypatch.setattr(RW, "_rescue_vm", lambda ctx: compute.vms.get("web01-rescue-0123abcd"))
    monkeypatch.setattr(RW, "_original", lambda ctx: {"properties": {"storageProfile": {"osDisk": {
        "managedDisk": {"id": ORIGINAL}}}}})   # no name recorded: taken from the id
    journal = types.SimpleNamespace(step=lambda name: {"outputs": {"originalPowerState": original_power}})
    return types.SimpleNamespace(compute=compute, resource_group="rg", vm_name="web01", journal=journal)


def test_detach_takes_off_the_copy_only(monkeypatch):
    other = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/data1"
    compute = _Compute({"web01-rescue-0123abcd": _vm("web01-rescue-0123abcd", "/x/rescue-os", [COPY.upper(), other])},
                       {})
    ctx = _ctx(monkeypatch, compute)
    assert not RW.DetachCopy().done(ctx)
    assert RW.DetachCopy().apply(ctx) == {}
    assert compute.calls == [("put", "web01-rescue-0123abcd", "/x/rescue-os", "rescue-os", [other])]
    assert RW.DetachCopy().done(ctx)


@pytest.mark.parametrize("power, deallocates", [("running", True), ("starting", True), ("deallocated", False),
                                                ("stopped", False)])
def test_the_swap_deallocates_only_a_vm_that_still_runs(monkeypatch, power, deallocates):
    compute = _Compute({"web01": _vm("web01", ORIGINAL)}, {"web01": power})
    ctx = _ctx(monkeypatch, compute)
    assert not RW.SwapOsDisk().done(ctx)
    assert RW.SwapOsDisk().apply(ctx) == {"osDiskId": COPY}
    assert compute.calls == ([("deallocate", "web01")] if deallocates else []) + [
        ("put", "web01", COPY, "web01-bootfix-0123abcd-fixed", [])]
    assert RW.SwapOsDisk().done(ctx)
    compute.calls.clear()
    RW.SwapOsDisk().apply(ctx)                 # already swapped: nothing more
    assert compute.calls == []


def test_undoing_the_swap_puts_the_original_disk_back_under_its_name(monkeypatch):
    compute = _Compute({"web01": _vm("web01", COPY)}, {"web01": "deallocated"})
    ctx = _ctx(monkeypatch, compute)
    RW.SwapOsDisk().undo(ctx)
    assert compute.calls == [("put", "web01", ORIGINAL, "web01_OsDisk_1", [])]


@pytest.mark.parametrize("before, now, starts", [("running", "deallocated", True), ("starting", "deallocated", True),
                                                 ("running", "running", False), ("deallocated", "deallocated", False),
                                                 ("stopped", "deallocated", False), (None, "deallocated", False)])
def test_rollback_starts_the_vm_only_if_it_was_running(monkeypatch, before, now, starts):
    compute = _Compute({"web01": _vm("web01", ORIGINAL)}, {"web01": now})
    ctx = _ctx(monkeypatch, compute, original_power=before)
    RW.DeallocateVm().undo(ctx)
    assert compute.calls == ([("start", "web01")] if starts else [])


def test_deallocate_and_start_are_done_by_power_state(monkeypatch):
    compute = _Compute({"web01": _vm("web01", COPY)}, {"web01": "running"})
    ctx = _ctx(monkeypatch, compute)
    assert not RW.DeallocateVm().done(ctx) and RW.StartVm().done(ctx)
    compute.power["web01"] = "deallocated"   # apply leaves the deallocation in flight (the engine's, step.py)
    assert RW.DeallocateVm().done(ctx) and not RW.StartVm().done(ctx)
    assert RW.StartVm().apply(ctx) == {} and compute.calls[-1] == ("start", "web01")
    compute.vms["web01"] = _vm("web01", ORIGINAL)
    assert not RW.StartVm().done(ctx)         # running, but on the original disk


def test_the_deallocation_is_left_in_flight_under_the_vms_name(monkeypatch):
    compute = _Compute({"web01": _vm("web01", ORIGINAL)}, {"web01": "running"})
    ctx = _ctx(monkeypatch, compute)
    started = []
    monkeypatch.setattr(RW.S, "start", lambda c, what, begin, *args: started.append((what, args)) or begin(*args))
    assert RW.DeallocateVm().apply(ctx) == {}
    assert started == [("deallocate web01", ("rg", "web01"))] and compute.calls == [("deallocate", "web01")]
