"""Every operation the spec (the Azure SDK generated from it) and the stock az define for a resource type the fake
serves has a route: no 404 InvalidResourceType and no 405 where Azure has the method.

The operations are the (method, URL template) pairs in tests/fixtures/operations/operations.txt, read from the
installed azure-mgmt-compute and azure-mgmt-resource and from azure-cli's aaz command modules (vm, network) by
tests/fixtures/operations/collect.py. The type of a request is the replay's classifier's
(tests/replay/armpath.py); a type is served when one of the fake's routes has it.
"""
import os
import re

import pytest

from fakeazure.cloud import Cloud
from replay import armpath

OPERATIONS = os.path.join(os.path.dirname(__file__), "..", "fixtures", "operations", "operations.txt")

# Operations of served types the fake does not route yet, each with the reason. Nothing else may be missing.
NOT_ROUTED = {
    ("POST", "galleries/{galleryName}/share"): "the gallery sharing of the fake-arm workstream (issue 9, D5/K5)",
    ("POST", "virtualNetworks/{virtualNetworkName}/moveIpConfigurations"):
        "a preview operation (api 2025-09-01, az network vnet move-ip-configurations); not modelled",
    ("POST", "resourceGroups/{sourceResourceGroupName}/moveResources"): "fake-arm workstream (issue 9, D5)",
    ("POST", "resourceGroups/{sourceResourceGroupName}/validateMoveResources"): "fake-arm workstream (issue 9, D5)",
    ("POST", "resourcegroups/{resourceGroupName}/exportTemplate"): "fake-arm workstream (issue 9, D5)",
}
# deployments at management-group, tenant and subscription scope: the fake-arm workstream (issue 9, D5)
NOT_ROUTED_TYPES = {"microsoft.resources/deployments", "microsoft.resources/deployments/operations"}


def _operations():
    out = []
    with open(OPERATIONS, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#") and line.strip():
                method, url, where = line.split(" ", 2)
                out.append((method, url, where.strip()))
    return out


@pytest.fixture(scope="module")
def cloud():
    return Cloud("fast")


def served_types(cloud):
    out = set()
    for route in cloud.router.routes:
        kind = armpath.classify(route.method, route.template) if route.resource_type else None
        if kind:
            out.add(kind[1].lower())
    return out


def _excused(method, url, rtype):
    if rtype.lower() in NOT_ROUTED_TYPES:
        return True
    return any(method == m and url.endswith(tail) for m, tail in NOT_ROUTED)


def test_every_operation_of_a_served_type_is_routed(cloud):
    served = served_types(cloud)
    checked, missing = 0, []
    for method, url, where in _operations():
        kind = armpath.classify(method, url)
        if kind is None or kind[1].lower() not in served:
            continue
        route, allowed = cloud.router.match(method, re.sub(r"\{[^}]+\}", "x1", url))
        checked += 1
        if route is None and not _excused(method, url, kind[1]):
            missing.append("{} {} ({}; {})".format(method, url, "405" if allowed else "404", where))
    assert checked > 150, "the operation list lost its served types"  # 181 when written
    assert not missing, "\n".join(missing)


def test_the_list_covers_what_this_issue_adds(cloud):
    """The operations issue 9 names are in the list the test judges (a list that lost them would pass anyway)."""
    names = {(m, url.split("/providers/")[-1]) for m, url, _ in _operations()}
    for wanted in [("POST", "Microsoft.Compute/disks/{diskName}/beginGetAccess"),
                   ("PATCH", "Microsoft.Compute/virtualMachines/{vmName}/runCommands/{runCommandName}"),
                   ("PUT", "Microsoft.Compute/virtualMachines/{vmName}/extensions/{vmExtensionName}"),
                   ("POST", "Microsoft.Compute/virtualMachines/{vmName}/redeploy")]:
        assert wanted in names, wanted
