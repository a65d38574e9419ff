"""Microsoft.MarketplaceOrdering over HTTP: every answer is 200 with the terms or the agreement (spec)."""
from ..core.responses import BaseResponse


class MarketplaceOrderingResponse(BaseResponse):
    @property
    def backend(self):
        return self.cloud.marketplaceordering

    def _tuple(self):
        return self.param("publisherId"), self.param("offerId"), self.param("planId")

    def get_terms(self):
        return self.ok(self.backend.terms(self.subscription, self.param("offerType"), *self._tuple()))

    def put_terms(self):
        body = self.json_body()
        accepted = bool((body.get("properties") or {}).get("accepted", body.get("accepted")))
        return self.ok(self.backend.set_terms(self.subscription, self.param("offerType"), *self._tuple(),
                                              accepted=accepted))

    def get_agreement(self):
        return self.ok(self.backend.agreement(self.subscription, *self._tuple()))

    def sign(self):
        return self.ok(self.backend.sign(self.subscription, *self._tuple()))

    def cancel(self):
        return self.ok(self.backend.sign(self.subscription, *self._tuple(), accepted=False))

    def list_agreements(self):
        return self.ok(self.backend.list_agreements(self.subscription))  # the spec's list is a bare array
