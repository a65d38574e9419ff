"""Serial console (COM1) output of a boot, as Azure's serial log would capture it.

Windows writes nothing to COM1 unless the BCD says so:
  - boot manager: `{bootmgr} bootems yes` prints the boot menu on the serial
    port when `displaybootmenu yes`;
  - the booted OS loader: `ems on` makes the kernel start the Special
    Administration Console (SAC) on the `{emssettings}` port.  SAC exists on
    server SKUs only; client SKUs print nothing.  Azure's serial console is
    COM1 at 115200 baud: EMSPORT must be 1, and any other baud rate gives
    unreadable bytes.  EMS without an EMSPORT ("BIOS" redirection) gives no
    output on Hyper-V here [UNVERIFIED, a modelling choice].
Linux guests always log the kernel and the login prompt to ttyS0.

Knowingly left out: SAC commands/channels beyond the banner, boot logging
of drivers, firmware (UEFI) messages, timing.
"""

from __future__ import annotations

import hashlib

from .bcd import ems_state

SAC_BANNER = [
    "Computer is booting, SAC started and initialized.",
    "",
    'Use the "ch -?" command for information about using channels.',
    'Use the "?" command for general help.',
    "",
    "",
    "SAC>",
]
SAC_CMD_EVENT = "EVENT: The CMD command is now available."


def machine_info(guest, machine_guid: str) -> str:
    return "\n".join([
        '<?xml version="1.0"?>',
        "<machine-info>",
        f"<name>{guest.computer_name or 'MINWINPC'}</name>",
        f"<guid>{machine_guid}</guid>",
        "<processor-architecture>AMD64</processor-architecture>",
        f"<os-version>{guest.release.kernel}</os-version>",
        f"<os-build-number>{guest.release.build}</os-build-number>",
        f"<os-product>{guest.release.product}</os-product>",
        "<os-service-pack>None</os-service-pack>",
        "</machine-info>",
    ])


def default_machine_guid(guest) -> str:
    h = hashlib.sha256(("machine" + guest.uid).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _garble(text: str) -> str:
    return "".join("\ufffd" if c not in "\r\n" else c for c in text[: max(8, len(text) // 4)])


def windows_serial(guest, category: str, machine_guid: str | None) -> str:
    """Serial log text for a Windows boot that ended on a screen of `category`."""
    if guest.bcd is None:
        return ""
    ems = ems_state(guest.bcd)
    if ems["port"] != 1:
        return ""
    out: list[str] = []
    if ems["bootmgr_ems"] and ems["displaybootmenu"]:
        description = guest.bcd.get(ems["loader"], 0x12000004, "Windows") if ems["loader"] else "Windows"
        out += ["Windows Boot Manager", "",
                "Choose an operating system to start, or press TAB to select a tool:",
                "(Use the arrow keys to highlight your choice, then press ENTER.)", "",
                f"    {description}", "",
                f"Seconds until the highlighted choice will be started automatically: {ems['timeout']}", ""]
    if category != "boot-error" and ems["loader_ems"] and guest.server:
        out.append(machine_info(guest, machine_guid or default_machine_guid(guest)))
        out += SAC_BANNER
        if category in ("logon", "oobe", "audit", "setup-error", "console"):
            out += [SAC_CMD_EVENT, "", "SAC>"]
    text = "\r\n".join(out) + ("\r\n" if out else "")
    return text if ems["baud"] == 115200 else _garble(text)


def linux_serial(guest) -> str:
    host = guest.hostname or "localhost"
    lines = [
        f"[    0.000000] Linux version {guest.release.kernel} (buildd@lcy02-amd64) #1 SMP",
        f"[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-{guest.release.kernel} root=LABEL=cloudimg-rootfs ro console=tty1 console=ttyS0",
        "[    0.000000] DMI: Microsoft Corporation Virtual Machine/Virtual Machine, BIOS Hyper-V UEFI Release v4.1",
        "[    1.234567] hv_vmbus: Vmbus version:5.3",
        "[  OK  ] Reached target Multi-User System.",
        "",
        f"{guest.release.pretty_name} {host} ttyS0",
        "",
        f"{host} login: ",
    ]
    return "\r\n".join(lines)
