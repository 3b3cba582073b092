"""Casualty counts: fatality and injury expressions in a sentence, and their ACLED figures.

``parse_tolls`` reads plain text and returns every casualty expression as a ``Toll``;
``acled_fatalities`` turns one source's tolls into the ACLED codebook value, ``to_fatalities``
into a ``Fatalities`` record, ``combine`` merges several sources conservatively and
``split_over_days`` spreads a multi-day total. Every word list and every vague value comes from
``lexicons/quantities.yaml``, where each entry names the rule it serves.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from reportedly import lexicons
from reportedly.records import Fatalities

KINDS = ("killed", "injured", "casualties", "none", "unknown")
QUALIFIERS = ("at least", "more than", "up to", "about")


@dataclass(frozen=True)
class Toll:
    """One casualty expression: what kind, how many (low/high or a vague word), of whom.

    ``start``/``end`` delimit the counted phrase (qualifier, number and noun: "at least three
    soldiers") or, for statements without a number, the whole phrase ("no casualties").
    ``subset`` marks a part of a total given elsewhere ("including three children").
    """

    kind: str
    low: int | None
    high: int | None
    vague: str | None
    qualifier: str | None
    start: int
    end: int
    text: str
    who: str | None = None
    subset: bool = False


# --------------------------------------------------------------------------- the lexicon


def _phrase(p: str) -> str:
    """A lexicon phrase as a pattern: flexible spaces, either apostrophe."""
    return r"\s+".join(re.escape(w) for w in p.split()).replace("'", "['’]")


def _alt(phrases: Iterable[str]) -> str:
    # Longest first, so "killed or injured" wins over "killed".
    ps = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return "(?:" + "|".join(_phrase(p) for p in ps) + ")"


def _lookup(sections: dict, *, key: str = "forms") -> dict[str, str]:
    return {" ".join(f.lower().split()): name for name, e in sections.items() for f in e[key]}


class _Grammar:
    """Patterns compiled once from quantities.yaml."""

    def __init__(self) -> None:
        lex = lexicons.load("quantities")
        self.max_event = int(lex["limits"]["max_single_event"]["value"])
        words = lex["number_words"]
        self.units = {**words["units"], **words["tens"]}
        self.scales = {**words["scales"], "dozen": int(words["dozen"]["value"])}
        self.vague = _lookup(lex["vague"])
        self.vague_value = {k: int(v["value"]) for k, v in lex["vague"].items()}
        self.absurd = {" ".join(f.split()) for f in lex["absurd"]["forms"]}
        self.qualifiers = _lookup(lex["qualifiers"])
        nouns = lex["people"]["nouns"]
        self._singular_nouns = dict(nouns)
        self.plural = {**{k.lower(): v for k, v in nouns.items()},
                       **{v.lower(): v for v in nouns.values()}}
        self._compile(lex["phrases"], list(nouns.values()))

    def _compile(self, ph: dict, plurals: list[str]) -> None:
        word = _alt([*self.units, *self.scales])
        wordnum = (
            rf"(?:half\s+a\s+dozen|an?\s+(?:dozen|hundred|thousand)\b|{word}\b"
            rf"(?:(?:\s+|-){word}\b|(?:(?<=hundred)|(?<=thousand))\s+and\s+{word}\b)*)"
        )
        digits = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s+(?:million|thousand)\b)?"
        num = rf"(?:{digits}|{wordnum})"
        end = r"(?![\w/:%'’]|[.,]\d|-\w)"
        qty = (
            rf"(?:(?P<qual>{_alt(self.qualifiers)})\s+)?"
            rf"(?:(?P<absurd>{_alt(self.absurd)})|(?P<vague>{_alt(self.vague)})"
            rf"|between\s+(?P<ba>{num})\s+(?:and|to)\s+(?P<bb>{num})"
            rf"|(?P<da>{digits})\s*[-–—]\s*(?P<db>{digits})"
            rf"|(?P<ra>{num})\s+(?:to|or)\s+(?P<rb>{num})"
            rf"|(?P<n>{num})){end}"
        )
        stops = _alt([*ph["clause_boundaries"], *ph["passive_fillers"], *ph["killed_after"],
                      *ph["injured_after"], *ph["killed_nouns"], *ph["injured_nouns"],
                      *ph["casualty_nouns"], *self.units, *self.scales, *self.vague])
        # Stop words are matched in lower case only: "IS militants" has a modifier, "is" not.
        mod = rf"(?!(?-i:{stops})\b)[\w'’-]+"
        noun = rf"(?:{_alt(self.plural)}|(?-i:[A-Z][a-z]+(?:ians|ans|is|ese|ers|ites)))\b"
        who = rf"(?:\s+(?:{mod}\s+){{0,2}}(?P<who>{noun}))"
        art = r"(?P<art>an?|one|another|a\s+single|a\s+lone)"
        self.qp = re.compile(
            rf"(?<![\w.,/:'’-])(?:{art}(?=\s+(?:{mod}\s+){{0,2}}{noun})|{qty}){who}?", re.I)
        self.sep = re.compile(r"\s*,\s*(?:and\s+)?|\s*,?\s+(?:and|as\s+well\s+as|plus)\s+", re.I)
        after = (rf"(?P<cas>{_alt(ph['casualties_after'])})|(?P<kil>{_alt(ph['killed_after'])})"
                 rf"|(?P<inj>{_alt(ph['injured_after'])})")
        self.passive = re.compile(
            rf"(?P<paren>\s*[,(][^,.;:!?()]{{1,80}}[,)])?"
            rf"(?P<fill>(?:\s+{_alt(ph['passive_fillers'])}\b)*)\s+(?:{after})\b", re.I)
        self.object = re.compile(
            rf"\s+(?:the|his|her|their|its|him|them|an?|\d|{word})\b", re.I)
        self.active = re.compile(
            rf"\b(?:(?P<cas>{_alt(ph['casualties_before'])})|(?P<kil>{_alt(ph['killed_before'])})"
            rf"|(?P<inj>{_alt(ph['injured_before'])})"
            rf"|(?P<dead>{_alt(ph['dead_markers'])}))\s*:?\s+$", re.I)
        self.boundary = re.compile(
            rf"\s*(?:[,.;:!?)\]\"”]|$)|\s+{_alt(ph['clause_boundaries'])}\b", re.I)
        self.noun_toll = re.compile(
            rf"\s+(?:{mod}\s+){{0,2}}(?:(?P<kil>{_alt(ph['killed_nouns'])})"
            rf"|(?P<inj>{_alt(ph['injured_nouns'])})|(?P<cas>{_alt(ph['casualty_nouns'])}))\b",
            re.I)
        of = ph["of_phrase"]
        self.of_phrase = re.compile(
            rf"\s+of\s+(?:[\w'’-]+\s+){{0,{int(of['max_words']) - 1}}}?[\w'’-]+"
            rf"(?=\s+{_alt(of['aux'])}\b)", re.I)
        self.toll = re.compile(
            rf"\b{_alt(ph['toll_heads'])}(?:\s+[\w'’,-]+){{0,6}}?\s+{_alt(ph['toll_verbs'])}\s+$",
            re.I)
        self.year_before = re.compile(rf"\b{_alt(ph['year_before']['forms'])}\s*$", re.I)
        self.age_before = re.compile(rf"\b{_alt(ph['age_before']['forms'])}\s+$", re.I)
        self.subset = re.compile(rf"\b{_alt(ph['subset_markers'])}\s*:?\s+$", re.I)
        self.none = re.compile(rf"\b{_alt(ph['none']['forms'])}\b", re.I)
        self.unknown = re.compile(rf"\b{_alt(ph['unknown']['forms'])}\b", re.I)
        self.plural_phrase = re.compile(rf"\b{_alt(ph['plural_killed'])}\b", re.I)
        plural_noun = rf"(?:{_alt(plurals)}|(?-i:[A-Z][a-z]+(?:ians|ans|is|ese)))"
        self.bare_plural = re.compile(
            rf"(?<![\w'’-])(?:(?P<det>{_alt(ph['definite_words'])})\s+)?(?:{mod}\s+){{0,2}}?"
            rf"(?P<who>{plural_noun})(?:\s+{_alt(ph['passive_fillers'])}\b)*"
            rf"\s+(?:were|have\s+been|had\s+been|are|got)\s+"
            rf"(?:{_alt(ph['passive_fillers'])}\s+)*"
            rf"(?:(?P<cas>{_alt(ph['casualties_after'])})|(?P<kil>{_alt(ph['killed_after'])})"
            rf"|(?P<inj>{_alt(ph['injured_after'])}))\b", re.I)
        sg = ph["singular"]
        singulars = [k for k, v in self._singular_nouns.items() if k.lower() != v.lower()]
        sg_noun = rf"(?P<who>{_alt(singulars)})(?![\w-])"
        det = _alt(sg["determiners"])
        tail = r"(?!\s+of\b)"  # "the leader of ...": a description, often of a larger toll
        # verbs only: "against the death of their teacher" names a cause, not this event's toll
        verbs = [v for v in ph["killed_before"] if not v.endswith(" of")]
        self.singular_object = re.compile(
            rf"\b(?:{_alt(verbs)})\s+{det}\s+(?:{mod}\s+){{0,3}}?{sg_noun}"
            rf"(?:'s)?{tail}", re.I)
        self.singular_subject = re.compile(
            rf"(?:^|[.;]\s+|,\s+)(?:(?P<pron>{_alt(sg['pronouns'])})|(?:the|a|an)\s+"
            rf"(?:{mod}\s+){{0,3}}?{sg_noun})\s+(?:(?:was|had\s+been|has\s+been|got)\s+"
            rf"(?:{_alt(ph['passive_fillers'])}\s+)*(?:{_alt(ph['killed_after'])})|died)\b",
            re.I)
        self.body_found = re.compile(
            rf"\b(?:the|a|an)\s+(?:{mod}\s+){{0,3}}?{sg_noun}['’]s\s+(?:{mod}\s+)?"
            rf"{_alt(sg['body_found'])}", re.I)
        self.pronoun = re.compile(
            rf"\b(?:(?P<kil>{_alt(ph['killed_before'])})|(?P<inj>{_alt(ph['injured_before'])}))"
            rf"\s+(?P<who>him|her(?={self.boundary.pattern}))\b", re.I)


@cache
def _grammar() -> _Grammar:
    return _Grammar()


# --------------------------------------------------------------------------- numbers


def _words_value(g: _Grammar, s: str) -> int | None:
    """Value of spelled-out numbers ("two hundred and fifty"); None when ill-formed."""
    s = " ".join(s.lower().replace("-", " ").split())
    if s == "half a dozen":
        return 6
    tokens = [t for t in s.split() if t != "and"]
    if tokens and tokens[0] in ("a", "an"):
        tokens[0] = "one"
    total = current = 0
    for t in tokens:
        if t in g.units:
            last = current % 100
            # Only "tens + unit" may follow another number word ("thirty nine").
            if last and not (last % 10 == 0 and last >= 20 and g.units[t] < 10):
                return None
            current += g.units[t]
        elif t in ("hundred", "dozen"):
            current = (current or 1) * g.scales[t]
        elif t in g.scales:
            total += (current or 1) * g.scales[t]
            current = 0
        else:
            return None
    return total + current


def _number(g: _Grammar, s: str | None) -> int | None:
    if not s:
        return None
    m = re.fullmatch(r"([\d,]+(?:\.\d+)?)(?:\s+(million|thousand))?", s.strip(), re.I)
    if not m:
        return _words_value(g, s)
    value = float(m.group(1).replace(",", ""))
    value *= g.scales[m.group(2).lower()] if m.group(2) else 1
    # A decimal figure is a measure, not a head count.
    return int(value) if value == int(value) else None


@dataclass(frozen=True)
class _Count:
    low: int | None
    high: int | None
    vague: str | None
    qualifier: str | None
    absurd: bool
    who: str | None


def _count(g: _Grammar, m: re.Match[str]) -> _Count | None:
    """Read a counted-phrase match; None when it is not a figure of people."""
    qual = g.qualifiers.get(" ".join(m["qual"].lower().split())) if m["qual"] else None
    who = _who(g, m["who"])
    if m["art"]:
        if m["who"] is None:
            return None
        return _Count(1, 1, None, qual, False, who)
    if m["absurd"]:
        return _Count(None, None, None, qual, True, who)
    if m["vague"]:
        return _Count(None, None, g.vague[" ".join(m["vague"].lower().split())], qual, False, who)
    a = _number(g, m["ba"] or m["da"] or m["ra"] or m["n"])
    b = _number(g, m["bb"] or m["db"] or m["rb"]) if not m["n"] else a
    if a is None or b is None:
        return None
    low, high = min(a, b), max(a, b)
    return _Count(low, high, None, qual, high > g.max_event, who)


def _who(g: _Grammar, noun: str | None) -> str | None:
    if not noun:
        return None
    key = " ".join(noun.lower().split())
    return g.plural.get(key, noun)


# --------------------------------------------------------------------------- contexts


def _kind(m: re.Match[str]) -> str:
    groups = m.groupdict()
    if groups.get("cas"):
        return "casualties"
    return "injured" if groups.get("inj") else "killed"


def _items(g: _Grammar, text: str, first: re.Match[str]) -> list[re.Match[str]]:
    """A counted phrase and those coordinated with it ("two soldiers and three civilians")."""
    items = [first]
    while True:
        sep = g.sep.match(text, items[-1].end())
        nxt = g.qp.match(text, sep.end()) if sep else None
        if not nxt or not nxt.group(0).strip():
            return items
        items.append(nxt)


def _passive_kind(g: _Grammar, text: str, pos: int) -> str | None:
    """Kind of a verb after the count ("were killed", "wounded"); None if none follows."""
    m = g.passive.match(text, pos)
    if not m:
        return None
    # "Two gunmen killed three villagers", "a soldier (SNA) shot and killed a driver": a verb
    # with no auxiliary before it and an object after it is active, not passive.
    if not m["fill"].strip() and g.object.match(text, m.end()):
        return None
    return _kind(m)


def _active_kind(g: _Grammar, text: str, start: int) -> str | None:
    m = g.active.search(text[max(0, start - 80):start])
    if not m:
        return None
    return "killed" if m["dead"] else _kind(m)


def _context(g: _Grammar, text: str, items: list[re.Match[str]]) -> str | None:
    """The casualty kind the counted phrases are the object or subject of, if any."""
    last = items[-1]
    kind = _passive_kind(g, text, last.end())
    if kind:
        return kind
    of = g.of_phrase.match(text, last.end()) if last["who"] else None
    kind = _passive_kind(g, text, of.end()) if of else None
    if kind:
        return kind  # "four members of an Iran-backed militia were killed"
    kind = _active_kind(g, text, items[0].start())
    if kind and (last["who"] or g.boundary.match(text, last.end())):
        return kind
    if g.toll.search(text[max(0, items[0].start() - 80):items[0].start()]):
        return "killed"
    if len(items) == 1 and not last["who"]:
        noun = g.noun_toll.match(text, last.end())
        if noun:
            return _kind(noun)
    return None


def _dated_or_aged(g: _Grammar, text: str, m: re.Match[str]) -> bool:
    """A year ("in 2019") or an age ("aged 30") looks like a count but is not one."""
    prefix = text[max(0, m.start() - 30):m.start()]
    if g.age_before.search(prefix):
        return True
    year = re.fullmatch(r"(?:1[89]|20)\d\d", (m["n"] or "").strip())
    return bool(year and g.year_before.search(prefix))


def _toll(g: _Grammar, text: str, m: re.Match[str], kind: str, subset: bool) -> Toll | None:
    c = _count(g, m)
    if c is None or _dated_or_aged(g, text, m):
        return None
    span = dict(start=m.start(), end=m.end(), text=m.group(0), subset=subset)
    if c.absurd:
        return Toll("unknown", None, None, None, c.qualifier, who=c.who, **span)
    return Toll(kind, c.low, c.high, c.vague, c.qualifier, who=c.who, **span)


def _is_subset(g: _Grammar, prefix: str) -> bool:
    """Whether a count follows "including" or "among the dead were" (a part of a total)."""
    if g.subset.search(prefix):
        return True
    m = g.active.search(prefix)
    return bool(m and m["dead"])


def _counted(g: _Grammar, text: str) -> list[Toll]:
    tolls: list[Toll] = []
    done = 0
    for m in g.qp.finditer(text):
        if m.start() < done or not m.group(0).strip():
            continue
        items = _items(g, text, m)
        kind = _context(g, text, items)
        if kind is None:
            continue
        done = items[-1].end()
        subset = _is_subset(g, text[max(0, m.start() - 80):m.start()])
        tolls.extend(t for i in items if (t := _toll(g, text, i, kind, subset)))
    return tolls


def _overlaps(t: Toll, others: list[Toll]) -> bool:
    return any(o.start < t.end and t.start < o.end for o in others)


def _statements(g: _Grammar, text: str) -> list[Toll]:
    """Fixed statements that nobody died or that the toll is unknown."""
    out = [Toll("none", 0, 0, None, None, m.start(), m.end(), m.group(0))
           for m in g.none.finditer(text)]
    return out + [Toll("unknown", None, None, None, None, m.start(), m.end(), m.group(0))
                  for m in g.unknown.finditer(text)]


def _phrases(g: _Grammar, text: str) -> list[Toll]:
    """Deaths without a figure: plural deaths ("civilians were killed"), "killed him"."""
    out = [Toll("killed", None, None, "plural", None, m.start(), m.end(), m.group(0))
            for m in g.plural_phrase.finditer(text)]
    for m in g.bare_plural.finditer(text):
        det = (m["det"] or "").lower()
        if det == "no":
            out.append(Toll("none", 0, 0, None, None, m.start(), m.end(), m.group(0),
                            who=_who(g, m["who"])))
        elif not det:
            out.append(Toll(_kind(m), None, None, "plural", None, m.start("who"), m.end(),
                            text[m.start("who"):m.end()], who=_who(g, m["who"])))
    out += [Toll(_kind(m), 1, 1, None, None, m.start("who"), m.end("who"), m["who"])
            for m in g.pronoun.finditer(text)]
    return out + _singular(g, text)


SINGLE_VICTIM = "one named victim"


def _singular(g: _Grammar, text: str) -> list[Toll]:
    """One victim named without a figure counts 1; every such reference in a statement is
    the same victim (``who`` is shared, and groups of one ``who`` keep their smallest)."""
    out = []
    for pattern in (g.singular_object, g.singular_subject, g.body_found):
        for m in pattern.finditer(text):
            start = m.start("who") if m["who"] else m.start("pron")
            end = m.end("who") if m["who"] else m.end("pron")
            out.append(Toll("killed", 1, 1, None, None, start, m.end(), text[start:end],
                            who=SINGLE_VICTIM))
    return out


def parse_tolls(text: str) -> list[Toll]:
    """Every casualty expression in ``text``, in order; never raises on odd input."""
    if not isinstance(text, str) or not text:
        return []
    return list(_tolls_of(text))


# An event's mentions share sentences, and each mention reads all of its sentences' tolls;
# the tolls are frozen, so one reading per sentence text serves them all.
@lru_cache(maxsize=2048)
def _tolls_of(text: str) -> tuple[Toll, ...]:
    g = _grammar()
    stated = _statements(g, text)
    # "No one was hurt" is a statement, not a count of one.
    counted = [t for t in _counted(g, text) if not _overlaps(t, stated)]
    # A phrase overlapping a counted toll ("two soldiers were killed") adds nothing new.
    extra = [t for t in _phrases(g, text) if not _overlaps(t, stated + counted)]
    merged: list[Toll] = []
    for t in sorted(stated + counted + extra, key=lambda t: (t.start, -t.end)):
        if not any(u.start <= t.start and t.end <= u.end and u.kind == t.kind for u in merged):
            merged.append(t)
    return tuple(merged)


# --------------------------------------------------------------------------- codebook figures


def _value(t: Toll, pick: Callable[[Toll], int | None]) -> int | None:
    v = pick(t)
    if v is None and t.vague:
        return _grammar().vague_value.get(t.vague)
    return v


def _aggregate(tolls: list[Toll], pick: Callable[[Toll], int | None]) -> int | None:
    """Sum distinct groups, keep the smallest total: ACLED's most conservative reading.

    "Two soldiers and three civilians" is 5; a total ("12 people") repeated with different
    figures counts once (its lowest); a subset ("including three children") is inside a total.
    """
    killed = [t for t in tolls if t.kind == "killed" and _value(t, pick) is not None]
    whole = [t for t in killed if not t.subset] or killed
    totals: list[int] = []
    groups: dict[str, int] = {}
    for t in whole:
        v = _value(t, pick)
        assert v is not None
        if t.who in (None, "people", "persons", "others", "individuals"):
            totals.append(v)
        else:
            groups[t.who] = min(v, groups.get(t.who, v))
    if not totals and not groups:
        return None
    return max(min(totals, default=0), sum(groups.values()))


def acled_fatalities(tolls: list[Toll]) -> int:
    """The ACLED fatality figure of ONE source's statement (0 when it gives no deaths)."""
    value = _aggregate(list(tolls or ()), lambda t: t.low)
    return max(0, min(value or 0, _grammar().max_event))


def to_fatalities(tolls: list[Toll]) -> Fatalities:
    """One source's tolls as a ``Fatalities`` record (ACLED figure plus low/best/high)."""
    tolls = list(tolls or ())
    acled = acled_fatalities(tolls)
    low = _aggregate(tolls, lambda t: t.low)
    if low is None:
        none = any(t.kind == "none" for t in tolls)
        return Fatalities(0, 0, 0, 0) if none else Fatalities(0)
    high = _aggregate(tolls, lambda t: t.high)
    return Fatalities(acled, low, acled, max(high or low, low))


def combine(per_source: list[Fatalities]) -> Fatalities:
    """Several sources' figures for one event, conservatively.

    acled and low are the smallest reported figures, high the largest, best the figure most
    sources give (the lowest of those on a tie). Sources without a figure are left out.
    """
    reported = [f for f in per_source or () if f.low is not None or f.acled]
    if not reported:
        return Fatalities(0)
    lows = [f.low if f.low is not None else f.acled for f in reported]
    highs = [f.high if f.high is not None else low for f, low in zip(reported, lows, strict=True)]
    bests = [f.best if f.best is not None else low for f, low in zip(reported, lows, strict=True)]
    counts = Counter(bests)
    best = min(bests, key=lambda b: (-counts[b], b))
    return Fatalities(min(f.acled for f in reported), min(lows), best, max(highs))


def split_over_days(total: int, days: int) -> list[int]:
    """A multi-day total per day, ACLED style: equal shares, the remainder on the first day."""
    total = max(0, int(total or 0))
    days = max(1, int(days or 1))
    share, rest = divmod(total, days)
    return [share + rest] + [share] * (days - 1)


def toll_rule(per_source: list[list[Toll]]) -> str:
    """A one-line account of how the ACLED fatality figure was reached, for ``--explain``."""
    tolls = [t for ts in per_source or () for t in ts]
    killed = [t for t in tolls if t.kind == "killed"]
    if not killed:
        if any(t.kind == "none" for t in tolls):
            return "codebook: a statement that nobody died -> 0"
        if any(t.kind in ("unknown", "casualties") for t in tolls):
            return "codebook: toll unknown or only 'casualties' (injured and/or killed) -> 0"
        return "codebook: no fatalities mentioned -> 0"
    parts = []
    vague = sorted({t.vague for t in killed if t.vague})
    if vague:
        values = _grammar().vague_value
        parts.append("vague words " + ", ".join(f"'{v}'={values.get(v, '?')}" for v in vague))
    if any(t.low != t.high for t in killed if t.low is not None):
        parts.append("a range counts its lower figure")
    if len({t.who for t in killed if not t.subset}) > 1:
        parts.append("distinct groups summed")
    if len([ts for ts in per_source if any(t.kind == "killed" for t in ts)]) > 1:
        parts.append("the lowest of the sources' figures")
    if any(t.subset for t in killed):
        parts.append("subsets ('including ...') inside their total")
    detail = "; ".join(parts) or "the figure stated"
    return f"codebook: most conservative reported figure ({detail})"
