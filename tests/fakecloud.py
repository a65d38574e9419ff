"""The stock ``az`` (a subprocess, none of this project loaded) against a ``FakeAzureServer``.

Shared by the ``tests/fake/*_az`` modules; each keeps its own fixture (and so its own scope)::

    @pytest.fixture(scope="module")
    def server():
        with fake_server("healthy-windows") as srv:
            yield srv

    vm = az(server, "vm", "show", "-g", "rg-healthy", "-n", "app01")    # exit 0 asserted, parsed JSON back
    res = az(server, "vm", "show", "-g", "rg", "-n", "x", check=False)  # an AzResult: rc, stdout, stderr
"""
import json
import os
import subprocess
import sys
import time

import requests

from fakeazure.server import FakeAzureServer

AZ = os.path.join(os.path.dirname(sys.executable), "az")


def require_az():
    """Skip a test that needs the stock az when it is not installed next to this interpreter; in CI (which
    installs azure-cli into the venv) a missing az fails instead."""
    import pytest
    if not os.path.exists(AZ):
        if os.environ.get("CI") == "true":
            pytest.fail("the stock az is not installed next to this interpreter")
        pytest.skip("the stock az is not installed next to this interpreter")


def fake_server(*scenarios):
    """An HTTPS fake for the stock az on the time profile (use ``with``): a virtual clock, every operation as
    long as Azure takes (fakeazure/durations.yaml); Retry-After 1, so az waits 1 s between polls (with 0 it
    would wait its own 30 s), and each poll of an operation in progress counts as 30 s on the fake's clock
    (the stock az's own pace: its compute client polls every 30 s when Azure sends no Retry-After)."""
    return FakeAzureServer(profile="fast", retry_after=1, poll_seconds=30, scenarios=list(scenarios))


class AzResult:
    """One ``az ... -o json`` run: exit code, output, and how long it took."""

    def __init__(self, proc, seconds):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.seconds = seconds

    def json(self):
        return json.loads(self.stdout) if self.stdout.strip() else None


def run_az(server, *args, timeout=180):
    """Run the stock az against ``server`` and return an ``AzResult`` whatever its exit code."""
    env = {k: v for k, v in os.environ.items() if k != "AZURE_EXTENSION_DEV_SOURCES"}
    env.update(server.env_vars())
    started = time.monotonic()
    proc = subprocess.run([AZ, *args, "-o", "json"], env=env, capture_output=True, text=True, timeout=timeout)
    return AzResult(proc, time.monotonic() - started)


def az(server, *args, check=True):
    """With ``check``: assert exit 0 and return the parsed JSON (None for no output); else the ``AzResult``."""
    res = run_az(server, *args)
    if check:
        assert res.rc == 0, res.stderr
        return res.json()
    return res


def control(server, method, path, body=None):
    """A call to the fake's control API (``/_fake/...``); asserts success and returns the JSON."""
    r = requests.request(method, server.base_url + path, json=body, verify=server.cert_path, timeout=10)
    assert r.status_code < 300, r.text
    return r.json()
