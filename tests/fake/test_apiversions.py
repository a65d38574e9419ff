import json
import os

import pytest

from fakeazure.core import apiversions
from fakeazure.core.apiversions import ApiVersionError, check, supported

# What azure-cli 2.91 sends, per type.
CLI_SENDS = [
    ("Microsoft.Compute/virtualMachines", "2026-04-01"),      # vm show / update
    ("Microsoft.Compute/virtualMachines", "2024-11-01"),      # vm delete / stop
    ("Microsoft.Compute/virtualMachines", "2025-11-01"),      # vm deallocate
    ("Microsoft.Compute/virtualMachines", "2022-11-01"),      # vm start / generalize
    ("Microsoft.Compute/virtualMachines", "2024-07-01"),      # retrieveBootDiagnosticsData
    ("Microsoft.Compute/virtualMachines/instanceView", "2026-04-01"),
    ("Microsoft.Compute/virtualMachines/runCommands", "2024-11-01"),
    ("Microsoft.Compute/images", "2024-07-01"),               # image create
    ("Microsoft.Compute/images", "2024-11-01"),               # image show
    ("Microsoft.Compute/disks", "2025-01-02"),
    ("Microsoft.Compute/snapshots", "2025-01-02"),
    ("Microsoft.Compute/disks", "2023-04-02"),                # SDK profile
    ("Microsoft.Compute/snapshots", "2023-10-02"),            # SDK profile
    ("Microsoft.Compute/galleries", "2021-10-01"),
    ("Microsoft.Compute/galleries/images/versions", "2024-03-03"),
    ("Microsoft.Compute/skus", "2019-04-01"),
    ("Microsoft.Compute/availabilitySets", "2025-04-01"),
    ("Microsoft.Compute/locations/DiskOperations", "2025-01-02"),
    ("Microsoft.Compute/locations/capsOperations", "2024-03-03"),
    ("Microsoft.Compute/locations/operations", "2026-04-01"),
    ("Microsoft.Network/networkInterfaces", "2023-11-01"),
    ("Microsoft.Network/publicIPAddresses", "2025-09-01"),
    ("Microsoft.Network/virtualNetworks", "2025-07-01"),
    ("Microsoft.Network/virtualNetworks/subnets", "2024-07-01"),
    ("Microsoft.Network/networkSecurityGroups", "2022-01-01"),
    ("Microsoft.Resources/resourceGroups", "2024-11-01"),
    ("Microsoft.Resources/subscriptions", "2022-12-01"),
    ("Microsoft.Authorization/locks", "2016-09-01"),
    ("metadata/endpoints", "2022-09-01"),
]


@pytest.mark.parametrize("rtype,version", CLI_SENDS)
def test_cli_versions_accepted(rtype, version):
    assert version in supported(rtype)
    check(rtype, version)


def test_services_have_distinct_sets():
    assert "2025-01-02" in supported("Microsoft.Compute/disks")
    assert "2025-01-02" not in supported("Microsoft.Compute/virtualMachines")
    assert "2024-03-03" not in supported("Microsoft.Compute/disks")
    assert "2020-06-01" in supported("Microsoft.Compute/virtualMachines/runCommands")
    assert "2019-07-01" not in supported("Microsoft.Compute/virtualMachines/runCommands")
    assert supported("Microsoft.Compute/virtualMachines/instanceView") == supported("Microsoft.Compute/virtualMachines")


def test_lists_sorted_and_unique():
    path = os.path.join(os.path.dirname(apiversions.__file__), "api_versions.json")
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    assert "_sources" in data and "_notes" in data
    for key, versions in data.items():
        if key.startswith("_"):
            continue
        assert versions == sorted(set(versions)), key


def test_case_insensitive_lookup():
    assert supported("microsoft.compute/VIRTUALMACHINES") == supported("Microsoft.Compute/virtualMachines")
    check("MICROSOFT.NETWORK/networkinterfaces", "2022-01-01")
    assert supported("Microsoft.Compute/noSuchThing") is None
    assert supported("_notes") is None


def test_made_up_version_on_provider_type():
    with pytest.raises(ApiVersionError) as exc:
        check("Microsoft.Compute/virtualMachines", "2099-01-01", location="eastus")
    err = exc.value
    assert err.code == "NoRegisteredProviderFound" and err.status == 400
    assert err.message.startswith(
        "No registered resource provider found for location 'eastus' and API version '2099-01-01' "
        "for type 'virtualMachines'. The supported api-versions are '2015-06-15, ")
    assert "2026-04-01'. The supported locations are '" in err.message


def test_made_up_version_on_arm_owned_type():
    with pytest.raises(ApiVersionError) as exc:
        check("Microsoft.Resources/resourceGroups", "2099-01-01")
    err = exc.value
    assert err.code == "InvalidApiVersionParameter" and err.status == 400
    assert err.message.startswith("The api-version '2099-01-01' is invalid. The supported versions are '2025-04-01,")
    assert "supported locations" not in err.message


@pytest.mark.parametrize("missing", [None, ""])
def test_missing_version(missing):
    with pytest.raises(ApiVersionError) as exc:
        check("Microsoft.Compute/disks", missing)
    assert exc.value.code == "MissingApiVersionParameter"
    assert exc.value.message == "The api-version query parameter (?api-version=) is required for all requests."


@pytest.mark.parametrize("bad", ["latest", "2024-1-1", "2024-11-01-foo", "20241101", "2024-11-01preview"])
def test_malformed_version(bad):
    with pytest.raises(ApiVersionError) as exc:
        check("Microsoft.Compute/virtualMachines", bad)
    assert exc.value.code == "InvalidApiVersionParameter"
    assert exc.value.message.startswith("The api-version '%s' is invalid. The supported versions are '" % bad)


def test_well_formed_suffixes_and_unknown_type():
    check("Microsoft.Compute/noSuchThing", "2024-03-01-preview")
    check("Microsoft.Compute/noSuchThing", "2024-03-01-privatepreview")
    with pytest.raises(ApiVersionError):
        check("Microsoft.Compute/noSuchThing", "soon")
