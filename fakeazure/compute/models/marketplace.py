"""A small marketplace: platform images a VM or a disk can be created from.

Each entry maps (publisher, offer, sku), compared case-insensitively, to the guest a fresh disk of that
image holds (a generalized disk: :func:`fakeazure.guest.guest_from_spec` builds it), the OS type, the
Hyper-V generation and the version Azure reports as ``exactVersion``.
"""

_W = "MicrosoftWindowsServer", "WindowsServer"


def _win(sku, version, gen, exact):
    return ((_W[0], _W[1], sku), {"os_type": "Windows", "generation": gen, "exact_version": exact,
                                  "size_gb": 127,
                                  # EMS/SAC on (Learn, "Azure Serial Console for Windows": newer Windows Server
                                  # images on Azure have SAC enabled by default), so a VM from one has SAC in
                                  # its serial log
                                  "guest": {"os": "windows", "version": version, "edition": "Datacenter",
                                            "generation": gen, "state": "generalized", "ems": True}})


def _desktop(offer, sku, version, edition, gen, exact):
    return (("MicrosoftWindowsDesktop", offer, sku), {"os_type": "Windows", "generation": gen, "exact_version": exact,
                                                      "size_gb": 127,
                                                      "guest": {"os": "windows", "version": version,
                                                                "edition": edition, "generation": gen,
                                                                "state": "generalized"}})


def _lin(publisher, offer, sku, distro, version, gen, exact):
    return ((publisher, offer, sku), {"os_type": "Linux", "generation": gen, "exact_version": exact,
                                      "size_gb": 30,
                                      "guest": {"os": "linux", "distro": distro, "version": version,
                                                "generation": gen, "state": "generalized"}})


IMAGES = dict([
    _win("2022-datacenter-azure-edition", "2022", "V2", "20348.2849.241106"),
    _win("2022-datacenter-azure-edition-hotpatch", "2022", "V2", "20348.2849.241106"),
    _win("2022-datacenter-g2", "2022", "V2", "20348.2849.241106"),
    _win("2022-datacenter", "2022", "V1", "20348.2849.241106"),
    _win("2019-datacenter-gensecond", "2019", "V2", "17763.6532.241101"),
    _win("2019-datacenter", "2019", "V1", "17763.6532.241101"),
    _win("2016-datacenter-gensecond", "2016", "V2", "14393.7515.241106"),
    _win("2016-datacenter", "2016", "V1", "14393.7515.241106"),
    _desktop("windows-11", "win11-23h2-pro", "win11", "Pro", "V2", "22631.4317.241012"),
    _lin("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2", "ubuntu", "22.04", "V2", "22.04.202411060"),
    _lin("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts", "ubuntu", "22.04", "V1", "22.04.202411060"),
    _lin("Canonical", "ubuntu-24_04-lts", "server", "ubuntu", "24.04", "V2", "24.04.202411030"),
    _lin("Canonical", "0001-com-ubuntu-server-focal", "20_04-lts-gen2", "ubuntu", "20.04", "V2", "20.04.202410020"),
    _lin("Debian", "debian-12", "12-gen2", "debian", "12", "V2", "0.20241111.1927"),
    _lin("RedHat", "RHEL", "9-lvm-gen2", "rhel", "9", "V2", "9.4.2024081414"),
])
_INDEX = {tuple(p.lower() for p in k): v for k, v in IMAGES.items()}


def lookup(publisher, offer, sku):
    """The image entry for (publisher, offer, sku), or None."""
    return _INDEX.get(((publisher or "").lower(), (offer or "").lower(), (sku or "").lower()))


def platform_image_id(subscription, location, publisher, offer, sku, version):
    return ("/Subscriptions/{}/Providers/Microsoft.Compute/Locations/{}/Publishers/{}/ArtifactTypes/VMImage/"
            "Offers/{}/Skus/{}/Versions/{}").format(subscription, location, publisher, offer, sku, version)


def parse_platform_image_id(rid):
    """(publisher, offer, sku, version) from a platform image id, or None."""
    parts = [p for p in (rid or "").split("/") if p]
    low = [p.lower() for p in parts]
    try:
        return (parts[low.index("publishers") + 1], parts[low.index("offers") + 1],
                parts[low.index("skus") + 1], parts[low.index("versions") + 1])
    except (ValueError, IndexError):
        return None
