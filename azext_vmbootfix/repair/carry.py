"""What a recreate carries from the original VM's model, and what it does not (with why).

:func:`not_carried` walks the VM's recorded model (plan.recorded_model) and lists every field the recreate
(recreate._vm_body) does not carry over, with the reason: the plan shows it (``notCarried``) and the final
output of a repair names it. This is the hook for carrying more of the model: whoever makes ``_vm_body`` carry
a field adds its path to :data:`_CARRIED` (``None`` as the reason), and the list shrinks by itself.
"""
import re

# What the recreate carries from the original VM's model (recreate._vm_body), or the reason a field differs.
_CARRIED = (
    (r"(id|name|type|location|etag|zones\[\d+\]|tags\..*)$", None),
    (r"properties\.(vmId|timeCreated|provisioningState)$", None),  # Azure sets them for the new VM
    (r"properties\.(hardwareProfile|securityProfile|diagnosticsProfile|additionalCapabilities)\.", None),
    (r"properties\.storageProfile\.imageReference\.", None),     # the image the VM is recreated from
    (r"properties\.storageProfile\.osDisk\.(name|caching|createOption|osType|deleteOption|"
     r"managedDisk\.(id|storageAccountType))$", None),             # a new OS disk from the image
    (r"properties\.storageProfile\.osDisk\.diskSizeGB$", "the new OS disk has the image's size"),
    (r"properties\.storageProfile\.dataDisks\[\d+\]\.(lun|caching|createOption|name|diskSizeGB|toBeDetached|"
     r"managedDisk\.(id|storageAccountType))$", None),
    (r"properties\.storageProfile\.dataDisks\[\d+\]\.deleteOption$",
     "stays Detach on the recreated VM (deleting it never deletes a disk of the original)"),
    (r"properties\.networkProfile\.networkInterfaces\[\d+\]\.(id|properties\.primary|primary)$", None),
    (r"properties\.networkProfile\.networkInterfaces\[\d+\]\.(properties\.)?deleteOption$",
     "stays Detach on the recreated VM (deleting it never deletes a NIC of the original)"),
    (r"properties\.osProfile\.(computerName|adminUsername)$", None),  # the admin is the one given
    (r"identity\.(principalId|tenantId)$", "a system-assigned identity gets a new principal: its role "
                                          "assignments do not follow"),
)
NOT_YET = "not carried by the recreate (yet)"


def _field(path, depth=None):
    """A readable field name: the path without list positions, cut to its first ``depth`` segments."""
    return ".".join(re.sub(r"\[\d+\]", "", path).split(".")[:depth])


def not_carried(original, path_name="recreate"):
    """Every field of the VM's ``original`` model (plan.recorded_model) that the run will not carry over, and
    why: ``[{"field": ..., "reason": ...}]``. The rescue path keeps the VM itself (only its OS disk is swapped):
    nothing is lost. The hook for carrying more: add to _CARRIED (and to _vm_body) what is carried."""
    if path_name != "recreate" or not original:
        return []
    out = {}
    for path, value in _leaves(original):
        if value in (None, [], {}):
            continue
        reason = NOT_YET
        for pattern, why in _CARRIED:
            if re.match(pattern, path):
                reason = why
                break
        if reason:  # a field not carried yet by its first three segments; a known difference in full
            out.setdefault((_field(path, 3 if reason == NOT_YET else None), reason), None)
    return [{"field": f, "reason": r} for f, r in out]


def _leaves(doc, prefix=""):
    if isinstance(doc, dict) and doc:
        for key, value in doc.items():
            yield from _leaves(value, "{}.{}".format(prefix, key) if prefix else key)
    elif isinstance(doc, list) and doc:
        for i, value in enumerate(doc):
            yield from _leaves(value, "{}[{}]".format(prefix, i))
    else:
        yield prefix, doc
