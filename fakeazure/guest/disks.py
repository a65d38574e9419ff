"""The disks and drive letters a running Windows guest sees (for Run Command scripts).

Numbering, as on an Azure Windows VM:
  Disk 0  the VM's own OS disk: its Windows partition is C:, its System
          Reserved / EFI partition has no letter.
  Disk 1  the temporary (resource) disk, one NTFS partition D: "Temporary Storage".
  Disk 2+ the attached data disks in LUN order (`data_disks`; None = an empty disk).

Online/offline and drive letters (a modelling decision, documented here):
  - An attached disk is online when first seen if the OS's SAN policy is
    "OnlineAll" (Azure images) and its disk signature does not collide with a
    disk already online; a colliding clone (same image version) comes up
    Offline, as Windows does.  Bringing such a disk online makes Windows write
    a new signature to it, and its own BCD then no longer finds its
    partitions (0xc000000e when that disk boots again).
  - When a disk is online, Windows assigns the next free letters (from E:)
    to its NTFS partitions: the Windows partition and, on Gen1, the System
    Reserved partition.  The EFI and MSR partitions (Gen2) and Linux
    partitions never get a letter unless a script assigns one (diskpart
    `assign`, Set-Partition -NewDriveLetter).
  - This state is remembered on the running guest (`os_guest.session["disks"]`,
    keyed by the attached guest's uid), like Windows remembers mounted devices.

Knowingly left out: dynamic disks, volumes spanning disks, mount folders,
disk sizes beyond the partition table, storage pools.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .model import Partition

LETTERS = "EFGHIJKLMNOPQRSTUVWXYZ"
AUTO_LETTER_KINDS = ("windows", "data", "system-reserved")


@dataclass
class Disk:
    number: int
    guest: object | None      # WindowsGuest | LinuxGuest | None (temp or empty disk)
    role: str                 # "os" | "temp" | "data"
    state: dict               # {"online", "readonly", "letters": {partition: letter}}
    partitions: list[Partition]

    @property
    def online(self) -> bool:
        return self.state.get("online", True)

    @property
    def style(self) -> str:
        if self.guest is None:
            return "MBR" if self.role == "temp" else "RAW"
        return "GPT" if self.guest.generation == "V2" else "MBR"

    @property
    def size_gb(self) -> int:
        return max(1, round(sum(p.size_mb for p in self.partitions) / 1024)) if self.partitions else 32


class DiskView:
    """Disks of one Run Command invocation; drive letters map to (disk, partition)."""

    def __init__(self, os_guest, data_disks):
        self.os_guest = os_guest
        session = os_guest.session
        self.state = session.setdefault("disks", {})
        temp_files = session.setdefault("temp_files", {})
        self.disks: list[Disk] = [
            Disk(0, os_guest, "os", {"online": True, "readonly": False,
                                      "letters": {str(os_guest.windows_partition.number): "C"}},
                 os_guest.partitions),
            Disk(1, None, "temp", {"online": True, "readonly": False, "letters": {"1": "D"}},
                 [Partition(1, "data", 16 * 1024, temp_files)]),
        ]
        seen_signatures = {str(os_guest.disk_signature).upper()}
        for lun, guest in enumerate(data_disks or []):
            if guest is None:
                self.disks.append(Disk(2 + lun, None, "data", {"online": True, "letters": {}}, []))
                continue
            state = self.state.get(guest.uid)
            if state is None:
                collides = str(guest.disk_signature).upper() in seen_signatures
                state = {"online": self._san_online() and not collides, "readonly": False,
                         "letters": {}, "auto": False, "collision": collides}
                self.state[guest.uid] = state
            if state["online"]:
                seen_signatures.add(str(guest.disk_signature).upper())
            self.disks.append(Disk(2 + lun, guest, "data", state, list(guest.partitions)))
        for disk in self.disks[2:]:
            if disk.online and disk.guest is not None and not disk.state.get("auto"):
                self._auto_letters(disk)

    def _san_online(self) -> bool:
        return getattr(self.os_guest, "san_policy", "OnlineAll").lower() == "onlineall"

    # --- letters ------------------------------------------------------------
    def used_letters(self) -> set[str]:
        used = set()
        for disk in self.disks:
            if disk.online:
                used.update(disk.state.get("letters", {}).values())
        return used

    def next_free_letter(self) -> str | None:
        used = self.used_letters()
        return next((letter for letter in LETTERS if letter not in used), None)

    def _auto_letters(self, disk: Disk) -> None:
        for part in disk.partitions:
            if part.kind in AUTO_LETTER_KINDS and str(part.number) not in disk.state["letters"]:
                letter = self.next_free_letter()
                if letter:
                    disk.state["letters"][str(part.number)] = letter
        disk.state["auto"] = True

    def bring_online(self, disk: Disk) -> list[str]:
        """Online a disk; returns effect notes."""
        notes = []
        if disk.state.get("collision") and disk.guest is not None:
            old = disk.guest.disk_signature
            disk.guest.disk_signature = _new_signature(disk.guest)
            disk.state["collision"] = False
            notes.append(f"disk {disk.number}: signature collision, Windows wrote a new disk signature "
                         f"({old} -> {disk.guest.disk_signature}); its BCD still names the old one")
        disk.state["online"] = True
        self._auto_letters(disk)
        notes.append(f"disk {disk.number} online")
        return notes

    def letter_of(self, disk: Disk, partition: Partition) -> str | None:
        if not disk.online:
            return None
        return disk.state.get("letters", {}).get(str(partition.number))

    def locate(self, letter: str) -> tuple[Disk, Partition] | None:
        letter = letter.upper().rstrip(":")
        for disk in self.disks:
            if not disk.online:
                continue
            for part in disk.partitions:
                if disk.state.get("letters", {}).get(str(part.number)) == letter:
                    return disk, part
        return None

    def volumes(self):
        """The volumes Windows lists (diskpart's list volume, Get-Volume): every partition of an online disk but
        the MSR, as (disk, partition, drive letter or None, label; a temporary disk's is "Temporary Storage")."""
        for disk in self.disks:
            if not disk.online:
                continue
            for part in disk.partitions:
                if part.kind == "msr":
                    continue
                label = "Temporary Storage" if disk.role == "temp" else part.label
                yield disk, part, self.letter_of(disk, part), label

    def disk(self, number: int) -> Disk | None:
        return next((d for d in self.disks if d.number == number), None)

    def device_text(self, device) -> str:
        """How bcdedit shows a BCD device element from this system's point of view."""
        if not isinstance(device, dict) or device.get("kind") != "partition":
            return "unknown"
        volume = 1
        for disk in self.disks:
            for part in disk.partitions:
                guest = disk.guest
                if guest is not None and disk.online and \
                        str(guest.disk_signature).upper() == str(device.get("disk")).upper() and \
                        part.number == int(device.get("partition", 0)):
                    letter = self.letter_of(disk, part)
                    return f"partition={letter}:" if letter else f"partition=\\Device\\HarddiskVolume{volume}"
                volume += 1
        return "unknown"

    # --- special files ------------------------------------------------------
    def bcd_at(self, disk: Disk, part: Partition, rel_path: str):
        guest = disk.guest
        if guest is None or getattr(guest, "os_type", "") != "Windows" or guest.bcd is None:
            return None
        if part is guest.system_partition and _same(rel_path, guest.bcd_path):
            return guest.bcd
        return None

    def hive_at(self, disk: Disk, part: Partition, rel_path: str):
        guest = disk.guest
        if guest is None or getattr(guest, "os_type", "") != "Windows" or part is not guest.windows_partition:
            return None
        for name, path in (("SYSTEM", "Windows\\System32\\config\\SYSTEM"),
                           ("SOFTWARE", "Windows\\System32\\config\\SOFTWARE"),
                           ("DEFAULT", "Windows\\System32\\config\\DEFAULT")):
            if _same(rel_path, path):
                return name
        return None


def _same(a: str, b: str) -> bool:
    norm = lambda p: "\\".join(x for x in p.replace("/", "\\").split("\\") if x).lower()  # noqa: E731
    return norm(a) == norm(b)


def _new_signature(guest) -> str:
    seed = hashlib.sha256(("resign" + guest.uid + str(guest.disk_signature)).encode()).hexdigest()
    if guest.generation == "V2":
        return f"{seed[:8]}-{seed[8:12]}-{seed[12:16]}-{seed[16:20]}-{seed[20:32]}".upper()
    return seed[:8].upper()


def split_path(path: str) -> tuple[str | None, str]:
    """"F:\\Windows\\x" -> ("F", "Windows\\x"); relative paths -> (None, path)."""
    path = path.strip().strip('"').strip("'")
    if len(path) >= 2 and path[1] == ":" and path[0].isalpha():
        return path[0].upper(), path[2:].lstrip("\\/")
    return None, path
