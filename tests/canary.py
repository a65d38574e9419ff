"""The secret canary: a unique password per test, and a scan for it (and for SAS signatures) afterwards.

A test that passes a password or handles a SAS URL takes the ``secret_canary`` fixture (tests/conftest.py):

    def test_x(secret_canary):
        h = Harness("oobe-stuck", password=secret_canary.password)
        secret_canary.watch_cloud(h.cloud)       # scan what Azure shows of every resource, and its SAS URLs
        secret_canary.watch_tree(journal_dir)    # scan every file under a folder (journals, a config dir)

After the test, the fixture scans the test's stdout and stderr, every log record at any level (``--debug``
included: the fixture captures from DEBUG up), every watched folder and file, the az config dir, and every
resource of every watched fake cloud as ARM shows it (GET bodies: what anyone with Reader access sees), and
fails naming the place and the form it found. The secret is looked for as it is, URL-quoted, XML- and
JSON-escaped, and base64-encoded (UTF-8 and UTF-16LE, at any alignment inside a longer base64 text): a
password "hidden" in a base64 blob is still a password.
"""
import base64
import json
import os
import secrets
from urllib.parse import quote
from xml.sax.saxutils import escape


# No line is exempt: a test passes the password as a user should when it is not prompted for (``--admin-password
# @FILE``, read by azure-cli after knack logged the command line), so the --debug "Command arguments" line and
# the test SDK's 'Command "..." => 0' line hold the file's name, never the password.


def _b64_cores(data):
    """The base64 characters that encode ``data`` whatever its offset in a longer base64 text."""
    out = set()
    for pad in range(3):
        text = base64.b64encode(b"\0" * pad + data).decode("ascii")
        start = (pad * 4 + 2) // 3  # characters that mix in the padding bytes
        end = len(text) - (3 if (pad + len(data)) % 3 else 0)
        core = text[start:end].rstrip("=")
        if len(core) >= 12:
            out.add(core)
    return out


class Canary:
    def __init__(self):
        # complex enough for Azure's password rules; no character that JSON, XML or a URL would escape
        self.password = "Cn4ry-{}-{}!".format(secrets.token_hex(4).upper(), secrets.token_hex(6))
        self.secrets = [self.password]
        self._trees, self._files, self._clouds = [], [], []

    def also(self, secret):
        """Look for another secret too (a SAS signature the fake issued, a generated password)."""
        if secret and secret not in self.secrets:
            self.secrets.append(secret)

    def forms(self, secret):
        forms = {"as is": {secret}, "URL-quoted": {quote(secret, safe="")}, "XML-escaped": {escape(secret)},
                 "JSON-escaped": {json.dumps(secret)[1:-1]},
                 "base64 (UTF-8)": _b64_cores(secret.encode("utf-8")),
                 "base64 (UTF-16LE)": _b64_cores(secret.encode("utf-16-le"))}
        return [(label, f) for label, values in forms.items() for f in values]

    def find(self, text):
        """(form, secret) of the first secret found in ``text``, or None."""
        if not text:
            return None
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        for secret in self.secrets:
            for label, form in self.forms(secret):
                if form in text:
                    return label, secret
        return None

    def check(self, where, text):
        found = self.find(text)
        assert found is None, "a secret ({}) is in {}: {}...".format(found[0], where, found[1][:6])

    # -- what to scan besides the test's output and logs ---------------------------------------------
    def watch_tree(self, folder):
        self._trees.append(folder)

    def watch_file(self, path):
        self._files.append(path)

    def watch_cloud(self, cloud):
        """Scan ``cloud``'s resources afterwards, and look for every SAS signature it issues from now on."""
        self._clouds.append(cloud)
        blob = cloud.blob
        issue = blob.sas_query

        def sas_query(*args, **kw):
            query = issue(*args, **kw)
            self.also(dict(p.split("=", 1) for p in query.split("&"))["sig"])
            return query
        blob.sas_query = sas_query

    def check_tree(self, folder):
        for root, _dirs, files in os.walk(folder):
            for name in files:
                self.check_file(os.path.join(root, name))

    def check_file(self, path):
        if os.path.isfile(path):
            with open(path, "rb") as fh:
                self.check(path, fh.read())

    def check_cloud(self, cloud):
        for where, body in public_views(cloud):
            self.check("what Azure shows of " + where, body)

    def check_all(self, outputs):
        """``outputs``: [(where, text)] of the test's own output; then every watched place."""
        for where, text in outputs:
            self.check(where, text)
        for folder in self._trees:
            self.check_tree(folder)
        for path in self._files:
            self.check_file(path)
        for cloud in self._clouds:
            self.check_cloud(cloud)


def public_views(cloud):
    """(resource id, JSON text) of every resource the fake holds, as a GET (with instance view) returns it."""
    seen = set()
    for backend in cloud.provider_backends():
        for table in vars(backend).values():
            if not isinstance(table, dict):
                continue
            for item in table.values():
                for model in (item.values() if isinstance(item, dict) else [item]):
                    if hasattr(model, "to_json") and id(model) not in seen:
                        seen.add(id(model))
                        yield getattr(model, "id", "?"), json.dumps(_to_json(model), default=str)


def _to_json(model):
    try:
        return model.to_json(instance_view=True)
    except TypeError:
        return model.to_json()
