"""Specifications of reportedly.timex: time expressions resolved against publication."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportedly.lexicons import load
from reportedly.records import Document
from reportedly.timex import TimeExpr, event_date, find_dates, interval_days

PUB = date(2022, 5, 12)  # a Thursday


def _one(text: str, published: date | None = PUB) -> TimeExpr:
    (expr,) = find_dates(text, published=published)
    return expr


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("On 12 May 2022, militants attacked a convoy.", date(2022, 5, 12)),
        ("The attack happened on May 10, 2022 near the town.", date(2022, 5, 10)),
        ("Wednesday, 11 May 2022: a convoy was hit.", date(2022, 5, 11)),
        ("The report is dated 12/05/2022.", date(2022, 5, 12)),
        ("The log entry 2022-05-09 records the strike.", date(2022, 5, 9)),
        ("The strike on 29 March killed two.", date(2022, 3, 29)),
        ("Clashes broke out on the 3rd of May.", date(2022, 5, 3)),
        ("Clashes on 20 May left one dead.", date(2021, 5, 20)),
    ],
)
def test_timex_explicit_dates(text: str, day: date) -> None:
    """Explicit dates resolve to their day; a yearless future date rolls back a year."""
    expr = _one(text)
    assert (expr.date, expr.time_precision, expr.date_prec) == (day, 1, 1)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("SOHR reported Wednesday afternoon that a drone struck.", date(2022, 5, 11)),
        ("On Thursday night gunmen attacked the post.", date(2022, 5, 12)),
        ("Gunmen attacked the post on Tuesday night.", date(2022, 5, 10)),
        ("Last Thursday, gunmen attacked the post.", date(2022, 5, 5)),
        ("A drone hit the crossing on Friday.", date(2022, 5, 6)),
        ("Yesterday, a bomb exploded.", date(2022, 5, 11)),
        ("A bomb exploded last night.", date(2022, 5, 11)),
        ("Missiles struck the city overnight.", date(2022, 5, 11)),
        ("Protesters gathered today.", date(2022, 5, 12)),
        ("Three days ago a convoy was hit.", date(2022, 5, 9)),
    ],
)
def test_timex_relative_days(text: str, day: date) -> None:
    """Weekdays and relative days resolve to a day on or before publication (precision 1)."""
    expr = _one(text)
    assert (expr.date, expr.time_precision) == (day, 1)


@pytest.mark.parametrize(
    ("text", "day", "precision", "background"),
    [
        ("Earlier this week, a strike hit the depot.", date(2022, 5, 11), 2, False),
        ("A strike hit the depot this week.", date(2022, 5, 11), 2, False),
        ("Last week a bomb exploded.", date(2022, 5, 4), 2, False),
        ("Clashes erupted last weekend.", date(2022, 5, 7), 2, False),
        ("Clashes erupted over the weekend.", date(2022, 5, 7), 2, False),
        ("Last month it launched a massive airstrike.", date(2022, 4, 15), 3, True),
        ("Earlier this month, the group seized a town.", date(2022, 5, 12), 3, True),
        ("Fighting resumed in early May.", date(2022, 5, 1), 3, False),
        ("Fighting resumed in late April.", date(2022, 4, 30), 3, True),
        ("The siege ended at the end of March 2021.", date(2021, 3, 31), 3, True),
    ],
)
def test_timex_weeks_and_months(text: str, day: date, precision: int, background: bool) -> None:
    """Weeks resolve to their Wednesday, months to the 15th or first/last day."""
    expr = _one(text)
    assert (expr.date, expr.time_precision, expr.is_background) == (day, precision, background)


@pytest.mark.parametrize(
    ("text", "first", "last", "date_prec"),
    [
        ("Fighting raged on 1-2 March.", date(2022, 3, 1), date(2022, 3, 2), 2),
        ("Fighting raged between 3 and 5 May.", date(2022, 5, 3), date(2022, 5, 5), 2),
        ("Fighting raged May 1 to 7, 2022.", date(2022, 5, 1), date(2022, 5, 7), 3),
    ],
)
def test_timex_ranges(text: str, first: date, last: date, date_prec: int) -> None:
    """Day ranges keep both ends (relation range) and a UCDP date_prec by length."""
    expr = _one(text)
    assert (expr.relation, expr.date, expr.span_end, expr.date_prec) == (
        "range", first, last, date_prec)


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("The IDF has launched strikes since the war began.", "since"),
        ("The group has operated there since 2011.", "since"),
        ("A similar attack happened in 2019.", "on"),
        ("Hundreds of people have been killed last year.", "on"),
        ("In recent weeks, attacks have multiplied.", "past"),
    ],
)
def test_timex_background_expressions(text: str, relation: str) -> None:
    """Periods and earlier years are background and never an event date."""
    expr = _one(text)
    assert (expr.relation, expr.is_background) == (relation, True)
    assert event_date([expr], published=PUB) is None


@pytest.mark.parametrize(
    ("text", "relation"),
    [("Patrols are attacked every day.", "generic"),
     ("In the past 24 hours, five people died.", "past")],
)
def test_timex_relations(text: str, relation: str) -> None:
    """Generic and past-period expressions carry their relation."""
    assert _one(text).relation == relation


@pytest.mark.parametrize(
    "text",
    ["Impossible: 31 February 2022.", "The meeting is planned for tomorrow.",
     "They will return next Tuesday.", "Talks are set for 30 June 2022."],
)
def test_timex_impossible_and_future_dates_resolve_to_none(text: str) -> None:
    """Impossible days and days after publication never become event dates."""
    assert _one(text).date is None


@pytest.mark.parametrize(
    "text",
    ["Between 30 and 57 people were killed.", "May God protect them.", "It has 7 explosions.",
     "Forces fired 152mm mortars.", ""],
)
def test_timex_ignores_non_dates(text: str) -> None:
    """Numbers and words that only look like dates are not time expressions."""
    assert find_dates(text, published=PUB) == []


@pytest.mark.parametrize(
    ("text", "day"),
    [("On 12 May 2022, militants attacked.", date(2022, 5, 12)),
     ("The strike on 29 March killed two.", None),
     ("SOHR reported Wednesday afternoon.", None),
     ("A bomb exploded yesterday.", None)],
)
def test_timex_without_publication_date(text: str, day: date | None) -> None:
    """Without a publication date only explicit dates with a year resolve."""
    assert _one(text, published=None).date == day


def test_timex_published_on_the_named_weekday() -> None:
    """A weekday named on the day of publication is that same day."""
    assert _one("Gunmen attacked on Thursday.").date == PUB


def test_timex_offsets_point_at_text() -> None:
    """Each expression's offsets delimit its text."""
    text = "Last month a strike hit; on Wednesday afternoon another followed, 2022-05-01."
    exprs = find_dates(text, published=PUB)
    assert [e.text for e in exprs] == ["Last month", "on Wednesday afternoon", "2022-05-01"]
    assert all(text[e.start:e.end] == e.text for e in exprs)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Last month it launched an airstrike. On Wednesday a drone hit the crossing.",
         date(2022, 5, 11)),
        ("Yesterday a bomb exploded, days after the 3 May raid.", date(2022, 5, 3)),
        ("Earlier this week a strike hit; residents said it was yesterday.", date(2022, 5, 11)),
        ("Last week a bomb exploded; last month there were raids.", date(2022, 5, 4)),
        ("The group has fought since the war began.", None),
    ],
)
def test_timex_event_date_preference(text: str, day: date | None) -> None:
    """Days beat weeks, weeks beat months; background expressions are skipped."""
    best = event_date(find_dates(text, published=PUB), published=PUB)
    assert (best.date if best else None) == day


def test_timex_lexicon_entries_carry_rules() -> None:
    """Every relative expression in time.yaml names its rule."""
    lex = load("time")
    assert lex["version"]
    assert all(e["rule"] for section in ("relative", "past") for e in lex[section].values())


@settings(max_examples=200, deadline=None)
@given(st.text(), st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)))
def test_timex_never_crashes(text: str, published: date) -> None:
    """Any text gives well-formed expressions, none resolved after publication."""
    for e in find_dates(text, published=published):
        assert text[e.start:e.end] == e.text
        assert e.date is None or e.date <= published


fragments = st.sampled_from(
    ["on", "29", "31", "February", "March", "May", "2022", "1999", "Wednesday", "last",
     "week", "month", "earlier this week", "yesterday", "between", "and", "-", "12/05/2022",
     "2022-02-30", "since", "early", "the end of", "3 days ago", "overnight", "next"])


@settings(max_examples=300, deadline=None)
@given(st.lists(fragments, max_size=10).map(" ".join),
       st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)))
def test_timex_resolved_dates_never_after_published(text: str, published: date) -> None:
    """Sentences built of date words never resolve to a day after publication."""
    for e in find_dates(text, published=published):
        assert e.date is None or e.date <= published
        assert e.span_end is None or e.span_end <= published
    best = event_date(find_dates(text, published=published), published=published)
    assert best is None or best.date <= published + timedelta(days=0)


@pytest.mark.parametrize(
    ("text", "published", "needle"),
    [
        ("On 12 May 2022 gunmen attacked.", date(2022, 5, 15), "explicit calendar date"),
        ("Gunmen attacked on Wednesday.", date(2022, 5, 15), "weekday name"),
        ("Gunmen attacked last week.", date(2022, 5, 15), "time_precision 2"),
        ("Gunmen attacked.", date(2022, 5, 15), "publication date"),
        ("Gunmen attacked.", None, "no event date"),
        ("Gunmen attacked on 31 February.", date(2022, 5, 15), "publication date"),
    ],
)
def test_timex_date_rule_explains_the_choice(
    text: str, published: date | None, needle: str
) -> None:
    """The --explain line for a date names the convention that chose it; impossible dates
    and missing dates fall back without a crash."""
    from reportedly.timex import date_rule, event_date, find_dates

    expr = event_date(find_dates(text, published=published), published=published)
    assert needle in date_rule(expr, published=published)


@pytest.mark.parametrize(
    "text", ["On 12 May 2030 gunmen attacked.", "On 31 February 2022 gunmen attacked."]
)
def test_timex_future_and_impossible_dates_give_no_event_date(text: str) -> None:
    """A date after publication or one that does not exist is not an event date."""
    from reportedly.timex import event_date, find_dates

    published = date(2022, 5, 15)
    assert event_date(find_dates(text, published=published), published=published) is None


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("a day", 1),
        ("the day", 1),
        ("one day", 1),
        ("two days", 2),
        ("3 days", 3),
        ("a week", 7),
        ("several days", None),  # vague: no day can be counted back
        ("a few days", None),
        ("a month", None),  # a month is not a count of days
        ("the days", None),
        ("two day", None),
        ("hours", None),
        ("", None),
    ],
)
def test_timex_interval_days_reads_day_measures(text: str, days: int | None) -> None:
    """A measure of days or weeks ('a day' in 'a day after the shelling') counts its days;
    vague counts, months and ill-formed measures count nothing."""
    assert interval_days(text) == days


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_timex_interval_days_never_crashes(text: str) -> None:
    """Any text gives None or a positive number of days."""
    days = interval_days(text)
    assert days is None or days > 0


@pytest.mark.parametrize(
    ("text", "published", "day"),
    [
        # the lead sentence tells what followed on one day and the event on another
        ("The city mourned on Friday after a bomb killed five traders at a bus station on "
         "Thursday.", "2024-03-15", "2024-03-14"),
        ("Soldiers were combing the hills on Monday for ten farmers who were abducted from "
         "their fields on Sunday.", "2024-01-22", "2024-01-21"),
        ("Mourners gathered on Tuesday for the burial of three policemen killed on Monday in "
         "an ambush near the town.", "2024-01-16", "2024-01-15"),
        ("Families fled Sake on Thursday after a day of heavy fighting between soldiers and "
         "rebels on Wednesday.", "2024-02-08", "2024-02-07"),
        ("Wednesday's airstrike on a fuel depot killed two guards, officials said on Friday.",
         "2021-02-12", "2021-02-10"),
        # the event told as an interval before the day that carries the date
        ("Shopkeepers cleared rubble on Wednesday, a day after a missile struck the bazaar and "
         "killed six people.", "2023-11-08", "2023-11-07"),
        ("Residents buried their dead on Saturday, two days after gunmen attacked the village.",
         "2023-06-10", "2023-06-08"),
        # no measure, or the event's own day: the day told stands
        ("Shopkeepers cleared rubble on Wednesday after a missile struck the bazaar.",
         "2023-11-08", "2023-11-08"),
        ("A bomb exploded in a crowded market on Monday, killing four people.",
         "2024-01-16", "2024-01-15"),
    ],
)
def test_timex_event_day_is_the_triggers_own_day(pipeline, text: str, published: str,
                                                 day: str) -> None:
    """The main event takes the day its own words carry (the time expression whose head
    chain reaches the event), not the day of what followed; 'a day after' counts back."""
    events = [e for e in pipeline(Document.from_text(text, published=published)).events
              if e.role == "main"]
    assert events and events[0].event_date == date.fromisoformat(day)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("Fighting went on between 28 February and 2 March.", date(2022, 2, 28), date(2022, 3, 2)),
        ("Clashes from 30 April to 1 May killed nine.", date(2022, 4, 30), date(2022, 5, 1)),
        ("Clashes on 1-2 March killed nine.", date(2022, 3, 1), date(2022, 3, 2)),
    ],
)
def test_timex_a_span_across_months_is_one_range(text, first, last):
    """'between 28 February and 2 March' is one span of days, not two dates."""
    exprs = find_dates(text, published=date(2022, 5, 6))
    assert [(e.kind, e.date, e.span_end) for e in exprs] == [("range", first, last)]


def _previous_reading(day: int, mon: str, year: int, published: date | None) -> date | None:
    """The reading before the direct one: dateparser, refusing a repaired impossible day."""
    from reportedly.timex import _grammar, _parse_explicit

    d = _parse_explicit(f"{day} {mon} {year}", published, True)
    month = _grammar().months[mon]
    return d if d and d.month == month and d.day == day else None


@pytest.mark.parametrize("published", [date(2024, 3, 6), None])
@pytest.mark.parametrize(
    ("day", "mon", "year"),
    [
        (12, "March", 2024), (1, "January", 2019), (31, "December", 2023), (6, "March", 2024),
        (7, "March", 2024), (29, "February", 2024), (29, "February", 2023),
        (29, "February", 2000), (29, "February", 1900), (30, "February", 2024),
        (31, "April", 2022), (30, "Sept", 2021), (15, "Aug", 2018), (3, "Jan", 2025),
    ],
)
def test_timex_direct_day_month_year_matches_previous_reading(
    day: int, mon: str, year: int, published: date | None
) -> None:
    """'12 March 2024' read directly gives the day dateparser gave, or None where it refused."""
    from reportedly.timex import _calendar_day, _grammar

    month = _grammar().months[mon]
    assert _calendar_day(year, month, day, published) == _previous_reading(
        day, mon, year, published)
