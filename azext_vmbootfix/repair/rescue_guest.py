"""The rescue steps that run on the rescue VM (article steps 6, 9 and 10): finish OOBE on the attached copy
offline (:class:`FinishSetup`) and turn on EMS in its BCD store (:class:`EnableSerialConsole`). Every decision
is made here from what a read-only script printed; the scripts are in ``scripts/`` (see :mod:`.runcommand`)."""
from azext_vmbootfix.repair import actions as A
from azext_vmbootfix.repair import recreate as S
from azext_vmbootfix.repair.recreate import StepFailed, _original, _run8
from azext_vmbootfix.repair.rescue_base import (ANSWER_MARKER, EMS_MARKER, RC_ANSWER, RC_DISKS, RC_EMS, RC_ENUM,
                                                RC_PARTS, RC_RESTORE, RC_STATE, SPARE_LETTERS, _copy_disk,
                                                _copy_name, _params, _rescue_name, _rescue_vm, rescue_doc)
from azext_vmbootfix.repair.rescue_read import (bcd_store, copy_disk_of, ems_verified, parse_bcd_enum, parse_disks,
                                                system_partition, windows_partition)
from azext_vmbootfix.repair.rescue_state import decide, locales, setup_state, unattend_value
from azext_vmbootfix.repair.runcommand import b64, check, json_line, run_script, run_scripts, script_result, succeeded

BCD_READ = "bcdRead"  # ctx.memory: the copy's BCD store and boot loader, as finish-setup read them (see below)


def _local_account(user):
    """The answer file always sets the built-in administrator's password (whatever it was renamed to) and adds
    ``--admin-username`` as a local administrator, unless that is the built-in account's default name."""
    return bool(user) and user.lower() != "administrator"


class FinishSetup(S.Step):
    article = (6,)
    """The answer file finishes OOBE. First the copy's offline hives are read (``read-setup-state.ps1``) and the
    Setup state decided on (:mod:`.rescue_state`: a state the answer file cannot finish is refused before anything
    on the copy changes); the control set (``Select\\Current``), the locales and ``Setup\\UnattendFile`` come from
    the same read. A disk stuck at OOBE has already run the specialize pass (it named the machine WIN-...), so the
    answer file's specialize ComputerName comes too late: the write script also sets the original computer name
    offline in the copy's SYSTEM hive. Everything it changes is backed up on the copy first, named with the run
    id; the step's output lists the backups and ``undo`` puts them back while the copy is still attached."""
    overlaps = ("create-rescue-vm",)  # the rescue OS disk's tagging goes on meanwhile
    name = "finish-setup"
    description = "Read the copy's Setup state from its offline hives and, when OOBE is what it waits for, write " \
                  "an oobeSystem answer file to its Windows\\Panther\\Unattend.xml by Run Command (backing up " \
                  "what it changes), so OOBE finishes unattended at the next boot (the automated equivalent of " \
                  "finishing the wizard in a nested Hyper-V console, article step 6)."
    actions = {"group": (A.VM_READ, A.RUN_COMMANDS_READ, A.RUN_COMMANDS_WRITE)}
    undo_actions = {"group": (A.VM_READ, A.RUN_COMMANDS_READ, A.RUN_COMMANDS_WRITE)}

    def plan(self, ctx):
        return {"reads": ["runCommand {} on {}".format(RC_DISKS, _rescue_name(ctx)),
                          "disk {}: offline SOFTWARE, SYSTEM and DEFAULT hives (Setup state, control set, locales)"
                          .format(_copy_name(ctx)), "disk {}: BCD store (bcdedit /enum)".format(_copy_name(ctx))],
                "creates": ["disk {}: backups *.bootfix-{} of the SYSTEM hive, Unattend.xml, SetupComplete.cmd"
                            .format(_copy_name(ctx), _run8(ctx))],
                "changes": ["disk {}: Windows\\Panther\\Unattend.xml, SetupComplete.cmd, SYSTEM computer name "
                            "(and Setup\\UnattendFile when it points elsewhere)".format(_copy_name(ctx))],
                "keeps": []}

    def done(self, ctx):
        if _rescue_vm(ctx) is None:
            return False
        result = script_result(ctx, _rescue_name(ctx), RC_ANSWER)
        if not succeeded(result) or ANSWER_MARKER not in result["output"]:
            return False
        return json_line(result["output"], "write-answer-file.ps1").get("Written") is True

    def apply(self, ctx):
        rescue_vm = _rescue_name(ctx)
        doc = rescue_doc(ctx, RC_DISKS, "get-disks.ps1")
        disk, parts = copy_disk_of(doc)
        letter = windows_partition(parts)["letter"]
        # the Setup state and the BCD store are read at once (two managed Run Commands in parallel: neither needs
        # the other's output, one reads the Windows partition's hives, the other the system partition's store)
        serial = EnableSerialConsole()
        bcd = serial.read_parameters(ctx, doc, disk, parts)
        state_result, bcd_result = run_scripts(ctx, rescue_vm, [
            (RC_STATE, "read-setup-state.ps1", {"WindowsLetter": letter}),
            (RC_ENUM, "read-bcd.ps1", bcd)])
        state = setup_state(check(state_result, "reading the Setup state"))
        decision = decide(state)                   # raises Refused: nothing on the copy has changed
        loader = boot_loader(parse_bcd_enum(check(bcd_result, "bcdedit /enum")), bcd["Store"])  # nor here
        found = locales(state)
        unattend = unattend_value(state)
        control_set = state.get("controlSet") or "ControlSet001"
        original = _original(ctx)
        user = _params(ctx).get("adminUsername")
        computer = ((original.get("properties") or {}).get("osProfile") or {}).get("computerName") or ctx.vm_name[:15]
        parameters = dict(found, WindowsLetter=letter, ComputerNameB64=b64(computer), AdminUserB64=b64(user or ""),
                          ControlSet=control_set, RunTag=_run8(ctx), UnattendFile=unattend.get("after") or "")
        output = check(run_script(ctx, rescue_vm, RC_ANSWER, "write-answer-file.ps1", parameters=parameters,
                                  protected={"AdminPasswordB64": b64(ctx.admin_password())}),
                       "writing the answer file")
        written = json_line(output, "write-answer-file.ps1")
        if written.get("Marker") != ANSWER_MARKER or written.get("Written") is not True:
            raise StepFailed("the answer file was not written to {}:\\Windows\\Panther\\Unattend.xml".format(letter))
        backups = written.get("Backups") or []
        if isinstance(getattr(ctx, "memory", None), dict):  # enable-serial-console of this run reads it no more
            ctx.memory[BCD_READ] = {"store": bcd["Store"], "loader": loader}
        return {"copyDiskNumber": disk["number"], "windowsLetter": letter,
                "answerFile": "{}:\\Windows\\Panther\\Unattend.xml".format(letter),
                "answerAccounts": ([user] if _local_account(user) else []) + ["built-in administrator"],
                "setupState": {k: state.get(k) for k in STATE_FIELDS}, "decision": decision,
                "controlSet": control_set, "locales": found, "unattendFile": unattend,
                "backups": backups if isinstance(backups, list) else [backups]}

    def undo(self, ctx):
        """Put the copy's backups back while the copy is still attached to the rescue VM (a rollback after a
        later step failed); once detached, copy-os-disk's undo deletes the whole copy anyway."""
        if _rescue_vm(ctx) is None or _copy_disk(ctx) is None or not _copy_attached(ctx):
            return None
        _disk, parts = copy_disk_of(rescue_doc(ctx, RC_DISKS, "get-disks.ps1"))
        letter = windows_partition(parts)["letter"]
        return rescue_doc(ctx, RC_RESTORE, "restore-backups.ps1", "restoring the copy's backups",
                          parameters={"WindowsLetter": letter, "RunTag": _run8(ctx)})


STATE_FIELDS = ("ImageState", "SetupType", "CmdLine", "OOBEInProgress", "SystemSetupInProgress", "SetupPhase",
                "setup.exe", "UnattendFile", "controlSet", "InstallLanguage", "SystemLocaleId", "LocaleName",
                "Preload")


def _copy_attached(ctx):
    vm = _rescue_vm(ctx)
    copy = _copy_disk(ctx)
    return vm is not None and copy is not None and any(
        (d.managed_disk.id or "").lower() == copy.id.lower() for d in vm.storage_profile.data_disks or [])


class EnableSerialConsole(S.Step):
    name = "enable-serial-console"
    article = (8, 9, 10)
    overlaps = ("deallocate-vm",)  # on the rescue VM and the copy: the original VM deallocates meanwhile
    description = "Turn on EMS/SAC in the copy's BCD store with the article's bcdedit commands (steps 9-10), so " \
                  "the serial console works from now on."
    actions = {"group": (A.VM_READ, A.RUN_COMMANDS_READ, A.RUN_COMMANDS_WRITE)}

    def plan(self, ctx):
        return {"reads": ["bcdedit /enum on " + _rescue_name(ctx)], "creates": [],
                "changes": ["disk {}: BCD {{bootmgr}} displaybootmenu/timeout/bootems, loader ems, emssettings"
                            .format(_copy_name(ctx))], "keeps": []}

    def _generation(self, ctx):
        disk = _copy_disk(ctx)
        generation = getattr(disk, "hyper_v_generation", None) if disk is not None else None
        return str(getattr(generation, "value", generation) or _params(ctx).get("generation") or "V1")

    def done(self, ctx):
        if _rescue_vm(ctx) is None:
            return False
        result = script_result(ctx, _rescue_name(ctx), RC_EMS)
        if not succeeded(result) or EMS_MARKER not in result["output"]:
            return False
        loader = ctx.journal.step(self.name)["outputs"].get("loader")
        return bool(loader) and ems_verified(result["output"], loader)

    def read_parameters(self, ctx, doc, disk, parts):
        """read-bcd.ps1's parameters for the copy's BCD store, from get-disks' ``doc``: the system partition
        (:func:`system_partition`), the letter to give it when it has none (as Microsoft's repair scripts do, the
        first spare one), the store's path."""
        generation = self._generation(ctx)
        part = system_partition(parts, generation)
        letter, assign = part["letter"], ""
        if not letter:  # the EFI partition has no letter: give it one (as Microsoft's repair scripts do)
            used = {p["letter"] for ps in parse_disks(doc)[1].values() for p in ps if p["letter"]}
            letter = assign = next(x for x in SPARE_LETTERS if x not in used)
        return {"DiskNumber": disk["number"], "PartitionNumber": part["number"], "Letter": assign,
                "Store": bcd_store(letter, generation)}

    def apply(self, ctx):
        rescue_vm = _rescue_name(ctx)
        read = (getattr(ctx, "memory", None) or {}).get(BCD_READ)
        if read:  # finish-setup of this run read the store (and nothing has touched it since)
            store, loader = read["store"], read["loader"]
        else:  # observed again: a resume may follow a reconciled finish-setup, and the nested method has none
            doc = rescue_doc(ctx, RC_PARTS, "get-disks.ps1")
            disk, parts = copy_disk_of(doc)
            bcd = self.read_parameters(ctx, doc, disk, parts)
            store = bcd["Store"]
            loader = boot_loader(parse_bcd_enum(check(run_script(ctx, rescue_vm, RC_ENUM, "read-bcd.ps1",
                                                                 parameters=bcd), "bcdedit /enum")), store)
        ctx.step_outputs["loader"] = loader  # journaled by the engine even if a later command fails
        output = check(run_script(ctx, rescue_vm, RC_EMS, "enable-ems.ps1",
                                  parameters={"Store": store, "Loader": loader}), "bcdedit (EMS)")
        if not ems_verified(output, loader):
            raise StepFailed("bcdedit ran but /enum does not show EMS on for {} in {}".format(loader, store))
        return {"bcdStore": store, "loader": loader, "ems": "EMSPORT:1 EMSBAUDRATE:115200"}


def boot_loader(blocks, store):
    """The Windows Boot Loader entry EMS goes on, from ``bcdedit /enum``'s blocks: {bootmgr}'s default, else
    ``{default}``, else the first loader; StepFailed when the store has none."""
    bootmgr = next((b for b in blocks if b.get("identifier") == "{bootmgr}"), {})
    loaders = [b for b in blocks if b["title"] == "Windows Boot Loader"]
    loader = next((b["identifier"] for b in loaders if b.get("identifier") == bootmgr.get("default")), None) \
        or next((b["identifier"] for b in loaders if b.get("identifier") == "{default}"), None) \
        or (loaders[0]["identifier"] if loaders else None)
    if not loader:
        raise StepFailed("bcdedit /store {} /enum shows no Windows Boot Loader".format(store))
    return loader
