"""The regions the fake cloud offers (``GET /subscriptions/{s}/locations``) and their display names."""

LOCATIONS = [("eastus", "East US"), ("eastus2", "East US 2"), ("westus", "West US"), ("westus2", "West US 2"),
             ("westeurope", "West Europe"), ("northeurope", "North Europe"), ("uksouth", "UK South")]

_DISPLAY = dict(LOCATIONS)


def normalise(location):
    """ARM's short form of a location: 'East US' -> 'eastus'."""
    return (location or "").replace(" ", "").lower()


def display_name(location):
    """'eastus' -> 'East US'; a name the fake does not know is returned as it is."""
    return _DISPLAY.get(normalise(location), location)


def locations():
    return list(LOCATIONS)
