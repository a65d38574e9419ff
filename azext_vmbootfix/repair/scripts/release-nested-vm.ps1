# vmbootfix rescue, nested method, after the person finished OOBE: turn the nested VM off and remove it, so that
# the copy can be detached from the rescue VM cleanly (the copy itself is not touched).
# Run by hand on the rescue VM: .\release-nested-vm.ps1 -VmName ProblemVM
# Prints one JSON line {"Marker":"BOOTFIX-RELEASED", "Removed":true|false}.
param(
    [string]$VmName
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
[pscustomobject]@{ Marker = 'BOOTFIX-RELEASED'; Removed = $removed } | ConvertTo-Json -Compress
