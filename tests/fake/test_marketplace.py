"""The marketplace (platform images, extension images) and the image alias document, compared with Azure's
answers kept in tests/fixtures/marketplace/recorded.yaml and with the alias list of the installed azure-cli."""
import json
import os

import pytest
import yaml
from azure.cli.command_modules.vm._alias import alias_json
from azure.core.exceptions import HttpResponseError

from fakeazure.compute.models import marketplace
from computekit import RG, image_vm, raw  # noqa: F401
from computekit import cc, cloud  # noqa: F401
from test_disk_access import keys

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "marketplace", "recorded.yaml"),
          encoding="utf-8") as _fh:
    RECORDED = yaml.safe_load(_fh)["entries"]
AZ_ALIASES = json.loads(alias_json)["outputs"]["aliases"]["value"]


def recorded(kind, contains=""):
    return next(e for e in RECORDED if e["kind"] == kind and contains in e["request"])


def ask(cloud, entry, api="2022-11-01"):
    """The recorded request, sent to the fake in its own subscription."""
    path = entry["request"].split(" ", 1)[1].split("?")[0]
    query = entry["request"].split("?", 1)[1] if "?" in entry["request"] else ""
    query = "&".join(p for p in query.split("&") if p and not p.startswith("api-version"))
    path = path.replace("00000000-0000-0000-0000-000000000000", cloud.default_subscription)
    return raw(cloud, "GET", path + ("?" + query.replace("%20", " ") if query else ""), api=api)


def mine(cloud, body):
    return json.loads(json.dumps(body).replace("00000000-0000-0000-0000-000000000000", cloud.default_subscription))


@pytest.mark.parametrize("contains", ["debian-10", "smalldisk-g2", "CentOS", "2022-Datacenter"])
def test_image_versions_as_azure_answered(cloud, contains):
    entry = recorded("version", contains)
    r = ask(cloud, entry)
    assert r.status_code == entry["status"] == 200
    assert r.json() == mine(cloud, entry["body"])
    assert r.text.startswith("{\r\n  ")  # pretty-printed as Compute answers single resources


def test_latest_version_and_expanded_lists(cloud):
    entry = recorded("latest", "debian-10")
    got = ask(cloud, entry).json()
    assert len(got) == 1 and set(got[0]) == set(entry["body"][0])
    assert got[0]["name"] == marketplace.lookup("Debian", "debian-10", "10").latest
    entry = recorded("expand")
    got = ask(cloud, entry).json()
    assert [v["name"] for v in got] == [v["name"] for v in entry["body"]] or len(got) <= len(entry["body"])
    assert keys(got) == keys(entry["body"])


@pytest.mark.parametrize("kind", ["publishers", "offers", "skus"])
def test_lists_have_azures_elements(cloud, kind):
    entry = recorded(kind)
    r = ask(cloud, entry)
    assert r.status_code == 200 and isinstance(r.json(), list) and r.json()
    assert keys(r.json()) == keys(entry["body"])
    names = [e["name"] for e in r.json()]
    assert names == sorted(names, key=str.lower)


def test_extension_images_as_azure_answered(cloud):
    entry = recorded("ext-version")
    assert ask(cloud, entry).json() == mine(cloud, entry["body"])
    entry = recorded("ext-versions")
    got = [v["name"] for v in ask(cloud, entry).json()]
    assert got[:len(entry["body"])] == [v["name"] for v in entry["body"]]  # sorted as strings: 1.10 before 1.2
    assert keys(ask(cloud, recorded("ext-types")).json()) == keys(recorded("ext-types")["body"])
    assert marketplace.extension_latest("Microsoft.Azure.Diagnostics", "IaaSDiagnostics")[2] == "1.22.0.1"


def test_unknown_artifacts_are_azures_404(cloud):
    entry = recorded("unknown-publisher")
    r = ask(cloud, entry)
    assert r.status_code == entry["status"] == 404 and r.json() == entry["body"]
    base = "/subscriptions/{}/providers/Microsoft.Compute/locations/eastus/publishers/Debian/artifacttypes/vmimage" \
           "/offers".format(cloud.default_subscription)
    for path in ("/nope/skus", "/debian-10/skus/nope/versions", "/debian-10/skus/10/versions/0.0.1"):
        r = raw(cloud, "GET", base + path, api="2022-11-01")
        # seen: vagrant-azure#147 (a version), azvmimagebuilder#80 (the versions of an unknown SKU)
        assert r.status_code == 404 and r.json() == {"error": {"code": "NotFound",
                                                               "message": "Artifact: VMImage was not found."}}


def test_alias_document_has_every_alias_azure_cli_knows(cloud):
    r = raw(cloud, "GET", "/arm-compute/quickstart-templates/aliases.json")
    assert r.status_code == 200
    served = r.json()["outputs"]["aliases"]["value"]
    assert served == AZ_ALIASES  # same names, same publisher/offer/sku/version/architecture
    for os_type, aliases in served.items():
        for alias, ref in aliases.items():
            sku = marketplace.lookup(ref["publisher"], ref["offer"], ref["sku"])
            assert sku is not None and sku.os_type == os_type and sku.architecture == ref["architecture"], alias


@pytest.mark.parametrize("alias", sorted(a for v in AZ_ALIASES.values() for a in v if "Arm64" not in a))
def test_a_vm_boots_from_every_alias(cloud, cc, alias):
    ref = next(v[alias] for v in AZ_ALIASES.values() if alias in v)
    ref = {k: ref[k] for k in ("publisher", "offer", "sku", "version")}
    vm = image_vm(cloud, cc, "vm1", ref).result()
    sku = marketplace.lookup(ref["publisher"], ref["offer"], ref["sku"])
    assert vm.provisioning_state == "Succeeded"
    assert vm.storage_profile.image_reference.exact_version == sku.latest
    assert vm.storage_profile.os_disk.os_type == sku.os_type and vm.storage_profile.os_disk.disk_size_gb == sku.size_gb
    assert cc.virtual_machines.instance_view(RG, "vm1").hyper_v_generation == sku.generation


def test_a_named_version_and_an_unknown_one(cloud, cc):
    ref = {"publisher": "Debian", "offer": "debian-10", "sku": "10", "version": "0.20230222.1299"}
    assert image_vm(cloud, cc, "vm1", ref).result().storage_profile.image_reference.exact_version == ref["version"]
    with pytest.raises(HttpResponseError) as err:
        image_vm(cloud, cc, "vm2", dict(ref, version="0.0.1"))
    assert err.value.error.code == "PlatformImageNotFound" and "Debian:debian-10:10:0.0.1" in err.value.error.message


def test_the_images_the_recordings_presuppose(cloud, cc):
    """F1: the fidelity pack's VMs come from CentOS 7.5 and Debian 10 (DISAGREEMENTS.md)."""
    for ref in ({"publisher": "OpenLogic", "offer": "CentOS", "sku": "7.5", "version": "latest"},
                {"publisher": "Debian", "offer": "debian-10", "sku": "10", "version": "latest"}):
        assert image_vm(cloud, cc, "vm-" + ref["offer"].lower(), ref).result().provisioning_state == "Succeeded"


def test_every_sku_names_its_source():
    for sku in marketplace.images():
        source = sku.raw["source"]
        assert source.startswith(("recorded: Azure/azure-cli src/", "modelled on the recorded ")), sku.sku
        if source.startswith("modelled"):  # the SKU it is modelled on is itself recorded
            model = marketplace.lookup(*source.split("modelled on the recorded ")[1].split(" ")[0].split(":"))
            assert model is not None and model.raw["source"].startswith("recorded"), sku.sku
