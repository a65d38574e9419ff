from .responses import ComputeResponse as R

SUB = "/subscriptions/{subscriptionId}"
RG = SUB + "/resourceGroups/{resourceGroupName}"
P = RG + "/providers/Microsoft.Compute"
SP = SUB + "/providers/Microsoft.Compute"
LOC = SP + "/locations/{location}"
VM = "Microsoft.Compute/virtualMachines"
DISK = "Microsoft.Compute/disks"
SNAP = "Microsoft.Compute/snapshots"
IMG = "Microsoft.Compute/images"
GAL = "Microsoft.Compute/galleries"
GIMG = "Microsoft.Compute/galleries/images"
GVER = "Microsoft.Compute/galleries/images/versions"
VMP = P + "/virtualMachines/{vmName}"
GP = P + "/galleries/{galleryName}"

url_table = [
    # virtual machines
    ("GET", VMP, VM, R, "get_vm"),
    ("PUT", VMP, VM, R, "put_vm"),
    ("PATCH", VMP, VM, R, "patch_vm"),
    ("DELETE", VMP, VM, R, "delete_vm"),
    ("GET", VMP + "/instanceView", VM, R, "get_instance_view"),
    ("POST", VMP + "/start", VM, R, "start_vm"),
    ("POST", VMP + "/powerOff", VM, R, "power_off_vm"),
    ("POST", VMP + "/restart", VM, R, "restart_vm"),
    ("POST", VMP + "/deallocate", VM, R, "deallocate_vm"),
    ("POST", VMP + "/generalize", VM, R, "generalize_vm"),
    ("GET", P + "/virtualMachines", VM, R, "list_vms"),
    ("GET", SP + "/virtualMachines", VM, R, "list_all_vms"),
    # disks and snapshots
    ("GET", P + "/disks/{diskName}", DISK, R, "get_disk"),
    ("PUT", P + "/disks/{diskName}", DISK, R, "put_disk"),
    ("PATCH", P + "/disks/{diskName}", DISK, R, "put_disk"),
    ("DELETE", P + "/disks/{diskName}", DISK, R, "delete_disk"),
    ("GET", P + "/disks", DISK, R, "list_disks"),
    ("GET", SP + "/disks", DISK, R, "list_all_disks"),
    ("GET", P + "/snapshots/{snapshotName}", SNAP, R, "get_snapshot"),
    ("PUT", P + "/snapshots/{snapshotName}", SNAP, R, "put_snapshot"),
    ("PATCH", P + "/snapshots/{snapshotName}", SNAP, R, "put_snapshot"),
    ("DELETE", P + "/snapshots/{snapshotName}", SNAP, R, "delete_snapshot"),
    ("GET", P + "/snapshots", SNAP, R, "list_snapshots"),
    ("GET", SP + "/snapshots", SNAP, R, "list_all_snapshots"),
    # managed images
    ("GET", P + "/images/{imageName}", IMG, R, "get_image"),
    ("PUT", P + "/images/{imageName}", IMG, R, "put_image"),
    ("DELETE", P + "/images/{imageName}", IMG, R, "delete_image"),
    ("GET", P + "/images", IMG, R, "list_images"),
    ("GET", SP + "/images", IMG, R, "list_all_images"),
    # galleries
    ("GET", GP, GAL, R, "get_gallery"),
    ("PUT", GP, GAL, R, "put_gallery"),
    ("DELETE", GP, GAL, R, "delete_gallery"),
    ("GET", P + "/galleries", GAL, R, "list_galleries"),
    ("GET", SP + "/galleries", GAL, R, "list_all_galleries"),
    ("GET", GP + "/images/{imageName}", GIMG, R, "get_gallery_image"),
    ("PUT", GP + "/images/{imageName}", GIMG, R, "put_gallery_image"),
    ("DELETE", GP + "/images/{imageName}", GIMG, R, "delete_gallery_image"),
    ("GET", GP + "/images", GIMG, R, "list_gallery_images"),
    ("GET", GP + "/images/{imageName}/versions/{versionName}", GVER, R, "get_gallery_version"),
    ("PUT", GP + "/images/{imageName}/versions/{versionName}", GVER, R, "put_gallery_version"),
    ("DELETE", GP + "/images/{imageName}/versions/{versionName}", GVER, R, "delete_gallery_version"),
    ("GET", GP + "/images/{imageName}/versions", GVER, R, "list_gallery_versions"),
    # SKUs, sizes, quotas
    ("GET", SP + "/skus", "Microsoft.Compute/skus", R, "list_skus"),
    ("GET", LOC + "/vmSizes", "Microsoft.Compute/locations/vmSizes", R, "list_vm_sizes"),
    ("GET", LOC + "/usages", "Microsoft.Compute/locations/usages", R, "list_usages"),
    # operation status (Azure-AsyncOperation; &monitor=true is the Location form)
    ("GET", LOC + "/operations/{operationId}", "Microsoft.Compute/locations/operations", R, "operation_status"),
    ("GET", LOC + "/DiskOperations/{operationId}", "Microsoft.Compute/locations/DiskOperations", R,
     "operation_status"),
    ("GET", LOC + "/capsOperations/{operationId}", "Microsoft.Compute/locations/capsOperations", R,
     "caps_operation_status"),
]

# -- guest operations (boot diagnostics data, run command, SAS blobs): fakeazure/compute/guest_responses.py
from .guest_responses import url_table as _guest_urls  # noqa: E402  boot diagnostics, Run Command
url_table = url_table + _guest_urls
