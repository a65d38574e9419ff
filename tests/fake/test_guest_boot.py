"""Simulated guest: presets, booting, provisioning, copies and specs."""

import json

import pytest

from fakeazure.guest import (BootResult, LinuxGuest, ProvisioningAnswer, WindowsGuest, boot,
                             guest_from_spec)
from fakeazure.guest.presets import WINDOWS_PRESETS

VERSIONS = ["2012r2", "2016", "2019", "2022", "2025", "win10", "win11"]

OOBE_SCREEN = {
    "2012r2": ("oobe-settings-2012r2", "Settings"),
    "2016": ("oobe-hi-there", "Hi there"),
    "2019": ("oobe-hi-there", "Hi there"),
    "2022": ("oobe-hi-there", "Hi there"),
    "2025": ("oobe-hi-there", "Hi there"),
    "win10": ("oobe-region", "Let's start with region. Is this right?"),
    "win11": ("oobe-region", "Is this the right country or region?"),
}

PRESET_SCREEN = {
    "healthy": ("logon", None),
    "generalized": ("oobe-hi-there", "Hi there"),
    "oobe-stuck": ("oobe-hi-there", "Hi there"),
    "undeployable": ("could-not-complete", "Windows could not complete the installation. To install "
                                           "Windows on this computer, restart the installation."),
    "could-not-finish-configuring": ("could-not-finish-configuring", "Windows could not finish configuring the system"),
    "restarted-unexpectedly": ("restarted-unexpectedly",
                               "The computer restarted unexpectedly or encountered an unexpected error"),
    "oobe-sql": ("oobe-sql", "Windows Setup could not configure Windows to run on this computer's hardware"),
    "getting-windows-ready": ("getting-windows-ready", "Getting Windows ready"),
    "preparing-to-configure": ("preparing-to-configure",
                               "Preparing to configure Windows."),
    "inplace-upgrade": ("inplace-upgrade", "Waiting for setup to complete"),
}


def spec(**kw):
    base = {"os": "windows", "version": "2022", "edition": "Datacenter", "generation": "V2"}
    base.update(kw)
    return base


@pytest.mark.parametrize("state", [s for s in WINDOWS_PRESETS if s != "boot-fault"])  # test_boot_family.py
def test_each_preset_boots_to_its_screen(state):
    guest = guest_from_spec(spec(state=state))
    result = boot(guest)
    screen_id, phrase = PRESET_SCREEN[state]
    assert isinstance(result, BootResult)
    assert result.screen_id == screen_id
    if phrase:
        assert any(phrase in line for line in result.screen_lines)
    assert result.agent_ready is (state == "healthy")
    assert result.provisioned is False
    assert result.os_name == "Windows Server 2022 Datacenter"
    assert result.os_version == "10.0.20348"


def test_healthy_server_and_client_logon_screens():
    server = boot(guest_from_spec(spec(state="healthy", computer_name="web01")))
    assert server.screen_lines[-1] == "Press Ctrl+Alt+Delete to unlock."
    assert server.computer_name == "WEB01"
    client = boot(guest_from_spec(spec(version="win11", edition="Pro", state="healthy")))
    assert client.screen_id == "logon" and client.theme == "lock-client"
    assert client.os_name == "Windows 11 Pro"


@pytest.mark.parametrize("version", VERSIONS)
def test_oobe_stuck_boots_to_oobe_of_its_version(version):
    guest = guest_from_spec(spec(version=version, generation="V1", state="oobe-stuck"))
    assert guest.generalized
    assert guest.image_state == "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE"
    setup = guest.setup_values()
    assert setup["CmdLine"] == "oobe\\windeploy.exe" and setup["SetupType"] == 2
    assert setup["SystemSetupInProgress"] == 1 and setup["OOBEInProgress"] == 1 and setup["setup.exe"] == 1

    result = boot(guest)
    screen_id, phrase = OOBE_SCREEN[version]
    assert result.screen_id == screen_id
    assert result.screen_lines[0] == phrase
    assert result.category == "oobe" and not result.agent_ready and not result.provisioned
    # the specialize pass ran on this boot, OOBE waits for input
    assert guest.image_state == "IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE"
    assert guest.setup_value("setup.exe") == 3
    assert result.usable_admins == []
    # and it stays there on the next boot
    assert boot(guest).screen_id == screen_id


def test_server_oobe_next_page_is_customize_settings_when_locales_are_answered():
    from fakeazure.guest.unattend import sample_oobe_answer
    answer = sample_oobe_answer().replace("<AdministratorPassword>", "<!--").replace("</AdministratorPassword>", "-->")
    guest = guest_from_spec(spec(state="oobe-stuck", answer_file=answer))
    result = boot(guest)
    assert result.screen_id == "oobe-customize-settings"
    assert "Type a password for the built-in administrator account that you can use to sign in to this computer." \
        in result.screen_lines


def test_provisioning_a_generalized_image_finishes_oobe():
    guest = guest_from_spec(spec(state="generalized"))
    assert guest.generalized
    result = boot(guest, provisioning=ProvisioningAnswer(admin_username="azureuser", computer_name="web01"))
    assert result.screen_id == "logon"
    assert result.provisioned and result.agent_ready
    assert result.computer_name == "WEB01"
    assert result.usable_admins == ["azureuser"]
    assert guest.image_state == "IMAGE_STATE_COMPLETE" and not guest.generalized
    assert guest.setup_values()["SetupType"] == 0
    # the next boot is a normal one
    again = boot(guest)
    assert again.screen_id == "logon" and not again.provisioned


def test_provisioning_a_specialized_disk_is_not_consumed():
    result = boot(guest_from_spec(spec(state="healthy")), provisioning=ProvisioningAnswer("azureuser", "x"))
    assert result.screen_id == "logon" and not result.provisioned
    assert any("time out" in e for e in result.events)


def test_generalized_disk_without_provisioning_waits_at_oobe():
    result = boot(guest_from_spec(spec(version="win10", edition="Enterprise", state="generalized")))
    assert result.screen_id == "oobe-region" and not result.agent_ready


def test_setup_keys_forced_complete_boot_to_logon_without_usable_admin():
    guest = guest_from_spec(spec(state="oobe-stuck", setup={
        "SetupType": 0, "SystemSetupInProgress": 0, "OOBEInProgress": 0, "CmdLine": "", "setup.exe": 3}))
    result = boot(guest)
    assert result.screen_id == "logon"
    assert result.usable_admins == []          # generalize blanked the built-in administrator
    assert not result.provisioned
    assert guest.image_state == "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE"   # nobody finished setup


def test_setup_cmdline_runs_once_then_logon():
    guest = guest_from_spec(spec(state="oobe-stuck", setup={
        "CmdLine": "cmd.exe /c net user azureuser Secret123! /active:yes", "SetupType": 2}))
    result = boot(guest)
    assert result.screen_id == "logon"
    assert result.usable_admins == ["azureuser"]
    assert guest.setup_value("SetupType") == 0


def test_interactive_setup_cmdline_waits_at_console():
    guest = guest_from_spec(spec(state="healthy", setup={"CmdLine": "cmd.exe", "SetupType": 2}))
    assert boot(guest).screen_id == "setup-cmdline"


def test_childcompletion_fix_gets_past_restarted_unexpectedly():
    guest = guest_from_spec(spec(state="restarted-unexpectedly"))
    assert boot(guest).screen_id == "restarted-unexpectedly"
    guest.set_setup_value("setup.exe", 3)
    assert boot(guest).screen_id == "oobe-hi-there"


def test_invalid_answer_file_stops_setup():
    guest = guest_from_spec(spec(state="oobe-stuck", answer_file="<unattend><settings pass='oobeSystem'>"))
    assert boot(guest).screen_id == "unattend-error"


def test_setupcomplete_cmd_runs_when_oobe_finishes():
    guest = guest_from_spec(spec(state="generalized", files={"windows": {
        "Windows\\Setup\\Scripts\\SetupComplete.cmd": "net user helper Pa55word! /add\r\n"
                                                      "net localgroup administrators helper /add\r\n"}}))
    result = boot(guest, provisioning=ProvisioningAnswer("azureuser", "web02"))
    assert result.provisioned
    assert sorted(result.usable_admins) == ["azureuser", "helper"]


def test_copy_is_independent():
    guest = guest_from_spec(spec(state="oobe-stuck"))
    clone = guest.copy()
    assert clone.uid != guest.uid and clone.disk_signature == guest.disk_signature
    boot(clone, provisioning=ProvisioningAnswer("azureuser", "copy01"))
    clone.bcd.objects[clone.bcd.default_loader()]["elements"][0x260000B0] = True
    assert clone.image_state == "IMAGE_STATE_COMPLETE"
    assert guest.image_state == "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE"
    assert 0x260000B0 not in guest.bcd.objects[guest.bcd.default_loader()]["elements"]
    assert guest.builtin_admin.name == "azureuser" and not guest.builtin_admin.has_password


@pytest.mark.parametrize("state", ["oobe-stuck", "healthy", "restarted-unexpectedly"])
def test_to_spec_round_trips(state):
    guest = guest_from_spec(spec(state=state, ems=True))
    boot(guest)
    dumped = guest.to_spec()
    text = json.dumps(dumped)                       # JSON-serializable
    again = guest_from_spec(json.loads(text))
    assert isinstance(again, WindowsGuest)
    assert again.to_spec() == dumped
    assert boot(again.copy()).screen_id == boot(guest.copy()).screen_id


def test_spec_overrides_registry_and_accounts():
    guest = guest_from_spec(spec(state="healthy", registry={"SOFTWARE": {
        "Microsoft\\Windows\\CurrentVersion\\Setup\\State": {"ImageState": ["REG_SZ", "IMAGE_STATE_UNDEPLOYABLE"]}}},
        accounts=[{"name": "ops", "enabled": True, "has_password": True, "admin": True}]))
    assert guest.image_state == "IMAGE_STATE_UNDEPLOYABLE"
    assert guest.usable_admins() == ["ops"]


def test_unknown_version_or_state_is_rejected():
    with pytest.raises(ValueError):
        guest_from_spec(spec(version="2008"))
    with pytest.raises(ValueError):
        guest_from_spec(spec(state="sideways"))


def test_broken_bcd_signature_gives_0xc000000e():
    guest = guest_from_spec(spec(state="healthy"))
    guest.disk_signature = "0" * 8
    result = boot(guest)
    assert result.screen_id == "boot-error-0xc000000e" and result.serial_log == ""


def test_linux_guest_boots_to_login_and_provisions():
    healthy = guest_from_spec({"os": "linux", "distro": "ubuntu", "version": "22.04", "hostname": "lx01"})
    assert isinstance(healthy, LinuxGuest) and healthy.os_type == "Linux"
    result = boot(healthy)
    assert result.screen_id == "linux-login" and result.agent_ready
    assert "lx01 login:" in result.serial_log
    generalized = guest_from_spec({"os": "linux", "state": "generalized"})
    assert generalized.generalized
    result = boot(generalized, provisioning=ProvisioningAnswer("azureuser", "lx02", admin_password_set=False))
    assert result.provisioned and result.agent_ready and result.computer_name == "lx02"
    dumped = generalized.to_spec()
    assert guest_from_spec(json.loads(json.dumps(dumped))).to_spec() == dumped
