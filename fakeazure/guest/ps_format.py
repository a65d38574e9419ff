"""What Windows PowerShell 5.1 prints: default views, ConvertTo-Json, ConvertTo-Csv, error records.

The default table views of the Storage module (Get-Disk, Get-Partition, Get-Volume) are laid out as in the
samples kept in tests/fixtures/windows/ (their sources are in that folder's README); a table view depends on the
console width, which is why scripts should read ConvertTo-Json instead. ConvertTo-Json follows 5.1's
serializer: ``"name":  value`` with two spaces and 4-space indentation, ``-Compress`` with no spaces, the
characters < > & ' escaped as \\u003c \\u003e \\u0026 \\u0027, default -Depth 2 (deeper objects become their
string form), and a CIM instance carrying CimClass, CimInstanceProperties and CimSystemProperties.
"""

from __future__ import annotations

import json

from .ps_values import ErrorRecord, Hashtable, PSChar, PSObject, ScriptBlock, to_str

SCRIPT_PATH = "C:\\Packages\\Plugins\\Microsoft.CPlat.Core.RunCommandWindows\\1.1.18\\Downloads\\script0.ps1"


# --- sizes as the Storage module prints them ------------------------------------------------------
def size_text(size) -> str:
    """1048576 -> "1 MB", 15011938304 -> "13.98 GB" (two decimals at most, trailing zeros dropped)."""
    value = float(size or 0)
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if value < 1024 or unit == "PB":
            text = f"{value:.2f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
        value /= 1024
    return f"{size} B"


# --- default views ----------------------------------------------------------------------------------
DISK_COLUMNS = (("Number", 6, "<"), ("Friendly Name", 13, "<"), ("Serial Number", 32, "<"),
                ("HealthStatus", 20, "<"), ("OperationalStatus", 22, "<"), ("Total Size", 10, ">"),
                ("Partition\nStyle", 10, "<"))
PARTITION_COLUMNS = (("PartitionNumber", 15, "<"), ("", 0, "<"), ("DriveLetter", 11, "<"), ("Offset", 80, "<"),
                     ("Size", 12, ">"), ("Type", 0, "<"))
VOLUME_COLUMNS = (("DriveLetter", 11, "<"), ("FriendlyName", 12, "<"), ("FileSystemType", 14, "<"),
                  ("DriveType", 9, "<"), ("HealthStatus", 12, "<"), ("OperationalStatus", 17, "<"),
                  ("SizeRemaining", 13, ">"), ("Size", 8, ">"))


def _cell(text, width, align):
    text = to_str(text)
    if width and len(text) > width:
        text = text[:width - 3] + "..."
    return text.rjust(width) if align == ">" else text.ljust(width)


def table(columns, rows) -> list[str]:
    """A Format-Table layout: header (two lines for a wrapped name), dashes, rows; trailing spaces trimmed."""
    heads = [name.split("\n") for name, _w, _a in columns]
    depth = max(len(h) for h in heads)
    lines = []
    for level in range(depth):
        cells = []
        for (name, width, align), parts in zip(columns, heads):
            word = parts[level] if level < len(parts) else ""
            cells.append(_cell(word, width, align) if width else word)
        lines.append(" ".join(cells).rstrip())
    dashes = []
    for (name, width, align), parts in zip(columns, heads):
        dash = "-" * len(parts[-1]) if len(parts) == 1 else "-" * max(width, len(parts[0]))
        dashes.append(_cell(dash, width, align) if width else dash)
    lines.append(" ".join(dashes).rstrip())
    for row in rows:
        lines.append(" ".join(_cell(value, width, align) if width else to_str(value)
                              for (_n, width, align), value in zip(columns, row)).rstrip())
    return lines


def _disk_rows(disks):
    return [[d["Number"], d["FriendlyName"], d["SerialNumber"], d["HealthStatus"], d["OperationalStatus"],
             size_text(d["Size"]), d["PartitionStyle"]] for d in disks]


def _volume_rows(volumes):
    return [[("" if (v["DriveLetter"] or "\0") == "\0" else v["DriveLetter"]), v["FriendlyName"],
             v["FileSystemType"], v["DriveType"], v["HealthStatus"], v["OperationalStatus"],
             size_text(v["SizeRemaining"]), size_text(v["Size"])] for v in volumes]


def _partition_lines(parts):
    lines, current = [], None
    for part in parts:
        if part["DiskPath"] != current:
            current = part["DiskPath"]
            if lines:
                lines.append("")
            lines += ["", f"   DiskPath: {current}", ""]
            lines += table(PARTITION_COLUMNS, [])
        letter = "" if (part["DriveLetter"] or "\0") == "\0" else part["DriveLetter"]
        lines += table(PARTITION_COLUMNS, [[part["PartitionNumber"], "", letter, part["Offset"],
                                            size_text(part["Size"]), part["Type"]]])[2:]
    return lines


VIEWS = {"MSFT_Disk": lambda objs: table(DISK_COLUMNS, _disk_rows(objs)),
         "MSFT_Volume": lambda objs: table(VOLUME_COLUMNS, _volume_rows(objs)),
         "MSFT_Partition": _partition_lines}


def format_default(objects) -> str:
    """Out-Default: consecutive objects of one kind share one table; strings and numbers print as they are."""
    out, run, kind = [], [], None

    def flush():
        if not run:
            return
        if kind in VIEWS:
            out.extend([""] + VIEWS[kind](run) + [""])
        elif kind == "custom":
            out.extend([""] + _custom_view(run) + [""])
        run.clear()

    for obj in objects:
        this = obj.cim_class if isinstance(obj, PSObject) and obj.cim_class in VIEWS else \
            ("custom" if isinstance(obj, (PSObject, Hashtable)) else None)
        if this != kind or this is None:
            flush()
        kind = this
        if this is None:
            out.append(render_error(obj) if isinstance(obj, ErrorRecord) else to_str(obj))
        else:
            run.append(obj)
    flush()
    return "\n".join(out)


def _custom_view(objs):
    first = objs[0]
    if isinstance(first, Hashtable):
        rows = [[k, v] for obj in objs for k, v in obj.items()]
        width = max([4] + [len(to_str(r[0])) for r in rows])
        return table((("Name", width, "<"), ("Value", 0, "<")), rows)
    names = first.names()
    if len(names) > 4:
        lines = []
        width = max(len(n) for n in names)
        for obj in objs:
            lines += [f"{n.ljust(width)} : {to_str(v)}" for n, v in obj.items()] + [""]
        return lines[:-1]
    widths = [max([len(n)] + [len(to_str(o.get(n))) for o in objs]) for n in names]
    cols = tuple((n, w, ">" if all(isinstance(o.get(n), (int, float)) and not isinstance(o.get(n), bool)
                                   for o in objs) else "<") for n, w in zip(names, widths))
    cols = cols[:-1] + ((cols[-1][0], 0, cols[-1][2]),) if cols[-1][2] == "<" else cols
    return table(cols, [[o.get(n) for n in names] for o in objs])


# --- error records ---------------------------------------------------------------------------------
def render_error(record: ErrorRecord) -> str:
    """An error record as 5.1 prints it on stderr (or in the output of ``2>&1``)."""
    head = f"{record.activity} : {record.message}" if record.activity else record.message
    lines = [head]
    if record.invocation:
        line, column, text, width = record.invocation
        lines += [f"At {SCRIPT_PATH}:{line} char:{column}", f"+ {text}",
                  f"+ {' ' * (column - 1)}{'~' * max(1, width)}"]
    target = f"({record.target})" if record.target else "(:)"
    bracket = "" if record.native else record.activity
    lines += [f"    + CategoryInfo          : {record.category}: {target} [{bracket}], {record.exception}",
              f"    + FullyQualifiedErrorId : {record.error_id or record.message}"]
    return "\n".join(lines) + "\n"


# --- ConvertTo-Json ----------------------------------------------------------------------------------
_CIM_NOISE = ("CimClass", "CimInstanceProperties", "CimSystemProperties")


def _json_value(value, depth, limit):
    if isinstance(value, PSChar):
        return value
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, ScriptBlock):
        return str(value)
    if isinstance(value, ErrorRecord):
        value = PSObject({"Exception": value.message, "FullyQualifiedErrorId": value.error_id})
    if isinstance(value, bytes):
        value = list(value)
    if isinstance(value, (list, tuple)):
        if depth > limit:
            return to_str(value)
        return [_json_value(v, depth + 1, limit) for v in value]
    if isinstance(value, (PSObject, Hashtable)):
        if depth > limit:
            return to_str(value)
        items = value.items()
        out = {k: _json_value(v, depth + 1, limit) for k, v in items}
        if isinstance(value, PSObject) and value.cim_class:
            names = value.names()
            out["CimClass"] = (f"ROOT/Microsoft/Windows/Storage:{value.cim_class}" if depth + 1 > limit else
                               {"CimSuperClassName": "MSFT_StorageObject",
                                "CimSuperClass": "ROOT/Microsoft/Windows/Storage:MSFT_StorageObject",
                                "CimClassProperties": " ".join(names),
                                "CimClassQualifiers": "dynamic = True locale = 1033",
                                "CimClassMethods": "",
                                "CimSystemProperties": "Microsoft.Management.Infrastructure.CimSystemProperties"})
            out["CimInstanceProperties"] = names if depth + 1 <= limit else " ".join(names)
            out["CimSystemProperties"] = "Microsoft.Management.Infrastructure.CimSystemProperties" \
                if depth + 1 > limit else {"Namespace": "ROOT/Microsoft/Windows/Storage",
                                           "ServerName": "localhost", "ClassName": value.cim_class,
                                           "Path": None}
        return out
    return to_str(value)


def _escape(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        out = out.replace(char, code)
    return out


def _dump(value, compress, indent=0) -> str:
    if isinstance(value, dict):
        if not value:
            return "{}" if compress else "{\n\n" + " " * indent + "}"
        if compress:
            return "{" + ",".join(f"{_escape(k)}:{_dump(v, True)}" for k, v in value.items()) + "}"
        pad = " " * (indent + 4)
        body = ",\n".join(f"{pad}{_escape(k)}:  {_dump(v, False, indent + 4)}" for k, v in value.items())
        return "{\n" + body + "\n" + " " * indent + "}"
    if isinstance(value, list):
        if compress:
            return "[" + ",".join(_dump(v, True) for v in value) + "]"
        if not value:
            return "[\n\n" + " " * indent + "]"
        pad = " " * (indent + 4)
        return "[\n" + ",\n".join(pad + _dump(v, False, indent + 4) for v in value) + "\n" + " " * indent + "]"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return _escape(value)


def convert_to_json(value, depth: int = 2, compress: bool = False) -> str:
    return _dump(_json_value(value, 0, depth), compress)


def convert_to_csv(objects) -> list[str]:
    """ConvertTo-Csv -NoTypeInformation: a header of property names, then every value quoted."""
    objs = [o for o in objects if o is not None]
    if not objs:
        return []
    first = objs[0]
    names = first.names() if isinstance(first, PSObject) else (list(first.keys()) if isinstance(first, Hashtable)
                                                               else ["Length"])

    def quoted(v):
        return '"' + to_str(v).replace('"', '""') + '"'
    lines = [",".join(quoted(n) for n in names)]
    for obj in objs:
        values = [obj.get(n) if isinstance(obj, (PSObject, Hashtable)) else len(to_str(obj)) for n in names]
        lines.append(",".join(quoted(v) for v in values))
    return lines
