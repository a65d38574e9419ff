"""What of a VM's model the recreate path carries into the new VM, and what it cannot.

One table, :data:`FIELDS`, sorts every property of the VM's REST model (Microsoft.Compute virtualMachines,
2024-11-01, as azure-mgmt-compute 34 carries it) by its path into one of four kinds:

* ``CARRIED``: copied as it was into the recreated VM (and into the original VM brought back on rollback);
* ``DIFFERENT``: carried, but differently, said in ``why`` (the OS disk is new, deleteOptions stay Detach
  until the boot is verified, a system-assigned identity gets a new principal, extensions are re-created);
* ``NOT_CARRIED``: the new VM does not get it, ``why`` says why;
* ``AZURE``: set by Azure (ids, states, the instance view): nothing to carry.

The most specific row covering a path decides. A property no row covers is not carried and is named as
not known, so that a model newer than this table can only make the list of losses longer, never hide one.

:func:`recreate_body` and :func:`attach_body` build the PUT bodies from the captured model (the model as
``VirtualMachine.serialize(keep_readonly=True)`` gives it); :func:`not_carried` lists the losses for the
plan (``--dry-run``) and for the final output.
"""
import copy
import re

from azext_vmbootfix.redact import REDACTED as SCRUBBED, scrub

CARRIED, DIFFERENT, NOT_CARRIED, AZURE = "carried", "carried differently", "not carried", "set by Azure"

P, SP, OSD, OSP = "properties.", "properties.storageProfile.", "properties.storageProfile.osDisk.", \
    "properties.osProfile."
DETACH_UNTIL_VERIFIED = "Detach for the whole run (nothing of the VM is deleted with it); the original value is " \
                        "restored as the last step, after the boot is verified, and on rollback"


class Field:
    def __init__(self, path, kind, why=""):
        self.path, self.kind, self.why = path, kind, why

    def __repr__(self):
        return "Field({!r}, {!r})".format(self.path, self.kind)


FIELDS = [
    # -- the envelope ---------------------------------------------------------------------------
    Field("id", AZURE), Field("name", AZURE), Field("type", AZURE), Field("etag", AZURE), Field("managedBy", AZURE),
    Field("location", CARRIED), Field("zones", CARRIED), Field("extendedLocation", CARRIED),
    Field("placement", CARRIED), Field("plan", CARRIED, "a marketplace image's plan must be given again at create"),
    Field("tags", DIFFERENT, "carried, with the run's tag added (it marks the VM this run created)"),
    Field("identity", DIFFERENT, "user-assigned identities carried; a system-assigned identity is enabled again"),
    Field("identity.principalId", NOT_CARRIED, "a system-assigned identity comes back with a new principal: its "
          "role assignments and Key Vault access policies are lost and must be granted again"),
    Field("identity.tenantId", AZURE),
    Field("identity.userAssignedIdentities", CARRIED),
    Field("resources", DIFFERENT, "extensions are re-created after the boot is verified, with their settings"),
    # -- properties -------------------------------------------------------------------------------
    Field(P + "hardwareProfile", CARRIED),
    Field(P + "additionalCapabilities", CARRIED),
    Field(P + "securityProfile", CARRIED),
    Field(P + "diagnosticsProfile", CARRIED, "boot diagnostics, with its storage account"),
    Field(P + "availabilitySet", CARRIED), Field(P + "proximityPlacementGroup", CARRIED),
    Field(P + "host", CARRIED), Field(P + "hostGroup", CARRIED), Field(P + "capacityReservation", CARRIED),
    Field(P + "priority", CARRIED), Field(P + "evictionPolicy", CARRIED), Field(P + "billingProfile", CARRIED),
    Field(P + "licenseType", CARRIED), Field(P + "userData", CARRIED), Field(P + "extensionsTimeBudget", CARRIED),
    Field(P + "platformFaultDomain", CARRIED), Field(P + "scheduledEventsProfile", CARRIED),
    Field(P + "scheduledEventsPolicy", CARRIED), Field(P + "applicationProfile", CARRIED),
    Field(P + "virtualMachineScaleSet", NOT_CARRIED, "a scale set member is not repaired (pre-flight refuses it)"),
    Field(P + "provisioningState", AZURE), Field(P + "instanceView", AZURE), Field(P + "vmId", AZURE),
    Field(P + "timeCreated", AZURE),
    # -- storage ----------------------------------------------------------------------------------
    Field(SP + "imageReference", DIFFERENT, "the image the VM is recreated from"),
    Field(SP + "diskControllerType", CARRIED), Field(SP + "alignRegionalDisksToVMZone", CARRIED),
    Field(SP + "osDisk", DIFFERENT, "a new OS disk made from the image (the original is kept, detached)"),
    Field(OSD + "caching", CARRIED), Field(OSD + "writeAcceleratorEnabled", CARRIED),
    Field(OSD + "osType", DIFFERENT, "the image's (the original OS disk's, on rollback)"),
    Field(OSD + "name", DIFFERENT, "the new OS disk's name holds the run id (the original's, on rollback)"),
    Field(OSD + "createOption", DIFFERENT, "FromImage (Attach, on rollback)"),
    Field(OSD + "managedDisk.id", DIFFERENT, "the new OS disk (the original, on rollback)"),
    Field(OSD + "managedDisk.storageAccountType", CARRIED),
    Field(OSD + "managedDisk.diskEncryptionSet", CARRIED, "the new OS disk is encrypted with the same set"),
    Field(OSD + "managedDisk.securityProfile", CARRIED),
    Field(OSD + "deleteOption", DIFFERENT, DETACH_UNTIL_VERIFIED),
    Field(OSD + "diskSizeGB", DIFFERENT, "the new OS disk has the image's size"),
    Field(OSD + "encryptionSettings", NOT_CARRIED, "Azure Disk Encryption is not repaired (pre-flight refuses it)"),
    Field(OSD + "diffDiskSettings", NOT_CARRIED, "an ephemeral OS disk is not repaired (pre-flight refuses it)"),
    Field(OSD + "vhd", NOT_CARRIED, "an unmanaged OS disk is not repaired (pre-flight refuses it)"),
    Field(SP + "dataDisks", DIFFERENT, "each data disk attached again (createOption Attach) by its id"),
    Field(SP + "dataDisks.lun", CARRIED), Field(SP + "dataDisks.caching", CARRIED),
    Field(SP + "dataDisks.writeAcceleratorEnabled", CARRIED),
    Field(SP + "dataDisks.managedDisk.id", CARRIED),
    Field(SP + "dataDisks.deleteOption", DIFFERENT, DETACH_UNTIL_VERIFIED),
    Field(SP + "dataDisks.vhd", NOT_CARRIED, "an unmanaged data disk cannot be attached by id"),
    # -- OS profile (what can be set when a VM is created from a generalized image) -------------
    Field(OSP + "computerName", DIFFERENT, "given again: the original's"),
    Field(OSP + "adminUsername", DIFFERENT, "the admin account given to the repair"),
    Field(OSP + "windowsConfiguration", CARRIED), Field(OSP + "linuxConfiguration", CARRIED),
    Field(OSP + "secrets", CARRIED), Field(OSP + "allowExtensionOperations", CARRIED),
    Field(OSP + "requireGuestProvisionSignal", CARRIED),
    # -- network ----------------------------------------------------------------------------------
    Field(P + "networkProfile.networkInterfaces", DIFFERENT, "the same NICs, attached by id, primary as before"),
    Field(P + "networkProfile.networkInterfaces.properties.deleteOption", DIFFERENT, DETACH_UNTIL_VERIFIED),
    Field(P + "networkProfile.networkApiVersion", NOT_CARRIED, "the VM's NICs are attached by id, not made again"),
    Field(P + "networkProfile.networkInterfaceConfigurations", NOT_CARRIED,
          "the NICs the VM made exist as NICs now: they are attached by id, not made again"),
]

# Named whatever the model shows: Azure never returns them, so their loss cannot be seen in the model.
ALWAYS_LOST = [
    {"field": OSP + "customData", "reason": "Azure never returns custom data: the new VM gets none (a generalized "
                                         "image runs none of it again)"},
    {"field": OSP + "adminPassword", "reason": "the new VM's admin account gets the password given to the repair"},
]
EXTENSION_PROTECTED = "protected settings are never returned by Azure: the extension is re-created without them"
_SECRET = re.compile(r"(?i)(\bsig=|password|access_token|bearer\s|accountkey=)")
REDACTED = "<kept out of the journal by vmbootfix>"


def field_for(path):
    """The most specific row covering ``path`` (list positions and map keys dropped), or None."""
    path = re.sub(r"\[[^]]*\]", "", path)
    best = None
    for f in FIELDS:
        if path == f.path or path.startswith(f.path + "."):
            if best is None or len(f.path) > len(best.path):
                best = f
    return best


def _leaves(doc, prefix=""):
    if isinstance(doc, dict) and doc:
        for key, value in doc.items():
            if prefix == "identity.userAssignedIdentities":  # a map keyed by resource id: one leaf an entry
                yield prefix + "[" + key + "]", value
                continue
            yield from _leaves(value, prefix + "." + key if prefix else key)
    elif isinstance(doc, list) and doc:
        for i, item in enumerate(doc):
            yield from _leaves(item, "{}[{}]".format(prefix, i))
    elif doc not in (None, {}, []):
        yield prefix, doc


def not_carried(vm_model, path_name="recreate", osprofile_given=True):
    """``[{"field", "reason"}]``: what of ``vm_model`` (REST shape) the recreated VM will not have (the rescue
    path keeps the VM itself: nothing). ``osprofile_given`` False: the image is specialized, Azure takes no
    osProfile at all."""
    out, seen = [], set()
    if path_name != "recreate" or not vm_model:
        return out

    def add(field, why):
        if field not in seen:
            seen.add(field)
            out.append({"field": field, "reason": why})

    for path, _ in _leaves(vm_model):
        row = field_for(path)
        if row is None:
            add(re.sub(r"\[[^]]*\]", "", path), "not known to vmbootfix: not carried")
        elif row.kind == NOT_CARRIED:
            add(row.path, row.why)
        elif path.startswith(OSP) and not osprofile_given:
            add(P + "osProfile", "the image is specialized: Azure takes no osProfile, the disk keeps the guest's own")
    if vm_model.get("properties", {}).get("osProfile") and osprofile_given:
        for entry in ALWAYS_LOST:
            add(entry["field"], entry["reason"])
    for ext in vm_model.get("resources") or []:
        add("resources[{}].properties.protectedSettings".format(ext.get("name")), EXTENSION_PROTECTED)
    return out


EXPLICIT = (OSP, SP, "identity.")  # carried rows under these are built by the functions below


def not_restored(vm_model):
    """``[{"field", "reason"}]``: what a rollback that brought the original VM back from its own disks could not
    give back (its extensions, a system-assigned identity's principal)."""
    out = [{"field": "resources[{}]".format(ext.get("name")),
            "reason": "extensions are not re-created by a rollback: the original VM's guest agent does not report "
                   "while Windows is stuck at OOBE; create them again once it boots (az vm extension set)"}
           for ext in vm_model.get("resources") or []]
    if "systemassigned" in str((vm_model.get("identity") or {}).get("type") or "").lower():
        out.append({"field": "identity.principalId", "reason": field_for("identity.principalId").why})
    return out


def _copy_carried(original, body):
    """Every ``CARRIED`` row present in ``original``, copied to the same path of ``body``."""
    for row in FIELDS:
        if row.kind != CARRIED or row.path.startswith(EXPLICIT):
            continue
        value = _value_at(original, row.path)
        if value not in (None, {}, []):
            _set_at(body, row.path, copy.deepcopy(value))


def _value_at(doc, path):
    for part in path.split("."):
        if not isinstance(doc, dict):
            return None
        doc = doc.get(part)
    return doc


def _set_at(doc, path, value):
    parts = path.split(".")
    for part in parts[:-1]:
        doc = doc.setdefault(part, {})
    doc[parts[-1]] = value


def _pick(source, keys):
    return {k: copy.deepcopy(source[k]) for k in keys if source.get(k) not in (None, {}, [])} if source else {}


def _identity(original):
    identity = original.get("identity") or {}
    kind = identity.get("type") if _kind("identity") != NOT_CARRIED else None
    if not kind or str(kind).lower() == "none":
        return None
    users = identity.get("userAssignedIdentities") if _kind("identity.userAssignedIdentities") == CARRIED else None
    if users:
        return {"type": kind, "userAssignedIdentities": {rid: {} for rid in users}}  # ids only: the rest is Azure's
    kinds = [k.strip() for k in str(kind).split(",") if k.strip().lower() != "userassigned"]
    return {"type": ", ".join(kinds)} if kinds else None


def _kind(path):
    row = field_for(path)
    return row.kind if row is not None else NOT_CARRIED


def carried_under(prefix, source):
    """What the ``CARRIED`` rows just under ``prefix`` take of ``source`` (the object at ``prefix``), by their
    paths relative to it: the table decides what of a disk, an OS disk or an osProfile is carried."""
    out = {}
    for row in FIELDS:
        if row.kind == CARRIED and row.path.startswith(prefix + "."):
            rel = row.path[len(prefix) + 1:]
            value = _value_at(source or {}, rel)
            if value not in (None, {}, []):
                _set_at(out, rel, copy.deepcopy(value))
    return out


def _storage(original, os_disk, image_reference):
    sp = original["properties"]["storageProfile"]
    storage = dict(carried_under(SP[:-1], {k: v for k, v in sp.items() if k not in ("osDisk", "dataDisks")}),
                   osDisk=os_disk, dataDisks=[dict(carried_under(SP + "dataDisks", d), createOption="Attach",
                                                   deleteOption="Detach") for d in sp.get("dataDisks") or []])
    if image_reference:
        storage["imageReference"] = image_reference
    return storage


def _nic_refs(original):
    """The NICs by id, primary as before, Detach; a NIC whose deleteOption the model did not show gets none
    (absent is Detach), so that the VM comes back with the same model."""
    out = []
    for n in original["properties"]["networkProfile"]["networkInterfaces"]:
        props = _pick(n.get("properties") or {}, ("primary",))
        if (n.get("properties") or {}).get("deleteOption") or n.get("deleteOption"):
            props["deleteOption"] = "Detach"
        out.append({"id": n["id"], "properties": props} if props else {"id": n["id"]})
    return out


def _base(original, os_disk, tags, image_reference):
    nics = _nic_refs(original)
    body = {"location": original["location"], "tags": tags, "properties": {
        "storageProfile": _storage(original, os_disk, image_reference),
        "networkProfile": {"networkInterfaces": nics}}}
    _copy_carried(original, body)
    identity = _identity(original)
    if identity:
        body["identity"] = identity
    return body


def recreate_body(original, os_disk_name, tags, image_reference, os_profile=None):
    """The PUT body of the VM recreated from ``image_reference`` with a new OS disk ``os_disk_name``: every
    carried property of ``original``; every disk, NIC (and, through the NICs, public IP) Detach."""
    osd = original["properties"]["storageProfile"]["osDisk"]
    os_disk = dict(carried_under(OSD[:-1], osd), createOption="FromImage", name=os_disk_name, deleteOption="Detach")
    os_disk.setdefault("caching", "ReadWrite")
    os_disk.setdefault("managedDisk", {})
    body = _base(original, os_disk, tags, image_reference)
    if os_profile:
        given = carried_under(OSP[:-1], original["properties"].get("osProfile"))
        given.update(os_profile)  # the computer name (carried), the admin account given to the repair
        body["properties"]["osProfile"] = given
    return body


def attach_body(original):
    """The original VM brought back from its own OS disk (createOption Attach): every carried property, every
    disk and NIC Detach (the original options come back as rollback's last step)."""
    osd = original["properties"]["storageProfile"]["osDisk"]
    os_disk = dict(carried_under(OSD[:-1], osd), createOption="Attach", deleteOption="Detach",
                   managedDisk={"id": osd["managedDisk"]["id"]})  # the disk keeps its own type and encryption
    os_disk.update(_pick(osd, ("osType", "name")))
    return _base(original, os_disk, original.get("tags") or {}, None)


def extensions(original):
    """The extensions to re-create: ``[(name, body)]`` from the model's ``resources``."""
    out = []
    for ext in original.get("resources") or []:
        props = ext.get("properties") or {}
        body = {"location": ext.get("location") or original["location"], "properties": _pick(props, (
            "publisher", "type", "typeHandlerVersion", "autoUpgradeMinorVersion", "enableAutomaticUpgrade",
            "settings", "suppressFailures", "provisionAfterExtensions", "forceUpdateTag"))}
        if ext.get("tags"):
            body["tags"] = dict(ext["tags"])
        out.append((ext["name"].rsplit("/", 1)[-1], body))
    return out


def split_secrets(model, leave=None):
    """``(model_for_the_journal, secrets)``: string values of extension settings that hold a secret (a SAS
    signature, an account key, a password) replaced by a marker; ``secrets`` maps each path to its value, for
    the run to keep in memory only. A value for which ``leave(value)`` is true is listed but left in place (for
    the engine's scrub, which cuts a SAS signature and records that it did)."""
    model = copy.deepcopy(model)
    secrets = {}

    def walk(node, path):
        for key, value in list(node.items()) if isinstance(node, dict) else enumerate(node):
            here = "{}.{}".format(path, key) if isinstance(node, dict) else "{}[{}]".format(path, key)
            if isinstance(value, (dict, list)):
                walk(value, here)
            elif isinstance(value, str) and _SECRET.search(value):
                secrets[here] = value
                if not (leave and leave(value)):
                    node[key] = REDACTED

    for i, ext in enumerate(model.get("resources") or []):
        walk(ext.get("properties", {}).get("settings") or {}, "resources[{}].properties.settings".format(i))
    return model, secrets


def journal_form(model):
    """``(model, kept_out)``: the model as record-original returns it to the engine: extension-setting values that
    hold a secret the engine's scrub would not cut replaced by the marker (a SAS URL is left to the scrub, which
    lists it under the journal's ``redacted``); ``kept_out``: the paths of every such value."""
    journaled, secrets = split_secrets(model, leave=lambda value: scrub(value)[0] != value)
    return journaled, sorted(secrets)


def has_redacted(body):
    """Whether ``body`` holds a value kept out of the journal: by :func:`split_secrets`, or by the engine's
    scrub of every journaled output (redact.scrub: secret-named fields, SAS signatures)."""
    text = repr(body)
    return REDACTED in text or SCRUBBED in text
