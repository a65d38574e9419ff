"""What the recreate path's steps promise that their tests left unpinned (found by mutation testing,
scripts/mutate.py): the public IPs in keep-disks' done, in the delete guard and in restore-delete-options' done,
the extension step's plan, done and failures, and the undo of keep-disks on the run's own VM. Stand-ins for
the SDK clients (VM models of azure-mgmt-compute, the ARM stand-in of test_keep) and a journal's data."""
from types import SimpleNamespace

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from azext_vmbootfix.repair import recreate as S
from test_keep import Arm, vm as vm_model

RUN = "0123abcd-0000-0000-0000-000000000000"
ORIGINAL = {"location": "westeurope", "properties": {
    "storageProfile": {"osDisk": {"deleteOption": "Delete"}, "dataDisks": [{"lun": 1, "deleteOption": "Delete"},
                                                                            {"lun": 2}]},
    "networkProfile": {"networkInterfaces": [{"id": "/N1", "properties": {"deleteOption": "Delete"}}]}},
    "resources": [{"name": "cse", "properties": {"publisher": "Microsoft.Compute", "settings": {"a": 1}}},
                  {"name": "ama", "properties": {"publisher": "Microsoft.Azure.Monitor"}}]}


class Vms:
    def __init__(self, vm):
        self.vm, self.writes = vm, []

    def get(self, rg, name, **_kw):
        if self.vm is None:
            raise ResourceNotFoundError("gone")
        return self.vm

    def begin_create_or_update(self, rg, name, vm):
        self.writes.append((rg, name, vm))
        return SimpleNamespace(result=lambda: vm)


class Disks:
    def __init__(self, tags=None):
        self.tags, self.updates = tags, []

    def get(self, rg, name):
        if self.tags is None:
            raise ResourceNotFoundError("no such disk")
        return SimpleNamespace(tags=self.tags, managed_by="/vms/vm1")

    def begin_update(self, rg, name, body, polling=None):
        self.updates.append((rg, name, body))


class Extensions:
    def __init__(self, fail=()):
        self.sent, self.fail = [], fail

    def begin_create_or_update(self, rg, vm_name, name, body):
        self.sent.append((rg, vm_name, name, body))
        if name in self.fail:
            exc = HttpResponseError(message="the extension failed")
            exc.error = SimpleNamespace(code=self.fail[name])
            raise exc
        return SimpleNamespace(result=lambda: body)


def context(vm=None, pips=None, arm=None, original=ORIGINAL, memory=None, extensions=None):
    outputs = {"publicIpDeleteOptions": pips or {}, "publicIpNics": {p: "/nic1" for p in pips or {}}}
    journal = SimpleNamespace(data={"original": original} if original else {},
                              step=lambda name: {"outputs": outputs if name == S.RECORD_STEP else {}})
    started = []
    return SimpleNamespace(
        compute=SimpleNamespace(virtual_machines=Vms(vm), virtual_machine_extensions=extensions or Extensions(),
                                disks=Disks()),
        resources=arm, journal=journal, memory=memory or {}, run_id=RUN, resource_group="rg1", vm_name="vm1",
        vm_id="/vms/vm1", started=started,
        start=lambda poller, what, then=None: started.append(what))


def ours(model):
    model.tags = {S.RUN_TAG: RUN}
    return model


def detached():
    return vm_model("Detach", (("Detach", 1), ("Detach", 2)), (("/N1", "Detach"),))


def pip_arm(option):
    return Arm({"/nic1": ({"ipConfigurations": [{"name": "c", "properties": {"publicIPAddress": {"id": "/p1"}}}]},
                          "westeurope", None),
                "/p1": ({"deleteOption": option}, "westeurope", None)})


def test_keep_disks_is_not_done_while_a_recorded_public_ip_would_go_with_the_vm():
    assert S.KeepDisksAndNics().done(context(detached(), {"/p1": "Delete"}, pip_arm("Delete"))) is False
    assert S.KeepDisksAndNics().done(context(detached(), {"/p1": "Delete"}, pip_arm("Detach"))) is True


def test_the_delete_guard_refuses_while_a_recorded_public_ip_would_go_with_the_vm():
    ctx = context(detached(), {"/p1": "Delete"}, pip_arm("Delete"))
    with pytest.raises(S.StepFailed, match="refusing to delete"):
        S.DeleteVm().apply(ctx)


def test_undoing_keep_disks_leaves_the_runs_own_vm_as_it_is():
    ctx = context(ours(detached()), {}, pip_arm("Detach"))
    assert S.KeepDisksAndNics().undo(ctx) is None
    assert ctx.compute.virtual_machines.writes == []


def test_the_extension_step_plans_each_extension_from_the_journal_or_the_planned_model():
    assert S.RecreateExtensions().plan(context()) == {"reads": [], "creates": ["extension cse", "extension ama"],
                                                      "changes": [], "keeps": []}
    planned = context(original=None, memory={"planned": {"location": "l", "resources": [{"name": "x"}]}})
    assert S.RecreateExtensions().plan(planned)["creates"] == ["extension x"]
    assert S.RecreateExtensions().plan(context(original=None))["creates"] == []


def test_the_extension_step_is_done_only_when_the_runs_vm_has_every_extension():
    step = S.RecreateExtensions()
    have = ours(detached())
    have.resources = [SimpleNamespace(name="CSE"), SimpleNamespace(name="a/b/AMA")]
    assert step.done(context(have)) is True
    have.resources = have.resources[:1]
    assert step.done(context(have)) is False
    theirs = detached()
    theirs.resources = [SimpleNamespace(name="cse"), SimpleNamespace(name="ama")]
    assert step.done(context(theirs)) is False  # not the run's VM
    assert step.done(context(None)) is False
    assert step.done(context(None, original=dict(ORIGINAL, resources=[]))) is True  # nothing to re-create


def test_each_extension_is_sent_for_the_vm_and_a_failure_is_named_without_failing_the_repair():
    sent = Extensions(fail={"cse": "VMExtensionProvisioningError"})
    out = S.RecreateExtensions().apply(context(ours(detached()), extensions=sent))
    assert [(rg, vm, name) for rg, vm, name, _ in sent.sent] == [("rg1", "vm1", "cse"), ("rg1", "vm1", "ama")]
    assert out == {"extensionsFailed": ["cse: VMExtensionProvisioningError"]}
    bare = Extensions(fail={"ama": ""})
    out = S.RecreateExtensions().apply(context(ours(detached()), extensions=bare))
    assert out == {"extensionsFailed": ["ama: the extension failed"]}


def test_an_extension_whose_secret_was_not_kept_is_skipped_and_the_next_is_still_sent():
    original = dict(ORIGINAL, resources=[
        {"name": "cse", "properties": {"settings": {"uri": "<kept out of the journal by vmbootfix>"}}},
        {"name": "ama", "properties": {"publisher": "Microsoft.Azure.Monitor"}}])
    sent = Extensions()
    out = S.RecreateExtensions().apply(context(ours(detached()), original=original, extensions=sent))
    assert [name for _, _, name, _ in sent.sent] == ["ama"] and out == {"extensionsNotRecreated": ["cse"]}


def test_restoring_delete_options_plans_the_vm_and_is_done_only_when_vm_and_public_ips_are_back():
    step = S.RestoreDeleteOptions()
    assert step.plan(context()) == {"reads": [], "creates": [], "changes": ["/vms/vm1"], "keeps": []}
    back = ours(vm_model("Delete", (("Delete", 1), ("Detach", 2)), (("/N1", "Delete"),)))
    assert step.done(context(back, {"/p1": "Delete"}, pip_arm("Delete"))) is True
    assert step.done(context(back, {"/p1": "Delete"}, pip_arm("Detach"))) is False  # the public IP is not back
    assert step.done(context(ours(detached()), {}, pip_arm("Detach"))) is False  # the VM is not back
    assert step.done(context(vm_model("Delete", (("Delete", 1), ("Detach", 2)), (("/N1", "Delete"),)),
                             {}, pip_arm("Detach"))) is False  # not the run's VM


def test_the_recreated_vms_os_disk_is_tagged_with_the_run_and_its_role_and_done_needs_that_tag():
    step = S.RecreateFromImage()
    made = ours(detached())
    made.provisioning_state = "Succeeded"
    ctx = context(made)
    name = "vm1-bootfix-0123abcd-osdisk"
    assert step.done(ctx) is False  # the disk is not there (or not readable): not done
    assert step.apply(ctx) == {"newOsDiskName": name}
    assert ctx.compute.disks.updates == [("rg1", name, {"tags": {S.RUN_TAG: RUN, S.ROLE_TAG: "os-disk"}})]
    assert ctx.started == ["tag disk " + name]
    ctx.compute.disks.tags = {S.RUN_TAG: RUN}
    assert step.done(ctx) is True


def test_a_create_that_booted_but_did_not_provision_still_tags_its_os_disk_as_the_os_disk():
    ctx = context(None)
    ctx.image_generalized, ctx.image_id = False, "/images/img1"
    vms = ctx.compute.virtual_machines

    def create(rg, name, body):
        vms.vm = ours(detached())
        exc = HttpResponseError(message="OS provisioning did not finish")
        exc.error = SimpleNamespace(code="OSProvisioningTimedOut")
        raise exc
    vms.begin_create_or_update = create
    vms.instance_view = lambda rg, name: SimpleNamespace(statuses=[
        SimpleNamespace(code="ProvisioningState/failed/OSProvisioningTimedOut")])
    original = dict(ORIGINAL, properties=dict(ORIGINAL["properties"], storageProfile={
        "osDisk": {"deleteOption": "Delete", "managedDisk": {"id": "/disks/os1"}}, "dataDisks": []}))
    ctx.journal.data["original"] = original
    name = "vm1-bootfix-0123abcd-osdisk"
    assert S.RecreateFromImage().apply(ctx) == {"newOsDiskName": name, "provisioning": "OSProvisioningTimedOut"}
    assert ctx.compute.disks.updates == [("rg1", name, {"tags": {S.RUN_TAG: RUN, S.ROLE_TAG: "os-disk"}})]
