"""One command of a pipeline: its name, its arguments as PowerShell binds them, its redirections, and whether a
cmdlet (:mod:`.ps_cmdlets`) or a native program (:mod:`.ps_native`) runs it."""

from __future__ import annotations

import base64
import re

from . import ps_cmdlets, ps_native
from .ps_cmdlets import Bound
from .ps_format import format_default
from .ps_values import SWITCH, ErrorRecord, NotModelled, PSRuntimeError, ScriptBlock, to_str

_BARE_VAR = re.compile(r"\$(\{[^}]+\}|[A-Za-z_][\w]*(?::[\w]+)?)")


def run_command(engine, node, stream):
    script = engine.script
    name_node = node.child_by_field_name("command_name")
    if name_node is None:
        raise NotModelled("this command form", script.text(node), script.line_of(node))
    if name_node.type == "command_name_expr":
        name = to_str(engine.eval(name_node.named_children[0]))
    else:
        name = script.text(name_node)
    args, redirs = [], []
    elements = node.child_by_field_name("command_elements")
    for el in (elements.named_children if elements is not None else []):
        if el.type in ("command_argument_sep", "comment"):
            continue
        if el.type == "command_parameter":
            args.append(("param", script.text(el)))
        elif el.type == "generic_token" and re.fullmatch(r"[2*]?>(&1|\$null)", script.text(el), re.I):
            # the grammar reads a redirection inside an assignment's command as a bare word
            redirs.append("2>&1" if script.text(el).endswith("&1") else
                          ("2>$null" if script.text(el)[0] in "2*" else ("$null", False)))
        elif el.type == "generic_token":
            args.append(("bare", _expand_bare(engine, script.text(el))))
        elif el.type == "redirection":
            redirs.append(_redirection(engine, el))
        elif el.type == "verbatim_command_argument":
            raise NotModelled("the stop-parsing token --%", script.text(node), script.line_of(node))
        else:
            args.append(("value", engine.eval(el)))
    base = name.replace("/", "\\").rsplit("\\", 1)[-1].lower()
    native = base.endswith(".exe") or base.endswith(".com")
    if native:
        base = base[:-4]
    where = engine.where(node)
    merge = "2>&1" in redirs
    err_null = "2>$null" in redirs
    if not native and base in ps_cmdlets.CMDLETS:
        bound = _bind(base, args, where, ps_cmdlets.SWITCHES.get(base, ()))
        bound.typed = name.replace("/", "\\").rsplit("\\", 1)[-1]
        if merge:
            saved_err = engine.ctx.err
        result = ps_cmdlets.CMDLETS[base](engine, bound, stream)
        if merge:
            engine.ctx.err = saved_err
    elif base in ps_native.NATIVES:
        argv = native_arguments(args)
        result = _native(engine, base, name, argv, stream, where, merge, err_null)
    else:
        raise NotModelled(f"the command '{name}'", script.text(node), script.line_of(node))
    result = list(result or [])
    files = [r for r in redirs if isinstance(r, tuple)]
    for target, append in files:
        if target == "$null":
            result = []
            continue
        text = format_default(result)
        ps_cmdlets.write_text(engine, target, text + "\n", append, "Out-File", where)
        result = []
    return result


def _native(engine, base, name, argv, stream, where, merge, err_null):
    stdin = None
    if stream is not None:
        stdin = [to_str(item) for item in stream]
    out, err, code = ps_native.NATIVES[base](engine, argv, stdin)
    engine.vars["lastexitcode"] = code
    engine.vars["?"] = code == 0
    lines = out.split("\n") if out else []
    if lines and lines[-1] == "":
        lines.pop()
    result = list(lines)
    err_lines = [line for line in (err.split("\n") if err else [])]
    while err_lines and err_lines[-1] == "":
        err_lines.pop()
    if err_lines:
        label = name if name.lower().endswith(".exe") else base + ".exe"
        if merge or err_null:
            record = ErrorRecord(err_lines[0], "NativeCommandError", "NotSpecified", err_lines[0] + ":String",
                                 label, "RemoteException", where, native=True)
            engine.vars["error"].insert(0, record)
            if to_str(engine.vars.get("erroractionpreference")).lower() == "stop":
                raise PSRuntimeError(record)
            if merge:
                result.append(record)
                result.extend(ErrorRecord(line, "NativeCommandErrorMessage", native=True) for line in err_lines[1:])
        else:
            engine._flush()  # pylint: disable=protected-access
            engine.ctx.err.append("\n".join(err_lines))
    return result


def native_arguments(args) -> list[str]:
    """The argv a native program receives from Windows PowerShell 5.1."""
    words = []
    for kind, value in args:
        if kind in ("param", "bare"):
            words.append(to_str(value))
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, ScriptBlock):
                encoded = base64.b64encode(str(item).encode("utf-16-le")).decode("ascii")
                words += ["-encodedCommand", encoded, "-inputFormat", "xml", "-outputFormat", "text"]
                continue
            text = to_str(item)
            if text == "":
                continue            # 5.1 drops an empty-string argument to a native program
            words.append(text)
    # 5.1 builds a command line (quoting an argument with whitespace, inner quotes left as they are) and the
    # program splits it again with the C runtime's rules: round-trip it.
    line = " ".join(f'"{w}"' if (" " in w or "\t" in w) and not (w.startswith('"') and w.endswith('"')) else w
                    for w in words)
    return split_command_line(line)


def split_command_line(line: str) -> list[str]:
    """CommandLineToArgvW's rules: quotes group and vanish; 2n backslashes + quote -> n backslashes."""
    args, current, quoted, have, i = [], [], False, False, 0
    while i < len(line):
        char = line[i]
        if char == "\\":
            j = i
            while j < len(line) and line[j] == "\\":
                j += 1
            count = j - i
            if j < len(line) and line[j] == '"':
                current.append("\\" * (count // 2))
                if count % 2:
                    current.append('"')
                    i = j + 1
                else:
                    i = j
                have = True
                continue
            current.append("\\" * count)
            i = j
            have = True
            continue
        if char == '"':
            quoted = not quoted
            have = True
        elif char in " \t" and not quoted:
            if have:
                args.append("".join(current))
            current, have = [], False
        else:
            current.append(char)
            have = True
        i += 1
    if have:
        args.append("".join(current))
    return args


def _bind(name, args, where, switches):
    named, positional, error_action = {}, [], None
    i = 0
    while i < len(args):
        kind, value = args[i]
        if kind == "param":
            text = to_str(value)
            key = text[1:].rstrip(":").lower()
            if text.endswith(":") and i + 1 < len(args):
                named[key] = args[i + 1][1]
                i += 2
                continue
            if key in switches or i + 1 >= len(args) or args[i + 1][0] == "param":
                named[key] = SWITCH
                i += 1
                continue
            named[key] = _bare_value(args[i + 1])
            i += 2
            continue
        positional.append(_bare_value(args[i]))
        i += 1
    for key in ("erroraction", "ea"):
        if key in named:
            error_action = to_str(named.pop(key))
    return Bound(name, named, positional, where, error_action)


def _bare_value(arg):
    kind, value = arg
    if kind == "bare" and re.fullmatch(r"\d+(kb|mb|gb|tb)?", to_str(value), re.I):
        text = to_str(value).lower()
        factor = {"kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3, "tb": 1024 ** 4}.get(text[-2:], 1)
        return int(text.rstrip("kmgtb") or 0) * factor
    return value


def _expand_bare(engine, text):
    if "$" not in text:
        return text
    return _BARE_VAR.sub(lambda m: to_str(engine.get_var("$" + m.group(1))), text)


def _redirection(engine, node):
    text = engine.script.text(node).replace(" ", "")
    if text.startswith("2>&1"):
        return "2>&1"
    op = next((c for c in node.named_children if c.type == "file_redirection_operator"), None)
    target_node = next((c for c in node.named_children if c.type == "redirected_file_name"), None)
    op_text = engine.script.text(op).strip() if op is not None else text[:2]
    target = engine.script.text(target_node).strip() if target_node is not None else text[len(op_text):]
    if target.lower() == "$null":
        if op_text.startswith("2"):
            return "2>$null"
        return ("$null", False)
    if op_text.startswith("2") or op_text.startswith("*"):
        raise NotModelled(f"the redirection {op_text} to a file", engine.script.text(node),
                          engine.script.line_of(node))
    target = _expand_bare(engine, target.strip("'\""))
    return (target, op_text.endswith(">>"))
