"""``Microsoft.Resources/tags/default`` at any scope: GET, PUT (replace), PATCH (Merge / Replace / Delete),
DELETE (all tags). Tags live on the objects themselves (``.tags`` of a resource group or of whatever
``cloud.find(scope)`` returns), so a VM's tags and its tags resource never disagree.

Answers (azure-mgmt-resource 2024-11-01 ``Tags_*AtScope``): 200 with
``{"id": "<scope>/providers/Microsoft.Resources/tags/default", "name": "default",
"type": "Microsoft.Resources/tags", "properties": {"tags": {...}}}``; the spec also allows 202, which the
fake never needs (tags are written at once). DELETE answers 200 with no body.

Limits (Microsoft Learn "Tag resources"): 50 tags per resource or group, names at most 512 characters,
values at most 256, names without ``< > % & \\ ? /`` or control characters. Error codes and wording are the
ones Azure's own Az.Migrate cmdlets reproduce client-side for ARM's tag validation (all 400):
``InvalidTags`` "Too many tags specified. Requested tag count - 'N'. Maximum number of tags allowed - '50'.",
``InvalidTagName`` (empty name; name too long), ``InvalidTagValueLength``, ``InvalidTagNameCharacters``
(the last also seen verbatim in an az error quoted by Microsoft Learn). Tag names compare
case-insensitively; the first spelling is kept.

Locks: changing tags is a write on the scope (a ReadOnly lock refuses it, CanNotDelete does not); deleting
all tags is treated as a write too (the scope itself is not deleted).
"""
import re

from ..core import errors, ids
from ..core.responses import BaseResponse, Reply

MAX_TAGS = 50
MAX_NAME = 512
MAX_VALUE = 256
_BAD_NAME = re.compile(r"[<>%&\\?/\x00-\x1f\x7f]")
_TAGS_SUFFIX = re.compile(r"/providers/microsoft\.resources/tags/default/?$", re.IGNORECASE)


def scope_of(path):
    return re.sub(r"/{2,}", "/", _TAGS_SUFFIX.sub("", path)).rstrip("/")


class TagsError(errors.GatewayError):
    status = 400


def validate(tags):
    if not isinstance(tags, dict):
        raise TagsError("The request content was invalid and could not be deserialized: 'tags must be an object'.",
                        code="InvalidRequestContent")
    if len(tags) > MAX_TAGS:
        raise TagsError("Too many tags specified. Requested tag count - '{}'. Maximum number of tags allowed - "
                        "'{}'.".format(len(tags), MAX_TAGS), code="InvalidTags")
    for name in tags:
        if not name or not name.strip():
            raise TagsError("The tag name must be non-null, non-empty and non-whitespace only. Please provide an "
                            "actual value.", code="InvalidTagName")
    bad = [n for n in tags if _BAD_NAME.search(n)]
    if bad:
        raise TagsError("The tag names '{}' have reserved characters '<,>,%,&,\\,?,/' or control characters."
                        .format(", ".join(bad)), code="InvalidTagNameCharacters")
    long_names = [n for n in tags if len(n) > MAX_NAME]
    if long_names:
        raise TagsError("Tag key too large. Following tag name '{}' exceeded the maximum length. Maximum allowed "
                        "length for tag name - '{}' characters.".format(", ".join(long_names), MAX_NAME),
                        code="InvalidTagName")
    long_values = [v for v in tags.values() if len(str(v if v is not None else "")) > MAX_VALUE]
    if long_values:
        raise TagsError("Tag value too large. Following tag value '{}' exceeded the maximum length. Maximum "
                        "allowed length for tag value - '{}' characters.".format(", ".join(long_values), MAX_VALUE),
                        code="InvalidTagValueLength")


def _clean(tags):
    return {k: ("" if v is None else str(v)) for k, v in tags.items()}


def merge(current, incoming):
    out = dict(current)
    for name, value in incoming.items():
        same = next((k for k in out if k.lower() == name.lower()), None)
        out[same if same is not None else name] = value
    return out


def remove(current, incoming):
    """Delete ``incoming`` names (or name/value pairs when a value is given) from ``current``."""
    out = dict(current)
    for name, value in incoming.items():
        for k in [k for k in out if k.lower() == name.lower()]:
            if value in ("", None) or out[k] == value:
                del out[k]
    return out


class TagsService:
    """Finds the tagged object behind a scope; reads and writes its tags."""

    def __init__(self, cloud):
        self.cloud = cloud

    def target(self, scope):
        p = ids.parse(scope)
        if p is None:
            raise errors.GatewayError("The scope '{}' is not valid.".format(scope), code="InvalidScope", status=400)
        sub = self.cloud.resources.get_subscription(p["subscription"])
        if p["resource_group"] is None:
            if not hasattr(sub, "tags"):
                sub.tags = {}
            return sub
        group = self.cloud.resources.get_group(p["subscription"], p["resource_group"])
        if not p["namespace"]:
            return group
        obj = self.cloud.find(scope)
        if obj is None or not hasattr(obj, "tags"):
            raise errors.ResourceNotFound("{}/{}".format(p["namespace"], p["type"]), "/".join(p["names"]),
                                          group.name)
        return obj

    def get(self, scope):
        return self.target(scope).tags

    def _write(self, scope, new_tags):
        obj = self.target(scope)
        self.cloud.check_locks_for_write(scope)
        validate(new_tags)
        obj.tags = _clean(new_tags)
        if hasattr(obj, "touch"):
            obj.touch()
        return obj.tags

    def replace(self, scope, tags):
        return self._write(scope, tags or {})

    def patch(self, scope, operation, tags):
        op = (operation or "").lower()
        if op not in ("merge", "replace", "delete"):
            raise TagsError("The tags operation '{}' is not valid. Valid values are 'Merge', 'Replace' and "
                            "'Delete'.".format(operation), code="InvalidTagsOperation")
        current = self.target(scope).tags
        tags = tags or {}
        if op == "replace":
            return self._write(scope, tags)
        validate(tags)
        if op == "merge":
            return self._write(scope, merge(current, tags))
        return self._write(scope, remove(current, tags))

    def delete(self, scope):
        return self._write(scope, {})


def tags_resource(scope, tags):
    return {"id": scope + "/providers/Microsoft.Resources/tags/default", "name": "default",
            "type": "Microsoft.Resources/tags", "properties": {"tags": dict(tags)}}


class TagsResponse(BaseResponse):
    @property
    def service(self):
        return TagsService(self.cloud)

    @property
    def scope(self):
        return scope_of(self.ctx.path)

    def _properties(self):
        body = self.json_body()
        return body, (body.get("properties") or {}).get("tags") or {}

    def get_tags(self):
        return self.ok(tags_resource(self.scope, self.service.get(self.scope)))

    def put_tags(self):
        _, tags = self._properties()
        return self.ok(tags_resource(self.scope, self.service.replace(self.scope, tags)))

    def patch_tags(self):
        body, tags = self._properties()
        return self.ok(tags_resource(self.scope, self.service.patch(self.scope, body.get("operation"), tags)))

    def delete_tags(self):
        self.service.delete(self.scope)
        return Reply(200)
