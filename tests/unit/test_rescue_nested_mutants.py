"""Edges of repair/rescue_nested.py the mutation run found unguarded: the exact way in it opens (one inbound RDP
rule from the given range, a Standard static public IP, both tagged as the run's), what each nested step
journals, and the instructions a person follows (both ways in)."""
import types

import pytest
from azure.mgmt.compute import models as compute_models

from azext_vmbootfix.repair import actions as A, engine, rescue, rescue_base as RB, rescue_nested as RN
from azext_vmbootfix.repair.journal import Journal
from azext_vmbootfix.repair.recreate import ROLE_TAG, RUN_TAG, StepFailed
from repairkit import Harness

CIDR = "203.0.113.7/32"
NETWORK_API = "2024-05-01"


@pytest.fixture
def waiting():
    """A nested run waiting for the user. Made for each test that uses it: mutation testing runs, for a mutant, only
    the tests that called the mutated code, and a fixture shared by the module is made for the first of them only."""
    h = Harness("oobe-stuck-no-image")
    ctx = h.new_context("nested", admin_username="fixadmin", method="nested", bastion=False, allowCidr=CIDR)
    assert engine.apply(ctx)["status"] == "waiting-for-user"
    return h, ctx, Journal.load(h.path)


def test_the_nsg_admits_rdp_from_the_given_range_only_and_is_the_runs(waiting):
    h, ctx, _ = waiting
    nsg = h.resources.resources.get_by_id(rescue._rescue_nsg_id(ctx), NETWORK_API)  # pylint: disable=protected-access
    assert nsg.tags == {RUN_TAG: ctx.run_id, ROLE_TAG: "rescue-access"}
    [rule] = nsg.properties["securityRules"]
    assert rule["name"] == "bootfix-rdp-from-allowed-cidr"
    assert {k: v for k, v in rule["properties"].items() if k != "provisioningState"} == {
        "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": CIDR,
        "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "3389"}


def test_the_public_ip_is_standard_static_and_the_runs(waiting):
    h, ctx, journal = waiting
    pip = h.resources.resources.get_by_id(rescue._rescue_pip_id(ctx), NETWORK_API)  # pylint: disable=protected-access
    assert pip.tags == {RUN_TAG: ctx.run_id, ROLE_TAG: "rescue-access"} and pip.sku.name == "Standard"
    assert pip.properties["publicIPAllocationMethod"] == "Static"
    nic = h.resources.resources.get_by_id(rescue._rescue_nic_id(ctx), NETWORK_API)  # pylint: disable=protected-access
    assert nic.properties["networkSecurityGroup"]["id"].lower() == rescue._rescue_nsg_id(ctx).lower()  # pylint: disable=protected-access
    ip_config = nic.properties["ipConfigurations"][0]["properties"]
    assert ip_config["publicIPAddress"]["id"].lower() == pip.id.lower()
    outputs = journal.step("create-rescue-vm")["outputs"]
    assert {k: outputs[k] for k in ("connectBy", "publicIp", "allowCidr")} == {
        "connectBy": "public-ip", "publicIp": pip.properties["ipAddress"], "allowCidr": CIDR}


def test_each_nested_step_journals_what_it_did(waiting):
    _h, _ctx, journal = waiting
    assert journal.step("enable-hyperv")["outputs"] == {"restarted": True}
    assert journal.step("start-nested-vm")["outputs"] == {"nestedVm": "ProblemVM", "copyDiskNumber": 2,
                                                          "generation": "V2"}


def test_the_instructions_say_exactly_how_to_connect_and_go_on(waiting):
    h, ctx, journal = waiting
    ip = journal.step("create-rescue-vm")["outputs"]["publicIp"]
    name = rescue._rescue_name(ctx)  # pylint: disable=protected-access
    assert journal.step("wait-for-user")["outputs"]["instructions"] == (
        "The rescue VM {name} is ready. Connect by RDP to {ip} (`mstsc /v:{ip}`; only {cidr} may reach it). Sign in "
        "as fixadmin with the password you typed (it is not stored). Open Hyper-V Manager, connect to ProblemVM, "
        "finish the OOBE pages (region, keyboard, license, administrator password) until the logon screen shows, "
        "then shut ProblemVM down. Then run `az vm boot-fix resume -g {rg} -n web01` to swap the copy in, or "
        "`az vm boot-fix rollback -g {rg} -n web01` to give up.".format(name=name, ip=ip, cidr=CIDR, rg=h.rg))


def test_bastion_instructions_name_the_vnet_and_the_rescue_vm():
    journal = types.SimpleNamespace(step=lambda name: {"outputs": {"connectBy": "bastion", "vnet": "vnet-a",
                                                                   "rescueVmId": "/x/web01-rescue-1"}},
                                    data={"params": {"adminUsername": "fixadmin"}})
    ctx = types.SimpleNamespace(journal=journal, run_id="0123abcd-0000", vm_name="web01", resource_group="rg")
    text = RN.connect_instructions(ctx)
    assert "Connect with Azure Bastion (the VNet vnet-a has one): in the portal open web01-rescue-0123abcd > " \
           "Connect > Bastion, or `az network bastion rdp --name <bastion> --resource-group <its group> " \
           "--target-resource-id /x/web01-rescue-1`." in text


@pytest.mark.parametrize("name, found", [("AzureBastionSubnet", True), ("azurebastionsubnet", True),
                                         ("default", False), (None, False)])
def test_a_bastion_subnet_is_found_by_name_in_any_case(name, found):
    vnet = types.SimpleNamespace(properties={"subnets": [{"name": "default"}, {"name": name}]})
    asked = []
    resources = types.SimpleNamespace(resources=types.SimpleNamespace(
        get_by_id=lambda rid, api: asked.append((rid, api)) or vnet))
    assert RN.vnet_has_bastion(resources, "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/"
                                          "virtualNetworks/v1/subnets/default") is found
    assert asked == [("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v1",
                      RN.NETWORK_API)]


def test_no_bastion_and_no_cidr_is_refused_with_what_to_do(monkeypatch):
    monkeypatch.setattr(RN, "vnet_has_bastion", lambda resources, subnet: False)
    monkeypatch.setattr(RN, "_params", lambda ctx: {"allowCidr": None})
    ctx = types.SimpleNamespace(resources=None)
    with pytest.raises(StepFailed, match="no Azure Bastion and no --allow-cidr") as exc:
        RN.CreateNestedRescueVm()._access(ctx, "/x/subnets/default", {}, {})  # pylint: disable=protected-access
    assert exc.value.recommendation == "Run again with --allow-cidr <your public address>/32."


class _Vm:
    """What the nested steps' apply uses of ctx: run_script (stubbed), the restart they may ask for."""

    def __init__(self, monkeypatch, outputs):
        self.calls, self.restarts = [], []
        # the name is the context's: a step that asked for another context's (or none) would not get it
        monkeypatch.setattr(RN, "_rescue_name", lambda ctx: ctx.rescue_name)
        monkeypatch.setattr(RB, "_rescue_name", lambda ctx: ctx.rescue_name)
        monkeypatch.setattr(RB, "run_script", self.run)     # rescue_doc's
        self.outputs = outputs
        machines = types.SimpleNamespace(begin_restart=lambda rg, name: self.restarts.append((rg, name)) or
                                         types.SimpleNamespace(result=lambda: None))
        self.ctx = types.SimpleNamespace(resource_group="rg", rescue_name="web01-rescue-0123abcd",
                                         compute=types.SimpleNamespace(virtual_machines=machines))

    def run(self, ctx, vm_name, command_name, script_name, parameters=None, protected=None):
        self.calls.append((command_name, script_name, parameters))
        return {"state": "Succeeded", "exitCode": 0, "output": self.outputs[script_name], "error": ""}


@pytest.mark.parametrize("needed, restarts", [("Yes", [("rg", "web01-rescue-0123abcd")]), ("No", [])])
def test_hyperv_restarts_the_rescue_vm_only_when_windows_asks(monkeypatch, needed, restarts):
    vm = _Vm(monkeypatch, {"enable-hyperv.ps1": '{"Success": true, "RestartNeeded": "%s"}' % needed})
    assert RN.EnableHyperV().apply(vm.ctx) == {"restarted": needed == "Yes"}
    assert vm.restarts == restarts and vm.calls == [(RN.RC_HYPERV, "enable-hyperv.ps1", None)]


def test_a_failed_hyperv_install_stops_the_run(monkeypatch):
    vm = _Vm(monkeypatch, {"enable-hyperv.ps1": '{"Success": false, "RestartNeeded": "Yes"}'})
    with pytest.raises(StepFailed, match="^Install-WindowsFeature Hyper-V did not succeed on web01-rescue-0123abcd$"):
        RN.EnableHyperV().apply(vm.ctx)
    assert vm.restarts == []


def _sdk_disk(generation, enum=False):
    """The copy as the compute SDK returns it: hyperVGeneration deserialized as a str (azure-mgmt-compute 34), or
    None when Azure left it out; ``enum``: as a model that holds the SDK's enum member (msrest-based SDKs
    deserialized into it; its str() is 'HyperVGeneration.V2', not 'V2')."""
    body = {"location": "westeurope", "properties": {"creationData": {"createOption": "Copy"}}}
    if generation:
        body["properties"]["hyperVGeneration"] = generation
    disk = compute_models.Disk.deserialize(body)
    if enum and generation:
        disk.hyper_v_generation = compute_models.HyperVGeneration(generation)
    return disk


@pytest.mark.parametrize("enum", [False, True])
@pytest.mark.parametrize("generation, number", [("V1", 1), ("V2", 2), (None, 1)])
def test_the_nested_vm_has_the_copys_generation(monkeypatch, generation, number, enum):
    vm = _Vm(monkeypatch, {"get-disks.ps1": "{}", "start-nested-vm.ps1": '{"State": "Running"}'})
    monkeypatch.setattr(RN, "copy_disk_of", lambda doc: ({"number": 3}, []))
    monkeypatch.setattr(RN, "_copy_disk", lambda ctx: _sdk_disk(generation, enum))
    assert RN.StartNestedVm().apply(vm.ctx) == {"nestedVm": "ProblemVM", "copyDiskNumber": 3,
                                                "generation": generation or "V1"}
    assert vm.calls[-1] == (RN.RC_NESTED, "start-nested-vm.ps1",
                            {"DiskNumber": 3, "Generation": number, "VmName": "ProblemVM"})


def test_a_nested_vm_that_is_not_running_stops_the_run(monkeypatch):
    vm = _Vm(monkeypatch, {"get-disks.ps1": "{}", "start-nested-vm.ps1": '{"State": "Off"}'})
    monkeypatch.setattr(RN, "copy_disk_of", lambda doc: ({"number": 3}, []))
    monkeypatch.setattr(RN, "_copy_disk", lambda ctx: types.SimpleNamespace(hyper_v_generation="V2"))
    with pytest.raises(StepFailed, match="^the nested VM ProblemVM is Off on web01-rescue-0123abcd$"):
        RN.StartNestedVm().apply(vm.ctx)


@pytest.mark.parametrize("removed", [True, False])
def test_release_reports_whether_the_nested_vm_was_removed(monkeypatch, removed):
    vm = _Vm(monkeypatch, {"release-nested-vm.ps1": '{"Removed": %s}' % str(removed).lower()})
    vm.ctx.journal = types.SimpleNamespace(step=lambda name: {"outputs": {"copyDiskNumber": 2}})
    assert RN.ReleaseCopy().apply(vm.ctx) == {"nestedVmRemoved": removed}
    assert vm.calls == [(RN.RC_RELEASE, "release-nested-vm.ps1", {"VmName": "ProblemVM", "DiskNumber": 2})]


def test_release_without_a_journaled_disk_number_takes_the_highest_disk(monkeypatch):
    vm = _Vm(monkeypatch, {"get-disks.ps1": "{}", "release-nested-vm.ps1": '{"Removed": true}'})
    vm.ctx.journal = types.SimpleNamespace(step=lambda name: {"outputs": {"reconciled": True}})
    monkeypatch.setattr(RN, "parse_disks", lambda doc: ([{"number": 0}, {"number": 3}, {"number": 1}], {}))
    RN.ReleaseCopy().apply(vm.ctx)
    assert vm.calls[-1] == (RN.RC_RELEASE, "release-nested-vm.ps1", {"VmName": "ProblemVM", "DiskNumber": 3})


@pytest.mark.parametrize("vm, result, done", [
    (None, None, True),                                                  # the rescue VM is gone: nothing to release
    (object(), {"state": "Succeeded", "exitCode": 0, "output": "{}", "error": ""}, True),
    (object(), {"state": "Failed", "exitCode": 1, "output": "", "error": "x"}, False),
    (object(), None, False)])
def test_release_is_done_once_its_script_succeeded_or_the_rescue_vm_is_gone(monkeypatch, vm, result, done):
    monkeypatch.setattr(RN, "_rescue_vm", lambda ctx: vm)
    monkeypatch.setattr(RN, "_rescue_name", lambda ctx: "web01-rescue-0123abcd")
    monkeypatch.setattr(RN, "script_result", lambda ctx, name, command: result if command == RN.RC_RELEASE else None)
    assert RN.ReleaseCopy().done(None) is done


@pytest.mark.parametrize("step, script, message", [
    (RN.EnableHyperV, "enable-hyperv.ps1", "installing Hyper-V failed on the rescue VM (exit 1): Access is denied."),
    (RN.StartNestedVm, "start-nested-vm.ps1",
     "starting the nested VM failed on the rescue VM (exit 1): Access is denied."),
    (RN.ReleaseCopy, "release-nested-vm.ps1",
     "removing the nested VM failed on the rescue VM (exit 1): Access is denied."),
])
def test_nested_script_failures_say_what_failed(monkeypatch, step, script, message):
    vm = _Vm(monkeypatch, {"get-disks.ps1": "{}", script: ""})
    failed = {"state": "Failed", "exitCode": 1, "output": "", "error": "Access is denied."}
    monkeypatch.setattr(RB, "run_script", lambda ctx, name, command, script_name, parameters=None: failed
                        if script_name == script else vm.run(ctx, name, command, script_name, parameters))
    monkeypatch.setattr(RN, "copy_disk_of", lambda doc: ({"number": 3}, []))
    monkeypatch.setattr(RN, "_copy_disk", lambda ctx: types.SimpleNamespace(hyper_v_generation="V2"))
    vm.ctx.journal = types.SimpleNamespace(step=lambda name: {"outputs": {"copyDiskNumber": 2}})
    with pytest.raises(StepFailed) as exc:
        step().apply(vm.ctx)
    assert str(exc.value) == message


@pytest.mark.parametrize("step, script, command, output, done", [
    (RN.EnableHyperV, "enable-hyperv.ps1", RN.RC_HYPERV, '{"Success": true, "RestartNeeded": "No"}', True),
    (RN.EnableHyperV, "enable-hyperv.ps1", RN.RC_HYPERV, '{"Success": true, "RestartNeeded": "Yes"}', False),
    (RN.StartNestedVm, "start-nested-vm.ps1", RN.RC_NESTED, '{"State": "Running"}', True),
    (RN.StartNestedVm, "start-nested-vm.ps1", RN.RC_NESTED, '{"State": "Off"}', False),
    (RN.EnableHyperV, "enable-hyperv.ps1", RN.RC_HYPERV, "no json", None),
    (RN.StartNestedVm, "start-nested-vm.ps1", RN.RC_NESTED, "no json", None),
])
def test_hyperv_and_the_nested_vm_are_done_by_what_their_last_run_printed(monkeypatch, step, script, command,
                                                                          output, done):
    monkeypatch.setattr(RB, "_rescue_vm", lambda ctx: object())
    monkeypatch.setattr(RB, "_rescue_name", lambda ctx: "web01-rescue-0123abcd")
    monkeypatch.setattr(RB, "script_result", lambda ctx, name, rc: {
        "state": "Succeeded", "exitCode": 0, "output": output, "error": ""} if rc == command else None)
    if done is None:
        with pytest.raises(StepFailed, match="^{} printed no JSON result on the rescue VM$".format(script)):
            step().done(None)
    else:
        assert step().done(None) is done


def test_waiting_for_the_user_is_done_only_after_resume_says_so():
    assert RN.WaitForUser().done(types.SimpleNamespace()) is False       # a context `resume` did not mark
    assert RN.WaitForUser().done(types.SimpleNamespace(user_resumed=False)) is False
    assert RN.WaitForUser().done(types.SimpleNamespace(user_resumed=True)) is True


def test_the_nested_rescue_vm_declares_the_public_ip_and_nsg_actions_only_without_bastion():
    cls = RN.CreateNestedRescueVm
    assert cls.declared(False, {}) == cls.actions and cls.declared(True, {"bastion": False}) == cls.undo_actions
    assert cls.declared(True, {"bastion": True}) == rescue.CreateRescueVm.undo_actions
    assert cls.declared(False, {"bastion": True}) == dict(rescue.CreateRescueVm.actions,
                                                          subnet=(A.SUBNET_JOIN, A.VNET_READ))
    assert A.PIP_WRITE in cls.actions["group"] and A.NSG_DELETE in cls.undo_actions["group"]


SUBNET = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/default"
RUN8 = "0123abcd-5555-4444-3333-222211110000"


class _Now:
    """S.Started's stand-in: the request sent, its result at once."""

    def __init__(self, begin, *args):
        self.value = begin(*args)

    def result(self):
        return self.value


def _access_ctx(monkeypatch, bastion, cidr, zones):
    monkeypatch.setattr(RN, "vnet_has_bastion", lambda resources, subnet: bastion)
    monkeypatch.setattr(RN, "_params", lambda ctx: {"location": "westeurope", "allowCidr": cidr})
    monkeypatch.setattr(RN.S, "Started", _Now)
    sent = []

    def put(rid, api, body):
        sent.append((rid.rsplit("/", 1)[-1], api, body))
        return types.SimpleNamespace(id=rid, properties={"ipAddress": "20.1.2.3"} if "publicIP" in rid else {})
    ctx = types.SimpleNamespace(run_id=RUN8, vm_name="web01", resource_group="rg",
                                journal=types.SimpleNamespace(data={"subscription": "s1",
                                                                    "original": {"zones": zones} if zones else {}}),
                                resources=types.SimpleNamespace(resources=types.SimpleNamespace(
                                    begin_create_or_update_by_id=put)))
    return ctx, sent


def test_with_bastion_the_rescue_vm_gets_no_public_ip_and_the_output_names_the_vnet(monkeypatch):
    ctx, sent = _access_ctx(monkeypatch, True, CIDR, None)
    assert RN.CreateNestedRescueVm()._access(ctx, SUBNET, {}, {}) == (  # pylint: disable=protected-access
        {}, {"connectBy": "bastion", "vnet": "vnet1"})
    assert sent == []


def test_without_bastion_or_a_cidr_the_rescue_vm_would_be_unreachable_and_is_refused(monkeypatch):
    ctx, sent = _access_ctx(monkeypatch, False, None, None)
    with pytest.raises(StepFailed) as info:
        RN.CreateNestedRescueVm()._access(ctx, SUBNET, {}, {})  # pylint: disable=protected-access
    assert str(info.value) == "the VNet has no Azure Bastion and no --allow-cidr was given: the rescue VM would " \
                              "be unreachable"
    assert info.value.recommendation == "Run again with --allow-cidr <your public address>/32." and sent == []


def test_without_bastion_the_nsg_and_a_zonal_public_ip_are_sent_exactly_so(monkeypatch):
    ctx, sent = _access_ctx(monkeypatch, False, CIDR, ["2"])
    ip_config, tags = {"subnet": {"id": SUBNET}}, {RUN_TAG: RUN8, ROLE_TAG: "rescue"}
    out = RN.CreateNestedRescueVm()._access(ctx, SUBNET, ip_config, tags)  # pylint: disable=protected-access
    access_tags = {RUN_TAG: RUN8, ROLE_TAG: "rescue-access"}
    assert sent == [
        ("web01-rescue-0123abcd-nsg", NETWORK_API, {"location": "westeurope", "tags": access_tags, "properties": {
            "securityRules": [{"name": "bootfix-rdp-from-allowed-cidr", "properties": {
                "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                "sourceAddressPrefix": CIDR, "sourcePortRange": "*", "destinationAddressPrefix": "*",
                "destinationPortRange": "3389"}}]}}),
        ("web01-rescue-0123abcd-pip", NETWORK_API, {"location": "westeurope", "tags": access_tags,
                                                    "sku": {"name": "Standard"}, "zones": ["2"],
                                                    "properties": {"publicIPAllocationMethod": "Static"}})]
    nsg_id, pip_id = RB._rescue_nsg_id(ctx), RB._rescue_pip_id(ctx)  # pylint: disable=protected-access
    assert out == ({"networkSecurityGroup": {"id": nsg_id}},
                   {"connectBy": "public-ip", "publicIp": "20.1.2.3", "allowCidr": CIDR})
    assert ip_config == {"subnet": {"id": SUBNET}, "publicIPAddress": {"id": pip_id}}
    assert tags == {RUN_TAG: RUN8, ROLE_TAG: "rescue"}  # the NIC's own tags are left as they were
