"""Building guests from scenario specs: named state presets plus overrides.

A spec is a plain dict (YAML/JSON friendly), e.g.

    {"os": "windows", "version": "2022", "edition": "Datacenter", "generation": "V2",
     "state": "oobe-stuck", "computer_name": "web01", "admin_username": "azureuser",
     "ems": false}

Presets (`state`), each a Windows disk as found in that situation:
  healthy                 provisioned Azure VM: ImageState COMPLETE, Setup keys cleared
  generalized             `sysprep /generalize /oobe /shutdown`, never booted since; waits for
                          Azure provisioning (or boots to OOBE without it)
  oobe-stuck              in-guest `sysprep /generalize /oobe` on a running Azure VM, then rebooted
                          without an answer: GENERALIZE_RESEAL_TO_OOBE, CmdLine oobe\\windeploy.exe,
                          SetupType 2, SetupPhase 4, SystemSetupInProgress 1, OOBEInProgress 1,
                          ChildCompletion\\setup.exe 1, GeneralizationState 4.  Booting it runs the
                          specialize pass (ImageState -> SPECIALIZE_RESEAL_TO_OOBE) and stops at OOBE.
  undeployable            ImageState UNDEPLOYABLE mid-setup ("could not complete the installation")
  could-not-finish-configuring  specialize failed ("could not finish configuring the system")
  restarted-unexpectedly  sysprep with a custom /unattend: file whose specialize pass fails
  oobe-sql                SQL Server image sysprepped without SQL's SysPrep prerequisites
  getting-windows-ready   stuck servicing updates at boot ("Getting Windows ready")
  preparing-to-configure  stuck servicing ("Preparing to configure Windows")
  inplace-upgrade         an in-place upgrade waiting for setup to finish
  boot-fault              a completed, healthy disk that stops on one screen of the "VM boot error"
                          family: spec ``fault: {screen, stop_code, status, file, info, policy,
                          progress: {start, per_minute, stop}}`` (see screens.py)

Display language (any preset): ``language`` en | de | fr | es | ja, written where Windows keeps it
(SYSTEM\\...\\Control\\Nls\\Language InstallLanguage/Default, an LCID).
Linux: state ``boot-fault`` with ``fault: {screen: grub | grub-rescue}``.

Overrides (any preset): computer_name, admin_username, ems (bool), image_state,
setup ({value name: value} under SYSTEM\\Setup, "setup.exe" and Sysprep status
names accepted), registry ({"SYSTEM"|"SOFTWARE": {key: {name: [type, data] | null}}}),
accounts ([{name, enabled, has_password, admin, builtin}]), files
({"windows"|"system": {relative path: text}}), answer_file (text written to
Windows\\Panther\\Unattend.xml, or {"path", "content"}), setup_blocker,
agent_installed, disk_signature, uid, san_policy.  A spec produced by
`to_spec()` carries "snapshot": true and is loaded as-is (full state).
"""

from __future__ import annotations

import copy
import hashlib
import uuid

from . import registry as reg
from .bcd import BcdStore, new_store
from .model import Account, LinuxGuest, LinuxUser, Partition, WindowsGuest
from .registry import Hive
from .versions import default_edition, edition_id, linux_release_for, release_for

WINDOWS_PRESETS = (
    "healthy", "generalized", "oobe-stuck", "undeployable", "could-not-finish-configuring",
    "restarted-unexpectedly", "oobe-sql", "getting-windows-ready", "preparing-to-configure",
    "inplace-upgrade", "boot-fault",
)
LINUX_PRESETS = ("healthy", "generalized", "boot-fault")

# Values of Setup in a disk that Sysprep sealed to OOBE (oobe-domain.md section 2a).
SEALED_SETUP = {
    "CmdLine": "oobe\\windeploy.exe",
    "SetupType": 2,
    "SystemSetupInProgress": 1,
    "OOBEInProgress": 1,
    "SetupPhase": 4,
    "setup.exe": 1,
    "GeneralizationState": 4,
    "CleanupState": 2,
}
COMPLETE_SETUP = {
    "CmdLine": "",
    "SetupType": 0,
    "SystemSetupInProgress": 0,
    "OOBEInProgress": 0,
    "SetupPhase": 0,
    "setup.exe": 3,
    "GeneralizationState": 7,
    "CleanupState": 2,
}

_CUSTOM_UNATTEND = """<?xml version="1.0" encoding="utf-8"?>
<unattend xmlns="urn:schemas-microsoft-com:unattend">
  <settings pass="specialize">
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64"
      publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <ComputerName>*</ComputerName>
      <ProductKey>XXXXX-XXXXX-XXXXX-XXXXX-XXXXX</ProductKey>
      <CopyProfile>true</CopyProfile>
    </component>
  </settings>
</unattend>
"""


def _seed(uid: str, salt: str) -> str:
    return hashlib.sha256((uid + salt).encode()).hexdigest()


def guest_from_spec(spec: dict):
    """Build a WindowsGuest or LinuxGuest from a scenario spec (see module doc)."""
    spec = dict(spec or {})
    os_name = str(spec.get("os", "windows")).lower()
    if os_name == "linux":
        return _linux_from_spec(spec)
    if os_name != "windows":
        raise ValueError(f"unknown os {spec.get('os')!r}")
    if spec.get("snapshot"):
        return _windows_from_snapshot(spec)
    return _windows_from_preset(spec)


# --- Windows -----------------------------------------------------------------

def _windows_from_preset(spec: dict) -> WindowsGuest:
    release = release_for(spec.get("version", "2022"))
    edition = spec.get("edition") or default_edition(release)
    generation = str(spec.get("generation", "V1")).upper()
    if generation not in ("V1", "V2"):
        raise ValueError(f"generation must be V1 or V2, not {generation!r}")
    state = spec.get("state", "healthy")
    if state not in WINDOWS_PRESETS:
        raise ValueError(f"unknown Windows state {state!r}; known: {', '.join(WINDOWS_PRESETS)}")
    uid = spec.get("uid") or str(uuid.uuid4())
    seed = _seed(uid, "disk")
    signature = spec.get("disk_signature") or (
        seed[:8].upper() if generation == "V1" else str(uuid.UUID(seed[:32])).upper())
    computer_name = spec.get("computer_name") or "vm" + seed[8:14]
    admin = spec.get("admin_username") or "azureuser"

    if generation == "V2":
        partitions = [Partition(1, "efi", 100), Partition(2, "msr", 16), Partition(3, "windows", 129_000)]
    else:
        partitions = [Partition(1, "system-reserved", 500), Partition(2, "windows", 129_500)]
    system_number = partitions[0].number
    windows_number = partitions[-1].number

    description = release.product if not release.server else "Windows Server"
    bcd = new_store(generation, description, signature, system_number, windows_number,
                    loader_guid=str(uuid.UUID(_seed(uid, "loader")[:32])),
                    resume_guid=str(uuid.UUID(_seed(uid, "resume")[:32])),
                    ems=bool(spec.get("ems", False)))

    guest = WindowsGuest(
        release, edition, generation,
        partitions=partitions,
        system_hive=_system_hive(),
        software_hive=_software_hive(release, edition),
        default_hive=Hive("DEFAULT"),
        bcd=bcd,
        accounts=[Account(admin, builtin=True),
                  Account("Guest", enabled=False, has_password=False, admin=False),
                  Account("DefaultAccount", enabled=False, has_password=False, admin=False)],
        disk_signature=signature,
        uid=uid,
        agent_installed=spec.get("agent_installed", True),
        san_policy=spec.get("san_policy", "OnlineAll"),
        preset=state,
    )
    guest.computer_name = computer_name
    guest.image_state = "IMAGE_STATE_COMPLETE"
    for name, value in COMPLETE_SETUP.items():
        guest.set_setup_value(name, value)
    guest.log_setup("Info [oobe] OOBE completed (Azure provisioning answer)",
                    "Windows\\Panther\\UnattendGC\\setupact.log")
    if state == "boot-fault" and not (spec.get("fault") or {}).get("screen"):
        raise ValueError("state boot-fault needs fault.screen (a screen id of fakeazure.guest.screens)")
    _apply_state(guest, state)
    _apply_overrides(guest, spec)
    return guest


def _system_hive() -> Hive:
    return Hive("SYSTEM", {
        "Select": {"Current": ("REG_DWORD", 1), "Default": ("REG_DWORD", 1),
                   "LastKnownGood": ("REG_DWORD", 1), "Failed": ("REG_DWORD", 0)},
        "ControlSet001\\Control\\Terminal Server": {"fDenyTSConnections": ("REG_DWORD", 0)},
        "ControlSet001\\Services\\WindowsAzureGuestAgent": {
            "Start": ("REG_DWORD", 2),
            "ImagePath": ("REG_EXPAND_SZ", "C:\\WindowsAzure\\GuestAgent\\WindowsAzureGuestAgent.exe")},
        "ControlSet001\\Services\\sacsvr": {"Start": ("REG_DWORD", 2)},
    })


def _software_hive(release, edition: str) -> Hive:
    # Windows 11 keeps "Windows 10" in ProductName, as the real registry does.
    product = "Windows 10" if release.key == "win11" else release.product
    return Hive("SOFTWARE", {
        reg.NT_CURRENT_VERSION: {
            "ProductName": ("REG_SZ", f"{product} {edition}"),
            "EditionID": ("REG_SZ", edition_id(edition)),
            "InstallationType": ("REG_SZ", "Server" if release.server else "Client"),
            "CurrentBuild": ("REG_SZ", str(release.build)),
            "CurrentBuildNumber": ("REG_SZ", str(release.build)),
            "CurrentVersion": ("REG_SZ", "6.3"),
            "DisplayVersion": ("REG_SZ", release.display_version),
            "CurrentMajorVersionNumber": ("REG_DWORD", int(release.kernel.split(".")[0])),
            "CurrentMinorVersionNumber": ("REG_DWORD", int(release.kernel.split(".")[1])),
        },
    })


def _seal(guest: WindowsGuest, image_state: str = "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE") -> None:
    """What `sysprep /generalize /oobe` leaves behind."""
    guest.image_state = image_state
    for name, value in SEALED_SETUP.items():
        guest.set_setup_value(name, value)
    admin = guest.builtin_admin
    if admin:
        # Generalize resets the built-in Administrator: blank password on Server
        # (OOBE asks for one), disabled on client editions.
        admin.has_password = False
        admin.enabled = guest.server
    sysprep_log = "Windows\\System32\\Sysprep\\Panther\\setupact.log"
    guest.log_setup("Info [0x0f004d] SYSPRP The time is now ...; sysprep.exe /generalize /oobe", sysprep_log)
    guest.log_setup("Info [0x0f0054] SYSPRP ValidateVersionAndRunSysprep: Sysprep_Generalize succeeded", sysprep_log)
    guest.log_setup("Info [0x0f0052] SYSPRP Shutting down SysPrep", sysprep_log)


def _apply_state(guest: WindowsGuest, state: str) -> None:
    if state == "healthy":
        return
    _seal(guest)
    if state == "generalized":
        guest.builtin_admin.name = "Administrator"
        return
    if state == "oobe-stuck":
        guest.log_setup("Info [windeploy.exe] Found generalization state [0x4], setup.exe completion "
                        "flag [False] --> launching setup.exe")
        return
    if state in ("undeployable", "could-not-finish-configuring", "restarted-unexpectedly"):
        guest.image_state = "IMAGE_STATE_UNDEPLOYABLE"
        guest.set_setup_value("OOBEInProgress", 0)
        guest.set_setup_value("setup.exe", 1)
        if state != "undeployable":
            guest.setup_blocker = state
        if state == "could-not-finish-configuring":
            guest.log_setup("Error [0x030018] IBS Callback_Specialize: An error occurred while "
                            "running the specialize pass; hr = 0x80070002", "Windows\\Panther\\setuperr.log")
        if state == "restarted-unexpectedly":
            guest.windows_partition.write("Windows\\Panther\\unattend.xml", _CUSTOM_UNATTEND)
            guest.log_setup("Error [setup.exe] The computer restarted unexpectedly while applying the "
                            "specialize pass of answer file C:\\Windows\\Panther\\unattend.xml",
                            "Windows\\Panther\\setuperr.log")
        return
    if state == "oobe-sql":
        guest.setup_blocker = state
        guest.log_setup("Error [0x0f0082] SYSPRP SQL Server SysPrep prerequisites not met (SQL Server 2016 "
                        "image prepared without 'Install SQL Server using SysPrep')",
                        "Windows\\Panther\\setuperr.log")
        return
    # Servicing / upgrade states: the image itself completed setup.
    guest.image_state = "IMAGE_STATE_COMPLETE"
    for name, value in COMPLETE_SETUP.items():
        guest.set_setup_value(name, value)
    if guest.builtin_admin:
        guest.builtin_admin.has_password = True
        guest.builtin_admin.enabled = True
    if state == "boot-fault":
        return  # _apply_overrides sets guest.boot_fault from the spec's fault
    guest.setup_blocker = state
    if state == "inplace-upgrade":
        guest.windows_partition.write("$WINDOWS.~BT\\Sources\\Panther\\setupact.log",
                                      "Info SP Setup is waiting for the upgrade to complete (SetupHost.exe)\r\n")


LOCALE_NAMES = {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "ja": "ja-JP"}


def _apply_language(guest: WindowsGuest, spec: dict) -> None:
    from .screens import LANGUAGES, NLS_KEY
    language = spec.get("language", "en")
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(sorted(LANGUAGES))}")
    lcid = LANGUAGES[language]
    for name in ("InstallLanguage", "Default"):
        guest.system_hive.set(NLS_KEY, name, "REG_SZ", lcid)
    # the system locale and the default user's locale and first keyboard layout follow the display language
    # unless the spec's registry says otherwise (a German UI with Swiss formats, ...)
    guest.system_hive.set(NLS_KEY.replace("Language", "Locale"), "", "REG_SZ", "0000" + lcid)
    guest.default_hive.set("Control Panel\\International", "LocaleName", "REG_SZ", LOCALE_NAMES[language])
    guest.default_hive.set("Control Panel\\International", "Locale", "REG_SZ", "0000" + lcid)
    guest.default_hive.set("Keyboard Layout\\Preload", "1", "REG_SZ", "0000" + lcid)


def _apply_overrides(guest: WindowsGuest, spec: dict) -> None:
    _apply_language(guest, spec)
    if spec.get("fault") is not None:
        guest.boot_fault = dict(spec["fault"])
    if "image_state" in spec:
        guest.image_state = spec["image_state"]
    for name, value in (spec.get("setup") or {}).items():
        guest.set_setup_value(name, value)
    for hive_name, data in (spec.get("registry") or {}).items():
        guest.hive(hive_name).merge(data)
    if "accounts" in spec:
        guest.accounts = [Account(**a) for a in spec["accounts"]]
    for where, files in (spec.get("files") or {}).items():
        part = guest.system_partition if where.lower() in ("system", "boot", "efi") else guest.windows_partition
        for path, text in files.items():
            part.write(path, text)
    answer = spec.get("answer_file")
    if answer:
        if isinstance(answer, str):
            answer = {"path": "Windows\\Panther\\Unattend.xml", "content": answer}
        guest.windows_partition.write(answer["path"], answer["content"])
    if "setup_blocker" in spec:
        guest.setup_blocker = spec["setup_blocker"]


def _windows_from_snapshot(spec: dict) -> WindowsGuest:
    release = release_for(spec["version"])
    registry = spec.get("registry") or {}
    return WindowsGuest(
        release, spec["edition"], spec["generation"],
        partitions=[Partition(p["number"], p["kind"], p["size_mb"], dict(p.get("files") or {}))
                    for p in spec["partitions"]],
        system_hive=Hive.from_dict("SYSTEM", registry.get("SYSTEM", {})),
        software_hive=Hive.from_dict("SOFTWARE", registry.get("SOFTWARE", {})),
        default_hive=Hive.from_dict("DEFAULT", registry.get("DEFAULT", {})),
        bcd=BcdStore.from_dict(spec["bcd"]) if spec.get("bcd") is not None else None,
        accounts=[Account(**a) for a in spec.get("accounts", [])],
        disk_signature=spec["disk_signature"],
        uid=spec.get("uid"),
        agent_installed=spec.get("agent_installed", True),
        setup_blocker=spec.get("setup_blocker"),
        san_policy=spec.get("san_policy", "OnlineAll"),
        session=copy.deepcopy(spec.get("session") or {}),
        preset=spec.get("preset"),
        boot_fault=copy.deepcopy(spec.get("boot_fault")),
    )


# --- Linux -------------------------------------------------------------------

def _linux_from_spec(spec: dict) -> LinuxGuest:
    release = linux_release_for(spec.get("distro", "ubuntu"), spec.get("version", "22.04"))
    uid = spec.get("uid") or str(uuid.uuid4())
    state = spec.get("state", "generalized" if spec.get("deprovisioned") else "healthy")
    if not spec.get("snapshot") and state not in LINUX_PRESETS:
        raise ValueError(f"unknown Linux state {state!r}; known: {', '.join(LINUX_PRESETS)}")
    if state == "boot-fault" and (spec.get("fault") or {}).get("screen") not in ("grub", "grub-rescue"):
        raise ValueError("a Linux boot-fault needs fault.screen grub or grub-rescue")
    deprovisioned = spec.get("deprovisioned", state == "generalized")
    if "users" in spec:
        users = [LinuxUser(**u) for u in spec["users"]]
    else:
        users = [] if deprovisioned else [LinuxUser(spec.get("admin_username", "azureuser"), True, False, 1)]
    hostname = spec.get("hostname", spec.get("computer_name"))
    if hostname is None and not deprovisioned:
        hostname = "vm" + _seed(uid, "disk")[8:14]
    return LinuxGuest(
        release, str(spec.get("generation", "V1")).upper(),
        hostname=hostname, users=users, deprovisioned=deprovisioned,
        disk_signature=spec.get("disk_signature") or _seed(uid, "disk")[:8].upper(),
        uid=uid, agent_installed=spec.get("agent_installed", True), preset=state if not spec.get("snapshot") else spec.get("preset"),
        boot_fault=copy.deepcopy(spec.get("fault") or spec.get("boot_fault")),
    )
