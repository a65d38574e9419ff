"""Run the scan's query through ``azure-mgmt-resourcegraph`` and yield its rows page by page.

Paging as Resource Graph documents it (Learn, "Guidance for pagination"): at most 1,000 rows a page
(``$top``), the next page asked with the ``$skipToken`` of the previous answer and the same query and scopes;
no token means the last page. ``resultTruncated: "true"`` without a token means Resource Graph cut the result
(it never pages a query whose every column is dynamic, or one with ``limit``/``take``): the scan reports it.

Throttling: the SDK's status retries are turned off for these calls (``retry_status=0``) so that a 429 is
retried here, after the wait the answer names (``Retry-After``, else ``x-ms-user-quota-resets-after``);
before each query the scan also waits while the quota of the previous answer is spent.
"""
import time

from azext_vmbootfix.scan.query import PAGE_SIZE
from azext_vmbootfix.scan.throttle import wait_of

MAX_ATTEMPTS = 6
RETRY_STATUSES = (429, 500, 502, 503, 504)


class GraphPage:
    __slots__ = ("rows", "total", "truncated", "skip_token")

    def __init__(self, rows, total, truncated, skip_token):
        self.rows, self.total, self.truncated, self.skip_token = rows, total, truncated, skip_token


def run(client, query, subscriptions=None, management_groups=None, watch=None, sleep=time.sleep):
    """Yield :class:`GraphPage` objects until the result is complete."""
    from azure.core.exceptions import HttpResponseError
    from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions
    skip_token = None
    while True:
        request = QueryRequest(query=query, subscriptions=list(subscriptions) if subscriptions else None,
                               management_groups=list(management_groups) if management_groups else None,
                               options=QueryRequestOptions(skip_token=skip_token, top=PAGE_SIZE,
                                                           result_format="objectArray"))
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if watch is not None and watch.graph_wait() > 0:
                sleep(watch.graph_wait())
            try:
                answer = client.resources(request, retry_status=0)
                break
            except HttpResponseError as exc:
                status = getattr(exc, "status_code", None)
                if status not in RETRY_STATUSES or attempt == MAX_ATTEMPTS:
                    raise
                sleep(wait_of(exc.response.headers) if exc.response is not None else 1.0)
        truncated = str(getattr(answer, "result_truncated", "false")).lower().endswith("true")
        page = GraphPage(answer.data or [], answer.total_records, truncated, answer.skip_token)
        yield page
        skip_token = answer.skip_token
        if not skip_token:
            return
