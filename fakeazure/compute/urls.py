from .responses import ComputeResponse as R

SUB = "/subscriptions/{subscriptionId}"
RG = SUB + "/resourceGroups/{resourceGroupName}"
P = RG + "/providers/Microsoft.Compute"
LOC = SUB + "/providers/Microsoft.Compute/locations/{location}"
VM = "Microsoft.Compute/virtualMachines"

url_table = [
    ("GET", P + "/virtualMachines/{vmName}", VM, R, "get_vm"),
    ("GET", P + "/virtualMachines/{vmName}/instanceView", VM, R, "get_instance_view"),
    ("GET", P + "/virtualMachines", VM, R, "list_vms"),
    ("GET", SUB + "/providers/Microsoft.Compute/virtualMachines", VM, R, "list_all_vms"),
    ("GET", P + "/disks/{diskName}", "Microsoft.Compute/disks", R, "get_disk"),
    ("GET", P + "/disks", "Microsoft.Compute/disks", R, "list_disks"),
    ("GET", LOC + "/operations/{operationId}", "Microsoft.Compute/locations/operations", R, "operation_status"),
    ("GET", LOC + "/DiskOperations/{operationId}", "Microsoft.Compute/locations/DiskOperations", R,
     "operation_status"),
]

from .guest_responses import url_table as _guest_urls  # noqa: E402  boot diagnostics, Run Command
url_table = url_table + _guest_urls
