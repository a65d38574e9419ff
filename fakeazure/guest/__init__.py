"""Simulated guest operating systems for the fake Azure.

Pure Python, no HTTP and no knowledge of ARM: the compute resource models
keep one guest per OS disk (copies and snapshots copy it), call `boot()`
when a VM starts, `render_screenshot()` / `BootResult.serial_log` for boot
diagnostics and `run_script()` for Run Command.

    guest = guest_from_spec({"os": "windows", "version": "2022", "generation": "V2",
                             "state": "oobe-stuck"})
    result = boot(guest)                       # -> BootResult(screen_id="oobe-hi-there", ...)
    bmp = render_screenshot(result)            # bytes of a .bmp file
    out = run_script(rescue_guest, "bcdedit /store F:\\boot\\bcd /enum", data_disks=[guest])

Modules: versions (releases), registry (hives), bcd (BCD store), unattend
(answer files), model (guest classes), presets (specs), boot (what Windows
does at boot), screens (texts), serial (COM1 log), render (BMP),
interpreter (Run Command scripts).
"""

from .boot import BootResult, boot
from .model import Account, LinuxGuest, Partition, ProvisioningAnswer, WindowsGuest
from .presets import LINUX_PRESETS, WINDOWS_PRESETS, guest_from_spec
from .render import render_screenshot
from .interpreter import ScriptResult, run_script

__all__ = [
    "WindowsGuest", "LinuxGuest", "guest_from_spec", "boot", "BootResult", "render_screenshot",
    "run_script", "ScriptResult", "ProvisioningAnswer", "Account", "Partition",
    "WINDOWS_PRESETS", "LINUX_PRESETS",
]
