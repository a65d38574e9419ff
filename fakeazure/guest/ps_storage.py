"""The Storage module's objects as CIM instances (MSFT_Disk, MSFT_Partition, MSFT_Volume) and its cmdlets.

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

from .ps_values import PSChar, PSObject, to_str

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
    out = []
    for disk in ctx.disks.disks:
        if not disk.online:
            continue
        for part in disk.partitions:
            if part.kind == "msr":
                continue
            letter = ctx.disks.letter_of(disk, part)
            label = "Temporary Storage" if disk.role == "temp" else part.label
            obj = PSObject({"DriveLetter": PSChar(letter or "\0"), "FriendlyName": label,
                            "FileSystemLabel": label, "FileSystemType": part.filesystem or "Unknown",
                            "DriveType": "Fixed", "HealthStatus": "Healthy", "OperationalStatus": "OK",
                            "SizeRemaining": part.size_mb * MB // 2, "Size": part.size_mb * MB},
                           cim_class="MSFT_Volume",
                           type_name="Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/"
                                     "Storage/MSFT_Volume")
            out.append(obj)
    return out


def not_found(cls: str, prop: str, value) -> str:
    return (f"No {cls} objects found with property '{prop}' equal to '{to_str(value)}'. Verify the value of "
            f"the property and retry.")
