"""Hyper-V in the simulated guest: ``Install-WindowsFeature Hyper-V`` and the Hyper-V cmdlets a nested rescue
uses (New-VM, Add-VMHardDiskDrive, Start-VM, Stop-VM, Remove-VM, Get-VM), each ``f(engine, bound, input)``.

State lives in the running guest's session (it survives a reboot, as installed features and Hyper-V VMs do):
``features`` {name: "installed" | "pending"} (a feature whose install needs a restart is pending until the next
boot, see boot.py), ``hyperv_vms`` {lower name: {"Name", "Generation", "MemoryStartupBytes", "State", "disks":
[disk number], "screen"}}. A physical disk can be given to a VM only while it is Offline on the host (as Hyper-V
requires for pass-through disks); Start-VM boots that disk's guest (it shows what it would show on Azure, e.g.
the OOBE page it waits on). What a person then does in the VM's console is :func:`boot.user_finishes_oobe`.

Knowingly left out: whether the host VM exposes virtualization (Azure's size and security type decide that; the
fake's compute side does not tell the guest), virtual switches and NAT, VHDs, checkpoints, integration services.
The cmdlets' error wordings are not verified (fakeazure/UNVERIFIED.md).
"""

from __future__ import annotations

from .ps_values import PSObject, truthy

# The guest's boot (boot.boot), set by boot.py: importing it here would close a circle (boot -> interpreter ->
# cmdlets -> here), which the layering contract forbids.
BOOT = None

SWITCHES = {"install-windowsfeature": {"includemanagementtools", "restart"}, "new-vm": {"novhd"},
            "stop-vm": {"turnoff", "force"}, "remove-vm": {"force"}, "start-vm": set(), "get-vm": set(),
            "add-vmharddiskdrive": set()}


def _session(engine):
    return engine.ctx.guest.session


def _vms(engine):
    return _session(engine).setdefault("hyperv_vms", {})


def _hyperv_ready(engine, bound):
    if _session(engine).get("features", {}).get("Hyper-V") == "installed":
        return True
    bound.error(engine, f"The term '{bound.typed}' is not recognized as the name of a cmdlet, function, script file, "
                        "or operable program. Check the spelling of the name, or if a path was included, verify "
                        "that the path is correct and try again.", "CommandNotFoundException", "ObjectNotFound",
                bound.typed, "CommandNotFoundException")
    return False


def install_windowsfeature(engine, bound, stream):
    name = str(bound.get("name", position=0) or "")
    features = _session(engine).setdefault("features", {})
    if name.lower() != "hyper-v":
        bound.error(engine, f"ArgumentNotValid: The role, role service, or feature name is not valid: '{name}'. The "
                            "name was not found.", "NameDoesNotExist", "InvalidArgument", name)
        return []
    already = features.get("Hyper-V")
    if already is None:
        features["Hyper-V"] = "pending"
        engine.ctx.effects.append("feature Hyper-V installed: restart needed")
    restart = "No" if already == "installed" else "Yes"
    if bound.has("restart") and restart == "Yes":
        engine.ctx.effects.append("restart")
    return [PSObject({"Success": True, "RestartNeeded": restart,
                      "FeatureResult": "{Hyper-V}" if already is None else "{}",
                      "ExitCode": "SuccessRestartRequired" if restart == "Yes" else "NoChangeNeeded"},
                     type_name="Microsoft.Windows.ServerManager.Commands.FeatureOperationResult")]


def _vm_object(vm):
    return PSObject({"Name": vm["Name"], "State": vm["State"], "Generation": vm["Generation"],
                     "MemoryStartup": vm["MemoryStartupBytes"]},
                    type_name="Microsoft.HyperV.PowerShell.VirtualMachine")


def _find(engine, bound, key="name"):
    name = str(bound.get(key, "vmname", position=0) or "")
    vm = _vms(engine).get(name.lower())
    if vm is None:
        bound.error(engine, f"Hyper-V was unable to find a virtual machine with name \"{name}\".",
                    "InvalidParameter", "InvalidArgument", name, "VirtualizationException")
    return vm


def _ready_vm(engine, bound, key="name"):
    """The VM a cmdlet names, or None once the error is written (Hyper-V not installed, or no such VM)."""
    return _find(engine, bound, key) if _hyperv_ready(engine, bound) else None


def new_vm(engine, bound, stream):
    if not _hyperv_ready(engine, bound):
        return []
    name = str(bound.get("name", position=0) or "New Virtual Machine")
    if name.lower() in _vms(engine):
        bound.error(engine, f"Failed to create a new virtual machine: a virtual machine named '{name}' already "
                            "exists.", "OperationFailed", "NotSpecified", name, "VirtualizationException")
        return []
    vm = {"Name": name, "Generation": int(bound.get("generation", default=1)), "State": "Off", "disks": [],
          "MemoryStartupBytes": int(bound.get("memorystartupbytes", default=1024 ** 3)), "screen": None}
    _vms(engine)[name.lower()] = vm
    engine.ctx.effects.append(f"Hyper-V VM {name} created (generation {vm['Generation']})")
    return [_vm_object(vm)]


def add_vmharddiskdrive(engine, bound, stream):
    vm = _ready_vm(engine, bound, "vmname")
    if vm is None:
        return []
    number = bound.get("disknumber")
    disk = engine.ctx.disks.disk(int(number)) if number is not None else None
    if disk is None or disk.role != "data" or disk.online:
        bound.error(engine, f"Failed to add device 'Physical Disk Drive'. The physical disk {number} is not offline "
                            "on the host or is not a data disk.", "InvalidParameter", "InvalidArgument",
                    str(number), "VirtualizationException")
        return []
    if vm["Generation"] == 1 and str(bound.get("controllertype", default="IDE")).upper() != "IDE":
        bound.error(engine, "A generation 1 virtual machine boots only from an IDE controller.", "InvalidParameter",
                    "InvalidArgument", vm["Name"], "VirtualizationException")
        return []
    vm["disks"].append(disk.number)
    engine.ctx.effects.append(f"Hyper-V VM {vm['Name']}: physical disk {disk.number} attached")
    return []


def start_vm(engine, bound, stream):
    vm = _ready_vm(engine, bound)
    if vm is None:
        return []
    disks = [engine.ctx.disks.disk(n) for n in vm["disks"]]
    guest = disks[0].guest if disks and disks[0] is not None else None
    if guest is None or getattr(guest, "generation", "V1") != ("V2" if vm["Generation"] == 2 else "V1"):
        bound.error(engine, f"'{vm['Name']}' failed to start: its boot disk is missing or of another generation.",
                    "OperationFailed", "NotSpecified", vm["Name"], "VirtualizationException")
        return []
    vm["State"] = "Running"
    vm["screen"] = BOOT(guest).screen_id if BOOT is not None else None
    engine.ctx.effects.append(f"Hyper-V VM {vm['Name']} started: screen {vm['screen']}")
    return []


def stop_vm(engine, bound, stream):
    vm = _ready_vm(engine, bound)
    if vm is not None:
        vm["State"] = "Off"
        engine.ctx.effects.append(f"Hyper-V VM {vm['Name']} turned off")
    return []


def remove_vm(engine, bound, stream):
    vm = _ready_vm(engine, bound)
    if vm is None:
        return []
    if vm["State"] != "Off":
        bound.error(engine, f"'{vm['Name']}' is running: turn it off before removing it.", "InvalidState",
                    "InvalidOperation", vm["Name"], "VirtualizationException")
        return []
    del _vms(engine)[vm["Name"].lower()]
    engine.ctx.effects.append(f"Hyper-V VM {vm['Name']} removed")
    return []


def get_vm(engine, bound, stream):
    if not _hyperv_ready(engine, bound):
        return []
    name = bound.get("name", position=0)
    if name is not None:
        vm = _find(engine, bound)
        return [_vm_object(vm)] if vm is not None else []
    return [_vm_object(vm) for vm in _vms(engine).values()]


CMDLETS = {"install-windowsfeature": install_windowsfeature, "add-windowsfeature": install_windowsfeature,
           "new-vm": new_vm, "add-vmharddiskdrive": add_vmharddiskdrive, "start-vm": start_vm, "stop-vm": stop_vm,
           "remove-vm": remove_vm, "get-vm": get_vm}


def finish_pending_features(guest) -> list[str]:
    """At boot: features installed with a restart pending are installed now."""
    features = guest.session.get("features") or {}
    done = [name for name, state in features.items() if state == "pending"]
    for name in done:
        features[name] = "installed"
    return done


__all__ = ["CMDLETS", "SWITCHES", "finish_pending_features", "truthy"]
