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
- every SAS signature (``sig=...``) replaced by ``sig=REDACTED``;
- the value of a ``--...password...``/``--...secret...`` option in a logged argument list (knack's
  ``Command arguments: [...]`` debug line) replaced by ``REDACTED``.

:func:`install` puts the pattern part of that filter (no known secret needed) on the same loggers and on knack's
own for the life of the process: the extension calls it when it loads, so every later record of the process is
covered, the SDK's request and response bodies of diagnose and of planning included. knack writes its first
``Command arguments:`` line before any extension code runs: a password given on the command line is in that one
line (as with ``az vm create``); the prompt, ``@-`` (standard input) and ``@FILE`` keep it off the command line
(azure-cli reads those after that line).

:func:`scrub` does the same to a JSON document that is kept (a VM model in a plan or journal): it returns
a copy with every SAS signature and every secret-named string (a ``password``, ``key``, ``secret``,
``token``, ``sas`` or connection string field, as extension settings hold them) replaced, and the list
of what it replaced (path and kind, never the value).
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
# an option named like a password in a logged argument list, as a list ('--admin-password', 'x') or --opt=x
_ARG_LIST = re.compile(r"""(?i)(['"]--[\w-]*(?:password|secret)[\w-]*['"],\s*)(['"])(?:\\.|(?!\2).)*\2""")
_ARG_EQ = re.compile(r"""(?i)(--[\w-]*(?:password|secret)[\w-]*=)[^\s'",\]]+""")
# the loggers that write request/response bodies or URLs (azure-cli's own, azure-core's, urllib3's)
BODY_LOGGERS = ("cli.azure.cli.core.sdk.policies", "azure.core.pipeline.policies.http_logging_policy",
                "urllib3.connectionpool")
ARGS_LOGGER = "cli.knack.cli"  # knack's "Command arguments: [...]" debug line
_INSTALLED = []


_SECRET_NAME = re.compile(r"(?i)(password|passwd|secret|token|(?<!public)key$|sas(url|token|uri)?$|"
                          r"connectionstring)")
# names that end in "key" but hold no secret value in a VM model
_NOT_SECRET_NAMES = re.compile(r"(?i)^(keyData|keyUrl|keyVaultKey|keyEncryptionKey|diskEncryptionKey|"
                               r"publicKey|primary|keyUri|secretUrl|certificateUrl)$")


def scrub(doc, path=""):
    """``(copy, redactions)``: ``doc`` (JSON-like) with secrets replaced by ``REDACTED``; each redaction is
    ``{"path": dotted.path, "kind": "SAS signature" | "secret-named field"}``. Nothing is changed in ``doc``."""
    found = []

    def walk(node, where, name):
        if isinstance(node, dict):
            return {k: walk(v, "{}.{}".format(where, k) if where else k, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, "{}[{}]".format(where, i), name) for i, v in enumerate(node)]
        if isinstance(node, str) and node and name and _SECRET_NAME.search(name) \
                and not _NOT_SECRET_NAMES.match(name) and node != REDACTED:
            found.append({"path": where, "kind": "secret-named field"})
            return REDACTED
        if isinstance(node, str) and _SIG.search(node):
            found.append({"path": where, "kind": "SAS signature"})
            return _SIG.sub(r"\1" + REDACTED, node)
        return node

    return walk(doc, path, None), found


def redact(text, secrets=()):
    """``text`` with every secret, password field, protected parameter and SAS signature replaced."""
    for secret in secrets:
        if secret:
            for form in {secret, json.dumps(secret)[1:-1], escape(secret), quote(secret, safe="")}:
                text = text.replace(form, REDACTED)
    text = _PASSWORD_FIELD.sub(r"\1" + REDACTED + r"\2", text)
    text = _PROTECTED.sub(lambda m: m.group(1) + _VALUE.sub(r"\1" + REDACTED + r"\2", m.group(2)) + m.group(3),
                          text)
    text = _ARG_LIST.sub(lambda m: m.group(1) + m.group(2) + REDACTED + m.group(2), text)
    text = _ARG_EQ.sub(r"\1" + REDACTED, text)
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


def install():
    """For the life of the process: the filter without known secrets on the body loggers, knack's argument
    logger and the handlers of the root and ``cli`` loggers as they are now. Idempotent."""
    if _INSTALLED:
        flt = _INSTALLED[0]
    else:
        flt = RedactingFilter(())
        _INSTALLED.append(flt)
    targets = [logging.getLogger(name) for name in BODY_LOGGERS + (ARGS_LOGGER,)]
    targets += [h for name in (None, "cli") for h in logging.getLogger(name).handlers]
    for target in targets:
        if flt not in target.filters:
            target.addFilter(flt)
    return flt


def sas_redacted_logs():
    """Diagnose's SAS URLs out of every log line (the same filter, with no other secret)."""
    return redacted_logs(())
