"""Review on the store (DuckDB and PostgreSQL): verdicts on claims, corrections, merges and
splits, each audited, and all of it applied again when reports are extracted again."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date

import duckdb
import pytest

from conftest import StandInFuser
from reportedly import export, review
from reportedly.errors import ReportedlyError
from reportedly.fuse import Fuser
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
from reportedly.store import SCHEMA_VERSION, V2_DDL, Store

# Short wire-style reports written for these tests.
WIRE = ("GAO, Mali (Wire) - Gunmen attacked an army checkpoint outside Gao on Sunday, killing "
        "four soldiers, the army said.")
RADIO = ("Radio Sahel reports that armed men raided a checkpoint near Gao on Sunday; a local "
         "official put the toll at six soldiers.")
RADIO_FIXED = ("Radio Sahel reports that armed men raided a checkpoint near Gao on Sunday; a "
               "local official put the toll at five soldiers. (Corrects toll.)")
LATE = ("BAMAKO (Wire) - The army said on Tuesday that the attack on the Gao checkpoint had "
        "been repelled.")
DAKAR = ("DAKAR (Wire) - Students protested outside the university in Dakar on Monday; police "
         "used tear gas.")
URL = "https://radio-sahel.example/gao"

GAO = Location("Gao", 2457163, 16.2717, -0.0447, "Mali", "ML", "Gao", geo_precision=1)
DAKAR_PLACE = Location("Dakar", 2253354, 14.6937, -17.4441, "Senegal", "SN", "Dakar",
                       geo_precision=1)
JNIM = "JNIM: Group for Support of Islam and Muslims"
ISGS = "Islamic State (Sahel Province)"


def doc(text: str, *, outlet: str = "Wire", url: str | None = None,
        published: str = "2023-05-08") -> Document:
    return Document.from_text(text, outlet=outlet, url=url, published=published)


def claim(d: Document, field: str, value: str, *, start: int = 0,
          source: str | None = None) -> Claim:
    return Claim(field, value, value, Source(source or d.outlet or "Wire"), "asserted",
                 Evidence(d.id, start, start + 10, d.text[:60]))


def mention(d: Document, *, actor1: str | None = None, dead: int = 4,
            location: Location | None = GAO, sub: str = "Armed clash") -> Event:
    """One report's event: a toll claim, and an actor1 claim when ``actor1`` is given."""
    claims = [claim(d, "fatalities", str(dead), start=10)]
    if actor1:
        claims.append(claim(d, "actor1", actor1, start=40))
    return Event(
        event_id=f"{d.id}-0", role="main", event_type="Battles", sub_event_type=sub,
        disorder_type="Political violence", plover=Plover("ASSAULT"),
        event_date=date(2023, 5, 7), time_precision=1, actor1=actor1, assoc_actor_1=None,
        actor2=None, assoc_actor_2=None, inter1=2 if actor1 else None, inter2=None,
        interaction=None, civilian_targeting=None, location=location,
        fatalities=Fatalities(dead, dead, dead, dead), grade="weak", claims=tuple(claims),
        sources=(d.outlet or "Wire",), notes="A test event.")


class MatchByPlace(Fuser):
    """The project's merge (resolution, grades) with the stand-in's simple matching."""

    match = StandInFuser.match


def ingest(store: Store, d: Document, event: Event):
    return store.ingest(d, Extraction(d.id, (event,)))


@pytest.fixture
def open_store(store_opener):
    """Opens new stores with the place-matching fuser, on each backend."""
    return store_opener(MatchByPlace)


@pytest.fixture
def gao(open_store):
    """A store holding the Gao attack told by two reports that blame different groups."""
    store = open_store()
    wire, radio = doc(WIRE), doc(RADIO, outlet="Radio Sahel")
    ingest(store, wire, mention(wire, actor1=JNIM))
    ingest(store, radio, mention(radio, actor1=ISGS, dead=6))
    return store


def only(store: Store) -> Event:
    (event,) = store.events()
    return event


def body(store: Store, event_id: str) -> dict:
    row = store.con.execute("SELECT body FROM events WHERE event_id = ?", [event_id]).fetchone()
    return json.loads(row[0])


def claim_of(event: Event, field: str, value: str) -> str:
    return next(review.claim_id(c) for c in event.claims if c.field == field and c.value == value)


# --- claim ids and verdicts -----------------------------------------------------------------


@pytest.mark.parametrize(("change", "same"), [
    ({}, True), ({"stance": "alleged"}, True), ({"text": "other words"}, True),
    ({"value": "5"}, False), ({"field": "actor1"}, False),
    ({"source": Source("Radio Sahel")}, False),
    ({"evidence": Evidence("d1", 11, 20, "s")}, False),
    ({"evidence": Evidence("d2", 10, 20, "s")}, False),
])
def test_review_claim_id_follows_the_claims_identity(change, same):
    """A claim's id is a hash of its document, field, value, source and span, nothing else."""
    base = Claim("fatalities", "4", "four", Source("Wire"), "asserted",
                 Evidence("d1", 10, 20, "s"))
    assert (review.claim_id(replace(base, **change)) == review.claim_id(base)) is same
    assert len(review.claim_id(base)) == 16


def test_review_bodies_carry_claim_ids_no_verdicts_and_no_corrections(gao):
    """Every stored claim has its claim_id and review None; the event has corrections {}."""
    event = only(gao)
    stored = body(gao, event.event_id)
    assert [c["claim_id"] for c in stored["claims"]] == [review.claim_id(c)
                                                         for c in event.claims]
    assert all(c["review"] is None for c in stored["claims"]) and stored["corrections"] == {}


def test_review_rejected_claim_stops_counting_but_stays_listed(gao):
    """Two groups blamed: contested; rejecting one claim leaves the other group as actor1,
    the rejected claim still listed with its verdict."""
    event = only(gao)
    assert event.actor1 not in (JNIM, ISGS)  # contested: the unidentified actor
    rejected = claim_of(event, "actor1", ISGS)
    after = gao.review_claim(event.event_id, rejected, verdict="rejected", reviewer="alice",
                             note="misattributed")
    assert after.actor1 == JNIM and after.event_id == event.event_id
    listed = {c["claim_id"]: c["review"] for c in body(gao, event.event_id)["claims"]}
    assert listed[rejected]["verdict"] == "rejected" and listed[rejected]["reviewer"] == "alice"
    assert len(listed) == len(event.claims)


def test_review_accepting_a_claim_marks_it_and_changes_no_value(gao):
    """An accepted claim is marked; the resolved values stay as they were."""
    event = only(gao)
    accepted = claim_of(event, "actor1", JNIM)
    after = gao.review_claim(event.event_id, accepted, verdict="accepted", reviewer="bob")
    assert (after.actor1, after.fatalities, after.grade) == (
        event.actor1, event.fatalities, event.grade)
    listed = {c["claim_id"]: c["review"] for c in body(gao, event.event_id)["claims"]}
    assert listed[accepted]["verdict"] == "accepted"


def test_review_rejection_holds_when_a_new_report_joins(gao):
    """A rejected claim stays out of the fusion when the event is fused again with a new
    report: the verdict is re-applied, not lost."""
    event = only(gao)
    gao.review_claim(event.event_id, claim_of(event, "actor1", ISGS), verdict="rejected",
                     reviewer="alice")
    late = doc(LATE, published="2023-05-09")
    assert ingest(gao, late, mention(late)).merged == 1
    joined = only(gao)
    assert joined.actor1 == JNIM and late.id in joined.extras["documents"]


@pytest.mark.parametrize(("event_id", "claim_id"), [("nope", None), (None, "nope")])
def test_review_unknown_event_or_claim_is_not_found(gao, event_id, claim_id):
    """A verdict on an event or claim that is not stored raises NotFound and changes nothing."""
    event = only(gao)
    before = gao.snapshot()
    with pytest.raises(review.NotFound):
        gao.review_claim(event_id or event.event_id, claim_id or review.claim_id(
            event.claims[0]), verdict="rejected", reviewer="alice")
    assert gao.snapshot() == before and gao.audit()[1] == 0


def test_review_bad_verdict_is_e213(gao):
    """A verdict other than accepted/rejected is refused with E213."""
    event = only(gao)
    with pytest.raises(ReportedlyError) as err:
        gao.review_claim(event.event_id, review.claim_id(event.claims[0]), verdict="maybe",
                         reviewer="alice")
    assert err.value.code == "E213"


# --- corrections ----------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "shown"), [
    ("actor1", "Military Forces of Mali (2021-)", "Military Forces of Mali (2021-)"),
    ("actor2", None, None),
    ("event_date", "2023-05-06", "2023-05-06"),
    ("fatalities", 5, {"acled": 5, "low": 5, "best": 5, "high": 5}),
    ("fatalities", {"low": 4, "high": 6}, {"acled": 4, "low": 4, "best": None, "high": 6}),
    ("sub_event_type", "Attack", "Attack"),
    ("event_type", "Riots", "Riots"),
])
def test_review_correction_is_what_the_event_shows(gao, field, value, shown):
    """A corrected field shows the reviewer's value, whatever the claims say."""
    event = only(gao)
    after = gao.correct(event.event_id, field=field, value=value, reviewer="alice")
    assert after.to_dict()[field] == shown
    stored = body(gao, event.event_id)
    assert stored["corrections"][field]["reviewer"] == "alice"
    assert stored["corrections"][field]["value"] is not None or value is None


def test_review_corrected_sub_type_brings_its_type(gao):
    """Correcting the sub-type sets its event type and disorder type from the codebook table."""
    event = only(gao)
    after = gao.correct(event.event_id, field="sub_event_type", value="Air/drone strike",
                        reviewer="alice")
    assert (after.event_type, after.disorder_type) == ("Explosions/Remote violence",
                                                       "Political violence")


def test_review_corrected_location_reaches_filters_and_exports(gao):
    """A corrected place is what the filters select on and what the ACLED export writes."""
    event = only(gao)
    gao.correct(event.event_id, field="location", reviewer="alice",
                value={"name": "Ansongo", "lat": 15.6597, "lon": 0.5022, "country": "Mali",
                       "country_code": "ML", "admin1": "Gao", "geo_precision": 1})
    assert [e.location.name for e in gao.events(country="ML")] == ["Ansongo"]
    out = io.StringIO()
    export.write_events(list(gao.events()), "acled-csv", out, articles={})
    assert "Ansongo" in out.getvalue() and "15.6597" in out.getvalue()


def test_review_corrected_values_win_when_reports_are_extracted_again(open_store):
    """Corrections hold through every re-extraction: a new report joining, a corrected
    article superseding an older version, and a re-ingest of the same text."""
    store = open_store()
    wire = doc(WIRE)
    radio = doc(RADIO, outlet="Radio Sahel", url=URL)
    ingest(store, wire, mention(wire, actor1=JNIM))
    ingest(store, radio, mention(radio, actor1=ISGS, dead=6))
    event_id = only(store).event_id
    store.correct(event_id, field="actor1", value=ISGS, reviewer="alice")
    store.correct(event_id, field="fatalities", value=7, reviewer="alice")

    late = doc(LATE, published="2023-05-09")
    ingest(store, late, mention(late, actor1=JNIM, dead=3))  # a new report joins
    fixed = doc(RADIO_FIXED, outlet="Radio Sahel", url=URL, published="2023-05-09")
    ingest(store, fixed, mention(fixed, actor1=JNIM, dead=5))  # supersedes the radio report
    assert ingest(store, wire, mention(wire, actor1=JNIM)).status == "skipped"

    event = only(store)
    assert event.event_id == event_id and radio.id not in event.extras["documents"]
    assert {late.id, fixed.id} <= set(event.extras["documents"])
    assert event.actor1 == ISGS and event.fatalities.acled == 7
    assert {c.value for c in event.claims if c.field == "actor1"} == {JNIM}


def test_review_correction_survives_its_only_report_being_superseded(open_store):
    """An event told by one report that a corrected article supersedes comes back under its
    id with the reviewer's corrections."""
    store = open_store()
    radio = doc(RADIO, outlet="Radio Sahel", url=URL)
    ingest(store, radio, mention(radio, actor1=ISGS, dead=6))
    event_id = only(store).event_id
    store.correct(event_id, field="actor1", value=JNIM, reviewer="alice")
    fixed = doc(RADIO_FIXED, outlet="Radio Sahel", url=URL, published="2023-05-09")
    ingest(store, fixed, mention(fixed, actor1=ISGS, dead=5))
    event = only(store)
    assert (event.event_id, event.actor1, event.fatalities.acled) == (event_id, JNIM, 5)


@pytest.mark.parametrize(("field", "value"), [
    ("notes", "x"), ("grade", "confirmed"), ("event_type", "Skirmish"), ("event_type", None),
    ("sub_event_type", "Ambush"), ("fatalities", -1), ("fatalities", "five"),
    ("fatalities", {"low": 6, "high": 4}), ("fatalities", True), ("fatalities", None),
    ("event_date", "2023-02-30"), ("event_date", 20230507), ("actor1", ""),
    ("actor1", "x" * 201), ("actor1", 5), ("location", {"lat": 1, "lon": 2}),
    ("location", {"name": "Gao", "lat": 91, "lon": 0}), ("location", {"name": "Gao", "lat": 1}),
    ("location", {"name": "Gao", "lat": "north", "lon": 0}), ("location", 7),
])
def test_review_bad_correction_is_e212_and_changes_nothing(gao, field, value):
    """A field that cannot be corrected, or a value not of its form, is refused with E212."""
    event = only(gao)
    before = gao.snapshot()
    with pytest.raises(ReportedlyError) as err:
        gao.correct(event.event_id, field=field, value=value, reviewer="alice")
    assert err.value.code == "E212" and gao.snapshot() == before


def test_review_correcting_an_unknown_event_is_not_found(gao):
    """A correction of an event that is not stored raises NotFound."""
    with pytest.raises(review.NotFound):
        gao.correct("nope", field="actor1", value=JNIM, reviewer="alice")


# --- merge and split ------------------------------------------------------------------------


@pytest.fixture
def two(open_store):
    """A store with the Gao attack (two reports) and a Dakar event typed the same way."""
    store = open_store()
    wire, radio, dakar = doc(WIRE), doc(RADIO, outlet="Radio Sahel"), doc(DAKAR)
    ingest(store, wire, mention(wire, actor1=JNIM))
    ingest(store, radio, mention(radio, actor1=JNIM, dead=6))
    ingest(store, dakar, mention(dakar, location=DAKAR_PLACE, dead=0))
    events = {e.location.name: e for e in store.events()}
    return store, events["Gao"], events["Dakar"], (wire, radio, dakar)


def test_review_merge_folds_the_other_event_in_and_removes_it(two):
    """Merging keeps the first id with both events' claims and documents; the other goes."""
    store, gao_event, dakar_event, (wire, radio, dakar) = two
    store.correct(dakar_event.event_id, field="actor2", value="Students (Senegal)",
                  reviewer="alice")
    merged = store.merge(gao_event.event_id, dakar_event.event_id, reviewer="alice")
    assert merged.event_id == gao_event.event_id
    assert set(merged.extras["documents"]) == {wire.id, radio.id, dakar.id}
    assert len(merged.claims) == len(gao_event.claims) + len(dakar_event.claims)
    assert store.event(dakar_event.event_id) is None and store.count()[1] == 1
    assert merged.actor2 == "Students (Senegal)"  # the other's correction moves over


@pytest.mark.parametrize("other", ["self", "nope"])
def test_review_merge_refuses_itself_or_an_unknown_event(two, other):
    """Merging an event with itself is E214; with an unknown event, NotFound."""
    store, gao_event, *_ = two
    if other == "self":
        with pytest.raises(ReportedlyError) as err:
            store.merge(gao_event.event_id, gao_event.event_id, reviewer="alice")
        assert err.value.code == "E214"
    else:
        with pytest.raises(review.NotFound):
            store.merge(gao_event.event_id, other, reviewer="alice")


def test_review_split_moves_the_listed_documents_to_a_new_event(two):
    """Splitting gives the kept event and a new one told by the listed documents alone."""
    store, gao_event, _, (wire, radio, _) = two
    kept, new = store.split(gao_event.event_id, documents=[radio.id], reviewer="alice")
    assert kept.event_id == gao_event.event_id and new.event_id != kept.event_id
    assert kept.extras["documents"] == [wire.id] and new.extras["documents"] == [radio.id]
    assert {c.evidence.doc_id for c in new.claims} == {radio.id}
    assert store.count()[1] == 3


def test_review_split_then_merge_gives_the_event_back(two):
    """A split undone by a merge gives the same documents and claims as before."""
    store, gao_event, _, (_, radio, _) = two
    _, new = store.split(gao_event.event_id, documents=[radio.id], reviewer="alice")
    back = store.merge(gao_event.event_id, new.event_id, reviewer="alice")
    assert set(back.extras["documents"]) == set(gao_event.extras["documents"])
    assert {review.claim_id(c) for c in back.claims} == {review.claim_id(c)
                                                         for c in gao_event.claims}


@pytest.mark.parametrize("which", ["none", "all", "foreign"])
def test_review_split_refuses_no_all_or_foreign_documents(two, which):
    """A split must list some, not all, of the event's own documents (E214)."""
    store, gao_event, _, (wire, radio, dakar) = two
    documents = {"none": [], "all": [wire.id, radio.id], "foreign": [dakar.id]}[which]
    before = store.snapshot()
    with pytest.raises(ReportedlyError) as err:
        store.split(gao_event.event_id, documents=documents, reviewer="alice")
    assert err.value.code == "E214" and store.snapshot() == before


def test_review_split_holds_when_a_split_document_is_fused_again(two):
    """The event of a split-off report is rebuilt on its own when that event is reviewed."""
    store, gao_event, _, (wire, radio, _) = two
    kept, new = store.split(gao_event.event_id, documents=[radio.id], reviewer="alice")
    store.correct(new.event_id, field="fatalities", value=6, reviewer="alice")
    assert store.event(kept.event_id).extras["documents"] == [wire.id]
    assert store.event(new.event_id).extras["documents"] == [radio.id]


# --- audit ----------------------------------------------------------------------------------


def test_review_audit_records_who_when_before_and_after(two):
    """Each change writes one audit record, newest first, with its reviewer, time, the state
    before and after, and the note."""
    store, gao_event, dakar_event, (_, radio, _) = two
    cid = review.claim_id(gao_event.claims[0])
    shown = store.review_claim(gao_event.event_id, cid, verdict="rejected", reviewer="alice",
                               note="n1")
    store.correct(gao_event.event_id, field="fatalities", value=9, reviewer="bob")
    store.merge(gao_event.event_id, dakar_event.event_id, reviewer="alice")
    _, new = store.split(gao_event.event_id, documents=[radio.id], reviewer="carol")
    records, total = store.audit()
    assert total == 4 and [r["action"] for r in records] == ["split", "merge", "correct",
                                                              "review"]
    assert [r["reviewer"] for r in records] == ["carol", "alice", "bob", "alice"]
    review_rec, correct_rec = records[3], records[2]
    assert review_rec["before"] == {"claim_id": cid, "review": None}
    assert review_rec["after"]["review"]["verdict"] == "rejected" and review_rec["note"] == "n1"
    assert correct_rec["before"]["value"] == shown.fatalities.to_dict()
    assert correct_rec["after"] == {"field": "fatalities", "value": {
        "acled": 9, "low": 9, "best": 9, "high": 9}}
    assert records[1]["before"]["other"] == dakar_event.event_id
    assert records[0]["after"]["new_event_id"] == new.event_id
    assert all(r["at"].endswith("+00:00") for r in records)


def test_review_audit_filters_by_event_and_reviewer_and_pages(two):
    """The audit filters by event (merges into and splits from it count), by reviewer, and
    pages with limit and offset."""
    store, gao_event, dakar_event, _ = two
    store.correct(dakar_event.event_id, field="fatalities", value=1, reviewer="bob")
    store.correct(gao_event.event_id, field="fatalities", value=2, reviewer="alice")
    store.merge(gao_event.event_id, dakar_event.event_id, reviewer="alice")
    assert store.audit(event_id=dakar_event.event_id)[1] == 2
    assert store.audit(event_id=gao_event.event_id)[1] == 2
    assert store.audit(reviewer="bob")[1] == 1
    page, total = store.audit(limit=1, offset=1)
    assert total == 3 and [r["action"] for r in page] == ["correct"]


# --- schema ---------------------------------------------------------------------------------


def test_review_migrates_a_v2_file_to_v3_keeping_its_data(tmp_path):
    """A schema v2 file opens at v3 with its events intact, their claims given ids, and
    review works on them."""
    path = tmp_path / "v2.duckdb"
    wire = doc(WIRE)
    event = replace(mention(wire, actor1=JNIM), extras={"documents": [wire.id]})
    con = duckdb.connect(str(path))
    for statement in V2_DDL:
        con.execute(statement)
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    con.execute("INSERT INTO schema_version VALUES (2)")
    con.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [wire.id, None, "Wire", None, None, None, wire.text, None, None])
    con.execute("INSERT INTO events (event_id, body) VALUES (?, ?)",
                [event.event_id, json.dumps(event.to_dict())])
    con.execute("INSERT INTO mentions VALUES (1, ?, 0, ?, ?)",
                [wire.id, event.event_id, json.dumps(event.to_dict())])
    con.close()
    with Store(path, fuser=MatchByPlace()) as store:
        assert store.schema_version() == SCHEMA_VERSION == 4
        stored = body(store, event.event_id)
        assert stored["corrections"] == {} and all(c["claim_id"] for c in stored["claims"])
        assert stored["actor1"] == JNIM
        after = store.correct(event.event_id, field="fatalities", value=2, reviewer="alice")
        assert after.fatalities.acled == 2


# --- re-resolving under another policy (`reportedly events --policy`) ------------------------


def test_review_resolved_again_under_a_policy_keeps_the_corrections(gao):
    """Stored events resolved again under another policy still show the reviewer's values."""
    from reportedly.resolve import Policy

    event = only(gao)
    assert gao.resolved_again([event], policy=Policy(toll="highest"))[0].fatalities.acled == 6
    gao.correct(event.event_id, field="fatalities", value=5, reviewer="alice")
    gao.correct(event.event_id, field="actor1", value=JNIM, reviewer="alice")
    (again,) = gao.resolved_again(gao.events(), policy=Policy(toll="highest",
                                                            contested_perpetrator="first"))
    assert again.fatalities.acled == 5 and again.actor1 == JNIM
    assert set(again.extras["corrections"]) == {"fatalities", "actor1"}


def test_review_resolved_again_under_a_policy_leaves_rejected_claims_out(gao):
    """A rejected claim does not count when the events are resolved again, but stays listed."""
    from reportedly.resolve import Policy

    event = only(gao)
    gao.review_claim(event.event_id, claim_of(event, "fatalities", "6"), verdict="rejected",
                     reviewer="alice")
    (again,) = gao.resolved_again(gao.events(), policy=Policy(toll="highest"))
    assert again.fatalities.acled == 4
    assert any(c.field == "fatalities" and c.value == "6" for c in again.claims)
