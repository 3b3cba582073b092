"""The team server's JSON API: events, documents, sources, exports, and ingesting reports.

``create_app(db=...)`` builds a FastAPI app over one DuckDB store; ``reportedly serve`` runs it
with uvicorn. OpenAPI is at ``/openapi.json``. Reads are open unless
``REPORTEDLY_API_KEYED_READS=1``; writes need an ``X-API-Key`` with write rights.
"""

# No `from __future__ import annotations`: FastAPI reads the annotations of route functions
# defined inside the router builders, which name local types.

import io
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import duckdb
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

from reportedly import __version__, export
from reportedly.records import Document, Event
from reportedly.server import errors, queries
from reportedly.server.auth import KeyRing, Reviewer
from reportedly.settings import setting
from reportedly.store import Store

MAX_LIMIT = 500
# Beyond any real store, and well inside DuckDB's BIGINT: a huge offset is a 422, not an error.
MAX_OFFSET = 1_000_000_000
TEXT_MAX = 200
MEDIA_TYPES = {
    "json": "application/x-ndjson", "acled-csv": "text/csv", "ucdp-csv": "text/csv",
    "plover-json": "application/x-ndjson", "geojson": "application/geo+json",
    "table": "text/plain", "parquet": "application/vnd.apache.parquet",
}
SUFFIXES = {"json": "jsonl", "acled-csv": "csv", "ucdp-csv": "csv", "plover-json": "jsonl",
            "geojson": "geojson", "table": "txt", "parquet": "parquet"}
Format = Literal["json", "acled-csv", "ucdp-csv", "plover-json", "geojson", "table", "parquet"]
Grade = Literal["confirmed", "fair", "weak", "contested"]
Text = Annotated[str | None, Query(max_length=TEXT_MAX)]

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="A key from REPORTEDLY_API_KEYS")


# --- response models ------------------------------------------------------------------------


class EventsPage(BaseModel):
    events: list[dict[str, Any]]
    total: int


class DocumentsPage(BaseModel):
    documents: list[dict[str, Any]]
    total: int


class SourceRow(BaseModel):
    name: str | None
    kind: str | None
    claims: int
    events: int


class SourcesPage(BaseModel):
    sources: list[SourceRow]
    total: int


class NewDocument(BaseModel):
    """A report to ingest: its text and what is known about it."""

    text: str = Field(min_length=1)
    published: date | None = None
    outlet: str | None = Field(default=None, max_length=TEXT_MAX)
    url: str | None = Field(default=None, max_length=2000)


class Ingested(BaseModel):
    document_id: str
    status: str
    reason: str
    events: list[dict[str, Any]]


# --- the app --------------------------------------------------------------------------------


class Backend:
    """The store and the pipeline behind the app: reads on their own cursors, writes one at a
    time (a DuckDB connection is not shared across threads, and spaCy is not re-entrant)."""

    def __init__(self, db: str, *, pipeline: Any = None) -> None:
        self.db = db
        self._store: Store | None = Store(db)  # opened now: a bad file fails before serving
        self._pipeline = pipeline
        self.write_lock = threading.Lock()
        self._open_lock = threading.Lock()

    @property
    def store(self) -> Store:
        """The store, opened again if the app was shut down and started again (lifespan)."""
        with self._open_lock:
            if self._store is None:
                self._store = Store(self.db)
            return self._store

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cursor = self.store.con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    @property
    def pipeline(self) -> Any:
        if self._pipeline is None:
            from reportedly.pipeline import default_pipeline

            self._pipeline = default_pipeline()
        return self._pipeline

    def ingest(self, document: Document, *, who: str) -> tuple[str, str]:
        with self.write_lock:
            extraction = self.pipeline(document)
            result = self.store.ingest(document, extraction, path=f"api:{who}")
        return result.status, result.reason

    def close(self) -> None:
        with self._open_lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def create_app(*, db: str, api_keys: str | None = None, keyed_reads: bool | None = None,
               max_request_kb: int | None = None, cors_origins: str | None = None,
               pipeline: Any = None) -> FastAPI:
    """The API over the DuckDB store ``db``; options left None come from the settings."""
    keys = KeyRing(api_keys if api_keys is not None else setting("api_keys"))
    if keyed_reads is None:
        keyed_reads = bool(setting("api_keyed_reads"))
    backend = Backend(db, pipeline=pipeline)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        backend.close()

    app = FastAPI(title="reportedly", version=__version__, lifespan=lifespan,
                  description="Conflict events with every claim kept: the JSON API.")
    app.state.backend = backend
    app.state.keys = keys
    errors.install(app)
    kb = max_request_kb if max_request_kb is not None else setting("api_max_request_kb")
    from reportedly.server.limits import BodyLimit

    app.add_middleware(BodyLimit, max_bytes=max(1, kb) * 1024)
    origins = cors_origins if cors_origins is not None else setting("api_cors_origins")
    allowed = [o.strip() for o in (origins or "").split(",") if o.strip()]
    if allowed:
        app.add_middleware(CORSMiddleware, allow_origins=allowed, allow_methods=["GET", "POST"],
                           allow_headers=["X-API-Key", "Content-Type"])
    app.include_router(_read_router(keys, keyed=keyed_reads))
    app.include_router(_write_router(keys))
    return app


# --- keys -----------------------------------------------------------------------------------


def _key_checker(keys: KeyRing, *, write: bool) -> Any:
    def check(key: Annotated[str | None, Depends(api_key_header)]) -> Reviewer:
        reviewer = keys.who(key)
        if reviewer is None:
            raise HTTPException(401, "an API key is needed: send it in the X-API-Key header")
        if write and not reviewer.can_write:
            raise HTTPException(403, f"the key of {reviewer.name} is read-only")
        return reviewer

    return check


# --- reads ----------------------------------------------------------------------------------


def _one(request: Request, fetch: Any, key: str, what: str) -> dict[str, Any]:
    """One stored record by id, or the JSON 404 body."""
    with _backend(request).reader() as con:
        found = fetch(con, key)
    if found is None:
        raise HTTPException(404, f"no {what} {key!r}")
    return found


def _backend(request: Request) -> Backend:
    return request.app.state.backend


def event_filter(
    since: Annotated[date | None, Query(description="events on or after (YYYY-MM-DD)")] = None,
    until: Annotated[date | None, Query(description="events on or before (YYYY-MM-DD)")] = None,
    country: Text = None,
    admin1: Text = None,
    type: Text = None,  # noqa: A002 - the public parameter's name
    actor: Text = None,
    grade: Annotated[Grade | None, Query()] = None,
    bbox: Annotated[str | None, Query(max_length=TEXT_MAX, description="W,S,E,N degrees")] = None,
    q: Text = None,
) -> queries.EventFilter:
    from reportedly.cli import parse_bbox

    return queries.EventFilter(since=since, until=until, country=country, admin1=admin1,
                               event_type=type, actor=actor, grade=grade,
                               bbox=parse_bbox(bbox), q=q)


Filter = Annotated[queries.EventFilter, Depends(event_filter)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Id = Annotated[str, PathParam(max_length=TEXT_MAX)]


def _read_router(keys: KeyRing, *, keyed: bool) -> APIRouter:
    deps = [Depends(_key_checker(keys, write=False))] if keyed else []
    shared = errors.documented(401, 422) if keyed else errors.documented(422)
    router = APIRouter(prefix="/api", dependencies=deps, responses=shared)

    @router.get("/events", response_model=EventsPage, summary="Events, filtered and paged")
    def list_events(request: Request, flt: Filter, limit: Limit = 50,
                    offset: Offset = 0) -> EventsPage:
        with _backend(request).reader() as con:
            events, total = queries.events(con, flt, limit=limit, offset=offset)
        return EventsPage(events=events, total=total)

    @router.get("/events/{event_id}", response_model=dict[str, Any],
                responses=errors.documented(404), summary="One event with its claims")
    def get_event(request: Request, event_id: Id) -> dict[str, Any]:
        return _one(request, queries.event, event_id, "event")

    @router.get("/documents", response_model=DocumentsPage, summary="Stored reports")
    def list_documents(request: Request, outlet: Text = None, history: bool = False,
                       limit: Limit = 50, offset: Offset = 0) -> DocumentsPage:
        with _backend(request).reader() as con:
            docs, total = queries.documents(con, outlet=outlet, history=history, limit=limit,
                                            offset=offset)
        return DocumentsPage(documents=docs, total=total)

    @router.get("/documents/{doc_id}", response_model=dict[str, Any],
                responses=errors.documented(404), summary="One report, its text and events")
    def get_document(request: Request, doc_id: Id) -> dict[str, Any]:
        return _one(request, queries.document, doc_id, "document")

    @router.get("/sources", response_model=SourcesPage, summary="Who makes the claims")
    def list_sources(request: Request, limit: Limit = 50, offset: Offset = 0) -> SourcesPage:
        with _backend(request).reader() as con:
            rows, total = queries.sources(con, limit=limit, offset=offset)
        return SourcesPage(sources=[SourceRow(**r) for r in rows], total=total)

    @router.get("/export/{fmt}", response_class=Response, summary="Events in an export format",
                responses={200: {"content": {
                    "application/x-ndjson": {}, "text/csv": {}, "text/plain": {},
                    "application/geo+json": {"schema": {"type": "object"}},
                    "application/vnd.apache.parquet": {}}}})
    def export_events(request: Request, fmt: Format, flt: Filter) -> Response:
        with _backend(request).reader() as con:
            bodies = queries.all_events(con, flt)
            articles = queries.articles(con)
        events = [Event.from_dict(b) for b in bodies]
        content = _export(events, fmt, articles=articles)
        name = f"events.{SUFFIXES[fmt]}"
        return Response(content, media_type=MEDIA_TYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return router


def _export(events: list[Event], fmt: str, *, articles: dict[str, str]) -> bytes:
    if fmt in export.BINARY_FORMATS:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "events.parquet"
            export.write_parquet(events, target)
            return target.read_bytes()
    buf = io.StringIO()
    export.write_events(events, fmt, buf, articles=articles)
    return buf.getvalue().encode("utf-8")


# --- writes ---------------------------------------------------------------------------------


def _write_router(keys: KeyRing) -> APIRouter:
    router = APIRouter(prefix="/api", responses=errors.documented(401, 403, 413, 422))
    writer = Annotated[Reviewer, Depends(_key_checker(keys, write=True))]

    @router.post("/documents", response_model=Ingested, summary="Ingest a report")
    def post_document(request: Request, new: NewDocument, who: writer) -> Ingested:
        from reportedly.ingest import check_text

        check_text(new.text, name="the request's text")
        document = Document.from_text(new.text, published=new.published, outlet=new.outlet,
                                      url=new.url)
        backend = _backend(request)
        status, reason = backend.ingest(document, who=who.name)
        with backend.reader() as con:
            doc = queries.document(con, document.id)
            events = [e for e in (queries.event(con, i) for i in (doc or {}).get("events", []))
                      if e is not None]
        return Ingested(document_id=document.id, status=status, reason=reason, events=events)

    return router
