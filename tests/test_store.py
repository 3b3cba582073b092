"""The store on DuckDB and PostgreSQL: schema v3 and its migrations, fusion into stored events,
one transaction per document, corrected articles, filters, refusing foreign files and servers."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import duckdb
import pytest

from conftest import StandInFuser
from reportedly.errors import ReportedlyError
from reportedly.records import (
    Claim,
    Document,
    Event,
    Evidence,
    Extraction,
    Fatalities,
    Location,
    Plover,
    Source,
)
from reportedly.store import SCHEMA_VERSION, V4_COLUMNS, BBox, Store

# Short wire-style reports written for these tests.
GAO_WIRE = (
    "GAO, Mali (Wire) - Gunmen attacked an army checkpoint outside Gao on Sunday, killing "
    "four soldiers, the army said in a statement."
)
GAO_RADIO = (
    "Radio Sahel reports that armed men raided a military checkpoint near Gao on Sunday "
    "evening; a local official put the death toll at six soldiers."
)
GAO_CORRECTED = (
    "Radio Sahel reports that armed men raided a military checkpoint near Gao on Sunday "
    "evening; a local official put the death toll at five soldiers. (Corrects toll.)"
)
DAKAR_WIRE = (
    "DAKAR (Wire) - Students protested outside the university in Dakar on Monday against "
    "unpaid grants; police used tear gas to disperse them, witnesses said."
)

GAO = Location("Gao", 2457163, 16.2717, -0.0447, "Mali", "ML", "Gao", geo_precision=1)
DAKAR = Location("Dakar", 2253354, 14.6937, -17.4441, "Senegal", "SN", "Dakar", geo_precision=1)


def doc(text: str, *, published: str = "2023-05-08", outlet: str = "Wire",
        url: str | None = None) -> Document:
    return Document.from_text(text, published=published, outlet=outlet, url=url)


def mention(d: Document, n: int = 0, *, sub_event_type: str = "Armed clash",
            event_type: str = "Battles", location: Location | None = GAO,
            when: date | None = date(2023, 5, 7), dead: int = 4) -> Event:
    """One document's event: a claim by the document's outlet, located and dated as given."""
    claim = Claim("fatalities", str(dead), f"{dead} killed", Source(d.outlet or "Wire"),
                  "asserted", Evidence(d.id, 10, 30, d.text[:40]))
    return Event(
        event_id=f"{d.id}-{n}", role="main", event_type=event_type,
        sub_event_type=sub_event_type, disorder_type="Political violence",
        plover=Plover("ASSAULT"), event_date=when, time_precision=1, actor1="Gunmen",
        assoc_actor_1=None, actor2=None, assoc_actor_2=None, inter1=3, inter2=None,
        interaction=None, civilian_targeting=None, location=location,
        fatalities=Fatalities(dead, dead, dead, dead), grade="weak", claims=(claim,),
        sources=(d.outlet or "Wire",), notes="A test event.",
    )


def ingest(store: Store, d: Document, *events: Event):
    return store.ingest(d, Extraction(d.id, tuple(events)))


@pytest.fixture
def open_store(store_opener):
    """Opens new stores with the stand-in fuser, on each backend (DuckDB, PostgreSQL)."""
    return store_opener(StandInFuser)


@pytest.fixture
def stored(open_store):
    """A store holding one Malian attack (told by two reports) and one Senegalese protest."""
    store = open_store()
    wire, radio, dakar = doc(GAO_WIRE), doc(GAO_RADIO, outlet="Radio Sahel"), doc(DAKAR_WIRE)
    ingest(store, wire, mention(wire))
    ingest(store, radio, mention(radio, dead=6))
    ingest(store, dakar, mention(dakar, event_type="Protests",
                                 sub_event_type="Protest with intervention", location=DAKAR,
                                 when=date(2023, 5, 8)))
    return store


def test_store_records_its_schema_version(tmp_path):
    """A new file is created at the current schema version, recorded once."""
    db = tmp_path / "new.duckdb"
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION == 4
    with Store(db) as store:
        rows = store.con.execute("SELECT version FROM schema_version").fetchall()
    assert rows == [(SCHEMA_VERSION,)]


# The schema of reportedly 0.1.0, as it was written then.
OLD_V1_DDL = (
    """CREATE TABLE documents (id VARCHAR PRIMARY KEY, outlet VARCHAR, url VARCHAR,
       title VARCHAR, published TIMESTAMP, path VARCHAR, text VARCHAR)""",
    """CREATE TABLE events (event_id VARCHAR PRIMARY KEY, doc_id VARCHAR, role VARCHAR,
       event_date DATE, event_type VARCHAR, sub_event_type VARCHAR, country VARCHAR,
       lat DOUBLE, lon DOUBLE, fatalities INTEGER, grade VARCHAR, body JSON)""",
    "CREATE TABLE schema_version (version INTEGER)",
    "INSERT INTO schema_version VALUES (1)",
)


def test_store_migrates_a_v1_file_and_keeps_its_data(tmp_path):
    """A file written with the v1 schema opens at the current version with its documents, events
    and claims."""
    db = tmp_path / "old.duckdb"
    wire = doc(GAO_WIRE)
    event = mention(wire)
    con = duckdb.connect(str(db))
    for statement in OLD_V1_DDL:
        con.execute(statement)
    con.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                [wire.id, "Wire", None, None, wire.published, "gao.txt", wire.text])
    con.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [event.event_id, wire.id, "main", event.event_date, "Battles", "Armed clash",
                 "Mali", GAO.lat, GAO.lon, 4, "weak", json.dumps(event.to_dict())])
    con.close()
    with Store(db, fuser=StandInFuser()) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert list(store.events()) == [event]
        assert store.stored_text(wire.id) == wire.text
        assert store.con.execute("SELECT doc_id, field FROM claims").fetchall() == [
            (wire.id, "fatalities")]
        assert store.con.execute("SELECT * FROM event_documents").fetchall() == [
            (event.event_id, wire.id)]
        # the migrated event takes new reports like any other
        radio = doc(GAO_RADIO, outlet="Radio Sahel")
        assert ingest(store, radio, mention(radio)).merged == 1
        assert store.count() == (2, 1)


def test_store_fuses_reports_of_one_event_and_keeps_every_claim(stored):
    """Two reports of the Gao attack become one event with both claims, sources and documents."""
    gao = next(e for e in stored.events() if e.event_type == "Battles")
    assert stored.count() == (3, 2)
    assert {c.value for c in gao.claims} == {"4", "6"}
    assert gao.sources == ("Wire", "Radio Sahel") and gao.extras["number_of_sources"] == 2
    linked = stored.con.execute("SELECT doc_id FROM event_documents WHERE event_id = ?",
                                [gao.event_id]).fetchall()
    assert len(linked) == 2 and len(stored.claims(gao.event_id)) == 2


def test_store_ingesting_the_same_document_again_changes_nothing(stored):
    """A document stored already is skipped: events, claims and links stay identical."""
    before = stored.snapshot()
    for text, outlet in ((GAO_WIRE, "Wire"), (GAO_RADIO, "Radio Sahel")):
        again = doc(text, outlet=outlet)
        assert ingest(stored, again, mention(again)).status == "skipped"
    assert stored.snapshot() == before
    assert [r["status"] for r in stored.ingest_log()][-2:] == ["skipped", "skipped"]


@pytest.mark.parametrize(
    ("change", "joins"),
    [
        ({}, True),
        ({"when": date(2023, 5, 10)}, True),
        ({"when": date(2023, 5, 11)}, False),
        ({"when": date(2019, 5, 7)}, False),
        ({"when": None}, True),
        ({"location": replace(GAO, country="Niger")}, False),
        ({"location": None}, False),
        ({"sub_event_type": "Attack"}, False),
    ],
    ids=["same", "3-days", "4-days", "years-away", "undated", "other-country", "unlocated",
         "other-type"],
)
def test_store_candidates_are_within_the_date_window_and_country(open_store, change, joins):
    """A report joins a stored event only within ±3 days (or undated) and in the same country."""
    store = open_store(window_days=3)
    wire, radio = doc(GAO_WIRE), doc(GAO_RADIO, outlet="Radio Sahel")
    ingest(store, wire, mention(wire))
    result = ingest(store, radio, mention(radio, **change))
    assert (result.merged == 1) is joins
    assert store.count()[1] == (1 if joins else 2)


@pytest.mark.parametrize(("precision", "days", "joins"),
                         [(1, 4, False), (2, 6, True), (2, 8, False), (3, 14, True),
                          (3, 16, False)])
def test_store_week_or_month_precise_dates_widen_the_window(open_store, precision, days, joins):
    """A date known to the week (month) may lie 7 (15) days from the stored event's date."""
    store = open_store(window_days=3)
    wire, radio = doc(GAO_WIRE), doc(GAO_RADIO, outlet="Radio Sahel")
    ingest(store, wire, mention(wire))
    later = replace(mention(radio, when=date(2023, 5, 7 + days)), time_precision=precision)
    assert (ingest(store, radio, later).merged == 1) is joins


def test_store_merged_event_keeps_the_stored_id(stored):
    """The event a later report joins keeps the id it was stored under."""
    first = doc(GAO_WIRE)
    ids = [e.event_id for e in stored.events() if e.event_type == "Battles"]
    assert ids == [f"{first.id}-0"]


def test_store_order_of_ingest_does_not_change_what_is_fused(open_store):
    """The same reports ingested in reverse order give the same events and claims."""
    reports = [doc(GAO_WIRE), doc(GAO_RADIO, outlet="Radio Sahel"), doc(DAKAR_WIRE)]
    events = [mention(reports[0]), mention(reports[1], dead=6),
              mention(reports[2], event_type="Protests", sub_event_type="Peaceful protest",
                      location=DAKAR)]
    shapes = []
    for order in ([0, 1, 2], [2, 1, 0]):
        store = open_store()  # a new, empty store each time
        for i in order:
            ingest(store, reports[i], events[i])
        shapes.append(sorted((e.sub_event_type, frozenset(c.to_dict()["evidence"]["doc_id"]
                                                         for c in e.claims))
                             for e in store.events()))
    assert shapes[0] == shapes[1] and len(shapes[0]) == 2


def test_store_corrected_article_supersedes_the_older_version(open_store):
    """The same URL with changed text: the newer version counts, the older stays as history."""
    store = open_store()
    url = "https://radio-sahel.example/gao-attack"
    wire = doc(GAO_WIRE)
    first = doc(GAO_RADIO, outlet="Radio Sahel", url=url)
    fixed = doc(GAO_CORRECTED, outlet="Radio Sahel", url=url, published="2023-05-09")
    ingest(store, wire, mention(wire))
    ingest(store, first, mention(first, dead=6))
    ingest(store, fixed, mention(fixed, dead=5))
    (event,) = store.events()
    assert {c.value for c in event.claims} == {"4", "5"}
    assert first.id not in event.extras["documents"]
    history = store.con.execute("SELECT superseded_by FROM documents WHERE id = ?",
                                [first.id]).fetchone()
    assert history == (fixed.id,) and store.stored_text(first.id) == first.text
    assert store.con.execute("SELECT count(*) FROM claims WHERE doc_id = ?",
                             [first.id]).fetchone() == (0,)
    assert store.count() == (2, 1)


def test_store_older_version_arriving_late_is_kept_as_history_only(open_store):
    """An earlier-published version of a stored URL is stored superseded and adds no claims."""
    store = open_store()
    url = "https://radio-sahel.example/gao-attack"
    fixed = doc(GAO_CORRECTED, outlet="Radio Sahel", url=url, published="2023-05-09")
    first = doc(GAO_RADIO, outlet="Radio Sahel", url=url, published="2023-05-08")
    ingest(store, fixed, mention(fixed, dead=5))
    result = ingest(store, first, mention(first, dead=6))
    assert result.status == "skipped" and "newer version" in result.reason
    (event,) = store.events()
    assert {c.value for c in event.claims} == {"5"}


def test_store_superseding_the_only_report_removes_its_event(open_store):
    """An event told only by the superseded version goes; the new version's event replaces it."""
    store = open_store()
    url = "https://radio-sahel.example/gao-attack"
    first = doc(GAO_RADIO, outlet="Radio Sahel", url=url)
    fixed = doc(GAO_CORRECTED, outlet="Radio Sahel", url=url, published="2023-05-09")
    ingest(store, first, mention(first, location=DAKAR))
    ingest(store, fixed, mention(fixed, dead=5))
    (event,) = store.events()
    assert event.location == GAO and {c.value for c in event.claims} == {"5"}


def test_store_reused_id_with_new_text_replaces_the_document(open_store):
    """A JSONL id stored with other text is replaced, its old claims dropped."""
    store = open_store()
    old = Document.from_text(GAO_RADIO, id="story-1", outlet="Radio Sahel")
    new = Document.from_text(GAO_CORRECTED, id="story-1", outlet="Radio Sahel")
    ingest(store, old, mention(old, dead=6))
    ingest(store, new, replace(mention(new, dead=5), event_id="story-1-0b"))
    (event,) = store.events()
    assert [c.value for c in event.claims] == ["5"] and store.stored_text("story-1") == new.text


def test_store_failed_ingest_leaves_nothing_half_written(stored):
    """A fusion error in the middle of a document rolls back its document, events and claims."""
    before = stored.snapshot()
    late = doc("KIDAL (Wire) - Gunmen attacked a police post in Kidal on Sunday.")

    class Failing(StandInFuser):
        calls = 0

        def merge(self, stored_event, new):
            Failing.calls += 1
            if Failing.calls == 2:
                raise RuntimeError("fusion failed")
            return super().merge(stored_event, new)

    stored._fuser = Failing()
    kidal = replace(GAO, name="Kidal")
    with pytest.raises(RuntimeError):
        ingest(stored, late, mention(late, 0, location=kidal), mention(late, 1, location=DAKAR))
    assert stored.snapshot() == before and stored.stored_text(late.id) is None
    stored._fuser = StandInFuser()
    assert ingest(stored, late, mention(late, 0, location=kidal)).status == "extracted"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"Battles", "Protests"}),
        ({"country": "Mali"}, {"Battles"}),
        ({"country": "senegal"}, {"Protests"}),
        ({"country": "SN"}, {"Protests"}),
        ({"country": "Chad"}, set()),
        ({"event_type": "Protests"}, {"Protests"}),
        ({"event_type": "armed clash"}, {"Battles"}),
        ({"country": "Mali", "event_type": "Protests"}, set()),
        ({"since": date(2023, 5, 8)}, {"Protests"}),
        ({"until": date(2023, 5, 7)}, {"Battles"}),
        ({"since": date(2023, 5, 7), "until": date(2023, 5, 8)}, {"Battles", "Protests"}),
        ({"bbox": BBox(-18.0, 14.0, -17.0, 15.0)}, {"Protests"}),
        ({"bbox": BBox(-1.0, 15.0, 1.0, 17.0)}, {"Battles"}),
        ({"bbox": BBox(10.0, 0.0, 20.0, 10.0)}, set()),
    ],
)
def test_store_events_filter_by_date_country_type_and_box(stored, filters, expected):
    """Filters combine; country and type are case-insensitive, dates inclusive, the box [W,E]."""
    assert {e.event_type for e in stored.events(**filters)} == expected


def test_store_keeps_events_without_location_or_date(open_store):
    """An event with no place or date is stored and listed last; filters on them leave it out."""
    store = open_store()
    d = doc(GAO_WIRE)
    ingest(store, d, mention(d, location=None, when=None))
    assert len(list(store.events())) == 1
    assert list(store.events(country="Mali")) == list(store.events(since=date(2000, 1, 1))) == []
    assert list(store.events(bbox=BBox(-180, -90, 180, 90))) == []


def test_store_logs_every_document(open_store):
    """Each ingest writes one log line: extracted with its event count, skipped, or failed."""
    store = open_store()
    d = doc(GAO_WIRE)
    ingest(store, d, mention(d))
    ingest(store, d, mention(d))
    store.log(None, "bad.txt", "failed", "[E002] bad.txt: the file is empty.")
    broken = doc(DAKAR_WIRE)
    assert store.ingest(broken, Extraction(broken.id, (), error="[E999] boom")).status == "failed"
    log = [(r["status"], r["events"], r["path"]) for r in store.ingest_log()]
    assert log == [("extracted", 1, None), ("skipped", 0, None), ("failed", 0, "bad.txt"),
                   ("failed", 0, None)]
    assert store.stored_text(broken.id) is None


@pytest.mark.parametrize(
    "content",
    [b"", b"this is a text file, not a database\n", b"SQLite format 3\x00" + bytes(4096),
     bytes(range(256)) * 64],
    ids=["empty", "text", "sqlite-header", "binary"],
)
def test_store_refuses_a_file_that_is_not_duckdb_and_leaves_it_alone(tmp_path, content):
    """A file that is not a DuckDB database gives E013 and keeps its bytes unchanged."""
    path = tmp_path / "foreign.duckdb"
    path.write_bytes(content)
    with pytest.raises(ReportedlyError) as err:
        Store(path)
    assert err.value.code == "E013" and str(path) in str(err.value)
    assert "\n" not in str(err.value)
    assert path.read_bytes() == content


def test_store_refuses_a_directory(tmp_path):
    """A directory given as the database is E013, not a crash."""
    with pytest.raises(ReportedlyError) as err:
        Store(tmp_path)
    assert err.value.code == "E013"


# --- schema v4: the filter columns ----------------------------------------------------------

FILTER_COLUMNS = "SELECT event_id, actor1, actor2, assoc_actor_1, assoc_actor_2, notes, " \
                 "search_text FROM events ORDER BY event_id"


def test_store_keeps_the_filter_columns_of_each_event(stored):
    """Each event's actors, notes and lowered search words (place, notes, every claim's
    sentence and value) are columns of their own, equal to its body and claims, so no filter
    parses JSON."""
    for event in stored.events():
        row = stored.con.execute(
            "SELECT actor1, notes, search_text FROM events WHERE event_id = ?",
            [event.event_id]).fetchone()
        words = {w for c in event.claims for w in (c.evidence.sentence.lower(), c.value.lower())}
        words |= {event.location.name.lower(), event.notes.lower()}
        assert row[0] == event.actor1 and row[1] == event.notes
        assert set(row[2].split("\x1f")) == words


def test_store_migrates_a_v3_store_to_v4_filling_the_filter_columns(open_store, store_target):
    """A schema v3 store (no filter columns) opens at v4 with the columns a v4 store writes."""
    store = open_store()
    wire, radio = doc(GAO_WIRE), doc(GAO_RADIO, outlet="Radio Sahel")
    ingest(store, wire, mention(wire))
    ingest(store, radio, mention(radio, dead=6))
    written = store.con.execute(FILTER_COLUMNS).fetchall()
    for column in V4_COLUMNS:
        store.con.execute(f"ALTER TABLE events DROP COLUMN {column}")
    store.con.execute("UPDATE schema_version SET version = 3")
    target = store.path
    store.close()
    with Store(target, fuser=StandInFuser()) as again:
        assert again.schema_version() == SCHEMA_VERSION
        migrated = again.con.execute(FILTER_COLUMNS).fetchall()
    assert [(r[:6], set(r[6].split("\x1f"))) for r in migrated] == \
        [(r[:6], set(r[6].split("\x1f"))) for r in written]


def _contains(texts, value: str) -> bool:
    return any(value.lower() in (t or "").lower() for t in texts)


@pytest.mark.parametrize("value", ["gao", "GAO", "test ev", "%", "_", "\\", "4", "nowhere",
                                   "a\x1fb", "Gunmen", "men"])
def test_store_text_and_actor_filters_match_like_a_substring_search(stored, value):
    """The API's `q` and `actor` filters, read from the derived columns (and on PostgreSQL
    through LIKE), keep every event a case-insensitive substring search keeps, and no other:
    % _ and \\ are plain characters."""
    from reportedly.server import queries

    events = list(stored.events())
    by_q = {e.event_id for e in events if _contains(
        [e.location.name if e.location else "", e.notes,
         *(w for c in e.claims for w in (c.evidence.sentence, c.value))], value)}
    by_actor = {e.event_id for e in events if _contains(
        [e.actor1, e.actor2, e.assoc_actor_1, e.assoc_actor_2], value)}
    for flt, expected in ((queries.EventFilter(q=value), by_q),
                          (queries.EventFilter(actor=value), by_actor)):
        page, total = queries.events(stored.con, flt, limit=50, offset=0)
        assert {e["event_id"] for e in page} == expected and total == len(expected)
