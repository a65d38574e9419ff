"""The Boot Configuration Data store, as objects and elements with real type codes.

A BCD store is a set of objects keyed by GUID, each with a type
(0x10100002 boot manager, 0x10200003 OS loader, ...) and elements keyed by
their 32-bit element type (oobe-domain.md section 2d).  The element type's
format nibble (bits 24-27) gives the data kind: 1 device, 2 string, 3 object,
4 object list, 5 integer, 6 boolean.  `bcdedit` option names map to element
types per object kind through ELEMENTS.

Where the store lives: Gen1 (BIOS) on the System Reserved partition at
\\Boot\\BCD, Gen2 (UEFI) on the EFI system partition at \\EFI\\Microsoft\\Boot\\BCD.
Devices are stored as {"kind": "partition", "disk": <disk signature>,
"partition": <number>} so that a disk whose signature Windows rewrote (clone
collision) no longer resolves, as on real Windows.

Knowingly left out: the hive encoding itself (REG_BINARY device blobs), the
firmware boot manager {fwbootmgr}, recovery (WinRE) entries, /copy /create
/delete, integer lists.  The text `bcdedit /enum` prints of a store is bcd_enum.py's.
"""

from __future__ import annotations

import copy
import uuid

WELL_KNOWN = {
    "bootmgr": "9dea862c-5cdd-4e70-acc1-f32b344d4795",
    "emssettings": "0ce4991b-e6b3-4b16-b23c-5e0d9250e5d9",
    "globalsettings": "7ea2e1ac-2e61-4728-aaa3-896d9d0a9f0e",
    "bootloadersettings": "6efb52bf-1766-41db-a6b3-0ee5eff72bd7",
    "dbgsettings": "4636856e-540f-4170-a130-a84776f4c654",
    "badmemory": "5189b25c-5558-4bf2-bca4-289b11bd29e2",
    "hypervisorsettings": "7ff607e0-4395-11db-b0de-0800200c9a66",
    "resumeloadersettings": "1afa9c49-16ab-4a5c-901b-212802da9460",
    "memdiag": "b2721d73-1db4-4c62-bf78-c548a880142d",
}

TYPE_BOOTMGR = 0x10100002
TYPE_OSLOADER = 0x10200003
TYPE_RESUME = 0x10200004
TYPE_MEMDIAG = 0x10200005
TYPE_INHERIT_LIB = 0x20100000
TYPE_INHERIT_OSLOADER = 0x20200003
TYPE_INHERIT_RESUME = 0x20200004

# bcdedit name -> (element type, which objects it applies to: "any" | "bootmgr" | "osloader")
ELEMENTS = {
    "device": (0x11000001, "any"),
    "path": (0x12000002, "any"),
    "description": (0x12000004, "any"),
    "locale": (0x12000005, "any"),
    "inherit": (0x14000006, "any"),
    "recoverysequence": (0x14000008, "any"),
    "recoveryenabled": (0x16000009, "any"),
    "bootdebug": (0x16000010, "any"),
    "bootems": (0x16000020, "any"),
    "emsport": (0x15000022, "any"),
    "emsbaudrate": (0x15000023, "any"),
    "graphicsmodedisabled": (0x16000046, "any"),
    "nointegritychecks": (0x16000048, "any"),
    "testsigning": (0x16000049, "any"),
    "isolatedcontext": (0x16000060, "any"),
    "displayorder": (0x24000001, "bootmgr"),
    "bootsequence": (0x24000002, "bootmgr"),
    "default": (0x23000003, "bootmgr"),
    "timeout": (0x25000004, "bootmgr"),
    "resumeobject": (0x23000006, "bootmgr"),
    "toolsdisplayorder": (0x24000010, "bootmgr"),
    "displaybootmenu": (0x26000020, "bootmgr"),
    "noerrordisplay": (0x26000021, "bootmgr"),
    "osdevice": (0x21000001, "osloader"),
    "systemroot": (0x22000002, "osloader"),
    "nx": (0x25000020, "osloader"),
    "pae": (0x25000021, "osloader"),
    "safeboot": (0x25000080, "osloader"),
    "safebootalternateshell": (0x26000081, "osloader"),
    "bootlog": (0x26000090, "osloader"),
    "sos": (0x26000091, "osloader"),
    "debug": (0x260000A0, "osloader"),
    "ems": (0x260000B0, "osloader"),
    "quietboot": (0x260000C1, "osloader"),
    "bootmenupolicy": (0x250000C2, "osloader"),
    "bootstatuspolicy": (0x250000E0, "osloader"),
    "hypervisorlaunchtype": (0x250000F0, "osloader"),
}
# Resume object element 0x23000042 is shown as "resumeobject" on loaders.
LOADER_RESUMEOBJECT = 0x23000042

ENUMS = {
    "nx": ["OptIn", "OptOut", "AlwaysOff", "AlwaysOn"],
    "bootmenupolicy": ["Legacy", "Standard"],
    "bootstatuspolicy": ["DisplayAllFailures", "IgnoreAllFailures", "IgnoreShutdownFailures",
                         "IgnoreBootFailures", "IgnoreCheckpointFailures",
                         "DisplayShutdownFailures", "DisplayBootFailures", "DisplayCheckpointFailures"],
    "hypervisorlaunchtype": ["Off", "Auto"],
    "safeboot": ["Minimal", "Network", "DsRepair"],
}

# bcdedit message texts
MSG_OK = "The operation completed successfully."
MSG_BAD_ELEMENT = ("The element data type specified is not recognized, or does not apply to the\n"
                   "specified entry.\nRun \"bcdedit /?\" for command line assistance.\n"
                   "The parameter is incorrect.")
MSG_BAD_VALUE = ("The element data is not valid for the specified element type.\n"
                 "Run \"bcdedit /?\" for command line assistance.\nThe parameter is incorrect.")
MSG_NO_ENTRY = ("An error occurred while attempting to reference the specified entry.\n"
                "The system cannot find the file specified.")
MSG_BAD_ID = ("The entry identifier specified is not valid.\n"
              "Run \"bcdedit /?\" for command line assistance.\nThe parameter is incorrect.")


def data_kind(code: int) -> str:
    return {1: "device", 2: "string", 3: "object", 4: "objectlist", 5: "integer", 6: "boolean"}.get(
        (code >> 24) & 0xF, "unknown")


def object_kind(object_type: int) -> str:
    if object_type == TYPE_BOOTMGR:
        return "bootmgr"
    if object_type in (TYPE_OSLOADER, TYPE_INHERIT_OSLOADER):
        return "osloader"
    return "other"


class BcdError(Exception):
    """Carries the text bcdedit prints for a failed operation."""


class BcdStore:
    """A BCD store: {guid: {"type": int, "elements": {int: value}}}."""

    def __init__(self, objects: dict | None = None):
        self.objects: dict[str, dict] = objects or {}

    # --- identifiers ------------------------------------------------------
    def resolve(self, identifier: str, current: str | None = None) -> str:
        """Turn "{bootmgr}", "{default}", "{current}" or "{guid}" into a GUID in this store."""
        text = identifier.strip().strip("'\"").lower()
        if not (text.startswith("{") and text.endswith("}")):
            raise BcdError(MSG_BAD_ID)
        inner = text[1:-1]
        if inner == "default":
            guid = self.default_loader()
        elif inner == "current":
            guid = current
        elif inner in WELL_KNOWN:
            guid = WELL_KNOWN[inner]
        else:
            try:
                guid = str(uuid.UUID(inner))
            except ValueError:
                raise BcdError(MSG_BAD_ID) from None
        if guid is None or guid not in self.objects:
            raise BcdError(MSG_NO_ENTRY)
        return guid

    def default_loader(self) -> str | None:
        bootmgr = self.objects.get(WELL_KNOWN["bootmgr"])
        if not bootmgr:
            return None
        return bootmgr["elements"].get(0x23000003)

    def loaders(self) -> list[str]:
        return [g for g, o in self.objects.items() if o["type"] == TYPE_OSLOADER]

    # --- element access ---------------------------------------------------
    def get(self, guid: str, code: int, default=None):
        obj = self.objects.get(guid)
        return default if obj is None else obj["elements"].get(code, default)

    def effective(self, guid: str, code: int, default=None, _seen=None):
        """Element value following `inherit` lists, as the boot applications read it."""
        seen = _seen or set()
        if guid in seen or guid not in self.objects:
            return default
        seen.add(guid)
        elements = self.objects[guid]["elements"]
        if code in elements:
            return elements[code]
        for parent in elements.get(0x14000006, []):
            value = self.effective(parent, code, None, seen)
            if value is not None:
                return value
        return default

    def set_named(self, guid: str, name: str, raw_value: str) -> None:
        """`bcdedit /set <id> <name> <value>`: validates like bcdedit, raises BcdError."""
        name = name.lower()
        if name not in ELEMENTS:
            raise BcdError(MSG_BAD_ELEMENT)
        code, scope = ELEMENTS[name]
        kind = object_kind(self.objects[guid]["type"])
        if scope != "any" and scope != kind:
            raise BcdError(MSG_BAD_ELEMENT)
        self.objects[guid]["elements"][code] = self._parse(name, code, raw_value)

    def delete_named(self, guid: str, name: str) -> None:
        name = name.lower()
        if name not in ELEMENTS:
            raise BcdError(MSG_BAD_ELEMENT)
        code, _ = ELEMENTS[name]
        if code not in self.objects[guid]["elements"]:
            raise BcdError("An error has occurred setting the element data.\nElement not found.")
        del self.objects[guid]["elements"][code]

    def _parse(self, name: str, code: int, raw: str):
        kind = data_kind(code)
        text = raw.strip().strip("'\"")
        if kind == "boolean":
            low = text.lower()
            if low in ("yes", "on", "true", "1"):
                return True
            if low in ("no", "off", "false", "0"):
                return False
            raise BcdError(MSG_BAD_VALUE)
        if kind == "integer":
            if name in ENUMS:
                for i, label in enumerate(ENUMS[name]):
                    if label.lower() == text.lower():
                        return i
                raise BcdError(MSG_BAD_VALUE)
            try:
                return int(text, 0)
            except ValueError:
                raise BcdError(MSG_BAD_VALUE) from None
        if kind == "object":
            return self.resolve(text)
        if kind == "objectlist":
            return [self.resolve(part) for part in text.split()]
        if kind == "device":
            raise BcdError(MSG_BAD_VALUE)  # device syntax (partition=X:) needs the disk view; not modelled
        return text

    # --- serialisation ----------------------------------------------------
    def to_dict(self) -> dict:
        return {guid: {"type": f"0x{obj['type']:08x}",
                       "elements": {f"0x{code:08x}": copy.deepcopy(v) for code, v in obj["elements"].items()}}
                for guid, obj in self.objects.items()}

    @classmethod
    def from_dict(cls, data: dict) -> "BcdStore":
        objects = {}
        for guid, obj in data.items():
            objects[guid.lower().strip("{}")] = {
                "type": int(obj["type"], 16) if isinstance(obj["type"], str) else int(obj["type"]),
                "elements": {int(code, 16) if isinstance(code, str) else int(code): copy.deepcopy(v)
                             for code, v in obj["elements"].items()},
            }
        return cls(objects)


def new_store(generation: str, description: str, disk_signature: str, system_partition: int,
              windows_partition: int, loader_guid: str, resume_guid: str, ems: bool = False) -> BcdStore:
    """The BCD that Windows Setup leaves on an Azure Windows image."""
    efi = generation == "V2"
    winload = "\\Windows\\system32\\winload.efi" if efi else "\\Windows\\system32\\winload.exe"
    winresume = "\\Windows\\system32\\winresume.efi" if efi else "\\Windows\\system32\\winresume.exe"
    sys_dev = {"kind": "partition", "disk": disk_signature, "partition": system_partition}
    win_dev = {"kind": "partition", "disk": disk_signature, "partition": windows_partition}
    W = WELL_KNOWN
    objects = {
        W["bootmgr"]: {"type": TYPE_BOOTMGR, "elements": {
            0x11000001: sys_dev,
            **({0x12000002: "\\EFI\\Microsoft\\Boot\\bootmgfw.efi"} if efi else {}),
            0x12000004: "Windows Boot Manager",
            0x12000005: "en-US",
            0x14000006: [W["globalsettings"]],
            0x23000003: loader_guid,
            0x23000006: resume_guid,
            0x24000001: [loader_guid],
            0x24000010: [W["memdiag"]],
            0x25000004: 30,
            **({0x16000020: True} if ems else {}),
        }},
        loader_guid: {"type": TYPE_OSLOADER, "elements": {
            0x11000001: win_dev,
            0x12000002: winload,
            0x12000004: description,
            0x12000005: "en-US",
            0x14000006: [W["bootloadersettings"]],
            0x16000009: False,
            0x16000060: True,
            0x21000001: win_dev,
            0x22000002: "\\Windows",
            LOADER_RESUMEOBJECT: resume_guid,
            0x25000020: 0,
            0x250000C2: 1,
            0x250000E0: 1,
            **({0x260000B0: True} if ems else {}),
        }},
        resume_guid: {"type": TYPE_RESUME, "elements": {
            0x11000001: win_dev,
            0x12000002: winresume,
            0x12000004: "Windows Resume Application",
            0x12000005: "en-US",
            0x14000006: [W["resumeloadersettings"]],
            0x16000060: True,
        }},
        W["memdiag"]: {"type": TYPE_MEMDIAG, "elements": {
            0x11000001: sys_dev,
            0x12000002: "\\EFI\\Microsoft\\Boot\\memtest.efi" if efi else "\\boot\\memtest.exe",
            0x12000004: "Windows Memory Diagnostic",
            0x12000005: "en-US",
            0x14000006: [W["globalsettings"]],
            0x16000060: True,
        }},
        W["emssettings"]: {"type": TYPE_INHERIT_LIB, "elements": {
            0x16000020: bool(ems),
            **({0x15000022: 1, 0x15000023: 115200} if ems else {}),
        }},
        W["dbgsettings"]: {"type": TYPE_INHERIT_LIB, "elements": {}},
        W["badmemory"]: {"type": TYPE_INHERIT_LIB, "elements": {}},
        W["globalsettings"]: {"type": TYPE_INHERIT_LIB, "elements": {
            0x14000006: [W["dbgsettings"], W["emssettings"], W["badmemory"]],
        }},
        W["bootloadersettings"]: {"type": TYPE_INHERIT_OSLOADER, "elements": {
            0x14000006: [W["globalsettings"], W["hypervisorsettings"]],
        }},
        W["hypervisorsettings"]: {"type": TYPE_INHERIT_OSLOADER, "elements": {}},
        W["resumeloadersettings"]: {"type": TYPE_INHERIT_RESUME, "elements": {
            0x14000006: [W["globalsettings"]],
        }},
    }
    return BcdStore(objects)


def ems_state(store: BcdStore) -> dict:
    """What the boot applications will do with the serial port, read from the store."""
    bootmgr = WELL_KNOWN["bootmgr"]
    loader = store.default_loader()
    port = store.effective(WELL_KNOWN["emssettings"], 0x15000022)
    baud = store.effective(WELL_KNOWN["emssettings"], 0x15000023, 9600)
    return {
        "loader": loader,
        "loader_ems": bool(loader and store.get(loader, 0x260000B0, False)),
        "bootmgr_ems": bool(store.get(bootmgr, 0x16000020, False)),
        "displaybootmenu": bool(store.get(bootmgr, 0x26000020, False)),
        "timeout": store.get(bootmgr, 0x25000004, 30),
        "port": port,
        "baud": baud,
    }
