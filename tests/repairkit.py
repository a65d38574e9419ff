"""Shared set-up for repair tests: an in-process fake cloud, the engine wired to it, and the invariants."""
import tempfile

from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.resource import ResourceManagementClient

from azext_vmbootfix import evidence
from azext_vmbootfix.repair import engine, rescue
from azext_vmbootfix.repair.journal import Journal, journal_path
from fakeazure.cloud import Cloud
from fakeazure.inprocess import WSGIAdapter, sdk_client

SCENARIOS = {"generalized-by-api": ("rg-gen", "app01"), "oobe-stuck": ("rg-oobe", "web01"),
             "oobe-stuck-no-image": ("rg-oobe", "web01"), "oobe-rescue": ("rg-oobe", "web01"),
             "oobe-stuck-gen1-no-image": ("rg-gen1", "web16"), "oobe-stuck-windows11": ("rg-client", "desk01")}
PASSWORD = "Fake-Passw0rd-For-Tests!"


class SimulatedCrash(BaseException):
    """The process dies here: nothing after this line of the engine runs (not an Exception on purpose)."""


class Harness:
    """``profile``: the fake's time profile; "fast" (Azure's time on a virtual clock) unless a test names
    "instant" and says why."""

    def __init__(self, scenario, profile="fast"):
        self.scenario = scenario
        self.rg, self.name = SCENARIOS[scenario]
        self.cloud = Cloud(profile=profile)
        self.cloud.load_scenario(scenario)
        self.compute = sdk_client(self.cloud, ComputeManagementClient)
        self.resources = sdk_client(self.cloud, ResourceManagementClient)
        self.crash_at = None
        self.requests = 0
        self._install_crash_hook()
        self.before = self.inventory()
        self.original = self.compute.virtual_machines.get(self.rg, self.name, expand="instanceView")
        self.path = journal_path(tempfile.mkdtemp(prefix="bootfix-test-"), self.cloud.default_subscription,
                                 self.rg, self.name)

    def _install_crash_hook(self):
        harness = self
        original_send = WSGIAdapter.send

        def send(adapter, request, **kw):
            if adapter.cloud is harness.cloud:
                harness.requests += 1
                if harness.crash_at is not None and harness.requests == harness.crash_at:
                    harness.crash_at = None
                    raise SimulatedCrash("crash before request {}".format(harness.requests))
            return original_send(adapter, request, **kw)

        # bind to this harness's session adapters only
        for client in (self.compute, self.resources):
            for adapter in client._client._pipeline._transport.session.adapters.values():  # pylint: disable=protected-access
                adapter.send = send.__get__(adapter)

    def preflight_clients(self):
        """Pre-flight's clients (permissions, locks, policy, marketplace terms) on this harness's fake."""
        from azure.mgmt.authorization import AuthorizationManagementClient
        from azure.mgmt.marketplaceordering import MarketplaceOrderingAgreements
        from azure.mgmt.policyinsights import PolicyInsightsClient
        from azure.mgmt.resource.locks import ManagementLockClient
        from azext_vmbootfix.repair.preflight import Clients
        cloud = self.cloud
        return Clients(self.compute, resources=self.resources,
                       authorization=lambda sub: sdk_client(cloud, AuthorizationManagementClient, subscription_id=sub),
                       locks=lambda: sdk_client(cloud, ManagementLockClient),
                       policy=lambda: sdk_client(cloud, PolicyInsightsClient),
                       marketplace=lambda: sdk_client(cloud, MarketplaceOrderingAgreements))

    def inventory(self):
        """Every disk, NIC, snapshot and image that exists, by lower-cased id."""
        c = self.cloud
        out = {"disks": {k for k in c.compute.disks}, "nics": set(), "images": set(), "snapshots": set()}
        out["images"] = set(c.compute.images) | set(c.compute.gallery_versions)
        out["snapshots"] = set(c.compute.snapshots)
        out["nics"] = set(c.network.nics)
        return out

    def new_context(self, path="recreate", admin_username="azureadmin"):
        facts = evidence.vm_facts(self.original)
        if path == "rescue":
            params = rescue.rescue_params(self.compute, self.original)
            journal = engine.new_journal(self.path, self.cloud.default_subscription, facts, None, admin_username,
                                         path_name="rescue", rescue=params)
            image_id = None
        else:
            images, _ = evidence.restore_images(self.compute, facts)
            image = [i for i in images if i["generalized"]][0]
            journal = engine.new_journal(self.path, self.cloud.default_subscription, facts, image, admin_username)
            image_id = image["id"]
        journal.save()
        return engine.Context(self.compute, journal, facts, admin_username=admin_username, admin_password=PASSWORD,
                              image_id=image_id, image_generalized=True, sleep=self.cloud.clock.advance,
                              resources=self.resources)

    def reloaded_context(self, admin_password=PASSWORD):
        """What `resume`/`rollback` in a new process would build: only the journal file survives."""
        journal = Journal.load(self.path)
        assert journal is not None, "the journal must survive any failure"
        return engine.context_from_journal(self.compute, journal, admin_password=admin_password,
                                           sleep=self.cloud.clock.advance, resources=self.resources)

    def guest_boot(self):
        """What the simulated guest of the VM showed at its last boot (screen, admins, serial log)."""
        vm = self.cloud.compute.get_vm(self.cloud.default_subscription, self.rg, self.name)
        return vm.boot

    # -- invariants -------------------------------------------------------------------------------
    def assert_nothing_lost(self):
        now = self.inventory()
        for kind in ("nics", "images", "snapshots"):
            lost = self.before[kind] - now[kind]
            assert not lost, "{} lost: {}".format(kind, sorted(lost))
        original_disks = {self.original.storage_profile.os_disk.managed_disk.id.lower()}
        original_disks |= {d.managed_disk.id.lower() for d in self.original.storage_profile.data_disks or []}
        assert original_disks <= now["disks"], "an original disk was lost"
        assert self.before["disks"] <= now["disks"], "a disk was lost"

    def assert_original_restored(self):
        vm = self.compute.virtual_machines.get(self.rg, self.name, expand="instanceView")
        o = self.original
        assert vm.storage_profile.os_disk.managed_disk.id.lower() == o.storage_profile.os_disk.managed_disk.id.lower()
        assert [d.managed_disk.id.lower() for d in vm.storage_profile.data_disks or []] == \
               [d.managed_disk.id.lower() for d in o.storage_profile.data_disks or []]
        assert [n.id.lower() for n in vm.network_profile.network_interfaces] == \
               [n.id.lower() for n in o.network_profile.network_interfaces]
        assert vm.hardware_profile.vm_size == o.hardware_profile.vm_size
        assert (vm.tags or {}) == (o.tags or {})
        codes = lambda v: sorted(s.code for s in v.instance_view.statuses if not s.code.startswith("Provisioning"))
        assert codes(vm) == codes(o)

    def assert_repaired(self, run_id):
        vm = self.compute.virtual_machines.get(self.rg, self.name, expand="instanceView")
        assert (vm.tags or {}).get("vmbootfix-run") == run_id
        assert [n.id.lower() for n in vm.network_profile.network_interfaces] == \
               [n.id.lower() for n in self.original.network_profile.network_interfaces]
        assert vm.instance_view.vm_agent.statuses[0].display_status == "Ready"

    def assert_rescued(self):
        """The same VM, running the run's fixed copy, Windows past OOBE; no rescue VM, NIC or disk left."""
        vm = self.compute.virtual_machines.get(self.rg, self.name, expand="instanceView")
        assert vm.id.lower() == self.original.id.lower()
        assert vm.storage_profile.os_disk.managed_disk.id.lower().endswith("-fixed")
        assert vm.instance_view.vm_agent.statuses[0].display_status == "Ready"
        assert (vm.tags or {}) == (self.original.tags or {})
        now = self.inventory()
        assert not [v for v in self.cloud.compute.vms if "-rescue-" in v]
        assert not [n for n in now["nics"] if "-rescue-" in n]
        assert not [d for d in now["disks"] if "-rescue-" in d]
