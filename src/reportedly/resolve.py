"""Resolution policies: from many claims to the single values an export needs.

Claims are never dropped; these rules only choose what goes into the ``actor1``,
``actor2`` and ``fatalities`` columns and which grade the event gets.

Policy options (see README, "Resolution policies"):
- ``contested_perpetrator``: ``"unidentified"`` (default; the codebook's unknown perpetrator
  while sources disagree), ``"most_sources"`` (the value with most distinct sources), or
  ``"first"`` (the first source's value).
- ``toll``: ``"conservative"`` (default; the codebook's lowest reported figure) or ``"highest"``.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta

from reportedly import lexicons
from reportedly.actors import Actor, ActorResolver, inter_code, interaction
from reportedly.detect import Mention, Typing
from reportedly.records import Claim, Event, Fatalities, Location, Plover
from reportedly.timex import TimeExpr

FIRM = ("asserted", "reported", "alleged")


@dataclass(frozen=True)
class Policy:
    contested_perpetrator: str = "unidentified"
    toll: str = "conservative"

    def __post_init__(self) -> None:
        if self.contested_perpetrator not in ("unidentified", "most_sources", "first"):
            raise ValueError(f"unknown contested_perpetrator policy {self.contested_perpetrator!r}")
        if self.toll not in ("conservative", "highest"):
            raise ValueError(f"unknown toll policy {self.toll!r}")


def unidentified(country: str | None, *, air: bool) -> Actor:
    """The codebook's unknown perpetrator: unknown aircraft, or an armed group of the country."""
    if air:
        return Actor("Unidentified Military Forces", 8, "unidentified", country, "unknown")
    name = f"Unidentified Armed Group ({country})" if country else "Unidentified Armed Group"
    return Actor(name, 3, "unidentified", country, "unknown")


def _values_by_source(claims: list[Claim], field: str) -> OrderedDict[str, set[str]]:
    out: OrderedDict[str, set[str]] = OrderedDict()
    for c in claims:
        if field == "actor1" and c.value.startswith("Civilians"):
            continue  # civilians are the victims or bystanders of violence, never its author
        if c.field == field and c.stance in FIRM:
            out.setdefault(c.value, set()).add(c.source.name)
    return out


def _ranked(claims: list[Claim], field: str) -> list[str]:
    """Values of a field, firm ones first, named before unidentified ones (a named group is
    the more specific telling of 'an armed group'), then by number of distinct sources."""
    firm = _values_by_source(claims, field)
    ranked = sorted(firm, key=lambda v: (v.startswith("Unidentified"), -len(firm[v])))
    rest = [c.value for c in claims if c.field == field and c.stance not in ("denied", "unknown")]
    return ranked + [v for v in dict.fromkeys(rest) if v not in firm]


GENERIC_PREFIXES = ("Unidentified", "Civilians", "Protesters", "Rioters")

# ACLED: people arrested, and homes burned or looted, with no group named are Civilians
# (actor2) of the event country.
CIVILIAN_OBJECT_SUBTYPES = frozenset({"Arrests", "Looting/property destruction"})


def perpetrator_contested(claims: list[Claim]) -> bool:
    """Two or more sources name different perpetrators (the Airwars sense of 'contested').

    An unidentified or generic actor does not compete with a named one: it is less specific.
    """
    values = {
        v: s
        for v, s in _values_by_source(claims, "actor1").items()
        if not v.startswith(GENERIC_PREFIXES)
    }
    if len(values) < 2:
        return False
    sources = set().union(*values.values())
    return len(sources) >= 2


def toll_contested(claims: list[Claim]) -> bool:
    """Independent sides give different tolls (one group's early and later counts do not)."""
    figures: dict[str, set[str]] = {}
    for c in claims:
        if c.field == "fatalities" and c.stance in FIRM and c.value[:1].isdigit():
            figures.setdefault(c.value, set()).add(source_key(c.source.name, c.source.kind))
    return len(figures) >= 2 and len(set().union(*figures.values())) >= 2


def accepted(claims: list[Claim], resolver: ActorResolver | None, country: str | None) -> list[str]:
    """actor1 values that the actor itself states: a claim of responsibility, or its own
    spokesman saying it did it ('the army said' of an army operation)."""
    out = []
    for c in claims:
        if c.field != "actor1" or c.stance not in ("asserted", "reported"):
            continue
        if c.source.kind == "party" and c.stance == "asserted":
            out.append(c.value)
        elif resolver is not None and c.source.kind in ("official", "party"):
            speaker = speaker_actor(c.source.name, resolver, country)
            if speaker is not None and _same_actor(speaker.name, c.value, c.source.name):
                out.append(c.value)
    return out


def speaker_actor(name: str, resolver: ActorResolver, country: str | None) -> Actor | None:
    """The actor a speaker speaks for: 'a police spokesperson' -> the police."""
    roles = lexicons.load("attribution")["speaker_roles"]
    text = re.sub(r"\s*\([^)]*\)", "", name).strip()
    actor = resolver.resolve(text, country=country)
    if actor is not None:
        return actor
    low = text.lower()
    for ministry, force in roles["ministries"].items():
        if ministry in low:
            owner = low.split(ministry)[0].replace("'s", "").strip()
            return resolver.resolve(f"{owner} {force}".strip(), country=country)
    words = [w for w in re.findall(r"[\w'-]+", low) if w not in roles["strip"]]
    return resolver.resolve(" ".join(words), country=country) if words else None


def confirmed_by_party(
    claims: list[Claim], actor1: str | None, resolver: ActorResolver | None, country: str | None
) -> bool:
    """The chosen perpetrator itself tells of the event ('a police spokesperson confirmed the
    arrests' made by the police). ``country`` is best the perpetrator's own: an unqualified
    'police spokesperson' speaks for the police the story is about."""
    if not actor1 or resolver is None or actor1.startswith(GENERIC_PREFIXES):
        return False
    for c in claims:
        if (
            c.field in ("event", "actor1", "fatalities")
            and c.stance in FIRM
            and c.source.kind in ("official", "party")
        ):
            speaker = speaker_actor(c.source.name, resolver, country)
            if speaker is not None and _same_actor(speaker.name, actor1, c.source.name):
                return True
    return False


_PERIOD = re.compile(r"\s*\(\d{4}-(\d{4})?\)")


def _same_actor(speaker: str, value: str, said_by: str = "") -> bool:
    """The same actor, whatever regime period each name carries. A force's branch is the
    speaker's own only when the speaker names that branch ('the air force said' of '...
    Air Force'); an army speaking of another sub-force of its state does not claim its acts."""
    a, b = _PERIOD.sub("", speaker), _PERIOD.sub("", value)
    if a == b:
        return True
    branch = b[len(a) + 1 :] if b.startswith(a + " ") else ""
    return bool(branch) and branch.lower() in said_by.lower()


def grade(
    claims: list[Claim],
    *,
    resolver: ActorResolver | None = None,
    country: str | None = None,
    actor1: str | None = None,
    actor1_country: str | None = None,
) -> str:
    """confirmed (a party accepted responsibility), contested, fair (2+ sources), weak."""
    if accepted(claims, resolver, country) or confirmed_by_party(
        claims, actor1, resolver, actor1_country or country
    ):
        return "confirmed"
    if perpetrator_contested(claims) or toll_contested(claims):
        return "contested"
    return "fair" if len(independent_sources(claims)) >= 2 else "weak"


_ORG_WORDS = (
    "police",
    "army",
    "military",
    "ministry",
    "government",
    "governor",
    "council",
    "hospital",
    "health",
    "red cross",
    "red crescent",
    "un ",
    "united nations",
)


def source_key(name: str, kind: str = "") -> str:
    """Speakers of one side count once: 'police' and 'a police spokesperson'; 'a student union
    leader' and 'the union leader'; the organisers of a protest and their chairwoman (a party
    to the event speaks for one side, however many of its people are quoted). A publishing
    outlet's own voice is keyed by its whole name: 'Tigris Wire' and 'Euphrates Wire' are two
    outlets, which matters once reports of several outlets are fused."""
    low = f" {name.lower()} "
    if kind == "outlet":
        return "outlet:" + " ".join(re.findall(r"[a-z0-9]+", low))
    for word in _ORG_WORDS:
        if f" {word}" in low:
            return word.strip()
    if kind == "party":
        return "party"
    words = re.findall(r"[a-z]+", low)
    return words[-1] if words else low.strip()


def independent_sources(claims: list[Claim]) -> set[str]:
    """Distinct speakers who tell that the event happened, its toll or its author (not those
    who only add context); the outlet counts only when it speaks alone."""
    telling = [
        c for c in claims if c.field in ("event", "fatalities", "actor1") and c.stance in FIRM
    ] or claims
    speakers = {
        source_key(c.source.name, c.source.kind) for c in telling if c.source.kind != "outlet"
    }
    speakers |= {source_key(c.source.via) for c in telling if c.source.via}
    if not speakers:
        speakers = {source_key(c.source.name, c.source.kind) for c in telling}
    return speakers


def choose_actor1(
    claims: list[Claim], policy: Policy, unknown: str, *, confirmed: list[str] | None = None
) -> str | None:
    values = _values_by_source(claims, "actor1")
    if confirmed:
        return confirmed[0]
    named = [v for v in values if not v.startswith(GENERIC_PREFIXES)]
    if len(values) == 1:
        return next(iter(values))
    if len(values) > 1:
        if not perpetrator_contested(claims):
            return max(named or list(values), key=lambda v: len(values[v]))
        if policy.contested_perpetrator == "most_sources":
            return max(values, key=lambda v: len(values[v]))
        if policy.contested_perpetrator == "first":
            return next(iter(values))
        return unknown
    if any(c.field == "actor1" and c.stance == "unknown" for c in claims):
        return unknown
    # only hedged statements ("forces presumably clashed"): a coder still codes the named actor
    hedged = [
        c.value
        for c in claims
        if c.field == "actor1"
        and c.stance == "speculative"
        and not c.value.startswith(GENERIC_PREFIXES)
    ]
    return hedged[0] if hedged else None


def resolve_event(
    *,
    event_id: str,
    mention: Mention,
    typing: Typing,
    claims: list[Claim],
    actors: list[tuple[str, Actor]],
    country: str | None,
    location: Location | None,
    date_expr: TimeExpr | None,
    published: date | None,
    fatalities: Fatalities,
    policy: Policy,
    resolver: ActorResolver,
    text: str = "",
) -> Event:
    """``text``: the report, for the codebook's unknown perpetrator in its context (a gang
    where the report speaks of organised crime)."""
    by_name = {a.name: a for _, a in actors}
    air = typing.sub_event_type == "Air/drone strike"
    unknown = resolver.unidentified(country, text=text, air=air)
    by_name.setdefault(unknown.name, unknown)
    confirmed = accepted(claims, resolver, country)
    a1_name = choose_actor1(claims, policy, unknown.name, confirmed=confirmed)
    a2_names = _ranked(claims, "actor2")
    if typing.sub_event_type == "Agreement":
        # co-signers are both told as the subject ("X and Y signed"): the second is actor2
        a2_names = [
            v
            for v in _ranked(claims, "actor1")
            if v != a1_name and not v.startswith(GENERIC_PREFIXES)
        ] + a2_names
    # the crowd that is the subject of the event ("Sudanese nationals ... protested")
    crowd_head = next((a for f, a in actors if f == "actor1"
                       and a.kind in ("protesters", "civilians")), None)
    a1, a2, assoc1 = _by_type(typing, a1_name, a2_names, by_name, country, resolver, unknown,
                              crowd_head=crowd_head)
    if (
        a2 is None
        and typing.sub_event_type in CIVILIAN_OBJECT_SUBTYPES
        and "civilian_target" in mention.groups(lead_only=True)
    ):
        a2 = resolver.resolve("civilians", country=country)
    inter1 = inter_code(a1, event_country=country) if a1 else None
    inter2 = inter_code(a2, event_country=country) if a2 else None
    when, precision = _when(date_expr, published, mention.role)
    fat = (
        fatalities
        if policy.toll == "conservative" or fatalities.high is None
        else Fatalities(fatalities.high, fatalities.low, fatalities.best, fatalities.high)
    )
    sources = list(
        OrderedDict.fromkeys(
            [c.source.name for c in claims] + [c.source.via for c in claims if c.source.via]
        )
    )
    event = Event(
        event_id=event_id,
        role=mention.role,
        event_type=typing.event_type,
        sub_event_type=typing.sub_event_type,
        disorder_type=typing.disorder_type,
        plover=Plover(typing.plover_event, typing.plover_mode),
        event_date=when,
        time_precision=precision,
        actor1=a1.name if a1 else None,
        assoc_actor_1=assoc1,
        actor2=a2.name if a2 else None,
        assoc_actor_2=None,
        inter1=inter1,
        inter2=inter2,
        interaction=interaction(inter1, inter2) if inter1 else None,
        civilian_targeting="Civilian targeting" if a2 and a2.kind == "civilians" else None,
        location=location,
        fatalities=fat,
        grade=grade(
            claims,
            resolver=resolver,
            country=country,
            actor1=a1.name if a1 else None,
            actor1_country=a1.country if a1 else None,
        ),
        claims=tuple(claims),
        sources=tuple(sources),
        extras={"rule": typing.rule, "date_prec": date_expr.date_prec if date_expr else None},
    )
    return _with_notes(event)


def _by_type(
    typing: Typing,
    a1_name: str | None,
    a2_names: list[str],
    by_name: dict[str, Actor],
    country: str | None,
    resolver: ActorResolver,
    unknown: Actor,
    *,
    crowd_head: Actor | None = None,
) -> tuple[Actor | None, Actor | None, str | None]:
    """Codebook actor rules per event type; actor order only matters for VAC (target = actor2).
    ``crowd_head``: the crowd that is the subject of the event, if any."""
    a1 = by_name.get(a1_name) if a1_name else None
    others = [by_name[n] for n in a2_names if n in by_name and n != a1_name]
    a2 = others[0] if others else None
    et, sub = typing.event_type, typing.sub_event_type
    if et == "Protests":
        crowd = resolver.resolve("protesters", country=country)
        # ACLED: protesters are coded by their nationality where the report gives it
        # ("Sudanese nationals living in Korea protested": Protesters (Sudan)); a crowd with
        # locals in it, or of several nationalities, stays of the place
        nationality = {
            a.country
            for a in by_name.values()
            if a.kind in ("protesters", "civilians") and not _partisan(a)
        }
        named = {a.country for a in by_name.values()
                 if a.kind in ("protesters", "civilians") and _named_nationality(a, resolver)}
        head = crowd_head or a1
        if head is not None and head.kind in ("protesters", "civilians") and not _partisan(head) \
                and head.country and country and head.country != country \
                and named == {head.country}:
            # the crowd that acts is named by a nationality ("Sudanese nationals, including
            # students, protested"): people listed with it of no nationality named are of it
            nationality = {head.country}
        if len(nationality) == 1 and country and None not in nationality \
                and nationality != {country}:
            crowd = resolver.resolve("protesters", country=nationality.pop()) or crowd
        state = next((a for a in (a1, *others) if a and a.kind == "state"), None)
        assoc = a1.name if a1 and a1.kind not in ("protesters", "state", "civilians") else None
        return crowd, state if sub != "Peaceful protest" else None, assoc
    if et == "Riots":
        crowd = resolver.resolve("rioters", country=country)
        if a1 is not None and a1.kind in ("militia", "identity", "rioters") and a1.country \
                and country and a1.country != country:
            # ACLED: a crowd named by its nationality ("Israeli settlers" in the West Bank)
            # riots as Rioters (<its own country>), not as rioters of the place
            crowd = resolver.resolve("rioters", country=a1.country) or crowd
        candidates = [a for a in (a1, *others) if a and a.kind not in ("rioters", "protesters")]
        # rioters mostly face the police: a state actor named beside them is the other side
        target = next((a for a in candidates if a.kind == "state"), None) or next(
            iter(candidates), None
        )
        if sub == "Mob violence":
            target = next((a for a in candidates if a.kind == "civilians"), None) or target
        if sub == "Mob violence" and typing.crowds_on_both_sides:
            target = crowd  # "clashed with each other", "between two families": rioters both
        if sub == "Mob violence" and target is None:
            target = resolver.resolve("civilians", country=country)
        return crowd, target, None
    if et == "Violence against civilians":
        civ = resolver.resolve("civilians", country=country)
        if a1 is None or a1.kind == "civilians":
            a1 = next((a for a in others if a.kind != "civilians"), None) or unknown
        return a1, civ, None
    if et == "Battles":
        # a battle is between armed, organised sides; civilians caught in it are not a side
        a2 = next((a for a in others if a.kind != "civilians"), None)
    if a1 is None and et in ("Battles", "Explosions/Remote violence"):
        a1 = unknown
    if a1 is None and sub == "Change to group/activity" and a2 is not None \
            and a2.kind != "civilians":
        # "deployed 100 troops", "trucks full of soldiers arrived": the force that moves is
        # the one actor of a change in its activity, told as an object or not
        a1, a2 = a2, None
    if a2 is not None and a1 is not None and a2.name == a1.name:
        a2 = None
    return a1, a2, None


def _named_nationality(actor: Actor, resolver: ActorResolver) -> bool:
    """The actor's phrase names its country ('Polish', 'Ukrainians', or 'locals' that of the
    place); 'students' does not."""
    words = actor.alias_matched.split()
    return any(
        w in resolver.k.owner or w.lower() in resolver.k.crowd_owner
        or w.lower().startswith(LOCAL_WORDS) for w in words
    )


# Words that make a crowd of the place itself ("locals", "residents of Irese")
LOCAL_WORDS = ("local", "resident", "villager", "inhabitant", "native")


def _partisan(actor: Actor) -> bool:
    """'pro-Russian protesters': a side taken, not a nationality."""
    return any(w in actor.alias_matched.lower() for w in ("pro-", "anti-"))


def _when(
    expr: TimeExpr | None, published: date | None, role: str
) -> tuple[date | None, int | None]:
    if expr is not None and expr.date is not None:
        return expr.date, expr.time_precision
    if role == "main" and published is not None:
        return published, 1
    return None, None


# ACLED: one event per day. A span told as the event's own days ("clashes on 1-2 March",
# "from 3 to 5 May") is that many events; "between X and Y" only bounds when one event
# happened (ACLED notes: "Around 7 June (between 3 - 10 June)"), and a span of more than a
# week is coded by its period instead.
MAX_SPLIT_DAYS = 7
_UNCERTAIN_SPAN = ("between",)


def one_event_per_day(event: Event) -> list[Event]:
    """The event, or one event per day of the span its date expression covers: the first
    day keeps the id and role, the toll is split over the days (the remainder on the first,
    ``counts.split_over_days``)."""
    from dataclasses import replace

    from reportedly.counts import split_over_days

    end_text, span_text = event.extras.get("span_end"), event.extras.get("span_text") or ""
    if event.role != "main" or not end_text or event.event_date is None:
        return [event]
    try:
        end = date.fromisoformat(end_text)
    except (TypeError, ValueError):
        return [event]
    days = (end - event.event_date).days + 1
    if not 2 <= days <= MAX_SPLIT_DAYS or span_text.lower().lstrip().startswith(_UNCERTAIN_SPAN):
        return [event]
    tolls = {k: split_over_days(v, days) if v is not None else [None] * days
             for k, v in event.fatalities.to_dict().items()}
    out = []
    for k in range(days):
        fat = Fatalities(**{f: tolls[f][k] if tolls[f][k] is not None or f != "acled" else 0
                            for f in tolls})
        day = replace(
            event,
            event_id=event.event_id if k == 0 else f"{event.event_id}-d{k + 1}",
            event_date=event.event_date + timedelta(days=k),
            time_precision=1,
            fatalities=fat,
            extras={**event.extras, "day_of_span": f"{k + 1}/{days}",
                    "span_rule": "codebook: one event per day; the toll split over the days"},
        )
        out.append(_with_notes(day))
    return out


def _with_notes(event: Event) -> Event:
    from dataclasses import replace

    return replace(event, notes=summary(event))


def summary(event: Event) -> str:
    """A one-sentence summary in ACLED's style: 'On <date>, <actor1> <what> <where>.'"""
    when = event.event_date.strftime("%-d %B %Y") if event.event_date else "an unknown date"
    where = ""
    if event.location:
        loc = event.location
        region = ", ".join(x for x in (loc.admin1, loc.country) if x and x != loc.name)
        prep = {"near": "near", "outskirts": "on the outskirts of"}.get(loc.relation, "in")
        where = f" {prep} {loc.name}" + (f" ({region})" if region else "")
    who = event.actor1 or "an unidentified actor"
    target = f" against {event.actor2}" if event.actor2 else ""
    toll = event.fatalities
    dead = (
        (
            f" {toll.low}"
            + (f"-{toll.high}" if toll.high and toll.high != toll.low else "")
            + " reported killed."
        )
        if toll.low
        else ""
    )
    contested = " Perpetrator contested." if event.grade == "contested" else ""
    return (
        f"On {when}, {who}: {event.sub_event_type.lower()}{target}{where}.{dead}{contested}".strip()
    )
