"""The base of every provider's responses: request parsing and the ARM reply shapes."""
import json

from . import errors, jsonnet


class Reply:
    def __init__(self, status=200, body=None, headers=None, raw=None, content_type=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.raw = raw
        self.content_type = content_type

    def encode(self, pretty=False):
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        if pretty:
            return json.dumps(self.body, indent=2).replace("\n", "\r\n").encode("utf-8")
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8")


class RequestContext:
    """What a handler needs to know about one request, independent of the HTTP library."""

    def __init__(self, cloud, method, path, query, headers, data, params, base_url, api_version):
        self.cloud = cloud
        self.method = method
        self.path = path
        self.query = query  # dict of str -> str (first value)
        self.headers = headers
        self.data = data
        self.params = params
        self.base_url = base_url
        self.api_version = api_version


class BaseResponse:

    def __init__(self, ctx):
        self.ctx = ctx
        self.cloud = ctx.cloud
        self.params = ctx.params
        self.query = ctx.query

    def run(self, handler):
        """Call the handler a route names; a provider overrides this to wrap every answer it gives."""
        return getattr(self, handler)()

    def param(self, name):
        return self.params[name]

    @property
    def subscription(self):
        return self.params.get("subscriptionId")

    @property
    def resource_group(self):
        return self.params.get("resourceGroupName")

    def json_body(self, required=True, lenient=False):
        """The body as a JSON object. ``lenient``: read as Json.NET reads it (comments, unquoted names;
        :mod:`.jsonnet`), as ARM's deployments service does; strict JSON everywhere else."""
        raw = self.ctx.data or b""
        if not raw.strip():
            if required:
                raise errors.BadRequest("The request content was invalid and could not be deserialized: "
                                        "'Request body is empty.'", code="InvalidRequestContent")
            return {}
        try:
            text = raw.decode("utf-8-sig")
            body = jsonnet.loads(text) if lenient else json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise errors.BadRequest("The request content was invalid and could not be deserialized: "
                                    "'{}'.".format(exc), code="InvalidRequestContent")
        if not isinstance(body, dict):
            raise errors.BadRequest("The request content was invalid and could not be deserialized: "
                                    "'expected a JSON object'.", code="InvalidRequestContent")
        return body

    def ok(self, body, status=200, headers=None):
        return Reply(status, body, headers)

    def no_content(self, status=204):
        return Reply(status, None)

    def lro(self, op, status=202, body=None, location=True):
        """The first answer of a long-running operation: Azure-AsyncOperation (+ Location) + Retry-After."""
        headers = self.cloud.operations.headers(op, self.ctx.base_url, self.ctx.api_version)
        if not location and "Azure-AsyncOperation" in headers:
            headers.pop("Location")
        return Reply(status, body, headers)

    def list_of(self, items):
        return Reply(200, {"value": items})


def operation_status_reply(response, op_id):
    """GET on an ``Azure-AsyncOperation`` URL: the operation status document (after the client's wait, on a
    virtual clock: :meth:`fakeazure.core.lro.OperationStore.waited`)."""
    op = response.cloud.operations.get(op_id)
    if op is None:
        raise errors.NotFound("The operation '{}' could not be found.".format(op_id),
                              code="OperationNotFound")
    if response.ctx.query.get("monitor", "").lower() == "true":
        return operation_result_reply(response, op_id)
    response.cloud.operations.waited(op)
    headers = {}
    if not op.done:
        headers["Retry-After"] = str(int(response.cloud.operations.retry_after))
    return Reply(200, op.status_document(), headers)


def operation_result_reply(response, op_id):
    """GET on a ``Location`` URL: 202 while running; then the result (200/204) or the error."""
    op = response.cloud.operations.get(op_id)
    if op is None:
        raise errors.NotFound("The operation '{}' could not be found.".format(op_id),
                              code="OperationNotFound")
    response.cloud.operations.waited(op)
    if not op.done:
        headers = response.cloud.operations.headers(op, response.ctx.base_url, response.ctx.api_version)
        headers.pop("Azure-AsyncOperation", None)
        return Reply(202, None, headers)
    if op.status == "Failed":
        raise op.error
    if op.output is None:
        return Reply(op.final_status, None)
    return Reply(200, op.output)
