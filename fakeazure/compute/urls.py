from ..core.routing import resource_routes
from . import responses as r

SUB = "/subscriptions/{subscriptionId}"
P = SUB + "/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute"
SP = SUB + "/providers/Microsoft.Compute"
LOC = SP + "/locations/{location}"
VM = "Microsoft.Compute/virtualMachines"
VMP = P + "/virtualMachines/{vmName}"
GP = P + "/galleries/{galleryName}"
GIP = GP + "/images/{imageName}"
RC = VMP + "/runCommands"
R = r.VirtualMachineResponse
L = r.LocationResponse

url_table = (
    resource_routes(P + "/virtualMachines", VMP, VM, R, ("GET", "PUT", "PATCH", "DELETE"), SP + "/virtualMachines")
    + [("GET", VMP + "/instanceView", VM, R, "get_instance_view"),
       ("POST", VMP + "/start", VM, R, "start"),
       ("POST", VMP + "/powerOff", VM, R, "power_off"),
       ("POST", VMP + "/restart", VM, R, "restart"),
       ("POST", VMP + "/deallocate", VM, R, "deallocate"),
       ("POST", VMP + "/generalize", VM, R, "generalize"),
       ("POST", VMP + "/retrieveBootDiagnosticsData", VM, R, "retrieve_boot_diagnostics_data"),
       ("POST", VMP + "/runCommand", VM, R, "run_command")]
    + resource_routes(RC, RC + "/{runCommandName}", VM + "/runCommands", r.RunCommandResponse)
    + resource_routes(P + "/availabilitySets", P + "/availabilitySets/{availabilitySetName}",
                      "Microsoft.Compute/availabilitySets", r.AvailabilitySetResponse,
                      subscription_collection=SP + "/availabilitySets")
    + resource_routes(P + "/proximityPlacementGroups", P + "/proximityPlacementGroups/{proximityPlacementGroupName}",
                      "Microsoft.Compute/proximityPlacementGroups", r.ProximityPlacementGroupResponse,
                      subscription_collection=SP + "/proximityPlacementGroups")
    + resource_routes(P + "/disks", P + "/disks/{diskName}", "Microsoft.Compute/disks", r.DiskResponse,
                      ("GET", "PUT", "PATCH", "DELETE"), SP + "/disks")
    + resource_routes(P + "/snapshots", P + "/snapshots/{snapshotName}", "Microsoft.Compute/snapshots",
                      r.SnapshotResponse, ("GET", "PUT", "PATCH", "DELETE"), SP + "/snapshots")
    + resource_routes(P + "/images", P + "/images/{imageName}", "Microsoft.Compute/images", r.ImageResponse,
                      subscription_collection=SP + "/images")
    + resource_routes(P + "/galleries", GP, "Microsoft.Compute/galleries", r.GalleryResponse,
                      subscription_collection=SP + "/galleries")
    + resource_routes(GP + "/images", GIP, "Microsoft.Compute/galleries/images", r.GalleryImageResponse)
    + resource_routes(GIP + "/versions", GIP + "/versions/{versionName}", "Microsoft.Compute/galleries/images/versions",
                      r.GalleryVersionResponse)
    + [  # SKUs, sizes, quotas
       ("GET", SP + "/skus", "Microsoft.Compute/skus", L, "list_skus"),
       ("GET", LOC + "/vmSizes", "Microsoft.Compute/locations/vmSizes", L, "list_vm_sizes"),
       ("GET", LOC + "/usages", "Microsoft.Compute/locations/usages", L, "list_usages"),
       # operation status (Azure-AsyncOperation; &monitor=true is the Location form)
       ("GET", LOC + "/operations/{operationId}", "Microsoft.Compute/locations/operations", L, "operation_status"),
       ("GET", LOC + "/DiskOperations/{operationId}", "Microsoft.Compute/locations/DiskOperations", L,
        "operation_status"),
       ("GET", LOC + "/capsOperations/{operationId}", "Microsoft.Compute/locations/capsOperations", L,
        "caps_operation_status")]
)
