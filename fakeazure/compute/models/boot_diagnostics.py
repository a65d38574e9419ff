"""Boot diagnostics (``retrieveBootDiagnosticsData``) and the blobs behind its SAS URIs.

Azure behaviours reproduced, with their evidence (V = seen in Azure material, C = chosen here):

- V: synchronous 200 ``{"consoleScreenshotBlobUri", "serialConsoleLogBlobUri"}``, SAS URIs; the query
  ``sasUriExpirationTimeInMinutes`` is 1..1440, default 120 (REST reference, every version since 2020-06-01).
- V: blob names ``bootdiagnostics-<vmname-trunc>-<vmId>/<vmname>.<vmId>.screenshot.bmp`` and
  ``.serialconsole.log`` (oobe-domain.md §3); screenshot is a BMP.
- V: with managed storage the instance view carries no blob URIs, so ``az vm boot-diagnostics get-boot-log``
  POSTs this action and then GETs the serial log with plain ``requests`` (azure-cli 2.91 ``get_boot_log``).
- C: boot diagnostics disabled -> 409 ``OperationNotAllowed`` "Boot diagnostics is not enabled for the
  virtual machine '<name>'." No public recording of this refusal was found (searched issues, pages and
  code); the code/status follow Compute's other state refusals. The CLI turns any error here into
  "Please enable boot diagnostics.", so clients cannot tell the difference.
- C: out-of-range ``sasUriExpirationTimeInMinutes`` -> 400 ``InvalidParameter`` naming the parameter.
- C: the screenshot is captured again every ``SCREENSHOT_SECONDS`` (60) while the VM runs: its Last-Modified
  is that capture's time and a progress screen shows the percentage of that moment. Azure documents no
  refresh interval (listed in UNVERIFIED.md); the portal notes boot diagnostics data can lag by minutes.
- C: a stopped or deallocated VM still gets URIs; the blobs keep the last capture (what the guest showed
  before it went down; the fake draws no shutdown screen). A VM that never booted in this cloud has no
  blobs: the URIs are returned and reading them gives Storage's 404 ``BlobNotFound``.
- Out of scope: boot diagnostics to a customer storage account (``storageUri``): URIs then come from the
  instance view and the CLI reads them with storage account keys; the fake always behaves as managed.

"""
from .. import exceptions

SAS_DEFAULT_MINUTES = 120
SCREENSHOT_SECONDS = 60  # [UNVERIFIED] how often boot diagnostics captures the screen again (see the notes above)


def container_name(vm):
    """Boot diagnostics' container: bootdiagnostics-<first 9 alphanumerics of the name, lower>-<vmId>."""
    short = "".join(ch for ch in vm.name.lower() if ch.isalnum())[:9]
    return "bootdiagnostics-{}-{}".format(short, vm.vm_id)


class BootDiagnosticsBackend:
    def __init__(self):
        self.last_boot = {}  # vmId -> last BootResult seen (boot diagnostics keeps the last capture)

    def remember_boot(self, vm):
        if vm.boot is not None:
            self.last_boot[vm.vm_id.lower()] = vm.boot

    def retrieve_boot_diagnostics_data(self, sub, rg, name, minutes, base_url):
        vm = self.get_vm(sub, rg, name)
        # a POST: a ReadOnly lock blocks it (users report boot diagnostics data unreadable under a read-only
        # lock, microsoft/azserialconsole#115)
        self.cloud.check_locks_for_write(vm.id)
        if minutes is None or minutes == "":
            minutes = SAS_DEFAULT_MINUTES
        try:
            minutes = int(minutes)
        except (TypeError, ValueError):
            minutes = -1
        if not 1 <= minutes <= 1440:
            raise exceptions.InvalidParameter(
                "The value of parameter sasUriExpirationTimeInMinutes is invalid. The value must be between "
                "1 and 1440 minutes.", target="sasUriExpirationTimeInMinutes")
        if not vm.boot_diagnostics:
            raise exceptions.OperationNotAllowed(
                "Boot diagnostics is not enabled for the virtual machine '{}'.".format(vm.name))
        self.remember_boot(vm)
        container = container_name(vm)
        return {"consoleScreenshotBlobUri": self.cloud.sas_url(base_url, container, "{}.{}.screenshot.bmp".format(
                    vm.name, vm.vm_id), minutes),
                "serialConsoleLogBlobUri": self.cloud.sas_url(base_url, container, "{}.{}.serialconsole.log".format(
                    vm.name, vm.vm_id), minutes)}

    def boot_diagnostics_blob(self, container, blob):
        """(bytes, content type, last modified) of a boot diagnostics blob, or None (BlobNotFound): the blob
        source the Cloud registers for ``bootdiagnostics-`` containers."""
        vm = next((c for c in self.vms.values() if container.lower() == container_name(c).lower()), None)
        if vm is None:
            return None
        self.remember_boot(vm)
        boot = vm.boot if vm.boot is not None else self.last_boot.get(vm.vm_id.lower())
        if boot is None:
            return None
        prefix = "{}.{}.".format(vm.name, vm.vm_id).lower()
        kind = blob.lower()[len(prefix):] if blob.lower().startswith(prefix) else None
        modified = vm.last_operation_time
        if kind == "screenshot.bmp":
            from ...guest import render_screenshot
            taken = self._screenshot_time(vm, boot)
            elapsed = taken - boot.booted_at if boot.booted_at is not None else 0.0
            return render_screenshot(boot, elapsed=elapsed), "image/bmp", max(modified, taken)
        if kind == "serialconsole.log":
            return (boot.serial_log or "").encode("utf-8"), "text/plain", modified
        return None

    def _screenshot_time(self, vm, boot):
        """When the screenshot blob was last captured: every SCREENSHOT_SECONDS since the boot while the VM
        runs (so a blob read twice within that interval is the same capture); the last one before it stopped."""
        if boot.booted_at is None:
            return vm.last_operation_time
        end = self.cloud.clock.now() if vm.power_state == "running" else max(vm.last_operation_time, boot.booted_at)
        return boot.booted_at + SCREENSHOT_SECONDS * int(max(0.0, end - boot.booted_at) // SCREENSHOT_SECONDS)
