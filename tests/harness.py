"""Record/replay harness for scenario tests (azure-cli-testsdk ScenarioTest, cassettes in recordings/).

- Cassettes live in the top-level ``recordings/`` as ``<TestClass>.<test_method>.yaml``.
- Replay needs no server and no network. A test whose cassette is missing FAILS; it never goes live.
- Recording (``AZURE_TEST_RUN_LIVE=True`` plus the fake cloud's env, as ``scripts/dev.sh record`` does)
  loads the test's ``scenario`` into the fake first, then records through these processors, in order:
  drop token and control-API traffic; rewrite the fake's ``https://127.0.0.1:<port>`` to Azure's hosts
  (so replay does not depend on the port); subscription ids to zeros; SAS signatures and bearer tokens
  and passwords in request bodies to ``REDACTED``; binary bodies (boot screenshots) stored zlib-compressed and restored on replay.
- Replay matches method, host, path, query AND the request body: the live body goes through the same
  scrub as when recording (hosts, subscription, secrets) and both are compared as normalised JSON (or
  bytes when not JSON). A test fails when it sends a body the cassette does not hold, and when a recorded
  interaction was never played (a request the code no longer makes). Anything that varies between runs
  (run ids, generated passwords) must be seeded by the test, not scrubbed.
"""
import base64
import json
import os
import re
import ssl
import urllib.request
import zlib

from azure.cli.testsdk import ScenarioTest
from azure.cli.testsdk.scenario_tests.const import MOCKED_SUBSCRIPTION_ID
from azure.cli.testsdk.scenario_tests.recording_processors import (
    RecordingProcessor, SubscriptionRecordingProcessor, RequestUrlNormalizer)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECORDINGS = os.path.join(ROOT, "recordings")
LIVE = bool(os.environ.get("AZURE_TEST_RUN_LIVE"))

ARM_HOST = "https://management.azure.com"
BLOB_HOST = "https://md-fakeazure.blob.storage.azure.net"
_FAKE_BLOB = re.compile(r"https://(?:127\.0\.0\.1|localhost):\d+/_blob/")
_FAKE_ARM = re.compile(r"https://(?:127\.0\.0\.1|localhost):\d+")
_SIG = re.compile(r"(?i)\b(sig=)[^&\"'\s<>]+")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-]{8,}")
_ACCESS_TOKEN = re.compile(r'("access_token"\s*:\s*")[^"]+(")')
_PASSWORD = re.compile(r'(?i)("(?:adminPassword|password)"\s*:\s*")[^"]*(")')
_PROTECTED = re.compile(r'(?i)("protectedParameters"\s*:\s*\[)([^\]]*)(\])')
_VALUE = re.compile(r'("value"\s*:\s*")[^"]*(")')
BINARY_MARK = "fakeazure-zlib-base64:"


def scrub_text(text):
    """Host rewrite + secret scrub for any recorded string."""
    text = _FAKE_BLOB.sub(BLOB_HOST + "/", text)
    text = _FAKE_ARM.sub(ARM_HOST, text)
    text = _SIG.sub(r"\1REDACTED", text)
    text = _BEARER.sub(r"\1REDACTED", text)
    text = _PASSWORD.sub(r"\1REDACTED\2", text)
    text = _PROTECTED.sub(lambda m: m.group(1) + _VALUE.sub(r"\1REDACTED\2", m.group(2)) + m.group(3), text)
    return _ACCESS_TOKEN.sub(r"\1REDACTED\2", text)


class DropAuthAndControl(RecordingProcessor):
    """Token endpoints and the fake's control API are not part of what the extension does."""

    def process_request(self, request):
        path = request.path if hasattr(request, "path") else request.uri
        if "/msi/token" in request.uri or "/oauth2/" in request.uri or "/_fake/" in request.uri \
                or "/metadata/endpoints" in request.uri or ".well-known/openid-configuration" in request.uri:
            return None
        return request if path is not None else request


class FakeHostRewriter(RecordingProcessor):
    def process_request(self, request):
        request.uri = scrub_text(request.uri)
        if request.body and isinstance(request.body, (bytes, str)):
            body = request.body.decode("utf-8", "replace") if isinstance(request.body, bytes) else request.body
            request.body = scrub_text(body).encode("utf-8")
        return request

    def process_response(self, response):
        body = response["body"].get("string")
        if isinstance(body, str):
            response["body"]["string"] = scrub_text(body)
        for name in list(response["headers"]):
            values = response["headers"][name]
            response["headers"][name] = [scrub_text(v) for v in values] if isinstance(values, list) \
                else scrub_text(values)
        return response


class LiveRequestScrubber(RecordingProcessor):
    """Replay: the live request scrubbed as FakeHostRewriter and SubscriptionRecordingProcessor did when
    recording (responses come from the cassette: left alone)."""

    def __init__(self):
        self._recording = (FakeHostRewriter(), SubscriptionRecordingProcessor(MOCKED_SUBSCRIPTION_ID))

    def process_request(self, request):
        for processor in self._recording:
            request = processor.process_request(request)
        return request


def _normalised_body(body):
    if body is None:
        return b""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    try:
        return json.dumps(json.loads(text), sort_keys=True)
    except ValueError:
        return text


def body_matcher(live, recorded):
    """vcr matcher: the live request's (scrubbed) body is the recorded one, compared as normalised JSON."""
    a, b = _normalised_body(live.body), _normalised_body(recorded.body)
    assert a == b, "request body differs from the recording:\n  sent     {}\n  recorded {}".format(
        a[:600], b[:600])


class BinaryBodyCompressor(RecordingProcessor):
    """Store binary bodies (BMP screenshots) compressed; ``BinaryBodyRestorer`` undoes it on replay."""

    def process_response(self, response):
        body = response["body"].get("string")
        if isinstance(body, bytes) and body:
            response["body"]["string"] = BINARY_MARK + base64.b64encode(zlib.compress(body, 9)).decode()
        return response


class BinaryBodyRestorer(RecordingProcessor):
    def process_response(self, response):
        body = response["body"].get("string")
        if isinstance(body, (str, bytes)):
            text = body.decode("latin-1") if isinstance(body, bytes) else body
            if text.startswith(BINARY_MARK):
                response["body"]["string"] = zlib.decompress(base64.b64decode(text[len(BINARY_MARK):]))
        return response


def control(method, path, body=None):
    """Call the fake cloud's control API (record mode only)."""
    base = os.environ["FAKEAZURE_URL"]
    ctx = ssl.create_default_context(cafile=os.environ["REQUESTS_CA_BUNDLE"])
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, context=ctx, timeout=30) as resp:  # nosec - loopback only
        return json.loads(resp.read() or b"{}")


class SerialExecutor:
    """A stand-in for ThreadPoolExecutor that runs each submitted call at once, in this thread."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, fn, *args, **kwargs):
        import concurrent.futures
        future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # pylint: disable=broad-except
            future.set_exception(exc)
        return future


EMPTY_CASSETTE = "interactions: []\nversion: 1\n"


class VmBootFixScenarioTest(ScenarioTest):
    """Base class: set ``scenario`` (a fakeazure scenario name) and optionally ``faults`` (rules)."""

    scenario = None
    faults = ()

    def __init__(self, method_name):
        name = "{}.{}".format(type(self).__name__, method_name)
        super().__init__(method_name, recording_name=name)
        # the testsdk computes its own recording dir from the test file; ours is top-level recordings/
        self.vcr.cassette_library_dir = RECORDINGS
        self.recording_file = os.path.join(RECORDINGS, name + ".yaml")
        # (the testsdk deletes the old cassette here, at construction; pytest constructs every collected test,
        # even those -k deselects, so the old cassette is only replaced in setUp, when the test really runs)
        self.in_recording = self.is_live
        # explicit order (the testsdk merges its lists through a set, which loses order)
        self.recording_processors = [DropAuthAndControl(), FakeHostRewriter(),
                                     SubscriptionRecordingProcessor(MOCKED_SUBSCRIPTION_ID),
                                     RequestUrlNormalizer(), BinaryBodyCompressor(), self.name_replacer]
        # on replay the live request is scrubbed as it was when recording, so that bodies compare
        self.replay_processors = [LiveRequestScrubber(), RequestUrlNormalizer(), BinaryBodyRestorer()]
        self.vcr.register_matcher("body", body_matcher)
        self.vcr.match_on = tuple(self.vcr.match_on) + ("body",)

    def _ensure_cassette(self):
        """vcr writes no file for a test that made no request; its (empty) cassette is still its record."""
        if not os.path.exists(self.recording_file):
            with open(self.recording_file, "w", encoding="utf-8") as fh:
                fh.write(EMPTY_CASSETTE)

    def setUp(self):
        if not self.is_live and not os.path.exists(self.recording_file):
            self.fail("cassette {} is missing: record it with `bash scripts/dev.sh record` (replay never "
                      "goes live)".format(os.path.relpath(self.recording_file, ROOT)))
        if self.is_live:
            if os.path.exists(self.recording_file):
                os.remove(self.recording_file)
            self.addCleanup(self._ensure_cassette)  # runs after vcr has written (cleanups run LIFO)
            if "FAKEAZURE_URL" not in os.environ:
                self.fail("recording needs the fake cloud's env (run `bash scripts/dev.sh record`)")
            control("POST", "/_fake/reset")
            if self.scenario:
                control("POST", "/_fake/scenarios", {"name": self.scenario})
            for rule in self.faults:
                control("POST", "/_fake/faults", rule)
        # vcrpy is not thread-safe: it drops interactions recorded from several threads at once, and each new
        # VCRConnection briefly un-patches urllib3 for the whole process (vcr's force_reset), so a connection
        # another thread opens in that moment goes to the real network (a SAS download then failed on DNS and
        # diagnose went on without its screenshot). Record and replay the extension's concurrent collection
        # one call at a time; tests/unit/test_diagnose_inprocess.py runs it concurrently.
        from unittest import mock
        patcher = mock.patch("azext_vmbootfix.evidence.concurrent.futures.ThreadPoolExecutor", SerialExecutor)
        patcher.start()
        self.addCleanup(patcher.stop)
        super().setUp()
        if not self.is_live:
            self.addCleanup(self._check_all_played)  # runs before the cassette is closed (cleanups run LIFO)

    @staticmethod
    def diagnose_problems(out):
        """What diagnose could not read (a failed call reported as evidence instead of an error): a scenario
        test expects none unless it injects the failure."""
        problems = [e["observed"] for e in out.get("evidence", [])
                    if e.get("source") in ("images/galleries", "retrieveBootDiagnosticsData")]
        reason = (out.get("screenshot") or {}).get("reason") or ""
        if "download failed" in reason or "download answered" in reason:  # a 404 (nothing captured) is not one
            problems.append(reason)
        return problems

    def _check_all_played(self):
        unplayed = [i for i in range(len(self.cassette)) if not self.cassette.play_counts[i]]
        assert not unplayed, "{} recorded request(s) were never made (the code changed: re-record with " \
            "`bash scripts/dev.sh record`):\n  {}".format(len(unplayed), "\n  ".join(
                "{} {}".format(self.cassette.requests[i].method, self.cassette.requests[i].uri) for i in unplayed))
