"""State a recording presupposes, made in the fake before the replay through the fake's own REST API.

Nothing made here is compared. Two kinds:

* **Resource groups** (every recording): azure-cli's ``ResourceGroupPreparer`` creates the test's group
  before the recorder starts and deletes it after it stops, so a cassette uses a group it never created.
  Each group a recording uses before (or without) creating it is PUT with the location and tags Azure
  reported for it (a recorded GET of the group), else in the location of the first resource PUT in it,
  else in ``westus`` (the preparer's default). A group that no request addresses but whose id Azure's
  answers name outside a list (a second preparer's group that a template deploys into) is made in
  ``westus`` too.
* **Resources the fidelity pack never made** (the fidelity pack only): its entries are snippets of runs
  whose resources were made earlier, or made by a request whose body the pack did not keep. One rule for
  them all: *a resource the recording reads or references before making it (or makes only by a request
  it did not keep) is created from the first recorded body that shows it*. The bodies that show a resource
  are, in the recording's order, Azure's answers and the pack's status documents that name its ``id``
  (a disk in a ``DiskOperations`` output, say), then the PUT bodies sent to it; the first whole one is
  taken, and members it lacks (or the pack abridged) are filled in from the next ones. Where no body of
  the resource exists, the first reference that describes it (a VM's ``osDisk`` naming a disk: its OS type,
  size and storage type) stands in for one.

  - VMs, NICs and public IPs are made before the replay starts: a VM from its body's location, size,
    marketplace image, OS disk name and storage type, computer and admin name (a generated password), and
    NICs, each NIC made in a vnet of its group; a managed OS disk stands in for a recorded VHD one. NICs a
    VM PUT of the pack refers to, and NICs and public IPs the pack reads without making, are made the same
    way (location, SKU, allocation method).
  - Disks and snapshots are made just before the first request that reads or references them (or in place
    of the request the pack did not keep), so that a copy's source, made by the recording itself, is there:
    location, SKU, tags, how it was created (``Empty`` of its size, or ``Copy`` of its recorded source), OS
    type and Hyper-V generation. One the fake has by then (a VM's OS disk it made) is left as it is.

  What cannot be made (a resource no recorded body shows) is noted, not worked around. Other types are not
  built: the gallery image version the pack reads stays missing, its definition shown by no recorded body
  (``tests/fixtures/azure-traffic/DISAGREEMENTS.md``, F5).
"""
import json
import re
import uuid
from urllib.parse import urlsplit

from .armpath import classify, segments
from .cassettes import UNRECORDED, parse_json
from .groups import creates, group_of, presupposed_groups

GROUP_API = "2022-09-01"
NETWORK_API = "2022-01-01"
COMPUTE_API = "2022-08-01"
DISK_API = "2022-03-02"
_DISK_LIKE = re.compile(r"/subscriptions/[^/\"?]+/resourcegroups/[^/\"?]+/providers/microsoft\.compute/"
                        r"(?:disks|snapshots)/[^/\"?]+", re.IGNORECASE)
_CREATION_KEPT = ("createOption", "sourceResourceId", "imageReference", "galleryImageReference", "logicalSectorSize")


def _dict(value):
    return value if isinstance(value, dict) else {}


def _resource_path(path):
    segs = [s.lower() for s in segments(path)]
    return "/" + "/".join(segs[: len(segs) - (len(segs) % 2)])


def _of_type(exchanges, rtype):
    """``{resource path: [exchange, ...]}`` of the exchanges addressing resources of ``rtype``."""
    out = {}
    for ex in exchanges:
        path = urlsplit(ex.url).path
        found = classify(ex.method, path)
        if found and found[1].lower() == rtype.lower() and len(segments(path)) >= 8:
            out.setdefault(_resource_path(path), []).append(ex)
    return out


def _abridged(value):
    return isinstance(value, str) and (value.startswith("...") or "...cut..." in value)


def _fill(into, more):
    """``into`` with the members it lacks (or has only abridged) taken from ``more``, recursively."""
    for key, value in more.items():
        if _abridged(value):
            continue
        if key not in into or _abridged(into[key]):
            into[key] = value
        elif isinstance(into[key], dict) and isinstance(value, dict):
            _fill(into[key], value)
    return into


def _showing(value, path):
    """The resource bodies inside a JSON value whose ``id`` is ``path``, outermost first (a body has a ``type``
    or a ``location``; a bare reference such as ``managedDisk: {id}`` is none)."""
    if isinstance(value, dict):
        if str(value.get("id", "")).lower() == path and ("type" in value or "location" in value):
            yield value
        for child in value.values():
            yield from _showing(child, path)
    elif isinstance(value, list):
        for child in value:
            yield from _showing(child, path)


def _model(path, uses):
    """Azure's recorded body of the resource at ``path``: the first whole body that shows it (an answer or a
    status document naming it, else a PUT's request), with what it lacks filled in from the others; None
    when no recorded body shows it. ``uses`` are the exchanges to look in."""
    found = []
    for ex in uses:
        for shown in [ex.json()] + list(ex.shown):
            found += list(_showing(shown, path))
    found += [b for b in (parse_json(ex.body) for ex in uses if ex.method == "PUT"
                          and _resource_path(urlsplit(ex.url).path) == path) if isinstance(b, dict)]
    whole = [b for b in found if isinstance(b.get("properties"), dict)
             and all(isinstance(v, (dict, list, bool, int, float)) or k in ("provisioningState", "vmId", "timeCreated")
                     for k, v in b["properties"].items())]
    ordered = whole + [b for b in found if not any(b is w for w in whole)]
    if not ordered:
        return None
    model = json.loads(json.dumps(ordered[0]))
    for more in ordered[1:]:
        _fill(model, more)
    return model


def presupposed_vms(exchanges):
    """``[(path, model)]`` of the VMs used before (or without) being created, with Azure's body of them."""
    out = []
    for path, uses in _of_type(exchanges, "Microsoft.Compute/virtualMachines").items():
        first = uses[0]
        if creates(first) and _resource_path(urlsplit(first.url).path) == path:
            continue
        if first.status is not None and first.status >= 400:
            continue  # Azure did not have it either
        out.append((path, _model(path, uses)))
    return out


def referenced_nics(exchanges, vms):
    """``{nic id (lower): (id, model or None)}`` of NICs the VMs or VM PUTs name, or the pack reads."""
    nics = {}
    bodies = [m for _, m in vms if m] + [parse_json(ex.body) for ex in exchanges if ex.method == "PUT"]
    for body in bodies:
        props = _dict(_dict(body).get("properties"))
        for ref in _dict(props.get("networkProfile")).get("networkInterfaces") or []:
            if isinstance(ref, dict) and ref.get("id"):
                nics.setdefault(ref["id"].lower(), (ref["id"], None))
    for path, uses in _of_type(exchanges, "Microsoft.Network/networkInterfaces").items():
        if not creates(uses[0]) and (uses[0].status or 0) < 400:
            model = _model(path, uses)
            nics[path] = ((model or {}).get("id") or path, model)
    return nics


def presupposed_disks(exchanges):
    """``{exchange index: [disk or snapshot path (lower)]}``: the disks and snapshots to make just before that
    exchange, being the first that reads or references them (or PUTs them with a body the recording did not
    keep) while no earlier request of the recording made them. One whose first request Azure answered with
    an error is left out (Azure did not have it either)."""
    first_status, made, planned, out = {}, set(), set(), {}
    for ex in exchanges:
        here = _resource_path(urlsplit(ex.url).path)
        first_status.setdefault(here, ex.status)
    for i, ex in enumerate(exchanges):
        here = _resource_path(urlsplit(ex.url).path)
        own = here if _DISK_LIKE.fullmatch(here) else None
        needed = [m.lower() for m in _DISK_LIKE.findall(ex.body if isinstance(ex.body, str) else "")]
        sends_it = own and ex.method == "PUT" and ex.body is not UNRECORDED
        if own and not sends_it:
            needed.insert(0, own)
        for path in needed:
            if path in made or path in planned or path == own and sends_it:
                continue
            if (first_status.get(path) or 0) >= 400:
                continue
            planned.add(path)
            out.setdefault(i, []).append(path)
        if sends_it:
            made.add(own)
    return out


def _describing(value, path, top=None):
    """``(reference, document)`` of each dict inside a JSON value that names the disk or snapshot ``path`` as
    its ``managedDisk`` or ``snapshot`` (a VM's or image's disk entry), with the document it lies in."""
    top = value if top is None else top
    if isinstance(value, dict):
        for key in ("managedDisk", "snapshot"):
            if str(_dict(value.get(key)).get("id", "")).lower() == path:
                yield value, top
        for child in value.values():
            yield from _describing(child, path, top)
    elif isinstance(value, list):
        for child in value:
            yield from _describing(child, path, top)


def _described(path, exchanges):
    """A disk or snapshot body made from the first reference that describes it (its OS type, size and storage
    type, in the location of the body naming it), or None."""
    for ex in exchanges:
        for doc in [parse_json(ex.body)] + [ex.json()] + list(ex.shown):
            for ref, top in _describing(doc, path):
                sku = ref.get("storageAccountType") or _dict(ref.get("managedDisk")).get("storageAccountType")
                props = {"creationData": {"createOption": "Empty"}}
                props.update({k: ref[k] for k in ("osType", "diskSizeGB") if ref.get(k) is not None})
                return {"location": _dict(top).get("location", "westus"), "properties": props,
                        **({"sku": {"name": sku}} if sku else {})}
    return None


def disk_body(model):
    """The PUT body that makes a disk or snapshot as ``model`` (Azure's body of it) shows it."""
    props = _dict(model.get("properties"))
    creation = {k: v for k, v in _dict(props.get("creationData")).items() if k in _CREATION_KEPT}
    body = {"location": model.get("location", "westus"),
            "properties": {"creationData": creation or {"createOption": "Empty"},
                           **{k: props[k] for k in ("diskSizeGB", "osType", "hyperVGeneration", "incremental")
                              if props.get(k) is not None}}}
    if _dict(model.get("sku")).get("name"):
        body["sku"] = {"name": model["sku"]["name"]}
    for key in ("tags", "zones"):
        if model.get(key):
            body[key] = model[key]
    return body


class Arranger:
    """Makes the presupposed state in a fake through a :class:`~replay.engine.Replayer`'s ``send``."""

    def __init__(self, replayer, base_url):
        self.r = replayer
        self.base = base_url
        self.notes = replayer.result.notes
        self.disks_before = {}  # exchange index -> disk and snapshot paths to make just before it

    def put(self, path, api, body, what):
        resp = self.r.send("PUT", "{}{}?api-version={}".format(self.base, path, api), json.dumps(body))
        if resp.status_code >= 300:
            answer = " ".join(resp.text.split())[:240]
            self.notes.append("arranging {}: the fake answered {} {}".format(what, resp.status_code, answer))
            self.r.result.unmade.add(path.lower())
            return None
        op = resp.headers.get("Azure-AsyncOperation")
        if op:
            self.r.follow(op, wait=True)
        if not what.startswith("group"):
            self.r.result.arranged_resources.add(path.lower())
        return resp

    def groups(self, exchanges):
        made = []
        for sub, group, body in presupposed_groups(exchanges):
            path = "/subscriptions/{}/resourcegroups/{}".format(sub, group)
            if self.put(path, GROUP_API, body, "group " + group) is None and body["location"] != "westus":
                self.put(path, GROUP_API, dict(body, location="westus"), "group {} in westus".format(group))
            made.append(group)
        return made

    def vms_and_nics(self, exchanges):
        for path, uses in _of_type(exchanges, "Microsoft.Network/publicIPAddresses").items():
            if not creates(uses[0]) and (uses[0].status or 0) < 400:
                model = _dict(_model(path, uses))
                self.put(path, NETWORK_API, {"location": model.get("location", "westus"),
                                             **({"sku": model["sku"]} if isinstance(model.get("sku"), dict) else {}),
                                             "properties": {"publicIPAllocationMethod": _dict(
                                                 model.get("properties")).get("publicIPAllocationMethod", "Static")}},
                         "public IP " + path)
        vms = presupposed_vms(exchanges)
        location = {}
        for path, model in vms:
            if model:
                location[path.split("/providers/")[0]] = model.get("location")
        for _, (nic_id, model) in referenced_nics(exchanges, vms).items():
            self.nic(nic_id, model, location)
        for path, model in vms:
            self.vm(path, model)

    def plan_disks(self, exchanges):
        self.disks_before = presupposed_disks(exchanges)

    def before(self, index, exchanges):
        """Make the disks and snapshots exchange ``index`` is the first to need (see :func:`presupposed_disks`),
        unless the fake has them by then (a VM's OS disk the arrangement made)."""
        for path in self.disks_before.get(index, ()):
            url = "{}{}?api-version={}".format(self.base, path, DISK_API)
            if self.r.send("GET", url).status_code == 200:
                continue
            model = _model(path, exchanges) or _described(path, exchanges)
            if model is None:
                self.notes.append("not arranged: {} (no recorded body shows it)".format(path))
                self.r.result.unmade.add(path)
                continue
            self.put(path, DISK_API, disk_body(model), "disk or snapshot " + path)

    def nic(self, nic_id, model, location):
        found = group_of(nic_id)
        if not found:
            return
        sub, group, _ = found
        group_path = "/subscriptions/{}/resourceGroups/{}".format(sub, group)
        loc = (model or {}).get("location") or location.get(group_path.lower()) or "westus"
        vnet = "{}/providers/Microsoft.Network/virtualNetworks/arranged-vnet".format(group_path)
        self.put(vnet, NETWORK_API, {"location": loc, "properties": {
            "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
            "subnets": [{"name": "default", "properties": {"addressPrefix": "10.0.0.0/24"}}]}},
            "the vnet of " + nic_id)
        config = {"name": "ipconfig1",
                  "properties": {"subnet": {"id": vnet + "/subnets/default"}, "privateIPAllocationMethod": "Dynamic"}}
        self.put(urlsplit(nic_id).path, NETWORK_API, {"location": loc, "properties": {"ipConfigurations": [config]}},
                 "NIC " + nic_id)

    def vm(self, path, model):
        props = _dict((model or {}).get("properties"))
        storage = _dict(props.get("storageProfile"))
        image = {k: v for k, v in _dict(storage.get("imageReference")).items()
                 if k in ("publisher", "offer", "sku", "version", "id")}
        os_profile = _dict(props.get("osProfile"))
        if not model or not image or not os_profile.get("computerName"):
            self.notes.append("not arranged: VM {} (the pack has no body of it with an image and a computer "
                              "name)".format(path))
            self.r.result.unmade.add(path.lower())
            return
        recorded_osd = _dict(storage.get("osDisk"))
        if "vhd" in recorded_osd:
            self.notes.append("arranged VM {} with a managed OS disk (Azure's had a VHD)".format(path))
        os_disk = {"createOption": "FromImage"}
        if recorded_osd.get("name"):
            os_disk["name"] = recorded_osd["name"]
        if _dict(recorded_osd.get("managedDisk")).get("storageAccountType"):
            os_disk["managedDisk"] = {"storageAccountType": recorded_osd["managedDisk"]["storageAccountType"]}
        nics = [{"id": n["id"], "properties": {"primary": i == 0}}
                for i, n in enumerate(_dict(props.get("networkProfile")).get("networkInterfaces") or [])]
        body = {"location": model.get("location", "westus"), "properties": {
            "hardwareProfile": {"vmSize": _dict(props.get("hardwareProfile")).get("vmSize", "Standard_D2s_v3")},
            "storageProfile": {"imageReference": image, "osDisk": os_disk},
            "osProfile": {"computerName": os_profile["computerName"],
                          "adminUsername": os_profile.get("adminUsername", "azureuser"),
                          "adminPassword": "Arr-" + uuid.uuid4().hex[:12] + "!9"},
            "networkProfile": {"networkInterfaces": nics}}}
        self.put(path, COMPUTE_API, body, "VM " + path)
