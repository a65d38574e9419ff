"""Dispatching one logical script line: assignments, pipelines, redirection, commands.

Native tools live in cmd_bcdedit / cmd_reg / cmd_storage (diskpart) / cmd_net (net user); the file commands
in cmd_files; this module holds the small PowerShell/cmd surface (variables, echo, pipelines, cmd /c).
"""

from __future__ import annotations

import re

from . import cmd_bcdedit, cmd_files, cmd_net, cmd_reg, cmd_storage
from .cmd_files import param
from .script import CONTROL_WORDS, ScriptExit, expand, expand_words, logical_lines, split_outside_quotes

PASS_THROUGH = ("out-null", "out-string", "format-table", "format-list", "ft", "fl", "write-output",
                "select-object", "out-host")
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
        cmd_files.write_file(ctx, target, text + "\n", append=append, cmdlet="Out-File")
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
        source = cmd_files.read_for(ctx, expand_words(segments[0], ctx)[1:])
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
            path = param(words[1:], "path", "filepath", "literalpath", positional=0)
            if path is None:
                ctx.error(f"{words[0]} : Cannot bind argument to parameter 'Path' because it is null.")
                return
            text = "\n".join(str(x) for x in lines) + "\n"
            cmd_files.write_file(ctx, path, text,
                                 append=sink == "add-content" or "-append" in [w.lower() for w in words],
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
        cmd_storage.diskpart_file(ctx, args, line)
    elif base == "cmd" and args and args[0].lower() in ("/c", "/k"):
        run_cmd(ctx, " ".join(args[1:]))
    elif base in ("echo", "write-output", "write-host", "write", "write-verbose", "write-information"):
        text = " ".join(a for a in args if not a.lower().startswith("-foregroundcolor"))
        if ctx.shell == "cmd":      # cmd's echo prints the rest of the line as written
            text = expand(segment.split(None, 1)[1], ctx) if " " in segment.strip() else "ECHO is on."
        ctx.print(text)
        ctx.ok()
    elif base in ("set-content", "add-content", "out-file", "new-item", "ni"):
        cmd_files.file_cmdlet(ctx, base, args, line)
    elif base in ("get-content", "gc", "cat", "type"):
        text = cmd_files.read_for(ctx, args)
        if text is not None:
            ctx.print(text.rstrip("\n"))
            ctx.ok()
    elif base in ("copy-item", "copy", "cp"):
        cmd_files.copy_file(ctx, args)
    elif base in ("remove-item", "del", "erase", "rm", "ri"):
        cmd_files.remove_file(ctx, args, line)
    elif base == "test-path":
        path = param(args, "path", "literalpath", positional=0)
        ctx.print("True" if path and cmd_files.exists(ctx, path) else "False")
        ctx.ok()
    elif base in ("mkdir", "md"):
        ctx.ok()
    elif base == "net":
        cmd_net.net(ctx, args, line)
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


def run_cmd(ctx, text: str) -> None:
    """``cmd /c <text>``: its lines run under cmd.exe's rules, then the caller's shell is back."""
    shell, ctx.shell = ctx.shell, "cmd"
    try:
        for inner in logical_lines(text, "cmd", ctx):
            execute_line(ctx, inner)
    finally:
        ctx.shell = shell
