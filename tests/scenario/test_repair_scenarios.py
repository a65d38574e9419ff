"""``az vm boot-fix repair / journal / rollback`` through the CLI, from recorded cassettes.

Recorded against a fake whose NIC reservation is shortened (see scripts/dev.sh record), so the
NicReservedForAnotherVm retry is in the cassette without minutes of waiting.
"""
import os

import pytest

from harness import VmBootFixScenarioTest

pytestmark = pytest.mark.scenario


class RepairGeneralizedByApi(VmBootFixScenarioTest):
    scenario = "generalized-by-api"

    def setUp(self):
        from unittest import mock
        # the run id names the run's snapshot and disk: the same one when recording and replaying
        patcher = mock.patch("azext_vmbootfix.repair.engine.new_run_id", return_value="5eed0000-0000-4000-8000-0000000000a1")
        patcher.start()
        self.addCleanup(patcher.stop)
        super().setUp()
        self.kwargs.update(rg="rg-gen", vm="app01", pw="Fake-Passw0rd-" + "Recorded1!")
        # the journal goes to the test's own config dir, fresh for each test
        self.journal_dir = os.path.join(self.cli_ctx.config.config_dir, "vmbootfix")

    def test_repair_dry_run_changes_nothing(self):
        out = self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --dry-run").get_output_in_json()
        assert out["dryRun"] is True
        assert [s["name"] for s in out["plan"]["steps"]] == [
            "record-original", "keep-disks-and-nics", "backup-os-disk", "delete-vm", "recreate-from-image",
            "verify-boot"]
        assert out["verdict"]["osState"] == "generalized-by-api"
        assert out["plan"]["image"] == "app01-image"

    def test_repair_then_rollback(self):
        import shutil
        shutil.rmtree(self.journal_dir, ignore_errors=True)
        out = self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --yes --admin-password {pw}"
                       ).get_output_in_json()
        assert out["status"] == "succeeded", out
        assert [s["state"] for s in out["steps"]] == ["done"] * 6
        journal = self.cmd("vm boot-fix journal -g {rg} -n {vm}").get_output_in_json()
        assert journal["status"] == "succeeded"
        with open(journal["journal"], encoding="utf-8") as fh:
            assert self.kwargs["pw"] not in fh.read()
        self.cmd("vm show -g {rg} -n {vm}", checks=[self.check("tags.\"vmbootfix-run\"", out["runId"])])
        back = self.cmd("vm boot-fix rollback -g {rg} -n {vm} --yes").get_output_in_json()
        assert back["status"] == "rolled-back"
        self.cmd("vm get-instance-view -g {rg} -n {vm}", checks=[
            self.check("contains(instanceView.statuses[].code, 'OSState/generalized')", True),
            self.check("contains(instanceView.statuses[].code, 'PowerState/deallocated')", True),
            self.check("starts_with(storageProfile.osDisk.name, 'app01_OsDisk_1_')", True)])
        shutil.rmtree(self.journal_dir, ignore_errors=True)

    def test_repair_needs_keep_disks(self):
        with pytest.raises(Exception, match="--keep-disks"):
            self.cmd("vm boot-fix repair -g {rg} -n {vm} --yes")


class RescueWithoutImage(VmBootFixScenarioTest):
    """No image anywhere: repair takes the rescue path (article steps 5-12) through the CLI."""
    scenario = "oobe-stuck-no-image"

    def setUp(self):
        from unittest import mock
        patcher = mock.patch("azext_vmbootfix.repair.engine.new_run_id", return_value="5eed0000-0000-4000-8000-0000000000b2")
        patcher.start()
        self.addCleanup(patcher.stop)
        super().setUp()
        self.kwargs.update(rg="rg-oobe", vm="web01", pw="Fake-Passw0rd-" + "Rescue1!")

    def test_rescue_then_diagnose_then_rollback(self):
        import shutil
        journal_dir = os.path.join(self.cli_ctx.config.config_dir, "vmbootfix")
        shutil.rmtree(journal_dir, ignore_errors=True)
        plan = self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --dry-run").get_output_in_json()
        assert plan["plan"]["path"] == "rescue"
        out = self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --yes --admin-username fixadmin "
                       "--admin-password {pw}").get_output_in_json()
        assert out["status"] == "succeeded", out
        assert all(s["state"] == "done" for s in out["steps"])
        self.cmd("vm show -g {rg} -n {vm}", checks=[
            self.check("ends_with(storageProfile.osDisk.name, '-fixed')", True)])
        after = self.cmd("vm boot-fix diagnose -g {rg} -n {vm}").get_output_in_json()
        assert after["osState"] == "healthy" and after["vm"]["agentStatus"] == "Ready"
        back = self.cmd("vm boot-fix rollback -g {rg} -n {vm} --yes").get_output_in_json()
        assert back["status"] == "rolled-back"
        self.cmd("vm show -g {rg} -n {vm}", checks=[
            self.check("starts_with(storageProfile.osDisk.name, 'web01_OsDisk_1_')", True)])
        shutil.rmtree(journal_dir, ignore_errors=True)


class RepairRefusedByLock(VmBootFixScenarioTest):
    """A CanNotDelete lock on the VM's group: pre-flight refuses before anything changes, through the CLI."""
    scenario = "oobe-stuck-locked"

    def setUp(self):
        from unittest import mock
        patcher = mock.patch("azext_vmbootfix.repair.engine.new_run_id", return_value="5eed0000-0000-4000-8000-0000000000c3")
        patcher.start()
        self.addCleanup(patcher.stop)
        super().setUp()
        self.kwargs.update(rg="rg-oobe", vm="web01", pw="Fake-Passw0rd-" + "Locked1!")

    def test_repair_is_refused_and_nothing_changes(self):
        from azure.cli.core.azclierror import ValidationError
        before = self.cmd("vm show -g {rg} -n {vm}").get_output_in_json()
        dry = self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --dry-run").get_output_in_json()
        locks = [f for f in dry["preflight"] if f["check"] == "locks"]
        assert locks[0]["status"] == "failed" and "'rg-oobe-nodelete'" in locks[0]["detail"]
        with pytest.raises(ValidationError) as exc:
            self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --yes --admin-password {pw}")
        assert "the CanNotDelete lock 'rg-oobe-nodelete' on resource group rg-oobe blocks deletes of the VM web01" \
            in exc.value.error_msg and "Nothing was changed" in exc.value.error_msg
        assert "az lock delete --ids" in exc.value.recommendations[0]
        after = self.cmd("vm show -g {rg} -n {vm}").get_output_in_json()
        assert after == before
        self.cmd("snapshot list -g {rg}", checks=[self.check("length(@)", 1)])  # only the scenario's own
        journal = os.path.join(self.cli_ctx.config.config_dir, "vmbootfix")
        assert not os.path.exists(journal) or not any(files for _, _, files in os.walk(journal))
