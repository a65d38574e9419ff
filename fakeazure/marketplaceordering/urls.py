from .responses import MarketplaceOrderingResponse as R

SUB = "/subscriptions/{subscriptionId}/providers/Microsoft.MarketplaceOrdering"
TERMS = SUB + "/offerTypes/{offerType}/publishers/{publisherId}/offers/{offerId}/plans/{planId}/agreements/current"
AGREEMENT = SUB + "/agreements/{publisherId}/offers/{offerId}/plans/{planId}"
T_TERMS = "Microsoft.MarketplaceOrdering/offerTypes"
T_AGREEMENTS = "Microsoft.MarketplaceOrdering/agreements"

url_table = [
    ("GET", TERMS, T_TERMS, R, "get_terms"),
    ("PUT", TERMS, T_TERMS, R, "put_terms"),
    ("GET", AGREEMENT, T_AGREEMENTS, R, "get_agreement"),
    ("POST", AGREEMENT + "/sign", T_AGREEMENTS, R, "sign"),
    ("POST", AGREEMENT + "/cancel", T_AGREEMENTS, R, "cancel"),
    ("GET", SUB + "/agreements", T_AGREEMENTS, R, "list_agreements"),
]
