"""Plant known bugs in the repair code one at a time and show which tests catch each (issue 11's list).

    python scripts/planted.py            # every bug; prints, per bug, the tests that failed
    python scripts/planted.py 3 5        # only bugs 3 and 5

Each bug is a text substitution in one file; the file is restored afterwards, whatever happens. A bug whose
``old`` text is no longer in the file is reported as "cannot plant" (the code moved: update the entry),
never as caught. Exit status 1 if a bug was not caught or could not be planted.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = ["tests/unit/test_repair.py", "tests/unit/test_rescue.py", "tests/unit/test_rescue_state.py",
         "tests/scenario/test_repair_scenarios.py", "tests/unit/test_plan.py",
         "tests/unit/test_journal_secrets.py", "tests/unit/test_rollback_tags.py",
         "tests/unit/test_repair_model.py", "tests/unit/test_recreate.py", "tests/unit/test_recreate_vm.py",
         "tests/unit/test_repair_inflight.py", "tests/unit/test_runcommand_resume.py"]

BUGS = [
    ("the recreated VM loses its data disks", "azext_vmbootfix/repair/carry.py",
     'deleteOption="Detach") for d in sp.get("dataDisks") or []])',
     'deleteOption="Detach") for d in (sp.get("dataDisks") or [])[:0]])'),
    ("the recreated VM's data disks get deleteOption=Delete", "azext_vmbootfix/repair/carry.py",
     'deleteOption="Detach") for d in sp.get("dataDisks") or []])',
     'deleteOption="Delete") for d in sp.get("dataDisks") or []])'),
    ("keep-disks does not set Detach on the data disks", "azext_vmbootfix/repair/keep.py",
     '    for disk in vm.storage_profile.data_disks or []:\n        disk.delete_option = "Detach"\n', ''),
    ("the delete guard ignores data disks", "azext_vmbootfix/repair/recreate.py",
     "        if not keep.vm_all_detach(vm) or not keep.public_ips_detach(",
     "        if str(vm.storage_profile.os_disk.delete_option or 'Detach').lower() != 'detach' or any(\n"
     "                str(n.delete_option or 'Detach').lower() != 'detach'\n"
     "                for n in vm.network_profile.network_interfaces) or not keep.public_ips_detach("),
    ("the check that all is Detach ignores data disks (guard and keep-disks' reconcile)",
     "azext_vmbootfix/repair/keep.py",
     "options = [sp.os_disk.delete_option] + [d.delete_option for d in sp.data_disks or []]",
     "options = [sp.os_disk.delete_option]"),
    ("keep-disks does not set Detach on the public IPs", "azext_vmbootfix/repair/recreate.py",
     '_write_delete_options(ctx, keep.set_vm_detach, "deleteOption Detach", detach=True)',
     '_write_delete_options(ctx, keep.set_vm_detach, "deleteOption Detach", detach=False)'),
    ("the deleteOptions are not restored at the end of the repair", "azext_vmbootfix/repair/recreate.py",
     "RECREATE_PATH = (RecordOriginal, KeepDisksAndNics, BackupOsDisk, DeleteVm, RecreateFromImage, VerifyBoot,\n"
     "                 RecreateExtensions, RestoreDeleteOptions)",
     "RECREATE_PATH = (RecordOriginal, KeepDisksAndNics, BackupOsDisk, DeleteVm, RecreateFromImage, VerifyBoot,\n"
     "                 RecreateExtensions)"),
    ("the recreated VM loses its availability set", "azext_vmbootfix/repair/carry.py",
     'Field(P + "availabilitySet", CARRIED)', 'Field(P + "availabilitySet", NOT_CARRIED, "planted")'),
    ("the admin password in a progress message", "azext_vmbootfix/repair/engine.py",
     'ctx.progress("[{}/{}] {}: {}".format(index, total, step.name, step.description))',
     'ctx.progress("[{}/{}] {}: {} ({})".format(index, total, step.name, step.description, ctx._admin_password))'),
    ("the answer-file password as a plain Run Command parameter", "azext_vmbootfix/repair/rescue_guest.py",
     'parameters=parameters,\n'
     '                                  protected={"AdminPasswordB64": b64(ctx.admin_password())}),',
     'parameters=dict(parameters,\n'
     '                                                                     AdminPasswordB64=b64(ctx.admin_password()))),'),
    ("the VM model is journaled with its extension settings' SAS URL (the repair stops)",
     "azext_vmbootfix/repair/engine.py", "        original, found = scrub(original)\n", "        found = []\n"),
    ("a saved plan is applied under a new run id (other names than the dry run showed)",
     "azext_vmbootfix/repair/engine.py", 'return Journal.new(path, plan["runId"],',
     'return Journal.new(path, new_run_id(),'),
    ("the rollback from tags counts no step as started (it undoes nothing)", "azext_vmbootfix/repair/tagged.py",
     '        row["state"] = "done"', '        row["state"] = "pending"'),
    ("resume and rollback do not wait for operations an interrupted run left in flight",
     "azext_vmbootfix/repair/inflight.py", "        pending = busy(ctx)\n", "        pending = []\n"),
    ("a refusal because another operation is in progress fails the step at once", "azext_vmbootfix/repair/inflight.py",
     "    if code not in _BUSY_CODES or", "    if True or"),
    ("a resumed step sends its Run Commands again without reading what they left",
     "azext_vmbootfix/repair/runcommand.py", '    if getattr(ctx, "resumed_step", False):',
     '    if False:'),
]


def plant(number):
    title, path, old, new = BUGS[number - 1]
    full = os.path.join(ROOT, path)
    with open(full, encoding="utf-8") as fh:
        original = fh.read()
    if original.count(old) != 1:
        return title, None
    try:
        with open(full, "w", encoding="utf-8") as fh:
            fh.write(original.replace(old, new))
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", *TESTS],
                              cwd=ROOT, capture_output=True, text=True, check=False)
    finally:
        with open(full, "w", encoding="utf-8") as fh:
            fh.write(original)
    caught = sorted(set(re.findall(r"^(?:FAILED|ERROR) (\S+)", proc.stdout, re.M)))
    return title, caught


def main(argv):
    numbers = [int(a) for a in argv] or list(range(1, len(BUGS) + 1))
    bad = 0
    for number in numbers:
        title, caught = plant(number)
        if caught is None:
            print("{}. {}: CANNOT PLANT (the code moved; update scripts/planted.py)".format(number, title))
            bad += 1
        elif not caught:
            print("{}. {}: NOT CAUGHT".format(number, title))
            bad += 1
        else:
            print("{}. {}: caught by {} test(s)".format(number, title, len(caught)))
            for test in caught:
                print("     " + test)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
