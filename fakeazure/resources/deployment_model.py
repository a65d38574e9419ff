"""The deployment resource: what a validated template plans, the deployment record, and its run (the
long-running operation that the engine in :mod:`.deployment_run` advances on every tick)."""
import hashlib
import json
import uuid

from ..core import errors, ids
from ..core.clock import iso
from ..core.lro import Operation

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
        self.location = None        # the evaluated 'location' (None: the resource has none, or not yet known)
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


def deployment_id(subscription_id, resource_group, name):
    """A deployment's id at its scope: a resource group's, or the subscription's (``resource_group`` None)."""
    return ids.resource_id(subscription_id, resource_group, NS, "deployments", name)


class Deployment:
    """A template deployment at resource-group scope, or at subscription scope (``resource_group`` None; then it
    has a ``location``, where ARM keeps its data)."""

    def __init__(self, subscription_id, resource_group, name, template, parameter_types, parameters, mode,
                 plan, now, tags=None, location=None):
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self.location = location
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
        self.output_resources = []  # ids the deployment made (a nested deployment's own, not the deployment)
        self.on_error = None  # {"type", "deploymentName"}: redeployed if this one fails
        self.rollback = None  # that deployment's record
        self.run = None  # the DeploymentRun (operation)
        self.base_url = ""
        self.template_hash = str(int(hashlib.sha256(json.dumps(template, sort_keys=True).encode("utf-8"))
                                     .hexdigest()[:16], 16))

    @property
    def id(self):
        return deployment_id(self.subscription_id, self.resource_group, self.name)

    @property
    def active(self):
        return self.provisioning_state in ("Accepted", "Running")

    def touch(self):
        pass

    def to_json(self, clock_now=None, validated=False):
        props = {"templateHash": self.template_hash}
        if self.parameters or "parameters" in self.template:
            # left out when the template has no 'parameters' section (test_group_deployment_lite), {} when it
            # declares none (test_resource_group_deployment#1)
            props["parameters"] = self._parameters_json()
        props.update({"mode": self.mode, "provisioningState": "Succeeded" if validated else self.provisioning_state,
                      "timestamp": iso(self.ended or self.started),
                      "duration": _duration((self.ended or clock_now or self.started) - self.started),
                      "correlationId": self.correlation_id, "providers": self._providers(),
                      "dependencies": self._dependencies()})
        if self.on_error:
            props["onErrorDeployment"] = dict(self.on_error)
        if validated:
            props["validatedResources"] = [{"id": r.id} for r in self.resources]
        if self.provisioning_state == "Succeeded" and not validated:
            if self.outputs:  # left out when there are none; names camel-cased (test_resource_group_deployment)
                props["outputs"] = {camel_case(k): v for k, v in self.outputs.items()}
            props["outputResources"] = [{"id": rid} for rid in sorted(self.output_resources, key=str.lower)]
        if self.error is not None and not validated:
            props["error"] = self.error
        body = {"id": self.id, "name": self.name, "type": DEPLOYMENT_TYPE}
        if self.location:
            body["location"] = self.location
        if self.tags:
            body["tags"] = dict(self.tags)
        body["properties"] = props
        return body

    def _parameters_json(self):
        out = {}
        for name, value in self.parameters.items():
            ptype = self.parameter_types.get(name, "String")
            # names camel-cased as ARM writes them ('CrossRg' -> 'crossRg': test_group_deployment_crossrg)
            out[camel_case(name)] = {"type": ptype} if ptype.startswith("Secure") else {"type": ptype, "value": value}
        return out

    def _providers(self):
        by_ns = {}
        for r in self.resources:
            ns, _, rtype = r.type.partition("/")
            types = by_ns.setdefault(ns, {})
            types.setdefault(rtype, set()).add(r.location)
        # a resource without a location (a policy definition) is a null (test_subscription_level_what_if)
        return [{"namespace": ns, "resourceTypes": [
            {"resourceType": t, "locations": sorted(x for x in locs if x) + ([None] if None in locs else [])}
            for t, locs in types.items()]} for ns, types in by_ns.items()]

    def _dependencies(self):
        by_key = {r.key: r for r in self.resources}
        out = []
        for r in self.resources:
            if r.depends:
                deps = [by_key[k].target() for k in r.depends if k in by_key]
                out.append({"dependsOn": deps, "id": r.id, "resourceType": r.type, "resourceName": r.name})
        return out

    def operations_json(self, listed=False):
        """The deployment's operations; ``listed``: as the list answers them, without ``serviceRequestId`` (which
        only the GET of one operation showed: test_resource_group_deployment#17, #18)."""
        out = []
        for r in self.resources:
            if r.operation_id is None:
                continue
            props = {"provisioningOperation": "Create", "provisioningState": r.state,
                     "timestamp": iso(r.ended or r.started), "duration": _duration((r.ended or r.started) - r.started),
                     "trackingId": r.tracking_id}
            if not listed:
                props["serviceRequestId"] = r.service_request_id
            if r.status_code:
                props["statusCode"] = r.status_code
            if r.status_message is not None:
                props["statusMessage"] = r.status_message
            props["targetResource"] = r.target()
            out.append({"id": "{}/operations/{}".format(self.id, r.operation_id), "operationId": r.operation_id,
                        "properties": props})
        return out


def camel_case(name):
    """A dictionary key as Json.NET's camel-casing writes it: 'NewNSG' -> 'newNSG', 'URLPath' -> 'urlPath'."""
    chars = list(name)
    for i, c in enumerate(chars):
        if i == 1 and not c.isupper():
            break
        if i > 0 and i + 1 < len(chars) and not chars[i + 1].isupper():
            if chars[i + 1].isspace():
                chars[i] = c.lower()
            break
        chars[i] = c.lower()
    return "".join(chars)


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
        scope = "/subscriptions/{}".format(dep.subscription_id)
        if dep.resource_group is not None:
            scope += "/resourcegroups/{}".format(dep.resource_group)
        return "{}/providers/{}/deployments/{}/operationStatuses/{}".format(scope, NS, dep.name, self.id)
