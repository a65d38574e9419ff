"""The cmdlets the simulated guest's PowerShell knows, each ``f(engine, bound, input) -> output list``.

Output and objects: Write-Output, Write-Host, Write-Warning, Write-Error, Out-Null, Out-String, Out-File,
Select-Object (-Property, -First, -Last, -ExpandProperty), Where-Object (script block or ``Prop -op Value``),
ForEach-Object (script block), Sort-Object -Property, ConvertTo-Json (-Depth, -Compress, -InputObject),
ConvertTo-Csv (-NoTypeInformation).
Storage: Get-Disk, Set-Disk, Get-Partition, Set-Partition, Add-PartitionAccessPath, Get-Volume (:mod:`.ps_storage`).
Files: Test-Path, New-Item, Set-Content, Add-Content, Get-Content, Copy-Item, Remove-Item (:mod:`.cmd_files`).
System: Start-Sleep (adds to the script's run time), Restart-Computer, Stop-Computer (recorded as effects for
the VM model). Hyper-V: Install-WindowsFeature and the VM cmdlets of a nested rescue (:mod:`.ps_hyperv`).
"""

from __future__ import annotations

from . import cmd_files as files
from . import ps_hyperv, ps_storage  # the Storage and the Hyper-V cmdlets live in their own modules
from .ps_format import convert_to_csv, convert_to_json, format_default
from .ps_values import (SWITCH, ErrorRecord, NotModelled, PSObject, ScriptBlock, compare, member, to_number, to_str,
                        truthy)

SWITCHES = {"convertto-json": {"compress"}, "convertto-csv": {"notypeinformation"},
            "new-item": {"force"}, "set-content": {"force", "nonewline"}, "add-content": {"force"},
            "out-file": {"append", "force", "noclobber"}, "remove-item": {"force", "recurse"},
            "copy-item": {"force", "recurse"}, "restart-computer": {"force"}, "stop-computer": {"force"},
            "select-object": {"unique"}, "get-content": {"raw"}, "out-string": {"stream"},
            "sort-object": {"descending", "unique"}, "write-host": {"nonewline"}}


class Bound:
    """A cmdlet's arguments: named (lower-case names; a switch is True) and positional, in order."""

    def __init__(self, name, named, positional, node_where, error_action=None):
        self.name, self.named, self.positional = name, named, positional
        self.where, self.error_action = node_where, error_action
        self.typed = name  # the name as the script wrote it (set by the caller; errors echo it so)

    def get(self, *names, position=None, default=None):
        for name in names:
            if name.lower() in self.named:
                return self.named[name.lower()]
        if position is not None and len(self.positional) > position:
            return self.positional[position]
        return default

    def has(self, name):
        return name.lower() in self.named

    def error(self, engine, message, error_id, category="NotSpecified", target="", exception="CimJobException"):
        engine.write_error(ErrorRecord(message, f"{error_id},{self.name}", category, target, self.name, exception,
                                       self.where), self.error_action)


def _items(bound, stream, *names, position=0):
    value = bound.get(*names, position=position)
    if value is None:
        return list(stream or [])
    return value if isinstance(value, list) else [value]


def _run_block(engine, block: ScriptBlock, item):
    saved = engine.vars.get("_")
    engine.vars["_"] = item
    try:
        body = engine._body(block.node) if block.node is not None else None  # pylint: disable=protected-access
        return engine.collect_statements(body) if body is not None else []
    finally:
        engine.vars["_"] = saved


# -- output -----------------------------------------------------------------------------------------
def write_output(engine, bound, stream):
    return _items(bound, stream, "inputobject")


def write_host(engine, bound, stream):
    values = [bound.get("object", position=0)] + bound.positional[1:]
    text = " ".join(to_str(v) for v in values if v is not None)
    engine._flush()  # pylint: disable=protected-access
    engine.ctx.out.append(text)      # the host, not the pipeline: not captured by $x = ... or | Out-Null
    return []


def write_warning(engine, bound, stream):
    engine._flush()  # pylint: disable=protected-access
    engine.ctx.out.append("WARNING: " + to_str(bound.get("message", position=0)))
    return []


def write_error(engine, bound, stream):
    message = to_str(bound.get("message", position=0))
    engine.write_error(ErrorRecord(message, "Microsoft.PowerShell.Commands.WriteErrorException", "NotSpecified",
                                   activity="", exception="WriteErrorException", invocation=bound.where),
                       bound.error_action)
    return []


def out_null(engine, bound, stream):
    return []


def out_string(engine, bound, stream):
    text = format_default(_items(bound, stream, "inputobject", position=None))
    return [text + "\n"]


def out_file(engine, bound, stream):
    path = bound.get("filepath", "path", position=0)
    text = format_default(_items(bound, stream, "inputobject", position=None))
    write_text(engine, to_str(path), text + "\n", bound.has("append"), "Out-File", bound.where)
    return []


def select_object(engine, bound, stream):
    items = _items(bound, stream, "inputobject", position=None)
    first, last = bound.get("first"), bound.get("last")
    if first is not None:
        items = items[:int(first)]
    if last is not None:
        items = items[-int(last):]
    expand = bound.get("expandproperty")
    if expand is not None:
        return [member(i, to_str(expand)) for i in items]
    props = bound.get("property", position=0)
    if props is None:
        return items
    names = props if isinstance(props, list) else [props]
    if any(not isinstance(n, str) for n in names):
        raise NotModelled("Select-Object with calculated properties", "", bound.where[0])
    out = []
    for item in items:
        out.append(PSObject({n: member(item, n) for n in names}, "Selected." + getattr(item, "type_name", "")))
    return out


def where_object(engine, bound, stream):
    block = bound.get("filterscript", position=0)
    items = _items(bound, stream, "inputobject", position=None)
    if isinstance(block, ScriptBlock):
        return [i for i in items if truthy(_last(_run_block(engine, block, i)))]
    prop = to_str(bound.get("property", position=0))
    ops = [k for k in bound.named if k in ("eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match",
                                           "notmatch", "contains", "in", "ceq", "cne")]
    if not ops:
        return [i for i in items if truthy(member(i, prop))]
    op = ops[0]
    value = bound.named[op] if not isinstance(bound.named[op], type(SWITCH)) else bound.get("value", position=1)
    return [i for i in items if truthy(compare(op, member(i, prop), value))]


def foreach_object(engine, bound, stream):
    block = bound.get("process", position=0)
    if not isinstance(block, ScriptBlock):
        raise NotModelled("ForEach-Object without a script block", "", bound.where[0])
    out = []
    for item in _items(bound, stream, "inputobject", position=None):
        out.extend(_run_block(engine, block, item))
    return out


def sort_object(engine, bound, stream):
    prop = bound.get("property", position=0)
    items = list(stream or [])
    key = (lambda i: member(i, to_str(prop))) if prop is not None else (lambda i: i)
    return sorted(items, key=lambda i: (to_str(key(i)).lower() if isinstance(key(i), str) else key(i)),
                  reverse=bound.has("descending"))


def convertto_json(engine, bound, stream):
    given = bound.get("inputobject", position=0)
    items = list(stream or []) if given is None else given
    if given is None:
        items = items[0] if len(items) == 1 else items
    depth = int(bound.get("depth", default=2))
    return [convert_to_json(items, depth, bound.has("compress"))]


def convertto_csv(engine, bound, stream):
    return convert_to_csv(_items(bound, stream, "inputobject", position=None))


def _last(items):
    return items[-1] if items else None


# -- files --------------------------------------------------------------------------------------------
def _file_call(engine, bound, run):
    """Run one of the file helpers of :mod:`.cmd_files`; its error text becomes this cmdlet's error."""
    ctx = engine.ctx
    saved_err, saved_out = ctx.err, ctx.out
    ctx.err, ctx.out = [], []
    try:
        run(ctx)
        errors, printed = ctx.err, ctx.out
    finally:
        ctx.err, ctx.out = saved_err, saved_out
    for text in errors:
        message = text.split(" : ", 1)[1] if " : " in text.split("\n")[0] else text
        bound.error(engine, message, "PathNotFound", "ObjectNotFound", exception="ItemNotFoundException")
    return printed


def write_text(engine, path, text, append, cmdlet, where):
    bound = Bound(cmdlet, {}, [], where)
    _file_call(engine, bound, lambda ctx: files.write_file(ctx, path, text, append=append, cmdlet=cmdlet))


def test_path(engine, bound, stream):
    path = to_str(bound.get("path", "literalpath", position=0))
    return [files.exists(engine.ctx, path)]


def new_item(engine, bound, stream):
    path = to_str(bound.get("path", position=0))
    if bound.name == "mkdir" or to_str(bound.get("itemtype", default="File")).lower() == "directory":
        engine.ctx.effects.append(f"mkdir {path}")
        return []
    value = to_str(bound.get("value", default=""))
    write_text(engine, path, value, False, "New-Item", bound.where)
    return []


def _content(engine, bound, stream, append, name):
    path = to_str(bound.get("path", "literalpath", position=0))
    value = bound.get("value", position=1)
    values = (value if isinstance(value, list) else [value]) if value is not None else list(stream or [])
    text = "\n".join(to_str(v) for v in values) + ("" if bound.has("nonewline") else "\n")
    write_text(engine, path, text, append, name, bound.where)
    return []


def set_content(engine, bound, stream):
    return _content(engine, bound, stream, False, "Set-Content")


def add_content(engine, bound, stream):
    return _content(engine, bound, stream, True, "Add-Content")


def get_content(engine, bound, stream):
    path = to_str(bound.get("path", "literalpath", position=0))
    holder = []
    _file_call(engine, bound, lambda ctx: holder.append(files.read_for(ctx, [path])))
    text = holder[0] if holder else None
    if text is None:
        return []
    return [text] if bound.has("raw") else text.rstrip("\n").split("\n")


def copy_item(engine, bound, stream):
    src, dst = to_str(bound.get("path", position=0)), to_str(bound.get("destination", position=1))
    _file_call(engine, bound, lambda ctx: files.copy_file(ctx, [src, dst]))
    return []


def remove_item(engine, bound, stream):
    path = to_str(bound.get("path", "literalpath", position=0))
    _file_call(engine, bound, lambda ctx: files.remove_file(ctx, [path], "Remove-Item " + path))
    return []


# -- system -------------------------------------------------------------------------------------------
def start_sleep(engine, bound, stream):
    """The script waits: its run time grows (Run Command's time limits are counted on it)."""
    millis = bound.get("milliseconds", "m")
    seconds = bound.get("seconds", "s", position=0)
    engine.ctx.seconds += float(to_number(millis)) / 1000 if millis is not None else float(to_number(seconds or 0))
    return []


def restart_computer(engine, bound, stream):
    engine.ctx.effects.append("restart")
    return []


def stop_computer(engine, bound, stream):
    engine.ctx.effects.append("shutdown")
    return []


CMDLETS = {
    "write-output": write_output, "echo": write_output, "write": write_output, "write-host": write_host,
    "write-warning": write_warning, "write-error": write_error, "out-null": out_null, "out-string": out_string,
    "out-file": out_file, "select-object": select_object, "select": select_object, "where-object": where_object,
    "where": where_object, "?": where_object, "foreach-object": foreach_object, "%": foreach_object,
    "sort-object": sort_object, "convertto-json": convertto_json, "convertto-csv": convertto_csv,
    "test-path": test_path, "new-item": new_item, "ni": new_item, "mkdir": new_item, "set-content": set_content,
    "add-content": add_content, "get-content": get_content, "gc": get_content, "type": get_content,
    "cat": get_content, "copy-item": copy_item, "copy": copy_item, "cp": copy_item, "remove-item": remove_item,
    "del": remove_item, "rm": remove_item, "start-sleep": start_sleep, "sleep": start_sleep,
    "restart-computer": restart_computer, "stop-computer": stop_computer,
}

for _area in (ps_storage, ps_hyperv):
    CMDLETS.update(_area.CMDLETS)
    SWITCHES.update(_area.SWITCHES)
