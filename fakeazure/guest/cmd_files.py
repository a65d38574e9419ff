"""Files on the guest's disks for the Run Command interpreter: the cmd/PowerShell file commands (Set-Content,
Get-Content, Copy-Item, Remove-Item, Test-Path and their cmd names) and the parameter reading they share.

A path is ``X:\\...`` on a drive letter of an online partition (disks.py); a relative path is taken from the
Run Command handler's download folder on C:, where the script runs. The BCD store and the registry hives are
special files: in use by Windows while the system runs (or a hive is loaded), so they cannot be written or
removed then; a copy of them carries their content, and a copy of an offline hive or BCD can be put back.
:mod:`.commands` dispatches to these; :mod:`.ps_cmdlets` runs them for the PowerShell engine.
"""

from __future__ import annotations

import json

from .disks import split_path

RUN_COMMAND_DIR = "Packages\\Plugins\\Microsoft.CPlat.Core.RunCommandWindows\\Downloads"
_BCD_COPY, _HIVE_COPY = "\x00BCD:", "\x00HIVE:"


# --- parameters ------------------------------------------------------------------

def params(args: list[str]) -> dict:
    """``-Name value`` pairs (lower-case names; a switch is True) and the positional words in ``_positional``."""
    found, i = {}, 0
    positional = []
    while i < len(args):
        word = args[i]
        if word.startswith("-") and len(word) > 1 and not word[1:].isdigit():
            key, _, inline = word[1:].partition(":")
            key = key.lower()
            if inline:
                found[key] = inline
            elif i + 1 < len(args) and not (args[i + 1].startswith("-") and len(args[i + 1]) > 1
                                            and not args[i + 1][1:].isdigit()):
                found[key] = args[i + 1]
                i += 1
            else:
                found[key] = True
        else:
            positional.append(word)
        i += 1
    found["_positional"] = positional
    return found


def param(args, *names, positional=None):
    """The first of ``names`` given, else the positional word at ``positional``, else None."""
    given = params(args)
    for name in names:
        if name in given:
            return given[name]
    if positional is not None and len(given["_positional"]) > positional:
        return given["_positional"][positional]
    return None


# --- where a path is -----------------------------------------------------------------

def locate(ctx, path: str):
    """(disk, partition, relative path) or an error string naming the problem."""
    letter, rel = split_path(path)
    if letter is None:
        letter, rel = "C", RUN_COMMAND_DIR + "\\" + rel
    located = ctx.disks.locate(letter)
    if located is None:
        return f"Cannot find drive. A drive with the name '{letter}' does not exist."
    disk, part = located
    return disk, part, rel


def _located(ctx, path: str, cmdlet: str | None = None):
    """:func:`locate`'s answer, or None once its error is printed (after ``<cmdlet> : `` when one is named)."""
    located = locate(ctx, path)
    if isinstance(located, str):
        ctx.error(f"{cmdlet} : {located}" if cmdlet else located)
        return None
    return located


def _special(ctx, disk, part, rel):
    if ctx.disks.bcd_at(disk, part, rel) is not None:
        return "bcd"
    if ctx.disks.hive_at(disk, part, rel) is not None:
        return "hive"
    return None


def exists(ctx, path: str) -> bool:
    located = locate(ctx, path)
    if isinstance(located, str):
        return False
    disk, part, rel = located
    return _special(ctx, disk, part, rel) is not None or part.read(rel) is not None or part.dir_exists(rel)


# --- read, write, copy, remove -------------------------------------------------------

def read_for(ctx, args):
    """Get-Content's text of the path in ``args`` (a hive or the BCD reads as its binary header), or None."""
    path = param(args, "path", "literalpath", positional=0)
    located = _located(ctx, path or "", "Get-Content")
    if located is None:
        return None
    disk, part, rel = located
    if _special(ctx, disk, part, rel):
        return "regf"      # binary hive files
    text = part.read(rel)
    if text is None:
        ctx.error(f"Get-Content : Cannot find path '{path}' because it does not exist.")
        return None
    return text


def write_file(ctx, path: str, text: str, append: bool = False, cmdlet: str = "Set-Content") -> None:
    located = _located(ctx, path, cmdlet)
    if located is None:
        return
    disk, part, rel = located
    if disk.state.get("readonly"):
        ctx.error(f"{cmdlet} : The media is write protected.")
        return
    if _special(ctx, disk, part, rel):
        ctx.error(f"{cmdlet} : The process cannot access the file '{path}' because it is being used by "
                  f"another process.")
        return
    if append:
        text = (part.read(rel) or "") + text
    part.write(rel, text)
    ctx.effects.append(f"wrote {path} ({len(text)} chars) on disk {disk.number}")
    ctx.ok()


def file_cmdlet(ctx, base, args, line) -> None:
    """Set-Content, Add-Content, Out-File, New-Item as cmd-mode words (``base`` lower-case)."""
    given = params(args)
    path = given.get("path") or given.get("filepath") or given.get("literalpath") or \
        (given["_positional"][0] if given["_positional"] else None)
    if base in ("new-item", "ni"):
        if str(given.get("itemtype", "file")).lower() == "directory":
            ctx.ok()
            return
        value = given.get("value", "")
    else:
        value = given.get("value") if base != "out-file" else given.get("inputobject")
        if value is None and len(given["_positional"]) > 1:
            value = given["_positional"][1]
    if path is None or value is None:
        ctx.unknown.append(line)
        return
    text = value if isinstance(value, str) else str(value)
    write_file(ctx, path, text if text.endswith("\n") or base == "new-item" else text + "\n",
               append=base == "add-content" or "append" in given, cmdlet=base.title())


def copy_file(ctx, args) -> None:
    """Copy-Item / copy: a file, or a copy of the BCD or a hive (its content carried), or one put back."""
    given = params(args)
    positional = [a for a in given["_positional"] if not a.startswith("/")]
    src = given.get("path") or (positional[0] if positional else None)
    dst = given.get("destination") or (positional[1] if len(positional) > 1 else None)
    if not src or not dst:
        ctx.error("The syntax of the command is incorrect.")
        return
    located = _located(ctx, src)
    if located is None:
        return
    disk, part, rel = located
    special = _special(ctx, disk, part, rel)
    if special == "bcd":
        text = _BCD_COPY + json.dumps(ctx.disks.bcd_at(disk, part, rel).to_dict())
    elif special == "hive":
        name = ctx.disks.hive_at(disk, part, rel)
        text = _HIVE_COPY + json.dumps({"name": name, "data": disk.guest.hive(name).to_dict()})
    else:
        text = part.read(rel)
    if text is None:
        ctx.error("The system cannot find the file specified." if ctx.shell == "cmd" else
                  f"Copy-Item : Cannot find path '{src}' because it does not exist.")
        return
    target = _located(ctx, dst)
    if target is None:
        return
    tdisk, tpart, trel = target
    if tpart.dir_exists(trel) and not tpart.read(trel):
        trel = trel.rstrip("\\") + "\\" + rel.rsplit("\\", 1)[-1]
    if ctx.disks.bcd_at(tdisk, tpart, trel) is not None and text.startswith(_BCD_COPY):
        from .bcd import BcdStore
        tdisk.guest.bcd = BcdStore.from_dict(json.loads(text[len(_BCD_COPY):]))
        ctx.effects.append(f"restored BCD {dst} from {src}")
    elif _hive_restorable(ctx, tdisk, tpart, trel, text):
        # an offline hive that is not loaded is a plain file: a copy of it can be put back (a backup restored)
        from .registry import Hive
        name = ctx.disks.hive_at(tdisk, tpart, trel)
        saved = json.loads(text[len(_HIVE_COPY):])
        restored = Hive.from_dict(name, saved["data"])
        setattr(tdisk.guest, {"SYSTEM": "system_hive", "SOFTWARE": "software_hive", "DEFAULT": "default_hive"}[name],
                restored)
        ctx.effects.append(f"restored hive {dst} from {src}")
    elif _special(ctx, tdisk, tpart, trel):
        ctx.error("The process cannot access the file because it is being used by another process.")
        return
    else:
        tpart.write(trel, text)
        ctx.effects.append(f"copied {src} -> {dst}")
    if ctx.shell == "cmd":
        ctx.print("        1 file(s) copied.")
    ctx.ok()


def _hive_restorable(ctx, disk, part, rel, text) -> bool:
    """A hive file of an attached disk, not loaded with `reg load`, overwritten with a copy of a hive of that
    same name (Windows refuses only while the hive is in use: loaded, or the running system's own)."""
    name = ctx.disks.hive_at(disk, part, rel)
    if name is None or disk.role == "os" or not (text or "").startswith(_HIVE_COPY):
        return False
    if json.loads(text[len(_HIVE_COPY):]).get("name") != name:
        return False
    mounts = ctx.guest.session.get("hives") or {}
    return not any(m["disk"] == disk.guest.uid and m["hive"] == name for m in mounts.values())


def remove_file(ctx, args, line) -> None:
    """Remove-Item / del: a file, or an attached disk's BCD store (the running system's own is in use)."""
    path = param(args, "path", "literalpath", positional=0)
    located = _located(ctx, path or "")
    if located is None:
        return
    disk, part, rel = located
    special = _special(ctx, disk, part, rel)
    if special == "bcd" and disk.role != "os":
        disk.guest.bcd = None
        ctx.effects.append(f"deleted BCD store {path}")
        ctx.ok()
        return
    if special:
        ctx.error(f"Remove-Item : Cannot remove item {path}: The process cannot access the file because it "
                  f"is being used by another process.")
        return
    if not part.delete(rel):
        ctx.error(f"Remove-Item : Cannot find path '{path}' because it does not exist.")
        return
    ctx.effects.append(f"deleted {path}")
    ctx.ok()
