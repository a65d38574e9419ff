"""What Azure checks at a VM's create about the properties the writable-properties tables keep
(:mod:`fakeazure.compute.properties`): the placement it names (an availability set, a proximity placement group:
:mod:`.availability_sets`) and its marketplace ``plan``.

A VM that names a ``plan`` needs its terms accepted in the subscription (MarketplacePurchaseEligibilityFailed); a
VM made from an image or a disk that carries a purchase plan (a disk made from a marketplace image keeps it, and
so do its snapshots and the images and disks made from them) needs the plan in its body
(VMMarketplaceInvalidInput).
"""
from .. import exceptions


def check_create(backend, sub, vm_id, body, src):
    """Azure's refusals of a create for its placement and plan."""
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
        except Exception:  # pylint: disable=broad-except  (an offer the marketplace does not have: not purchasable)
            accepted = False
        if not accepted:
            raise exceptions.MarketplacePurchaseEligibilityFailed(plan)


def plan_of(vm):
    """The VM's plan as a disk's purchasePlan ({name, publisher, product}), or None."""
    plan = (vm.kept or {}).get("plan")
    return {k: plan[k] for k in ("name", "publisher", "product") if plan.get(k)} if plan else None
