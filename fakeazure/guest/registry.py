"""Registry hives of the simulated Windows guest.

A hive is a flat map from key path (relative to the hive root, case-insensitive,
backslash separated) to that key's values.  Values keep their registry type:
REG_SZ / REG_EXPAND_SZ -> str, REG_DWORD / REG_QWORD -> int, REG_MULTI_SZ ->
list[str], REG_BINARY / REG_NONE -> hex string.  The guest owns two hives,
SYSTEM and SOFTWARE (the files Windows\\System32\\config\\SYSTEM|SOFTWARE);
they are the source of truth for the Setup state that `boot()` reads, so a
`reg add` on a loaded offline hive really changes the next boot.

Knowingly left out: security descriptors, volatile keys, symbolic links other
than CurrentControlSet on a running system, transaction logs, the SAM hive
(accounts are modelled directly on the guest, see model.Account).
"""

from __future__ import annotations

import copy

STRING_TYPES = ("REG_SZ", "REG_EXPAND_SZ")
INT_TYPES = ("REG_DWORD", "REG_QWORD")
ALL_TYPES = STRING_TYPES + INT_TYPES + ("REG_MULTI_SZ", "REG_BINARY", "REG_NONE")


def norm_key(path: str) -> str:
    parts = [p for p in str(path).replace("/", "\\").split("\\") if p]
    return "\\".join(parts)


class Hive:
    """One registry hive: {key path: {value name: (type, data)}}, case-preserving, case-insensitive."""

    def __init__(self, name: str, keys: dict | None = None):
        self.name = name
        self._keys: dict[str, tuple[str, dict]] = {}  # lower path -> (path, {lower name: [name, type, data]})
        for path, values in (keys or {}).items():
            self.create_key(path)
            for value_name, (value_type, data) in values.items():
                self.set(path, value_name, value_type, data)

    # --- keys -------------------------------------------------------------
    def create_key(self, path: str) -> None:
        parts = norm_key(path).split("\\") if norm_key(path) else []
        for i in range(1, len(parts) + 1):
            sub = "\\".join(parts[:i])
            self._keys.setdefault(sub.lower(), (sub, {}))

    def key_exists(self, path: str) -> bool:
        path = norm_key(path)
        return path == "" or path.lower() in self._keys

    def subkeys(self, path: str) -> list[str]:
        """Full paths of the direct children of `path`."""
        prefix = norm_key(path).lower()
        depth = prefix.count("\\") + 1 if prefix else 0
        children = []
        for low, (real, _) in self._keys.items():
            if prefix and not low.startswith(prefix + "\\"):
                continue
            if low.count("\\") == depth:
                children.append(real)
        return sorted(children, key=str.lower)

    def delete_key(self, path: str) -> bool:
        low = norm_key(path).lower()
        doomed = [k for k in self._keys if k == low or k.startswith(low + "\\")]
        for k in doomed:
            del self._keys[k]
        return bool(doomed)

    # --- values -----------------------------------------------------------
    def values(self, path: str) -> list[tuple[str, str, object]]:
        entry = self._keys.get(norm_key(path).lower())
        if entry is None:
            return []
        return [tuple(v) for v in entry[1].values()]

    def get(self, path: str, name: str, default=None):
        entry = self._keys.get(norm_key(path).lower())
        if entry is None:
            return default
        value = entry[1].get(name.lower())
        return default if value is None else value[2]

    def get_typed(self, path: str, name: str):
        entry = self._keys.get(norm_key(path).lower())
        if entry is None:
            return None
        value = entry[1].get(name.lower())
        return None if value is None else (value[1], value[2])

    def set(self, path: str, name: str, value_type: str, data) -> None:
        if value_type not in ALL_TYPES:
            raise ValueError(f"unknown registry type {value_type}")
        self.create_key(path)
        values = self._keys[norm_key(path).lower()][1]
        old = values.get(name.lower())
        values[name.lower()] = [old[0] if old else name, value_type, data]

    def delete_value(self, path: str, name: str) -> bool:
        entry = self._keys.get(norm_key(path).lower())
        if entry is None or name.lower() not in entry[1]:
            return False
        del entry[1][name.lower()]
        return True

    # --- serialisation ----------------------------------------------------
    def to_dict(self) -> dict:
        out = {}
        for _, (path, values) in sorted(self._keys.items()):
            out[path] = {name: [value_type, copy.deepcopy(data)] for name, value_type, data in values.values()}
        return out

    @classmethod
    def from_dict(cls, name: str, data: dict) -> "Hive":
        return cls(name, {path: {n: tuple(v) for n, v in values.items()} for path, values in data.items()})

    def merge(self, data: dict) -> None:
        """Apply {key: {name: [type, data] | None}} on top (None deletes the value)."""
        for path, values in data.items():
            self.create_key(path)
            for value_name, spec in (values or {}).items():
                if spec is None:
                    self.delete_value(path, value_name)
                else:
                    self.set(path, value_name, spec[0], spec[1])


def format_value(value_type: str, data) -> str:
    """How reg.exe query prints a value's data."""
    if value_type in INT_TYPES:
        return hex(int(data))
    if value_type == "REG_MULTI_SZ":
        return "\\0".join(data)
    if value_type in ("REG_BINARY", "REG_NONE"):
        return str(data).upper()
    return str(data)


def parse_data(value_type: str, text: str | None, separator: str = "\\0"):
    """Convert reg.exe /d text to stored data; raises ValueError like reg.exe's 'Invalid syntax'."""
    text = "" if text is None else text
    if value_type in INT_TYPES:
        if text == "":
            return 0
        value = int(text, 16) if text.lower().startswith("0x") else int(text, 10)
        limit = 2 ** 32 if value_type == "REG_DWORD" else 2 ** 64
        if not 0 <= value < limit:
            raise ValueError(text)
        return value
    if value_type == "REG_MULTI_SZ":
        return [p for p in text.split(separator)] if text else []
    if value_type in ("REG_BINARY", "REG_NONE"):
        if any(c not in "0123456789abcdefABCDEF" for c in text):
            raise ValueError(text)
        return text.upper()
    return text


# --- well-known locations --------------------------------------------------
SETUP = "Setup"
CHILD_COMPLETION = "Setup\\Status\\ChildCompletion"
SYSPREP_STATUS = "Setup\\Status\\SysprepStatus"
COMPUTER_NAME = "ControlSet001\\Control\\ComputerName\\ComputerName"
TCPIP_PARAMS = "ControlSet001\\Services\\Tcpip\\Parameters"
IMAGE_STATE_KEY = "Microsoft\\Windows\\CurrentVersion\\Setup\\State"
NT_CURRENT_VERSION = "Microsoft\\Windows NT\\CurrentVersion"

HIVE_FILES = {
    "SYSTEM": "Windows\\System32\\config\\SYSTEM",
    "SOFTWARE": "Windows\\System32\\config\\SOFTWARE",
    "DEFAULT": "Windows\\System32\\config\\DEFAULT",
}
