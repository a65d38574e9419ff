"""The text ``bcdedit /enum [which] [/v]`` prints of a BCD store (bcd.py), section by section as bcdedit does.

Without /v the default loader shows as {default} (or {current} for the running system's own store) and the
well-known objects by name; with /v every identifier is its GUID. Each element shows under its bcdedit name,
its value in bcdedit's form (Yes/No, the enum's label, an object's identifier, one list item a line).
"""

from __future__ import annotations

from .bcd import (ELEMENTS, ENUMS, LOADER_RESUMEOBJECT, TYPE_BOOTMGR, TYPE_MEMDIAG, TYPE_OSLOADER, TYPE_RESUME,
                  WELL_KNOWN, data_kind)

NAME_OF_GUID = {guid: name for name, guid in WELL_KNOWN.items()}

SECTION_TITLES = {
    TYPE_BOOTMGR: "Windows Boot Manager",
    TYPE_OSLOADER: "Windows Boot Loader",
    TYPE_RESUME: "Resume from Hibernate",
    TYPE_MEMDIAG: "Windows Memory Tester",
}
INHERIT_TITLES = {
    "emssettings": "EMS Settings",
    "dbgsettings": "Debugger Settings",
    "badmemory": "RAM Defects",
    "globalsettings": "Global Settings",
    "bootloadersettings": "Boot Loader Settings",
    "hypervisorsettings": "Hypervisor Settings",
    "resumeloadersettings": "Resume Loader Settings",
}

NAME_OF_CODE = {}
for _name, (_code, _scope) in ELEMENTS.items():
    NAME_OF_CODE.setdefault(_code, _name)
NAME_OF_CODE[0x26000020] = "displaybootmenu"
NAME_OF_CODE[0x21000001] = "osdevice"
NAME_OF_CODE[0x22000002] = "systemroot"


def enumerate_store(store, which: str = "active", verbose: bool = False, current: str | None = None,
                    device_text=None) -> str:
    """Text of `bcdedit /enum [which] [/v]` for ``store`` (``device_text`` renders a device element)."""
    device_text = device_text or (lambda dev: "unknown")
    which = (which or "active").lower()
    if which in ("active", ""):
        order = [WELL_KNOWN["bootmgr"]] + list(store.get(WELL_KNOWN["bootmgr"], 0x24000001, []))
    elif which == "all":
        order = _all_order(store)
    elif which == "bootmgr":
        order = [WELL_KNOWN["bootmgr"]]
    elif which == "osloader":
        order = store.loaders()
    else:
        order = [store.resolve(which, current)]
    blocks = [_format_object(store, g, verbose, current, device_text) for g in order if g in store.objects]
    return "\n".join(blocks)


def _all_order(store) -> list[str]:
    rank = {TYPE_BOOTMGR: 0, TYPE_OSLOADER: 1, TYPE_RESUME: 2, TYPE_MEMDIAG: 3}
    return sorted(store.objects, key=lambda g: (rank.get(store.objects[g]["type"], 9),
                                                list(INHERIT_TITLES).index(NAME_OF_GUID[g])
                                                if NAME_OF_GUID.get(g) in INHERIT_TITLES else 0))


def _id_text(store, guid: str, verbose: bool, current: str | None) -> str:
    if verbose:
        return "{" + guid + "}"
    if guid == current:
        return "{current}"
    if guid == store.default_loader():
        return "{default}"
    if guid in NAME_OF_GUID:
        return "{" + NAME_OF_GUID[guid] + "}"
    return "{" + guid + "}"


def _format_object(store, guid: str, verbose: bool, current: str | None, device_text) -> str:
    obj = store.objects[guid]
    title = SECTION_TITLES.get(obj["type"]) or INHERIT_TITLES.get(NAME_OF_GUID.get(guid, ""), "Application")
    lines = [title, "-" * len(title)]

    def row(label, text):
        lines.append(f"{label:<24}{text}")

    row("identifier", _id_text(store, guid, verbose, current))
    for code, value in sorted(obj["elements"].items()):
        name = NAME_OF_CODE.get(code, f"custom:{code:08x}")
        if code == LOADER_RESUMEOBJECT:
            name = "resumeobject"
        if obj["type"] == TYPE_OSLOADER and code == 0x21000001:
            name = "osdevice"
        if obj["type"] != TYPE_OSLOADER and code in (0x21000001, 0x22000002):
            continue
        kind = data_kind(code)
        if kind == "device":
            text = device_text(value)
        elif kind == "boolean":
            text = "Yes" if value else "No"
        elif kind == "object":
            text = _id_text(store, value, verbose, current)
        elif kind == "objectlist":
            items = [_id_text(store, v, verbose, current) for v in value] or [""]
            row(name, items[0])
            for extra in items[1:]:
                lines.append(" " * 24 + extra)
            continue
        elif kind == "integer" and name in ENUMS and 0 <= int(value) < len(ENUMS[name]):
            text = ENUMS[name][int(value)]
        else:
            text = str(value)
        row(name, text)
    return "\n".join(lines) + "\n"
