"""Boot diagnostics through the stock az and plain requests; SAS checks; OCR of the screenshot."""
import io
import json
from urllib.parse import parse_qs, urlsplit, urlencode, urlunsplit

import pytest
import requests

from fakeazure.cloud import Cloud
from fakeazure.inprocess import session
from fakecloud import az, fake_server


@pytest.fixture(scope="module")
def server():
    with fake_server("oobe-stuck", "healthy-windows", "boot-diagnostics-disabled", "generalized-by-api", "linux",
                     "could-not-complete-installation") as srv:
        yield srv


def _with(url, **changes):
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    q.update(changes)
    return urlunsplit(parts._replace(query=urlencode(q)))


@pytest.mark.az
def test_get_boot_log_prints_the_serial_console(server):
    log = az(server, "vm", "boot-diagnostics", "get-boot-log", "-g", "rg-healthy", "-n", "app01")
    assert "Computer is booting, SAC started and initialized." in log and "SAC>" in log


@pytest.mark.az
def test_get_boot_log_linux_has_the_kernel_log(server):
    log = az(server, "vm", "boot-diagnostics", "get-boot-log", "-g", "rg-linux", "-n", "lnx01")
    assert "Linux version" in log and "login:" in log


@pytest.mark.az
def test_get_boot_log_oobe_without_ems_is_empty(server):
    assert az(server, "vm", "boot-diagnostics", "get-boot-log", "-g", "rg-oobe", "-n", "web01") == ""


@pytest.mark.az
def test_boot_diagnostics_disabled(server):
    proc = az(server, "vm", "boot-diagnostics", "get-boot-log", "-g", "rg-nodiag", "-n", "web03", check=False)
    assert proc.rc != 0 and "Please enable boot diagnostics." in proc.stderr
    proc = az(server, "vm", "boot-diagnostics", "get-boot-log-uris", "-g", "rg-nodiag", "-n", "web03", check=False)
    assert proc.rc != 0 and "OperationNotAllowed" in proc.stderr


@pytest.mark.az
def test_uris_expiry_and_names(server):
    vm = server.cloud.compute.get_vm(server.cloud.default_subscription, "rg-oobe", "web01")
    uris = az(server, "vm", "boot-diagnostics", "get-boot-log-uris", "-g", "rg-oobe", "-n", "web01",
              "--expire", "30")
    shot = urlsplit(uris["consoleScreenshotBlobUri"])
    assert shot.path == "/_blob/bootdiagnostics-web01-{0}/web01.{0}.screenshot.bmp".format(vm.vm_id)
    q = {k: v[0] for k, v in parse_qs(shot.query).items()}
    assert q["sr"] == "b" and q["sp"] == "r" and q["sig"]
    from fakeazure.blob.models import parse_iso_z
    assert 29 * 60 <= parse_iso_z(q["se"]) - server.cloud.clock.now() <= 30 * 60 + 1
    proc = az(server, "vm", "boot-diagnostics", "get-boot-log-uris", "-g", "rg-oobe", "-n", "web01",
              "--expire", "1441", check=False)
    assert proc.rc != 0 and "sasUriExpirationTimeInMinutes" in proc.stderr


@pytest.mark.az
def test_bad_signature_and_missing_sas_are_refused(server):
    uris = az(server, "vm", "boot-diagnostics", "get-boot-log-uris", "-g", "rg-healthy", "-n", "app01")
    url = uris["serialConsoleLogBlobUri"]
    ok = requests.get(url, verify=server.cert_path, timeout=30)
    assert ok.status_code == 200 and ok.headers["Content-Type"].startswith("text/plain")
    bad = requests.get(_with(url, sig="AAAA" + parse_qs(urlsplit(url).query)["sig"][0][4:]),
                       verify=server.cert_path, timeout=30)
    assert bad.status_code == 403 and bad.headers["x-ms-error-code"] == "AuthenticationFailed"
    assert "<Code>AuthenticationFailed</Code>" in bad.text and "Signature did not match" in bad.text
    longer = requests.get(_with(url, se="2099-01-01T00:00:00Z"), verify=server.cert_path, timeout=30)
    assert longer.status_code == 403  # the expiry is signed: it cannot be stretched
    other = requests.get(url.replace("serialconsole.log", "screenshot.bmp"), verify=server.cert_path, timeout=30)
    assert other.status_code == 403  # a SAS is for one blob
    bare = requests.get(url.split("?")[0], verify=server.cert_path, timeout=30)
    assert bare.status_code == 404


@pytest.mark.az
def test_never_booted_vm_has_no_blobs(server):
    uris = az(server, "vm", "boot-diagnostics", "get-boot-log-uris", "-g", "rg-gen", "-n", "app01")
    resp = requests.get(uris["consoleScreenshotBlobUri"], verify=server.cert_path, timeout=30)
    assert resp.status_code == 404 and resp.headers["x-ms-error-code"] == "BlobNotFound"
    assert "<Code>BlobNotFound</Code>" in resp.text and resp.headers["Content-Type"] == "application/xml"


@pytest.mark.az
def test_no_signature_is_ever_logged(server):
    uris = az(server, "vm", "boot-diagnostics", "get-boot-log-uris", "-g", "rg-healthy", "-n", "app01")
    for url in uris.values():
        requests.get(url, verify=server.cert_path, timeout=30)
    sigs = [parse_qs(urlsplit(u).query)["sig"][0] for u in uris.values()]
    ctl = requests.get(server.base_url + "/_fake/requests", verify=server.cert_path, timeout=30).text
    logged = json.dumps(server.cloud.request_log) + json.dumps(server.cloud.errors_log) + ctl
    assert "/_blob/" in logged and "sig=REDACTED" in logged
    for sig in sigs:
        assert sig not in logged
        assert requests.utils.quote(sig, safe="") not in logged


def test_sas_expiry_on_the_virtual_clock():
    cloud = Cloud(profile="fast")
    cloud.load_scenario("healthy-windows")
    uris = cloud.compute.retrieve_boot_diagnostics_data(cloud.default_subscription, "rg-healthy", "app01", 1,
                                                          "https://fake.management.azure.local")
    s = session(cloud)
    assert s.get(uris["serialConsoleLogBlobUri"]).status_code == 200
    cloud.clock.advance(61)
    expired = s.get(uris["serialConsoleLogBlobUri"])
    assert expired.status_code == 403 and "Signature not valid in the specified time frame" in expired.text


def test_deallocated_vm_keeps_the_last_capture():
    from azure.mgmt.compute import ComputeManagementClient
    from fakeazure.inprocess import sdk_client
    cloud = Cloud(profile="fast")
    cloud.load_scenario("healthy-windows")
    client = sdk_client(cloud, ComputeManagementClient)
    client.virtual_machines.begin_deallocate("rg-healthy", "app01").result()
    data = client.virtual_machines.retrieve_boot_diagnostics_data("rg-healthy", "app01")
    s = session(cloud)
    resp = s.get(data.console_screenshot_blob_uri)
    assert resp.status_code == 200 and resp.content[:2] == b"BM"


@pytest.mark.az
@pytest.mark.ocr
@pytest.mark.parametrize("rg,name,phrase", [("rg-oobe", "web01", "Hi there"),
                                            ("rg-undeployable", "img01", "could not complete the installation")])
def test_ocr_reads_the_screenshot(server, rg, name, phrase):
    pytesseract = pytest.importorskip("pytesseract")
    from PIL import Image
    uris = az(server, "vm", "boot-diagnostics", "get-boot-log-uris", "-g", rg, "-n", name)
    resp = requests.get(uris["consoleScreenshotBlobUri"], verify=server.cert_path, timeout=30)
    text = pytesseract.image_to_string(Image.open(io.BytesIO(resp.content)))
    assert phrase.lower() in " ".join(text.split()).lower()
