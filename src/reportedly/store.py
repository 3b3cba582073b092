"""The store: an embedded DuckDB file of fused events, schema versioned, one transaction per
document.

Each document's ingest is one transaction: the document row, every event its mentions joined
or created (re-resolved by ``reportedly.fuse.Fuser``), their claims and the ingest log entry.
A process killed in the middle leaves the file as it was before that document; running the
same ingest again skips what is stored and finishes the job.

Tables (schema v2):

- ``documents``: every version of every report; a corrected article (same URL, new text)
  supersedes the older version, which stays as history (``superseded_by``) and stops counting.
- ``events``: one row per fused event, the columns filters need plus the event's JSON ``body``.
- ``claims``: one row per claim of each event (who says what, how firmly, where).
- ``event_documents``: which documents tell of which event.
- ``mentions``: each document's own events as extracted, so an event can be rebuilt from the
  documents that still count when one of them is superseded.
- ``ingest_log``: one line per document and run: extracted, failed or skipped, and why.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb

from reportedly.errors import E, ReportedlyError
from reportedly.records import Claim, Document, Event, Extraction, document_id

SCHEMA_VERSION = 2

# The first schema (0.1.0): documents, and events stored per document without fusion.
V1_DDL = (
    """CREATE TABLE IF NOT EXISTS documents (
        id VARCHAR PRIMARY KEY, outlet VARCHAR, url VARCHAR, title VARCHAR,
        published TIMESTAMP, path VARCHAR, text VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS events (
        event_id VARCHAR PRIMARY KEY, doc_id VARCHAR, role VARCHAR, event_date DATE,
        event_type VARCHAR, sub_event_type VARCHAR, country VARCHAR, lat DOUBLE, lon DOUBLE,
        fatalities INTEGER, grade VARCHAR, body JSON)""",
)

V2_DDL = (
    """CREATE TABLE documents (
        id VARCHAR PRIMARY KEY, url VARCHAR, outlet VARCHAR, title VARCHAR,
        published TIMESTAMP, path VARCHAR, text VARCHAR, ingested_at TIMESTAMP,
        superseded_by VARCHAR)""",
    """CREATE TABLE events (
        event_id VARCHAR PRIMARY KEY, role VARCHAR, event_date DATE, event_type VARCHAR,
        sub_event_type VARCHAR, country VARCHAR, country_code VARCHAR, admin1 VARCHAR,
        location VARCHAR, lat DOUBLE, lon DOUBLE, fatalities INTEGER, grade VARCHAR,
        number_of_sources INTEGER, body JSON)""",
    """CREATE TABLE claims (
        event_id VARCHAR, doc_id VARCHAR, field VARCHAR, value VARCHAR, text VARCHAR,
        source VARCHAR, source_kind VARCHAR, via VARCHAR, stance VARCHAR, start INTEGER,
        "end" INTEGER, sentence VARCHAR)""",
    "CREATE TABLE event_documents (event_id VARCHAR, doc_id VARCHAR)",
    """CREATE TABLE mentions (
        seq INTEGER, doc_id VARCHAR, n INTEGER, event_id VARCHAR, body JSON)""",
    """CREATE TABLE ingest_log (
        logged_at TIMESTAMP, doc_id VARCHAR, path VARCHAR, status VARCHAR, reason VARCHAR,
        events INTEGER)""",
)


class FuserLike(Protocol):
    """What the store needs from cross-document fusion (``reportedly.fuse.Fuser``)."""

    def match(self, candidate: Event, existing: list[Event]) -> Event | None: ...

    def merge(self, stored: Event, new: Event) -> Event: ...


def load_fuser(policy: Any = None) -> FuserLike:
    """The project's fusion stage, imported only when a store first fuses something."""
    from reportedly.fuse import Fuser

    return Fuser(policy)


@dataclass(frozen=True)
class IngestResult:
    """What ingesting one document did: ``status`` is extracted, skipped or failed."""

    doc_id: str
    status: str
    events: int = 0
    merged: int = 0
    reason: str = ""


@dataclass(frozen=True)
class BBox:
    """A bounding box in degrees: west, south, east, north (west <= east: no antimeridian)."""

    west: float
    south: float
    east: float
    north: float


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _naive(value: datetime | None) -> datetime | None:
    """DuckDB TIMESTAMP has no zone: store UTC."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


class Store:
    """A DuckDB event store. Use as a context manager.

    ``fuser`` decides which stored event a new mention belongs to and merges them (default:
    ``reportedly.fuse.Fuser(policy)``, loaded on first use); ``window_days`` bounds the
    candidates by date (default: the ``fusion_window_days`` setting).
    """

    def __init__(self, path: str | Path, *, fuser: FuserLike | None = None, policy: Any = None,
                 window_days: int | None = None) -> None:
        from reportedly.settings import setting

        self.path = str(path)
        self._fuser = fuser
        self.policy = policy
        self.window_days = window_days if window_days is not None else setting(
            "fusion_window_days")
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

    @property
    def fuser(self) -> FuserLike:
        if self._fuser is None:
            self._fuser = load_fuser(self.policy)
        return self._fuser

    # --- schema ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The schema version this file is at (0 for none)."""
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return (row[0] if row else None) or 0

    def _migrate(self) -> None:
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
        current = self.schema_version()
        if current >= SCHEMA_VERSION:
            return
        with self._transaction():
            if current == 0:
                for statement in V2_DDL:
                    self.con.execute(statement)
            else:
                for version in range(current + 1, SCHEMA_VERSION + 1):
                    MIGRATIONS[version](self)
            self.con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION])

    def _migrate_1_to_2(self) -> None:
        """v1 kept each document's events apart: each becomes one event of its own document."""
        docs = self.con.execute(
            "SELECT id, url, outlet, title, published, path, text FROM documents").fetchall()
        events = self.con.execute("SELECT doc_id, body FROM events ORDER BY doc_id, event_id"
                                  ).fetchall()
        # Tables with a primary key cannot be altered in place by DuckDB: rebuild them.
        self.con.execute("DROP TABLE events")
        self.con.execute("DROP TABLE documents")
        for statement in V2_DDL:
            self.con.execute(statement)
        for row in docs:
            self.con.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                             list(row))
        counters: dict[str, int] = {}
        for seq, (doc_id, body) in enumerate(events, start=1):
            event = Event.from_dict(json.loads(body))
            n = counters[doc_id] = counters.get(doc_id, -1) + 1
            self.con.execute("INSERT INTO mentions VALUES (?, ?, ?, ?, ?)",
                             [seq, doc_id, n, event.event_id, body])
            self._write_event(_with_provenance(event, [doc_id]))

    # --- writing --------------------------------------------------------------------------

    class _Tx:
        def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
            self.con = con

        def __enter__(self) -> None:
            self.con.execute("BEGIN TRANSACTION")

        def __exit__(self, kind: object, *rest: object) -> None:
            self.con.execute("ROLLBACK" if kind is not None else "COMMIT")

    def _transaction(self) -> Store._Tx:
        return Store._Tx(self.con)

    def stored_text(self, doc_id: str) -> str | None:
        """The text stored under a document id, or None."""
        row = self.con.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        return row[0] if row else None

    def is_stored(self, document: Document) -> bool:
        """This very document (same id, same text) is stored already: ingesting it is a no-op."""
        return self.stored_text(document.id) == document.text

    def ingest(self, document: Document, extraction: Extraction, *,
               path: str | None = None) -> IngestResult:
        """Store one document and fuse its events into the store, in one transaction."""
        if extraction.error:
            self.log(document.id, path or document.path, "failed", extraction.error)
            return IngestResult(document.id, "failed", reason=extraction.error)
        if self.is_stored(document):
            self.log(document.id, path or document.path, "skipped", "already stored")
            return IngestResult(document.id, "skipped", reason="already stored")
        with self._transaction():
            touched = self._retire_same_id(document.id)
            newer = self._newer_version(document)
            if newer is not None:
                self._insert_document(document, superseded_by=newer)
                self._rebuild(touched)
                reason = f"a newer version of {document.url} is stored ({newer})"
                self._log(document.id, path or document.path, "skipped", reason, 0)
                return IngestResult(document.id, "skipped", reason=reason)
            touched |= self._supersede_older(document)
            self._insert_document(document, superseded_by=None)
            self._rebuild(touched)
            merged = sum(self._fuse(document.id, n, event)
                         for n, event in enumerate(extraction.events))
            self._log(document.id, path or document.path, "extracted", "",
                      len(extraction.events))
        return IngestResult(document.id, "extracted", len(extraction.events), merged)

    def log(self, doc_id: str | None, path: str | None, status: str, reason: str = "") -> None:
        """Record a document that was skipped or failed (a read error, a pipeline error)."""
        with self._transaction():
            self._log(doc_id, path, status, reason, 0)

    def _log(self, doc_id: str | None, path: str | None, status: str, reason: str,
             events: int) -> None:
        self.con.execute("INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?)",
                         [_now(), doc_id, path, status, reason, events])

    def _insert_document(self, d: Document, *, superseded_by: str | None) -> None:
        self.con.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [d.id, d.url, d.outlet, d.title, _naive(d.published), d.path, d.text, _now(),
             superseded_by],
        )

    def _retire_same_id(self, doc_id: str) -> set[str]:
        """A document id stored with other text (a JSONL id reused): the new text replaces it."""
        if self.stored_text(doc_id) is None:
            return set()
        touched = self._event_ids_of(doc_id)
        self.con.execute("DELETE FROM mentions WHERE doc_id = ?", [doc_id])
        self.con.execute("DELETE FROM documents WHERE id = ?", [doc_id])
        return touched

    def _newer_version(self, d: Document) -> str | None:
        """The current document with the same URL published later than ``d``, if any."""
        if not d.url or d.published is None:
            return None
        row = self.con.execute(
            "SELECT id FROM documents WHERE url = ? AND id <> ? AND superseded_by IS NULL "
            "AND published > ? ORDER BY published DESC LIMIT 1",
            [d.url, d.id, _naive(d.published)]).fetchone()
        return row[0] if row else None

    def _supersede_older(self, d: Document) -> set[str]:
        """Older versions of the same URL become history; their events are rebuilt without them."""
        if not d.url:
            return set()
        rows = self.con.execute(
            "SELECT id FROM documents WHERE url = ? AND id <> ? AND superseded_by IS NULL",
            [d.url, d.id]).fetchall()
        touched: set[str] = set()
        for (old,) in rows:
            touched |= self._event_ids_of(old)
            self.con.execute("UPDATE documents SET superseded_by = ? WHERE id = ?", [d.id, old])
        return touched

    def _event_ids_of(self, doc_id: str) -> set[str]:
        rows = self.con.execute("SELECT DISTINCT event_id FROM mentions WHERE doc_id = ?",
                                [doc_id]).fetchall()
        return {r[0] for r in rows}

    def _rebuild(self, event_ids: set[str]) -> None:
        """Re-fuse each event from the mentions of documents that still count."""
        for event_id in sorted(event_ids):
            rows = self.con.execute(
                "SELECT m.doc_id, m.body FROM mentions m JOIN documents d ON d.id = m.doc_id "
                "WHERE m.event_id = ? AND d.superseded_by IS NULL ORDER BY m.seq",
                [event_id]).fetchall()
            self._delete_event(event_id)
            if not rows:
                continue
            first, *rest = (Event.from_dict(json.loads(body)) for _, body in rows)
            first = replace(first, event_id=event_id)
            event = _with_provenance(self.fuser.merge(first, first), [rows[0][0]])
            for (doc_id, _), mention in zip(rows[1:], rest, strict=True):
                event = _with_provenance(self.fuser.merge(event, mention), [doc_id])
            self._write_event(event)

    def _fuse(self, doc_id: str, n: int, mention: Event) -> bool:
        """Join a mention to the stored event it tells of, or start a new one; True if joined."""
        candidates = self.candidates(mention)
        match = self.fuser.match(mention, candidates) if candidates else None
        if match is not None:
            event = self.fuser.merge(match, mention)
        else:
            event = self.fuser.merge(mention, mention)
            event = replace(event, event_id=self._fresh_id(event.event_id))
        event = _with_provenance(event, [doc_id])
        self._delete_event(event.event_id)
        self._write_event(event)
        seq_row = self.con.execute("SELECT coalesce(max(seq), 0) + 1 FROM mentions").fetchone()
        self.con.execute("INSERT INTO mentions VALUES (?, ?, ?, ?, ?)",
                         [seq_row[0] if seq_row else 1, doc_id, n, event.event_id,
                          json.dumps(mention.to_dict(), ensure_ascii=False)])
        return match is not None

    def _fresh_id(self, event_id: str) -> str:
        """A new event keeps its pipeline id unless a surviving event holds it already."""
        candidate, k = event_id, 0
        while self.con.execute("SELECT 1 FROM events WHERE event_id = ?", [candidate]).fetchone():
            k += 1
            candidate = document_id(f"{event_id}:{k}")
        return candidate

    def candidates(self, mention: Event) -> list[Event]:
        """Stored events a mention may belong to: dated within the window (or undated), in the
        same country (or either country unknown).

        A date known only to the week or the month (ACLED time_precision 2 or 3, on either
        side) widens the window to 7 or 15 days: such a date is the middle of its period."""
        sql = "SELECT body FROM events WHERE 1=1"
        params: list[object] = []
        if mention.event_date is not None:
            w = self.window_days
            sql += (
                " AND (event_date IS NULL OR abs(date_diff('day', event_date, ?)) <= CASE"
                " greatest(coalesce(TRY_CAST(json_extract_string(body, '$.time_precision')"
                " AS INTEGER), 1), ?) WHEN 2 THEN ? WHEN 3 THEN ? ELSE ? END)"
            )
            params += [mention.event_date, mention.time_precision or 1, max(w, 7), max(w, 15), w]
        country = mention.location.country if mention.location else None
        if country:
            sql += " AND (country IS NULL OR lower(country) = lower(?))"
            params.append(country)
        sql += " ORDER BY event_date, event_id"
        return [Event.from_dict(json.loads(b)) for (b,) in self.con.execute(sql, params).fetchall()]

    def _delete_event(self, event_id: str) -> None:
        for table in ("events", "claims", "event_documents"):
            self.con.execute(f"DELETE FROM {table} WHERE event_id = ?", [event_id])

    def _write_event(self, event: Event) -> None:
        loc = event.location
        n_sources = event.extras.get("number_of_sources")
        self.con.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [event.event_id, event.role, event.event_date, event.event_type,
             event.sub_event_type, loc.country if loc else None,
             loc.country_code if loc else None, loc.admin1 if loc else None,
             loc.name if loc else None, loc.lat if loc else None, loc.lon if loc else None,
             event.fatalities.acled, event.grade,
             n_sources if isinstance(n_sources, int) else len(event.sources),
             json.dumps(event.to_dict(), ensure_ascii=False)],
        )
        for c in event.claims:
            self.con.execute(
                "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [event.event_id, c.evidence.doc_id, c.field, c.value, c.text, c.source.name,
                 c.source.kind, c.source.via, c.stance, c.evidence.start, c.evidence.end,
                 c.evidence.sentence],
            )
        for doc_id in _documents_of(event):
            self.con.execute("INSERT INTO event_documents VALUES (?, ?)", [event.event_id, doc_id])

    # --- reading --------------------------------------------------------------------------

    def events(self, *, since: date | None = None, until: date | None = None,
               country: str | None = None, event_type: str | None = None,
               bbox: BBox | None = None) -> Iterator[Event]:
        """Stored events by date. ``country`` matches a name or ISO code, ``event_type`` a type or
        sub-type (both case-insensitive); ``since``/``until`` are inclusive; ``bbox`` keeps
        located events inside it. Undated events are left out by a date filter."""
        sql = "SELECT body FROM events WHERE 1=1"
        params: list[object] = []
        if since is not None:
            sql += " AND event_date >= ?"
            params.append(since)
        if until is not None:
            sql += " AND event_date <= ?"
            params.append(until)
        if country:
            sql += " AND (lower(country) = lower(?) OR lower(country_code) = lower(?))"
            params += [country, country]
        if event_type:
            sql += " AND (lower(event_type) = lower(?) OR lower(sub_event_type) = lower(?))"
            params += [event_type, event_type]
        if bbox is not None:
            sql += " AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?"
            params += [bbox.west, bbox.east, bbox.south, bbox.north]
        sql += " ORDER BY event_date NULLS LAST, event_id"
        for (body,) in self.con.execute(sql, params).fetchall():
            yield Event.from_dict(json.loads(body))

    def claims(self, event_id: str) -> list[Claim]:
        """The claims of one stored event, as stored in its body."""
        row = self.con.execute("SELECT body FROM events WHERE event_id = ?", [event_id]).fetchone()
        return list(Event.from_dict(json.loads(row[0])).claims) if row else []

    def articles(self) -> dict[str, str]:
        """A citation for each stored document: 'Outlet, YYYY-MM-DD, url-or-title-or-id'."""
        out = {}
        for doc_id, outlet, published, url, title in self.con.execute(
                "SELECT id, outlet, published, url, title FROM documents").fetchall():
            parts = [outlet, published.date().isoformat() if published else None,
                     url or title or doc_id]
            out[doc_id] = ", ".join(p for p in parts if p)
        return out

    def ingest_log(self) -> list[dict[str, Any]]:
        cols = ("logged_at", "doc_id", "path", "status", "reason", "events")
        rows = self.con.execute(
            f"SELECT {', '.join(cols)} FROM ingest_log ORDER BY rowid").fetchall()
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def count(self) -> tuple[int, int]:
        """(current documents, events)."""
        docs = self.con.execute(
            "SELECT count(*) FROM documents WHERE superseded_by IS NULL").fetchone()
        events = self.con.execute("SELECT count(*) FROM events").fetchone()
        return (docs[0] if docs else 0), (events[0] if events else 0)

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Events, claims and links as sorted rows: two stores holding the same thing are equal."""
        return {
            "events": sorted(self.con.execute(
                "SELECT event_id, CAST(body AS VARCHAR) FROM events").fetchall()),
            "claims": sorted(self.con.execute(
                "SELECT * FROM claims").fetchall(), key=repr),
            "event_documents": sorted(self.con.execute(
                "SELECT * FROM event_documents").fetchall()),
            "documents": sorted(self.con.execute(
                "SELECT id, url, superseded_by FROM documents").fetchall(), key=repr),
        }


MIGRATIONS: dict[int, Callable[[Store], None]] = {2: Store._migrate_1_to_2}


def _documents_of(event: Event) -> list[str]:
    docs = event.extras.get("documents")
    if isinstance(docs, list) and docs:
        return sorted(dict.fromkeys(str(d) for d in docs))
    return sorted({c.evidence.doc_id for c in event.claims})


def _with_provenance(event: Event, doc_ids: Sequence[str]) -> Event:
    """Make sure the event lists the documents behind it (the fuser normally does)."""
    docs = list(dict.fromkeys([*(event.extras.get("documents") or []), *doc_ids]))
    extras = dict(event.extras)
    extras["documents"] = docs
    extras.setdefault("number_of_sources", len(event.sources))
    return replace(event, extras=extras)
