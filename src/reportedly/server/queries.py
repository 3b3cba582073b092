"""Read queries of the API over the store's tables (schema v2).

Every value a client sends reaches DuckDB as a bound parameter, never as SQL text: filters
only choose which fixed fragments are joined.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from reportedly.store import BBox

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

    def where(self) -> tuple[str, list[object]]:
        """The WHERE clause and its parameters."""
        sql, params = ["1=1"], []
        for clause, values in self._clauses():
            sql.append(clause)
            params += values
        return " AND ".join(sql), params

    def _clauses(self) -> list[tuple[str, list[object]]]:
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
            out.append((_ACTOR_SQL, [self.actor] * 4))
        if self.grade:
            out.append(("grade = ?", [self.grade]))
        if self.bbox is not None:
            b = self.bbox
            out.append(("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?",
                        [b.west, b.east, b.south, b.north]))
        if self.q:
            out.append((_TEXT_SQL, [self.q] * 4))
        return out


# An actor matches anywhere in one of the four resolved actor names (case-insensitive).
_ACTOR_SQL = "(" + " OR ".join(
    f"strpos(lower(coalesce(json_extract_string(body, '$.{k}'), '')), lower(?)) > 0"
    for k in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")) + ")"
# Text search: the place, the notes, and the words of every claim and its sentence. strpos,
# not LIKE, so that % and _ in the query are plain characters.
_TEXT_SQL = (
    "(strpos(lower(coalesce(location, '')), lower(?)) > 0"
    " OR strpos(lower(coalesce(json_extract_string(body, '$.notes'), '')), lower(?)) > 0"
    " OR event_id IN (SELECT event_id FROM claims WHERE"
    " strpos(lower(coalesce(sentence, '')), lower(?)) > 0"
    " OR strpos(lower(coalesce(value, '')), lower(?)) > 0))"
)


def events(con: duckdb.DuckDBPyConnection, flt: EventFilter, *, limit: int,
           offset: int) -> tuple[list[dict[str, Any]], int]:
    """One page of events by date (undated last) and the number matching in all."""
    where, params = flt.where()
    total = con.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()
    rows = con.execute(
        f"SELECT body FROM events WHERE {where} ORDER BY event_date NULLS LAST, event_id "
        "LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    return [json.loads(b) for (b,) in rows], (total[0] if total else 0)


def all_events(con: duckdb.DuckDBPyConnection, flt: EventFilter) -> list[dict[str, Any]]:
    where, params = flt.where()
    rows = con.execute(f"SELECT body FROM events WHERE {where} "
                       "ORDER BY event_date NULLS LAST, event_id", params).fetchall()
    return [json.loads(b) for (b,) in rows]


def event(con: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any] | None:
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


def documents(con: duckdb.DuckDBPyConnection, *, outlet: str | None, history: bool,
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


def document(con: duckdb.DuckDBPyConnection, doc_id: str) -> dict[str, Any] | None:
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


def sources(con: duckdb.DuckDBPyConnection, *, limit: int,
            offset: int) -> tuple[list[dict[str, Any]], int]:
    """Who makes the claims: each source with its kind and how many claims and events."""
    total = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT source, source_kind FROM claims)").fetchone()
    rows = con.execute(
        "SELECT source, source_kind, count(*) AS n, count(DISTINCT event_id) FROM claims "
        "GROUP BY source, source_kind ORDER BY n DESC, source NULLS LAST, source_kind "
        "LIMIT ? OFFSET ?", [limit, offset]).fetchall()
    keys = ("name", "kind", "claims", "events")
    return [dict(zip(keys, r, strict=True)) for r in rows], (total[0] if total else 0)


def articles(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """``Store.articles`` on a request's own cursor: the store's connection belongs to writes,
    and a DuckDB connection must not be used by two threads at once."""
    out = {}
    for doc_id, outlet, published, url, title in con.execute(
            "SELECT id, outlet, published, url, title FROM documents").fetchall():
        parts = [outlet, published.date().isoformat() if published else None,
                 url or title or doc_id]
        out[doc_id] = ", ".join(p for p in parts if p)
    return out
