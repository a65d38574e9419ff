"""Azure Resource Graph (``POST /providers/Microsoft.ResourceGraph/resources``) over the fake's own resources.

The query is KQL, parsed with the Kusto grammar and run on DuckDB by ``duckdb-kql`` (see :mod:`.engine` for
why that engine); paging by ``$skipToken``, the per-user quota and its headers, scopes and errors are in
:mod:`.models`, the wire shapes in :mod:`.responses`.
"""
