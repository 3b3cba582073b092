"""The DuckDB store: versioned schema, one copy per document, filters, refusing foreign files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import duckdb
import pytest

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
from reportedly.store import SCHEMA_VERSION, Store

REPORT = (
    "GAO, Mali (Wire) - Gunmen attacked an army checkpoint outside Gao on Sunday, killing "
    "four soldiers, the army said in a statement."
)
PROTEST = (
    "DAKAR (Wire) - Students protested outside the university in Dakar on Monday against "
    "unpaid grants; police used tear gas to disperse them, witnesses said."
)


def make_event(doc: Document, n: int, *, event_type: str, sub_event_type: str,
               location: Location | None, when: date = date(2023, 5, 7)) -> Event:
    claim = Claim("event", sub_event_type, "attacked", Source("Wire"), "asserted",
                  Evidence(doc.id, 0, 20, doc.text[:20]))
    return Event(
        event_id=f"{doc.id}-{n}", role="main", event_type=event_type,
        sub_event_type=sub_event_type, disorder_type="Political violence",
        plover=Plover("ASSAULT"), event_date=when, time_precision=1, actor1="Gunmen",
        assoc_actor_1=None, actor2=None, assoc_actor_2=None, inter1=3, inter2=None,
        interaction=None, civilian_targeting=None, location=location,
        fatalities=Fatalities(4, 4, 4, 4), grade="weak", claims=(claim,), sources=("Wire",),
        notes="A test event.",
    )


GAO = Location("Gao", 2457163, 16.2717, -0.0447, "Mali", "ML", "Gao", geo_precision=1)
DAKAR = Location("Dakar", 2253354, 14.6937, -17.4441, "Senegal", "SN", "Dakar", geo_precision=1)


@pytest.fixture
def stored(tmp_path):
    """A store holding one Malian attack and one Senegalese protest."""
    attack_doc = Document.from_text(REPORT, published="2023-05-08", outlet="Wire")
    protest_doc = Document.from_text(PROTEST, published="2023-05-09", outlet="Wire")
    attack = make_event(attack_doc, 0, event_type="Battles", sub_event_type="Armed clash",
                        location=GAO)
    protest = make_event(protest_doc, 0, event_type="Protests",
                         sub_event_type="Protest with intervention", location=DAKAR,
                         when=date(2023, 5, 8))
    db = tmp_path / "events.duckdb"
    with Store(db) as store:
        store.add(attack_doc, Extraction(attack_doc.id, (attack,)))
        store.add(protest_doc, Extraction(protest_doc.id, (protest,)))
    return db, attack_doc, attack, protest


def test_store_records_its_schema_version(tmp_path):
    """A new file is created at the current schema version, recorded once."""
    db = tmp_path / "new.duckdb"
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
    with Store(db) as store:
        rows = store.con.execute("SELECT version FROM schema_version").fetchall()
    assert rows == [(SCHEMA_VERSION,)]


def test_store_round_trips_events_with_their_claims(stored):
    """What is stored comes back as equal Event records, claims included, ordered by date."""
    db, _, attack, protest = stored
    with Store(db) as store:
        events = list(store.events())
    assert events == [attack, protest]
    assert events[0].claims[0].evidence.doc_id == attack.claims[0].evidence.doc_id


def test_store_readding_a_document_replaces_its_events(stored):
    """Storing a document again replaces its events instead of duplicating them."""
    db, doc, attack, _ = stored
    fewer_dead = replace(attack, fatalities=Fatalities(2, 2, 2, 4))
    second = replace(attack, event_id=f"{doc.id}-1", role="background")
    with Store(db) as store:
        store.add(doc, Extraction(doc.id, (fewer_dead,)))
        store.add(doc, Extraction(doc.id, (fewer_dead, second)))
        store.add(doc, Extraction(doc.id, (fewer_dead,)))
        assert store.count() == (2, 2)
        stored_attack = [e for e in store.events() if e.event_type == "Battles"]
    assert stored_attack == [fewer_dead]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"Battles", "Protests"}),
        ({"country": "Mali"}, {"Battles"}),
        ({"country": "senegal"}, {"Protests"}),
        ({"country": "Chad"}, set()),
        ({"event_type": "Protests"}, {"Protests"}),
        ({"event_type": "armed clash"}, {"Battles"}),
        ({"country": "Mali", "event_type": "Protests"}, set()),
    ],
)
def test_store_events_filter_by_country_and_type(stored, filters, expected):
    """Country and type filters are case-insensitive; the type matches a type or a sub-type."""
    db = stored[0]
    with Store(db) as store:
        assert {e.event_type for e in store.events(**filters)} == expected


def test_store_keeps_events_without_location(tmp_path):
    """An event with no location is stored and returned, and a country filter leaves it out."""
    doc = Document.from_text(REPORT)
    event = make_event(doc, 0, event_type="Battles", sub_event_type="Armed clash", location=None)
    with Store(tmp_path / "x.duckdb") as store:
        store.add(doc, Extraction(doc.id, (event,)))
        assert list(store.events()) == [event]
        assert list(store.events(country="Mali")) == []


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


def test_store_failed_write_rolls_back(stored):
    """A write that fails half-way leaves the earlier copy of the document in place."""
    db, doc, attack, _ = stored
    broken = replace(attack, event_id=f"{doc.id}-9")
    with Store(db) as store:
        # Two events with one id break the primary key after the old rows were deleted.
        with pytest.raises(duckdb.Error):
            store.add(doc, Extraction(doc.id, (broken, broken)))
        assert store.count() == (2, 2)
        assert attack in list(store.events())
