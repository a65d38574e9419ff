"""`reg load|unload|add|query|delete` for the Run Command interpreter.

HKLM\\SYSTEM and HKLM\\SOFTWARE are the running guest's own hives
(CurrentControlSet is an alias of ControlSet001 there, and only there: an
offline SYSTEM hive has no CurrentControlSet).  `reg load HKLM\\<name> <file>`
mounts the SYSTEM or SOFTWARE hive of an attached disk; the mount is kept in
the running guest's session until `reg unload` or a reboot.
"""

from __future__ import annotations

from .disks import split_path
from .registry import ALL_TYPES, format_value, norm_key, parse_data

MSG_OK = "The operation completed successfully."
MSG_NOT_FOUND = "ERROR: The system was unable to find the specified registry key or value."
MSG_DENIED = "ERROR: Access is denied."
MSG_IN_USE = "ERROR: The process cannot access the file because it is being used by another process."
MSG_NO_FILE = "ERROR: The system cannot find the file specified."
MSG_NO_PATH = "ERROR: The system cannot find the path specified."
MSG_BAD_PARAM = "ERROR: The parameter is incorrect."


def _syntax(op: str) -> str:
    return f"ERROR: Invalid syntax.\nType \"REG {op.upper()} /?\" for usage."


def reg(ctx, args: list[str], line: str) -> None:
    if not args:
        ctx.error(_syntax(""))
        return
    op, rest = args[0].lower(), args[1:]
    handler = {"load": _load, "unload": _unload, "add": _add, "query": _query, "delete": _delete}.get(op)
    if handler is None:
        ctx.unknown.append(line)
        ctx.exit_code = 1
        return
    handler(ctx, rest, line)


def _mounts(ctx) -> dict:
    return ctx.guest.session.setdefault("hives", {})


def _split_root(key: str):
    """'HKLM\\BROKENSYSTEM\\Setup' -> ('BROKENSYSTEM', 'Setup'); None for other roots."""
    parts = [p for p in key.replace("/", "\\").split("\\") if p]
    if not parts or parts[0].upper() not in ("HKLM", "HKEY_LOCAL_MACHINE"):
        return None
    if len(parts) == 1:
        return "", ""
    return parts[1], "\\".join(parts[2:])


def _resolve(ctx, key: str):
    """(hive, path inside it, display root) for an HKLM key, or an error text."""
    split = _split_root(key)
    if split is None:
        return None
    mount, sub = split
    if mount.upper() in ("SYSTEM", "SOFTWARE"):
        hive = ctx.guest.hive(mount.upper())
        if mount.upper() == "SYSTEM" and sub.lower().split("\\")[0] == "currentcontrolset":
            sub = ctx.guest.control_set + sub[len("CurrentControlSet"):]
        return hive, sub, f"HKEY_LOCAL_MACHINE\\{mount.upper()}"
    entry = _mounts(ctx).get(mount.lower())
    if entry is None:
        return MSG_NOT_FOUND
    for disk in ctx.disks.disks:
        if disk.guest is not None and disk.guest.uid == entry["disk"]:
            return disk.guest.hive(entry["hive"]), sub, f"HKEY_LOCAL_MACHINE\\{entry['name']}"
    return MSG_NOT_FOUND        # the disk was detached


def _load(ctx, rest, line):
    if len(rest) != 2:
        ctx.error(_syntax("load"))
        return
    split = _split_root(rest[0])
    if split is None:
        ctx.unknown.append(line)
        ctx.exit_code = 1
        return
    mount, sub = split
    if not mount or sub:
        ctx.error(_syntax("load"))
        return
    if mount.upper() in ("SYSTEM", "SOFTWARE", "SAM", "SECURITY", "HARDWARE", "BCD00000000") \
            or mount.lower() in _mounts(ctx):
        ctx.error(MSG_DENIED)
        return
    letter, rel = split_path(rest[1])
    located = ctx.disks.locate(letter) if letter else None
    if located is None:
        ctx.error(MSG_NO_PATH if letter else MSG_NO_FILE)
        return
    disk, part = located
    hive_name = ctx.disks.hive_at(disk, part, rel)
    if hive_name is None:
        ctx.error(MSG_NO_FILE if part.read(rel) is None else
                  "ERROR: The configuration registry database is corrupt.")
        return
    if disk.role == "os" or any(m["disk"] == disk.guest.uid and m["hive"] == hive_name
                                for m in _mounts(ctx).values()):
        ctx.error(MSG_IN_USE)
        return
    _mounts(ctx)[mount.lower()] = {"name": mount, "disk": disk.guest.uid, "hive": hive_name}
    ctx.print(MSG_OK)
    ctx.effects.append(f"reg load HKLM\\{mount}: {hive_name} hive of disk {disk.number}")
    ctx.ok()


def _unload(ctx, rest, line):
    if len(rest) != 1:
        ctx.error(_syntax("unload"))
        return
    split = _split_root(rest[0])
    if split is None or not split[0] or split[1]:
        ctx.error(MSG_BAD_PARAM)
        return
    if _mounts(ctx).pop(split[0].lower(), None) is None:
        ctx.error(MSG_BAD_PARAM)
        return
    ctx.print(MSG_OK)
    ctx.effects.append(f"reg unload HKLM\\{split[0]}")
    ctx.ok()


def _options(rest):
    key = rest[0] if rest else None
    opts, i = {}, 1
    while i < len(rest):
        word = rest[i].lower()
        if word in ("/v", "/t", "/d", "/s", "/se") and i + 1 < len(rest) and word != "/s":
            opts[word] = rest[i + 1]
            i += 2
            continue
        if word == "/s" and i + 1 < len(rest) and len(rest[i + 1]) == 1 and not rest[i + 1].startswith("/"):
            opts["/sep"] = rest[i + 1]
            i += 2
            continue
        opts[word] = True
        i += 1
    return key, opts


def _parse_key(ctx, rest, line, op):
    """REG ADD/QUERY's options and where its key lives (see ``_resolve``); None once a problem is reported."""
    key, opts = _options(rest)
    if key is None:
        ctx.error(_syntax(op))
        return None
    resolved = _resolve(ctx, key)
    if resolved is None:
        ctx.unknown.append(line)
        ctx.exit_code = 1
        return None
    return opts, resolved


def _add(ctx, rest, line):
    parsed = _parse_key(ctx, rest, line, "add")
    if parsed is None:
        return
    opts, resolved = parsed
    if isinstance(resolved, str):
        ctx.error(MSG_DENIED)      # creating a new key directly under HKLM is refused
        return
    hive, sub, root = resolved
    if "/v" not in opts and "/ve" not in opts:
        hive.create_key(sub)
        _added(ctx, f"{root}\\{sub}".rstrip("\\") + " (key)")
        return
    name = "" if "/ve" in opts else opts["/v"]
    value_type = str(opts.get("/t", "REG_SZ")).upper()
    if value_type not in ALL_TYPES:
        ctx.error(_syntax("add"))
        return
    try:
        data = parse_data(value_type, opts.get("/d") if opts.get("/d") is not True else "",
                          opts.get("/sep", "\\0"))
    except ValueError:
        ctx.error("ERROR: Invalid syntax. Specify valid numeric value." if "DWORD" in value_type or
                  "QWORD" in value_type else _syntax("add"))
        return
    if hive.get_typed(sub, name) is not None and "/f" not in opts:
        ctx.print(f"Value {name or '(Default)'} exists, overwrite(Yes/No)? ")
        ctx.error("The operation was canceled by the user. (no console input under Run Command)")
        return
    hive.set(sub, name, value_type, data)
    _added(ctx, f"{root}\\{sub}\\{name or '(Default)'} = {format_value(value_type, data)} ({value_type})")


def _added(ctx, effect):
    ctx.print(MSG_OK)
    ctx.effects.append("reg add " + effect)
    ctx.ok()


def _query(ctx, rest, line):
    parsed = _parse_key(ctx, rest, line, "query")
    if parsed is None:
        return
    opts, resolved = parsed
    if isinstance(resolved, str) or not resolved[0].key_exists(resolved[1]):
        ctx.error(MSG_NOT_FOUND)
        return
    hive, sub, root = resolved
    want = "" if "/ve" in opts else opts.get("/v")
    paths = [sub] + (_descendants(hive, sub) if "/s" in opts else [])
    out, matches = [""], 0
    for path in paths:
        values = hive.values(path)
        if want is not None:
            values = [v for v in values if v[0].lower() == str(want).lower()]
            if not values:
                continue
        out.append(f"{root}\\{path}".rstrip("\\"))
        out += [f"    {name or '(Default)'}    {value_type}    {format_value(value_type, data)}"
                for name, value_type, data in values]
        out.append("")
        matches += len(values)
    if want is None and "/s" not in opts:
        out += [f"{root}\\{child}" for child in hive.subkeys(sub)]
    if want is not None and matches == 0:
        ctx.error(MSG_NOT_FOUND)
        return
    if "/s" in opts:
        out.append(f"End of search: {matches} match(es) found.")
    ctx.print("\n".join(out))
    ctx.ok()


def _descendants(hive, path):
    out = []
    for child in hive.subkeys(path):
        out.append(child)
        out.extend(_descendants(hive, child))
    return out


def _delete(ctx, rest, line):
    key, opts = _options(rest)
    resolved = _resolve(ctx, key) if key else MSG_NOT_FOUND
    if resolved is None:
        ctx.unknown.append(line)
        ctx.exit_code = 1
        return
    if isinstance(resolved, str):
        ctx.error(MSG_NOT_FOUND)
        return
    if "/f" not in opts:
        ctx.print(f"Permanently delete the registry {'value' if '/v' in opts else 'key'} {key} (Yes/No)? ")
        ctx.error("The operation was canceled by the user. (no console input under Run Command)")
        return
    hive, sub, root = resolved
    if "/v" in opts or "/ve" in opts:
        name = "" if "/ve" in opts else opts["/v"]
        if not hive.delete_value(sub, name):
            ctx.error(MSG_NOT_FOUND)
            return
        effect = f"reg delete {root}\\{sub}\\{name}"
    else:
        if not sub or not hive.delete_key(norm_key(sub)):
            ctx.error(MSG_NOT_FOUND)
            return
        effect = f"reg delete {root}\\{sub}"
    ctx.print(MSG_OK)
    ctx.effects.append(effect)
    ctx.ok()
