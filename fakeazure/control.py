"""The control API under ``/_fake/``: what tests, demos and benchmarks use to steer the fake.

| method | path | body | does |
|---|---|---|---|
| GET | /_fake/health | | ``{"ok": true}`` |
| POST | /_fake/reset | | drop all state (keeps identity and the subscription) |
| POST | /_fake/scenarios | ``{"name": "oobe-stuck"}`` | load a scenario (names: GET /_fake/scenarios) |
| GET | /_fake/scenarios | | the scenarios with their descriptions |
| GET | /_fake/state | | dump every resource (JSON) |
| GET | /_fake/requests | | the request log (method, path, query, status, ms); ``?clear=true`` empties it |
| GET/POST/DELETE | /_fake/faults | a rule (see :mod:`fakeazure.core.faults`) | list (with the log of firings) / add / clear fault rules |
| POST | /_fake/clock/advance | ``{"seconds": 200}`` | move a virtual clock (``--profile fast``) |
| POST | /_fake/operations/finish | | finish every pending long-running operation now |
| GET | /_fake/errors | | tracebacks of requests the fake itself failed on (answered 500) |

Everything here is also callable in-process as ``fakeazure.control.call(cloud, method, path, body)``.
"""
import json
import traceback

from .core import errors
from .core.responses import Reply


def call(cloud, method, path, body=None, query=None):
    """The control API without HTTP. Returns (status, JSON-able body)."""
    method = method.upper()
    query = query or {}
    body = body or {}
    parts = [p for p in path.strip("/").split("/") if p][1:]  # drop '_fake'
    head = parts[0] if parts else ""
    try:
        if head == "health":
            return 200, {"ok": True, "profile": cloud.profile}
        if head == "reset" and method == "POST":
            cloud.reset()
            return 200, {"reset": True}
        if head == "scenarios":
            from .scenarios import catalog
            if method == "GET":
                return 200, {"value": catalog()}
            loaded = cloud.load_scenario(body["name"])
            return 201, loaded
        if head == "state":
            return 200, cloud.dump()
        if head == "requests":
            log = list(cloud.request_log)
            if str(query.get("clear", "")).lower() == "true":
                cloud.request_log.clear()
            return 200, {"value": log}
        if head == "faults":
            if method == "GET":
                return 200, {"value": cloud.faults.list(), "log": list(cloud.faults.log)}
            if method == "DELETE":
                cloud.faults.clear()
                return 200, {"value": []}
            rule = cloud.faults.add(body)
            return 201, rule.describe()
        if head == "clock" and len(parts) > 1 and parts[1] == "advance":
            now = cloud.clock.advance(float(body.get("seconds", 0)))
            cloud.operations.tick()
            return 200, {"now": now}
        if head == "operations" and len(parts) > 1 and parts[1] == "finish":
            cloud.operations.finish_all()
            return 200, {"finished": True}
        if head == "errors":
            return 200, {"value": list(cloud.errors_log)}
    except errors.ArmError as exc:  # e.g. a scenario whose VM needs a NIC still reserved (NicReservedForAnotherVm)
        status = exc.status if 400 <= exc.status < 500 else 409
        return status, {"error": {"code": exc.code, "message": exc.message}}
    except (KeyError, ValueError, TypeError) as exc:
        return 400, {"error": {"code": "BadControlRequest", "message": str(exc)}}
    return 404, {"error": {"code": "NotFound", "message": "no control endpoint {} {}".format(method, path)}}


def handle_control(cloud, request):
    data = request.get_data()
    try:
        body = json.loads(data) if data.strip() else {}
    except ValueError:
        return Reply(400, {"error": {"code": "BadControlRequest", "message": "body is not JSON"}})
    try:
        status, out = call(cloud, request.method, request.path, body, dict(request.args.items()))
    except Exception:  # a bug in the fake: a JSON answer (never werkzeug's HTML page), the trace in its log
        cloud.log_error(traceback.format_exc())
        return Reply(500, {"error": {"code": "InternalServerError",
                                     "message": "An internal error occurred in the fake: see GET /_fake/errors."}})
    return Reply(status, out)
