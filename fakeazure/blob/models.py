"""The blob backend: per-cloud signing key, static blobs and dynamic blob sources.

A blob is either stored (:meth:`BlobBackend.put`) or produced when it is read by a *source*: a
function ``(cloud, container, blob) -> (bytes, content_type, last_modified) | None`` registered for a
container-name prefix. The Cloud registers Compute's boot diagnostics for ``bootdiagnostics-``
containers, so the screenshot is rendered from what the guest shows at the moment the blob is read.

SAS format (service SAS, blob resource): ``sv``, ``st``, ``se``, ``sr=b``, ``sp=r``, ``sig``.
``sig`` is base64(HMAC-SHA256(key, string-to-sign)); the string to sign is the fields in a fixed order,
one per line, like Azure Storage's (permissions, start, expiry, canonical resource, version, resource).
The key never leaves the process; signatures are never logged (the app redacts ``sig=`` in its
request log).
"""
import base64
import calendar
import datetime
import hashlib
import hmac
import secrets
import time
import uuid
from urllib.parse import quote

from ..core.backend import BaseBackend

SAS_VERSION = "2018-03-28"
ACCOUNT = "md-fakeazure"  # the canonical resource names an account, as Storage's does


class BlobError(Exception):
    """An Azure Storage error: status, x-ms-error-code and the message of the XML body."""

    def __init__(self, status, code, message, detail=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail


def iso_z(ts):
    """Storage's SAS time format: 2026-11-24T10:20:30Z."""
    return datetime.datetime.fromtimestamp(int(ts), tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_z(text):
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%MZ", "%Y-%m-%d"):
        try:
            return calendar.timegm(time.strptime(text, fmt))
        except (TypeError, ValueError):
            continue
    return None


def http_date(ts):
    return datetime.datetime.fromtimestamp(int(ts), tz=datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


class BlobBackend(BaseBackend):
    def __init__(self, cloud):
        super().__init__(cloud)
        self._key = secrets.token_bytes(32)
        self._blobs = {}  # (container, blob) -> (bytes, content_type, last_modified)
        self._sources = []  # (container prefix, function), registered by the Cloud

    # -- content ----------------------------------------------------------------------------------
    def put(self, container, blob, data, content_type="application/octet-stream"):
        self._blobs[(container.lower(), blob)] = (bytes(data), content_type, self.cloud.clock.now())

    def register_source(self, prefix, fn):
        self._sources.insert(0, (prefix.lower(), fn))

    def read(self, container, blob):
        found = self._blobs.get((container.lower(), blob))
        if found is not None:
            return found
        for prefix, fn in self._sources:
            if container.lower().startswith(prefix):
                out = fn(self.cloud, container, blob)
                if out is not None:
                    return out
        raise BlobError(404, "BlobNotFound", "The specified blob does not exist.")

    # -- SAS --------------------------------------------------------------------------------------
    def _string_to_sign(self, container, blob, sp, st, se, sv, sr):
        resource = "/blob/{}/{}/{}".format(ACCOUNT, container, blob)
        return "\n".join([sp, st, se, resource, "", "", "", sv, sr, "", "", "", "", "", ""])

    def _sign(self, text):
        return base64.b64encode(hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).digest()).decode()

    def sas_query(self, container, blob, minutes, permissions="r"):
        now = self.cloud.clock.now()
        st, se = iso_z(now - 300), iso_z(now + minutes * 60)  # Azure backdates the start a little
        sig = self._sign(self._string_to_sign(container, blob, permissions, st, se, SAS_VERSION, "b"))
        return "sv={}&st={}&se={}&sr=b&sp={}&sig={}".format(SAS_VERSION, quote(st, safe=""), quote(se, safe=""),
                                                           permissions, quote(sig, safe=""))

    def sas_url(self, base_url, container, blob, minutes, permissions="r"):
        return "{}/_blob/{}/{}?{}".format(base_url.rstrip("/"), container, quote(blob),
                                          self.sas_query(container, blob, minutes, permissions))

    def check_sas(self, container, blob, query, permission="r"):
        """Raise :class:`BlobError` 403 unless ``query`` is a valid, current SAS for the blob."""
        sig = query.get("sig")
        if not sig:
            # no SAS and no Authorization header: anonymous access to a private container
            raise BlobError(404, "ResourceNotFound", "The specified resource does not exist.")
        sp, st, se = query.get("sp", ""), query.get("st", ""), query.get("se", "")
        sv, sr = query.get("sv", ""), query.get("sr", "")
        expected = self._sign(self._string_to_sign(container, blob, sp, st, se, sv, sr))
        if not hmac.compare_digest(expected.encode(), sig.encode()):
            raise BlobError(403, "AuthenticationFailed", _AUTH_MESSAGE,
                            "Signature did not match. String to sign used was {}".format(
                                self._string_to_sign(container, blob, sp, st, se, sv, sr).replace("\n", " ")
                                .strip()))
        now = self.cloud.clock.now()
        start, expiry = parse_iso_z(st) if st else None, parse_iso_z(se)
        if expiry is None or now > expiry or (start is not None and now < start):
            raise BlobError(403, "AuthenticationFailed", _AUTH_MESSAGE,
                            "Signature not valid in the specified time frame: Start [{}] - Expiry [{}] - "
                            "Current [{}]".format(http_date(start) if start else "", http_date(expiry or 0),
                                                  http_date(now)))
        if permission not in sp:
            raise BlobError(403, "AuthorizationPermissionMismatch",
                            "This request is not authorized to perform this operation using this permission.")

    def dump(self):
        return {"storedBlobs": ["{}/{}".format(c, b) for (c, b) in sorted(self._blobs)]}


_AUTH_MESSAGE = ("Server failed to authenticate the request. Make sure the value of Authorization header is "
                 "formed correctly including the signature.")


def request_id():
    return str(uuid.uuid4())
