"""The Azure RBAC actions the repair steps perform, by their documented names.

Source: Learn, "Azure permissions for Compute" and "Azure permissions for Networking" (the resource provider
operations tables). Each step class declares what its ``apply`` and its ``undo`` need, keyed by the scope the
action is checked at (:data:`SCOPES`); :mod:`.preflight` derives the plan's permission list, and which locks
block it, from those declarations, so a new step cannot be forgotten.

A bare verb (``"read"``) means that verb on the scope's own resource type (the image may be a managed image or a
gallery image version).

Linked-scope actions (ARM checks them on a resource the request *refers to*, answering 403
``LinkedAuthorizationFailed``): a snapshot or disk copy needs ``disks/beginGetAccess/action`` on its source (quoted
in Azure/OpenShift#186 and kubernetes/kubernetes#93020); a VM needs ``networkInterfaces/join/action`` on its NICs
and a NIC ``virtualNetworks/subnets/join/action`` on its subnet (Learn, "Azure permissions for Networking").
"""

SCOPES = ("vm", "group", "os_disk", "nics", "image", "subnet")
"""vm: the repaired VM; group: its resource group (every resource the run creates goes there); os_disk: its OS
disk; nics: each of its NICs; image: the image the recreate uses; subnet: the subnet of its primary NIC."""

VM_READ = "Microsoft.Compute/virtualMachines/read"
VM_WRITE = "Microsoft.Compute/virtualMachines/write"
VM_DELETE = "Microsoft.Compute/virtualMachines/delete"
VM_START = "Microsoft.Compute/virtualMachines/start/action"
VM_DEALLOCATE = "Microsoft.Compute/virtualMachines/deallocate/action"
VM_GENERALIZE = "Microsoft.Compute/virtualMachines/generalize/action"
VM_INSTANCE_VIEW = "Microsoft.Compute/virtualMachines/instanceView/read"
RUN_COMMAND_ACTION = "Microsoft.Compute/virtualMachines/runCommand/action"  # the action form (not used)
RUN_COMMANDS_READ = "Microsoft.Compute/virtualMachines/runCommands/read"    # managed Run Command
RUN_COMMANDS_WRITE = "Microsoft.Compute/virtualMachines/runCommands/write"
DISK_READ = "Microsoft.Compute/disks/read"
DISK_WRITE = "Microsoft.Compute/disks/write"
DISK_DELETE = "Microsoft.Compute/disks/delete"
DISK_GET_ACCESS = "Microsoft.Compute/disks/beginGetAccess/action"
SNAPSHOT_READ = "Microsoft.Compute/snapshots/read"
SNAPSHOT_WRITE = "Microsoft.Compute/snapshots/write"
VM_EXTENSION_READ = "Microsoft.Compute/virtualMachines/extensions/read"
VM_EXTENSION_WRITE = "Microsoft.Compute/virtualMachines/extensions/write"
NIC_READ = "Microsoft.Network/networkInterfaces/read"
NIC_WRITE = "Microsoft.Network/networkInterfaces/write"
NIC_DELETE = "Microsoft.Network/networkInterfaces/delete"
NIC_JOIN = "Microsoft.Network/networkInterfaces/join/action"
# A public IP's deleteOption is read from it and written through its NIC: checked at the NIC's scope (the public IP
# is most often in the NIC's group; its own scope is not read before the plan runs)
PUBLIC_IP_READ = "Microsoft.Network/publicIPAddresses/read"
PUBLIC_IP_JOIN = "Microsoft.Network/publicIPAddresses/join/action"
SUBNET_JOIN = "Microsoft.Network/virtualNetworks/subnets/join/action"
VNET_READ = "Microsoft.Network/virtualNetworks/read"
VM_RESTART = "Microsoft.Compute/virtualMachines/restart/action"
PIP_READ = "Microsoft.Network/publicIPAddresses/read"        # the nested rescue's way in (rescue_nested.py)
PIP_WRITE = "Microsoft.Network/publicIPAddresses/write"
PIP_DELETE = "Microsoft.Network/publicIPAddresses/delete"
PIP_JOIN = "Microsoft.Network/publicIPAddresses/join/action"
NSG_READ = "Microsoft.Network/networkSecurityGroups/read"
NSG_WRITE = "Microsoft.Network/networkSecurityGroups/write"
NSG_DELETE = "Microsoft.Network/networkSecurityGroups/delete"
NSG_JOIN = "Microsoft.Network/networkSecurityGroups/join/action"
READ = "read"


def verb(action):
    """``read``, ``write``, ``delete`` or ``action`` (a POST): what a lock judges an action by."""
    last = action.rsplit("/", 1)[-1].lower()
    return last if last in ("read", "write", "delete") else "action"


def needs(step_classes, undo=False, params=None):
    """{scope: [actions]} that ``step_classes`` declare (their undo's with ``undo``), each action once per scope,
    with the names of the steps that need it: {scope: {action: [step names]}}. A step whose actions depend on
    the plan's parameters (``params``) says so with a ``declared(undo, params)`` class method."""
    out = {}
    for cls in step_classes:
        if hasattr(cls, "declared"):
            declared = cls.declared(undo, params or {})
        else:
            declared = getattr(cls, "undo_actions" if undo else "actions", None) or {}
        for scope, names in declared.items():
            if scope not in SCOPES:
                raise ValueError("step {} declares an unknown scope {!r}".format(cls.name, scope))
            for action in names:
                out.setdefault(scope, {}).setdefault(action, [])
                if cls.name not in out[scope][action]:
                    out[scope][action].append(cls.name)
    return out
