"""The store: an embedded DuckDB file, schema versioned, every write in a transaction.

This first store keeps documents and the events extracted from each (with their claims as
the contract's JSON); fusion across documents builds on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb

from reportedly.errors import E, ReportedlyError
from reportedly.records import Document, Event, Extraction

SCHEMA_VERSION = 1
MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE IF NOT EXISTS documents (
            id VARCHAR PRIMARY KEY, outlet VARCHAR, url VARCHAR, title VARCHAR,
            published TIMESTAMP, path VARCHAR, text VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS events (
            event_id VARCHAR PRIMARY KEY, doc_id VARCHAR, role VARCHAR, event_date DATE,
            event_type VARCHAR, sub_event_type VARCHAR, country VARCHAR, lat DOUBLE, lon DOUBLE,
            fatalities INTEGER, grade VARCHAR, body JSON)""",
    ],
}


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


class Store:
    """A DuckDB event store. Use as a context manager; writes are transactional."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.con = duckdb.connect(self.path)
        except duckdb.Error as exc:
            raise ReportedlyError(E.E013, path=self.path, reason=_first_line(exc)) from None
        try:
            self._migrate()
        except duckdb.Error as exc:
            # Release the file: a caller that gets E013 must not be left holding a lock on it.
            self.con.close()
            raise ReportedlyError(E.E013, path=self.path, reason=_first_line(exc)) from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def schema_version(self) -> int:
        """The schema version this file is at (0 for none)."""
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return (row[0] if row else None) or 0

    def _migrate(self) -> None:
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
        current = self.schema_version()
        for version in sorted(v for v in MIGRATIONS if v > current):
            self.con.execute("BEGIN TRANSACTION")
            for statement in MIGRATIONS[version]:
                self.con.execute(statement)
            self.con.execute("INSERT INTO schema_version VALUES (?)", [version])
            self.con.execute("COMMIT")

    def add(self, document: Document, extraction: Extraction) -> None:
        """Store a document and its events, replacing what an earlier run stored for it."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("DELETE FROM events WHERE doc_id = ?", [document.id])
            self.con.execute("DELETE FROM documents WHERE id = ?", [document.id])
            self.con.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                [document.id, document.outlet, document.url, document.title,
                 document.published, document.path, document.text],
            )
            for event in extraction.events:
                loc = event.location
                self.con.execute(
                    "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [event.event_id, document.id, event.role, event.event_date, event.event_type,
                     event.sub_event_type, loc.country if loc else None,
                     loc.lat if loc else None, loc.lon if loc else None,
                     event.fatalities.acled, event.grade, json.dumps(event.to_dict())],
                )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def add_many(self, pairs: Iterable[tuple[Document, Extraction]]) -> int:
        n = 0
        for document, extraction in pairs:
            self.add(document, extraction)
            n += 1
        return n

    def events(
        self, *, country: str | None = None, event_type: str | None = None
    ) -> Iterator[Event]:
        """Stored events, by date; ``country`` and ``event_type`` (type or sub-type) filter them."""
        sql = "SELECT body FROM events WHERE 1=1"
        params: list[object] = []
        if country:
            sql += " AND lower(country) = lower(?)"
            params.append(country)
        if event_type:
            sql += " AND (lower(event_type) = lower(?) OR lower(sub_event_type) = lower(?))"
            params += [event_type, event_type]
        sql += " ORDER BY event_date, event_id"
        for (body,) in self.con.execute(sql, params).fetchall():
            yield Event.from_dict(json.loads(body))

    def count(self) -> tuple[int, int]:
        docs = self.con.execute("SELECT count(*) FROM documents").fetchone()
        events = self.con.execute("SELECT count(*) FROM events").fetchone()
        return (docs[0] if docs else 0), (events[0] if events else 0)
