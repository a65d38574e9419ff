"""How long Azure takes for each long-running operation: the durations table, read into a lookup.

The table is data (``fakeazure/durations.yaml``: resource type -> operation -> ``seconds``, with the
recordings each figure comes from); the Cloud hands its path here. A backend names the row when it starts an
operation (:meth:`fakeazure.core.lro.OperationStore.start`, ``activity=(resource type, operation)``).

An operation the table has no row for takes :data:`UNLISTED_SECONDS` and is remembered in
:attr:`Timing.unlisted` (``GET /_fake/state`` shows them) and in :data:`UNLISTED` (every cloud of the process:
the test suite fails a test that started one), so that a missing row is seen rather than silently made instant.
"""
import yaml

UNLISTED_SECONDS = 1.0
UNLISTED = set()  # "<type> <operation>" of every operation without a row, in any cloud of this process


class Timing:
    def __init__(self, table):
        self._rows = {}
        for rtype, operations in (table or {}).items():
            for operation, row in (operations or {}).items():
                self._rows[(rtype.lower(), str(operation).lower())] = float(row["seconds"])
        self.unlisted = set()

    @classmethod
    def from_file(cls, path):
        with open(path, encoding="utf-8") as fh:
            return cls(yaml.safe_load(fh))

    def seconds(self, resource_type, operation):
        """The seconds an ``operation`` (``create``, ``update``, ``delete``, an action name) on a resource of
        ``resource_type`` (``Microsoft.Compute/virtualMachines``) takes."""
        key = ((resource_type or "").lower(), (operation or "").lower())
        if key in self._rows:
            return self._rows[key]
        self.unlisted.add("{} {}".format(resource_type, operation))
        UNLISTED.add("{} {}".format(resource_type, operation))
        return UNLISTED_SECONDS

    def rows(self):
        return dict(self._rows)
