"""Collect the signals ``diagnose`` classifies, with as few ARM calls as possible, concurrently.

For one VM with managed boot diagnostics the ARM calls are:
1. ``GET virtualMachines/{vm}?$expand=instanceView`` (model + power, provisioning, OSState, guest agent);
then, concurrently,
2. ``POST retrieveBootDiagnosticsData`` (then two plain SAS GETs for the screenshot and serial log,
   which are not ARM calls),
3. ``GET images`` (subscription), and for images made from a snapshot, ``GET`` that snapshot,
4. ``GET galleries`` (subscription);
   (gallery image versions are read with ``GALLERY_VERSIONS_API``: azure-cli's profile pins no version for
   them and its default compute version has no such operation group); per gallery in the VM's region (at most ``MAX_GALLERIES``) the image
   definitions that fit the VM (OS type, Hyper-V generation), and the versions of at most
   ``MAX_DEFINITIONS`` of them.
A failure of one signal that Azure answers (an HttpResponseError: 403, 404, throttling past retries, 5xx) is
recorded as evidence and the others still decide; only a missing VM (or group) ends the command with an
error. Anything else (a bug, a network failure, an unrecorded request in a test) is not caught here.
"""
import concurrent.futures
import contextlib
import os

from azure.core.exceptions import HttpResponseError

from azext_vmbootfix.redact import sas_redacted_logs  # no SAS signature in any log, --debug included


MAX_GALLERIES = 2
MAX_DEFINITIONS = 2
MAX_SNAPSHOT_LOOKUPS = 3
SAS_MINUTES = 10
GALLERY_VERSIONS_API = "2023-07-03"  # the first with storageProfile.source.virtualMachineId
BLOB_TIMEOUT = 30


def _error_text(exc):
    code = getattr(getattr(exc, "error", None), "code", None)
    status = getattr(exc, "status_code", None)
    msg = getattr(getattr(exc, "error", None), "message", None) or str(exc).split("\n")[0]
    head = " ".join(str(x) for x in (status, code) if x)
    return "{}: {}".format(head, msg) if head else msg


def _same(a, b):
    return bool(a) and bool(b) and a.lower().rstrip("/") == b.lower().rstrip("/")


def _parse_id(rid):
    parts = (rid or "").strip("/").split("/")
    out = {}
    for key, value in zip(parts[0::2], parts[1::2]):
        out[key.lower()] = value
    return out


# -- the VM ---------------------------------------------------------------------------------------
def vm_facts(vm):
    """What diagnose needs from the VM model and its instance view, as plain values."""
    view = vm.instance_view
    statuses = [s.code or "" for s in (view.statuses or [])] if view else []
    power = next((c.split("/", 1)[1] for c in statuses if c.startswith("PowerState/")), None)
    prov = next((c.split("/", 1)[1] for c in statuses if c.startswith("ProvisioningState/")), None)
    agent_status = agent_message = agent_time = None
    if view and view.vm_agent and view.vm_agent.statuses:
        st = view.vm_agent.statuses[0]
        agent_status, agent_message = st.display_status, st.message
        agent_time = st.time.isoformat() if st.time else None
    os_disk = vm.storage_profile.os_disk
    managed = os_disk.managed_disk
    diag = vm.diagnostics_profile.boot_diagnostics if vm.diagnostics_profile else None
    security = vm.security_profile.security_type if vm.security_profile else None
    rid = _parse_id(vm.id)
    return {
        "id": vm.id, "name": vm.name, "resourceGroup": rid.get("resourcegroups"), "location": vm.location,
        "vmSize": vm.hardware_profile.vm_size if vm.hardware_profile else None,
        "powerState": power, "provisioningState": vm.provisioning_state or prov,
        "osStateGeneralized": "OSState/generalized" in statuses,
        "osType": str(os_disk.os_type.value if hasattr(os_disk.os_type, "value") else os_disk.os_type)
        if os_disk.os_type else None,
        "osDiskId": managed.id if managed else None, "osDiskName": os_disk.name,
        "managedDisks": managed is not None,
        "ephemeralOsDisk": bool(os_disk.diff_disk_settings),
        "securityType": str(security.value if hasattr(security, "value") else security) if security else
        "Standard",
        "hyperVGeneration": (str(view.hyper_v_generation.value if hasattr(view.hyper_v_generation, "value")
                                 else view.hyper_v_generation) if view and view.hyper_v_generation else None),
        "bootDiagnosticsEnabled": bool(diag and diag.enabled),
        "bootDiagnosticsStorageUri": diag.storage_uri if diag else None,
        "agentStatus": agent_status, "agentMessage": agent_message, "agentTime": agent_time,
        "adminUsername": vm.os_profile.admin_username if vm.os_profile else None,
        "nicIds": [n.id for n in (vm.network_profile.network_interfaces or [])] if vm.network_profile else [],
        "dataDiskCount": len(vm.storage_profile.data_disks or []),
        "zones": list(vm.zones or []),
        "tags": dict(vm.tags or {}),
    }


# -- boot diagnostics -----------------------------------------------------------------------------
def boot_diagnostics(compute, facts, read_screenshot=True, http=None, download_screenshot=True,
                     screenshot_slot=None, ocr_slot=None):
    """Screenshot (OCR'd if possible) and serial log. Never raises. ``http``: what GETs the SAS URLs
    (anything with ``requests``' ``get``; default the ``requests`` module). ``download_screenshot=False``
    leaves the screenshot (a 2.4 MB bitmap) where it is when it will not be read. For callers diagnosing
    many VMs at once, two context managers (semaphores): ``screenshot_slot`` is held while the screenshot
    is downloaded and read (no more screenshots in memory than its slots), ``ocr_slot`` while it is read."""
    out = {"enabled": facts["bootDiagnosticsEnabled"], "screenshot": None, "serialLog": None, "error": None,
           "screenText": None, "screenError": None, "ocrSeconds": None, "ocrLanguages": []}
    if not facts["bootDiagnosticsEnabled"]:
        out["screenError"] = "boot diagnostics is disabled"
        return out
    try:
        uris = compute.virtual_machines.retrieve_boot_diagnostics_data(
            facts["resourceGroup"], facts["name"], sas_uri_expiration_time_in_minutes=SAS_MINUTES)
    except HttpResponseError as exc:  # what Azure answers (403, 404, 429 after retries, 5xx)
        out["error"] = out["screenError"] = "retrieveBootDiagnosticsData failed: " + _error_text(exc)
        return out
    times = {}
    with screenshot_slot or contextlib.nullcontext():
        shot = _download(uris.console_screenshot_blob_uri, http, times, "screenshotTime") \
            if download_screenshot else None
        if isinstance(shot, bytes):
            out["screenshot"] = shot
            if read_screenshot:
                from azext_vmbootfix.screenread import read_screen
                with ocr_slot or contextlib.nullcontext():
                    result = read_screen(shot)
                out["screenText"], out["screenError"], out["ocrSeconds"] = result.text, result.error, result.seconds
                out["ocrLanguages"] = list(result.languages)
            else:
                out["screenError"] = "OCR skipped (--no-ocr)"
        elif shot is None:
            out["screenError"] = "OCR skipped (--no-ocr)"
        else:
            out["screenError"] = "screenshot not downloaded: {}".format(shot)
    log = _download(uris.serial_console_log_blob_uri, http, times, "serialLogTime")
    out.update(times)
    if isinstance(log, bytes):
        out["serialLog"] = log.decode("utf-8", "replace")
    return out


def _download(url, http=None, times=None, time_key=None):
    """GET a SAS URL; return bytes, or a reason string. The URL (it holds a signature) is never logged.
    ``times[time_key]`` gets the blob's Last-Modified header (when boot diagnostics last wrote it)."""
    if not url:
        return "no URL returned"
    import requests
    try:
        resp = (http or requests).get(url, timeout=BLOB_TIMEOUT)
    except requests.RequestException as exc:
        return "download failed ({})".format(type(exc).__name__)
    if resp.status_code == 404:
        return "nothing stored yet (HTTP 404): the VM has not booted since boot diagnostics was enabled"
    if resp.status_code != 200:
        return "download answered HTTP {}".format(resp.status_code)
    if times is not None:
        times[time_key] = (getattr(resp, "headers", None) or {}).get("Last-Modified")
    return resp.content


def save_boot_diagnostics(collected, folder):
    """Write the downloaded screenshot and serial log into ``folder``; return the paths written."""
    diag = collected.get("bootDiagnostics") or {}
    name = collected["vm"]["name"]
    os.makedirs(folder, exist_ok=True)
    written = []
    if diag.get("screenshot"):
        path = os.path.join(folder, "{}.screenshot.bmp".format(name))
        with open(path, "wb") as fh:
            fh.write(diag["screenshot"])
        written.append(path)
    if diag.get("serialLog") is not None:
        path = os.path.join(folder, "{}.serialconsole.log".format(name))
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(diag["serialLog"])
        written.append(path)
    return written


# -- images that can restore the VM ---------------------------------------------------------------
def restore_images(compute, facts, versions_client=None):
    """Managed images and gallery image versions made from this VM, its OS disk or a snapshot of it.

    Returns (images, problems): newest first; ``problems`` lists what could not be read."""
    problems = []
    found = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        managed = pool.submit(_managed_images, compute, facts, problems)
        gallery = pool.submit(_gallery_versions, compute, facts, problems, versions_client or compute)
        found.extend(managed.result())
        found.extend(gallery.result())
    found.sort(key=lambda i: i.get("created") or "", reverse=True)
    return found, problems


def _snapshot_source(compute, snapshot_id, cache):
    if snapshot_id.lower() in cache:
        return cache[snapshot_id.lower()]
    if len(cache) >= MAX_SNAPSHOT_LOOKUPS:
        return None
    p = _parse_id(snapshot_id)
    try:
        snap = compute.snapshots.get(p.get("resourcegroups"), p.get("snapshots"))
        source = snap.creation_data.source_resource_id if snap.creation_data else None
    except HttpResponseError:  # gone or not readable: this image cannot be linked through it
        source = None
    cache[snapshot_id.lower()] = source
    return source


def _link(compute, facts, vm_id=None, disk_id=None, snapshot_id=None, cache=None):
    """How a source links to this VM, or None."""
    if vm_id and _same(vm_id, facts["id"]):
        return "sourceVirtualMachine"
    if disk_id and _same(disk_id, facts["osDiskId"]):
        return "osDisk"
    if snapshot_id and facts["osDiskId"]:
        source = _snapshot_source(compute, snapshot_id, cache if cache is not None else {})
        if _same(source, facts["osDiskId"]):
            return "snapshotOfOsDisk"
    return None


def _enum(value):
    return str(value.value if hasattr(value, "value") else value) if value is not None else None


def _managed_images(compute, facts, problems):
    out = []
    cache = {}
    try:
        images = list(compute.images.list())
    except HttpResponseError as exc:  # what Azure answers (403, 404, 429 after retries, 5xx)
        problems.append("could not list managed images: " + _error_text(exc))
        return out
    for image in images:
        os_disk = image.storage_profile.os_disk if image.storage_profile else None
        if os_disk is None:
            continue
        link = _link(compute, facts,
                     vm_id=image.source_virtual_machine.id if image.source_virtual_machine else None,
                     disk_id=os_disk.managed_disk.id if os_disk.managed_disk else None,
                     snapshot_id=os_disk.snapshot.id if os_disk.snapshot else None, cache=cache)
        if not link:
            continue
        os_state = _enum(os_disk.os_state)
        out.append({"kind": "managedImage", "id": image.id, "name": image.name,
                    "resourceGroup": _parse_id(image.id).get("resourcegroups"), "link": link,
                    "osState": os_state, "generalized": (os_state or "").lower() == "generalized",
                    "hyperVGeneration": _enum(image.hyper_v_generation),
                    "created": _iso(getattr(image, "time_created", None))})
    return out


def _gallery_versions(compute, facts, problems, versions_client):
    """``versions_client`` is a client, or a function making one: it is only made when a gallery is there."""
    out = []
    cache = {}
    try:
        galleries = [g for g in compute.galleries.list()
                     if (g.location or "").replace(" ", "").lower() == (facts["location"] or "").lower()]
    except HttpResponseError as exc:  # what Azure answers (403, 404, 429 after retries, 5xx)
        problems.append("could not list galleries: " + _error_text(exc))
        return out
    if len(galleries) > MAX_GALLERIES:
        problems.append("{} galleries in {}; looked in the first {} only".format(len(galleries), facts["location"],
                                                                                MAX_GALLERIES))
    for gallery in galleries[:MAX_GALLERIES]:
        rg = _parse_id(gallery.id).get("resourcegroups")
        try:
            definitions = [d for d in compute.gallery_images.list_by_gallery(rg, gallery.name)
                           if _fits(d, facts)]
        except HttpResponseError as exc:  # what Azure answers (403, 404, 429 after retries, 5xx)
            problems.append("could not list image definitions of {}: {}".format(gallery.name, _error_text(exc)))
            continue
        if len(definitions) > MAX_DEFINITIONS:
            problems.append("{} fitting image definitions in {}; looked in {} only".format(
                len(definitions), gallery.name, MAX_DEFINITIONS))
        for definition in definitions[:MAX_DEFINITIONS]:
            try:
                if callable(versions_client):
                    versions_client = versions_client()
                versions = list(versions_client.gallery_image_versions.list_by_gallery_image(rg, gallery.name,
                                                                                    definition.name))
            except HttpResponseError as exc:  # what Azure answers (403, 404, 429 after retries, 5xx)
                problems.append("could not list versions of {}/{}: {}".format(gallery.name, definition.name,
                                                                            _error_text(exc)))
                continue
            for version in versions:
                source = version.storage_profile.source if version.storage_profile else None
                os_src = version.storage_profile.os_disk_image.source \
                    if version.storage_profile and version.storage_profile.os_disk_image else None
                src_id = getattr(source, "id", None) or getattr(os_src, "id", None)
                vm_id = getattr(source, "virtual_machine_id", None)
                kind = _parse_id(src_id) if src_id else {}
                link = _link(compute, facts, vm_id=vm_id or (src_id if "virtualmachines" in kind else None),
                             disk_id=src_id if "disks" in kind else None,
                             snapshot_id=src_id if "snapshots" in kind else None, cache=cache)
                if not link:
                    continue
                os_state = _enum(definition.os_state)
                published = version.publishing_profile.published_date if version.publishing_profile else None
                out.append({"kind": "galleryImageVersion", "id": version.id,
                            "name": "{}/{}/{}".format(gallery.name, definition.name, version.name),
                            "resourceGroup": rg, "link": link, "osState": os_state,
                            "generalized": (os_state or "").lower() == "generalized",
                            "hyperVGeneration": _enum(definition.hyper_v_generation),
                            "securityType": _security_type(definition), "created": _iso(published)})
    return out


def _fits(definition, facts):
    if facts["osType"] and _enum(definition.os_type) and _enum(definition.os_type).lower() != facts["osType"].lower():
        return False
    gen = _enum(definition.hyper_v_generation)
    return not (facts["hyperVGeneration"] and gen and gen.upper() != facts["hyperVGeneration"].upper())


def _security_type(definition):
    for feature in definition.features or []:
        if (feature.name or "").lower() == "securitytype":
            return feature.value
    return "Standard"


def _iso(value):
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# -- all of it --------------------------------------------------------------------------------------
def collect(compute, resource_group, vm_name, read_screenshot=True, with_images=True, versions_client=None,
            http=None, **screenshot):
    """Everything diagnose looks at, for one VM. Raises only when the VM cannot be read. ``screenshot``:
    :func:`boot_diagnostics`' ``download_screenshot``, ``screenshot_slot`` and ``ocr_slot``."""
    with sas_redacted_logs():
        return _collect(compute, resource_group, vm_name, read_screenshot, with_images, versions_client, http,
                        screenshot)


def _collect(compute, resource_group, vm_name, read_screenshot, with_images, versions_client, http, screenshot):
    vm = compute.virtual_machines.get(resource_group, vm_name, expand="instanceView")
    facts = vm_facts(vm)
    result = {"vm": facts, "bootDiagnostics": None, "images": [], "problems": []}
    if not facts["managedDisks"] and (facts["osType"] or "").lower() != "linux":
        return result
    if (facts["osType"] or "").lower() == "linux":  # only its screen (a GRUB prompt) matters; no images
        result["bootDiagnostics"] = boot_diagnostics(compute, facts, read_screenshot, http, **screenshot)
        return result
    if not with_images:  # one signal: no threads to start
        result["bootDiagnostics"] = boot_diagnostics(compute, facts, read_screenshot, http, **screenshot)
        return result
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        diag = pool.submit(boot_diagnostics, compute, facts, read_screenshot, http, **screenshot)
        images = pool.submit(restore_images, compute, facts, versions_client)
        result["bootDiagnostics"] = diag.result()
        result["images"], result["problems"] = images.result()
    return result
