"""Shared set-up for repair tests: an in-process fake cloud, the engine wired to it, and the invariants.

    h = Harness("generalized-with-data-disks", canary=secret_canary)
    ctx = h.new_context()                 # recreate plan (or "rescue"), journal saved
    engine.apply(ctx)                     # in-process
    h.apply_in_child(ctx, crash_at=7)     # in a child process killed at its 7th request (tests/childrun.py)
    h.assert_nothing_lost(); h.assert_repaired(ctx.run_id)   # whole-model invariants (tests/vmmodel.py)

Progress messages go to the ``vmbootfix.progress`` logger (as the CLI's go to its logger) and to
``h.progress_messages``, so the secret canary (tests/canary.py) sees them.
"""
import logging
import tempfile

from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.resource import ResourceManagementClient

import vmmodel
from azext_vmbootfix import evidence
from azext_vmbootfix.repair import engine, rescue
from azext_vmbootfix.repair.journal import Journal, journal_path
from childrun import run_in_child
from fakeazure.cloud import Cloud
from fakeazure.inprocess import WSGIAdapter, sdk_client

SCENARIOS = {"generalized-by-api": ("rg-gen", "app01"), "oobe-stuck": ("rg-oobe", "web01"),
             "oobe-stuck-no-image": ("rg-oobe", "web01"), "oobe-rescue": ("rg-oobe", "web01"),
             "oobe-stuck-gen1-no-image": ("rg-gen1", "web16"), "oobe-stuck-windows11": ("rg-client", "desk01"),
             "generalized-with-data-disks": ("rg-data", "app02"),
             "generalized-disks-and-public-ip": ("rg-disks", "app03"),
             "generalized-in-availability-set": ("rg-avset", "app04"), "generalized-spot": ("rg-spot", "batch01"),
             "generalized-marketplace-plan": ("rg-plan", "ds01"), "oobe-stuck-trusted-launch": ("rg-oobe-tl", "web02"),
             "oobe-stuck-localized": ("rg-intl", "web05"),
             "could-not-complete-installation": ("rg-undeployable", "img01"),
             "oobe-stuck-undeployable": ("rg-oobe-ud", "web06")}
PASSWORD = "Fake-Passw0rd-For-Tests!"  # only for tests that do not check secrets; the others use the canary
BACKUP_ROLE = "backup"
SAME = object()
PROGRESS = logging.getLogger("vmbootfix.progress")

# What a repaired VM may not share with the original (a new resource, the image's OS disk), with the reason.
REPAIRED_DIFFERS = dict(vmmodel.RECREATED, **{
    r"properties\.storageProfile\.osDisk\.diskSizeGB$": "the new OS disk has the image's size",
    r"properties\.osProfile\.windowsConfiguration\.patchSettings": "Azure fills patchSettings on create; the "
                                                                   "scenario's VM was loaded without them",
    r"properties\.storageProfile\.imageReference\.": "the image the VM was recreated from (checked apart)",
    r"properties\.instanceView\.": "the recreated VM runs (checked apart: power, agent, no OSState)",
})
# What a VM brought back from its own disks (createOption Attach) cannot have again: Azure keeps no
# osProfile or imageReference for an attached OS disk.
REATTACHED_DIFFERS = dict(vmmodel.RECREATED, **{
    r"properties\.osProfile\.": "a VM made from an attached OS disk has no osProfile",
    r"properties\.storageProfile\.imageReference\.": "a VM made from an attached OS disk has no imageReference",
    r"properties\.storageProfile\.osDisk\.createOption$": "Attach instead of FromImage",
    r"properties\.instanceView\.(computerName|osName|osVersion|vmAgent)": "the guest's own report (checked apart)",
})


class Harness:
    """``canary``: the test's ``secret_canary`` (tests/canary.py): its password is the admin password, and the
    cloud and the journal folder are scanned for it after the test. ``profile``: the fake's time profile; "fast"
    (Azure's time on a virtual clock) unless a test names "instant" and says why."""

    def __init__(self, scenario, canary=None, password=PASSWORD, profile="fast"):
        self.scenario = scenario
        self.password = canary.password if canary is not None else password
        self.rg, self.name = SCENARIOS[scenario]
        self.cloud = Cloud(profile=profile)
        self.cloud.load_scenario(scenario)
        self.compute = sdk_client(self.cloud, ComputeManagementClient)
        self.resources = sdk_client(self.cloud, ResourceManagementClient)
        self.requests = 0
        self.progress_messages = []
        self._install_request_counter()
        self.before = self.inventory()
        self.kept_backups = set()  # the run's backup snapshots once seen: they must never go
        self.original = self.compute.virtual_machines.get(self.rg, self.name, expand="instanceView")
        self.original_model = vmmodel.snapshot(self.cloud, self.rg, self.name)
        folder = tempfile.mkdtemp(prefix="bootfix-test-")
        self.path = journal_path(folder, self.cloud.default_subscription, self.rg, self.name)
        if canary is not None:
            canary.watch_cloud(self.cloud)
            canary.watch_tree(folder)

    def _install_request_counter(self):
        harness = self
        original_send = WSGIAdapter.send

        def send(adapter, request, **kw):
            harness.requests += 1
            return original_send(adapter, request, **kw)

        for client in (self.compute, self.resources):  # this harness's session adapters only
            session = client._client._pipeline._transport.session  # pylint: disable=protected-access
            for adapter in session.adapters.values():
                adapter.send = send.__get__(adapter)

    def progress(self, message):
        self.progress_messages.append(message)
        PROGRESS.warning(message)

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
        return {"disks": set(c.compute.disks), "nics": set(c.network.nics), "snapshots": set(c.compute.snapshots),
                "images": set(c.compute.images) | set(c.compute.gallery_versions)}

    def new_context(self, path="recreate", admin_username="azureadmin", **rescue_extra):
        """``path``: recreate, rescue or nested (``rescue_extra``: the nested method's bastion/allowCidr)."""
        facts = evidence.vm_facts(self.original)
        if path in ("rescue", "nested"):
            params = dict(rescue.rescue_params(self.compute, self.original), **rescue_extra)
            journal = engine.new_journal(self.path, self.cloud.default_subscription, facts, None, admin_username,
                                         path_name=path, rescue=params)
            image_id = None
        else:
            images, problems = evidence.restore_images(self.compute, facts)
            assert not problems, problems
            image = ([i for i in images if i["generalized"]] or  # as the CLI picks (repair/cli.py _pick_image)
                     [i for i in images if i.get("kind") == "galleryImageVersion"])[0]
            journal = engine.new_journal(self.path, self.cloud.default_subscription, facts, image, admin_username)
            image_id = image["id"]
        journal.save()
        generalized = image_id is None or bool(image.get("generalized"))  # the rescue paths: True
        return engine.Context(self.compute, journal, facts, admin_username=admin_username,
                              admin_password=self.password, image_id=image_id, image_generalized=generalized,
                              sleep=self.cloud.clock.advance, resources=self.resources, progress=self.progress,
                              clock=self.cloud.clock.now)

    def reloaded_context(self, admin_password=SAME):
        """What `resume`/`rollback` in a new process would build: only the journal file survives. The admin
        password is the harness's unless given (None: resumed without one)."""
        journal = Journal.load(self.path)
        assert journal is not None, "the journal must survive any failure"
        return engine.context_from_journal(
            self.compute, journal, admin_password=self.password if admin_password is SAME else admin_password,
            sleep=self.cloud.clock.advance, resources=self.resources, progress=self.progress,
            clock=self.cloud.clock.now)

    def apply_in_child(self, ctx, crash_at=None, crash_after=False, skip_polls=False):
        """``engine.apply(ctx)`` in a child process (tests/childrun.py); a RepairError comes back as
        ``outcome == "failed"`` with its message in ``error``. ``skip_polls``: ``crash_at`` counts only the
        requests that are not polls of an operation."""
        def body(remote):
            ctx.compute = remote.client(ComputeManagementClient)
            ctx.resources = remote.client(ResourceManagementClient)
            ctx.sleep = remote.sleep
            ctx.clock = remote.now
            try:
                return engine.apply(ctx)["status"]
            except engine.RepairError as exc:
                return ("failed", str(exc))
        result = run_in_child(self.cloud, body, crash_at=crash_at, crash_after=crash_after, skip_polls=skip_polls)
        if result.outcome == "raised":
            raise AssertionError("the child raised {}: {}\n{}".format(*result.error))
        if isinstance(result.value, tuple):
            result.outcome, result.error = result.value
        return result

    def guest_boot(self):
        """What the simulated guest of the VM showed at its last boot (screen, admins, serial log)."""
        vm = self.cloud.compute.get_vm(self.cloud.default_subscription, self.rg, self.name)
        return vm.boot

    def model(self):
        return vmmodel.snapshot(self.cloud, self.rg, self.name)

    # -- invariants -------------------------------------------------------------------------------
    def backups(self):
        """The run's backup snapshots that exist, made (a copy still in flight, which may yet fail and vanish as
        Azure drops a failed create, is not a backup yet)."""
        return {k for k, s in self.cloud.compute.snapshots.items()
                if (s.tags or {}).get("vmbootfix-role") == BACKUP_ROLE and
                (getattr(s, "provisioning_state", None) or "Succeeded") == "Succeeded"}

    def assert_nothing_lost(self):
        """Nothing that existed before is gone, and no backup snapshot of the run, once made, is gone."""
        now = self.inventory()
        for kind in ("nics", "images", "snapshots", "disks"):
            lost = self.before[kind] - now[kind]
            assert not lost, "{} lost: {}".format(kind, sorted(lost))
        original_disks = {self.original.storage_profile.os_disk.managed_disk.id.lower()}
        original_disks |= {d.managed_disk.id.lower() for d in self.original.storage_profile.data_disks or []}
        assert original_disks <= now["disks"], "an original disk was lost"
        gone = self.kept_backups - now["snapshots"]
        assert not gone, "the run's backup snapshot was deleted: {}".format(sorted(gone))
        self.kept_backups |= self.backups()

    def assert_original_restored(self, ignore=None):
        """The VM as it was, property by property (vmmodel), brought back from its own disks if it was
        deleted; nothing the run made is attached to it."""
        now = self.model()
        recreated = now is not None and now["properties.vmId"] != self.original_model["properties.vmId"]
        ignored = dict(REATTACHED_DIFFERS if recreated else {}, **(ignore or {}))
        vmmodel.assert_same(self.original_model, now, ignore=ignored, what="the rolled-back VM")
        if recreated:  # what the guest reports comes back with the same disk
            for path in ("properties.instanceView.statuses[PowerState].code",
                         "properties.instanceView.statuses[OSState].code"):
                assert now.get(path) == self.original_model.get(path), path

    def assert_repaired(self, run_id, image_id=None, restored=True, ignore=None, expect=None):
        """The original VM's model with exactly the recreate path's changes: a new OS disk from the image, every
        data disk and NIC kept at its LUN/position, every deleteOption (the new OS disk's too) as the original
        VM had it (restored as the run's last step; with ``restored`` False, before that step: all Detach), the
        run's tag."""
        o = self.original_model
        run8 = run_id.replace("-", "")[:8]
        disk = "{}-bootfix-{}-osdisk".format(self.name, run8)[:80]
        disk_id = "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/disks/{}".format(
            self.cloud.default_subscription, self.rg, disk)
        expect_more = expect
        expect = {"tags.vmbootfix-run": run_id, "properties.storageProfile.osDisk.name": disk,
                  "properties.storageProfile.osDisk.managedDisk.id": disk_id,
                  "properties.osProfile.adminUsername": "azureadmin"}
        for path in o if not restored else ():
            if path.endswith(".deleteOption") and (path.startswith("properties.storageProfile.") or
                                                   path.startswith("properties.networkProfile.")):
                expect[path] = "Detach"
        expect.update(expect_more or {})
        now = self.model()
        vmmodel.assert_same(o, now, expect=expect, ignore=dict(REPAIRED_DIFFERS, **(ignore or {})),
                            what="the repaired VM")
        if image_id:
            assert now["properties.storageProfile.imageReference.id"] == image_id.lower()
        assert now["properties.instanceView.statuses[PowerState].code"] == "PowerState/running"
        assert now["properties.instanceView.vmAgent.statuses[ProvisioningState].displayStatus"] == "Ready"
        assert "properties.instanceView.statuses[OSState].code" not in now

    def assert_rescued(self):
        """The same VM, every property as it was but its OS disk (the run's fixed copy), running, Windows past
        OOBE; no rescue VM, NIC or disk left."""
        now = self.model()
        o = self.original_model
        copy = [n for n in self.cloud.compute.disks if n.endswith("-fixed")]
        assert len(copy) == 1, copy
        expect = {"properties.storageProfile.osDisk.managedDisk.id": copy[0],
                  "properties.storageProfile.osDisk.name": self.cloud.compute.disks[copy[0]].name}
        vmmodel.assert_same(o, now, expect=expect, ignore={
            r"properties\.instanceView\.": "the rescued VM runs (checked apart: power, agent)"}, what="the rescued VM")
        assert now["properties.instanceView.statuses[PowerState].code"] == "PowerState/running"
        assert now["properties.instanceView.vmAgent.statuses[ProvisioningState].displayStatus"] == "Ready"
        inventory = self.inventory()
        assert not [v for v in self.cloud.compute.vms if "-rescue-" in v]
        assert not [n for n in inventory["nics"] if "-rescue-" in n]
        assert not [d for d in inventory["disks"] if "-rescue-" in d]
