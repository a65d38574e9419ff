"""Replay of recorded Azure traffic against the fake (see tests/fixtures/azure-traffic/README.md)."""
