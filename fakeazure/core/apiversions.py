"""Which api-versions the fake accepts per resource type, and ARM's refusals when it doesn't.

Data lives in ``api_versions.json`` next to this file (resource type -> sorted version list; keys that
start with ``_`` are metadata: ``_sources``, ``_notes``, ``_arm_frontdoor``, ``_locations``).  It is
read once, on first use.

Choices, with the evidence behind them:

* Missing ``api-version``: ``MissingApiVersionParameter`` / "The api-version query parameter
  (?api-version=) is required for all requests." (verbatim ARM body, e.g. MicrosoftDocs/feedback#2279).
* A version that is listed for the type is accepted even if it is not date-shaped (ARM's own list
  contains ``2014-04``), so membership is tested before shape.
* Malformed (not ``YYYY-MM-DD`` with an optional ``-preview``/``-beta``/``-alpha``/``-privatepreview``):
  ``InvalidApiVersionParameter`` / "The api-version '<v>' is invalid. The supported versions are
  '<list>'."  ARM's front door rejects these before routing and quotes *its own* list (descending,
  comma-separated without spaces, ARM's order kept from ``_arm_frontdoor``).  Real messages of this
  code carry no "supported locations" sentence, so none is added.
* Well-formed but unsupported, ARM-owned types (``Microsoft.Resources/*``: subscriptions, tenants,
  resourceGroups, resources, tags, deployments, providers, ...): the same ``InvalidApiVersionParameter``
  message, listing the type's versions newest first (seen in Azure/azure-cli#28038,
  ansible-collections/azure#1739, vault-plugin-secrets-azure#13).
* Well-formed but unsupported, provider types (Microsoft.Compute, Microsoft.Network, and
  Microsoft.Authorization, which is a manifest-registered provider): ``NoRegisteredProviderFound`` /
  "No registered resource provider found for location '<loc>' and API version '<v>' for type
  '<type>'. The supported api-versions are '<a, b, c>'. The supported locations are '<l1, l2>'."
  (Azure/azure-cli#28496, #28368: versions ascending, joined by ", "; <type> is the type without its
  namespace, e.g. 'virtualMachines' or 'virtualMachines/runCommands').  ``location`` defaults to
  'global' when the caller has none (ARM's wording for location-less routes; not verified here);
  ``supported_locations`` defaults to the ``_locations`` list.  Authorization's code is an inference:
  no public quote of a bad-version error on a Microsoft.Authorization type was found.
* Unknown resource types: only the missing/malformed checks apply; ``supported()`` returns None.

All errors are HTTP 400.
"""
import json
import os
import re
import threading

__all__ = ["ApiVersionError", "supported", "check", "resource_types"]

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "api_versions.json")
_WELL_FORMED = re.compile(r"^\d{4}-\d{2}-\d{2}(-(preview|beta|alpha|privatepreview))?$", re.IGNORECASE)
_ARM_OWNED_PREFIXES = ("microsoft.resources/",)

_lock = threading.Lock()
_data = None          # raw document
_by_lower = None      # lower-cased type -> (canonical type, [versions])


class ApiVersionError(Exception):
    """An ARM api-version refusal; ``status`` is always 400."""

    status = 400

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    def body(self):
        return {"error": {"code": self.code, "message": self.message}}


def _load():
    global _data, _by_lower
    if _by_lower is None:
        with _lock:
            if _by_lower is None:
                with open(_PATH, encoding="utf-8") as fh:
                    data = json.load(fh)
                index = {}
                for key, value in data.items():
                    if not key.startswith("_"):
                        index[key.lower()] = (key, list(value))
                _data = data
                _by_lower = index
    return _by_lower


def _normalise(resource_type):
    return (resource_type or "").strip().strip("/").lower()


def resource_types():
    """Every covered resource type, exact casing."""
    return sorted(canonical for canonical, _ in _load().values())


def supported(resource_type):
    """The api-versions accepted for ``resource_type`` (case-insensitive), or None if unknown."""
    entry = _load().get(_normalise(resource_type))
    return list(entry[1]) if entry else None


def _meta(key, default):
    _load()
    return _data.get(key, default)


def _invalid(api_version, versions):
    return ApiVersionError(
        "InvalidApiVersionParameter",
        "The api-version '%s' is invalid. The supported versions are '%s'." % (api_version, ",".join(versions)),
    )


def check(resource_type, api_version, location=None, supported_locations=None):
    """Raise :class:`ApiVersionError` unless ``api_version`` is acceptable for ``resource_type``."""
    if api_version is None or str(api_version).strip() == "":
        raise ApiVersionError(
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
    entry = _load().get(_normalise(resource_type))
    if entry is not None and api_version.lower() in (v.lower() for v in entry[1]):
        return
    if not _WELL_FORMED.match(api_version):
        raise _invalid(api_version, _meta("_arm_frontdoor", []))
    if entry is None:
        return
    canonical, versions = entry
    if canonical.lower().startswith(_ARM_OWNED_PREFIXES):
        raise _invalid(api_version, sorted(versions, reverse=True))
    short_type = canonical.split("/", 1)[1] if "/" in canonical else canonical
    locations = supported_locations if supported_locations is not None else _meta("_locations", [])
    raise ApiVersionError(
        "NoRegisteredProviderFound",
        "No registered resource provider found for location '%s' and API version '%s' for type '%s'. "
        "The supported api-versions are '%s'. The supported locations are '%s'."
        % (location or "global", api_version, short_type, ", ".join(versions), ", ".join(locations)),
    )
