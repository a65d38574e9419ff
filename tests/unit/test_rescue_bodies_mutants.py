"""The rescue VM's NIC and VM exactly as create-rescue-vm sends them, and the security profile it chooses, on
stand-ins of the clients (fast: mutation testing, scripts/mutate.py, runs this file first for repair/rescue.py).
The same requests against the fake cloud are in test_rescue_mutants.py and test_rescue.py."""
import types

import pytest

from azext_vmbootfix.repair import rescue as R
from azext_vmbootfix.repair.recreate import ROLE_TAG, RUN_TAG, StepFailed

NETWORK_API = "2024-05-01"
RUN = "0123abcd-5555-4444-3333-222211110000"
NIC_ID = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/web01-rescue-0123abcd-nic"
IMAGE = {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-datacenter-g2",
         "version": "latest"}


class _Arm:
    def __init__(self):
        self.puts = []
        self.resources = self

    def get_by_id(self, rid, api):
        assert (rid, api) == ("/nics/n1", NETWORK_API)
        return types.SimpleNamespace(properties={"ipConfigurations": [
            {"properties": {"primary": True, "subnet": {"id": "/subnets/default"}}}]})

    def begin_create_or_update_by_id(self, rid, api, body):
        self.puts.append((rid, api, body))
        return types.SimpleNamespace(result=lambda: types.SimpleNamespace(id=rid))


class _Compute:
    def __init__(self):
        self.vm_puts, self.disk_updates = [], []
        self.virtual_machines = types.SimpleNamespace(begin_create_or_update=self._put_vm)
        self.disks = types.SimpleNamespace(begin_update=self._update_disk)

    def _put_vm(self, rg, name, body):
        self.vm_puts.append((rg, name, body))
        return types.SimpleNamespace(result=lambda: types.SimpleNamespace(id="/vms/" + name))

    def _update_disk(self, rg, name, body, polling=None):
        self.disk_updates.append((rg, name, body))


@pytest.fixture
def sent(monkeypatch):
    monkeypatch.setattr(R, "_rescue_vm", lambda ctx: None)
    monkeypatch.setattr(R, "_params", lambda ctx: {"location": "westeurope", "rescueSize": "Standard_D4s_v5",
                                                  "rescueImage": IMAGE})
    monkeypatch.setattr(R, "_copy_id", lambda ctx: "/disks/web01-bootfix-0123abcd-fixed")
    monkeypatch.setattr(R, "_copy_disk", lambda ctx: types.SimpleNamespace(security_profile=None))
    monkeypatch.setattr(R, "random_password", lambda: "throw-away")
    monkeypatch.setattr(R, "_original", lambda ctx: {"zones": ["2"], "properties": {"networkProfile": {
        "networkInterfaces": [{"id": "/nics/n1"}, {"id": "/nics/n2"}]}}})
    started = []
    ctx = types.SimpleNamespace(run_id=RUN, vm_name="web01", resource_group="rg", memory={},
                                journal=types.SimpleNamespace(data={"subscription": "s1"}),
                                resources=_Arm(), compute=_Compute(),
                                start=lambda poller, what, then=None: started.append(what))
    out = R.CreateRescueVm().apply(ctx)
    return ctx, out, started


def test_the_rescue_nic_joins_the_vms_subnet_with_a_dynamic_address_and_the_runs_tags(sent):
    ctx, _, _ = sent
    assert ctx.resources.puts == [(NIC_ID, NETWORK_API, {
        "location": "westeurope", "tags": {RUN_TAG: RUN, ROLE_TAG: "rescue"},
        "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {
            "subnet": {"id": "/subnets/default"}, "privateIPAllocationMethod": "Dynamic"}}]}})]


def test_the_rescue_vm_is_sent_exactly_so(sent):
    ctx, out, started = sent
    assert ctx.compute.vm_puts == [("rg", "web01-rescue-0123abcd", {
        "location": "westeurope", "tags": {RUN_TAG: RUN, ROLE_TAG: "rescue"}, "zones": ["2"], "properties": {
            "hardwareProfile": {"vmSize": "Standard_D4s_v5"},
            "storageProfile": {
                "imageReference": IMAGE,
                "osDisk": {"createOption": "FromImage", "name": "web01-rescue-0123abcd-osdisk", "caching": "ReadWrite",
                           "managedDisk": {"storageAccountType": "Premium_LRS"}, "deleteOption": "Delete"},
                "dataDisks": [{"lun": 0, "createOption": "Attach", "caching": "None", "deleteOption": "Detach",
                               "managedDisk": {"id": "/disks/web01-bootfix-0123abcd-fixed"}}]},
            "securityProfile": {"securityType": "Standard"},
            "osProfile": {"adminUsername": R.RESCUE_ADMIN, "adminPassword": "throw-away",
                          "computerName": "rescue0123abcd"},
            "networkProfile": {"networkInterfaces": [{"id": NIC_ID, "properties": {"primary": True,
                                                                                  "deleteOption": "Delete"}}]},
            "diagnosticsProfile": {"bootDiagnostics": {"enabled": True}}}})]
    assert ctx.compute.disk_updates == [("rg", "web01-rescue-0123abcd-osdisk",
                                         {"tags": {RUN_TAG: RUN, ROLE_TAG: "rescue-os-disk"}})]
    assert started == ["tag disk web01-rescue-0123abcd-osdisk"]
    assert out == {"rescueVmId": "/vms/web01-rescue-0123abcd", "rescueNicId": NIC_ID, "securityType": "Standard"}


def test_a_vm_without_zones_gets_a_rescue_vm_without_zones(monkeypatch, sent):
    ctx, _, _ = sent
    monkeypatch.setattr(R, "_original", lambda ctx: {"properties": {"networkProfile": {
        "networkInterfaces": [{"id": "/nics/n1"}]}}})
    R.CreateRescueVm().apply(ctx)
    assert "zones" not in ctx.compute.vm_puts[-1][2]


def test_a_rescue_vm_left_by_an_earlier_attempt_is_deleted_before_the_new_one(monkeypatch, sent):
    ctx, _, _ = sent
    gone = []
    monkeypatch.setattr(R, "_rescue_vm", lambda c: types.SimpleNamespace(name="web01-rescue-0123abcd"))
    monkeypatch.setattr(R, "_delete_rescue", lambda c, in_flight=False: gone.append((c, in_flight)))
    R.CreateRescueVm().apply(ctx)
    assert gone == [(ctx, False)]


@pytest.mark.parametrize("kind, expected", [
    (None, {"securityType": "Standard"}), ("Standard", {"securityType": "Standard"}),
    ("TrustedLaunch", {"securityType": "TrustedLaunch", "uefiSettings": {"secureBootEnabled": True,
                                                                         "vTpmEnabled": True}}),
    (types.SimpleNamespace(value="TrustedLaunch"), {"securityType": "TrustedLaunch", "uefiSettings": {
        "secureBootEnabled": True, "vTpmEnabled": True}})])
def test_the_rescue_vms_security_type_follows_the_copys(kind, expected):
    disk = types.SimpleNamespace(security_profile=types.SimpleNamespace(security_type=kind))
    assert R.rescue_security(disk) == expected
    assert R.rescue_security(types.SimpleNamespace(security_profile=None)) == {"securityType": "Standard"}
    assert R.rescue_security(object()) == {"securityType": "Standard"}  # a disk model without a security profile


def test_a_confidential_disk_is_refused_with_its_kind():
    kind = "ConfidentialVM_DiskEncryptedWithCustomerKey"
    disk = types.SimpleNamespace(security_profile=types.SimpleNamespace(security_type=kind))
    with pytest.raises(StepFailed, match=r"Confidential VM disk \(ConfidentialVM_DiskEncryptedWithCustomerKey\)"):
        R.rescue_security(disk)


def test_outside_the_clean_up_step_the_rescue_vm_is_deleted_at_once_not_left_in_flight(monkeypatch):
    deleted, started = [], []
    monkeypatch.setattr(R, "_rescue_vm", lambda ctx: types.SimpleNamespace(name="web01-rescue-0123abcd"))
    monkeypatch.setattr(R, "_delete_rescue_rest", lambda ctx: deleted.append("rest"))
    vms = types.SimpleNamespace(begin_delete=lambda rg, name, **kw: deleted.append((rg, name)) or
                                types.SimpleNamespace(result=lambda: None))
    ctx = types.SimpleNamespace(resource_group="rg", compute=types.SimpleNamespace(virtual_machines=vms),
                                start=lambda poller, what, then=None: started.append(what))
    R._delete_rescue(ctx)  # pylint: disable=protected-access
    assert deleted == [("rg", "web01-rescue-0123abcd"), "rest"] and started == []


def test_a_subclass_chooses_the_nics_extra_properties_and_the_account_from_what_it_is_given(monkeypatch, sent):
    ctx, _, _ = sent
    seen = []

    class Reached(R.CreateRescueVm):
        def _access(self, c, subnet_id, ip_config, tags):
            seen.append((c, subnet_id, dict(ip_config), dict(tags)))
            return {"networkSecurityGroup": {"id": "/nsgs/rdp"}}, {"connect": "rdp"}

        def _account(self, c):
            assert c is ctx
            return {"adminUsername": "fixadmin", "adminPassword": "prompted"}
    out = Reached().apply(ctx)
    assert seen == [(ctx, "/subnets/default", {"subnet": {"id": "/subnets/default"},
                                               "privateIPAllocationMethod": "Dynamic"},
                     {RUN_TAG: RUN, ROLE_TAG: "rescue"})]
    assert ctx.resources.puts[-1][2]["properties"]["networkSecurityGroup"] == {"id": "/nsgs/rdp"}
    assert ctx.compute.vm_puts[-1][2]["properties"]["osProfile"]["adminUsername"] == "fixadmin"
    assert out["connect"] == "rdp" and out["securityType"] == "Standard"
