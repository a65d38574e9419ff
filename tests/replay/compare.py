"""What the replay compares between Azure's recorded answer and the fake's: status code, ARM error code,
and the set of JSON key paths of the body.

Key paths name every member with its parents joined by ``.``; array elements are folded into ``[]``, so
``{"value": [{"id": 1}, {"id": 2, "tags": {}}]}`` gives ``value``, ``value[]``, ``value[].id`` and
``value[].tags``. Values never matter, only which members exist.
"""
from .cassettes import parse_json


def key_paths(value, prefix=""):
    """The set of key paths of a JSON value (arrays folded)."""
    out = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = "{}.{}".format(prefix, key) if prefix else str(key)
            out.add(path)
            out |= key_paths(child, path)
    elif isinstance(value, list):
        path = prefix + "[]"
        for child in value:
            out.add(path)
            out |= key_paths(child, path)
    return out


def error_message(text):
    """ARM's error message of an answer, or ''."""
    body = parse_json(text)
    if isinstance(body, dict):
        err = body.get("error") if isinstance(body.get("error"), dict) else body
        return str(err.get("message") or err.get("Message") or "")
    return ""


def error_code(status, text):
    """ARM's error code of an answer (``error.code``, or a top-level ``code``), or None for a success."""
    if status is None or status < 400:
        return None
    body = parse_json(text)
    if isinstance(body, dict):
        err = body.get("error") if isinstance(body.get("error"), dict) else body
        code = err.get("code") or err.get("Code")
        if code:
            return str(code)
    return "(no code)"


class Comparison:
    """One request's verdicts. ``keys_ok`` is None when neither side answered with a JSON body."""

    def __init__(self, rec_status, fake_status, rec_text, fake_text, rec_body=None, judge_keys=True):
        self.rec_status = rec_status
        self.fake_status = fake_status
        self.rec_code = error_code(rec_status, rec_text)
        self.fake_code = error_code(fake_status, fake_text)
        self.fake_message = error_message(fake_text) if self.fake_code else ""
        self.status_ok = rec_status == fake_status
        # the error code is judged where either side refused; elsewhere there is none to compare
        self.code_judged = self.rec_code is not None or self.fake_code is not None
        self.code_ok = self.rec_code == self.fake_code
        rec_body = parse_json(rec_text) if rec_body is None else rec_body
        fake_body = parse_json(fake_text)
        rec_empty = not (rec_text or "").strip()
        fake_empty = not (fake_text or "").strip()
        if not judge_keys:
            self.rec_keys = self.fake_keys = frozenset()
            self.keys_ok = None  # Azure's body is not known whole (an abridged record, an arranged resource)
        elif rec_body is None and fake_body is None:
            self.rec_keys = self.fake_keys = frozenset()
            # both empty, or both text that is not JSON: nothing to compare key by key
            self.keys_ok = None if (rec_empty == fake_empty) else False
        else:
            self.rec_keys = frozenset(key_paths(rec_body)) if rec_body is not None else frozenset()
            self.fake_keys = frozenset(key_paths(fake_body)) if fake_body is not None else frozenset()
            self.keys_ok = (rec_body is not None and fake_body is not None and self.rec_keys == self.fake_keys)
        self.rec_has_body = not rec_empty
        self.fake_has_body = not fake_empty

    @property
    def missing(self):
        """Key paths Azure sent and the fake did not."""
        return self.rec_keys - self.fake_keys

    @property
    def extra(self):
        """Key paths the fake sent and Azure did not."""
        return self.fake_keys - self.rec_keys

    @property
    def agrees(self):
        return self.status_ok and self.code_ok and self.keys_ok is not False
