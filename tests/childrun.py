"""Run part of a test in a forked child process whose Azure is this process's in-process fake cloud.

Why: a crash simulated by raising an exception is not a crash. When it lands in an azure-core poller
thread it ends that thread only, the poller records nothing and ``result()`` returns normally, so the code
under test runs on as if the operation had finished. Here the code runs in a child process and every HTTP
request it makes travels over a pipe to the parent, which serves it from the fake cloud (the cloud's state
stays in the parent). To crash the child at its Nth request, the parent kills it with SIGKILL, from
outside, before serving that request (``crash_after=False``) or after serving it but before the child sees
the answer (``crash_after=True``): every thread of the child stops there, whatever it was doing.

    result = run_in_child(cloud, lambda remote: engine.apply(remote.rewire(ctx)), crash_at=7)
    result.outcome   # "succeeded" | "raised" | "crashed"
    result.requests  # requests the child sent (the one it crashed on included)
    result.crashed   # (method, path) of the request it died on, or None

With ``skip_polls=True`` the Nth request is the Nth that is not a poll of a long-running operation (as the
fake's ``skipPolls`` fault rules count, fakeazure/core/faults.py): on a profile where operations take time,
the number of polls moves with the durations, the other requests do not.

The body must return something picklable (or None). An exception in the child comes back as
``outcome == "raised"`` with ``error`` = (exception type name, message, traceback text).
"""
import io
import os
import signal
import threading
import traceback
from multiprocessing import Pipe
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter

from fakeazure.inprocess import BASE_URL, WSGIAdapter

CHILD_TIMEOUT_SECONDS = 300  # a child that sends nothing for this long is killed and the test fails


class ChildResult:
    def __init__(self, outcome, value=None, error=None, requests_sent=0, crashed=None):
        self.outcome = outcome
        self.value = value
        self.error = error
        self.requests = requests_sent
        self.crashed = crashed

    def __repr__(self):
        return "ChildResult({}, requests={}, crashed={}, error={})".format(
            self.outcome, self.requests, self.crashed, self.error and self.error[:2])


class _PipeAdapter(BaseAdapter):
    """The child's transport: each request goes to the parent and waits for its answer (one at a time)."""

    def __init__(self, remote):
        super().__init__()
        self.remote = remote

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif body is not None and not isinstance(body, (bytes, bytearray)):
            body = b"".join(body)
        reply = self.remote.ask(("request", request.method, request.url, dict(request.headers), body))
        if reply[0] == "connection-error":
            raise requests.ConnectionError(reply[1], request=request)
        _, status, reason, headers, data = reply
        resp = requests.Response()
        resp.status_code, resp.reason = status, reason
        resp.headers = requests.structures.CaseInsensitiveDict(headers)
        resp.raw = io.BytesIO(data)
        resp._content = data  # pylint: disable=protected-access
        resp.url = request.url
        resp.request = request
        resp.encoding = requests.utils.get_encoding_from_headers(resp.headers)
        resp.connection = self
        return resp

    def close(self):
        pass


class _RemoteCredential:
    """Tokens minted by the parent's cloud (its clock, its key)."""

    def __init__(self, remote):
        self.remote = remote

    def get_token(self, *scopes, **kwargs):
        from azure.core.credentials import AccessToken
        _, token, exp = self.remote.ask(("token",))
        return AccessToken(token, exp)

    def get_token_info(self, *scopes, options=None):
        from azure.core.credentials import AccessTokenInfo
        _, token, exp = self.remote.ask(("token",))
        return AccessTokenInfo(token, exp)


class Remote:
    """What the child's code gets: SDK clients and a clock that act on the parent's cloud."""

    def __init__(self, conn, subscription):
        self._conn = conn
        self._lock = threading.Lock()  # poller threads share the pipe: one request and its answer at a time
        self.subscription = subscription

    def ask(self, message):
        with self._lock:
            self._conn.send(message)
            return self._conn.recv()

    def client(self, client_cls):
        from azure.core.pipeline.transport import RequestsTransport
        session = requests.Session()
        adapter = _PipeAdapter(self)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        transport = RequestsTransport(session=session, session_owner=False)
        return client_cls(_RemoteCredential(self), self.subscription, base_url=BASE_URL, transport=transport,
                          polling_interval=0)

    def sleep(self, seconds):
        """Advance the parent's virtual clock (what ``ctx.sleep`` does in-process)."""
        self.ask(("sleep", seconds))

    def now(self):
        """The parent's virtual clock (what ``ctx.clock`` reads in-process)."""
        return self.ask(("now",))[1]


def _serve(adapter, message):
    _, method, url, headers, body = message
    prepared = requests.Request(method, url, headers=headers, data=body or None).prepare()
    try:
        resp = adapter.send(prepared)
    except requests.ConnectionError as exc:
        return ("connection-error", str(exc))
    return ("response", resp.status_code, resp.reason, dict(resp.headers), resp.content)


def _child(conn, cloud, body):
    remote = Remote(conn, cloud.default_subscription)
    try:
        value = body(remote)
        message = ("done", "succeeded", value, None)
    except BaseException as exc:  # pylint: disable=broad-except  (everything goes back to the parent)
        message = ("done", "raised", None, (type(exc).__name__, str(exc), traceback.format_exc()))
    try:
        with remote._lock:  # pylint: disable=protected-access
            conn.send(message)
    finally:
        os._exit(0)  # never run the parent's atexit handlers, pytest's included


def run_in_child(cloud, body, crash_at=None, crash_after=False, timeout=CHILD_TIMEOUT_SECONDS, skip_polls=False):
    """Fork; run ``body(remote)`` in the child against ``cloud``; kill the child at request ``crash_at`` (with
    ``skip_polls``, counting only the requests that are not polls)."""
    parent_conn, child_conn = Pipe()
    pid = os.fork()
    if pid == 0:  # the child
        parent_conn.close()
        _child(child_conn, cloud, body)
    child_conn.close()
    adapter = WSGIAdapter(cloud)
    sent, counted, crashed, result = 0, 0, None, None
    try:
        while result is None:
            if not parent_conn.poll(timeout):
                raise AssertionError("the child sent nothing for {} s (request {}); killed".format(timeout, sent))
            try:
                message = parent_conn.recv()
            except EOFError:
                result = ChildResult("died", requests_sent=sent)  # ended without a word: a bug in the child
                break
            if message[0] == "request":
                sent += 1
                poll = skip_polls and cloud.operations.is_poll(message[1], urlsplit(message[2]).path)
                counted += 0 if poll else 1
                at = not poll and counted == crash_at
                if at and not crash_after:
                    crashed = (message[1], urlsplit(message[2]).path)
                    break
                reply = _serve(adapter, message)
                if at:
                    crashed = (message[1], urlsplit(message[2]).path)
                    break
                parent_conn.send(reply)
            elif message[0] == "token":
                token, exp = cloud.identity.mint()
                parent_conn.send(("token", token, exp))
            elif message[0] == "sleep":
                cloud.clock.advance(message[1])
                parent_conn.send(("slept",))
            elif message[0] == "now":
                parent_conn.send(("now", cloud.clock.now()))
            elif message[0] == "done":
                result = ChildResult(message[1], value=message[2], error=message[3], requests_sent=sent)
    finally:
        if result is None:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        parent_conn.close()
    if crashed is not None:
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
        return ChildResult("crashed", requests_sent=sent, crashed=crashed)
    assert result.outcome != "died", "the child process ended without reporting (exit status {})".format(status)
    return result
