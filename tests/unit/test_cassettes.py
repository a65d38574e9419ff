"""Cassettes: no secret in any of them; every scenario test has one; a missing one fails, never goes live."""
import glob
import os
import re
import unittest

import pytest

from harness import RECORDINGS, VmBootFixScenarioTest

SECRETS = [
    (re.compile(r"(?i)\bsig=(?!REDACTED\b)[A-Za-z0-9%+/=]{8,}"), "SAS signature"),
    (re.compile(r"(?i)bearer\s+(?!REDACTED\b)[A-Za-z0-9._-]{20,}"), "bearer token"),
    (re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}"), "JWT"),
    (re.compile(r'(?i)"(access_token|refresh_token|client_secret)"\s*:\s*"(?!REDACTED)[^"]{8,}"'), "token field"),
    (re.compile(r'(?i)"adminPassword"\s*:\s*"(?!REDACTED")[^"]+"'), "admin password"),
    (re.compile(r"Passw0rd"), "a test password"),
    (re.compile(r"Cn4ry-|-yrn4C"), "a secret canary's password (tests/canary.py)"),
    (re.compile(r'(?is)"protectedParameters"\s*:\s*\[[^\]]*?"value"\s*:\s*"(?!REDACTED")'), "a protected parameter"),
    (re.compile(r"(?i)x-identity-header"), "identity header"),
]


def _cassettes():
    return sorted(glob.glob(os.path.join(RECORDINGS, "*.yaml")))


@pytest.mark.parametrize("path", _cassettes() or ["<none>"], ids=os.path.basename)
def test_cassette_holds_no_secret(path):
    if path == "<none>":
        pytest.skip("no cassette recorded yet")  # the scenario tests themselves fail when one is missing
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    for pattern, what in SECRETS:
        m = pattern.search(text)
        assert m is None, "{} holds a {}: {}".format(os.path.basename(path), what, m.group(0)[:40])
    assert "127.0.0.1" not in text, "{} depends on the fake's address".format(os.path.basename(path))


def test_scrubber_redacts_what_the_scan_looks_for():
    from harness import scrub_text
    raw = ('https://127.0.0.1:40123/_blob/c/vm.bmp?sv=2024&sig=abcDEF123%2Bxyz%3D&se=x '
           'Bearer eyJhbGciOi.eyJ0aWQiOiIx.sig1234567890 "access_token": "eyJsecretsecret"')
    out = scrub_text(raw)
    assert "127.0.0.1" not in out and "sig=REDACTED&se=x" in out
    assert "md-fakeazure.blob.storage.azure.net/c/vm.bmp" in out
    for pattern, what in SECRETS[:4]:
        assert pattern.search(out) is None, what


def test_a_missing_cassette_fails_instead_of_going_live(monkeypatch):
    monkeypatch.delenv("AZURE_TEST_RUN_LIVE", raising=False)

    class NeverRecorded(VmBootFixScenarioTest):
        def test_nothing_here(self):
            self.cmd("group list")

    case = NeverRecorded("test_nothing_here")
    if case.is_live:
        pytest.skip("recording mode: this check is about replay")
    result = unittest.TestResult()
    case.run(result)
    assert len(result.failures) == 1 and not result.errors
    assert "cassette recordings/NeverRecorded.test_nothing_here.yaml is missing" in result.failures[0][1]
