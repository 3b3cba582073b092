"""Claims: who is placed as actor1/actor2 by syntax, and which perpetrator statements count."""

from __future__ import annotations

import pytest

from reportedly import detect
from reportedly.claims import agent_roles, perpetrator_statements


def _sent_and_triggers(nlp, text):
    doc = nlp(text)
    hits = [h for h in detect.matcher()(doc) if h.group in detect.matcher().triggers]
    return next(doc.sents), hits


def _span(text, phrase):
    start = text.index(phrase)
    return (start, start + len(phrase), phrase)


def test_claims_nested_blame_is_not_the_speakers_claim(nlp):
    """'accused the militia of trying to blame the police' does not blame the police."""
    text = ("The army said the militia had shelled the depot, and accused the militia of trying "
            "to blame the police for the attack.")
    sent, hits = _sent_and_triggers(nlp, text)
    toks = {i for h in hits for i in range(h.start, h.end)}
    blamed = [r.text for r in perpetrator_statements(sent, toks) if r.rule.startswith("blamed")]
    assert "the police" not in blamed


def test_claims_plain_blame_names_the_perpetrator(nlp):
    """'X blamed the attack on Y' makes Y a perpetrator claim."""
    sent, hits = _sent_and_triggers(nlp, "The governor blamed the attack on bandits.")
    toks = {i for h in hits for i in range(h.start, h.end)}
    assert [r.text for r in perpetrator_statements(sent, toks)] == ["bandits"]


def test_claims_speaker_phrase_is_no_party(nlp):
    """An actor inside the speaker ('a spokesman for the militia said') is a source only."""
    text = "A spokesman for the local militia said soldiers had burned the market."
    sent, hits = _sent_and_triggers(nlp, text)
    roles = agent_roles(sent, hits, [_span(text, "the local militia"), _span(text, "soldiers")])
    assert [(r.field, r.text) for r in roles] == [("actor1", "soldiers")]


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("Fighting between the national army and Kivu rebels killed six people.",
         "the national army", "Kivu rebels"),
        ("Fighting between soldiers and rebels killed six people.", "soldiers", "rebels"),
        ("Fighting broke out between the army and the rebels near the town.",
         "the army", "the rebels"),
    ],
)
def test_claims_between_gives_both_sides_in_order(nlp, text, first, second):
    """'fighting between X and Y': X is actor1 and Y actor2, however the parser groups them."""
    sent, hits = _sent_and_triggers(nlp, text)
    spans = [_span(text, first), _span(text, second)]
    roles = {r.text: r.field for r in agent_roles(sent, hits, spans)}
    assert roles == {first: "actor1", second: "actor2"}


def test_claims_members_of_a_group_act_as_the_group(nlp):
    """'Leaders of the X community signed ...': X is where the subject stands (actor1)."""
    text = "Leaders of the Bari community signed a peace agreement on Monday."
    sent, hits = _sent_and_triggers(nlp, text)
    roles = agent_roles(sent, hits, [_span(text, "Bari community")])
    assert [r.field for r in roles] == ["actor1"]


def test_claims_agent_of_a_weapon_participle_acts(nlp):
    """'shells fired by the army hit two houses': the agent of what struck is actor1."""
    text = "Artillery shells fired by the army hit two houses in the village."
    sent, hits = _sent_and_triggers(nlp, text)
    roles = agent_roles(sent, hits, [_span(text, "the army")])
    assert [r.field for r in roles] == ["actor1"]


def test_claims_actor_phrase_misparsed_as_auxiliary_still_acts(nlp):
    """'IS members attacked ...' parsed with 'IS' as an auxiliary: the noun heads the actor."""
    text = "On 26 April 2022, IS members attacked army positions near the town."
    sent, hits = _sent_and_triggers(nlp, text)
    roles = {r.text: r.field for r in agent_roles(sent, hits, [_span(text, "IS members")])}
    assert roles == {"IS members": "actor1"}


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("A US military patrol took place near the town on Monday.", "US military"),
        ("The army's raid on the village began at dawn on Monday.", "army"),
    ],
)
def test_claims_owner_of_an_event_noun_acts(nlp, text, phrase):
    """'a US military patrol', 'the army's raid': the name that modifies the event noun is
    whose act it is (actor1), not its object."""
    sent, hits = _sent_and_triggers(nlp, text)
    roles = agent_roles(sent, hits, [_span(text, phrase)])
    assert [(r.field, r.text) for r in roles] == [("actor1", phrase)]
