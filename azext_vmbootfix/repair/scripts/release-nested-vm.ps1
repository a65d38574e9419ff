# vmbootfix rescue, nested method, after the person finished OOBE: turn the nested VM off and remove it, then
# bring the copy Online again on the rescue VM (its signature is its own: nothing is rewritten), so that the
# serial-console step can edit its BCD and the copy can then be detached cleanly.
# Run by hand on the rescue VM: .\release-nested-vm.ps1 -VmName ProblemVM -DiskNumber 2
# Prints one JSON line {"Marker":"BOOTFIX-RELEASED", "Removed":true|false}.
param(
    [string]$VmName,
    [int]$DiskNumber
)
$ErrorActionPreference = 'Stop'
$removed = $false
foreach ($vm in @(Get-VM)) {
    if ($vm.Name -eq $VmName) {
        Stop-VM -Name $VmName -TurnOff -Force
        Remove-VM -Name $VmName -Force
        $removed = $true
    }
}
Set-Disk -Number $DiskNumber -IsOffline $false
[pscustomobject]@{ Marker = 'BOOTFIX-RELEASED'; Removed = $removed } | ConvertTo-Json -Compress
