"""Native programs for the PowerShell engine: each runs the fake's own implementation (cmd_bcdedit, cmd_reg,
cmd_storage's diskpart, cmd_net, commands' cmd /c) with its stdout and stderr captured, and returns
(stdout, stderr, exit code) as the process would. A sub-command the implementation does not model fails the
script (NotModelled), never passes silently."""

from __future__ import annotations

from . import cmd_bcdedit, cmd_net, cmd_reg, cmd_storage
from .commands import run_cmd
from .ps_values import NotModelled


def _capture(engine, run) -> tuple[str, str, int]:
    ctx = engine.ctx
    saved = ctx.out, ctx.err, ctx.exit_code, len(ctx.unknown)
    ctx.out, ctx.err, ctx.exit_code = [], [], 0
    try:
        run(ctx)
        out, err, code = ctx.out, ctx.err, ctx.exit_code
        unknown = ctx.unknown[saved[3]:]
    finally:
        ctx.out, ctx.err, ctx.exit_code = saved[0], saved[1], saved[2]
    if unknown:
        del ctx.unknown[saved[3]:]
        raise NotModelled(f"the native command line '{unknown[0]}'", unknown[0])
    text_out = "\n".join(out) + ("\n" if out else "")
    text_err = "\n".join(err) + ("\n" if err else "")
    return text_out, text_err, code


def _line(name, argv):
    return " ".join([name] + list(argv))


def bcdedit(engine, argv, _stdin):
    return _capture(engine, lambda ctx: cmd_bcdedit.bcdedit(ctx, list(argv), _line("bcdedit", argv)))


def reg(engine, argv, _stdin):
    return _capture(engine, lambda ctx: cmd_reg.reg(ctx, list(argv), _line("reg", argv)))


def diskpart(engine, argv, stdin):
    """diskpart /s <file>, or its commands piped on stdin (``"select disk 2", "list partition" | diskpart``)."""
    if stdin is not None and not argv:
        lines = [line for item in stdin for line in str(item).split("\n")]
        return _capture(engine, lambda ctx: cmd_storage.diskpart(ctx, lines))
    return _capture(engine, lambda ctx: cmd_storage.diskpart_file(ctx, list(argv), _line("diskpart", argv)))


def net(engine, argv, _stdin):
    return _capture(engine, lambda ctx: cmd_net.net(ctx, list(argv), _line("net", argv)))


def cmd(engine, argv, _stdin):
    """cmd /c <line>: the line runs under the fake's cmd.exe rules (commands.run_cmd)."""
    if not argv or argv[0].lower() not in ("/c", "/k"):
        raise NotModelled("cmd.exe without /c", _line("cmd", argv))
    return _capture(engine, lambda ctx: run_cmd(ctx, " ".join(argv[1:])))


def whoami(engine, argv, _stdin):
    """Run Command runs scripts as SYSTEM (Learn, Run Command restrictions): whoami prints that account."""
    if argv:
        raise NotModelled("whoami with options", _line("whoami", argv))
    return "nt authority\\system\n", "", 0


def hostname(engine, _argv, _stdin):
    return (engine.ctx.guest.computer_name or "") + "\n", "", 0


def shutdown(engine, argv, _stdin):
    low = [a.lower() for a in argv]
    engine.ctx.effects.append("restart" if "/r" in low else "shutdown")
    return "", "", 0


def mountvol(engine, argv, _stdin):
    """mountvol X: /d (remove a drive letter); other forms are not modelled."""
    low = [a.lower() for a in argv]
    if len(argv) == 2 and low[1] == "/d" and len(argv[0]) == 2 and argv[0][1] == ":":
        located = engine.ctx.disks.locate(argv[0][0])
        if located is None:
            return "", "The system cannot find the file specified.\n\n", 2
        disk, part = located
        disk.state.get("letters", {}).pop(str(part.number), None)
        engine.ctx.effects.append(f"mountvol {argv[0]} /d")
        return "", "", 0
    raise NotModelled("this mountvol form", _line("mountvol", argv))


NATIVES = {"bcdedit": bcdedit, "reg": reg, "diskpart": diskpart, "net": net, "cmd": cmd, "hostname": hostname,
           "shutdown": shutdown, "mountvol": mountvol, "whoami": whoami}
