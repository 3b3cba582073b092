"""Shared fixtures: the spaCy pipeline and the extraction pipeline load once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """../shared beside the checkout (override with REPORTEDLY_SHARED)."""
    return Path(os.environ.get("REPORTEDLY_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def nlp():
    from reportedly.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def gaz():
    from reportedly.geo import Gazetteer

    return Gazetteer.load()


@pytest.fixture(scope="session")
def geo(gaz, nlp):
    from reportedly.geo import Geoparser

    return Geoparser(gazetteer=gaz)


@pytest.fixture(scope="session")
def pipeline():
    from reportedly.pipeline import default_pipeline

    return default_pipeline()


# --- store and CLI helpers (store/export/cli helper) -----------------------------------------
# A small stand-in for reportedly.fuse.Fuser with the same interface, so the store's own
# behaviour (transactions, idempotence, superseding, filters) is tested whatever the fusion
# heuristics do. It joins mentions of the same sub-event type at the same place.


class StandInFuser:
    """Fuser interface: match by sub-event type and place; merge keeps every claim once."""

    def __init__(self, policy=None) -> None:
        self.policy = policy

    def match(self, candidate, existing):
        place = candidate.location.name.casefold() if candidate.location else None
        for event in existing:
            other = event.location.name.casefold() if event.location else None
            if event.sub_event_type == candidate.sub_event_type and place == other:
                return event
        return None

    def merge(self, stored, new):
        from dataclasses import replace

        seen, claims = set(), []
        for c in (*stored.claims, *new.claims):
            key = (c.evidence.doc_id, c.field, c.value, c.source.name, c.evidence.start)
            if key not in seen:
                seen.add(key)
                claims.append(c)
        sources = tuple(dict.fromkeys((*stored.sources, *new.sources)))
        docs = sorted({*(stored.extras.get("documents") or []),
                       *(new.extras.get("documents") or []),
                       *(c.evidence.doc_id for c in claims)})
        toll = max((stored.fatalities, new.fatalities), key=lambda f: f.acled)
        extras = {**stored.extras, "documents": docs, "number_of_sources": len(sources)}
        return replace(stored, claims=tuple(claims), sources=sources, fatalities=toll,
                       grade="fair" if len(sources) >= 2 else "weak", extras=extras)


def install_fuser_standin(monkeypatch=None) -> bool:
    """Use StandInFuser where reportedly.fuse is not there yet; True if it was installed."""
    import importlib.util

    import reportedly.store

    if importlib.util.find_spec("reportedly.fuse") is not None:
        return False
    if monkeypatch is not None:
        monkeypatch.setattr(reportedly.store, "load_fuser", StandInFuser)
    else:
        reportedly.store.load_fuser = StandInFuser
    return True


@pytest.fixture
def standin_fuser():
    return StandInFuser()


@pytest.fixture
def project_fuser(monkeypatch):
    """The project's Fuser for CLI runs, or the stand-in until reportedly/fuse.py exists."""
    install_fuser_standin(monkeypatch)


# --- storage backends (team-store helper): DuckDB files and PostgreSQL schemas ---------------

PG_DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ("duckdb", "postgresql")


def pg_base_url() -> str:
    import os

    return os.environ.get("REPORTEDLY_TEST_DATABASE_URL") or PG_DEFAULT_URL


_PG_REACHABLE: dict[str, str | None] = {}


def pg_unreachable() -> str | None:
    """Why the test PostgreSQL server cannot be used (None when it can), checked once."""
    url = pg_base_url()
    if url not in _PG_REACHABLE:
        try:
            import psycopg

            psycopg.connect(url, connect_timeout=3).close()
            _PG_REACHABLE[url] = None
        except Exception as exc:  # noqa: BLE001 - any failure means: not usable here
            _PG_REACHABLE[url] = str(exc).strip().splitlines()[0] if str(exc) else repr(exc)
    return _PG_REACHABLE[url]


def require_pg() -> str:
    """The test server's URL; skips (fails under REPORTEDLY_REQUIRE_POSTGRES=1) without it."""
    import os

    from reportedly.storage import redact

    reason = pg_unreachable()
    if reason is not None:
        message = (f"PostgreSQL not reachable at {redact(pg_base_url())}: start it "
                   f"(see .ci/run) ({reason})")
        if os.environ.get("REPORTEDLY_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return pg_base_url()


def pg_schema_url(base: str, schema: str) -> str:
    """``base`` with every connection's search_path set to ``schema``."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_schemas():
    """Makes fresh PostgreSQL schemas (URLs to them) for one test and drops them after."""
    import uuid

    import psycopg

    base = require_pg()
    made: list[str] = []

    def _new() -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(base, autocommit=True) as con:
            con.execute(f"CREATE SCHEMA {schema}")
        made.append(schema)
        return pg_schema_url(base, schema)

    yield _new
    with psycopg.connect(base, autocommit=True) as con:
        for schema in made:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def store_target(request, tmp_path):
    """Gives new store targets on each backend: DuckDB files in tmp_path, or fresh
    PostgreSQL schemas (dropped after the test)."""
    if request.param == "duckdb":
        counter = iter(range(10**6))
        return lambda: str(tmp_path / f"store-{next(counter)}.duckdb")
    return request.getfixturevalue("pg_schemas")


@pytest.fixture
def store_opener(store_target):
    """Gives a factory of store openers: ``store_opener(Fuser)`` opens new stores on each
    backend with that fuser unless one is given; every store opened is closed after."""
    from reportedly.store import Store

    opened = []

    def factory(default_fuser):
        def _open(**kw):
            kw.setdefault("fuser", default_fuser())
            store = Store(store_target(), **kw)
            opened.append(store)
            return store

        return _open

    yield factory
    for store in opened:
        store.close()


# --- a local web site and feeds for the URL readers (watch, POST /api/documents) ------------


def rss_feed(*items: tuple[str, str], title: str = "Sahel Wire",
             host: str = "wire.example") -> str:
    """An RSS feed called ``title`` with one item per (link slug, description)."""
    body = "".join(
        f"<item><title>{slug}</title><link>https://{host}/{slug}</link>"
        f"<pubDate>Wed, 06 Mar 2024 10:00:00 GMT</pubDate><description>{text}</description>"
        "</item>"
        for slug, text in items
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}'
            "</channel></rss>")


class LocalSite:
    """A web server on a free local port whose pages a test sets: path -> (status, content
    type, body); any other path answers 404, and paths under /slow wait ``delay`` seconds."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.delay = 0.0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server hook's name
                if self.path.startswith("/slow"):
                    import time

                    time.sleep(site.delay)
                status, kind, body = site.pages.get(self.path, (404, "text/plain", b"gone"))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up waiting (a timeout test)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def set(self, path: str, body: str, kind: str = "application/rss+xml") -> str:
        """Serve ``body`` at ``path``; its URL."""
        self.pages[path] = (200, kind, body.encode("utf-8"))
        return self.url(path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

