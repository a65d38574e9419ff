"""Pre-flight's checks one by one: VM models the fake cannot make (from azure-rest-api-specs examples, see
tests/fixtures/specs/vm-models.json), ARM's permission matching, marketplace terms on the fake, and the rule that
every step declares its actions."""
import json
import os
import re

import pytest
from azure.mgmt.compute.models import VirtualMachine
from azure.mgmt.marketplaceordering import MarketplaceOrderingAgreements

from azext_vmbootfix.repair import actions as A
from azext_vmbootfix.repair import engine, preflight, preflight_access, preflight_policy, preflight_vm
from fakeazure.cloud import Cloud
from fakeazure.inprocess import sdk_client

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "specs", "vm-models.json")


def model(name, change=None):
    with open(FIXTURES, encoding="utf-8") as fh:
        body = json.load(fh)[name]
    if change:
        change(body)
    return VirtualMachine.deserialize(body)


def failed(findings):
    return [f for f in findings if f["status"] == "failed"]


# -- the VM's make-up ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,text,recommendation", [
    ("unmanaged-disks", "myVM has unmanaged disks (myVMosdisk, dataDisk0, dataDisk1)", "az vm convert"),
    ("ephemeral-os-disk", "myVM has an ephemeral OS disk", "az vm reimage"),
    ("scale-set-instance", "myVM is an instance of the scale set myExistingFlexVmss", "az vmss reimage"),
    ("ade-extension", "myVM is encrypted with Azure Disk Encryption (it has the AzureDiskEncryption extension "
                      "(AzureDiskEncryption))", "--unlock-encrypted-vm"),
])
def test_vms_this_tool_cannot_repair(name, text, recommendation):
    out = preflight_vm.vm_shape(None, model(name))
    bad = failed(out)
    assert len(bad) == 1 and bad[0]["detail"].startswith(text) and recommendation in bad[0]["recommendation"]
    assert bad[0]["error"] == "ValidationError"


def test_dual_pass_encryption_settings_on_the_os_disk_count_as_ade():
    vm = model("marketplace-plan", lambda b: b["properties"]["storageProfile"]["osDisk"].update(
        encryptionSettings={"enabled": True, "diskEncryptionKey": {"secretUrl": "https://v.vault.azure.net/secrets/"
                                                                                "k/1", "sourceVault": {"id": "x"}}}))
    assert "encryptionSettings" in failed(preflight_vm.vm_shape(None, vm))[0]["detail"]


def test_a_plain_windows_vm_passes():
    out = preflight_vm.vm_shape(None, model("marketplace-plan"))
    assert [f["status"] for f in out] == ["passed"]


def test_every_problem_of_one_vm_is_listed():
    def linux_in_a_scale_set(body):
        body["properties"]["storageProfile"]["osDisk"]["osType"] = "Linux"
    out = failed(preflight_vm.vm_shape(None, model("scale-set-instance", linux_in_a_scale_set)))
    assert len(out) == 2 and "runs Linux" in out[0]["detail"] and "scale set" in out[1]["detail"]


# -- marketplace plan terms, on the fake's Microsoft.MarketplaceOrdering ------------------------------------------
class _Target:
    def __init__(self, vm):
        self.vm = vm
        self.facts = {"name": vm.name}


def test_plan_terms_not_accepted_then_accepted():
    cloud = Cloud(profile="fast")
    clients = preflight.Clients(None, marketplace=sdk_client(cloud, MarketplaceOrderingAgreements))
    target = _Target(model("marketplace-plan"))
    out = preflight_vm.plan_terms(clients, target)
    assert out[0]["status"] == "failed"
    assert out[0]["detail"] == ("myVM has the marketplace plan microsoft-ads/standard-data-science-vm/"
                                "standard-data-science-vm and its terms are not accepted in this subscription: "
                                "the recreated VM would be refused")
    assert out[0]["recommendation"] == ("Accept them: az vm image terms accept --publisher microsoft-ads --offer "
                                        "standard-data-science-vm --plan standard-data-science-vm")
    cloud.marketplaceordering.set_terms(cloud.default_subscription, "virtualmachine", "microsoft-ads",
                                        "standard-data-science-vm", "standard-data-science-vm", True)
    assert preflight_vm.plan_terms(clients, target)[0]["status"] == "passed"


def test_plan_terms_the_marketplace_does_not_know_are_a_warning_not_a_pass():
    cloud = Cloud(profile="fast")
    clients = preflight.Clients(None, marketplace=sdk_client(cloud, MarketplaceOrderingAgreements))
    vm = model("marketplace-plan", lambda b: b["plan"].update(product="no-such-offer"))
    out = preflight_vm.plan_terms(clients, _Target(vm))
    assert out[0]["status"] == "warning" and "no-such-offer" in out[0]["detail"]


def test_a_vm_without_plan_needs_no_terms():
    assert preflight_vm.plan_terms(preflight.Clients(None), _Target(model("scale-set-instance"))) == []


# -- ARM's matching of permissions -------------------------------------------------------------------------------
@pytest.mark.parametrize("pattern,action,expected", [
    ("*", "Microsoft.Compute/virtualMachines/delete", True),
    ("Microsoft.Compute/*", "Microsoft.Compute/virtualMachines/runCommands/write", True),
    ("Microsoft.Compute/virtualMachines/*", "Microsoft.Compute/virtualMachinesX/read", False),
    ("*/read", "Microsoft.Compute/virtualMachines/read", True),
    ("*/read", "Microsoft.Compute/virtualMachines/write", False),
    ("microsoft.compute/VIRTUALMACHINES/read", "Microsoft.Compute/virtualMachines/read", True),
    ("Microsoft.Compute/virtualMachines/*/action", "Microsoft.Compute/virtualMachines/runCommand/action", True),
    ("Microsoft.Compute/virtualMachines/*/action", "Microsoft.Compute/virtualMachines/runCommands/write", False),
])
def test_wildcards_match_as_arm_does(pattern, action, expected):
    assert preflight_access.matches(pattern, action) is expected


def test_not_actions_only_subtract_from_their_own_entry():
    contributor_vm = {"actions": ["*"], "notActions": ["Microsoft.Compute/virtualMachines/delete"]}
    vm_admin = {"actions": ["Microsoft.Compute/virtualMachines/*"], "notActions": []}
    delete = "Microsoft.Compute/virtualMachines/delete"
    assert not preflight_access.allowed([contributor_vm], delete)
    assert preflight_access.allowed([contributor_vm, vm_admin], delete)  # another role grants it back
    assert preflight_access.allowed([contributor_vm], "Microsoft.Compute/snapshots/write")


# -- every step declares what it does ------------------------------------------------------------------------------
DOCUMENTED = {v for k, v in vars(A).items() if k.isupper() and isinstance(v, str) and "/" in v} | {A.READ}
ALL_STEPS = {cls for path in ("recreate", "rescue") for cls in engine.path_steps(path)}
# steps that write in the group without creating a resource Azure Policy is asked about, and why
NOT_POLICY_CHECKED = {"finish-setup": "managed Run Commands on the run's rescue VM (child resources)",
                      "enable-serial-console": "managed Run Commands on the run's rescue VM (child resources)",
                      "detach-copy": "an update of the rescue VM the run created"}


@pytest.mark.parametrize("cls", sorted(ALL_STEPS, key=lambda c: c.name), ids=lambda c: c.name)
def test_each_step_declares_documented_actions(cls):
    assert cls.actions, "{} declares no actions".format(cls.name)
    for declared in (cls.actions, cls.undo_actions):
        for scope, names in declared.items():
            assert scope in A.SCOPES
            for name in names:
                assert name in DOCUMENTED, "{}: {} is not one of repair/actions.py's names".format(cls.name, name)
                assert name == A.READ or re.match(r"^Microsoft\.\w+(/\w+)+$", name)


@pytest.mark.parametrize("cls", sorted(ALL_STEPS, key=lambda c: c.name), ids=lambda c: c.name)
def test_each_step_creating_in_the_group_is_policy_checked(cls):
    writes = [a for a in cls.actions.get("group", ()) if A.verb(a) == "write"]
    if writes:
        assert cls.name in preflight_policy.CONTENTS or cls.name in NOT_POLICY_CHECKED


def test_the_managed_run_command_is_what_the_rescue_needs_not_the_action_form():
    needed = A.needs(engine.path_steps("rescue"))
    assert A.RUN_COMMANDS_WRITE in needed["group"] and A.RUN_COMMAND_ACTION not in needed["group"]
    assert needed["group"][A.RUN_COMMANDS_WRITE] == ["finish-setup", "enable-serial-console"]


def test_a_step_with_an_unknown_scope_is_refused():
    class Bad:
        name = "bad"
        actions = {"tenant": (A.VM_READ,)}
    with pytest.raises(ValueError, match="unknown scope 'tenant'"):
        A.needs([Bad])
