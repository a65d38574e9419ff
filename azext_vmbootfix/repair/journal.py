"""The repair journal: a write-ahead record of a plan and of every step's state, on local disk.

One JSON file per VM under ``<az config dir>/vmbootfix/journals/<subscription>/<group>/<vm>.json``,
replaced atomically (write to a temporary file, fsync, rename), so a crash at any moment leaves either the
previous or the next complete journal. It holds resource ids, names and states only: never a password,
token or SAS URL. Secrets found in what is journaled (a SAS URL or a key in the VM's extension settings) are
replaced by the engine before they get here, and listed under ``redacted`` (path and kind, never the value);
:func:`check_no_secret` is the last guard. Every failure to read or write is a :class:`JournalError` that
names the file.

Only the engine (:mod:`.engine`) writes the journal: steps return their outputs.
"""
import datetime
import json
import os
import re
import tempfile

VERSION = 2  # 2: the plan's facts, article steps and redactions are kept
ACTIVE = ("planned", "applying", "failed", "waiting-for-user", "rolling-back", "rollback-failed")
FINISHED = ("succeeded", "rolled-back")

_SECRET = re.compile(r'(?i)(adminpassword|password"\s*:\s*"(?!REDACTED")[^"]|\bsig=(?!REDACTED)|bearer\s|access_token)')


class JournalError(ValueError):
    pass


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def journal_path(config_dir, subscription, resource_group, vm_name):
    safe = [re.sub(r"[^A-Za-z0-9._-]", "_", p.lower()) for p in (subscription, resource_group, vm_name)]
    return os.path.join(config_dir, "vmbootfix", "journals", safe[0], safe[1], safe[2] + ".json")


def check_no_secret(text, path="the journal"):
    match = _SECRET.search(text)
    if match:
        raise JournalError("refusing to write a secret into {} (a {!r} field)".format(path, match.group(1)[:12]))


class Journal:
    """A plan's persistent state. ``data`` is plain JSON; :meth:`save` writes it atomically."""

    def __init__(self, path, data):
        self.path = path
        self.data = data

    @classmethod
    def new(cls, path, run_id, subscription, resource_group, vm_name, path_name, steps, params, facts=None,
            plan_file=None):
        data = {"version": VERSION, "runId": run_id, "subscription": subscription,
                "resourceGroup": resource_group, "vm": vm_name, "path": path_name, "status": "planned",
                "createdAt": now(), "updatedAt": now(), "planFile": plan_file, "params": params,
                "facts": facts or {}, "original": None, "redacted": [],
                "steps": [dict(step, state="pending", outputs={}, error=None, startedAt=None, endedAt=None)
                          for step in steps],
                "events": []}
        return cls(path, data)

    @classmethod
    def load(cls, path):
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except FileNotFoundError:
            return None
        except ValueError as exc:
            raise JournalError("journal {} is not readable JSON: {}".format(path, exc))
        except OSError as exc:
            raise JournalError("journal {} cannot be read: {}".format(path, exc.strerror or exc))
        if data.get("version") != VERSION:
            raise JournalError("journal {} has version {}, this extension reads {}".format(
                path, data.get("version"), VERSION))
        return cls(path, data)

    # -- state --------------------------------------------------------------------------------------
    @property
    def status(self):
        return self.data["status"]

    @property
    def steps(self):
        return self.data["steps"]

    def step(self, name):
        for step in self.steps:
            if step["name"] == name:
                return step
        raise KeyError(name)

    def outputs(self):
        """Every step's outputs merged (later steps win), plus the original VM."""
        merged = {}
        for step in self.steps:
            merged.update(step.get("outputs") or {})
        return merged

    def set_status(self, status, note=None):
        self.data["status"] = status
        self.event("status", status, note)
        self.save()

    def mark(self, step, state, outputs=None, error=None):
        step["state"] = state
        if state in ("running", "undoing"):
            step["startedAt"] = now()
        else:
            step["endedAt"] = now()
        if outputs:
            step["outputs"].update(outputs)
        step["error"] = error
        self.event(step["name"], state, error)
        self.save()

    def event(self, what, state, note=None):
        entry = {"at": now(), "what": what, "state": state}
        if note:
            entry["note"] = str(note)[:500]
        self.data["events"].append(entry)

    # -- persistence --------------------------------------------------------------------------------
    def save(self):
        self.data["updatedAt"] = now()
        try:
            text = json.dumps(self.data, indent=2, sort_keys=False)
        except (TypeError, ValueError) as exc:
            raise JournalError("journal {} not written: {}".format(self.path, exc)) from exc
        check_no_secret(text, "the journal " + self.path)
        try:
            write_atomically(self.path, text, prefix=".journal-")
        except OSError as exc:
            raise JournalError("journal {} not written: {}".format(self.path, exc.strerror or exc)) from exc

    def summary(self):
        return {"runId": self.data["runId"], "vm": self.data["vm"], "resourceGroup": self.data["resourceGroup"],
                "path": self.data["path"], "status": self.status, "journal": self.path,
                "steps": [{"name": s["name"], "state": s["state"], "description": s["description"],
                           "article": s.get("article") or [], "error": s.get("error")} for s in self.steps],
                "redacted": self.data.get("redacted") or []}


def write_atomically(path, text, prefix):
    """Write ``text`` to ``path`` so that a crash leaves the old file or the new one (temp file, fsync, rename)."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix, dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
