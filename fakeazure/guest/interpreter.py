"""Run Command inside a simulated guest: `run_script()` (the state of a run is :class:`.script.Context`).

PowerShell scripts (Run Command's RunPowerShellScript, managed Run Command on Windows) run as Windows
PowerShell 5.1 runs them: parsed with tree-sitter-powershell and executed from the syntax tree by
:mod:`.ps_engine` (what is modelled is listed there and in :mod:`.ps_expr` / :mod:`.ps_cmdlets`); a construct
it does not model fails the script with its line named, never passes silently.

``shell="cmd"`` (``cmd /c`` inside PowerShell, and tests of cmd.exe batch lines) keeps the line-based
reader of :mod:`.script`: here-strings are PowerShell's only, lines split on ``&``, ``%NAME%`` expands, ``rem``
and ``::`` are comments, and each line goes to :func:`.commands.execute_line` (bcdedit, reg, diskpart /s, net user,
echo, copy/del/type, shutdown). In cmd, ``{bootmgr}`` is plain text, as it is for cmd.exe. An unknown line is
listed in ``unknown_commands`` and skipped (the Run Command layer reports it on stderr).
Exit code: PowerShell as ``powershell -File`` gives it; cmd the value of ``exit n`` or the last errorlevel.
"""

from __future__ import annotations

from . import commands
from .ps_engine import Engine
from .script import Context, ScriptExit, ScriptResult, logical_lines

__all__ = ["ScriptResult", "run_script"]


def run_script(os_guest, script_text: str, shell: str = "powershell", data_disks=None,
               parameters=None) -> ScriptResult:
    """Run `script_text` inside `os_guest` (the running VM) and apply its effects."""
    shell = (shell or "powershell").lower()
    ctx = Context(os_guest, data_disks, shell, parameters)
    if os_guest.os_type != "Windows":
        return _run_linux(ctx, script_text)
    if shell == "powershell":
        ctx.exit_code = Engine(ctx).run(script_text, parameters)
    else:
        try:
            for line in logical_lines(script_text, shell, ctx):
                commands.execute_line(ctx, line)
        except ScriptExit as done:
            ctx.exit_code = done.code
    return ScriptResult(
        stdout="\n".join(ctx.out) + ("\n" if ctx.out else ""),
        stderr="\n".join(ctx.err) + ("\n" if ctx.err else ""),
        exit_code=ctx.exit_code, unknown_commands=ctx.unknown, effects=ctx.effects, seconds=ctx.seconds)


def _run_linux(ctx: Context, script_text: str) -> ScriptResult:
    for raw in script_text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        if words[0] == "echo":
            ctx.print(" ".join(words[1:]).strip("'\""))
        elif words[0] == "hostname":
            ctx.print(ctx.guest.hostname or "localhost")
        else:
            ctx.unknown.append(line)
    return ScriptResult("\n".join(ctx.out) + ("\n" if ctx.out else ""), "", 0, ctx.unknown, ctx.effects)
