"""Microsoft.MarketplaceOrdering's errors.

* GetAgreement (``.../agreements/{publisher}/offers/{offer}/plans/{plan}``) of terms never accepted: 404
  ``NotFound``, "Unable to find legal terms for this offer. Agreement has never been signed for this offer. offer =
  '<offer>', sku = '<plan>',  Correlation Id: '<guid>'." (verbatim, two spaces included, in
  Azure/azure-powershell#20443).
* A publisher/offer/plan the marketplace does not have: 404 ``NotFound`` with the purchase validation's wording
  "The offer with Offer ID '<offer>' was not found. ..." (quoted for a VM create in
  confidential-containers/cloud-api-adaptor#886; that the terms API answers with it is not verified: see
  fakeazure/UNVERIFIED.md).
* An offer type other than ``virtualmachine`` (the only one the spec's enum allows): 400 ``BadRequest``
  (wording not verified).
"""
import uuid

from ..core import errors


class MarketplaceError(errors.ArmError):
    pass


def never_signed(offer, plan):
    return MarketplaceError("Unable to find legal terms for this offer. Agreement has never been signed for this "
                            "offer. offer = '{}', sku = '{}',  Correlation Id: '{}'.".format(offer, plan,
                                                                                             uuid.uuid4()),
                            code="NotFound", status=404)


def unknown_offer(publisher, offer):
    return MarketplaceError(
        "The offer with Offer ID '{0}' was not found. Try one of these: 1- Make sure the offer name is written "
        "correctly. 2- If this offer was recently created, allow up to 30 minutes for it to be available for "
        "purchase. 3- The offer may have been removed from the marketplace. Look for similar offers from this "
        "publisher here: 'https://azuremarketplace.microsoft.com/en-us/marketplace/apps?page=1%26search={1}%20{0}'. "
        "Publisher ID: '{1}', Offer ID: '{0}', Correlation ID '{2}'.".format(offer, publisher, uuid.uuid4()),
        code="NotFound", status=404)


def bad_offer_type(offer_type):
    return MarketplaceError("The offer type '{}' is not supported; only 'virtualmachine' is.".format(offer_type),
                            code="BadRequest", status=400)
