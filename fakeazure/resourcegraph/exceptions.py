"""Resource Graph's errors. Its bodies put a support line in ``message`` and the reason in ``details``
(azure-sdk-for-java#29924, microsoft/ARI#255 for AccessDenied); the wording of the other details is listed
in fakeazure/UNVERIFIED.md."""
import uuid

from ..core import errors


def _support(clock_now):
    import datetime
    stamp = datetime.datetime.fromtimestamp(clock_now, tz=datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.%f") + "Z"
    return "Please provide below info when asking for support: timestamp = {}, correlationId = {}.".format(
        stamp, uuid.uuid4())


class GraphError(errors.ArmError):
    """A Resource Graph error: compact body, support line as the message, the reason in ``details``."""
    gateway = False

    def __init__(self, now, code, status, details, headers=None):
        super().__init__(_support(now), code=code, status=status, details=details, headers=headers)


def access_denied(now):
    return GraphError(now, "AccessDenied", 403, [{
        "code": "AccessDenied",
        "message": "Access is denied to the requested resource. The user might not have enough permission."}])


def rate_limited(now, headers):
    return GraphError(now, "RateLimiting", 429, [{
        "code": "RateLimiting",
        "message": "Client application has been throttled and should not attempt to repeat the request until an "
                   "amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help."}],
        headers=headers)


def invalid_query(now, reason):
    return GraphError(now, "BadRequest", 400, [
        {"code": "InvalidQuery", "message": "Query is invalid. Please refer to the documentation for the Azure "
                                            "Resource Graph service and fix the error before retrying."},
        {"code": "ParserFailure", "message": reason}])


def bad_request(now, message):
    return GraphError(now, "BadRequest", 400, [{"code": "BadRequest", "message": message}])
