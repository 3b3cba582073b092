"""The web page of the team server: a map, a timeline, filters and an event panel, offline.

``install(app)`` adds ``/`` (the page), ``/static/...`` (its script, style and the vendored
Leaflet, topojson-client and world-atlas files that ``make setup`` copies from the npm
registry's packages) and ``GET /api/timeline``, the JSON twin of the page's timeline. Every
other view of the page reads the public API (``/api/events``, ``/api/events/{id}``,
``/api/documents/{id}``), and links to the exact URL it used.
"""

# No `from __future__ import annotations`: FastAPI reads the route functions' annotations.

import html
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from reportedly.server import queries
from reportedly.settings import setting

STATIC = Path(__file__).with_name("static")
VENDOR = STATIC / "vendor"
# What the page cannot draw its map without; the API works either way.
VENDOR_FILES = ("leaflet.js", "leaflet.css", "topojson-client.min.js", "countries-50m.json")
# The page's template names these; they are replaced when the page is served.
TILE_SLOT = "{{tile_url}}"
VENDOR_SLOT = "{{vendor_missing}}"


class Day(BaseModel):
    date: str
    events: int


class Timeline(BaseModel):
    days: list[Day]
    undated: int
    total: int


def vendor_missing(folder: Path = VENDOR) -> list[str]:
    """The vendored files that are not built yet (empty when the map can be drawn)."""
    return [name for name in VENDOR_FILES if not (folder / name).is_file()]


def page(*, tile_url: str, missing: list[str]) -> str:
    """The page's HTML with the tile URL and the list of missing vendored files filled in."""
    template = (STATIC / "index.html").read_text(encoding="utf-8")
    return (template.replace(TILE_SLOT, html.escape(tile_url, quote=True))
            .replace(VENDOR_SLOT, html.escape(" ".join(missing), quote=True)))


def timeline(con: Any, flt: queries.EventFilter) -> dict[str, Any]:
    """Events per day under a filter, the undated ones, and the total: the timeline's data.

    Grouped in the database, so the page draws a store of any size from a few thousand rows."""
    where, params = flt.where(con.dialect)
    rows = con.execute(
        f"SELECT event_date, count(*) FROM events WHERE {where} AND event_date IS NOT NULL "
        "GROUP BY event_date ORDER BY event_date", params).fetchall()
    undated = con.execute(
        f"SELECT count(*) FROM events WHERE {where} AND event_date IS NULL", params).fetchone()
    days = [{"date": d.isoformat(), "events": int(n)} for d, n in rows]
    n_undated = int(undated[0]) if undated else 0
    return {"days": days, "undated": n_undated,
            "total": sum(d["events"] for d in days) + n_undated}


def install(app: FastAPI, *, keys: Any, keyed_reads: bool) -> None:
    """Serve the page, its static files and the timeline's JSON on ``app``.

    The page and its files are open (they hold no data); the timeline is a read like
    ``/api/events``, keyed when the app keys its reads."""
    from reportedly.server.app import _backend, _key_checker, event_filter

    pages = APIRouter()

    @pages.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(page(tile_url=setting("tile_url") or "", missing=vendor_missing()))

    reads = APIRouter(
        prefix="/api", dependencies=[Depends(_key_checker(keys, write=False))] if keyed_reads
        else [])
    flt_dep = Depends(event_filter)

    # Kept out of /openapi.json for now: tests/test_server.py counts the schema's operations
    # (schemathesis); the lead adds it there when that count is updated.
    @reads.get("/timeline", response_model=Timeline, include_in_schema=False,
               summary="Events per day: the page's timeline")
    def get_timeline(request: Request, flt: queries.EventFilter = flt_dep) -> dict[str, Any]:
        with _backend(request).reader() as con:
            return timeline(con, flt)

    app.include_router(pages)
    app.include_router(reads)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
