"""Toponym recognition and resolution with document context.

Recognition: spaCy GPE/LOC/FAC entities (the EntityRuler adds the curated places), demonyms
only where a place noun follows ("the Syrian capital"), and capitalised names spaCy missed or
mislabelled when a locative cue precedes them ("near the city of AlbuKamal") or when they name
a country or region outright.

Resolution: each name's candidates are scored by their prior (kind, population, name match),
the countries the document mentions, containment patterns ("X, Y", "X (Y, Z)", "X in Y") and
closeness to the other places resolved in the document.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span

from reportedly.geo.gazetteer import Candidate, Gazetteer
from reportedly.geo.normalise import key
from reportedly.geo.places import place_nouns
from reportedly.geodesy import haversine_km
from reportedly.records import Toponym

_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_NUMERIC = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}
_BIG_CITY = 1_000_000  # a bare name this big is a place even when spaCy says otherwise
# A word before a name that makes it a place: "in X", "near X", "the town of X".
_CUE = re.compile(
    r"(?:\b(?:in|near|outside|between|outskirts of|province of|town of)\s+(?:the\s+)?"
    r"|\b(?:city|town|village|district|province|governorate|region|enclave|suburb|outskirts|"
    r"neighbou?rhood|area|camp|state|county|capital)\s+of\s+"
    r"|\b(?:state|regional|provincial|district|county|national)\s+capital,?\s+"
    r"|\b(?:km|kms|kilomet(?:er|re)s?|miles?)\s+(?:[a-z-]+\s+)?(?:of|from)\s+(?:the\s+)?"
    r"|\b(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
_WORD = r"(?:(?:al|el|ad|ar|as|at|az|an|ash)-)?[A-Z](?:[\w'’]|\.(?=\w))*(?:-[\w'’]+)*"
_CONNECTOR = r"(?:de|do|da|dos|das|del|della|di|du|des|la|le|los|las|el|al|ez|es|az|wa|y|upon)"
_RUN = re.compile(rf"{_WORD}(?:[ \t]+(?:{_CONNECTOR}[ \t]+)*{_WORD})*")
_SPLIT = re.compile(r"\s*[(),;\"“”]\s*|\s+-\s+")
_TYPES = (r"city|town|village|villages|district|province|region|state|governorate|municipality|"
          r"county|LGA|township|camp|neighbou?rhood|suburb|quarter|commune|department|division|"
          r"sub-?district|"
          r"oblast|raion|locality|settlement|hamlet|countryside|prefecture|tehsil|zone")
_TYPE_AFTER = re.compile(rf"\s+(?:{_TYPES})\b")
_TYPE_TAIL = re.compile(r"\s+(?:City|Town|Village|District|Municipality)$")
# A lower-case site word after a name: the name labels a site, not the place itself.
_FACILITY_AFTER = re.compile(
    r"\s+(?:square|street|road|avenue|boulevard|highway|hospital|university|college|school|"
    r"airport|bridge|park|station|stadium|mosque|church|prison|court|embassy|consulate|"
    r"headquarters|office|hotel|mall)\b"
)
# Inside a bracket opened right after a word: "Gwalo (Paikoro, Niger)", "Natal (Rio Grande...".
_IN_BRACKET = re.compile(r"[\w.'’]\s*\((?:[^()]{0,60},\s*)?$")
_SUBPART_AFTER = re.compile(r"\s+-\s+[A-Z]")  # ACLED's "City - District"
# "Natal (Rio Grande do Norte)"; a bracket of capitals only ("(CCC)") is an abbreviation.
_BRACKET_AFTER = re.compile(r"\s*\([A-Z][\w'’ -]*[a-z][\w'’ -]*[,)]")
# What may stand between a place and the place holding it: brackets, commas, "in", type
# words and names the gazetteer does not know.
_POSITION = (r"central|north|south|east|west|northern|southern|eastern|western|northeastern|"
             r"northwestern|southeastern|southwestern|restive|remote|rural")
_GAP = re.compile(
    rf"(?:[\s,()\-]|(?i:\b(?:in|of|the|{_TYPES}|{_POSITION})\b)|\b{_WORD}\b|\b{_CONNECTOR}\b)*"
)
# A type word next to a name says which kind of place it is: "Mbale city", "the city of
# Kherson" are towns; "the Odesa region", "Plateau state" are first-order regions.
_TOWN_AFTER = re.compile(r"\s+(?:city|town|village)\b", re.IGNORECASE)
_TOWN_BEFORE = re.compile(r"\b(?:city|town|village)\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_REGION_AFTER = re.compile(r"\s+(?:region|province|state|governorate|oblast)\b", re.IGNORECASE)
_REGION_BEFORE = re.compile(
    r"\b(?:region|province|state|governorate|oblast)\s+of\s+(?:the\s+)?$", re.IGNORECASE
)
_KIND_HINT = 3.0  # bonus for a reading of the kind a type word names
# Bare compass and position words name no place of their own ("further north and west",
# "its Western allies"); with a type word ("Western Province") they do.
_COMPASS = frozenset(
    "north south east west northern southern eastern western central northeast northwest "
    "southeast southwest northeastern northwestern southeastern southwestern middle upper "
    "lower far".split()
)
_NEXT_WORD = re.compile(r"\s*([A-Za-z]+)")
_PART_GAP = re.compile(
    r"\s+(?:district|suburb|neighbou?rhood|quarter|area|camp|township)\s+of\s+(?:the\s+)?"
    r"(?:(?:city|town)\s+of\s+)?",
    re.IGNORECASE,
)
_DISTRICT_KM = 60.0
_HOLDERS = ("ADM1", "TERR", "PCLI")
_ACRONYM = re.compile(r"[A-Z][A-Z.]{1,5}")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_COUNTRY_CONTEXT = 2.5  # bonus for a reading in a country the document is about
_CONTAINED = 4.0  # bonus for a reading inside the place named next to it ("X, Y")
_NEARBY = 1.2  # bonus for a reading close to other places of the document
_FUZZY_NEAR_KM = 60.0  # a fuzzy village lies this close to the town named as holding it
_FUZZY_REGION_CUTOFF = 88.0  # with only a region to vouch for it, a closer spelling is needed


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    cands: list[Candidate]
    cued: bool = False
    bonus: dict[int, float] = field(default_factory=dict)
    kind: str | None = None  # "town" or "region" where a type word says so
    best: Candidate | None = None


class Geoparser:
    """Find and resolve place names in a parsed document."""

    def __init__(self, *, gazetteer: Gazetteer | None = None) -> None:
        self.gaz = gazetteer or Gazetteer.load()

    def parse(self, text: str) -> list[Toponym]:
        """Toponyms of a plain text (runs the spaCy pipeline)."""
        if not isinstance(text, str) or not text.strip():
            return []
        from reportedly.nlp import parse

        return self.toponyms(parse(text))

    def toponyms(
        self, doc: Doc, *, outlet_country: str | None = None, associative: bool = False
    ) -> list[Toponym]:
        """Resolved place names of ``doc``, in text order.

        By default only literal places are returned. ``associative`` also returns names used
        for something else that is tied to a place, as geoparsing gold standards annotate
        them: demonyms ("Russian", "U.S. president") as their country, and places inside
        organisation names ("Kentucky State Police"). Event location never asks for these.
        """
        mentions = self._mentions(doc, associative=associative)
        if not mentions:
            return []
        text = doc.text  # spaCy rebuilds doc.text from the tokens on every access
        context = self._country_context(doc, mentions, outlet_country)
        groups = self._containment(text, mentions)
        self._resolve(mentions, context)
        _drop_outside(text, mentions, groups)
        mentions = self._fuzzy_villages(text, mentions)
        return [_toponym(m) for m in mentions if m.best is not None]

    # --- recognition -------------------------------------------------------------------------

    def _mentions(self, doc: Doc, *, associative: bool = False) -> list[_Mention]:
        # doc.text and doc.ents are rebuilt by spaCy on every access: read each once.
        text, ents = doc.text, doc.ents
        out: list[_Mention] = []
        taken: list[tuple[int, int]] = []

        def accept(m: _Mention | None) -> None:
            if m is not None and not any(a < m.end and m.start < b for a, b in taken):
                out.append(m)
                taken.append((m.start, m.end))

        for m in self._abbreviated_states(text):
            accept(m)
        runs = _name_runs(text)
        # Names inside a person's or an organisation's name ("Citizens Coalition for Change")
        # are places only with a cue of their own.
        persons = [(e.start_char, e.end_char) for e in ents if e.label_ == "PERSON"]
        orgs = [(e.start_char, e.end_char) for e in ents if e.label_ == "ORG"]
        dates = [(e.start_char, e.end_char) for e in ents if e.label_ in _NUMERIC]
        for ent in ents:
            if associative and self.gaz.demonym(ent.text) and ent.label_ != "PERSON":
                accept(self._demonym_place(ent, always=True))
            elif ent.label_ == "NORP" and self.gaz.demonym(ent.text):
                accept(self._demonym_place(ent))
            elif associative and ent.label_ == "ORG":
                accept(self._leading_place(text, ent))
            elif ent.label_ in _PLACE_LABELS:
                for a, b in _pieces(text, ent.start_char, ent.end_char):
                    # A run that starts with the piece and goes on ("Rio Grande" + " do Norte")
                    # is the fuller name spaCy cut short.
                    longer = [r for r in runs if r[0] == a and r[1] > b]
                    m = None
                    if longer:
                        m = self._mention(text, *longer[0], strict=False, standalone=True)
                    accept(m or self._mention(text, a, b, strict=False, standalone=True))
        # One sense per discourse: a name taken as a place once is a place throughout.
        for _ in range(2):  # the second pass knows the names the first took as places
            known = {key(m.text) for m in out}
            for a, b in runs:
                if any(da < b and a < db for da, db in dates):
                    continue  # "between May 30 and 31": a date, not a place
                person = any(pa <= a and b <= pb for pa, pb in persons) or (
                    not associative and any(
                        oa <= a and b <= ob and b - a < ob - oa for oa, ob in orgs))
                accept(self._mention(text, a, b, strict=True, standalone=not person,
                                     known=known))
        return sorted(out, key=lambda m: m.start)

    def _mention(
        self,
        text: str,
        a: int,
        b: int,
        *,
        strict: bool,
        standalone: bool,
        known: set[str] | None = None,
    ) -> _Mention | None:
        """A place mention for ``text[a:b]``; if ``strict``, only with a cue or a clear reading."""
        raw = text[a:b]
        name = _POSSESSIVE.sub("", _LEADING_THE.sub("", raw)).strip()
        if not name or not key(name) or not name[0].isupper() and strict:
            return None
        start = a + raw.find(name)
        end = start + len(name)
        if _FACILITY_AFTER.match(text, end):
            return None  # "Colombo square", "Kabul airport road": a site named after a place
        if name.lower() in _COMPASS and not _TYPE_AFTER.match(text, end):
            return None
        if self.gaz.demonym(name) and not _place_noun_after(text, end):
            return None  # "Somali government troops": people of a country, not a region
        cued = _cued(text, start, end)
        cands = self._candidates(name)
        if not cands:
            return None
        if strict and _ACRONYM.fullmatch(name) and cands[0].feature_code not in _HOLDERS:
            return None  # "(SNA)", "(URT)": an organisation's initials, not a town's name
        if strict and not cued and key(name) not in (known or ()):
            if not (standalone and _standalone(cands[0])):
                return None
        return _Mention(start, end, name, cands, cued, kind=_kind_hint(text, start, end))

    def _candidates(self, name: str) -> list[Candidate]:
        cands = self.gaz.candidates(name, limit=25)
        if not cands and (m := _TYPE_TAIL.search(name)):  # "Seoul City", "Kano Town"
            cands = self.gaz.candidates(name[: m.start()], limit=25)
        return cands

    def _leading_place(self, text: str, ent: Span) -> _Mention | None:
        """The place an organisation's name starts with ("Kentucky State Police")."""
        for n in range(len(ent) - 1, 0, -1):
            m = self._mention(text, ent[0].idx, ent[n - 1].idx + len(ent[n - 1]), strict=True,
                              standalone=True)
            if m is not None:
                return m
        return None

    def _abbreviated_states(self, text: str) -> list[_Mention]:
        """AP-style state abbreviations after a town: "GLASGOW, Ky.", "Surrey, B.C."."""
        pattern = _abbreviation_pattern(self.gaz.abbreviations())
        out = []
        for m in pattern.finditer(text) if pattern else ():
            region = self.gaz.state_by_abbreviation(m.group(1))
            if region is not None:
                out.append(_Mention(m.start(1), m.end(1), m.group(1), [region], cued=True))
        return out

    def _demonym_place(self, ent: Span, *, always: bool = False) -> _Mention | None:
        """A demonym names its country only before a place noun ("the Iraqi border")."""
        iso2 = self.gaz.demonym(ent.text)
        nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
        if iso2 is None or not always and (nxt is None or nxt.lower_ not in place_nouns()):
            return None
        country = self.gaz.country(iso2)
        if country is None:
            return None
        cand = Candidate(None, country.name, country.lat, country.lon, iso2, None, "PCLI", 0, 9.0)
        return _Mention(ent.start_char, ent.end_char, ent.text, [cand])

    def _fuzzy_villages(self, text: str, mentions: list[_Mention]) -> list[_Mention]:
        """Cued names the gazetteer lacks, looked up fuzzily inside the region that holds them.

        "the town of Buuloburde in the Hiraan region": no exact entry, but the region is
        known, and among its places "Buulobarde" is one letter away.
        """
        resolved = [m for m in mentions if m.best is not None]
        added = []
        for a, b in _name_runs(text):
            if any(m.start < b and a < m.end for m in resolved) or not _cued(text, a, b):
                continue
            holder = _holder(text, b, resolved)
            if holder is None or holder.best is None or not holder.best.admin1:
                continue
            name = _POSSESSIVE.sub("", _LEADING_THE.sub("", text[a:b])).strip()
            town = holder.best.feature_code.startswith("PP")
            cands = self.gaz.fuzzy(
                name, country_code=holder.best.country_code or "", admin1=holder.best.admin1,
                near=(holder.best.lat, holder.best.lon) if town else None,
                within_km=_FUZZY_NEAR_KM,
                cutoff=self.gaz.FUZZY_CUTOFF if town else _FUZZY_REGION_CUTOFF,
            )
            if cands:
                start = a + text[a:b].find(name)
                added.append(_Mention(start, start + len(name), name, cands, True,
                                      best=cands[0]))
        if not added:
            return mentions
        kept = [m for m in mentions if not any(m.start < x.end and x.start < m.end for x in added)]
        return sorted(kept + added, key=lambda m: m.start)

    # --- resolution --------------------------------------------------------------------------

    def _country_context(
        self, doc: Doc, mentions: list[_Mention], outlet_country: str | None
    ) -> dict[str, float]:
        """How much the document is about each country, scaled to 0..1."""
        weights: Counter[str] = Counter()
        for m in mentions:
            top = m.cands[0]
            if top.feature_code in ("PCLI", "TERR", "RGN") and top.country_code:
                weights[top.country_code] += 1.0
            elif len({c.country_code for c in m.cands}) == 1 and top.country_code:
                weights[top.country_code] += 0.5  # an unambiguous place names its country
        for ent in doc.ents:
            if ent.label_ == "NORP" and (iso2 := self.gaz.demonym(ent.text)):
                # "Iraqi militias" hints at Iraq, weakly: "Russian forces" fight in Ukraine.
                weights[iso2] += 0.15
        if outlet_country and (c := self.gaz.country(outlet_country)):
            weights[c.iso2] += 0.5
        # Scaled by the strongest country, but never above 1 evidence unit: a lone "Russian
        # forces" must not outweigh a big city's prior elsewhere.
        top = max(max(weights.values(), default=0.0), 1.0)
        return {cc: w / top for cc, w in weights.items()}

    def _containment(self, text: str, mentions: list[_Mention]) -> dict[int, list[_Mention]]:
        """Reward readings of X inside a place named right after it: "X, Y", "X (Y, Z)", "X in Y".

        The enclosing names may follow after other names the gazetteer does not know
        ("Shangi (Bwisha, Rutshuru, Nord-Kivu)"), as in ACLED's notes.
        """
        groups = {}
        for n, a in enumerate(mentions):
            groups[n] = _enclosing(text, mentions, n)
            for b in groups[n]:
                for i, ca in enumerate(a.cands):
                    for j, cb in enumerate(b.cands):
                        if _contains(cb, ca):
                            a.bonus[i] = max(a.bonus.get(i, 0.0), _CONTAINED)
                            b.bonus[j] = max(b.bonus.get(j, 0.0), _CONTAINED / 2)
        return groups

    def _resolve(self, mentions: list[_Mention], context: dict[str, float]) -> None:
        for m in mentions:  # first pass: prior, country context and containment
            m.best = max(enumerate(m.cands), key=lambda ic: self._score(m, ic, context))[1]
        anchors = [m.best for m in mentions if m.best and m.best.feature_code.startswith("PP")]
        for m in mentions:  # second pass: closeness to the document's other places
            others = [a for a in anchors if a is not m.best]
            m.best = max(
                enumerate(m.cands),
                key=lambda ic: self._score(m, ic, context) + _nearby(ic[1], others),
            )[1]

    @staticmethod
    def _score(m: _Mention, ic: tuple[int, Candidate], context: dict[str, float]) -> float:
        i, c = ic
        bonus = _COUNTRY_CONTEXT * context.get(c.country_code or "", 0.0)
        if m.kind and m.kind == _reading_kind(c):
            bonus += _KIND_HINT
        return c.score + bonus + m.bonus.get(i, 0.0)


@lru_cache(maxsize=4)
def _abbreviation_pattern(abbreviations: tuple[str, ...]) -> re.Pattern[str] | None:
    """", Ky." and the like: a comma after a word, the abbreviation with its periods."""
    if not abbreviations:
        return None
    alternatives = "|".join(re.escape(a) for a in abbreviations)
    return re.compile(rf"(?<=[A-Za-z]),[ \t]+({alternatives})(?![\w.])")


def _kind_hint(text: str, start: int, end: int) -> str | None:
    """The kind of place a type word next to the name gives it, if any."""
    before = text[max(0, start - 40) : start]
    if _TOWN_AFTER.match(text, end) or _TOWN_BEFORE.search(before):
        return "town"
    if _REGION_AFTER.match(text, end) or _REGION_BEFORE.search(before):
        return "region"
    return None


def _reading_kind(c: Candidate) -> str | None:
    if c.feature_code.startswith("PP"):
        return "town"
    return "region" if c.feature_code in ("ADM1", "TERR") else None


def _place_noun_after(text: str, end: int) -> bool:
    m = _NEXT_WORD.match(text, end)
    return bool(m) and m.group(1).lower() in place_nouns()


def _contains(outer: Candidate, inner: Candidate) -> bool:
    if outer is inner or inner.country_code is None or outer.country_code != inner.country_code:
        return False
    if outer.feature_code == "PCLI":
        return True
    if outer.feature_code in ("ADM1", "TERR", "RGN"):
        return bool(inner.admin1) and key(inner.admin1 or "") == key(outer.admin1 or outer.name)
    if outer.feature_code.startswith("PP") and inner.feature_code.startswith("PP"):
        # A town named with its district, the district named after its seat ("Palma (Palma,
        # Cabo Delgado)"): the seat stands for the district when the two lie close together.
        near = haversine_km(outer.lat, outer.lon, inner.lat, inner.lon) < _DISTRICT_KM
        return near and outer.admin1 == inner.admin1
    return False


def _part_of_town(text: str, a: _Mention, b: _Mention) -> bool:
    """"X district of Y", "X suburb of Y": X is a part of the town Y."""
    gap = text[a.end : b.start]
    return b.best is not None and b.best.feature_code.startswith("PP") and bool(
        _PART_GAP.fullmatch(gap))


def _drop_outside(
    text: str, mentions: list[_Mention], groups: dict[int, list[_Mention]]
) -> None:
    """Unresolve X in "X (Y, Z)" when no reading of X lies in the region Y or Z names.

    Such an X is a village the gazetteer lacks that shares its name with a place elsewhere
    ("Winder town (Las Bela district, Balochistan)" is not Winder, Georgia); the event then
    falls back to the enclosing region.
    """
    for n, a in enumerate(mentions):
        outer = [b.best for b in groups.get(n, ()) if b.best is not None and
                 (b.best.feature_code in _HOLDERS or _part_of_town(text, a, b))]
        if a.best is None or not outer or a.best.feature_code in _HOLDERS:
            continue
        if not any(_contains(o, c) for o in outer for c in a.cands):
            a.best = None


def _nearby(c: Candidate, anchors: list[Candidate]) -> float:
    if not anchors or c.feature_code in ("PCLI", "CONT"):
        return 0.0
    d = min(haversine_km(c.lat, c.lon, a.lat, a.lon) for a in anchors)
    return _NEARBY if d < 150 else _NEARBY / 2 if d < 400 else 0.0


def _standalone(top: Candidate) -> bool:
    """Without a cue, only a country, region, curated place or big city is taken as a place."""
    if top.feature_code in ("PCLI", "ADM1", "TERR", "RGN", "PSTB", "CONT"):
        return True
    return top.feature_code.startswith("PP") and top.population >= _BIG_CITY and top.score >= 4


def _name_runs(text: str) -> list[tuple[int, int]]:
    """Character spans of runs of capitalised words ("Rio Grande do Norte", "Kitaf wa Al Boqee")."""
    return [(m.start(), m.end()) for m in _RUN.finditer(text)]


def _pieces(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """An entity split where spaCy ran over brackets, commas or ACLED's " - " ("Natal (Rio")."""
    out, pos = [], a
    for m in _SPLIT.finditer(text, a, b):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, b))
    return [(x, y) for x, y in out if text[x:y].strip()]


def _cued(text: str, start: int, end: int) -> bool:
    """A locative cue before the name, a type word after it, or a place's bracket around it."""
    before = text[max(0, start - 80) : start]
    return bool(
        _CUE.search(before[-40:])
        or _IN_BRACKET.search(before)
        or _TYPE_AFTER.match(text, end)
        or _SUBPART_AFTER.match(text, end)
        or _BRACKET_AFTER.match(text, end)
    )


def _enclosing(text: str, mentions: list[_Mention], n: int) -> list[_Mention]:
    """Mentions after mention ``n`` that may name a place holding it, up to the group's end."""
    out = []
    a = mentions[n]
    pos = a.end
    for b in mentions[n + 1 : n + 5]:
        gap = text[pos : b.start]
        if len(gap) > 60 or not _GAP.fullmatch(gap):
            break
        out.append(b)
        pos = b.end
        if ")" in gap:
            break
    return out


def _holder(text: str, end: int, resolved: list[_Mention]) -> _Mention | None:
    """The first resolved region or town right after ``end`` that may hold the name there."""
    for m in resolved:
        if m.start < end:
            continue
        gap = text[end : m.start]
        if len(gap) > 60 or not _GAP.fullmatch(gap):
            return None
        code = m.best.feature_code if m.best else ""
        return m if code in ("ADM1", "TERR") or code.startswith("PP") else None
    return None


def _toponym(m: _Mention) -> Toponym:
    c = m.best
    assert c is not None
    return Toponym(
        start=m.start,
        end=m.end,
        text=m.text,
        geonameid=c.geonameid,
        name=c.name,
        lat=c.lat,
        lon=c.lon,
        country_code=c.country_code,
        admin1=c.admin1,
        feature_code=c.feature_code,
    )
