"""``az vm boot-fix diagnose`` on every scenario of the fake cloud, from recorded cassettes.

Record with ``bash scripts/dev.sh record``; replay needs no server and no network.
"""
import os

import pytest
import yaml

from harness import ROOT, VmBootFixScenarioTest

pytestmark = pytest.mark.scenario


def scenario_vm(name, index=0):
    with open(os.path.join(ROOT, "fakeazure", "scenarios", name + ".yaml"), encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    vm = data["vms"][index]
    return vm["resource_group"], vm["name"]


class DiagnoseTest(VmBootFixScenarioTest):
    expected_problem = None  # what every problem diagnose reports must say (a test that injects one)

    def run_diagnose(self, extra=""):
        rg, vm = scenario_vm(self.scenario)
        self.kwargs.update(rg=rg, vm=vm)
        out = self.cmd("vm boot-fix diagnose -g {rg} -n {vm} " + extra).get_output_in_json()
        problems = self.diagnose_problems(out)
        if self.expected_problem:
            assert problems and all(self.expected_problem in p for p in problems), problems
        else:
            assert problems == [], "diagnose could not read everything: {}".format(problems)
        return out


class OobeStuck(DiagnoseTest):
    scenario = "oobe-stuck"

    def test_diagnose_oobe_stuck_with_image(self):
        out = self.run_diagnose()
        assert out["articleId"] == "OSStartUp-OOBE"
        assert out["osState"] == "running-at-oobe"
        assert out["confidence"] >= 0.8
        assert out["screenshot"]["read"] is True
        assert any(e["signal"] == "screenshot" and e["weight"] > 0 for e in out["evidence"])
        assert out["images"], "the image captured earlier must be found"
        assert out["images"][0]["link"] in ("sourceVirtualMachine", "osDisk", "snapshotOfOsDisk")
        assert self.kwargs["vm"] in out["article"]["content"] and "[vmname]" not in out["article"]["content"]
        assert any("az vm create" in s for s in out["nextSteps"]) or any("snapshot" in s for s in out["nextSteps"])

    def test_diagnose_table_output_is_readable(self):
        rg, vm = scenario_vm(self.scenario)
        self.kwargs.update(rg=rg, vm=vm)
        text = self.cmd("vm boot-fix diagnose -g {rg} -n {vm} -o table").output
        assert "verdict" in text and "OSStartUp-OOBE" in text and "next" in text

    def test_diagnose_missing_vm_fails_with_not_found(self):
        rg, _ = scenario_vm(self.scenario)
        self.kwargs.update(rg=rg)
        with pytest.raises(Exception) as info:
            self.cmd("vm boot-fix diagnose -g {rg} -n no-such-vm")
        assert "ResourceNotFound" in str(info.value) or "was not found" in str(info.value)


class OobeStuckNoImage(DiagnoseTest):
    scenario = "oobe-stuck-no-image"

    def test_diagnose_oobe_stuck_without_image(self):
        out = self.run_diagnose()
        assert out["articleId"] == "OSStartUp-OOBE"
        assert out["osState"] == "running-at-oobe"
        assert out["images"] == []
        assert any("az snapshot create" in s for s in out["nextSteps"])


class GeneralizedByApi(DiagnoseTest):
    scenario = "generalized-by-api"

    def test_diagnose_generalized_by_api(self):
        out = self.run_diagnose()
        assert out["articleId"] == "OSStartUp-OOBE"
        assert out["osState"] == "generalized-by-api"
        assert out["confidence"] >= 0.9
        assert any(i["link"] == "sourceVirtualMachine" and i["generalized"] for i in out["images"])
        assert any("az vm create" in s for s in out["nextSteps"])


class TrustedLaunch(DiagnoseTest):
    scenario = "oobe-stuck-trusted-launch"

    def test_diagnose_trusted_launch_finds_gallery_version(self):
        out = self.run_diagnose()
        assert out["articleId"] == "OSStartUp-OOBE"
        assert out["vm"]["securityType"] == "TrustedLaunch"
        assert any(i["kind"] == "galleryImageVersion" for i in out["images"])


class Healthy(DiagnoseTest):
    scenario = "healthy-windows"

    def test_diagnose_healthy_vm(self):
        out = self.run_diagnose()
        assert out["articleId"] is None
        assert out["osState"] == "healthy"
        assert out["article"] is None


class Linux(DiagnoseTest):
    scenario = "linux"

    def test_diagnose_linux_is_not_applicable(self):
        out = self.run_diagnose()
        assert out["articleId"] is None
        assert out["osState"] == "not-applicable"


class BootDiagnosticsDisabled(DiagnoseTest):
    scenario = "boot-diagnostics-disabled"

    def test_diagnose_without_boot_diagnostics(self):
        out = self.run_diagnose()
        assert out["screenshot"]["read"] is False
        assert out["confidence"] <= 0.5
        assert any("boot-diagnostics enable" in s for s in out["nextSteps"])
        assert any("disabled" in e["observed"] for e in out["evidence"])


@pytest.mark.parametrize("scenario,article_id", [
    ("could-not-complete-installation", "OSStartUp-WINDOWS_COULD_NOT_COMPLETE_INSTALLATION"),
    ("restarted-unexpectedly", "OSStartUp-COMPUTER_RESTARTED_UNEXPECTEDLY_OR_ENCOUNTERED_AN_UNEXPECTED_ERROR"),
    ("getting-windows-ready", "OSStartUp-GETTING_WINDOWS_READY"),
])
def test_sibling_scenarios_are_distinct(scenario, article_id):
    """Guards the scenario list: the sibling cassette classes below must exist for these scenarios."""
    assert os.path.exists(os.path.join(ROOT, "fakeazure", "scenarios", scenario + ".yaml"))
    assert article_id in SIBLINGS.values()


SIBLINGS = {
    "could-not-complete-installation": "OSStartUp-WINDOWS_COULD_NOT_COMPLETE_INSTALLATION",
    "restarted-unexpectedly": "OSStartUp-COMPUTER_RESTARTED_UNEXPECTEDLY_OR_ENCOUNTERED_AN_UNEXPECTED_ERROR",
    "getting-windows-ready": "OSStartUp-GETTING_WINDOWS_READY",
}


class CouldNotComplete(DiagnoseTest):
    scenario = "could-not-complete-installation"

    def test_diagnose_sibling(self):
        out = self.run_diagnose()
        assert out["articleId"] == SIBLINGS[self.scenario]
        assert out["confidence"] >= 0.7


class RestartedUnexpectedly(DiagnoseTest):
    scenario = "restarted-unexpectedly"

    def test_diagnose_sibling(self):
        out = self.run_diagnose()
        assert out["articleId"] == SIBLINGS[self.scenario]
        assert out["confidence"] >= 0.7


class GettingWindowsReady(DiagnoseTest):
    scenario = "getting-windows-ready"

    def test_diagnose_sibling(self):
        out = self.run_diagnose()
        assert out["articleId"] == SIBLINGS[self.scenario]
        assert out["confidence"] >= 0.5


class ImagesDenied(DiagnoseTest):
    """A 403 on one call: the images listing is denied; the other signals still decide."""
    scenario = "oobe-stuck"
    faults = ({"kind": "deny", "method": "GET", "path": r"/providers/Microsoft\.Compute/images$", "count": 0,
               "action": "Microsoft.Compute/images/read"},)
    expected_problem = "could not list managed images: 403 AuthorizationFailed"

    def test_diagnose_with_images_denied(self):
        out = self.run_diagnose()
        assert out["articleId"] == "OSStartUp-OOBE"
        assert any("AuthorizationFailed" in e["observed"] for e in out["evidence"])


class Throttled(DiagnoseTest):
    """A 429 on the VM read is retried after Retry-After; the diagnosis completes."""
    scenario = "oobe-stuck"
    faults = ({"kind": "throttle", "method": "GET", "path": r"/virtualMachines/web01$", "count": 1,
               "retryAfter": 1},)

    def test_diagnose_retries_a_429(self):
        out = self.run_diagnose()
        assert out["articleId"] == "OSStartUp-OOBE"
