"""How Compute pages its VM lists (``VirtualMachines_ListAll``, ``VirtualMachines_List``).

Evidence (V = seen in public Azure material, I = inferred from it, C = chosen here):

- V: a long VM list comes in pages; each page but the last has ``nextLink``, the same URL with an opaque
  ``$skiptoken`` added (URL-encoded ``%24skiptoken``): ``.../providers/Microsoft.Compute/virtualMachines?
  api-version=2020-06-01&%24skiptoken=DczNCo...`` (azure-rest-api-specs#13843, 2021; azure-xplat-cli#2961,
  2016). The resource-group list pages too (azure-powershell#7321, 2018: "when ARM/CRP started paging").
- I: a page holds at most 50 VMs of each region. "Only lists first 50 per region" (azure-xplat-cli#2961);
  a one-region subscription's first page had 50 (azure-sdk-for-node#4769); a subscription of about 1,200 VMs
  came in pages of 299, 250, 211, 116, 81, 50, 50, 50, 50, 48 (azure-rest-api-specs#13843): pages that shrink
  as regions run out, then 50 at a time from the last one. The resource-group list is paged the same way
  here (its page size was not found).
- C: regions in name order, VMs of a region in the fake's order; the token is the next offset of each
  region (base64 of JSON), so VMs made or deleted between two pages may shift the rest; the other query
  parameters of the request (``statusOnly``, ``$filter``, ``$expand``) are kept in ``nextLink``; a token
  the fake did not make is refused with 400 ``InvalidParameter`` (wording not verified).
"""
import base64
import binascii
import json
from urllib.parse import urlencode

from . import exceptions

PER_REGION = 50
TOKEN = "$skiptoken"


def _decode(token):
    try:
        offsets = json.loads(base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4)))
    except (ValueError, UnicodeError, binascii.Error):
        offsets = None
    if not isinstance(offsets, dict) or not all(isinstance(v, int) and v >= 0 for v in offsets.values()):
        raise exceptions.InvalidParameter("The value of parameter '$skiptoken' is invalid.", target="$skiptoken")
    return offsets


def _encode(offsets):
    raw = json.dumps(offsets, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def page_of(vms, token=None):
    """``(the page's VMs, the next page's token or None)``: the next ``PER_REGION`` VMs of each region."""
    offsets = _decode(token) if token else {}
    regions = {}
    for vm in vms:
        regions.setdefault((vm.location or "").replace(" ", "").lower(), []).append(vm)
    page, after, more = [], {}, False
    for region in sorted(regions):
        start = offsets.get(region, 0)
        page.extend(regions[region][start:start + PER_REGION])
        after[region] = min(start + PER_REGION, len(regions[region]))
        more = more or after[region] < len(regions[region])
    return page, (_encode(after) if more else None)


def next_link(ctx, token):
    """The request's own URL with ``$skiptoken`` set (``%24skiptoken``, as Compute writes it)."""
    params = [(k, v) for k, v in ctx.query.items() if k.lower() != TOKEN]
    return "{}{}?{}".format(ctx.base_url, ctx.path, urlencode(params + [(TOKEN, token)]))


def paged(response, vms, to_json):
    """The list answer of ``response`` (a Compute response handler) for ``vms``: one page and its nextLink."""
    page, token = page_of(vms, next((v for k, v in response.query.items() if k.lower() == TOKEN), None))
    body = {"value": [to_json(vm) for vm in page]}
    if token:
        body["nextLink"] = next_link(response.ctx, token)
    return response.ok(body)
