"""Where an event happened: pick the place of its trigger sentence and read the relation.

Order of preference: a specific place (town, crossing) in the trigger sentence; one in the
nearest sentences that agrees with the country the trigger sentence names; a region; the
document's most prominent place; and last the country, coded to its capital with ACLED
geo_precision 3 and UCDP where_prec 6 (ACLED never codes at country level).
Origins ("a shipment making its way from Iraq") and governments named by their capital or
country ("Moscow did not comment") are never the event place.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc

from reportedly.geo.gazetteer import Gazetteer, ascii_name
from reportedly.geo.normalise import key as _key
from reportedly.geo.parser import toponym_of
from reportedly.nlp import doc_text
from reportedly.records import Location, Toponym

_SPECIFIC = ("PPL", "PPLC", "PPLA", "PSTB", "AIRP", "FAC")
_REGIONAL = ("ADM1", "ADM2", "TERR", "RGN")
_WINDOW = 3  # sentences either side of the trigger sentence to look in
_PLACE_WORDS = r"(?:the\s+)?(?:(?:border\s+)?(?:city|town|village|area|region|province|" \
    r"governorate|district|camp|enclave|crossing)\s+of\s+)?(?:the\s+)?"
_DIRECTION = r"(?:north|south|east|west|northeast|northwest|southeast|southwest|" \
    r"north[- ]east|north[- ]west|south[- ]east|south[- ]west)(?:ern)?"
_OFFSET = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:-\s*)?(km|kms|kilomet(?:er|re)s?|miles?|mi)\s+(?:\(\s*[^)]*\)\s+)?"
    r"(?:" + _DIRECTION + r"\s+)?(?:of|from)\s+" + _PLACE_WORDS + r"$",
    re.IGNORECASE,
)
_NEAR = re.compile(
    r"\b(?:near|nearby|close\s+to|(?:in\s+)?the\s+vicinity\s+of|not\s+far\s+from|next\s+to|"
    r"adjacent\s+to|around|(?:in\s+)?the\s+direction\s+of|towards|(?:off\s+)?the\s+coast\s+of|"
    r"rural)\s+" + _PLACE_WORDS + r"$",
    re.IGNORECASE,
)
_OUTSKIRTS = re.compile(
    r"\b(?:(?:outskirts|edge|edges|suburbs?|periphery|countryside)\s+of|outside(?:\s+of)?)\s+"
    + _PLACE_WORDS + r"$",
    re.IGNORECASE,
)
_BETWEEN = re.compile(r"\bbetween\s+" + _PLACE_WORDS + r"$", re.IGNORECASE)
_PART_OF = re.compile(
    r"\b(?:the\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)\s+(?:district|neighbou?rhood|quarter|"
    r"suburb|area|camp|township)\s+of\s+(?:the\s+(?:city|town)\s+of\s+)?$"
)
# "a road north of Sinjar": somewhere near the place, not in it (ACLED geo_precision 2).
_SIDE_OF = re.compile(r"\b" + _DIRECTION + r"\s+of\s+" + _PLACE_WORDS + r"$", re.IGNORECASE)
# Unnamed places inside a named area ("several villages in Bokkos", "Bokkos local government
# area"): the area is known, not the spot (ACLED geo_precision 2).
_INSIDE_BEFORE = re.compile(
    r"\b(?:villages|communities|settlements|hamlets|localities|areas|parts)\s+(?:in|of|across|"
    r"around)\s+(?:the\s+)?$", re.IGNORECASE
)
_AREA_AFTER = re.compile(
    r"\s+(?:local\s+government\s+area|LGA|district|county|territory|sub-?district|"
    r"municipality|tehsil|department)\b"
)
# Words after a town that make it stand for the area around it ("Harbal axis", "Tal Baydar
# area", "Puthia upazila"): the area is known, not the spot (ACLED geo_precision 2). They do
# not make the name a region when the sentence's country is voted ("Toto area" is no region).
_PART_AFTER = re.compile(
    r"\s+(?:township|upazila|block|commune|woreda|locality|area|axis|front|countryside|"
    r"badia|outskirts|vicinity)\b"
)
# An event note that names the place it was coded to instead of where it happened ("in
# Simbanda (Mambasa, Ituri) [coded to Mambasa]", "Location coded as Nay Pyi Taw"): the coded
# place is the event location, and unless the note gives the precision ("with GP3") it stands
# for a place near it (ACLED geo_precision 2: "coded to the nearest town").
_CODED = re.compile(r"\b[Cc]oded(?:\s+(?:to|as|at))?\s+(?:nearby\s+)?(?:the\s+)?(?=[A-Z])")
_CODED_NAME = re.compile(r"[A-Z][\w'’-]*(?:[ -][A-Z][\w'’-]*)*")
# A coded name stands alone, or with a type word: "coded as Kut city.", "(coded as Bolan)";
# "coded as Darfur communal militia" names an actor, not a place.
_CODED_END = re.compile(
    r"(?:\s+(?:city|town|village|district|province|governorate|area|township|region|state))?"
    r"\s*(?:[.,;:)\]]|\(|with\b|$)"
)
# "Coded to Al Anbar capital Ramadi city": the region's capital is the coded place.
_CAPITAL_AFTER = re.compile(
    r"\s+(?:(?:provincial|regional|state|district|governorate|national)\s+)?capital,?\s+"
    r"(?:city\s+of\s+)?(?=[A-Z])"
)
_CODED_PRECISION = re.compile(r"[^.;\])]{0,30}?\b(?:GP|geo[_ -]?precision)\s*([123])\b",
                              re.IGNORECASE)
_ORIGIN = re.compile(
    r"\b(?:from|out\s+of|fled|left|departed)\s+(?:the\s+)?(?:(?:city|town|country)\s+of\s+)?$",
    re.IGNORECASE,
)
# A capital or a country as the subject of a statement stands for its government: "Moscow did
# not comment", "Kyiv said". The statement is not the event, so the place is not its place.
_SPEAKS_AFTER = re.compile(
    r"(?:['’]s\s+\w+\s+(?:ministry|office)\s+)?\s*(?:(?:has|have|had|did|does|do|was|is|has\s+not|"
    r"did\s+not|has\s+yet\s+to|would\s+not|could\s+not)\s+)?(?:not\s+)?(?:immediately\s+)?"
    r"(?:said|says|say|comment|commented|comments|denied|denies|deny|claimed|claims|accused|"
    r"accuses|condemned|condemns|warned|warns|responded|respond|announced|insisted|insists|"
    r"blamed|blames|rejected|rejects|confirmed|confirms|reacted|react|vowed|vows)\b",
    re.IGNORECASE,
)
_SPEAKERS = ("PPLC", "PCLI")
_DISTANCE_BEFORE = re.compile(r"(?:km|kms|kilomet(?:er|re)s?|miles?|mi|away)\s+from\s+\S*\s*$",
                              re.IGNORECASE)
# A named place the gazetteer lacks, then the places holding it: "in Gwalo (Paikoro, ",
# "near Syhnalne, ", "in Ftireh town in ", "in Hesarak area of Rukha district, ".
_UNKNOWN_BEFORE = re.compile(
    r"\b(in|at|of|to|near|between|around|outside)\s+(?:the\s+)?"
    r"[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|\(\w+\)))*"
    r"(?:\s+(?:town|village|villages|city|area|district|township|camp|ward|neighbou?rhood))?"
    r"(?:\s*[(,]\s*|\s+(?:in|of)\s+(?:the\s+)?)"
    r"(?:[A-Z][\w'’ -]*(?:\s+(?:district|township|town|locality))?,\s*)*"
    r"(?:(?:rural|the)\s+)?$"
)


_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|around|inside|into|on|off|across)\s+(?:the\s+)?"
    r"(?:(?:city|town|village|area|district|camp|vicinity|outskirts|countryside)\s+of\s+)?"
    r"(?:the\s+)?$", re.IGNORECASE)
_REGION_AFTER = re.compile(r"\s+(?:region|province|governorate|state|oblast)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Pick:
    toponym: Toponym
    relation: str
    geo_precision: int
    where_prec: int
    name: str


def _kind(t: Toponym) -> int:
    """0 specific place, 1 region, 2 country, 3 continent or unknown."""
    code = t.feature_code or ""
    if code.startswith("PP") or code in _SPECIFIC:
        return 0
    if code in _REGIONAL:
        return 1
    return 2 if code == "PCLI" else 3


def _is_speaker(text: str, t: Toponym) -> bool:
    """A capital or country named as a government that speaks ("Moscow did not comment")."""
    return (t.feature_code or "") in _SPEAKERS and bool(_SPEAKS_AFTER.match(text, t.end))


def _is_origin(text: str, t: Toponym) -> bool:
    before = text[max(0, t.start - 40) : t.start]
    return bool(_ORIGIN.search(before)) and not _DISTANCE_BEFORE.search(before)


def _relation(text: str, t: Toponym, after: list[Toponym]) -> tuple[str, int, int, str]:
    """(relation, geo_precision, where_prec, display name) from the words before the name."""
    name = ascii_name(t.name or t.text)
    before = text[max(0, t.start - 80) : t.start]
    if m := _OFFSET.search(before):
        km = float(m.group(1).replace(",", "."))
        km *= 1.609 if m.group(2).lower().startswith("mi") else 1.0
        return "offset", 2, 2 if km <= 25 else 3, name
    if m := _PART_OF.search(before):  # before "outskirts": "the X suburb of Y" is in Y
        return "in", 1, 1, f"{name} - {m.group(1)}"
    if _OUTSKIRTS.search(before):
        return "outskirts", 2, 2, name
    if _NEAR.search(before) or _SIDE_OF.search(before):
        return "near", 2, 2, name
    if _BETWEEN.search(before):
        return "between", 2, 2 if after else 5, name
    if t.feature_code == "ADM2":
        # a district or province: part of a region (ACLED 2), second-order unit (UCDP 3)
        return "region", 2, 3, name
    if _kind(t) == 1:
        where = 5 if t.feature_code == "RGN" else 4
        return "region", 3, where, name
    if _kind(t) == 0 and (_INSIDE_BEFORE.search(before) or _AREA_AFTER.match(text, t.end)
                          or _PART_AFTER.match(text, t.end)):
        return "region", 2, 3, name
    return "in", 1, 1, name


def _sentences(doc: Doc, start: int) -> tuple[list[tuple[int, int]], int]:
    bounds = [(s.start_char, s.end_char) for s in doc.sents]
    for i, (a, b) in enumerate(bounds):
        if a <= start < b:
            return bounds, i
    return bounds, max(0, len(bounds) - 1)


def _in(t: Toponym, bound: tuple[int, int]) -> bool:
    return bound[0] <= t.start < bound[1]


def _order(i: int, n: int) -> list[int]:
    """Sentence indices by distance from i, the following sentence first at equal distance."""
    out = [i]
    for d in range(1, _WINDOW + 1):
        out += [j for j in (i + d, i - d) if 0 <= j < n]
    return out


def locate(
    gaz: Gazetteer, doc: Doc, toponyms: list[Toponym], *, start: int, end: int
) -> Location | None:
    """The Location of the event whose trigger spans ``[start, end)`` of ``doc.text``."""
    if not toponyms:
        return None
    text = doc_text(doc)
    if not text:
        return None
    bounds, i = _sentences(doc, max(0, min(start, len(text) - 1)))
    located = [t for t in toponyms if t.lat is not None and not _is_speaker(text, t)]
    origins = [t for t in located if _is_origin(text, t)]
    places = [t for t in located if t not in origins]
    if not places:
        return None
    here = [t for t in places if _in(t, bounds[i])]
    if not any(_kind(t) == 0 for t in here):
        # a town left ("evacuated from Lozova, Kharkiv") is the place of a sentence that
        # names no other town: the leaving is what it reports
        left = [t for t in origins if _in(t, bounds[i]) and _kind(t) == 0]
        places = sorted(places + left, key=lambda t: t.start)
        here = [t for t in places if _in(t, bounds[i])]
    countries = _sentence_countries(text, here)
    pick = _coded_pick(gaz, text, places, bounds, i, countries) or _pick(
        text, places, bounds, i, countries)
    if pick is None:
        return None
    return _location(gaz, pick)


def _sentence_countries(text: str, here: list[Toponym]) -> set[str]:
    """The countries the trigger sentence is about: those most of its places lie in.

    An administrative region counts double: "fired Grad missiles at Velyka Novosilka,
    Donetsk" is about Ukraine, not about Grad in Slovenia; "Holi celebrations in Bihar state"
    is about India.
    A country counts once: "in Oslo against the war in Ukraine" names a topic beside the place.
    """
    votes: Counter[str] = Counter()
    named = {t.country_code for t in here if _kind(t) == 2 and t.country_code}
    votes.update(named)  # once each, however often the topic country is repeated
    for t in here:
        if t.country_code and _kind(t) <= 1:
            # an administrative region, not a named area ("the West Bank", "Donbas") that is
            # often a topic, nor initials ("SUD" is a union)
            region = (t.feature_code in ("ADM1", "ADM2") or _AREA_AFTER.match(text, t.end)) and (
                not t.text.isupper())
            votes[t.country_code] += 2 if region else 1
    if not votes:
        return set()
    top = max(votes.values())
    return {cc for cc, v in votes.items() if v == top}


def _holds_unknown(text: str, t: Toponym, places: list[Toponym]) -> bool:
    """Whether ``t`` holds a name just before it that no known place covers."""
    base = max(0, t.start - 80)
    m = _UNKNOWN_BEFORE.search(text[base : t.start])
    if m is None:
        return False
    lo = base + m.start()
    if any(lo <= p.start < t.start for p in places if p is not t):
        return False
    # the name may be a known place written again ("in Ye town of Ye township (Mawlamyine")
    words = _key(text[lo + len(m.group(1)) : t.start])
    return not any(_key(p.text) and words.startswith(_key(p.text)) for p in places if p is not t)


def _sentence_regions(places: list[Toponym], bound: tuple[int, int]) -> set[tuple]:
    """(country, admin1) of the first-order regions the trigger sentence names."""
    return {(t.country_code, t.admin1) for t in places
            if _in(t, bound) and t.feature_code == "ADM1" and t.admin1}


def _agrees(t: Toponym, countries: set[str]) -> bool:
    return not countries or t.country_code in countries


def _pick(text, places, bounds, i, countries) -> _Pick | None:
    if not any(_in(t, bounds[i]) for t in places):
        return _nearest_sentence(text, places, bounds, i)
    # The trigger sentence's own town, then its own region ("in Marib governorate"), then
    # towns and regions of the sentences around it.
    order = _order(i, len(bounds))
    regions = _sentence_regions(places, bounds[i])
    for j, rank in [(i, 0), (i, 1)] + [(j, r) for r in (0, 1) for j in order[1:]]:
        found = [t for t in places if _in(t, bounds[j]) and _kind(t) == rank]
        found = [t for t in found if _agrees(t, countries)]
        if rank == 0 and regions:
            # spatial coherence: a town in a region the sentence names beats a namesake
            # elsewhere ("in the direction of Pasika - Bohorodychne, Donetsk")
            found = [t for t in found if (t.country_code, t.admin1) in regions] or found
        if rank == 0 and j == i and len(countries) == 1:
            # the nearest known holder of a place the gazetteer lacks ("in Ankoum (Ansongo,
            # Gao)") is where the event is, not a town named earlier as an attribute
            found = [t for t in found if _holds_unknown(text, t, places)] or found
        if rank == 0 and j == i:
            # a town after a locative preposition is where the event is; one named before as
            # an attribute ("the Homa Bay women's seat", "Gao entrepreneurs") is not
            found = [t for t in found if _LOCATIVE.search(text, max(0, t.start - 60), t.start)
                     and not _REGION_AFTER.match(text, t.end)] or found
        if found:
            return _make_pick(text, found[0], places, nearby=j != i)
    if prominent := _prominent(places, countries):
        rel, _, where, name = _relation(text, prominent, [])
        return _Pick(prominent, "region" if rel == "in" else rel, 2, max(where, 2), name)
    country = next((t for t in places if _kind(t) == 2 and _agrees(t, countries)), None)
    return _country_pick(country) if country else None


def _coded_pick(gaz, text, places, bounds, i, countries) -> _Pick | None:
    """The place a coding note from the trigger sentence on names, if any: a note codes
    the event it is about, and often closes the report ("... Coded as Kut city.")."""
    lo = bounds[i][0]
    for m in _CODED.finditer(text, lo):
        t = _coded_at(gaz, text, m.end(), places, countries)
        if t is not None and _kind(t) == 1 and (c := _CAPITAL_AFTER.match(text, t.end)):
            t = _coded_at(gaz, text, c.end(), places, countries) or t
        if t is None or _kind(t) > 1 or not _CODED_END.match(text, t.end):
            continue
        given = _CODED_PRECISION.match(text, t.end)
        geo = int(given.group(1)) if given else 2
        relation = {1: "in", 2: "near", 3: "region"}[geo]
        return _Pick(t, relation, geo, {1: 1, 2: 2, 3: 4}[geo], ascii_name(t.name or t.text))
    return None


def _coded_at(gaz, text, at, places, countries) -> Toponym | None:
    """The place named at ``at``: the parser's reading in the text's countries, else a
    look-up ("[coded to Mambasa]" in a report from Ituri is no reading of Mombasa)."""
    t = next((p for p in places if p.start == at and _agrees(p, countries)), None)
    return t if t is not None else _coded_toponym(gaz, text, at, places, countries)


def _coded_toponym(gaz, text, at, places, countries) -> Toponym | None:
    """A coded place the parser did not resolve, looked up in the countries of the text;
    failing those, the one country's place of that very name: the coder named a place, and
    a misread neighbour ("the Baltic sea" read as Baltic, Connecticut) does not outweigh it."""
    m = _CODED_NAME.match(text, at)
    if m is None:
        return None
    wanted = countries or {t.country_code for t in places if t.country_code}
    cands = [c for c in gaz.candidates(m.group(0), limit=10)
             if not (c.feature_code or "").startswith("PCL")]
    for cand in cands:
        if cand.country_code in wanted:
            return toponym_of(cand, start=m.start(), end=m.end(), text=m.group(0))
    # abroad, only under its own name: "Mambasa" is a spelling of Mombasa, and a Congolese
    # town the gazetteer lacks
    own = [c for c in cands if _key(c.name) == _key(m.group(0))]
    if own and len({c.country_code for c in own}) == 1:
        return toponym_of(own[0], start=m.start(), end=m.end(), text=m.group(0))
    return None


def _nearest_sentence(text, places, bounds, i) -> _Pick | None:
    """With no place in the trigger sentence, the nearest sentence naming one holds the event.

    Background passages ("Last month it launched a massive airstrike") are told next to the
    place they concern; a town named sentences away is less likely than a country named in
    the adjacent sentence. Within that sentence the most specific place wins.
    """
    for j in _order(i, len(bounds))[1:]:
        found = sorted((t for t in places if _in(t, bounds[j]) and _kind(t) <= 2), key=_kind)
        countries = _sentence_countries(text, found)
        found = [t for t in found if _agrees(t, countries)]  # as in the trigger sentence
        if found:
            best = found[0]
            return _country_pick(best) if _kind(best) == 2 else _make_pick(
                text, best, places, nearby=True)
    country = next((t for t in places if _kind(t) == 2), None)
    return _country_pick(country) if country else None


def _country_pick(t: Toponym) -> _Pick:
    return _Pick(t, "country", 3, 6, t.name or t.text)


def _make_pick(text: str, t: Toponym, places: list[Toponym], *, nearby: bool) -> _Pick:
    after = [p for p in places if p.start > t.end and p.start - t.end < 12 and
             re.match(r"\s+and\s+", text[t.end : p.start])]
    rel, geo, where, name = _relation(text, t, after)
    unknown = _UNKNOWN_BEFORE.search(text[max(0, t.start - 80) : t.start])
    if unknown and _kind(t) <= 1:
        # "in Gwalo (Paikoro, Niger)": Gwalo is unknown, the place holding it is coded. ACLED's
        # precision is what the source says of the named place ("in" 1, "near" 2); UCDP's
        # where_prec says that only the holding district or region is known.
        geo = 1 if unknown.group(1).lower() in ("in", "at", "of", "to") else 2
        return _Pick(t, "region", geo, 3 if _kind(t) == 0 else 4, name)
    return _Pick(t, rel, geo, where, name)


def _prominent(places: list[Toponym], countries: set[str]) -> Toponym | None:
    counts = Counter(t.geonameid or t.name for t in places if _kind(t) == 0 and
                     _agrees(t, countries))
    if not counts:
        return None
    top = counts.most_common(1)[0][0]
    return next(t for t in places if (t.geonameid or t.name) == top)


def country_location(gaz: Gazetteer, iso2: str | None) -> Location | None:
    """A country-level Location, coded to its capital (ACLED geo_precision 3, UCDP
    where_prec 6); None for an unknown country."""
    country = gaz.country(iso2) if iso2 else None
    if country is None:
        return None
    cap = country.capital
    lat, lon = (cap.lat, cap.lon) if cap else (country.lat, country.lon)
    return Location(
        name=ascii_name(cap.name) if cap else country.name,
        geonameid=cap.geonameid if cap else None,
        lat=lat, lon=lon, country=country.name, country_code=country.iso2,
        admin1=cap.admin1 if cap else None, geo_precision=3, where_prec=6,
        relation="country",
    )


def _location(gaz: Gazetteer, pick: _Pick) -> Location:
    t = pick.toponym
    country = gaz.country(t.country_code) if t.country_code else None
    if pick.relation == "country" and country is not None:
        return country_location(gaz, country.iso2)  # type: ignore[return-value]
    lat, lon = t.lat, t.lon
    if pick.relation == "region" and t.feature_code == "ADM1":
        # ACLED codes a region-level event to the region's capital (geo_precision 3)
        seat = gaz.region_seat(t.country_code or "", t.admin1 or "")
        lat, lon = (seat.lat, seat.lon) if seat else (lat, lon)
    return Location(
        name=pick.name, geonameid=t.geonameid, lat=lat, lon=lon,
        country=country.name if country else None, country_code=t.country_code,
        admin1=t.admin1, geo_precision=pick.geo_precision, where_prec=pick.where_prec,
        relation=pick.relation,
    )
