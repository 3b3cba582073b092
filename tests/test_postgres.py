"""The PostgreSQL backend at the edges: bad URLs and unreachable servers give one coded line,
DuckDB refuses several workers, and several API processes share one PostgreSQL database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from conftest import StandInFuser
from reportedly.cli import main
from reportedly.errors import ReportedlyError
from reportedly.storage import redact
from reportedly.store import Store
from test_review import WIRE, doc, ingest, mention

KEYS = "alice:alice-secret"
REPORT = (
    "MOGADISHU, March 6 (Wire) - Al Shabaab fighters attacked an army base near Afgooye on "
    "Tuesday, killing four soldiers, a military officer told reporters."
)


@pytest.mark.parametrize(("url", "code"), [
    ("postgresql://postgres@127.0.0.1:1/test", "E210"),
    ("postgresql://postgres@127.0.0.1:notaport/test", "E211"),
    ("postgresql://[::1/test", "E211"),
    ("postgresql://postgres@127.0.0.1:1/test?sslmode=bogus", "E210"),
])
def test_postgres_bad_url_or_no_server_is_one_coded_line(url, code, capsys):
    """A server that is not there, or a URL that is not one, gives one line with its code
    and no traceback, for the library and for `reportedly serve`."""
    with pytest.raises(ReportedlyError) as err:
        Store(url)
    assert err.value.code == code and "\n" not in str(err.value)
    assert main(["serve", "--database-url", url]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and f"[{code}]" in lines[0] and "Traceback" not in lines[0]


def test_postgres_messages_never_show_a_password():
    """A URL's password is replaced by *** in every message."""
    assert redact("postgresql://bob:s3cret@db.example:5432/events") == \
        "postgresql://bob:***@db.example:5432/events"
    with pytest.raises(ReportedlyError) as err:
        Store("postgresql://bob:s3cret@127.0.0.1:1/test")
    assert "s3cret" not in str(err.value)


def test_postgres_duckdb_refuses_several_workers(tmp_path, capsys):
    """`serve --workers 2` on a DuckDB file is refused with E215 before anything starts."""
    assert main(["serve", "--db", str(tmp_path / "x.duckdb"), "--workers", "2"]) == 2
    assert "[E215]" in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.parametrize("workers", ["0", "65", "many"])
def test_postgres_serve_refuses_a_bad_number_of_workers(workers):
    """--workers is 1-64; anything else is a usage error."""
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--workers", workers])
    assert exit_.value.code == 2


def test_postgres_serve_uses_the_database_url(pg_schemas, monkeypatch):
    """`serve --database-url URL` runs the app over that PostgreSQL database."""
    import uvicorn

    url = pg_schemas()
    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    assert main(["serve", "--database-url", url, "--port", "8124"]) == 0
    assert seen["app"].state.backend.store.dialect.postgres and seen["port"] == 8124
    seen["app"].state.backend.close()


# --- several processes on one database ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, *, workers: int = 1) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "REPORTEDLY_API_KEYS": KEYS}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportedly.cli", "serve", "--database-url", url, "--port",
         str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "exited")
        try:
            if httpx.get(f"{base}/api/events", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    raise AssertionError("the server did not start")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.slow
def test_postgres_two_servers_share_one_database(pg_schemas):
    """A report ingested through one API process is read through another on the same
    PostgreSQL database, and a correction made through the second shows in the first."""
    url = pg_schemas()
    Store(url).close()  # the schema, made once before both start
    a, base_a = _serve(url)
    b, base_b = _serve(url)
    try:
        posted = httpx.post(f"{base_a}/api/documents", headers={"X-API-Key": "alice-secret"},
                            json={"text": REPORT, "published": "2024-03-06", "outlet": "Wire"},
                            timeout=120).json()
        assert posted["status"] == "extracted" and posted["events"]
        listed = httpx.get(f"{base_b}/api/events").json()
        assert {e["event_id"] for e in listed["events"]} == {
            e["event_id"] for e in posted["events"]}
        event_id = posted["events"][0]["event_id"]
        fixed = httpx.post(f"{base_b}/api/events/{event_id}/corrections",
                           headers={"X-API-Key": "alice-secret"},
                           json={"field": "fatalities", "value": 5}, timeout=60)
        assert fixed.status_code == 200
        seen = httpx.get(f"{base_a}/api/events/{event_id}").json()
        assert seen["fatalities"]["acled"] == 5 and seen["corrections"]["fatalities"]
        assert httpx.get(f"{base_a}/api/audit").json()["total"] == 1
    finally:
        _stop(a)
        _stop(b)


@pytest.mark.slow
def test_postgres_serve_with_two_workers_answers_from_the_database(pg_schemas):
    """`serve --workers 2` starts two worker processes that answer from the one database."""
    url = pg_schemas()
    with Store(url, fuser=StandInFuser()) as store:
        d = doc(WIRE)
        ingest(store, d, mention(d))
    proc, base = _serve(url, workers=2)
    try:
        totals = {httpx.get(f"{base}/api/events", timeout=10).json()["total"] for _ in range(6)}
        assert totals == {1}
    finally:
        _stop(proc)
