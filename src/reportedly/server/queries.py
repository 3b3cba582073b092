"""Read queries of the API over the store's tables (schema v3), on DuckDB or PostgreSQL.

Every value a client sends reaches the database as a bound parameter, never as SQL text:
filters only choose which fixed fragments are joined. ``con`` is a
``reportedly.storage.Connection``; its dialect spells the JSON fragments.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportedly.review import audit_records
from reportedly.storage import DUCKDB, Connection, Dialect
from reportedly.store import CLAIM_SEPARATOR, BBox

GRADES = ("confirmed", "fair", "weak", "contested")


@dataclass(frozen=True)
class EventFilter:
    """What ``GET /api/events`` may filter on; None means no filter."""

    since: date | None = None
    until: date | None = None
    country: str | None = None
    admin1: str | None = None
    event_type: str | None = None
    actor: str | None = None
    grade: str | None = None
    bbox: BBox | None = None
    q: str | None = None

    def where(self, dialect: Dialect = DUCKDB) -> tuple[str, list[object]]:
        """The WHERE clause and its parameters."""
        sql, params = ["1=1"], []
        for clause, values in self._clauses(dialect):
            sql.append(clause)
            params += values
        return " AND ".join(sql), params

    def _clauses(self, dialect: Dialect) -> list[tuple[str, list[object]]]:
        out: list[tuple[str, list[object]]] = []
        if self.since is not None:
            out.append(("event_date >= ?", [self.since]))
        if self.until is not None:
            out.append(("event_date <= ?", [self.until]))
        if self.country:
            out.append(("(lower(country) = lower(?) OR lower(country_code) = lower(?))",
                        [self.country, self.country]))
        if self.admin1:
            out.append(("lower(admin1) = lower(?)", [self.admin1]))
        if self.event_type:
            out.append(("(lower(event_type) = lower(?) OR lower(sub_event_type) = lower(?))",
                        [self.event_type, self.event_type]))
        if self.actor:
            if CLAIM_SEPARATOR in self.actor:  # it could match across two actors' names
                out.append((_ACTOR_SQL, [self.actor] * 4))
            else:
                out.append((_contains("actor_text", dialect), [self.actor]))
        if self.grade:
            out.append(("grade = ?", [self.grade]))
        if self.bbox is not None:
            b = self.bbox
            out.append(("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?",
                        [b.west, b.east, b.south, b.north]))
        if self.q:
            if CLAIM_SEPARATOR in self.q:  # it could match across two parts of search_text
                out.append((_text_sql_by_claims(), [self.q] * 4))
            else:
                out.append((_contains("search_text", dialect), [self.q]))
        return out


# The resolved actors, the notes and the claims' words are columns of their own (schema v4):
# no filter parses an event's JSON body.
_ACTOR_SQL = "(" + " OR ".join(
    f"strpos(lower(coalesce({k}, '')), lower(?)) > 0"
    for k in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")) + ")"


def _contains(column: str, dialect: Dialect) -> str:
    """The lowered words of ``column`` (``actor_text``: the four resolved actor names;
    ``search_text``: the place, the notes, every claim and its sentence) hold the value,
    case-insensitive. DuckDB: strpos, so that % and _ are plain characters. PostgreSQL: LIKE
    with those escaped, which its trigram index serves."""
    if not dialect.postgres:
        return f"strpos(coalesce({column}, ''), lower(?)) > 0"
    escaped = r"replace(replace(replace(lower(?), '\', '\\'), '%', '\%'), '_', '\_')"
    return f"{column} LIKE '%' || {escaped} || '%' ESCAPE '\\'"


def _text_sql_by_claims() -> str:
    """The same search through the claims table, claim by claim."""
    return (
        "(strpos(lower(coalesce(location, '')), lower(?)) > 0"
        " OR strpos(lower(coalesce(notes, '')), lower(?)) > 0"
        " OR event_id IN (SELECT event_id FROM claims WHERE"
        " strpos(lower(coalesce(sentence, '')), lower(?)) > 0"
        " OR strpos(lower(coalesce(value, '')), lower(?)) > 0))"
    )


def events(con: Connection, flt: EventFilter, *, limit: int,
           offset: int) -> tuple[list[dict[str, Any]], int]:
    """One page of events by date (undated last) and the number matching in all."""
    bodies, total = event_bodies(con, flt, limit=limit, offset=offset)
    return [json.loads(b) for b in bodies], total


def event_bodies(con: Connection, flt: EventFilter, *, limit: int,
                 offset: int) -> tuple[list[str], int]:
    """``events`` with each event as its stored JSON text."""
    where, params = flt.where(con.dialect)
    # The page's ids first, then their bodies by id: sorting every matching row with its
    # JSON body would read all the bodies to keep fifty, and even a join of the page to the
    # table reads more than a list of fifty ids, which the scan checks before it fetches a
    # body. DuckDB counts the matches in the same pass as the page (one scan of the filter:
    # a text search reads every search_text only once); PostgreSQL counts apart, so that the
    # page can walk the date index and stop; and with no filter both count apart, from the
    # table's size. One snapshot for all: a merge in between must not lose a page's event.
    together = not con.dialect.postgres and where != "1=1"
    with con.snapshot():
        page = con.execute(
            f"SELECT event_id, {'count(*) OVER ()' if together else 'NULL'} FROM events "
            f"WHERE {where} ORDER BY event_date NULLS LAST, event_id LIMIT ? OFFSET ?",
            [*params, limit, offset]).fetchall()
        bodies = _bodies(con, [event_id for event_id, _ in page])
        if page and together:
            return bodies, page[0][1]
        if not page and offset == 0:
            return [], 0
        counted = con.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()
    return bodies, (counted[0] if counted else 0)


def _bodies(con: Connection, ids: list[str]) -> list[str]:
    """The stored JSON texts of the events ``ids``, in that order."""
    if not ids:
        return []
    rows = con.execute(f"SELECT event_id, body FROM events WHERE event_id IN "
                       f"({', '.join('?' * len(ids))})", ids).fetchall()
    found = dict(rows)
    return [found[i] for i in ids if i in found]


def all_events(con: Connection, flt: EventFilter) -> list[dict[str, Any]]:
    where, params = flt.where(con.dialect)
    rows = con.execute(f"SELECT body FROM events WHERE {where} "
                       "ORDER BY event_date NULLS LAST, event_id", params).fetchall()
    return [json.loads(b) for (b,) in rows]


def event(con: Connection, event_id: str) -> dict[str, Any] | None:
    """One event with the documents behind it, or None."""
    row = con.execute("SELECT body FROM events WHERE event_id = ?", [event_id]).fetchone()
    if row is None:
        return None
    body = json.loads(row[0])
    docs = con.execute(
        f"SELECT {_DOC_COLUMNS} FROM documents WHERE id IN "
        "(SELECT doc_id FROM event_documents WHERE event_id = ?) ORDER BY published, id",
        [event_id]).fetchall()
    body["documents"] = [_document(r) for r in docs]
    return body


_DOC_COLUMNS = "id, url, outlet, title, published, ingested_at, superseded_by"


def _document(row: tuple[Any, ...]) -> dict[str, Any]:
    keys = _DOC_COLUMNS.split(", ")
    d = dict(zip(keys, row, strict=True))
    for k in ("published", "ingested_at"):
        d[k] = d[k].isoformat() if d[k] is not None else None
    return d


def documents(con: Connection, *, outlet: str | None, history: bool,
              limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """One page of documents, newest first; superseded versions only with ``history``."""
    where, params = "1=1", []
    if not history:
        where += " AND superseded_by IS NULL"
    if outlet:
        where += " AND lower(outlet) = lower(?)"
        params.append(outlet)
    total = con.execute(f"SELECT count(*) FROM documents WHERE {where}", params).fetchone()
    rows = con.execute(
        f"SELECT {_DOC_COLUMNS} FROM documents WHERE {where} "
        "ORDER BY published DESC NULLS LAST, id LIMIT ? OFFSET ?",
        [*params, limit, offset]).fetchall()
    return [_document(r) for r in rows], (total[0] if total else 0)


def document(con: Connection, doc_id: str) -> dict[str, Any] | None:
    """One document with its text and the events it tells of, or None."""
    row = con.execute(f"SELECT {_DOC_COLUMNS}, text FROM documents WHERE id = ?",
                      [doc_id]).fetchone()
    if row is None:
        return None
    d = _document(row[:-1])
    d["text"] = row[-1]
    ids = con.execute("SELECT DISTINCT event_id FROM event_documents WHERE doc_id = ? "
                      "ORDER BY event_id", [doc_id]).fetchall()
    d["events"] = [r[0] for r in ids]
    return d


def sources(con: Connection, *, limit: int,
            offset: int) -> tuple[list[dict[str, Any]], int]:
    """Who makes the claims: each source with its kind and how many claims and events."""
    total = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT source, source_kind FROM claims) AS s"
    ).fetchone()
    rows = con.execute(
        "SELECT source, source_kind, count(*) AS n, count(DISTINCT event_id) FROM claims "
        "GROUP BY source, source_kind ORDER BY n DESC, source NULLS LAST, source_kind "
        "LIMIT ? OFFSET ?", [limit, offset]).fetchall()
    keys = ("name", "kind", "claims", "events")
    return [dict(zip(keys, r, strict=True)) for r in rows], (total[0] if total else 0)


def articles(con: Connection) -> dict[str, str]:
    """``Store.articles`` on a request's own connection: the store's connection belongs to
    writes, and a DuckDB connection must not be used by two threads at once."""
    out = {}
    for doc_id, outlet, published, url, title in con.execute(
            "SELECT id, outlet, published, url, title FROM documents").fetchall():
        parts = [outlet, published.date().isoformat() if published else None,
                 url or title or doc_id]
        out[doc_id] = ", ".join(p for p in parts if p)
    return out


def audit(con: Connection, *, event_id: str | None = None, reviewer: str | None = None,
          limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """One page of audit records, newest first, and how many match."""
    return audit_records(con, event_id=event_id, reviewer=reviewer, limit=limit, offset=offset)
