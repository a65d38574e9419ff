"""The exact commands to run next, with this VM's names, for each verdict."""


def _rg(vm):
    return vm["resourceGroup"]


def for_verdict(out, vm):
    rg, name = _rg(vm), vm["name"]
    steps = []
    if vm.get("bootDiagnosticsEnabled") is False and (vm.get("osType") or "").lower() != "linux":
        steps.append("az vm boot-diagnostics enable -g {} -n {}".format(rg, name))
        steps.append("az vm boot-fix diagnose -g {} -n {}".format(rg, name))
    state = out["osState"]
    article_id = out["articleId"]
    images = out.get("images") or []
    generalized = [i for i in images if i.get("generalized")]
    if state in ("running-at-oobe", "generalized-by-api") or (article_id == "OSStartUp-OOBE" and state == "unknown"):
        if state == "unknown":
            steps.append("az vm boot-diagnostics get-boot-log-uris -g {} -n {}  # look at the screenshot".format(rg,
                                                                                                              name))
        steps.append("az vm update -g {} -n {} --set storageProfile.osDisk.deleteOption=Detach  "
                     "# keep the OS disk when the VM is deleted (article step 1)".format(rg, name))
        if generalized:
            image = generalized[0]
            steps.append("az vm delete -g {} -n {} --yes  # disks and NICs are kept (deleteOption Detach)"
                         .format(rg, name))
            nics = " ".join(vm.get("nicIds", [])) if vm.get("nicIds") else ""
            steps.append("az vm create -g {} -n {} --image {} --admin-username <admin>{}{}  "
                         "# article steps 2-3: recreate from the captured image".format(
                             rg, name, image["id"], " --nics " + nics if nics else "",
                             " --security-type TrustedLaunch" if image.get("securityType") == "TrustedLaunch"
                             else ""))
            steps.append("az vm boot-fix diagnose -g {} -n {}  # article step 4: verify it boots".format(rg, name))
        else:
            steps.append("az snapshot create -g {0} -n {1}-os-backup --source {2}  "
                         "# article step 5: keep a copy of the OS disk".format(rg, name, vm.get("osDiskId") or
                                                                              "<os disk id>"))
            steps.append("# article steps 6-12: no generalized image of this VM was found; finish OOBE on a copy "
                         "of the disk in a nested-virtualization rescue VM, then swap it back")
    elif article_id:
        steps.append("az snapshot create -g {0} -n {1}-os-backup --source {2}  # keep a copy of the OS disk "
                     "before any repair".format(rg, name, vm.get("osDiskId") or "<os disk id>"))
        steps.append("az vm boot-fix article -n {} --article-id {} --format text --query content -o tsv"
                     .format(name, article_id))
    return steps
