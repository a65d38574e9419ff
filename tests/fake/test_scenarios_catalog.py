"""The scenario files: each loads into a fresh cloud, has a one-line description, and shows in serve --help."""
import subprocess
import sys

import pytest

from fakeazure.cloud import Cloud
from fakeazure.scenarios import catalog

NAMES = [s["name"] for s in catalog()]


@pytest.mark.parametrize("name", NAMES)
def test_scenario_loads_with_a_one_line_description(name):
    entry = next(s for s in catalog() if s["name"] == name)
    assert entry["description"] and "\n" not in entry["description"].strip()
    cloud = Cloud(profile="fast")
    created = cloud.load_scenario(name)
    assert created["vms"]


def test_required_scenarios_exist():
    for name in ("oobe-stuck", "oobe-stuck-no-image", "generalized-by-api", "oobe-stuck-trusted-launch",
                 "healthy-windows", "linux", "boot-diagnostics-disabled", "could-not-complete-installation",
                 "restarted-unexpectedly", "could-not-finish-configuring", "getting-windows-ready",
                 "oobe-stuck-gen1-no-image"):
        assert name in NAMES


def test_no_image_variant_has_nothing_captured():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("oobe-stuck-no-image")
    sub = cloud.default_subscription
    compute = cloud.compute
    assert not compute.list_images(sub) and not compute.list_snapshots(sub) and not compute.list_galleries(sub)
    vm = compute.get_vm(sub, "rg-oobe", "web01")
    assert vm.boot.screen_id == "oobe-hi-there" and not vm.boot.agent_ready and not vm.generalized


def test_gen1_no_image_variant_is_a_bios_server_2016_at_oobe_with_nothing_captured():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("oobe-stuck-gen1-no-image")
    sub = cloud.default_subscription
    compute = cloud.compute
    assert not compute.list_images(sub) and not compute.list_snapshots(sub) and not compute.list_galleries(sub)
    vm = compute.get_vm(sub, "rg-gen1", "web16")
    guest = vm.os_disk_model().guest
    assert guest.release.key == "2016" and guest.generation == "V1" and vm.os_disk_model().hyper_v_generation == "V1"
    assert [p.kind for p in guest.partitions] == ["system-reserved", "windows"]  # \Boot\BCD on System Reserved
    assert vm.boot.screen_id == "oobe-hi-there" and not vm.boot.agent_ready and not vm.generalized
    assert vm.boot.serial_log == ""  # EMS off until the rescue turns it on


def test_serve_help_lists_the_scenarios():
    out = subprocess.run([sys.executable, "-m", "fakeazure", "serve", "--help"], capture_output=True, text=True,
                         check=True).stdout
    for name in NAMES:
        assert name in out
