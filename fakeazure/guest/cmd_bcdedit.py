"""`bcdedit` for the Run Command interpreter (see bcd.py for the store model, bcd_enum.py for /enum's text)."""

from __future__ import annotations

from .bcd import (MSG_BAD_ELEMENT, MSG_BAD_VALUE, MSG_OK, TYPE_OSLOADER, WELL_KNOWN, BcdError)
from .bcd_enum import enumerate_store
from .disks import split_path

MSG_STORE_NO_FILE = ("The boot configuration data store could not be opened.\n"
                     "The system cannot find the file specified.")
MSG_STORE_NO_PATH = ("The boot configuration data store could not be opened.\n"
                     "The system cannot find the path specified.")
MSG_BAD_COMMAND = ("The {op} command specified is not valid.\n"
                   "Run \"bcdedit /?\" for command line assistance.\nThe parameter is incorrect.")
MSG_BAD_SYNTAX = "The parameter is incorrect."


def bcdedit(ctx, args: list[str], line: str) -> None:
    words = list(args)
    store_path = None
    if any(w.lower() == "/store" for w in words):
        at = [w.lower() for w in words].index("/store")
        if at + 1 >= len(words):
            ctx.error(MSG_BAD_SYNTAX)
            return
        store_path = words[at + 1]
        del words[at:at + 2]
    if store_path is not None:
        located = _open_store(ctx, store_path)
        if isinstance(located, str):
            ctx.error(located)
            return
        store, current, label = located
    else:
        store, current, label = ctx.guest.bcd, ctx.guest.bcd.default_loader() if ctx.guest.bcd else None, "system store"
        if store is None:
            ctx.error(MSG_STORE_NO_FILE)
            return
    if not words:
        words = ["/enum"]
    op, rest = words[0].lower(), words[1:]
    try:
        if op == "/enum":
            verbose = any(w.lower() == "/v" for w in rest)
            which = next((w for w in rest if w.lower() != "/v"), "active")
            ctx.print(enumerate_store(store, which, verbose, current, ctx.disks.device_text))
            ctx.ok()
            return
        if op == "/v" and (not rest or rest[0].lower() == "/enum"):
            which = rest[1] if len(rest) > 1 else "active"
            ctx.print(enumerate_store(store, which, True, current, ctx.disks.device_text))
            ctx.ok()
            return
        if op == "/set":
            if len(rest) < 3:
                raise BcdError(MSG_BAD_COMMAND.format(op="set"))
            guid = store.resolve(rest[0], current)
            store.set_named(guid, rest[1], " ".join(rest[2:]))
            _done(ctx, f"BCD {label}: {rest[0]} {rest[1].lower()} = {' '.join(rest[2:])}")
            return
        if op == "/deletevalue":
            if len(rest) < 2:
                raise BcdError(MSG_BAD_COMMAND.format(op="deletevalue"))
            guid = store.resolve(rest[0], current)
            store.delete_named(guid, rest[1])
            _done(ctx, f"BCD {label}: {rest[0]} {rest[1].lower()} deleted")
            return
        if op in ("/ems", "/bootems"):
            if len(rest) != 2:
                raise BcdError(MSG_BAD_COMMAND.format(op=op[1:]))
            guid = store.resolve(rest[0], current)
            state = rest[1].lower()
            if state not in ("on", "off"):
                raise BcdError(MSG_BAD_VALUE)
            if op == "/ems" and store.objects[guid]["type"] != TYPE_OSLOADER:
                raise BcdError(MSG_BAD_ELEMENT)
            code = 0x260000B0 if op == "/ems" else 0x16000020
            store.objects[guid]["elements"][code] = state == "on"
            _done(ctx, f"BCD {label}: {rest[0]} {op[1:]} {state.upper()}")
            return
        if op == "/emssettings":
            _emssettings(ctx, store, rest, label)
            return
        if op == "/default":
            if len(rest) != 1:
                raise BcdError(MSG_BAD_COMMAND.format(op="default"))
            guid = store.resolve(rest[0], current)
            store.objects[WELL_KNOWN["bootmgr"]]["elements"][0x23000003] = guid
            _done(ctx, f"BCD {label}: default = {{{guid}}}")
            return
        if op == "/timeout":
            if len(rest) != 1 or not rest[0].isdigit():
                raise BcdError(MSG_BAD_COMMAND.format(op="timeout"))
            store.objects[WELL_KNOWN["bootmgr"]]["elements"][0x25000004] = int(rest[0])
            _done(ctx, f"BCD {label}: timeout = {rest[0]}")
            return
    except BcdError as exc:
        ctx.error(str(exc))
        return
    ctx.unknown.append(line)
    ctx.exit_code = 1


def _emssettings(ctx, store, rest, label) -> None:
    ems = store.objects.get(WELL_KNOWN["emssettings"])
    if ems is None:
        raise BcdError(MSG_STORE_NO_FILE)
    if len(rest) == 1 and rest[0].upper() == "BIOS":
        ems["elements"].pop(0x15000022, None)
        ems["elements"].pop(0x15000023, None)
        _done(ctx, f"BCD {label}: emssettings BIOS")
        return
    updates = {}
    for word in rest:
        key, _, value = word.partition(":")
        key = key.upper()
        if key not in ("EMSPORT", "EMSBAUDRATE") or not value.isdigit():
            raise BcdError(MSG_BAD_COMMAND.format(op="emssettings"))
        updates[0x15000022 if key == "EMSPORT" else 0x15000023] = int(value)
    if 0x15000022 not in updates:
        raise BcdError(MSG_BAD_COMMAND.format(op="emssettings"))
    if updates[0x15000022] not in (1, 2, 3, 4):
        raise BcdError(MSG_BAD_VALUE)
    updates.setdefault(0x15000023, 9600)
    ems["elements"].update(updates)
    _done(ctx, f"BCD {label}: emssettings EMSPORT:{updates[0x15000022]} EMSBAUDRATE:{updates[0x15000023]}")


def _done(ctx, effect: str) -> None:
    ctx.print(MSG_OK)
    ctx.effects.append(effect)
    ctx.ok()


def _open_store(ctx, path: str):
    letter, rel = split_path(path)
    if letter is None:
        return MSG_STORE_NO_FILE
    located = ctx.disks.locate(letter)
    if located is None:
        return MSG_STORE_NO_PATH
    disk, part = located
    store = ctx.disks.bcd_at(disk, part, rel)
    if store is None:
        return MSG_STORE_NO_FILE
    current = store.default_loader() if disk.role == "os" else None
    return store, current, f"{letter}:\\{rel} (disk {disk.number})"
