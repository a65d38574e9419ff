"""The Storage module's objects as CIM instances (MSFT_Disk, MSFT_Partition, MSFT_Volume) and its cmdlets:
Get-Disk, Set-Disk (-IsOffline, -IsReadOnly), Get-Partition, Set-Partition -NewDriveLetter,
Add-PartitionAccessPath (-AccessPath X: or -AssignDriveLetter), Get-Volume, each ``f(engine, bound, input)``.

Property names and values as Windows shows them (MSFT_Disk / MSFT_Partition on Microsoft Learn; the
Storage.types.ps1xml script properties turn PartitionStyle, OperationalStatus, HealthStatus and the partition
Type into text, MicrosoftDocs/windows-driver-docs#3748). An Azure disk is "Msft Virtual Disk"; its path ends
with the disk interface class GUID, ``...#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}``
(kubernetes-sigs/azuredisk-csi-driver#2661 shows one). Errors use the Storage module's texts,
e.g. "No MSFT_Disk objects found with property 'Number' equal to '7'. Verify the value of the property and
retry." (n2501r/spiderzebra#1 quotes the MSFT_Partition one).
"""

from __future__ import annotations

import hashlib

from .cmd_storage import _assign as diskpart_assign
from .ps_values import NotModelled, PSChar, PSObject, to_str, truthy

SWITCHES = {"add-partitionaccesspath": {"assigndriveletter", "passthru"}, "set-disk": set()}
DISK_INTERFACE = "{53f56307-b6bf-11d0-94f2-00a0c91efb8b}"
MB = 1024 * 1024


def disk_path(ctx, disk) -> str:
    seed = hashlib.sha256(str(getattr(ctx.guest, "uid", "vm")).encode()).hexdigest()[:7]
    return f"\\\\?\\scsi#disk&ven_msft&prod_virtual_disk#5&{seed}&0&{disk.number:06d}#{DISK_INTERFACE}"


def disk_object(ctx, disk) -> PSObject:
    collision = bool(disk.state.get("collision")) and not disk.online
    size = sum(p.size_mb for p in disk.partitions) * MB + 2 * MB if disk.partitions else disk.size_gb * 1024 * MB
    obj = PSObject({
        "Number": disk.number, "FriendlyName": "Msft Virtual Disk", "SerialNumber": "",
        "HealthStatus": "Healthy", "OperationalStatus": "Online" if disk.online else "Offline",
        "Size": size, "PartitionStyle": disk.style, "IsOffline": not disk.online,
        "OfflineReason": ("Collision" if collision else "Policy") if not disk.online else None,
        "IsReadOnly": bool(disk.state.get("readonly")), "IsBoot": disk.role == "os", "IsSystem": disk.role == "os",
        "BusType": "SAS", "NumberOfPartitions": len(disk.partitions), "Path": disk_path(ctx, disk),
        "Location": f"Integrated : Adapter {1 if disk.role == 'data' else 0} : Port 0 : Target 0 : "
                    f"LUN {max(0, disk.number - 2) if disk.role == 'data' else 0}",
        "Manufacturer": "Msft", "Model": "Virtual Disk"}, cim_class="MSFT_Disk",
        type_name="Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/Storage/MSFT_Disk")
    obj.backing = disk
    return obj


def partition_type(disk, part) -> str:
    if disk.style == "GPT":
        return {"efi": "System", "msr": "Reserved", "linux": "Unknown"}.get(part.kind, "Basic")
    return {"linux": "Unknown"}.get(part.kind, "IFS")


def partition_objects(ctx, disk) -> list[PSObject]:
    out, offset = [], MB
    for part in disk.partitions:
        letter = ctx.disks.letter_of(disk, part)
        size = part.size_mb * MB
        obj = PSObject({
            "DiskNumber": disk.number, "PartitionNumber": part.number,
            "DriveLetter": PSChar(letter or "\0"), "Offset": offset, "Size": size,
            "Type": partition_type(disk, part),
            "GptType": {"efi": "{c12a7328-f81f-11d2-ba4b-00a0c93ec93b}", "msr": "{e3c9e316-0b5c-4db8-817d-f92df00215ae}"}
            .get(part.kind, "{ebd0a0a2-b9e5-4433-87c0-68b6b72699c7}") if disk.style == "GPT" else None,
            "MbrType": (7 if part.kind != "linux" else 131) if disk.style == "MBR" else None,
            "DiskPath": disk_path(ctx, disk), "DiskId": disk_path(ctx, disk),
            "AccessPaths": ([f"{letter}:\\"] if letter else []),
            "IsActive": disk.style == "MBR" and part.kind == "system-reserved",
            "IsBoot": disk.role == "os" and part.kind == "windows",
            "IsSystem": disk.role == "os" and part.kind in ("efi", "system-reserved"),
            "IsHidden": part.kind == "msr", "IsOffline": not disk.online,
            "IsReadOnly": bool(disk.state.get("readonly")), "NoDefaultDriveLetter": part.kind in ("efi", "msr")},
            cim_class="MSFT_Partition",
            type_name="Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/Storage/MSFT_Partition")
        obj.backing = (disk, part)
        out.append(obj)
        offset += size
    return out


def volume_objects(ctx) -> list[PSObject]:
    return [PSObject({"DriveLetter": PSChar(letter or "\0"), "FriendlyName": label,
                      "FileSystemLabel": label, "FileSystemType": part.filesystem or "Unknown",
                      "DriveType": "Fixed", "HealthStatus": "Healthy", "OperationalStatus": "OK",
                      "SizeRemaining": part.size_mb * MB // 2, "Size": part.size_mb * MB},
                     cim_class="MSFT_Volume",
                     type_name="Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/"
                               "Storage/MSFT_Volume")
            for _disk, part, letter, label in ctx.disks.volumes()]


def not_found(cls: str, prop: str, value) -> str:
    return (f"No {cls} objects found with property '{prop}' equal to '{to_str(value)}'. Verify the value of "
            f"the property and retry.")


# -- cmdlets ------------------------------------------------------------------------------------------
def get_disk(engine, bound, stream):
    number = bound.get("number", position=0)
    disks = [d for d in engine.ctx.disks.disks if number is None or d.number == int(number)]
    if number is not None and not disks:
        bound.error(engine, not_found("MSFT_Disk", "Number", number), "CmdletizationQuery_NotFound_Number",
                    "ObjectNotFound", f"{number}:UInt32")
        return []
    return [disk_object(engine.ctx, d) for d in disks]


def set_disk(engine, bound, stream):
    ctx = engine.ctx
    targets = [o.backing for o in (stream or []) if isinstance(o, PSObject) and o.cim_class == "MSFT_Disk"]
    number = bound.get("number", position=0)
    if number is not None:
        disk = ctx.disks.disk(int(number))
        if disk is None:
            bound.error(engine, not_found("MSFT_Disk", "Number", number),
                        "CmdletizationQuery_NotFound_Number", "ObjectNotFound", f"{number}:UInt32")
            return []
        targets = [disk]
    for disk in targets:
        if bound.has("isoffline"):
            offline = truthy(bound.get("isoffline"))
            if disk.role != "data" and offline:
                bound.error(engine, "The requested operation is not supported.", "MI RESULT 7", "NotSpecified",
                            "StorageWMI:ROOT/Microsoft/...")
                continue
            if not offline and not disk.online:
                ctx.effects.extend(ctx.disks.bring_online(disk))
            elif offline and disk.online:
                disk.state["online"] = False
                ctx.effects.append(f"disk {disk.number} offline")
        if bound.has("isreadonly"):
            disk.state["readonly"] = truthy(bound.get("isreadonly"))
            ctx.effects.append(f"disk {disk.number} readonly={'yes' if disk.state['readonly'] else 'no'}")
    return []


def get_partition(engine, bound, stream):
    ctx = engine.ctx
    number, part_no = bound.get("disknumber"), bound.get("partitionnumber")
    letter = bound.get("driveletter")
    out = []
    for disk in ctx.disks.disks:
        if number is not None and disk.number != int(number):
            continue
        out += partition_objects(ctx, disk)
    if part_no is not None:
        out = [p for p in out if p["PartitionNumber"] == int(part_no)]
    if letter is not None:
        out = [p for p in out if p["DriveLetter"].upper() == to_str(letter).upper()[:1]]
    if not out and (number is not None or letter is not None or part_no is not None):
        prop, value = ("DriveLetter", letter) if letter is not None else \
            (("DiskNumber", number) if part_no is None else ("PartitionNumber", part_no))
        bound.error(engine, not_found("MSFT_Partition", prop, value),
                    f"CmdletizationQuery_NotFound_{prop}", "ObjectNotFound", f"{value}:UInt32")
    return out


def _assign_letter(engine, bound, letter):
    ctx = engine.ctx
    number, part_no = bound.get("disknumber"), bound.get("partitionnumber")
    disk = ctx.disks.disk(int(number)) if number is not None else None
    part = next((p for p in disk.partitions if p.number == int(part_no)), None) if disk and part_no is not None \
        else None
    if part is None:
        bound.error(engine, not_found("MSFT_Partition", "PartitionNumber", part_no),
                    "CmdletizationQuery_NotFound_PartitionNumber", "ObjectNotFound", f"{part_no}:UInt32")
        return []
    words = ["assign", "letter", "=", letter.upper()] if letter else ["assign"]
    ok, message = diskpart_assign(ctx, disk, part, words)
    if not ok:
        bound.error(engine, message.strip().splitlines()[-1], "StorageWMI 42002", "InvalidArgument",
                    "StorageWMI:ROOT/Microsoft/.../MSFT_Partition")
    return []


def set_partition(engine, bound, stream):
    letter = bound.get("newdriveletter")
    if letter is None:
        raise NotModelled("Set-Partition without -NewDriveLetter", "", bound.where[0])
    return _assign_letter(engine, bound, to_str(letter)[:1])


def add_partitionaccesspath(engine, bound, stream):
    path = bound.get("accesspath")
    if path is not None and not (len(to_str(path).rstrip("\\")) == 2 and to_str(path)[1] == ":"):
        raise NotModelled("mount folders (Add-PartitionAccessPath to a folder)", "", bound.where[0])
    return _assign_letter(engine, bound, to_str(path)[:1] if path is not None else "")


def get_volume(engine, bound, stream):
    letter = bound.get("driveletter", position=0)
    vols = volume_objects(engine.ctx)
    if letter is not None:
        vols = [v for v in vols if v["DriveLetter"].upper() == to_str(letter).upper()[:1]]
        if not vols:
            bound.error(engine, not_found("MSFT_Volume", "DriveLetter", letter),
                        "CmdletizationQuery_NotFound_DriveLetter", "ObjectNotFound", f"{letter}:Char")
    return vols


CMDLETS = {"get-disk": get_disk, "set-disk": set_disk, "get-partition": get_partition, "set-partition": set_partition,
           "add-partitionaccesspath": add_partitionaccesspath, "get-volume": get_volume}
