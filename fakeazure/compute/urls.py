from ..core.routing import resource_routes
from . import disk_responses as dr
from . import image_responses as ir
from . import marketplace_responses as mr
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
    + [("POST", VMP + "/" + action, VM, R, handler) for action, handler in (
        ("redeploy", "redeploy"), ("reapply", "reapply"), ("performMaintenance", "perform_maintenance"),
        ("reimage", "reimage"), ("simulateEviction", "simulate_eviction"),
        ("convertToManagedDisks", "convert_to_managed_disks"), ("capture", "capture"),
        ("assessPatches", "assess_patches"), ("installPatches", "install_patches"),
        ("attachDetachDataDisks", "attach_detach_data_disks"),
        ("migrateToVirtualMachineScaleSet", "migrate_to_vmss"))]
    + [("GET", VMP + "/vmSizes", VM, R, "list_available_sizes"),
       ("GET", LOC + "/virtualMachines", VM, R, "list_by_location")]
    + resource_routes(VMP + "/extensions", VMP + "/extensions/{vmExtensionName}", VM + "/extensions",
                      r.VmExtensionResponse, ("GET", "PUT", "PATCH", "DELETE"))
    + resource_routes(RC, RC + "/{runCommandName}", VM + "/runCommands", r.RunCommandResponse,
                      ("GET", "PUT", "PATCH", "DELETE"))
    + resource_routes(P + "/availabilitySets", P + "/availabilitySets/{availabilitySetName}",
                      "Microsoft.Compute/availabilitySets", r.AvailabilitySetResponse,
                      ("GET", "PUT", "PATCH", "DELETE"), subscription_collection=SP + "/availabilitySets")
    + resource_routes(P + "/proximityPlacementGroups", P + "/proximityPlacementGroups/{proximityPlacementGroupName}",
                      "Microsoft.Compute/proximityPlacementGroups", r.ProximityPlacementGroupResponse,
                      ("GET", "PUT", "PATCH", "DELETE"), subscription_collection=SP + "/proximityPlacementGroups")
    + resource_routes(P + "/disks", P + "/disks/{diskName}", "Microsoft.Compute/disks", dr.DiskResponse,
                      ("GET", "PUT", "PATCH", "DELETE"), SP + "/disks")
    + resource_routes(P + "/snapshots", P + "/snapshots/{snapshotName}", "Microsoft.Compute/snapshots",
                      dr.SnapshotResponse, ("GET", "PUT", "PATCH", "DELETE"), SP + "/snapshots")
    + [(m, P + "/{}/{{{}}}/{}".format(t, n, a), "Microsoft.Compute/" + t, cls, h)
       for t, n, cls in (("disks", "diskName", dr.DiskResponse), ("snapshots", "snapshotName", dr.SnapshotResponse))
       for m, a, h in (("POST", "beginGetAccess", "begin_get_access"), ("POST", "endGetAccess", "end_get_access"))]
    + resource_routes(P + "/images", P + "/images/{imageName}", "Microsoft.Compute/images", ir.ImageResponse,
                      subscription_collection=SP + "/images")
    + resource_routes(P + "/galleries", GP, "Microsoft.Compute/galleries", ir.GalleryResponse,
                      subscription_collection=SP + "/galleries")
    + [("POST", GP + "/share", "Microsoft.Compute/galleries", ir.GalleryResponse, "share")]
    + resource_routes(GP + "/images", GIP, "Microsoft.Compute/galleries/images", ir.GalleryImageResponse)
    + resource_routes(GIP + "/versions", GIP + "/versions/{versionName}", "Microsoft.Compute/galleries/images/versions",
                      ir.GalleryVersionResponse)
    # *_Update (PATCH) of images and galleries: the request laid over the resource, then written as a PUT
    + [("PATCH", path, t, cls, "patch") for path, t, cls in (
        (P + "/images/{imageName}", "Microsoft.Compute/images", ir.ImageResponse),
        (GP, "Microsoft.Compute/galleries", ir.GalleryResponse),
        (GIP, "Microsoft.Compute/galleries/images", ir.GalleryImageResponse),
        (GIP + "/versions/{versionName}", "Microsoft.Compute/galleries/images/versions", ir.GalleryVersionResponse))]
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

# the marketplace (VirtualMachineImages_*, VirtualMachineExtensionImages_*) and the image alias document az reads
PUB = LOC + "/publishers"
IMG = PUB + "/{publisherName}/artifacttypes/vmimage/offers"
EXT = PUB + "/{publisherName}/artifacttypes/vmextension/types"
_PT = "Microsoft.Compute/locations/publishers"
url_table += [(m, path, _PT, mr.MarketplaceResponse, h) for m, path, h in (
    ("GET", PUB, "list_publishers"),
    ("GET", IMG, "list_offers"),
    ("GET", IMG + "/{offer}/skus", "list_skus"),
    ("GET", IMG + "/{offer}/skus/{skus}/versions", "list_versions"),
    ("GET", IMG + "/{offer}/skus/{skus}/versions/{version}", "get_version"),
    ("GET", EXT, "list_extension_types"),
    ("GET", EXT + "/{type}/versions", "list_extension_versions"),
    ("GET", EXT + "/{type}/versions/{version}", "get_extension_version"))]
url_table += [("GET", "/arm-compute/quickstart-templates/aliases.json", None, mr.AliasDocResponse, "get_alias_doc")]
