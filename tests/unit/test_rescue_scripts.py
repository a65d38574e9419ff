"""The rescue path's PowerShell scripts (azext_vmbootfix/repair/scripts): shipped in the wheel, valid Windows
PowerShell 5.1, fed by parameters only, and the two ways the old scripts failed on Windows (issue 10)."""

import glob
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import pytest

from azext_vmbootfix.repair import runcommand
from fakeazure.compute.models.run_commands import action_parameters
from fakeazure.guest import guest_from_spec, run_script
from fakeazure.guest.ps_parse import ParseError, parse

ROOT = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir)
SCRIPTS = sorted(glob.glob(os.path.join(ROOT, "azext_vmbootfix", "repair", "scripts", "*.ps1")))
SPECIAL = '^ & % < > | "'


def rescue_vm():
    return guest_from_spec({"os": "windows", "version": "2022", "generation": "V1", "state": "healthy",
                            "computer_name": "rescue01"})


def stuck(generation="V1"):
    return guest_from_spec({"os": "windows", "version": "2019", "generation": generation, "state": "oobe-stuck"})


@pytest.mark.parametrize("path", SCRIPTS, ids=[os.path.basename(p) for p in SCRIPTS])
def test_each_script_parses_as_windows_powershell_51(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    script = parse(text)                          # raises ParseError on a syntax error or a 7-only operator
    assert not _script_blocks_to_natives(script, script.root)    # BCD identifiers are quoted


def _script_blocks_to_natives(script, node, native=False):
    if node.type == "command":
        name = node.child_by_field_name("command_name")
        native = name is not None and script.text(name).lower().split(".")[0] in ("bcdedit", "reg", "diskpart")
    if native and node.type == "script_block_expression":
        return [script.text(node)]
    return [hit for child in node.children for hit in _script_blocks_to_natives(script, child, native)]


def test_the_parse_checks_catch_powershell_7_syntax_and_unquoted_identifiers():
    script = parse("bcdedit /store S:\\b /set {bootmgr} timeout 5")
    assert _script_blocks_to_natives(script, script.root) == ["{bootmgr}"]
    for bad in ("bcdedit /enum && exit 0", "$a = $b ?? 'c'", "$a = $b ? 1 : 2"):
        with pytest.raises(ParseError):
            parse(bad)


def test_scripts_are_readable_from_the_package_and_nine():
    assert len(SCRIPTS) == 9
    for path in SCRIPTS:
        assert runcommand.script_text(os.path.basename(path)).startswith("# vmbootfix rescue")


def test_the_built_wheel_ships_the_scripts(tmp_path):
    source = tmp_path / "src"          # a copy: building in the checkout would leave build/ behind
    source.mkdir()
    for name in ("setup.py", "README.md", "HISTORY.rst"):
        shutil.copy(os.path.join(ROOT, name), source / name)
    shutil.copytree(os.path.join(ROOT, "azext_vmbootfix"), source / "azext_vmbootfix",
                    ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(tmp_path / "dist"), str(source)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("vmbootfix-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for path in SCRIPTS:
        assert "azext_vmbootfix/repair/scripts/" + os.path.basename(path) in names


def _answer(password, computer, user="bootfixuser", deliver=lambda p: p):
    vm, disk = rescue_vm(), stuck()
    params = {"WindowsLetter": "F", "ComputerNameB64": runcommand.b64(computer),
              "AdminUserB64": runcommand.b64(user), "AdminPasswordB64": runcommand.b64(password), "RunTag": "1a2b3c4d"}
    params = deliver(params)
    result = run_script(vm, runcommand.script_text("write-answer-file.ps1"), data_disks=[disk], parameters=params)
    return result, disk


def test_free_text_arrives_intact_in_the_answer_file_and_the_hive():
    password, computer = "Pw" + SPECIAL + "x1", "web" + SPECIAL
    result, disk = _answer(password, computer, user="adm" + SPECIAL)
    assert result.exit_code == 0, result.stderr
    doc = runcommand.json_line(result.stdout, "t")
    backups = doc.pop("Backups")  # one element: ConvertTo-Json may print it bare (the step reads either form)
    assert doc == {"Marker": "BOOTFIX-ANSWER-FILE", "SystemHive": True,
                   "AnswerFile": "F:\\Windows\\Panther\\Unattend.xml", "Written": True}
    assert backups in ("F:\\Windows\\System32\\config\\SYSTEM.bootfix-1a2b3c4d",
                       ["F:\\Windows\\System32\\config\\SYSTEM.bootfix-1a2b3c4d"])
    xml = ET.fromstring(disk.windows_partition.read("Windows\\Panther\\Unattend.xml").encode("utf-8"))
    ns = {"u": "urn:schemas-microsoft-com:unattend"}
    assert xml.find(".//u:AdministratorPassword/u:Value", ns).text == password
    assert xml.find(".//u:LocalAccount/u:Name", ns).text == "adm" + SPECIAL
    assert xml.find(".//u:ComputerName", ns).text == computer
    hive = disk.hive("SYSTEM")
    assert hive.get_typed("ControlSet001\\Control\\ComputerName\\ComputerName", "ComputerName")[1] == computer
    assert hive.get_typed("ControlSet001\\Services\\Tcpip\\Parameters", "NV Hostname")[1] == computer


def test_base64_survives_the_action_forms_parameter_delivery_and_plain_text_does_not():
    def action(params):
        delivered, broken = action_parameters([{"name": k, "value": v} for k, v in params.items()])
        assert not broken
        return {p["name"]: p["value"] for p in delivered}
    result, disk = _answer("Pw" + SPECIAL, "web01", deliver=action)
    assert result.exit_code == 0, result.stderr
    assert ("Pw" + SPECIAL).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") \
        in disk.windows_partition.read("Windows\\Panther\\Unattend.xml")
    plain, broken = action_parameters([{"name": "AdminPassword", "value": "a^b"}])
    assert plain[0]["value"] == "ab" and not broken               # Azure/azure-powershell#19087
    assert action_parameters([{"name": "AdminPassword", "value": "a&b"}])[1]


def test_a_letter_without_windows_fails_with_a_message():
    vm, disk = rescue_vm(), stuck()
    params = {"WindowsLetter": "E", "ComputerNameB64": runcommand.b64("w"), "AdminUserB64": "",
              "AdminPasswordB64": runcommand.b64("p")}
    result = run_script(vm, runcommand.script_text("write-answer-file.ps1"), data_disks=[disk], parameters=params)
    assert result.exit_code == 1 and result.stderr.startswith("E:\\Windows\\System32\\config\\SYSTEM does not exist")
    assert disk.windows_partition.read("Windows\\Panther\\Unattend.xml") is None


# --- regressions: the scripts as they were before issue 10, on a Windows-like guest ------------------------
OLD_EMS = ("$ErrorActionPreference = 'Stop'\nbcdedit /store {s} /set {{bootmgr}} displaybootmenu yes\n"
           "bcdedit /store {s} /set {{bootmgr}} timeout 5\nbcdedit /store {s} /set {{bootmgr}} bootems yes\n")


def _old_parse_get_partition(text):
    """The old lookup: the disk number at the end of Get-Partition's DiskPath line."""
    disks, current = {}, None
    for line in text.splitlines():
        head = re.search(r"DiskPath:.*#(\d+)\s*$", line)
        if head:
            current = disks.setdefault(int(head.group(1)), [])
        elif current is not None and re.match(r"^\d+\s", line.strip()):
            current.append(line)
    return disks


def test_regression_unquoted_bootmgr_fails_on_windows_powershell():
    disk = stuck()
    result = run_script(rescue_vm(), OLD_EMS.format(s="E:\\boot\\bcd"), data_disks=[disk])
    assert "The parameter is incorrect." in result.stderr or result.exit_code != 0
    assert not [e for e in result.effects if "displaybootmenu" in e]       # nothing was set
    fixed = run_script(rescue_vm(), runcommand.script_text("enable-ems.ps1"), data_disks=[disk],
                       parameters={"Store": "E:\\boot\\bcd", "Loader": "{default}"})
    assert fixed.exit_code == 0 and "BOOTFIX-EMS" in fixed.stdout, fixed.stderr


def test_regression_get_partition_table_lookup_finds_nothing_on_windows():
    vm, disk = rescue_vm(), stuck()
    table = run_script(vm, "Get-Disk\nGet-Partition\n", data_disks=[disk]).stdout
    assert _old_parse_get_partition(table) == {}          # DiskPath ends with the interface GUID
    listing = run_script(vm, runcommand.script_text("get-disks.ps1"), data_disks=[disk])
    doc = runcommand.json_line(listing.stdout, "get-disks.ps1")
    from azext_vmbootfix.repair import rescue
    _disk, parts = rescue.copy_disk_of(doc)
    assert rescue.windows_partition(parts)["letter"] == "F"
