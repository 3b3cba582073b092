"""Fusion across documents: many reports of one event become one Event, distractors stay apart.

The story fixtures (tests/fixtures/stories, indexed by stories.json) are run through the real
pipeline; each report's main events are fused incrementally in three orders and in batch,
and the merging is scored pairwise against the index. Hand-built events pin each rule.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from conftest import shared_dir
from reportedly import fuse
from reportedly.records import (
    Claim,
    Document,
    Event,
    Evidence,
    Fatalities,
    Location,
    Plover,
    Source,
)
from reportedly.resolve import Policy

STORIES = Path(__file__).parent / "fixtures" / "stories"
INDEX = json.loads((STORIES / "stories.json").read_text(encoding="utf-8"))


# --- the story fixtures through the pipeline -------------------------------------------------


def _entries() -> list[tuple[Path, dict]]:
    out = [(STORIES / r["path"], r) for r in INDEX["reports"]]
    shared = shared_dir()
    out += [(shared / r["path"], r) for r in INDEX["shared"] if (shared / r["path"]).is_file()]
    return out


@pytest.fixture(scope="module")
def extracted(pipeline) -> list[tuple[dict, list[Event]]]:
    """Every report with its main events, as the pipeline reads it."""
    entries = _entries()
    docs = [Document.from_text(p.read_text(encoding="utf-8"), published=r["published"],
                               outlet=r["outlet"], path=str(p)) for p, r in entries]
    return [(r, [e for e in x.events if e.role == "main"])
            for (_, r), x in zip(entries, pipeline.pipe(docs), strict=True)]


def _labelled(extracted) -> tuple[list[Event], dict[str, dict]]:
    events, label = [], {}
    for r, evs in extracted:
        for e in evs:
            events.append(e)
            label[e.event_id] = r
    return events, label


def _incremental(events: list[Event]) -> list[list[Event]]:
    """Fuse one by one as a store would: match against what is stored, merge or add."""
    fuser = fuse.Fuser()
    stored: list[Event] = []
    members: dict[str, list[Event]] = {}
    for event in events:
        target = fuser.match(event, stored)
        if target is None:
            stored.append(fuser.finish(event))
            members[event.event_id] = [event]
        else:
            stored[stored.index(target)] = fuser.merge(target, event)
            members[target.event_id].append(event)
    return list(members.values())


def _pairwise(clusters: list[list[Event]], label: dict[str, dict]) -> tuple[float, float]:
    """Pairwise precision and recall of the merging: a pair is gold when both events come
    from reports of the same story (distractors pair with nothing)."""
    predicted = {tuple(sorted((a.event_id, b.event_id)))
                 for c in clusters for a, b in itertools.combinations(c, 2)}
    gold = {tuple(sorted((a, b))) for a, b in itertools.combinations(label, 2)
            if label[a]["story"] == label[b]["story"]
            and not label[a]["story"].startswith("distractor:")}
    hits = len(predicted & gold)
    return (hits / len(predicted) if predicted else 1.0, hits / len(gold) if gold else 1.0)


ORDERS = {
    "original": lambda evs: list(evs),
    "reversed": lambda evs: list(reversed(evs)),
    "shuffled": lambda evs: random.Random(20240314).sample(evs, len(evs)),
}


def _all_orders(events: list[Event]) -> dict[str, list[list[Event]]]:
    out = {name: _incremental(order(events)) for name, order in ORDERS.items()}
    out["batch (cluster)"] = fuse.cluster(events)
    return out


def test_fuse_fixtures_index_is_complete():
    """The index names every report file, at least 6 stories of 3-5 reports and 6 distractors."""
    files = {p.relative_to(STORIES).as_posix() for p in STORIES.rglob("*.txt")}
    assert files == {r["path"] for r in INDEX["reports"]}
    stories = {r["story"] for r in INDEX["reports"] if not r["story"].startswith("distractor:")}
    sizes = {s: sum(r["story"] == s for r in INDEX["reports"]) for s in stories}
    assert len(stories - {"al-qaim"}) >= 6
    assert all(3 <= sizes[s] <= 5 for s in stories - {"al-qaim"})
    assert all(n <= 5 for n in sizes.values())
    assert not any("pipeline_gap" in r for r in INDEX["reports"])  # every report counts
    assert sum(r["story"].startswith("distractor:") for r in INDEX["reports"]) >= 6


def test_fuse_stories_precision_recall_in_every_order(extracted):
    """Incremental fusion in three orders and batch clustering score >= 0.95 pairwise."""
    events, label = _labelled(extracted)
    rows = []
    for name, clusters in _all_orders(events).items():
        p, r = _pairwise(clusters, label)
        rows.append((name, p, r, len(clusters)))
    table = "\n".join([f"{'order':<18}{'precision':>10}{'recall':>8}{'events':>8}"]
                      + [f"{n:<18}{p:>10.3f}{r:>8.3f}{k:>8}" for n, p, r, k in rows])
    reports = len({r["path"] for r in label.values()})
    print(f"\nfusion of {len(events)} main events from {reports} reports\n{table}")
    assert all(p >= 0.95 and r >= 0.95 for _, p, r, _ in rows), table


@pytest.mark.parametrize("order", [*ORDERS, "batch (cluster)"])
def test_fuse_each_story_is_one_event_without_distractors(extracted, order):
    """Every story ends as exactly one event holding all its reports and no distractor."""
    events, label = _labelled(extracted)
    clusters = _all_orders(events)[order]
    for story in {r["story"] for r in label.values() if not r["story"].startswith("distractor:")}:
        holding = [c for c in clusters if any(label[e.event_id]["story"] == story for e in c)]
        assert len(holding) == 1, (story, [[label[e.event_id]["path"] for e in c] for c in holding])
        paths = {label[e.event_id]["path"] for e in holding[0]}
        expected = {r["path"] for r in label.values() if r["story"] == story}
        assert paths == expected
        assert all(label[e.event_id]["story"] == story for e in holding[0])


def test_fuse_story_event_keeps_every_source(extracted):
    """A fused story keeps every source and claim of its reports and every document id."""
    events, label = _labelled(extracted)
    fuser = fuse.Fuser()
    for members in fuse.cluster(events):
        merged = fuser.finish(members[0])
        for e in members[1:]:
            merged = fuser.merge(merged, e)
        assert {s for e in members for s in e.sources} <= set(merged.sources)
        assert {fuse.claim_key(c) for e in members for c in e.claims} == {
            fuse.claim_key(c) for c in merged.claims}
        assert set(merged.extras["documents"]) == {e.claims[0].evidence.doc_id for e in members}
        assert merged.extras["number_of_sources"] == len(merged.sources)


def test_fuse_cluster_is_order_independent(extracted):
    """cluster() gives the same clusters whatever the input order."""
    events, _ = _labelled(extracted)

    def shape(clusters):
        return sorted(sorted(e.event_id for e in c) for c in clusters)

    first = shape(fuse.cluster(events))
    for seed in (1, 2, 3):
        assert shape(fuse.cluster(random.Random(seed).sample(events, len(events)))) == first


def test_fuse_al_qaim_three_reports_make_one_graded_event(extracted):
    """The founding report and two later ones fuse into one event with all their claims."""
    seed = [(r, evs) for r, evs in extracted if r["path"].startswith("seeds/")]
    if not seed:
        pytest.skip("../shared/seeds is absent")
    reports = [(r, evs) for r, evs in extracted if r["story"] == "al-qaim"]
    assert len(reports) == 3
    fuser = fuse.Fuser()
    stored: list[Event] = []
    for _, evs in reports:
        for e in evs:
            target = fuser.match(e, stored)
            if target is None:
                stored.append(fuser.finish(e))
            else:
                stored[stored.index(target)] = fuser.merge(target, e)
    strikes = [e for e in stored if e.sub_event_type == "Air/drone strike"]
    assert len(strikes) == 1
    event = strikes[0]
    assert len(event.extras["documents"]) == 3
    docs = {c.evidence.doc_id for c in event.claims}
    assert docs == set(event.extras["documents"])
    assert {"Syrian Observatory for Human Rights", "Step News Agency"} <= set(event.sources)
    assert len(event.sources) == event.extras["number_of_sources"] >= 9
    assert any(c.field == "actor1" and c.stance == "denied" for c in event.claims)
    assert any(c.field == "fatalities" and c.value == "4" for c in event.claims)
    assert event.fatalities.acled == 4
    assert event.grade == "contested"
    assert event.actor1 == "Unidentified Military Forces"
    assert event.event_date == date(2021, 2, 10)


# --- hand-built events for each rule ---------------------------------------------------------


def _claim(field: str, value: str, *, doc: str = "d1", source: str = "Wire", kind: str = "outlet",
           stance: str = "asserted", start: int = 0, sentence: str = "") -> Claim:
    return Claim(field, value, value, Source(source, kind), stance,
                 Evidence(doc, start, start + 5, sentence or f"{value} happened."))


def _place(name="Kherson", lat=46.6354, lon=32.6169, precision=1, cc="UA", admin1="Kherson"):
    return Location(name, None, lat, lon, "Ukraine", cc, admin1, None, precision, precision)


def _event(*, eid="e1", doc="d1", sub="Shelling/artillery/missile attack",
           etype="Explosions/Remote violence", day=date(2023, 11, 7), precision=1,
           stated=True, place=None, actor1="Military Forces of Russia (2000-)",
           actor2="Civilians (Ukraine)", toll=None, sentence="Russian shells hit the market.",
           source="Wire", claims=()) -> Event:
    base = [_claim("event", sub, doc=doc, source=source, sentence=sentence)]
    if stated and day:
        base.append(_claim("event_date", day.isoformat(), doc=doc, source=source, start=10,
                           sentence=sentence))
    if actor1:
        base.append(_claim("actor1", actor1, doc=doc, source=source, start=20,
                           sentence=sentence))
    if toll is not None:
        base.append(_claim("fatalities", str(toll), doc=doc, source=source, start=30,
                           sentence=sentence))
    return Event(
        event_id=eid, role="main", event_type=etype, sub_event_type=sub,
        disorder_type="Political violence", plover=Plover("ASSAULT", None), event_date=day,
        time_precision=precision, actor1=actor1, assoc_actor_1=None, actor2=actor2,
        assoc_actor_2=None, inter1=1 if actor1 else None, inter2=7 if actor2 else None,
        interaction=17, civilian_targeting=None,
        location=_place() if place is None else (place or None),
        fatalities=Fatalities(toll, toll, toll, toll) if toll is not None else Fatalities(),
        grade="weak", claims=(*base, *claims), sources=(source,), notes="")


@pytest.mark.parametrize(("a", "b", "expected"), [
    (("Explosions/Remote violence", "Air/drone strike"),
     ("Explosions/Remote violence", "Air/drone strike"), 1.0),
    (("Explosions/Remote violence", "Air/drone strike"),
     ("Explosions/Remote violence", "Shelling/artillery/missile attack"), 0.6),
    (("Explosions/Remote violence", "Air/drone strike"), ("Battles", "Armed clash"), 0.4),
    (("Explosions/Remote violence", "Suicide bomb"), ("Violence against civilians", "Attack"), 0.4),
    (("Protests", "Peaceful protest"), ("Riots", "Violent demonstration"), 0.4),
    (("Explosions/Remote violence", "Suicide bomb"),
     ("Explosions/Remote violence", "Shelling/artillery/missile attack"), None),
    (("Protests", "Peaceful protest"), ("Battles", "Armed clash"), None),
    (("Strategic developments", "Arrests"), ("Strategic developments", "Agreement"), None),
    (("Strategic developments", "Arrests"), ("Violence against civilians", "Attack"), None),
])
def test_fuse_type_compatibility(a, b, expected):
    """Same sub-type, same type, compatible pairs score; other pairs and weapons veto."""
    ea = _event(etype=a[0], sub=a[1])
    eb = _event(etype=b[0], sub=b[1], eid="e2", doc="d2")
    assert fuse.type_score(ea, eb) == expected


@pytest.mark.parametrize(("day_b", "stated", "precision", "expected"), [
    (date(2023, 11, 7), True, 1, 1.0),
    (date(2023, 11, 8), True, 1, 0.2),
    (date(2023, 11, 8), False, 1, 0.4),
    (date(2023, 11, 9), True, 1, None),      # two stated days two days apart
    (date(2023, 11, 9), False, 1, 0.2),      # a publication-day fallback within the window
    (date(2023, 11, 11), False, 1, None),    # out of the 3-day window
    (date(2023, 11, 14), True, 2, 0.5),      # week precision widens the window
    (date(2019, 11, 7), True, 1, None),      # years away never matches
])
def test_fuse_date_window(day_b, stated, precision, expected):
    """Dates score by days apart, within a window set by their precision."""
    a = _event()
    b = _event(eid="e2", doc="d2", day=day_b, stated=stated, precision=precision)
    got = fuse.date_score(a, b)
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(("b", "expected"), [
    (_place("Kherson", 46.6354, 32.6169), 1.0),
    (_place("Kherson", 46.70, 32.62, precision=2), 1.0),                    # 7 km, "near"
    (_place("Bilozerka", 46.6265, 32.4445), "two precise places"),         # 13 km, both precise
    (_place("Mykolaiv", 46.975, 31.995), "km apart"),                      # 60 km
    (_place("Kherson Oblast", 46.75, 33.35, precision=3), 0.25),           # region, other name
])
def test_fuse_place_rules(b, expected):
    """Haversine distance scored by precision; far or distinct precise places veto."""
    got = fuse.place_score(_place(), b)
    if isinstance(expected, str):
        assert isinstance(got, str) and expected in got
    else:
        assert got == pytest.approx(expected)


def test_fuse_border_strike_matches_across_countries():
    """Places either side of a border a few km apart are not vetoed for their countries."""
    qaim = Location("Al Qa'im", None, 34.37, 41.09, "Iraq", "IQ", "Al-Anbar", None, 2, 2)
    bukamal = Location("Albu Kamal", None, 34.4523, 40.9185, "Syria", "SY", "Deir ez-Zor",
                       None, 2, 2)
    assert isinstance(fuse.place_score(qaim, bukamal), float)


def test_fuse_haversine_known_distance():
    """Kherson to Mykolaiv is about 60 km."""
    assert fuse.haversine_km(46.6354, 32.6169, 46.975, 31.995) == pytest.approx(60, abs=3)


def test_fuse_missing_location_needs_strong_evidence():
    """Without a location a mention matches only on the same day, shared actor, similar text."""
    stored = _event()
    weak = _event(eid="e2", doc="d2", place=False, actor1=None, actor2=None,
                  sentence="Shells fell somewhere in the south.")
    strong = _event(eid="e3", doc="d3", place=False, sentence="Russian shells hit the market.")
    assert fuse.score(weak, stored).veto == "no location and weak other evidence"
    assert fuse.score(strong, stored).matches


@pytest.mark.parametrize(("sentence", "place", "matches"), [
    # the geocoder found no place, but the words name the town the other report located
    ("Three civilians died when Russian troops shelled the central market of Kherson.",
     fuse.NAMED_PLACE, True),
    # naming another town, or none, leaves the unlocated report to the strong-evidence rule
    ("Three civilians died when Russian troops shelled the market of Mykolaiv.", None, False),
    ("Three civilians died when Russian troops shelled a market.", None, False),
])
def test_fuse_unlocated_report_naming_the_place_is_placed_there(sentence, place, matches):
    """An unlocated report whose sentences name the other report's place scores that place
    as named (not as unknown), so it can match without the strong-evidence exception."""
    stored = _event(sentence="Russian shells hit the central market in Kherson.", toll=3)
    new = _event(eid="e2", doc="d2", place=False, actor1=None, actor2=None, toll=3,
                 sentence=sentence)
    s = fuse.score(new, stored, weights=fuse.idf([stored, new]))
    assert fuse.names_place(new, stored) == (place is not None)
    assert s.matches == matches
    if place is not None:
        assert s.parts["place"] == place


def test_fuse_region_coded_report_naming_the_town_shares_its_place():
    """A report coded only to the region, whose sentences name the town another report
    located precisely, shares that place; a town it does not name stays a region's 0.25."""
    region = _place("Kherson Oblast", 46.75, 33.35, precision=3)
    town = _event(sentence="Russian shells hit houses in Bilozerka.")
    town = replace(town, location=_place("Bilozerka", 46.6265, 32.4445))
    naming = _event(eid="e2", doc="d2", place=region,
                    sentence="Russian shelling killed two residents of Bilozerka.")
    silent = _event(eid="e3", doc="d3", place=region,
                    sentence="Russian shelling killed two residents of a village.")
    assert fuse.score(naming, town).parts["place"] == 1.0
    assert fuse.score(silent, town).parts["place"] == 0.25
    # a precisely located report is never re-placed by the names in its text
    assert not fuse.names_place(town, naming)


def test_fuse_report_without_event_claim_is_told_by_its_other_claims():
    """A document with no event claim is compared by the sentences of its other claims."""
    base = _event(doc="d9", sentence="A car bomb killed eight soldiers at the checkpoint.",
                  toll=8)
    bare = replace(base, claims=tuple(c for c in base.claims if c.field != "event"))
    assert fuse.event_texts(bare) == {"d9": "car bomb killed eight soldiers checkpoint"}


@pytest.mark.parametrize("text", [
    "A car bomber targeted a military checkpoint in Mogadishu on Thursday, killing seven "
    "people.",
    "Al-Shabaab claimed a suicide car bombing at a checkpoint in Mogadishu on Thursday that "
    "killed eight people.",
    "A suicide car bomb killed eight soldiers at a checkpoint in Mogadishu on Thursday.",
])
def test_fuse_car_bomb_reports_are_typed_alike(pipeline, text):
    """However a report words a car bombing driven to its target ('car bomber', 'suicide car
    bombing', 'suicide car bomb'), it is typed Suicide bomb, so its reports can fuse."""
    events = pipeline(Document.from_text(text, published="2024-03-14")).events
    assert [e.sub_event_type for e in events if e.role == "main"] == ["Suicide bomb"]


@pytest.mark.parametrize(("a1", "a2", "expected"), [
    ("Military Forces of Russia (2000-)", "Military Forces of Russia (2022-)", 1.0),
    ("Military Forces of Russia (2000-)", None, 0.5),
    ("Military Forces of Russia (2000-)", "Unidentified Armed Group (Ukraine)", 0.5),
    ("Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)", 0.0),
])
def test_fuse_actor_compatibility(a1, a2, expected):
    """Named actors shared (whatever the period) agree; generic ones say nothing."""
    a = _event(actor1=a1, actor2=None)
    b = _event(eid="e2", doc="d2", actor1=a2, actor2=None)
    assert fuse.actor_score(a, b) == expected


def test_fuse_text_similarity_prefers_the_same_story():
    """Rare shared words ('market') weigh more than the vocabulary every report shares."""
    a = _event(sentence="Russian shells hit the central market in Kherson, killing traders.")
    same = _event(eid="e2", doc="d2", sentence="Russian shelling struck the Kherson market.")
    other = _event(eid="e3", doc="d3", sentence="Russian shells hit a bus stop in Kherson.")
    pool = [_event(eid=f"p{n}", doc=f"p{n}", sentence=f"Russian shells hit Kherson {w}.")
            for n, w in enumerate(("homes", "a school", "a port", "a hospital"))]
    weights = fuse.idf([a, same, other, *pool])
    assert fuse.text_score(a, same, weights=weights) > fuse.text_score(a, other, weights=weights)


@pytest.mark.parametrize(("a", "b", "expected"), [
    (Fatalities(3, 3, 3, 3), Fatalities(4, 4, 4, 4), 0.8),
    (Fatalities(3, 3, None, 5), Fatalities(4, 4, 4, 4), 1.0),
    (Fatalities(0), Fatalities(4, 4, 4, 4), 0.5),
])
def test_fuse_toll_agreement(a, b, expected):
    """Overlapping tolls agree; otherwise the ratio of the nearer ends; unknown is neutral."""
    assert fuse.toll_score(a, b) == pytest.approx(expected)


def test_fuse_threshold_separates_next_day_same_town():
    """A report of the next day in the same town, both days stated, does not match."""
    a = _event(sentence="Russian shells hit the central market in Kherson.")
    b = _event(eid="e2", doc="d2", day=date(2023, 11, 8),
               sentence="A Russian shell hit a bus stop in Kherson.")
    assert not fuse.score(b, a, weights=fuse.idf([a, b])).matches


# --- merging ---------------------------------------------------------------------------------


def test_fuse_merge_same_document_twice_changes_nothing():
    """Merging a document already merged leaves the event as it was."""
    fuser = fuse.Fuser()
    a = fuser.finish(_event(toll=3))
    b = _event(eid="e2", doc="d2", toll=4, source="Other Wire")
    once = fuser.merge(a, b)
    assert fuser.match(b, [once]) is once
    assert fuser.merge(once, b) == once
    assert fuser.merge(once, b).extras == once.extras


def test_fuse_merge_keeps_claims_sources_and_id():
    """Every claim (deduplicated) and source of both; the stored event id; doc ids listed."""
    fuser = fuse.Fuser()
    a = _event(toll=3)
    b = _event(eid="e2", doc="d2", toll=5, source="Other Wire")
    merged = fuser.merge(a, b)
    assert merged.event_id == "e1"
    assert len(merged.claims) == len(a.claims) + len(b.claims)
    assert merged.sources == ("Wire", "Other Wire")
    assert merged.extras["documents"] == ["d1", "d2"]
    assert merged.extras["number_of_sources"] == 2


@pytest.mark.parametrize(("policy", "acled"), [(Policy(), 3), (Policy(toll="highest"), 5)])
def test_fuse_merge_toll_across_documents(policy, acled):
    """ACLED's lowest reported figure (or the highest by policy); low = min, high = max."""
    merged = fuse.Fuser(policy).merge(_event(toll=3), _event(eid="e2", doc="d2", toll=5,
                                                              source="Other Wire"))
    assert (merged.fatalities.acled, merged.fatalities.low, merged.fatalities.high) == (acled, 3, 5)


def test_fuse_merge_grades_two_independent_outlets_fair():
    """One outlet alone is weak; two outlets telling the event make it fair."""
    fuser = fuse.Fuser()
    a = _event(actor1=None)
    assert fuser.merge(a, a).grade == "weak"
    merged = fuser.merge(a, _event(eid="e2", doc="d2", actor1=None, source="Other Wire"))
    assert merged.grade == "fair"


def test_fuse_merge_competing_perpetrators_is_contested():
    """Two sources naming different perpetrators make the event contested, actor1 unknown."""
    fuser = fuse.Fuser()
    a = _event(actor1="Military Forces of Israel (2021-2022)", sub="Air/drone strike")
    b = _event(eid="e2", doc="d2", actor1="Global Coalition Against Daesh",
               sub="Air/drone strike", source="Other Wire")
    merged = fuser.merge(a, b)
    assert merged.grade == "contested"
    assert merged.actor1 == "Unidentified Military Forces"


@pytest.mark.parametrize(("stored", "new", "expected"), [
    ((date(2023, 11, 7), 1), (date(2023, 11, 8), 1), (date(2023, 11, 7), 1)),
    ((date(2023, 11, 8), 1), (date(2023, 11, 7), 1), (date(2023, 11, 7), 1)),
    ((date(2023, 11, 15), 3), (date(2023, 11, 7), 1), (date(2023, 11, 7), 1)),
    ((date(2023, 11, 7), 1), (date(2023, 11, 15), 3), (date(2023, 11, 7), 1)),
])
def test_fuse_merge_date_earliest_precise(stored, new, expected):
    """The earliest precise date is kept unless a later report gives a more precise one."""
    a = _event(day=stored[0], precision=stored[1])
    b = _event(eid="e2", doc="d2", day=new[0], precision=new[1], source="Other Wire")
    merged = fuse.Fuser().merge(a, b)
    assert (merged.event_date, merged.time_precision) == expected


def test_fuse_match_never_joins_two_events_of_one_document():
    """A report's second event is never merged into its first."""
    a = fuse.Fuser().finish(_event())
    b = replace(_event(eid="e2", day=date(2023, 11, 7)),
                claims=(_claim("event", "Shelling/artillery/missile attack", start=99),))
    assert fuse.Fuser().match(b, [a]) is None


def test_fuse_cluster_of_nothing_is_empty():
    """No events, no clusters."""
    assert fuse.cluster([]) == []
