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


def vm_key(rid):
    """``<resource group>/<name>`` in lower case, from a VM id: a VM's key within its subscription (short:
    the statuses of a 4,000-VM subscription are held while its rows arrive)."""
    parts = (rid or "").lower().split("/")
    return "{}/{}".format(parts[4], parts[-1]) if len(parts) >= 9 else (rid or "").lower()


def status_pages(compute):
    """The subscription's ``virtualMachines?statusOnly=true`` list, page by page, each a list of JSON dicts.

    Sent through the compute client's own pipeline (its credential, retries, the scan's counting policy) but
    not deserialised into SDK models: the SDK makes a full ``VirtualMachine`` model of every VM (about 0.5 ms
    and several KB each, where three status codes are all the scan reads). Pages are followed by
    ``nextLink`` as Azure gives them (at most 50 VMs of each region a page, so many pages for a big
    subscription); an error answer raises what the SDK's own ``list_all`` raises."""
    from urllib.parse import quote
    from azure.core.exceptions import (ClientAuthenticationError, HttpResponseError, ResourceNotFoundError,
                                       map_error)
    from azure.core.rest import HttpRequest
    from azure.mgmt.core.exceptions import ARMErrorFormat
    ops = compute.virtual_machines  # the generated operation group: the client, its config and api-version
    client, api_version = ops._client, ops._api_version  # pylint: disable=protected-access
    url = client.format_url("/subscriptions/{}/providers/Microsoft.Compute/virtualMachines".format(
        quote(ops._config.subscription_id, safe="")))  # pylint: disable=protected-access
    request = HttpRequest("GET", url, params={"api-version": api_version, "statusOnly": "true"},
                          headers={"Accept": "application/json"})
    while request is not None:
        response = client.send_request(request)
        if response.status_code != 200:
            map_error(status_code=response.status_code, response=response,
                      error_map={401: ClientAuthenticationError, 404: ResourceNotFoundError})
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        body = response.json()
        next_link = body.get("nextLink")
        yield body.get("value") or []
        request = HttpRequest("GET", next_link, headers={"Accept": "application/json"}) if next_link else None


def statuses_by_vm(compute, on_error=None):
    """``{vm_key: (status codes)}`` for one subscription, from its statusOnly list; ``ProvisioningState/
    succeeded`` is left out and equal tuples are one object (most VMs have just their power state)."""
    out, shared = {}, {}
    try:
        for page in status_pages(compute):
            for vm in page:
                statuses = ((vm.get("properties") or {}).get("instanceView") or {}).get("statuses") or []
                codes = tuple(sys.intern(s["code"]) for s in statuses
                              if s.get("code") and s["code"] != "ProvisioningState/succeeded")
                out[vm_key(vm.get("id"))] = shared.setdefault(codes, codes)
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
