"""``repair --rescue --method nested``: the article's own way (step 6) as a fallback for the answer file.

The rescue VM (a nested-virtualization size, security type Standard: Trusted Launch blocks Hyper-V, Learn's
nested guide) gets Hyper-V and a nested VM on the attached copy; a person connects, finishes the OOBE pages in
Hyper-V Manager and shuts the nested VM down; ``resume`` then releases the copy, swaps it in and verifies.

1-3 as the rescue path (record, backup, copy)
4. create-rescue-vm      as the rescue path, plus a way in: none when the VM's VNet has an ``AzureBastionSubnet``
                         (Azure Bastion reaches the VM's private address), else a Standard public IP and an NSG
                         that admits RDP (TCP 3389) from ``--allow-cidr`` only. The admin is ``--admin-username``
                         with the password typed at the prompt: sent once in the create, never stored.
5. enable-hyperv         Run Command ``enable-hyperv.ps1``, then a restart through Azure
6. start-nested-vm       Run Command ``start-nested-vm.ps1`` (copy Offline, Hyper-V VM of its generation, started)
7. wait-for-user         prints how to connect and stops the run at ``waiting-for-user``
8. release-copy          Run Command ``release-nested-vm.ps1`` (the nested VM off and removed, the copy Online)
9-15 as the rescue path: serial console (EMS) in the copy's BCD, detach, deallocate, swap, start, verify, delete
                         the rescue VM (and its IP and NSG)
"""
from azext_vmbootfix.repair import actions as A
from azext_vmbootfix.repair import recreate as S
from azext_vmbootfix.repair import rescue as R
from azext_vmbootfix.repair.recreate import ROLE_TAG, StepFailed
from azext_vmbootfix.repair.rescue_base import (NESTED_VM, NETWORK_API, RC_DISKS, RC_HYPERV, RC_NESTED, RC_RELEASE,
                                                WaitingForUser, _copy_disk, _params, _rescue_name, _rescue_nsg_id,
                                                _rescue_pip_id, _rescue_vm, last_doc, rescue_doc)
from azext_vmbootfix.repair.rescue_read import copy_disk_of, parse_disks
from azext_vmbootfix.repair.runcommand import script_result, succeeded

BASTION_SUBNET = "AzureBastionSubnet"  # the subnet name Azure Bastion requires in a VNet


def vnet_has_bastion(resources, subnet_id):
    """True when the subnet's VNet has an ``AzureBastionSubnet`` (where a Bastion host lives)."""
    vnet_id = subnet_id.rsplit("/subnets/", 1)[0]
    vnet = resources.resources.get_by_id(vnet_id, NETWORK_API)
    return any((s.get("name") or "").lower() == BASTION_SUBNET.lower()
               for s in (vnet.properties or {}).get("subnets") or [])


class CreateNestedRescueVm(R.CreateRescueVm):
    description = "Create a rescue VM for nested Hyper-V (another Windows Server version, nested-virtualization " \
                  "size, security type Standard, your admin account, reachable by Azure Bastion or by RDP from " \
                  "--allow-cidr only) with the copy attached at LUN 0 (article step 6)."
    actions = dict(R.CreateRescueVm.actions, group=R.CreateRescueVm.actions["group"] + (
        A.PIP_READ, A.PIP_WRITE, A.PIP_JOIN, A.NSG_READ, A.NSG_WRITE, A.NSG_JOIN), subnet=(A.SUBNET_JOIN, A.VNET_READ))
    undo_actions = {"group": R.CreateRescueVm.undo_actions["group"] + (A.PIP_DELETE, A.NSG_DELETE)}

    @classmethod
    def declared(cls, undo, params):
        """The public IP and NSG actions only when the way in is a public IP (no Bastion in the VNet)."""
        if not params.get("bastion"):
            return cls.undo_actions if undo else cls.actions
        if undo:
            return R.CreateRescueVm.undo_actions
        return dict(R.CreateRescueVm.actions, subnet=cls.actions["subnet"])

    def plan(self, ctx):
        out = super().plan(ctx)
        p = _params(ctx)
        if not p.get("bastion"):
            out["creates"] += ["public IP " + _rescue_pip_id(ctx).rsplit("/", 1)[-1],
                               "NSG {} (RDP from {} only)".format(_rescue_nsg_id(ctx).rsplit("/", 1)[-1],
                                                                  p.get("allowCidr"))]
        return out

    def _security(self, ctx):
        return {"securityType": "Standard"}  # Hyper-V inside the VM needs it (Learn, nested virtualization guide)

    def _account(self, ctx):
        return {"adminUsername": _params(ctx).get("adminUsername"), "adminPassword": ctx.admin_password()}

    def _access(self, ctx, subnet_id, ip_config, tags):
        p = _params(ctx)
        if vnet_has_bastion(ctx.resources, subnet_id):
            return {}, {"connectBy": "bastion", "vnet": subnet_id.rsplit("/subnets/", 1)[0].rsplit("/", 1)[-1]}
        cidr = p.get("allowCidr")
        if not cidr:
            raise StepFailed("the VNet has no Azure Bastion and no --allow-cidr was given: the rescue VM would be "
                             "unreachable", "Run again with --allow-cidr <your public address>/32.")
        nsg_tags = dict(tags, **{ROLE_TAG: "rescue-access"})
        rule = {"name": "bootfix-rdp-from-allowed-cidr", "properties": {
            "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
            "sourceAddressPrefix": cidr, "sourcePortRange": "*", "destinationAddressPrefix": "*",
            "destinationPortRange": "3389"}}
        generic = ctx.resources.resources
        nsg_made = S.Started(generic.begin_create_or_update_by_id, _rescue_nsg_id(ctx), NETWORK_API, {
            "location": p["location"], "tags": nsg_tags, "properties": {"securityRules": [rule]}})
        pip_body = {"location": p["location"], "tags": nsg_tags, "sku": {"name": "Standard"},
                    "properties": {"publicIPAllocationMethod": "Static"}}
        zones = (ctx.journal.data.get("original") or {}).get("zones")
        if zones:
            pip_body["zones"] = zones
        pip_made = S.Started(generic.begin_create_or_update_by_id, _rescue_pip_id(ctx), NETWORK_API, pip_body)
        nsg, pip = nsg_made.result(), pip_made.result()  # independent: both in flight at once
        ip_config["publicIPAddress"] = {"id": pip.id}
        address = (pip.properties or {}).get("ipAddress")
        return {"networkSecurityGroup": {"id": nsg.id}}, {"connectBy": "public-ip", "publicIp": address,
                                                           "allowCidr": cidr}


class EnableHyperV(S.Step):
    name = "enable-hyperv"
    article = (6,)
    description = "Install Hyper-V on the rescue VM by Run Command and restart it (article step 6)."
    actions = {"group": (A.VM_READ, A.RUN_COMMANDS_READ, A.RUN_COMMANDS_WRITE, A.VM_RESTART)}

    def plan(self, ctx):
        return {"reads": [], "creates": [], "changes": ["{}: Hyper-V role, restart".format(_rescue_name(ctx))],
                "keeps": []}

    def done(self, ctx):
        return last_doc(ctx, RC_HYPERV, "enable-hyperv.ps1").get("RestartNeeded") == "No"

    def apply(self, ctx):
        rescue_vm = _rescue_name(ctx)
        doc = rescue_doc(ctx, RC_HYPERV, "enable-hyperv.ps1", "installing Hyper-V")
        if doc.get("Success") is not True:
            raise StepFailed("Install-WindowsFeature Hyper-V did not succeed on {}".format(rescue_vm))
        if doc.get("RestartNeeded") == "Yes":
            ctx.compute.virtual_machines.begin_restart(ctx.resource_group, rescue_vm).result()
        return {"restarted": doc.get("RestartNeeded") == "Yes"}


class StartNestedVm(S.Step):
    name = "start-nested-vm"
    article = (6,)
    description = "Take the copy offline on the rescue VM and start a Hyper-V VM of its generation on it."
    actions = {"group": (A.VM_READ, A.RUN_COMMANDS_READ, A.RUN_COMMANDS_WRITE)}

    def plan(self, ctx):
        return {"reads": [], "creates": ["Hyper-V VM {} on {}".format(NESTED_VM, _rescue_name(ctx))],
                "changes": [], "keeps": []}

    def done(self, ctx):
        return last_doc(ctx, RC_NESTED, "start-nested-vm.ps1").get("State") == "Running"

    def apply(self, ctx):
        disk, _parts = copy_disk_of(rescue_doc(ctx, RC_DISKS, "get-disks.ps1"))
        copy = _copy_disk(ctx)
        generation = str(getattr(copy.hyper_v_generation, "value", copy.hyper_v_generation) or "V1")
        out = rescue_doc(ctx, RC_NESTED, "start-nested-vm.ps1", "starting the nested VM", parameters={
            "DiskNumber": disk["number"], "Generation": 2 if generation == "V2" else 1, "VmName": NESTED_VM})
        if out.get("State") != "Running":
            raise StepFailed("the nested VM {} is {} on {}".format(NESTED_VM, out.get("State"), _rescue_name(ctx)))
        return {"nestedVm": NESTED_VM, "copyDiskNumber": disk["number"], "generation": generation}


def connect_instructions(ctx):
    """How a person reaches the nested VM; the password is the one typed at the prompt, never printed."""
    access = ctx.journal.step(R.CreateRescueVm.name)["outputs"]
    p = _params(ctx)
    name = _rescue_name(ctx)
    if access.get("connectBy") == "bastion":
        how = ("Connect with Azure Bastion (the VNet {} has one): in the portal open {} > Connect > Bastion, or "
               "`az network bastion rdp --name <bastion> --resource-group <its group> --target-resource-id "
               "{}`.".format(access.get("vnet"), name, access.get("rescueVmId")))
    else:
        how = ("Connect by RDP to {} (`mstsc /v:{}`; only {} may reach it).".format(
            access.get("publicIp"), access.get("publicIp"), access.get("allowCidr")))
    return ("The rescue VM {} is ready. {} Sign in as {} with the password you typed (it is not stored). Open "
            "Hyper-V Manager, connect to {}, finish the OOBE pages (region, keyboard, license, administrator "
            "password) until the logon screen shows, then shut {} down. Then run `az vm boot-fix resume -g {} -n {}`"
            " to swap the copy in, or `az vm boot-fix rollback -g {} -n {}` to give up.".format(
                name, how, p.get("adminUsername"), NESTED_VM, NESTED_VM, ctx.resource_group, ctx.vm_name,
                ctx.resource_group, ctx.vm_name))


class WaitForUser(S.Step):
    name = "wait-for-user"
    article = (6, 7)
    description = "Print how to connect (Azure Bastion or RDP, then Hyper-V Manager) and wait for you to finish " \
                  "OOBE in the nested VM; `resume` continues."

    def plan(self, ctx):
        return {"reads": [], "creates": [], "changes": [], "keeps": []}

    def done(self, ctx):
        return bool(getattr(ctx, "user_resumed", False))

    def apply(self, ctx):
        message = connect_instructions(ctx)
        raise WaitingForUser(message, {"instructions": message})


class ReleaseCopy(S.Step):
    name = "release-copy"
    article = (11,)
    description = "Turn the nested VM off and remove it, so that the copy can be detached."
    actions = {"group": (A.VM_READ, A.RUN_COMMANDS_READ, A.RUN_COMMANDS_WRITE)}

    def plan(self, ctx):
        return {"reads": [], "creates": [], "changes": ["remove Hyper-V VM " + NESTED_VM], "keeps": []}

    def done(self, ctx):
        result = script_result(ctx, _rescue_name(ctx), RC_RELEASE) if _rescue_vm(ctx) is not None else None
        return _rescue_vm(ctx) is None or succeeded(result)

    def apply(self, ctx):
        number = ctx.journal.step(StartNestedVm.name)["outputs"].get("copyDiskNumber")
        if number is None:  # start-nested-vm was reconciled on a resume: its outputs are not in the journal
            # the copy is the highest-numbered disk (rescue_read.copy_disk_of), Offline while Hyper-V holds it
            disks, _parts = parse_disks(rescue_doc(ctx, RC_DISKS, "get-disks.ps1"))
            number = max(d["number"] for d in disks)
        doc = rescue_doc(ctx, RC_RELEASE, "release-nested-vm.ps1", "removing the nested VM",
                         parameters={"VmName": NESTED_VM, "DiskNumber": number})
        return {"nestedVmRemoved": doc.get("Removed") is True}


NESTED_PATH = (S.RecordOriginal, S.BackupOsDisk, R.CopyOsDisk, CreateNestedRescueVm, EnableHyperV, StartNestedVm,
               WaitForUser, ReleaseCopy, R.DeallocateVm, R.EnableSerialConsole, R.DetachCopy, R.DeleteRescueVm,
               R.SwapOsDisk, R.StartVm, R.VerifyRescuedBoot)
