# vmbootfix rescue: read the copy's Setup state, control set and locales from its offline hives (read-only).
# Loads the copy's SOFTWARE, SYSTEM and DEFAULT hives under HKLM\BOOTFIXSW, HKLM\BOOTFIXSYS, HKLM\BOOTFIXDEF,
# prints reg query's own output for each value the rescue decides on, and unloads them again.
# A value or key that does not exist is skipped (reg query prints an error and exits 1: 'Continue', so that a
# missing key never stops the reading); a hive that does not load or unload stops the script (checked by hand).
# Run by hand on the rescue VM: .\read-setup-state.ps1 -WindowsLetter F
param(
    [string]$WindowsLetter
)
$ErrorActionPreference = 'Continue'
$config = "$($WindowsLetter):\Windows\System32\config"
if (-not (Test-Path "$config\SYSTEM")) { throw "$config\SYSTEM does not exist: $($WindowsLetter): is not the copy's Windows partition" }

reg load 'HKLM\BOOTFIXSW' "$config\SOFTWARE"
if ($LASTEXITCODE -ne 0) { throw "reg load $config\SOFTWARE failed with exit code $LASTEXITCODE" }
reg query 'HKLM\BOOTFIXSW\Microsoft\Windows\CurrentVersion\Setup\State' /v ImageState
reg unload 'HKLM\BOOTFIXSW'
if ($LASTEXITCODE -ne 0) { throw "reg unload HKLM\BOOTFIXSW failed with exit code $LASTEXITCODE" }

reg load 'HKLM\BOOTFIXSYS' "$config\SYSTEM"
if ($LASTEXITCODE -ne 0) { throw "reg load $config\SYSTEM failed with exit code $LASTEXITCODE" }
# value by value, not the whole key: on Windows SYSTEM\Setup holds many more values and subkeys, and Run
# Command keeps only the last 4,096 bytes of the output
foreach ($name in @('CmdLine', 'SetupType', 'OOBEInProgress', 'SystemSetupInProgress', 'SetupPhase', 'UnattendFile')) {
    reg query 'HKLM\BOOTFIXSYS\Setup' /v $name
}
reg query 'HKLM\BOOTFIXSYS\Setup\Status\ChildCompletion' /v setup.exe
reg query 'HKLM\BOOTFIXSYS\Select' /v Current
# every control set's locale keys: the caller picks the one Select\Current names
foreach ($key in (reg query 'HKLM\BOOTFIXSYS')) {
    if ($key -match '^HKEY_LOCAL_MACHINE\\BOOTFIXSYS\\ControlSet[0-9]+$') {
        reg query "$key\Control\Nls\Language"
        reg query "$key\Control\Nls\Locale" /ve
    }
}
reg unload 'HKLM\BOOTFIXSYS'
if ($LASTEXITCODE -ne 0) { throw "reg unload HKLM\BOOTFIXSYS failed with exit code $LASTEXITCODE" }

# the default user's settings (HKEY_USERS\.DEFAULT), which new accounts and the logon screen start from
reg load 'HKLM\BOOTFIXDEF' "$config\DEFAULT"
if ($LASTEXITCODE -eq 0) {
    reg query 'HKLM\BOOTFIXDEF\Control Panel\International' /v LocaleName
    reg query 'HKLM\BOOTFIXDEF\Keyboard Layout\Preload' /v 1
    reg unload 'HKLM\BOOTFIXDEF'
    if ($LASTEXITCODE -ne 0) { throw "reg unload HKLM\BOOTFIXDEF failed with exit code $LASTEXITCODE" }
}
Write-Output "BOOTFIX-SETUP-STATE"
exit 0
