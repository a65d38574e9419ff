"""The regions the fake cloud offers (``GET /subscriptions/{s}/locations``) and their display names.

The list is Azure's own (``locations.json``: the 84 regions of a recorded answer, physical and logical, with
their metadata; its ``_source`` names the recording). :func:`location_json` shapes one region as the
requested api-version's model has it (azure-mgmt-resource's ``subscriptions/v*/models``): before 2019-11-01
``latitude``/``longitude`` at the top, from 2019-11-01 ``regionalDisplayName`` and ``metadata``, from
2021-01-01 ``type: Region``, from 2022-12-01 ``metadata.geography`` (not in the recording: left out).
"""
import json
import os

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "locations.json"), encoding="utf-8") as _fh:
    _ENTRIES = json.load(_fh)["locations"]

LOCATIONS = [(e["name"], e["displayName"]) for e in _ENTRIES]

_DISPLAY = dict(LOCATIONS)


def normalise(location):
    """ARM's short form of a location: 'East US' -> 'eastus'."""
    return (location or "").replace(" ", "").lower()


def display_name(location):
    """'eastus' -> 'East US'; a name the fake does not know is returned as it is."""
    return _DISPLAY.get(normalise(location), location)


def locations():
    return list(LOCATIONS)


def location_json(subscription_id, entry, api_version):
    """One region of the subscription's list, shaped for ``api_version``."""
    rid = "/subscriptions/{}/locations/{}".format(subscription_id, entry["name"])
    meta = entry["metadata"]
    if (api_version or "") < "2019-11-01":
        out = {"id": rid, "name": entry["name"], "displayName": entry["displayName"]}
        out.update({k: meta[k] for k in ("latitude", "longitude") if k in meta})
        return out
    out = {"id": rid, "name": entry["name"]}
    if api_version >= "2021-01-01":
        out["type"] = "Region"
    out.update(displayName=entry["displayName"], regionalDisplayName=entry["regionalDisplayName"])
    md = {k: v for k, v in meta.items() if k != "pairedRegion"}
    if "pairedRegion" in meta:
        md["pairedRegion"] = [{"name": p, "id": "/subscriptions/{}/locations/{}".format(subscription_id, p)}
                              for p in meta["pairedRegion"]]
    out["metadata"] = md
    return out


def entries():
    return list(_ENTRIES)
