"""The Windows and Linux releases the simulated guest knows about.

One row per release: marketing name, kernel version and build, whether it is a
server SKU (servers have SAC on the serial console and a different OOBE), and
which OOBE flow its first boot after Sysprep shows (oobe-domain.md section 1b).

Knowingly left out: Windows 10 before 1703 (its "Hi there" flow), LTSC
variants, Server Core (no OOBE pages at all, a console password prompt).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class WindowsRelease:
    key: str            # "2022", "win11", ...
    product: str        # "Windows Server 2022"
    kernel: str         # "10.0"
    build: int          # 20348
    server: bool
    oobe_flow: str      # "server" | "server-2012r2" | "win10" | "win11"
    display_version: str = ""

    @property
    def os_version(self) -> str:
        return f"{self.kernel}.{self.build}"


RELEASES = {
    # 2012 (6.2.9200): the marketplace still offers its image (the alias Win2012Datacenter); its first boot after
    # Sysprep shows the same Settings page as 2012 R2's
    "2012": WindowsRelease("2012", "Windows Server 2012", "6.2", 9200, True, "server-2012r2"),
    "2012r2": WindowsRelease("2012r2", "Windows Server 2012 R2", "6.3", 9600, True, "server-2012r2"),
    "2016": WindowsRelease("2016", "Windows Server 2016", "10.0", 14393, True, "server", "1607"),
    "2019": WindowsRelease("2019", "Windows Server 2019", "10.0", 17763, True, "server", "1809"),
    "2022": WindowsRelease("2022", "Windows Server 2022", "10.0", 20348, True, "server", "21H2"),
    "2025": WindowsRelease("2025", "Windows Server 2025", "10.0", 26100, True, "server", "24H2"),
    "win10": WindowsRelease("win10", "Windows 10", "10.0", 19045, False, "win10", "22H2"),
    "win11": WindowsRelease("win11", "Windows 11", "10.0", 22631, False, "win11", "23H2"),
}

_ALIASES = {
    "2012-r2": "2012r2", "2012 r2": "2012r2", "server 2012 r2": "2012r2",
    "windows server 2012 r2": "2012r2", "2012-r2-datacenter": "2012r2",
    "10": "win10", "windows 10": "win10", "windows10": "win10", "win-10": "win10",
    "11": "win11", "windows 11": "win11", "windows11": "win11", "win-11": "win11",
}

# EditionID values written to SOFTWARE\Microsoft\Windows NT\CurrentVersion.
_EDITION_IDS = {
    "datacenter": "ServerDatacenter",
    "standard": "ServerStandard",
    "datacenter: azure edition": "ServerTurbine",
    "datacenter azure edition": "ServerTurbine",
    "pro": "Professional",
    "professional": "Professional",
    "enterprise": "Enterprise",
    "enterprise multi-session": "ServerRdsh",
    "education": "Education",
}


def release_for(version: str) -> WindowsRelease:
    """Resolve a spec's `version` ("2022", "Windows Server 2019", "win11", "10") to a release."""
    text = str(version).strip().lower()
    text = _ALIASES.get(text, text)
    for prefix in ("windows server ", "server ", "ws"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = _ALIASES.get(text, text)
    if text not in RELEASES:
        raise ValueError(f"unknown Windows version {version!r}; known: {', '.join(RELEASES)}")
    return RELEASES[text]


def default_edition(release: WindowsRelease) -> str:
    return "Datacenter" if release.server else "Enterprise"


def edition_id(edition: str) -> str:
    return _EDITION_IDS.get(edition.strip().lower(), edition.replace(" ", ""))


@dataclass(frozen=True)
class LinuxRelease:
    distro: str          # "Ubuntu"
    version: str         # "22.04"
    pretty_name: str     # "Ubuntu 22.04.4 LTS"
    kernel: str          # "5.15.0-1057-azure"


LINUX_RELEASES = {
    ("ubuntu", "20.04"): LinuxRelease("Ubuntu", "20.04", "Ubuntu 20.04.6 LTS", "5.15.0-1061-azure"),
    ("ubuntu", "22.04"): LinuxRelease("Ubuntu", "22.04", "Ubuntu 22.04.4 LTS", "6.5.0-1025-azure"),
    ("ubuntu", "24.04"): LinuxRelease("Ubuntu", "24.04", "Ubuntu 24.04.1 LTS", "6.8.0-1017-azure"),
    ("rhel", "9"): LinuxRelease("RHEL", "9", "Red Hat Enterprise Linux 9.4 (Plow)", "5.14.0-427.13.1.el9_4.x86_64"),
    ("debian", "12"): LinuxRelease("Debian", "12", "Debian GNU/Linux 12", "6.1.0-28-cloud-amd64"),
}


def linux_release_for(distro: str, version: str) -> LinuxRelease:
    key = (str(distro).lower(), str(version))
    if key in LINUX_RELEASES:
        return LINUX_RELEASES[key]
    return LinuxRelease(str(distro), str(version), f"{distro} {version}", "5.15.0-azure")
