"""The built-in Run Command ids Azure lists (Learn, "Run scripts in your Windows VM by using action Run
Commands" and the Linux page), and what each one runs in the simulated guest.

Azure answers an id it does not list with 404 ``NotFound`` "The entity was not found in this Azure location."
(quoted in Azure/azure-powershell#7331 and Azure/azure-sdk-for-net#34076; MicrosoftDocs/azure-docs#114597
reports the 404 for the misspelt ``RDPSetting``). That an id of the other OS gets the same answer is inferred.

Azure's own scripts for these ids are not reproduced: each id runs a short script doing what Learn says the
command does, written with commands the simulated guest knows (fakeazure/UNVERIFIED.md); a line the guest does
not model is reported in stderr, never silently skipped. ``RunPowerShellScript``/``RunShellScript`` run the
caller's script.
"""
from .. import exceptions

_TS = r"HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server"
_RDP_TCP = _TS + r"\WinStations\RDP-Tcp"
_WU = r"HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU"

WINDOWS = {
    "RunPowerShellScript": None,
    # "Checks if the local administrator account is disabled, and if so enables it."
    "EnableAdminAccount": ["net user administrator /active:yes"],
    # "Enable Emergency Management Services (EMS) to allow for serial console connection"
    "EnableEMS": ["bcdedit /ems {current} on", "bcdedit /emssettings EMSPORT:1 EMSBAUDRATE:115200"],
    # "Configures the machine to enable remote PowerShell."
    "EnableRemotePS": ["Enable-PSRemoting -Force"],
    # "Shows detailed information for the IP address, subnet mask, and default gateway ..."
    "IPConfig": ["ipconfig /all"],
    # "Checks registry settings and domain policy settings ..."
    "RDPSettings": ['reg query "{}" /v fDenyTSConnections'.format(_TS),
                    'reg query "{}" /v PortNumber'.format(_RDP_TCP)],
    # "Removes the TLS/SSL certificate tied to the RDP listener and restores the RDP listener security to default."
    "ResetRDPCert": ['reg delete "{}" /v SSLCertificateSHA1Hash /f'.format(_RDP_TCP)],
    # "Sets the default or user-specified port number for Remote Desktop connections."
    "SetRDPPort": ['reg add "{}" /v PortNumber /t REG_DWORD /d 3389 /f'.format(_RDP_TCP)],
    # "Disable Network Level Authentication"
    "DisableNLA": ['reg add "{}" /v UserAuthentication /t REG_DWORD /d 0 /f'.format(_RDP_TCP)],
    # "Disable Windows Update Automatic Updates" / "Enable Windows Update Automatic Updates"
    "DisableWindowsUpdate": ['reg add "{}" /v NoAutoUpdate /t REG_DWORD /d 1 /f'.format(_WU)],
    "EnableWindowsUpdate": ['reg add "{}" /v NoAutoUpdate /t REG_DWORD /d 0 /f'.format(_WU)],
    # "Checks IMDS Health and then analyzes currently installed certificates ..."
    "IMDSCertCheck": ["Get-ChildItem Cert:\\LocalMachine\\Root"],
}
LINUX = {"RunShellScript": None, "ifconfig": ["ifconfig"]}


def script_of(command_id, os_type, script_lines):
    """The lines a Run Command of ``command_id`` runs on a VM of ``os_type``: the caller's script for the
    script ids, the built-in script otherwise; 404 NotFound for an id Azure does not list for that OS."""
    table = LINUX if os_type == "Linux" else WINDOWS
    key = next((k for k in table if k.lower() == (command_id or "").lower()), None)
    if key is None:
        raise exceptions.NotFound("The entity was not found in this Azure location.")
    builtin = table[key]
    return list(script_lines or []) if builtin is None else list(builtin)
