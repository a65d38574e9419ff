"""The guest model: what is on a Windows or Linux OS disk that decides how it boots.

A `WindowsGuest` is one OS disk's contents: partitions (with the few files
that matter), the SYSTEM and SOFTWARE hives (Setup state lives there), the
BCD store on the System Reserved (Gen1) or EFI (Gen2) partition, and the
local accounts.  Copies (disk copy, snapshot) are deep and share the disk
signature, as byte-for-byte clones do.

Disk layouts (partition numbers as diskpart and Get-Partition show them):
  Gen1 (MBR): 1 System Reserved (NTFS, 500 MB, \\Boot\\BCD), 2 Windows (NTFS)
  Gen2 (GPT): 1 EFI system (FAT32, 100 MB, \\EFI\\Microsoft\\Boot\\BCD),
              2 Microsoft reserved (16 MB), 3 Windows (NTFS)

Knowingly left out: recovery (WinRE) partitions, BitLocker, file contents
other than text files that scripts and Setup read, file ACLs, the SAM hive
(accounts are plain records: name, enabled, has a password, administrator).
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from dataclasses import asdict, dataclass, field

from . import registry as reg
from .bcd import BcdStore
from .registry import Hive
from .versions import LinuxRelease, WindowsRelease, edition_id

IMAGE_STATES = (
    "IMAGE_STATE_COMPLETE",
    "IMAGE_STATE_UNDEPLOYABLE",
    "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE",
    "IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE",
    "IMAGE_STATE_GENERALIZE_RESEAL_TO_AUDIT",
    "IMAGE_STATE_SPECIALIZE_RESEAL_TO_AUDIT",
)
RESEAL_STATES = IMAGE_STATES[2:]


@dataclass
class ProvisioningAnswer:
    """What Azure's provisioning hands a VM created from a generalized image (from osProfile)."""
    admin_username: str
    computer_name: str | None = None
    admin_password_set: bool = True
    ssh_public_keys: list[str] = field(default_factory=list)


@dataclass
class Account:
    name: str
    enabled: bool = True
    has_password: bool = True
    admin: bool = True
    builtin: bool = False      # the built-in Administrator (RID 500)

    @property
    def usable(self) -> bool:
        """Can sign in over RDP: enabled, administrator, has a (non-blank) password."""
        return self.enabled and self.admin and self.has_password


@dataclass
class Partition:
    number: int
    kind: str                  # "system-reserved" | "efi" | "msr" | "windows" | "linux" | "data"
    size_mb: int
    files: dict = field(default_factory=dict)   # relative path (original case) -> text

    @property
    def filesystem(self) -> str:
        return {"efi": "FAT32", "msr": "", "linux": "ext4"}.get(self.kind, "NTFS")

    @property
    def label(self) -> str:
        return {"system-reserved": "System Reserved", "windows": "Windows", "data": "Data"}.get(self.kind, "")

    @property
    def gpt_type(self) -> str:
        return {"efi": "System", "msr": "Reserved", "linux": "Unknown"}.get(self.kind, "Basic")

    # Case-insensitive file access, backslash separated paths relative to the partition root.
    def find(self, path: str) -> str | None:
        want = norm_path(path).lower()
        for existing in self.files:
            if norm_path(existing).lower() == want:
                return existing
        return None

    def read(self, path: str) -> str | None:
        key = self.find(path)
        return None if key is None else self.files[key]

    def write(self, path: str, text: str) -> None:
        key = self.find(path) or norm_path(path)
        self.files[key] = text

    def delete(self, path: str) -> bool:
        key = self.find(path)
        if key is None:
            return False
        del self.files[key]
        return True

    def dir_exists(self, path: str) -> bool:
        want = norm_path(path).lower()
        if want == "":
            return True
        return any(norm_path(f).lower().startswith(want + "\\") for f in self.files) or want in _STANDARD_DIRS.get(self.kind, ())

    def to_dict(self) -> dict:
        return {"number": self.number, "kind": self.kind, "size_mb": self.size_mb, "files": dict(self.files)}


_STANDARD_DIRS = {
    "windows": ("windows", "windows\\system32", "windows\\system32\\config", "windows\\panther",
                "windows\\system32\\sysprep", "windows\\setup", "windows\\setup\\scripts",
                "windows\\setup\\state", "windows\\temp", "users", "program files"),
    "system-reserved": ("boot",),
    "efi": ("efi", "efi\\microsoft", "efi\\microsoft\\boot", "efi\\boot"),
}


def norm_path(path: str) -> str:
    return "\\".join(p for p in str(path).replace("/", "\\").split("\\") if p and p != ".")


def _short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


class WindowsGuest:
    os_type = "Windows"

    def __init__(self, release: WindowsRelease, edition: str, generation: str, *,
                 partitions: list[Partition], system_hive: Hive, software_hive: Hive,
                 bcd: BcdStore | None, accounts: list[Account], disk_signature: str,
                 uid: str | None = None, agent_installed: bool = True, setup_blocker: str | None = None,
                 san_policy: str = "OnlineAll", session: dict | None = None, preset: str | None = None,
                 boot_fault: dict | None = None, default_hive: Hive | None = None):
        self.release = release
        self.edition = edition
        self.generation = generation
        self.partitions = partitions
        self.system_hive = system_hive
        self.software_hive = software_hive
        # HKEY_USERS\.DEFAULT (Windows\System32\config\DEFAULT): the default user's locale and keyboard
        self.default_hive = default_hive if default_hive is not None else Hive("DEFAULT")
        self.bcd = bcd
        self.accounts = accounts
        self.disk_signature = disk_signature
        self.uid = uid or str(uuid.uuid4())
        self.agent_installed = agent_installed
        # Scenario fact that the registry cannot express (e.g. "oobe-sql": SQL Server was
        # sysprepped without its prerequisites).  See boot.py for each value's effect.
        self.setup_blocker = setup_blocker
        # Storage policy of this OS for disks attached to it ("OnlineAll" as on Azure images).
        self.san_policy = san_policy
        # Run Command session state kept by this (running) OS: loaded hives, disk
        # online/offline and drive letters of attached disks.  See interpreter.disks.
        self.session = session or {}
        self.preset = preset
        # A fault that stops the boot on one screen (a stop error, a Boot Manager status, an update that
        # hangs ...): {"screen": <id in screens.THEMES>, facts}.  See screens.py and boot.py.
        self.boot_fault = boot_fault

    # --- identity ---------------------------------------------------------
    @property
    def version(self) -> str:
        return self.release.key

    @property
    def server(self) -> bool:
        return self.release.server

    @property
    def os_name(self) -> str:
        return f"{self.release.product} {self.edition}"

    @property
    def os_version(self) -> str:
        return self.release.os_version

    # --- layout -----------------------------------------------------------
    @property
    def system_partition(self) -> Partition:
        kind = "efi" if self.generation == "V2" else "system-reserved"
        return next(p for p in self.partitions if p.kind == kind)

    @property
    def windows_partition(self) -> Partition:
        return next(p for p in self.partitions if p.kind == "windows")

    @property
    def bcd_path(self) -> str:
        return "EFI\\Microsoft\\Boot\\BCD" if self.generation == "V2" else "Boot\\BCD"

    def partition(self, number: int) -> Partition | None:
        return next((p for p in self.partitions if p.number == number), None)

    def hive(self, name: str) -> Hive:
        return {"SYSTEM": self.system_hive, "SOFTWARE": self.software_hive,
                "DEFAULT": self.default_hive}[name.upper()]

    # --- Setup state (read from and written to the hives) ------------------
    @property
    def image_state(self) -> str:
        return self.software_hive.get(reg.IMAGE_STATE_KEY, "ImageState", "IMAGE_STATE_COMPLETE")

    @image_state.setter
    def image_state(self, value: str) -> None:
        self.software_hive.set(reg.IMAGE_STATE_KEY, "ImageState", "REG_SZ", value)
        self.windows_partition.write("Windows\\Setup\\State\\State.ini",
                                     f"[State]\r\nImageState=\"{value}\"\r\n")

    @property
    def generalized(self) -> bool:
        return self.image_state in RESEAL_STATES

    def setup_value(self, name: str, default=None):
        key = {"setup.exe": reg.CHILD_COMPLETION, "audit.exe": reg.CHILD_COMPLETION,
               "GeneralizationState": reg.SYSPREP_STATUS, "CleanupState": reg.SYSPREP_STATUS}.get(name, reg.SETUP)
        return self.system_hive.get(key, name, default)

    def set_setup_value(self, name: str, value) -> None:
        key = {"setup.exe": reg.CHILD_COMPLETION, "audit.exe": reg.CHILD_COMPLETION,
               "GeneralizationState": reg.SYSPREP_STATUS, "CleanupState": reg.SYSPREP_STATUS}.get(name, reg.SETUP)
        value_type = "REG_SZ" if isinstance(value, str) else "REG_DWORD"
        self.system_hive.set(key, name, value_type, value)

    def setup_values(self) -> dict:
        names = ("CmdLine", "SetupType", "SystemSetupInProgress", "OOBEInProgress", "SetupPhase",
                 "UnattendFile", "setup.exe", "GeneralizationState", "CleanupState")
        return {n: self.setup_value(n) for n in names}

    @property
    def control_set(self) -> str:
        """The control set Windows boots with: SYSTEM\\Select\\Current (ControlSet001 on a fresh install)."""
        return "ControlSet{:03d}".format(int(self.system_hive.get("Select", "Current", 1) or 1))

    def _current(self, path: str) -> str:
        return self.control_set + path[len("ControlSet001"):]

    @property
    def computer_name(self) -> str | None:
        return self.system_hive.get(self._current(reg.COMPUTER_NAME), "ComputerName")

    @computer_name.setter
    def computer_name(self, name: str) -> None:
        self.system_hive.set(self._current(reg.COMPUTER_NAME), "ComputerName", "REG_SZ", name.upper()[:15])
        self.system_hive.set(self._current(reg.TCPIP_PARAMS), "Hostname", "REG_SZ", name)
        self.system_hive.set(self._current(reg.TCPIP_PARAMS), "NV Hostname", "REG_SZ", name)

    def random_computer_name(self, salt: str = "") -> str:
        """The WIN-XXXXXXXXXXX name Setup's specialize pass invents (deterministic here)."""
        return "WIN-" + _short_hash(self.uid + salt, 11).upper()

    # --- accounts -----------------------------------------------------------
    def account(self, name: str) -> Account | None:
        return next((a for a in self.accounts if a.name.lower() == name.lower()), None)

    @property
    def builtin_admin(self) -> Account | None:
        return next((a for a in self.accounts if a.builtin), None)

    def usable_admins(self) -> list[str]:
        return [a.name for a in self.accounts if a.usable]

    # --- panther log ----------------------------------------------------------
    def log_setup(self, line: str, log: str = "Windows\\Panther\\setupact.log") -> None:
        part = self.windows_partition
        part.write(log, (part.read(log) or "") + line + "\r\n")

    # --- copies and specs -----------------------------------------------------
    def copy(self) -> "WindowsGuest":
        """Deep, independent copy (disk copy / snapshot): new uid, same disk signature."""
        clone = copy.deepcopy(self)
        clone.uid = str(uuid.uuid4())
        clone.session = {}
        return clone

    def to_spec(self) -> dict:
        return {
            "os": "windows",
            "snapshot": True,          # full state: guest_from_spec replaces, not merges
            "uid": self.uid,
            "preset": self.preset,
            "version": self.release.key,
            "edition": self.edition,
            "generation": self.generation,
            "disk_signature": self.disk_signature,
            "agent_installed": self.agent_installed,
            "setup_blocker": self.setup_blocker,
            "boot_fault": copy.deepcopy(self.boot_fault),
            "san_policy": self.san_policy,
            "accounts": [asdict(a) for a in self.accounts],
            "partitions": [p.to_dict() for p in self.partitions],
            "registry": {"SYSTEM": self.system_hive.to_dict(), "SOFTWARE": self.software_hive.to_dict(),
                         "DEFAULT": self.default_hive.to_dict()},
            "bcd": self.bcd.to_dict() if self.bcd is not None else None,
            "session": copy.deepcopy(self.session),
            # convenience, derived (ignored on load)
            "image_state": self.image_state,
            "computer_name": self.computer_name,
            "edition_id": edition_id(self.edition),
        }

    def __repr__(self) -> str:
        return (f"<WindowsGuest {self.os_name} {self.generation} {self.image_state} "
                f"name={self.computer_name} uid={self.uid[:8]}>")


@dataclass
class LinuxUser:
    name: str
    sudo: bool = True
    has_password: bool = False
    ssh_keys: int = 0


class LinuxGuest:
    """A minimal Linux OS disk: boots to a login prompt, agent ready.

    Models hostname, users, whether the disk was deprovisioned
    (`waagent -deprovision+user`, the Linux "generalized"), and a GRUB fault
    (`boot_fault` {"screen": "grub" | "grub-rescue"}: GRUB stops at its prompt).
    Knowingly left out: cloud-init details, fstab failures, kernel panics.
    """

    os_type = "Linux"

    def __init__(self, release: LinuxRelease, generation: str, *, hostname: str | None,
                 users: list[LinuxUser], deprovisioned: bool, disk_signature: str,
                 uid: str | None = None, agent_installed: bool = True, preset: str | None = None,
                 boot_fault: dict | None = None):
        self.release = release
        self.generation = generation
        self.boot_fault = boot_fault
        self.hostname = hostname
        self.users = users
        self.deprovisioned = deprovisioned
        self.disk_signature = disk_signature
        self.uid = uid or str(uuid.uuid4())
        self.agent_installed = agent_installed
        self.preset = preset
        self.session = {}
        if generation == "V2":
            self.partitions = [Partition(15, "efi", 106), Partition(14, "bios-boot", 4), Partition(1, "linux", 30000)]
        else:
            self.partitions = [Partition(1, "linux", 30000)]

    @property
    def generalized(self) -> bool:
        return self.deprovisioned

    @property
    def os_name(self) -> str:
        return self.release.pretty_name

    @property
    def os_version(self) -> str:
        return self.release.version

    @property
    def computer_name(self) -> str | None:
        return self.hostname

    def copy(self) -> "LinuxGuest":
        clone = copy.deepcopy(self)
        clone.uid = str(uuid.uuid4())
        return clone

    def to_spec(self) -> dict:
        return {
            "os": "linux",
            "snapshot": True,
            "uid": self.uid,
            "preset": self.preset,
            "distro": self.release.distro,
            "version": self.release.version,
            "generation": self.generation,
            "hostname": self.hostname,
            "users": [asdict(u) for u in self.users],
            "deprovisioned": self.deprovisioned,
            "disk_signature": self.disk_signature,
            "agent_installed": self.agent_installed,
            "boot_fault": copy.deepcopy(self.boot_fault),
        }

    def __repr__(self) -> str:
        return f"<LinuxGuest {self.os_name} {self.generation} host={self.hostname} uid={self.uid[:8]}>"
