"""Booting a guest: what Windows does with the state on its disk.

`boot()` walks the same decisions Windows makes, reading the model and
mutating it as Windows would:

 1. Boot manager: the BCD must exist and its default loader's device must
    still resolve (a rewritten disk signature gives 0xc000000e).
 2. Servicing blockers (getting-windows-ready, preparing-to-configure,
    inplace-upgrade) hold the screen whatever the Setup keys say.
 3. Winlogon reads SYSTEM\\Setup\\SetupType (KB939857): 0 = normal logon.
    So forcing the Setup keys to "complete" boots to the logon screen even
    though specialize/OOBE never ran: the computer keeps its old name and
    there is no usable administrator (the built-in one is blank/disabled).
 4. A CmdLine other than windeploy: "cmd.exe" alone waits at a console; any
    other command runs (through the Run Command interpreter) and Winlogon
    clears SetupType/CmdLine, then the boot goes on.
 5. windeploy (oobe\\windeploy.exe): ChildCompletion\\setup.exe != 3 runs the
    specialize pass (UNDEPLOYABLE: "could not complete"; scenario blockers
    show their dialogs, the community fix setup.exe=3 gets past them); then the
    oobeSystem pass looks for an answer in the implicit search order
    (UnattendFile value, Panther\\Unattend\\, Panther\\, Azure provisioning media,
    System32\\Sysprep\\, system drive root).  An answer with a usable admin
    finishes OOBE (ImageState COMPLETE, Setup keys cleared, SetupComplete.cmd
    run); otherwise the first OOBE page of the version is shown.

Knowingly left out: timing (the caller owns clocks), the many intermediate
progress screens, audit-mode internals, SID regeneration, driver installs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import presets, ps_hyperv, serial
from .model import LinuxGuest, LinuxUser, ProvisioningAnswer, WindowsGuest
from .screens import resolve, screen
from .unattend import AnswerFile, azure_answer, parse_answer_file, sample_oobe_answer

SERVICING_BLOCKERS = ("getting-windows-ready", "preparing-to-configure", "inplace-upgrade")
SETUP_BLOCKERS = ("restarted-unexpectedly", "could-not-finish-configuring")

# Implicit answer file search order for Setup passes after windowsPE (Learn
# "Windows Setup Automation Overview"); "<azure>" is Azure's provisioning media.
ANSWER_SEARCH = (
    "<registry>",
    "Windows\\Panther\\Unattend\\Unattend.xml",
    "Windows\\Panther\\Unattend\\Autounattend.xml",
    "Windows\\Panther\\Unattend.xml",
    "Windows\\Panther\\Autounattend.xml",
    "<azure>",
    "Windows\\System32\\Sysprep\\Unattend.xml",
    "Windows\\System32\\Sysprep\\Autounattend.xml",
    "Unattend.xml",
    "Autounattend.xml",
)


@dataclass
class BootResult:
    screen_id: str
    screen_lines: list[str]
    agent_ready: bool
    provisioned: bool
    os_name: str
    os_version: str
    computer_name: str | None
    serial_log: str
    category: str = ""
    theme: str = ""
    screen: dict = field(default_factory=dict)    # screens.resolve(): redraws progress at a later capture
    booted_at: float | None = None                 # the cloud's clock when it booted (set by the caller)
    os_type: str = "Windows"
    generation: str = "V1"
    server: bool = False
    image_state: str | None = None
    usable_admins: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def boot(guest, provisioning: ProvisioningAnswer | None = None, data_disks=None,
         machine_guid: str | None = None) -> BootResult:
    """Boot `guest` (mutated as the OS would) and report what the console shows."""
    if isinstance(guest, LinuxGuest):
        return _boot_linux(guest, provisioning)
    events: list[str] = []
    guest.session.pop("hives", None)        # a reboot unloads hives loaded with `reg load`
    events += [f"feature {name} installed at this boot" for name in ps_hyperv.finish_pending_features(guest)]
    provisioned = False
    screen_id = _boot_manager(guest, events)
    if screen_id is None and guest.boot_fault:
        screen_id = guest.boot_fault["screen"]
        events.append(f"boot stops on {screen_id}: {guest.boot_fault}")
    if screen_id is None:
        screen_id, provisioned = _windows(guest, provisioning, events)
    category, theme, lines = screen(screen_id, guest)
    agent_ready = guest.agent_installed and category in ("logon", "audit") and theme != "safe-mode"
    if provisioning is not None and not provisioned:
        events.append("Azure provisioning answer was not consumed: OS provisioning will time out")
    return BootResult(
        screen_id=screen_id, screen_lines=lines, agent_ready=agent_ready, provisioned=provisioned,
        os_name=guest.os_name, os_version=guest.os_version, computer_name=guest.computer_name,
        serial_log=serial.windows_serial(guest, category, machine_guid),
        category=category, theme=theme, screen=resolve(screen_id, guest), os_type="Windows",
        generation=guest.generation,
        server=guest.server, image_state=guest.image_state, usable_admins=guest.usable_admins(),
        events=events,
    )


def _boot_manager(guest: WindowsGuest, events: list[str]) -> str | None:
    store = guest.bcd
    loader = store.default_loader() if store is not None else None
    if store is None or loader is None or loader not in store.objects:
        events.append("boot manager: no usable BCD store / default entry")
        return "boot-error-bcd"
    device = store.get(loader, 0x21000001) or store.get(loader, 0x11000001)
    if isinstance(device, dict) and device.get("kind") == "partition":
        if str(device.get("disk")).upper() != str(guest.disk_signature).upper() or \
                guest.partition(int(device.get("partition", 0))) is None:
            events.append("boot manager: osdevice does not resolve (disk signature changed?)")
            return "boot-error-0xc000000e"
    return None


def _windows(guest: WindowsGuest, provisioning, events) -> tuple[str, bool]:
    if guest.setup_blocker in SERVICING_BLOCKERS:
        return guest.setup_blocker, False
    setup_type = guest.setup_value("SetupType", 0) or 0
    if setup_type == 0:
        return "logon", False
    cmdline = (guest.setup_value("CmdLine", "") or "").strip()
    if "windeploy" not in cmdline.lower():
        return _setup_cmdline(guest, cmdline, provisioning, events)
    return _windeploy(guest, provisioning, events)


def _setup_cmdline(guest, cmdline, provisioning, events) -> tuple[str, bool]:
    bare = cmdline.lower().replace("c:\\windows\\system32\\", "").strip('"')
    if bare in ("", "cmd", "cmd.exe"):
        if bare == "":
            guest.set_setup_value("SetupType", 0)
            return "logon", False
        return "setup-cmdline", False
    from .interpreter import run_script   # late: the PowerShell engine (and its grammar) only when a command runs
    command = cmdline
    for prefix in ("cmd.exe /c", "cmd /c", "c:\\windows\\system32\\cmd.exe /c"):
        if command.lower().startswith(prefix):
            command = command[len(prefix):].strip().strip('"')
    result = run_script(guest, command, shell="cmd")
    events.append(f"Winlogon ran Setup CmdLine {cmdline!r}: exit {result.exit_code}")
    guest.set_setup_value("SetupType", 0)
    guest.set_setup_value("CmdLine", "")
    return _windows(guest, provisioning, events)


def _windeploy(guest: WindowsGuest, provisioning, events) -> tuple[str, bool]:
    if guest.setup_blocker == "oobe-sql":
        return "oobe-sql", False
    state = guest.image_state
    child_done = guest.setup_value("setup.exe", 1) == 3
    if guest.setup_blocker in SETUP_BLOCKERS:
        if not child_done:
            return guest.setup_blocker, False
        events.append(f"setup.exe completion flag is 3: windeploy skips setup.exe ({guest.setup_blocker} cleared)")
        guest.setup_blocker = None
    azure = (azure_answer(provisioning.admin_username, provisioning.computer_name,
                          provisioning.admin_password_set) if provisioning else None)
    if not child_done:
        if state == "IMAGE_STATE_UNDEPLOYABLE":
            return "could-not-complete", False
        answer = _find_answer(guest, azure)
        if answer is not None and answer.error:
            return "unattend-error", False
        name = (answer.computer_name if answer else None) or guest.random_computer_name()
        guest.computer_name = name
        guest.set_setup_value("setup.exe", 3)
        guest.set_setup_value("GeneralizationState", 7)
        to_audit = state.endswith("_TO_AUDIT")
        guest.image_state = "IMAGE_STATE_SPECIALIZE_RESEAL_TO_AUDIT" if to_audit else \
            "IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE"
        guest.log_setup("Info [windeploy.exe] Found generalization state [0x4], setup.exe completion flag "
                        "[False] --> launching setup.exe")
        guest.log_setup(f"Info [setup.exe] specialize pass complete; computer name {name}")
        events.append(f"specialize pass ran: computer name {name}")
        state = guest.image_state
    if state.endswith("_TO_AUDIT"):
        return "audit-mode", False
    return _oobe(guest, azure, events)


def _find_answer(guest: WindowsGuest, azure: AnswerFile | None) -> AnswerFile | None:
    part = guest.windows_partition
    for location in ANSWER_SEARCH:
        if location == "<azure>":
            if azure is not None:
                return azure
            continue
        if location == "<registry>":
            path = guest.setup_value("UnattendFile")
            if not path:
                continue
            path = path.replace("%WINDIR%", "C:\\Windows").replace("%SystemRoot%", "C:\\Windows")
            if len(path) > 2 and path[1] == ":":
                path = path[2:]
        else:
            path = location
        text = part.read(path)
        if text is not None:
            return parse_answer_file(text, "C:\\" + path.lstrip("\\"))
    return None


def _oobe(guest: WindowsGuest, azure: AnswerFile | None, events) -> tuple[str, bool]:
    answer = _find_answer(guest, azure)
    if answer is not None and answer.error:
        events.append(f"answer file {answer.path}: {answer.error}")
        return "unattend-error", False
    if answer is not None:
        events.append(f"oobeSystem answer used: {answer.path}")
    guest.set_setup_value("OOBEInProgress", 1)
    pages_answered = answer is not None and (answer.locales or answer.hides_pages)
    if answer is not None and answer.gives_admin and (guest.server or pages_answered or answer.from_azure):
        _finish_oobe(guest, answer, events)
        return "logon", answer.from_azure
    flow = guest.release.oobe_flow
    if flow in ("win10", "win11"):
        return ("oobe-account" if pages_answered else "oobe-region"), False
    if pages_answered:
        return "oobe-customize-settings", False
    return ("oobe-settings-2012r2" if flow == "server-2012r2" else "oobe-hi-there"), False


def _finish_oobe(guest: WindowsGuest, answer: AnswerFile, events) -> None:
    admin = guest.builtin_admin
    if answer.from_azure and admin is not None and answer.azure_admin:
        admin.name = answer.azure_admin
    if admin is not None and answer.admin_password:
        admin.enabled = True
        admin.has_password = True
    for local in answer.local_accounts:
        existing = guest.account(local.name)
        if existing is None:
            from .model import Account
            guest.accounts.append(Account(local.name, True, local.has_password, local.admin))
        else:
            existing.enabled, existing.admin = True, existing.admin or local.admin
            existing.has_password = existing.has_password or local.has_password
    guest.image_state = "IMAGE_STATE_COMPLETE"
    for name, value in presets.COMPLETE_SETUP.items():
        guest.set_setup_value(name, value)
    guest.log_setup(f"Info [oobe] OOBE completed unattended with {answer.path}",
                    "Windows\\Panther\\UnattendGC\\setupact.log")
    events.append("OOBE finished: ImageState IMAGE_STATE_COMPLETE")
    script = guest.windows_partition.read("Windows\\Setup\\Scripts\\SetupComplete.cmd")
    if script:
        from .interpreter import run_script
        result = run_script(guest, script, shell="cmd")
        events.append(f"SetupComplete.cmd ran: exit {result.exit_code}")


ps_hyperv.BOOT = boot  # Start-VM boots a nested VM's disk as this boot does


def user_finishes_oobe(guest: WindowsGuest, admin_password: str) -> list[str]:
    """What a person does at a waiting OOBE (the nested Hyper-V console of article step 6): picks region and
    keyboard, accepts the license, types the built-in administrator's password and clicks Finish. Only a guest
    that is at OOBE (its specialize pass done) can be finished this way."""
    events: list[str] = []
    if guest.image_state not in ("IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE", "IMAGE_STATE_UNDEPLOYABLE") or \
            guest.setup_value("setup.exe", 1) != 3:
        raise ValueError(f"{guest!r} is not waiting at OOBE")
    typed = parse_answer_file(sample_oobe_answer(admin_password), "<typed at the OOBE pages>")
    _finish_oobe(guest, typed, events)
    return events


def _boot_linux(guest: LinuxGuest, provisioning) -> BootResult:
    events = []
    provisioned = False
    if provisioning is not None and guest.deprovisioned:
        guest.hostname = provisioning.computer_name or guest.hostname or "localhost"
        if provisioning.admin_username and not any(u.name == provisioning.admin_username for u in guest.users):
            guest.users.append(LinuxUser(provisioning.admin_username, True, provisioning.admin_password_set,
                                         len(provisioning.ssh_public_keys)))
        guest.deprovisioned = False
        provisioned = True
        events.append("provisioning agent: hostname and admin user set")
    elif provisioning is not None:
        events.append("disk is not deprovisioned: provisioning will time out")
    screen_id = (guest.boot_fault or {}).get("screen") or "linux-login"
    category, theme, lines = screen(screen_id, guest)
    return BootResult(
        screen_id=screen_id, screen_lines=lines, screen=resolve(screen_id, guest),
        agent_ready=guest.agent_installed and not guest.deprovisioned and screen_id == "linux-login",
        provisioned=provisioned,
        os_name=guest.os_name, os_version=guest.os_version, computer_name=guest.hostname,
        serial_log=serial.linux_serial(guest), category=category, theme=theme, os_type="Linux",
        generation=guest.generation, server=True, image_state=None,
        usable_admins=[u.name for u in guest.users if u.sudo], events=events,
    )
