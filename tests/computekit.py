"""The in-process Compute client the tests/fake compute modules share: a fast-profile cloud with group ``rg`` in
eastus (fixtures ``cloud`` and ``cc``), VMs made from an image or on an attached disk, and one raw HTTP request
for status codes and headers."""
import json

import pytest
from azure.mgmt.compute import ComputeManagementClient

from fakeazure.cloud import Cloud
from fakeazure.inprocess import BASE_URL, sdk_client, session
from fakeazure.network.scenario import ensure_vm_network

RG = "rg"
WIN2022 = {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
           "sku": "2022-datacenter-azure-edition", "version": "latest"}


@pytest.fixture
def cloud():
    c = Cloud("fast")
    c.resources.create_or_update_group(c.default_subscription, RG, "eastus")
    return c


@pytest.fixture
def cc(cloud):
    return sdk_client(cloud, ComputeManagementClient)


def nic(cloud, vm_name, rg=RG):
    nic_id = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/{}VMNic".format(
        cloud.default_subscription, rg, vm_name)
    ensure_vm_network(cloud, cloud.default_subscription, rg, "eastus", vm_name, nic_id)
    return nic_id


def empty_os_disk(cc, name, os_type="Windows", gen="V2", security=None):
    props = {"creationData": {"createOption": "Empty"}, "diskSizeGB": 127, "osType": os_type,
             "hyperVGeneration": gen}
    if security:
        props["securityProfile"] = {"securityType": security}
    return cc.disks.begin_create_or_update(RG, name, {"location": "eastus", "properties": props}).result()


def attach_vm(cloud, cc, name, disk, size="Standard_D2s_v3", security=None, **props):
    body = {"location": "eastus", "hardware_profile": {"vm_size": size},
            "storage_profile": {"os_disk": {"create_option": "Attach", "managed_disk": {"id": disk.id}}},
            "network_profile": {"network_interfaces": [{"id": nic(cloud, name)}]}}
    if security:
        body["security_profile"] = {"security_type": security,
                                    "uefi_settings": {"secure_boot_enabled": True, "v_tpm_enabled": True}}
    body.update(props)
    return cc.virtual_machines.begin_create_or_update(RG, name, body).result()


def image_vm(cloud, cc, name, ref, os_profile=True, size="Standard_D2s_v3", **extra):
    body = {"location": "eastus", "hardware_profile": {"vm_size": size},
            "storage_profile": {"image_reference": ref, "os_disk": {"create_option": "FromImage"}},
            "network_profile": {"network_interfaces": [{"id": nic(cloud, name)}]}}
    if os_profile:
        body["os_profile"] = {"computer_name": name, "admin_username": "azureadmin",
                              "admin_password": "Secr3t!Passw0rd"}
    body.update(extra)
    return cc.virtual_machines.begin_create_or_update(RG, name, body)


def raw(cloud, method, path, body=None, api="2024-11-01", headers=None):
    """One HTTP request through the fake (to see status codes and headers)."""
    token, _ = cloud.identity.mint()
    h = {"Authorization": "Bearer " + token}
    h.update(headers or {})
    url = BASE_URL + path + ("&" if "?" in path else "?") + "api-version=" + api
    return session(cloud).request(method, url, data=json.dumps(body) if body is not None else None,
                                  headers=dict(h, **({"Content-Type": "application/json"} if body else {})))


def vm_path(cloud, name, rg=RG):
    return "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/virtualMachines/{}".format(
        cloud.default_subscription, rg, name)


def power(cc, name):
    iv = cc.virtual_machines.instance_view(RG, name)
    return [s.code for s in iv.statuses if s.code.startswith("PowerState/")][0]
