"""The simulated guest's PowerShell against Windows PowerShell 5.1's documented behaviour, and its output formats
against real Windows output (tests/fixtures/windows, sources in its README)."""

import json
import os
import re

import pytest

from fakeazure.guest import guest_from_spec, run_script

FIXTURES = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "windows")


def rescue():
    return guest_from_spec({"os": "windows", "version": "2022", "generation": "V1", "state": "healthy",
                            "computer_name": "rescue01"})


def broken(generation="V1"):
    return guest_from_spec({"os": "windows", "version": "2019", "generation": generation, "state": "oobe-stuck"})


def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as fh:
        return fh.read().split("\n")


def run(script, **kw):
    return run_script(rescue(), script, data_disks=[broken()], **kw)


# (what, script, expected exit code, text expected in stdout, text expected in stderr, text never in stdout, source)
SNIPPETS = [
    ("script block to a native program", "bcdedit /store E:\\boot\\bcd /set {bootmgr} timeout 5", 0, "",
     "The parameter is incorrect.", "completed successfully",
     "PowerShell/PowerShell#4973: a script block argument becomes -encodedCommand ... -inputFormat xml"),
    ("quoted BCD identifier", "bcdedit /store E:\\boot\\bcd /set '{bootmgr}' timeout 5", 0,
     "The operation completed successfully.", "", "",
     "Learn, Azure serial console for Windows: in PowerShell write bcdedit /ems '{current}' on"),
    ("'Stop' does not stop on a native exit code",
     "$ErrorActionPreference = 'Stop'\nbcdedit /store Q:\\boot\\bcd /enum\nWrite-Output \"after $LASTEXITCODE\"",
     0, "after 1", "could not be opened", "",
     "PowerShell/PowerShell#4002 and about_Preference_Variables: native exit codes only set $LASTEXITCODE"),
    ("'Stop' with 2>&1 ends at the first stderr line",
     "$ErrorActionPreference = 'Stop'\nbcdedit /store Q:\\boot\\bcd /enum 2>&1\nWrite-Output after", 1, "",
     "NativeCommandError", "after", "PowerShell/PowerShell#4002"),
    ("'Stop' with 2>$null ends too",
     "$ErrorActionPreference = 'Stop'\n$x = bcdedit /store Q:\\boot\\bcd /enum 2>$null\nWrite-Output after", 1,
     "", "NativeCommandError", "after", "PowerShell/PowerShell#4002"),
    ("'Continue' with 2>$null hides stderr", "bcdedit /store Q:\\boot\\bcd /enum 2>$null\nWrite-Output after", 0,
     "after", "", "", "about_Redirection"),
    ("&& is PowerShell 7 only", "Write-Output a && Write-Output b", 1, "",
     "The token '&&' is not a valid statement separator in this version.", "a",
     "about_Pipeline_Chain_Operators (new in PowerShell 7.0); the 5.1 wording is as quoted in many forum posts"),
    ("?? is PowerShell 7 only", "$a = $null ?? 'x'\nWrite-Output ran", 1, "", "Unexpected token", "ran",
     "about_Operators: null-coalescing operators, PowerShell 7.0"),
    ("the ternary operator is PowerShell 7 only", "$a = $true ? 1 : 2\nWrite-Output ran", 1, "",
     "Unexpected token '?'", "ran", "about_Operators: ternary operator, PowerShell 7.0"),
    ("single quotes are literal", "$x = 'v'\nWrite-Output 'a $x `n'", 0, "a $x `n", "", "",
     "about_Quoting_Rules"),
    ("double quotes expand variables, subexpressions and backtick escapes",
     "$x = 'v'\nWrite-Output \"a $x $(1 + 2) `\"q`\"\"", 0, 'a v 3 "q"', "", "", "about_Quoting_Rules"),
    ("a single-quoted here-string is literal", "$h = @'\n$x \"y\"\n'@\nWrite-Output $h", 0, '$x "y"', "", "",
     "about_Quoting_Rules, here-strings"),
    ("-File exits 0 after a failed native program when the script ends normally",
     "bcdedit /store Q:\\boot\\bcd /enum\nWrite-Output done", 0, "done", "could not be opened", "",
     "about_PowerShell_exe: with -File, normal termination exits 0; exit n exits n"),
    ("an uncaught throw exits 1 with the message first", "throw 'no hive'\nWrite-Output after", 1, "", "no hive",
     "after", "about_Throw; about_PowerShell_exe (a terminating error exits 1)"),
    ("try/catch sees the error record", "try { throw 'boom' } catch { Write-Output \"caught $($_.Exception.Message)\" }",
     0, "caught boom", "", "", "about_Try_Catch_Finally"),
    ("a cmdlet error goes on under 'Continue'", "Get-Disk -Number 7\nWrite-Output after", 0, "after",
     "No MSFT_Disk objects found with property 'Number' equal to '7'.", "",
     "n2501r/spiderzebra#1 (the Storage module's wording)"),
    ("a cmdlet error stops under 'Stop'", "$ErrorActionPreference = 'Stop'\nGet-Disk -Number 7\nWrite-Output after",
     1, "", "No MSFT_Disk objects found", "after", "about_Preference_Variables"),
    ("a one-element array as a hashtable value stays an array", "@{A=@('x')} | ConvertTo-Json -Compress", 0,
     '{"A":["x"]}', "", '"A":"x"', "about_Arrays (@() always returns an array, even of one); stackoverflow.com/"
     "questions/76478261: only the pipeline enumerates, and only the object piped, not its properties"),
    ("an array grown with += stays an array in an object", "$a = @()\n$a += 'x'\n"
     "[pscustomobject]@{A=$a} | ConvertTo-Json -Compress", 0, '{"A":["x"]}', "", '"A":"x"',
     "about_Arrays (+= makes a new array); PowerShell/PowerShell#18203"),
    ("a command's single output as a hashtable value is that object", "@{A=Write-Output 'x'} | ConvertTo-Json -Compress",
     0, '{"A":"x"}', "", "", "about_Pipelines: a pipeline's one output object is returned as it is"),
]


@pytest.mark.parametrize("what,script,code,out,err,absent,source", SNIPPETS, ids=[s[0] for s in SNIPPETS])
def test_windows_powershell_51_behaviour(what, script, code, out, err, absent, source):
    result = run(script)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert out in result.stdout, result.stdout
    assert err in result.stderr, result.stderr
    if absent:
        assert absent not in result.stdout
    assert source


def test_the_script_block_reaches_bcdedit_as_encoded_command():
    from fakeazure.guest.ps_commands import native_arguments
    from fakeazure.guest.ps_values import ScriptBlock
    argv = native_arguments([("bare", "/set"), ("value", ScriptBlock(None, "bootmgr")), ("bare", "timeout")])
    assert argv[:2] == ["/set", "-encodedCommand"] and argv[3:7] == ["-inputFormat", "xml", "-outputFormat", "text"]
    assert argv[-1] == "timeout"


def test_native_arguments_as_51_passes_them():
    from fakeazure.guest.ps_commands import native_arguments
    assert native_arguments([("value", "a b"), ("value", ""), ("value", "c")]) == ["a b", "c"]  # '' dropped
    # 5.1 quotes an argument with a space but leaves its inner quotes as they are: the program loses them
    assert native_arguments([("value", 'say "hi" now')]) == ["say hi now"]


def test_parameters_bind_to_param_block_and_unknown_ones_fail():
    ok = run("param([string]$Name, [int]$Count = 2)\nWrite-Output \"$Name $Count\"", parameters={"name": "x^&%"})
    assert ok.stdout == "x^&% 2\n"
    bad = run("param([string]$Name)\nWrite-Output ran", parameters={"Other": "1"})
    assert bad.exit_code == 1 and "A parameter cannot be found that matches parameter name 'Other'." in bad.stderr


# --- formats against real Windows output ----------------------------------------------------------------
def _ends(line):
    return [m.end() for m in re.finditer(r"\S+(?: \S+)*", line)]


def _columns(line):
    return [m.start() for m in re.finditer(r"\S+(?: \S+)*", line)]


def test_get_disk_default_view_matches_windows():
    sample = fixture("get-disk.txt")
    out = run("Get-Disk").stdout.split("\n")
    head = next(i for i, line in enumerate(out) if line.startswith("Number"))
    assert out[head:head + 3] == [line.rstrip() for line in sample[2:5]]
    assert out[head + 3].split()[1] == "Msft" and "Msft Virtu..." in out[head + 3]
    assert _columns(out[head + 3])[:2] == _columns(sample[5])[:2]


def test_get_partition_groups_by_a_disk_path_ending_with_the_interface_guid():
    sample = fixture("get-partition-azure.txt")
    out = run("Get-Partition -DiskNumber 2").stdout.split("\n")
    path = next(line for line in out if "DiskPath" in line)
    assert re.fullmatch(r"   DiskPath: \\\\\?\\scsi#disk&ven_msft&prod_virtual_disk#5&[0-9a-f]+&0&0+2"
                        r"#\{53f56307-b6bf-11d0-94f2-00a0c91efb8b\}", path)
    assert not path.rstrip().endswith("#2")     # the disk number is DiskNumber, not the end of the path
    head = out.index(sample[4])
    assert out[head + 1] == sample[5]
    row = out[head + 2]
    assert len(row) - len(row.split()[-1]) == sample[6].index("Basic")      # the Type column
    size_end = len(row[:len(row) - len(row.split()[-1])].rstrip())
    assert size_end == len(sample[6][:sample[6].index("Basic")].rstrip())   # the Size column, right-aligned


def test_get_volume_view_matches_windows():
    sample = fixture("get-partition-azure.txt")
    out = run("Get-Volume").stdout.split("\n")
    assert sample[10] in out and sample[11] in out


def test_convertto_json_is_51s_layout_and_escapes():
    sample = fixture("convertto-json-51.txt")
    out = run("[pscustomobject]@{ Number = 3; Location = 'C:\\x' } | ConvertTo-Json").stdout.split("\n")
    assert out[1] == sample[1][4:] and out[1] == '    "Number":  3,'
    compressed = run("@{ a = '<&>' + \"'\" } | ConvertTo-Json -Compress").stdout.strip()
    assert compressed == '{"a":"\\u003c\\u0026\\u003e\\u0027"}'


def test_a_whole_cim_object_fills_the_output_tail_and_named_properties_do_not():
    whole = run("Get-Partition | ConvertTo-Json").stdout
    assert '"CimClass"' in whole and '"CimInstanceProperties"' in whole
    assert fixture("convertto-json-cim.txt")[2].strip().startswith('"CimClass":  {')
    assert len(whole.encode()) > 4096
    named = run("Get-Partition | Select-Object -Property 'DiskNumber', 'PartitionNumber', 'DriveLetter' | "
                "ConvertTo-Json -Compress").stdout
    assert len(named.encode()) < 1024 and json.loads(named)[0]["DriveLetter"] == "\u0000"


def test_bcdedit_enum_layout_matches_windows():
    sample = fixture("bcdedit-enum.txt")
    out = run("bcdedit /enum").stdout.split("\n")
    at = out.index("Windows Boot Manager")
    assert out[at + 1] == sample[3] and out[at + 2].startswith("identifier              {bootmgr}")
    assert sample[4].startswith("identifier              {bootmgr}")


def test_diskpart_list_partition_rows_match_windows():
    sample = fixture("diskpart-list-partition.txt")
    result = run_script(rescue(), '"select disk 2", "list partition" | diskpart', data_disks=[broken("V2")])
    rows = [line for line in result.stdout.split("\n") if re.match(r"[ *] Partition \d", line)]
    system = next(r for r in rows if "System" in r)
    assert _columns(system)[:2] == _columns(sample[3])[:2] and _ends(system)[2:] == _ends(sample[3])[2:]
    assert rows[1].endswith("101 MB")   # offsets follow the partitions, as diskpart shows them


def test_output_after_a_second_native_error_is_not_lost():
    """Regression: the host's output list was replaced when a native program's stderr was flushed, so whatever
    the script printed after its second failing native command vanished."""
    from fakeazure.guest import guest_from_spec, run_script
    vm = guest_from_spec({"os": "windows", "version": "2022", "state": "healthy"})
    result = run_script(vm, "reg query HKLM\\SYSTEM\\Nope\nWrite-Output one\nreg query HKLM\\SYSTEM\\Nope\n"
                            "Write-Output two\n")
    assert result.stdout.split() == ["one", "two"] and result.stderr.count("ERROR:") == 2


def test_hyperv_cmdlets_need_the_feature_installed_and_a_vm_of_that_name():
    vm = rescue()
    scripts = ["Start-VM -Name nope", "Stop-VM -Name nope -TurnOff", "Remove-VM -Name nope -Force",
               "Add-VMHardDiskDrive -VMName nope -DiskNumber 2"]
    for script in scripts:      # no Hyper-V module before the feature is installed; the name echoed as typed
        typed = script.split()[0]  # (about_Command_Precedence; PowerShell's CommandNotFoundException message)
        assert "The term '{}' is not recognized as the name of a cmdlet".format(typed) in run_script(vm, script).stderr
    vm.session["features"] = {"Hyper-V": "installed"}   # as the restart after Install-WindowsFeature leaves it
    for script in scripts:
        result = run_script(vm, script)
        assert 'Hyper-V was unable to find a virtual machine with name "nope".' in result.stderr, script
        assert "is not recognized" not in result.stderr
