"""``Cloud.reset()`` drops all state: every backend is made anew, and each makes its state in ``__init__``
(the Compute throttling counters used to live on the Cloud and survived a reset)."""
from fakeazure.cloud import Cloud
from fakeazure.inprocess import BASE_URL, session

VM = "/subscriptions/{}/resourceGroups/rg-healthy/providers/Microsoft.Compute/virtualMachines/app01"


def _remaining(cloud, s):
    r = s.get(BASE_URL + VM.format(cloud.default_subscription), params={"api-version": "2024-07-01"},
              headers={"Authorization": "Bearer " + cloud.identity.mint()[0]})
    assert r.status_code == 200
    return r.headers["x-ms-ratelimit-remaining-resource"]


def test_reset_restarts_the_compute_throttling_counters():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("healthy-windows")
    s = session(cloud)
    first = _remaining(cloud, s)
    assert first == "Microsoft.Compute/LowCostGetSubscriptionMaximum;23999,Microsoft.Compute/LowCostGetResource;35"
    for _ in range(3):
        _remaining(cloud, s)
    assert _remaining(cloud, s).endswith("LowCostGetResource;31")
    cloud.reset()
    cloud.load_scenario("healthy-windows")
    assert _remaining(cloud, s) == first


def test_reset_drops_guest_operations_quotas_and_resources():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("healthy-windows")
    sub = cloud.default_subscription
    cloud.compute.begin_run_command(sub, "rg-healthy", "app01", {"commandId": "RunPowerShellScript",
                                                                  "script": ["hostname"]})
    cloud.compute.retrieve_boot_diagnostics_data(sub, "rg-healthy", "app01", 5, BASE_URL)
    cloud.compute.quotas.set(sub, "eastus", "cores", 4)
    assert cloud.compute.history and cloud.compute.last_boot and cloud.compute.vms
    cloud.reset()
    compute = cloud.compute
    assert (compute.history, compute.last_boot, compute.running, compute.run_commands, compute.vms) == ([], {}, {},
                                                                                                       {}, {})
    assert compute.quotas.limit(sub, "eastus", "cores") == 100
    assert not cloud.network.nics and not cloud.resources.groups
