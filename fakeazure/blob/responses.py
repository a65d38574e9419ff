"""GET/HEAD ``/_blob/<container>/<blob>?<sas>``: Azure Storage's answers, XML errors included."""
import datetime
import hashlib
from urllib.parse import unquote
from xml.sax.saxutils import escape

from ..core.responses import BaseResponse, Reply
from .models import BlobError, SAS_VERSION, http_date, request_id


def storage_error(err, rid=None):
    """Azure Storage's error: XML (with the UTF-8 BOM Storage sends), x-ms-error-code, x-ms-request-id."""
    rid = rid or request_id()
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + "{:07d}Z".format(now.microsecond * 10)
    body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{}</Code><Message>{}\nRequestId:{}\nTime:{}" \
           "</Message>".format(err.code, escape(err.message), rid, stamp)
    if err.detail:
        body += "<AuthenticationErrorDetail>{}</AuthenticationErrorDetail>".format(escape(err.detail))
    body += "</Error>"
    headers = {"x-ms-request-id": rid, "x-ms-version": SAS_VERSION, "x-ms-error-code": err.code,
               "Server": "Microsoft-HTTPAPI/2.0" if err.status == 403 else
               "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0"}
    return Reply(err.status, None, headers, raw=b"\xef\xbb\xbf" + body.encode("utf-8"),
                 content_type="application/xml")


class BlobResponse(BaseResponse):
    @property
    def backend(self):
        return self.cloud.blob

    def get_blob(self):
        container = self.param("container")
        blob = unquote(self.param("blob"))
        try:
            self.backend.check_sas(container, blob, self.query, "r")
            data, content_type, modified = self.backend.read(container, blob)
        except BlobError as err:
            return storage_error(err)
        rid = request_id()
        headers = {"Content-Length": str(len(data)), "Content-MD5": _md5(data),
                   "Last-Modified": http_date(modified), "ETag": '"0x{}"'.format(hashlib.sha1(data).hexdigest()[:15]
                                                                          .upper()),
                   "Accept-Ranges": "bytes", "x-ms-blob-type": "BlockBlob", "x-ms-lease-status": "unlocked",
                   "x-ms-lease-state": "available", "x-ms-server-encrypted": "true", "x-ms-request-id": rid,
                   "x-ms-version": SAS_VERSION, "Server": "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0"}
        return Reply(200, None, headers, raw=data, content_type=content_type)


def _md5(data):
    import base64
    return base64.b64encode(hashlib.md5(data).digest()).decode()
