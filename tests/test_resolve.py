"""Resolve: the single actor values and the grade chosen from many claims."""

from __future__ import annotations

import pytest

from reportedly.actors import ActorResolver
from reportedly.records import Claim, Evidence, Source
from reportedly.resolve import _ranked, grade

EV = Evidence("d", 0, 1, "s")


def _claim(field, value, source, kind="official", stance="reported"):
    return Claim(field, value, value, Source(source, kind), stance, EV)


@pytest.fixture(scope="module")
def resolver() -> ActorResolver:
    return ActorResolver()


def test_resolve_named_target_beats_unidentified():
    """A named group outranks 'an armed group' told by more sources: it is more specific."""
    claims = [
        _claim("actor2", "Unidentified Armed Group (Iraq)", "a ministry"),
        _claim("actor2", "Unidentified Armed Group (Iraq)", "a local official"),
        _claim("actor2", "LDU: Lakeside Defence Units", "a local official"),
    ]
    assert _ranked(claims, "actor2")[0] == "LDU: Lakeside Defence Units"


def test_resolve_unqualified_spokesperson_speaks_for_the_perpetrator(resolver):
    """'a police spokesperson confirmed the arrests' confirms arrests by that country's
    police even when the event place resolved elsewhere."""
    claims = [
        _claim("event", "Arrests", "a police spokesperson"),
        _claim("actor1", "Police Forces of Zimbabwe (2017-)", "an opposition party", "party"),
    ]
    graded = grade(claims, resolver=resolver, country="France",
                   actor1="Police Forces of Zimbabwe (2017-)", actor1_country="Zimbabwe")
    assert graded == "confirmed"


def test_resolve_sides_blaming_each_other_is_contested(resolver):
    """Each side blames the other: contested, never confirmed."""
    claims = [
        _claim("actor1", "Military Forces of Sudan (2019-)", "the paramilitary group", "party",
               "alleged"),
        _claim("actor1", "Unidentified Armed Group (Sudan)", "the army"),
        _claim("actor1", "Rapid Support Forces", "the army"),
    ]
    assert grade(claims, resolver=resolver, country="Sudan") == "contested"


def test_resolve_branch_speaks_for_itself_only_when_named():
    """'the air force said' claims an act of '... Air Force'; an army speaking of another
    sub-force of its state ('... Rapid Support Forces') does not claim that force's acts."""
    from reportedly.resolve import _same_actor

    ua = "Military Forces of Ukraine (2019-)"
    assert _same_actor(ua, f"{ua} Air Force", "the air force")
    sd = "Military Forces of Sudan (2019-)"
    assert not _same_actor(sd, f"{sd} Rapid Support Forces", "the army")
    assert _same_actor("Military Forces of Iraq (2020-2022)", "Military Forces of Iraq (2020-)")


def test_resolve_hedged_perpetrator_is_still_coded():
    """Only hedged statements name the perpetrator ('forces presumably clashed'): a coder still
    codes the named actor rather than an unidentified one."""
    from reportedly.resolve import Policy, choose_actor1

    claims = [_claim("actor1", "Military Forces of Yemen (2012-)", "Wire", "outlet", "speculative")]
    assert choose_actor1(claims, Policy(), "Unidentified Armed Group (Yemen)") == (
        "Military Forces of Yemen (2012-)"
    )


@pytest.mark.parametrize(
    ("crowd", "expected"),
    [
        ("Israeli settlers", "Rioters (Israel)"),
        ("villagers", "Rioters (Palestine)"),
    ],
)
def test_resolve_crowd_named_by_nationality_riots_as_its_own_country(resolver, crowd, expected):
    """A crowd named by its nationality riots as Rioters of that country, not of the place."""
    from reportedly.detect import typing_for
    from reportedly.resolve import _by_type

    actor = resolver.resolve(crowd, country="Palestine")
    by_name = {actor.name: actor} if actor else {}
    typing = typing_for("Mob violence", "test")
    unknown = resolver.unidentified("Palestine")
    a1, _, _ = _by_type(typing, actor.name if actor else None, [], by_name, "Palestine",
                        resolver, unknown)
    assert a1.name == expected


@pytest.mark.parametrize(
    ("crowd", "expected"),
    [
        (["Sudanese nationals"], "Protesters (Sudan)"),
        (["Ukrainian citizens"], "Protesters (Ukraine)"),
        (["Ukrainian citizens", "residents"], "Protesters (South Korea)"),
        (["residents"], "Protesters (South Korea)"),
    ],
)
def test_resolve_protesters_abroad_are_coded_by_their_nationality(resolver, crowd, expected):
    """A crowd named only by a foreign nationality protests as Protesters of that country;
    with locals among it, it stays Protesters of the place."""
    from reportedly.detect import typing_for
    from reportedly.resolve import _by_type

    actors = [resolver.resolve(c, country="South Korea") for c in crowd]
    by_name = {a.name: a for a in actors if a is not None}
    typing = typing_for("Peaceful protest", "test")
    unknown = resolver.unidentified("South Korea")
    a1, _, _ = _by_type(typing, None, [], by_name, "South Korea", resolver, unknown)
    assert a1.name == expected


@pytest.mark.parametrize(
    ("crowd", "expected"),
    [
        (["Sudanese nationals", "students"], "Protesters (Sudan)"),
        (["Sudanese nationals", "local residents"], "Protesters (South Korea)"),
    ],
)
def test_resolve_people_of_no_named_nationality_do_not_localise_a_crowd(
    resolver, crowd, expected
):
    """'Sudanese nationals, including students': students of no nationality named tell
    none, so the crowd keeps its nationality; locals among it make it of the place."""
    from reportedly.detect import typing_for
    from reportedly.resolve import _by_type

    actors = [resolver.resolve(c, country="South Korea") for c in crowd]
    by_name = {a.name: a for a in actors if a is not None}
    typing = typing_for("Peaceful protest", "test")
    unknown = resolver.unidentified("South Korea")
    a1, _, _ = _by_type(typing, None, [], by_name, "South Korea", resolver, unknown,
                        crowd_head=actors[0])
    assert a1.name == expected


def test_resolve_mob_between_two_crowds_has_rioters_as_actor2(resolver):
    """Mob violence between two unorganised groups: Rioters on both sides."""
    from reportedly.detect import MOB_SIDES_RULE, typing_for
    from reportedly.resolve import _by_type

    typing = typing_for("Mob violence", f"{MOB_SIDES_RULE} (test)")
    unknown = resolver.unidentified("Kenya")
    a1, a2, _ = _by_type(typing, None, [], {}, "Kenya", resolver, unknown)
    assert a1.name == a2.name == "Rioters (Kenya)"


def test_resolve_a_head_word_inside_an_event_phrase_is_no_actor(pipeline):
    """'Movement of forces: ... a US military patrol': the 'forces' of the event phrase name
    no actor; the patrol's own force is coded (in Syria, the coalition)."""
    text = (
        "Movement of forces: On 3 May 2022, a US military patrol took place near Qamishli "
        "in Al Hasakeh, Syria."
    )
    events = pipeline.extract_doc(*_document(pipeline, text)).events
    main = next(e for e in events if e.role == "main")
    assert main.actor1 == "Global Coalition Against Daesh"


def _document(pipeline, text):
    from reportedly.records import Document

    document = Document.from_text(text, id="t", published="2022-05-05")
    return document, pipeline.nlp(text)


def test_resolve_the_force_that_moves_is_the_actor_of_a_change_in_activity(resolver):
    """'deployed 100 troops': the only armed actor of a change to its activity is actor1,
    even when the sentence tells it as an object."""
    from reportedly.detect import typing_for
    from reportedly.resolve import _by_type

    troops = resolver.resolve("troops", country="Myanmar")
    typing = typing_for("Change to group/activity", "test")
    unknown = resolver.unidentified("Myanmar")
    a1, a2, _ = _by_type(typing, None, [troops.name], {troops.name: troops}, "Myanmar",
                         resolver, unknown)
    assert a1.name == "Military Forces of Myanmar (2021-)" and a2 is None


def _span_event(span_text, first, end, toll):
    from reportedly.records import Event, Fatalities, Plover

    return Event(
        event_id="e1", role="main", event_type="Battles", sub_event_type="Armed clash",
        disorder_type="Political violence", plover=Plover("ASSAULT", "firearms"),
        event_date=first, time_precision=1, actor1=None, assoc_actor_1=None, actor2=None,
        assoc_actor_2=None, inter1=None, inter2=None, interaction=None,
        civilian_targeting=None, location=None, fatalities=Fatalities(toll, toll, toll, toll),
        grade="weak", extras={"span_end": end.isoformat(), "span_text": span_text},
    )


@pytest.mark.parametrize(
    ("span_text", "days", "tolls"),
    [
        ("1-3 March", 3, [5, 4, 4]),
        ("from 1 to 2 March", 2, [7, 6]),
        ("between 1 and 3 March", 1, [13]),
    ],
)
def test_resolve_a_span_of_days_is_one_event_per_day(span_text, days, tolls):
    """ACLED: one event per day, the toll split over the days (the remainder on the first);
    'between X and Y' only bounds when one event happened."""
    from datetime import date

    from reportedly.resolve import one_event_per_day

    first = date(2022, 3, 1)
    event = _span_event(span_text, first, date(2022, 3, 1 + 2 if days != 2 else 2),
                        sum(tolls))
    out = one_event_per_day(event)
    assert [e.fatalities.acled for e in out] == tolls
    assert [e.event_date for e in out] == [date(2022, 3, 1 + k) for k in range(days)]
    assert out[0].event_id == "e1" and len({e.event_id for e in out}) == days
