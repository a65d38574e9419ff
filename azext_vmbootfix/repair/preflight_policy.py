"""Pre-flight: would Azure Policy deny a resource the plan creates?

``POST {group}/providers/Microsoft.PolicyInsights/checkPolicyRestrictions`` (api 2022-03-01, azure-rest-api-specs
policyinsights checkPolicyRestrictions.json) evaluates a resource's content against the policies assigned at the
group and above; ``contentEvaluationResult.policyEvaluations`` lists the assignments the content as given would
be denied by (Learn, "Azure Policy: check policy restrictions"). The content sent is what the step will PUT
(type, name, location, tags, zones, SKU and the properties policies usually judge), never a secret.

:data:`CONTENTS` maps each step that creates something to the resources it creates; a test checks that every
step declaring a write in the group has an entry, so a new step cannot skip the policy check. The nested method's
create-rescue-vm also creates its way in when the VNet has no Azure Bastion: a public IP and an NSG
(:func:`_way_in`), so a policy that denies public IPs stops that plan before anything changes.
"""
from azure.core.exceptions import HttpResponseError
# the steps' own name helpers (_copy_name, _rescue_name, ...) give the names the run will use
# pylint: disable=protected-access

from azext_vmbootfix.repair import rescue as R
from azext_vmbootfix.repair import recreate as S
from azext_vmbootfix.repair.findings import error_text, failed, passed, warning

COMPUTE_API = "2024-11-01"    # azure-cli 2.91's Compute profile (virtualMachines)
DISKS_API = "2023-04-02"
SNAPSHOTS_API = "2023-10-02"


def _original(target):
    if target.vm is not None:
        return target.vm.serialize(keep_readonly=True)
    return target.ctx.journal.data.get("original") or {}


def _enum(value):
    return str(getattr(value, "value", value)) if value is not None else None


def _snapshot(target):
    ctx = target.ctx
    return [("Microsoft.Compute/snapshots", S.BackupOsDisk()._snapshot_name(ctx), SNAPSHOTS_API, {
        "location": target.location, "tags": {S.RUN_TAG: ctx.run_id, S.ROLE_TAG: "backup"},
        "properties": {"creationData": {"createOption": "Copy", "sourceResourceId": target.facts.get("osDiskId")},
                       "incremental": False}})]


def _recreated_vm(target):
    ctx, original = target.ctx, _original(target)
    props = original.get("properties") or {}
    os_disk = (props.get("storageProfile") or {}).get("osDisk") or {}
    content = {"location": target.location, "tags": dict(original.get("tags") or {}, **{S.RUN_TAG: ctx.run_id}),
               "properties": {
                   "hardwareProfile": props.get("hardwareProfile") or {"vmSize": target.facts.get("vmSize")},
                   "storageProfile": {"imageReference": {"id": target.image.get("id")}, "osDisk": {
                       "createOption": "FromImage", "name": S.RecreateFromImage()._os_disk_name(ctx),
                       "managedDisk": {"storageAccountType": (os_disk.get("managedDisk") or {}).get(
                           "storageAccountType")}}}}}
    if props.get("securityProfile"):
        content["properties"]["securityProfile"] = props["securityProfile"]
    if original.get("zones"):
        content["zones"] = original["zones"]
    return [("Microsoft.Compute/virtualMachines", ctx.vm_name, COMPUTE_API, content)]


def _fixed_copy(target):
    ctx = target.ctx
    facts = target.facts
    content = {"location": target.location, "tags": {S.RUN_TAG: ctx.run_id, S.ROLE_TAG: "fixed-copy"},
               "properties": {"osType": facts.get("osType"), "hyperVGeneration": facts.get("hyperVGeneration"),
                              "creationData": {"createOption": "Copy"}}}
    sku = (((_original(target).get("properties") or {}).get("storageProfile") or {}).get("osDisk") or {}).get(
        "managedDisk", {}).get("storageAccountType")
    if sku:
        content["sku"] = {"name": sku}
    if facts.get("zones"):
        content["zones"] = facts["zones"]
    return [("Microsoft.Compute/disks", R._copy_name(ctx), DISKS_API, content)]


def _rescue_vm(target):
    ctx = target.ctx
    params = ctx.journal.data["params"]
    tags = {S.RUN_TAG: ctx.run_id, S.ROLE_TAG: "rescue"}
    nic = {"location": target.location, "tags": tags,
           "properties": {"ipConfigurations": [{"name": "ipconfig1",
                                                "properties": {"privateIPAllocationMethod": "Dynamic"}}]}}
    vm = {"location": target.location, "tags": tags, "properties": {
        "hardwareProfile": {"vmSize": params.get("rescueSize")},
        "storageProfile": {"imageReference": params.get("rescueImage"),
                           "osDisk": {"createOption": "FromImage", "name": R._rescue_os_disk_name(ctx),
                                      "managedDisk": {"storageAccountType": "Premium_LRS"}}}}}
    if target.facts.get("zones"):
        vm["zones"] = target.facts["zones"]
    nic_name = R._rescue_nic_id(ctx).rsplit("/", 1)[-1]
    return _way_in(target, nic) + [("Microsoft.Network/networkInterfaces", nic_name, R.NETWORK_API, nic),
                                   ("Microsoft.Compute/virtualMachines", R._rescue_name(ctx), COMPUTE_API, vm)]


def _way_in(target, nic):
    """The nested method's way in when the VNet has no Azure Bastion (rescue_nested.CreateNestedRescueVm): a
    Standard static public IP and an NSG admitting RDP from --allow-cidr only, both on the rescue VM's NIC."""
    ctx = target.ctx
    params = ctx.journal.data["params"]
    if target.path != "nested" or params.get("bastion"):
        return []
    tags = {S.RUN_TAG: ctx.run_id, S.ROLE_TAG: "rescue-access"}
    pip_id, nsg_id = R._rescue_pip_id(ctx), R._rescue_nsg_id(ctx)
    nsg = {"location": target.location, "tags": tags, "properties": {"securityRules": [{
        "name": "bootfix-rdp-from-allowed-cidr", "properties": {
            "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
            "sourceAddressPrefix": params.get("allowCidr"), "sourcePortRange": "*",
            "destinationAddressPrefix": "*", "destinationPortRange": "3389"}}]}}
    pip = {"location": target.location, "tags": tags, "sku": {"name": "Standard"},
           "properties": {"publicIPAllocationMethod": "Static"}}
    if target.facts.get("zones"):
        pip["zones"] = target.facts["zones"]
    nic["properties"]["networkSecurityGroup"] = {"id": nsg_id}
    nic["properties"]["ipConfigurations"][0]["properties"]["publicIPAddress"] = {"id": pip_id}
    return [("Microsoft.Network/networkSecurityGroups", nsg_id.rsplit("/", 1)[-1], R.NETWORK_API, nsg),
            ("Microsoft.Network/publicIPAddresses", pip_id.rsplit("/", 1)[-1], R.NETWORK_API, pip)]


CONTENTS = {S.BackupOsDisk.name: _snapshot, S.RecreateFromImage.name: _recreated_vm, R.CopyOsDisk.name: _fixed_copy,
            R.CreateRescueVm.name: _rescue_vm}
"""Step name -> the resources it creates, as (type, name, api-version, content)."""


def resources_created(target):
    out = []
    for cls in target.steps:
        build = CONTENTS.get(cls.name)
        if build is not None:
            out += [(cls.name,) + item for item in build(target)]
    return out


def policy(clients, target):
    """One finding: no deny policy would refuse what the remaining steps create."""
    from azure.mgmt.policyinsights.models import CheckRestrictionsRequest, CheckRestrictionsResourceDetails
    created = resources_created(target)
    if not created:
        return []
    denials = []
    for step, rtype, name, api_version, content in created:
        body = dict(content, type=rtype, name=name)
        request = CheckRestrictionsRequest(resource_details=CheckRestrictionsResourceDetails(
            resource_content=body, api_version=api_version))
        try:
            result = clients.policy.policy_restrictions.check_at_resource_group_scope(target.resource_group,
                                                                                      request)
        except HttpResponseError as exc:
            return [warning("policy", "could not ask Azure Policy what it would deny ({}); policies are not "
                                      "checked".format(error_text(exc)))]
        evaluations = result.content_evaluation_result.policy_evaluations \
            if result.content_evaluation_result else None
        for ev in evaluations or []:
            if (ev.evaluation_result or "").lower() != "noncompliant":
                continue
            info = ev.policy_info
            denials.append((step, rtype, name, getattr(info, "policy_assignment_id", None),
                            getattr(info, "policy_definition_id", None)))
    if not denials:
        return [passed("policy", "Azure Policy denies none of the {} resource{} the plan creates".format(
            len(created), "" if len(created) == 1 else "s"))]
    lines = ["the {} {} that {} creates is denied by the assignment '{}' (definition '{}')".format(
        rtype.rsplit("/", 1)[-1], name, step, _name(assignment), _name(definition))
        for step, rtype, name, assignment, definition in denials]
    assignments = sorted({a for _, _, _, a, _ in denials if a})
    return [failed("policy", "; ".join(lines),
                   "See what the assignment requires (az policy assignment show --ids {}) and ask for an exemption "
                   "for the resource group (az policy exemption create), or use the other repair path.".format(
                       " ".join(assignments) if assignments else "<assignment id>"),
                   error="ForbiddenError")]


def _name(rid):
    return (rid or "?").rsplit("/", 1)[-1]
