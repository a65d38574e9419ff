"""Pre-flight through the repair/resume/rollback commands' own code (repair.cli) on the in-process fake: for each
check a set-up where it fails, the azclierror type, its message and recommendation, and the fake's whole state
unchanged; a passing case; several failures reported at once."""
import json

import pytest
from azure.cli.core import azclierror

from azext_vmbootfix import diagnose, evidence
from azext_vmbootfix.repair import actions as A
from azext_vmbootfix.repair import cli as rc
from azext_vmbootfix.repair import runs
from azext_vmbootfix.repair import engine, preflight, preflight_access
from repairkit import PASSWORD, SCENARIOS, Harness

SCENARIOS.setdefault("oobe-stuck-locked", ("rg-oobe", "web01"))
SCENARIOS.setdefault("oobe-stuck-trusted-launch", ("rg-oobe-tl", "web02"))
SCENARIOS.setdefault("linux", ("rg-linux", "lnx01"))


class _Cmd:
    class cli_ctx:  # pylint: disable=invalid-name
        class config:  # pylint: disable=invalid-name
            config_dir = None


def state(cloud):
    """Everything the fake holds, as one comparable text (the clock and the request log left out)."""
    dump = cloud.dump()
    dump.pop("clock", None)
    return json.dumps(dump, sort_keys=True, default=str)


@pytest.fixture
def wired(monkeypatch, tmp_path):
    """``wired(scenario)`` -> (harness, journal path): repair.cli's clients pointed at the harness's fake, the
    verdict stood in for (diagnose has its own tests) with the images restore_images really finds."""
    def make(scenario, articles="OSStartUp-OOBE"):
        h = Harness(scenario)
        images, _ = evidence.restore_images(h.compute, evidence.vm_facts(h.original))
        journal = tmp_path / "journal.json"
        monkeypatch.setattr(rc, "_clients", lambda cmd: (h.compute, h.compute))
        monkeypatch.setattr(rc, "_resources", lambda cmd: h.resources)
        monkeypatch.setattr(rc, "_preflight_clients", lambda cmd, compute: h.preflight_clients())
        monkeypatch.setattr(rc, "_subscription", lambda cmd: h.cloud.default_subscription)
        monkeypatch.setattr(rc, "_path", lambda cmd, rg, vm: str(journal))
        init = engine.Context.__init__

        def fast(self, *a, **kw):
            kw["sleep"] = h.cloud.clock.advance
            init(self, *a, **kw)
        monkeypatch.setattr(engine.Context, "__init__", fast)
        monkeypatch.setattr(evidence, "collect", lambda *a, **kw: None)
        monkeypatch.setattr(diagnose, "verdict_for_vm", lambda _e: {
            "articleId": articles, "osState": "in-guest-sysprep", "confidence": 0.9, "images": images})
        return h, journal
    return make


def refused(h, journal, error, call):
    """Run ``call``; assert it raises ``error`` and changed nothing (fake state, no journal). Returns the error."""
    before = state(h.cloud)
    with pytest.raises(error) as exc:
        call()
    assert state(h.cloud) == before, "a refused pre-flight changed the fake's state"
    assert not journal.exists(), "a refused pre-flight wrote a journal"
    assert "Nothing was changed" in exc.value.error_msg or "nothing was changed" in exc.value.error_msg
    return exc.value


def repair(h, **kw):
    kw.setdefault("keep_disks", True)
    kw.setdefault("yes", True)
    kw.setdefault("admin_password", PASSWORD)
    return lambda: rc.repair(_Cmd, h.rg, h.name, **kw)


# -- the VM ---------------------------------------------------------------------------------------------------
def test_a_missing_vm_is_resource_not_found_with_where_to_look(wired):
    h, journal = wired("oobe-stuck")
    h.name = "nope"
    err = refused(h, journal, azclierror.ResourceNotFoundError, repair(h))
    assert "nope" in err.error_msg and err.recommendations == ["See what exists with: az vm list -g rg-oobe -o table"]


def test_a_linux_vm_is_refused_before_diagnose(wired):
    h, journal = wired("linux")
    err = refused(h, journal, azclierror.ValidationError, repair(h))
    assert "lnx01 runs Linux, and this tool repairs Windows VMs stuck at OOBE" in err.error_msg
    assert "az vm repair" in err.recommendations[0]


def _ephemeral_vm(h):
    """A Windows VM with an ephemeral OS disk next to web01, made through the fake's own API."""
    nic_id = h.original.network_profile.network_interfaces[0].id
    subnet = h.resources.resources.get_by_id(nic_id, "2024-05-01").properties["ipConfigurations"][0][
        "properties"]["subnet"]["id"]
    nic = h.resources.resources.begin_create_or_update_by_id(
        nic_id.rsplit("/", 1)[0] + "/eph01-nic", "2024-05-01",
        {"location": "eastus", "properties": {"ipConfigurations": [
            {"name": "ipconfig1", "properties": {"subnet": {"id": subnet}}}]}}).result()
    h.compute.virtual_machines.begin_create_or_update(h.rg, "eph01", {
        "location": "eastus", "properties": {
            "hardwareProfile": {"vmSize": "Standard_D4s_v3"},
            "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                                                  "sku": "2022-datacenter-g2", "version": "latest"},
                               "osDisk": {"createOption": "FromImage", "caching": "ReadOnly",
                                          "diffDiskSettings": {"option": "Local"}}},
            "osProfile": {"computerName": "eph01", "adminUsername": "azureadmin", "adminPassword": PASSWORD},
            "networkProfile": {"networkInterfaces": [{"id": nic.id}]}}}).result()
    h.name = "eph01"


def test_an_ephemeral_os_disk_is_refused(wired):
    h, journal = wired("oobe-stuck")
    _ephemeral_vm(h)
    err = refused(h, journal, azclierror.ValidationError, repair(h, rescue=True, keep_disks=False))
    assert "eph01 has an ephemeral OS disk" in err.error_msg
    assert err.recommendations == ["Reimage it instead: az vm reimage -g rg-oobe -n eph01"]


# -- the image -------------------------------------------------------------------------------------------------
def test_trusted_launch_vm_and_a_managed_image_is_refused(wired):
    h, journal = wired("oobe-stuck-trusted-launch")
    ref = ("/Subscriptions/{}/Providers/Microsoft.Compute/Locations/eastus/Publishers/MicrosoftWindowsServer/"
           "ArtifactTypes/VMImage/Offers/WindowsServer/Skus/2022-datacenter-g2/Versions/latest").format(
               h.cloud.default_subscription)
    disk = h.compute.disks.begin_create_or_update(h.rg, "base", {
        "location": "eastus", "creationData": {"createOption": "FromImage", "imageReference": {"id": ref}}}).result()
    image = h.compute.images.begin_create_or_update(h.rg, "std-image", {
        "location": "eastus", "hyperVGeneration": "V2", "storageProfile": {"osDisk": {
            "osType": "Windows", "osState": "Generalized", "managedDisk": {"id": disk.id}}}}).result()
    err = refused(h, journal, azclierror.ValidationError, repair(h, image=image.id))
    assert "the image std-image does not fit web02: the VM's security type is TrustedLaunch and a managed image " \
           "cannot give it" in err.error_msg
    assert "Azure Compute Gallery image version" in err.recommendations[0] and "--rescue" in err.recommendations[0]


def test_an_image_of_another_generation_is_refused(wired):
    h, journal = wired("oobe-stuck")
    snap = "/subscriptions/{}/resourceGroups/rg-oobe/providers/Microsoft.Compute/snapshots/web01-os-snap".format(
        h.cloud.default_subscription)
    image = h.compute.images.begin_create_or_update(h.rg, "gen1-image", {
        "location": "eastus", "hyperVGeneration": "V1", "storageProfile": {"osDisk": {
            "osType": "Windows", "osState": "Generalized", "snapshot": {"id": snap}}}}).result()
    err = refused(h, journal, azclierror.ValidationError, repair(h, image=image.id))
    assert "it is Hyper-V generation V1 and the VM is V2" in err.error_msg


# -- permissions, locks, policy ------------------------------------------------------------------------------
def test_virtual_machine_contributor_lacks_the_snapshot_actions(wired):
    h, journal = wired("oobe-stuck")
    group = "/subscriptions/{}/resourceGroups/rg-oobe".format(h.cloud.default_subscription)
    h.cloud.authorization.assign_role(group, "Virtual Machine Contributor")
    err = refused(h, journal, azclierror.ForbiddenError, repair(h))
    assert "lacks 4 permissions the plan needs" in err.error_msg
    for text in ("'Microsoft.Compute/snapshots/write' on resource group rg-oobe (step backup-os-disk)",
                 "'Microsoft.Compute/disks/beginGetAccess/action' on disks web01_OsDisk_1_",
                 "'Microsoft.Compute/images/read' on images web01-image (step recreate-from-image)"):
        assert text in err.error_msg
    assert "Virtual Machine Contributor" in err.recommendations[0]


def test_rights_on_the_vms_group_do_not_cover_an_image_in_another_group(wired):
    h, journal = wired("oobe-stuck")
    sub = h.cloud.default_subscription
    h.cloud.resources.create_or_update_group(sub, "rg-images", "eastus")
    snap = "/subscriptions/{}/resourceGroups/rg-oobe/providers/Microsoft.Compute/snapshots/web01-os-snap".format(sub)
    image = h.compute.images.begin_create_or_update("rg-images", "golden", {
        "location": "eastus", "hyperVGeneration": "V2", "storageProfile": {"osDisk": {
            "osType": "Windows", "osState": "Generalized", "snapshot": {"id": snap}}}}).result()
    h.cloud.authorization.assign_role("/subscriptions/{}/resourceGroups/rg-oobe".format(sub), "Contributor")
    err = refused(h, journal, azclierror.ForbiddenError, repair(h, image=image.id))
    assert "lacks 1 permission the plan needs: 'Microsoft.Compute/images/read' on images golden (step " \
           "recreate-from-image)" in err.error_msg


def test_no_role_on_the_group_at_all_is_a_refusal_not_a_skipped_check(wired):
    h, journal = wired("oobe-stuck")
    sub = h.cloud.default_subscription
    ctx = h.new_context()  # planned while the caller could still read everything
    target = preflight.Target(ctx, evidence.vm_facts(h.original), engine.path_steps("recreate"), vm=h.original,
                              image={"id": ctx.image_id})
    h.cloud.resources.create_or_update_group(sub, "elsewhere", "eastus")
    h.cloud.authorization.assign_role("/subscriptions/{}/resourceGroups/elsewhere".format(sub), "Owner")
    found = preflight_access.permissions(h.preflight_clients(), target, A.needs(target.steps))
    assert [f["status"] for f in found] == ["failed"] and "lacks 18 permissions" in found[0]["detail"]
    err = refused(h, journal, azclierror.ForbiddenError, repair(h))  # through the CLI: the VM read is refused
    assert "AuthorizationFailed" in err.error_msg and "'Microsoft.Compute/virtualMachines/read'" in err.error_msg
    assert "az role assignment list" in err.recommendations[0]


def test_contributor_on_the_group_passes_the_permissions_check(wired):
    h, _ = wired("oobe-stuck-no-image")
    group = "/subscriptions/{}/resourceGroups/rg-oobe".format(h.cloud.default_subscription)
    h.cloud.authorization.assign_role(group, "Contributor")
    h.cloud.authorization.assign_role("/subscriptions/" + h.cloud.default_subscription, "Reader")
    out = rc.repair(_Cmd, h.rg, h.name, rescue=True, dry_run=True)
    checks = {f["check"]: f for f in out["preflight"]}
    assert checks["permissions"]["status"] == "passed", checks["permissions"]


def test_a_can_not_delete_lock_on_the_group_blocks_the_recreate(wired):
    h, journal = wired("oobe-stuck-locked")
    err = refused(h, journal, azclierror.ValidationError, repair(h))
    assert "the CanNotDelete lock 'rg-oobe-nodelete' on resource group rg-oobe blocks deletes of the VM web01 " \
           "(step delete-vm)" in err.error_msg
    lock = "/subscriptions/{}/resourceGroups/rg-oobe/providers/Microsoft.Authorization/locks/rg-oobe-nodelete"\
        .format(h.cloud.default_subscription)
    assert err.recommendations == ["Remove the lock 'rg-oobe-nodelete' for the repair and put it back afterwards: "
                                   "az lock delete --ids " + lock]


def test_a_read_only_lock_on_the_vm_blocks_the_rescue(wired):
    h, journal = wired("oobe-stuck-no-image")
    h.cloud.authorization.put_lock(h.original.id, "frozen", {"properties": {"level": "ReadOnly"}})
    err = refused(h, journal, azclierror.ValidationError, repair(h, rescue=True, keep_disks=False))
    assert "the ReadOnly lock 'frozen' on virtualMachines web01 blocks actions (start, deallocate, ...) of the VM " \
           "web01 (step deallocate-vm, start-vm, swap-os-disk)" in err.error_msg
    assert "writes of the VM web01 (step swap-os-disk)" in err.error_msg
    assert "new resources" not in err.error_msg  # a lock on the VM does not cover the rescue VM


DENY_SIZES = {"if": {"allOf": [{"field": "type", "equals": "Microsoft.Compute/virtualMachines"},
                               {"not": {"field": "Microsoft.Compute/virtualMachines/sku.name",
                                        "in": "[parameters('allowed')]"}}]},
              "then": {"effect": "deny"}}


def test_a_deny_policy_on_vm_sizes_refuses_the_rescue_vm(wired):
    h, journal = wired("oobe-stuck-no-image")
    group = "/subscriptions/{}/resourceGroups/rg-oobe".format(h.cloud.default_subscription)
    h.cloud.policyinsights.assign(group, "allowed-sizes", DENY_SIZES, {"allowed": ["Standard_D4s_v3"]})
    err = refused(h, journal, azclierror.ForbiddenError, repair(h, rescue=True, keep_disks=False))
    assert "the virtualMachines web01-rescue-" in err.error_msg
    assert "that create-rescue-vm creates is denied by the assignment 'allowed-sizes'" in err.error_msg
    assert err.recommendations[0].startswith("See what the assignment requires (az policy assignment show --ids "
                                             + group + "/providers/Microsoft.Authorization/policyAssignments/"
                                             "allowed-sizes)")


def test_a_deny_policy_on_snapshots_refuses_the_recreate(wired):
    h, journal = wired("oobe-stuck")
    h.cloud.policyinsights.assign("/subscriptions/" + h.cloud.default_subscription, "no-snapshots", {
        "if": {"field": "type", "equals": "Microsoft.Compute/snapshots"}, "then": {"effect": "Deny"}})
    err = refused(h, journal, azclierror.ForbiddenError, repair(h))
    assert "the snapshots web01-bootfix-" in err.error_msg and "backup-os-disk" in err.error_msg


# -- sizes and quota -------------------------------------------------------------------------------------------
def test_the_vm_size_restricted_in_the_region_refuses_the_recreate(wired):
    h, journal = wired("oobe-stuck")
    h.cloud.compute.sku_restrictions.add(h.cloud.default_subscription, "Standard_D4s_v3", "eastus")
    err = refused(h, journal, azclierror.ValidationError, repair(h))
    assert "the recreated VM's size Standard_D4s_v3 is not available in eastus to this subscription " \
           "(NotAvailableForSubscription)" in err.error_msg
    assert "the recreated VM keeps its size" in err.recommendations[0]


def test_the_rescue_vm_takes_a_size_with_quota_left_or_refuses(wired):
    h, journal = wired("oobe-stuck-no-image")
    quotas, sub = h.cloud.compute.quotas, h.cloud.default_subscription
    quotas.set(sub, "eastus", "standardDSv5Family", 0)
    out = rc.repair(_Cmd, h.rg, h.name, rescue=True, dry_run=True)
    assert out["plan"]["rescue"]["size"] == "Standard_D4s_v3"  # the first preferred size that fits
    quotas.set(sub, "eastus", "standardDSv3Family", 0)
    quotas.set(sub, "eastus", "standardDSv4Family", 0)
    quotas.set(sub, "eastus", "standardESv3Family", 0)
    err = refused(h, journal, azclierror.ValidationError, repair(h, rescue=True, keep_disks=False))
    assert "the rescue VM's size Standard_D4s_v5 does not fit the vCPU quota of eastus: Standard DSv5 Family " \
           "vCPUs: 0 of 0 in use, 4 more needed" in err.error_msg
    assert "ask for vCPU quota for the DSv5 or DSv3 family" in err.recommendations[0]


def test_a_regional_quota_lowered_below_use_refuses_the_recreate(wired):
    h, journal = wired("oobe-stuck")
    h.cloud.compute.quotas.set(h.cloud.default_subscription, "eastus", "cores", 2)
    err = refused(h, journal, azclierror.ValidationError, repair(h))
    assert "Total Regional vCPUs: 4 in use is above the limit 2" in err.error_msg


# -- several at once, dry run, the passing case ---------------------------------------------------------------
def test_every_failure_is_reported_at_once_with_one_recommendation_each(wired):
    h, journal = wired("oobe-stuck-locked")
    h.cloud.compute.quotas.set(h.cloud.default_subscription, "eastus", "cores", 2)
    h.cloud.policyinsights.assign("/subscriptions/" + h.cloud.default_subscription, "no-snapshots", {
        "if": {"field": "type", "equals": "Microsoft.Compute/snapshots"}, "then": {"effect": "Deny"}})
    err = refused(h, journal, azclierror.ValidationError, repair(h))
    assert "3 pre-flight checks failed" in err.error_msg
    assert [line.split(":")[0].strip(" -") for line in err.error_msg.splitlines()[1:]] == ["locks", "policy", "quota"]
    assert len(err.recommendations) == 3


def test_dry_run_shows_the_failures_without_raising(wired):
    h, journal = wired("oobe-stuck-locked")
    before = state(h.cloud)
    out = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, dry_run=True)
    assert state(h.cloud) == before and not journal.exists()
    assert [(f["check"], f["status"]) for f in out["preflight"]] == [
        ("vm", "passed"), ("image", "passed"), ("permissions", "passed"), ("locks", "failed"), ("policy", "passed"),
        ("size", "passed"), ("quota", "passed")]


def test_a_clean_vm_passes_every_check_and_is_repaired(wired):
    h, _ = wired("oobe-stuck")
    dry = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, dry_run=True)
    assert {f["status"] for f in dry["preflight"]} == {"passed"}
    out = rc.repair(_Cmd, h.rg, h.name, keep_disks=True, yes=True, admin_password=PASSWORD)
    assert out["status"] == "succeeded"


# -- resume and rollback ---------------------------------------------------------------------------------------
def test_resume_is_refused_when_a_lock_appeared_since(wired):
    h, journal = wired("oobe-stuck-no-image")
    h.cloud.faults.add({"kind": "error", "method": "POST", "path": "virtualMachines/web01/deallocate$",
                        "status": 409, "code": "Conflict", "count": 1})
    with pytest.raises(azclierror.AzureResponseError, match="deallocate-vm"):
        rc.repair(_Cmd, h.rg, h.name, rescue=True, admin_password=PASSWORD, yes=True)
    h.cloud.authorization.put_lock(h.original.id, "frozen", {"properties": {"level": "ReadOnly"}})
    saved, before = journal.read_text(), state(h.cloud)
    with pytest.raises(azclierror.ValidationError) as exc:
        runs.resume(_Cmd, h.rg, h.name)
    assert "The resume cannot start" in exc.value.error_msg and "'frozen'" in exc.value.error_msg
    assert "deallocate-vm" in exc.value.error_msg and "create-rescue-vm" not in exc.value.error_msg  # done steps
    assert state(h.cloud) == before and journal.read_text() == saved


def test_rollback_is_refused_without_the_undo_actions(wired):
    h, journal = wired("oobe-stuck")
    assert rc.repair(_Cmd, h.rg, h.name, keep_disks=True, yes=True, admin_password=PASSWORD)["status"] == "succeeded"
    group = "/subscriptions/{}/resourceGroups/rg-oobe".format(h.cloud.default_subscription)
    h.cloud.authorization.set_permissions(group, ["*"], ["Microsoft.Compute/virtualMachines/delete"])
    saved, before = journal.read_text(), state(h.cloud)
    with pytest.raises(azclierror.ForbiddenError) as exc:
        runs.rollback(_Cmd, h.rg, h.name, yes=True)
    assert "'Microsoft.Compute/virtualMachines/delete' on virtualMachines web01 (step recreate-from-image)" \
        in exc.value.error_msg
    assert state(h.cloud) == before and journal.read_text() == saved



# -- the nested method's way in (a public IP and an NSG when the VNet has no Bastion) -------------------------
NO_PUBLIC_IPS = {"if": {"field": "type", "equals": "Microsoft.Network/publicIPAddresses"},
                 "then": {"effect": "deny"}}


def test_a_policy_denying_public_ips_stops_the_nested_method_before_any_change(wired):
    h, journal = wired("oobe-stuck-no-image")
    group = "/subscriptions/{}/resourceGroups/rg-oobe".format(h.cloud.default_subscription)
    h.cloud.policyinsights.assign(group, "no-public-ips", NO_PUBLIC_IPS)
    err = refused(h, journal, azclierror.ForbiddenError,
                  repair(h, method="nested", allow_cidr="203.0.113.7/32", keep_disks=False))
    assert "the publicIPAddresses web01-rescue-" in err.error_msg
    assert "-pip that create-rescue-vm creates is denied by the assignment 'no-public-ips'" in err.error_msg
    assert "networkSecurityGroups" not in err.error_msg  # what is allowed is not named
    assert err.recommendations[0].startswith("See what the assignment requires (az policy assignment show --ids "
                                             + group + "/providers/Microsoft.Authorization/policyAssignments/"
                                             "no-public-ips)")
    # the answer-file method creates no public IP: the same policy lets it through
    out = rc.repair(_Cmd, h.rg, h.name, rescue=True, dry_run=True)
    assert {f["check"]: f["status"] for f in out["preflight"]}["policy"] == "passed"


def test_the_nested_method_checks_the_public_ip_and_nsg_rights(wired):
    h, journal = wired("oobe-stuck-no-image")
    group = "/subscriptions/{}/resourceGroups/rg-oobe".format(h.cloud.default_subscription)
    h.cloud.authorization.assign_role(group, "Virtual Machine Contributor")
    h.cloud.authorization.assign_role("/subscriptions/" + h.cloud.default_subscription, "Reader")
    out = rc.repair(_Cmd, h.rg, h.name, method="nested", allow_cidr="203.0.113.7/32", dry_run=True)
    detail = {f["check"]: f for f in out["preflight"]}["permissions"]["detail"]
    for action in (A.PIP_WRITE, A.NSG_WRITE):  # Virtual Machine Contributor joins them, but cannot make them
        assert "'{}' on resource group rg-oobe (step create-rescue-vm)".format(action) in detail
    assert A.NSG_JOIN not in detail and A.PIP_JOIN not in detail
    answer_file = rc.repair(_Cmd, h.rg, h.name, rescue=True, dry_run=True)  # creates neither
    assert "publicIPAddresses" not in {f["check"]: f for f in answer_file["preflight"]}["permissions"]["detail"]


def test_with_a_bastion_the_nested_method_needs_no_public_ip_or_nsg_rights():
    from azext_vmbootfix.repair.rescue_nested import NESTED_PATH
    way_in = {A.PIP_READ, A.PIP_WRITE, A.PIP_JOIN, A.NSG_READ, A.NSG_WRITE, A.NSG_JOIN, A.PIP_DELETE, A.NSG_DELETE}
    for undo in (False, True):
        public = A.needs(NESTED_PATH, undo=undo, params={"bastion": False})["group"]
        bastion = A.needs(NESTED_PATH, undo=undo, params={"bastion": True})["group"]
        assert way_in & set(public) and not way_in & set(bastion)
        assert set(public) - set(bastion) <= way_in  # nothing else differs
    assert A.VNET_READ in A.needs(NESTED_PATH, params={"bastion": True})["subnet"]  # to find the Bastion subnet
