"""The store: fused events in an embedded DuckDB file or on a PostgreSQL server, schema
versioned, one transaction per document.

Each document's ingest is one transaction: the document row, every event its mentions joined
or created (re-resolved by ``reportedly.fuse.Fuser``), their claims and the ingest log entry.
A process killed in the middle leaves the file as it was before that document; running the
same ingest again skips what is stored and finishes the job.

Tables (schema v4):

- ``documents``: every version of every report; a corrected article (same URL, new text)
  supersedes the older version, which stays as history (``superseded_by``) and stops counting.
- ``events``: one row per fused event, the columns filters need plus the event's JSON ``body``
  (v4 adds the resolved actors, the notes and ``search_text``: the place, the notes and every
  claim's sentence and value in lower case, so that no filter has to parse JSON).
- ``claims``: one row per claim of each event (who says what, how firmly, where).
- ``event_documents``: which documents tell of which event.
- ``mentions``: each document's own events as extracted, so an event can be rebuilt from the
  documents that still count when one of them is superseded.
- ``ingest_log``: one line per document and run: extracted, failed or skipped, and why.
- ``claim_reviews``, ``corrections``, ``audit`` (v3): reviewers' verdicts on claims, their
  corrected field values, and one audit record per change (``reportedly.review``). Verdicts and
  corrections are applied again whenever an event is rebuilt or joined by a new report.

``Store(target)`` opens a DuckDB file, or a PostgreSQL database when ``target`` is a
``postgresql://`` URL (``reportedly.storage``); the SQL is written once for both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from reportedly import review
from reportedly.errors import E, ReportedlyError
from reportedly.records import Claim, Document, Event, Extraction, document_id
from reportedly.storage import Connection, connect, is_url, redact
from reportedly.storage.connection import database_errors

SCHEMA_VERSION = 4

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


# Review (v3): verdicts are keyed by the claim's own identity (``review.claim_id``), so they
# follow a claim through rebuilds, merges and splits; corrections belong to an event.
V3_DDL = (
    """CREATE TABLE claim_reviews (
        claim_id VARCHAR PRIMARY KEY, verdict VARCHAR, reviewer VARCHAR, created_at TIMESTAMP,
        note VARCHAR)""",
    """CREATE TABLE corrections (
        event_id VARCHAR, field VARCHAR, value JSON, reviewer VARCHAR, created_at TIMESTAMP,
        note VARCHAR, PRIMARY KEY (event_id, field))""",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY, created_at TIMESTAMP, reviewer VARCHAR, action VARCHAR,
        event_id VARCHAR, other_event_id VARCHAR, before JSON, after JSON, note VARCHAR)""",
)


# Filters (v4): columns copied out of the body, so the API's actor and text filters read a
# column instead of parsing every event's JSON.
V4_COLUMNS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "notes", "search_text",
              "actor_text")
DERIVED = ("search_text", "actor_text")
# Between the parts of ``search_text``: a text search never matches across two of them (a
# query holding this character searches the claims table itself).
CLAIM_SEPARATOR = "\x1f"
# The claims' words of each event (``{where}``: which claims): every distinct sentence and
# value, lowered by the database (the same lower() the query uses); an event's claims often
# share one sentence, kept once.
CLAIM_TEXT_SQL = (
    "SELECT event_id, string_agg(DISTINCT words, chr(31)) AS words FROM ("
    "SELECT event_id, lower(coalesce(sentence, '')) AS words FROM claims {where} UNION ALL "
    "SELECT event_id, lower(coalesce(value, '')) FROM claims {where}) AS w GROUP BY event_id"
)
# search_text from the place, the notes and the claims' words (``{words}``).
SEARCH_TEXT_SQL = ("concat_ws(chr(31), lower(coalesce(location, '')), "
                   "lower(coalesce(notes, '')), {words})")
# actor_text: the four resolved actors, lowered, for the actor filter.
ACTOR_TEXT_SQL = ("concat_ws(chr(31), lower(actor1), lower(actor2), "
                  "lower(assoc_actor_1), lower(assoc_actor_2))")
# Substring search by trigram indexes (the pg_trgm extension, where the server has it and
# the user may create it: without, the same queries scan).
PG_TRIGRAM = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS events_search ON events USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS events_actors ON events USING gin (actor_text gin_trgm_ops)",
)
# PostgreSQL plans with indexes (and keeps the bodies out of the rows); DuckDB scans its
# columns (zone maps prune by date) and its ART indexes would only slow the writes down, so
# it gets none.
PG_INDEXES = (
    # JSON bodies out of line (TOAST) beyond 1 KB, so that a scan of the filter columns reads
    # a narrow table; the search columns stay in the row, uncompressed (MAIN is compressed
    # only when a row is still too long once its body has gone out of line).
    "ALTER TABLE events SET (toast_tuple_target = 1024)",
    "ALTER TABLE events ALTER COLUMN search_text SET STORAGE MAIN",
    "ALTER TABLE events ALTER COLUMN actor_text SET STORAGE MAIN",
    "CREATE INDEX IF NOT EXISTS events_date ON events (event_date, event_id)",
    "CREATE INDEX IF NOT EXISTS events_country ON events (lower(country))",
    "CREATE INDEX IF NOT EXISTS events_country_code ON events (lower(country_code))",
    "CREATE INDEX IF NOT EXISTS events_admin1 ON events (lower(admin1))",
    "CREATE INDEX IF NOT EXISTS events_type ON events (lower(event_type))",
    "CREATE INDEX IF NOT EXISTS events_sub_type ON events (lower(sub_event_type))",
    "CREATE INDEX IF NOT EXISTS events_grade ON events (grade)",
    "CREATE INDEX IF NOT EXISTS events_lon_lat ON events (lon, lat)",
    # The actor filter's count: the four names of a store's events repeat, so this index is
    # small (under 1 MB for 100,000 events) and a scan of it answers a LIKE '%..%' count
    # without the heap (15 ms where the trigram index's heap rechecks took 40-60).
    "CREATE INDEX IF NOT EXISTS events_actor_text ON events (actor_text)",
    "CREATE INDEX IF NOT EXISTS claims_event ON claims (event_id)",
    "CREATE INDEX IF NOT EXISTS event_documents_event ON event_documents (event_id)",
    "CREATE INDEX IF NOT EXISTS event_documents_doc ON event_documents (doc_id)",
    "CREATE INDEX IF NOT EXISTS mentions_event ON mentions (event_id)",
    "CREATE INDEX IF NOT EXISTS mentions_doc ON mentions (doc_id)",
)
EVENT_COLUMNS = ("event_id, role, event_date, event_type, sub_event_type, country, "
                 "country_code, admin1, location, lat, lon, fatalities, grade, "
                 "number_of_sources, body")


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


class Store(review.Reviews):
    """An event store in a DuckDB file or a PostgreSQL database. Use as a context manager.

    ``target`` is a file path or a ``postgresql://`` URL.
    ``fuser`` decides which stored event a new mention belongs to and merges them (default:
    ``reportedly.fuse.Fuser(policy)``, loaded on first use); ``window_days`` bounds the
    candidates by date (default: the ``fusion_window_days`` setting).
    """

    def __init__(self, target: str | Path, *, fuser: FuserLike | None = None,
                 policy: Any = None, window_days: int | None = None) -> None:
        from reportedly.settings import setting

        self.path = str(target)
        self._fuser = fuser
        self.policy = policy
        self.window_days = window_days if window_days is not None else setting(
            "fusion_window_days")
        self._vanished: list[Event] = []
        self.con: Connection = connect(self.path)
        self.dialect = self.con.dialect
        try:
            self._migrate()
        except database_errors() as exc:
            # Release the file: a caller that gets E013 must not be left holding a lock on it.
            self.con.close()
            if is_url(self.path):
                raise ReportedlyError(E.E210, url=redact(self.path),
                                      reason=_first_line(exc)) from None
            raise ReportedlyError(E.E013, path=self.path, reason=_first_line(exc)) from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def reader(self) -> Any:
        """A context manager lending a connection for reads apart from the writer's (a DuckDB
        cursor, or a pooled PostgreSQL connection)."""
        return self.con.reader()

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
        # Under the writer lock: API workers starting together on one PostgreSQL database
        # must not both create the tables.
        with self._transaction():
            self.con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
            current = self.schema_version()
            if current >= SCHEMA_VERSION:
                return
            if current == 0:
                for statement in (*V2_DDL, *V3_DDL):
                    self.con.execute(self.dialect.ddl(statement))
                if self.dialect.postgres:
                    self.con.execute("ALTER TABLE ingest_log ADD COLUMN seq BIGSERIAL")
                self._migrate_3_to_4()
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
            self._write_event(_with_provenance(event, [doc_id]), reviewed=False)

    def _migrate_2_to_3(self) -> None:
        """v3 adds review: its tables, and each stored body gets its claims' ids, no verdicts
        and no corrections (the values stay as fused)."""
        for statement in V3_DDL:
            self.con.execute(self.dialect.ddl(statement))
        for event_id, body in self.con.execute("SELECT event_id, body FROM events").fetchall():
            decorated = review.decorate(json.loads(body), reviews={}, corrections={})
            self.con.execute("UPDATE events SET body = ? WHERE event_id = ?",
                             [json.dumps(decorated, ensure_ascii=False), event_id])

    def _migrate_3_to_4(self) -> None:
        """v4 copies the actors, the notes and the claims' words into columns (and indexes a
        PostgreSQL store's filter columns)."""
        for column in V4_COLUMNS:
            self.con.execute(f"ALTER TABLE events ADD COLUMN {column} VARCHAR")
        if self.dialect.postgres:
            for statement in PG_INDEXES:
                self.con.execute(statement)
            self._trigram_indexes()
        self.reindex()

    def _trigram_indexes(self) -> None:
        """Trigram indexes for the text and actor filters, if this server allows them; a
        refusal (no pg_trgm, no right to create it) leaves the store working without."""
        self.con.execute("SAVEPOINT trigram")
        try:
            for statement in PG_TRIGRAM:
                self.con.execute(statement)
        except database_errors():
            self.con.execute("ROLLBACK TO SAVEPOINT trigram")
        self.con.execute("RELEASE SAVEPOINT trigram")

    def reindex(self) -> None:
        """Fill the filter columns of every event from its body and claims again (the
        migration does; so may a tool that writes the tables directly, such as
        ``benchmarks/bench_api.py``)."""
        body = self.dialect.json_text
        self.con.execute("UPDATE events SET " + ", ".join(
            f"{c} = {body('body', c)}" for c in V4_COLUMNS if c not in DERIVED))
        self.con.execute(
            f"UPDATE events SET search_text = {SEARCH_TEXT_SQL.format(words='c.words')} FROM "
            f"({CLAIM_TEXT_SQL.format(where='')}) AS c WHERE c.event_id = events.event_id")
        no_claims = SEARCH_TEXT_SQL.format(words="''")
        self.con.execute(f"UPDATE events SET search_text = {no_claims} WHERE search_text IS NULL")
        self.con.execute(f"UPDATE events SET actor_text = {ACTOR_TEXT_SQL}")
        if self.dialect.postgres:
            self.con.execute("ANALYZE events")

    # --- writing --------------------------------------------------------------------------

    class _Tx:
        def __init__(self, con: Connection) -> None:
            self.con = con

        def __enter__(self) -> None:
            self.con.execute("BEGIN TRANSACTION")
            self.con.lock_writes()

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
        self._vanished = []
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
        self.con.execute(
            "INSERT INTO ingest_log (logged_at, doc_id, path, status, reason, events) "
            "VALUES (?, ?, ?, ?, ?, ?)", [_now(), doc_id, path, status, reason, events])

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
        """Re-fuse each event from the mentions of documents that still count; an event left
        with none goes, and if reviewers corrected it, a report of it in the same ingest (the
        corrected article that superseded its only report) brings it back under its id."""
        for event_id in sorted(event_ids):
            rows = self.con.execute(
                "SELECT m.doc_id, m.body FROM mentions m JOIN documents d ON d.id = m.doc_id "
                "WHERE m.event_id = ? AND d.superseded_by IS NULL ORDER BY m.seq",
                [event_id]).fetchall()
            if not rows:
                gone = self.event(event_id)
                if gone is not None and self._corrections(event_id):
                    self._vanished.append(gone)
            self._delete_event(event_id)
            if rows:
                self._write_event(self._assemble(event_id, rows))

    def _assemble(self, event_id: str, rows: list[tuple[str, str]]) -> Event:
        """One event fused from its mentions in order; rejected claims do not count in the
        fusion but stay listed (with their verdict) after it."""
        rejected = self._rejected()
        mentions = [Event.from_dict(json.loads(body)) for _, body in rows]
        counted = [review.without(m, rejected) for m in mentions]
        first = replace(counted[0], event_id=event_id)
        event = _with_provenance(self.fuser.merge(first, first), [rows[0][0]])
        for (doc_id, _), mention in zip(rows[1:], counted[1:], strict=True):
            event = _with_provenance(self.fuser.merge(event, mention), [doc_id])
        hidden = [c for m in mentions for c in m.claims if review.claim_id(c) in rejected]
        # a report whose every claim is rejected still tells of the event (the fuser lists
        # documents from the counted claims)
        return _with_provenance(review.with_claims(event, hidden), [d for d, _ in rows])

    def _fuse(self, doc_id: str, n: int, mention: Event) -> bool:
        """Join a mention to the stored event it tells of, or start a new one; True if joined.

        An event reviewers touched (a correction, a rejected claim) is fused again from all
        its mentions, so the review is applied to the new whole rather than to a stored body
        that already shows corrected values."""
        candidates = self.candidates(mention)
        match = self.fuser.match(mention, candidates) if candidates else None
        revived = None if match is not None else self._revived(mention)
        target = match or revived
        if target is not None and self._reviewed(target, mention):
            self._insert_mention(doc_id, n, target.event_id, mention)
            self._rebuild({target.event_id})
            return match is not None
        if match is not None:
            event = self.fuser.merge(match, mention)
        else:
            event = self.fuser.merge(mention, mention)
            event = replace(event, event_id=self._fresh_id(event.event_id))
        event = _with_provenance(event, [doc_id])
        self._delete_event(event.event_id)
        self._write_event(event)
        self._insert_mention(doc_id, n, event.event_id, mention)
        return match is not None

    def _insert_mention(self, doc_id: str, n: int, event_id: str, mention: Event) -> None:
        seq_row = self.con.execute("SELECT coalesce(max(seq), 0) + 1 FROM mentions").fetchone()
        self.con.execute("INSERT INTO mentions VALUES (?, ?, ?, ?, ?)",
                         [seq_row[0] if seq_row else 1, doc_id, n, event_id,
                          json.dumps(mention.to_dict(), ensure_ascii=False)])

    def _revived(self, mention: Event) -> Event | None:
        """A corrected event this ingest removed that the mention reports, if its id is free."""
        found = self.fuser.match(mention, self._vanished) if self._vanished else None
        if found is None or self.event(found.event_id) is not None:
            return None
        return found

    def _reviewed(self, event: Event, mention: Event) -> bool:
        """Whether a review bears on fusing ``mention`` into ``event``."""
        if self._corrections(event.event_id):
            return True
        rejected = self._rejected()
        return any(review.claim_id(c) in rejected for c in (*event.claims, *mention.claims))

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
            days = self.dialect.days_apart("event_date", "?")
            precision = self.dialect.json_int("body", "time_precision")
            sql += (
                f" AND (event_date IS NULL OR {days} <= CASE"
                f" greatest(coalesce({precision}, 1), ?) WHEN 2 THEN ? WHEN 3 THEN ? ELSE ? END)"
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

    def _write_event(self, event: Event, *, reviewed: bool = True) -> None:
        """Write an event's row, claims and links; ``reviewed``: with its corrections applied
        and its claims' ids and verdicts in the body (False only before schema v3 exists)."""
        body = event.to_dict()
        if reviewed:
            corrections = self._corrections(event.event_id)
            event = review.apply_corrections(event, corrections)
            reviews = self._claim_reviews([review.claim_id(c) for c in event.claims])
            body = review.decorate(event.to_dict(), reviews=reviews, corrections=corrections)
        loc = event.location
        n_sources = event.extras.get("number_of_sources")
        columns, values = EVENT_COLUMNS, [
            event.event_id, event.role, event.event_date, event.event_type,
            event.sub_event_type, loc.country if loc else None,
            loc.country_code if loc else None, loc.admin1 if loc else None,
            loc.name if loc else None, loc.lat if loc else None, loc.lon if loc else None,
            event.fatalities.acled, event.grade,
            n_sources if isinstance(n_sources, int) else len(event.sources),
            json.dumps(body, ensure_ascii=False)]
        if reviewed:  # the schema is current (v4): the filter columns too
            columns += ", actor1, actor2, assoc_actor_1, assoc_actor_2, notes"
            values += [event.actor1, event.actor2, event.assoc_actor_1, event.assoc_actor_2,
                       event.notes]
        marks = ", ".join("?" * len(values))
        self.con.execute(f"INSERT INTO events ({columns}) VALUES ({marks})", values)
        for c in event.claims:
            self.con.execute(
                "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [event.event_id, c.evidence.doc_id, c.field, c.value, c.text, c.source.name,
                 c.source.kind, c.source.via, c.stance, c.evidence.start, c.evidence.end,
                 c.evidence.sentence],
            )
        for doc_id in _documents_of(event):
            self.con.execute("INSERT INTO event_documents VALUES (?, ?)", [event.event_id, doc_id])
        if reviewed:
            words = f"(SELECT words FROM ({CLAIM_TEXT_SQL.format(where='WHERE event_id = ?')})"\
                    " AS c)"
            self.con.execute(f"UPDATE events SET search_text = "
                             f"{SEARCH_TEXT_SQL.format(words=words)}, actor_text = "
                             f"{ACTOR_TEXT_SQL} WHERE event_id = ?", [event.event_id] * 3)

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

    def resolved_again(self, events: Iterable[Event], *, policy: Any) -> list[Event]:
        """Stored events with their values resolved again under ``policy`` (merging an event
        with itself re-resolves it), as the store itself fuses: rejected claims do not count
        but stay listed, and reviewers' corrections are applied after, so they still win."""
        fuser = load_fuser(policy)
        rejected = self._rejected()
        out = []
        for event in events:
            counted = review.without(event, rejected)
            again = fuser.merge(counted, counted)
            hidden = [c for c in event.claims if review.claim_id(c) in rejected]
            again = review.with_claims(again, hidden)
            out.append(review.apply_corrections(again, self._corrections(event.event_id)))
        return out

    def event(self, event_id: str) -> Event | None:
        """One stored event (as shown: corrections applied), or None."""
        row = self.con.execute("SELECT body FROM events WHERE event_id = ?", [event_id]).fetchone()
        return Event.from_dict(json.loads(row[0])) if row else None

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
            f"SELECT {', '.join(cols)} FROM ingest_log ORDER BY {self.dialect.insertion_order}"
        ).fetchall()
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


MIGRATIONS: dict[int, Callable[[Store], None]] = {2: Store._migrate_1_to_2,
                                                   3: Store._migrate_2_to_3,
                                                   4: Store._migrate_3_to_4}


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
