# vmbootfix rescue, undo of the answer-file step: put back what write-answer-file.ps1 backed up on the copy
# (files named <original>.bootfix-<RunTag>) and remove what it created where nothing was there before.
# Run by hand on the rescue VM, the copy attached and its hives not loaded: .\restore-backups.ps1 -WindowsLetter F -RunTag 1a2b3c4d
# Prints one JSON line {"Marker":"BOOTFIX-RESTORED", "Restored":[...], "Removed":[...]}.
param(
    [string]$WindowsLetter,
    [string]$RunTag
)
$ErrorActionPreference = 'Stop'
$root = "$($WindowsLetter):\"
$tag = "bootfix-$RunTag"
$restored = @()
$removed = @()
$hive = "$($root)Windows\System32\config\SYSTEM"
if (-not (Test-Path $hive)) { throw "$hive does not exist: $root is not the copy's Windows partition" }
if (Test-Path "$hive.$tag") {
    Copy-Item -Path "$hive.$tag" -Destination $hive -Force
    Remove-Item -Path "$hive.$tag"
    $restored += $hive
}
$answerFile = "$($root)Windows\Panther\Unattend.xml"
if (Test-Path "$answerFile.$tag") {
    Copy-Item -Path "$answerFile.$tag" -Destination $answerFile -Force
    Remove-Item -Path "$answerFile.$tag"
    $restored += $answerFile
} elseif ((Test-Path $answerFile) -and (Get-Content -Path $answerFile -Raw).Contains('BOOTFIX-ANSWER-FILE')) {
    Remove-Item -Path $answerFile
    $removed += $answerFile
}
$setupComplete = "$($root)Windows\Setup\Scripts\SetupComplete.cmd"
if (Test-Path "$setupComplete.$tag") {
    Copy-Item -Path "$setupComplete.$tag" -Destination $setupComplete -Force
    Remove-Item -Path "$setupComplete.$tag"
    $restored += $setupComplete
} elseif ((Test-Path $setupComplete) -and (Get-Content -Path $setupComplete -Raw).Trim() -eq 'del "%WINDIR%\Panther\Unattend.xml"') {
    Remove-Item -Path $setupComplete
    $removed += $setupComplete
}
[pscustomobject]@{ Marker = 'BOOTFIX-RESTORED'; Restored = $restored; Removed = $removed } | ConvertTo-Json -Compress
