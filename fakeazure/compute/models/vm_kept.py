"""The VM properties the fake keeps as they were sent and returns in every later body: placement (availability
set, proximity placement group, dedicated host), Spot (priority, evictionPolicy, billingProfile), the
marketplace ``plan``, licenseType, managed identities, userData (returned only with ``$expand=userData``),
additionalCapabilities, the disk controller type, the OS disk's encryption set, the boot diagnostics storage
account and the rest of the rows below (Microsoft.Compute 2024-11-01 VirtualMachine model).

Each row has a kind, as the writable-properties tables of the fake have them: ``IN_PLACE`` (applied as it is),
``DEALLOCATED`` (applied only while the VM is deallocated, else 409 OperationNotAllowed, wording not verified)
and ``CREATE_ONLY`` (a change is 409 PropertyChangeNotAllowed "Changing property '<name>' is not allowed.":
seen for 'priority' (azure-powershell VMSS scenario tests) and 'availabilitySet.id' (azure-powershell#1820);
the others inferred from the spec). The values live in ``vm.kept`` (a partial body laid over the VM's own).

At create, a VM that names a ``plan`` needs its terms accepted in the subscription
(MarketplacePurchaseEligibilityFailed), and a VM made from an image or disk that carries a purchase plan needs
the plan in its body (VMMarketplaceInvalidInput).
"""
import copy
import uuid

from .. import exceptions

IN_PLACE, DEALLOCATED, CREATE_ONLY = "in-place", "deallocated", "create-only"
P = "properties."
ROWS = [
    ("plan", CREATE_ONLY, "plan"),
    (P + "availabilitySet", CREATE_ONLY, "availabilitySet.id"),
    (P + "priority", CREATE_ONLY, "priority"),
    (P + "evictionPolicy", CREATE_ONLY, "evictionPolicy"),
    (P + "platformFaultDomain", CREATE_ONLY, "platformFaultDomain"),
    (P + "billingProfile", DEALLOCATED, "billingProfile"),
    (P + "proximityPlacementGroup", DEALLOCATED, "proximityPlacementGroup"),
    (P + "host", DEALLOCATED, "host"),
    (P + "hostGroup", DEALLOCATED, "hostGroup"),
    (P + "capacityReservation", DEALLOCATED, "capacityReservation"),
    (P + "additionalCapabilities", DEALLOCATED, "additionalCapabilities"),
    (P + "storageProfile.diskControllerType", DEALLOCATED, "diskControllerType"),
    (P + "storageProfile.osDisk.managedDisk.diskEncryptionSet", DEALLOCATED, "osDisk.managedDisk.diskEncryptionSet"),
    (P + "diagnosticsProfile.bootDiagnostics.storageUri", IN_PLACE, "bootDiagnostics.storageUri"),
    (P + "licenseType", IN_PLACE, "licenseType"),
    (P + "extensionsTimeBudget", IN_PLACE, "extensionsTimeBudget"),
    (P + "scheduledEventsProfile", IN_PLACE, "scheduledEventsProfile"),
    (P + "applicationProfile", IN_PLACE, "applicationProfile"),
    (P + "userData", IN_PLACE, "userData"),
]


def value_at(body, path):
    for part in path.split("."):
        if not isinstance(body, dict) or part not in body:
            return None
        body = body[part]
    return body


def set_at(body, path, value):
    parts = path.split(".")
    for part in parts[:-1]:
        body = body.setdefault(part, {})
    if value in (None, "", {}, []):
        body.pop(parts[-1], None)
    else:
        body[parts[-1]] = copy.deepcopy(value)


def overlay(body, kept, user_data=False):
    """``body`` with the kept values laid over it (objects merged key by key); userData only when asked."""
    for key, value in kept.items():
        if key == "userData" and not user_data:
            continue
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            overlay(body[key], value, user_data)
        else:
            body[key] = copy.deepcopy(value)
    return body


def _norm(value):
    if value in (None, "", {}, []):
        return None
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items() if _norm(v) is not None}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


# -- identity ------------------------------------------------------------------------------------------
def identity_of(vm, identity, tenant_id):
    """The identity Azure keeps: a principal for a system-assigned identity (the same while it stays enabled),
    principal and client ids for user-assigned ones; None for ``None``."""
    kind = (identity or {}).get("type") or "None"
    if kind.lower() == "none":
        return None
    out = {"type": kind}
    if "systemassigned" in kind.lower().replace(" ", "").replace(",", ""):
        old = (vm.identity or {}).get("principalId")
        out["principalId"] = old or str(uuid.uuid4())  # a new VM resource: a new service principal
        out["tenantId"] = tenant_id
    users = identity.get("userAssignedIdentities") or {}
    if users:
        out["userAssignedIdentities"] = {
            rid: {"principalId": str(uuid.uuid5(uuid.NAMESPACE_URL, rid.lower() + "/p")),
                  "clientId": str(uuid.uuid5(uuid.NAMESPACE_URL, rid.lower() + "/c"))} for rid in users}
    return out


# -- create --------------------------------------------------------------------------------------------
def check_create(backend, sub, vm_id, body, src):
    """Azure's refusals of a create for what this module keeps: placement references, the plan's terms, a
    marketplace-sourced image without a plan."""
    props = body.get("properties") or {}
    backend.check_placement(body.get("location"), props)
    plan = body.get("plan")
    if not plan and (src or {}).get("purchase_plan"):
        raise exceptions.VMMarketplaceInvalidInput(vm_id)
    if plan:
        terms = backend.cloud.marketplaceordering
        try:
            accepted = terms.terms(sub, "virtualmachine", plan.get("publisher") or "", plan.get("product") or "",
                                   plan.get("name") or "")["properties"]["accepted"]
        except Exception:  # an offer the marketplace does not have: not purchasable either
            accepted = False
        if not accepted:
            raise exceptions.MarketplacePurchaseEligibilityFailed(plan)


def keep_at_create(vm, body, tenant_id):
    for path, _, _ in ROWS:
        value = value_at(body, path)
        if value not in (None, "", {}, []):
            set_at(vm.kept, path, value)
    vm.identity = identity_of(vm, body.get("identity"), tenant_id)


def plan_of(vm):
    plan = vm.kept.get("plan")
    return {k: plan[k] for k in ("name", "publisher", "product") if plan.get(k)} if plan else None


# -- update --------------------------------------------------------------------------------------------
def changes(vm, body, patch):
    """``[(path, value)]`` the update changes; raises Azure's refusal for a create-only property changed, or a
    deallocated-only one changed on an allocated VM. A property the body leaves out is unchanged."""
    out = []
    for path, kind, name in ROWS:
        new = value_at(body, path)
        if new is None:
            continue
        if _norm(new) == _norm(value_at(vm.kept, path)):
            continue
        if kind == CREATE_ONLY:
            raise exceptions.PropertyChangeRefused(name)
        if kind == DEALLOCATED and vm.power_state != "deallocated":
            raise exceptions.OperationNotAllowed(  # wording not verified
                "Changing property '{}' is allowed only when the virtual machine is deallocated.".format(name),
                target=name)
        out.append((path, new))
    if "identity" in body and _norm(_identity_key(body.get("identity"))) != _norm(_identity_key(vm.identity)):
        out.append(("identity", body.get("identity")))
    return out


def _identity_key(identity):
    identity = identity or {}
    kind = (identity.get("type") or "None").replace(" ", "").lower()
    return {"type": None if kind == "none" else kind, "users": sorted(k.lower() for k in
                                                                       identity.get("userAssignedIdentities") or {})}


def apply(vm, changed, tenant_id):
    """Apply ``changes``; returns the undo."""
    saved = copy.deepcopy(vm.kept), copy.deepcopy(vm.identity)
    for path, value in changed:
        if path == "identity":
            vm.identity = identity_of(vm, value, tenant_id)
        else:
            set_at(vm.kept, path, value)

    def undo():
        vm.kept, vm.identity = saved
    return undo
