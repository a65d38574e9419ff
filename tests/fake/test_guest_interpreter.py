"""Run Command interpreter of the simulated guest, on a rescue VM with the broken disk attached."""

import re

import pytest

from fakeazure.guest import ScriptResult, boot, guest_from_spec, run_script
from fakeazure.guest.serial import SAC_CMD_EVENT
from fakeazure.guest.unattend import sample_oobe_answer

ARTICLE_STEP_10 = r"""bcdedit /store {d}:\boot\bcd /set {{bootmgr}} displaybootmenu yes
bcdedit /store {d}:\boot\bcd /set {{bootmgr}} timeout 5
bcdedit /store {d}:\boot\bcd /set {{bootmgr}} bootems yes
bcdedit /store {d}:\boot\bcd /ems {{{ident}}} ON
bcdedit /store {d}:\boot\bcd /emssettings EMSPORT:1 EMSBAUDRATE:115200
"""


def rescue():
    return guest_from_spec({"os": "windows", "version": "2022", "generation": "V1",
                            "state": "healthy", "computer_name": "rescue01"})


def broken(version="2019", generation="V1", **kw):
    return guest_from_spec({"os": "windows", "version": version, "generation": generation,
                            "state": "oobe-stuck", **kw})


def loader_id(enum_text: str) -> str:
    section = enum_text.split("Windows Boot Loader", 1)[1]
    line = next(l for l in section.splitlines() if l.startswith("identifier"))
    return line.split()[1].strip("{}")


@pytest.mark.parametrize("version,sac", [("2019", True), ("win10", False)])
def test_article_steps_9_and_10_turn_on_ems(version, sac):
    disk = broken(version)
    vm = rescue()
    assert boot(disk.copy()).serial_log == ""            # EMS off before the repair

    # step 9: the attached disk's System Reserved partition is E:, its Windows partition F:
    step9 = run_script(vm, r"bcdedit /store E:\boot\bcd /enum", shell="cmd", data_disks=[disk])
    assert step9.exit_code == 0 and not step9.unknown_commands
    assert "Windows Boot Manager" in step9.stdout and "Windows Boot Loader" in step9.stdout
    assert "partition=F:" in step9.stdout
    ident = loader_id(step9.stdout)                     # {default} without /v, as bcdedit shows it
    assert ident == "default"  # loader_id strips the braces
    verbose = run_script(vm, r"bcdedit /store E:\boot\bcd /enum /v", shell="cmd", data_disks=[disk])
    guid = loader_id(verbose.stdout)
    assert len(guid) == 36 and guid == disk.bcd.default_loader()

    step10 = run_script(vm, ARTICLE_STEP_10.format(d="E", ident=guid), shell="cmd", data_disks=[disk])
    assert step10.exit_code == 0, step10.stderr
    assert step10.stdout.count("The operation completed successfully.") == 5
    assert len(step10.effects) == 5 and not step10.unknown_commands

    result = boot(disk)
    assert result.screen_id.startswith("oobe-")
    log = result.serial_log
    assert "Windows Boot Manager" in log and "Seconds until the highlighted choice" in log   # boot menu on COM1
    if sac:
        assert "<machine-info>" in log and "<os-build-number>17763</os-build-number>" in log
        assert f"<name>{result.computer_name}</name>" in log
        assert "Computer is booting, SAC started and initialized." in log
        assert 'Use the "ch -?" command for information about using channels.' in log
        assert "SAC>" in log and SAC_CMD_EVENT in log
    else:
        assert "SAC" not in log and "machine-info" not in log


def test_gen2_bcd_lives_on_the_efi_partition_which_needs_a_letter():
    disk = broken("2022", "V2")
    vm = rescue()
    wrong = run_script(vm, r"bcdedit /store E:\boot\bcd /enum", shell="cmd", data_disks=[disk])
    assert wrong.exit_code != 0 and "could not be opened" in wrong.stderr
    assert "Windows Boot Loader" not in wrong.stdout
    script = "@\"\nselect disk 2\nselect partition 1\nassign letter=S\n\"@ | diskpart\n" \
             "bcdedit /store S:\\EFI\\Microsoft\\Boot\\BCD /ems '{default}' on\n" \
             "bcdedit /store S:\\EFI\\Microsoft\\Boot\\BCD /emssettings EMSPORT:1 EMSBAUDRATE:115200\n"
    result = run_script(vm, script, data_disks=[disk])
    assert "DiskPart successfully assigned the drive letter" in result.stdout
    assert result.exit_code == 0 and not result.unknown_commands, result
    assert "SAC>" in boot(disk).serial_log


def test_wrong_element_store_path_or_drive_has_no_effect_and_reports_the_error():
    disk = broken()
    before = disk.to_spec()["bcd"]
    vm = rescue()
    cases = {
        r"bcdedit /store E:\boot\bcd /set {bootmgr} emsenabled yes": "not recognized, or does not apply",
        r"bcdedit /store E:\boot\bcd /set {bootmgr} ems on": "not recognized, or does not apply",
        r"bcdedit /store F:\boot\bcd /ems {default} ON": "The system cannot find the file specified",
        r"bcdedit /store Q:\boot\bcd /ems {default} ON": "The system cannot find the path specified",
        r"bcdedit /store E:\boot\bcd /ems {12345678-1234-1234-1234-123456789abc} ON": "reference the specified entry",
        r"bcdedit /store E:\boot\bcd /set {bootmgr} timeout soon": "not valid for the specified element type",
    }
    for command, message in cases.items():
        result = run_script(vm, command, shell="cmd", data_disks=[disk])
        assert result.exit_code != 0, command
        assert message in result.stderr, (command, result.stderr)
        assert result.effects == [] and result.unknown_commands == []
    assert disk.to_spec()["bcd"] == before


def test_a_construct_not_modelled_fails_the_script_naming_its_line():
    vm = rescue()
    result = run_script(vm, "Write-Output start\nInvoke-Magic -Fix\nWrite-Output never\n", data_disks=[broken()])
    assert result.stdout.startswith("start") and "never" not in result.stdout
    assert result.exit_code == 1 and "line 2" in result.stderr and "'Invoke-Magic'" in result.stderr
    assert result.unknown_commands and "Invoke-Magic" in result.unknown_commands[0]
    result = run_script(vm, "bcdedit /copy '{current}' /d test\nWrite-Output never", data_disks=[broken()])
    assert result.exit_code == 1 and "bcdedit /copy {current} /d test" in result.stderr
    assert "never" not in result.stdout


def test_reg_add_on_offline_system_hive_changes_the_next_boot():
    disk = broken()
    vm = rescue()
    script = r"""
reg load HKLM\BROKENSYSTEM F:\Windows\System32\config\SYSTEM
reg query HKLM\BROKENSYSTEM\Setup /v SetupType
reg add HKLM\BROKENSYSTEM\Setup /v SetupType /t REG_DWORD /d 0 /f
reg add HKLM\BROKENSYSTEM\Setup /v CmdLine /t REG_SZ /d "" /f
reg add HKLM\BROKENSYSTEM\Setup /v SystemSetupInProgress /t REG_DWORD /d 0 /f
reg add HKLM\BROKENSYSTEM\Setup /v OOBEInProgress /t REG_DWORD /d 0 /f
reg add HKLM\BROKENSYSTEM\Setup\Status\ChildCompletion /v setup.exe /t REG_DWORD /d 3 /f
reg unload HKLM\BROKENSYSTEM
"""
    result = run_script(vm, script, data_disks=[disk])
    assert result.exit_code == 0, result.stderr
    assert "SetupType    REG_DWORD    0x2" in result.stdout
    assert disk.setup_value("SetupType") == 0 and disk.setup_value("setup.exe") == 3
    after = boot(disk)
    assert after.screen_id == "logon" and after.usable_admins == []


def test_reg_errors():
    disk = broken()
    vm = rescue()
    result = run_script(vm, r"reg add HKLM\NOTLOADED\Setup /v SetupType /t REG_DWORD /d 0 /f",
                        shell="cmd", data_disks=[disk])
    assert "Access is denied" in result.stderr and disk.setup_value("SetupType") == 2
    result = run_script(vm, r"reg load HKLM\B E:\Windows\System32\config\SYSTEM", shell="cmd", data_disks=[disk])
    assert "cannot find the file" in result.stderr
    result = run_script(vm, "reg load HKLM\\B F:\\Windows\\System32\\config\\SYSTEM\n"
                            "reg query HKLM\\B\\CurrentControlSet\\Control", shell="cmd", data_disks=[disk])
    assert "unable to find the specified registry key" in result.stderr
    result = run_script(vm, r"reg add HKLM\B\Setup /v SetupType /t REG_DWORD /d zero /f", shell="cmd",
                        data_disks=[disk])
    assert "valid numeric value" in result.stderr and disk.setup_value("SetupType") == 2
    # the running guest's own hive is in use
    result = run_script(vm, r"reg load HKLM\X C:\Windows\System32\config\SYSTEM", shell="cmd")
    assert "being used by another process" in result.stderr


def test_answer_file_written_with_here_string_finishes_oobe_on_next_boot():
    disk = broken("2022")
    vm = rescue()
    script = "$xml = @'\n" + sample_oobe_answer() + "'@\n" \
             "Set-Content -Path F:\\Windows\\Panther\\Unattend.xml -Value $xml -Encoding UTF8\n" \
             "Test-Path F:\\Windows\\Panther\\Unattend.xml\n"
    result = run_script(vm, script, data_disks=[disk])
    assert result.exit_code == 0 and result.stdout.strip().endswith("True"), result
    after = boot(disk)
    assert after.screen_id == "logon"
    assert disk.image_state == "IMAGE_STATE_COMPLETE"
    assert after.usable_admins == ["azureuser"]       # built-in administrator got the answer's password
    assert not after.provisioned


def test_answer_file_for_a_client_needs_the_pages_answered():
    disk = broken("win11")
    vm = rescue()
    answer = sample_oobe_answer(locales=False).replace("<OOBE>", "<X>").replace("</OOBE>", "</X>")
    result = run_script(vm, "$a = @'\n" + answer + "'@\n$a | Out-File F:\\Windows\\Panther\\Unattend.xml",
                        data_disks=[disk])
    assert result.exit_code == 0, result
    assert boot(disk).screen_id == "oobe-region"


def test_offline_clone_disk_must_be_brought_online():
    image_disk = broken("2019")
    vm = image_disk.copy()                       # rescue VM from the same image: same disk signature
    vm.set_setup_value("SetupType", 0)
    attached = image_disk.copy()
    listing = run_script(vm, "Get-Disk", data_disks=[attached])
    assert "Offline" in listing.stdout
    missing = run_script(vm, r"bcdedit /store E:\boot\bcd /enum", shell="cmd", data_disks=[attached])
    assert "could not be opened" in missing.stderr
    online = run_script(vm, "Get-Disk | Where-Object IsOffline -eq $true | Set-Disk -IsOffline $false",
                        data_disks=[attached])
    assert online.exit_code == 0 and any("signature" in e for e in online.effects)
    ok = run_script(vm, r"bcdedit /store E:\boot\bcd /enum", shell="cmd", data_disks=[attached])
    # the copy's BCD still names the old signature, i.e. now the rescue VM's own volumes
    assert ok.exit_code == 0 and "partition=\\Device\\HarddiskVolume" in ok.stdout
    assert "partition=F:" not in ok.stdout
    assert boot(attached).screen_id == "boot-error-0xc000000e"


def test_diskpart_script_file_and_storage_cmdlets():
    disk = broken()
    vm = rescue()
    script = r"""
echo select disk 2 > C:\dp.txt
echo online disk >> C:\dp.txt
echo attributes disk clear readonly >> C:\dp.txt
echo select partition 1 >> C:\dp.txt
echo assign letter=S >> C:\dp.txt
diskpart /s C:\dp.txt
"""
    result = run_script(vm, script, shell="cmd", data_disks=[disk])
    assert "This disk is already online." in result.stdout
    assert "Disk attributes cleared successfully." in result.stdout
    assert "DiskPart successfully assigned the drive letter or mount point." in result.stdout
    parts = run_script(vm, "Get-Partition -DiskNumber 2", data_disks=[disk])
    assert "S " in parts.stdout and "F " in parts.stdout
    assert run_script(vm, r"bcdedit /store S:\boot\bcd /enum", shell="cmd", data_disks=[disk]).exit_code == 0


def test_volumes_leave_out_the_reserved_partition_in_diskpart_and_get_volume():
    """A GPT disk's Microsoft Reserved partition (diskpart's "Reserved", 16 MB) is no volume: diskpart's list
    volume numbers the others on from 0 and Get-Volume shows one object each, as Windows does."""
    vm, disk = rescue(), broken(generation="V2")
    parts = run_script(vm, '"select disk 2", "list partition" | diskpart', data_disks=[disk]).stdout
    assert re.search(r"Partition 2 +Reserved +16 MB", parts)
    listed = run_script(vm, '"list volume" | diskpart', data_disks=[disk]).stdout
    rows = [line for line in listed.splitlines() if re.match(r"  Volume \d", line)]
    assert [int(r.split()[1]) for r in rows] == list(range(5))     # system, C:, D: (temporary), EFI, E:
    assert not any("16 MB" in r for r in rows) and "FAT32" in rows[3] and " E " in rows[4]
    assert run_script(vm, "(Get-Volume).Count", data_disks=[disk]).stdout.strip() == "5"
    sizes = run_script(vm, "Get-Volume | ForEach-Object { $_.Size }", data_disks=[disk]).stdout.split()
    assert str(16 * 1024 * 1024) not in sizes and str(100 * 1024 * 1024) in sizes


def test_bcdedit_without_store_edits_the_running_guest():
    vm = rescue()
    result = run_script(vm, "bcdedit /enum\nbcdedit /set '{current}' bootstatuspolicy IgnoreShutdownFailures")
    assert "identifier              {current}" in result.stdout
    assert result.exit_code == 0
    assert vm.bcd.get(vm.bcd.default_loader(), 0x250000E0) == 2


def test_parameters_and_exit_code():
    vm = rescue()
    result = run_script(vm, 'param([string]$Drive)\nWrite-Output "disk is $drive"\nexit 3', parameters={"drive": "F:"})
    assert isinstance(result, ScriptResult)
    assert result.stdout == "disk is F:\n" and result.exit_code == 3


def test_linux_run_script_reports_unknown():
    linux = guest_from_spec({"os": "linux", "hostname": "lx"})
    result = run_script(linux, "echo hi\nsudo fsck -y /dev/sda1", shell="bash")
    assert result.stdout == "hi\n" and result.unknown_commands == ["sudo fsck -y /dev/sda1"]


def test_restart_is_reported_as_an_effect_for_the_caller():
    vm = rescue()
    result = run_script(vm, "echo %COMPUTERNAME% & shutdown /r /t 0", shell="cmd")
    assert result.stdout == "RESCUE01\n"
    assert result.effects == ["restart"]
    assert run_script(vm, "Restart-Computer -Force").effects == ["restart"]
