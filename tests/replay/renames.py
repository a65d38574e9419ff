"""Undoing what azure-cli's recorder renamed in request URLs (normalisation 9 of :mod:`replay.engine`).

azure-cli's testsdk ``DeploymentNameReplacer.process_request`` substitutes ``/deployments/([^/?]+)`` with
``/deployments/mock-deployment`` in every request URI it records and leaves the answers alone, so the names
are still in Azure's answers. And a deployment operation's id is Azure's own choice, which the fake cannot
make: it is paired with the fake's through the two answers to the same operations list.
"""
import re

_MOCK_DEPLOYMENT = "/deployments/mock-deployment"
_OPERATION_ID = re.compile(r"/deployments/[^/?]+/operations/([^/?]+)", re.IGNORECASE)


def restored_deployment_names(exchanges):
    """Each exchange's URL with the deployment name azure-cli's recorder replaced given back (normalisation 9)."""
    named = []
    for ex in exchanges:
        body = ex.json() if _MOCK_DEPLOYMENT in ex.url else None
        body = body if isinstance(body, dict) else {}
        name = str(body.get("name") or "")
        named.append(name if name and str(body.get("id", "")).lower().endswith("/deployments/" + name.lower())
                     else None)
    out = []
    for i, ex in enumerate(exchanges):
        if _MOCK_DEPLOYMENT not in ex.url:
            out.append(ex.url)
            continue
        before = [n for n in named[:i + 1] if n]
        after = [n for n in named[i + 1:] if n]
        name = named[i] or (before[-1] if before else after[0] if after else None)
        out.append(ex.url.replace(_MOCK_DEPLOYMENT, "/deployments/" + name, 1) if name else ex.url)
    return out


def with_fake_operation_id(url, ids):
    """``url`` with the deployment operation id of Azure's it names replaced by the fake's, where ``ids``
    (Azure's id, lower-cased -> the fake's) has it."""
    found = _OPERATION_ID.search(url)
    fake = ids.get(found.group(1).lower()) if found else None
    return url[:found.start(1)] + fake + url[found.end(1):] if fake else url


def paired_operation_ids(theirs, ours):
    """``{Azure's operation id (lower): the fake's}`` from Azure's and the fake's answers to one deployment
    operations list: the operations on the same target resource with the same ``provisioningOperation`` (one
    with no target resource: the same position and ``provisioningOperation``)."""
    if not (isinstance(theirs, dict) and isinstance(ours, dict)):
        return {}

    def key(item, position):
        props = item.get("properties") or {}
        target = str((props.get("targetResource") or {}).get("id", "")).lower()
        return (target or position, props.get("provisioningOperation"))

    fake_ids = {key(item, n): item.get("operationId") for n, item in enumerate(ours.get("value") or [])
                if isinstance(item, dict)}
    return {str(item["operationId"]).lower(): fake_ids[key(item, n)]
            for n, item in enumerate(theirs.get("value") or [])
            if isinstance(item, dict) and item.get("operationId") and fake_ids.get(key(item, n))}
