"""The WSGI application: one code path for the HTTPS server and for in-process use.

Order of work for a request: log it, finish due operations, then
1. ``/_fake/...``: the control API (``cloud.handle_control``, :mod:`fakeazure.control`), no auth;
2. routes with no resource type (metadata, tokens, SAS blobs): served as they are;
3. ARM routes: bearer token, faults, api-version, the gateway's RBAC and policy checks
   (``Cloud.gateway_checks``), the handler; ARM's headers on every answer.
"""
import json
import re
import time
import traceback
import uuid

from werkzeug.wrappers import Request, Response

from . import dispatch, errors, ratelimit
from .responses import RequestContext


class FakeAzureApp:
    def __init__(self, cloud):
        self.cloud = cloud

    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    # -- dispatch ---------------------------------------------------------------------------------
    def handle(self, request):
        cloud = self.cloud
        started = time.perf_counter()
        method, path = request.method.upper(), request.path
        entry = {"method": method, "path": path, "query": redact_query(request.query_string.decode("latin-1")),
                 "time": cloud.clock.now()}
        if path.startswith("/_fake/") or path == "/_fake":
            with cloud.lock:
                reply = cloud.handle_control(request)
            return self._response(reply, request_id=None)
        drop = False
        with cloud.lock:
            cloud.operations.tick()
            try:
                reply, drop = self._dispatch(request, method, path)
            except errors.ArmError as exc:
                reply = exc
            except Exception:  # a bug in the fake: answer as ARM would, keep the trace for the log
                cloud.log_error(traceback.format_exc())
                reply = errors.ArmError("An internal error occurred in the fake: see its log.",
                                        code="InternalServerError", status=500)
        if drop:
            raise ConnectionAbortedError("fault injected: connection dropped")
        status = reply.status
        entry.update(status=status, ms=round((time.perf_counter() - started) * 1000, 2))
        if not path.startswith("/_fake"):
            cloud.record_request(entry)
        return self._response(reply, request_id=str(uuid.uuid4()))

    def _dispatch(self, request, method, path):
        cloud = self.cloud
        api_version = request.args.get("api-version")
        route, params = dispatch.match(cloud.router, method, path, api_version)
        ctx = RequestContext(cloud, method, path, {k: v for k, v in request.args.items()},
                             request.headers, request.get_data(), params, self._base_url(request),
                             api_version)
        ctx.form = request.form
        if route.resource_type is None:
            return dispatch.call(route, ctx), False
        self._authenticate(request)
        if cloud.faults.has_kind("lro-fail"):
            cloud.operations.pending_failures.append(_once(cloud.faults, method, path))
        for rule in cloud.faults.before_request(method, path, poll=cloud.operations.is_poll(method, path)):
            if rule.kind == "drop":
                return None, True
            if rule.kind in ("error", "throttle", "deny"):
                raise rule.error()
            if rule.kind == "delay":
                cloud.operations.extra_delay = float(rule.spec.get("seconds", 5))
        try:
            dispatch.check_api_version(route, api_version)
            cloud.gateway_checks(method, path, _json_or_none(ctx.data) if method == "PUT" else None)
            cloud.check_registration(method, params.get("subscriptionId"), route.resource_type)
            cloud.check_writable(method, path, params)
            try:
                reply = dispatch.call(route, ctx)
            except errors.ArmError as exc:
                if not exc.gateway:  # a provider's refusal counts; the gateway's own errors carry no count
                    ratelimit.add(exc.headers, method)
                raise
            if isinstance(reply, errors.ArmError):
                if not reply.gateway:
                    ratelimit.add(reply.headers, method)
            else:
                ratelimit.add(reply.headers, method)
            return reply, False
        finally:
            cloud.operations.pending_failures.clear()
            cloud.operations.extra_delay = 0.0

    def _authenticate(self, request):
        auth = request.headers.get("Authorization", "")
        if not auth:
            raise errors.AuthenticationFailed("Authentication failed. The 'Authorization' header is missing.")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise errors.AuthenticationFailed("Authentication failed. The 'Authorization' header is missing "
                                              "the access token.")
        if self.cloud.identity.verify(token) is None:
            raise errors.InvalidAuthenticationToken("The access token is invalid or has expired.")

    @staticmethod
    def _base_url(request):
        return "{}://{}".format(request.scheme, request.host)

    def _response(self, reply, request_id):
        if isinstance(reply, errors.ArmError):
            status, headers, data = errors.render(reply)
        else:
            status = reply.status
            headers = dict(reply.headers)
            data = reply.encode()
            if data and "Content-Type" not in headers:
                headers["Content-Type"] = reply.content_type or "application/json; charset=utf-8"
        if request_id:
            headers.setdefault("x-ms-request-id", request_id)
            headers.setdefault("x-ms-correlation-request-id", request_id)
            headers.setdefault("x-ms-routing-request-id", "FAKEAZURE:{}".format(request_id))
        resp = Response(data, status=status)
        for k, v in headers.items():
            resp.headers[k] = v
        if not data:
            if "Content-Type" not in headers:  # an empty ARM answer has none; an empty blob keeps its own
                resp.headers.pop("Content-Type", None)
            resp.headers["Content-Length"] = "0"
        return resp


_SIG = re.compile(r"(?i)((?:^|[?&])sig=)[^&\s]*")


def redact_query(query):
    """A query string with any SAS signature replaced: the fake never logs a ``sig=`` value."""
    return _SIG.sub(r"\1REDACTED", query)


def _once(faults, method, path):
    """A pending-failure hook: the first operation this request starts asks the ``lro-fail`` rules whether
    it fails (so they count only requests that start one)."""
    def hook(op, _info):
        if hook.used:
            return None
        hook.used = True
        rule = faults.on_operation_start(method, path)
        return rule.error() if rule is not None else None
    hook.used = False
    return hook


def _json_or_none(data):
    try:
        return json.loads(data) if data else None
    except ValueError:
        return None
