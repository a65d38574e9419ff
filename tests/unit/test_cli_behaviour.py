"""The commands through the CLI itself (in-process DummyCli, no Azure call): errors, exit codes, output."""
import io
import json
import logging
import os

import pytest

from azext_vmbootfix import evidence


def run(*args):
    from azure.cli.core.mock import DummyCli
    cli = DummyCli()
    out = io.StringIO()
    rc = cli.invoke(list(args), out_file=out)
    return rc, out.getvalue()


def test_article_renders_and_lists_without_a_vm_name():
    rc, out = run("vm", "boot-fix", "article", "--list", "-o", "json")
    assert rc == 0
    ids = [a["articleId"] for a in json.loads(out)]
    assert "OSStartUp-OOBE" in ids and len(ids) >= 9
    rc, out = run("vm", "boot-fix", "article", "-n", "web01", "-o", "json")
    body = json.loads(out)
    assert rc == 0 and body["format"] == "markdown" and "web01" in body["content"]


@pytest.mark.parametrize("article_id", ["Nope", "../../etc/passwd"])
def test_unknown_article_is_a_clean_error(article_id, caplog):
    rc, _ = run("vm", "boot-fix", "article", "-n", "web01", "--article-id", article_id)
    err = caplog.text
    assert rc != 0
    assert "Traceback" not in err and "Known articles" in err


def test_article_ids_are_case_insensitive():
    rc, out = run("vm", "boot-fix", "article", "-n", "web01", "--article-id", "osstartup-oobe", "-o", "json")
    assert rc == 0 and json.loads(out)["articleId"] == "OSStartUp-OOBE"


def test_offline_refuses_a_file_that_is_not_an_image(tmp_path, caplog):
    bad = tmp_path / "shot.bmp"
    bad.write_bytes(b"this is not a bitmap at all, just text pretending" * 3)
    rc, _ = run("vm", "boot-fix", "diagnose", "--screenshot-file", str(bad))
    assert rc != 0 and "not a BMP, PNG or JPEG" in caplog.text


def test_offline_refuses_no_ocr_and_a_folder(tmp_path, caplog):
    rc, _ = run("vm", "boot-fix", "diagnose", "--screenshot-file", str(tmp_path), "--no-ocr")
    assert rc != 0 and "--no-ocr does not go with --screenshot-file" in caplog.text
    rc, _ = run("vm", "boot-fix", "diagnose", "--screenshot-file", str(tmp_path))
    assert rc != 0 and "is a folder" in caplog.text


def test_offline_ignores_a_default_resource_group(tmp_path, monkeypatch):
    from fakeazure.guest import boot, guest_from_spec, render_screenshot
    shot = tmp_path / "web01.bmp"
    shot.write_bytes(render_screenshot(boot(guest_from_spec({"os": "windows", "version": "2019",
                                                              "state": "oobe-stuck"}))))
    monkeypatch.setenv("AZURE_DEFAULTS_GROUP", "rg-default")
    rc, out = run("vm", "boot-fix", "diagnose", "--screenshot-file", str(shot), "-o", "json")
    assert rc == 0
    body = json.loads(out)
    assert body["articleId"] == "OSStartUp-OOBE" and body["vm"] is None
    assert body["nextSteps"][0].startswith("az vm boot-fix diagnose -g <resource-group> -n <vm-name>  #")


def test_diagnose_needs_a_vm(caplog):
    rc, _ = run("vm", "boot-fix", "diagnose", "-n", "x")
    assert rc != 0 and "Name the VM with -g and -n" in caplog.text


def test_table_of_several_vms_has_one_row_each():
    from azext_vmbootfix._format import transform_diagnose
    rows = transform_diagnose([{"vm": {"name": "a", "resourceGroup": "rg"}, "articleId": "OSStartUp-OOBE",
                                "osState": "running-at-oobe", "confidence": 0.9, "images": [{}]},
                               {"vm": {"name": "b", "resourceGroup": "rg"}, "articleId": None,
                                "osState": "healthy", "confidence": 0.6, "images": []}])
    assert [r["VM"] for r in rows] == ["a", "b"] and rows[1]["ArticleId"] == "-"


def test_sas_signatures_are_redacted_from_debug_logs(monkeypatch):
    from azext_vmbootfix import redact
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    log = logging.getLogger("urllib3.connectionpool")
    handler = Keep()
    log.addHandler(handler)
    old, old_filters = log.level, list(log.filters)
    log.setLevel(logging.DEBUG)
    log.filters = []  # as before the extension loaded
    try:
        with evidence.sas_redacted_logs():
            log.debug('"GET %s HTTP/1.1" 200', "/_blob/c/vm.screenshot.bmp?sv=2018&sig=AbC%2Bdef%3D&se=x")
        log.debug("after: sig=stays-outside")
        monkeypatch.setattr(redact, "_INSTALLED", [])
        redact.install()  # what the extension does when it loads: from then on, in the whole process
        log.debug("later: sig=Gone-too")
    finally:
        log.removeHandler(handler)
        log.setLevel(old)
        log.filters = old_filters
    assert "sig=REDACTED&se=x" in records[0] and "AbC" not in records[0]
    assert "sig=stays-outside" in records[1]  # diagnose's own filter is only there while it collects
    assert records[2] == "later: sig=REDACTED"


def test_save_dir_writes_the_evidence(tmp_path):
    collected = {"vm": {"name": "web01"}, "bootDiagnostics": {"screenshot": b"BM123", "serialLog": "SAC>"}}
    written = evidence.save_boot_diagnostics(collected, str(tmp_path / "ev"))
    assert [os.path.basename(p) for p in written] == ["web01.screenshot.bmp", "web01.serialconsole.log"]
    assert (tmp_path / "ev" / "web01.screenshot.bmp").read_bytes() == b"BM123"
