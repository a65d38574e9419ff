"""Reading what the rescue scripts print (``scripts/get-disks.ps1``'s JSON, bcdedit's ``/enum`` text) and the
decisions taken from it: which disk is the copy, which partition holds Windows, which the BCD store."""
import re

from azext_vmbootfix.repair.recreate import StepFailed

def parse_disks(doc):
    """get-disks.ps1's JSON: ([{"number", "status", "style", "offlineReason"}], {disk number: [partitions]}),
    a partition being {"number", "letter" (None without one), "sizeMb", "type"}."""
    def as_list(value):
        return value if isinstance(value, list) else ([] if value is None else [value])
    disks = [{"number": int(d["Number"]), "status": d.get("OperationalStatus") or
              ("Offline" if d.get("IsOffline") else "Online"), "style": d.get("PartitionStyle"),
              "offlineReason": d.get("OfflineReason")} for d in as_list((doc or {}).get("Disks"))]
    parts = {}
    for p in as_list((doc or {}).get("Partitions")):
        letter = (p.get("DriveLetter") or "").strip("\x00 ")
        parts.setdefault(int(p["DiskNumber"]), []).append(
            {"number": int(p["PartitionNumber"]), "letter": letter if letter.isalpha() else None,
             "sizeMb": float(p.get("Size") or 0) / (1024 * 1024), "type": p.get("Type")})
    return disks, parts


def parse_bcd_enum(text):
    """``bcdedit /enum`` output: [{"title", fields...}] (field names lower-case, values as printed)."""
    blocks, current, last = [], None, None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and re.match(r"^-{4,}\s*$", lines[i + 1]) and line.strip():
            current = {"title": line.strip()}
            blocks.append(current)
            continue
        if current is None or re.match(r"^-{4,}\s*$", line) or not line.strip():
            continue
        match = re.match(r"^(\S+)\s{2,}(.*)$", line)
        if match:
            last = match.group(1).lower()
            current[last] = match.group(2).strip()
        elif line.startswith(" ") and last:
            current[last] += " " + line.strip()
    return blocks


def copy_disk_of(doc):
    """(disk number, partitions) of the fixed copy: the highest-numbered disk. The rescue VM has one data disk
    (the copy at LUN 0); disk 0 is its own OS disk and the temporary disk, when the size has one, comes before
    the data disks."""
    disks, parts = parse_disks(doc)
    if not disks or max(d["number"] for d in disks) == 0:
        raise StepFailed("the rescue VM does not see the attached copy (Get-Disk lists no data disk)")
    disk = max(disks, key=lambda d: d["number"])
    if disk["status"] == "Offline":
        raise StepFailed(
            "the copy is Offline on the rescue VM: Azure images bring new disks online (SAN policy OnlineAll), so "
            "its disk signature probably collides with the rescue VM's own disk. Bringing it online would make "
            "Windows write a new signature and the copy's BCD would no longer find its partitions (0xc000000e).",
            "Roll back (`az vm boot-fix rollback`) and report the rescue image used; the plan picks another "
            "Windows Server version than the broken disk to avoid exactly this.")
    return disk, parts.get(disk["number"], [])


def windows_partition(parts):
    ntfs = [p for p in parts if p["type"] in ("Basic", "IFS") and p["letter"]]
    if not ntfs:
        raise StepFailed("no lettered NTFS partition on the copy: Windows did not mount its Windows partition")
    return max(ntfs, key=lambda p: p["sizeMb"])


def system_partition(parts, generation):
    """The partition holding the BCD store: EFI ("System") on Gen2, System Reserved (first, small NTFS) on Gen1."""
    if generation == "V2":
        found = [p for p in parts if p["type"] == "System"]
    else:
        found = [p for p in parts if p["type"] in ("IFS", "Basic") and p["sizeMb"] < 2048]
    if not found:
        raise StepFailed("no {} partition on the copy".format("EFI" if generation == "V2" else "System Reserved"))
    return found[0]


def ems_verified(text, loader):
    """True when the verification ``/enum`` output shows every setting of the article's steps 9-10."""
    by_id = {}
    for block in parse_bcd_enum(text):
        by_id[(block.get("identifier") or "").lower()] = block
    bootmgr, entry, ems = by_id.get("{bootmgr}", {}), by_id.get(loader.lower(), {}), by_id.get("{emssettings}", {})
    return (bootmgr.get("displaybootmenu", "").lower() == "yes" and bootmgr.get("timeout") == "5"
            and bootmgr.get("bootems", "").lower() == "yes" and entry.get("ems", "").lower() == "yes"
            and ems.get("emsport") == "1" and ems.get("emsbaudrate") == "115200")


def bcd_store(letter, generation):
    return "{}:\\EFI\\Microsoft\\Boot\\BCD".format(letter) if generation == "V2" else "{}:\\Boot\\BCD".format(letter)
