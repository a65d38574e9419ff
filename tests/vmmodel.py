"""Whole-VM-model comparisons for repair tests: every property the fake stores, not a chosen few.

A VM model is the fake's own JSON view of it (``to_json(instance_view=True, user_data=True)``: what GETs
with ``$expand=instanceView`` and ``$expand=userData`` return), flattened into ``{path: value}``. Lists are
keyed so that paths do not depend on order: data disks by LUN, NICs and disks by the last segment of their id
or their name, statuses by the part of their code before ``/`` (``statuses[PowerState]``). Timestamps
(``time``) are left out.

``differences(before, after, expect, ignore)`` lists every path whose value in ``after`` is not the one in
``before`` (or, for a path in ``expect``, not the expected value; ``ABSENT`` means the path must be gone).
``ignore`` maps path patterns (regular expressions, matched from the start) to the reason they may differ;
a reason is required, so that what a test does not compare is written down next to the test.

    before = vmmodel.snapshot(cloud, "rg", "vm")
    ...                                   # a repair, a rollback
    vmmodel.assert_same(before, vmmodel.snapshot(cloud, "rg", "vm"), expect={...}, ignore={...})
"""
import re

ABSENT = object()

# Azure sets these anew whenever the VM resource is written or created again: never comparable.
ALWAYS_DIFFERENT = {
    r"etag$": "a new etag on every write",
    r"properties\.provisioningState$": "Updating/Succeeded while an operation runs",
    r".*\.time$": "timestamps of statuses",
    r"properties\.instanceView\.statuses\[ProvisioningState\]": "the last operation's result",
    r"properties\.instanceView\.disks\[[^]]+\]\.statuses": "the last operation's result, per disk",
}
# ... and these when the VM is deleted and created again (a new resource with the same name).
RECREATED = {
    r"properties\.vmId$": "a new VM resource gets a new vmId",
    r"properties\.timeCreated$": "a new VM resource has its own creation time",
}


def snapshot(cloud, resource_group, name, subscription=None):
    """The VM's model as the fake stores and shows it, flattened; None when there is no such VM."""
    vms = cloud.compute.vms
    key = next((k for k, vm in vms.items() if vm.name.lower() == name.lower()
                and vm.resource_group.lower() == resource_group.lower()
                and (subscription is None or vm.subscription_id == subscription)), None)
    return flatten(vms[key].to_json(instance_view=True, user_data=True)) if key else None


def _key(item, index):
    if not isinstance(item, dict):
        return str(index)
    for field in ("lun",):
        if field in item:
            return "lun={}".format(item[field])
    if item.get("id"):
        return str(item["id"]).rstrip("/").rsplit("/", 1)[-1].lower()
    if item.get("name"):
        return str(item["name"]).lower()
    if item.get("code"):
        return str(item["code"]).split("/", 1)[0]
    return str(index)


def flatten(doc, prefix=""):
    out = {}
    if isinstance(doc, dict):  # an empty dict or list adds no path: {} and an absent property compare equal
        for k, v in doc.items():
            if k == "time":
                continue
            out.update(flatten(v, "{}.{}".format(prefix, k) if prefix else k))
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            out.update(flatten(item, "{}[{}]".format(prefix, _key(item, i))))
    else:
        out[prefix] = doc.lower() if isinstance(doc, str) and doc.startswith("/subscriptions/") else doc
    return out


def _ignored(path, patterns):
    return any(re.match(p, path) for p in patterns)


def differences(before, after, expect=None, ignore=None):
    """Human-readable lines, one per path that is not as expected (empty: the models agree)."""
    expect = {k: (v.lower() if isinstance(v, str) and v.startswith("/subscriptions/") else v)
              for k, v in (expect or {}).items()}
    patterns = dict(ALWAYS_DIFFERENT, **(ignore or {}))
    lines = []
    for path in sorted(set(before) | set(after) | set(expect)):
        if path not in expect and _ignored(path, patterns):
            continue
        want = expect.get(path, before.get(path, ABSENT))
        got = after.get(path, ABSENT)
        if want is not got and want != got:
            lines.append("{}: expected {!r}, found {!r}".format(
                path, "<absent>" if want is ABSENT else want, "<absent>" if got is ABSENT else got))
    return lines


def assert_same(before, after, expect=None, ignore=None, what="the VM"):
    assert before is not None, "no model to compare with"
    assert after is not None, "{} does not exist".format(what)
    lines = differences(before, after, expect, ignore)
    assert not lines, "{} is not as expected:\n  {}".format(what, "\n  ".join(lines))
