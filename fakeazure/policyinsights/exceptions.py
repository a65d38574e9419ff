"""Azure Policy's refusals.

* A write a deny assignment covers: 403 ``RequestDisallowedByPolicy``, "Resource '<name>' was disallowed by
  policy. Policy identifiers: '[{"policyAssignment":{"name":"<n>","id":"<id>"},"policyDefinition":{"name":"<n>",
  "id":"<id>"}}]'." (verbatim in microsoft/vscode-apimanagement#348; Learn, "RequestDisallowedByPolicy error").
  Newer ARM answers say "Reasons: ..." and put the identifiers in ``additionalInfo``; the fake keeps the quoted
  form (fakeazure/UNVERIFIED.md).
* ``checkPolicyRestrictions`` without ``resourceDetails.resourceContent`` (required by the spec): 400
  ``InvalidCheckRestrictionsRequest`` (code and wording not verified).
"""
import json

from ..core import errors


class RequestDisallowedByPolicy(errors.GatewayError):
    status = 403
    code = "RequestDisallowedByPolicy"


def disallowed(resource_name, assignments):
    ids = [{"policyAssignment": {"name": a.name, "id": a.id},
            "policyDefinition": {"name": a.definition_name, "id": a.definition_id}} for a in assignments]
    return RequestDisallowedByPolicy("Resource '{}' was disallowed by policy. Policy identifiers: '{}'.".format(
        resource_name, json.dumps(ids, separators=(",", ":"))))


def invalid_request(message):
    return errors.ArmError(message, code="InvalidCheckRestrictionsRequest", status=400)
