"""Secrets out of log lines (azext_vmbootfix/redact.py), --debug included."""
import json
import logging

import pytest

from azext_vmbootfix import redact


def test_password_fields_protected_parameters_and_signatures_are_redacted():
    body = json.dumps({"properties": {"osProfile": {"adminUsername": "azureadmin", "adminPassword": 'p"w\\1'},
                                      "protectedParameters": [{"name": "AnswerPassword", "value": "s3cr3t"},
                                                              {"name": "Other", "value": "x"}],
                                      "parameters": [{"name": "AnswerUser", "value": "fixadmin"}]}})
    out = redact.redact(body + " https://x/c/b.bmp?sv=1&sig=AbC%2Bd%3D&se=2 password")
    assert json.loads(out.split(" https://")[0]) == {"properties": {
        "osProfile": {"adminUsername": "azureadmin", "adminPassword": "REDACTED"},
        "protectedParameters": [{"name": "AnswerPassword", "value": "REDACTED"},
                                {"name": "Other", "value": "REDACTED"}],
        "parameters": [{"name": "AnswerUser", "value": "fixadmin"}]}}  # a plain parameter is no secret
    assert "sig=REDACTED&se=2" in out and out.endswith(" password")


@pytest.mark.parametrize("form", ["{}", '"{}"', "{}&", "<Value>{}</Value>"])
def test_a_known_secret_is_redacted_in_any_text_and_its_escaped_forms(form):
    secret = 'Pa<ss>&"w/rd 1'
    for written in (secret, json.dumps(secret)[1:-1], "Pa&lt;ss&gt;&amp;\"w/rd 1", "Pa%3Css%3E%26%22w%2Frd%201"):
        out = redact.redact(form.format(written), [secret])
        assert out == form.format("REDACTED"), (form, written, out)


def test_the_filter_rewrites_records_while_the_block_runs_and_only_then():
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    body_logger = logging.getLogger("cli.azure.cli.core.sdk.policies")
    other = logging.getLogger("vmbootfix.test.other")
    handler = Keep()
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level, body_logger.level
    root.setLevel(logging.DEBUG)
    body_logger.setLevel(logging.DEBUG)
    try:
        with redact.redacted_logs(["Canary-Pw-1!"]):
            body_logger.debug('{"adminPassword": "%s"}', "anything")
            other.warning("[4/6] recreate with Canary-Pw-1!")  # any logger: the handler filters it
        other.warning("after Canary-Pw-1!")
    finally:
        root.removeHandler(handler)
        root.setLevel(old[0])
        body_logger.setLevel(old[1])
    assert records[0] == '{"adminPassword": "REDACTED"}'
    assert records[1] == "[4/6] recreate with REDACTED"
    assert records[-1] == "after Canary-Pw-1!"  # the filter is gone with the block


def test_a_malformed_record_is_let_through_unchanged():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "%s %d", ("bad", "format"), None)
    assert redact.RedactingFilter(["s"]).filter(record) is True
    assert record.msg == "%s %d" and record.args == ("bad", "format")


@pytest.mark.parametrize("logged,expected", [
    (str(["vm", "boot-fix", "repair", "--admin-password", "S3c'r\\et", "--yes"]),
     str(["vm", "boot-fix", "repair", "--admin-password", "REDACTED", "--yes"]).replace("'REDACTED'", '"REDACTED"')),
    ("['vm', '--ADMIN-PASSWORD', 'x1', '-o', 'json']", "['vm', '--ADMIN-PASSWORD', 'REDACTED', '-o', 'json']"),
    ("['vm', '--client-secret=abc', '-n', 'x']", "['vm', '--client-secret=REDACTED', '-n', 'x']"),
    ("['vm', '--admin-username', 'azureadmin']", "['vm', '--admin-username', 'azureadmin']")])
def test_a_password_option_in_a_logged_argument_list_is_redacted(logged, expected):
    assert redact.redact("Command arguments: " + logged) == "Command arguments: " + expected


def test_knacks_command_arguments_line_is_redacted_once_the_extension_is_loaded(caplog):
    """knack logs the arguments before any extension code runs: the first line of a process is not ours to
    filter (redact.py says so); every later one, once the extension has loaded, is."""
    import io
    from azure.cli.core.mock import DummyCli
    caplog.set_level(logging.DEBUG)
    cli = DummyCli()
    cli.invoke(["vm", "boot-fix", "article", "--list", "-o", "none"], out_file=io.StringIO())
    caplog.clear()
    cli.invoke(["vm", "boot-fix", "resume", "-g", "rg", "-n", "vm", "--admin-password", "Zz-Canary-Arg-77",
                "--debug"], out_file=io.StringIO())
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Command arguments:")]
    assert lines and all("'--admin-password', 'REDACTED'" in line for line in lines), lines
    assert "Zz-Canary-Arg-77" not in caplog.text


def test_install_is_idempotent_and_covers_the_body_and_argument_loggers():
    flt = redact.install()
    assert redact.install() is flt
    for name in redact.BODY_LOGGERS + (redact.ARGS_LOGGER,):
        assert logging.getLogger(name).filters.count(flt) == 1


def test_the_first_install_makes_one_filter_and_puts_it_on_the_root_and_cli_handlers(monkeypatch):
    monkeypatch.setattr(redact, "_INSTALLED", [])
    root_handler, cli_handler = logging.NullHandler(), logging.NullHandler()
    logging.getLogger().addHandler(root_handler)
    logging.getLogger("cli").addHandler(cli_handler)
    try:
        flt = redact.install()
        assert isinstance(flt, redact.RedactingFilter) and redact.install() is flt
        assert root_handler.filters == [flt] and cli_handler.filters == [flt]
    finally:
        logging.getLogger().removeHandler(root_handler)
        logging.getLogger("cli").removeHandler(cli_handler)
        for name in redact.BODY_LOGGERS + (redact.ARGS_LOGGER,):
            logging.getLogger(name).filters = [f for f in logging.getLogger(name).filters
                                               if f not in redact._INSTALLED]  # pylint: disable=protected-access


def test_scrub_redacts_every_item_of_a_secret_named_list_and_names_items_by_index():
    doc = {"passwords": ["a", "b"], "ok": ["plain"]}
    assert redact.scrub(doc) == ({"passwords": ["REDACTED", "REDACTED"], "ok": ["plain"]},
                                 [{"path": "passwords[0]", "kind": "secret-named field"},
                                  {"path": "passwords[1]", "kind": "secret-named field"}])
    assert redact.scrub(["https://a/b?sig=x"]) == (["https://a/b?sig=REDACTED"],
                                                  [{"path": "[0]", "kind": "SAS signature"}])
    assert redact.scrub({"token": "t"}, path="outer")[1] == [{"path": "outer.token", "kind": "secret-named field"}]
