"""Microsoft.Compute's request checks: what Azure refuses in a request body, before anything changes.

Every refusal of a Compute write lives here (or in :mod:`.properties` for the properties a PUT or PATCH may
not change), so the backends in :mod:`.models` only apply what passed. The refusal classes, one per ARM
error code, are in :mod:`.exceptions`. Each refusal names its evidence: "seen" (a public record of Azure's
wording), "wording not verified" (Azure's code and shape, our sentence). Next refusals go here, as a
function per rule, called by the backend at the point Azure makes the check.
"""
import re

from ..core import ids, names
from ..core.locations import normalise
from . import exceptions

# Learn, OSProfile (REST reference and every SDK built from it): "Disallowed values" of adminUsername and
# adminPassword
RESERVED_USER_NAMES = frozenset((
    "administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a", "actuser",
    "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql",
    "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5"))
DISALLOWED_PASSWORDS = frozenset(("abc@123", "P@$$w0rd", "P@ssw0rd", "P@ssword123", "Pa$$word", "pass@word1",
                                  "Password!", "Password1", "Password22", "iloveyou!"))
_COMPUTER_NAME_CHARS = set("`~!@#$%^&*()=+_[]{}\\|;:.'\",<>/? ")


def security_type(value):
    """Normalise a security type: None/'' -> 'Standard'."""
    return value or "Standard"


def gen_number(gen):
    return "2" if (gen or "").lower() == "v2" else "1"


def location_of(body):
    location = normalise(body.get("location"))
    if not location:
        raise exceptions.LocationRequired()
    return location


def required(value, name):
    if not value:
        raise exceptions.InvalidParameter("Required parameter '{}' is missing (null).".format(name), target=name)
    return value


# -- virtual machines ----------------------------------------------------------------------------
def resource_name(name, max_len=80):
    return names.check(name, max_len)


def os_profile(profile, os_type, vm_name=None):
    """A generalized source needs an osProfile with a user and (Windows) a password or (Linux) a key, each
    as ARM's rules allow (computer name, reserved user names, password length and complexity)."""
    required(profile, "osProfile")
    computer_name(profile.get("computerName") or (vm_name or "")[:15], os_type)
    admin_username(required(profile.get("adminUsername"), "adminUsername"), os_type)
    if os_type == "Windows":
        admin_password(required(profile.get("adminPassword"), "adminPassword"), os_type)
    else:
        lc = profile.get("linuxConfiguration") or {}
        keys = ((lc.get("ssh") or {}).get("publicKeys") or [])
        if not keys:
            admin_password(required(profile.get("adminPassword"), "adminPassword"), os_type)
        elif profile.get("adminPassword"):
            admin_password(profile["adminPassword"], os_type)


def computer_name(name, os_type):
    if os_type != "Windows":
        return
    if len(name) > 15 or name.isdigit() or set(name) & _COMPUTER_NAME_CHARS:
        # seen: az vm create output quoted in a public README (InvalidParameter, target computerName)
        raise exceptions.InvalidParameter(
            "Windows computer name cannot be more than 15 characters long, be entirely numeric, or contain the "
            "following characters: ` ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \\ | ; : . ' \" , < > / ?.",
            target="computerName")


def admin_username(name, os_type):
    too_long = len(name) > (20 if os_type == "Windows" else 64)
    if name.lower() in RESERVED_USER_NAMES or too_long or (os_type == "Windows" and name.endswith(".")):
        # seen for a reserved name: MicrosoftDocs/azure-docs#27881, microsoft/vscode-azurevirtualmachines#157;
        # that the length and the final '.' get the same answer is inferred
        raise exceptions.InvalidParameter("The Admin Username specified is not allowed.", target="adminUsername")


def admin_password(password, os_type):
    """ARM's rules (the REST reference of osProfile.adminPassword): 8-123 characters on Windows, 6-72 on Linux,
    3 of 4 character classes, no control characters, not one of the disallowed values."""
    low, high = (8, 123) if os_type == "Windows" else (6, 72)
    classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[\W_]"))
    control = any(ord(c) < 32 or ord(c) == 127 for c in password)
    if not low <= len(password) <= high or classes < 3 or control or password in DISALLOWED_PASSWORDS:
        # seen (Windows wording, InvalidParameter): public report of an ARM template deployment; the Linux range
        # and the answer to a disallowed value are inferred
        raise exceptions.InvalidParameter(
            "The supplied password must be between {}-{} characters long and must satisfy at least 3 of password "
            "complexity requirements from the following:\r\n1) Contains an uppercase character\r\n2) Contains a "
            "lowercase character\r\n3) Contains a numeric digit\r\n4) Contains a special character\r\n5) Control "
            "characters are not allowed".format(low, high), target="adminPassword")


def no_os_profile(profile):
    if profile:
        raise exceptions.InvalidParameter("Parameter 'osProfile' is not allowed.", target="osProfile")  # seen


def size_boots_generation(size, gen):
    if gen not in size.generations:
        # seen
        raise exceptions.BadRequest(
            "The selected VM size '{}' cannot boot Hypervisor Generation '{}'. If this was a Create operation "
            "please check that the Hypervisor Generation of the Image matches the Hypervisor Generation of the "
            "selected VM Size. If this was an Update operation please select a Hypervisor Generation '{}' VM Size. "
            "For more information, see https://aka.ms/azuregen2vm".format(size.name, gen_number(gen),
                                                                          gen_number(gen)))


def security(vm_security, src, gen, size):
    if vm_security == "TrustedLaunch" and src.get("kind") == "image":
        # seen (BadRequest) for an image that does not support Trusted Launch: Azure/azure-cli#27975; that a
        # managed image (Learn: Trusted launch does not support managed images) gets it is inferred
        raise exceptions.BadRequest("Use of TrustedLaunch setting is not supported for the provided image. Please "
                                    "select Trusted Launch Supported Gen2 OS Image. For more information, see "
                                    "https://aka.ms/TrustedLaunch-FAQ.")
    # wording not verified for these three refusals
    if vm_security in ("TrustedLaunch", "ConfidentialVM"):
        if gen != "V2":
            raise exceptions.InvalidParameter("Security type '{}' requires an image or disk of Hyper-V Generation "
                                              "'V2'.".format(vm_security), target="securityProfile.securityType")
        if size.trusted_launch_disabled and vm_security == "TrustedLaunch":
            raise exceptions.BadRequest("The VM size '{}' is not supported for Trusted Launch.".format(size.name))
    src_sec = src.get("security") or "Standard"
    if src_sec in ("TrustedLaunch", "ConfidentialVM") and vm_security != src_sec:
        raise exceptions.BadRequest("The security type of the VM ('{}') is not compatible with the security type of "
                                    "its OS disk source ('{}').".format(vm_security, src_sec))


def attachable(disk, vm_id, vm_name, vm_zones=None):
    if disk.managed_by and not ids.same(disk.managed_by, vm_id):
        # seen wording (quoted in a public AKS troubleshooting note: "Cannot attach data disk 'X' to VM ... because
        # the disk is already owned by VM 'Y'"); the code OperationNotAllowed is not verified
        raise exceptions.OperationNotAllowed(
            "Cannot attach data disk '{}' to VM '{}' because the disk is already owned by VM '{}'."
            .format(disk.name, vm_name, disk.managed_by), target="dataDisk")
    if disk.busy():
        raise exceptions.ConcurrentRequest()
    same_zone(disk, vm_zones)


def same_zone(disk, vm_zones):
    """A zonal VM takes only a disk of its zone (attach, attach at create, OS disk swap)."""
    vm_zone = (vm_zones or [None])[0]
    disk_zone = (disk.zones or [None])[0]
    if vm_zone and not disk_zone:
        # seen (BadRequest, Update-AzVM): jrudlin/Azure#7
        raise exceptions.BadRequest("Disk {} cannot be attached to the VM because it is not in zone '{}'."
                                    .format(disk.id, vm_zone))
    if vm_zone and disk_zone and str(vm_zone) != str(disk_zone):
        # seen (BadRequest): jenkins-infra/azure#1406
        raise exceptions.BadRequest("Disk {} cannot be attached to the VM because it is not in the same zone as the "
                                    "VM. VM zone: '{}'. Disk zone: '{}'.".format(disk.id, vm_zone, disk_zone))


def data_disks(backend, entries, vm_id, vm_name, size, location, default_sku, existing=None, vm_zones=None):
    """Validate a dataDisks list; return normalised entries (new Empty disks without id)."""
    out = []
    luns = set()
    existing = {d["lun"]: d for d in (existing or [])}
    for raw in entries or []:
        lun = raw.get("lun")
        if lun is None:
            required(None, "dataDisk.lun")
        lun = int(lun)
        if lun in luns:
            raise exceptions.InvalidParameter("A disk at LUN {} already exists.".format(lun), target="dataDisks")
        luns.add(lun)
        if raw.get("toBeDetached") or raw.get("detachOption"):
            continue
        option = raw.get("createOption") or "Attach"
        md = raw.get("managedDisk") or {}
        entry = {"lun": lun, "createOption": option, "caching": raw.get("caching") or "None",
                 "deleteOption": raw.get("deleteOption") or "Detach"}
        old = existing.get(lun)
        if md.get("id"):
            disk = backend.referenced(md["id"], "disks", "disks")
            same = old is not None and ids.same(old.get("id"), disk.id)
            if option.lower() == "empty" and not same:  # a disk already there keeps its createOption
                raise exceptions.InvalidParameterConflictingProperties(  # seen
                    "The property 'dataDisk.createOption' cannot have the value 'Empty' when property "
                    "'dataDisk.managedDisk.id' is set.")
            if not same:
                attachable(disk, vm_id, vm_name, vm_zones)
            if disk.location != location:
                raise exceptions.InvalidParameter("Disk '{}' is in location '{}' but the VM is in '{}'."
                                                  .format(disk.name, disk.location, location),
                                                  target="dataDisk.managedDisk.id")  # wording not verified
            entry.update(id=disk.id, name=disk.name)
            if same:
                entry["createOption"] = old.get("createOption", option)
        elif old is not None and old.get("id") and option.lower() != "empty":
            entry.update(id=old["id"], name=old.get("name"))
        elif option.lower() == "empty":
            required(raw.get("diskSizeGB"), "dataDisk.diskSizeGB")
            entry.update(diskSizeGB=int(raw["diskSizeGB"]), name=raw.get("name"),
                         storageAccountType=md.get("storageAccountType") or default_sku)
        else:
            required(None, "dataDisk.managedDisk.id")
        out.append(entry)
    if len(out) > size.max_data_disks:
        # seen (fidelity errors.yaml, 409 OperationNotAllowed target dataDisks)
        raise exceptions.OperationNotAllowed("The maximum number of data disks allowed to be attached to a VM of "
                                             "this size is {}.".format(size.max_data_disks), target="dataDisks")
    return out


def os_delete_option(vm, option):
    if vm.os_disk.get("diffDiskSettings") and option != "Delete":
        raise exceptions.InvalidParameter("Ephemeral OS disks are always deleted with the VM; deleteOption must be "
                                          "'Delete'.", target="osDisk.deleteOption")  # wording not verified


def os_disk_swap(backend, vm, new_id):
    """The disk an OS disk swap names, when Azure allows the swap."""
    disk = backend.referenced(new_id, "disks", "disks")
    if vm.os_disk.get("diffDiskSettings"):
        raise exceptions.OperationNotAllowed("OS disk swap is not supported for VMs with ephemeral OS disks.",
                                             target="osDisk")  # wording not verified
    if vm.power_state not in ("stopped", "deallocated"):
        # Azure requires the VM stopped or deallocated (a swap on a powered-off VM is recorded,
        # fidelity vm-update.yaml); wording not verified
        raise exceptions.OperationNotAllowed(
            "Operation 'Swap OS disk' is not allowed on VM '{}' since the VM is {}. Stop or deallocate the VM "
            "before swapping its OS disk.".format(vm.name, vm.power_state), target="osDisk")
    if disk.managed_by and not ids.same(disk.managed_by, vm.id):
        attachable(disk, vm.id, vm.name)
    same_zone(disk, vm.zones)  # the attach wording, inferred for a swap
    if disk.os_type and vm.os_type() and disk.os_type != vm.os_type():
        raise exceptions.PropertyChangeNotAllowed(
            "Swapping OS Disk is not supported since OS type on the OSDisk and VM do not match. Please make sure "
            "the OS type on the OSDisk is '{}'".format(vm.os_type()), target="osDisk")  # not verified
    vm_gen = vm.hyper_v_generation()
    if (disk.hyper_v_generation or "V1") != vm_gen:
        # seen
        raise exceptions.PropertyChangeNotAllowed(
            "Swapping OS Disk is not supported since HyperVisor property on the OSDisk and VM do not match. Please "
            "make sure the HyperVisor property on the OSDisk is HyperVisor Generation '{}'".format(vm_gen),
            target="osDisk")
    if security_type(disk.security_type) != vm.security_type and not (
            vm.security_type == "Standard" and security_type(disk.security_type) == "TrustedLaunchSupported"):
        raise exceptions.PropertyChangeNotAllowed(
            "Swapping OS Disk is not supported since security type on the OSDisk ('{}') and VM ('{}') do not "
            "match.".format(security_type(disk.security_type), vm.security_type), target="osDisk")  # not verified
    if disk.location != vm.location:
        raise exceptions.PropertyChangeNotAllowed("Swapping OS Disk is not supported since the OSDisk is not in "
                                                  "the VM's location.", target="osDisk")  # not verified
    return disk


def os_disk_resize(vm, disk, new_size):
    """A VM update that grows its OS disk (Learn: expand an OS disk, while the VM is deallocated)."""
    if new_size < disk.size_gb:
        raise exceptions.BadRequest("Disk size reduction is not supported. Current size is {} GB, requested size "
                                    "is {} GB.".format(disk.size_gb, new_size))  # wording approximate
    if vm.power_state != "deallocated":
        raise exceptions.OperationNotAllowed(
            "Disk resizing is allowed only when creating a VM or when the VM is deallocated.",
            target="disk.diskSizeGB")  # seen (pre-2022 wording)


def vm_nics(vm, entries):
    """The networkInterfaces of a VM update, normalised; adding or removing a NIC needs the VM deallocated
    (Learn: "Add network interfaces to or remove network interfaces from virtual machines")."""
    out = []
    for raw in entries:
        entry = {"id": required((raw or {}).get("id"), "networkInterfaces.id")}
        props = {k: v for k, v in ((raw or {}).get("properties") or {}).items() if k in ("primary", "deleteOption")}
        if props:
            entry["properties"] = props
        out.append(entry)
    if {ids.key(n["id"]) for n in out} != {ids.key(n["id"]) for n in vm.nics} and vm.power_state != "deallocated":
        raise exceptions.OperationNotAllowed(  # wording not verified
            "Network interfaces can be added to or removed from virtual machine '{}' only when it is deallocated."
            .format(vm.name), target="networkProfile.networkInterfaces")
    return out


# -- disks and snapshots -------------------------------------------------------------------------
def disk_resize(backend, disk, new_size):
    if new_size is not None and int(new_size) < disk.size_gb:
        # seen shape (Azure refuses shrinking); wording approximate
        raise exceptions.BadRequest("Disk size reduction is not supported. Current size is {} GB, requested size "
                                    "is {} GB.".format(disk.size_gb, new_size))
    if new_size is not None and int(new_size) != disk.size_gb and disk.managed_by and \
            disk.disk_state == "Attached":
        vm = backend.vms.get(ids.key(disk.managed_by))
        if vm is not None and vm.power_state == "running":
            raise exceptions.OperationNotAllowed(
                "Disk resizing is allowed only when creating a VM or when the VM is deallocated.",
                target="disk.diskSizeGB")  # seen (pre-2022 wording)



def disk_access(backend, obj, body):
    """A beginGetAccess request: (access, durationInSeconds), or Azure's refusal."""
    access = body.get("access")
    if access not in ("Read", "Write"):
        raise exceptions.InvalidParameter("The value '{}' of parameter 'access' is not allowed.".format(access),
                                          target="access")  # wording not verified
    seconds = required(body.get("durationInSeconds"), "durationInSeconds")
    vm = backend.vms.get(ids.key(getattr(obj, "managed_by", None) or ""))
    if vm is not None and vm.power_state not in ("deallocated", "deallocating"):
        # seen: 409 Conflict (microsoft/AzureStorageExplorer#6654)
        raise exceptions.Conflict("Access not permitted because disk {} is currently attached to running VM {}."
                                  .format(obj.name, vm.id))
    if access == "Write" and obj.upload_state != "ReadyToUpload":
        raise exceptions.OperationNotAllowed(
            "Write access can be granted only to a disk in state ReadyToUpload; disk {} is in state {}."
            .format(obj.name, obj.disk_state))  # wording not verified
    return access, seconds

def copy_source(src, option, location):
    if option == "restore" and src.resource_type != "snapshots":
        raise exceptions.InvalidParameter("Restore requires a snapshot as the source.",
                                          target="creationData.sourceResourceId")  # not verified
    if src.location != location and option != "copystart":  # CopyStart copies across regions (snapshots.py)
        raise exceptions.InvalidParameter("The source '{}' is in location '{}'; the copy must be created in the "
                                          "same location.".format(src.id, src.location),
                                          target="creationData.sourceResourceId")  # not verified


# -- images and galleries ------------------------------------------------------------------------
def image_source_vm(vm):
    if vm.security_type in ("TrustedLaunch", "ConfidentialVM"):
        # seen: (OperationNotAllowed) Creation of managed images are not supported for virtual machine with
        # TrustedLaunch security type.
        raise exceptions.OperationNotAllowed("Creation of managed images are not supported for virtual machine "
                                             "with {} security type.".format(vm.security_type))
    if not vm.generalized:
        # seen: "The operation 'Create Image' requires the Virtual Machine 'opstest' to be Generalized."
        raise exceptions.OperationNotAllowed("The operation 'Create Image' requires the Virtual Machine '{}' to be "
                                             "Generalized.".format(vm.name))


def image_os_disk(osd):
    required(osd.get("osType"), "osDisk.osType")
    if osd.get("osState") not in ("Generalized", "Specialized"):
        required(None, "osDisk.osState")


def image_source_disk(src):
    if security_type(src.security_type) in ("TrustedLaunch", "ConfidentialVM"):
        raise exceptions.OperationNotAllowed("Creation of managed images are not supported for disk with {} security "
                                             "type.".format(src.security_type))  # not verified


def gallery_version_source(src_id, made, definition):
    if made["state"] != definition.os_state:
        # seen (Azure/azure-cli#24972, code BadRequest)
        raise exceptions.BadRequest("The resource with id '{}' has a different OS state ['{}'] than the parent "
                                    "gallery image OS state ['{}'].".format(src_id, made["state"],
                                                                          definition.os_state))
    gen = made["gen"] or "V1"
    if gen != definition.hyper_v_generation:
        # seen for managed image sources (Learn, "Troubleshoot shared image galleries", and public build logs);
        # a disk or snapshot source is not checked (its made["gen"] is the definition's). The code is not verified.
        raise exceptions.BadRequest("The resource with id '{}' has a different Hypervisor generation ['{}'] than the "
                                    "parent gallery image Hypervisor generation ['{}'].".format(
                                        src_id, gen, definition.hyper_v_generation))
    if made["os_type"] and made["os_type"] != definition.os_type:
        raise exceptions.BadRequest("The resource with id '{}' has a different OS type ['{}'] than the parent "
                                    "gallery image OS type ['{}'].".format(src_id, made["os_type"],
                                                                         definition.os_type))
    sec, def_sec = made["sec"], definition.security_type
    if sec in ("TrustedLaunch", "ConfidentialVM") and def_sec not in (sec, "TrustedLaunchSupported",
                                                                      "TrustedLaunchAndConfidentialVmSupported"):
        raise exceptions.BadRequest("The source '{}' has security type '{}', which the gallery image definition '{}' "
                                    "does not support. Create the image definition with the feature SecurityType "
                                    "'{}'.".format(src_id, sec, definition.name, sec))  # wording not verified
