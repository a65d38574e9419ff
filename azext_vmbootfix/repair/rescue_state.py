"""What the copy's offline hives say about Windows Setup, and what the rescue does about it.

``scripts/read-setup-state.ps1`` loads the copy's SOFTWARE, SYSTEM and DEFAULT hives and prints ``reg query``
output (Windows' own format, see tests/fixtures/windows/reg-query-*.txt); :func:`setup_state` reads it and
:func:`decide` picks the row of :data:`ROWS` that matches. The rows follow Learn's "Windows Setup States"
(``ImageState`` under ``SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Setup\\State``) and "How Sysprep works"
(a sealed image runs ``oobe\\windeploy.exe`` through Winlogon's ``SYSTEM\\Setup`` values ``SetupType``/``CmdLine``,
then the specialize pass, then OOBE), together with what ``SYSTEM\\Setup`` says:

- ``IMAGE_STATE_UNDEPLOYABLE`` is "the default state for an image in a given phase of Windows Setup that is not
  yet complete". Read offline it means a phase never finished; but the phase may be OOBE itself: a VM stopped
  while OOBE waited (``OOBEInProgress`` 1, specialize done: ``Setup\\Status\\ChildCompletion\\setup.exe`` 3)
  reports it too, and OOBE runs again at the next boot. Only an unfinished *specialize* (or no Setup pending
  at all) is refused as unrecoverable, which is what Microsoft's "could not complete the installation" articles
  say ("the image is in an undeployable state and cannot be recovered").
- ``*_RESEAL_TO_AUDIT`` boots to audit mode, not to OOBE: an oobeSystem answer is not what it needs.
- ``IMAGE_STATE_COMPLETE`` with no Setup pending is a finished Windows: nothing for the rescue to do.
- A sealed image whose Winlogon values no longer start windeploy (``SetupType`` 0, or ``CmdLine`` changed by
  hand, e.g. the ``cmd.exe`` trick) would never read the answer file: refused with what to put back.

A refusal is :class:`Refused` (a :class:`StepFailed` whose message says why and whose recommendation says what
to do); the run stops there and ``rollback`` deletes the rescue VM and the copy as usual.
"""
import re

from azext_vmbootfix.repair.recreate import StepFailed

SW, SYS, DEF = "BOOTFIXSW", "BOOTFIXSYS", "BOOTFIXDEF"   # where read-setup-state.ps1 loads the three hives
STATE_KEY = SW + "\\Microsoft\\Windows\\CurrentVersion\\Setup\\State"
SETUP_KEY = SYS + "\\Setup"
CHILD_KEY = SYS + "\\Setup\\Status\\ChildCompletion"
SELECT_KEY = SYS + "\\Select"
INTL_KEY = DEF + "\\Control Panel\\International"
PRELOAD_KEY = DEF + "\\Keyboard Layout\\Preload"

# LCID (hex, as Nls\Language InstallLanguage and Nls\Locale print it) -> locale name. The languages Azure's
# Windows images ship and the common ones after them; an LCID not listed leaves that answer-file setting out.
LOCALE_NAMES = {
    "0409": "en-US", "0809": "en-GB", "0c09": "en-AU", "1009": "en-CA", "4009": "en-IN", "0407": "de-DE",
    "0807": "de-CH", "0c07": "de-AT", "040c": "fr-FR", "0c0c": "fr-CA", "100c": "fr-CH", "080c": "fr-BE",
    "0c0a": "es-ES", "080a": "es-MX", "0410": "it-IT", "0413": "nl-NL", "0813": "nl-BE", "0416": "pt-BR",
    "0816": "pt-PT", "0411": "ja-JP", "0412": "ko-KR", "0804": "zh-CN", "0404": "zh-TW", "0419": "ru-RU",
    "0415": "pl-PL", "041d": "sv-SE", "0406": "da-DK", "0414": "nb-NO", "040b": "fi-FI", "0405": "cs-CZ",
    "040e": "hu-HU", "041f": "tr-TR", "0408": "el-GR", "040d": "he-IL", "0401": "ar-SA", "041e": "th-TH",
}


class Refused(StepFailed):
    """The copy is in a Setup state the rescue must not touch; nothing on it was changed."""


def parse_reg_query(text):
    """``reg query`` output -> {key path without the HKEY_LOCAL_MACHINE\\ root (as printed): {value name
    (lower case): (name, type, data text)}}. A key line starts at column 0; a value line is four spaces, the name,
    four spaces, the REG_ type, four spaces and the data (which may be empty)."""
    keys, current = {}, None
    for line in (text or "").splitlines():
        if line.startswith("HKEY_LOCAL_MACHINE\\"):
            current = keys.setdefault(line.strip()[len("HKEY_LOCAL_MACHINE\\"):].lower(), {})
            continue
        match = re.match(r"^    (.+?)    (REG_[A-Z_]+)(?:    (.*))?$", line.rstrip("\r"))
        if match and current is not None:
            name = match.group(1)
            current[name.lower()] = (name, match.group(2), match.group(3) or "")
    return keys


def _value(keys, key, name):
    entry = keys.get(key.lower(), {}).get(name.lower())
    if entry is None:
        return None
    _, value_type, data = entry
    if value_type in ("REG_DWORD", "REG_QWORD"):   # reg query prints them in hex ("0x2"); no data reads 0
        return int(data, 16) if data else 0
    return data


def setup_state(text):
    """The facts the decision needs, from read-setup-state.ps1's output."""
    keys = parse_reg_query(text)
    current = _value(keys, SELECT_KEY, "Current")
    control_set = "ControlSet{:03d}".format(current) if current else None
    state = {"ImageState": _value(keys, STATE_KEY, "ImageState"), "controlSet": control_set}
    for name in ("CmdLine", "SetupType", "OOBEInProgress", "SystemSetupInProgress", "SetupPhase", "UnattendFile"):
        state[name] = _value(keys, SETUP_KEY, name)
    state["setup.exe"] = _value(keys, CHILD_KEY, "setup.exe")
    nls = "{}\\{}\\Control\\Nls\\".format(SYS, control_set or "ControlSet001")
    state["InstallLanguage"] = _value(keys, nls + "Language", "InstallLanguage")
    state["SystemLocaleId"] = _value(keys, nls + "Locale", "(Default)")
    state["LocaleName"] = _value(keys, INTL_KEY, "LocaleName")
    state["Preload"] = _value(keys, PRELOAD_KEY, "1")
    return state


# -- the decision table -------------------------------------------------------------------------------
def _windeploy(s):
    return (s.get("SetupType") or 0) != 0 and "windeploy" in (s.get("CmdLine") or "").lower()


def _specialized(s):
    return s.get("setup.exe") == 3


SEALED_TO_OOBE = ("IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE", "IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE")
TO_AUDIT = ("IMAGE_STATE_GENERALIZE_RESEAL_TO_AUDIT", "IMAGE_STATE_SPECIALIZE_RESEAL_TO_AUDIT")
UNDEPLOYABLE = "IMAGE_STATE_UNDEPLOYABLE"
COMPLETE = "IMAGE_STATE_COMPLETE"
RESTORE = "restore the copy's OS disk from a backup taken before the Sysprep, or recreate the VM from a " \
          "properly generalized image (`sysprep /oobe /generalize /shutdown`, then `az vm generalize`)"
DIAGNOSE = "Check with `az vm boot-fix diagnose` which problem the VM has; the rescue path only finishes OOBE."

# (row id, matches(state), "finish" | "refuse", why, recommendation). The first row that matches decides.
ROWS = (
    ("no-image-state", lambda s: not s.get("ImageState"), "refuse",
     "the copy's SOFTWARE hive has no Setup\\State ImageState: this is not a Windows that Setup prepared",
     DIAGNOSE),
    ("sealed-to-oobe", lambda s: s["ImageState"] in SEALED_TO_OOBE and _windeploy(s), "finish",
     "{ImageState}: the image completed its Sysprep pass and continues into the oobeSystem pass when Setup starts "
     "(Learn, Windows Setup States); Winlogon starts {CmdLine} (SetupType {SetupType})", None),
    ("oobe-interrupted", lambda s: s["ImageState"] == UNDEPLOYABLE and _windeploy(s) and _specialized(s)
     and s.get("OOBEInProgress") == 1, "finish",
     "IMAGE_STATE_UNDEPLOYABLE while OOBE was in progress (OOBEInProgress 1, specialize completed: "
     "ChildCompletion\\setup.exe 3): the phase that did not finish is OOBE itself, and windeploy runs it again "
     "at the next boot", None),
    ("specialize-unfinished", lambda s: s["ImageState"] == UNDEPLOYABLE and not _specialized(s), "refuse",
     "IMAGE_STATE_UNDEPLOYABLE read offline with the specialize pass unfinished (ChildCompletion\\setup.exe "
     "{ChildSetup}): \"the image did not finish a phase and will never be deployable\" (Learn, Windows Setup "
     "States); Windows shows \"could not complete the installation\" and an answer file cannot change that",
     "This disk cannot be recovered: " + RESTORE + "."),
    ("undeployable", lambda s: s["ImageState"] == UNDEPLOYABLE, "refuse",
     "IMAGE_STATE_UNDEPLOYABLE read offline with no OOBE pending (SetupType {SetupType}, OOBEInProgress "
     "{OOBEInProgress}): a Setup phase failed and the image \"will never be deployable\" (Learn, Windows Setup "
     "States)", "This disk cannot be recovered: " + RESTORE + "."),
    ("sealed-to-audit", lambda s: s["ImageState"] in TO_AUDIT, "refuse",
     "{ImageState}: Setup continues into audit mode, not OOBE (Learn, Windows Setup States); the VM signs in to "
     "audit mode by itself and an oobeSystem answer file is not read there",
     "Connect to the VM (it is in audit mode) and run `sysprep /oobe /generalize /shutdown`, or start the VM "
     "and finish audit mode as planned; the rescue path is not needed."),
    ("complete", lambda s: s["ImageState"] == COMPLETE and not (s.get("SetupType") or 0), "refuse",
     "IMAGE_STATE_COMPLETE and no Setup pending (SetupType 0): Windows on this disk already finished Setup and "
     "is not waiting at OOBE", "Run `az vm boot-fix diagnose` to see what the VM shows instead."),
    ("winlogon-changed", lambda s: not _windeploy(s), "refuse",
     "{ImageState} but Winlogon no longer starts windeploy (SetupType {SetupType}, CmdLine '{CmdLine}'): the "
     "Setup values were changed by hand, so OOBE would never read the answer file",
     "Put back CmdLine 'oobe\\windeploy.exe' and SetupType 2 under the disk's SYSTEM\\Setup (or restore the "
     "backup of the hive), then run the repair again."),
    ("complete-with-setup", lambda s: s["ImageState"] == COMPLETE, "refuse",
     "IMAGE_STATE_COMPLETE while Winlogon still starts windeploy (SetupType {SetupType}): a state Sysprep does not "
     "leave; finishing OOBE on it is not a documented path",
     "Compare with `az vm boot-fix diagnose`; " + RESTORE + "."),
)


class _Shown(dict):
    """A state as the reasons print it: a missing or empty value reads "(none)"."""

    def __getitem__(self, key):
        value = dict.get(self, key)
        return "(none)" if value is None else value


def decide(state):
    """{"row", "action", "why"} of the first matching row; raises :class:`Refused` for a refusing row."""
    for row_id, matches, action, why, recommendation in ROWS:
        if matches(state):
            text = why.format_map(_Shown(state, ChildSetup=state.get("setup.exe")))
            if action == "refuse":
                raise Refused("the copy's Windows cannot be finished by the rescue: " + text, recommendation)
            return {"row": row_id, "action": action, "why": text}
    raise Refused("the copy's Setup state matches no known row: {}".format(state),  # e.g. an unlisted ImageState
                  DIAGNOSE)


# -- locales and the answer file's registry value --------------------------------------------------------
def _name(lcid):
    text = (lcid or "").strip().lower()
    return LOCALE_NAMES.get(text[-4:]) if text else None


def locales(state):
    """The answer file's International-Core settings from the hives: UILanguage from Nls\\Language
    InstallLanguage, SystemLocale from Nls\\Locale, UserLocale from the default user's Control Panel\\International
    LocaleName, InputLocale from its first keyboard layout (``LCID:KLID``). A setting whose source is missing or
    unknown is left out (Windows then keeps the image's own); en-US is never assumed."""
    ui = _name(state.get("InstallLanguage"))
    system = _name(state.get("SystemLocaleId")) or ui
    user = state.get("LocaleName") or system
    preload = (state.get("Preload") or "").strip()
    if re.match(r"^[0-9A-Fa-f]{8}$", preload):
        keyboard = "{}:{}".format(preload[-4:], preload)
    else:
        keyboard = user
    return {k: v for k, v in (("InputLocale", keyboard), ("SystemLocale", system), ("UILanguage", ui),
                              ("UserLocale", user)) if v}


ANSWER_FILE_ON_BOOT = "C:\\Windows\\Panther\\Unattend.xml"


def unattend_value(state):
    """What to do with ``SYSTEM\\Setup\\UnattendFile``, the first place Setup looks for an answer file (Learn,
    "Windows Setup Automation Overview", implicit search order): absent -> leave it absent (Setup then finds the
    run's ``Windows\\Panther\\Unattend.xml``); pointing at that file already -> leave it; pointing elsewhere ->
    point it at the run's file (the old value is in the hive backup and in the step's output), because another
    answer file cannot be checked to create a usable administrator and would be read instead of ours."""
    current = (state.get("UnattendFile") or "").strip()
    if not current:
        return {"action": "absent", "before": None}
    normal = current.lower().replace("%windir%", "c:\\windows").replace("%systemroot%", "c:\\windows")
    if normal == ANSWER_FILE_ON_BOOT.lower():
        return {"action": "keep", "before": current}
    return {"action": "point", "before": current, "after": ANSWER_FILE_ON_BOOT}
