"""Microsoft.Compute in the fake, in-process (profile "fast"): disks, snapshots, managed images and Compute Gallery
versions, what each carries of its source (the guest, the security type) and Azure's refusals."""
import pytest
from azure.core.exceptions import HttpResponseError

from computekit import RG, WIN2022, empty_os_disk, image_vm
from computekit import cc, cloud  # noqa: F401  (fixtures)


# -- disks, snapshots, images, galleries ------------------------------------------------------------
def test_disk_snapshot_copies_carry_guest_and_metadata(cloud, cc):
    vm = image_vm(cloud, cc, "v", WIN2022, security_profile={
        "security_type": "TrustedLaunch", "uefi_settings": {"secure_boot_enabled": True, "v_tpm_enabled": True}}).result()
    src = cc.disks.get(RG, vm.storage_profile.os_disk.name)
    assert src.security_profile.security_type == "TrustedLaunch"
    snap = cc.snapshots.begin_create_or_update(RG, "s", {"location": "eastus", "incremental": True,
                                                         "creation_data": {"create_option": "Copy",
                                                                           "source_resource_id": src.id}}).result()
    assert snap.os_type == "Windows" and snap.hyper_v_generation == "V2" and snap.incremental is True
    assert snap.security_profile.security_type == "TrustedLaunch"
    assert snap.creation_data.source_unique_id == src.unique_id
    copy = cc.disks.begin_create_or_update(RG, "c", {"location": "eastus", "creation_data": {
        "create_option": "Copy", "source_resource_id": snap.id}}).result()
    g_src = cloud.compute.get_by_id(src.id).guest
    g_copy = cloud.compute.get_by_id(copy.id).guest
    assert g_copy is not None and g_copy is not g_src and g_copy.uid != g_src.uid
    assert g_copy.disk_signature == g_src.disk_signature
    restored = cc.disks.begin_create_or_update(RG, "r", {"location": "eastus", "creation_data": {
        "create_option": "Restore", "source_resource_id": snap.id}}).result()
    assert restored.os_type == "Windows"
    assert {d.name for d in cc.snapshots.list()} == {"s"}
    assert {"c", "r"} <= {d.name for d in cc.disks.list()}


def test_disk_from_platform_image_and_gallery(cloud, cc):
    pid = ("/Subscriptions/{}/Providers/Microsoft.Compute/Locations/eastus/Publishers/MicrosoftWindowsServer/"
           "ArtifactTypes/VMImage/Offers/WindowsServer/Skus/2019-datacenter/Versions/latest").format(
        cloud.default_subscription)
    d = cc.disks.begin_create_or_update(RG, "fromimg", {"location": "eastus", "creation_data": {
        "create_option": "FromImage", "image_reference": {"id": pid}}}).result()
    assert d.os_type == "Windows" and d.hyper_v_generation == "V1" and d.disk_size_gb == 127
    assert cloud.compute.get_by_id(d.id).guest is not None


def test_image_from_vm_rules(cloud, cc):
    tl = image_vm(cloud, cc, "tl", WIN2022, security_profile={
        "security_type": "TrustedLaunch", "uefi_settings": {"secure_boot_enabled": True, "v_tpm_enabled": True}}).result()
    cc.virtual_machines.begin_deallocate(RG, "tl").result()
    cc.virtual_machines.generalize(RG, "tl")
    with pytest.raises(HttpResponseError) as e:
        cc.images.begin_create_or_update(RG, "i", {"location": "eastus", "source_virtual_machine": {"id": tl.id}})
    assert e.value.error.message == ("Creation of managed images are not supported for virtual machine with "
                                     "TrustedLaunch security type.")
    std = image_vm(cloud, cc, "std", WIN2022).result()
    with pytest.raises(HttpResponseError) as e:
        cc.images.begin_create_or_update(RG, "i", {"location": "eastus", "source_virtual_machine": {"id": std.id}})
    assert e.value.error.message == "The operation 'Create Image' requires the Virtual Machine 'std' to be Generalized."
    cc.virtual_machines.begin_deallocate(RG, "std").result()
    cc.virtual_machines.generalize(RG, "std")
    img = cc.images.begin_create_or_update(RG, "i", {"location": "eastus",
                                                     "source_virtual_machine": {"id": std.id}}).result()
    assert img.storage_profile.os_disk.os_state == "Generalized" and img.hyper_v_generation == "V2"
    assert [i.name for i in cc.images.list_by_resource_group(RG)] == ["i"] and len(list(cc.images.list())) == 1


def test_vm_from_image_of_unprepared_guest_times_out(cloud, cc):
    """API-generalized but never sysprep'd: provisioning times out (OSProvisioningTimedOut)."""
    std = image_vm(cloud, cc, "src", WIN2022).result()
    cc.virtual_machines.begin_deallocate(RG, "src").result()
    cc.virtual_machines.generalize(RG, "src")
    img = cc.images.begin_create_or_update(RG, "i", {"location": "eastus",
                                                     "source_virtual_machine": {"id": std.id}}).result()
    with pytest.raises(HttpResponseError) as e:
        image_vm(cloud, cc, "new", {"id": img.id}).result()
    assert "OSProvisioningTimedOut" in str(e.value)
    vm = cc.virtual_machines.get(RG, "new", expand="instanceView")
    assert vm.provisioning_state == "Failed"
    assert vm.instance_view.statuses[0].code == "ProvisioningState/failed/OSProvisioningTimedOut"


def test_vm_from_sysprepped_disk_image_provisions(cloud, cc):
    from fakeazure.compute.models import Disk
    from fakeazure.guest import guest_from_spec
    sub = cloud.default_subscription
    g = guest_from_spec({"os": "windows", "version": "2022", "edition": "Datacenter", "generation": "V2",
                         "state": "generalized"})
    cloud.compute.add_disk(Disk(cloud.compute, sub, RG, "sealed", "eastus", os_type="Windows",
                                hyper_v_generation="V2", guest=g))
    disk_id = cc.disks.get(RG, "sealed").id
    img = cc.images.begin_create_or_update(RG, "i", {"location": "eastus", "hyper_v_generation": "V2",
                                                     "storage_profile": {"os_disk": {
                                                         "os_type": "Windows", "os_state": "Generalized",
                                                         "managed_disk": {"id": disk_id}}}}).result()
    vm = image_vm(cloud, cc, "ok", {"id": img.id}).result()
    assert vm.provisioning_state == "Succeeded"
    assert cc.virtual_machines.instance_view(RG, "ok").computer_name.lower() == "ok"


def _gallery(cc, os_state="Generalized", security=None, gen="V2"):
    cc.galleries.begin_create_or_update(RG, "gal", {"location": "eastus"}).result()
    props = {"location": "eastus", "os_type": "Windows", "os_state": os_state, "hyper_v_generation": gen,
             "identifier": {"publisher": "p", "offer": "o", "sku": os_state}}
    if security:
        props["features"] = [{"name": "SecurityType", "value": security}]
    return cc.gallery_images.begin_create_or_update(RG, "gal", "def" + os_state, props).result()


def test_gallery_version_rules_and_specialized_vm(cloud, cc):
    vm = image_vm(cloud, cc, "src", WIN2022).result()  # healthy, specialized (not generalized)
    gen_def = _gallery(cc, "Generalized")
    with pytest.raises(HttpResponseError) as e:
        cc.gallery_image_versions.begin_create_or_update(RG, "gal", gen_def.name, "1.0.0", {
            "location": "eastus", "storage_profile": {"source": {"virtual_machine_id": vm.id}}})
    assert "has a different OS state ['Specialized'] than the parent gallery image OS state ['Generalized']" in \
        e.value.error.message
    spec_def = _gallery(cc, "Specialized")
    ver = cc.gallery_image_versions.begin_create_or_update(RG, "gal", spec_def.name, "1.0.0", {
        "location": "eastus", "storage_profile": {"source": {"virtual_machine_id": vm.id}}}).result()
    assert ver.storage_profile.source.virtual_machine_id == vm.id and ver.provisioning_state == "Succeeded"
    with pytest.raises(HttpResponseError) as e:  # specialized: no osProfile
        image_vm(cloud, cc, "g1", {"id": ver.id})
    assert e.value.error.target == "osProfile"
    new = image_vm(cloud, cc, "g1", {"id": ver.id}, os_profile=False).result()
    assert new.provisioning_state == "Succeeded"
    assert [v.name for v in cc.gallery_image_versions.list_by_gallery_image(RG, "gal", spec_def.name)] == ["1.0.0"]


def test_gallery_trusted_launch_source_needs_tl_definition(cloud, cc):
    d = empty_os_disk(cc, "tl", security="TrustedLaunch")
    plain = _gallery(cc, "Specialized")
    with pytest.raises(HttpResponseError) as e:
        cc.gallery_image_versions.begin_create_or_update(RG, "gal", plain.name, "1.0.0", {
            "location": "eastus", "storage_profile": {"os_disk_image": {"source": {"id": d.id}}}})
    assert e.value.status_code == 400


def test_specialized_definition_over_sealed_guest_stuck_at_oobe(cloud, cc):
    from fakeazure.compute.models import Disk
    from fakeazure.guest import guest_from_spec
    g = guest_from_spec({"os": "windows", "version": "2022", "generation": "V2", "state": "generalized"})
    cloud.compute.add_disk(Disk(cloud.compute, cloud.default_subscription, RG, "sealed", "eastus",
                                os_type="Windows", hyper_v_generation="V2", guest=g))
    spec_def = _gallery(cc, "Specialized")
    ver = cc.gallery_image_versions.begin_create_or_update(RG, "gal", spec_def.name, "1.0.0", {
        "location": "eastus", "storage_profile": {"os_disk_image": {"source": {
            "id": cc.disks.get(RG, "sealed").id}}}}).result()
    with pytest.raises(HttpResponseError):
        image_vm(cloud, cc, "stuck", {"id": ver.id}, os_profile=False).result()
    vm = cloud.compute.get_vm(cloud.default_subscription, RG, "stuck")
    assert vm.provisioning_state == "Failed" and vm.boot is not None and not vm.boot.agent_ready
