"""The recreate path's steps, continued from tests/unit/test_recreate.py: the VM bodies (attach and recreate),
recreate-from-image and verify-boot, and the plan's order."""
# pylint: disable=protected-access  (the steps' helpers are what is tested)
from types import SimpleNamespace

import pytest
from azure.core.exceptions import HttpResponseError

from azext_vmbootfix.repair import carry
from azext_vmbootfix.repair import recreate as S
from recreatekit import DATA, GEN, recorded as _recorded, vm_of as _vm
from repairkit import Harness


# -- the VM bodies ------------------------------------------------------------------------------------------
ORIGINAL = {"location": "eastus", "tags": {"env": "prod"}, "zones": ["2"], "properties": {
    "hardwareProfile": {"vmSize": "Standard_D4s_v3"},
    "storageProfile": {"osDisk": {"osType": "Windows", "name": "os1", "caching": "ReadOnly",
                                  "managedDisk": {"id": "/disks/os1", "storageAccountType": "StandardSSD_LRS"},
                                  "deleteOption": "Delete"},
                       "dataDisks": [{"lun": 3, "caching": "ReadWrite", "managedDisk": {"id": "/disks/d3"},
                                      "deleteOption": "Delete", "diskSizeGB": 9},
                                     {"lun": 1, "managedDisk": {"id": "/disks/d1"}}]},
    "osProfile": {"computerName": "comp1", "adminUsername": "old"},
    "networkProfile": {"networkInterfaces": [{"id": "/nics/n1",
                                              "properties": {"primary": True, "deleteOption": "Delete"}},
                                             {"id": "/nics/n2"}]},
    "securityProfile": {"securityType": "TrustedLaunch"}, "diagnosticsProfile": {"bootDiagnostics": {}},
    "additionalCapabilities": {"hibernationEnabled": False}}}


def test_the_attach_body_is_the_original_vm_from_its_own_disks_all_detach():
    body = carry.attach_body(ORIGINAL)
    assert body == {"location": "eastus", "tags": {"env": "prod"}, "zones": ["2"], "properties": {
        "hardwareProfile": {"vmSize": "Standard_D4s_v3"},
        "storageProfile": {"osDisk": {"osType": "Windows", "createOption": "Attach", "name": "os1",
                                      "caching": "ReadOnly", "managedDisk": {"id": "/disks/os1"},
                                      "deleteOption": "Detach"},
                           "dataDisks": [{"lun": 3, "createOption": "Attach", "caching": "ReadWrite",
                                          "managedDisk": {"id": "/disks/d3"}, "deleteOption": "Detach"},
                                         {"lun": 1, "createOption": "Attach",
                                          "managedDisk": {"id": "/disks/d1"}, "deleteOption": "Detach"}]},
        "networkProfile": {"networkInterfaces": [{"id": "/nics/n1", "properties": {"primary": True,
                                                                                  "deleteOption": "Detach"}},
                                                 {"id": "/nics/n2"}]},  # absent is Detach: left absent
        "securityProfile": {"securityType": "TrustedLaunch"}, "diagnosticsProfile": {"bootDiagnostics": {}},
        "additionalCapabilities": {"hibernationEnabled": False}}}


def test_the_attach_body_of_a_vm_with_no_tags_zone_or_options_set():
    original = {"location": "westus", "properties": {
        "hardwareProfile": {"vmSize": "B2s"}, "storageProfile": {"osDisk": {"managedDisk": {"id": "/d"}}},
        "networkProfile": {"networkInterfaces": []}}}
    body = carry.attach_body(original)
    assert body == {"location": "westus", "tags": {}, "properties": {
        "hardwareProfile": {"vmSize": "B2s"},
        "storageProfile": {"osDisk": {"createOption": "Attach", "managedDisk": {"id": "/d"},
                                      "deleteOption": "Detach"}, "dataDisks": []},
        "networkProfile": {"networkInterfaces": []}}}


def test_the_recreate_body_detaches_everything_and_adds_the_image_and_admin(secret_canary):
    h = Harness(GEN, canary=secret_canary)
    ctx = h.new_context()
    ctx.journal.data["original"] = ORIGINAL
    body = S.RecreateFromImage()._body(ctx)
    props = body["properties"]
    assert body["tags"] == {"env": "prod", S.RUN_TAG: ctx.run_id} and body["zones"] == ["2"]
    assert props["storageProfile"]["imageReference"] == {"id": ctx.image_id}
    assert props["storageProfile"]["osDisk"] == {
        "createOption": "FromImage", "name": S.RecreateFromImage()._os_disk_name(ctx), "caching": "ReadOnly",
        "managedDisk": {"storageAccountType": "StandardSSD_LRS"}, "deleteOption": "Detach"}
    data_disks = props["storageProfile"]["dataDisks"]
    assert [(d["lun"], d["deleteOption"]) for d in data_disks] == [(3, "Detach"), (1, "Detach")]
    assert props["networkProfile"]["networkInterfaces"] == [
        {"id": "/nics/n1", "properties": {"primary": True, "deleteOption": "Detach"}},
        {"id": "/nics/n2"}]  # no deleteOption shown: none given (absent is Detach)
    assert props["osProfile"] == {"computerName": "comp1", "adminUsername": "azureadmin",
                                  "adminPassword": secret_canary.password}
    assert ORIGINAL["properties"]["networkProfile"]["networkInterfaces"][1] == {"id": "/nics/n2"}  # not changed


def test_the_recreate_body_of_a_specialized_image_has_no_admin_and_names_the_computer_after_the_vm(secret_canary):
    h = Harness(GEN, canary=secret_canary)
    ctx = h.new_context()
    original = {k: v for k, v in ORIGINAL.items() if k not in ("tags", "zones")}
    original["properties"] = dict(ORIGINAL["properties"], osProfile={},
                                  storageProfile={"osDisk": {"managedDisk": {"id": "/d"}}})
    ctx.journal.data["original"] = original
    ctx.journal.data["vm"] = "a-very-long-vm-name-x"
    body = S.RecreateFromImage()._body(ctx)
    assert body["properties"]["osProfile"]["computerName"] == "a-very-long-vm-"  # 15 characters
    assert body["properties"]["storageProfile"]["osDisk"]["caching"] == "ReadWrite"
    assert body["properties"]["storageProfile"]["osDisk"]["managedDisk"] == {}
    assert body["tags"] == {S.RUN_TAG: ctx.run_id} and "zones" not in body
    ctx.image_generalized = False
    assert "osProfile" not in S.RecreateFromImage()._body(ctx)["properties"]


# -- recreate-from-image -------------------------------------------------------------------------------------
def test_recreate_plans_the_new_vm_and_os_disk_and_keeps_the_nics(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    step = S.RecreateFromImage()
    assert step.plan(ctx) == {"reads": [ctx.image_id],
                              "creates": [h.original.id, "disk " + step._os_disk_name(ctx)], "changes": [],
                              "keeps": [n.id for n in h.original.network_profile.network_interfaces]}


def test_recreate_makes_the_runs_vm_and_undo_deletes_it_and_its_os_disk_only(secret_canary):
    h, ctx = _recorded(DATA, secret_canary)
    S.KeepDisksAndNics().apply(ctx)
    S.DeleteVm().apply(ctx)
    step = S.RecreateFromImage()
    assert step.done(ctx) is False
    assert step.apply(ctx) == {"newOsDiskName": step._os_disk_name(ctx)}
    assert step.done(ctx) is True
    h.assert_repaired(ctx.run_id, ctx.image_id, restored=False)  # every deleteOption Detach until the last step
    assert step.undo(ctx) is None
    assert not list(h.compute.virtual_machines.list(h.rg))
    assert not [d for d in h.cloud.compute.disks if step._os_disk_name(ctx).lower() in d]
    h.assert_nothing_lost()
    assert step.undo(ctx) is None  # nothing left to undo


def test_recreate_started_again_removes_its_half_made_vm_first(secret_canary):
    h, ctx = _recorded(GEN, secret_canary)
    S.DeleteVm().apply(ctx)
    step = S.RecreateFromImage()
    step.apply(ctx)
    first = _vm(h).vm_id
    h.cloud.compute.get_vm(h.cloud.default_subscription, h.rg, h.name).provisioning_state = "Failed"  # half made
    assert step.done(ctx) is False
    step.apply(ctx)
    assert _vm(h).vm_id != first and _vm(h).tags[S.RUN_TAG] == ctx.run_id


def test_a_recreated_vm_whose_os_disk_lost_its_tags_is_not_done_and_is_only_tagged_again(secret_canary):
    h, ctx = _recorded(GEN, secret_canary)
    S.DeleteVm().apply(ctx)
    step = S.RecreateFromImage()
    step.apply(ctx)
    name = step._os_disk_name(ctx)
    assert h.compute.disks.get(h.rg, name).tags == {S.RUN_TAG: ctx.run_id, S.ROLE_TAG: "os-disk"}
    assert step.done(ctx) is True
    first = _vm(h).vm_id
    h.compute.disks.begin_update(h.rg, name, {"tags": {}}).result()  # as if the run stopped before tagging
    assert step.done(ctx) is False
    assert step.apply(ctx) == {"newOsDiskName": name}
    assert _vm(h).vm_id == first and step.done(ctx) is True  # the same VM: only the tags were added


def test_recreate_leaves_a_disk_of_that_name_attached_elsewhere(secret_canary):
    h, ctx = _recorded(GEN, secret_canary)
    name = S.RecreateFromImage()._os_disk_name(ctx)
    disk = h.cloud.compute.disks[h.original.storage_profile.os_disk.managed_disk.id.lower()]
    h.compute.disks.begin_create_or_update(h.rg, name, {"location": "eastus", "creation_data": {
        "create_option": "Empty"}, "disk_size_gb": 4}).result()
    h.cloud.compute.disks[next(k for k in h.cloud.compute.disks if k.endswith("/" + name.lower()))].managed_by = \
        disk.id
    S.RecreateFromImage().undo(ctx)
    assert h.compute.disks.get(h.rg, name) is not None


def test_a_recreated_vm_whose_provisioning_timed_out_but_booted_is_left_to_verify_boot(secret_canary):
    h, ctx = _recorded("oobe-stuck", secret_canary)
    S.DeleteVm().apply(ctx)
    step = S.RecreateFromImage()
    out = step.apply(ctx)
    assert out == {"newOsDiskName": step._os_disk_name(ctx), "provisioning": "OSProvisioningTimedOut"}
    assert _vm(h).provisioning_state == "Failed" and step.done(ctx) is True


def test_a_recreate_whose_operation_failed_is_not_done(secret_canary):
    h, ctx = _recorded(GEN, secret_canary)
    S.DeleteVm().apply(ctx)
    h.cloud.faults.add({"kind": "lro-fail", "method": "PUT", "path": "virtualMachines/app01$"})
    with pytest.raises(HttpResponseError, match="InternalExecutionError"):
        S.RecreateFromImage().apply(ctx)
    assert _vm(h).provisioning_state == "Failed" and _vm(h).tags[S.RUN_TAG] == ctx.run_id
    assert S.RecreateFromImage().done(ctx) is False  # created by this run, but failed: apply again


def test_a_refused_recreate_is_raised(secret_canary):
    h, ctx = _recorded(GEN, secret_canary)
    S.DeleteVm().apply(ctx)
    h.cloud.faults.add({"kind": "error", "method": "PUT", "path": "virtualMachines/app01$", "status": 409,
                        "code": "Conflict", "message": "no"})
    with pytest.raises(HttpResponseError, match="Conflict"):
        S.RecreateFromImage().apply(ctx)


# -- verify-boot ---------------------------------------------------------------------------------------------
def _boot_ctx(views, timeout=S.BOOT_TIMEOUT_SECONDS):
    """A context whose instance views are ``views`` in turn: (codes, agent display status or None)."""
    slept = []
    answers = iter(views)

    def instance_view(rg, name):
        codes, agent = next(answers)
        statuses = [SimpleNamespace(code=c) for c in codes]
        vm_agent = SimpleNamespace(statuses=[SimpleNamespace(display_status=agent)]) if agent else None
        return SimpleNamespace(statuses=statuses, vm_agent=vm_agent)
    compute = SimpleNamespace(virtual_machines=SimpleNamespace(instance_view=instance_view))
    return SimpleNamespace(compute=compute, resource_group="rg", vm_name="vm", sleep=slept.append,
                           boot_timeout=timeout), slept


def test_verify_boot_waits_for_a_running_vm_with_a_ready_agent():
    ctx, slept = _boot_ctx([(["PowerState/starting"], None), (["PowerState/running"], "Not Ready"),
                            (["ProvisioningState/succeeded", "PowerState/running"], "Ready")])
    step = S.VerifyBoot()
    assert step.plan(SimpleNamespace(vm_id="/vm")) == {"reads": ["/vm/instanceView"], "creates": [],
                                                       "changes": [], "keeps": []}
    assert step.done(ctx) is False
    assert step.apply(ctx) == {"bootVerified": True}
    assert slept == [10, 10]  # as often as Azure's Retry-After, never slower


def test_verify_boot_warns_when_the_image_was_not_really_generalized():
    ctx, _ = _boot_ctx([(["ProvisioningState/failed/OSProvisioningTimedOut", "PowerState/running"], "Ready")])
    out = S.VerifyBoot().apply(ctx)
    assert out["bootVerified"] is True and out["warning"] == (
        "Windows booted and its guest agent is Ready, but Azure's provisioning ended OSProvisioningTimedOut: the "
        "image was not really generalized, so the admin account given was not applied; sign in with the "
        "accounts the disk had")


def test_verify_boot_gives_up_after_a_minute_of_failed_provisioning_without_an_agent():
    failed = (["ProvisioningState/failed/OSProvisioningTimedOut", "PowerState/running"], "Not Ready")
    ctx, slept = _boot_ctx([failed] * 10)
    with pytest.raises(S.StepFailed) as info:
        S.VerifyBoot().apply(ctx)
    assert slept == [10] * 6  # a minute
    assert str(info.value) == ("the VM did not boot to a Ready guest agent (ProvisioningState/failed/"
                               "OSProvisioningTimedOut; agent Not Ready)")
    assert info.value.recommendation == (
        "The image does not boot either (article step 5 on): roll back with `az vm boot-fix rollback -g rg -n vm` "
        "to get the original VM back, then use the rescue path.")


def test_verify_boot_gives_up_at_the_timeout():
    ctx, slept = _boot_ctx([(["PowerState/running"], None)] * 10, timeout=30)
    with pytest.raises(S.StepFailed, match=r"^the VM did not boot to a Ready guest agent \(no status; agent "
                                           r"None\)$"):
        S.VerifyBoot().apply(ctx)
    assert slept == [10, 10, 10]


def test_verify_boot_names_every_status_but_the_power_state():
    codes = ["ProvisioningState/failed/OSProvisioningTimedOut", "PowerState/running", "OSState/generalized"]
    ctx, _ = _boot_ctx([(codes, None)] * 10)
    with pytest.raises(S.StepFailed, match=r"\(ProvisioningState/failed/OSProvisioningTimedOut, OSState/generalized; "
                                           r"agent None\)$"):
        S.VerifyBoot().apply(ctx)


def test_verify_boot_keeps_waiting_for_a_stopped_vm_whose_agent_last_said_ready():
    codes = ["ProvisioningState/failed/OSProvisioningTimedOut", "PowerState/stopped"]
    ctx, slept = _boot_ctx([(codes, "Ready")] * 20, timeout=120)
    with pytest.raises(S.StepFailed):
        S.VerifyBoot().apply(ctx)
    assert len(slept) == 12  # not the early stop after a minute: the agent is Ready, the VM is just not up


def test_verify_boot_waits_at_least_the_timeout():
    ctx, slept = _boot_ctx([(["PowerState/running"], None)] * 10, timeout=11)
    with pytest.raises(S.StepFailed):
        S.VerifyBoot().apply(ctx)
    assert slept == [10, 10]


def test_verify_boot_of_a_stopped_vm_with_a_ready_agent_is_not_a_boot():
    ctx, _ = _boot_ctx([(["PowerState/stopped"], "Ready")] * 3, timeout=15)
    with pytest.raises(S.StepFailed):
        S.VerifyBoot().apply(ctx)


def test_the_recreate_plan_is_the_articles_steps_1_to_4_in_order():
    assert [cls.name for cls in S.RECREATE_PATH] == ["record-original", "keep-disks-and-nics", "backup-os-disk",
                                                     "delete-vm", "recreate-from-image", "verify-boot",
                                                     "recreate-extensions", "restore-delete-options"]
