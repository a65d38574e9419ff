"""Pre-flight: everything that would make a repair fail on Azure, checked before anything changes.

``repair`` runs it after planning and before its first write (``--dry-run`` shows the results);
``resume`` checks what the remaining steps need and ``rollback`` what their undos need. Every check reads
only; every failure is collected (not only the first) and reported as one azclierror with one recommendation
per failure, and nothing has changed.

Checks (each a finding ``{check, status, detail, recommendation}``; status ``passed``, ``failed`` or
``warning`` when Azure would not tell):

- ``vm``: the VM exists, runs Windows on managed disks, has no ephemeral OS disk, no Azure Disk Encryption and
  is not a scale-set instance (:mod:`.preflight_vm`);
- ``image``: the recreate's image fits the VM: OS type, Hyper-V generation, security type (Trusted Launch needs
  a gallery image version);
- ``plan-terms``: a marketplace ``plan``'s terms are accepted in the subscription;
- ``permissions``: the caller may perform every action the plan's steps declare (:mod:`.actions`), read from
  ``Microsoft.Authorization/permissions`` with ARM's wildcard and notActions matching (:mod:`.preflight_access`);
- ``locks``: no ReadOnly lock on what the plan writes, no lock on what it deletes, at subscription, group and
  VM scope;
- ``policy``: Azure Policy would deny none of the resources the plan creates (``checkPolicyRestrictions``,
  :mod:`.preflight_policy`);
- ``size`` and ``quota``: the VM's size (recreate) and the rescue VM's size are offered in the region and zone,
  and the vCPU quota (regional and family) has room (:mod:`.preflight_capacity`).
"""
from knack.log import get_logger

from azext_vmbootfix.repair import actions as A
from azext_vmbootfix.repair import preflight_access, preflight_capacity, preflight_policy, preflight_vm
from azext_vmbootfix.repair.findings import ERROR_TYPES, failed, passed, warning  # noqa: F401

logger = get_logger(__name__)


class Clients:
    """The SDK clients pre-flight reads with, each made on first use. ``authorization`` takes a subscription id
    (an image can live in another subscription); the others take no argument."""

    def __init__(self, compute, resources=None, authorization=None, locks=None, policy=None, marketplace=None):
        self.compute = compute
        self._makers = {"resources": resources, "locks": locks, "policy": policy, "marketplace": marketplace}
        self._made = {}
        self._authorization = authorization
        self._auth_made = {}

    def __getattr__(self, name):
        makers = self.__dict__.get("_makers", {})
        if name not in makers:
            raise AttributeError(name)
        if name not in self._made:
            maker = makers[name]
            self._made[name] = maker() if callable(maker) else maker
        return self._made[name]

    def authorization(self, subscription):
        key = subscription.lower()
        if key not in self._auth_made:
            self._auth_made[key] = self._authorization(subscription)
        return self._auth_made[key]


class Target:
    """What the checks look at: the VM (as :func:`evidence.vm_facts` gives it, and its SDK model when there is
    one), the plan's path, its image, its rescue VM size, the step classes whose actions (or, with ``undo``,
    whose undo's actions) count, and the engine context (resource names)."""

    def __init__(self, ctx, facts, steps, undo=False, image=None, vm=None, catalog=None):
        self.ctx = ctx
        self.catalog = catalog  # preflight_capacity.read_catalog's answer, when the plan already read it
        self.facts = facts
        self.steps = steps
        self.undo = undo
        self.image = image or {}
        self.vm = vm
        params = ctx.journal.data["params"]
        self.path = ctx.journal.data["path"]
        self.subscription = ctx.journal.data["subscription"]
        self.resource_group = ctx.resource_group
        self.location = facts.get("location") or params.get("location")
        self.rescue_size = params.get("rescueSize")
        self.group_id = "/subscriptions/{}/resourceGroups/{}".format(self.subscription, self.resource_group)
        # steps a resumed run had started (their resources may exist already: no new quota for them)
        self.started = {s["name"] for s in ctx.journal.steps if s["state"] in ("running", "failed")}

    @property
    def step_names(self):
        return [cls.name for cls in self.steps]


def vm_checks(compute, vm):
    """What makes a VM one this tool cannot repair at all; run before anything else is read."""
    return preflight_vm.vm_shape(compute, vm)


def plan_checks(clients, target):
    """Every check of a new run's plan (after :func:`vm_checks` passed)."""
    findings = []
    if target.path == "recreate":
        findings += preflight_vm.image_fit(clients.compute, target)
        findings += preflight_vm.plan_terms(clients, target)
    findings += _shared_checks(clients, target)
    return findings


def resume_checks(clients, target):
    """What the remaining steps of a run need (``target.steps`` are the steps not done yet)."""
    return _shared_checks(clients, target)


def rollback_checks(clients, target):
    """What the undos of the started steps need (``target.undo`` is set)."""
    return _shared_checks(clients, target, policy=False, capacity=False)


def _shared_checks(clients, target, policy=True, capacity=True):
    needed = A.needs(target.steps, undo=target.undo, params=target.ctx.journal.data["params"])
    findings = []
    findings += preflight_access.permissions(clients, target, needed)
    findings += preflight_access.locks(clients, target, needed)
    if policy:
        findings += preflight_policy.policy(clients, target)
    if capacity:
        findings += preflight_capacity.capacity(clients.compute, target)
    return findings


def failures(findings):
    return [f for f in findings if f["status"] == "failed"]


def refuse(findings, what="The repair"):
    """Raise one azclierror listing every failed check (one recommendation line each); warn about warnings."""
    for f in findings:
        if f["status"] == "warning":
            logger.warning("pre-flight %s: %s", f["check"], f["detail"])
    bad = failures(findings)
    if not bad:
        return
    from azure.cli.core import azclierror
    types = {f["error"] for f in bad}
    cls = getattr(azclierror, types.pop() if len(types) == 1 else "ValidationError")
    if len(bad) == 1:
        message = "{} cannot start: {}. Nothing was changed.".format(what, bad[0]["detail"])
    else:
        message = "{} cannot start; {} pre-flight checks failed (nothing was changed):\n{}".format(
            what, len(bad), "\n".join("  - {}: {}".format(f["check"], f["detail"]) for f in bad))
    raise cls(message, recommendation=[f["recommendation"] for f in bad if f.get("recommendation")])


def rows(findings):
    """The findings as output rows (no internal fields)."""
    return [{k: f.get(k) for k in ("check", "status", "detail", "recommendation")} for f in findings]
