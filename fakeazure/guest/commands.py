"""Dispatching one logical script line: assignments, pipelines, redirection, commands.

Native tools live in cmd_bcdedit / cmd_reg / cmd_storage; this module holds
the small PowerShell/cmd surface (variables, echo, file cmdlets, net user).
"""

from __future__ import annotations

import json
import re

from . import cmd_bcdedit, cmd_reg, cmd_storage
from .disks import split_path
from .script import CONTROL_WORDS, ScriptExit, expand, expand_words, logical_lines, split_outside_quotes

PASS_THROUGH = ("out-null", "out-string", "format-table", "format-list", "ft", "fl", "write-output",
                "select-object", "out-host")
RUN_COMMAND_DIR = "Packages\\Plugins\\Microsoft.CPlat.Core.RunCommandWindows\\Downloads"
_ASSIGN = re.compile(r"^\$([A-Za-z_][\w:]*)\s*=(?!=)\s*(.*)$", re.S)


def execute_line(ctx, line: str) -> None:
    first = line.split(None, 1)[0].lower().rstrip("(")
    if first in CONTROL_WORDS or first.startswith("}") or first.startswith("{") or first.startswith("foreach("):
        ctx.unknown.append(line)
        return
    if ctx.shell == "powershell":
        assigned = _ASSIGN.match(line)
        if assigned:
            _assign(ctx, assigned.group(1).lower(), assigned.group(2).strip())
            return
    line, target, append = _redirection(line)
    if target is not None:
        saved, ctx.out = ctx.out, []
        _pipeline(ctx, line)
        text, ctx.out = "\n".join(ctx.out), saved
        _write_file(ctx, target, text + "\n", append=append, cmdlet="Out-File")
        return
    _pipeline(ctx, line)


def _assign(ctx, name: str, rhs: str) -> None:
    value = data_value(ctx, rhs)
    if value is None and rhs.lower() not in ("$null",):
        saved, ctx.out = ctx.out, []
        _pipeline(ctx, rhs)
        value, ctx.out = "\n".join(ctx.out), saved
    ctx.variables[name] = value


def data_value(ctx, text: str):
    """The value of a data expression (string, here-string, number, array, variable), or None."""
    text = text.strip()
    if text in ctx.strings:
        return ctx.strings[text]
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text.lower() in ("$true", "$false", "$null"):
        return {"$true": True, "$false": False, "$null": None}[text.lower()]
    if text.startswith("@(") and text.endswith(")"):
        text = text[2:-1]
    items = [p.strip() for p in split_outside_quotes(text, ",")]
    values = []
    for item in items:
        if item in ctx.strings:
            values.append(ctx.strings[item])
        elif len(item) >= 2 and item[0] == item[-1] and item[0] in "'\"":
            values.append(expand_words(item, ctx)[0] if item[0] == '"' else item[1:-1])
        elif re.fullmatch(r"\$[A-Za-z_][\w:]*", item):
            values.append(ctx.variables.get(item[1:].lower()))
        else:
            return None
    return values[0] if len(values) == 1 else values


def _redirection(line: str):
    """Split off `> file` / `>> file` (and drop 2>&1, 2>$null)."""
    line = re.sub(r"\s2>&1|\s2>\s*\$null|\s2>nul", "", line, flags=re.I)
    parts = split_outside_quotes(line, ">")
    if len(parts) == 1:
        return line, None, False
    append = len(parts) > 2 and parts[1] == ""
    target = parts[-1].strip().strip('"')
    return parts[0].rstrip(), target, append


def _pipeline(ctx, line: str) -> None:
    segments = [s.strip() for s in split_outside_quotes(line, "|")]
    suppress = False
    while len(segments) > 1 and segments[-1].split(None, 1)[0].lower() in PASS_THROUGH:
        suppress = suppress or segments[-1].lower().startswith("out-null")
        segments.pop()
    saved = ctx.out
    if suppress:
        ctx.out = []
    try:
        if len(segments) == 1:
            run_command(ctx, segments[0], segments[0])
        else:
            _multi(ctx, segments, line)
    finally:
        if suppress:
            ctx.out = saved


def _multi(ctx, segments, line) -> None:
    head = segments[0].split(None, 1)[0].lower()
    sink = segments[-1].split(None, 1)[0].lower()
    source = data_value(ctx, segments[0])
    if source is None and head in ("get-content", "gc", "cat", "type"):
        source = _read_for(ctx, expand_words(segments[0], ctx)[1:])
        if source is None:
            return
    if source is None and head in ("echo", "write-output") and ctx.shell == "cmd":
        source = segments[0].split(None, 1)[1] if " " in segments[0] else ""
    if source is not None and len(segments) == 2:
        lines = source if isinstance(source, list) else str(source).splitlines()
        if sink == "diskpart":
            cmd_storage.diskpart(ctx, [str(x) for x in lines])
            return
        if sink in ("set-content", "out-file", "add-content", "tee-object"):
            words = expand_words(segments[1], ctx)
            path = _param(words[1:], "path", "filepath", "literalpath", positional=0)
            if path is None:
                ctx.error(f"{words[0]} : Cannot bind argument to parameter 'Path' because it is null.")
                return
            text = "\n".join(str(x) for x in lines) + "\n"
            _write_file(ctx, path, text, append=sink == "add-content" or "-append" in [w.lower() for w in words],
                        cmdlet=words[0])
            return
    ctx.unknown.append(line)


def run_command(ctx, segment: str, line: str) -> None:
    words = expand_words(segment, ctx)
    if not words:
        return
    name = words[0]
    if name == "&" and len(words) > 1:
        words = words[1:]
        name = words[0]
    base = name.replace("/", "\\").rsplit("\\", 1)[-1].lower()
    if base.endswith(".exe"):
        base = base[:-4]
    args = words[1:]
    if base == "bcdedit":
        cmd_bcdedit.bcdedit(ctx, args, line)
    elif base == "reg":
        cmd_reg.reg(ctx, args, line)
    elif base == "diskpart":
        _diskpart_file(ctx, args, line)
    elif base == "cmd" and args and args[0].lower() in ("/c", "/k"):
        shell, ctx.shell = ctx.shell, "cmd"
        try:
            for inner in logical_lines(" ".join(args[1:]), "cmd", ctx):
                execute_line(ctx, inner)
        finally:
            ctx.shell = shell
    elif base in ("echo", "write-output", "write-host", "write", "write-verbose", "write-information"):
        text = " ".join(a for a in args if not a.lower().startswith("-foregroundcolor"))
        if ctx.shell == "cmd":      # cmd's echo prints the rest of the line as written
            text = expand(segment.split(None, 1)[1], ctx) if " " in segment.strip() else "ECHO is on."
        ctx.print(text)
        ctx.ok()
    elif base in ("set-content", "add-content", "out-file", "new-item", "ni"):
        _file_cmdlet(ctx, base, args, line)
    elif base in ("get-content", "gc", "cat", "type"):
        text = _read_for(ctx, args)
        if text is not None:
            ctx.print(text.rstrip("\n"))
            ctx.ok()
    elif base in ("copy-item", "copy", "cp"):
        _copy(ctx, args)
    elif base in ("remove-item", "del", "erase", "rm", "ri"):
        _remove(ctx, args, line)
    elif base == "test-path":
        path = _param(args, "path", "literalpath", positional=0)
        ctx.print("True" if path and _exists(ctx, path) else "False")
        ctx.ok()
    elif base in ("mkdir", "md"):
        ctx.ok()
    elif base == "net":
        _net(ctx, args, line)
    elif base == "timeout" and len(args) >= 2 and args[0].lower() == "/t" and args[1].lstrip("-").isdigit():
        ctx.seconds += max(0, int(args[1]))  # the script's run time grows
        ctx.ok()
    elif base in ("start-sleep", "sleep", "timeout", "set-strictmode", "import-module", "pause"):
        ctx.ok()
    elif base == "exit":
        raise ScriptExit(int(args[0]) if args and args[0].lstrip("-").isdigit() else ctx.exit_code)
    elif base in ("restart-computer", "shutdown", "stop-computer"):
        # The guest model does not reboot itself: the effect is exactly "restart" or
        # "shutdown" so the caller (the VM model) can act on it.
        low = [a.lower() for a in args]
        restart = base == "restart-computer" or (base == "shutdown" and "/r" in low)
        ctx.effects.append("restart" if restart else "shutdown")
        ctx.ok()
    elif base == "hostname":
        ctx.print(ctx.guest.computer_name or "")
        ctx.ok()
    else:
        ctx.unknown.append(line)


# --- parameters ------------------------------------------------------------------

def _params(args: list[str]) -> dict:
    params, i = {}, 0
    positional = []
    while i < len(args):
        word = args[i]
        if word.startswith("-") and len(word) > 1 and not word[1:].isdigit():
            key, _, inline = word[1:].partition(":")
            key = key.lower()
            if inline:
                params[key] = inline
            elif i + 1 < len(args) and not (args[i + 1].startswith("-") and len(args[i + 1]) > 1
                                            and not args[i + 1][1:].isdigit()):
                params[key] = args[i + 1]
                i += 1
            else:
                params[key] = True
        else:
            positional.append(word)
        i += 1
    params["_positional"] = positional
    return params


def _param(args, *names, positional=None):
    params = _params(args)
    for name in names:
        if name in params:
            return params[name]
    if positional is not None and len(params["_positional"]) > positional:
        return params["_positional"][positional]
    return None


# --- files -----------------------------------------------------------------------

def _locate(ctx, path: str):
    """(disk, partition, relative path) or an error string naming the problem."""
    letter, rel = split_path(path)
    if letter is None:
        letter, rel = "C", RUN_COMMAND_DIR + "\\" + rel
    located = ctx.disks.locate(letter)
    if located is None:
        return f"Cannot find drive. A drive with the name '{letter}' does not exist."
    disk, part = located
    return disk, part, rel


def _special(ctx, disk, part, rel):
    if ctx.disks.bcd_at(disk, part, rel) is not None:
        return "bcd"
    if ctx.disks.hive_at(disk, part, rel) is not None:
        return "hive"
    return None


def _exists(ctx, path: str) -> bool:
    located = _locate(ctx, path)
    if isinstance(located, str):
        return False
    disk, part, rel = located
    return _special(ctx, disk, part, rel) is not None or part.read(rel) is not None or part.dir_exists(rel)


def _read_for(ctx, args):
    path = _param(args, "path", "literalpath", positional=0)
    located = _locate(ctx, path or "")
    if isinstance(located, str):
        ctx.error(f"Get-Content : {located}")
        return None
    disk, part, rel = located
    special = _special(ctx, disk, part, rel)
    if special:
        return "regf" if special == "hive" else "regf"      # binary hive files
    text = part.read(rel)
    if text is None:
        ctx.error(f"Get-Content : Cannot find path '{path}' because it does not exist.")
        return None
    return text


def _write_file(ctx, path: str, text: str, append: bool = False, cmdlet: str = "Set-Content") -> None:
    located = _locate(ctx, path)
    if isinstance(located, str):
        ctx.error(f"{cmdlet} : {located}")
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


def _file_cmdlet(ctx, base, args, line) -> None:
    params = _params(args)
    path = params.get("path") or params.get("filepath") or params.get("literalpath") or \
        (params["_positional"][0] if params["_positional"] else None)
    if base in ("new-item", "ni"):
        if str(params.get("itemtype", "file")).lower() == "directory":
            ctx.ok()
            return
        value = params.get("value", "")
    else:
        value = params.get("value") if base != "out-file" else params.get("inputobject")
        if value is None and len(params["_positional"]) > 1:
            value = params["_positional"][1]
    if path is None or value is None:
        ctx.unknown.append(line)
        return
    text = value if isinstance(value, str) else str(value)
    _write_file(ctx, path, text if text.endswith("\n") or base == "new-item" else text + "\n",
                append=base == "add-content" or "append" in params, cmdlet=base.title())


def _copy(ctx, args) -> None:
    params = _params(args)
    positional = [a for a in params["_positional"] if not a.startswith("/")]
    src = params.get("path") or (positional[0] if positional else None)
    dst = params.get("destination") or (positional[1] if len(positional) > 1 else None)
    if not src or not dst:
        ctx.error("The syntax of the command is incorrect.")
        return
    located = _locate(ctx, src)
    if isinstance(located, str):
        ctx.error(located)
        return
    disk, part, rel = located
    special = _special(ctx, disk, part, rel)
    if special == "bcd":
        text = "\x00BCD:" + json.dumps(ctx.disks.bcd_at(disk, part, rel).to_dict())
    elif special == "hive":
        name = ctx.disks.hive_at(disk, part, rel)
        text = "\x00HIVE:" + json.dumps({"name": name, "data": disk.guest.hive(name).to_dict()})
    else:
        text = part.read(rel)
    if text is None:
        ctx.error("The system cannot find the file specified." if ctx.shell == "cmd" else
                  f"Copy-Item : Cannot find path '{src}' because it does not exist.")
        return
    target = _locate(ctx, dst)
    if isinstance(target, str):
        ctx.error(target)
        return
    tdisk, tpart, trel = target
    if tpart.dir_exists(trel) and not tpart.read(trel):
        trel = trel.rstrip("\\") + "\\" + rel.rsplit("\\", 1)[-1]
    if ctx.disks.bcd_at(tdisk, tpart, trel) is not None and text.startswith("\x00BCD:"):
        from .bcd import BcdStore
        tdisk.guest.bcd = BcdStore.from_dict(json.loads(text[5:]))
        ctx.effects.append(f"restored BCD {dst} from {src}")
    elif _hive_restorable(ctx, tdisk, tpart, trel, text):
        # an offline hive that is not loaded is a plain file: a copy of it can be put back (a backup restored)
        from .registry import Hive
        name = ctx.disks.hive_at(tdisk, tpart, trel)
        saved = json.loads(text[len("\x00HIVE:"):])
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
    if name is None or disk.role == "os" or not (text or "").startswith("\x00HIVE:"):
        return False
    if json.loads(text[len("\x00HIVE:"):]).get("name") != name:
        return False
    mounts = ctx.guest.session.get("hives") or {}
    return not any(m["disk"] == disk.guest.uid and m["hive"] == name for m in mounts.values())


def _remove(ctx, args, line) -> None:
    path = _param(args, "path", "literalpath", positional=0)
    located = _locate(ctx, path or "")
    if isinstance(located, str):
        ctx.error(located)
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


# --- net user ----------------------------------------------------------------------

def _net(ctx, args, line) -> None:
    from .model import Account
    low = [a.lower() for a in args]
    guest = ctx.guest
    if low[:1] == ["user"] and len(args) >= 2:
        name = args[1]
        account = guest.account(name)
        flags = [a for a in low[2:] if a.startswith("/")]
        password = next((a for a in args[2:] if not a.startswith("/")), None)
        if "/add" in flags:
            if account is not None:
                ctx.error("The account already exists.\n\nMore help is available by typing NET HELPMSG 2224.", 2)
                return
            account = Account(name, True, bool(password), admin=False)
            guest.accounts.append(account)
            ctx.effects.append(f"net user {name} /add")
        elif account is None:
            ctx.error("The user name could not be found.\n\nMore help is available by typing NET HELPMSG 2221.", 2)
            return
        if password and password != "*":
            account.has_password = True
            ctx.effects.append(f"net user {name}: password set")
        for flag in flags:
            if flag.startswith("/active:"):
                account.enabled = flag.endswith("yes")
                ctx.effects.append(f"net user {name} {flag}")
        ctx.print("The command completed successfully.")
        ctx.ok()
        return
    if low[:2] == ["localgroup", "administrators"] and len(args) >= 4 and low[3] == "/add":
        account = guest.account(args[2])
        if account is None:
            ctx.error("There is no such global user or group.\n\nMore help is available by typing NET HELPMSG 3783.", 2)
            return
        account.admin = True
        ctx.effects.append(f"net localgroup administrators {args[2]} /add")
        ctx.print("The command completed successfully.")
        ctx.ok()
        return
    ctx.unknown.append(line)


def _diskpart_file(ctx, args, line) -> None:
    low = [a.lower() for a in args]
    if "/s" not in low or low.index("/s") + 1 >= len(args):
        ctx.unknown.append(line)        # interactive diskpart cannot run under Run Command
        return
    path = args[low.index("/s") + 1]
    located = _locate(ctx, path)
    text = None if isinstance(located, str) else located[1].read(located[2])
    if text is None:
        ctx.print("\nMicrosoft DiskPart version 10.0\n\nThe script file specified could not be found.")
        ctx.exit_code = 1
        return
    cmd_storage.diskpart(ctx, text.splitlines())
