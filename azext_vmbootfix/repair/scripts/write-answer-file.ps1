# vmbootfix rescue, article step 6 done offline: make the attached copy finish OOBE by itself at its next boot.
# Writes an oobeSystem answer file to <letter>:\Windows\Panther\Unattend.xml, appends to SetupComplete.cmd a line
# that deletes it once Setup is done, and writes the original computer name into the copy's SYSTEM hive (the
# copy already ran the specialize pass, so the answer file's ComputerName alone would come too late), in the
# control set the caller read from Select\Current; -UnattendFile, when given, becomes Setup\UnattendFile.
# Before changing anything it backs up, next to each original and named with -RunTag: the SYSTEM hive
# (SYSTEM.bootfix-<tag>), an existing Panther\Unattend.xml and an existing SetupComplete.cmd. A re-run keeps the
# first backups and appends to SetupComplete.cmd only once.
# Free-text values arrive base64-encoded (UTF-8): Run Command may drop a caret or stop at an '&' in a plain
# parameter value, and base64 has neither. Run by hand:
#   $b64 = { param($s) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($s)) }
#   .\write-answer-file.ps1 -WindowsLetter F -ComputerNameB64 (& $b64 'web01') -AdminUserB64 (& $b64 'azureuser') `
#       -AdminPasswordB64 (& $b64 'the password') -ControlSet ControlSet001 -UILanguage de-DE -SystemLocale de-DE `
#       -UserLocale de-DE -InputLocale '0407:00000407' -RunTag 1a2b3c4d
# Prints one JSON line {"Marker":"BOOTFIX-ANSWER-FILE", "SystemHive":true, "AnswerFile":"F:\\...", "Written":true,
#                       "Backups":["F:\\Windows\\System32\\config\\SYSTEM.bootfix-1a2b3c4d", ...]}.
param(
    [string]$WindowsLetter,
    [string]$ComputerNameB64,
    [string]$AdminUserB64,
    [string]$AdminPasswordB64,
    [string]$ControlSet = 'ControlSet001',
    [string]$InputLocale = '',
    [string]$SystemLocale = '',
    [string]$UILanguage = '',
    [string]$UserLocale = '',
    [string]$UnattendFile = '',
    [string]$RunTag
)
$ErrorActionPreference = 'Stop'
$utf8 = [System.Text.Encoding]::UTF8
$computer = $utf8.GetString([System.Convert]::FromBase64String($ComputerNameB64))
$user = $utf8.GetString([System.Convert]::FromBase64String($AdminUserB64))
$password = $utf8.GetString([System.Convert]::FromBase64String($AdminPasswordB64))
# XML text, escaped once, here (never by the caller)
$xmlComputer = [System.Security.SecurityElement]::Escape($computer)
$xmlUser = [System.Security.SecurityElement]::Escape($user)
$xmlPassword = [System.Security.SecurityElement]::Escape($password)

$root = "$($WindowsLetter):\"
$hive = "$($root)Windows\System32\config\SYSTEM"
if (-not (Test-Path $hive)) {
    throw "$hive does not exist: $root is not the copy's Windows partition"
}
$tag = "bootfix-$RunTag"
$backups = @()

# -- backups, before anything changes (a re-run keeps the first ones) --------------------------------------------
$hiveBackup = "$hive.$tag"
if (-not (Test-Path $hiveBackup)) { Copy-Item -Path $hive -Destination $hiveBackup }
$backups += $hiveBackup
$answerFile = "$($root)Windows\Panther\Unattend.xml"
if ((Test-Path $answerFile) -and -not (Test-Path "$answerFile.$tag")) {
    if (-not (Get-Content -Path $answerFile -Raw).Contains('BOOTFIX-ANSWER-FILE')) {
        Copy-Item -Path $answerFile -Destination "$answerFile.$tag"
    }
}
if (Test-Path "$answerFile.$tag") { $backups += "$answerFile.$tag" }
$setupComplete = "$($root)Windows\Setup\Scripts\SetupComplete.cmd"
$deleteLine = 'del "%WINDIR%\Panther\Unattend.xml"'
$existing = ''
if (Test-Path $setupComplete) {
    $existing = Get-Content -Path $setupComplete -Raw
    if (-not (Test-Path "$setupComplete.$tag") -and -not $existing.Contains($deleteLine)) {
        Copy-Item -Path $setupComplete -Destination "$setupComplete.$tag"
    }
}
if (Test-Path "$setupComplete.$tag") { $backups += "$setupComplete.$tag" }

$intl = ''
if ($InputLocale) { $intl += "`r`n      <InputLocale>$([System.Security.SecurityElement]::Escape($InputLocale))</InputLocale>" }
if ($SystemLocale) { $intl += "`r`n      <SystemLocale>$([System.Security.SecurityElement]::Escape($SystemLocale))</SystemLocale>" }
if ($UILanguage) { $intl += "`r`n      <UILanguage>$([System.Security.SecurityElement]::Escape($UILanguage))</UILanguage>" }
if ($UserLocale) { $intl += "`r`n      <UserLocale>$([System.Security.SecurityElement]::Escape($UserLocale))</UserLocale>" }
if ($intl) {
    $intl = @"

    <component name="Microsoft-Windows-International-Core" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">$intl
    </component>
"@
}
$localAccount = ''
if ($user -and $user -ne 'administrator') {
    $localAccount = @"

        <LocalAccounts>
          <LocalAccount wcm:action="add">
            <Name>$xmlUser</Name>
            <Group>Administrators</Group>
            <Password>
              <Value>$xmlPassword</Value>
              <PlainText>true</PlainText>
            </Password>
          </LocalAccount>
        </LocalAccounts>
"@
}
$answer = @"
<?xml version="1.0" encoding="utf-8"?>
<!-- BOOTFIX-ANSWER-FILE $tag: written by vmbootfix; SetupComplete.cmd deletes it once OOBE is done -->
<unattend xmlns="urn:schemas-microsoft-com:unattend" xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State">
  <settings pass="specialize">
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <ComputerName>$xmlComputer</ComputerName>
    </component>
  </settings>
  <settings pass="oobeSystem">$intl
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <OOBE>
        <HideEULAPage>true</HideEULAPage>
        <HideLocalAccountScreen>true</HideLocalAccountScreen>
        <HideOEMRegistrationScreen>true</HideOEMRegistrationScreen>
        <HideOnlineAccountScreens>true</HideOnlineAccountScreens>
        <HideWirelessSetupInOOBE>true</HideWirelessSetupInOOBE>
        <ProtectYourPC>3</ProtectYourPC>
      </OOBE>
      <UserAccounts>
        <AdministratorPassword>
          <Value>$xmlPassword</Value>
          <PlainText>true</PlainText>
        </AdministratorPassword>$localAccount
      </UserAccounts>
    </component>
  </settings>
</unattend>
"@
New-Item -ItemType Directory -Force -Path "$($root)Windows\Panther" | Out-Null
Set-Content -Path $answerFile -Value $answer -Encoding UTF8
# SetupComplete.cmd: an existing one keeps its content (ours goes last, on a line of its own), and only once
if (-not $existing.Contains($deleteLine)) {
    New-Item -ItemType Directory -Force -Path "$($root)Windows\Setup\Scripts" | Out-Null
    $kept = $existing.TrimEnd()
    if ($kept) { $kept += "`r`n" }
    Set-Content -Path $setupComplete -Value "$kept$deleteLine" -Encoding ASCII
}

# The original computer name, offline in the copy's SYSTEM hive. reg.exe is a native program:
# 'Stop' does not see its exit code, so every call is checked; and Windows PowerShell 5.1 passes an
# argument's inner double quotes unescaped, so they are escaped for the program here (\").
$regComputer = $computer.Replace('"', '\"')
reg load 'HKLM\BOOTFIXSYS' $hive
if ($LASTEXITCODE -ne 0) { throw "reg load $hive failed with exit code $LASTEXITCODE" }
reg add "HKLM\BOOTFIXSYS\$ControlSet\Control\ComputerName\ComputerName" /v ComputerName /t REG_SZ /d $regComputer /f
$added = $LASTEXITCODE
if ($added -eq 0) {
    reg add "HKLM\BOOTFIXSYS\$ControlSet\Services\Tcpip\Parameters" /v Hostname /t REG_SZ /d $regComputer /f
    $added = $LASTEXITCODE
}
if ($added -eq 0) {
    reg add "HKLM\BOOTFIXSYS\$ControlSet\Services\Tcpip\Parameters" /v 'NV Hostname' /t REG_SZ /d $regComputer /f
    $added = $LASTEXITCODE
}
if ($added -eq 0 -and $UnattendFile) {
    reg add 'HKLM\BOOTFIXSYS\Setup' /v UnattendFile /t REG_SZ /d $UnattendFile /f
    $added = $LASTEXITCODE
}
reg unload 'HKLM\BOOTFIXSYS'
if ($added -ne 0) { throw "reg add of the computer name failed with exit code $added" }
if ($LASTEXITCODE -ne 0) { throw "reg unload HKLM\BOOTFIXSYS failed with exit code $LASTEXITCODE" }

[pscustomobject]@{ Marker = 'BOOTFIX-ANSWER-FILE'; SystemHive = $true; AnswerFile = $answerFile; Written = (Test-Path $answerFile); Backups = $backups } | ConvertTo-Json -Compress
