# vmbootfix rescue, article step 10: turn on the boot menu, EMS and the serial console in the copy's BCD store,
# then show the entries that prove it. BCD identifiers are quoted: unquoted, {bootmgr} is a PowerShell script
# block and bcdedit would receive "-encodedCommand ..." instead (PowerShell/PowerShell#4973).
# Run by hand: .\enable-ems.ps1 -Store 'S:\EFI\Microsoft\Boot\BCD' -Loader '{default}'
param(
    [string]$Store,
    [string]$Loader
)
$ErrorActionPreference = 'Stop'
bcdedit /store $Store /set '{bootmgr}' displaybootmenu yes
if ($LASTEXITCODE -ne 0) { throw "bcdedit /set {bootmgr} displaybootmenu failed with exit code $LASTEXITCODE" }
bcdedit /store $Store /set '{bootmgr}' timeout 5
if ($LASTEXITCODE -ne 0) { throw "bcdedit /set {bootmgr} timeout failed with exit code $LASTEXITCODE" }
bcdedit /store $Store /set '{bootmgr}' bootems yes
if ($LASTEXITCODE -ne 0) { throw "bcdedit /set {bootmgr} bootems failed with exit code $LASTEXITCODE" }
bcdedit /store $Store /ems $Loader ON
if ($LASTEXITCODE -ne 0) { throw "bcdedit /ems $Loader ON failed with exit code $LASTEXITCODE" }
bcdedit /store $Store /emssettings EMSPORT:1 EMSBAUDRATE:115200
if ($LASTEXITCODE -ne 0) { throw "bcdedit /emssettings failed with exit code $LASTEXITCODE" }
bcdedit /store $Store /enum '{bootmgr}'
bcdedit /store $Store /enum $Loader
bcdedit /store $Store /enum '{emssettings}'
Write-Output "BOOTFIX-EMS $Store"
