"""Policy assignments and what they deny, no HTTP.

An assignment (scenario data or :meth:`Backend.assign`) has a scope (subscription or resource group), a name, a
definition (``policyRule`` in Azure's rule language, :mod:`.rules`, and its parameters' values) and applies to
every resource under its scope. The effects modelled: ``Deny`` refuses the write; ``Audit`` and ``Disabled``
change nothing a caller sees.

* :meth:`Backend.enforce` is what ARM does on a PUT (and PATCH) of a resource: evaluate its content (the request
  body with ``type``, ``name`` and ``id`` filled in, as ARM evaluates a request) against every deny assignment
  covering it; 403 ``RequestDisallowedByPolicy`` naming them.
* :meth:`Backend.check_restrictions` is ``checkPolicyRestrictions`` (azure-rest-api-specs policyinsights
  2022-03-01): ``contentEvaluationResult.policyEvaluations`` has one ``NonCompliant`` entry (``policyInfo`` and
  ``evaluationDetails``) per deny assignment the given content would be refused by; ``fieldRestrictions``
  (answers about ``pendingFields``) is always empty: the fake does not derive field restrictions
  (fakeazure/UNVERIFIED.md).
"""
from ..core import ids
from ..core.backend import BaseBackend
from . import exceptions, rules


class Assignment:
    def __init__(self, scope, name, rule, parameters=None, definition_name=None, display_name=None):
        self.scope = scope.rstrip("/")
        self.name = name
        self.rule = rule
        self.parameters = dict(parameters or {})
        self.definition_name = definition_name or name
        self.display_name = display_name or name
        rules.validate(rule, self.parameters)

    @property
    def id(self):
        return "{}/providers/Microsoft.Authorization/policyAssignments/{}".format(self.scope, self.name)

    @property
    def definition_id(self):
        sub = (ids.parse(self.scope) or {}).get("subscription") or self.scope.split("/")[2]
        return "/subscriptions/{}/providers/Microsoft.Authorization/policyDefinitions/{}".format(
            sub, self.definition_name)

    @property
    def effect(self):
        return str(rules.resolve(self.rule["then"].get("effect"), self.parameters)).lower()

    def denies(self, content):
        return self.effect == "deny" and rules.evaluate(self.rule["if"], content, self.parameters)

    def to_json(self):
        return {"id": self.id, "name": self.name, "type": "Microsoft.Authorization/policyAssignments",
                "properties": {"displayName": self.display_name, "scope": self.scope,
                               "policyDefinitionId": self.definition_id,
                               "parameters": {k: {"value": v} for k, v in self.parameters.items()}}}


class PolicyInsightsBackend(BaseBackend):
    def __init__(self, cloud):
        super().__init__(cloud)
        self.assignments = {}  # key(assignment id) -> Assignment

    def assign(self, scope, name, rule, parameters=None, definition_name=None, display_name=None):
        try:
            a = Assignment(scope, name, rule, parameters, definition_name, display_name)
        except rules.RuleError as exc:
            raise ValueError(str(exc)) from exc
        self.assignments[ids.key(a.id)] = a
        return a

    def covering(self, rid):
        return [a for a in self.assignments.values() if ids.under(rid, a.scope)]

    def denying(self, rid, content):
        return [a for a in self.covering(rid) if a.denies(content)]

    # -- ARM's gateway ------------------------------------------------------------------------------
    def enforce(self, method, path, body):
        """Refuse a PUT/PATCH whose resource a deny assignment covers (the content is the request body)."""
        if method not in ("PUT", "PATCH") or not isinstance(body, dict) or not self.assignments:
            return
        p = ids.parse(path)
        if not p or not p.get("namespace") or not p.get("names"):
            return
        rtype = "{}/{}".format(p["namespace"], p["type"])
        content = dict(body, type=rtype, name=p["names"][-1], id=path)
        denied = self.denying(path, content)
        if denied:
            raise exceptions.disallowed(p["names"][-1], denied)

    # -- checkPolicyRestrictions --------------------------------------------------------------------
    def check_restrictions(self, scope, body):
        details = (body or {}).get("resourceDetails") or {}
        content = details.get("resourceContent")
        if not isinstance(content, dict):
            raise exceptions.invalid_request("The request must include resourceDetails.resourceContent.")
        rtype = content.get("type") or ""
        name = content.get("name") or "{pending}"
        rid = "{}/providers/{}/{}".format(scope.rstrip("/"), rtype, name) if rtype else scope
        evaluations = []
        for a in self.denying(rid, dict(content, id=rid)):
            evaluations.append({
                "policyInfo": {"policyDefinitionId": a.definition_id, "policyAssignmentId": a.id},
                "evaluationResult": "NonCompliant",
                "evaluationDetails": {"evaluatedExpressions": [{"result": "True", "expressionKind": "field",
                                                                 "expression": "type", "path": "type",
                                                                 "expressionValue": rtype.lower(),
                                                                 "operator": "equals"}]}})
        return {"fieldRestrictions": [], "contentEvaluationResult": {"policyEvaluations": evaluations}}

    def delete_group_contents(self, subscription_id, group):
        scope = "/subscriptions/{}/resourceGroups/{}".format(subscription_id, group)
        for k, a in list(self.assignments.items()):
            if ids.under(a.scope, scope):
                del self.assignments[k]

    def dump(self):
        return {"assignments": [a.to_json() for a in self.assignments.values()]}
