"""ARM's own throttling headers: the remaining subscription requests of the request's kind, on every answer of a
resource provider (and on the provider's errors; the gateway's own errors carry none).

Recorded on every provider's answers (shared/fidelity: Compute, Network GET 2026; azure-cli recordings of 2023:
Authorization, Network and Resources writes and deletes): ``x-ms-ratelimit-remaining-subscription-writes`` on
PUT/PATCH/POST, ``-deletes`` on DELETE, and since 2025 ``-global-writes``/``-global-deletes``/``-global-reads``
(reads). The fake answers the values of a subscription that has made one request (no counting: Azure's figures
are its own token buckets). A provider's bucket of its own (Compute's ``x-ms-ratelimit-remaining-resource``) is
the provider's (:mod:`fakeazure.compute.ratelimit`).
"""


def subscription_headers(method):
    if method == "GET":
        return {"x-ms-ratelimit-remaining-subscription-global-reads": "3749"}
    if method == "DELETE":
        return {"x-ms-ratelimit-remaining-subscription-deletes": "199",
                "x-ms-ratelimit-remaining-subscription-global-deletes": "2999"}
    if method == "HEAD":
        return {}
    return {"x-ms-ratelimit-remaining-subscription-writes": "199",
            "x-ms-ratelimit-remaining-subscription-global-writes": "2999"}


def add(headers, method):
    """ARM's subscription headers on an answer that has none yet."""
    for k, v in subscription_headers(method).items():
        headers.setdefault(k, v)
