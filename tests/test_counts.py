"""Specifications of reportedly.counts: casualty expressions and their ACLED figures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportedly.counts import (
    Toll,
    acled_fatalities,
    combine,
    parse_tolls,
    split_over_days,
    to_fatalities,
)
from reportedly.lexicons import load
from reportedly.records import Fatalities


def _summary(text: str) -> list[tuple]:
    return [(t.kind, t.low, t.high) for t in parse_tolls(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At least 1,200 people were killed in the fighting.", [("killed", 1200, 1200)]),
        ("The blast killed thirty-nine people.", [("killed", 39, 39)]),
        ("Two hundred and fifty people died in the floods.", [("killed", 250, 250)]),
        ("A roadside bomb killed a soldier near the town.", [("killed", 1, 1)]),
        ("Gunmen shot dead a civilian on Tuesday.", [("killed", 1, 1)]),
        ("Militants killed him at his home.", [("killed", 1, 1)]),
        ("One person died in the attack.", [("killed", 1, 1)]),
        ("The strike killed three, medics said.", [("killed", 3, 3)]),
        ("The clashes left 5 dead.", [("killed", 5, 5)]),
        ("The attack claimed the lives of 14 villagers.", [("killed", 14, 14)]),
        ("The death toll rose to 12 on Friday.", [("killed", 12, 12)]),
        ("Between 30 and 57 people were killed in those airstrikes.", [("killed", 30, 57)]),
        ("Officials said 30 to 57 people died.", [("killed", 30, 57)]),
        ("Rescuers said 30-57 people died.", [("killed", 30, 57)]),
        ("Two or three people were killed.", [("killed", 2, 3)]),
        ("A dozen soldiers died.", [("killed", 12, 12)]),
        ("Half a dozen people were killed.", [("killed", 6, 6)]),
        ("Nearly 40 people were killed.", [("killed", 40, 40)]),
        ("Israeli strikes killed 5 Palestinians.", [("killed", 5, 5)]),
        ("Five people, including two children, were reportedly killed.", [("killed", 5, 5)]),
        ("A 12-year-old boy was killed.", [("killed", 1, 1)]),
    ],
)
def test_counts_reads_fatality_figures(text: str, expected: list[tuple]) -> None:
    """Numerals, number words, articles, ranges and casualty verbs give the stated figures."""
    assert _summary(text) == expected


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("At least 12 people were killed.", "at least"),
        ("More than 20 soldiers died.", "more than"),
        ("Nearly 40 people were killed.", "up to"),
        ("Up to 7 fighters died.", "up to"),
        ("About 20 civilians were killed.", "about"),
        ("12 people were killed.", None),
    ],
)
def test_counts_normalises_qualifiers(text: str, qualifier: str | None) -> None:
    """Qualifiers are kept, normalised to at least / more than / up to / about."""
    (toll,) = parse_tolls(text)
    assert toll.qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "vague", "acled"),
    [
        ("Dozens of civilians were killed.", "dozens", 12),
        ("Scores were killed across the region.", "scores", 20),
        ("Hundreds of people were killed in the siege.", "hundreds", 100),
        ("Several soldiers were killed.", "several", 3),
        ("Many people died in the shelling.", "many", 3),
        ("A few militants were killed.", "few", 3),
        ("Civilians were killed in the raid.", "plural", 3),
        ("An unknown number of militants were killed.", "unknown number", 3),
    ],
)
def test_counts_codes_vague_quantities(text: str, vague: str, acled: int) -> None:
    """Vague words keep no figure and code the value quantities.yaml gives them."""
    tolls = parse_tolls(text)
    assert [(t.kind, t.vague, t.low) for t in tolls] == [("killed", vague, None)]
    assert acled_fatalities(tolls) == acled


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The blast killed three people and wounded 12.", [("killed", 3), ("injured", 12)]),
        ("Three soldiers were killed and five wounded.", [("killed", 3), ("injured", 5)]),
        ("The clashes left 5 dead and 12 wounded.", [("killed", 5), ("injured", 12)]),
        ("Nearly 40 people were killed, more than 100 injured.", [("killed", 40),
                                                                  ("injured", 100)]),
        ("Several people were hurt.", [("injured", None)]),
        ("Twelve people were killed or injured.", [("casualties", 12)]),
        ("The shelling caused 3 civilian casualties.", [("casualties", 3)]),
    ],
)
def test_counts_separates_injuries_from_deaths(text: str, expected: list[tuple]) -> None:
    """Injuries are never fatalities; "killed or injured" is casualties."""
    assert [(t.kind, t.low) for t in parse_tolls(text)] == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("There were no casualties.", "none"),
        ("No fatalities were reported.", "none"),
        ("No one was hurt in the blast.", "none"),
        ("No civilians were killed.", "none"),
        ("The monitor didn’t have a count on any casualties.", "unknown"),
        ("The agency did not have a count of the dead.", "unknown"),
        ("Casualties unknown.", "unknown"),
        ("Fatalities unknown.", "unknown"),
        ("Hundreds of thousands of people have been killed in the war.", "unknown"),
        ("The shelling killed 1,000,000 people.", "unknown"),
        ("Officials said 250,000 people were killed.", "unknown"),
    ],
)
def test_counts_reads_none_and_unknown(text: str, kind: str) -> None:
    """Statements of no deaths, an unknown toll and absurd figures code 0."""
    tolls = parse_tolls(text)
    assert [t.kind for t in tolls] == [kind]
    assert acled_fatalities(tolls) == 0


@pytest.mark.parametrize(
    "text",
    [
        "Forces fired 152mm and 122mm mortars at the positions.",
        "Residents heard 7 explosions after the drone strike.",
        "The convoy was struck on 30 March near the border.",
        "A man aged 30 was arrested at 1 pm.",
        "The group has operated in the area since 2011.",
        "The attack killed 30 km north of the city.",
        "Several violent explosions were heard after the strike.",
        "The IDF has launched hundreds of airstrikes in Syria since the war began.",
        "Between 30 and 57 rockets were fired.",
        "",
    ],
)
def test_counts_ignores_numbers_that_are_not_tolls(text: str) -> None:
    """Dates, calibres, objects, ages, years, times and distances are not tolls."""
    assert parse_tolls(text) == []


def test_counts_reports_who_and_offsets() -> None:
    """A toll names the people counted (plural) and its offsets point at its text."""
    text = "A drone strike killed a soldier and two Syrian army officers."
    tolls = parse_tolls(text)
    assert [t.who for t in tolls] == ["soldiers", "officers"]
    assert all(text[t.start:t.end] == t.text for t in tolls)


@pytest.mark.parametrize(
    ("text", "acled"),
    [
        ("Two soldiers and three civilians were killed.", 5),
        ("Militants killed two soldiers and three civilians.", 5),
        ("The bombing killed 12 people, including three children.", 12),
        ("Twelve people died; among the dead were three children.", 12),
        ("Between 30 and 57 people were killed.", 30),
        ("Three people were killed and 40 wounded.", 3),
        ("Twelve people were killed or injured.", 0),
        ("The strike hit a depot.", 0),
    ],
)
def test_counts_acled_figure_of_one_statement(text: str, acled: int) -> None:
    """Groups are summed, subsets are not, a range codes its low end, casualties code 0."""
    assert acled_fatalities(parse_tolls(text)) == acled


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        ("Between 30 and 57 people were killed.", Fatalities(30, 30, 30, 57)),
        ("There were no casualties.", Fatalities(0, 0, 0, 0)),
        ("Casualties unknown.", Fatalities(0, None, None, None)),
        ("Dozens of people were killed.", Fatalities(12, 12, 12, 12)),
    ],
)
def test_counts_to_fatalities_record(text: str, fatalities: Fatalities) -> None:
    """One source's tolls become a Fatalities record (ACLED figure plus low/best/high)."""
    assert to_fatalities(parse_tolls(text)) == fatalities


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ([Fatalities(12, 12, 12, 12), Fatalities(9, 9, 9, 15), Fatalities(12, 12, 12, 12)],
         Fatalities(9, 9, 12, 15)),
        ([Fatalities(5, 5, 5, 5), Fatalities(0)], Fatalities(5, 5, 5, 5)),
        ([Fatalities(3, 3, 3, 3), Fatalities(7, 7, 7, 7)], Fatalities(3, 3, 3, 7)),
        ([], Fatalities(0)),
    ],
)
def test_counts_combine_is_conservative(sources: list[Fatalities], expected: Fatalities) -> None:
    """Across sources: lowest ACLED and low, highest high, the most common best."""
    assert combine(sources) == expected


@pytest.mark.parametrize(
    ("total", "days", "expected"),
    [(12, 3, [4, 4, 4]), (13, 3, [5, 4, 4]), (20, 6, [5, 3, 3, 3, 3, 3]), (5, 1, [5]),
     (0, 2, [0, 0]), (7, 0, [7]), (-3, 2, [0, 0])],
)
def test_counts_split_over_days(total: int, days: int, expected: list[int]) -> None:
    """A multi-day total is split evenly, the remainder on the first day."""
    assert split_over_days(total, days) == expected


def test_counts_lexicon_entries_carry_rules() -> None:
    """Every vague quantity and qualifier in quantities.yaml names its codebook rule."""
    lex = load("quantities")
    assert lex["version"]
    assert all(e["rule"] for e in lex["vague"].values())
    assert all(e["rule"] for e in lex["qualifiers"].values())


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_counts_never_crashes(text: str) -> None:
    """Any text gives a list of well-formed tolls."""
    for t in parse_tolls(text):
        assert isinstance(t, Toll) and t.kind in ("killed", "injured", "casualties", "none",
                                                   "unknown")
        assert text[t.start:t.end] == t.text
    assert acled_fatalities(parse_tolls(text)) >= 0


words = st.sampled_from(["killed", "wounded", "dozens", "at least", "between", "and", "3",
                         "1,200", "people", "soldiers", "no casualties", "-5", "2019", ",",
                         "thirty-nine", "a", "were", "hundreds of thousands", "March"])


@settings(max_examples=200, deadline=None)
@given(st.lists(words, max_size=12).map(" ".join))
def test_counts_never_crashes_on_casualty_words(text: str) -> None:
    """Random sentences made of casualty words never crash and never code a negative."""
    assert acled_fatalities(parse_tolls(text)) >= 0


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 100_000), st.integers(0, 100_000))
def test_counts_between_range_property(a: int, b: int) -> None:
    """"between a and b people were killed" gives low=a, high=b and ACLED a."""
    a, b = min(a, b), max(a, b)
    tolls = parse_tolls(f"Medics said between {a} and {b} people were killed.")
    assert [(t.kind, t.low, t.high) for t in tolls] == [("killed", a, b)]
    assert acled_fatalities(tolls) == a


@pytest.mark.parametrize(
    ("text", "acled"),
    [
        ("On 13 February 2022, a soldier shot and killed a driver at the junction.", 1),
        ("On 29 April 2022, 1 militia member was killed during clashes.", 1),
        ("Unclear fatalities coded as 10.", 10),
        ("1,000,000 people were killed, the group claimed.", 0),
        # an absurd figure for one event is read as unknown (codebook: unknown = 0)
        ("Hundreds of thousands of people were killed in the war.", 0),
        # a minus sign is no count: what is left is a plural death with no figure
        ("-5 people were killed.", 3),
    ],
)
def test_counts_dates_coder_figures_and_absurd_numbers(text: str, acled: int) -> None:
    """The year of a date is no toll; a coder's 'fatalities coded as N' is the figure;
    absurd or huge figures never crash and never pass the single-event limit."""
    tolls = parse_tolls(text)
    assert acled_fatalities(tolls) == acled


@pytest.mark.parametrize(
    ("sources", "needle"),
    [
        ([], "no fatalities"),
        ([parse_tolls("No one was hurt.")], "nobody died"),
        ([parse_tolls("Dozens of villagers were killed.")], "'dozens'=12"),
        ([parse_tolls("Between 30 and 57 people were killed.")], "lower figure"),
        ([parse_tolls("Five people were killed."), parse_tolls("Seven people were killed.")],
         "lowest of the sources"),
    ],
)
def test_counts_toll_rule_names_the_codebook_rule(sources: list, needle: str) -> None:
    """The --explain line for a toll names the rule that decided it."""
    from reportedly.counts import toll_rule

    assert needle in toll_rule(sources)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the counted people carry an of-phrase before their passive verb
        ("Four members of an Iran-backed militia were killed in the strike.",
         [("killed", 4, 4)]),
        ("Five members of the same family have been killed, relatives said.",
         [("killed", 5, 5)]),
        ("Three fighters of the Kurdish-led force were wounded.", [("injured", 3, 3)]),
        # an active verb after the of-phrase: the members did the killing
        ("Four members of the militia killed two soldiers.", [("killed", 2, 2)]),
        # things, not people, with an of-phrase are no toll
        ("Ten houses of the village were destroyed.", []),
        # a toll that rose to a figure
        ("The death toll has risen to four, the ministry said.", [("killed", 4, 4)]),
        ("The toll climbed to nine overnight.", [("killed", 9, 9)]),
    ],
)
def test_counts_reads_subject_tolls_with_of_phrases_and_risen_tolls(
    text: str, expected: list[tuple]
) -> None:
    """A sentence-initial count of people with an of-phrase before 'were killed' is a toll,
    and so is a death toll that has risen to a figure."""
    assert _summary(text) == expected


@pytest.mark.parametrize(
    ("text", "acled"),
    [
        ("Gunmen shot and killed the village administrator at his home.", 1),
        ("Assailants shot dead a retired district administrator near the market.", 1),
        ("Militants fired at an off-duty policeman. He was killed in the incident.", 1),
        ("Residents beat a suspected thief. The man died on the way to hospital.", 1),
        ("A man's body was found by the road, killed by unknown gunmen.", 1),
        ("Gunmen killed five people in the market. He was killed too.", 5),
        ("Soldiers killed the leader of the cell.", 0),
    ],
)
def test_counts_single_named_victim_is_one(text: str, acled: int) -> None:
    """One victim named without a figure codes 1, and never lowers a larger stated toll."""
    assert acled_fatalities(parse_tolls(text)) == acled


@pytest.mark.parametrize(
    "text",
    [
        "Residents protested against the killing of their community member.",
        "Students rallied over the death of their teacher.",
    ],
)
def test_counts_a_killing_named_as_a_cause_is_no_toll(text: str) -> None:
    """A death named as a noun ('the killing of their member') is a cause, not a toll."""
    assert acled_fatalities(parse_tolls(text)) == 0
