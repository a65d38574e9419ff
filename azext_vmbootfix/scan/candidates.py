"""Which VMs get the ``diagnose`` evidence, from signals that cost no request per VM.

Per subscription one ``virtualMachines?statusOnly=true`` list (paged by ``nextLink``) gives each VM's run
time statuses: ``ProvisioningState/...``, ``OSState/generalized``, ``PowerState/...`` (Resource Graph's power
state lags; this one does not). Resource Graph's row gives the OS type and what the guest agent reported
(``osName``). A VM is a candidate when:

1. it was generalized through the API (``OSState/generalized``): it can never start again;
2. its provisioning failed (``ProvisioningState/failed/...``, e.g. ``OSProvisioningTimedOut``: a VM created
   from an image whose Windows never finished setup);
3. it runs (or starts) Windows and its guest agent never reported the OS (no ``osName``): Windows did not get
   past setup, or something stops it before the agent starts;
4. ``--deep``: it runs Windows, whatever else.

Everything else gets its verdict here: Linux (not applicable), not running, or the agent reported the OS.
"""
import sys

from azext_vmbootfix.scan import rows

RUNNING = ("running", "starting")


def statuses_by_vm(compute, on_error=None):
    """``{vm id (lower case): [status codes]}`` for one subscription, from the statusOnly list."""
    out = {}
    try:
        for vm in compute.virtual_machines.list_all(status_only="true"):
            view = vm.instance_view
            # kept small (10,000 VMs): interned codes, without the common "succeeded"
            out[(vm.id or "").lower()] = tuple(sys.intern(s.code) for s in (view.statuses or []) if s.code and
                                               s.code != "ProvisioningState/succeeded") if view else ()
    except Exception as exc:  # pylint: disable=broad-except
        if on_error is None:
            raise
        on_error(exc)
        return None
    return out


def _power(codes, graph_power):
    for code in codes or []:
        if code.startswith("PowerState/"):
            return code.split("/", 1)[1]
    return (graph_power or "").split("/", 1)[1] if "/" in (graph_power or "") else None


def triage(vm, codes, deep=False):
    """Decide from the cheap signals. Returns (candidate?, row-or-None): a row when the VM is settled here,
    a reason string for candidates (``row`` is then None and the reason is kept for the probe)."""
    os_type = (vm.get("osType") or "").lower()
    power = _power(codes, vm.get("powerState"))
    failed = next((c for c in codes or [] if c.lower().startswith("provisioningstate/failed")), None)
    if failed is None and (vm.get("provisioningState") or "").lower() == "failed":
        failed = "ProvisioningState/failed"
    if os_type == "linux":
        return False, rows.settled(vm, power, "not-applicable", "Linux VM: this tool diagnoses Windows only")
    if any(c.lower() == "osstate/generalized" for c in codes or []):
        return True, "generalized through the API (OSState/generalized)"
    if failed:
        return True, "provisioning failed ({})".format(failed.split("/", 2)[-1] if failed.count("/") > 1
                                                       else "Failed")
    if power not in RUNNING:
        return False, rows.settled(vm, power, "not-running",
                                   "{}: not booting now".format(power or "power state unknown"))
    if deep:
        return True, "--deep: every running VM is diagnosed"
    if not vm.get("osName"):
        return True, "running, but its guest agent never reported the OS"
    return False, rows.settled(vm, power, "healthy", "guest agent reports {}".format(vm["osName"]))
