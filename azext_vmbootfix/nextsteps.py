"""The exact commands to run next, with this VM's names, for each verdict.

The recreate path is the article's steps 1-4 done with az: keep every disk and NIC when the VM is
deleted, wait out Azure's 180-second NIC reservation, recreate the VM from the captured image with the
same name, size, NIC, zone and tags, then diagnose it again.
"""
import shlex

NIC_RESERVATION_SECONDS = 180


def _rg(vm):
    return vm["resourceGroup"]


def _short(resource_id, resource_group):
    """A resource's name when it lives in the VM's resource group (az accepts names there), else its id."""
    parts = (resource_id or "").strip("/").split("/")
    if len(parts) == 8 and parts[3].lower() == (resource_group or "").lower():  # a top-level resource
        return parts[-1]
    return resource_id


def _keep_everything(vm):
    """`az vm update --set ...deleteOption=Detach` for the OS disk, every data disk and every NIC."""
    sets = ["storageProfile.osDisk.deleteOption=Detach"]
    sets += ["storageProfile.dataDisks[{}].deleteOption=Detach".format(i) for i in range(vm.get("dataDiskCount", 0))]
    sets += ["networkProfile.networkInterfaces[{}].deleteOption=Detach".format(i)
             for i in range(len(vm.get("nicIds") or []))]
    return "az vm update -g {} -n {} --set {}  # article step 1: deleting the VM keeps its disks and NICs".format(
        _rg(vm), vm["name"], " ".join(sets))


def _recreate(vm, image):
    rg = _rg(vm)
    words = ["az", "vm", "create", "-g", rg, "-n", vm["name"], "--image", _short(image["id"], rg)]
    if vm.get("vmSize"):
        words += ["--size", vm["vmSize"]]
    if vm.get("nicIds"):
        words += ["--nics"] + [_short(n, rg) for n in vm["nicIds"]]
    if vm.get("zones"):
        words += ["--zone", vm["zones"][0]]
    if image.get("securityType") == "TrustedLaunch" or vm.get("securityType") == "TrustedLaunch":
        words += ["--security-type", "TrustedLaunch"]
    if image.get("generalized"):
        words += ["--admin-username", "<admin>"]  # az prompts for the password: none in shell history
    else:
        words += ["--specialized"]
    if vm.get("tags"):
        words += ["--tags"] + ["{}={}".format(k, v) for k, v in sorted(vm["tags"].items())]
    line = " ".join(w if w.startswith("<") else shlex.quote(w) for w in words)
    return line + "  # article steps 2-3: recreate from {}".format(image.get("name") or "the image")


def _family_step(out, vm):
    """The catalog's next step for a family member: this extension's repair, an Azure repair script, or none."""
    from azext_vmbootfix import catalog
    try:
        nxt = catalog.find(catalog.load(), out["articleId"]).get("next", {})
    except KeyError:
        return []
    rg, name = _rg(vm), vm["name"]
    if nxt.get("runId"):
        params = " --parameters {}".format(nxt["parameters"]) if nxt.get("parameters") else ""
        return ["az vm repair create -g {0} -n {1} --verbose  # a repair VM with a copy of the OS disk".format(rg, name),
                "az vm repair run -g {0} -n {1} --run-id {2}{3} --run-on-repair --verbose  # Azure's repair "
                "script for {4}".format(rg, name, nxt["runId"], params, out["articleId"]),
                "az vm repair restore -g {0} -n {1}  # swap the fixed disk back".format(rg, name)]
    return []


def for_watch(summary, vm):
    """Steps the watch outcome calls for, before the verdict's own."""
    rg, name = _rg(vm), vm["name"]
    if summary["outcome"] == "progressing":
        return ["# Windows is working (progress moved): wait, then run  az vm boot-fix diagnose -g {} -n {} "
                "--watch {}".format(rg, name, summary["seconds"])]
    if summary["outcome"] == "not-refreshed":
        return ["az vm boot-fix diagnose -g {} -n {} --watch {}  # the screenshot was not captured again; "
                "watch longer".format(rg, name, min(3600, max(600, 2 * summary["seconds"])))]
    return []


def for_verdict(out, vm):
    rg, name = _rg(vm), vm["name"]
    steps = []
    if vm.get("bootDiagnosticsEnabled") is False and (vm.get("osType") or "").lower() != "linux":
        steps.append("az vm boot-diagnostics enable -g {} -n {}".format(rg, name))
        steps.append("az vm boot-fix diagnose -g {} -n {}".format(rg, name))
    state = out["osState"]
    article_id = out["articleId"]
    images = out.get("images") or []
    usable = [i for i in images if i.get("generalized")] or \
        [i for i in images if i.get("kind") == "galleryImageVersion"]
    oobe = state in ("running-at-oobe", "generalized-by-api") or (article_id == "OSStartUp-OOBE" and state == "unknown")
    if oobe:
        if state == "unknown":
            steps.append("az vm boot-diagnostics get-boot-log-uris -g {} -n {}  # look at the screenshot first"
                         .format(rg, name))
        if usable:
            steps.append(_keep_everything(vm))
            steps.append("az vm delete -g {} -n {} --yes".format(rg, name))
            if vm.get("nicIds"):
                steps.append("sleep {}  # Azure keeps the NIC reserved for {} s after the VM is deleted "
                             "(NicReservedForAnotherVm)".format(NIC_RESERVATION_SECONDS, NIC_RESERVATION_SECONDS))
            steps.append(_recreate(vm, usable[0]))
            steps.append("az vm boot-fix diagnose -g {} -n {}  # article step 4: verify it boots".format(rg, name))
        else:
            steps.append("az snapshot create -g {0} -n {1}-os-backup --source {2}  "
                         "# article step 5: keep a copy of the OS disk".format(rg, name, vm.get("osDiskId") or
                                                                              "<os-disk-id>"))
            steps.append("# article steps 6-12: no image of this VM was found; finish OOBE on a copy of the disk "
                         "in a nested-virtualization rescue VM, then swap it back")
    elif article_id:
        steps.append("az snapshot create -g {0} -n {1}-os-backup --source {2}  # keep a copy of the OS disk "
                     "before any repair".format(rg, name, vm.get("osDiskId") or "<os-disk-id>"))
        steps += _family_step(out, vm)
        steps.append("az vm boot-fix article -n {} --article-id {} --format text --query content -o tsv"
                     .format(name, article_id))
    return steps
