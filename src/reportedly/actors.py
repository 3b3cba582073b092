"""Actors: who did what to whom, named the way ACLED names them.

A report says "Ukrainian forces", "the IDF", "gunmen" or "Iranian proxy militias"; ACLED writes
"Military Forces of Ukraine (2019-)", "Unidentified Armed Group (Syria)" and an inter code
(CODEBOOKS.md, "Actors" and "inter codes"). The knowledge lives in ``lexicons/actors.yaml``
(state forces with their regime periods, named groups, generic descriptions) and
``lexicons/countries.yaml`` (names, demonyms, aliases); this module only combines them.

Generic descriptions need the event country: "protesters" in France are "Protesters (France)".
A demonym before the head word overrides it ("Israeli settlers" in Palestine stay Israeli), the
way ACLED records nationality. A state's forces are inter 1 at home and 8 abroad.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from reportedly import lexicons
from reportedly.nlp import doc_text, tokenizer_for

KINDS = (
    "state", "rebel", "militia", "identity", "rioters", "protesters", "civilians", "external",
    "unidentified",
)  # fmt: skip


@dataclass(frozen=True)
class Actor:
    """An actor as ACLED would record it; ``alias_matched`` is the phrase that named it."""

    name: str
    inter: int
    kind: str
    country: str | None
    alias_matched: str = ""


@dataclass(frozen=True)
class ActorMention:
    """An actor found in a text, with character offsets into that text."""

    start: int
    end: int
    text: str
    actor: Actor


@dataclass(frozen=True)
class _Ref:
    """What an alias points to, before the event country and date turn it into an Actor.

    ``type`` is one of state (key = country, force = military|police), unit (key = unit name),
    group (key = group name), redirect (key = index) or generic (key = index into generics).
    """

    type: str
    key: str
    force: str = "military"


_LEADING = re.compile(
    r"^(?:the|a|an|some|several|many|dozens of|hundreds of|thousands of|scores of|"
    r"a group of|groups of|a number of|a crowd of|at least \d+|about \d+|around \d+|"
    r"more than \d+|\d+|one|two|three|four|five|six|seven|eight|nine|ten|other|its|their)\s+",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
# Modifiers that may stand between a demonym or a group name and the head word.
_MODIFIERS = frozenset(
    "unidentified unknown armed heavily masked suspected alleged presumed angry local rival "
    "hooded enraged irate disgruntled retreating advancing allied unspecified".split()
)
# Words before a bare country name that make it a place, not an attacker.
_LOCATIVE = frozenset(
    "in into inside within across near from to at throughout over toward towards around "
    "outside of via through for".split()
)


def _is_acronym(alias: str) -> bool:
    """All-caps short forms ("US", "IS", "AA") must match case-sensitively."""
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(alias) <= 8


def _clean(text: str) -> str:
    """Drop determiners, counts and possessive 's, and squeeze spaces."""
    phrase = " ".join(str(text).split()).strip(" .,;:!?\"'“”()")
    phrase = _POSSESSIVE.sub("", phrase)
    previous = None
    while previous != phrase:
        previous = phrase
        phrase = _LEADING.sub("", phrase)
    return phrase.strip()


@cache
def _acronym_pattern(heads: tuple[str, ...]) -> re.Pattern[str]:
    """'<Capitalised Name ending in an armed-group noun> (<ACRONYM>)'."""
    alternatives = "|".join(re.escape(h) for h in heads)
    return re.compile(
        rf"(?P<name>(?:[A-Z][\w'’-]*\s+){{1,5}}(?:{alternatives}))\s*\((?P<acr>[A-Z][A-Za-z0-9-]{{1,9}})\)"
    )


class _Knowledge:
    """The two lexicons, indexed for lookup."""

    def __init__(self) -> None:
        data = lexicons.load("actors")
        self.article = set(data["article_the"])
        self.names_as_of: date | None = data.get("period_names_as_of")
        self.states: dict[str, dict[str, Any]] = {e["country"]: e for e in data["state_forces"]}
        self.home: dict[str, str] = {}
        for e in data["de_facto_states"]:
            self.states[e["name"]] = e
            self.home[e["name"]] = e["home_country"]
        self.groups: dict[str, dict[str, Any]] = {}
        self.units: dict[str, dict[str, Any]] = {}
        self.redirects: list[dict[str, Any]] = []
        self.generics: list[dict[str, Any]] = data["generic"]
        self.ethnic = frozenset(str(n) for n in data.get("ethnic_groups", {}).get("names", []))
        self.acronym_spec: dict[str, Any] = data["acronym_groups"]
        self.acronym_heads: tuple[str, ...] = tuple(data["acronym_groups"]["heads"])
        self.protest_verbs = frozenset(data["protest_verbs"])
        self.protest_nouns = frozenset(data["protest_nouns"])
        self.exact: dict[str, _Ref] = {}
        self.folded: dict[str, _Ref] = {}
        self.heads: dict[str, _Ref] = {}
        self.owner: dict[str, str] = {}  # demonym / country name / alias -> country
        self.bare_countries: set[str] = set()
        self.ruler: list[str] = []
        self._index_countries()
        # crowds named by their nationality alone ("Ukrainians living in Korea rallied") or by
        # a word that names none ("migrants marched"): whose protesters they are
        self.crowd_owner: dict[str, str] = self._plural_demonyms()
        spec = data.get("international_crowds") or {}
        for head in spec.get("heads", []):
            self.crowd_owner[str(head).lower()] = str(spec["country"])
        self.protest_nouns = self.protest_nouns | frozenset(self.crowd_owner)
        self._index_states()
        self._index_groups(data["groups"])
        for i, g in enumerate(self.generics):
            for head in g["heads"]:
                self.heads.setdefault(head.lower(), _Ref("generic", str(i)))
        # branch heads override the plain force heads ("air force" is a branch, not the army)
        self.unit_heads: dict[str, list[dict[str, Any]]] = {}
        for e in data.get("units_by_head", []):
            for head in e["heads"]:
                self.unit_heads.setdefault(head.lower(), []).append(e)
                self.heads[head.lower()] = _Ref("unithead", head.lower())
        self.unidentified_variants: list[dict[str, Any]] = data.get("unidentified_variants", [])
        for head in data.get("named_only_heads", {}).get("heads", []):
            self.heads.setdefault(head.lower(), _Ref("named_only", head.lower()))

    def _add(self, alias: str, ref: _Ref) -> None:
        # Phrases lose their possessive 's when cleaned, so index that form too.
        for form in dict.fromkeys([alias, _POSSESSIVE.sub("", alias)]):
            self.exact.setdefault(form, ref)
            if not _is_acronym(form):
                self.folded.setdefault(form.casefold(), ref)

    def _index_countries(self) -> None:
        for c in lexicons.load("countries")["countries"]:
            target = c.get("coded_as", c["name"])
            for word in [c["name"], *c["aliases"], *c["demonyms"]]:
                self.owner.setdefault(word, target)
            for word in [c["name"], *c["aliases"]]:
                self.bare_countries.add(word)

    @staticmethod
    def _plural_demonyms() -> dict[str, str]:
        """'Ukrainians' -> Ukraine: the plural of each demonym that takes an -s ('Sudanese',
        'Swiss' and 'French' do not, and stay adjectives)."""
        out: dict[str, str] = {}
        for c in lexicons.load("countries")["countries"]:
            for d in c["demonyms"]:
                d = str(d)
                if " " in d or d.endswith(("ese", "s", "sh", "ch", "x", "z")):
                    continue
                out.setdefault(f"{d}s".lower(), c.get("coded_as", c["name"]))
        return out

    def _index_states(self) -> None:
        for country, e in self.states.items():
            self.owner.setdefault(country, self.home.get(country, country))
            for force in ("military", "police"):
                for alias in e.get(f"{force}_aliases", []):
                    self._add(alias, _Ref("state", country, force))
                    if _is_acronym(alias):
                        self.ruler.append(alias)
        # A bare country name as an actor ("Israel struck ...") means its military.
        for word in self.bare_countries:
            country = self.owner[word]
            self._add(word, _Ref("state", country, "military"))

    def _index_groups(self, groups: list[dict[str, Any]]) -> None:
        for g in groups:
            if "unit_of" in g:
                key = g["unit"] or f"{g['unit_of']['country']} {g['unit_of']['force']}"
                self.units[key] = g
                ref = _Ref("unit", key)
            elif "redirect" in g:
                self.redirects.append(g)
                ref = _Ref("redirect", str(len(self.redirects) - 1))
            else:
                self.groups[g["name"]] = g
                ref = _Ref("group", g["name"])
                self._add(g["name"], ref)
            for alias in g["aliases"]:
                self._add(alias, ref)
            self.ruler.extend(g.get("ruler", []))

    def lookup(self, phrase: str) -> _Ref | None:
        return self.exact.get(phrase) or self.folded.get(phrase.casefold())

    def owner_of(self, words: list[str]) -> tuple[str | None, int]:
        """The country named by the longest tail of ``words``, and where that tail starts."""
        for i in range(len(words)):
            tail = " ".join(words[i:])
            country = self.owner.get(tail) or self.owner.get(tail.title())
            if country:
                return country, i
        return None, len(words)


_KNOWLEDGE: _Knowledge | None = None


def _knowledge() -> _Knowledge:
    global _KNOWLEDGE
    if _KNOWLEDGE is None:
        _KNOWLEDGE = _Knowledge()
    return _KNOWLEDGE


def _period(
    entry: dict[str, Any], on: date | None, override: str | None = None, *,
    as_of: date | None = None,
) -> str:
    """The regime period in force on ``on`` (the latest one when undated).

    ACLED writes a period's closing year only once the period has ended: in an actor list
    taken on ``as_of``, a period that closed later still reads open ("2020-", not "2020-2022").
    """
    if override:
        return override
    if isinstance(on, datetime):
        on = on.date()  # a datetime does not compare with the lexicon's dates
    periods = entry["periods"]
    if as_of is not None:
        periods = [p for p in periods if not _after(p, periods, as_of)]
    if on is not None:
        for p in periods:
            until = p.get("until")
            if until is None or on <= until:
                return _label(p, as_of)
    return _label(periods[-1], as_of)


def _after(period: dict[str, Any], periods: list[dict[str, Any]], as_of: date) -> bool:
    """A period that began after the list was taken (the one before it still reads open)."""
    i = periods.index(period)
    return i > 0 and periods[i - 1].get("until") is not None and periods[i - 1]["until"] >= as_of


def _label(period: dict[str, Any], as_of: date | None) -> str:
    until = period.get("until")
    years = str(period["years"])
    if as_of is not None and until is not None and until >= as_of:
        return years.split("-")[0] + "-"
    return years


def inter_code(actor: Actor, *, event_country: str | None) -> int:
    """ACLED inter code of ``actor`` in an event in ``event_country``.

    A state's forces are 1 (State forces) in their own country and 8 (External/Other forces)
    in another; every other actor keeps its own code.
    """
    if actor.kind == "state" and event_country and actor.country and event_country != actor.country:
        return 8
    if actor.kind == "state":
        return 1
    return actor.inter


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED interaction code: the two inter codes, lower first (1 and 7 give 17).

    One actor alone (e.g. peaceful protesters, 6) gives its code times ten (60).
    """
    codes = sorted(c for c in (inter1, inter2) if isinstance(c, int) and 1 <= c <= 8)
    if not codes:
        return None
    if len(codes) == 1:
        return codes[0] * 10
    return codes[0] * 10 + codes[1]


class ActorResolver:
    """Turns actor phrases into ACLED-style actors; loads the lexicons once.

    ``names_as_of``: the day of the ACLED actor list whose period names are followed (a
    period that closed after it still reads open); the lexicon's ``period_names_as_of`` by
    default, None for today's names.
    """

    def __init__(self, *, names_as_of: date | None | str = "lexicon") -> None:
        self.k = _knowledge()
        self.as_of: date | None = (
            self.k.names_as_of if names_as_of == "lexicon" else names_as_of  # type: ignore[assignment]
        )
        self._matchers: tuple[Any, PhraseMatcher, PhraseMatcher] | None = None

    # ---- building actors -------------------------------------------------------------
    def _state(
        self,
        country: str,
        force: str,
        on: date | None,
        override: str | None = None,
        *,
        alias: str,
        event_country: str | None,
    ) -> Actor | None:
        entry = self.k.states.get(country)
        coalition = (entry or {}).get("coded_abroad_as", {}).get(event_country or "")
        if force == "military" and coalition in self.k.groups:
            # ACLED: the US-led forces in Syria and Iraq are the Global Coalition Against Daesh
            return self._group(coalition, alias=alias, event_country=event_country)
        label = f"the {country}" if country in self.k.article else country
        noun = "Military" if force == "military" else "Police"
        name = f"{noun} Forces of {label}"
        if entry is not None:
            name += f" ({_period(entry, on, override, as_of=self.as_of)})"
        home = self.k.home.get(country, country)
        actor = Actor(name, 1, "state", home, alias)
        return replace(actor, inter=inter_code(actor, event_country=event_country))

    def _unit(
        self, key: str, *, alias: str, event_country: str | None, on: date | None
    ) -> Actor | None:
        g = self.k.units[key]
        of = g["unit_of"]
        base = self._state(
            of["country"],
            of["force"],
            on,
            of.get("period"),
            alias=alias,
            event_country=event_country,
        )
        if base is None or not g["unit"]:
            return base
        return replace(base, name=f"{base.name} {g['unit']}")

    def _group(self, name: str, *, alias: str, event_country: str | None) -> Actor:
        g = self.k.groups[name]
        if g.get("per_country") and event_country:
            branch = g.get("branches", {}).get(event_country, event_country)
            named = g["per_country"].format(country=branch)
            if named in self.k.groups:
                g = self.k.groups[named]
                return Actor(g["name"], g["inter"], g["kind"], g["country"], alias)
            return Actor(named, g["inter"], g["kind"], event_country, alias)
        return Actor(g["name"], g["inter"], g["kind"], g["country"], alias)

    def _generic(
        self,
        index: int,
        *,
        owner: str | None,
        group: str | None,
        alias: str,
        event_country: str | None,
        on: date | None,
    ) -> Actor | None:
        g = self.k.generics[index]
        if g.get("needs_owner") and owner is None:
            return None
        if g.get("needs_group") and group is None:
            return None  # "both communities": no one named
        country = owner or event_country
        if g["template"] in ("military", "police"):
            if country is None:
                return None
            return self._state(country, g["template"], on, alias=alias, event_country=event_country)
        if "ungrouped" in g and (
            group is None or _is_acronym(group) or group.lower().startswith(("pro-", "anti-"))
        ):
            # "militiamen" of no one named (or of an organisation we do not know by its
            # acronym): the codebook's unknown armed group
            g = {**g, **g["ungrouped"]}
        if "{group}" in g["template"]:
            if group is None and g["kind"] == "militia":
                return None  # "supporters" of nobody named is not an actor
            template = g["template"]
            if group in self.k.ethnic and "ethnic_template" in g:
                template = g["ethnic_template"]  # "Pokot militia": a people, not a place
            template = template.replace("{group}", group or "Unidentified")
        else:
            template = g["template"]
        if country is None:
            return Actor(template.replace(" ({country})", ""), g["inter"], g["kind"], None, alias)
        return Actor(template.format(country=country), g["inter"], g["kind"], country, alias)

    def _unit_head(
        self, head: str, *, owner: str | None, alias: str, event_country: str | None,
        on: date | None,
    ) -> Actor | None:
        """ "Russian air force", "military police" in Brazil: a branch named by its head word."""
        country = owner or event_country
        if country is None:
            return None
        entries = self.k.unit_heads[head]
        entry = next((e for e in entries if e.get("country") == country), None) or next(
            (e for e in entries if "country" not in e), None)
        if entry is not None and entry.get("needs_owner") and owner is None:
            entry = None
        if entry is None:
            force = entries[0].get("otherwise", entries[0]["force"])
            return self._state(country, force, on, alias=alias, event_country=event_country)
        base = self._state(country, entry["force"], on, alias=alias, event_country=event_country)
        return None if base is None else replace(base, name=f"{base.name} {entry['unit']}")

    def _build(
        self,
        ref: _Ref,
        *,
        alias: str,
        event_country: str | None,
        on: date | None,
        owner: str | None = None,
        group: str | None = None,
    ) -> Actor | None:
        if ref.type == "state":
            return self._state(ref.key, ref.force, on, alias=alias, event_country=event_country)
        if ref.type == "unit":
            return self._unit(ref.key, alias=alias, event_country=event_country, on=on)
        if ref.type == "redirect":
            targets = self.k.redirects[int(ref.key)]["redirect"]
            unit = targets.get(event_country or "", targets["default"])
            return self._unit(unit, alias=alias, event_country=event_country, on=on)
        if ref.type == "group":
            return self._group(ref.key, alias=alias, event_country=event_country)
        if ref.type == "unithead":
            return self._unit_head(ref.key, owner=owner, alias=alias,
                                   event_country=event_country, on=on)
        if ref.type == "named_only":
            return None  # "members" of no named group
        return self._generic(
            int(ref.key), owner=owner, group=group, alias=alias, event_country=event_country, on=on
        )

    # ---- public API --------------------------------------------------------------------
    def resolve(
        self, text: str, *, country: str | None = None, on: date | None = None
    ) -> Actor | None:
        """The actor a phrase names in an event in ``country`` on ``on``, or None.

        Named groups and state-force aliases win; otherwise the phrase is read as
        [demonym or group name] [modifiers] <generic head> ("Ukrainian forces", "armed Fulani
        herdsmen"). Without a date the latest regime period is used.
        """
        if not isinstance(text, str):
            return None
        phrase = _clean(text)
        if not phrase:
            return None
        ref = self.k.lookup(phrase)
        if ref is not None:
            return self._build(ref, alias=phrase, event_country=country, on=on)
        head = self.k.heads.get(phrase.lower())
        if head is not None:
            return self._build(head, alias=phrase, event_country=country, on=on)
        return self._split(phrase, country=country, on=on) or self._named_within(
            text, country=country, on=on)

    def explain(self, text: str, *, country: str | None = None) -> str:
        """Which lexicon entry or rule names the actor of a phrase, for ``--explain``:
        'actors.yaml groups "Al Shabaab" (alias 'al-Shabaab'): <rule>'."""
        phrase = _clean(text) if isinstance(text, str) else ""
        if not phrase:
            return "no actor phrase"
        ref = self.k.lookup(phrase)
        if ref is not None:
            return self._explain_ref(ref, f"alias {phrase!r}")
        head = self.k.heads.get(phrase.lower())
        if head is not None:
            return self._explain_ref(head, f"head word {phrase!r}")
        words = phrase.split()
        for i in range(1, len(words)):
            head = self.k.heads.get(" ".join(words[i:]).lower())
            if head is None:
                continue
            named = self._named_prefix(words[:i])
            if named is not None:
                return self._explain_ref(named, f"name {' '.join(words[:i])!r} before a head")
            owner, _ = self.k.owner_of(words[:i])
            whose = f", owner {owner} from countries.yaml" if owner else ", the event country"
            return self._explain_ref(head, f"head word {' '.join(words[i:])!r}{whose}")
        actor = self.resolve(text, country=country)
        if actor is None:
            return "no lexicon entry names it"
        inner = _clean(actor.alias_matched)
        if inner and inner != phrase and inner in text:
            return f"the name {inner!r} inside the phrase: " + self.explain(inner, country=country)
        if _acronym_pattern(self.k.acronym_heads).search(text):
            return f"actors.yaml acronym_groups: {self.k.acronym_spec['rule']}"
        return "a name inside the phrase"

    def _explain_ref(self, ref: _Ref, how: str) -> str:
        if ref.type == "state":
            entry = self.k.states.get(ref.key, {})
            return f"actors.yaml state_forces {ref.key} ({ref.force}; {how}): " \
                f"{entry.get('rule', '')}"
        if ref.type == "unit":
            return f"actors.yaml groups unit {ref.key!r} ({how}): {self.k.units[ref.key]['rule']}"
        if ref.type == "group":
            return f"actors.yaml groups {ref.key!r} ({how}): {self.k.groups[ref.key]['rule']}"
        if ref.type == "redirect":
            entry = self.k.redirects[int(ref.key)]
            return f"actors.yaml groups redirect ({how}): {entry.get('rule', '')}"
        if ref.type == "unithead":
            entry = self.k.unit_heads[ref.key][0]
            return f"actors.yaml units_by_head {ref.key!r} ({how}): {entry['rule']}"
        if ref.type == "named_only":
            return f"actors.yaml named_only_heads ({how}): names no one alone"
        g = self.k.generics[int(ref.key)]
        return f"actors.yaml generic {g['kind']} {g['template']!r} ({how}): {g['rule']}"

    def unidentified(
        self, country: str | None, *, text: str = "", air: bool = False
    ) -> Actor:
        """The codebook's unknown perpetrator in a report: unknown aircraft are Unidentified
        Military Forces; an unknown armed group tied to organised crime by the report's words
        is a gang where ACLED codes gangs (lexicon ``unidentified_variants``)."""
        if air:
            return Actor("Unidentified Military Forces", 8, "unidentified", country, "unknown")
        variant = self._variant(country, text) if country else None
        if variant is not None:
            return Actor(variant.format(country=country), 3, "unidentified", country, "unknown")
        name = f"Unidentified Armed Group ({country})" if country else "Unidentified Armed Group"
        return Actor(name, 3, "unidentified", country, "unknown")

    def _variant(self, country: str, text: str) -> str | None:
        low = text.lower() if isinstance(text, str) else ""
        for v in self.k.unidentified_variants:
            if country in v["countries"] and any(c in low for c in v["cues"]):
                return str(v["name"])
        return None

    def _named_within(self, text: str, *, country: str | None, on: date | None) -> Actor | None:
        """A named group inside a longer phrase: "Colombia's National Liberation Army (ELN)"
        (the acronym, or the name without its owner), "the ELN's eastern front" (a wing of a
        group is coded as the group)."""
        inner = re.findall(r"\(([^()]+)\)", text)
        outer = re.sub(r"\s*\([^()]*\)", "", text).strip()
        for part in inner:
            ref = self.k.lookup(_clean(part))
            if ref is not None and ref.type != "state":
                return self._build(ref, alias=_clean(part), event_country=country, on=on)
        owner = re.match(r"^(?:the\s+)?(.+?)['’]s\s+\S", outer, re.IGNORECASE)
        if owner:
            ref = self.k.lookup(_clean(owner.group(1)))
            if ref is not None and ref.type == "group":
                return self._build(ref, alias=_clean(owner.group(1)), event_country=country, on=on)
        words = _clean(outer).split()
        found, _ = self.k.owner_of(words[:1])
        if found and len(words) > 1:
            ref = self.k.lookup(" ".join(words[1:]))
            if ref is not None and ref.type == "group":
                return self._build(ref, alias=" ".join(words[1:]), event_country=country, on=on)
        for part in (outer, *inner):
            # a known force named in full with its acronym: "Israeli Defense Forces (IDF)"
            ref = self.k.lookup(_clean(part))
            if ref is not None:
                return self._build(ref, alias=_clean(part), event_country=country, on=on)
        return self._acronym_group(text, country=country)

    def _acronym_group(self, text: str, *, country: str | None) -> Actor | None:
        """An armed group the lexicon does not know, introduced with its acronym ("the Sinjar
        Resistance Units (YBS)"): named the ACLED way, "<ACRONYM>: <Full Name>"."""
        m = _acronym_pattern(self.k.acronym_heads).search(text)
        if m is None:
            return None
        spec = self.k.acronym_spec
        name = _LEADING.sub("", m.group("name")).strip()
        return Actor(f"{m.group('acr')}: {name}", spec["inter"], spec["kind"], country, text)

    def _split(self, phrase: str, *, country: str | None, on: date | None) -> Actor | None:
        """Read "<prefix> <head>": the longest generic head at the end, the prefix names whom."""
        words = phrase.split()
        for i in range(1, len(words)):
            head = self.k.heads.get(" ".join(words[i:]).lower())
            if head is None:
                continue
            prefix = words[:i]
            named = self._named_prefix(prefix)
            if named is not None:
                return self._build(named, alias=phrase, event_country=country, on=on)
            force = self._state_prefix(prefix, head, country=country, on=on)
            if force is not None:
                return replace(force, alias_matched=phrase)
            owner, at = self.k.owner_of(prefix)
            rest = prefix[:at]
            group = self._group_label(rest)
            if rest and group is None and not all(w.lower() in _MODIFIERS for w in rest):
                continue
            return self._build(
                head, alias=phrase, event_country=country, on=on, owner=owner, group=group
            )
        return None

    def _state_prefix(
        self, prefix: list[str], head: _Ref, *, country: str | None, on: date | None
    ) -> Actor | None:
        """ "Turkish army warplanes", "Israeli army bulldozers": a state force named before a
        force or weapon head is the actor; the head only says how it acted."""
        if len(prefix) < 2 or not self._is_force_head(head):
            return None
        actor = self._split(" ".join(prefix), country=country, on=on)
        return actor if actor is not None and actor.kind == "state" else None

    def _is_force_head(self, ref: _Ref) -> bool:
        if ref.type == "unithead":
            return True
        return ref.type == "generic" and self.k.generics[int(ref.key)]["template"] in (
            "military", "police")

    def _named_prefix(self, prefix: list[str]) -> _Ref | None:
        """ "ISWAP fighters", "Houthi rebels": a named group before a generic head."""
        for j in range(len(prefix)):
            ref = self.k.lookup(" ".join(prefix[j:]))
            if ref is not None and ref.type != "state":
                return ref
        return None

    @staticmethod
    def _group_label(words: list[str]) -> str | None:
        """The capitalised run right before the head ("Fulani"), if any."""
        label: list[str] = []
        for w in reversed(words):
            if w[:1].isupper() and w.lower() not in _MODIFIERS:
                label.insert(0, w)
            else:
                break
        return " ".join(label) or None

    def find(
        self, doc: Doc, *, country: str | None = None, on: date | None = None
    ) -> list[ActorMention]:
        """Actor mentions in a parsed text: longest match wins, no overlaps, in text order."""
        text = doc_text(doc)
        candidates = [self._in_context(m, text, country)
                      for m in self._candidates(doc, country=country, on=on)]
        candidates.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: list[ActorMention] = []
        for m in candidates:
            if all(m.end <= t.start or m.start >= t.end for t in taken):
                taken.append(m)
        return self._glossed(sorted(taken, key=lambda m: m.start), text)

    # kinds a gloss in brackets may not turn a description into: people, not armed actors
    _CROWDS = frozenset({"civilians", "protesters", "rioters"})

    def _glossed(self, mentions: list[ActorMention], text: str) -> list[ActorMention]:
        """'armed men (suspected Al Shabaab militants)', 'anti-Houthi forces (coded as the
        Saudi-led coalition)': a description glossed in brackets by a named actor is that
        actor, the more specific telling; the gloss is not a second actor."""
        out: list[ActorMention] = []
        skip: set[int] = set()
        for i, m in enumerate(mentions):
            if i in skip:
                continue
            gloss = self._gloss(mentions, i, text)
            if gloss is not None:
                skip.add(gloss)
                m = replace(m, actor=mentions[gloss].actor)
            out.append(m)
        return out

    def _gloss(self, mentions: list[ActorMention], i: int, text: str) -> int | None:
        m = mentions[i]
        rest = text[m.end:]
        if not rest.lstrip(" ").startswith("(") or self.k.lookup(_clean(m.text)) is not None:
            return None  # no bracket, or the description is itself a name
        opened = m.end + rest.index("(")
        closed = text.find(")", opened)
        for j in range(i + 1, len(mentions)):
            n = mentions[j]
            if closed < 0 or n.start > closed:
                break
            named = n.actor.kind not in self._CROWDS and self._names_a_group(n.text)
            if n.end <= closed and named and n.actor.name != m.actor.name:
                return j
        return None

    def _names_a_group(self, text: str) -> bool:
        """A proper name of the lexicon, alone or before a head ('Al Shabaab militants');
        'two officers' names none."""
        words = _clean(text).split()
        return self.k.lookup(" ".join(words)) is not None or (
            len(words) > 1 and self._named_prefix(words[:-1]) is not None)

    def _in_context(self, m: ActorMention, text: str, country: str | None) -> ActorMention:
        """'Armed men' in a report of a drug war are a gang (see ``unidentified``)."""
        if not (country and m.actor.name == f"Unidentified Armed Group ({country})"):
            return m
        actor = self.unidentified(country, text=text)
        return m if actor.name == m.actor.name else replace(
            m, actor=replace(actor, alias_matched=m.actor.alias_matched))

    # ---- matching ----------------------------------------------------------------------
    def _build_matchers(self, doc: Doc) -> tuple[PhraseMatcher, PhraseMatcher]:
        if self._matchers is not None and self._matchers[0] is doc.vocab:
            return self._matchers[1], self._matchers[2]
        tokenizer = tokenizer_for(doc.vocab)
        exact = PhraseMatcher(doc.vocab, attr="ORTH")
        lower = PhraseMatcher(doc.vocab, attr="LOWER")
        cased = [a for a in self.k.exact if any(c.isupper() for c in a)]
        folded = [a for a in self.k.exact if not any(c.isupper() for c in a)]
        exact.add("NAMED", list(tokenizer.pipe(cased)))
        lower.add("NAMED", list(tokenizer.pipe(folded)))
        lower.add("HEAD", list(tokenizer.pipe(sorted(self.k.heads))))
        lower.add("PROTEST", list(tokenizer.pipe(sorted(self.k.protest_nouns))))
        self._matchers = (doc.vocab, exact, lower)
        return exact, lower

    def _candidates(
        self, doc: Doc, *, country: str | None, on: date | None
    ) -> Iterator[ActorMention]:
        exact, lower = self._build_matchers(doc)
        for m in _acronym_pattern(self.k.acronym_heads).finditer(doc_text(doc)):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            actor = self.resolve(m.group(0), country=country, on=on) if span is not None else None
            if span is not None and actor is not None:
                yield self._mention(span, actor)
        for matcher in (exact, lower):
            for label_id, start, end in matcher(doc):
                label = doc.vocab.strings[label_id]
                span = doc[start:end]
                if label == "NAMED":
                    yield from self._named_mention(span, country=country, on=on)
                else:
                    yield from self._head_mention(span, label, country=country, on=on)

    def _named_mention(
        self, span: Span, *, country: str | None, on: date | None
    ) -> Iterable[ActorMention]:
        if span.text in self.k.bare_countries and self._is_place(span):
            return []
        if _after_anti(span.doc, span.start):
            return []  # "anti-Houthi forces" are the Houthis' enemies
        actor = self.resolve(span.text, country=country, on=on)
        return [] if actor is None else [self._mention(span, actor)]

    @staticmethod
    def _is_place(span: Span) -> bool:
        """A country name after "in"/"from"/... or before "'s"/a noun is a place or owner."""
        doc = span.doc
        before = doc[span.start - 1] if span.start > 0 else None
        after = doc[span.end] if span.end < len(doc) else None
        if before is not None and before.lower_ in _LOCATIVE:
            return True
        return after is not None and (after.tag_ == "POS" or after.pos_ in ("NOUN", "PROPN"))

    def _head_mention(
        self, span: Span, label: str, *, country: str | None, on: date | None
    ) -> Iterable[ActorMention]:
        doc = span.doc
        if span.root.dep_ in ("amod", "compound") and span.root.head.i >= span.end:
            return []  # "an illegal military crossing": an adjective, not an actor
        start = self._extend_left(span)
        for s in range(start, span.start + 1):
            if _after_anti(doc, s):
                continue  # "anti-Houthi forces": not the Houthis
            wider = doc[s : span.end]
            actor = self.resolve(wider.text, country=country, on=on) if label == "HEAD" else None
            if label == "PROTEST" or (actor is not None and actor.kind == "civilians"):
                # Civilians, workers, students... who rally are protesters.
                actor = self._protesters(wider, country=country) or actor
            if actor is not None:
                return [self._mention(wider, actor), *self._coordinated(wider, span, label,
                                                                         country=country, on=on)]
        return []

    def _coordinated(self, wider: Span, head: Span, label: str, *, country: str | None,
                     on: date | None) -> list[ActorMention]:
        """'the Hausa and Fulani herders', 'the Apuk and Aguok communities': each name joined
        before a shared head word is an actor of its own."""
        doc = wider.doc
        out: list[ActorMention] = []
        i = wider.start
        while label == "HEAD" and i >= 2 and doc[i - 1].lower_ in ("and", ",") and \
                doc[i - 2].text[:1].isupper() and doc[i - 2].pos_ in ("PROPN", "ADJ"):
            name = doc[i - 2]
            actor = self.resolve(f"{name.text} {head.text}", country=country, on=on)
            if actor is None:
                break
            out.append(self._mention(doc[name.i : name.i + 1], actor))
            i = name.i
        return out

    def _protesting(self, token: Token) -> bool:
        # "hundreds of workers rallied": the subject is the quantity, the people its object.
        if token.dep_ == "pobj" and token.head.lower_ == "of":
            token = token.head.head
        # the verb as written too: the tagger may lemmatise "staged" as "stag"
        verb = {token.head.lemma_, token.head.lower_}
        return token.dep_ in ("nsubj", "nsubjpass") and bool(verb & self.k.protest_verbs)

    def _protesters(self, span: Span, *, country: str | None) -> Actor | None:
        """Workers, students, residents... who rally are protesters (of their nationality)."""
        if not self._protesting(span.root):
            return None
        owner, _ = self.k.owner_of(span.text.split()[:-1]) if len(span) > 1 else (None, 0)
        # "Ukrainians living in Korea", "migrants" with no nationality: International
        owner = owner or self.k.crowd_owner.get(span.root.lower_)
        index = next(i for i, g in enumerate(self.k.generics) if g["kind"] == "protesters")
        return self._generic(
            index, owner=owner, group=None, alias=span.text, event_country=country, on=None
        )

    def _extend_left(self, span: Span) -> int:
        """Take in demonyms, capitalised names and modifiers before a head word."""
        doc = span.doc
        i = span.start
        while i > 0:
            tok = doc[i - 1]
            if tok.tag_ == "POS" and i > 1:
                i -= 1
                continue
            if tok.text == "-" and i > 1 and doc[i - 2].text[:1].isupper() and \
                    doc[i - 2].lower_ != "anti":
                i -= 2  # "Al-Shabaab militants": the name runs across its hyphen
                continue
            if tok.lower_ in _MODIFIERS or (
                tok.text[:1].isupper() and tok.pos_ in ("PROPN", "ADJ")
            ):
                i -= 1
                continue
            if tok.text in self.k.owner or tok.text in self.k.exact:
                i -= 1
                continue
            if tok.dep_ == "compound" and tok.lower_ in self.k.heads and i - 1 > 0:
                # "Turkish army warplanes": a force head compounded onto a weapon head; the
                # demonym before it says whose (only taken when something precedes it)
                i -= 1
                continue
            break
        return i

    @staticmethod
    def _mention(span: Span, actor: Actor) -> ActorMention:
        return ActorMention(span.start_char, span.end_char, span.text, actor)


def _after_anti(doc: Doc, i: int) -> bool:
    """Token ``i`` follows 'anti-': the name is of the other side."""
    return i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ == "anti"


def ruler_patterns() -> list[dict[str, Any]]:
    """EntityRuler patterns for named armed groups and force acronyms spaCy's NER misses."""
    seen: set[str] = set()
    patterns: list[dict[str, Any]] = []
    for name in _knowledge().ruler:
        if name not in seen:
            seen.add(name)
            patterns.append({"label": "ORG", "pattern": name, "id": "actor"})
    return patterns
