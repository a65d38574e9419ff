"""Microsoft.Compute's refusals, one class per ARM error code (moto's ``exceptions.py`` per service).

A Compute error is raised by the resource provider, not by ARM's gateway: pretty-printed, may carry a
``target`` (see :mod:`fakeazure.core.errors`). Classes whose wording is fixed build it themselves; the
others take the message from the check that raises them (:mod:`fakeazure.compute.checks`). Wordings are
Azure's where a public record was found ("seen:" in comments), else marked "wording not verified".
"""
from ..core import errors

NS = "Microsoft.Compute"

ResourceNotFound = errors.ResourceNotFound  # the gateway's 404 of a resource a URL names


class ComputeError(errors.ArmError):
    """An error of the Compute resource provider."""


class BadRequest(ComputeError):
    status = 400
    code = "BadRequest"


class InvalidParameter(ComputeError):
    status = 400
    code = "InvalidParameter"


class InvalidParameterConflictingProperties(ComputeError):
    status = 400
    code = "InvalidParameterConflictingProperties"


class LocationRequired(ComputeError):
    status = 400
    code = "LocationRequired"

    def __init__(self):
        super().__init__("The 'location' property is required for this definition.")


class PlatformImageNotFound(InvalidParameter):
    code = "PlatformImageNotFound"

    def __init__(self, publisher, offer, sku, version):
        # seen: "The platform image 'p:o:s:v' is not available. Verify that all fields in the storage profile
        # are correct."
        super().__init__(
            "The platform image '{}:{}:{}:{}' is not available. Verify that all fields in the storage profile are "
            "correct. For more details about storage profile information, please refer to "
            "https://aka.ms/storageprofile".format(publisher, offer, sku, version), target="imageReference")


class NotFound(ComputeError):
    """A resource named in a request body (not in the URL) that does not exist."""
    status = 404
    code = "NotFound"


class ReferencedResourceNotFound(NotFound):
    def __init__(self, rid, type_name, parsed):
        super().__init__("The Resource '{}/{}' under resource group '{}' was not found."
                         .format(NS + "/" + type_name, parsed.get("name") or rid, parsed.get("resource_group") or ""))


class GalleryImageNotFound(NotFound):
    code = "GalleryImageNotFound"


class OperationNotFound(NotFound):
    code = "OperationNotFound"


class Conflict(ComputeError):
    status = 409
    code = "Conflict"


class ConcurrentRequest(Conflict):
    def __init__(self):
        # seen: Azure answers concurrent writes on one VM with 409 Conflict and this text
        super().__init__("The request failed due to conflict with a concurrent request.")


class OperationNotAllowed(ComputeError):
    status = 409
    code = "OperationNotAllowed"


# Compute's refusals of an operation on a resource while another runs on it. Wordings from Learn, "Understand
# common error messages when you manage virtual machines in Azure" (MicrosoftDocs/azure-docs
# includes/virtual-machines-common-error-messages.md): "Operation '{0}' is not allowed on VM '{1}' since
# another operation is in progress." and "Operation '{0}' is not allowed on VM '{1}' since the VM is marked
# for deletion. You can only retry the Delete operation (or wait for an ongoing one to complete)." (the
# latter also seen in Azure/azure-sdk-for-python#2702, cloud-barista/cb-spider#342); the same page has the
# Image form of "marked for deletion".
_IN_PROGRESS = "Operation '{}' is not allowed on {} '{}' since another operation is in progress."
_MARKED_FOR_DELETION = ("Operation '{}' is not allowed on {} '{}' since the {} is marked for deletion. You can "
                        "only retry the Delete operation (or wait for an ongoing one to complete).")
_NOUNS = {"virtualMachines": "VM", "images": "Image"}


def busy(obj, label, deleting):
    """The refusal of operation ``label`` on ``obj`` while another operation (a delete, when ``deleting``) is in
    progress on it. VMs and images answer OperationNotAllowed as Learn lists it; the other Compute resources
    answer Conflict "The request failed due to conflict with a concurrent request." (their wording in that
    case was not found: fakeazure/UNVERIFIED.md)."""
    noun = _NOUNS.get(obj.resource_type)
    if noun is None or (noun == "Image" and not deleting):
        return ConcurrentRequest()
    if deleting:
        return OperationNotAllowed(_MARKED_FOR_DELETION.format(label, noun, obj.name, noun))
    return OperationNotAllowed(_IN_PROGRESS.format(label, noun, obj.name))


class OperationPreempted(ComputeError):
    """How an operation ends when a newer one takes its place (a VM deleted while it is being created).
    Seen: Azure/azure-sdk-for-python#5167, osbuild/osbuild-composer#1447 (a VM create's async result)."""
    status = 409
    code = "OperationPreempted"

    def __init__(self):
        super().__init__("Operation execution has been preempted by a more recent operation.")


class PropertyChangeNotAllowed(ComputeError):
    status = 409
    code = "PropertyChangeNotAllowed"


class PropertyChangeRefused(PropertyChangeNotAllowed):
    def __init__(self, name):
        super().__init__("Changing property '{}' is not allowed.".format(name), target=name)  # seen


class CannotDeleteResource(ComputeError):
    status = 409
    code = "CannotDeleteResource"


class SkuNotAvailable(ComputeError):
    status = 409
    code = "SkuNotAvailable"

    def __init__(self, size, location, zones=None):
        # seen (Azure's SkuNotAvailable text); the "zones '<z>'" part for a zone restriction is not verified
        where = "location '{}'".format(location) + (" zones '{}'".format(",".join(zones)) if zones else "")
        super().__init__(
            "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: {}' is "
            "currently not available in {}. Please try another size or deploy to a different location "
            "or different zone. See https://aka.ms/azureskunotavailable for details.".format(size, where))


class QuotaExceeded(OperationNotAllowed):
    def __init__(self, label, location, limit, current, required):
        # seen: "Operation could not be completed as it results in exceeding approved Total Regional Cores quota.
        # Additional details - Deployment Model: Resource Manager, Location: ..., Current Limit: 10, Current
        # Usage: 8, Additional Required: 4, (Minimum) New Limit Required: 12." (409)
        super().__init__(
            "Operation could not be completed as it results in exceeding approved {} quota. Additional details - "
            "Deployment Model: Resource Manager, Location: {}, Current Limit: {}, Current Usage: {}, Additional "
            "Required: {}, (Minimum) New Limit Required: {}. Submit a request for Quota increase at "
            "https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView/Parameters/ by "
            "specifying parameters listed in the 'Details' section for deployment to succeed. Please read more "
            "about quota limits at https://docs.microsoft.com/en-us/azure/azure-supportability/per-vm-quota-requests"
            .format(label, location, limit, current, required, current + required))


class PreconditionFailed(ComputeError):
    status = 412
    code = "PreconditionFailed"

    def __init__(self):
        super().__init__("The condition specified using HTTP conditional header(s) is not met.")


class OSProvisioningTimedOut(ComputeError):
    """Azure's OSProvisioningTimedOut (both texts seen in public reports)."""
    status = 409
    code = "OSProvisioningTimedOut"
    _LINKS = ("\r\n * Instructions for Windows: https://azure.microsoft.com/documentation/articles/"
              "virtual-machines-windows-upload-image/ \r\n * Instructions for Linux: "
              "https://azure.microsoft.com/documentation/articles/virtual-machines-linux-capture-image/")

    def __init__(self, vm_name, agent_seen):
        if agent_seen:
            msg = ("OS Provisioning for VM '{}' did not finish in the allotted time. However, the VM guest agent was "
                   "detected running. This suggests the guest OS has not been properly prepared to be used as a VM "
                   "image (with CreateOption=FromImage). To resolve this issue, either use the VHD as is with "
                   "CreateOption=Attach or prepare it properly for use as an image:")
        else:
            msg = ("OS Provisioning for VM '{}' did not finish in the allotted time. The VM may still finish "
                   "provisioning successfully. Please check provisioning state later. Also, make sure the image "
                   "has been properly prepared (generalized).")
        super().__init__(msg.format(vm_name) + self._LINKS)


class VMAgentStatusCommunicationError(ComputeError):
    status = 409
    code = "VMAgentStatusCommunicationError"

    def __init__(self, vm_name):
        super().__init__(
            "VM '{}' has not reported status for VM agent or extensions. Verify that the OS is up and healthy, the "
            "VM has a running VM agent, and that it can establish outbound connections to Azure storage. Please "
            "refer to https://aka.ms/vmextensionwindowstroubleshoot for additional VM agent troubleshooting "
            "information.".format(vm_name))


class VMExtensionProvisioningTimeout(ComputeError):
    """Wording from Learn's VM error messages (the extension form); used for a Run Command past its time limit,
    which is not verified (fakeazure/UNVERIFIED.md)."""
    status = 409
    code = "VMExtensionProvisioningTimeout"

    def __init__(self, extension):
        super().__init__("Provisioning of VM extension '{}' has timed out. Extension installation may be taking too "
                         "long, or extension status could not be obtained.".format(extension))


class VMExtensionProvisioningError(ComputeError):
    status = 409
    code = "VMExtensionProvisioningError"


class InternalExecutionError(ComputeError):
    status = 500
    code = "InternalExecutionError"

    def __init__(self):
        super().__init__("An internal execution error occurred. Please retry later.")
