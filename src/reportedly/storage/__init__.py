"""Database connections behind the store: a DuckDB file or a PostgreSQL server, one interface.

``connect(target)`` opens either (a ``postgresql://`` URL, else a file path) and gives a
``Connection`` whose ``execute(sql, params)`` takes DuckDB-style SQL with ``?`` placeholders;
the ``Dialect`` writes the few fragments that differ (JSON fields, date arithmetic, DDL types).
"""

from reportedly.storage.connection import (
    DUCKDB,
    POSTGRES,
    Connection,
    Dialect,
    connect,
    is_url,
    redact,
)

__all__ = ["DUCKDB", "POSTGRES", "Connection", "Dialect", "connect", "is_url", "redact"]
