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
$answerFile = "$($root)Windows\Panther\Unattend.xml"
$setupComplete = "$($root)Windows\Setup\Scripts\SetupComplete.cmd"
foreach ($file in @($hive, $answerFile, $setupComplete)) {
    if (Test-Path "$file.$tag") {
        Copy-Item -Path "$file.$tag" -Destination $file -Force
        Remove-Item -Path "$file.$tag"
        $restored += $file
    }
}
# a file with no backup was not there before: remove it when it is the one write-answer-file.ps1 wrote
if (($restored -notcontains $answerFile) -and (Test-Path $answerFile) -and (Get-Content -Path $answerFile -Raw).Contains('BOOTFIX-ANSWER-FILE')) {
    Remove-Item -Path $answerFile
    $removed += $answerFile
}
if (($restored -notcontains $setupComplete) -and (Test-Path $setupComplete) -and (Get-Content -Path $setupComplete -Raw).Trim() -eq 'del "%WINDIR%\Panther\Unattend.xml"') {
    Remove-Item -Path $setupComplete
    $removed += $setupComplete
}
[pscustomobject]@{ Marker = 'BOOTFIX-RESTORED'; Restored = $restored; Removed = $removed } | ConvertTo-Json -Compress
