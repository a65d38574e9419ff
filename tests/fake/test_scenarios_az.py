"""Every scenario boots as its file says, seen through the stock az (one fake server for the module).

Checks per VM: the instance view (power state, agent Ready/Not Ready, OSState/generalized), the boot
diagnostics URIs and a screenshot download that Pillow opens as a BMP, plus the linked images/galleries.
"""
import io

import pytest
import requests

from fakecloud import az, fake_server

pytestmark = pytest.mark.az

SCENARIOS = ["oobe-stuck", "healthy-windows", "boot-diagnostics-disabled", "generalized-by-api", "linux",
             "could-not-complete-installation", "restarted-unexpectedly", "could-not-finish-configuring",
             "getting-windows-ready", "oobe-stuck-windows11", "oobe-stuck-trusted-launch", "oobe-stuck-gen1-no-image"]

# rg, vm, power state, agent displayStatus (None: no vmAgent), generalized by the API, a phrase on screen
EXPECTED = [
    ("rg-oobe", "web01", "running", "Not Ready", False, "Hi there"),
    ("rg-healthy", "app01", "running", "Ready", False, "Press Ctrl+Alt+Delete to unlock."),
    ("rg-nodiag", "web03", "running", "Not Ready", False, "Hi there"),
    ("rg-gen", "app01", "deallocated", None, True, None),
    ("rg-linux", "lnx01", "running", "Ready", False, "login:"),
    ("rg-undeployable", "img01", "running", "Not Ready", False, "Windows could not complete the installation"),
    ("rg-restarted", "img02", "running", "Not Ready", False, "The computer restarted unexpectedly"),
    ("rg-configuring", "img03", "running", "Not Ready", False, "Windows could not finish configuring the system"),
    ("rg-updates", "upd01", "running", "Not Ready", False, "Getting Windows ready"),
    ("rg-client", "desk01", "running", "Not Ready", False, "Is this the right country or region?"),
    ("rg-oobe-tl", "web02", "running", "Not Ready", False, "Hi there"),
    ("rg-gen1", "web16", "running", "Not Ready", False, "Hi there"),
]


@pytest.fixture(scope="module")
def server():
    with fake_server(*SCENARIOS) as srv:
        yield srv


def _screen_text(server, rg, name):
    vm = server.cloud.compute.get_vm(server.cloud.default_subscription, rg, name)
    return "\n".join(vm.boot.screen_lines) if vm.boot else ""


@pytest.mark.parametrize("rg,name,power,agent,generalized,phrase", EXPECTED, ids=[e[1] + "@" + e[0] for e in EXPECTED])
def test_instance_view(server, rg, name, power, agent, generalized, phrase):
    view = az(server, "vm", "get-instance-view", "-g", rg, "-n", name)["instanceView"]
    codes = [s["code"] for s in view["statuses"]]
    assert "PowerState/" + power in codes
    assert ("OSState/generalized" in codes) is generalized
    if agent is None:
        assert not view.get("vmAgent")
    else:
        assert view["vmAgent"]["statuses"][0]["displayStatus"] == agent
    if phrase:
        assert phrase in _screen_text(server, rg, name)


@pytest.mark.parametrize("rg,name", [(e[0], e[1]) for e in EXPECTED if e[5] and e[0] != "rg-nodiag"],
                         ids=[e[1] + "@" + e[0] for e in EXPECTED if e[5] and e[0] != "rg-nodiag"])
def test_screenshot_is_a_bmp_of_the_screen(server, rg, name):
    from PIL import Image
    uris = az(server, "vm", "boot-diagnostics", "get-boot-log-uris", "-g", rg, "-n", name)
    assert ".screenshot.bmp?" in uris["consoleScreenshotBlobUri"] and "sig=" in uris["consoleScreenshotBlobUri"]
    resp = requests.get(uris["consoleScreenshotBlobUri"], verify=server.cert_path, timeout=30)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "image/bmp"
    image = Image.open(io.BytesIO(resp.content))
    assert image.format == "BMP" and image.size == (1024, 768)


def test_oobe_stuck_image_links_to_the_vm_through_its_snapshot(server):
    cloud = server.cloud
    sub = cloud.default_subscription
    vm = cloud.compute.get_vm(sub, "rg-oobe", "web01")
    image = cloud.compute.get_image(sub, "rg-oobe", "web01-image").to_json()
    snap_id = image["properties"]["storageProfile"]["osDisk"]["snapshot"]["id"]
    assert image["properties"]["storageProfile"]["osDisk"]["osState"] == "Generalized"
    snap = cloud.find(snap_id)
    assert snap.creation_data["sourceResourceId"].lower() == vm.os_disk["id"].lower()
    assert snap.guest.image_state == "IMAGE_STATE_COMPLETE"  # taken before Sysprep: a specialized disk
    assert snap.guest.disk_signature == vm.os_disk_model().guest.disk_signature


def test_generalized_vm_has_an_image_captured_from_it(server):
    sub = server.cloud.default_subscription
    vm = server.cloud.compute.get_vm(sub, "rg-gen", "app01")
    image = server.cloud.compute.get_image(sub, "rg-gen", "app01-image").to_json()["properties"]
    assert image["sourceVirtualMachine"]["id"].lower() == vm.id.lower()
    assert image["storageProfile"]["osDisk"]["managedDisk"]["id"].lower() == vm.os_disk["id"].lower()
    proc = az(server, "vm", "start", "-g", "rg-gen", "-n", "app01", check=False)
    assert proc.rc != 0 and "since the VM is generalized" in proc.stderr


def test_trusted_launch_capture_is_a_gallery_version(server):
    sub = server.cloud.default_subscription
    cloud = server.cloud
    vm = cloud.compute.get_vm(sub, "rg-oobe-tl", "web02")
    assert vm.to_json()["properties"]["securityProfile"]["securityType"] == "TrustedLaunch"
    version = cloud.compute.get_gallery_version(sub, "rg-oobe-tl", "galOobe", "web02-def", "1.0.0").to_json()
    assert version["properties"]["storageProfile"]["source"]["virtualMachineId"].lower() == vm.id.lower()
    definition = cloud.compute.get_gallery_image(sub, "rg-oobe-tl", "galOobe", "web02-def").to_json()
    assert definition["properties"]["osState"] == "Specialized"
    assert {"name": "SecurityType", "value": "TrustedLaunch"} in definition["properties"]["features"]
    assert not cloud.compute.list_images(sub, "rg-oobe-tl")
