"""Keep secrets out of every log line, ``--debug`` included.

Under ``--debug`` azure-cli logs each request's body (``cli.azure.cli.core.sdk.policies``: "Request body:")
and urllib3 logs request lines. A repair's bodies hold the admin password (the recreated VM's
``osProfile.adminPassword``, the rescue VM's throw-away one, the answer file's Run Command
``protectedParameters``) and diagnose's hold SAS URLs. :func:`redacted_logs` installs a filter, for as
long as a command runs, on the loggers that write bodies and on every handler of the root and ``cli``
loggers, that rewrites a record's message with:

- each secret given (and its JSON-, XML- and URL-escaped forms) replaced by ``REDACTED``;
- the value of any JSON ``adminPassword``/``password`` field, and every ``value`` inside a
  ``protectedParameters`` list, replaced by ``REDACTED``;
- every SAS signature (``sig=...``) replaced by ``sig=REDACTED``.
"""
import contextlib
import json
import logging
import re
from urllib.parse import quote
from xml.sax.saxutils import escape

REDACTED = "REDACTED"
_SIG = re.compile(r"(?i)(\bsig=)[^&\s\"'<>]+")
_PASSWORD_FIELD = re.compile(r'(?i)("(?:adminPassword|password)"\s*:\s*")(?:[^"\\]|\\.)*(")')
_PROTECTED = re.compile(r'(?i)("protectedParameters"\s*:\s*\[)([^\]]*)(\])')
_VALUE = re.compile(r'("value"\s*:\s*")(?:[^"\\]|\\.)*(")')
# the loggers that write request/response bodies or URLs (azure-cli's own, azure-core's, urllib3's)
BODY_LOGGERS = ("cli.azure.cli.core.sdk.policies", "azure.core.pipeline.policies.http_logging_policy",
                "urllib3.connectionpool")


def redact(text, secrets=()):
    """``text`` with every secret, password field, protected parameter and SAS signature replaced."""
    for secret in secrets:
        if secret:
            for form in {secret, json.dumps(secret)[1:-1], escape(secret), quote(secret, safe="")}:
                text = text.replace(form, REDACTED)
    text = _PASSWORD_FIELD.sub(r"\1" + REDACTED + r"\2", text)
    text = _PROTECTED.sub(lambda m: m.group(1) + _VALUE.sub(r"\1" + REDACTED + r"\2", m.group(2)) + m.group(3),
                          text)
    return _SIG.sub(r"\1" + REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (arguments merged) when redacting changes it."""

    def __init__(self, secrets=()):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):  # a malformed record: logging reports it itself
            return True
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


@contextlib.contextmanager
def redacted_logs(secrets=()):
    """While the block runs, no log record that reaches a handler carries a secret (see the module doc)."""
    flt = RedactingFilter(secrets)
    targets = [logging.getLogger(name) for name in BODY_LOGGERS]
    targets += [h for name in (None, "cli") for h in logging.getLogger(name).handlers]
    for target in targets:
        target.addFilter(flt)
    try:
        yield flt
    finally:
        for target in targets:
            target.removeFilter(flt)


def sas_redacted_logs():
    """Diagnose's SAS URLs out of every log line (the same filter, with no other secret)."""
    return redacted_logs(())
