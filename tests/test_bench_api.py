"""The load benchmark (benchmarks/bench_api.py): its requests are the page's, its client light."""

from __future__ import annotations

import asyncio
import importlib.util
import math
import random
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_api.py"
_spec = importlib.util.spec_from_file_location("reportedly_bench_api", _PATH)
bench_api = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(bench_api)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("bench") / "bench.duckdb")
    bench_api.build(path, events=60, seed=3)
    return path


def test_bench_api_build_makes_a_store_of_the_events_asked_for(small_store):
    """A built store holds the number of events asked for, with the filter columns this
    checkout reads (so it is reused, not built again)."""
    assert bench_api.stored_events(small_store) == 60


@pytest.mark.parametrize("kind", bench_api.KINDS)
def test_bench_api_requests_are_pages_the_api_serves(small_store, kind):
    """Every kind of request the clients send is a valid events page (no 422s in the load)."""
    from fastapi.testclient import TestClient

    from reportedly.server import create_app

    rng = random.Random(kind)
    with TestClient(create_app(db=small_store)) as client:
        for _ in range(5):
            _, params = bench_api.request_params(rng, (kind,))
            response = client.get("/api/events", params=params)
            assert response.status_code == 200
            assert response.text.startswith('{"events":[')


def _answer(body: bytes, *, close: bool) -> bytes:
    extra = b"Connection: close\r\n" if close else b""
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra
            + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


async def _serve_and_get(targets: list[str], *, close: bool) -> tuple[list, int]:
    connections = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                break
            target = head.split(b" ")[1]
            writer.write(_answer(b'{"events":[],"target":"' + target + b'"}', close=close))
            await writer.drain()
            if close:
                break
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    http = bench_api.Http("127.0.0.1", port)
    answers = [await http.get(t) for t in targets]
    http.close()
    server.close()
    await server.wait_closed()
    return answers, connections


@pytest.mark.parametrize(("close", "connections"), [(False, 1), (True, 3)])
def test_bench_api_client_reads_each_answer_whole_on_a_kept_connection(close, connections):
    """The light client reads status and body by Content-Length, reuses one connection, and
    connects again when the server closes it."""
    targets = ["/api/events?a=1", "/api/events?b=2", "/api/events?c=3"]
    answers, opened = asyncio.run(_serve_and_get(targets, close=close))
    assert [status for status, _ in answers] == [200, 200, 200]
    assert [body for _, body in answers] == [
        b'{"events":[],"target":"' + t.encode() + b'"}' for t in targets]
    assert opened == connections


def test_bench_api_percentile_is_the_nearest_rank():
    """Percentiles are read from the sorted latencies (nearest rank), NaN for no requests."""
    values = [float(v) for v in range(1, 101)]
    assert bench_api.percentile(values, 50) == 51.0
    assert bench_api.percentile(values, 95) == 95.0
    assert math.isnan(bench_api.percentile([], 95))
