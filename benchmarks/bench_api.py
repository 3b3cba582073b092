"""Load on the team server: concurrent clients reading filtered event pages.

    python benchmarks/bench_api.py                      # DuckDB, 100,000 events, 50 clients, 30 s
    python benchmarks/bench_api.py --database-url postgresql://postgres@127.0.0.1/reportedly_bench
    python benchmarks/bench_api.py --think 0            # no pause between requests: saturation

The store is filled with synthetic events written straight into the store's tables (not through
the NLP pipeline) and cached: a DuckDB file (``--db``) or a PostgreSQL database is reused when
it already holds ``--events`` events with this checkout's filter columns. ``reportedly serve``
runs in a subprocess (on PostgreSQL with two worker processes on the one database, unless
``--workers`` says otherwise). Each client is one person at the web page: it asks for the page
the web page asks for (``/api/events``, ``limit=50``, every event whole) under a varied filter
(country, date range, type, bbox, actor, text, offsets), pauses ``--think`` seconds (reading
the page; jittered between half and one and a half times) and asks again, for ``--duration``
seconds. The clients share one asyncio loop and one keep-alive connection each, and read the
answers without parsing them, so that on a small machine the generator measures the server
rather than itself: latency runs from just before a request is sent to the last byte of its
answer. Prints p50/p95/p99 latency, requests per second and errors per filter kind and in
all, and the CPU share of the client and of the server; writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET_P95_MS = 100.0
# A page not answered within this many seconds counts as an error.
TIMEOUT_S = 30.0
START = date(2018, 1, 1)
DAYS = 7 * 365
# name, ISO code, admin1 names, centre (lat, lon), spread in degrees
COUNTRIES = (
    ("Syria", "SY", ("Deir ez-Zor", "Idlib", "Aleppo", "Homs"), (35.0, 38.5), 2.0),
    ("Iraq", "IQ", ("Ninewa", "Anbar", "Baghdad", "Basra"), (33.2, 43.7), 2.5),
    ("Yemen", "YE", ("Taizz", "Marib", "Hodeidah", "Aden"), (15.5, 47.5), 2.0),
    ("Somalia", "SO", ("Banadir", "Lower Shabelle", "Hiraan", "Bay"), (4.5, 45.5), 2.5),
    ("Nigeria", "NG", ("Borno", "Plateau", "Zamfara", "Kaduna"), (10.0, 8.5), 3.0),
    ("Mali", "ML", ("Mopti", "Gao", "Timbuktu", "Segou"), (15.5, -2.5), 3.0),
    ("Burkina Faso", "BF", ("Sahel", "Nord", "Est", "Centre-Nord"), (12.5, -1.5), 1.5),
    ("Sudan", "SD", ("Khartoum", "North Darfur", "South Kordofan", "Gezira"), (14.5, 30.0), 3.5),
    ("South Sudan", "SS", ("Jonglei", "Unity", "Warrap", "Upper Nile"), (7.5, 30.5), 2.0),
    ("Democratic Republic of Congo", "CD", ("North Kivu", "Ituri", "South Kivu", "Tanganyika"),
     (-1.0, 28.5), 2.0),
    ("Ethiopia", "ET", ("Amhara", "Oromia", "Tigray", "Afar"), (9.5, 39.5), 3.0),
    ("Kenya", "KE", ("Nairobi", "Mandera", "Lamu", "Garissa"), (0.0, 38.0), 2.0),
    ("Ukraine", "UA", ("Kherson", "Donetsk", "Kharkiv", "Odesa"), (48.5, 34.0), 3.0),
    ("Myanmar", "MM", ("Sagaing", "Rakhine", "Shan", "Kachin"), (21.0, 96.0), 3.0),
    ("Afghanistan", "AF", ("Kabul", "Helmand", "Kandahar", "Nangarhar"), (34.0, 66.0), 3.0),
    ("Pakistan", "PK", ("Khyber Pakhtunkhwa", "Balochistan", "Punjab", "Sindh"),
     (30.0, 70.0), 3.0),
    ("Colombia", "CO", ("Arauca", "Cauca", "Antioquia", "Narino"), (4.5, -74.0), 3.0),
    ("Mexico", "MX", ("Guerrero", "Michoacan", "Jalisco", "Sinaloa"), (21.0, -102.0), 4.0),
    ("Cameroon", "CM", ("Far North", "Northwest", "Southwest", "Littoral"), (6.0, 12.0), 2.5),
    ("Mozambique", "MZ", ("Cabo Delgado", "Niassa", "Nampula", "Sofala"), (-13.0, 39.0), 2.0),
    ("Libya", "LY", ("Tripoli", "Benghazi", "Sirte", "Misrata"), (29.0, 17.0), 3.5),
    ("Lebanon", "LB", ("South", "Beirut", "Bekaa", "Nabatieh"), (33.8, 35.8), 0.5),
    ("Palestine", "PS", ("Gaza Strip", "West Bank", "Jenin", "Nablus"), (31.8, 35.0), 0.4),
    ("Haiti", "HT", ("Ouest", "Artibonite", "Centre", "Nord"), (18.9, -72.5), 0.6),
)
TYPES = (
    ("Battles", ("Armed clash", "Government regains territory"), ("clashed with", "fought")),
    ("Explosions/Remote violence", ("Air/drone strike", "Shelling/artillery/missile attack",
                                    "Remote explosive/landmine/IED"), ("struck", "shelled")),
    ("Violence against civilians", ("Attack", "Abduction/forced disappearance"),
     ("attacked", "abducted")),
    ("Protests", ("Peaceful protest", "Protest with intervention"), ("marched", "protested")),
    ("Riots", ("Violent demonstration", "Mob violence"), ("rioted", "clashed")),
    ("Strategic developments", ("Arrests", "Agreement"), ("arrested", "agreed")),
)
ACTORS = (
    "Military Forces of {c}", "Police Forces of {c}", "Rebel Group of {c}", "Militia ({c})",
    "Protesters ({c})", "Rioters ({c})", "Civilians ({c})", "Unidentified Armed Group ({c})",
    "Islamic State", "Al Shabaab", "Boko Haram", "Unidentified Military Forces",
)
SOURCES = (("Wire", "outlet"), ("a local official", "official"), ("residents", "witness"),
           ("a monitoring group", "monitor"), ("state media", "media"),
           ("a security source", "anonymous"))
STANCES = ("asserted", "reported", "reported", "alleged", "unknown")
GRADES = ("confirmed", "fair", "fair", "weak", "weak", "weak", "contested")
QUERY_WORDS = ("market", "checkpoint", "village", "convoy", "border", "camp", "bridge")


# --- the synthetic store -------------------------------------------------------------------


def synthetic_event(k: int, rng: random.Random) -> tuple[dict[str, Any], str, str]:
    """Event number ``k``: its body (the output contract), its document's id and text."""
    country, code, admins, (lat0, lon0), spread = rng.choice(COUNTRIES)
    event_type, subs, verbs = rng.choice(TYPES)
    sub = rng.choice(subs)
    day = START + timedelta(days=rng.randrange(DAYS))
    actor1 = rng.choice(ACTORS).format(c=country)
    actor2 = rng.choice(ACTORS).format(c=country)
    admin1 = rng.choice(admins)
    place = f"{rng.choice(QUERY_WORDS).title()} {k % 997} of {admin1}"
    lat = round(lat0 + rng.uniform(-spread, spread), 5)
    lon = round(lon0 + rng.uniform(-spread, spread), 5)
    killed = rng.choice((0, 0, 0, 1, 2, 3, 5, 12, 30))
    doc_id = f"doc{k // 2:07d}"
    sentence = (f"{actor1} {rng.choice(verbs)} {actor2} near {place} on "
                f"{day:%d %B %Y}, killing {killed}, {rng.choice(SOURCES)[0]} said.")
    text = f"{country.upper()}, {day:%b %d} (Wire) - {sentence} More details were awaited."
    start = text.index(sentence)
    claims = []
    for field, value in (("event", sub), ("actor1", actor1), ("actor2", actor2),
                         ("location", place), ("event_date", day.isoformat()),
                         ("fatalities", str(killed))):
        name, kind = rng.choice(SOURCES)
        claims.append({"field": field, "value": value, "text": value,
                       "source": {"name": name, "kind": kind, "via": None},
                       "stance": rng.choice(STANCES),
                       "evidence": {"doc_id": doc_id, "start": start,
                                    "end": start + len(sentence), "sentence": sentence}})
    grade = rng.choice(GRADES)
    body = {
        "event_id": f"ev{k:08d}", "role": "main" if rng.random() < 0.85 else "background",
        "event_type": event_type, "sub_event_type": sub, "disorder_type": "Political violence",
        "plover": {"event": "ASSAULT", "mode": None}, "event_date": day.isoformat(),
        "time_precision": 1, "actor1": actor1, "assoc_actor_1": None, "actor2": actor2,
        "assoc_actor_2": None, "inter1": 1, "inter2": 7, "interaction": 17,
        "civilian_targeting": None,
        "location": {"name": place, "geonameid": None, "lat": lat, "lon": lon,
                     "country": country, "country_code": code, "admin1": admin1,
                     "admin2": None, "geo_precision": 2, "where_prec": 2, "relation": "near"},
        "fatalities": {"acled": killed, "low": killed, "best": killed, "high": killed},
        "grade": grade, "claims": claims, "sources": sorted({c["source"]["name"] for c in claims}),
        "notes": f"On {day:%d %B %Y}, {actor1}: {sub.lower()} near {place} ({admin1}, {country}).",
        "documents": [doc_id], "number_of_sources": len({c["source"]["name"] for c in claims}),
    }
    return body, doc_id, text


def rows(events: int, seed: int) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    """The rows of the tables events, claims, documents and event_documents."""
    rng = random.Random(seed)
    ev, cl, docs, links = [], [], {}, []
    for k in range(events):
        body, doc_id, text = synthetic_event(k, rng)
        loc = body["location"]
        ev.append((body["event_id"], body["role"], body["event_date"], body["event_type"],
                   body["sub_event_type"], loc["country"], loc["country_code"], loc["admin1"],
                   loc["name"], loc["lat"], loc["lon"], body["fatalities"]["acled"],
                   body["grade"], body["number_of_sources"], json.dumps(body)))
        for c in body["claims"]:
            e = c["evidence"]
            cl.append((body["event_id"], e["doc_id"], c["field"], c["value"], c["text"],
                       c["source"]["name"], c["source"]["kind"], None, c["stance"], e["start"],
                       e["end"], e["sentence"]))
        docs.setdefault(doc_id, (doc_id, None, "Wire", None, f"{body['event_date']} 12:00:00",
                                 None, text, f"{body['event_date']} 13:00:00", None))
        links.append((body["event_id"], doc_id))
    return ev, cl, list(docs.values()), links


COLUMNS = {
    "events": ("event_id, role, event_date, event_type, sub_event_type, country, country_code, "
               "admin1, location, lat, lon, fatalities, grade, number_of_sources, body"),
    "claims": ('event_id, doc_id, field, value, text, source, source_kind, via, stance, start, '
               '"end", sentence'),
    "documents": "id, url, outlet, title, published, path, text, ingested_at, superseded_by",
    "event_documents": "event_id, doc_id",
}


def stored_events(target: str) -> int | None:
    """How many events the store at ``target`` holds (None when there is no such store, or
    one whose events table lacks a filter column this checkout reads)."""
    from reportedly.storage import connect, is_url
    from reportedly.store import V4_COLUMNS

    if not is_url(target) and not Path(target).is_file():
        return None
    con = connect(target)
    try:
        con.execute(f"SELECT {', '.join(V4_COLUMNS)} FROM events LIMIT 0").fetchall()
        return con.execute("SELECT count(*) FROM events").fetchone()[0]
    except Exception:  # noqa: BLE001 - no events table yet: not a store of ours
        return None
    finally:
        con.close()


def build(target: str, *, events: int, seed: int) -> None:
    """A store of ``events`` synthetic events at ``target`` (its schema made by the Store)."""
    from reportedly.storage import is_url
    from reportedly.store import Store

    if not is_url(target):
        # The bench's own file, made anew: one left by an older checkout keeps its schema.
        for stale in (Path(target), Path(f"{target}.wal")):
            stale.unlink(missing_ok=True)
    Store(target).close()  # the schema, at the version this checkout writes
    tables = dict(zip(COLUMNS, rows(events, seed), strict=True))
    if is_url(target):
        _fill_postgres(target, tables)
    else:
        _fill_duckdb(target, tables)
    with Store(target) as store:
        # The filter columns the store derives from bodies and claims (schema v4 and later).
        if hasattr(store, "reindex"):
            store.reindex()
    _compact(target)


def _compact(target: str) -> None:
    """Tables as a store filled row by row has them: reindex's UPDATE of every row leaves a
    PostgreSQL table twice its size (and no visibility map), a DuckDB file uncheckpointed."""
    from reportedly.storage import is_url

    if is_url(target):
        import psycopg

        with psycopg.connect(target, autocommit=True) as con:
            con.execute("VACUUM FULL ANALYZE")
            con.execute("VACUUM")  # sets the visibility map: index-only counts
        return
    import duckdb

    con = duckdb.connect(target)
    con.execute("CHECKPOINT")
    con.close()


def _fill_duckdb(path: str, tables: dict[str, list[tuple]]) -> None:
    import duckdb

    con = duckdb.connect(path)
    con.execute("SET enable_progress_bar = false")
    with tempfile.TemporaryDirectory() as tmp:
        for table, data in tables.items():
            con.execute(f"DELETE FROM {table}")
            # Through a CSV file: DuckDB reads it at full speed, executemany would take minutes.
            csv = Path(tmp) / f"{table}.jsonl"
            names = [c.strip().strip('"') for c in COLUMNS[table].split(",")]
            with csv.open("w", encoding="utf-8") as out:
                for row in data:
                    out.write(json.dumps(dict(zip(names, row, strict=True))) + "\n")
            types = ", ".join(f"'{n}': 'VARCHAR'" for n in names)
            con.execute(f"INSERT INTO {table} ({COLUMNS[table]}) SELECT {COLUMNS[table]} FROM "
                        f"read_json('{csv}', format='newline_delimited', columns={{{types}}})")
    con.execute("CHECKPOINT")
    con.close()


def _fill_postgres(url: str, tables: dict[str, list[tuple]]) -> None:
    import psycopg

    with psycopg.connect(url) as con, con.cursor() as cur:
        for table, data in tables.items():
            cur.execute(f"DELETE FROM {table}")
            with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        con.commit()


# --- the server and the clients -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(target: str, port: int, *, workers: int = 1) -> subprocess.Popen:
    """``reportedly serve`` over the store, in a subprocess; returns once it answers."""
    import httpx

    from reportedly.storage import is_url

    exe = shutil.which("reportedly", path=str(Path(sys.executable).parent)) or "reportedly"
    where = ["--database-url", target] if is_url(target) else ["--db", target]
    if workers > 1:
        where += ["--workers", str(workers)]
    proc = subprocess.Popen([exe, "serve", *where, "--port", str(port)],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"reportedly serve exited: {proc.stderr.read()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/events?limit=1", timeout=2).is_success:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    proc.kill()
    raise SystemExit("reportedly serve did not answer within 60 s")


def stop(proc: subprocess.Popen) -> None:
    """Stop the server; one still busy with queued slow requests after 10 s is killed."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


KINDS = ("country", "dates", "type", "bbox", "actor", "q", "combined", "none")


def request_params(rng: random.Random, kinds: tuple[str, ...] = KINDS
                   ) -> tuple[str, dict[str, Any]]:
    """A filter kind and the query parameters of one page request, as the web page sends them."""
    country, code, admins, (lat, lon), spread = rng.choice(COUNTRIES)
    day = START + timedelta(days=rng.randrange(DAYS - 120))
    page = {"limit": 50, "offset": rng.choice((0, 0, 0, 50, 100))}
    kind = rng.choice(kinds)
    params: dict[str, Any] = {
        "country": {"country": rng.choice((country, code))},
        "dates": {"since": day.isoformat(),
                  "until": (day + timedelta(days=rng.choice((7, 30, 90)))).isoformat()},
        "type": {"type": rng.choice(TYPES)[0]},
        "bbox": {"bbox": f"{lon - spread:.2f},{lat - spread:.2f},{lon:.2f},{lat:.2f}"},
        "actor": {"actor": rng.choice(("Islamic State", "Al Shabaab", f"Police Forces of {country}",
                                       "Militia"))},
        "q": {"q": rng.choice(QUERY_WORDS)},
        "combined": {"country": country, "since": day.isoformat(),
                     "until": (day + timedelta(days=365)).isoformat(),
                     "type": rng.choice(TYPES)[0]},
        "none": {},
    }[kind]
    return kind, {**params, **page}


class Http:
    """One keep-alive HTTP/1.1 connection, as light as a client can be: the generator shares
    the server's cores, so it must spend its time waiting for the server, not parsing."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> tuple[int, bytes]:
        """Status and body of ``GET target`` (connecting again if the server closed)."""
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status, length, closing = int(head[9:12]), 0, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
            elif name.strip().lower() == b"connection":
                closing = value.strip().lower() == b"close"
        body = await self.reader.readexactly(length)
        if closing:
            self.writer.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def client(base: str, *, until: float, think: float, seed: int, kinds: tuple[str, ...],
                 results: list[tuple[str, float, bool]]) -> None:
    """One person at the page: a page of events, a pause of about ``think`` s, again.

    Latency runs from just before the request is sent to the last byte of the answer; a page
    counts as an error unless it is a 200 whose body is the events page (not parsed: the
    server's JSON is checked by the tests, and parsing here would load the shared cores)."""
    from urllib.parse import urlencode, urlsplit

    rng = random.Random(seed)
    where = urlsplit(base)
    http = Http(where.hostname or "127.0.0.1", where.port or 80)
    await asyncio.sleep(rng.uniform(0, think or 0.01))  # do not start in lockstep
    try:
        while time.monotonic() < until:
            kind, params = request_params(rng, kinds)
            target = "/api/events?" + urlencode(params)
            t0 = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(http.get(target), TIMEOUT_S)
                ok = status == 200 and body.startswith(b'{"events":[')
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    TimeoutError, ValueError):
                ok = False
                http.close()
            results.append((kind, (time.perf_counter() - t0) * 1000, ok))
            if think:
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
    finally:
        http.close()


async def load(base: str, *, clients: int, duration: float, think: float,
               kinds: tuple[str, ...] = KINDS) -> tuple[list[tuple[str, float, bool]], float]:
    results: list[tuple[str, float, bool]] = []
    started = time.monotonic()
    await asyncio.gather(*(client(base, until=started + duration, think=think, seed=k,
                                  kinds=kinds, results=results) for k in range(clients)))
    return results, time.monotonic() - started


def machine_busy() -> tuple[float, float]:
    """(busy, all) CPU ticks of the whole machine since boot, from /proc/stat ((0, 0) where
    there is none)."""
    try:
        ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0, 0.0
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return float(sum(ticks) - idle), float(sum(ticks))


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its descendants, from /proc (0 where
    there is no /proc)."""
    total, todo = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summarize(results: list[tuple[str, float, bool]], elapsed: float) -> dict[str, Any]:
    def one(sample: list[tuple[str, float, bool]]) -> dict[str, Any]:
        ms = [r[1] for r in sample]
        return {"requests": len(sample), "errors": sum(not r[2] for r in sample),
                "rps": round(len(sample) / elapsed, 1), "p50_ms": round(percentile(ms, 50), 1),
                "p95_ms": round(percentile(ms, 95), 1), "p99_ms": round(percentile(ms, 99), 1)}

    kinds = sorted({r[0] for r in results})
    return {"all": one(results), **{k: one([r for r in results if r[0] == k]) for k in kinds}}


def table(figures: dict[str, Any]) -> str:
    lines = [f"{'filter':<10} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} "
             f"{'p95 ms':>7} {'p99 ms':>7}"]
    for kind, f in figures.items():
        lines.append(f"{kind:<10} {f['requests']:>8} {f['errors']:>6} {f['rps']:>7} "
                     f"{f['p50_ms']:>7} {f['p95_ms']:>7} {f['p99_ms']:>7}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=str(HERE / "bench_api.duckdb"),
                        help="DuckDB file, built once and reused (default: %(default)s)")
    parser.add_argument("--database-url", default=None,
                        help="a postgresql:// URL to benchmark instead of the DuckDB file")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause of a client between pages, s (0: saturation)")
    parser.add_argument("--workers", type=int, default=None,
                        help="server processes (more than 1 needs --database-url; default: 2 "
                        "on PostgreSQL, 1 on DuckDB, whose file has one process)")
    parser.add_argument("--filters", default=",".join(KINDS),
                        help="filter kinds the clients use, comma-separated (default: all)")
    parser.add_argument("--rebuild", action="store_true", help="fill the store again")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=None, help="JSON figures (default: benchmarks/"
                        "bench_api-<backend>.json)")
    args = parser.parse_args(argv)
    kinds = tuple(k for k in args.filters.split(",") if k)
    if not kinds or set(kinds) - set(KINDS):
        parser.error(f"--filters: choose among {', '.join(KINDS)}")
    target = args.database_url or args.db
    backend = "postgresql" if args.database_url else "duckdb"
    if args.workers is None:
        args.workers = 2 if args.database_url else 1
    if args.rebuild or stored_events(target) != args.events:
        t0 = time.perf_counter()
        build(target, events=args.events, seed=args.seed)
        print(f"built {args.events} events in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    port = free_port()
    proc = serve(target, port, workers=args.workers)
    try:
        server_cpu, client_cpu = cpu_seconds(proc.pid), time.process_time()
        busy = machine_busy()
        results, elapsed = asyncio.run(load(f"http://127.0.0.1:{port}", clients=args.clients,
                                            duration=args.duration, think=args.think,
                                            kinds=kinds))
        server_cpu = cpu_seconds(proc.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
        busy = tuple(b - a for a, b in zip(busy, machine_busy(), strict=True))
    finally:
        stop(proc)
    figures = summarize(results, elapsed)
    overall = figures["all"]
    cpus = os.cpu_count() or 1
    # Shares of the whole machine (all its cores) over the run: the load generator's own,
    # so that a reader sees it measured the server rather than itself; the server's (its
    # worker processes; not PostgreSQL's own); the machine's in all, and the load average,
    # for what else ran.
    usage = {"client_cpu_share": round(client_cpu / elapsed / cpus, 3),
             "server_cpu_share": round(server_cpu / elapsed / cpus, 3),
             "machine_cpu_share": round(busy[0] / busy[1], 3) if busy[1] else None,
             "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg")
             else None}
    report = {"backend": backend, "events": args.events, "clients": args.clients,
              "duration_s": round(elapsed, 1), "think_s": args.think, "workers": args.workers,
              "filters": list(kinds),
              "cpus": cpus, **usage,
              "target_p95_ms": TARGET_P95_MS,
              "passed": overall["p95_ms"] <= TARGET_P95_MS and overall["errors"] == 0,
              "figures": figures}
    print(f"{backend}: {args.events} events, {args.clients} clients, {elapsed:.0f} s, "
          f"think {args.think} s, {args.workers} worker(s), {cpus} cores; CPU share: client "
          f"{usage['client_cpu_share']:.0%}, server {usage['server_cpu_share']:.0%}, machine "
          f"{usage['machine_cpu_share'] or 0:.0%}; load average {usage['load_average_1m']}")
    print(table(figures))
    print(f"p95 {overall['p95_ms']} ms (target <= {TARGET_P95_MS:.0f}), "
          f"{overall['errors']} errors: {'PASS' if report['passed'] else 'FAIL'}")
    out = Path(args.out) if args.out else HERE / f"bench_api-{backend}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
