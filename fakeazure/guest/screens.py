"""What each console screen says, per Windows version and display language.

`screen(screen_id, guest, elapsed=0)` gives (category, theme, lines).  The texts are this package's own
data, one YAML file per language in ``screentext/`` (en-US, de-DE, fr-FR, es-ES, ja-JP); a screen a
language file does not list falls back to English.  The theme tells render.py which layout, colours and
fonts to draw; `SIZES` the capture size boot diagnostics serves for it.

The display language is Windows' own setting: ``SYSTEM\\CurrentControlSet\\Control\\Nls\\Language``
``InstallLanguage`` (an LCID such as 0407), written by presets.py from the spec's ``language``.

Boot faults (presets ``boot-fault``; `guest.boot_fault`) name a screen here and its facts: ``stop_code``,
``status``, ``file``, ``info``, ``policy``; progress screens show ``progress.start`` percent plus
``progress.per_minute`` for every minute since the boot (``elapsed``), never past ``progress.stop``
(default 99): a fault with ``per_minute: 0`` is stuck, one with a rate is working slowly.
"""

from __future__ import annotations

import functools
import os

import yaml

TEXT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "screentext")
LCIDS = {"0409": "en", "0407": "de", "040C": "fr", "0C0A": "es", "0411": "ja"}
LANGUAGES = {v: k for k, v in LCIDS.items()}
NLS_KEY = "ControlSet001\\Control\\Nls\\Language"

# screen id -> (category, theme).  Categories: logon, oobe, audit, setup-error, setup-progress,
# boot-error, crash, console.
THEMES = {
    "logon-server": ("logon", "lock-server"), "logon-client": ("logon", "lock-client"),
    "oobe-hi-there": ("oobe", "oobe"), "oobe-settings-2012r2": ("oobe", "oobe"),
    "oobe-customize-settings": ("oobe", "oobe"), "oobe-customize-settings-2012r2": ("oobe", "oobe"),
    "oobe-region-win10": ("oobe", "oobe-win10"), "oobe-region-win11": ("oobe", "oobe-win11"),
    "oobe-account-win10": ("oobe", "oobe-win10"), "oobe-account-win11": ("oobe", "oobe-win11"),
    "audit-mode": ("audit", "dialog"),
    "could-not-complete": ("setup-error", "setup-dialog"), "could-not-finish-configuring": ("setup-error", "setup-dialog"),
    "restarted-unexpectedly": ("setup-error", "setup-dialog"), "unattend-error": ("setup-error", "setup-dialog"),
    "oobe-sql": ("setup-error", "setup-dialog"),
    "getting-windows-ready": ("setup-progress", "setup-progress"), "preparing-to-configure": ("setup-progress", "setup-progress"),
    "inplace-upgrade": ("setup-progress", "setup-progress"), "working-on-updates": ("setup-progress", "setup-progress"),
    "configuring-updates": ("setup-progress", "setup-progress"), "update-rollback": ("setup-progress", "setup-progress"),
    "update-capacity": ("setup-progress", "setup-progress"), "update-spinner": ("setup-progress", "logo-progress"),
    "working-on-features": ("setup-progress", "setup-progress"), "getting-ready": ("setup-progress", "setup-progress"),
    "getting-devices-ready": ("setup-progress", "logo-progress"), "starting-windows": ("setup-progress", "logo-progress"),
    "please-wait": ("setup-progress", "setup-progress"), "please-wait-lsm": ("setup-progress", "setup-progress"),
    "policy": ("setup-progress", "setup-progress"), "loading-files": ("boot-error", "bootmgr-loading"),
    "restarting": ("setup-progress", "setup-progress"), "shutting-down": ("setup-progress", "setup-progress"),
    "stopping-services": ("setup-progress", "setup-progress"), "modules-installer": ("setup-progress", "setup-progress"),
    "stop-error": ("crash", "bluescreen"), "stop-error-2012r2": ("crash", "bluescreen-2012r2"),
    "bootmgr-status": ("boot-error", "bootmgr"), "recovery-status": ("boot-error", "recovery"),
    "bootmgr-missing": ("boot-error", "text-mode"), "os-not-found": ("boot-error", "text-mode"),
    "boot-failure": ("boot-error", "text-mode"), "not-bootable-disk": ("boot-error", "text-mode"),
    "disk-read-error": ("boot-error", "text-mode"), "remove-media": ("boot-error", "text-mode"),
    "no-uefi": ("boot-error", "hyperv"), "hyperv-no-os": ("boot-error", "hyperv"),
    "bitlocker": ("boot-error", "bitlocker"), "chkdsk": ("boot-error", "logo-progress"),
    "automatic-repair": ("boot-error", "recovery-menu"), "choose-option": ("boot-error", "recovery-menu"),
    "safe-mode": ("logon", "safe-mode"), "setup-cmdline": ("console", "cmd"),
    "linux-login": ("console", "console"), "grub": ("boot-error", "console"), "grub-rescue": ("boot-error", "console"),
}
# Capture sizes [UNVERIFIED: Azure documents none]: a text-mode (VGA 80x25) screen of a Gen1 (BIOS) VM's
# firmware, boot sector or GRUB is taken at 720x400; a Gen2 (UEFI) VM has no text mode, so those and every
# graphical screen are taken at 1024x768.
TEXT_MODE = {"bootmgr-missing", "boot-failure", "not-bootable-disk", "disk-read-error", "remove-media", "grub",
             "grub-rescue"}
SIZES = {"text-mode": (720, 400), "graphics": (1024, 768)}

_DATES = {  # the lock screen's date line, as each language writes Monday, January 1
    "en": "Monday, January 1", "de": "Montag, 1. Januar", "fr": "lundi 1 janvier", "es": "lunes, 1 de enero",
    "ja": "1月1日 月曜日"}
# Boot-manager texts for a status code (File:/Info: lines), the codes of the Learn articles.
STATUS_INFO = {
    "0xc000000f": "The application or operating system couldn't be loaded because a required file is missing or contains errors.",
    "0xc0000098": "The operating system couldn't be loaded because a required file is missing or contains errors.",
    "0xc0000102": "The operating system couldn't be loaded because a critical system file or the file system contains errors.",
    "0xc000014c": "The operating system couldn't be loaded because the system registry file is missing or contains errors.",
    "0xc0000001": "A required device isn't connected or can't be accessed.",
    "0xc000000e": "A required device isn't connected or can't be accessed.",
    "0xc0000011": "The operating system couldn't be loaded because a critical system driver is missing or contains errors.",
    "0xc0000034": "The Boot Configuration Data file is missing some required information",
    "0xc000007b": "The operating system couldn't be loaded because a critical system driver is missing or contains errors.",
    "0xc0000242": "The operating system couldn't be loaded because a critical system driver is missing or contains errors.",
    "0xc0000359": "The operating system couldn't be loaded because a critical system driver is missing or contains errors.",
    "0xc0000017": "There isn't enough memory available to create a ramdisk device.",
}


BOOT_MANAGER_SCREENS = {
    "boot-error-bcd": lambda guest: {"status": "0xc0000034", "info": STATUS_INFO["0xc0000034"],
                                     "file": "\\" + guest.bcd_path},
    "boot-error-0xc000000e": lambda guest: {"status": "0xc000000e", "info": STATUS_INFO["0xc000000e"],
                                            "file": "\\Windows\\system32\\winload.exe"},
}


@functools.lru_cache(maxsize=None)
def texts(language: str) -> dict:
    """The screens of one language file ({} for a language without one)."""
    path = os.path.join(TEXT_DIR, language + ".yaml")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["screens"]


def ui_language(guest) -> str:
    """The guest's display language (en when the registry does not say)."""
    hive = getattr(guest, "system_hive", None)
    value = hive.get(NLS_KEY, "InstallLanguage") if hive is not None else None
    return LCIDS.get(str(value or "0409").upper(), "en")


def lines_for(screen_id: str, language: str, values: dict) -> list[str]:
    template = texts(language).get(screen_id)
    if template is None:
        template = texts("en")[screen_id]
    return [line.format(**values) if "{" in line else line for line in template]


def progress(fault: dict | None, elapsed: float) -> int:
    spec = (fault or {}).get("progress") or {}
    start, rate, stop = spec.get("start", 30), spec.get("per_minute", 0), spec.get("stop", 99)
    return int(min(stop, start + rate * max(0.0, elapsed) / 60.0))


def _oobe_id(screen_id: str, flow: str) -> str:
    if screen_id == "oobe-customize-settings" and flow == "server-2012r2":
        return "oobe-customize-settings-2012r2"
    if screen_id in ("oobe-region", "oobe-account"):
        return "{}-{}".format(screen_id, "win11" if flow == "win11" else "win10")
    return screen_id


def resolve(screen_id: str, guest) -> dict:
    """Everything a screen needs, as plain data (a BootResult keeps it to redraw progress later)."""
    release = getattr(guest, "release", None)
    flow = getattr(release, "oobe_flow", "")
    fault = dict(getattr(guest, "boot_fault", None) or {})
    if screen_id in BOOT_MANAGER_SCREENS:  # what boot.py's boot manager check finds (BCD, disk signature)
        fault.update(BOOT_MANAGER_SCREENS[screen_id](guest))
        screen_id = "recovery-status"
    if screen_id == "logon":
        screen_id = "logon-server" if getattr(guest, "server", False) else "logon-client"
    if screen_id == "stop-error" and getattr(release, "key", "") in ("2012r2", "2012"):
        screen_id = "stop-error-2012r2"
    screen_id = _oobe_id(screen_id, flow)
    if screen_id not in THEMES:
        raise KeyError(f"unknown screen {screen_id!r}")
    language = ui_language(guest)
    status = str(fault.get("status", "0xc000000f")).lower()
    admin = guest.builtin_admin.name if getattr(guest, "builtin_admin", None) else "Administrator"
    values = {
        "clock": "12:00", "date": _DATES.get(language, _DATES["en"]), "admin": admin,
        "stop_code": fault.get("stop_code", "CRITICAL_PROCESS_DIED"),
        "status": status, "file": fault.get("file", "\\Windows\\system32\\winload.exe"),
        "info": fault.get("info", STATUS_INFO.get(status, STATUS_INFO["0xc000000f"])),
        "policy": fault.get("policy", "Applying computer settings"),
        "product": getattr(release, "product", "Windows"), "build": getattr(release, "build", ""),
        "version": getattr(guest, "os_version", ""), "host": getattr(guest, "hostname", None) or "localhost",
        "pretty_name": getattr(release, "pretty_name", ""),
    }
    return {"id": screen_id, "language": language, "values": values, "progress": fault.get("progress")}


def draw_lines(resolved: dict, elapsed: float = 0.0) -> list[str]:
    """A resolved screen's lines ``elapsed`` seconds after the boot (progress screens move, or not)."""
    values = dict(resolved["values"], percent=progress({"progress": resolved.get("progress")}, elapsed))
    return lines_for(resolved["id"], resolved["language"], values)


def screen(screen_id: str, guest, elapsed: float = 0.0) -> tuple[str, str, list[str]]:
    """(category, theme, lines) for a screen id on this guest, ``elapsed`` seconds after it booted."""
    resolved = resolve(screen_id, guest)
    category, theme = THEMES[resolved["id"]]
    return category, theme, draw_lines(resolved, elapsed)


def size_of(screen_id: str, generation: str = "V1") -> tuple[int, int]:
    """The capture size boot diagnostics serves for a screen on a VM of this generation (see SIZES)."""
    return SIZES["text-mode" if screen_id in TEXT_MODE and str(generation).upper() == "V1" else "graphics"]


SCREEN_IDS = tuple(THEMES)
FAULT_SCREENS = tuple(s for s in THEMES if THEMES[s][0] in ("crash", "boot-error") or s in (
    "working-on-updates", "configuring-updates", "update-rollback", "update-capacity", "update-spinner",
    "working-on-features", "getting-devices-ready", "getting-ready", "starting-windows", "please-wait",
    "please-wait-lsm", "policy", "restarting", "shutting-down", "stopping-services", "modules-installer", "safe-mode"))
