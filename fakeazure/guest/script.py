"""A script run's state and the cmd-mode line reader, shared by every layer of the guest's interpreter.

:class:`Context` is the state of one Run Command script inside a guest (its output, errors, variables, the
disks it sees); :func:`logical_lines`, :func:`expand` and :func:`expand_words` turn script text into the lines
and words :mod:`.commands` executes (``shell="cmd"``, and ``cmd /c`` inside PowerShell). This module imports
no other part of the interpreter: :mod:`.interpreter` (the entry point) stands on the PowerShell engine
(:mod:`.ps_engine`) and the cmd-mode commands (:mod:`.commands`), which stand on this one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .disks import DiskView

CONTROL_WORDS = ("if", "elseif", "else", "foreach", "for", "while", "do", "try", "catch", "finally",
                 "function", "switch", "param", "begin", "process", "end", "trap", "return", "}", "{")


@dataclass
class ScriptResult:
    stdout: str
    stderr: str
    exit_code: int
    unknown_commands: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    seconds: float = 0.0  # the time the script spent waiting (Start-Sleep, timeout /t): its run time in the fake

    def to_dict(self) -> dict:
        return dict(self.__dict__)


class ScriptExit(Exception):
    def __init__(self, code: int):
        self.code = code


class Context:
    """State of one script run."""

    def __init__(self, os_guest, data_disks, shell, parameters):
        self.guest = os_guest
        self.shell = shell
        self.disks = DiskView(os_guest, data_disks) if os_guest.os_type == "Windows" else None
        self.variables = {"true": True, "false": False, "null": None,
                          "env:systemdrive": "C:", "env:windir": "C:\\Windows",
                          "env:systemroot": "C:\\Windows", "env:temp": "C:\\Windows\\Temp",
                          "env:computername": getattr(os_guest, "computer_name", "") or "",
                          # Run Command runs scripts as SYSTEM (Learn, Run Command restrictions), whose
                          # USERNAME is the computer's account name
                          "env:username": (getattr(os_guest, "computer_name", "") or "") + "$"}
        for name, value in (parameters or {}).items():
            self.variables[str(name).lower().lstrip("$")] = value
        self.strings: dict[str, str] = {}     # here-string placeholders
        self.out: list[str] = []
        self.err: list[str] = []
        self.unknown: list[str] = []
        self.effects: list[str] = []
        self.exit_code = 0
        self.seconds = 0.0

    def print(self, text: str) -> None:
        if text is not None:
            self.out.append(str(text))

    def error(self, text: str, code: int = 1) -> None:
        self.err.append(text)
        self.exit_code = code

    def ok(self) -> None:
        self.exit_code = 0


# --- turning script text into logical lines -----------------------------------

_HERE_OPEN = re.compile(r"@(['\"])\s*$")


def logical_lines(text: str, shell: str, ctx: Context) -> list[str]:
    """Join here-strings (into placeholders) and continuations, drop comments, split on ';'."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines: list[str] = []
    i = 0
    in_block_comment = False
    while i < len(raw):
        line = raw[i]
        i += 1
        if shell == "powershell":
            if in_block_comment:
                if "#>" in line:
                    in_block_comment = False
                    line = line.split("#>", 1)[1]
                else:
                    continue
            if "<#" in line:
                before, after = line.split("<#", 1)
                if "#>" in after:
                    line = before + after.split("#>", 1)[1]
                else:
                    in_block_comment = True
                    line = before
            opened = _HERE_OPEN.search(line)
            if opened:
                quote = opened.group(1)
                body = []
                while i < len(raw) and not raw[i].startswith(quote + "@"):
                    body.append(raw[i])
                    i += 1
                tail = raw[i][2:] if i < len(raw) else ""
                i += 1
                key = f"__HS{len(ctx.strings)}__"
                ctx.strings[key] = "\n".join(body) if quote == "'" else expand("\n".join(body), ctx)
                line = line[:opened.start()] + key + tail
            while line.rstrip().endswith("`") and i < len(raw):
                line = line.rstrip()[:-1] + " " + raw[i]
                i += 1
            line = strip_ps_comment(line)
            parts = split_outside_quotes(line, ";")
        else:
            while line.rstrip().endswith("^") and i < len(raw):
                line = line.rstrip()[:-1] + raw[i]
                i += 1
            stripped = line.strip()
            low = stripped.lower()
            if low.startswith("rem ") or low == "rem" or stripped.startswith("::") or low in ("@echo off", "echo off"):
                continue
            if stripped.startswith("@"):
                stripped = stripped[1:]
            parts = split_outside_quotes(stripped, "&")
            parts = [p for p in parts if p.strip()]
        lines.extend(p.strip() for p in parts if p.strip())
    return lines


def strip_ps_comment(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line


def split_outside_quotes(line: str, separator: str) -> list[str]:
    parts, current, quote = [], [], None
    for char in line:
        if quote:
            if char == quote:
                quote = None
            current.append(char)
        elif char in "'\"":
            quote = char
            current.append(char)
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def tokenize(line: str) -> list[str]:
    """Split a command line into words; quotes group and are removed; backslashes stay literal."""
    return [word for word, _single in _tokenize_marked(line)]


_VAR = re.compile(r"\$\{([^}]+)\}|\$\(\s*\$([A-Za-z_][\w:]*)\s*\)|\$([A-Za-z_][\w]*(?::[\w]+)?)")


def expand(text: str, ctx: Context) -> str:
    """Expand $name, ${name}, $($name) and $env:NAME (PowerShell); %NAME% (cmd)."""
    if ctx.shell == "cmd":
        def env(match):
            key = "env:" + match.group(1).lower()
            return str(ctx.variables.get(key, match.group(0)))
        return re.sub(r"%([A-Za-z_]\w*)%", env, text)

    def repl(match):
        name = (match.group(1) or match.group(2) or match.group(3)).lower()
        if name not in ctx.variables:
            return "" if not name.startswith("env:") else match.group(0)
        value = ctx.variables[name]
        if isinstance(value, bool):
            return "True" if value else "False"
        if isinstance(value, list):
            return " ".join(str(v) for v in value)
        return "" if value is None else str(value)
    return _VAR.sub(repl, text)


def expand_words(line: str, ctx: Context) -> list[str]:
    """Tokenize, expanding variables except inside single quotes (PowerShell rules)."""
    words = []
    for word, single in _tokenize_marked(line):
        if word in ctx.strings:
            words.append(ctx.strings[word])
        elif single:
            words.append(word)
        else:
            words.append(expand(word, ctx))
    return words


def _tokenize_marked(line: str) -> list[tuple[str, bool]]:
    """``tokenize``, each word paired with whether any part of it was single-quoted."""
    words, current, quote, has_word, single = [], [], None, False, False
    for char in line:
        if quote:
            if char == quote:
                quote = None
            else:
                current.append(char)
        elif char in "'\"":
            quote, has_word = char, True
            single = single or char == "'"
        elif char.isspace():
            if current or has_word:
                words.append(("".join(current), single))
            current, has_word, single = [], False, False
        else:
            current.append(char)
    if current or has_word:
        words.append(("".join(current), single))
    return words
