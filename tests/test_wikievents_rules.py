"""The detection rules made for sentence-level event detection (WikiEvents), each on a
wire-copy sentence of our own: what tells an attack, what names one without telling it."""

from __future__ import annotations

import pytest

from reportedly import detect, pipeline, timex
from reportedly.evaluate.common import extraction_events
from reportedly.pipeline import extract


def _sent(nlp, text: str, index: int = 0):
    doc = nlp(text)
    return doc, list(doc.sents)[index]


def _hit(doc, word: str):
    hits = [h for h in detect.matcher()(doc) if h.span(doc).root.text == word]
    assert hits, f"no cue on {word!r}"
    return hits[0]


def _hits_in(doc, sent):
    return [h for h in detect.matcher()(doc) if sent.start <= h.start < sent.end]


def _times_in(text: str, sent):
    return [t for t in timex.find_dates(text) if sent.start_char <= t.start < sent.end_char]


@pytest.mark.parametrize(
    ("text", "habitual"),
    [
        ("Roadside bomb kills two soldiers in town\n\nThe bomb went off on Monday.", False),
        ("The rebels are careful. Their drones target army depots in the north.", True),
    ],
)
def test_wikievents_present_tense_headline_is_not_habitual(nlp, text, habitual):
    """A headline tells a past event in the present tense; a body sentence so told is a habit."""
    doc = nlp(text)
    sent = next(s for s in doc.sents if any(h.group in detect.matcher().triggers
                                            for h in _hits_in(doc, s)))
    assert detect.is_habitual(sent, _hits_in(doc, sent)) is habitual


@pytest.mark.parametrize(
    ("text", "irrealis"),
    [
        ("Police called the explosion a deliberate attack on the market.", False),
        ("The group threatened to attack the market again.", True),
    ],
)
def test_wikievents_calling_it_an_attack_names_it(nlp, text, irrealis):
    """'called the explosion an attack' names an event that happened; a threat does not."""
    doc, sent = _sent(nlp, text)
    assert detect.is_irrealis(sent, _hits_in(doc, sent)) is irrealis


@pytest.mark.parametrize(
    ("text", "word", "told"),
    [
        ("Lone attackers show similar patterns, the study found.", "attackers", False),
        ("Gunmen opened fire on the bus outside the town.", "Gunmen", True),
    ],
)
def test_wikievents_attackers_doing_no_violence_tell_no_act(nlp, text, word, told):
    """The doers of violence tell the act only as the subject of a violent verb."""
    doc = nlp(text)
    assert detect.tells_act(_hit(doc, word), doc) is told


@pytest.mark.parametrize(
    ("text", "word", "told"),
    [
        ("The trader was held on charges of murder for two years.", "murder", False),
        ("A gang murdered the trader outside his shop.", "murdered", True),
    ],
)
def test_wikievents_charge_of_murder_names_an_offence(nlp, text, word, told):
    """A bare crime noun after a charge names an offence in law, not the event."""
    doc = nlp(text)
    assert detect.tells_act(_hit(doc, word), doc) is told


@pytest.mark.parametrize(
    ("text", "natural"),
    [
        ("Nine people have died of the disease in the camp, health workers said.", True),
        ("Nine people died when gunmen stormed the camp, health workers said.", False),
    ],
)
def test_wikievents_deaths_beside_a_disease_are_not_violence(nlp, text, natural):
    """Deaths told beside a disease tell no violence; deaths beside an attack do."""
    doc, sent = _sent(nlp, text)
    assert detect.is_natural_death(sent, _hits_in(doc, sent)) is natural


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("The town is quiet.\n- Suicide bombings\nThe bomb went off at noon.", True),
        ("The town is quiet.\nCar bombs and rockets\nThe bomb went off at noon.", True),
        ("The town is quiet.\nBomb kills three at market\nThe bomb went off at noon.", False),
    ],
)
def test_wikievents_verbless_heading_tells_no_event(nlp, text, heading):
    """A line of its own with no verb (a heading, a list item) names a topic, not an event."""
    doc, sent = _sent(nlp, text, index=1)
    assert detect.is_heading(sent) is heading


@pytest.mark.parametrize(
    ("text", "record"),
    [
        ("The group has responded with bombings in the capital.", True),
        ("The group has carried out the bombing in the capital.", False),
    ],
)
def test_wikievents_perfect_with_bare_plural_is_a_record(nlp, text, record):
    """A bare plural event noun in the present perfect, with no day, is a record of acts."""
    doc, sent = _sent(nlp, text)
    assert detect.is_perfect_record(sent, _hits_in(doc, sent)) is record


@pytest.mark.parametrize(
    ("text", "ongoing"),
    [
        ("It was the first death of a soldier in the province since 2017.", False),
        ("The insurgents have killed hundreds of villagers since 2017.", True),
        ("Fighting broke out in mid-April and has since spread to the north.", True),
        ("Fighting broke out in mid-April near the border, residents said.", False),
    ],
)
def test_wikievents_ongoing_only_for_a_period_in_the_perfect(nlp, text, ongoing):
    """A running total is told in the perfect over a period, in the event's clause or one
    joined to it; 'the first death since 2017' dates one event."""
    doc, sent = _sent(nlp, text)
    assert pipeline._ongoing(sent, _times_in(text, sent), _hits_in(doc, sent)) is ongoing


@pytest.mark.parametrize(
    ("text", "word", "presupposed"),
    [
        ("The road was closed after the explosion.", "explosion", True),
        ("He carried the bombs to the street before detonating them.", "detonating", False),
    ],
)
def test_wikievents_verb_in_time_phrase_is_told(nlp, text, word, presupposed):
    """An event noun in a time phrase is presupposed; a verb there is told."""
    doc = nlp(text)
    tok = next(t for t in doc if t.text == word)
    assert pipeline._presupposed(tok) is presupposed


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Roadside bomb kills two soldiers\nGunmen opened fire on a bus on Monday.", 2),
        ("Gunmen opened fire on a bus in the\nnorthern town on Monday.", 1),
        ("Gunmen opened fire on a bus near the town,\nkilling two passengers.", 1),
    ],
)
def test_wikievents_line_break_ends_sentence_unless_it_runs_on(nlp, text, sentences):
    """A line break ends a sentence unless the line plainly runs on into the next."""
    assert len(list(nlp(text).sents)) == sentences


@pytest.mark.parametrize(
    ("text", "word", "harm"),
    [
        ("Several police officers were injured in the clashes.", "injured", True),
        ("Several police officers may be injured in the clashes.", "injured", False),
        ("Officers injured in the clashes were taken to hospital.", "injured", False),
    ],
)
def test_wikievents_past_passive_harm_tells_the_event_happened(nlp, text, word, harm):
    """'officers were injured' is word that violence took place; a possible or named injury
    is not."""
    doc = nlp(text)
    assert detect.tells_harm(_hit(doc, word), doc) is harm


@pytest.mark.parametrize(
    ("text", "word", "earlier"),
    [
        ("The car was returned to its owner, who said he had bought it two months ago.",
         "ago", True),
        ("Police said gunmen had attacked the post two days ago.", "ago", False),
    ],
)
def test_wikievents_time_of_earlier_past_perfect_act_does_not_date_event(
    nlp, text, word, earlier
):
    """A time in a past-perfect clause with no event word dates an earlier act, not the event."""
    doc, sent = _sent(nlp, text)
    expr = next(t for t in _times_in(text, sent) if word in t.text)
    hits = _hits_in(doc, sent)
    assert pipeline._earlier_act_time(doc, expr, hits) is earlier


REMENTION = (
    "A car bomb exploded at an army checkpoint in Mogadishu on Monday, killing three "
    "soldiers, police said. Traffic was halted for hours after the explosion, a shopkeeper "
    "said."
)


def test_wikievents_remention_is_evidence_but_no_source():
    """'halted after the explosion' is evidence of the event with an unknown stance, so its
    speaker does not make the event fairly sourced."""
    ext = extract(REMENTION, published="2022-05-18")
    main = next(e for e in extraction_events(ext) if e["role"] == "main")
    by_sentence = {
        c["evidence"]["sentence"][:7]: c["stance"] for c in main["claims"] if c["field"] == "event"
    }
    assert by_sentence.get("Traffic") == "unknown"
    assert by_sentence.get("A car b") in ("asserted", "reported", "alleged")
    assert main["grade"] == "weak"
