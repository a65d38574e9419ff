"""Tokens. The fake mints JWTs signed with HMAC-SHA256 with a per-cloud key; ARM requests must carry one.

``az`` decodes the token without verifying it (it reads ``tid``/``oid``), so the claims look like
Entra ID's. The signature is checked by the fake so that a request with a made-up token gets 401 as
Azure would answer it.

A token's lifetime runs on the wall clock, not on the cloud's: a client judges when to renew its token by its
own clock, and a virtual clock that jumps (an hour of operations in a second of test) must not expire a token
the client rightly still holds.
"""
import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text):
    pad = "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(text + pad)


class IdentityBackend:
    def __init__(self, cloud, tenant_id, object_id, client_id):
        self.cloud = cloud
        self.tenant_id = tenant_id
        self.object_id = object_id
        self.client_id = client_id
        self.identity_header = secrets.token_hex(16)
        self._key = secrets.token_bytes(32)

    def mint(self, resource="https://management.core.windows.net/", lifetime=3600):
        now = int(time.time())
        header = {"typ": "JWT", "alg": "HS256", "kid": "fakeazure"}
        claims = {"aud": resource, "iss": "https://sts.windows.net/{}/".format(self.tenant_id),
                  "iat": now, "nbf": now, "exp": now + lifetime, "tid": self.tenant_id,
                  "oid": self.object_id, "appid": self.client_id, "sub": self.object_id,
                  "idtyp": "app", "uti": uuid.uuid4().hex[:22], "ver": "1.0"}
        signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
        sig = hmac.new(self._key, signing_input.encode("ascii"), hashlib.sha256).digest()
        return signing_input + "." + _b64(sig), claims["exp"]

    def verify(self, token):
        """Return the claims of a token this cloud minted and that has not expired, else None."""
        try:
            head, body, sig = token.split(".")
            expected = hmac.new(self._key, (head + "." + body).encode("ascii"), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, _unb64(sig)):
                return None
            claims = json.loads(_unb64(body))
        except (ValueError, TypeError):
            return None
        if claims.get("exp", 0) < time.time():
            return None
        return claims
