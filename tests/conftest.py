"""Test set-up shared by every test.

Scenario tests replay cassettes from the top-level ``recordings/`` with no server and no network. When
``AZURE_TEST_RUN_LIVE`` is set (``scripts/dev.sh record`` sets it, with the fake cloud's env), they run
against the fake cloud and rewrite their cassettes instead.

azure-cli-testsdk 0.3.0 predates azure-cli-core 2.9x; two shims make its replay work (see
shared/reference/fake-arm-and-az.md §1c): stub ``msrestazure`` modules for its LRO-delay patch, and a
mock credential with ``acquire_token`` (core 2.9x calls it; the stock mock only has ``get_token``).
"""
import importlib.util
import logging
import os
import subprocess
import sys
import tempfile
import types

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "tests")
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
# the checkout's packages, unless they are importable already (`python -m pytest` from the checkout; mutmut,
# which puts its mutated copy first and must not be overridden: scripts/mutate.py)
if importlib.util.find_spec("azext_vmbootfix") is None or importlib.util.find_spec("fakeazure") is None:
    sys.path.insert(1, ROOT)

LIVE = bool(os.environ.get("AZURE_TEST_RUN_LIVE"))

if not LIVE:
    # Replay: a fresh, empty config dir (AzureCloud, management.azure.com) and nothing that could reach
    # a real or fake cloud. This must happen before azure.cli.core is imported anywhere.
    _cfg = tempfile.mkdtemp(prefix="vmbootfix-replay-")
    os.environ["AZURE_CONFIG_DIR"] = _cfg
    for var in ("IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "FAKEAZURE_URL"):
        os.environ.pop(var, None)
    os.environ["AZURE_CORE_COLLECT_TELEMETRY"] = "no"

# The extension under test is loaded as a dev extension from this checkout (like azdev does).
os.environ["AZURE_EXTENSION_DEV_SOURCES"] = ROOT
if not any(n.endswith(".egg-info") for n in os.listdir(ROOT)):
    subprocess.run([sys.executable, "setup.py", "-q", "egg_info"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _install_msrestazure_stub():
    if "msrestazure" in sys.modules:
        return
    try:
        import msrestazure  # noqa: F401  pylint: disable=unused-import
        return
    except ImportError:
        pass
    root = types.ModuleType("msrestazure")
    op = types.ModuleType("msrestazure.azure_operation")
    polling = types.ModuleType("msrestazure.polling")
    arm = types.ModuleType("msrestazure.polling.arm_polling")

    class AzureOperationPoller:  # pylint: disable=too-few-public-methods
        def _delay(self):
            return None

    class ARMPolling:  # pylint: disable=too-few-public-methods
        def _delay(self):
            return None

    op.AzureOperationPoller = AzureOperationPoller
    arm.ARMPolling = ARMPolling
    root.azure_operation, root.polling, polling.arm_polling = op, polling, arm
    sys.modules.update({"msrestazure": root, "msrestazure.azure_operation": op,
                        "msrestazure.polling": polling, "msrestazure.polling.arm_polling": arm})


def _patch_testsdk_credential():
    try:
        import azure.cli.testsdk.base as base
        import azure.cli.testsdk.patches as patches
    except ImportError:
        return

    def patch_retrieve_token_for_user(unit_test):
        def get_user_credential_mock(*_args, **_kwargs):
            class UserCredentialMock:
                def get_token(self, *_a, **_k):
                    import time
                    from azure.core.credentials import AccessToken
                    return AccessToken("replay-token", int(time.time()) + 3600)

                def acquire_token(self, scopes, **_kw):  # pylint: disable=unused-argument
                    return {"access_token": "replay-token", "token_type": "Bearer", "expires_in": 3600}

            return UserCredentialMock()

        patches.mock_in_unit_test(unit_test, "azure.cli.core.auth.identity.Identity.get_user_credential",
                                  get_user_credential_mock)

    patches.patch_retrieve_token_for_user = patch_retrieve_token_for_user
    base.patch_retrieve_token_for_user = patch_retrieve_token_for_user


_install_msrestazure_stub()
_patch_testsdk_credential()


def pytest_sessionstart(session):  # pylint: disable=unused-argument
    """On CI (CI=true) OCR must be there: a missing Tesseract, language pack or Pillow fails the run instead
    of letting the OCR tests skip."""
    if os.environ.get("CI") != "true":
        return
    import shutil
    problems = []
    for module in ("PIL", "pytesseract", "rapidfuzz"):
        try:
            __import__(module)
        except ImportError:
            problems.append("Python package %s missing" % module)
    if shutil.which("tesseract") is None:
        problems.append("tesseract missing")
    else:
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
        problems += ["tesseract language pack %s missing" % p for p in ("eng", "deu", "fra", "spa", "jpn")
                     if p not in langs]
    if problems:
        raise pytest.UsageError("CI needs OCR: " + "; ".join(problems) + " (bash scripts/dev.sh setup installs them)")


@pytest.fixture(autouse=True)
def _every_operation_has_a_duration():
    """A test that made the fake start an operation the durations table has no row for fails: the fake takes
    the time Azure takes, and an unlisted operation would take a made-up second (fakeazure/core/timing.py)."""
    from fakeazure.core import timing
    timing.UNLISTED.clear()
    yield
    assert not timing.UNLISTED, "operations with no row in fakeazure/durations.yaml: {}".format(
        sorted(timing.UNLISTED))


# -- the fault sweep's tally (tests/property/test_repair_faults.py) ------------------------------------
_FAULT_SWEEP = []


@pytest.fixture
def fault_sweep_tally():
    """A list each sweep case appends (scenario, kind, nth, why the fault took effect or None) to."""
    return _FAULT_SWEEP


def pytest_terminal_summary(terminalreporter):
    if _FAULT_SWEEP:
        missed = [c for c in _FAULT_SWEEP if c[3] is None]
        terminalreporter.write_line("fault sweep: {} cases, the fault took effect in {}, did not in {}{}".format(
            len(_FAULT_SWEEP), len(_FAULT_SWEEP) - len(missed), len(missed),
            "".join("\n  no effect: {} {} at {}".format(*c[:3]) for c in missed)))


# -- the secret canary (tests/canary.py) ------------------------------------------------------------------
@pytest.fixture
def secret_canary(request, capfd, caplog):
    """A unique password for this test; afterwards its stdout, stderr, every log record (DEBUG up), the az
    config dir, watched folders, files and fake clouds, and a cassette it recorded are scanned for it.
    unittest-style tests (ScenarioTest) get it as ``self.secret_canary`` (``@pytest.mark.usefixtures``)."""
    from canary import Canary
    canary = Canary()
    caplog.set_level(logging.DEBUG)
    config_dir = os.environ.get("AZURE_CONFIG_DIR")
    if config_dir:
        canary.watch_tree(config_dir)
    instance = getattr(request, "instance", None)
    if instance is not None:
        instance.secret_canary = canary
        if getattr(instance, "is_live", False) and getattr(instance, "recording_file", None):
            canary.watch_file(instance.recording_file)  # the cassette this test writes
    yield canary
    out, err = capfd.readouterr()
    logs = [("a log record of " + r.name, r.getMessage()) for r in caplog.get_records("setup") +
            caplog.get_records("call")]
    canary.check_all([("stdout", out), ("stderr", err)] + logs)
