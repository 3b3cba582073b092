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
