# vmbootfix rescue, nested method: install Hyper-V on the rescue VM (article step 6's nested virtualization).
# The caller restarts the VM through Azure when RestartNeeded is Yes (a restart inside Run Command would cut
# the script's own result off).
# Run by hand on the rescue VM: .\enable-hyperv.ps1 ; then restart it.
# Prints one JSON line {"Marker":"BOOTFIX-HYPERV", "Success":true, "RestartNeeded":"Yes"|"No"}.
$ErrorActionPreference = 'Stop'
$result = Install-WindowsFeature -Name 'Hyper-V' -IncludeManagementTools
[pscustomobject]@{ Marker = 'BOOTFIX-HYPERV'; Success = $result.Success; RestartNeeded = [string]$result.RestartNeeded } | ConvertTo-Json -Compress
