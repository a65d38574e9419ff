# vmbootfix rescue, article step 9: show the copy's BCD store (read-only, except a drive letter for the
# partition that holds it: an EFI system partition gets none by itself).
# Run by hand: .\read-bcd.ps1 -DiskNumber 2 -PartitionNumber 1 -Letter S -Store 'S:\EFI\Microsoft\Boot\BCD'
# -Letter '' when the partition already has the letter of -Store. Prints bcdedit's /enum output.
param(
    [int]$DiskNumber,
    [int]$PartitionNumber,
    [string]$Letter = '',
    [string]$Store
)
$ErrorActionPreference = 'Stop'
# A run sent again (a resume that cannot tell whether the first one ran) finds the letter already there: diskpart
# refuses to assign a letter that is taken, so it is assigned only when the partition does not have it yet.
$has = ''
if ($Letter) { $has = [string](Get-Partition -DiskNumber $DiskNumber -PartitionNumber $PartitionNumber).DriveLetter }
if ($Letter -and $has -ne $Letter) {
    # diskpart, as Microsoft's repair scripts do: Set-Partition refuses the EFI system partition a letter
    $null = "select disk $DiskNumber", "select partition $PartitionNumber", "assign letter=$Letter" | diskpart
    if ($LASTEXITCODE -ne 0) { throw "diskpart could not assign $($Letter): to disk $DiskNumber partition $PartitionNumber (exit code $LASTEXITCODE)" }
}
bcdedit /store $Store /enum
if ($LASTEXITCODE -ne 0) { throw "bcdedit /store $Store /enum failed with exit code $LASTEXITCODE" }
