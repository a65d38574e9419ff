"""The deployment resource: what a validated template plans, the deployment record, and its run (the
long-running operation that the engine in :mod:`.deployment_run` advances on every tick)."""
import hashlib
import json
import uuid

from ..core import errors, ids
from ..core.clock import iso
from ..core.lro import Operation
from ..templates import is_expression

NS = "Microsoft.Resources"
DEPLOYMENT_TYPE = "Microsoft.Resources/deployments"


class PlannedResource:
    """One template resource after validation: its id, the raw body and what it waits for."""

    def __init__(self, index, rtype, name, api_version, raw, depends, rid):
        self.index = index
        self.type = rtype
        self.name = name
        self.api_version = api_version
        self.raw = raw
        self.depends = depends      # keys (lower-case ids) of template resources
        self.id = rid
        self.state = "Pending"      # Pending, Running, Succeeded, Failed
        self.operation_id = None    # the deployment operation's id (16 hex)
        self.rp_operation = None    # the provider's long-running operation id
        self.status_code = None
        self.error = None           # the detail for DeploymentFailed
        self.status_message = None
        self.started = None
        self.ended = None
        self.tracking_id = str(uuid.uuid4())
        self.service_request_id = str(uuid.uuid4())

    @property
    def key(self):
        return ids.key(self.id)

    def target(self):
        return {"id": self.id, "resourceType": self.type, "resourceName": self.name}


class Plan:
    """A validated deployment: parameters, the evaluator and the ordered resources."""

    def __init__(self, parameters, evaluator, resources, outputs):
        self.parameters = parameters
        self.evaluator = evaluator
        self.resources = resources
        self.outputs = outputs


class Deployment:
    def __init__(self, subscription_id, resource_group, name, template, parameter_types, parameters, mode,
                 plan, now, tags=None):
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self.name = name
        self.template = template
        self.parameter_types = parameter_types  # name -> ARM type name ('SecureString', ...)
        self.parameters = parameters            # name -> value
        self.mode = mode
        self.plan = plan
        self.resources = plan.resources
        self.tags = dict(tags or {})
        self.provisioning_state = "Accepted"
        self.started = now
        self.ended = None
        self.correlation_id = str(uuid.uuid4())
        self.error = None
        self.outputs = None
        self.run = None  # the DeploymentRun (operation)
        self.base_url = ""
        self.template_hash = str(int(hashlib.sha256(json.dumps(template, sort_keys=True).encode("utf-8"))
                                     .hexdigest()[:16], 16))

    @property
    def id(self):
        return ids.resource_id(self.subscription_id, self.resource_group, NS, "deployments", self.name)

    @property
    def active(self):
        return self.provisioning_state in ("Accepted", "Running")

    def touch(self):
        pass

    def to_json(self, clock_now=None, validated=False):
        props = {"templateHash": self.template_hash, "parameters": self._parameters_json(),
                 "mode": self.mode, "provisioningState": "Succeeded" if validated else self.provisioning_state,
                 "timestamp": iso(self.ended or self.started),
                 "duration": _duration((self.ended or clock_now or self.started) - self.started),
                 "correlationId": self.correlation_id, "providers": self._providers(),
                 "dependencies": self._dependencies()}
        if validated:
            props["validatedResources"] = [{"id": r.id} for r in self.resources]
        if self.provisioning_state == "Succeeded" and not validated:
            props["outputs"] = self.outputs or {}
            props["outputResources"] = [{"id": r.id} for r in self.resources if r.state == "Succeeded"]
        if self.error is not None and not validated:
            props["error"] = self.error
        body = {"id": self.id, "name": self.name, "type": DEPLOYMENT_TYPE}
        if self.tags:
            body["tags"] = dict(self.tags)
        body["properties"] = props
        return body

    def _parameters_json(self):
        out = {}
        for name, value in self.parameters.items():
            ptype = self.parameter_types.get(name, "String")
            out[name] = {"type": ptype} if ptype.startswith("Secure") else {"type": ptype, "value": value}
        return out

    def _providers(self):
        by_ns = {}
        for r in self.resources:
            ns, _, rtype = r.type.partition("/")
            types = by_ns.setdefault(ns, {})
            types.setdefault(rtype, set()).add(_location_of(r.raw))
        return [{"namespace": ns, "resourceTypes": [{"resourceType": t, "locations": sorted(x for x in locs if x)}
                                                    for t, locs in types.items()]}
                for ns, types in by_ns.items()]

    def _dependencies(self):
        by_key = {r.key: r for r in self.resources}
        out = []
        for r in self.resources:
            if r.depends:
                deps = [by_key[k].target() for k in r.depends if k in by_key]
                out.append({"dependsOn": deps, "id": r.id, "resourceType": r.type, "resourceName": r.name})
        return out

    def operations_json(self):
        out = []
        for r in self.resources:
            if r.operation_id is None:
                continue
            props = {"provisioningOperation": "Create", "provisioningState": r.state,
                     "timestamp": iso(r.ended or r.started), "duration": _duration((r.ended or r.started) - r.started),
                     "trackingId": r.tracking_id, "serviceRequestId": r.service_request_id}
            if r.status_code:
                props["statusCode"] = r.status_code
            if r.status_message is not None:
                props["statusMessage"] = r.status_message
            props["targetResource"] = r.target()
            out.append({"id": "{}/operations/{}".format(self.id, r.operation_id), "operationId": r.operation_id,
                        "properties": props})
        return out


def _location_of(raw):
    loc = raw.get("location") if isinstance(raw, dict) else None
    return loc.replace(" ", "").lower() if isinstance(loc, str) and not is_expression(loc) else None


def _duration(seconds):
    return "PT{:.7f}S".format(max(seconds, 0.0)).replace(".0000000S", "S")


class DeploymentRun(Operation):
    """The deployment's long-running operation. It is always due: every tick advances the deployment (starts
    the resources whose dependencies are done, collects the providers' operations) until all are done."""

    def __init__(self, engine, deployment, now):
        super().__init__("08584" + str(uuid.uuid4().int)[:15], deployment.subscription_id,
                         NS, "global", "operationStatuses", now, now, None)
        self.engine = engine
        self.deployment = deployment

    always_due = True

    def finish_due(self, now):
        self.finish(now)

    def finish(self, now):
        if self.done:
            return
        self.engine.advance(self.deployment, now)
        dep = self.deployment
        if dep.active:
            return
        self.ended = now
        self.status = dep.provisioning_state
        if dep.error is not None:
            self.error = errors.ArmError(dep.error["message"], code=dep.error["code"], status=409,
                                         target=dep.error.get("target"), details=dep.error.get("details"))

    def status_document(self):
        doc = {"status": self.deployment.provisioning_state if not self.done else self.status}
        if self.error is not None:
            doc["error"] = self.error.to_dict()
        return doc

    def path(self):
        dep = self.deployment
        return "/subscriptions/{}/resourcegroups/{}/providers/{}/deployments/{}/operationStatuses/{}".format(
            dep.subscription_id, dep.resource_group, NS, dep.name, self.id)
