"""One connection interface over DuckDB and PostgreSQL.

The store and the API write their SQL once, in DuckDB's spelling with ``?`` placeholders;
``Connection.execute`` turns it into psycopg's ``%s`` form for PostgreSQL, and ``Dialect``
gives the few fragments the two spell differently. Both connections run in autocommit mode
with explicit ``BEGIN``/``COMMIT``, so one transaction helper serves both.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from reportedly.errors import E, ReportedlyError

URL_SCHEMES = ("postgresql://", "postgres://")
# Any 64-bit number works; this one names reportedly's writer lock on a shared database.
WRITE_LOCK_KEY = 7_215_400_117
# PostgreSQL reader connections per store (per server process): at most this many reads run
# at once, each on a connection kept for reuse; a request beyond waits for one to come back
# rather than opening (and closing) a connection of its own, which costs more than most
# reads, and 50 clients on a few workers must stay well inside the server's max_connections.
POOL_SIZE = 8


@dataclass(frozen=True)
class Dialect:
    """What differs between the two databases' SQL, as small fragments."""

    name: str

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    def json_text(self, column: str, key: str) -> str:
        """A top-level key of a JSON text column, as text (NULL when missing)."""
        if self.postgres:
            return f"({column}::json ->> '{key}')"
        return f"json_extract_string({column}, '$.{key}')"

    def json_int(self, column: str, key: str) -> str:
        """A top-level key of a JSON text column as an integer (NULL when not one)."""
        text = self.json_text(column, key)
        if self.postgres:
            return f"(CASE WHEN {text} ~ '^[0-9]+$' THEN CAST({text} AS INTEGER) END)"
        return f"TRY_CAST({text} AS INTEGER)"

    def days_apart(self, a: str, b: str) -> str:
        """The absolute number of days between two dates."""
        if self.postgres:
            return f"abs({a} - CAST({b} AS DATE))"
        return f"abs(date_diff('day', {a}, {b}))"

    @property
    def insertion_order(self) -> str:
        """A column that orders a table's rows as inserted (PostgreSQL has no rowid)."""
        return "seq" if self.postgres else "rowid"

    def ddl(self, statement: str) -> str:
        """A CREATE TABLE in DuckDB's types, in this database's types."""
        if not self.postgres:
            return statement
        statement = re.sub(r"\bDOUBLE\b", "DOUBLE PRECISION", statement)
        # JSON bodies are kept as text: psycopg would parse a json column into dicts.
        return re.sub(r"\bJSON\b", "TEXT", statement)


DUCKDB = Dialect("duckdb")
POSTGRES = Dialect("postgresql")


def is_url(target: str | Path) -> bool:
    """Whether a store target names a PostgreSQL server rather than a DuckDB file."""
    return str(target).startswith(URL_SCHEMES)


def redact(target: str) -> str:
    """A URL fit for messages and logs: any password replaced by ***."""
    if not is_url(target):
        return target
    # by pattern, not urlsplit: a malformed URL must be redacted too before it is shown
    return _PASSWORD.sub(r"\1***@", target)


_PASSWORD = re.compile(r"^([a-z]+://[^:/@?#]*:)[^@/?#]*@")


@lru_cache(maxsize=512)
def _to_psycopg(sql: str) -> str:
    # No SQL of ours has a literal ? (not even in a regex) or %: placeholders become %s, a %
    # a literal %%.
    return sql.replace("%", "%%").replace("?", "%s")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def database_errors() -> tuple[type[BaseException], ...]:
    """The exception types either database raises for a failed statement or connection."""
    try:
        import psycopg
    except ImportError:  # psycopg is a dependency; a broken install still runs DuckDB
        return (duckdb.Error,)
    return (duckdb.Error, psycopg.Error)


class Connection:
    """A database connection taking DuckDB-style SQL; ``reader()`` lends one for reads."""

    def __init__(self, raw: Any, dialect: Dialect, *, target: str) -> None:
        self.raw = raw
        self.dialect = dialect
        self.target = target
        self._pool: list[Any] = []
        self._pool_lock = threading.Lock()
        self._readers = threading.BoundedSemaphore(POOL_SIZE)

    def execute(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
        """Run one statement; the result has ``fetchone()`` and ``fetchall()``."""
        if self.dialect.postgres:
            return self.raw.execute(_to_psycopg(sql), list(params))
        return self.raw.execute(sql, list(params))

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read-only transaction: its statements all see the database as it was at the
        first (DuckDB's transactions are snapshots; PostgreSQL's need REPEATABLE READ)."""
        self.execute("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
                     if self.dialect.postgres else "BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def lock_writes(self) -> None:
        """Inside a transaction: wait until no other process writes (PostgreSQL: an advisory
        lock held to the transaction's end; a DuckDB file has one writer process anyway)."""
        if self.dialect.postgres:
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        """A connection for one request's reads, apart from the writer's transaction."""
        if not self.dialect.postgres:
            cursor = self.raw.cursor()
            try:
                yield Connection(cursor, self.dialect, target=self.target)
            finally:
                cursor.close()
            return
        with self._readers:
            raw = self._borrow()
            try:
                yield Connection(raw, self.dialect, target=self.target)
            finally:
                self._give_back(raw)

    def _borrow(self) -> Any:
        with self._pool_lock:
            while self._pool:
                raw = self._pool.pop()
                if not raw.closed:
                    return raw
        return _pg_connect(self.target)

    def _give_back(self, raw: Any) -> None:
        with self._pool_lock:
            if not raw.closed and not raw.broken and len(self._pool) < POOL_SIZE:
                self._pool.append(raw)
                return
        raw.close()

    def close(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, []
        for raw in pool:
            raw.close()
        self.raw.close()


def _pg_connect(url: str) -> Any:
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise ReportedlyError(E.E210, url=redact(url), reason=_first_line(exc)) from None
    except Exception as exc:  # noqa: BLE001 - libpq rejects a malformed URL with ValueError-likes
        raise ReportedlyError(E.E211, url=redact(url), reason=_first_line(exc)) from None


def connect(target: str | Path) -> Connection:
    """Open a DuckDB file (created if missing) or connect to a ``postgresql://`` URL.

    Raises E013 for a file that cannot be opened, E210 for a server that cannot be reached,
    E211 for a URL that is not one."""
    target = str(target)
    if is_url(target):
        _check_url(target)
        return Connection(_pg_connect(target), POSTGRES, target=target)
    try:
        raw = duckdb.connect(target)
        # a long migration must not draw DuckDB's progress bar over the command's stderr
        raw.execute("SET enable_progress_bar = false")
        return Connection(raw, DUCKDB, target=target)
    except duckdb.Error as exc:
        raise ReportedlyError(E.E013, path=target, reason=_first_line(exc)) from None


def _check_url(url: str) -> None:
    """A URL libpq would misread (a port that is not a number, a broken IPv6 host) is E211;
    one without a host is fine: libpq then uses the local socket."""
    try:
        urlsplit(url).port  # noqa: B018 - parsing the port raises for a bad one
    except ValueError as exc:
        raise ReportedlyError(E.E211, url=redact(url), reason=_first_line(exc)) from None
