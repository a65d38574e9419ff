"""Running a deployment: its resources are PUT, in ``dependsOn`` order, through the fake's own router (the
provider's handler runs exactly as for a direct PUT: api-version, quotas, NIC reservations, image rules,
locks); a resource is done when its own long-running operation is. Mixed into
:class:`fakeazure.resources.deployments.DeploymentsBackend`."""
import uuid
from urllib.parse import urlsplit

from ..core import dispatch, ids
from ..templates import ExpressionError
from .deployment_model import DEPLOYMENT_TYPE
from .deployment_plan import PARAM_TYPES, outer_body

FAILED_MESSAGE = ("At least one resource deployment operation failed. Please list deployment operations for "
                  "details. Please see https://aka.ms/arm-deployment-operations for usage details.")
ASYNC_FAILED_MESSAGE = ("The resource write operation failed to complete successfully, because it reached "
                        "terminal provisioning state 'Failed'.")
_STATUS_NAMES = {200: "OK", 201: "Created", 202: "Accepted", 204: "NoContent", 400: "BadRequest",
                 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
                 429: "TooManyRequests", 500: "InternalServerError"}


class DeploymentRunner:
    def advance(self, dep, now):
        """Move ``dep`` on: finish what has finished, start what can start; settle the outcome."""
        if dep.run is not None and dep.run.fail_with is not None:
            self._settle(dep, now, injected=dep.run.fail_with)
            return
        if not dep.active:
            return
        dep.provisioning_state = "Running"
        by_key = {r.key: r for r in dep.resources}
        changed = True
        while changed:
            changed = False
            for res in dep.resources:
                if res.state == "Running" and self._collect(res, now):
                    changed = True
                elif res.state == "Pending" and all(by_key[k].state == "Succeeded" for k in res.depends):
                    self._start(dep, res, now)
                    changed = True
        if any(r.state == "Running" for r in dep.resources):
            return
        if any(r.state == "Pending" and not any(by_key[k].state == "Failed" for k in _closure(r, by_key))
               for r in dep.resources):
            return  # cannot happen with an acyclic plan; kept for safety
        self._settle(dep, now)

    def _settle(self, dep, now, injected=None):
        failed = [r for r in dep.resources if r.state == "Failed"]
        dep.ended = now
        if injected is not None:
            dep.provisioning_state = "Failed"
            dep.error = injected.to_dict()
        elif failed:
            dep.provisioning_state = "Failed"
            dep.error = {"code": "DeploymentFailed", "target": dep.id, "message": FAILED_MESSAGE,
                         "details": [r.error for r in failed]}
            self._redeploy_on_error(dep)
        else:
            try:
                dep.outputs = self._outputs(dep)
                dep.output_resources = self._output_resources(dep)
                dep.provisioning_state = "Succeeded"
            except ExpressionError as exc:
                dep.provisioning_state = "Failed"
                dep.error = {"code": "DeploymentOutputEvaluationFailed", "target": dep.id,
                             "message": "Unable to evaluate template outputs. Please see error details and "
                                        "deployment operations. Please see https://aka.ms/arm-common-errors for "
                                        "usage details.", "details": [{"code": "DeploymentOutputEvaluationFailed",
                                                                        "message": str(exc)}]}

    def _redeploy_on_error(self, dep):
        """A failed deployment with ``onErrorDeployment``: the deployment it names runs again with its own template
        and parameters, under its own name (Learn, "Rollback on error to successful deployment")."""
        target = dep.rollback  # the record as it was when this deployment was accepted
        if target is None:
            return
        body = {"properties": {"mode": "Incremental", "template": target.template,
                               "parameters": {k: {"value": v} for k, v in target.parameters.items()}}}
        if target.location:
            body["location"] = target.location
        self.begin_create_or_update_deployment(dep.subscription_id, dep.resource_group, target.name, body,
                                               dep.base_url)

    def _output_resources(self, dep):
        """The ids a deployment made: its resources, a nested deployment's in its place."""
        out = []
        for r in dep.resources:
            if r.state != "Succeeded":
                continue
            nested = self.get_by_id(r.id) if r.type.lower() == DEPLOYMENT_TYPE.lower() else None
            out += nested.output_resources if nested is not None else [r.id]
        return out

    def _outputs(self, dep):
        ev = self._live_evaluator(dep)
        out = {}
        for name, decl in (dep.plan.outputs or {}).items():
            ptype = PARAM_TYPES.get(str(decl.get("type") or "string").lower(), "String")
            value = ev.value(decl.get("value"))
            out[name] = {"type": ptype, "value": value}
        return out

    def _live_evaluator(self, dep):
        group = self.scope_of(dep.subscription_id, dep.resource_group)
        ev = self._evaluator(dep.template, dep.parameters, dep.subscription_id, group, dep.name,
                             reference=lambda rid, api, full: self._reference(dep, rid, api, full),
                             location=dep.location)
        ev.resource_lookup = dep.plan.evaluator.resource_lookup
        return ev

    def _reference(self, dep, rid, api_version, full):
        planned = next((r for r in dep.resources if r.key == ids.key(rid)), None)
        api = api_version or (planned.api_version if planned else None)
        if not api:
            raise ExpressionError("The template function 'reference' needs an api-version for resource '{}', "
                                  "which is not defined in the template.".format(rid))
        status, body = self.internal_request("GET", rid, api, None, dep.base_url)
        if status >= 400:
            err = (body or {}).get("error") or {}
            raise ExpressionError("The resource '{}' referenced by reference() could not be read: {} {}"
                                  .format(rid, err.get("code"), err.get("message")))
        if full:
            return body
        return (body or {}).get("properties", {})

    def _start(self, dep, res, now):
        res.operation_id = uuid.uuid4().hex.upper()[:16]
        res.started = now
        res.state = "Running"
        try:
            raw, template = outer_body(res)
            body = self._live_evaluator(dep).value(raw)
            if template is not None:  # scope 'inner': the nested template evaluates its own expressions
                body["properties"]["template"] = template
        except ExpressionError as exc:
            self._fail(res, now, "BadRequest", {"code": "InvalidTemplate", "message": str(exc)})
            return
        reply, error = self._dispatch("PUT", res.id, res.api_version, body, dep.base_url)
        if error is not None:
            self._fail(res, now, _STATUS_NAMES.get(error.status, str(error.status)), error.to_dict(),
                       {"error": error.to_dict()})
            return
        res.status_code = _STATUS_NAMES.get(reply.status, str(reply.status))
        op = self._operation_of(reply)
        if op is None:
            res.state = "Succeeded"
            res.ended = now
            return
        res.rp_operation = op.id

    def _collect(self, res, now):
        """True when the resource's operation has ended (and the resource is settled)."""
        op = self.cloud.operations.get(res.rp_operation) if res.rp_operation else None
        if op is None:
            res.state, res.ended = "Succeeded", now
            return True
        if not op.done and op.due <= now:
            op.finish_due(now)
        if not op.done:
            return False
        res.ended = op.ended or now
        if op.status == "Succeeded":
            res.state = "Succeeded"
            return True
        inner = op.error.to_dict() if op.error is not None else {"code": "ResourceDeploymentFailure",
                                                                 "message": "The operation was {}."
                                                                 .format(op.status.lower())}
        self._fail(res, res.ended, "Conflict",
                   {"code": "ResourceDeploymentFailure", "target": res.id, "message": ASYNC_FAILED_MESSAGE,
                    "details": [inner]},
                   {"status": "Failed", "error": {"code": "ResourceDeploymentFailure",
                                                  "message": ASYNC_FAILED_MESSAGE, "details": [inner]}})
        return True

    @staticmethod
    def _fail(res, now, status_code, detail, status_message=None):
        res.state = "Failed"
        res.ended = now
        res.status_code = status_code
        res.error = detail
        res.status_message = status_message if status_message is not None else {"error": detail}

    def _operation_of(self, reply):
        for header in ("Azure-AsyncOperation", "Location"):
            url = reply.headers.get(header)
            if url:
                op_id = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
                op = self.cloud.operations.get(op_id)
                if op is not None:
                    return op
        return None

    # -- requests through the router --------------------------------------------------------------
    def _dispatch(self, method, path, api_version, body, base_url):
        """One ARM request through the fake's own router and handler. -> (Reply, None) or (None, ArmError)."""
        return dispatch.internal_request(self.cloud, method, path, api_version, body, base_url)

    def internal_request(self, method, path, api_version, body, base_url=""):
        """-> (status, JSON body or None)."""
        reply, error = self._dispatch(method, path, api_version, body, base_url)
        if error is not None:
            return error.status, error.body()
        return reply.status, reply.body


def _closure(res, by_key):
    seen, stack = set(), list(res.depends)
    while stack:
        k = stack.pop()
        if k in seen or k not in by_key:
            continue
        seen.add(k)
        stack.extend(by_key[k].depends)
    return seen

