"""The repair, resume, rollback and journal commands (the command table points here, as azure-cli's ``vm``
module points at its modules): arguments in, the engine (:mod:`.engine`) and the plan file (:mod:`.plan`) out.

``repair`` plans (run id, parameters, the VM's recorded model), checks (pre-flight), then with ``--dry-run``
saves the plan beside the journal and prints its path; without it applies the plan at once; with ``--plan
FILE`` it applies that saved plan, refusing if the VM's model changed since it was made."""
from knack.log import get_logger

from azext_vmbootfix.repair import engine, plan
from azext_vmbootfix.repair.journal import Journal, JournalError, journal_path

logger = get_logger(__name__)


def _errors():
    from azure.cli.core import azclierror
    return azclierror


def _subscription(cmd):
    from azure.cli.core.commands.client_factory import get_subscription_id
    return get_subscription_id(cmd.cli_ctx)


def _path(cmd, resource_group, vm_name):
    return journal_path(cmd.cli_ctx.config.config_dir, _subscription(cmd), resource_group, vm_name)


def _load(cmd, resource_group, vm_name):
    path = _path(cmd, resource_group, vm_name)
    try:
        return Journal.load(path)
    except JournalError as exc:
        raise _errors().FileOperationError(str(exc), recommendation="Move the file away to start over.")


def _journal_failed(exc):
    return _errors().FileOperationError(
        "{} Nothing more was changed in Azure after that.".format(exc),
        recommendation="Make the journal's folder writable (or free space), then `az vm boot-fix resume` "
                       "continues from the journal, or `az vm boot-fix rollback` undoes what was done.")


def _progress(message):
    logger.warning(message)


def _clients(cmd):
    from azext_vmbootfix._client_factory import cf_compute
    from azext_vmbootfix.evidence import GALLERY_VERSIONS_API
    # the gallery-versions client is only made if a gallery is found (evidence calls the function)
    return cf_compute(cmd.cli_ctx), lambda: cf_compute(cmd.cli_ctx, api_version=GALLERY_VERSIONS_API)


def _resources(cmd):
    """The generic ARM client: the rescue VM's NIC is made with it (azure-cli ships no network SDK package)."""
    from azext_vmbootfix._client_factory import cf_resources
    return cf_resources(cmd.cli_ctx)


def _pick_image(images, image):
    if image:
        for candidate in images:
            if image.lower() in (candidate["id"].lower(), (candidate.get("name") or "").lower()):
                return candidate
        if image.startswith("/subscriptions/"):
            return {"id": image, "name": image.rsplit("/", 1)[-1], "generalized": True, "link": "given"}
        raise _errors().InvalidArgumentValueError(
            "--image {} is not an image captured from this VM.".format(image),
            recommendation="Give a full image id, or run `az vm boot-fix diagnose` to see the images it found.")
    usable = [i for i in images if i.get("generalized")] or \
        [i for i in images if i.get("kind") == "galleryImageVersion"]
    return usable[0] if usable else None


def _password(admin_password, needed, rescue=False, nested=False):
    if admin_password or not needed:
        return admin_password
    from knack.prompting import NoTTYException, prompt_pass
    try:
        return prompt_pass("Admin password for the {}: ".format(
            "rescue VM you will sign in to" if nested else "account the answer file creates" if rescue
            else "recreated VM"), confirm=True)
    except NoTTYException:
        raise _errors().RequiredArgumentMissingError(
            "The rescue path writes an answer file that finishes OOBE with an admin account: it needs its password."
            if rescue else "The image is generalized: the new VM needs an admin password.",
            recommendation="Pass --admin-password (it is never written to the journal or logged).")


def _confirm(plan, yes):
    if yes:
        return
    from knack.prompting import NoTTYException, prompt_y_n
    lines = ["{}. {}: {}".format(s["step"], s["name"], s["description"]) for s in plan["steps"]]
    how = "by recreating it from {}".format(plan["image"]) if plan["path"] == "recreate" else \
        "with the rescue path (a copy of its OS disk finished on a rescue VM, then swapped in)"
    try:
        ok = prompt_y_n("Repair {} in {} {}:\n  {}\nProceed?".format(
            plan["vm"], plan["resourceGroup"], how, "\n  ".join(lines)))
    except NoTTYException:
        raise _errors().RequiredArgumentMissingError("Confirmation is needed and there is no terminal to ask.",
                                                     recommendation="Review with --dry-run, then pass --yes.")
    if not ok:
        raise _errors().ManualInterrupt("Nothing was changed.")


def _preflight_clients(cmd, compute):
    from azext_vmbootfix import _client_factory as cf
    from azext_vmbootfix.repair.preflight import Clients
    return Clients(compute, resources=lambda: _resources(cmd),
                   authorization=lambda sub: cf.cf_authorization(cmd.cli_ctx, subscription_id=sub),
                   locks=lambda: cf.cf_locks(cmd.cli_ctx), policy=lambda: cf.cf_policy_insights(cmd.cli_ctx),
                   marketplace=lambda: cf.cf_marketplace_ordering(cmd.cli_ctx))


def _get_vm(compute, resource_group, vm_name):
    from azure.core.exceptions import HttpResponseError, ResourceNotFoundError as NotFound
    try:
        return compute.virtual_machines.get(resource_group, vm_name, expand="instanceView")
    except NotFound as exc:
        missing_group = getattr(exc.error, "code", None) == "ResourceGroupNotFound"
        hint = "az group list -o table" if missing_group else "az vm list -g {} -o table".format(resource_group)
        raise _errors().ResourceNotFoundError(
            "The repair cannot start: {} Nothing was changed.".format(exc.message),
            recommendation="See what exists with: " + hint) from exc
    except HttpResponseError as exc:
        if exc.status_code != 403:
            raise
        raise _errors().ForbiddenError(
            "The repair cannot start: {} Nothing was changed.".format(exc.message),
            recommendation="Ask for a role on the VM's resource group (Virtual Machine Contributor and snapshot "
                           "rights, or Contributor); `az role assignment list --assignee <you> --all -o table` "
                           "shows what you hold.") from exc


def _check_cidr(allow_cidr):
    """--allow-cidr: one IPv4 network, never the whole Internet (RDP open to everyone is what it prevents)."""
    import ipaddress
    try:
        network = ipaddress.ip_network(allow_cidr, strict=False)
    except ValueError:
        raise _errors().InvalidArgumentValueError(
            "--allow-cidr {} is not an address range.".format(allow_cidr),
            recommendation="Give your public address as a /32, e.g. --allow-cidr 203.0.113.7/32.")
    if network.prefixlen < 8 or network.version != 4:
        raise _errors().InvalidArgumentValueError(
            "--allow-cidr {} would open RDP to {} addresses.".format(allow_cidr, network.num_addresses),
            recommendation="Give your own public IPv4 address as a /32, or use Azure Bastion in the VM's VNet.")
    return str(network)


def _nested_params(cmd, vm, allow_cidr):
    """What the nested method decides before it runs: how the rescue VM will be reached."""
    from azext_vmbootfix.repair.rescue_nested import vnet_has_bastion
    resources = _resources(cmd)
    nic = resources.resources.get_by_id(vm.network_profile.network_interfaces[0].id, "2024-05-01")
    configs = (nic.properties or {}).get("ipConfigurations") or []
    primary = next((c for c in configs if (c.get("properties") or {}).get("primary")), configs[0])
    bastion = vnet_has_bastion(resources, primary["properties"]["subnet"]["id"])
    if not bastion and not allow_cidr:
        raise _errors().RequiredArgumentMissingError(
            "--method nested needs a way to reach the rescue VM: its VNet has no Azure Bastion "
            "(AzureBastionSubnet), so give the address range RDP may come from.",
            recommendation="Pass --allow-cidr <your public IPv4>/32 (only that range may connect), or deploy Azure "
                           "Bastion in the VNet.")
    return {"method": "nested", "bastion": bastion, "allowCidr": _check_cidr(allow_cidr) if allow_cidr else None}


def repair(cmd, resource_group_name, vm_name, keep_disks=False, image=None, admin_username=None,
           admin_password=None, dry_run=False, yes=False, rescue=False, plan_file=None, method=None,
           allow_cidr=None):
    err = _errors()
    nested = (method or "answer-file") == "nested"
    if method and not rescue and not nested:
        raise err.InvalidArgumentValueError("--method is for the rescue path.", recommendation="Add --rescue.")
    if allow_cidr and not nested:
        raise err.InvalidArgumentValueError("--allow-cidr is for --method nested only.",
                                            recommendation="Drop --allow-cidr, or add --rescue --method nested.")
    if plan_file and (method or allow_cidr):
        raise err.MutuallyExclusiveArgumentError(
            "--plan applies a saved plan as it is: --method and --allow-cidr were chosen when it was made.",
            recommendation="Make a new plan with --dry-run to change them.")
    rescue = rescue or nested
    if plan_file:
        if dry_run or image or rescue or admin_username:
            raise err.MutuallyExclusiveArgumentError(
                "--plan applies a saved plan as it is: --dry-run, --image, --rescue and --admin-username were "
                "chosen when it was made.", recommendation="Make a new plan with --dry-run to change them.")
        return _apply_saved(cmd, resource_group_name, vm_name, plan_file, admin_password, yes, keep_disks)
    if rescue and image:
        raise err.MutuallyExclusiveArgumentError(
            "--rescue does not use an image; --image is for the recreate path.",
            recommendation="Pass one of them.")
    if not keep_disks and not rescue:
        raise err.RequiredArgumentMissingError(
            "repair deletes the VM and creates it again; --keep-disks confirms that its OS disk, data disks "
            "and NICs are kept (the article's step 1).",
            recommendation="az vm boot-fix repair -g {} -n {} --keep-disks --dry-run".format(resource_group_name,
                                                                                          vm_name))
    if not dry_run:
        _refuse_if_active(cmd, resource_group_name, vm_name)
    from azext_vmbootfix import diagnose
    from azext_vmbootfix.evidence import collect, vm_facts
    from azext_vmbootfix.repair import preflight
    compute, versions = _clients(cmd)
    vm = _get_vm(compute, resource_group_name, vm_name)
    shape = preflight.vm_checks(compute, vm)  # a VM this tool cannot repair is refused before anything else
    preflight.refuse(shape)
    verdict = diagnose.verdict_for_vm(collect(compute, resource_group_name, vm_name, versions_client=versions))
    if verdict["articleId"] != "OSStartUp-OOBE" or verdict["osState"] == "unknown":
        raise err.InvalidArgumentValueError(
            "diagnose does not find {} stuck at OOBE (verdict {}, {}, confidence {}); repair only fixes that."
            .format(vm_name, verdict["articleId"], verdict["osState"], verdict["confidence"]),
            recommendation="az vm boot-fix diagnose -g {} -n {} -o table".format(resource_group_name, vm_name))
    chosen = None if rescue else _pick_image(verdict["images"], image)
    if chosen is None and not rescue:
        _progress("No image captured from {} was found: using the rescue path (article steps 5-12).".format(vm_name))
    facts = vm_facts(vm)
    admin_username = admin_username or facts.get("adminUsername") or "azureadmin"
    catalog = params = None
    if chosen is None:
        catalog, params = _rescue_params(compute, vm)
        if nested:
            params.update(_nested_params(cmd, vm, allow_cidr))
    path_name = "recreate" if chosen else "nested" if nested else "rescue"
    plan_doc = engine.new_plan(_subscription(cmd), facts, chosen, admin_username, path_name=path_name,
                               rescue=params, vm=vm)
    ctx, described, findings = _checked(cmd, compute, plan_doc, vm, shape, chosen, catalog)
    if dry_run:
        _warn_failures(findings)
        saved = plan.save(plan.document(described, **_plan_parts(plan_doc)),
                          plan.plan_path(_path(cmd, resource_group_name, vm_name), plan_doc["runId"]))
        logger.warning("Plan saved to %s\n  apply it with: az vm boot-fix repair -g %s -n %s%s --plan \"%s\"",
                       saved["planFile"], resource_group_name, vm_name,
                       " --keep-disks" if path_name == "recreate" else "", saved["planFile"])
        return {"dryRun": True, "verdict": {k: verdict[k] for k in ("articleId", "osState", "confidence")},
                "plan": described, "notCarried": plan_doc["notCarried"], "planFile": saved["planFile"],
                "articleSteps": plan.article_rows(plan_doc["path"], engine.path_steps(plan_doc["path"])),
                "preflight": preflight.rows(findings)}
    preflight.refuse(findings)
    _confirm(described, yes)
    return _apply_new(ctx, chosen, admin_password, plan_doc["notCarried"])


def _refuse_if_active(cmd, resource_group, vm_name):
    existing = _load(cmd, resource_group, vm_name)
    if engine.is_active(existing):
        raise _errors().InvalidArgumentValueError(
            "A repair of {} is {} (run {}).".format(vm_name, existing.status, existing.data["runId"]),
            recommendation="Continue it with `az vm boot-fix resume -g {0} -n {1}` or undo it with "
                           "`az vm boot-fix rollback -g {0} -n {1}`.".format(resource_group, vm_name))


def _rescue_params(compute, vm):
    from azext_vmbootfix.repair import rescue as rescue_plan
    from azext_vmbootfix.repair.preflight_capacity import read_catalog
    from azext_vmbootfix.repair.recreate import StepFailed
    from azure.core.exceptions import HttpResponseError
    try:
        catalog = read_catalog(compute, vm.location)
    except HttpResponseError:
        catalog = None  # unreadable: the size is chosen unchecked and pre-flight warns
    try:
        return catalog, rescue_plan.rescue_params(compute, vm, catalog)
    except StepFailed as exc:
        raise _errors().ValidationError(str(exc), recommendation=exc.recommendation)


def _plan_parts(plan_doc):
    return {k: plan_doc[k] for k in ("subscription", "facts", "params", "model", "redacted")} | \
        {"not_carried": plan_doc["notCarried"]}


def _checked(cmd, compute, plan_doc, vm, shape, image, catalog=None):
    """The plan's context (its journal not yet saved), its description and the pre-flight findings."""
    from azext_vmbootfix.repair import preflight
    journal = engine.journal_from_plan(_path(cmd, plan_doc["resourceGroup"], plan_doc["vm"]), plan_doc)
    p = plan_doc["params"]
    ctx = engine.Context(compute, journal, admin_username=p.get("adminUsername"), image_id=p.get("imageId"),
                         image_generalized=bool(p.get("imageGeneralized")), progress=_progress,
                         resources=_resources(cmd))
    target = preflight.Target(ctx, ctx.facts, engine.path_steps(journal.data["path"]), image=image, vm=vm,
                              catalog=catalog)
    described = engine.describe(ctx, vm_model=plan_doc.get("model"), not_carried=plan_doc.get("notCarried"))
    return ctx, described, shape + preflight.plan_checks(_preflight_clients(cmd, compute), target)


def _warn_failures(findings):
    from azext_vmbootfix.repair import preflight
    for f in preflight.failures(findings):
        logger.warning("Pre-flight %s failed: %s\n  %s", f["check"], f["detail"], f["recommendation"])
    if preflight.failures(findings):
        logger.warning("Pre-flight: %d check(s) failed; `repair` without --dry-run would refuse to start.",
                       len(preflight.failures(findings)))


def _apply_new(ctx, image, admin_password, not_carried):
    needed = image is None or bool(image.get("generalized"))
    nested = ctx.journal.data["path"] == "nested"
    password = _password(admin_password, needed, rescue=image is None, nested=nested)
    ctx._admin_password = password  # pylint: disable=protected-access
    try:
        ctx.journal.save()
    except JournalError as exc:
        raise _journal_failed(exc)
    out = _run(lambda: engine.apply(ctx), ctx)
    for item in not_carried:
        logger.warning("Not carried over: %s (%s)", item["field"], item["reason"])
    out["notCarried"] = not_carried
    return out


def _apply_saved(cmd, resource_group, vm_name, plan_file, admin_password, yes, keep_disks):
    """``repair --plan FILE``: exactly the saved plan (its run id, parameters and steps), if the VM is as the
    plan recorded it."""
    err = _errors()
    try:
        saved = plan.load(plan_file)
    except JournalError as exc:
        raise err.FileOperationError(str(exc), recommendation="Give the file `repair --dry-run` saved.")
    where = (saved.get("subscription", "").lower(), saved.get("resourceGroup", "").lower(), saved.get("vm", "").lower())
    if where != (_subscription(cmd).lower(), resource_group.lower(), vm_name.lower()):
        raise err.InvalidArgumentValueError(
            "The plan {} is for VM {} in {} (subscription {}), not {} in {}.".format(
                plan_file, saved.get("vm"), saved.get("resourceGroup"), saved.get("subscription"), vm_name,
                resource_group), recommendation="Pass the plan's own -g and -n, or make a plan for this VM.")
    if saved["path"] == "recreate" and not keep_disks:
        raise err.RequiredArgumentMissingError(
            "The plan deletes the VM and creates it again; --keep-disks confirms that its disks and NICs are kept.",
            recommendation="az vm boot-fix repair -g {} -n {} --keep-disks --plan \"{}\"".format(
                resource_group, vm_name, plan_file))
    _refuse_if_active(cmd, resource_group, vm_name)
    from azext_vmbootfix.repair import preflight
    compute, _ = _clients(cmd)
    vm = _get_vm(compute, resource_group, vm_name)
    changed = plan.model_changes(saved["model"], plan.recorded_model(vm)[0])
    if changed:
        raise err.ValidationError(
            "{} changed since the plan {} was made ({}{}); the plan was not applied and nothing was changed."
            .format(vm_name, plan_file, ", ".join(changed[:5]), ", ..." if len(changed) > 5 else ""),
            recommendation="Review a new plan: az vm boot-fix repair -g {} -n {} --dry-run".format(
                resource_group, vm_name))
    shape = preflight.vm_checks(compute, vm)
    preflight.refuse(shape)
    p = saved["params"]
    image = {"id": p["imageId"], "name": p.get("imageName"), "generalized": p.get("imageGeneralized")} \
        if p.get("imageId") else None
    ctx, described, findings = _checked(cmd, compute, saved, vm, shape, image)
    preflight.refuse(findings)
    _confirm(described, yes)
    return _apply_new(ctx, image, admin_password, saved.get("notCarried") or [])


def _run(action, ctx):
    from azext_vmbootfix.redact import redacted_logs
    try:
        with redacted_logs([ctx._admin_password]):  # pylint: disable=protected-access
            out = action()  # (under --debug azure-cli logs request bodies: the VM's and Run Commands')
    except engine.RepairError as exc:
        from azext_vmbootfix.repair.rescue_state import Refused
        if isinstance(exc.__cause__, Refused):  # the disk's own state, not Azure: nothing on it was changed
            raise _errors().ValidationError(str(exc), recommendation=exc.recommendation) from exc
        raise _errors().AzureResponseError(str(exc), recommendation=exc.recommendation) from exc
    except JournalError as exc:
        raise _journal_failed(exc) from exc
    warning = ctx.journal.step("verify-boot")["outputs"].get("warning") if out["status"] == "succeeded" else None
    if warning:
        logger.warning(warning)
        out["warning"] = warning
    original = ctx.journal.data.get("original")
    if out["status"] == "succeeded" and ctx.journal.data["path"] == "recreate" and original:
        from azext_vmbootfix.repair import carry
        out["notCarried"] = carry.not_carried(
            original, osprofile_given=bool(ctx.journal.data["params"].get("imageGeneralized")))
        extensions = ctx.journal.step("recreate-extensions")["outputs"] or {}
        for key in ("extensionsNotRecreated", "extensionsFailed"):
            if extensions.get(key):
                out[key] = extensions[key]
                logger.warning("%s: %s", key, ", ".join(extensions[key]))
    if out["status"] == "rolled-back" and original and ctx.journal.data["path"] == "recreate" and \
            ctx.journal.step("delete-vm")["state"] == "undone":
        from azext_vmbootfix.repair import carry
        out["notRestored"] = carry.not_restored(original)
        for entry in out["notRestored"]:
            logger.warning("Not restored: %s (%s)", entry["field"], entry["reason"])
    return out
