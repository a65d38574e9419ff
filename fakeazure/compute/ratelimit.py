"""Compute's throttling headers (shared/fidelity README item 6).

Every Compute answer names the bucket the call counted against in ``x-ms-ratelimit-remaining-resource``.
The VM buckets are written in the 2025+ form (``<B>SubscriptionMaximum;N,<B>Resource;N``; GetOperation
lists ``Resource`` first, as recorded); disk, image and gallery buckets only appear in recordings in the
older ``<B>3Min;N,<B>30Min;N`` form and keep it. Counts run over a 3-minute window of the cloud's clock.
ARM's per-subscription counters (``x-ms-ratelimit-remaining-subscription-*``) are ARM's, on every provider's
answers (:mod:`fakeazure.core.ratelimit`).
"""
from ..core.ratelimit import subscription_headers  # noqa: F401  (Compute's answers name both)

# bucket -> (style, first maximum, second maximum)
BUCKETS = {
    "PutVM": ("new", 1500, 12), "UpdateVM": ("new", 1500, 12), "DeleteVM": ("new", 1500, 12),
    "LowCostGet": ("new", 24000, 36), "GetOperation": ("new-op", 15000, 45),
    "CreateUpdateDisks": ("old", 1000, 8000), "DeleteDisks": ("old", 1000, 8000),
    "GetDisks": ("old", 5000, 40000), "HighCostSnapshotCreateHydrate": ("old", 1000, 8000),
    "CreateImages": ("old", 40, 200), "GetImages": ("old", 350, 1800), "DeleteImages": ("old", 40, 200),
    "GetGalleryImageVersion": ("old", 2000, 10000), "GetGallery": ("old", 2000, 10000),
    "CreateUpdateGallery": ("old", 100, 500), "GetOperationStatus": ("old", 2000, 10000),
    "HighCostGet": ("new", 6000, 20),
}
WINDOW = 180.0


def buckets(read, write, delete):
    """The handler -> bucket table of a resource type whose reads, writes and deletes count in one bucket each."""
    return {"get": read, "list": read, "list_all": read, "put": write, "delete": delete}


class RateCounter:
    def __init__(self, clock):
        self.clock = clock
        self._counts = {}

    def take(self, subscription, bucket):
        """Count one call; return the header value."""
        now = self.clock.now()
        k = ((subscription or "").lower(), bucket)
        start, n = self._counts.get(k, (now, 0))
        if now - start >= WINDOW:
            start, n = now, 0
        n += 1
        self._counts[k] = (start, n)
        style, a, b = BUCKETS[bucket]
        ra, rb = max(a - n, 0), max(b - n, 0)
        if style == "old":
            return "Microsoft.Compute/{0}3Min;{1},Microsoft.Compute/{0}30Min;{2}".format(bucket, ra, rb)
        if style == "new-op":
            return "Microsoft.Compute/{0}Resource;{2},Microsoft.Compute/{0}SubscriptionMaximum;{1}".format(
                bucket, ra, rb)
        return "Microsoft.Compute/{0}SubscriptionMaximum;{1},Microsoft.Compute/{0}Resource;{2}".format(
            bucket, ra, rb)
