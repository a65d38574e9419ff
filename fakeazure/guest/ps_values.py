"""PowerShell values in the simulated guest: objects, hashtables, script blocks, error records, conversions.

Python values stand for .NET ones: str, int, float, bool, None ($null), list (object[]), bytes (byte[]).
PowerShell's own kinds are the classes below. Conversions follow PowerShell's rules for the cases the
interpreter meets: to string (arrays joined with a space, $true -> "True"), to bool (empty string, 0, $null and
an empty array are false), comparison operators (case-insensitive unless -c..., left array filters).
"""

from __future__ import annotations

import fnmatch
import re


class PSObject:
    """A PSCustomObject or a CIM instance: ordered properties, case-insensitive names."""

    def __init__(self, props=None, type_name="System.Management.Automation.PSCustomObject", cim_class=None):
        self._props: dict[str, tuple[str, object]] = {}
        for name, value in (props or {}).items():
            self[name] = value
        self.type_name = type_name
        self.cim_class = cim_class          # "MSFT_Disk", ... for CIM instances, else None
        self.backing = None                 # the fake's model object behind a CIM instance

    def __getitem__(self, name):
        return self._props[name.lower()][1]

    def __setitem__(self, name, value):
        key = name.lower()
        original = self._props[key][0] if key in self._props else name
        self._props[key] = (original, value)

    def __contains__(self, name):
        return name.lower() in self._props

    def get(self, name, default=None):
        return self[name] if name in self else default

    def items(self):
        return [(name, value) for name, value in self._props.values()]

    def names(self):
        return [name for name, _ in self._props.values()]

    def __repr__(self):
        return f"PSObject({self.cim_class or 'custom'}, {dict(self.items())!r})"


class Hashtable(dict):
    """@{...}: case-insensitive keys; iteration order is insertion order here (PowerShell's is a hash order,
    so scripts that need an order use [ordered] or [pscustomobject])."""

    def _key(self, key):
        if isinstance(key, str):
            for existing in self.keys():
                if isinstance(existing, str) and existing.lower() == key.lower():
                    return existing
        return key

    def __getitem__(self, key):
        return dict.get(self, self._key(key))

    def __setitem__(self, key, value):
        dict.__setitem__(self, self._key(key), value)

    def __contains__(self, key):
        return dict.__contains__(self, self._key(key))


class ScriptBlock:
    def __init__(self, node, text: str):
        self.node, self.text = node, text

    def __str__(self):
        return self.text


class PSChar(str):
    """A [char]: MSFT_Partition.DriveLetter is one, NUL ("\\0") when the partition has no letter."""


class ErrorRecord:
    """An error: a cmdlet's, a native program's stderr line (NativeCommandError), or a throw."""

    def __init__(self, message, error_id="", category="NotSpecified", target="", activity="",
                 exception="RuntimeException", invocation=None, native=False):
        self.message, self.error_id, self.category = message, error_id, category
        self.target, self.activity, self.exception = target, activity, exception
        self.invocation = invocation        # (line, column, line text, width) where it happened
        self.native = native

    def __str__(self):
        return self.message


class PSRuntimeError(Exception):
    """A terminating error travelling up to the nearest try/catch, or out of the script."""

    def __init__(self, record: ErrorRecord):
        super().__init__(record.message)
        self.record = record


class NotModelled(Exception):
    """A construct or command the simulated guest does not model: the script fails, naming it."""

    def __init__(self, what: str, node_text: str = "", line: int = 0):
        super().__init__(what)
        self.what, self.node_text, self.line = what, node_text, line


class _Switch:
    """A parameter given without a value (``-Force``): true, and told apart from an explicit ``$true``."""

    def __bool__(self):
        return True


SWITCH = _Switch()


def to_str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, tuple)):
        return " ".join(to_str(v) for v in value)
    if isinstance(value, bytes):
        return " ".join(str(b) for b in value)
    if isinstance(value, PSObject):
        if value.cim_class:
            return value.cim_class
        return "@{" + "; ".join(f"{k}={to_str(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Hashtable):
        return "System.Collections.Hashtable"
    return str(value)


def truthy(value) -> bool:
    if isinstance(value, (list, tuple)):
        if len(value) == 0:
            return False
        if len(value) == 1:
            return truthy(value[0])
        return True
    if isinstance(value, str):
        return value != ""
    if value is None:
        return False
    if isinstance(value, (int, float)):
        return value != 0
    return True


def to_number(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if value is None:
        return 0
    text = to_str(value).strip()
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    if re.fullmatch(r"0x[0-9a-fA-F]+", text):
        return int(text, 16)
    try:
        return float(text)
    except ValueError:
        raise PSRuntimeError(ErrorRecord(f'Cannot convert value "{text}" to type "System.Int32". Error: '
                                         f'"Input string was not in a correct format."',
                                         "InvalidCastFromStringToInteger", "InvalidArgument"))


def _coerce(left, right):
    """The right operand converted to the left operand's type (PowerShell's rule)."""
    if isinstance(left, bool):
        return left, truthy(right)
    if isinstance(left, (int, float)) and not isinstance(right, (int, float)):
        return left, to_number(right)
    if isinstance(left, str):
        return left, to_str(right)
    return left, right


def compare(op: str, left, right):
    """-eq, -ne, -gt, -like, -match, -contains, ... (case-insensitive unless the operator starts with c)."""
    op = op.lower().lstrip("-")
    case = op.startswith("c") and op not in ("contains",)
    if op.startswith(("i", "c")) and op[1:] in _SCALAR_OPS + ("contains", "notcontains", "in", "notin"):
        op = op[1:]
    if op in ("contains", "notcontains"):
        items = left if isinstance(left, (list, tuple)) else [left]
        found = any(_scalar("eq", item, right, case) for item in items)
        return found if op == "contains" else not found
    if op in ("in", "notin"):
        return compare("notcontains" if op == "notin" else "contains", right, left)
    if isinstance(left, (list, tuple)):
        return [item for item in left if _scalar(op, item, right, case)]
    return _scalar(op, left, right, case)


_SCALAR_OPS = ("eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch")


def _scalar(op, left, right, case):
    if op in ("like", "notlike"):
        hit = fnmatch.fnmatchcase(to_str(left) if case else to_str(left).lower(),
                                 to_str(right) if case else to_str(right).lower())
        return hit if op == "like" else not hit
    if op in ("match", "notmatch"):
        hit = re.search(to_str(right), to_str(left), 0 if case else re.I) is not None
        return hit if op == "match" else not hit
    if left is None or right is None:
        equal = left is None and right is None
        if op in ("eq", "ne"):
            return equal if op == "eq" else not equal
        left = "" if left is None else left
        right = "" if right is None else right
    left, right = _coerce(left, right)
    if isinstance(left, str) and not case:
        left, right = left.lower(), right.lower()
    table = {"eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "gt": lambda a, b: a > b,
             "ge": lambda a, b: a >= b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b}
    if op not in table:
        raise NotModelled(f"the operator -{op}")
    return table[op](left, right)


def member(value, name: str):
    """$x.Name: a property of an object, a hashtable key, or a few .NET properties (Length, Count)."""
    low = name.lower()
    if isinstance(value, PSObject):
        if name in value:
            return value[name]
        return None
    if isinstance(value, Hashtable):
        if name in value:
            return value[name]
        if low == "count":
            return len(value)
        return None
    if isinstance(value, (list, tuple)):
        if low in ("count", "length"):
            return len(value)
        return [member(v, name) for v in value if member(v, name) is not None]     # member enumeration
    if isinstance(value, (str, bytes)) and low == "length":
        return len(value)
    if isinstance(value, ErrorRecord):
        if low == "exception":
            return PSObject({"Message": value.message}, "System.Exception")
        if low == "fullyqualifiederrorid":
            return value.error_id
        return None
    if value is not None and low == "count":
        return 1
    return None
