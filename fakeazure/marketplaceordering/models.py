"""Marketplace terms agreements, no HTTP (azure-rest-api-specs marketplaceordering 2021-01-01, Agreements.json).

The catalogue: offers with a purchase plan the fake's marketplace knows, each with its legal terms links
(:data:`OFFERS`, from public ``az vm image terms show`` outputs and the spec's examples; the license file names
follow the published pattern, their hash suffixes are left out). Per
subscription, the accepted state of each (publisher, offer, plan), compared case-insensitively. The body of
``GET .../offerTypes/virtualmachine/publishers/{p}/offers/{o}/plans/{plan}/agreements/current`` is the terms
with ``accepted`` (false until accepted) and, once accepted, ``retrieveDatetime`` and a ``signature``;
``PUT`` of that body with ``accepted: true`` accepts them (what ``az vm image terms accept`` does), ``false``
revokes; ``POST .../agreements/{p}/offers/{o}/plans/{plan}/sign`` and ``/cancel`` do the same, and
``GET .../agreements/{p}/offers/{o}/plans/{plan}`` answers the agreement or 404 when never signed.
"""
import datetime
import hashlib

from ..core.backend import BaseBackend
from . import exceptions

OFFERS = {
    # (publisher, offer, plan): license text file name as published (public `az vm image terms show` outputs)
    ("bitnami", "rabbitmq", "rabbitmq"): "BITNAMI%253a24RABBITMQ%253a24RABBITMQ",
    ("qualysguard", "qualys-virtual-scanner", "qvsa-app"): "QUALYSGUARD%253a24QUALYS%253a2DVIRTUAL%253a2DSCANNER",
    # a Windows image sold with a plan (azure-rest-api-specs Compute example
    # VirtualMachine_Create_WithAMarketplaceImagePlan)
    ("microsoft-ads", "standard-data-science-vm", "standard-data-science-vm"):
        "MICROSOFT%253a2DADS%253a24STANDARD%253a2DDATA%253a2DSCIENCE%253a2DVM",
}
_INDEX = {tuple(k.lower() for k in key): key for key in OFFERS}
_TERMS_LINK = ("https://mpcprodsa.blob.core.windows.net/marketplaceterms/"
               "3EDEF_marketplaceterms_VIRTUALMACHINE%253a24AAK2OAIZEAWW5H4MSP5KSTVB6NDKK.txt")


class MarketplaceOrderingBackend(BaseBackend):
    def __init__(self, cloud):
        super().__init__(cloud)
        self.accepted = {}  # (subscription, publisher, offer, plan) lower -> accepted-at ISO time

    def _offer(self, publisher, offer, plan):
        key = _INDEX.get((publisher.lower(), offer.lower(), plan.lower()))
        if key is None:
            raise exceptions.unknown_offer(publisher, offer)
        return key

    def _key(self, subscription, offer_key):
        return (subscription.lower(),) + tuple(k.lower() for k in offer_key)

    def terms(self, subscription, offer_type, publisher, offer, plan):
        if offer_type.lower() != "virtualmachine":
            raise exceptions.bad_offer_type(offer_type)
        self.cloud.resources.get_subscription(subscription)
        key = self._offer(publisher, offer, plan)
        pub, off, pln = key
        at = self.accepted.get(self._key(subscription, key))
        blob = "https://mpcprodsa.blob.core.windows.net/legalterms/3E5ED_legalterms_{}.txt".format(OFFERS[key])
        props = {"publisher": pub, "product": off, "plan": pln, "licenseTextLink": blob,
                 "privacyPolicyLink": "https://azure.microsoft.com/support/legal/privacy-statement/",
                 "marketplaceTermsLink": _TERMS_LINK,
                 "retrieveDatetime": at or _now(self.cloud), "signature": _signature(subscription, key),
                 "accepted": at is not None}
        rid = ("/subscriptions/{}/providers/Microsoft.MarketplaceOrdering/offerTypes/VirtualMachine/publishers/{}"
               "/offers/{}/plans/{}/agreements/current").format(subscription, pub, off, pln)
        return {"id": rid, "name": pln, "type": "Microsoft.MarketplaceOrdering/offertypes", "properties": props}

    def set_terms(self, subscription, offer_type, publisher, offer, plan, accepted):
        self.terms(subscription, offer_type, publisher, offer, plan)  # refuses what the marketplace lacks
        key = self._key(subscription, self._offer(publisher, offer, plan))
        if accepted:
            self.accepted.setdefault(key, _now(self.cloud))
        else:
            self.accepted.pop(key, None)
        return self.terms(subscription, offer_type, publisher, offer, plan)

    def agreement(self, subscription, publisher, offer, plan):
        key = self._offer(publisher, offer, plan)
        if self._key(subscription, key) not in self.accepted:
            raise exceptions.never_signed(key[1], key[2])
        return self._agreement(subscription, key)

    def _agreement(self, subscription, key):
        at = self.accepted.get(self._key(subscription, key))
        rid = "/subscriptions/{}/providers/Microsoft.MarketplaceOrdering/agreements/{}/offers/{}/plans/{}".format(
            subscription, *key)
        return {"id": rid, "name": key[2], "type": "Microsoft.MarketplaceOrdering/agreements",
                "properties": {"publisher": key[0], "offer": key[1], "signDate": at,
                               "state": "Active" if at else "Canceled"}}

    def sign(self, subscription, publisher, offer, plan, accepted=True):
        self.set_terms(subscription, "virtualmachine", publisher, offer, plan, accepted)
        return self._agreement(subscription, self._offer(publisher, offer, plan))

    def list_agreements(self, subscription):
        return [self._agreement(subscription, key) for key in OFFERS
                if self._key(subscription, key) in self.accepted]

    def dump(self):
        return {"accepted": ["/".join(k) for k in sorted(self.accepted)]}


def _now(cloud):
    return datetime.datetime.fromtimestamp(cloud.clock.now(), tz=datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")


def _signature(subscription, key):
    return hashlib.sha256(("/".join((subscription,) + key)).encode()).hexdigest()[:104].upper()
