# vmbootfix rescue, article step 6 done offline: make the attached copy finish OOBE by itself at its next boot.
# Writes an oobeSystem answer file to <letter>:\Windows\Panther\Unattend.xml, a SetupComplete.cmd that deletes
# it once Setup is done, and the original computer name into the copy's SYSTEM hive (the copy already ran the
# specialize pass, so the answer file's ComputerName alone would come too late).
# Free-text values arrive base64-encoded (UTF-8): Run Command may drop a caret or stop at an '&' in a plain
# parameter value, and base64 has neither. Run by hand:
#   $b64 = { param($s) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($s)) }
#   .\write-answer-file.ps1 -WindowsLetter F -ComputerNameB64 (& $b64 'web01') -AdminUserB64 (& $b64 'azureuser') `
#       -AdminPasswordB64 (& $b64 'the password') -Locale en-US
# Prints one JSON line {"Marker":"BOOTFIX-ANSWER-FILE", "SystemHive":true, "AnswerFile":"F:\\...", "Written":true}.
param(
    [string]$WindowsLetter,
    [string]$ComputerNameB64,
    [string]$AdminUserB64,
    [string]$AdminPasswordB64,
    [string]$Locale = 'en-US'
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
$xmlLocale = [System.Security.SecurityElement]::Escape($Locale)

$root = "$($WindowsLetter):\"
$hive = "$($root)Windows\System32\config\SYSTEM"
if (-not (Test-Path $hive)) {
    throw "$hive does not exist: $root is not the copy's Windows partition"
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
<unattend xmlns="urn:schemas-microsoft-com:unattend" xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State">
  <settings pass="specialize">
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <ComputerName>$xmlComputer</ComputerName>
    </component>
  </settings>
  <settings pass="oobeSystem">
    <component name="Microsoft-Windows-International-Core" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <InputLocale>$xmlLocale</InputLocale>
      <SystemLocale>$xmlLocale</SystemLocale>
      <UILanguage>$xmlLocale</UILanguage>
      <UserLocale>$xmlLocale</UserLocale>
    </component>
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
$answerFile = "$($root)Windows\Panther\Unattend.xml"
New-Item -ItemType Directory -Force -Path "$($root)Windows\Panther" | Out-Null
Set-Content -Path $answerFile -Value $answer -Encoding UTF8
New-Item -ItemType Directory -Force -Path "$($root)Windows\Setup\Scripts" | Out-Null
Add-Content -Path "$($root)Windows\Setup\Scripts\SetupComplete.cmd" -Value 'del "%WINDIR%\Panther\Unattend.xml"'

# The original computer name, offline in the copy's SYSTEM hive. reg.exe is a native program:
# 'Stop' does not see its exit code, so every call is checked; and Windows PowerShell 5.1 passes an
# argument's inner double quotes unescaped, so they are escaped for the program here (\").
$regComputer = $computer.Replace('"', '\"')
reg load 'HKLM\BOOTFIXSYS' $hive
if ($LASTEXITCODE -ne 0) { throw "reg load $hive failed with exit code $LASTEXITCODE" }
reg add 'HKLM\BOOTFIXSYS\ControlSet001\Control\ComputerName\ComputerName' /v ComputerName /t REG_SZ /d $regComputer /f
$added = $LASTEXITCODE
if ($added -eq 0) {
    reg add 'HKLM\BOOTFIXSYS\ControlSet001\Services\Tcpip\Parameters' /v Hostname /t REG_SZ /d $regComputer /f
    $added = $LASTEXITCODE
}
if ($added -eq 0) {
    reg add 'HKLM\BOOTFIXSYS\ControlSet001\Services\Tcpip\Parameters' /v 'NV Hostname' /t REG_SZ /d $regComputer /f
    $added = $LASTEXITCODE
}
reg unload 'HKLM\BOOTFIXSYS'
if ($added -ne 0) { throw "reg add of the computer name failed with exit code $added" }
if ($LASTEXITCODE -ne 0) { throw "reg unload HKLM\BOOTFIXSYS failed with exit code $LASTEXITCODE" }

[pscustomobject]@{ Marker = 'BOOTFIX-ANSWER-FILE'; SystemHive = $true; AnswerFile = $answerFile; Written = (Test-Path $answerFile) } | ConvertTo-Json -Compress
