"""Event dates: time expressions in a text, resolved against the publication date.

``find_dates`` finds candidate spans with our own patterns (month and weekday names, relative
expressions from ``lexicons/time.yaml``) and resolves them; explicit calendar dates are read by
``dateparser`` on those spans only, since it misreads free text ("30 and 57" as a date) and
misses relative phrases ("earlier this week"). ``event_date`` picks the best date for a main
event. A resolved date is never after the publication date; without one, only explicit dates
with a year resolve.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from reportedly import lexicons

RELATIONS = ("on", "past", "range", "since", "generic")


@dataclass(frozen=True)
class TimeExpr:
    """One time expression and the day it stands for (ACLED and UCDP precision codes).

    ``kind`` says what was read: date, range, weekday, relative, week, weekend, month, year,
    ago, past, since, generic or future.
    """

    start: int
    end: int
    text: str
    date: date | None
    time_precision: int | None
    date_prec: int | None
    span_end: date | None = None
    relation: str = "on"
    is_background: bool = False
    kind: str = "date"
    rule: str = ""  # which convention chose this date, for ``--explain``


def _alt(phrases: Any, *, case: bool = False) -> str:
    ps = sorted({str(p) for p in phrases}, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ps)
    return f"(?:{body})" if case else f"(?i:{body})"


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


class _Grammar:
    """Patterns and tables compiled once from time.yaml."""

    def __init__(self) -> None:
        lex = lexicons.load("time")
        self.months = lex["months"]["names"]
        self.weekdays = lex["weekdays"]["names"]
        self.wd_mods = {_norm(k): v for k, v in lex["weekdays"]["modifiers"].items()}
        self.month_parts = {_norm(k): v for k, v in lex["month_parts"]["forms"].items()}
        self.phrases: dict[str, dict[str, Any]] = {}
        for section in ("relative", "past"):
            for name, entry in lex[section].items():
                meta = {**entry, "kind": section, "name": name}
                self.phrases.update({_norm(f): meta for f in entry["forms"]})
        self.phrases.update({_norm(f): {"kind": "since"} for f in lex["since"]["forms"]})
        self.phrases.update({_norm(f): {"kind": "generic"} for f in lex["generic"]["forms"]})
        self.ago_units = lex["ago"]["units"]
        self.ago_numbers = {_norm(k): v for k, v in lex["ago"]["numbers"].items()}
        self.vague_counts = {_norm(k) for k in lex["ago"].get("vague", [])}
        self._compile(lex)

    def _compile(self, lex: dict[str, Any]) -> None:
        mon = rf"(?P<mon>{_alt(self.months, case=True)})\.?"
        wd = rf"(?P<wd>{_alt(self.weekdays, case=True)})\.?"
        day = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
        year = r"(?P<y>(?:19|20)\d\d)(?!\d)"
        sep = r"(?:\s*[-–—]\s*|\s+(?i:to|and|until|through|till)\s+)"
        b = r"(?<![\w/.-])"
        mon1 = rf"(?P<mon1>{_alt(self.months, case=True)})\.?"
        self.explicit = [
            # "between 28 February and 2 March", "30 April - 1 May 2022": a span across months
            re.compile(rf"{b}(?:(?i:between|from)\s+)?(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+"
                       rf"(?i:of\s+)?{mon1}{sep}(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+"
                       rf"(?i:of\s+)?{mon}(?:,?\s+{year})?\b"),
            # "1-2 March", "between 3 and 5 May 2022"
            re.compile(rf"{b}(?:(?i:between|from)\s+)?(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?{sep}"
                       rf"(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?i:of\s+)?{mon}(?:,?\s+{year})?\b"),
            # "March 1-2", "between May 3 and 5, 2022"
            re.compile(rf"{b}(?:(?i:between|from)\s+)?{mon}\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?"
                       rf"{sep}(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+{year})?\b"),
            # "Wednesday, 12 May 2022", "12th of May"
            re.compile(rf"{b}(?:{wd},?\s+)?(?i:the\s+)?{day}\s+(?i:of\s+)?{mon}(?:,?\s+{year})?\b"),
            # "May 12, 2022", "Wednesday, May 12"
            re.compile(rf"{b}(?:{wd},?\s+)?{mon}\s+{day}\b(?!:)(?:,?\s+{year})?\b"),
            # ISO "2022-05-12"
            re.compile(r"(?<![\w/.-])(?P<iso>(?:19|20)\d\d-[01]?\d-[0-3]?\d)(?![\w/-])"),
            # "12/05/2022", "12.05.22"
            re.compile(r"(?<![\w/.-])(?P<num>[0-3]?\d[/.][01]?\d[/.](?:\d{4}|\d\d))(?![\w/]|\.\d)"),
        ]
        parts = _alt(self.month_parts)
        preps = _alt(lex["month_prepositions"])
        self.month = re.compile(
            rf"{b}(?:(?P<prep>{preps})\s+)?(?:(?P<part>{parts})\s*)?{mon}(?:,?\s+{year})?\b")
        self.year = re.compile(
            rf"{b}(?P<prep>{_alt(['in', 'since', 'during', 'until', 'by', 'throughout', 'from'])})"
            rf"\s+{year}\b(?!\s*[-–/]\s*\d)")
        self.weekday = re.compile(
            rf"{b}(?:(?P<mod>{_alt(self.wd_mods)})\s+)?{wd}\b(?:'s)?"
            rf"(?:\s+(?P<part>{_alt(lex['day_parts']['forms'])}))?\b")
        self.phrase = re.compile(rf"{b}{_alt(self.phrases)}\b")
        units = _alt([*self.ago_units, *(u + "s" for u in self.ago_units)])
        self.ago = re.compile(
            rf"{b}(?P<n>\d{{1,2}}|{_alt(self.ago_numbers)})\s+(?P<unit>{units})\s+(?i:ago)\b")
        self.since = re.compile(r"(?i:\bsince)\s+$")


@cache
def _grammar() -> _Grammar:
    return _Grammar()


# --------------------------------------------------------------------------- calendar helpers


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _shift_month(d: date, months: int) -> tuple[int, int]:
    index = d.year * 12 + d.month - 1 + months
    return index // 12, index % 12 + 1


def _month_day(year: int, month: int, part: str) -> date | None:
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        return None
    last = calendar.monthrange(year, month)[1]
    return date(year, month, {"first": 1, "last": last}.get(part, 15))


def _clamp(d: date | None, published: date | None) -> date | None:
    return min(d, published) if d and published else d


# --------------------------------------------------------------------------- resolvers


# dateparser costs milliseconds a call and a batch repeats its spans ("12 March 2024")
# under one publication date: the reading depends on these arguments alone
@lru_cache(maxsize=4096)
def _parse_explicit(span: str, published: date | None, has_year: bool) -> date | None:
    """dateparser on a span we found; future and far-back readings are refused."""
    if not has_year and published is None:
        return None
    base = datetime.combine(published or date(2000, 1, 1), datetime.min.time())
    settings = {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": base, "DATE_ORDER": "DMY",
                "PREFER_DAY_OF_MONTH": "first"}
    import dateparser  # (imported on first use: most reports' dates never need it)

    try:
        parsed = dateparser.parse(span, languages=["en"], settings=settings)
    except Exception:  # noqa: BLE001 - a third-party parser must not crash the pipeline
        return None
    if parsed is None:
        return None
    d = parsed.date()
    if published and d > published:
        return None
    if published and not has_year and d.year < published.year - 1:
        return None  # "29 February" resolved years back: not the implied year
    return d


def _explicit_day(m: re.Match[str], published: date | None) -> date | None:
    g = m.groupdict()
    if g.get("iso") or g.get("num"):
        return _parse_explicit(m.group(0), published, True)
    mon = g["mon"].rstrip(".")
    month = _grammar().months.get(mon)
    if g["y"] and month:
        return _calendar_day(int(g["y"]), month, int(g["d"]), published)
    text = f"{int(g['d'])} {mon} {g['y']}" if g["y"] else f"{int(g['d'])} {mon}"
    d = _parse_explicit(text, published, bool(g["y"]))
    # dateparser may repair an impossible day ("31 February"); we refuse it instead.
    return d if d and d.month == month and d.day == int(g["d"]) else None


def _calendar_day(year: int, month: int, day: int, published: date | None) -> date | None:
    """Day, month name and year read without dateparser: the day it gives for every month
    name of the lexicon, day and year tried, or None where it repairs an impossible day;
    milliseconds cheaper a span."""
    try:
        d = date(year, month, day)
    except ValueError:
        return None
    return None if published and d > published else d


# the first patterns of ``explicit`` read spans of days: across months, then within one
RANGE_PATTERNS = 3


def _range(m: re.Match[str], published: date | None) -> tuple[date | None, date | None]:
    g = m.groupdict()
    mon = g["mon"].rstrip(".")
    mon1 = (g.get("mon1") or mon).rstrip(".")
    year = f" {g['y']}" if g["y"] else ""
    first = _parse_explicit(f"{int(g['d1'])} {mon1}{year}", published, bool(year))
    last = _parse_explicit(f"{int(g['d2'])} {mon}{year}", published, bool(year))
    if first and last and first > last and mon1 != mon:
        # "30 December - 2 January 2022": the year named is the span's end
        first = _parse_explicit(f"{int(g['d1'])} {mon1} {last.year - 1}", published, True) \
            if year else first
    if first and last and first > last:
        first, last = last, first
    if first and last and (last - first).days > 31:
        return None, None  # an implied year put the ends in different years
    return first, last


def _range_prec(first: date | None, last: date | None) -> int | None:
    if not first or not last:
        return None
    days = (last - first).days + 1
    return 1 if days == 1 else 2 if days <= 6 else 3 if days == 7 else 4 if days <= 30 else 5


def _weekday(m: re.Match[str], published: date | None) -> tuple[date | None, bool]:
    g = _grammar()
    mode = g.wd_mods.get(_norm(m["mod"] or ""), "on_or_before")
    if published is None or mode == "future":
        return None, mode == "future"
    target = g.weekdays[m["wd"]]
    back = (published.weekday() - target) % 7
    if mode == "strictly_before" and back == 0:
        back = 7
    return published - timedelta(days=back), False


def _relative(meta: dict[str, Any], published: date | None) -> date | None:
    if published is None or meta.get("future"):
        return None
    if "days" in meta:
        return published + timedelta(days=int(meta["days"]))
    if "weeks" in meta:
        monday = published - timedelta(days=published.weekday())
        return _clamp(monday + timedelta(days=7 * int(meta["weeks"]) + 2), published)
    if "weekends" in meta:
        saturday = published - timedelta(days=(published.weekday() - 5) % 7)
        if int(meta["weekends"]) < 0 and published.weekday() >= 5:
            saturday -= timedelta(days=7)
        return saturday
    if "months" in meta:
        year, month = _shift_month(published, int(meta["months"]))
        return _clamp(_month_day(year, month, "middle"), published)
    return None


def _month_expr(m: re.Match[str], published: date | None) -> tuple[date | None, bool]:
    """A month without a day: its 15th (or first/last day); background if before this month."""
    g = _grammar()
    month = g.months[m["mon"].rstrip(".")]
    part = g.month_parts.get(_norm(m["part"] or ""), "middle")
    if m["y"]:
        year = int(m["y"])
    elif published is None:
        return None, False
    else:
        year = published.year if month <= published.month else published.year - 1
    d = _month_day(year, month, part)
    if d is None or published is None:
        return d, False
    if (year, month) > (published.year, published.month):
        return None, False
    return min(d, published), (year, month) < (published.year, published.month)


# --------------------------------------------------------------------------- candidates


def _candidates(text: str, published: date | None) -> Iterator[TimeExpr]:
    g = _grammar()
    for i, rx in enumerate(g.explicit):
        for m in rx.finditer(text):
            if i < RANGE_PATTERNS:
                first, last = _range(m, published)
                yield TimeExpr(m.start(), m.end(), m.group(0), first, 1,
                               _range_prec(first, last), last, "range", kind="range")
            else:
                yield TimeExpr(m.start(), m.end(), m.group(0), _explicit_day(m, published), 1, 1)
    for m in g.weekday.finditer(text):
        d, future = _weekday(m, published)
        yield TimeExpr(m.start(), m.end(), m.group(0), d, 1, 1,
                       kind="future" if future else "weekday")
    for m in g.month.finditer(text):
        if m["prep"] or m["part"] or m["y"]:
            d, background = _month_expr(m, published)
            since = _norm(m["prep"] or "") == "since"
            yield TimeExpr(m.start(), m.end(), m.group(0), d, 3, 4,
                           relation="since" if since else "on",
                           is_background=background or since, kind="month")
    for m in g.year.finditer(text):
        old = published is None or int(m["y"]) < published.year
        since = _norm(m["prep"]) == "since"
        yield TimeExpr(m.start(), m.end(), m.group(0), None, None, 5,
                       relation="since" if since else "on", is_background=old or since,
                       kind="year")
    yield from _phrase_candidates(text, published)


def _phrase_candidates(text: str, published: date | None) -> Iterator[TimeExpr]:
    g = _grammar()
    for m in g.phrase.finditer(text):
        meta = g.phrases[_norm(m.group(0))]
        kind = meta["kind"]
        if kind in ("since", "generic"):
            yield TimeExpr(m.start(), m.end(), m.group(0), None, None, None,
                           relation=kind, is_background=kind == "since", kind=kind)
            continue
        yield TimeExpr(m.start(), m.end(), m.group(0), _relative(meta, published),
                       meta.get("time_precision"), meta.get("date_prec"),
                       relation="past" if kind == "past" else "on",
                       is_background=bool(meta.get("background")), kind=_phrase_kind(meta))
    for m in g.ago.finditer(text):
        yield _ago(m, published)


def _phrase_kind(meta: dict[str, Any]) -> str:
    if meta.get("future"):
        return "future"
    if meta["kind"] == "past":
        return "past"
    for key, kind in (("days", "relative"), ("weeks", "week"), ("weekends", "weekend"),
                      ("months", "month"), ("years", "year")):
        if key in meta:
            return kind
    return "relative"


def _ago(m: re.Match[str], published: date | None) -> TimeExpr:
    g = _grammar()
    n_text = _norm(m["n"])
    n = int(n_text) if n_text.isdigit() else int(g.ago_numbers.get(n_text, 1))
    unit = g.ago_units[_norm(m["unit"]).rstrip("s")]
    d: date | None = None
    if published is not None and "days" in unit:
        d = published - timedelta(days=n * int(unit["days"]))
    elif published is not None and "months" in unit:
        year, month = _shift_month(published, -n * int(unit["months"]))
        d = _month_day(year, month, "middle") if year >= 1 else None
    return TimeExpr(m.start(), m.end(), m.group(0), d, unit.get("time_precision"),
                    unit.get("date_prec"), is_background=bool(unit.get("background")),
                    kind="ago")


def interval_days(text: str) -> int | None:
    """Days in a measure phrase such as "a day", "the day", "two days" or "a week" (the
    measure of "a day after the shelling"); None when it is not a count of days or weeks."""
    if not isinstance(text, str):
        return None
    words = _norm(text).split()
    if len(words) < 2:
        return None
    g = _grammar()
    unit = g.ago_units.get(words[-1].rstrip("s"))
    count = " ".join(words[:-1])
    if unit is None or "days" not in unit or count in g.vague_counts:
        return None
    n = int(count) if count.isdigit() else 1 if count == "the" else g.ago_numbers.get(count)
    if n is None or not 0 < int(n) <= 31 or (int(n) > 1) != words[-1].endswith("s"):
        return None  # "the days", "two day": not a measure
    return int(n) * int(unit["days"])


def _with_since(text: str, e: TimeExpr) -> TimeExpr:
    """"since Monday" sums a period: relation since; background unless it starts days ago."""
    if e.relation == "since" or not _grammar().since.search(text[max(0, e.start - 10):e.start]):
        return e
    background = e.time_precision != 1 or e.kind not in ("weekday", "relative", "date")
    return replace(e, relation="since", is_background=background)


def find_dates(text: str, *, published: date | datetime | None = None) -> list[TimeExpr]:
    """Every time expression in ``text``, resolved against ``published``, in text order."""
    if not isinstance(text, str) or not text:
        return []
    if isinstance(published, datetime):
        published = published.date()
    if not isinstance(published, date):
        published = None
    chosen: list[TimeExpr] = []
    # Longest first: "earlier this week" wins over "this week", "Wednesday, 12 May" over "May".
    for e in sorted(_candidates(text, published), key=lambda e: (e.start - e.end, e.start)):
        if not any(c.start < e.end and e.start < c.end for c in chosen):
            chosen.append(e)
    return sorted((_with_since(text, e) for e in chosen), key=lambda e: e.start)


def _rank(e: TimeExpr) -> int:
    if e.kind in ("date", "range", "weekday"):
        return 0
    if e.time_precision == 1:
        return 1
    return 1 + (e.time_precision or 9)


def event_date(exprs: list[TimeExpr], *, published: date | None = None) -> TimeExpr | None:
    """The best date for a main event: explicit days, then relative days, weeks, months.

    Background, generic, "since" and unresolved expressions are skipped; with none left the
    answer is None (the caller decides whether to fall back to the publication day).
    """
    usable = [e for e in exprs or ()
              if e.date is not None and not e.is_background
              and e.relation in ("on", "range", "past")
              and (published is None or e.date <= published)]
    return min(usable, key=lambda e: (_rank(e), e.start), default=None)


# What each kind of expression stands for, in the codebook's terms (for ``--explain``).
_RULES = {
    "date": "explicit calendar date",
    "range": "a span of days: ACLED codes one event per day; the first day is kept",
    "weekday": "weekday name: the latest such day on or before publication",
    "relative": "relative day counted from the publication date",
    "week": "ACLED time_precision 2: a week known, its middle day",
    "weekend": "a weekend known: its Saturday",
    "month": "ACLED time_precision 3: only the month known, its middle (or first/last) day",
    "ago": "'N days/weeks/months ago' counted from the publication date",
    "past": "a recent past phrase counted from the publication date",
}


def date_rule(expr: TimeExpr | None, *, published: date | None = None, fallback: str = "") -> str:
    """A one-line account of how an event date was chosen, for ``--explain``."""
    if expr is None or expr.date is None:
        if published is None:
            return "no usable date in the text and no publication date: no event date"
        return "no usable date in the text: the publication date (time_precision 1)"
    why = _RULES.get(expr.kind, expr.kind)
    where = f" ({fallback})" if fallback else ""
    return f"{why}: '{expr.text}' -> {expr.date.isoformat()}{where}"
