"""The marketplace: platform images a VM or a disk is created from, and VM extension images.

Data in ``marketplace.json`` (each SKU names its source: the azure-cli recording Azure's answer was read from,
or the recorded SKU it is modelled on). Publishers, offers, SKUs and versions are compared case-insensitively,
as Azure does (a 2023 recording asked for ``CANONICAL/UBUNTUSERVER/18_04-LTS-GEN2`` and got the image).

Bodies (azure-cli recordings test_vm_image_list_publishers, _offers, _skus, test_vm_image_show, test_vm_redeploy,
test_vm_machine_extension_image, kept in tests/fixtures/marketplace/): lists are bare JSON arrays of
``{location, name, id}`` (SKUs add ``properties.automaticOSUpgradeProperties``, versions with
``$expand=properties`` add ``properties`` and ``extendedLocation``); ids are written in Azure's
``/Subscriptions/.../Providers/Microsoft.Compute/Locations/...`` casing. Lists come sorted by name as strings
(``1.10.0.0`` before ``1.2.0.0``), as recorded; ``latest`` is the highest version by its numbers.

Refusals: an unknown publisher is 404 NotFound "Publisher: X was not found." (recorded for an extension
publisher; the same answer is assumed for image publishers), an unknown offer, SKU or version "Artifact:
VMImage was not found." (vagrant-azure#147, azvmimagebuilder#80), an unknown extension type or version
"Artifact: VMExtension was not found." (wording not verified).
"""
import json
import os

from .. import exceptions

_HERE = os.path.dirname(os.path.abspath(__file__))
_DATA = None


def _load():
    global _DATA
    if _DATA is None:
        with open(os.path.join(_HERE, "marketplace.json"), encoding="utf-8") as fh:
            raw = json.load(fh)
        raw["index"] = {(e["publisher"].lower(), e["offer"].lower(), e["sku"].lower()): Sku(e) for e in raw["images"]}
        raw["ext_index"] = {(e["publisher"].lower(), e["type"].lower()): e for e in raw["extensions"]}
        _DATA = raw
    return _DATA


def version_key(name):
    """A version name's numbers, for ``latest`` (``1.10.0.0`` is newer than ``1.2.0.0``)."""
    return tuple(int(p) if p.isdigit() else 0 for p in str(name).split("."))


class Sku:
    """One image SKU of the catalogue."""

    def __init__(self, raw):
        self.raw = raw
        self.publisher, self.offer, self.sku = raw["publisher"], raw["offer"], raw["sku"]
        self.os_type = raw["os"]
        self.versions = sorted(raw["versions"])  # Azure lists them sorted as strings
        props = raw["properties"]
        self.generation = props.get("hyperVGeneration") or "V1"
        self.architecture = props.get("architecture") or "x64"
        self.features = {f["name"]: f["value"] for f in props.get("features") or []}
        osd = props.get("osDiskImage") or {}
        # the disk made from the image: a VHD's bytes are the disk plus a 512-byte footer
        self.size_gb = int(osd["sizeInBytes"]) // 1024 ** 3 if osd.get("sizeInBytes") else int(osd.get("sizeInGb", 30))
        self.aliases = raw.get("aliases") or []

    @property
    def latest(self):
        return max(self.versions, key=version_key)

    @property
    def security_feature(self):
        """The image's SecurityType feature ('TrustedLaunchSupported', ...) or None (a Gen1 image)."""
        return self.features.get("SecurityType")

    def has_version(self, version):
        return any(v.lower() == str(version).lower() for v in self.versions)

    def version_body(self, subscription, location, version):
        # a recorded version whose properties differ from the newest one's keeps its own
        props = (self.raw.get("versionProperties") or {}).get(version) or self.raw["properties"]
        props = json.loads(json.dumps(props))
        osd = {"operatingSystem": self.os_type}
        osd.update(props.get("osDiskImage") or {})
        props["osDiskImage"] = osd
        return {"properties": props, "location": location, "name": version,
                "id": image_version_id(subscription, location, self.publisher, self.offer, self.sku, version)}


# -- lookups ------------------------------------------------------------------------------------------
def lookup(publisher, offer, sku):
    """The :class:`Sku` of (publisher, offer, sku), or None."""
    return _load()["index"].get(((publisher or "").lower(), (offer or "").lower(), (sku or "").lower()))


def images():
    return list(_load()["index"].values())


def resolve(publisher, offer, sku, version):
    """(Sku, exact version) of an imageReference, or None when the marketplace has no such image."""
    found = lookup(publisher, offer, sku)
    if found is None:
        return None
    if not version or str(version).lower() == "latest":
        return found, found.latest
    return (found, next(v for v in found.versions if v.lower() == str(version).lower())) \
        if found.has_version(version) else None


def _skus_of(publisher=None, offer=None):
    out = [s for s in images() if (publisher is None or s.publisher.lower() == publisher.lower()) and
           (offer is None or s.offer.lower() == offer.lower())]
    if publisher is not None and not any(s.publisher.lower() == publisher.lower() for s in images()) and \
            not any(e["publisher"].lower() == publisher.lower() for e in _load()["extensions"]):
        raise exceptions.NotFound("Publisher: {} was not found.".format(publisher))
    if offer is not None and not out:
        raise exceptions.NotFound("Artifact: VMImage was not found.")
    return out


def _entry(subscription, location, name, *path):
    return {"location": location, "name": name, "id": _base(subscription, location) + "/".join(path)}


def _base(subscription, location):
    return "/Subscriptions/{}/Providers/Microsoft.Compute/Locations/{}/".format(subscription, location)


def _names(items):
    return sorted({i: None for i in items}, key=lambda n: n.lower())


def publisher_list(subscription, location):
    names = _names([s.publisher for s in images()] + [e["publisher"] for e in _load()["extensions"]])
    return [_entry(subscription, location, n, "Publishers", n) for n in names]


def offer_list(subscription, location, publisher):
    skus = _skus_of(publisher)
    return [_entry(subscription, location, o, "Publishers", skus[0].publisher, "ArtifactTypes/VMImage/Offers", o)
            for o in _names([s.offer for s in skus])]


def sku_list(subscription, location, publisher, offer):
    out = []
    for s in sorted(_skus_of(publisher, offer), key=lambda x: x.sku.lower()):
        auto = (s.raw["properties"].get("automaticOSUpgradeProperties") or {"automaticOSUpgradeSupported": False})
        entry = {"properties": {"automaticOSUpgradeProperties": dict(auto)}}
        entry.update(_entry(subscription, location, s.sku, "Publishers", s.publisher, "ArtifactTypes/VMImage/Offers",
                            s.offer, "Skus", s.sku))
        out.append(entry)
    return out


def _sku_of_request(publisher, offer, sku):
    _skus_of(publisher, offer)
    found = lookup(publisher, offer, sku)
    if found is None:
        raise exceptions.NotFound("Artifact: VMImage was not found.")
    return found


def version_list(subscription, location, publisher, offer, sku, top=None, orderby=None, expand=None):
    found = _sku_of_request(publisher, offer, sku)
    names = list(found.versions)
    if orderby and orderby.strip().lower() == "name desc":
        names.reverse()
    if top:
        names = names[:int(top)]
    out = []
    for v in names:
        entry = {}
        if (expand or "").lower().startswith("properties"):
            # $expand=properties (recorded: test_vm_image_list... debian-10 lists); az 2.91 asks for
            # properties/imageDeprecationStatus, whose answer is not recorded (not verified)
            props = found.raw["properties"]
            entry["properties"] = {"hyperVGeneration": found.generation, "architecture": found.architecture,
                                   "replicaType": props.get("replicaType", "Unmanaged"),
                                   "replicaCount": props.get("replicaCount")}
            if "imagedeprecationstatus" in expand.lower() and props.get("imageDeprecationStatus"):
                entry["properties"]["imageDeprecationStatus"] = dict(props["imageDeprecationStatus"])
            entry["extendedLocation"] = None
        entry.update(_entry(subscription, location, v, "Publishers", found.publisher, "ArtifactTypes/VMImage/Offers",
                            found.offer, "Skus", found.sku, "Versions", v))
        out.append(entry)
    return out


def version_get(subscription, location, publisher, offer, sku, version):
    found = _sku_of_request(publisher, offer, sku)
    if not found.has_version(version):
        raise exceptions.NotFound("Artifact: VMImage was not found.")
    exact = next(v for v in found.versions if v.lower() == version.lower())
    return found.version_body(subscription, location, exact)


# -- extension images ---------------------------------------------------------------------------------
def _extensions_of(publisher):
    exts = [e for e in _load()["extensions"] if e["publisher"].lower() == publisher.lower()]
    if not exts and not any(s.publisher.lower() == publisher.lower() for s in images()):
        raise exceptions.NotFound("Publisher: {} was not found.".format(publisher))
    return exts


def _extension(publisher, etype):
    _extensions_of(publisher)
    found = _load()["ext_index"].get((publisher.lower(), etype.lower()))
    if found is None:
        raise exceptions.NotFound("Artifact: VMExtension was not found.")  # wording not verified
    return found


def _ext_path(e, *rest):
    return ("Publishers", e["publisher"], "ArtifactTypes/VMExtension/Types", e["type"]) + rest


def extension_type_list(subscription, location, publisher):
    return [_entry(subscription, location, e["type"], *_ext_path(e))
            for e in sorted(_extensions_of(publisher), key=lambda x: x["type"].lower())]


def extension_version_list(subscription, location, publisher, etype):
    e = _extension(publisher, etype)
    return [_entry(subscription, location, v, *_ext_path(e, "Versions", v)) for v in sorted(e["versions"])]


def extension_version_get(subscription, location, publisher, etype, version):
    e = _extension(publisher, etype)
    exact = next((v for v in e["versions"] if v.lower() == version.lower()), None)
    if exact is None:
        raise exceptions.NotFound("Artifact: VMExtension was not found.")  # wording not verified
    props = {"operatingSystem": e["operatingSystem"]}
    props.update(_load()["extensionProperties"])
    body = {"properties": props}
    body.update(_entry(subscription, location, exact, *_ext_path(e, "Versions", exact)))
    return body


def extension_versions(publisher, etype):
    """The published versions of an extension image ([] when the marketplace has none)."""
    e = _load()["ext_index"].get(((publisher or "").lower(), (etype or "").lower()))
    return list(e["versions"]) if e else []


def extension_latest(publisher, etype):
    """(publisher, type, newest version) of an extension image, or None."""
    e = _load()["ext_index"].get(((publisher or "").lower(), (etype or "").lower()))
    return None if e is None else (e["publisher"], e["type"], max(e["versions"], key=version_key))


# -- the image alias document azure-cli reads ----------------------------------------------------------
def alias_document():
    """The document at the cloud's ``vmImageAliasDoc`` endpoint, in the shape azure-cli reads (a template whose
    ``outputs.aliases.value`` maps OS to alias to {publisher, offer, sku, version, architecture})."""
    value = {"Linux": {}, "Windows": {}}
    for s in images():
        for alias in s.aliases:
            value[s.os_type][alias] = {"publisher": s.publisher, "offer": s.offer, "sku": s.sku, "version": "latest",
                                       "architecture": s.architecture}
    return {"$schema": "http://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json",
            "contentVersion": "1.0.0.0", "parameters": {}, "variables": {}, "resources": [],
            "outputs": {"aliases": {"type": "object", "value": {k: dict(sorted(v.items())) for k, v in value.items()}}}}


# -- ids ----------------------------------------------------------------------------------------------
def image_version_id(subscription, location, publisher, offer, sku, version):
    return _base(subscription, location) + "Publishers/{}/ArtifactTypes/VMImage/Offers/{}/Skus/{}/Versions/{}".format(
        publisher, offer, sku, version)


def platform_image_id(subscription, location, publisher, offer, sku, version):
    return image_version_id(subscription, location, publisher, offer, sku, version)


def parse_platform_image_id(rid):
    """(publisher, offer, sku, version) from a platform image id, or None."""
    parts = [p for p in (rid or "").split("/") if p]
    low = [p.lower() for p in parts]
    try:
        return (parts[low.index("publishers") + 1], parts[low.index("offers") + 1],
                parts[low.index("skus") + 1], parts[low.index("versions") + 1])
    except (ValueError, IndexError):
        return None
