"""ARM errors as exceptions that carry their wire code; rendered in one place (:func:`render`).

Here: the base class and the errors of ARM itself (the gateway: auth, throttling, not found, locks) and the
generic 400/404 every provider may answer. A provider's own codes are classes in its ``exceptions.py``
(``fakeazure/compute/exceptions.py``, ``fakeazure/network/exceptions.py``, ``fakeazure/resources/exceptions.py``).

Two shapes exist in Azure (see shared/fidelity/errors.yaml): errors raised by the ARM gateway itself
(404 for a missing resource or group, auth, throttling, api-version) are compact and carry
``x-ms-failure-cause: gateway``; errors raised by a resource provider (Compute's 409 OperationNotAllowed)
are pretty-printed, may carry ``target`` and have no failure-cause header.
"""
import json


class ArmError(Exception):
    status = 400
    code = "BadRequest"
    gateway = False

    def __init__(self, message, code=None, status=None, target=None, headers=None, details=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.target = target
        self.headers = dict(headers or {})
        self.details = details

    def body(self):
        err = {"code": self.code}
        if self.target:
            err["target"] = self.target
        err["message"] = self.message
        if self.details:
            err["details"] = self.details
        return {"error": err}

    def to_dict(self):
        """The ``error`` member as it appears in an async-operation status document."""
        return self.body()["error"]


class GatewayError(ArmError):
    gateway = True


class ResourceNotFound(GatewayError):
    status = 404
    code = "ResourceNotFound"

    def __init__(self, resource_type, name, resource_group):
        super().__init__(
            "The Resource '{}/{}' under resource group '{}' was not found. For more details please go to "
            "https://aka.ms/ARMResourceNotFoundFix".format(resource_type, name, resource_group))


class ResourceGroupNotFound(GatewayError):
    status = 404
    code = "ResourceGroupNotFound"

    def __init__(self, name):
        super().__init__("Resource group '{}' could not be found.".format(name))


class SubscriptionNotFound(GatewayError):
    status = 404
    code = "SubscriptionNotFound"

    def __init__(self, sub):
        super().__init__("The subscription '{}' could not be found.".format(sub))


class InvalidResourceType(GatewayError):
    status = 404
    code = "InvalidResourceType"


class AuthenticationFailed(GatewayError):
    status = 401
    code = "AuthenticationFailed"


class InvalidAuthenticationToken(GatewayError):
    status = 401
    code = "InvalidAuthenticationToken"


class AuthorizationFailed(GatewayError):
    status = 403
    code = "AuthorizationFailed"


class ScopeLocked(GatewayError):
    status = 409
    code = "ScopeLocked"


class InvalidResourceLocation(GatewayError):
    status = 409
    code = "InvalidResourceLocation"

    def __init__(self, existing, new_location):
        # seen: Learn, "Troubleshoot shared image galleries" (the resource name and group quoted as given)
        super().__init__("The resource '{}' already exists in location '{}' in resource group '{}'. A resource with "
                         "the same name cannot be created in location '{}'. Please select a new resource name."
                         .format(existing.name, existing.location, existing.resource_group, new_location))


class InvalidResourceName(ArmError):
    """A resource name its provider refuses (length, characters, ending)."""
    status = 400
    code = "InvalidResourceName"

    def __init__(self, name, max_len=80):
        # seen for Microsoft.Network resources (rh-mobb/documentation#204 and public Bicep notes quote it word for
        # word); that Microsoft.Compute words its refusal the same way is inferred (fakeazure/UNVERIFIED.md)
        super().__init__("Resource name {} is invalid. The name can be up to {} characters long. It must begin with a "
                         "word character, and it must end with a word character or with '_'. The name may contain "
                         "word characters or '.', '-', '_'.".format(name, max_len))


class TooManyRequests(GatewayError):
    status = 429
    code = "TooManyRequests"


class BadRequest(ArmError):
    status = 400
    code = "BadRequest"


class NotFound(ArmError):
    """A 404 raised by a resource provider (not the gateway), e.g. an unknown operation id."""
    status = 404
    code = "NotFound"


def render(error, pretty=None):
    """Return (status, headers, body-bytes) for an :class:`ArmError`."""
    if pretty is None:
        pretty = not error.gateway
    if pretty:
        text = json.dumps(error.body(), indent=2).replace("\n", "\r\n")
    else:
        text = json.dumps(error.body(), separators=(",", ":"))
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if error.gateway:
        headers["x-ms-failure-cause"] = "gateway"
    headers.update(error.headers)
    return error.status, headers, text.encode("utf-8")
