"""The table-driven PUT/GET test of issue 9: every writable property of a VM, disk, snapshot, image, NIC and
public IP (the rows of fakeazure/compute/properties.py and fakeazure/network/properties.py) is sent on an
existing resource and either read back from the next GET or refused with Azure's code:

* in-place rows: 200/202, and the GET shows the value;
* rows applied only while deallocated: 409 OperationNotAllowed on a running VM (or a disk a running VM
  holds), then applied once the VM is deallocated;
* create-only rows: 409 PropertyChangeNotAllowed (target: the property) and the GET unchanged; the location
  409 InvalidResourceLocation; a row Azure accepts and ignores (the admin password) 200 and nothing shown.

The sample values are data (tests/fixtures/writable_samples.yaml). The rows must cover every writable path of
the REST models az 2.91 sends (the azure-mgmt-compute models of those api-versions, generated from
azure-rest-api-specs): ``test_rows_cover_the_rest_models``.
"""
import json
import os

import pytest
import yaml

from fakeazure.cloud import Cloud
from fakeazure.compute import properties as cprops
from fakeazure.core.properties import CREATE_ONLY, DEALLOCATED, IN_PLACE, covering, same, set_at, value_at
from fakeazure.inprocess import BASE_URL, session
from fakeazure.network import properties as nprops
from fakeazure.network.scenario import ensure_vm_network

RG = "rg"
API = {"virtualMachines": "2024-11-01", "images": "2024-11-01", "galleries": "2021-10-01", "disks": "2023-04-02",
       "snapshots": "2023-10-02", "networkInterfaces": "2023-11-01", "publicIPAddresses": "2025-09-01",
       "networkSecurityGroups": "2024-07-01"}
WIN = {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-datacenter-azure-edition",
       "version": "latest"}
UBUNTU = {"publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2",
          "version": "latest"}
with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "writable_samples.yaml"), encoding="utf-8") as _fh:
    SAMPLES = yaml.safe_load(_fh)
VM_SAMPLES, DISK_SAMPLES = SAMPLES["virtualMachines"], SAMPLES["disks"]
SNAPSHOT_SAMPLES = dict(DISK_SAMPLES, **SAMPLES["snapshots"])
IMAGE_SAMPLES, GALLERY_SAMPLES = SAMPLES["images"], SAMPLES["galleries"]
NIC_SAMPLES, PIP_SAMPLES = SAMPLES["networkInterfaces"], SAMPLES["publicIPAddresses"]


# -- the driver --------------------------------------------------------------------------------------
class Env:
    """A fresh fake cloud and raw REST calls into it (async operations waited for)."""

    def __init__(self):
        self.cloud = Cloud("fast")
        self.sub = self.cloud.default_subscription
        self.cloud.resources.create_or_update_group(self.sub, RG, "eastus")
        self.http = session(self.cloud)
        self.token = self.cloud.identity.mint()[0]

    def fill(self, value):
        return json.loads(json.dumps(value).replace("{sub}", self.sub))

    def path(self, rtype, name, ns="Microsoft.Compute"):
        return "/subscriptions/{}/resourceGroups/{}/providers/{}/{}/{}".format(self.sub, RG, ns, rtype, name)

    def call(self, method, path, body=None, query=""):
        rtype = path.split("/providers/")[1].split("/")[1]
        url = "{}{}?api-version={}{}".format(BASE_URL, path, API.get(rtype, "2024-11-01"), query)
        headers = {"Authorization": "Bearer " + self.token, "Content-Type": "application/json"}
        r = self.http.request(method, url, data=json.dumps(body) if body is not None else None, headers=headers)
        out = r.json() if r.content else None
        poll = r.headers.get("Azure-AsyncOperation")
        for _ in range(200):  # wait for the operation, whatever the profile's timing
            if not poll or r.status_code >= 300:
                break
            status = self.http.get(poll, headers=headers).json()
            if status.get("status") not in ("InProgress", None):
                assert status["status"] == "Succeeded", status
                break
            self.cloud.clock.advance(5) if hasattr(self.cloud.clock, "advance") else None
        return r.status_code, out

    def ok(self, method, path, body=None, query=""):
        status, out = self.call(method, path, body, query)
        assert status < 300, out
        return out

    def get(self, path, query=""):
        return self.ok("GET", path, query=query)

    # -- fixtures ------------------------------------------------------------------------------------
    def vm(self, name="vm1", image=None, security=None):
        nic = self.path("networkInterfaces", name + "Nic", "Microsoft.Network")
        ensure_vm_network(self.cloud, self.sub, RG, "eastus", name, nic)
        props = {"hardwareProfile": {"vmSize": "Standard_D2s_v3"},
                 "storageProfile": {"imageReference": image or WIN, "osDisk": {"createOption": "FromImage"}},
                 "osProfile": {"computerName": name, "adminUsername": "azureadmin", "adminPassword": "Secr3t!Passw0rd"},
                 "networkProfile": {"networkInterfaces": [{"id": nic}]}}
        if security:
            props["securityProfile"] = {"securityType": security,
                                        "uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": True}}
        self.ok("PUT", self.path("virtualMachines", name), {"location": "eastus", "properties": props})
        return self.path("virtualMachines", name)

    def power(self, vm, action):
        self.ok("POST", vm + "/" + action)

    def disk(self, name="d1", **props):
        body = {"location": "eastus", "sku": {"name": "Premium_LRS"},
                "properties": dict({"creationData": {"createOption": "Empty"}, "diskSizeGB": 64}, **props)}
        self.ok("PUT", self.path("disks", name), body)
        return self.path("disks", name)

    def attach(self, vm, disk):
        self.ok("PATCH", vm, {"properties": {"storageProfile": {"dataDisks": [
            {"lun": 0, "createOption": "Attach", "managedDisk": {"id": disk}}]}}})


def contains(actual, expected):
    """``actual`` shows everything ``expected`` says (objects may have more keys)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(contains(actual.get(k), v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and \
            all(contains(a, e) for a, e in zip(actual, expected))
    return same(actual, expected)


def check_row(env, row, path, sample, deallocate=None, method="PATCH", base=None):
    """Send ``sample`` at the row's path (a PATCH of that path, or a PUT of ``base`` with it set) and check
    the answer and the next GET as the row's kind says."""
    body = json.loads(json.dumps(base)) if base is not None else {}
    set_at(body, row.path, sample)
    before = value_at(env.get(path), row.path)
    status, out = env.call(method, path, body)
    if row.kind == CREATE_ONLY:
        if row.path == "location":
            assert (status, out["error"]["code"]) == (409, "InvalidResourceLocation"), out
        elif row.refuse:
            assert (status, out["error"]["code"], out["error"]["target"]) == \
                (409, "PropertyChangeNotAllowed", row.name), out
        else:
            assert status < 300, out
        assert same(value_at(env.get(path), row.path), before)
        return
    if row.kind == DEALLOCATED and deallocate is not None:
        assert (status, out["error"]["code"]) == (409, "OperationNotAllowed"), out
        assert same(value_at(env.get(path), row.path), before)
        deallocate()
        status, out = env.call(method, path, body)
    assert status < 300, out
    got = value_at(env.get(path), row.path)
    assert contains(got, sample), "{}: sent {!r}, GET shows {!r}".format(row.path, sample, got)


def rows_of(table):
    return pytest.mark.parametrize("row", table, ids=lambda r: "{}[{}]".format(r.path, r.kind))


# -- virtual machines ---------------------------------------------------------------------------------------
def _vm_swap(env, row):
    vm = env.vm()
    new = env.disk("newos", osType="Windows", hyperVGeneration="V2")
    body = {"properties": {"storageProfile": {"osDisk": {"managedDisk": {"id": new}, "name": "newos"}}}}
    status, out = env.call("PATCH", vm, body)
    assert (status, out["error"]["code"]) == (409, "OperationNotAllowed"), out  # running: stop first (Learn)
    env.power(vm, "powerOff")
    env.ok("PATCH", vm, body)
    os_disk = env.get(vm)["properties"]["storageProfile"]["osDisk"]
    assert same(os_disk["managedDisk"]["id"], new) and os_disk["name"] == "newos"


def _vm_data_disks(env, row):
    vm, disk = env.vm(), env.disk()
    env.attach(vm, disk)
    assert same(env.get(vm)["properties"]["storageProfile"]["dataDisks"][0]["managedDisk"]["id"], disk)
    assert same(env.get(disk)["managedBy"], vm)


def _vm_nics(env, row):
    vm = env.vm()
    nic = env.get(vm)["properties"]["networkProfile"]["networkInterfaces"][0]["id"]
    env.ok("PATCH", vm, {"properties": {"networkProfile": {"networkInterfaces": [
        {"id": nic, "properties": {"primary": True, "deleteOption": "Delete"}}]}}})
    got = env.get(vm)["properties"]["networkProfile"]["networkInterfaces"][0]
    assert got["properties"]["deleteOption"] == "Delete" and got["properties"]["primary"] is True
    second = env.path("networkInterfaces", "second", "Microsoft.Network")
    ensure_vm_network(env.cloud, env.sub, RG, "eastus", "other", second, attach=False)
    two = {"properties": {"networkProfile": {"networkInterfaces": [
        {"id": nic, "properties": {"primary": True}}, {"id": second, "properties": {"primary": False}}]}}}
    status, out = env.call("PATCH", vm, two)
    assert (status, out["error"]["code"]) == (409, "OperationNotAllowed"), out  # adding a NIC: deallocated only
    env.power(vm, "deallocate")
    env.ok("PATCH", vm, two)
    assert len(env.get(vm)["properties"]["networkProfile"]["networkInterfaces"]) == 2
    assert same(env.get(second)["properties"]["virtualMachine"]["id"], vm)


def _vm_user_data(env, row):
    vm = env.vm()
    env.ok("PATCH", vm, {"properties": {"userData": VM_SAMPLES[row.path]}})
    assert "userData" not in env.get(vm)["properties"]  # returned only when asked for
    assert env.get(vm, query="&$expand=userData")["properties"]["userData"] == VM_SAMPLES[row.path]


VM_SPECIAL = {"properties.storageProfile.osDisk.managedDisk.id": _vm_swap,
              "properties.storageProfile.dataDisks": _vm_data_disks,
              "properties.networkProfile.networkInterfaces": _vm_nics, "properties.userData": _vm_user_data}


@rows_of(cprops.VIRTUAL_MACHINES)
def test_vm_property(row):
    env = Env()
    if row.path in VM_SPECIAL:
        return VM_SPECIAL[row.path](env, row)
    linux = row.path.endswith("linuxConfiguration")
    vm = env.vm(image=UBUNTU if linux else None,
                security="TrustedLaunch" if row.path.endswith("uefiSettings") else None)
    check_row(env, row, vm, env.fill(VM_SAMPLES[row.path]), deallocate=lambda: env.power(vm, "deallocate"))


# -- disks and snapshots -----------------------------------------------------------------------------------
@rows_of(cprops.DISKS)
def test_disk_property(row):
    env = Env()
    disk = env.disk()
    deallocate = None
    if row.kind == DEALLOCATED:  # held by a running VM first
        vm = env.vm()
        env.attach(vm, disk)
        deallocate = lambda: env.power(vm, "deallocate")  # noqa: E731
    check_row(env, row, disk, env.fill(DISK_SAMPLES[row.path]), deallocate=deallocate)


@rows_of(cprops.SNAPSHOTS)
def test_snapshot_property(row):
    env = Env()
    source = env.disk()
    snap = env.path("snapshots", "s1")
    env.ok("PUT", snap, {"location": "eastus", "properties": {"creationData": {"createOption": "Copy",
                                                                               "sourceResourceId": source}}})
    check_row(env, row, snap, env.fill(SNAPSHOT_SAMPLES[row.path]))


# -- images ------------------------------------------------------------------------------------------------
def _image_from(env, source_body):
    image = env.path("images", "img1")
    env.ok("PUT", image, dict({"location": "eastus"}, **source_body))
    return image


def _disk_source(env):
    disk = env.disk("osd", osType="Windows", hyperVGeneration="V1")
    return {"properties": {"storageProfile": {"osDisk": {"osType": "Windows", "osState": "Generalized",
                                                         "managedDisk": {"id": disk}}}}}


@rows_of(cprops.IMAGES)
def test_image_property(row):
    env = Env()
    image = _image_from(env, _disk_source(env))
    if row.path == "properties.sourceVirtualMachine":
        vm = env.vm()
        env.power(vm, "deallocate")
        env.power(vm, "generalize")
        env.ok("PUT", image, {"location": "eastus", "properties": {"sourceVirtualMachine": {"id": vm}}})
        assert same(env.get(image)["properties"]["sourceVirtualMachine"]["id"], vm)
        return
    if row.path == "properties.storageProfile":
        snap = env.path("snapshots", "s1")
        disk = env.get(image)["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"]
        env.ok("PUT", snap, {"location": "eastus", "properties": {"creationData": {
            "createOption": "Copy", "sourceResourceId": disk}}})
        env.ok("PUT", image, {"location": "eastus", "properties": {"storageProfile": {"osDisk": {
            "osType": "Windows", "osState": "Generalized", "snapshot": {"id": snap}}}}})
        assert same(env.get(image)["properties"]["storageProfile"]["osDisk"]["snapshot"]["id"], snap)
        return
    check_row(env, row, image, env.fill(IMAGE_SAMPLES[row.path]), method="PUT", base=env.get(image))


@rows_of(cprops.GALLERIES)
def test_gallery_property(row):
    env = Env()
    gallery = env.path("galleries", "g1")
    env.ok("PUT", gallery, {"location": "eastus"})
    check_row(env, row, gallery, env.fill(GALLERY_SAMPLES[row.path]), method="PUT", base=env.get(gallery))
    if row.path == "properties.sharingProfile":  # Azure adds the public name and leaves it disabled
        info = env.get(gallery)["properties"]["sharingProfile"]["communityGalleryInfo"]
        assert info["communityGalleryEnabled"] is False and info["publicNames"][0].startswith("contoso-")


# -- network interfaces and public IPs ---------------------------------------------------------------------
def _nic_ip_configurations(env, row, nic):
    body = env.get(nic)
    body["properties"]["ipConfigurations"][0]["properties"].update(privateIPAllocationMethod="Static",
                                                                   privateIPAddress="10.0.0.50")
    env.ok("PUT", nic, body)
    got = env.get(nic)["properties"]["ipConfigurations"][0]["properties"]
    assert (got["privateIPAllocationMethod"], got["privateIPAddress"]) == ("Static", "10.0.0.50")


def _nic_nsg(env, row, nic):
    nsg = env.path("networkSecurityGroups", "nsg2", "Microsoft.Network")
    env.ok("PUT", nsg, {"location": "eastus"})
    body = env.get(nic)
    body["properties"]["networkSecurityGroup"] = {"id": nsg}
    env.ok("PUT", nic, body)
    assert same(env.get(nic)["properties"]["networkSecurityGroup"]["id"], nsg)


@rows_of(nprops.NETWORK_INTERFACES)
def test_nic_property(row):
    env = Env()
    deallocate = None
    if row.kind == DEALLOCATED:  # the NIC of a running VM
        vm = env.vm()
        nic = env.get(vm)["properties"]["networkProfile"]["networkInterfaces"][0]["id"]
        deallocate = lambda: env.power(vm, "deallocate")  # noqa: E731
    else:
        nic = env.path("networkInterfaces", "nic1", "Microsoft.Network")
        ensure_vm_network(env.cloud, env.sub, RG, "eastus", "x", nic, attach=False)
    special = {"properties.ipConfigurations": _nic_ip_configurations,
               "properties.networkSecurityGroup": _nic_nsg}.get(row.path)
    if special:
        return special(env, row, nic)
    check_row(env, row, nic, env.fill(NIC_SAMPLES[row.path]), deallocate=deallocate, method="PUT",
              base=env.get(nic))


@rows_of(nprops.PUBLIC_IPS)
def test_public_ip_property(row):
    env = Env()
    pip = env.path("publicIPAddresses", "pip1", "Microsoft.Network")
    basic = row.path == "properties.publicIPAllocationMethod"  # Dynamic exists only in the Basic SKU
    env.ok("PUT", pip, {"location": "eastus", "sku": {"name": "Basic" if basic else "Standard"},
                        "properties": {"publicIPAllocationMethod": "Dynamic" if basic else "Static"}})
    check_row(env, row, pip, env.fill(PIP_SAMPLES[row.path]), method="PUT", base=env.get(pip))


# -- the rows cover the REST models, and every row is exercised ------------------------------------------
def _writable_paths(cls, prefix=""):
    """Writable paths of an azure-mgmt-compute model: leaves, and lists/dicts as a whole."""
    import sys
    module = sys.modules[cls.__module__]
    for attr, info in cls._attribute_map.items():
        if cls._validation.get(attr, {}).get("readonly"):
            continue
        path = prefix + info["key"].replace("\\.", ".")
        sub = getattr(module, info["type"], None)
        if sub is not None and hasattr(sub, "_attribute_map") and sub is not cls:
            yield from _writable_paths(sub, path + ".")
        else:
            yield path


@pytest.mark.parametrize("table,version,model", [
    (cprops.VIRTUAL_MACHINES, "v2024_11_01", "VirtualMachine"), (cprops.DISKS, "v2023_04_02", "Disk"),
    (cprops.SNAPSHOTS, "v2023_10_02", "Snapshot"), (cprops.IMAGES, "v2024_11_01", "Image"),
    (cprops.GALLERIES, "v2021_10_01", "Gallery")])
def test_rows_cover_the_rest_models(table, version, model):
    import importlib
    cls = getattr(importlib.import_module("azure.mgmt.compute.{}.models".format(version)), model)
    missing = [p for p in _writable_paths(cls) if covering(table, p) is None]
    assert not missing, "writable in {} {} but in no row: {}".format(model, version, missing)


@pytest.mark.parametrize("table,samples,special", [
    (cprops.VIRTUAL_MACHINES, VM_SAMPLES, VM_SPECIAL), (cprops.DISKS, DISK_SAMPLES, {}),
    (cprops.SNAPSHOTS, SNAPSHOT_SAMPLES, {}), (cprops.GALLERIES, GALLERY_SAMPLES, {}),
    (cprops.IMAGES, IMAGE_SAMPLES, {"properties.sourceVirtualMachine": 1, "properties.storageProfile": 1}),
    (nprops.NETWORK_INTERFACES, NIC_SAMPLES, {"properties.ipConfigurations": 1, "properties.networkSecurityGroup": 1}),
    (nprops.PUBLIC_IPS, PIP_SAMPLES, {})])
def test_every_row_has_a_sample(table, samples, special):
    assert [r.path for r in table if r.path not in samples and r.path not in special] == []
    assert all(r.kind in (IN_PLACE, DEALLOCATED, CREATE_ONLY) and r.source for r in table)
