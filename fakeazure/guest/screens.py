"""What each console screen says, per Windows version.

`screen(screen_id, guest)` gives (category, theme, lines).  Categories:
"logon", "oobe", "audit", "setup-error", "setup-progress", "boot-error",
"console".  The theme tells render.py which layout and colours to use.
Texts are the ones in oobe-domain.md sections 1b/1c; the placeholder clock
("12:00") stands in for the time, which the guest model does not know.
"""

from __future__ import annotations

SERVER_OOBE_PASSWORD = ("Type a password for the built-in administrator account that you can use to "
                        "sign in to this computer.")

_LOCALE_ROWS = ["Country or region", "United States", "App language", "English (United States)",
                "Keyboard layout", "US"]


def _oobe_theme(guest) -> str:
    return {"server": "oobe-server", "server-2012r2": "oobe-2012r2",
            "win10": "oobe-win10", "win11": "oobe-win11"}[guest.release.oobe_flow]


def screen(screen_id: str, guest) -> tuple[str, str, list[str]]:
    """(category, theme, lines) for a screen id on this guest."""
    flow = getattr(getattr(guest, "release", None), "oobe_flow", "")
    if screen_id == "logon":
        if guest.server:
            return "logon", "lock-server", ["12:00", "Monday, January 1", "Press Ctrl+Alt+Delete to unlock."]
        return "logon", "lock-client", ["12:00", "Monday, January 1"]
    if screen_id == "oobe-hi-there":
        return "oobe", _oobe_theme(guest), ["Hi there", *_LOCALE_ROWS, "Next"]
    if screen_id == "oobe-settings-2012r2":
        return "oobe", _oobe_theme(guest), ["Settings", *_LOCALE_ROWS, "Next"]
    if screen_id == "oobe-customize-settings":
        title = "Settings" if flow == "server-2012r2" else "Customize settings"
        admin = guest.builtin_admin.name if guest.builtin_admin else "Administrator"
        return "oobe", _oobe_theme(guest), [title, SERVER_OOBE_PASSWORD, "User name", admin,
                                             "Password", "Reenter password", "Finish"]
    if screen_id == "oobe-region":
        if flow == "win11":
            return "oobe", "oobe-win11", ["Is this the right country or region?", "United States",
                                          "Uruguay", "Uzbekistan", "Vanuatu", "Yes"]
        return "oobe", "oobe-win10", ["Let's start with region. Is this right?", "United States",
                                      "Uruguay", "Uzbekistan", "Vanuatu", "Yes"]
    if screen_id == "oobe-account":
        if flow == "win11":
            return "oobe", "oobe-win11", ["Who's going to use this device?", "Enter your name", "Next"]
        return "oobe", "oobe-win10", ["Who's going to use this PC?", "What name do you want to use?", "Next"]
    if screen_id == "audit-mode":
        return "audit", "dialog", ["System Preparation Tool 3.14", "System Cleanup Action",
                                   "Enter System Out-of-Box Experience (OOBE)", "Generalize",
                                   "Shutdown Options", "Reboot", "OK", "Cancel"]
    if screen_id in _SETUP_DIALOGS:
        return "setup-error", "setup-dialog", list(_SETUP_DIALOGS[screen_id])
    if screen_id == "oobe-sql":
        return "setup-error", "setup-dialog", [
            "Getting ready", "Windows Setup could not configure Windows to run on this computer's hardware.", "OK"]
    if screen_id == "getting-windows-ready":
        return "setup-progress", "setup-progress", ["Getting Windows ready", "Don't turn off your computer"]
    if screen_id == "preparing-to-configure":
        return "setup-progress", "setup-progress", ["Preparing to configure Windows.",
                                                    "Do not turn off your computer."]
    if screen_id == "inplace-upgrade":
        return "setup-progress", "setup-progress", [
            "Working on updates 30%", "Don't turn off your PC. This will take a while.",
            "Your PC will restart several times.", "Waiting for setup to complete"]
    if screen_id == "setup-cmdline":
        return "console", "cmd", ["Administrator: C:\\Windows\\system32\\cmd.exe",
                                  f"Microsoft Windows [Version {guest.os_version}]",
                                  "(c) Microsoft Corporation. All rights reserved.", "",
                                  "C:\\Windows\\system32>"]
    if screen_id == "boot-error-bcd":
        path = "\\EFI\\Microsoft\\Boot\\BCD" if guest.generation == "V2" else "\\Boot\\BCD"
        return "boot-error", "boot-error", [
            "Recovery", "Your PC/Device needs to be repaired",
            "The Boot Configuration Data file is missing some required information",
            f"File: {path}", "Error code: 0xc0000034",
            "You'll need to use recovery tools on your installation media."]
    if screen_id == "boot-error-0xc000000e":
        return "boot-error", "boot-error", [
            "Recovery", "Your PC/Device needs to be repaired",
            "A required device isn't connected or can't be accessed.",
            "Error code: 0xc000000e",
            "You'll need to use recovery tools on your installation media."]
    if screen_id == "linux-login":
        host = guest.hostname or "localhost"
        return "console", "console", [f"{guest.release.pretty_name} {host} tty1", "", f"{host} login:"]
    raise KeyError(f"unknown screen {screen_id!r}")


_SETUP_DIALOGS = {
    "could-not-complete": ["Install Windows",
                           "Windows could not complete the installation. To install Windows on this "
                           "computer, restart the installation.", "OK"],
    "could-not-finish-configuring": ["Setup is starting services", "Install Windows",
                                     "Windows could not finish configuring the system. To attempt to "
                                     "resume configuration, restart the computer.", "OK"],
    "restarted-unexpectedly": ["Install Windows",
                               "The computer restarted unexpectedly or encountered an unexpected error. "
                               "Windows installation cannot proceed. To install Windows, click \"OK\" to "
                               "restart the computer, and then restart the installation.", "OK"],
    "unattend-error": ["Install Windows",
                       "Windows could not parse or process unattend answer file for pass [oobeSystem]. "
                       "The settings specified in the answer file cannot be applied.", "OK"],
}

SCREEN_IDS = (
    "logon", "oobe-hi-there", "oobe-settings-2012r2", "oobe-customize-settings", "oobe-region",
    "oobe-account", "audit-mode", *_SETUP_DIALOGS, "oobe-sql", "getting-windows-ready",
    "preparing-to-configure", "inplace-upgrade", "setup-cmdline", "boot-error-bcd",
    "boot-error-0xc000000e", "linux-login",
)
