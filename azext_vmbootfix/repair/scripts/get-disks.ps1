# vmbootfix rescue: list the rescue VM's disks and partitions as JSON (read-only).
# Run by hand on the rescue VM: powershell -ExecutionPolicy Bypass -File get-disks.ps1
# Prints one line: {"Disks":[{Number, PartitionStyle, OperationalStatus, IsOffline, OfflineReason, Size}],
#                   "Partitions":[{DiskNumber, PartitionNumber, DriveLetter, Type, Size}]}
# DriveLetter is "\u0000" when the partition has no letter. Named properties only: a whole CIM object
# carries CimClass and CimInstanceProperties and would fill Run Command's 4 KB output tail.
$ErrorActionPreference = 'Stop'
$disks = @(Get-Disk | Select-Object -Property 'Number', 'PartitionStyle', 'OperationalStatus', 'IsOffline', 'OfflineReason', 'Size')
$partitions = @(Get-Partition | Select-Object -Property 'DiskNumber', 'PartitionNumber', 'DriveLetter', 'Type', 'Size')
[pscustomobject]@{ Disks = $disks; Partitions = $partitions } | ConvertTo-Json -Compress -Depth 3
