"""Run KQL over a snapshot of the fake's resources.

The engine is ``duckdb-kql`` (PyPI): it parses KQL with the grammar of Microsoft's Kusto-Query-Language
project (ANTLR) and translates it to SQL that DuckDB runs. Chosen over ``adxlite`` after trying both on the
scan's query: adxlite (a hand-written parser over SQLite and pandas) rejected ``=~``, ``in~`` and dotted
access into a dynamic column (``properties.storageProfile...``) outright, while duckdb-kql ran the whole
query -- ``mv-expand``, nested ``join kind=leftouter``, ``pack``/``pack_array``, ``make_set``, ``take_any``
-- over 10,000 VMs in about a second. What it does not support (e.g. ``make_set_if``, several arguments to
``take_any``) is refused as ARG refuses a query it cannot run (400 InvalidQuery).

The snapshot is one DuckDB table ``resources`` with Resource Graph's columns; ``properties``, ``tags``,
``sku``, ``plan``, ``identity``, ``zones`` and ``extendedLocation`` are JSON (KQL ``dynamic``). Resource Graph
also has ``resourcecontainers`` (subscriptions and resource groups), made here too.
"""
import json
import os
import tempfile

COLUMNS = (("id", "string"), ("name", "string"), ("type", "string"), ("tenantId", "string"), ("kind", "string"),
           ("location", "string"), ("resourceGroup", "string"), ("subscriptionId", "string"),
           ("managedBy", "string"), ("sku", "dynamic"), ("plan", "dynamic"), ("properties", "dynamic"),
           ("tags", "dynamic"), ("identity", "dynamic"), ("zones", "dynamic"), ("extendedLocation", "dynamic"))
TABLES = ("resources", "resourcecontainers")
_SQL_TYPE = {"string": "VARCHAR", "dynamic": "JSON"}


class QueryError(ValueError):
    """The query cannot be parsed or run; the message says why."""


class Snapshot:
    """One DuckDB database holding ``resources`` and ``resourcecontainers`` as they were when it was made."""

    def __init__(self, resources, containers):
        import duckdb_kql
        self.con = duckdb_kql.connect(":memory:")
        with tempfile.TemporaryDirectory(prefix="fakeazure-arg-") as tmp:
            for table, rows in (("resources", resources), ("resourcecontainers", containers)):
                path = os.path.join(tmp, table + ".ndjson")
                with open(path, "w", encoding="utf-8") as fh:
                    for row in rows:
                        fh.write(json.dumps({name: row.get(name) for name, _ in COLUMNS}, separators=(",", ":")))
                        fh.write("\n")
                columns = ", ".join("'{}': '{}'".format(n, _SQL_TYPE[k]) for n, k in COLUMNS)
                self.con.execute("CREATE TABLE {} AS SELECT * FROM read_json(?, format='newline_delimited', "
                                 "columns={{{}}})".format(table, columns), [path])

    def run(self, query):
        """Return (column names and KQL types, rows as lists)."""
        import duckdb
        import duckdb_kql
        from duckdb_kql.errors import KqlError
        try:
            rel = duckdb_kql.query(self.con, query)
            names, types = rel.columns, [str(t) for t in rel.types]
            data = rel.fetchall()
        except KqlError as exc:
            raise QueryError(str(exc).split("\n")[0]) from exc
        except duckdb.Error as exc:
            raise QueryError(str(exc).split("\n")[0]) from exc
        kinds = [_kql_type(t) for t in types]
        out = []
        for row in data:
            out.append([_value(v, k) for v, k in zip(row, kinds)])
        return list(zip(names, kinds)), out

    def close(self):
        self.con.close()


def _kql_type(sql_type):
    t = sql_type.upper()
    if t == "JSON" or t.endswith("[]") or t.startswith(("STRUCT", "MAP")):
        return "object"
    if t in ("BOOLEAN",):
        return "boolean"
    if t in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "TINYINT", "UBIGINT"):
        return "integer"
    if t in ("DOUBLE", "FLOAT") or t.startswith("DECIMAL"):
        return "number"
    if t.startswith("TIMESTAMP"):
        return "datetime"
    return "string"


def _value(v, kind):
    if kind == "object" and isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    if kind == "datetime" and v is not None:
        return v.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return v
