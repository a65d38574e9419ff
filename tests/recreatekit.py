"""What the recreate path's step tests share (tests/unit/test_recreate.py, test_recreate_vm.py): a harness whose
journal has record-original done, the VM read and written back, an Azure error of a given code."""
from types import SimpleNamespace

from azure.core.exceptions import HttpResponseError

from azext_vmbootfix.repair import engine
from azext_vmbootfix.repair import recreate as S
from repairkit import Harness

DATA, GEN = "generalized-with-data-disks", "generalized-by-api"


def recorded(scenario, canary):
    """A harness whose journal has record-original done (as the engine leaves it)."""
    h = Harness(scenario, canary=canary)
    ctx = h.new_context()
    engine.record(ctx.journal, ctx.journal.step("record-original"), "done", S.RecordOriginal().apply(ctx))
    return h, ctx


def vm_of(h):
    return h.compute.virtual_machines.get(h.rg, h.name)


def put(h, vm):
    h.compute.virtual_machines.begin_create_or_update(h.rg, h.name, vm).result()


def raise_(exc):
    raise exc


def http_error(code):
    exc = HttpResponseError(message="the NIC says " + code)
    exc.error = SimpleNamespace(code=code)
    return exc
