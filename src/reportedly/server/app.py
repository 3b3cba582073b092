"""The team server's JSON API: events, documents, sources, exports, and ingesting reports.

``create_app(db=...)`` builds a FastAPI app over one store (a DuckDB file, or a PostgreSQL
database for ``db="postgresql://..."``; several workers may share one PostgreSQL database);
``reportedly serve`` runs it with uvicorn. OpenAPI is at ``/openapi.json``. Reads are open unless
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

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from reportedly import __version__, export
from reportedly.records import Document, Event
from reportedly.server import errors, queries, web
from reportedly.server.auth import KeyRing, Reviewer
from reportedly.settings import setting
from reportedly.storage import Connection
from reportedly.store import Store

MAX_LIMIT = 500
# URLs one POST /api/documents may ask for: each is fetched (with its timeout) and extracted
# while the client waits.
MAX_URLS = 20
URL_MAX = 2000
# URLs fetched at once: a slow site must not hold up the others (each has the fetch timeout).
FETCHERS = 8
# DuckDB threads one query of the server's may use (a database-wide DuckDB setting).
DUCKDB_THREADS_PER_QUERY = 1
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
    url: str | None = Field(default=None, max_length=URL_MAX)

    @model_validator(mode="before")
    @classmethod
    def _not_both(cls, data: Any) -> Any:
        if isinstance(data, dict) and "urls" in data:
            raise ValueError("give either text or urls, not both")
        return data


WebUrl = Annotated[str, Field(min_length=10, max_length=URL_MAX,
                              pattern=r"^https?://[^\s]+$")]


class NewUrls(BaseModel):
    """Reports to fetch and ingest: http(s) URLs of feeds (each entry a report), pages (their
    article) or texts; ``published`` and ``outlet`` for those that do not give their own."""

    # forbid: a body with text and urls must not pass as a list of URLs with a stray field
    model_config = ConfigDict(extra="forbid")

    urls: list[WebUrl] = Field(min_length=1, max_length=MAX_URLS)
    published: date | None = None
    outlet: str | None = Field(default=None, max_length=TEXT_MAX)

    @field_validator("urls")
    @classmethod
    def _well_formed(cls, urls: list[str]) -> list[str]:
        from urllib.parse import urlsplit

        for url in urls:
            try:
                host = urlsplit(url).hostname
            except ValueError as exc:  # a broken IPv6 host, a bad port
                raise ValueError(f"{url[:100]!r} is not a URL ({exc})") from None
            if not host:
                raise ValueError(f"{url[:100]!r} names no host")
        return urls


class Ingested(BaseModel):
    document_id: str
    status: str
    reason: str
    events: list[dict[str, Any]]


class UrlIngested(BaseModel):
    """What became of one document read from a posted URL (``document_id`` None: the URL or
    the entry could not be read, ``status`` failed, ``reason`` why)."""

    document_id: str | None
    url: str
    status: str
    reason: str
    events: list[dict[str, Any]]


class UrlsIngested(BaseModel):
    documents: list[UrlIngested]


# --- the app --------------------------------------------------------------------------------


class Backend:
    """The store and the pipeline behind the app: reads on their own connections, writes one
    at a time (a DuckDB connection is not shared across threads, and spaCy is not re-entrant;
    on PostgreSQL the store's advisory lock also orders writes across worker processes)."""

    def __init__(self, db: str, *, pipeline: Any = None) -> None:
        self.db = db
        self._store: Store | None = self._open()  # now: a bad file fails before serving
        self._pipeline = pipeline
        self.write_lock = threading.Lock()
        self._open_lock = threading.Lock()

    @property
    def store(self) -> Store:
        """The store, opened again if the app was shut down and started again (lifespan)."""
        with self._open_lock:
            if self._store is None:
                self._store = self._open()
            return self._store

    def _open(self) -> Store:
        store = Store(self.db)
        if not store.dialect.postgres:
            # A server runs many requests side by side: each query on one thread. DuckDB's
            # own parallel workers per query would fight the other requests for the same
            # cores (under load on 2 cores: p95 104 ms with them, 68 ms without, less CPU).
            store.con.execute(f"SET threads TO {DUCKDB_THREADS_PER_QUERY}")
        return store

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        with self.store.reader() as con:
            yield con

    def write(self, change: Any) -> Any:
        """Run ``change(store)`` as the one writer (reviews, corrections, merges, splits)."""
        with self.write_lock:
            return change(self.store)

    @property
    def pipeline(self) -> Any:
        if self._pipeline is None:
            from reportedly.pipeline import default_pipeline

            self._pipeline = default_pipeline()
        return self._pipeline

    def ingest(self, document: Document, *, who: str, path: str | None = None
               ) -> tuple[str, str]:
        with self.write_lock:
            extraction = self.pipeline(document)
            result = self.store.ingest(document, extraction, path=path or f"api:{who}")
        return result.status, result.reason

    def log_failure(self, where: str, reason: str) -> None:
        with self.write_lock:
            self.store.log(None, where, "failed", reason)

    def fetch(self, urls: list[str], *, published: date | None, outlet: str | None
              ) -> list[tuple[str, list[Any]]]:
        """Each URL with what reading it gave (documents and error records), in order; the
        fetches run side by side, outside the write lock."""
        from concurrent.futures import ThreadPoolExecutor

        def read(url: str) -> list[Any]:
            from reportedly.ingest import IngestError
            from reportedly.readers import read_path

            try:
                return list(read_path(url, published=published, outlet=outlet))
            except Exception as exc:  # noqa: BLE001 - one bad URL must not fail the others
                return [IngestError(url, f"{url}: cannot be read ({type(exc).__name__}: "
                                         f"{exc})")]

        with ThreadPoolExecutor(min(FETCHERS, len(urls))) as pool:
            return list(zip(urls, pool.map(read, urls), strict=True))

    def close(self) -> None:
        with self._open_lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def create_app(*, db: str | None = None, api_keys: str | None = None,
               keyed_reads: bool | None = None, max_request_kb: int | None = None,
               cors_origins: str | None = None, pipeline: Any = None) -> FastAPI:
    """The API over the store ``db`` (a DuckDB file or a ``postgresql://`` URL; None: the
    ``database_url`` setting, else the ``db`` setting); options left None come from the
    settings."""
    keys = KeyRing(api_keys if api_keys is not None else setting("api_keys"))
    if keyed_reads is None:
        keyed_reads = bool(setting("api_keyed_reads"))
    backend = Backend(db or setting("database_url") or setting("db"), pipeline=pipeline)

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
    from reportedly.server.review_api import review_router

    app.include_router(review_router(_key_checker(keys, write=True),
                                     _key_checker(keys, write=False) if keyed_reads else None))
    web.install(app, keys=keys, keyed_reads=keyed_reads)
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
                    offset: Offset = 0) -> Response:
        with _backend(request).reader() as con:
            bodies, total = queries.event_bodies(con, flt, limit=limit, offset=offset)
        # The stored bodies are the page's JSON already: parsing fifty of them to write them
        # out again was most of the work of a page (the schema is still EventsPage).
        return Response(f'{{"events":[{",".join(bodies)}],"total":{total}}}',
                        media_type="application/json")

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

    @router.post("/documents", response_model=Ingested | UrlsIngested,
                 summary="Ingest a report, or the reports at a list of URLs")
    def post_document(request: Request, new: NewDocument | NewUrls,
                      who: writer) -> Ingested | UrlsIngested:
        if isinstance(new, NewUrls):
            return _ingest_urls(_backend(request), new, who=who.name)
        from reportedly.ingest import check_text

        check_text(new.text, name="the request's text")
        document = Document.from_text(new.text, published=new.published, outlet=new.outlet,
                                      url=new.url)
        backend = _backend(request)
        status, reason = backend.ingest(document, who=who.name)
        return Ingested(document_id=document.id, status=status, reason=reason,
                        events=_events_of(backend, document.id))

    return router


def _events_of(backend: Backend, doc_id: str) -> list[dict[str, Any]]:
    with backend.reader() as con:
        doc = queries.document(con, doc_id)
        return [e for e in (queries.event(con, i) for i in (doc or {}).get("events", []))
                if e is not None]


def _ingest_urls(backend: Backend, new: NewUrls, *, who: str) -> UrlsIngested:
    """Fetch every URL, then ingest each document read from them as a posted text is; each
    URL or entry that cannot be read is a failed record, logged in the ingest log."""
    from reportedly.ingest import IngestError

    out: list[UrlIngested] = []
    for url, items in backend.fetch(list(new.urls), published=new.published,
                                    outlet=new.outlet):
        for item in items:
            if isinstance(item, IngestError):
                backend.log_failure(f"api:{who}:{item.id}", item.message)
                out.append(UrlIngested(document_id=None, url=url, status="failed",
                                       reason=item.message, events=[]))
                continue
            status, reason = backend.ingest(item, who=who,
                                            path=f"api:{who}:{item.path or url}")
            out.append(UrlIngested(document_id=item.id, url=item.url or url, status=status,
                                   reason=reason, events=_events_of(backend, item.id)))
    return UrlsIngested(documents=out)


def app_from_settings() -> FastAPI:
    """The app as the settings describe it: the factory uvicorn's worker processes call."""
    return create_app()
