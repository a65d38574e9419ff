"""diskpart for Run Command: its commands piped in, or a script file (``diskpart /s <file>``).

See disks.py for how disks, online state and drive letters are modelled; the Storage cmdlets (Get-Disk,
Set-Disk, Get-Partition, ...) are in ps_storage.py.
"""

from __future__ import annotations

import re

from .cmd_files import locate

DISKPART_BANNER = ("\nMicrosoft DiskPart version {ver}\n\nCopyright (C) Microsoft Corporation.\n"
                   "On computer: {name}\n")


# --- diskpart -------------------------------------------------------------------

def diskpart_file(ctx, args, line) -> None:
    """``diskpart /s <file>``: the file's lines as diskpart's script."""
    low = [a.lower() for a in args]
    if "/s" not in low or low.index("/s") + 1 >= len(args):
        ctx.unknown.append(line)        # interactive diskpart cannot run under Run Command
        return
    path = args[low.index("/s") + 1]
    located = locate(ctx, path)
    text = None if isinstance(located, str) else located[1].read(located[2])
    if text is None:
        ctx.print("\nMicrosoft DiskPart version 10.0\n\nThe script file specified could not be found.")
        ctx.exit_code = 1
        return
    diskpart(ctx, text.splitlines())


def diskpart(ctx, script_lines: list[str]) -> None:
    out = [DISKPART_BANNER.format(ver=f"{ctx.guest.release.os_version}.1",
                                  name=ctx.guest.computer_name or "")]
    selected_disk, selected_part = None, None
    failed = False
    for raw in script_lines:
        line = raw.strip()
        if not line or line.lower().startswith("rem"):
            continue
        words = line.lower().replace("=", " = ").split()
        out.append(f"DISKPART> {line}\n")
        if words[0] == "exit":
            break
        if words[0] == "list" and len(words) > 1 and words[1] == "disk":
            out.append(_list_disk(ctx, selected_disk))
        elif words[0] == "list" and len(words) > 1 and words[1] == "partition":
            if selected_disk is None:
                out.append("There is no disk selected to list partitions.\n\n"
                           "Select a disk and try again.")
                failed = True
            else:
                out.append(_list_partition(ctx, selected_disk, selected_part))
        elif words[0] == "list" and len(words) > 1 and words[1] == "volume":
            out.append(_list_volume(ctx))
        elif words[:2] == ["select", "disk"] and len(words) > 2:
            disk = ctx.disks.disk(int(words[2])) if words[2].isdigit() else None
            if disk is None:
                out.append("The disk you specified is not valid.\n\nThere is no disk selected.")
                selected_disk, failed = None, True
            else:
                selected_disk, selected_part = disk, None
                out.append(f"Disk {disk.number} is now the selected disk.")
        elif words[:2] == ["select", "partition"] and len(words) > 2:
            if selected_disk is None:
                out.append("There is no disk selected.\n\nPlease select a disk and try again.")
                failed = True
                continue
            number = int(words[2]) if words[2].isdigit() else -1
            part = next((p for p in selected_disk.partitions if p.number == number), None)
            if part is None:
                out.append("The partition you specified is not valid.\nPlease select a valid partition.\n\n"
                           "There is no partition selected.")
                selected_part, failed = None, True
            else:
                selected_part = part
                out.append(f"Partition {number} is now the selected partition.")
        elif words[:2] in (["online", "disk"], ["offline", "disk"]):
            if selected_disk is None:
                out.append("There is no disk selected.\n\nPlease select a disk and try again.")
                failed = True
                continue
            going_online = words[0] == "online"
            if selected_disk.online == going_online:
                out.append("\nVirtual Disk Service error:\nThis disk is already "
                           + ("online." if going_online else "offline."))
                failed = True
                continue
            if selected_disk.role != "data":
                out.append("\nVirtual Disk Service error:\nThe operation is not allowed on the system disk.")
                failed = True
                continue
            if going_online:
                ctx.effects.extend(ctx.disks.bring_online(selected_disk))
            else:
                selected_disk.state["online"] = False
                ctx.effects.append(f"disk {selected_disk.number} offline")
            out.append("DiskPart successfully " + ("onlined" if going_online else "offlined")
                       + " the selected disk.")
        elif words[:2] == ["attributes", "disk"]:
            if selected_disk is None:
                out.append("There is no disk selected.\n\nPlease select a disk and try again.")
                failed = True
            elif len(words) == 2:
                out.append(f"Current Read-only State : {'Yes' if selected_disk.state.get('readonly') else 'No'}\n"
                           f"Read-only  : {'Yes' if selected_disk.state.get('readonly') else 'No'}")
            elif words[2:4] in (["clear", "readonly"], ["set", "readonly"]):
                selected_disk.state["readonly"] = words[2] == "set"
                ctx.effects.append(f"disk {selected_disk.number} readonly={'yes' if words[2] == 'set' else 'no'}")
                out.append("Disk attributes " + ("set" if words[2] == "set" else "cleared") + " successfully.")
            else:
                ctx.unknown.append(f"diskpart: {line}")
        elif words[0] in ("assign", "remove"):
            ok, message = _assign(ctx, selected_disk, selected_part, words)
            out.append(message)
            failed = failed or not ok
        elif words[0] == "rescan":
            out.append("Please wait while DiskPart scans your configuration...\n\n"
                       "DiskPart has finished scanning your configuration.")
        else:
            ctx.unknown.append(f"diskpart: {line}")
            out.append("The arguments specified for this command are not valid.")
            failed = True
        out.append("")
    out.append("Leaving DiskPart...")
    ctx.print("\n".join(out))
    ctx.exit_code = 1 if failed else 0   # diskpart /s stops at errors only with noerr absent; approximated


def _assign(ctx, disk, part, words):
    if disk is None or part is None:
        return False, "There is no volume selected.\nPlease select a volume and try again."
    if not disk.online:
        return False, "\nVirtual Disk Service error:\nThe disk is offline."
    letter = None
    if "letter" in words:
        at = words.index("letter")
        letter = words[at + 2].upper() if len(words) > at + 2 and words[at + 1] == "=" else \
            (words[at + 1].upper() if len(words) > at + 1 else None)
    letters = disk.state.setdefault("letters", {})
    if words[0] == "remove":
        current = letters.get(str(part.number))
        if current is None or (letter and letter != current):
            return False, "\nVirtual Disk Service error:\nThe drive letter is not in use."
        del letters[str(part.number)]
        ctx.effects.append(f"disk {disk.number} partition {part.number}: letter {current}: removed")
        return True, "DiskPart successfully removed the drive letter or mount point."
    if part.kind == "msr":
        return False, "\nVirtual Disk Service error:\nThe operation is not supported by the object."
    if letter is None:
        letter = ctx.disks.next_free_letter()
    if not letter or not re.fullmatch(r"[A-Z]", letter) or letter in ctx.disks.used_letters():
        return False, "\nVirtual Disk Service error:\nThe specified drive letter is not free to be assigned."
    letters[str(part.number)] = letter
    ctx.effects.append(f"disk {disk.number} partition {part.number}: assigned {letter}:")
    return True, "DiskPart successfully assigned the drive letter or mount point."


def _list_disk(ctx, selected) -> str:
    rows = ["  Disk ###  Status         Size     Free     Dyn  Gpt",
            "  --------  -------------  -------  -------  ---  ---"]
    for disk in ctx.disks.disks:
        mark = "*" if disk is selected else " "
        status = "Online" if disk.online else "Offline"
        gpt = "*" if disk.style == "GPT" else ""
        rows.append(f"{mark} Disk {disk.number:<4} {status:<13}  {disk.size_gb:>4} GB      0 B       {gpt}")
    return "\n".join(rows)


def _list_partition(ctx, disk, selected) -> str:
    rows = ["  Partition ###  Type              Size     Offset",
            "  -------------  ----------------  -------  -------"]
    offset_mb = 1
    for part in disk.partitions:
        mark = "*" if part is selected else " "
        kind = {"efi": "System", "msr": "Reserved", "linux": "Unknown"}.get(part.kind, "Primary")
        size = f"{part.size_mb} MB" if part.size_mb < 10240 else f"{part.size_mb // 1024} GB"
        offset = "1024 KB" if offset_mb == 1 else (f"{offset_mb} MB" if offset_mb < 10240 else
                                                   f"{offset_mb // 1024} GB")
        rows.append(f"{mark} Partition {part.number:<4} {kind:<16}  {size:>7}  {offset:>7}")
        offset_mb += part.size_mb
    return "\n".join(rows)


def _list_volume(ctx) -> str:
    rows = ["  Volume ###  Ltr  Label        Fs     Type        Size     Status     Info",
            "  ----------  ---  -----------  -----  ----------  -------  ---------  --------"]
    for number, (disk, part, letter, label) in enumerate(ctx.disks.volumes()):
        info = "Boot" if (disk.role == "os" and part.kind == "windows") else ("System" if disk.role == "os" else "")
        size = f"{part.size_mb} MB" if part.size_mb < 10240 else f"{part.size_mb // 1024} GB"
        rows.append(f"  Volume {number:<3}  {letter or ' ':<3}  {label[:11]:<11}  {part.filesystem:<5}  "
                    f"Partition   {size:>7}  Healthy    {info}")
    return "\n".join(rows)
