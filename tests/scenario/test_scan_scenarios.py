"""``az vm boot-fix scan`` on the fleet-small scenario (100 VMs in two subscriptions, a third the caller
cannot read), from recorded cassettes. Record with ``bash scripts/dev.sh record -k Scan``.

The fleet's subscription ids are the fake's own (not secrets) and the scan names them in its requests, so
these cassettes keep them (the harness otherwise writes every subscription id as zeros, which would merge
the two subscriptions' requests).
"""
import pytest
from azure.cli.testsdk.scenario_tests.recording_processors import SubscriptionRecordingProcessor

from harness import SerialExecutor, VmBootFixScenarioTest
from azext_vmbootfix.scan.rows import SEVERITY

pytestmark = pytest.mark.scenario

FLEET_A = "6d3c1b52-8f4e-4a7e-9c1d-2b5f0e8a7c31"
FLEET_B = "2b7e9c1d-5a4f-4e3b-8d2c-9f1a6e0b3c47"
NO_ACCESS = "9c4d2e1f-7b3a-4c5d-a6e8-1f2b3c4d5e6f"
STUCK = {"running-at-oobe", "generalized-by-api", "setup-failed", "stop-error", "boot-failed",
         "recovery-console", "setup-in-progress", "unknown"}


class ScanTest(VmBootFixScenarioTest):
    scenario = "fleet-small"

    def __init__(self, method_name):
        super().__init__(method_name)
        self.recording_processors = [p for p in self.recording_processors
                                     if not isinstance(p, SubscriptionRecordingProcessor)]

    def setUp(self):
        super().setUp()
        # vcrpy's playback is not thread-safe either: replay the candidates one at a time too (the
        # concurrency itself is tested in-process, tests/unit/test_scan_engine.py)
        from unittest import mock
        patcher = mock.patch("azext_vmbootfix.scan.runner.concurrent.futures.ThreadPoolExecutor", SerialExecutor)
        patcher.start()
        self.addCleanup(patcher.stop)

    def scan(self, extra=""):
        return self.cmd("vm boot-fix scan " + extra).get_output_in_json()


def _ranks(rows):
    return [SEVERITY.index(r["verdict"]) if r["verdict"] in SEVERITY else len(SEVERITY) for r in rows]


class ScanFleet(ScanTest):

    def test_scan_two_subscriptions(self):
        out = self.scan("--subscriptions {} {}".format(FLEET_A, FLEET_B))
        summary, rows = out["summary"], out["vms"]
        assert summary["vms"] == 100 == len(rows)
        by = summary["byVerdict"]
        assert by.get("not-applicable") == 14 and by.get("not-running") == 12  # Linux; deallocated + stopped
        assert by.get("running-at-oobe") == 4 and by.get("setup-failed") == 3 and by.get("generalized-by-api") == 1
        assert summary["candidates"] == 9
        req = summary["requests"]
        assert req["graphPages"] == 1 and req["candidateFinding"] == 3  # fleet A: 60 VMs, two pages of 50
        assert req["perCandidate"] <= 6 * summary["candidates"]
        assert _ranks(rows) == sorted(_ranks(rows))  # most severe first
        for row in rows:
            if row["verdict"] in STUCK:
                assert row["articleId"] and row["next"].startswith("az "), row
        imaged = [r for r in rows if r["verdict"] == "running-at-oobe" and "az vm update" in (r["next"] or "")]
        assert imaged, "the VM with a captured image gets the keep-the-disks step first"

    def test_scan_table_is_sorted_by_severity(self):
        text = self.cmd("vm boot-fix scan --subscriptions {} {} -o table".format(FLEET_A, FLEET_B)).output
        lines = [ln for ln in text.splitlines() if ln.strip()]
        assert lines[0].split()[:2] == ["Verdict", "VM"]
        assert lines[2].split()[0] in ("setup-failed", "stop-error", "boot-failed")
        assert lines[-1].split()[0] == "not-applicable"


class ScanUnreadableSubscription(ScanTest):

    def test_scan_reports_the_subscription_it_cannot_read(self):
        out = self.scan("--subscriptions {} {} --no-ocr".format(FLEET_A, NO_ACCESS))
        summary = out["summary"]
        assert [u["subscriptionId"] for u in summary["unreadableSubscriptions"]] == [NO_ACCESS]
        assert "AuthorizationFailed" in summary["unreadableSubscriptions"][0]["error"]
        assert summary["vms"] == 60 and {r["subscriptionId"] for r in out["vms"]} == {FLEET_A}


class ScanThrottled(ScanTest):
    """A 429 from Resource Graph and one from Compute in the middle of the candidates: both waited out."""
    faults = ({"kind": "throttle", "method": "POST", "path": r"Microsoft\.ResourceGraph/resources", "count": 1,
               "retryAfter": 1},
              {"kind": "throttle", "method": "GET", "path": r"/virtualMachines/f[ab]-vm-\d+$", "nth": 3,
               "count": 1, "retryAfter": 1})

    def test_scan_waits_out_429s(self):
        out = self.scan("--subscriptions {} {} --no-ocr --max-concurrency 4".format(FLEET_A, FLEET_B))
        summary = out["summary"]
        assert summary["vms"] == 100 and summary["candidates"] == 9
        assert summary["requests"]["throttled"] == 2
        assert summary["requests"]["graph"] == 2 and summary["requests"]["graphPages"] == 1
        assert "error" not in summary["byVerdict"]
