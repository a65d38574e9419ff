# vmbootfix rescue, nested method: a Hyper-V VM on the attached copy (article step 6), for a person to finish
# OOBE in Hyper-V Manager. The copy is taken Offline on the rescue VM (Hyper-V needs a pass-through disk
# offline on its host), given to a VM of the copy's generation (Gen1: IDE controller 0; Gen2: SCSI) and started.
# A VM of that name left by an earlier attempt of the same run is turned off and removed first.
# Run by hand on the rescue VM: .\start-nested-vm.ps1 -DiskNumber 2 -Generation 2 -VmName ProblemVM
# Prints one JSON line {"Marker":"BOOTFIX-NESTED", "Name":"ProblemVM", "State":"Running", "Generation":2}.
param(
    [int]$DiskNumber,
    [int]$Generation,
    [string]$VmName
)
$ErrorActionPreference = 'Stop'
foreach ($old in @(Get-VM)) {
    if ($old.Name -eq $VmName) {
        Stop-VM -Name $VmName -TurnOff -Force
        Remove-VM -Name $VmName -Force
    }
}
Set-Disk -Number $DiskNumber -IsOffline $true
$null = New-VM -Name $VmName -Generation $Generation -MemoryStartupBytes 4GB -NoVHD
if ($Generation -eq 1) {
    Add-VMHardDiskDrive -VMName $VmName -ControllerType IDE -ControllerNumber 0 -DiskNumber $DiskNumber
} else {
    Add-VMHardDiskDrive -VMName $VmName -ControllerType SCSI -DiskNumber $DiskNumber
}
Start-VM -Name $VmName
$vm = Get-VM -Name $VmName
[pscustomobject]@{ Marker = 'BOOTFIX-NESTED'; Name = $vm.Name; State = [string]$vm.State; Generation = $vm.Generation } | ConvertTo-Json -Compress
