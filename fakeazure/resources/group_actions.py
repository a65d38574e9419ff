"""What ARM does with a resource group's resources as a whole: export them as a template
(``POST .../resourcegroups/{rg}/exportTemplate``) and move them to another group
(``POST .../resourceGroups/{rg}/moveResources``). Mixed into :class:`fakeazure.resources.models.ResourcesBackend`.

Export (ResourceGroups_ExportTemplate; recordings ``test_resource_group``, ``test_resource_group_export_skip_*``
of Azure/azure-cli): ``resources`` is ``["*"]`` or ids of the group's resources, ``options`` a comma-separated
list of ``IncludeParameterDefaultValue``, ``IncludeComments``, ``SkipResourceNameParameterization``,
``SkipAllParameterization``. The template has each resource as its provider returns it at the newest
stable api-version the fake knows, without what ARM leaves out (``id``, ``etag``, the provider's read-only
properties; the fake drops those it knows: ``provisioningState``, ``resourceGuid``, ``uniqueId``,
``timeCreated``, ``vmId``), and, unless parameterisation is skipped, each name as a parameter
``<type>_<name>_name`` (with its ``defaultValue`` only under ``IncludeParameterDefaultValue``, as Learn's
``az group export --include-parameter-default-value`` says). An empty export was answered at once (200) in the
recordings, an export with resources by 202 + ``Location`` and the template at the end: the fake does the same.

Move (Resources_MoveResources; recording ``test_resource_move``): 202 + ``Location``; the Location answers
202 while the move runs and 204 when it is done. Refused at once: a resource outside the source group or a
child resource ("... is not a top level resource", MicrosoftDocs/azure-docs#60743), a missing resource or
target group, a ReadOnly lock on the source or the target group (Learn, "Lock your resources": a read-only
lock on a resource group prevents moving resources in or out of it). Refused when the move runs, as ARM's
providers do (MicrosoftDocs/azure-docs#7589): a resource of the source group that depends on a moved one, or
one a moved resource depends on and that is not moved (``ResourceMoveProviderValidationFailed`` with a
``MissingMoveDependentResources`` detail per missing id). A moved resource keeps everything but its group:
the Cloud re-keys it in its provider and rewrites the ids that name it (``Cloud.move_resources``).
"""
import json
import re

from ..core import apiversions, dispatch, errors, ids
from .exceptions import InvalidRequestContent, InvalidResourceMoveRequest

OPTIONS = ("IncludeParameterDefaultValue", "IncludeComments", "SkipResourceNameParameterization",
           "SkipAllParameterization")
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
_READ_ONLY_PROPS = ("provisioningState", "resourceGuid", "uniqueId", "timeCreated", "vmId")
_TOP_KEYS = ("type", "apiVersion", "name", "location", "tags", "sku", "kind", "zones", "identity", "plan",
             "extendedLocation", "managedBy", "properties")
MISSING_DEPENDENCY = ("The move resources request does not contain all the dependent resources. Please check error "
                      "details for missing resource ids.")


class GroupActions:
    # -- export -----------------------------------------------------------------------------------
    def begin_export_template(self, sub, rg, body, base_url):
        """-> (template result, None) when there is nothing to wait for, else (None, operation)."""
        group = self.get_group(sub, rg)
        options = [o.strip() for o in str(body.get("options") or "").split(",") if o.strip()]
        unknown = [o for o in options if o.lower() not in {x.lower() for x in OPTIONS}]
        if unknown:
            raise InvalidRequestContent("The request content was invalid and could not be deserialized: 'Requested "
                                        "value '{}' was not found.'.".format(unknown[0]))
        wanted = body.get("resources")
        if not isinstance(wanted, list) or not wanted:
            raise InvalidRequestContent("The request content was invalid and could not be deserialized: 'Required "
                                        "property 'resources' not found in JSON.'.")
        items = self.resources_in_group(sub, group.name)
        if wanted != ["*"]:
            by_id = {ids.key(i["id"]): i for i in items}
            missing = [r for r in wanted if ids.key(str(r)) not in by_id]
            if missing:
                raise errors.ArmError("The resource '{}' is not in resource group '{}'.".format(missing[0], group.name),
                                      code="InvalidResourceId")  # wording not verified
            items = [by_id[ids.key(str(r))] for r in wanted]
        opts = {o.lower() for o in options}

        def export():
            return {"template": self._template_of(items, opts, base_url)}

        if not items:
            return export(), None
        return None, self.cloud.operations.start(sub, None, group.location, kind="operationresults",
                                                 on_success=export)

    def _template_of(self, items, opts, base_url):
        params, resources = {}, []
        for item in sorted(items, key=lambda i: i["id"].lower()):
            versions = [v for v in apiversions.supported(item["type"]) or [] if "preview" not in v.lower()]
            api = versions[-1] if versions else None
            reply, _ = dispatch.internal_request(self.cloud, "GET", item["id"], api, None, base_url)
            body = dict(reply.body) if reply is not None and isinstance(reply.body, dict) else dict(item)
            res = {"type": item["type"], "apiVersion": api, "name": item["name"]}
            for k in _TOP_KEYS[3:]:
                if k in body:
                    res[k] = body[k]
            if isinstance(res.get("properties"), dict):
                res["properties"] = {k: v for k, v in res["properties"].items() if k not in _READ_ONLY_PROPS}
            if not opts & {"skipallparameterization", "skipresourcenameparameterization"}:
                pname = "{}_{}_name".format(item["type"].split("/")[-1], re.sub(r"\W", "_", item["name"]))
                params[pname] = {"type": "String"}
                if "includeparameterdefaultvalue" in opts:
                    params[pname]["defaultValue"] = item["name"]
                res["name"] = "[parameters('{}')]".format(pname)
            resources.append(res)
        return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": params, "variables": {},
                "resources": resources}

    # -- move -------------------------------------------------------------------------------------
    def begin_move_resources(self, sub, rg, body):
        """Check the request, then a Location operation that moves the resources when it finishes."""
        source = self.get_group(sub, rg)
        wanted, target_id = body.get("resources"), body.get("targetResourceGroup")
        if not isinstance(wanted, list) or not wanted or not target_id:
            raise InvalidRequestContent("The request content was invalid and could not be deserialized: 'Required "
                                        "property '{}' not found in JSON.'.".format("targetResourceGroup" if
                                                                                    wanted else "resources"))
        target_p = ids.parse(target_id) or {}
        if not target_p.get("resource_group") or target_p.get("namespace"):
            raise InvalidResourceMoveRequest("The target resource group id '{}' is invalid.".format(target_id))
        target = self.get_group(target_p["subscription"], target_p["resource_group"])
        if ids.same(target.id, source.id):
            raise InvalidResourceMoveRequest("The source and target resource groups are the same.")  # not verified
        for rid in wanted:
            p = ids.parse(str(rid)) or {}
            if not p.get("namespace") or not ids.same(ids.resource_id(p["subscription"], p["resource_group"], None),
                                                      source.id):
                raise InvalidResourceMoveRequest("The resource '{}' is not in the source resource group '{}'."
                                                 .format(rid, source.name))  # wording not verified
            if len(p["names"]) != 1:
                raise InvalidResourceMoveRequest("Identifier '{}' is not a top level resource.".format(rid))
            if self.cloud.find(str(rid)) is None:
                raise errors.ResourceNotFound(p["namespace"] + "/" + p["type"], p["name"], source.name)
        self.cloud.check_locks_for_write(source.id)
        self.cloud.check_locks_for_write(target.id)
        renames = {}
        for rid in wanted:
            p = ids.parse(self.cloud.find(str(rid)).id)
            renames[ids.key(str(rid))] = ids.resource_id(target.subscription_id, target.name, p["namespace"],
                                                         p["type"], p["name"])

        def move():
            self._check_dependencies(source, set(renames))
            self.cloud.move_resources(renames)

        op = self.cloud.operations.start(sub, None, source.location, kind="operationresults", on_success=move)
        op.final_status = 204
        return op

    def _check_dependencies(self, source, moving):
        """Every resource of the source group that names a moved one, or that a moved one names, must move."""
        bodies, original = {}, {}
        for item in self.resources_in_group(source.subscription_id, source.name):
            obj = self.cloud.find(item["id"])
            to_json = getattr(obj, "to_json", None)
            key = ids.key(item["id"])
            bodies[key] = json.dumps(to_json() if to_json else item).lower()
            original[key] = (item["id"], item["type"])
        missing = {}  # missing id -> the type of the resource that needs it
        for key, text in bodies.items():
            for other in bodies:
                if other != key and _names(text, other) and (key in moving) != (other in moving):
                    needs, needed = (key, other) if key in moving else (other, key)
                    missing.setdefault(needed, original[needs][1])
        if missing:
            by_type = {}
            for needed, rtype in sorted(missing.items()):
                by_type.setdefault(rtype, []).append({"code": "MissingMoveDependentResources",
                                                      "target": original[needed][0], "message": MISSING_DEPENDENCY})
            raise errors.ArmError(
                "Resource move validation failed. Please see details. Diagnostic information: subscription id "
                "'{}'.".format(source.subscription_id), code="ResourceMoveProviderValidationFailed", status=409,
                details=[{"target": rtype, "message": json.dumps({"error": {"details": details}})}
                         for rtype, details in sorted(by_type.items())])


def _names(text, rid):
    """Whether a lower-case JSON text names the lower-case id ``rid`` (itself, or a child of it)."""
    return re.search(re.escape(rid) + r'(?=["/])', text) is not None
