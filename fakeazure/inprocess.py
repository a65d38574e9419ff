"""The fake cloud in-process: a ``requests`` transport adapter that hands requests to the WSGI app.

Used by fast tests and property tests: SDK clients get a session whose adapter is :class:`WSGIAdapter`,
so no socket, no TLS and no thread is involved, yet every request goes through the same code as
``serve``. ``sdk_client(cloud, ClientClass)`` builds a management client wired that way, with a
credential whose tokens the fake minted and a polling interval of 0.
"""
import io
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from werkzeug.test import EnvironBuilder, run_wsgi_app

from .core.app import FakeAzureApp

BASE_URL = "https://fake.management.azure.local"


class WSGIAdapter(BaseAdapter):
    def __init__(self, cloud):
        super().__init__()
        self.cloud = cloud
        self.app = FakeAzureApp(cloud)

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif body is not None and not isinstance(body, (bytes, bytearray)):
            body = b"".join(body)
        builder = EnvironBuilder(path=parts.path, query_string=parts.query, method=request.method,
                                 headers=dict(request.headers), data=body or b"",
                                 base_url="{}://{}".format(parts.scheme, parts.netloc))
        environ = builder.get_environ()
        try:
            app_iter, status, headers = run_wsgi_app(self.app, environ)
        except ConnectionAbortedError as exc:
            raise requests.ConnectionError(str(exc), request=request)
        data = b"".join(app_iter)
        resp = requests.Response()
        resp.status_code = int(status.split(" ", 1)[0])
        resp.reason = status.split(" ", 1)[1] if " " in status else ""
        resp.headers = requests.structures.CaseInsensitiveDict(headers)
        resp.raw = io.BytesIO(data)
        resp._content = data
        resp.url = request.url
        resp.request = request
        resp.encoding = requests.utils.get_encoding_from_headers(resp.headers)
        resp.connection = self
        return resp

    def close(self):
        pass


def session(cloud):
    s = requests.Session()
    adapter = WSGIAdapter(cloud)
    s.mount("https://", adapter)
    s.mount("http://", adapter)
    return s


class FakeCredential:
    """An azure-core TokenCredential whose tokens the fake cloud minted."""

    def __init__(self, cloud):
        self.cloud = cloud

    def get_token(self, *scopes, **kwargs):
        from azure.core.credentials import AccessToken
        token, exp = self.cloud.identity.mint()
        return AccessToken(token, exp)

    def get_token_info(self, *scopes, options=None):
        from azure.core.credentials import AccessTokenInfo
        token, exp = self.cloud.identity.mint()
        return AccessTokenInfo(token, exp)


def sdk_client(cloud, client_cls, subscription_id=None, **kwargs):
    """A management SDK client talking to ``cloud`` in-process."""
    from azure.core.pipeline.transport import RequestsTransport
    transport = RequestsTransport(session=session(cloud), session_owner=False)
    return client_cls(FakeCredential(cloud), subscription_id or cloud.default_subscription,
                      base_url=BASE_URL, transport=transport, polling_interval=0, **kwargs)
