"""Fusion across documents: mentions of one event in many reports become one ``Event``.

``Fuser.match(candidate, existing)`` finds the stored event a new mention belongs to, or
None; ``Fuser.merge(stored, new)`` folds the new mention in, keeping every claim and every
source and re-resolving the exported values from all the claims. ``cluster(events)`` does the
same offline for a batch, with the same clusters whatever the input order.

Matching (``score``) first applies vetoes, then a weighted score:

- vetoes: incompatible event types (``COMPATIBLE_TYPES``; within Explosions/Remote violence,
  stand-off fire and planted or carried bombs are different weapons: ``WEAPON_FAMILY``);
  dates further apart than the window (``WINDOW_DAYS``, wider for week- or month-precise
  dates), so a report of an event years away never matches; places in different countries,
  further apart than ``MAX_KM``, or two places both coded precisely (geo_precision 1) that lie
  more than ``DISTINCT_PLACES_KM`` apart (two named towns are two events); day-precise
  days that both reports state two or more days apart; another event
  of a document already in the stored event (a report's main and background events are
  different events); an event without a location unless its sentences name the other's
  place (``names_place``) or the other evidence is strong (same day, a shared named actor,
  and similar text).
- weights (``WEIGHTS``, summing to 1): date 0.25 (same day 1; 0.2 / days apart when both
  reports state their day, 0.4 / days when one is a publication-day fallback), place 0.25
  (1 within the coarser precision's tolerance, ``TOLERANCE_KM``, falling to 0 at twice it; a
  region-level place counts only a shared name, or the other's town named in its sentences;
  an unlocated report naming the other's place ``NAMED_PLACE``), text 0.30 (the mean of rapidfuzz
  ``token_set_ratio`` and an idf-weighted cosine of the content words of the event
  sentences, best pair of documents, a document without an event claim told by its other
  claims' sentences; idf over the pool compared against, so the words that
  single an event out weigh most), type 0.10 (same sub-type 1, same type 0.6, a compatible
  pair 0.4), actors 0.05 (1 when a named actor is shared, 0.5 when either names none, 0 when
  both name only different ones: reports do blame different perpetrators, so this never
  vetoes), toll 0.05 (overlapping figures 1, else the ratio of the nearer ends).
  A pair matches at ``THRESHOLD`` (0.68): on the story fixtures every report's best link to
  its story scores 0.72 or more and the highest distractor pair 0.67 (tests/test_fuse.py
  pins the outcome).
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from rapidfuzz import fuzz

from reportedly import resolve
from reportedly.actors import Actor, ActorResolver, inter_code, interaction
from reportedly.geodesy import haversine_km
from reportedly.records import Claim, Event, Fatalities, Location, Plover

WINDOW_DAYS = 3
# ACLED time_precision 2 (a week) and 3 (a month) widen the window to the period they cover
PRECISION_WINDOW = {1: WINDOW_DAYS, 2: 7, 3: 15}
MAX_KM = 50.0
DISTINCT_PLACES_KM = 10.0
# how far apart two reports of one event may place it, by the coarser ACLED geo_precision
TOLERANCE_KM = {1: 10.0, 2: 15.0, 3: 50.0}
WEIGHTS = {"date": 0.25, "place": 0.25, "text": 0.3, "actors": 0.05, "type": 0.1, "toll": 0.05}
THRESHOLD = 0.68
# without a location, the rest must be this strong (same day, shared actor, similar text)
NO_PLACE_TEXT = 0.6
# an unlocated report whose sentences name the other report's place
NAMED_PLACE = 0.75

# ACLED types one event may be told as by different outlets: an airstrike during a ground
# battle is one Battles event (codebook); a bombing or shelling that kills civilians is told as
# an attack on them; an attack on a village is told as clashes with its militia; a protest
# that turns violent is told as a riot. Strategic developments only match their own sub-type.
COMPATIBLE_TYPES = frozenset({
    frozenset({"Battles", "Explosions/Remote violence"}),
    frozenset({"Violence against civilians", "Explosions/Remote violence"}),
    frozenset({"Violence against civilians", "Battles"}),
    frozenset({"Protests", "Riots"}),
})
# Explosions/Remote violence sub-types by weapon: fired from afar, or planted/carried
WEAPON_FAMILY = {
    "Air/drone strike": "stand-off",
    "Shelling/artillery/missile attack": "stand-off",
    "Chemical weapon": "stand-off",
    "Remote explosive/landmine/IED": "bomb",
    "Suicide bomb": "bomb",
    "Grenade": "bomb",
}
GENERIC = resolve.GENERIC_PREFIXES
_STOP = frozenset("""a an the of in on at to for from by with and or but as is was were be been
has have had it its their his her they he she that this which who said says told reported
according after before during when while near into over about than more also""".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_STATE = re.compile(r"^(Military|Police) Forces of (?:the )?(.+?)(?: \(\d{4}-(?:\d{4})?\).*)?$")


@dataclass(frozen=True)
class Score:
    """How alike two events are: the total, its parts, or the rule that vetoed the match."""

    total: float
    parts: dict[str, float]
    veto: str | None = None

    @property
    def matches(self) -> bool:
        return self.veto is None and self.total >= THRESHOLD


# --- what an event says, for matching -------------------------------------------------------


def documents(event: Event) -> list[str]:
    """The ids of the documents behind an event, in the order their claims came."""
    return list(OrderedDict.fromkeys(c.evidence.doc_id for c in event.claims))


def claim_key(claim: Claim) -> tuple[str, str, str, str, int]:
    """Two claims are one when the same source says the same value at the same place."""
    return (claim.evidence.doc_id, claim.field, claim.value, claim.source.name,
            claim.evidence.start)


def _bare(name: str) -> str:
    return resolve._PERIOD.sub("", name).strip()


def named_actors(event: Event) -> set[str]:
    """The named (not generic) actors an event's claims and columns name, without periods."""
    names = [c.value for c in event.claims if c.field in ("actor1", "actor2")]
    names += [n for n in (event.actor1, event.actor2, event.assoc_actor_1) if n]
    return {_bare(n) for n in names if n and not n.startswith(GENERIC)}


def _content(text: str) -> str:
    return " ".join(w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2)


def _sentences(event: Event, *, fields: tuple[str, ...] | None = None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in event.claims:
        if fields is None or c.field in fields:
            sents = out.setdefault(c.evidence.doc_id, [])
            if c.evidence.sentence not in sents:
                sents.append(c.evidence.sentence)
    return out


def event_texts(event: Event) -> dict[str, str]:
    """Per document, the content words of the sentences that tell the event; a document with
    no event claim is told by the sentences of its other claims (its date, place, toll)."""
    told = _sentences(event, fields=("event",))
    for doc, sents in _sentences(event).items():
        told.setdefault(doc, sents)
    return {doc: _content(" ".join(sents)) for doc, sents in told.items()}


def place_names(event: Event) -> set[str]:
    """The spellings of an event's place: its gazetteer name and the names its reports wrote."""
    if event.location is None or not event.location.name:
        return set()
    names = {event.location.name} | {c.text for c in event.claims if c.field == "location"}
    return {n.strip() for n in names if n and len(n.strip()) > 2}


def names_place(coarse: Event, fine: Event) -> bool:
    """Whether a report that is unlocated or placed only in a region names, in the sentences
    of its claims, the place another report located more precisely ("the central market of
    Kherson" where the geocoder found no place; "forests around Kajuru" coded to the state)."""
    if fine.location is None or coarse.location is not None and (
            (coarse.location.geo_precision or 3) < 3 or (fine.location.geo_precision or 3) >= 3):
        return False  # a coded region counts only against a town it contains the name of
    text = " ".join(s for sents in _sentences(coarse).values() for s in sents)
    return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text, re.I) for n in place_names(fine))


# --- the matching rules ---------------------------------------------------------------------


def type_score(a: Event, b: Event) -> float | None:
    """1 same sub-type, 0.6 same type, 0.4 a compatible pair; None when incompatible."""
    if a.sub_event_type == b.sub_event_type:
        return 1.0
    if a.event_type == b.event_type:
        if a.event_type == "Strategic developments":
            return None
        fa, fb = WEAPON_FAMILY.get(a.sub_event_type), WEAPON_FAMILY.get(b.sub_event_type)
        return None if fa and fb and fa != fb else 0.6
    return 0.4 if frozenset({a.event_type, b.event_type}) in COMPATIBLE_TYPES else None


def stated_days(event: Event) -> set[date]:
    """The days the reports themselves state (event_date claims), not publication fallbacks."""
    out = set()
    for c in event.claims:
        if c.field == "event_date":
            try:
                out.add(date.fromisoformat(c.value))
            except ValueError:
                continue
    return out


def date_score(a: Event, b: Event) -> float | None:
    """1 on the same day, 0.4 / days apart within the window; None outside it, undated, or
    when both reports state day-precise days two or more days apart (ACLED: one event a day;
    a one-day gap is tolerated since a day-later report is often dated to its own day)."""
    if a.event_date is None or b.event_date is None:
        return None
    days = abs((a.event_date - b.event_date).days)
    coarse = max(a.time_precision or 1, b.time_precision or 1)
    if days > PRECISION_WINDOW.get(coarse, WINDOW_DAYS):
        return None
    if coarse > 1:
        return 0.5  # a week or a month: the day is not known, so not held against them
    stated = a.event_date in stated_days(a) and b.event_date in stated_days(b)
    if days >= 2 and stated:
        return None
    if days == 0:
        return 1.0
    return 0.2 / days if stated else 0.4 / days


def toll_score(a: Fatalities, b: Fatalities) -> float:
    """How well two tolls agree: overlapping ranges 1, else the ratio of the nearer ends;
    0.5 when either report gives no figure (tolls rise as reports come in)."""
    if a.low is None or b.low is None:
        return 0.5
    a_hi, b_hi = a.high if a.high is not None else a.low, b.high if b.high is not None else b.low
    if a.low <= b_hi and b.low <= a_hi:
        return 1.0
    lo, hi = (a_hi, b.low) if a_hi < b.low else (b_hi, a.low)
    return (lo + 1) / (hi + 1)


def place_score(a: Location | None, b: Location | None) -> float | str | None:
    """Place similarity in [0, 1]; a veto reason (str); None when either place is unknown."""
    if a is None or b is None or a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return None
    # no veto on country alone: a strike on a border crossing is placed on either side
    km = haversine_km(a.lat, a.lon, b.lat, b.lon)
    coarse = max(a.geo_precision or 3, b.geo_precision or 3)
    same_region = bool(a.admin1) and a.admin1 == b.admin1
    if km > MAX_KM and not (coarse >= 3 and same_region) or (
            a.country_code != b.country_code and km > MAX_KM):
        return f"{km:.0f} km apart"
    if a.geo_precision == 1 and b.geo_precision == 1 and km > DISTINCT_PLACES_KM \
            and a.name != b.name:
        return f"two precise places {km:.0f} km apart"
    tolerance = TOLERANCE_KM.get(coarse, TOLERANCE_KM[3])
    if coarse >= 3:
        # a region (or a name read as one): only a shared name counts for the match
        return 1.0 if a.name == b.name else 0.25
    return max(0.0, min(1.0, 2.0 - km / tolerance))


def actor_score(a: Event, b: Event) -> float:
    """1 when the two share a named actor, 0.5 when either names none, 0 otherwise."""
    na, nb = named_actors(a), named_actors(b)
    if not na or not nb:
        return 0.5
    return 1.0 if na & nb else 0.0


def idf(events: Iterable[Event]) -> dict[str, float]:
    """Inverse document frequency of content words over the documents of a pool of events:
    words every report of the period shares ('shelling', the town) weigh little, the ones that
    single an event out ('market', 'church', 'motorcycle') much."""
    df: Counter[str] = Counter()
    n = 0
    for event in events:
        for text in event_texts(event).values():
            n += 1
            df.update(set(text.split()))
    return {w: math.log((n + 1) / (k + 0.5)) for w, k in df.items()}


def _cosine(x: str, y: str, weights: dict[str, float] | None) -> float:
    wa, wb = Counter(x.split()), Counter(y.split())
    default = max(weights.values(), default=1.0) if weights else 1.0

    def w(word: str) -> float:
        return weights.get(word, default) if weights else 1.0

    dot = sum(wa[t] * wb[t] * w(t) ** 2 for t in wa.keys() & wb.keys())
    na = math.sqrt(sum((c * w(t)) ** 2 for t, c in wa.items()))
    nb = math.sqrt(sum((c * w(t)) ** 2 for t, c in wb.items()))
    return dot / (na * nb) if na and nb else 0.0


def text_score(a: Event, b: Event, *, weights: dict[str, float] | None = None) -> float:
    """Similarity of the event sentences' content words, best pair of documents: the mean of
    rapidfuzz token_set_ratio (spelling variants) and an idf-weighted cosine (rare words)."""
    ta, tb = event_texts(a), event_texts(b)
    best = 0.0
    for x in ta.values():
        for y in tb.values():
            if x and y:
                fuzzy = fuzz.token_set_ratio(x, y) / 100.0
                best = max(best, (fuzzy + _cosine(x, y, weights)) / 2)
    return best


def score(candidate: Event, stored: Event, *, weights: dict[str, float] | None = None) -> Score:
    """How alike a new mention and a stored event are (see the module docstring);
    ``weights`` are word weights for the text part (``idf`` of the pool compared against)."""
    parts: dict[str, float] = {}
    typ = type_score(candidate, stored)
    if typ is None:
        return Score(0.0, parts, f"types {candidate.sub_event_type} / {stored.sub_event_type}")
    when = date_score(candidate, stored)
    if when is None:
        return Score(0.0, parts, "dates out of window or unknown")
    where = place_score(candidate.location, stored.location)
    if isinstance(where, str):
        return Score(0.0, parts, where)
    parts = {"type": typ, "date": when, "actors": actor_score(candidate, stored),
             "text": text_score(candidate, stored, weights=weights),
             "toll": toll_score(candidate.fatalities, stored.fatalities),
             "place": where if where is not None else 0.0}
    named = names_place(candidate, stored) or names_place(stored, candidate)
    if named:
        # the text names the other's place: unlocated, it is placed there by the words alone;
        # coded to the region around it, the geocoder only missed the town the text names
        parts["place"] = NAMED_PLACE if where is None else 1.0
    elif where is None and not (when == 1.0 and parts["actors"] == 1.0
                                and parts["text"] >= NO_PLACE_TEXT):
        return Score(0.0, parts, "no location and weak other evidence")
    elif where is None:
        parts["place"] = 0.5  # unknown, not different: the strong rest carries the match
    total = sum(WEIGHTS[k] * v for k, v in parts.items())
    return Score(round(total, 4), parts)


# --- merging --------------------------------------------------------------------------------


def _dedup(claims: Iterable[Claim]) -> tuple[Claim, ...]:
    seen: dict[tuple, Claim] = {}
    for c in claims:
        seen.setdefault(claim_key(c), c)
    return tuple(seen.values())


def _typing(stored: Event, new: Event, claims: tuple[Claim, ...]) -> Event:
    """The typing most documents tell (event claims, one vote per document and sub-type);
    the stored one on a tie."""
    votes = Counter({(c.evidence.doc_id, c.value) for c in claims if c.field == "event"})
    tally = Counter(sub for _, sub in votes)
    if tally[new.sub_event_type] > tally[stored.sub_event_type]:
        return new
    return stored


def _date(stored: Event, new: Event) -> tuple[date | None, int | None]:
    """The most precise date; the earliest of equally precise ones."""
    dated = [(e.time_precision or 9, e.event_date) for e in (stored, new) if e.event_date]
    if not dated:
        return None, None
    precision, day = min(dated)
    return day, precision if precision != 9 else None


def _location(stored: Event, new: Event) -> Location | None:
    """The stored place unless the new report places the event more precisely."""
    if stored.location is None:
        return new.location
    if new.location is not None and (new.location.geo_precision or 9) < (
            stored.location.geo_precision or 9):
        return new.location
    return stored.location


def _toll(stored: Event, new: Event, claims: tuple[Claim, ...], policy: resolve.Policy
          ) -> Fatalities:
    """Across documents: the lowest reported figure for ACLED, low = min, high = max, best
    the figure most sources give (lowest on a tie); the ``highest`` policy takes the high."""
    reported = [f for f in (stored.fatalities, new.fatalities) if f.low is not None or f.acled]
    if not reported:
        return Fatalities(0)
    lows = [f.low if f.low is not None else f.acled for f in reported]
    highs = [f.high if f.high is not None else low for f, low in zip(reported, lows, strict=True)]
    figures = Counter(int(c.value) for c in {(c.evidence.doc_id, c.source.name, c.value): c
                                             for c in claims}.values()
                      if c.field == "fatalities" and c.value.isdigit()
                      and c.stance in resolve.FIRM)
    best = min(figures, key=lambda v: (-figures[v], v)) if figures else min(lows)
    acled = min(f.acled for f in reported)
    if policy.toll == "highest":
        acled = max(highs)
    return Fatalities(acled, min(lows), best, max(highs))


class Fuser:
    """Matches new event mentions against stored events and merges them in."""

    def __init__(self, policy: resolve.Policy | None = None) -> None:
        self.policy = policy or resolve.Policy()

    @property
    def resolver(self) -> ActorResolver:
        return _resolver()

    def match(self, candidate: Event, existing: list[Event]) -> Event | None:
        """The stored event ``candidate`` reports, or None (a new event)."""
        keys = {claim_key(c) for c in candidate.claims}
        docs = set(documents(candidate))
        best: tuple[float, str] | None = None
        found: Event | None = None
        weights = idf([*existing, candidate])
        for event in existing:
            if docs and docs <= set(documents(event)):
                if keys <= {claim_key(c) for c in event.claims}:
                    return event  # the same document again
                continue  # another event of a document already in this one
            s = score(candidate, event, weights=weights)
            # ties go to the smaller event id, so the outcome does not depend on list order
            if s.matches and (best is None or (-s.total, event.event_id) < best):
                best, found = (-s.total, event.event_id), event
        return found

    def merge(self, stored: Event, new: Event) -> Event:
        """``stored`` with ``new`` folded in: every claim and source, values re-resolved."""
        claims = _dedup((*stored.claims, *new.claims))
        typed = _typing(stored, new, claims)
        when, precision = _date(stored, new)
        location = _location(stored, new)
        country = location.country if location else None
        a1, a2 = self._actors(stored, new, typed, claims, country)
        i1 = self._inter(a1, stored, new, country)
        i2 = self._inter(a2, stored, new, country)
        sources = tuple(OrderedDict.fromkeys((*stored.sources, *new.sources)))
        merged = replace(
            stored,
            role="main" if "main" in (stored.role, new.role) else stored.role,
            event_type=typed.event_type, sub_event_type=typed.sub_event_type,
            disorder_type=typed.disorder_type, plover=Plover(typed.plover.event, typed.plover.mode),
            event_date=when, time_precision=precision,
            actor1=a1, actor2=a2, inter1=i1, inter2=i2,
            assoc_actor_1=stored.assoc_actor_1 or new.assoc_actor_1,
            assoc_actor_2=stored.assoc_actor_2 or new.assoc_actor_2,
            interaction=interaction(i1, i2) if i1 else None,
            civilian_targeting=stored.civilian_targeting or new.civilian_targeting,
            location=location,
            fatalities=_toll(stored, new, claims, self.policy),
            grade=resolve.grade(list(claims), resolver=self.resolver, country=country,
                                actor1=a1, actor1_country=self._country_of(a1, country)),
            claims=claims,
            sources=sources,
            extras={**new.extras, **stored.extras},
        )
        return self.finish(merged)

    def finish(self, event: Event) -> Event:
        """An event with its summary and fusion extras (documents, number_of_sources) set;
        what a lone event gets before it is stored."""
        extras = {**event.extras, "documents": documents(event),
                  "number_of_sources": len(event.sources)}
        return replace(event, notes=resolve.summary(event), extras=extras)

    def _actors(self, stored: Event, new: Event, typed: Event, claims: tuple[Claim, ...],
                country: str | None) -> tuple[str | None, str | None]:
        if typed.event_type in ("Protests", "Riots"):
            # the crowd is actor1 by the codebook's rule, whoever the claims name
            return typed.actor1 or stored.actor1, stored.actor2 or new.actor2
        unknown = resolve.unidentified(country, air=typed.sub_event_type == "Air/drone strike")
        confirmed = resolve.accepted(list(claims), self.resolver, country)
        a1 = resolve.choose_actor1(list(claims), self.policy, unknown.name, confirmed=confirmed)
        fallback = [n for n in (stored.actor1, new.actor1) if n]
        if a1 is None or (a1.startswith(GENERIC) and any(not n.startswith(GENERIC)
                                                         for n in fallback)
                          and not resolve.perpetrator_contested(list(claims))):
            a1 = next((n for n in fallback if not n.startswith(GENERIC)), a1 or next(
                iter(fallback), None))
        seconds = [n for n in (stored.actor2, new.actor2) if n and _bare(n) != _bare(a1 or "")]
        if typed.event_type != "Violence against civilians":
            seconds.sort(key=lambda n: n.startswith(GENERIC))  # named before generic, stably
        return a1, next(iter(seconds), None)

    def _inter(self, name: str | None, stored: Event, new: Event, country: str | None
               ) -> int | None:
        if name is None:
            return None
        for e in (stored, new):
            for n, code in ((e.actor1, e.inter1), (e.actor2, e.inter2)):
                if n == name and code is not None:
                    return code
        actor = self._actor(name, country)
        return inter_code(actor, event_country=country) if actor else None

    def _actor(self, name: str, country: str | None) -> Actor | None:
        state = _STATE.match(name)
        if state:
            return Actor(name, 1, "state", state.group(2))
        if name.startswith("Unidentified"):
            return resolve.unidentified(country, air=name.startswith("Unidentified Military"))
        return self.resolver.resolve(name, country=country)

    def _country_of(self, name: str | None, country: str | None) -> str | None:
        actor = self._actor(name, country) if name else None
        return actor.country if actor and actor.country else country


@cache
def _resolver() -> ActorResolver:
    return ActorResolver()


def _order_key(event: Event) -> tuple[date, str]:
    return (event.event_date or date.min, event.event_id)


def cluster(events: list[Event], *, policy: resolve.Policy | None = None) -> list[list[Event]]:
    """Group events that report the same event, the same clusters whatever the input order.

    The events are fused in a canonical order (date, then event id), so the input order
    cannot change the outcome; clusters come back in that order, members likewise.
    """
    fuser = Fuser(policy)
    fused: list[Event] = []
    members: list[list[Event]] = []
    for event in sorted(events, key=_order_key):
        target = fuser.match(event, fused)
        if target is None:
            fused.append(fuser.finish(event))
            members.append([event])
            continue
        i = next(n for n, e in enumerate(fused) if e is target)
        fused[i] = fuser.merge(target, event)
        members[i].append(event)
    return members
