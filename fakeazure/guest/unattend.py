"""Answer files (unattend.xml): parsing what Windows Setup would use from them.

Only the parts that decide whether OOBE can finish unattended are read:
the `specialize` pass's ComputerName and the `oobeSystem` pass's
Microsoft-Windows-Shell-Setup UserAccounts (AdministratorPassword,
LocalAccounts), OOBE Hide*/SkipMachineOOBE switches and whether
Microsoft-Windows-International-Core supplies locales.  Namespaces and
processorArchitecture attributes are accepted but not checked.

Knowingly left out: schema validation, offlineServicing/windowsPE/auditSystem
passes, FirstLogonCommands, AutoLogon, password encoding (PlainText true/false
are both accepted), component language neutrality.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field


@dataclass
class LocalAccount:
    name: str
    admin: bool
    has_password: bool


@dataclass
class AnswerFile:
    path: str = ""
    error: str | None = None                 # set when the XML cannot be parsed
    has_oobe_pass: bool = False
    has_specialize_pass: bool = False
    computer_name: str | None = None
    admin_password: bool = False             # UserAccounts/AdministratorPassword/Value given
    local_accounts: list[LocalAccount] = field(default_factory=list)
    locales: bool = False                    # International-Core in oobeSystem
    hides_pages: bool = False                # OOBE/Hide* or SkipMachineOOBE
    from_azure: bool = False                 # Azure's provisioning answer (ProvisioningAnswer)
    azure_admin: str | None = None

    @property
    def gives_admin(self) -> bool:
        return self.admin_password or any(a.admin and a.has_password for a in self.local_accounts)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node, name):
    return [c for c in node if _local(c.tag) == name]


def _find(node, *path):
    for name in path:
        found = _children(node, name)
        if not found:
            return None
        node = found[0]
    return node


def _text(node) -> str:
    return (node.text or "").strip() if node is not None else ""


def parse_answer_file(text: str, path: str = "") -> AnswerFile:
    answer = AnswerFile(path=path)
    try:
        root = ET.fromstring(text.lstrip("\ufeff").strip())
    except ET.ParseError as exc:
        answer.error = f"XML parse error: {exc}"
        return answer
    if _local(root.tag) != "unattend":
        answer.error = "root element is not <unattend>"
        return answer
    for settings in _children(root, "settings"):
        phase = settings.get("pass", "")
        for component in _children(settings, "component"):
            cname = component.get("name", "")
            if phase == "specialize":
                answer.has_specialize_pass = True
                if cname == "Microsoft-Windows-Shell-Setup":
                    name = _text(_find(component, "ComputerName"))
                    if name and name != "*":
                        answer.computer_name = name
            if phase != "oobeSystem":
                continue
            answer.has_oobe_pass = True
            if cname == "Microsoft-Windows-International-Core":
                answer.locales = True
            if cname != "Microsoft-Windows-Shell-Setup":
                continue
            accounts = _find(component, "UserAccounts")
            if accounts is not None:
                admin_pw = _find(accounts, "AdministratorPassword", "Value")
                if admin_pw is not None:
                    answer.admin_password = True
                local = _find(accounts, "LocalAccounts")
                for account in _children(local, "LocalAccount") if local is not None else []:
                    name = _text(_find(account, "Name"))
                    group = _text(_find(account, "Group"))
                    password = _find(account, "Password", "Value")
                    if name:
                        answer.local_accounts.append(LocalAccount(
                            name, "administrators" in group.lower(), password is not None))
            oobe = _find(component, "OOBE")
            if oobe is not None:
                for child in oobe:
                    tag = _local(child.tag)
                    if (tag.startswith("Hide") or tag == "SkipMachineOOBE") and _text(child).lower() == "true":
                        answer.hides_pages = True
    return answer


def azure_answer(admin_username: str, computer_name: str | None, admin_password_set: bool) -> AnswerFile:
    """The answer Azure's provisioning ISO supplies for a VM created from a generalized image."""
    return AnswerFile(
        path="(Azure provisioning media)\\unattend.xml",
        has_oobe_pass=True,
        has_specialize_pass=True,
        computer_name=computer_name,
        admin_password=admin_password_set,
        locales=True,
        hides_pages=True,
        from_azure=True,
        azure_admin=admin_username,
    )


def sample_oobe_answer(admin_password: str = "P@ssw0rd-Fake-123", locales: bool = True) -> str:
    """A minimal oobeSystem answer file of the kind a repair script writes (used by tests and presets)."""
    intl = ("""
    <component name="Microsoft-Windows-International-Core" processorArchitecture="amd64"
      publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <InputLocale>en-US</InputLocale><SystemLocale>en-US</SystemLocale>
      <UILanguage>en-US</UILanguage><UserLocale>en-US</UserLocale>
    </component>""" if locales else "")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<unattend xmlns="urn:schemas-microsoft-com:unattend">
  <settings pass="oobeSystem">{intl}
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64"
      publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <OOBE>
        <HideEULAPage>true</HideEULAPage>
        <HideLocalAccountScreen>true</HideLocalAccountScreen>
        <HideOnlineAccountScreens>true</HideOnlineAccountScreens>
        <HideWirelessSetupInOOBE>true</HideWirelessSetupInOOBE>
        <ProtectYourPC>3</ProtectYourPC>
      </OOBE>
      <UserAccounts>
        <AdministratorPassword>
          <Value>{admin_password}</Value>
          <PlainText>true</PlainText>
        </AdministratorPassword>
      </UserAccounts>
    </component>
  </settings>
</unattend>
"""
