"""The fake's VM sizes (fakeazure/compute/models/skus.json): the four families issue 9 names, every size with its
source, and the numbers checked against Learn's size pages (tests/fixtures/sizes/learn.yaml)."""
import os
import re

import pytest
import yaml

from fakeazure.compute.models import skus
from computekit import RG, image_vm  # noqa: F401
from computekit import cc, cloud  # noqa: F401

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "sizes", "learn.yaml"), encoding="utf-8") as _fh:
    LEARN = yaml.safe_load(_fh)["series"]
# Where Azure's record and Learn's page disagree, the table keeps Azure's (size -> (capability, Learn's value)).
LEARN_DISAGREES = {name: ("UncachedDiskIOPS", iops) for name, _, _, _, _, iops, _ in LEARN["Av2"]["rows"]}


def caps(name):
    return skus.data()["by_name"][name.lower()]["caps"]


def test_the_four_families_and_their_sources():
    sizes = skus.data()["virtualMachines"]
    by_letter = {}
    for s in sizes:
        by_letter.setdefault(s["name"].split("_")[1][0], []).append(s["name"])
        assert s["source"] in skus.data()["sources"], s["name"]
    general = sum(len(by_letter.get(x, [])) for x in "ABD")
    assert general >= 100 and len(by_letter["E"]) >= 50 and len(by_letter["F"]) >= 8 and len(by_letter["L"]) >= 15
    assert len(by_letter["M"]) >= 10  # memory: E and M series
    assert len(sizes) == len({s["name"].lower() for s in sizes})


@pytest.mark.parametrize("series", sorted(LEARN))
def test_numbers_agree_with_learn(series):
    for name, vcpus, memory, temp_gib, disks, iops, nics in LEARN[series]["rows"]:
        c = caps(name)
        assert int(c["vCPUs"]) == vcpus and float(c["MemoryGB"]) == float(memory), name
        assert int(c["MaxResourceVolumeMB"]) == temp_gib * 1024 and int(c["MaxDataDiskCount"]) == disks, name
        assert int(c["MaxNetworkInterfaces"]) == nics, name
        if name in LEARN_DISAGREES:
            cap, learn_value = LEARN_DISAGREES[name]
            assert int(c[cap]) != learn_value  # listed as a disagreement: it must still be one
        elif iops is not None:
            assert int(c["UncachedDiskIOPS"]) == iops, name


def test_premium_storage_follows_the_size_name():
    """Azure's naming: an 's' among the additive features (D4s_v5, B2ms, D4as_v5) or a DS/GS-style family letter
    marks premium storage (Learn, "Azure virtual machine sizes naming conventions"; the Dv5 page: "Premium
    Storage: Not Supported"). Azure's own records follow it but for the M-series sizes listed here."""
    recorded_exceptions = {"Standard_M128", "Standard_M128m", "Standard_M64", "Standard_M64m"}
    for s in skus.data()["virtualMachines"]:
        prefix, features = re.match(r"Standard_([A-Z]+)\d+(?:-\d+)?([a-z]*)", s["name"]).groups()
        named = "s" in features or (len(prefix) > 1 and prefix.endswith("S"))
        premium = caps(s["name"])["PremiumIO"] == "True"
        assert premium == (named != (s["name"] in recorded_exceptions)), s["name"]


def test_sizes_shape_what_a_vm_may_be(cloud, cc):
    """The table decides: a Gen2-only size refuses a Gen1 image, an Arm64 size is listed with its architecture, a
    size's data disk limit and temp disk reach vmSizes."""
    assert caps("Standard_B2s_v2")["HyperVGenerations"] == "V2"
    assert caps("Standard_D2ps_v5")["CpuArchitectureType"] == "Arm64"
    gen1 = {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-Datacenter",
            "version": "latest"}
    with pytest.raises(Exception) as err:
        image_vm(cloud, cc, "v1", gen1, size="Standard_B2s_v2")
    assert "cannot boot Hypervisor Generation '1'" in str(err.value)
    listed = {s.name: s for s in cc.virtual_machine_sizes.list("eastus")}
    d2 = listed["Standard_D2s_v3"]
    assert (d2.number_of_cores, d2.memory_in_mb, d2.max_data_disk_count, d2.resource_disk_size_in_mb) == \
        (2, 8192, 4, 16384)
    assert len(listed) == len(skus.data()["virtualMachines"])
    usages = {u.name.value: u for u in cc.usage.list("eastus")}
    assert usages["standardDSv5Family"].name.localized_value == "Standard DSv5 Family vCPUs"

