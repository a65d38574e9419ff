"""``az vm boot-fix repair / journal / rollback`` through the CLI, from recorded cassettes.

Recorded against a fake whose NIC reservation is shortened (see scripts/dev.sh record), so the
NicReservedForAnotherVm retry is in the cassette without minutes of waiting.
"""
import os

import pytest

from harness import VmBootFixScenarioTest

pytestmark = pytest.mark.scenario


def _password_arg(test):
    """``@FILE`` for --admin-password, as the help tells unattended users: azure-cli reads the file after knack
    has logged the command line, so the password is in no --debug line (the canary checks every one)."""
    import tempfile
    folder = tempfile.mkdtemp(prefix="vmbootfix-pw-")  # outside the config dir the canary scans
    path = os.path.join(folder, "admin-password")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(test.secret_canary.password + "\n")
    os.chmod(path, 0o600)
    import shutil
    test.addCleanup(shutil.rmtree, folder, True)
    return "@" + path


def _seeded(test, run_id):
    """The run id names the run's snapshot and disks: the same when recording and replaying. The rescue VM's
    throw-away password is the canary's too (a body that holds it is scrubbed, and the canary looks for it)."""
    from unittest import mock
    rescue_password = test.secret_canary.password[::-1]
    test.secret_canary.also(rescue_password)
    for target, value in (("azext_vmbootfix.repair.engine.new_run_id", run_id),
                          ("azext_vmbootfix.repair.rescue.random_password", rescue_password)):
        patcher = mock.patch(target, return_value=value)
        patcher.start()
        test.addCleanup(patcher.stop)


@pytest.mark.usefixtures("secret_canary")
class RepairGeneralizedByApi(VmBootFixScenarioTest):
    scenario = "generalized-by-api"

    def setUp(self):
        _seeded(self, "5eed0000-0000-4000-8000-0000000000a1")
        super().setUp()
        self.kwargs.update(rg="rg-gen", vm="app01", pw=_password_arg(self))
        # the journal goes to the test's own config dir (scanned by the canary after the test)
        self.journal_dir = os.path.join(self.cli_ctx.config.config_dir, "vmbootfix")

    def test_repair_dry_run_changes_nothing(self):
        # --debug: the SDK then logs every response body, boot diagnostics' SAS URLs included
        out = self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --dry-run --debug").get_output_in_json()
        assert out["dryRun"] is True
        assert [s["name"] for s in out["plan"]["steps"]] == [
            "record-original", "keep-disks-and-nics", "backup-os-disk", "delete-vm", "recreate-from-image",
            "verify-boot", "recreate-extensions", "restore-delete-options"]
        lost = {e["field"] for e in out["plan"]["notCarried"]}  # what the recreated VM will not have, named
        assert {"properties.osProfile.customData", "properties.osProfile.adminPassword"} <= lost
        assert out["verdict"]["osState"] == "generalized-by-api"
        assert out["plan"]["image"] == "app01-image"

    def test_repair_then_rollback(self):
        import shutil
        shutil.rmtree(self.journal_dir, ignore_errors=True)
        # --debug: azure-cli then logs every request body, the VM create's adminPassword included
        out = self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --yes --admin-password {pw} --debug"
                       ).get_output_in_json()
        assert out["status"] == "succeeded", out
        assert [s["state"] for s in out["steps"]] == ["done"] * 8
        assert "properties.osProfile.customData" in {e["field"] for e in out["notCarried"]}
        journal = self.cmd("vm boot-fix journal -g {rg} -n {vm}").get_output_in_json()
        assert journal["status"] == "succeeded"
        with open(journal["journal"], encoding="utf-8") as fh:
            assert self.secret_canary.password not in fh.read()
        self.cmd("vm show -g {rg} -n {vm}", checks=[self.check("tags.\"vmbootfix-run\"", out["runId"])])
        back = self.cmd("vm boot-fix rollback -g {rg} -n {vm} --yes --debug").get_output_in_json()
        assert back["status"] == "rolled-back"
        self.cmd("vm get-instance-view -g {rg} -n {vm}", checks=[
            self.check("contains(instanceView.statuses[].code, 'OSState/generalized')", True),
            self.check("contains(instanceView.statuses[].code, 'PowerState/deallocated')", True),
            self.check("starts_with(storageProfile.osDisk.name, 'app01_OsDisk_1_')", True)])

    def test_repair_needs_keep_disks(self):
        with pytest.raises(Exception, match="--keep-disks"):
            self.cmd("vm boot-fix repair -g {rg} -n {vm} --yes")


@pytest.mark.usefixtures("secret_canary")
class RescueWithoutImage(VmBootFixScenarioTest):
    """No image anywhere: repair takes the rescue path (article steps 5-12) through the CLI."""
    scenario = "oobe-stuck-no-image"

    def setUp(self):
        _seeded(self, "5eed0000-0000-4000-8000-0000000000b2")
        super().setUp()
        self.kwargs.update(rg="rg-oobe", vm="web01", pw=_password_arg(self))

    def test_rescue_then_diagnose_then_rollback(self):
        import shutil
        journal_dir = os.path.join(self.cli_ctx.config.config_dir, "vmbootfix")
        shutil.rmtree(journal_dir, ignore_errors=True)
        plan = self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --dry-run --debug").get_output_in_json()
        assert plan["plan"]["path"] == "rescue"
        out = self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --yes --admin-username fixadmin "
                       "--admin-password {pw} --debug").get_output_in_json()
        assert out["status"] == "succeeded", out
        assert all(s["state"] == "done" for s in out["steps"])
        self.cmd("vm show -g {rg} -n {vm}", checks=[
            self.check("ends_with(storageProfile.osDisk.name, '-fixed')", True)])
        after = self.cmd("vm boot-fix diagnose -g {rg} -n {vm}").get_output_in_json()
        assert after["osState"] == "healthy" and after["vm"]["agentStatus"] == "Ready"
        assert self.diagnose_problems(after) == []
        back = self.cmd("vm boot-fix rollback -g {rg} -n {vm} --yes --debug").get_output_in_json()
        assert back["status"] == "rolled-back"
        self.cmd("vm show -g {rg} -n {vm}", checks=[
            self.check("starts_with(storageProfile.osDisk.name, 'web01_OsDisk_1_')", True)])
        shutil.rmtree(journal_dir, ignore_errors=True)


@pytest.mark.usefixtures("secret_canary")
class RepairResumedAfterAFault(VmBootFixScenarioTest):
    """The VM create fails once (the fake answers 400): repair stops at recreate-from-image; resume, with
    --debug (the create's body holds the admin password), finishes it; rollback, with --debug, undoes it."""
    scenario = "generalized-by-api"
    faults = ({"kind": "error", "method": "PUT", "path": "virtualMachines/app01$", "status": 400,
               "code": "InvalidParameter", "count": 1, "nth": 2},)  # PUT 1 sets deleteOption; 2 creates

    def setUp(self):
        _seeded(self, "5eed0000-0000-4000-8000-0000000000e5")
        super().setUp()
        self.kwargs.update(rg="rg-gen", vm="app01", pw=_password_arg(self))
        self.journal_dir = os.path.join(self.cli_ctx.config.config_dir, "vmbootfix")

    def test_repair_fails_then_resume_and_rollback_with_debug(self):
        import shutil
        from azure.cli.core.azclierror import AzureResponseError
        shutil.rmtree(self.journal_dir, ignore_errors=True)
        with pytest.raises(AzureResponseError, match="recreate-from-image"):
            self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --yes --admin-password {pw} --debug")
        out = self.cmd("vm boot-fix resume -g {rg} -n {vm} --admin-password {pw} --debug").get_output_in_json()
        assert out["status"] == "succeeded", out
        back = self.cmd("vm boot-fix rollback -g {rg} -n {vm} --yes --debug").get_output_in_json()
        assert back["status"] == "rolled-back"
        shutil.rmtree(self.journal_dir, ignore_errors=True)


@pytest.mark.usefixtures("secret_canary")
class RescueNested(VmBootFixScenarioTest):
    """--method nested through the CLI with --debug: the run stops waiting for a person (who would finish OOBE
    in the nested Hyper-V VM), the password typed for the rescue VM appears nowhere, rollback puts it all back."""
    scenario = "oobe-stuck-no-image"

    def setUp(self):
        _seeded(self, "5eed0000-0000-4000-8000-0000000000f6")
        super().setUp()
        self.kwargs.update(rg="rg-oobe", vm="web01", pw=_password_arg(self))

    def test_nested_waits_for_the_user_then_rolls_back(self):
        import shutil
        journal_dir = os.path.join(self.cli_ctx.config.config_dir, "vmbootfix")
        shutil.rmtree(journal_dir, ignore_errors=True)
        out = self.cmd("vm boot-fix repair -g {rg} -n {vm} --rescue --method nested --allow-cidr 203.0.113.7/32 "
                       "--admin-username fixadmin --admin-password {pw} --yes --debug").get_output_in_json()
        assert out["status"] == "waiting-for-user", out
        states = {s["name"]: s["state"] for s in out["steps"]}
        assert states["start-nested-vm"] == "done" and states["wait-for-user"] == "waiting"
        journal = self.cmd("vm boot-fix journal -g {rg} -n {vm}").get_output_in_json()
        assert journal["status"] == "waiting-for-user"
        told = [e.get("note", "") for e in journal["events"] if e.get("state") == "waiting-for-user"]
        assert told and "Hyper-V Manager" in told[0] and "203.0.113.7/32" in told[0]
        self.cmd("vm show -g {rg} -n {vm}", checks=[
            self.check("starts_with(storageProfile.osDisk.name, 'web01_OsDisk_1_')", True)])
        back = self.cmd("vm boot-fix rollback -g {rg} -n {vm} --yes --debug").get_output_in_json()
        assert back["status"] == "rolled-back"
        self.cmd("vm list -g {rg}", checks=[self.check("length(@)", 1)])   # no rescue VM left
        shutil.rmtree(journal_dir, ignore_errors=True)


@pytest.mark.usefixtures("secret_canary")
class RepairWithDataDisks(VmBootFixScenarioTest):
    """Data disks and a NIC set to Delete (article step 1): kept by the repair, their options back on rollback."""
    scenario = "generalized-with-data-disks"

    def setUp(self):
        _seeded(self, "5eed0000-0000-4000-8000-0000000000c3")
        super().setUp()
        self.kwargs.update(rg="rg-data", vm="app02", pw=_password_arg(self))

    def test_repair_keeps_data_disks_and_nic_and_restores_their_delete_options_at_the_end(self):
        import shutil
        shutil.rmtree(os.path.join(self.cli_ctx.config.config_dir, "vmbootfix"), ignore_errors=True)
        out = self.cmd("vm boot-fix repair -g {rg} -n {vm} --keep-disks --yes --admin-password {pw}"
                       ).get_output_in_json()
        assert out["status"] == "succeeded", out
        self.cmd("vm show -g {rg} -n {vm}", checks=[  # restored as the last step, once the boot was verified
            self.check("storageProfile.dataDisks[].[lun, name, deleteOption]",
                       [[0, "app02-data", "Delete"], [1, "app02-logs", "Detach"]]),
            self.check("networkProfile.networkInterfaces[0].deleteOption", "Delete"),
            self.check("starts_with(storageProfile.osDisk.name, 'app02-bootfix-')", True),
            self.check("storageProfile.osDisk.deleteOption", "Delete"),
            self.check("tags.env", "prod")])
        back = self.cmd("vm boot-fix rollback -g {rg} -n {vm} --yes --debug").get_output_in_json()
        assert back["status"] == "rolled-back"
        assert back["notRestored"] == []  # no extension, no system-assigned identity: nothing it could not give back
        self.cmd("vm show -g {rg} -n {vm}", checks=[
            self.check("storageProfile.dataDisks[].[lun, name, deleteOption]",
                       [[0, "app02-data", "Delete"], [1, "app02-logs", "Detach"]]),
            self.check("networkProfile.networkInterfaces[0].deleteOption", "Delete"),
            self.check("storageProfile.osDisk.deleteOption", "Delete"),
            self.check("starts_with(storageProfile.osDisk.name, 'app02_OsDisk_1_')", True)])


@pytest.mark.usefixtures("secret_canary")
class RepairRefusedByLock(VmBootFixScenarioTest):
    """A CanNotDelete lock on the VM's group: pre-flight refuses before anything changes, through the CLI."""
    scenario = "oobe-stuck-locked"

    def setUp(self):
        _seeded(self, "5eed0000-0000-4000-8000-0000000000d4")
        super().setUp()
        self.kwargs.update(rg="rg-oobe", vm="web01", pw=_password_arg(self))

    def test_repair_is_refused_and_nothing_changes(self):
        import shutil
        from azure.cli.core.azclierror import ValidationError
        journal = os.path.join(self.cli_ctx.config.config_dir, "vmbootfix")
        shutil.rmtree(journal, ignore_errors=True)  # a recording shares the config dir with earlier tests
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
        written = [f for _, _, files in os.walk(journal) for f in files]
        assert [".plan-" in f for f in written] == [True], written  # the dry run's plan only: no journal
