"""diagnose's evidence collection and verdict against the in-process fake cloud (fast profile).

The cassette tests in tests/scenario run the same code through the CLI; these check the parts a cassette
cannot vary cheaply: the number of ARM calls, each image link kind, denied and failing signals, and the
pure verdict/next-step rules for cases the fake has no scenario for (unmanaged disks).
"""
import pytest
from azure.mgmt.compute import ComputeManagementClient

from azext_vmbootfix import diagnose, evidence, nextsteps
from fakeazure.cloud import Cloud
from fakeazure.inprocess import sdk_client, session


def _cloud(scenario, canary=None):
    """``canary``: the test's secret_canary: every SAS signature the cloud issues is then looked for in the
    test's output and logs (DEBUG up) afterwards."""
    cloud = Cloud(profile="fast")
    cloud.load_scenario(scenario)
    if canary is not None:
        canary.watch_cloud(cloud)
    return cloud, sdk_client(cloud, ComputeManagementClient)


def collect(cloud, compute, rg, name, **kw):
    """evidence.collect with the SAS downloads going to the in-process fake too."""
    return evidence.collect(compute, rg, name, read_screenshot=kw.pop("read_screenshot", False),
                            http=session(cloud), **kw)


def _arm_calls(cloud):
    return [r for r in cloud.request_log if not r["path"].startswith(("/_blob/", "/msi/"))]


def test_oobe_stuck_costs_five_arm_calls_and_finds_the_image_through_the_snapshot(secret_canary):
    cloud, compute = _cloud("oobe-stuck", secret_canary)
    cloud.request_log.clear()
    collected = collect(cloud, compute, "rg-oobe", "web01")
    calls = _arm_calls(cloud)
    assert len(calls) <= 6, [c["path"] for c in calls]
    assert [i["link"] for i in collected["images"]] == ["snapshotOfOsDisk"]
    assert collected["bootDiagnostics"]["screenshot"][:2] == b"BM"
    assert collected["vm"]["agentStatus"] == "Not Ready"
    assert collected["vm"]["powerState"] == "running"


def test_generalized_by_api_links_the_image_by_source_vm(secret_canary):
    cloud, compute = _cloud("generalized-by-api", secret_canary)
    collected = collect(cloud, compute, *_first_vm(cloud))
    assert collected["vm"]["osStateGeneralized"] is True
    assert any(i["link"] == "sourceVirtualMachine" and i["generalized"] for i in collected["images"])
    out = diagnose.verdict_for_vm(collected)
    assert out["osState"] == "generalized-by-api" and out["articleId"] == "OSStartUp-OOBE"
    assert any(s.startswith("az vm create") for s in out["nextSteps"])


def test_trusted_launch_gallery_version_is_found_and_kept_trusted_launch_in_next_steps(secret_canary):
    cloud, compute = _cloud("oobe-stuck-trusted-launch", secret_canary)
    collected = collect(cloud, compute, *_first_vm(cloud))
    versions = [i for i in collected["images"] if i["kind"] == "galleryImageVersion"]
    assert versions and versions[0]["securityType"] == "TrustedLaunch"
    assert versions[0]["generalized"] is False  # specialized: not offered as a recreate-with-new-admin image


def test_a_denied_images_listing_is_evidence_not_a_failure(secret_canary):
    cloud, compute = _cloud("oobe-stuck", secret_canary)
    cloud.faults.add({"kind": "deny", "method": "GET", "path": r"/providers/Microsoft\.Compute/images$",
                      "count": 0, "action": "Microsoft.Compute/images/read"})
    collected = collect(cloud, compute, "rg-oobe", "web01")
    assert collected["images"] == []
    assert any("AuthorizationFailed" in p for p in collected["problems"])
    out = diagnose.verdict_for_vm(collected)
    assert any(e["signal"] == "images" and "AuthorizationFailed" in e["observed"] for e in out["evidence"])


def test_a_failing_boot_diagnostics_call_is_reported_and_other_signals_decide(secret_canary):
    cloud, compute = _cloud("oobe-stuck", secret_canary)
    cloud.faults.add({"kind": "error", "method": "POST", "path": "retrieveBootDiagnosticsData", "status": 500,
                      "count": 0})
    collected = collect(cloud, compute, "rg-oobe", "web01")
    assert "retrieveBootDiagnosticsData failed" in collected["bootDiagnostics"]["error"]
    out = diagnose.verdict_for_vm(collected)
    assert out["articleId"] == "OSStartUp-OOBE" and out["confidence"] <= 0.5  # a suspicion only


@pytest.mark.parametrize("call", ["images.list", "galleries.list", "snapshots.get",
                                  "virtual_machines.retrieve_boot_diagnostics_data"])
def test_an_error_azure_did_not_answer_is_not_turned_into_evidence(monkeypatch, call, secret_canary):
    """Only what Azure answers (HttpResponseError) becomes a reported problem; a bug, a network failure or
    a request a cassette does not hold ends diagnose instead of being reported quietly."""
    cloud, compute = _cloud("oobe-stuck", secret_canary)
    group, method = call.split(".")

    def broken(*_a, **_kw):
        raise RuntimeError("not an Azure answer")
    # the operations class: the multi-API client makes a new operations object at each access
    monkeypatch.setattr(type(getattr(compute, group)), method, broken)
    with pytest.raises(RuntimeError, match="not an Azure answer"):
        collect(cloud, compute, "rg-oobe", "web01")


def test_boot_diagnostics_disabled_makes_no_boot_diagnostics_call(secret_canary):
    cloud, compute = _cloud("boot-diagnostics-disabled", secret_canary)
    cloud.request_log.clear()
    collected = collect(cloud, compute, *_first_vm(cloud))
    assert not any("retrieveBootDiagnosticsData" in c["path"] for c in cloud.request_log)
    out = diagnose.verdict_for_vm(collected)
    assert out["screenshot"]["read"] is False
    assert out["nextSteps"][0].startswith("az vm boot-diagnostics enable")


def test_linux_vm_reads_only_its_screen(secret_canary):
    cloud, compute = _cloud("linux", secret_canary)
    cloud.request_log.clear()
    collected = collect(cloud, compute, *_first_vm(cloud))
    calls = _arm_calls(cloud)
    assert len(calls) == 2 and "retrieveBootDiagnosticsData" in calls[1]["path"]  # no image or gallery reads
    assert diagnose.verdict_for_vm(collected)["osState"] == "not-applicable"


def test_missing_vm_raises(secret_canary):
    from azure.core.exceptions import ResourceNotFoundError
    cloud, compute = _cloud("oobe-stuck", secret_canary)
    with pytest.raises(ResourceNotFoundError):
        collect(cloud, compute, "rg-oobe", "nope")


def _facts(**over):
    facts = {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
             "name": "vm1", "resourceGroup": "rg", "location": "eastus", "powerState": "running",
             "provisioningState": "Succeeded", "osStateGeneralized": False, "osType": "Windows",
             "osDiskId": None, "managedDisks": False, "securityType": "Standard", "hyperVGeneration": "V1",
             "bootDiagnosticsEnabled": True, "agentStatus": "Not Ready", "agentMessage": None, "agentTime": None,
             "nicIds": []}
    facts.update(over)
    return facts


def test_unmanaged_disk_vm_is_not_applicable():
    out = diagnose.verdict_for_vm({"vm": _facts(), "bootDiagnostics": None, "images": [], "problems": []})
    assert out["osState"] == "not-applicable" and out["articleId"] is None
    assert "unmanaged" in out["evidence"][0]["observed"]


def test_next_steps_recreate_from_a_generalized_image_with_the_vms_nics():
    vm = _facts(managedDisks=True, vmSize="Standard_D4s_v3", dataDiskCount=1, tags={"env": "prod"},
                nicIds=["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/vm1VMNic"])
    out = {"osState": "running-at-oobe", "articleId": "OSStartUp-OOBE",
           "images": [{"id": "/subscriptions/s/resourceGroups/other/providers/Microsoft.Compute/images/img1",
                       "name": "img1", "generalized": True}]}
    steps = nextsteps.for_verdict(out, vm)
    assert steps[0].startswith("az vm update -g rg -n vm1 --set storageProfile.osDisk.deleteOption=Detach "
                               "storageProfile.dataDisks[0].deleteOption=Detach "
                               "networkProfile.networkInterfaces[0].deleteOption=Detach")
    assert steps[1] == "az vm delete -g rg -n vm1 --yes"
    assert steps[2].startswith("sleep 180")
    create = steps[3]
    assert "--image /subscriptions/s/resourceGroups/other/providers/Microsoft.Compute/images/img1" in create
    assert "--size Standard_D4s_v3" in create and "--nics vm1VMNic" in create and "--tags env=prod" in create
    assert "--admin-username <admin>" in create
    assert steps[4].startswith("az vm boot-fix diagnose -g rg -n vm1")


def test_next_steps_for_a_specialized_gallery_version_attach_no_admin():
    vm = _facts(managedDisks=True, securityType="TrustedLaunch")
    out = {"osState": "running-at-oobe", "articleId": "OSStartUp-OOBE",
           "images": [{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/d/"
                             "versions/1.0.0", "name": "g/d/1.0.0", "kind": "galleryImageVersion",
                       "generalized": False, "securityType": "TrustedLaunch"}]}
    create = [s for s in nextsteps.for_verdict(out, vm) if s.startswith("az vm create")][0]
    assert "--specialized" in create and "--security-type TrustedLaunch" in create
    assert "--image /subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/d/versions/" \
           "1.0.0" in create  # a child resource is named by its id
    assert "--admin-username" not in create


def _first_vm(cloud):
    vm = next(iter(cloud.compute.vms.values()))
    return vm.resource_group, vm.name


@pytest.mark.ocr
def test_full_verdict_with_ocr_in_process(secret_canary):
    cloud, compute = _cloud("oobe-stuck", secret_canary)
    out = diagnose.verdict_for_vm(collect(cloud, compute, "rg-oobe", "web01", read_screenshot=True))
    assert out["screenshot"]["read"] is True
    assert out["osState"] == "running-at-oobe" and out["confidence"] >= 0.9
