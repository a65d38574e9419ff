"""The rendered set: one simulated guest per member of the "VM boot error" family, and what diagnose must say.

Each case is (name, expected articleId, expected osState, guest spec for fakeazure.guest). The fake draws
the screen from its own texts (fakeazure/guest/screentext/*.yaml); the expectations here are written by
hand from Azure's article family (tests/fixtures/booterror-article-ids.txt); nothing is read from the
extension's catalog, so a test cannot pass by sharing one table.

LANGUAGE_CASES repeats the screens Windows shows in the display language (OOBE, Setup errors, update
progress, the stop screen, the lock screen) in German, French, Spanish and Japanese.
"""

W = {"os": "windows", "version": "2019", "edition": "Datacenter", "generation": "V2"}


def win(state="boot-fault", version="2019", **kw):
    spec = dict(W, state=state, version=version)
    spec.update(kw)
    return spec


def fault(screen, version="2019", **facts):
    return win(version=version, fault=dict(screen=screen, **facts))


STOP = "stop-error"
BM = "bootmgr-status"
RC = "recovery-status"

CASES = [
    ("oobe-server", "OSStartUp-OOBE", "running-at-oobe", win("oobe-stuck", "2022")),
    ("oobe-2012r2", "OSStartUp-OOBE", "running-at-oobe", win("oobe-stuck", "2012r2", generation="V1")),
    ("oobe-win10", "OSStartUp-OOBE", "running-at-oobe", win("oobe-stuck", "win10", edition="Enterprise")),
    ("oobe-win11", "OSStartUp-OOBE", "running-at-oobe", win("oobe-stuck", "win11", edition="Enterprise")),
    ("could-not-finish", "OSStartUp-WINDOWS_COULD_NOT_FINISH_CONFIGURING_THE_SYSTEM", "setup-failed",
     win("could-not-finish-configuring", "2016", generation="V1")),
    ("could-not-complete", "OSStartUp-WINDOWS_COULD_NOT_COMPLETE_INSTALLATION", "setup-failed", win("undeployable")),
    ("restarted", "OSStartUp-COMPUTER_RESTARTED_UNEXPECTEDLY_OR_ENCOUNTERED_AN_UNEXPECTED_ERROR", "setup-failed",
     win("restarted-unexpectedly")),
    ("oobe-sql", "OSStartUp-OOBE_SQL", "setup-failed", win("oobe-sql", "2016")),
    ("inplace-upgrade", "OSStartUp-INPLACE_UPGRADE", "setup-in-progress", win("inplace-upgrade")),
    ("getting-windows-ready", "OSStartUp-GETTING_WINDOWS_READY", "setup-in-progress", win("getting-windows-ready")),
    ("preparing", "OSStartUp-PREPARING_CONFIGURE_WINDOWS", "setup-in-progress", win("preparing-to-configure")),
    ("getting-ready", "OSStartUp-GETTING_READY", "setup-in-progress", fault("getting-ready")),
    ("working-on-updates", "OSStartUp-WINDOWS_UPDATE_INSTALLATION", "setup-in-progress", fault("working-on-updates")),
    ("configuring-updates", "OSStartUp-WINDOWS_UPDATE_INSTALLATION", "setup-in-progress",
     fault("configuring-updates", "2012r2")),
    ("update-rollback", "OSStartUp-WINDOWS_UPDATE_ROLLBACK", "setup-in-progress", fault("update-rollback", "2012r2")),
    ("update-capacity", "OSStartUp-WINDOWS_UPDATE_INSTALLATION_CAPACITY", "setup-in-progress", fault("update-capacity")),
    ("working-on-features", "OSStartUp-WORKING_ON_FEATURES", "setup-in-progress", fault("working-on-features")),
    ("getting-devices-ready", "OSStartUp-GETTING_DEVICES_READY", "setup-in-progress", fault("getting-devices-ready")),
    ("starting-windows", "OSStartUp-STARTING_WINDOWS", "setup-in-progress", fault("starting-windows", "2012r2")),
    ("please-wait", "OSStartUp-PLEASE_WAIT", "setup-in-progress", fault("please-wait")),
    ("please-wait-lsm", "OSStartUp-PLEASE-WAIT", "setup-in-progress", fault("please-wait-lsm")),
    ("loading-files", "OSStartUp-LOADING_WINDOWS_FILES", "setup-in-progress", fault("loading-files", file="disk.sys")),
    ("applying-computer-settings", "OSStartUp-APPLYING_COMPUTER_SETTINGS", "setup-in-progress",
     fault("policy", policy="Applying computer settings")),
    ("applying-security-policy", "OSStartUp-APPLYING_SECURITY_POLICY_TO_THE_SYSTEM", "setup-in-progress",
     fault("policy", policy="Applying security policy to the system")),
    ("applying-registry-policy", "OSStartUp-APPLYING_REGISTRY_POLICY", "setup-in-progress",
     fault("policy", policy="Applying Registry policy")),
    ("applying-audit-policy", "OSStartUp-APPLYING_AUDIT_POLICY_CONFIGURATION_POLICY", "setup-in-progress",
     fault("policy", policy="Applying Audit Policy Configuration policy")),
    ("applying-local-users", "OSStartUp-APPLYING_GROUP_POLICY_LOCAL_USERS_AND_GROUPS_POLICY", "setup-in-progress",
     fault("policy", policy="Applying Group Policy Local Users and Groups policy")),
    ("default-dc-policy", "OSStartUp-DEFAULT_DOMAIN_CONTROLLERS_POLICY", "setup-in-progress",
     fault("policy", policy="Default Domain Controllers Policy")),
    ("restarting", "OSShutDown-RESTARTING", "shutting-down", fault("restarting")),
    ("shutting-down", "OSShutDown-SHUTTING_DOWN", "shutting-down", fault("shutting-down")),
    ("stopping-services", "OSShutDown-STOPPING_SERVICES", "shutting-down", fault("stopping-services", "2012r2")),
    ("modules-installer", "OSShutDown-SHUTTING_DOWN_SERVICE_WINDOWS_MODULES_INSTALLER", "shutting-down",
     fault("modules-installer", "2012r2")),
    ("bootmgr-missing", "BootError-BOOTMGR_MISSING", "boot-failed", fault("bootmgr-missing", generation="V1")),
    ("boot-failure", "BootError-BOOT_FAILURE", "boot-failed", fault("boot-failure", generation="V1")),
    ("os-not-found", "BootError-OS_NOT_FOUND", "boot-failed", fault("os-not-found")),
    ("remove-media", "BootError-REMOVE_DISK_OR_MEDIA", "boot-failed", fault("remove-media", generation="V1")),
    ("not-bootable", "BootError-THIS_IS_NOT_A_BOOTABLE_DISK", "boot-failed", fault("not-bootable-disk", generation="V1")),
    ("disk-read-error", "BootError-DISK_READ_ERROR_OCCURRED", "boot-failed", fault("disk-read-error", generation="V1")),
    ("no-uefi", "BootError-NoUEFI", "boot-failed", fault("no-uefi")),
    ("hyperv", "BootError-HYPERV", "boot-failed", fault("hyperv-no-os")),
    ("bitlocker", "BootError--BITLOCKER", "boot-failed", fault("bitlocker")),
    ("chkdsk", "BootError-CHKDSK", "disk-check", fault("chkdsk")),
    ("automatic-repair", "BootError-RECOVERY_CONSOLE", "recovery-console", fault("automatic-repair")),
    ("choose-option", "BootError-RECOVERY_CONSOLE", "recovery-console", fault("choose-option")),
    ("safe-mode", "cantrdp-safemode", "safe-mode", fault("safe-mode")),
    ("0xc000000f-binary", "WindowsBootManager-0xC000000F-STATUS_NO_SUCH_FILE-MissingBinary", "boot-failed",
     fault(BM, "2012r2", status="0xc000000f", file="\\Windows\\system32\\ci.dll")),
    ("0xc000000f-driver", "WindowsBootManager-0xC000000F-STATUS_NO_SUCH_FILE-MissingDriver", "boot-failed",
     fault(BM, "2012r2", status="0xc000000f", file="\\Windows\\system32\\drivers\\vmbus.sys")),
    ("0xc000000f-bcd", "VMCannotRDP-BootError-0xC000000F-BootBCDorWinLoadexe", "boot-failed",
     fault(BM, "2012r2", status="0xc000000f", file="\\Boot\\BCD")),
    ("0xc0000098", "WindowsBootManager-0xC0000098-STATUS_FILE_INVALID", "boot-failed",
     fault(RC, status="0xc0000098", file="\\Windows\\system32\\drivers\\netvsc.sys")),
    ("0xc0000102", "WindowsBootManager-0xC0000102-STATUS_FILE_CORRUPT_ERROR", "boot-failed",
     fault(BM, "2012r2", status="0xc0000102", file="\\Windows\\system32\\winload.exe")),
    ("0xc000014c", "WindowsBootManager-0xC000014C-STATUS_REGISTRY_CORRUPT", "boot-failed",
     fault(RC, status="0xc000014c", file="\\Windows\\system32\\config\\system")),
    ("0xc0000001", "VMCannotRDP-BootError-0xc0000001-BootBCD", "boot-failed", fault(RC, status="0xc0000001")),
    ("0xc000000e", "VMCannotRDP_2A1E170D-E156-4E58-A8E6-F8FD820AB8A4", "boot-failed", fault(RC, status="0xc000000e")),
    ("0xc0000011", "VMCannotRDP_388A3EDA-7F91-474F-85C3-50EAE3876329", "boot-failed",
     fault(RC, status="0xc0000011", file="\\Windows\\system32\\drivers\\storport.sys")),
    ("0xc0000034", "VMCannotRDP_E32BD6A1-9532-4AC6-835D-4ECB4A074CE5", "boot-failed",
     fault(RC, status="0xc0000034", file="\\Boot\\BCD")),
    ("0xc000007b", "VMCannotRDP_D49207E5-874F-4731-B42C-354D8F386A47", "boot-failed",
     fault(RC, status="0xc000007b", file="\\Windows\\system32\\winload.exe")),
    ("0xc0000242", "VMCannotRDP-BootError-0xC0000242-MissingFile", "boot-failed",
     fault(RC, status="0xc0000242", file="\\Windows\\system32\\drivers\\cng.sys")),
    ("0xc0000359", "VMCannotRDP_A139226A-AD29-487A-80BE-4BD8CE6095CC", "boot-failed",
     fault(RC, status="0xc0000359", file="\\Windows\\system32\\drivers\\vmstorfl.sys")),
    ("0xc0000017", "WindowsStopError-0xC0000017-STATUS_NO_MEMORY", "boot-failed", fault(RC, status="0xc0000017")),
    ("stop-generic", "WindowsStopError-BLUESCREEN_GENERIC", "stop-error", fault(STOP, stop_code="SYSTEM_SERVICE_EXCEPTION")),
    ("bootmgr-unknown-code", None, "boot-failed", fault(RC, status="0xc0000225", file="\\Windows\\system32\\winload.efi",
                                                       info="The selected entry could not be loaded.")),
    ("stop-0x5a", "WindowsStopError-0x0000005A-CRITICAL_SERVICE_FAILED", "stop-error",
     fault(STOP, stop_code="CRITICAL_SERVICE_FAILED")),
    ("stop-0x67", "WindowsStopError-0x00000067-CONFIG_INITIALIZATION_FAILED", "stop-error",
     fault(STOP, stop_code="CONFIG_INITIALIZATION_FAILED")),
    ("stop-0x74", "WindowsStopError-0x00000074-BAD_SYSTEM_CONFIG_INFO", "stop-error",
     fault(STOP, stop_code="BAD_SYSTEM_CONFIG_INFO")),
    ("stop-0x7b", "WindowsStopError-0x0000007B-INACCESSIBLE_BOOT_DEVICE", "stop-error",
     fault(STOP, stop_code="INACCESSIBLE_BOOT_DEVICE")),
    ("stop-0xd1", "WindowsStopError-0x000000D1-DRIVER_IRQL_NOT_LESS_OR_EQUAL", "stop-error",
     fault(STOP, stop_code="DRIVER_IRQL_NOT_LESS_OR_EQUAL")),
    ("stop-0xef", "WindowsStopError-0x000000EF-CRITICAL_PROCESS_DIED", "stop-error",
     fault(STOP, stop_code="CRITICAL_PROCESS_DIED")),
    ("stop-0xef-2012r2", "WindowsStopError-0x000000EF-CRITICAL_PROCESS_DIED", "stop-error",
     fault(STOP, "2012r2", stop_code="CRITICAL_PROCESS_DIED")),
    ("stop-0xc000021a", "WindowsStopError-0xc000021A-STATUS_SYSTEM_PROCESS", "stop-error",
     fault(STOP, "2012r2", stop_code="0xc000021a")),
    ("stop-0xc00002e2", "WindowsStopError-0xC00002E2-Status_DS_Init_Failure", "stop-error",
     fault(STOP, "2012r2", stop_code="c00002e2 Directory Services could not start")),
    ("stop-0xc00002e3", "VMCannotRDP_FFE84A13-177A-4524-8BD7-3D13E8048893", "stop-error",
     fault(STOP, "2012r2", stop_code="c00002e3 Security Accounts Manager initialization failed")),
    ("grub", "OSStartUp-GRUB_PROMPT", "boot-failed", {"os": "linux", "state": "boot-fault", "fault": {"screen": "grub"}}),
    ("grub-rescue", "OSStartUp-GRUB_RESCUE_PROMPT", "boot-failed",
     {"os": "linux", "state": "boot-fault", "fault": {"screen": "grub-rescue"}}),
    ("healthy-server", None, "healthy", win("healthy", "2022")),
    ("healthy-2016", None, "healthy", win("healthy", "2016", generation="V1")),
]

# Family members with no text on screen (the catalog says so with detectable=false): no case can exist.
NO_SCREEN_TEXT = {"OSStartUp-WINDOWS_UPDATE_CONTAINER_CRASH", "vm_osdiskfull", "windows-update-reboot"}

LANGUAGE_SCREENS = [
    ("oobe-server", "OSStartUp-OOBE", "running-at-oobe", win("oobe-stuck", "2022")),
    ("oobe-win10", "OSStartUp-OOBE", "running-at-oobe", win("oobe-stuck", "win10", edition="Enterprise")),
    ("could-not-finish", "OSStartUp-WINDOWS_COULD_NOT_FINISH_CONFIGURING_THE_SYSTEM", "setup-failed",
     win("could-not-finish-configuring", "2016", generation="V1")),
    ("could-not-complete", "OSStartUp-WINDOWS_COULD_NOT_COMPLETE_INSTALLATION", "setup-failed", win("undeployable")),
    ("restarted", "OSStartUp-COMPUTER_RESTARTED_UNEXPECTEDLY_OR_ENCOUNTERED_AN_UNEXPECTED_ERROR", "setup-failed",
     win("restarted-unexpectedly")),
    ("getting-windows-ready", "OSStartUp-GETTING_WINDOWS_READY", "setup-in-progress", win("getting-windows-ready")),
    ("preparing", "OSStartUp-PREPARING_CONFIGURE_WINDOWS", "setup-in-progress", win("preparing-to-configure")),
    ("stop-generic", "WindowsStopError-BLUESCREEN_GENERIC", "stop-error", fault(STOP, stop_code="SYSTEM_SERVICE_EXCEPTION")),
    ("stop-0x7b", "WindowsStopError-0x0000007B-INACCESSIBLE_BOOT_DEVICE", "stop-error",
     fault(STOP, stop_code="INACCESSIBLE_BOOT_DEVICE")),
    ("healthy-server", None, "healthy", win("healthy", "2022")),
]
JAPANESE_ONLY = [("bootmgr-unknown-code-ja", None, "boot-failed", dict(fault(RC, status="0xc0000225"), language="ja"))]
LANGUAGES = ("de", "fr", "es", "ja")
LANGUAGE_CASES = [("%s-%s" % (name, lang), aid, state, dict(spec, language=lang))
                  for lang in LANGUAGES for name, aid, state, spec in LANGUAGE_SCREENS] + JAPANESE_ONLY
ALL_CASES = CASES + LANGUAGE_CASES
