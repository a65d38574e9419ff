"""VM extensions, the other VM actions, run command PATCH and image/gallery PATCH, in-process, compared with the
recordings in tests/fixtures/fidelity."""
import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from computekit import RG, WIN2022, image_vm, power, raw, vm_path  # noqa: F401
from computekit import cc, cloud  # noqa: F401
from test_disk_access import keys
from test_lro_compute import follow, hdrs, recorded, same_op_url, settle

CSE = {"location": "eastus", "properties": {"publisher": "Microsoft.Compute", "type": "CustomScriptExtension",
                                            "typeHandlerVersion": "1.10", "autoUpgradeMinorVersion": True,
                                            "settings": {"commandToExecute": "hostname"},
                                            "protectedSettings": {"storageAccountKey": "s3cr3t-key"}}}


@pytest.fixture
def vm(cloud, cc):
    return image_vm(cloud, cc, "web01", WIN2022).result()


def ext_path(cloud, name="cse"):
    return vm_path(cloud, "web01") + "/extensions/" + name


def test_extension_put_patch_and_the_vm_body(cloud, cc, vm):
    rec = recorded("vm-create.yaml", "PUT VM extension (create)")["response"]
    r = raw(cloud, "PUT", ext_path(cloud), CSE, api="2022-08-01")
    assert r.status_code == rec["status"] == 201
    h = hdrs(r.headers)
    assert "azure-asyncoperation" in h and "location" not in h and h["azure-asyncnotification"] == "Enabled"
    assert h["x-ms-ratelimit-remaining-resource"].startswith("Microsoft.Compute/UpdateVM")
    body = r.json()
    assert set(body) == set(rec["body"]) and body["properties"]["provisioningState"] == "Creating"
    assert "protectedSettings" not in r.text and "s3cr3t" not in r.text  # never returned
    settle(cloud, r)  # polled until the install is done, as az does
    rec = recorded("vm-power-lro.yaml", "PATCH VM extension")["response"]
    r = raw(cloud, "PATCH", ext_path(cloud), {"tags": {"team": "ops"}}, api="2022-08-01")
    assert r.status_code == rec["status"] == 200 and r.json()["properties"]["provisioningState"] == "Updating"
    assert "location" not in hdrs(r.headers) and r.json()["properties"]["settings"] == CSE["properties"]["settings"]
    rec_vm = recorded("vm-get.yaml", "GET VM ?$expand=instanceView (after restart")["response"]["body"]
    got = raw(cloud, "GET", vm_path(cloud, "web01") + "?$expand=instanceView").json()
    assert list(got)[-1] == "resources"  # after etag (vm-get.yaml)
    extra = keys(got["resources"]) - keys(rec_vm["resources"])
    assert keys(rec_vm["resources"]) <= keys(got["resources"])
    assert extra == {"[]tags", "[]tags.team", "[]properties.settings.commandToExecute"}  # what this one was sent
    view = got["properties"]["instanceView"]
    assert keys(view["extensions"]) == keys(rec_vm["properties"]["instanceView"]["extensions"])
    assert view["extensions"][0]["type"] == "Microsoft.Compute.CustomScriptExtension"
    assert view["extensions"][0]["typeHandlerVersion"].startswith("1.10.")  # the handler the agent runs
    assert keys(view["vmAgent"]["extensionHandlers"]) == keys(
        rec_vm["properties"]["instanceView"]["vmAgent"]["extensionHandlers"])
    assert [e.name for e in cc.virtual_machine_extensions.list(RG, "web01").value] == ["cse"]


def test_extension_refusals_and_failures(cloud, cc, vm):
    with pytest.raises(ResourceNotFoundError) as err:
        cc.virtual_machine_extensions.get(RG, "web01", "nope")
    # seen: "The Resource 'Microsoft.Compute/virtualMachines/<vm>/extensions/CustomScript' under resource group"
    assert "'Microsoft.Compute/virtualMachines/web01/extensions/nope'" in err.value.message
    bad = {"location": "eastus",
           "properties": {"publisher": "Contoso.Nope", "type": "Nope", "typeHandlerVersion": "1.0"}}
    with pytest.raises(HttpResponseError) as err:
        cc.virtual_machine_extensions.begin_create_or_update(RG, "web01", "bad", bad).result()
    assert err.value.error.code == "VMExtensionProvisioningError"
    assert cc.virtual_machine_extensions.get(RG, "web01", "bad").provisioning_state == "Failed"  # kept, Failed
    cc.virtual_machines.begin_deallocate(RG, "web01").result()
    for call in (lambda: cc.virtual_machine_extensions.begin_create_or_update(RG, "web01", "cse", CSE),
                 lambda: cc.virtual_machine_extensions.begin_delete(RG, "web01", "bad")):
        with pytest.raises(HttpResponseError) as err:
            call()
        # seen (hashicorp/terraform-provider-azurerm#477, microsoft/AzureTRE#2138)
        assert err.value.status_code == 409 and err.value.error.message == \
            "Cannot modify extensions in the VM when the VM is not running."


def test_extension_needs_a_ready_agent(cloud, cc):
    """A VM whose guest is stuck before its agent runs (oobe-stuck) cannot run an extension."""
    cloud.load_scenario("oobe-stuck")
    vm = next(v for v in cloud.compute.vms.values())
    with pytest.raises(HttpResponseError) as err:
        cc.virtual_machine_extensions.begin_create_or_update(vm.resource_group, vm.name, "cse", CSE).result()
    assert err.value.error.code == "VMAgentStatusCommunicationError"


def test_extensions_go_with_their_vm(cloud, cc, vm):
    cc.virtual_machine_extensions.begin_create_or_update(RG, "web01", "cse", CSE).result()
    assert cloud.compute.vm_extensions
    cc.virtual_machines.begin_delete(RG, "web01").result()
    assert not cloud.compute.vm_extensions


def test_redeploy_and_reapply_as_azure_answers(cloud, cc, vm):
    rec = recorded("vm-power-lro.yaml", "POST redeploy")["response"]
    r = raw(cloud, "POST", vm_path(cloud, "web01") + "/redeploy", api="2024-11-01")
    assert r.status_code == rec["status"] == 202 and r.content == b""
    h = hdrs(r.headers)
    assert same_op_url(h["azure-asyncoperation"], h["location"])
    assert follow(cloud, h["location"]).status_code == 200
    assert power(cc, "web01") == "PowerState/running"
    assert raw(cloud, "POST", vm_path(cloud, "web01") + "/reapply").status_code == 202


def test_actions_azure_refuses_for_this_vm(cloud, cc, vm):
    with pytest.raises(HttpResponseError) as err:
        cc.virtual_machines.begin_perform_maintenance(RG, "web01")
    # seen (Azure/azure-cli#6060)
    assert err.value.error.message == ("Operation 'performMaintenance' is not allowed on VM 'web01' since the "
                                       "Subscription of this VM is not eligible.")
    for call in (lambda: cc.virtual_machines.simulate_eviction(RG, "web01"),
                 lambda: cc.virtual_machines.begin_convert_to_managed_disks(RG, "web01"),
                 lambda: cc.virtual_machines.begin_reimage(RG, "web01"),
                 lambda: cc.virtual_machines.begin_capture(RG, "web01", {
                     "vhd_prefix": "p", "destination_container_name": "c", "overwrite_vhds": True})):
        with pytest.raises(HttpResponseError) as err:
            call()
        assert err.value.status_code == 409 and err.value.error.code == "OperationNotAllowed"


def test_patches_sizes_and_the_vms_of_a_location(cloud, cc, vm):
    assessed = cc.virtual_machines.begin_assess_patches(RG, "web01").result()
    assert assessed.status == "Succeeded" and assessed.available_patches == []
    installed = cc.virtual_machines.begin_install_patches(RG, "web01", {
        "maximum_duration": "PT2H", "reboot_setting": "IfRequired",
        "windows_parameters": {"classifications_to_include": ["Critical"]}}).result()
    assert installed.status == "Succeeded" and installed.reboot_status == "NotNeeded"
    sizes = {s.name for s in cc.virtual_machines.list_available_sizes(RG, "web01")}
    assert "Standard_D2s_v3" in sizes  # a Gen2 VM: every size offered to it boots V2, none is restricted here
    for name in sizes:
        size = cloud.compute.vm_size(name, "eastus")
        assert "V2" in size.generations
    assert [v.name for v in cc.virtual_machines.list_by_location("eastus")] == ["web01"]
    assert list(cc.virtual_machines.list_by_location("westus")) == []


def test_attach_and_detach_data_disks(cloud, cc, vm):
    d = cc.disks.begin_create_or_update(RG, "data1", {"location": "eastus", "properties": {
        "creationData": {"createOption": "Empty"}, "diskSizeGB": 4}}).result()
    profile = cc.virtual_machines.begin_attach_detach_data_disks(
        RG, "web01", {"data_disks_to_attach": [{"disk_id": d.id, "lun": 3, "caching": "ReadOnly"}]}).result()
    assert [(x.lun, x.caching, x.managed_disk.id) for x in profile.data_disks] == [(3, "ReadOnly", d.id)]
    assert cc.disks.get(RG, "data1").managed_by == vm.id
    profile = cc.virtual_machines.begin_attach_detach_data_disks(
        RG, "web01", {"data_disks_to_detach": [{"disk_id": d.id}]}).result()
    assert profile.data_disks == [] and cc.disks.get(RG, "data1").disk_state == "Unattached"


def test_run_command_patch_keeps_what_it_does_not_name(cloud, cc, vm):
    cc.virtual_machine_run_commands.begin_create_or_update(RG, "web01", "rc1", {
        "location": "eastus", "source": {"script": "Write-Output 1"}, "timeout_in_seconds": 60}).result()
    got = cc.virtual_machine_run_commands.begin_update(RG, "web01", "rc1", {"tags": {"a": "b"}}).result()
    assert got.source.script == "Write-Output 1" and got.timeout_in_seconds == 60 and got.tags == {"a": "b"}
    with pytest.raises(ResourceNotFoundError):
        cc.virtual_machine_run_commands.begin_update(RG, "web01", "nope", {"tags": {}}).result()


def test_image_and_gallery_patch(cloud, cc, vm):
    cc.virtual_machines.begin_deallocate(RG, "web01").result()
    cc.virtual_machines.generalize(RG, "web01")
    cc.images.begin_create_or_update(RG, "img", {"location": "eastus", "source_virtual_machine": {"id": vm.id},
                                                 "hyper_v_generation": "V2"}).result()
    img = cc.images.begin_update(RG, "img", {"tags": {"keep": "yes"}}).result()
    assert img.tags == {"keep": "yes"} and img.storage_profile.os_disk.os_state == "Generalized"
    cc.galleries.begin_create_or_update(RG, "gal", {"location": "eastus", "description": "one"}).result()
    gal = cc.galleries.begin_update(RG, "gal", {"tags": {"t": "1"}}).result()
    assert gal.tags == {"t": "1"} and gal.description == "one"
