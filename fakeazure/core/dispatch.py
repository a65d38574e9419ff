"""Request dispatch: from a method and a path to a provider's handler, with ARM's refusals on the way.

Used by the WSGI application (:mod:`fakeazure.core.app`) for every client request and by ARM's own
inner requests (a template deployment PUTs and reads its resources through the same handlers, see
:func:`internal_request`). Providers register URL tables (:mod:`fakeazure.core.routing`); nothing here
knows a provider.
"""
import json
import traceback

from . import apiversions, errors
from .responses import RequestContext


def not_found(path, api_version):
    """ARM's answer to a path no route has: InvalidResourceType under ``/providers/``, else NotFound."""
    parts = [p for p in path.split("/") if p]
    low = [p.lower() for p in parts]
    if "providers" in low:
        i = low.index("providers")
        ns = parts[i + 1] if len(parts) > i + 1 else ""
        rtype = "/".join(parts[i + 2::2]) if len(parts) > i + 2 else ""
        return errors.InvalidResourceType(
            "The resource type '{}' could not be found in the namespace '{}' for api version '{}'."
            .format(rtype, ns, api_version or ""))
    return errors.GatewayError("No HTTP resource was found that matches the request URI '{}'."
                               .format(path), code="NotFound", status=404)


def match(router, method, path, api_version):
    """(route, params) of a request; raises 405 HttpMethodNotAllowed or the not-found error."""
    route, params = router.match(method, path)
    if route is None:
        if params:  # the path exists with other methods
            raise errors.ArmError("The requested resource does not support http method '{}'.".format(method),
                                  code="HttpMethodNotAllowed", status=405)
        raise not_found(path, api_version)
    return route, params


def check_api_version(route, api_version):
    """ARM's api-version refusal for a route with a resource type (none for metadata, tokens, blobs)."""
    if route.resource_type is None:
        return
    try:
        apiversions.check(route.resource_type, api_version)
    except apiversions.ApiVersionError as exc:
        raise errors.GatewayError(exc.message, code=exc.code, status=exc.status)


def call(route, ctx):
    """Run the route's handler; a provider's response class may wrap it (``run``)."""
    return route.response_cls(ctx).run(route.handler)


def internal_request(cloud, method, path, api_version, body, base_url=""):
    """One ARM request made by ARM itself (no token, no client faults). -> (Reply, None) or (None, ArmError)."""
    route, params = cloud.router.match(method, path)
    if route is None:
        return None, not_found(path, api_version)
    operations = cloud.operations
    saved = (list(operations.pending_failures), operations.extra_delay)
    operations.pending_failures.clear()  # a client request's faults are not this request's
    operations.extra_delay = 0.0
    try:
        check_api_version(route, api_version)
        data = json.dumps(body).encode("utf-8") if body is not None else b""
        ctx = RequestContext(cloud, method, path, {"api-version": api_version},
                             {"Content-Type": "application/json"}, data, params, base_url, api_version)
        ctx.form = {}
        reply = call(route, ctx)
        if isinstance(reply, errors.ArmError):
            return None, reply
        return reply, None
    except errors.ArmError as exc:
        return None, exc
    except Exception:  # pylint: disable=broad-except  - a bug in the fake: answered as the app does
        cloud.log_error(traceback.format_exc())
        return None, errors.ArmError("An internal error occurred in the fake: see its log.",
                                     code="InternalServerError", status=500)
    finally:
        operations.pending_failures[:] = saved[0]
        operations.extra_delay = saved[1]
