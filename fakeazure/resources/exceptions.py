"""Microsoft.Resources' refusals (ARM's own: resource groups, template deployments), one class per ARM code."""
from ..core import errors


class TemplateError(errors.ArmError):
    """A template ARM refuses before deploying anything (400 InvalidTemplate); ``violation`` ((line, position),
    path) adds ARM's ``TemplateViolation`` additional info."""
    status = 400
    code = "InvalidTemplate"
    violation = None

    def body(self):
        out = super().body()
        if self.violation:
            (line, position), path = self.violation
            out["error"]["additionalInfo"] = [{"type": "TemplateViolation", "info": {
                "lineNumber": line, "linePosition": position, "path": path}}]
        return out


def invalid_template(reason, violation=None):
    err = TemplateError("Deployment template validation failed: '{}'.".format(reason))
    err.violation = violation
    return err


def unsupported(what):
    return TemplateError("Deployment template validation failed: '{} is not supported by this fake ARM.'."
                         .format(what))


def resource_invalid(name, exc):
    return invalid_template("The template resource '{}' is not valid: {}".format(name, exc))


class DeploymentActive(errors.ArmError):
    status = 409
    code = "DeploymentActive"


class DeploymentCannotBeCancelled(errors.ArmError):
    status = 409
    code = "DeploymentCannotBeCancelled"


class DeploymentNotFound(errors.ArmError):
    status = 404
    code = "DeploymentNotFound"

    def __init__(self, name):
        super().__init__("Deployment '{}' could not be found.".format(name))


class DeploymentOperationNotFound(errors.ArmError):
    status = 404
    code = "DeploymentOperationNotFound"

    def __init__(self, operation_id):
        super().__init__("Deployment operation '{}' could not be found.".format(operation_id))


class InvalidDeployment(errors.BadRequest):
    code = "InvalidDeployment"


class InvalidResourceMoveRequest(errors.BadRequest):
    code = "InvalidResourceMoveRequest"  # the code of ARM's move refusals (not verified for each wording)


class InvalidDeploymentName(errors.ArmError):
    status = 400
    code = "InvalidDeploymentName"


class InvalidRequestContent(errors.BadRequest):
    code = "InvalidRequestContent"


class InvalidDeploymentMode(errors.BadRequest):
    code = "InvalidDeploymentMode"


class InvalidResourceGroupLocation(errors.ArmError):
    status = 409
    code = "InvalidResourceGroupLocation"


class ResourceGroupBeingDeleted(errors.GatewayError):
    """A write into a resource group ARM is deleting. Seen: "(ResourceGroupBeingDeleted) The resource group
    'umRandResourceGroup' is in deprovisioning state and cannot perform this operation." (az group create while
    the group was being deleted, in a public az session log; also in Packer's azure-arm logs). The status code
    409 is not shown there (fakeazure/UNVERIFIED.md)."""
    status = 409
    code = "ResourceGroupBeingDeleted"

    def __init__(self, name):
        super().__init__("The resource group '{}' is in deprovisioning state and cannot perform this operation."
                         .format(name))
