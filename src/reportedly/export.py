"""Writers: JSON lines (the contract), ACLED CSV (its 31 columns), UCDP-GED-style CSV, PLOVER
JSON, GeoJSON (RFC 7946), Parquet and a terminal table.

``reportedly extract`` and ``reportedly events`` use the same writers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import IO, Any

from reportedly import lexicons
from reportedly.records import Event, Extraction

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)
UCDP_COLUMNS = (
    "id", "year", "type_of_violence", "side_a", "side_b", "where_coordinates", "latitude",
    "longitude", "country", "adm_1", "where_prec", "date_start", "date_end", "date_prec",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "low", "high",
    "number_of_sources", "source_article",
)
TEXT_FORMATS = ("json", "acled-csv", "ucdp-csv", "plover-json", "geojson", "table")
BINARY_FORMATS = ("parquet",)
FORMATS = TEXT_FORMATS + BINARY_FORMATS


@cache
def _countries() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for c in lexicons.load("countries")["countries"]:
        out[c["name"]] = c
        out[c["iso2"]] = c
    return out


def country_info(name_or_code: str | None) -> dict[str, Any]:
    return _countries().get(name_or_code or "", {})


def write_json(extractions: Iterable[Extraction], out: IO[str]) -> None:
    for ex in extractions:
        out.write(json.dumps(ex.to_dict(), ensure_ascii=False) + "\n")
        out.flush()


def acled_row(event: Event, *, now: datetime | None = None) -> dict[str, Any]:
    """One ACLED CSV row; unknown cells are empty, coordinates to 4 decimals."""
    loc = event.location
    info = country_info((loc.country_code if loc else None) or (loc.country if loc else None))
    stamp = int((now or datetime.now(UTC)).timestamp())
    return {
        "event_id_cnty": f"{info.get('iso3', 'XXX')}{event.event_id[:8].upper()}",
        "event_date": event.event_date.isoformat() if event.event_date else "",
        "year": event.event_date.year if event.event_date else "",
        "time_precision": event.time_precision or "",
        "disorder_type": event.disorder_type,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": event.actor1 or "",
        "assoc_actor_1": event.assoc_actor_1 or "",
        "inter1": event.inter1 if event.inter1 is not None else "",
        "actor2": event.actor2 or "",
        "assoc_actor_2": event.assoc_actor_2 or "",
        "inter2": event.inter2 if event.inter2 is not None else 0,
        "interaction": event.interaction if event.interaction is not None else "",
        "civilian_targeting": event.civilian_targeting or "",
        "iso": info.get("iso_num", ""),
        "region": info.get("region", ""),
        "country": (loc.country if loc else None) or "",
        "admin1": (loc.admin1 if loc else None) or "",
        "admin2": (loc.admin2 if loc else None) or "",
        "admin3": "",
        "location": loc.name if loc else "",
        "latitude": f"{loc.lat:.4f}" if loc and loc.lat is not None else "",
        "longitude": f"{loc.lon:.4f}" if loc and loc.lon is not None else "",
        "geo_precision": (loc.geo_precision if loc else None) or "",
        "source": "; ".join(event.sources),
        "source_scale": "",
        "notes": event.notes,
        "fatalities": event.fatalities.acled,
        "tags": "",
        "timestamp": stamp,
    }


def write_acled_csv(events: Iterable[Event], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in events:
        writer.writerow(acled_row(event))


def geojson(events: Iterable[Event]) -> dict[str, Any]:
    """A FeatureCollection (RFC 7946: [lon, lat]); events without coordinates have null geometry."""
    features = []
    for event in events:
        loc = event.location
        geometry = None
        if loc and loc.lat is not None and loc.lon is not None:
            geometry = {"type": "Point", "coordinates": [round(loc.lon, 6), round(loc.lat, 6)]}
        props = event.to_dict()
        props.pop("claims")
        props["number_of_claims"] = len(event.claims)
        features.append({"type": "Feature", "id": event.event_id, "geometry": geometry,
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def write_geojson(events: Iterable[Event], out: IO[str]) -> None:
    json.dump(geojson(events), out, ensure_ascii=False)
    out.write("\n")


def table(events: Iterable[Event], *, width: int | None = None) -> str:
    """A readable fixed-width table of events for a terminal (``width`` cuts lines, if given)."""
    cols = (("date", 10), ("role", 10), ("sub-event type", 24), ("actor1", 28), ("where", 26),
            ("dead", 5), ("grade", 9))
    lines = ["  ".join(name.ljust(w) for name, w in cols), "  ".join("-" * w for _, w in cols)]
    for e in events:
        loc = e.location
        where = loc.name if loc else ""
        if loc and loc.country and loc.country != loc.name:
            where = f"{loc.name}, {loc.country}"
        cells = (
            e.event_date.isoformat() if e.event_date else "?",
            e.role,
            e.sub_event_type,
            e.actor1 or "",
            where,
            str(e.fatalities.acled),
            e.grade,
        )
        lines.append("  ".join(_fit(c, w) for c, (_, w) in zip(cells, cols, strict=True)))
    return "\n".join(line[:width].rstrip() for line in lines)


def _fit(text: str, width: int) -> str:
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


def write_events_json(events: Iterable[Event], out: IO[str]) -> None:
    """Stored events as JSON lines: one event (the contract's event object) per line."""
    for event in events:
        out.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")


# --- UCDP GED ---------------------------------------------------------------------------------

# ACLED time_precision (1 day, 2 week, 3 month) to UCDP date_prec (1 day, 3 a week, 5 more
# than a month; see CODEBOOKS.md) and the half-width of the period around the coded date.
_DATE_PREC = {1: (1, 0), 2: (3, 3), 3: (5, 15)}
_STATE, _CIVILIANS = 1, 7
_ORGANISED = (2, 3, 4)


def type_of_violence(event: Event) -> int | None:
    """UCDP's category: 3 one-sided (civilians targeted), 1 state-based (a state on one side),
    2 non-state (organised groups only); None for what UCDP does not count (protests, riots,
    strategic developments, or no side known)."""
    if event.event_type in ("Protests", "Riots", "Strategic developments") or not event.inter1:
        return None
    if event.civilian_targeting or event.inter2 == _CIVILIANS:
        return 3
    if _STATE in (event.inter1, event.inter2):
        return 1
    return 2 if event.inter1 in _ORGANISED else None


def number_of_sources(event: Event) -> int:
    n = event.extras.get("number_of_sources")
    return n if isinstance(n, int) else len(event.sources)


def ucdp_row(event: Event, *, articles: dict[str, str] | None = None) -> dict[str, Any]:
    """One UCDP-GED-style row. Deaths are not split by side: the best figure goes to
    deaths_civilians for one-sided violence, otherwise to deaths_unknown (so best is their sum);
    source_article cites the documents behind the event."""
    loc = event.location
    tov = type_of_violence(event)
    fat = event.fatalities
    best = fat.best if fat.best is not None else (fat.acled if fat.low is not None else None)
    prec, half = _DATE_PREC.get(event.time_precision or 0, (None, 0))
    prec = event.extras.get("date_prec") or prec
    when = event.event_date
    docs = event.extras.get("documents") or sorted({c.evidence.doc_id for c in event.claims})
    cite = [(articles or {}).get(d, d) for d in docs]
    return {
        "id": event.event_id,
        "year": when.year if when else "",
        "type_of_violence": tov or "",
        "side_a": event.actor1 or "",
        "side_b": event.actor2 or "",
        "where_coordinates": loc.name if loc else "",
        "latitude": f"{loc.lat:.4f}" if loc and loc.lat is not None else "",
        "longitude": f"{loc.lon:.4f}" if loc and loc.lon is not None else "",
        "country": (loc.country if loc else None) or "",
        "adm_1": (loc.admin1 if loc else None) or "",
        "where_prec": (loc.where_prec if loc else None) or "",
        "date_start": _day(when, -half),
        "date_end": _day(when, half),
        "date_prec": prec or "",
        "deaths_a": 0 if best is not None else "",
        "deaths_b": 0 if best is not None else "",
        "deaths_civilians": (best if tov == 3 else 0) if best is not None else "",
        "deaths_unknown": (0 if tov == 3 else best) if best is not None else "",
        "best": best if best is not None else "",
        "low": fat.low if fat.low is not None else "",
        "high": fat.high if fat.high is not None else "",
        "number_of_sources": number_of_sources(event),
        "source_article": "; ".join(cite),
    }


def _day(when: date | None, offset: int) -> str:
    return (when + timedelta(days=offset)).isoformat() if when else ""


def write_ucdp_csv(events: Iterable[Event], out: IO[str], *,
                   articles: dict[str, str] | None = None) -> None:
    writer = csv.DictWriter(out, fieldnames=UCDP_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in events:
        writer.writerow(ucdp_row(event, articles=articles))


# --- PLOVER -----------------------------------------------------------------------------------


def plover_record(event: Event) -> dict[str, Any]:
    """A PLOVER-style record: actor, recipient, event, mode, context, dead, date, location, and
    our claims. ``context`` stays empty until contexts are coded (an extras value wins)."""
    loc = event.location
    return {
        "id": event.event_id,
        "date": event.event_date.isoformat() if event.event_date else None,
        "event": event.plover.event,
        "mode": event.plover.mode,
        "context": list(event.extras.get("plover_context") or []),
        "actor": event.actor1,
        "recipient": event.actor2,
        "dead": event.fatalities.best if event.fatalities.best is not None else (
            event.fatalities.acled or None),
        "location": None if loc is None else {
            "name": loc.name, "geonameid": loc.geonameid, "lat": loc.lat, "lon": loc.lon,
            "country": loc.country, "country_code": loc.country_code, "admin1": loc.admin1},
        "grade": event.grade,
        "number_of_sources": number_of_sources(event),
        "sources": list(event.sources),
        "claims": [c.to_dict() for c in event.claims],
    }


def write_plover_json(events: Iterable[Event], out: IO[str]) -> None:
    """PLOVER records as JSON lines, one event per line."""
    for event in events:
        out.write(json.dumps(plover_record(event), ensure_ascii=False) + "\n")


# --- Parquet ----------------------------------------------------------------------------------

PARQUET_COLUMNS = (
    ("event_id", "VARCHAR"), ("role", "VARCHAR"), ("event_date", "DATE"),
    ("event_type", "VARCHAR"), ("sub_event_type", "VARCHAR"), ("disorder_type", "VARCHAR"),
    ("actor1", "VARCHAR"), ("actor2", "VARCHAR"), ("country", "VARCHAR"),
    ("admin1", "VARCHAR"), ("location", "VARCHAR"), ("latitude", "DOUBLE"),
    ("longitude", "DOUBLE"), ("fatalities", "INTEGER"), ("low", "INTEGER"), ("best", "INTEGER"),
    ("high", "INTEGER"), ("grade", "VARCHAR"), ("number_of_sources", "INTEGER"),
    ("claims", "VARCHAR"), ("body", "VARCHAR"),
)


def parquet_row(event: Event) -> tuple[Any, ...]:
    """The flat columns filters and dataframes want, the claims as JSON, and the whole event
    (``body``: the JSON export's object) so nothing is lost."""
    loc = event.location
    fat = event.fatalities
    return (
        event.event_id, event.role, event.event_date, event.event_type, event.sub_event_type,
        event.disorder_type, event.actor1, event.actor2, loc.country if loc else None,
        loc.admin1 if loc else None, loc.name if loc else None, loc.lat if loc else None,
        loc.lon if loc else None, fat.acled, fat.low, fat.best, fat.high, event.grade,
        number_of_sources(event),
        json.dumps([c.to_dict() for c in event.claims], ensure_ascii=False),
        json.dumps(event.to_dict(), ensure_ascii=False),
    )


def write_parquet(events: Iterable[Event], path: str | Path) -> None:
    """Events to a Parquet file through DuckDB's own writer (no pyarrow needed)."""
    import duckdb

    con = duckdb.connect()
    try:
        cols = ", ".join(f'"{name}" {kind}' for name, kind in PARQUET_COLUMNS)
        con.execute(f"CREATE TABLE out ({cols})")
        rows = [parquet_row(e) for e in events]
        if rows:
            marks = ", ".join("?" for _ in PARQUET_COLUMNS)
            con.executemany(f"INSERT INTO out VALUES ({marks})", rows)
        target = str(path).replace("'", "''")
        con.execute(f"COPY out TO '{target}' (FORMAT parquet)")
    finally:
        con.close()


def read_parquet(path: str | Path) -> list[dict[str, Any]]:
    """A Parquet export read back: one dict per row, in file order."""
    import duckdb

    con = duckdb.connect()
    try:
        target = str(path).replace("'", "''")
        cur = con.execute(f"SELECT * FROM read_parquet('{target}')")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


# --- dispatch ---------------------------------------------------------------------------------


def write_events(events: Iterable[Event], fmt: str, out: IO[str], *,
                 articles: dict[str, str] | None = None) -> None:
    """Write events in one of TEXT_FORMATS (``json``: one event per line)."""
    if fmt == "json":
        write_events_json(events, out)
    elif fmt == "acled-csv":
        write_acled_csv(events, out)
    elif fmt == "ucdp-csv":
        write_ucdp_csv(events, out, articles=articles)
    elif fmt == "plover-json":
        write_plover_json(events, out)
    elif fmt == "geojson":
        write_geojson(events, out)
    elif fmt == "table":
        out.write(table(events) + "\n")
    else:
        from reportedly.errors import E, ReportedlyError

        raise ReportedlyError(E.E014, value=fmt, choices=", ".join(TEXT_FORMATS))


def write(extractions: list[Extraction], fmt: str, out: IO[str]) -> None:
    """Write extractions: ``json`` is the contract (one object per document), any other text
    format writes their events as ``write_events`` does."""
    if fmt == "json":
        write_json(extractions, out)
    else:
        write_events([e for ex in extractions for e in ex.events], fmt, out)


def to_string(events: Iterable[Event], fmt: str) -> str:
    buf = io.StringIO()
    write([Extraction("-", tuple(events))], fmt, buf)
    return buf.getvalue()
