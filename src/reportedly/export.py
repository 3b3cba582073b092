"""Writers: JSON lines (the contract), ACLED CSV (its 31 columns), GeoJSON (RFC 7946), table.

``reportedly extract`` and ``reportedly events`` use the same writers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
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
FORMATS = ("json", "acled-csv", "geojson", "table")


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


def write(events_or_extractions: list[Extraction], fmt: str, out: IO[str]) -> None:
    """Write extractions in one of FORMATS."""
    events = [e for ex in events_or_extractions for e in ex.events]
    if fmt == "json":
        write_json(events_or_extractions, out)
    elif fmt == "acled-csv":
        write_acled_csv(events, out)
    elif fmt == "geojson":
        write_geojson(events, out)
    else:
        out.write(table(events) + "\n")


def to_string(events: Iterable[Event], fmt: str) -> str:
    buf = io.StringIO()
    write([Extraction("-", tuple(events))], fmt, buf)
    return buf.getvalue()
