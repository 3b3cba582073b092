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

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.tokens import Doc, Span

from reportedly.geo.gazetteer import Candidate, Gazetteer
from reportedly.geo.normalise import key
from reportedly.geo.places import place_nouns, without_prefix
from reportedly.geodesy import haversine_km
from reportedly.nlp import doc_text, per_doc
from reportedly.records import Toponym

_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_NUMERIC = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}
_BIG_CITY = 1_000_000  # a bare name this big is a place even when spaCy says otherwise
# A word before a name that makes it a place: "in X", "near X", "the town of X".
_CUE_VERBS = (
    "at through toward towards until into across shelled attacked stormed raided bombed struck "
    "captured entered seized besieged shelling attacking storming raiding bombing striking "
    "targeting targeted besieging reached reaching"
).split()
_CUE = re.compile(
    r"(?:\b(?:in|near|outside|between|outskirts of|province of|town of)\s+(?:the\s+)?"
    rf"|\b(?:{'|'.join(_CUE_VERBS)})\s+"
    r"|\b(?:streets|residents|inhabitants|outskirts|countryside|centre|center|heart|people)"
    r"\s+of\s+"
    # "air raids on Hays", "an attack on the Kani camp"
    r"|\b(?:raids?|air\s?strikes?|strikes?|attacks?|assaults?|offensives?|bombardments?)"
    r"\s+on\s+(?:the\s+)?"
    r"|\b(?:hospital|prison|jail|port|airport|station|town\s+hall|city\s+hall|prefecture|"
    r"school|university|college|"
    r"sub-prefecture|municipality|mayor|governor|market)\s+of\s+"
    r"|\b(?:city|town|village|district|province|governorate|region|enclave|suburb|outskirts|"
    r"neighbou?rhood|area|camp|state|county|capital|department|commune)\s+of\s+"
    r"|\b(?:state|regional|provincial|district|county|national)\s+capital,?\s+"
    r"|\b(?:km|kms|kilomet(?:er|re)s?|miles?)\s+(?:[a-z-]+\s+)?(?:of|from)\s+(?:the\s+)?"
    r"|\b(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
# The last word of every cue above: a name whose preceding word is none of these has no cue,
# which spares most names the search.
_CUE_LAST = frozenset(
    ["in", "near", "outside", "between", "of", "the", "from", "on", "capital", "capital,",
     *_CUE_VERBS]
)
_WORD = r"(?:(?:al|el|ad|ar|as|at|az|an|ash)-)?[A-Z](?:[\w'’]|\.(?=\w))*(?:-[\w'’]+)*"
# "e" is the Persian ezafe of "Bandar e Emam Khomeyni" and "Torbat e Heydarieh"
_CONNECTOR = r"(?:de|do|da|dos|das|del|della|di|du|des|la|le|los|las|el|al|ez|es|az|wa|y|e|upon)"
_RUN = re.compile(rf"{_WORD}(?:[ \t]+(?:{_CONNECTOR}[ \t]+)*{_WORD})*")
_SPLIT = re.compile(r"\s*[(),;\"“”]\s*|\s+-\s+")
_TYPES = (r"city|town|village|villages|district|province|region|state|governorate|municipality|"
          r"county|LGA|township|camp|neighbou?rhood|suburb|quarter|commune|department|division|"
          r"sub-?district|"
          r"oblast|raion|locality|settlement|hamlet|countryside|prefecture|tehsil|zone")
_TYPE_AFTER = re.compile(rf"\s+(?:{_TYPES})\b")
_TYPE_TAIL = re.compile(r"\s+(?:City|Town|Village|District|Municipality|Camp)$")
# A lower-case site word after a name: the name labels a site, not the place itself.
# Airports, stations, prisons and hospitals are named after the town they serve ("Donetsk
# Airport", "Homs prison"), so those names stay places; squares, streets, bridges and schools
# are as often named after people or other towns ("Hamilton Square", "Baghdad bridge").
_FACILITY_AFTER = re.compile(
    r"\s+(?:square|street|road|avenue|boulevard|highway|university|college|school|"
    r"bridge|park|stadium|mosque|church|court|embassy|consulate|theat(?:er|re)|museum|"
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
_CODER_REMARK = r"\s*\((?i:coded|location\s+coded)\b[^()]{0,40}\)"
# The words between a place and the names holding it; a coder's remark in brackets ("Hays
# (coded to district level) (Al Hudaydah)") stands between them too.
_GAP = re.compile(
    rf"(?:[\s,()\-]|(?i:\b(?:in|of|the|{_TYPES}|{_POSITION})\b)|\b{_WORD}\b|\b{_CONNECTOR}\b"
    rf"|{_CODER_REMARK})*"
)
# A type word next to a name says which kind of place it is: "Mbale city", "the city of
# Kherson" are towns; "the Odesa region", "Plateau state" are first-order regions.
_TOWN_AFTER = re.compile(r"\s+(?:city|town|village)\b", re.IGNORECASE)
_TOWN_BEFORE = re.compile(r"\b(?:city|town|village)\s+of\s+(?:the\s+)?$", re.IGNORECASE)
# "Aleppo countryside" is the governorate around the city (ACLED's usage for Syria)
_REGION_AFTER = re.compile(r"\s+(?:region|province|state|governorate|oblast|countryside)\b",
                           re.IGNORECASE)
_REGION_BEFORE = re.compile(
    r"\b(?:region|province|state|governorate|oblast)\s+of\s+(?:the\s+)?$", re.IGNORECASE
)
# "Bara district", "the department of Mangodara": a second-order region.
_DISTRICT_WORDS = r"district|county|department|upazila|regency|parish|prefecture|woreda|zone"
_SETTLEMENT_AFTER = re.compile(r"\s+(?:town|village|city|township)\b")
_DISTRICT_AFTER = re.compile(rf"\s+(?:{_DISTRICT_WORDS})\b", re.IGNORECASE)
_DISTRICT_BEFORE = re.compile(rf"\b(?:{_DISTRICT_WORDS})\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_KIND_HINT = 3.0  # bonus for a reading of the kind a type word names
# Bare compass and position words name no place of their own ("further north and west",
# "its Western allies"); with a type word ("Western Province") they do.
_COMPASS = frozenset(
    "north south east west northern southern eastern western central northeast northwest "
    "southeast southwest northeastern northwestern southeastern southwestern middle upper "
    "lower far".split()
    # the same words in the languages region names are often given in ("Sud", "Nord-Ouest")
    + "nord sud est ouest norte sur este oeste centre centro".split()
)
_COMPASS_HEAD = re.compile(
    r"(?:North|South|East|West|Northern|Southern|Eastern|Western|Central|Upper|Lower)[ \t]+"
    r"(?=[A-Z])"
)
_PART_OF_TOWN_POP = 100_000
_NEXT_WORD = re.compile(r"\s*([A-Za-z]+)")
_PART_GAP = re.compile(
    r"\s+(?:district|suburb|neighbou?rhood|quarter|area|camp|township)\s+of\s+(?:the\s+)?"
    r"(?:(?:city|town)\s+of\s+)?",
    re.IGNORECASE,
)
_DISTRICT_KM = 60.0
_DISTRICT_SPAN_KM = 90.0  # a second-order region's towns lie this close to its point
# Between a place and the place holding it in a chain: ", ", " (", " ("-with-more-names.
_CHAIN_GAP = re.compile(
    rf"(?:\s+(?:town|village|city|area|district|township))?(?:{_CODER_REMARK})?\s*[,(]\s*")
# A capitalised name and a comma right before: the slot of a holder in "X, Y".
_AFTER_COMMA_NAME = re.compile(
    rf"\b{_WORD}(?:\s+{_WORD})*(?:\s+(?:town|village|city|district|area|township))?,\s*$"
)
_HOLDERS = ("ADM1", "ADM2", "TERR", "PCLI")
_OF_COUNTRY = re.compile(r"\bof\s+(?:the\s+)?([A-Z][\w'’ .-]+)$")
_TOWN_BEFORE_COMMA = re.compile(rf"{_WORD}(?:[ \t]+{_WORD})*$")
_ACRONYM = re.compile(r"[A-Z][A-Z.]{1,5}")
_OUTLET_WORD = re.compile(r"[A-Za-z][\w'’.-]*")
_NOT_NAME_WORDS = frozenset(
    "city town village district province region state governorate municipality county "
    "oblast raion township camp island islands valley mountains river lake sea coast bay "
    "strip bank square street road avenue bridge park stadium university college school "
    "mosque church cathedral court embassy hotel mall police army government council "
    "airport station prison hospital port border crossing times post news".split()
)
_OF_GAP = re.compile(r"[ \t]+of[ \t]+(?:the[ \t]+)?")
_SITE_NOUNS = frozenset(
    "station airport airbase base prison hospital port checkpoint crossing dam mine refinery "
    "oilfield plant market".split()
)
_APOSTROPHE = re.compile(r"['’‘ʼ`]")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_COUNTRY_CONTEXT = 2.5  # bonus for a reading in a country the document is about
_CONTAINED = 4.0  # bonus for a reading inside the place named next to it ("X, Y")
_MAX_ANCHORS = 400  # distinct towns a reading's closeness is measured against
_CLEAR_LEAD = 1.0  # prior margin by which a region's reading names its country
_BESIDE = 2.0  # bonus for a town named with a nearby town of its district ("Palma (Palma, ...")
_AREAS = ("region", "district")
_CLOSE_READING = 0.5  # prior gap within which a second reading may make a name a place
_NEARBY = 1.2  # bonus for a reading close to other places of the document
_FUZZY_NEAR_KM = 60.0  # a fuzzy village lies this close to the town named as holding it
_FUZZY_REGION_CUTOFF = 88.0  # with only a region to vouch for it, a closer spelling is needed
_BORDER_KM = 15.0  # a town this close to a named region's towns may lie in that region


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

    def outlet_country(self, outlet: str | None) -> str | None:
        """ISO2 of the country an outlet's name names ("La Razon (Spain)", "Daily Regional
        Times (Pakistan)", "France 3 Regions", "Online Khabar (Nepali)"), or None.

        Outlets named after a country report mostly on it; several outlets may be listed,
        separated by semicolons, and the first that names a country is taken.
        """
        if not isinstance(outlet, str):
            return None
        parts = [_outlet_names(part) for part in outlet.split(";")]
        for names in parts:
            for name in names:
                if iso2 := self.gaz.country_named(name) or self.gaz.demonym(name):
                    return iso2
        # "Taipei Times", "Milano Today": a capital or a city of a million names its country
        for names in parts:
            for name in names:
                if len(key(name)) < 4:
                    continue
                top = next(iter(self.gaz.candidates(name, limit=1)), None)
                if top is not None and top.country_code and (
                        top.feature_code == "PPLC" or top.feature_code.startswith("PP")
                        and top.population >= _BIG_CITY):
                    return top.country_code
        return None

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
        text = doc_text(doc)
        context = self._country_context(doc, mentions, outlet_country)
        groups = self._containment(text, mentions)
        self._resolve(mentions, context, text=text)
        _drop_outside(text, mentions, groups, self.gaz)
        _drop_far_from_city(text, mentions)
        home = self.gaz.country(outlet_country) if outlet_country else None
        if home is not None:
            _drop_foreign_towns_for_areas(mentions, home.iso2)
        mentions = self._fuzzy_villages(text, mentions)
        return [_toponym(m) for m in mentions if m.best is not None]

    # --- recognition -------------------------------------------------------------------------

    def _mentions(self, doc: Doc, *, associative: bool = False) -> list[_Mention]:
        text, ents = doc_text(doc), doc_ents(doc)
        out: list[_Mention] = []
        taken = bytearray(len(text) + 1)  # characters already inside a mention

        def accept(m: _Mention | None) -> None:
            if m is not None and not any(taken[m.start : m.end]):
                out.append(m)
                taken[m.start : m.end] = b"\x01" * (m.end - m.start)

        for m in self._abbreviated_states(text):
            accept(m)
        runs = _name_runs(text)
        # Names inside a person's or an organisation's name ("Citizens Coalition for Change")
        # are places only with a cue of their own.
        persons = [(e.start_char, e.end_char) for e in ents if e.label_ == "PERSON"]
        orgs = [(e.start_char, e.end_char) for e in ents if e.label_ == "ORG"]
        dates = [(e.start_char, e.end_char) for e in ents if e.label_ in _NUMERIC]
        # "the Polish and Chechen communities": a people, not the region an alias names
        peoples = {(e.start_char, e.end_char) for e in ents if e.label_ == "NORP"}
        free = [(a, b) for a, b in runs if not any(da < b and a < db for da, db in dates)]
        run_end = {a: b for a, b in runs}
        for m in self._of_joined(text, free):
            accept(m)  # "Port of Spain": one name across "of"
        for m in self._holders(text, free):
            accept(m)
        for n, ent in enumerate(ents):
            joined = self._joined(text, ents, n)
            if joined is not None:
                accept(joined)  # "the Democratic Republic of the" + "Congo": one name
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
                    longer = run_end.get(a, 0)
                    m = None
                    if longer > b:
                        m = self._mention(text, a, longer, strict=False, standalone=True)
                        if m is None and _cut_in_word(text, b, longer):
                            continue  # "Nawa" of "Nawa-i-Barikzayi": not a name of its own
                        if m is None and _goes_on(text, b, longer):
                            continue  # "Jadid" of "Jadid Bakkara town": one unknown name
                    accept(m or self._mention(text, a, b, strict=False, standalone=True))
        # One sense per discourse: a name taken as a place once is a place throughout.
        known: set[str] | None = None
        for _ in range(2):  # the second pass knows the names the first took as places
            before, known = known, {key(m.text) for m in out}
            if known == before:
                break  # nothing new to know: the second pass would find nothing more
            for a, b in free:  # "between May 30 and 31": a date, not a place
                if any(taken[a:b]):
                    continue  # already inside a mention: accept() would refuse it
                if not associative and (a, b) in peoples and not _cued(text, a, b):
                    continue  # (the gold standards of geoparsing count such names)
                # A one-word "person" that the gazetteer knows as a region or a big town is
                # the place NER misread ("shelling Kharkiv", "near Lobacheve, Luhansk").
                person = any(pa <= a and b <= pb and b - a < pb - pa for pa, pb in persons) or (
                    not associative and any(
                        oa <= a and b <= ob and b - a < ob - oa for oa, ob in orgs))
                m = self._mention(text, a, b, strict=True, standalone=not person, known=known)
                if m is None and not person:
                    m = self._site_prefix(text, a, b, known=known)
                accept(m)
        for m in self._held(text, free, sorted(out, key=lambda m: m.start)):
            accept(m)
        return sorted(out, key=lambda m: m.start)

    def _of_joined(self, text: str, runs: list[tuple[int, int]]) -> list[_Mention]:
        """Two name runs joined by "of" that the gazetteer knows as one name, exactly
        ("Port of Spain", "Isle of Man"); "Governor of Kano" is no such name."""
        out = []
        for (a, b), (c, d) in zip(runs, runs[1:], strict=False):
            if not _OF_GAP.fullmatch(text, b, c):
                continue
            name = text[a:d]
            cands = [x for x in self._candidates(name) if key(x.name) == key(name)]
            if cands:
                out.append(_Mention(a, d, name, cands, _cued(text, a, d),
                                    kind=_kind_hint(text, a, d)))
        return out

    def _site_prefix(self, text: str, a: int, b: int, *, known: set[str]) -> _Mention | None:
        """The town a site is named after: "near Donetsk Filtration Station", "Kabul Airport".

        Stations, airports, prisons and the like carry the name of the town they serve, and
        lie in or next to it.
        """
        words = list(re.finditer(r"\S+", text[a:b]))
        if len(words) < 2 or words[-1].group(0).lower() not in _SITE_NOUNS:
            return None
        for n in range(len(words) - 1, 0, -1):
            m = self._mention(text, a, a + words[n - 1].end(), strict=True, standalone=True,
                              known=known)
            towns = [c for c in m.cands if c.feature_code.startswith("PP")] if m else []
            if m is not None and towns and not _POSSESSIVE.search(text[a : m.end + 2]):
                m.cands, m.kind = towns, "town"  # a station serves a town, not a region
                return m
        return None

    def _joined(self, text: str, ents: tuple[Span, ...], n: int) -> _Mention | None:
        """A place entity and the next one, when spaCy split one name in two and the whole
        is a name the gazetteer knows exactly."""
        ent = ents[n]
        if n + 1 >= len(ents) or ent.label_ not in _PLACE_LABELS:
            return None
        nxt = ents[n + 1]
        if nxt.label_ not in _PLACE_LABELS or text[ent.end_char : nxt.start_char].strip():
            return None
        m = self._mention(text, ent.start_char, nxt.end_char, strict=False, standalone=True)
        if m is None or not any(key(c.name) == key(m.text) for c in m.cands):
            return None
        return m

    def _holders(self, text: str, runs: list[tuple[int, int]]) -> list[_Mention]:
        """Regions in the holder slot of a place chain, whatever NER called them.

        "Seredyna-Buda, Sumy", "Gwalo (Paikoro, Niger)": the name after a place and a comma,
        or the last name of a bracket opened right after a place, names the region holding
        it. spaCy often reads such a name as a person ("Sumy") or a group ("Michoacan").
        """
        out = []
        for n, (a, b) in enumerate(runs):
            if not _holder_slot(text, a, b):
                continue
            prev = text[runs[n - 1][0] : runs[n - 1][1]] if n else ""
            if _ACRONYM.fullmatch(prev) and text[a - 2 : a].strip() == ",":
                continue  # "(CGT, FO, Sud, FSU)": a list of initials, not a place and its region
            # "(Kollupitiya, Western)" is the Western Province; "Dagon Myothit (North)" is a part
            comma = text[max(0, a - 2) : a].rstrip(" ").endswith(",")
            m = self._mention(text, a, b, strict=False, standalone=True, holder=comma)
            if m is None or not any(c.feature_code in _HOLDERS for c in m.cands[:10]):
                continue
            m.kind = m.kind or "region"  # "Pervomaisk, Luhansk": the oblast, not the city
            regions = [c for c in m.cands if c.feature_code == "ADM1"]
            if regions and m.cands[0].feature_code == "PCLI":
                # "Gwalo (Paikoro, Niger)": a chain's holder is a region of the country the
                # names before it lie in, not a neighbouring country of the same name.
                before = [self._candidates(text[x:y]) for x, y in runs[max(0, n - 3) : n]
                          if key(text[x:y]) != key(text[a:b])]
                in_country = any(c.country_code == m.cands[0].country_code
                                 for cands in before for c in cands)
                if not in_country:
                    m.cands = [c for c in m.cands if c.feature_code != "PCLI"]
            out.append(m)
        return out

    def _held(
        self, text: str, runs: list[tuple[int, int]], mentions: list[_Mention]
    ) -> list[_Mention]:
        """A name right before a place that can hold it: "Lyman, Donetsk", "Okwudo (Njaba, Imo)".

        Such a name is a place when one of its readings lies in the region, country or town
        named after it; its reading there is then the only one kept.
        """
        out = []
        starts = [m.start for m in mentions]
        for a, b in runs:
            k = bisect.bisect_left(starts, b)
            after = mentions[k] if k < len(mentions) else None
            if k and mentions[k - 1].end > a:
                continue  # the run overlaps a mention already taken
            if after is not None and after.start < b:
                continue
            if after is None or not _CHAIN_GAP.fullmatch(text[b : after.start]):
                continue
            name = _POSSESSIVE.sub("", _LEADING_THE.sub("", text[a:b])).strip()
            if not name or not name[0].isupper() or _ACRONYM.fullmatch(name):
                continue
            inside = [c for c in self._candidates(name)
                      if any(_contains(h, c) for h in after.cands[:3])]
            if inside:
                start = a + text[a:b].find(name)
                out.append(_Mention(start, start + len(name), name, inside, True,
                                    kind=_kind_hint(text, start, start + len(name))))
        return out

    def _mention(
        self,
        text: str,
        a: int,
        b: int,
        *,
        strict: bool,
        standalone: bool,
        known: set[str] | None = None,
        holder: bool = False,
    ) -> _Mention | None:
        """A place mention for ``text[a:b]``; if ``strict``, only with a cue or a clear reading."""
        raw = text[a:b]
        name = _POSSESSIVE.sub("", _LEADING_THE.sub("", raw)).strip()
        whole = _LEADING_THE.sub("", raw).strip()
        if whole != name and any(_APOSTROPHE.search(c.name) for c in self._candidates(whole)):
            name = whole  # "St. John's" is the town's name; "Canada's" is Canada
        if not name or not key(name) or not name[0].isupper() and strict:
            return None
        start = a + raw.find(name)
        end = start + len(name)
        if len(key(name)) <= 2 and not name.isupper() and not _SETTLEMENT_AFTER.match(text, end):
            # "St." of "St. Marc", "Mt.": an abbreviation, not a place's name; but "Ye town"
            # and "Bo city" are towns of two letters
            return None
        if _FACILITY_AFTER.match(text, end):
            return None  # "Colombo square", "Kabul airport road": a site named after a place
        # ", Western)" in a place chain is the Western Province; elsewhere a bare compass word
        # names no place
        if name.lower() in _COMPASS and not holder and not _TYPE_AFTER.match(text, end):
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
            # the region reading of "Sumy" stands beside the slightly likelier town reading
            # as does the region of a seat named like it ("Sadah", town and governorate)
            close = [c for c in cands[:3] if c.score >= cands[0].score - _CLOSE_READING
                     or c.feature_code == "ADM1" and c.country_code == cands[0].country_code]
            if not (standalone and any(_standalone(c) for c in close)):
                return None
        return _Mention(start, end, name, cands, cued, kind=_kind_hint(text, start, end))

    def _candidates(self, name: str) -> list[Candidate]:
        cands = self.gaz.candidates(name, limit=25)
        if not cands and (m := _TYPE_TAIL.search(name)):  # "Seoul City", "Kano Town"
            cands = self.gaz.candidates(name[: m.start()], limit=25)
        if not cands and (m := _COMPASS_HEAD.match(name)):
            # "Northern Nicosia", "East Kisaran": a part of a place the gazetteer lacks
            # only a sizeable town: "West Java" and "East Africa" are regions, not villages
            rest = self.gaz.candidates(name[m.end() :], limit=25)
            if rest and rest[0].feature_code.startswith("PP") and (
                    rest[0].population >= _PART_OF_TOWN_POP):
                cands = [rest[0]]
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
            if region is None:
                continue
            # "Bogota, D.C." is Colombia's capital district: the abbreviation names a state
            # only when the town before it is unknown or has a reading in that state.
            town = _TOWN_BEFORE_COMMA.search(text, max(0, m.start() - 60), m.start())
            cands = self._candidates(town.group(0)) if town else []
            if cands and not any(_contains(region, c) for c in cands):
                continue
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
        covered = bytearray(len(text) + 1)  # characters inside a resolved mention
        for m in resolved:
            covered[m.start : m.end] = b"\x01" * (m.end - m.start)
        added: list[_Mention] = []
        by_town: list[bool] = []  # looked up beside a town, not in a whole region
        # one first-order region named in the whole text scopes a cued name with no holder of
        # its own ("clashes in Ein Issa camp and on the M4 highway in Ar Raqqa countryside")
        regions = {(m.best.country_code, m.best.admin1): m for m in resolved
                   if m.best.feature_code == "ADM1" and m.best.admin1}
        sole = next(iter(regions.values())) if len(regions) == 1 else None
        for a, b in _name_runs(text):
            if any(covered[a:b]) or not _cued(text, a, b):
                continue
            holder = _holder(text, b, resolved) or sole
            if holder is None or holder.best is None or not holder.best.admin1:
                continue
            name = _POSSESSIVE.sub("", _LEADING_THE.sub("", text[a:b])).strip()
            town = holder.best.feature_code.startswith("PP")
            cands = self._fuzzy_in(name, holder.best, town=town)
            if not cands and (bare := without_prefix(name)):
                # "Hazrati Imam Sahib district, Kunduz": the town is "Imam Sahib" there
                cands = self._fuzzy_in(bare, holder.best, town=town)
            beside = town and bool(cands)  # the readings are nearest the town first
            if not cands and town and _DISTRICT_AFTER.match(text, holder.end):
                # a town named for its district ("Mogoke township, Pyinoolwin district")
                # vouches for the district, which reaches further than a town's surroundings
                cands = self._fuzzy_in(name, holder.best, town=False)
            if not cands and text[b : holder.start].strip() == "," and (
                    region := _namesake_region(holder)) is not None:
                # "Rusaniv, Kyiv": the city read, but the oblast of its name holds the village
                cands = self._fuzzy_in(name, region, town=False)
            if cands:
                start = a + text[a:b].find(name)
                added.append(_Mention(start, start + len(name), name, cands, True,
                                      best=cands[0]))
                by_town.append(beside)
        if not added:
            return mentions
        _settle_namesakes(added, by_town, resolved)
        kept = [m for m in mentions if not any(m.start < x.end and x.start < m.end for x in added)]
        return sorted(kept + added, key=lambda m: m.start)

    def _fuzzy_in(self, name: str, best: Candidate, *, town: bool) -> list[Candidate]:
        """Places close to ``name`` in the region of the holder's reading ``best``; with
        ``town``, only those near that town, nearest first."""
        return self.gaz.fuzzy(
            name, country_code=best.country_code or "", admin1=best.admin1 or "", limit=10,
            near=(best.lat, best.lon) if town else None, within_km=_FUZZY_NEAR_KM,
            cutoff=self.gaz.FUZZY_CUTOFF if town else _FUZZY_REGION_CUTOFF,
        )

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
            elif top.feature_code == "ADM1" and _clear_lead(m.cands):
                weights[top.country_code or ""] += 1.0  # "Queensland" names its country
            elif len({c.country_code for c in m.cands}) == 1 and top.country_code:
                weights[top.country_code] += 0.5  # an unambiguous place names its country
        for ent in doc_ents(doc):
            if ent.label_ == "NORP" and (iso2 := self.gaz.demonym(ent.text)):
                # "Iraqi militias" hints at Iraq, weakly: "Russian forces" fight in Ukraine.
                weights[iso2] += 0.15
            elif ent.label_ == "ORG" and (m := _OF_COUNTRY.search(ent.text)):
                # "Military Forces of Ukraine", "Police Forces of Nigeria": a state's own
                # forces act mostly at home, a hint as weak as a demonym's but surer.
                if iso2 := self.gaz.country_named(m.group(1)):
                    weights[iso2] += 0.3
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
                            # a town beside a town of its district vouches less than a
                            # region or country holding it: "Hays city (Hays, Al Hudaydah)"
                            inner = _CONTAINED if cb.feature_code in _HOLDERS else _BESIDE
                            a.bonus[i] = max(a.bonus.get(i, 0.0), inner)
                            b.bonus[j] = max(b.bonus.get(j, 0.0), inner / 2)
        return groups

    def _resolve(
        self, mentions: list[_Mention], context: dict[str, float], *, text: str = ""
    ) -> None:
        for m in mentions:  # first pass: prior, country context and containment
            m.best = max(enumerate(m.cands), key=lambda ic: self._score(m, ic, context))[1]
        if text:
            _list_kinds(text, mentions)
            for m in mentions:  # a list's members are places of one kind
                m.best = max(enumerate(m.cands), key=lambda ic: self._score(m, ic, context))[1]
        # One anchor per distinct place, and a bounded number of them: a long list document
        # repeats the same towns, and every reading is measured against every anchor.
        anchors: dict[tuple, Candidate] = {}
        for m in mentions:
            if m.best and m.best.feature_code.startswith("PP") and len(anchors) < _MAX_ANCHORS:
                anchors.setdefault(m.best.ident, m.best)
        for m in mentions:  # second pass: closeness to the document's other places
            own = m.best.ident if m.best else None
            others = [a for k, a in anchors.items() if k != own]
            m.best = max(
                enumerate(m.cands),
                key=lambda ic: self._score(m, ic, context) + _nearby(ic[1], others),
            )[1]

    @staticmethod
    def _score(m: _Mention, ic: tuple[int, Candidate], context: dict[str, float]) -> float:
        i, c = ic
        bonus = _COUNTRY_CONTEXT * context.get(c.country_code or "", 0.0)
        reading = _reading_kind(c)
        if m.kind and m.kind == reading:
            bonus += _KIND_HINT
        elif m.kind in _AREAS and reading in _AREAS:
            bonus += _KIND_HINT / 2  # a "province" is first-order here, second-order there
        return c.score + bonus + m.bonus.get(i, 0.0)


# spaCy rebuilds doc.text and doc.ents from the tokens on every access, which for a long
# report costs more than all of geoparsing; the parser, the locator and the pipeline read
# them several times per document: the text from the pipeline's own memo
# (``reportedly.nlp.doc_text``), the entities from its per-document answers.


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, computed once per document."""
    return per_doc(doc, ("ents",), lambda: tuple(doc.ents))


@lru_cache(maxsize=4)
def _abbreviation_pattern(abbreviations: tuple[str, ...]) -> re.Pattern[str] | None:
    """", Ky." and the like: a comma after a word, the abbreviation with its periods."""
    if not abbreviations:
        return None
    alternatives = "|".join(re.escape(a) for a in abbreviations)
    return re.compile(rf"(?<=[A-Za-z]),[ \t]+({alternatives})(?![\w.])")


_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)")


def _list_kinds(text: str, mentions: list[_Mention]) -> None:
    """Members of a list of names ("Arizona, Oregon, Washington and Wisconsin") take the kind
    most of the others have: a state among states, a country among countries."""
    runs: list[list[_Mention]] = []
    for m in mentions:
        if runs and _LIST_GAP.fullmatch(text[runs[-1][-1].end : m.start]):
            runs[-1].append(m)
        else:
            runs.append([m])
    for members in runs:
        if len(members) < 3:
            continue
        kinds = Counter(_list_kind(m.best) for m in members if m.best is not None)
        kind, count = kinds.most_common(1)[0]
        if kind is None or count < 2:
            continue
        for m in members:
            others = count - (_list_kind(m.best) == kind)
            if others >= 2 and _list_kind(m.best) != kind:
                for i, c in enumerate(m.cands):
                    if _list_kind(c) == kind:
                        m.bonus[i] = m.bonus.get(i, 0.0) + _KIND_HINT


def _list_kind(c: Candidate | None) -> str | None:
    if c is None:
        return None
    return {"ADM1": "region", "PCLI": "country"}.get(c.feature_code)


def _holder_slot(text: str, a: int, b: int) -> bool:
    """Whether ``text[a:b]`` stands where a chain names a holding region (see ``_holders``)."""
    before = text[max(0, a - 60) : a]
    after = text[b : b + 2]
    if before.rstrip().endswith(",") and _AFTER_COMMA_NAME.search(before) and (
            not after or after[0] in ".,;)\n" or after.startswith(" (")):
        return True
    return after.startswith(")") and bool(_IN_BRACKET.search(before))


def _goes_on(text: str, end: int, run_end: int) -> bool:
    """Whether a name runs on into more capitalised words before a type word ("Jadid" +
    " Bakkara town"), unlike "Donetsk" + " Airport" or "Texas" + " Governor Greg Abbott"."""
    rest = text[end:run_end].split()
    return (bool(rest) and rest[0][:1].isupper() and rest[0].lower() not in _NOT_NAME_WORDS
            and bool(_TYPE_AFTER.match(text, run_end)))  # "... Bakkara town": the whole names it


def _cut_in_word(text: str, end: int, run_end: int) -> bool:
    """Whether a name ends inside a hyphenated name going on with a capital ("Nawa-i-Barikzayi",
    "Markaz-e-Behsud"), unlike a compound with a common word ("Kabul-based")."""
    rest = text[end:run_end]
    return rest.startswith("-") and any(ch.isupper() for ch in rest)


def _kind_hint(text: str, start: int, end: int) -> str | None:
    """The kind of place a type word next to the name gives it, if any."""
    before = text[max(0, start - 40) : start]
    # every "... of (the) " pattern ends in "of" or "the": skip the searches otherwise
    last = before.rsplit(None, 1)[-1].lower() if before[-1:].isspace() and before.strip() else ""
    of = last in ("of", "the")
    if _TOWN_AFTER.match(text, end) or of and _TOWN_BEFORE.search(before):
        return "town"
    if _REGION_AFTER.match(text, end) or of and _REGION_BEFORE.search(before):
        return "region"
    if _DISTRICT_AFTER.match(text, end) or of and _DISTRICT_BEFORE.search(before):
        return "district"
    return None


def _reading_kind(c: Candidate) -> str | None:
    if c.feature_code.startswith("PP"):
        return "town"
    if c.feature_code == "ADM2":
        return "district"
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
    if outer.feature_code == "ADM2":
        # a district's point lies inside it; its towns lie around it, in its region
        return inner.feature_code != "ADM1" and outer.admin1 == inner.admin1 and haversine_km(
            outer.lat, outer.lon, inner.lat, inner.lon) < _DISTRICT_SPAN_KM
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
    text: str, mentions: list[_Mention], groups: dict[int, list[_Mention]], gaz: Gazetteer
) -> None:
    """Unresolve X in "X (Y, Z)" when no reading of X lies in the region Y or Z names.

    Such an X is a village the gazetteer lacks that shares its name with a place elsewhere
    ("Winder town (Las Bela district, Balochistan)" is not Winder, Georgia); the event then
    falls back to the enclosing region. A town filed under the neighbouring region but lying
    by the named region's own towns is kept, in the region the text names ("Acornhoek
    (Ehlanzeni, Mpumalanga)", filed under Limpopo a few km from the border).
    """
    for n, a in enumerate(mentions):
        if a.best is not None and a.best.feature_code.startswith("PP"):
            _namesake_holders(a, groups.get(n, ()))
        outer = [b.best for b in groups.get(n, ()) if b.best is not None and
                 (b.best.feature_code in _HOLDERS or _part_of_town(text, a, b)
                  or _site_in_town(text, a, b))]
        if a.best is None or not outer:
            continue
        if any(_contains(o, c) for o in outer for c in a.cands):
            continue
        if _reread_holder(a, groups.get(n, ())):
            continue
        if a.best.feature_code in _HOLDERS:
            # "Loreto (Concepcion)": a region abroad is not in the region the bracket names;
            # names joined by commas may be a list ("Idlib, Hatay", "Ukraine, Russia")
            if a.best.feature_code != "PCLI" and any(
                    b.best is not None and b.best.feature_code == "ADM1"
                    and b.best.country_code != a.best.country_code
                    and "(" in text[a.end : b.start] for b in groups.get(n, ())):
                a.best = None
            continue
        best = a.best
        region = next((o for o in outer if o.feature_code == "ADM1"
                       and o.country_code == best.country_code and o.admin1), None)
        # the chain's towns and districts must lie by it too: "Thar Yar Kone village (Kale
        # township, ..., Sagaing region)" is not the namesake by Mandalay, 300 km from Kale
        lower = [b.best for b in groups.get(n, ()) if b.best is not None
                 and (b.best.feature_code.startswith("PP") or b.best.feature_code == "ADM2")]
        if best.feature_code.startswith("PP") and region is not None and not any(
                haversine_km(best.lat, best.lon, o.lat, o.lon) > _DISTRICT_KM for o in lower
        ) and gaz.near_region(
                best.country_code or "", region.admin1 or "", best.lat, best.lon, _BORDER_KM):
            a.best = replace(best, admin1=region.admin1)
        else:
            a.best = None


def _reread_holder(a: _Mention, holders: list[_Mention] | tuple) -> bool:
    """"Mangodara (Mangodara, Comoe)": when the town's one reading lies in another reading
    of the bracket's region (Burkina Faso's Comoe province, not Ivory Coast's Comoe
    region), the region is read there; the town the text names vouches for it."""
    if len(a.cands) != 1 or not a.best.feature_code.startswith("PP"):
        return False
    for b in holders:
        inside = [c for c in b.cands if c is not b.best and c.feature_code in _HOLDERS
                  and _contains(c, a.best)]
        if inside:
            b.best = inside[0]
            return True
    return False


_CITY_CODES = ("PPLC", "PPLA", "PPLA2")
_CITY_PART_KM = 30.0  # a part or a suburb of a big city lies this close to its point
_CHAIN_END = re.compile(r"(?:\s+(?:city|City))?(?:\s*[(.;:]|\s*$|\s+(?!and\b|or\b)[a-z])")


def _drop_far_from_city(text: str, mentions: list[_Mention]) -> None:
    """Unresolve X in "X, Manila" when no reading of X lies near the city named after it.

    A chain that ends with a big city ("Sampaloc, Manila (Metro Manila)") names a part or a
    suburb of that city; a namesake of the small place far away is not it, and the event
    falls to the city. A list goes on after its names ("Bucha, Irpin and Kyiv"), and a big
    first name is a list's member, not a part."""
    for a, b in zip(mentions, mentions[1:], strict=False):
        x, city = a.best, b.best
        if x is None or city is None or not x.feature_code.startswith("PP"):
            continue
        if city.feature_code not in _CITY_CODES or city.population < 100_000 \
                or x.population * 5 > city.population:
            continue
        if text[a.end : b.start] != ", " or not _CHAIN_END.match(text, b.end):
            continue
        if _namesake_region(b) is not None:
            continue  # "Kramatorsk, Donetsk": the region of the city's name holds it
        if all(haversine_km(c.lat, c.lon, city.lat, city.lon) > _CITY_PART_KM for c in a.cands):
            a.best = None


def _drop_foreign_towns_for_areas(mentions: list[_Mention], home: str) -> None:
    """Unresolve "Bara" in "Kalaiya city (Bara district)" when the only reading is a town
    abroad and the outlet reports from elsewhere: the district the text names is one the
    gazetteer lacks, not a foreign town of the same name."""
    for m in mentions:
        if m.kind in _AREAS and m.best is not None and m.best.feature_code.startswith("PP") \
                and m.best.country_code != home:
            m.best = None


def _namesake_holders(a: _Mention, holders: list[_Mention] | tuple) -> None:
    """"Rabat (Rabat)", "Tripoli city (Tripoli)": the bracket names the district called after
    the town, so it is read where the town is; with no such reading it is left unresolved
    rather than taking the town to a namesake region abroad."""
    for b in holders:
        if b.best is None or key(b.text) != key(a.text) or _contains(b.best, a.best):
            continue
        inside = [c for c in b.cands if c is not a.best and _contains(c, a.best)]
        b.best = inside[0] if inside else None


_IN_TOWN_GAP = re.compile(
    r"(?:\s+(?:district|neighbou?rhood|quarter|area|suburb))?\s+in\s+(?:the\s+)?"
    r"(?:(?:city|town)\s+of\s+)?|\s*\(\s*"
)


def _site_in_town(text: str, a: _Mention, b: _Mention) -> bool:
    """"Hamilton Square in Birkenhead", "Nseh (Bui)": a smaller place named in a bigger town."""
    if a.best is None or b.best is None or not b.best.feature_code.startswith("PP"):
        return False
    return a.best.population < b.best.population and bool(
        _IN_TOWN_GAP.fullmatch(text[a.end : b.start]))


def _nearby(c: Candidate, anchors: list[Candidate]) -> float:
    if not anchors or c.feature_code in ("PCLI", "CONT"):
        return 0.0
    if c.feature_code == "ADM1" and any(_contains(c, a) for a in anchors):
        return _NEARBY  # a region holding the document's towns is as close as it gets
    d = min(haversine_km(c.lat, c.lon, a.lat, a.lon) for a in anchors)
    return _NEARBY if d < 150 else _NEARBY / 2 if d < 400 else 0.0


def _standalone(top: Candidate) -> bool:
    """Without a cue, only a country, region, curated place or big city is taken as a place."""
    if top.feature_code in ("PCLI", "ADM1", "TERR", "RGN", "PSTB", "AIRP", "CONT"):
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


def _cue_before(tail: str) -> bool:
    if not tail[-1:].isspace():
        return False
    words = tail.rsplit(None, 1)
    return bool(words) and words[-1].lower() in _CUE_LAST and bool(_CUE.search(tail))


def _cued(text: str, start: int, end: int) -> bool:
    """A locative cue before the name, a type word after it, or a place's bracket around it."""
    before = text[max(0, start - 80) : start]
    return bool(
        _cue_before(before[-40:])
        or "(" in before and _IN_BRACKET.search(before)
        or _TYPE_AFTER.match(text, end)
        or _SUBPART_AFTER.match(text, end)
        or _BRACKET_AFTER.match(text, end)
    )


def _outlet_names(part: str) -> list[str]:
    """Capitalised runs of up to four words of one outlet's name, longest first ("Trinidad
    and Tobago" before "Tobago")."""
    words = _OUTLET_WORD.findall(part)
    return [name for n in range(min(4, len(words)), 0, -1) for i in range(len(words) - n + 1)
            if (name := " ".join(words[i : i + n]))[0].isupper()]


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


def _namesake_region(holder: _Mention) -> Candidate | None:
    """The first-order region named like the holder ("Kyiv", "Zhytomyr") when the holder was
    read as a town, or as another region of its name ("Kyiv City", the capital's own)."""
    best = holder.best
    if best is None:
        return None
    named = key(holder.text)
    return next((c for c in holder.cands if c.feature_code == "ADM1"
                 and c.country_code == best.country_code and key(c.name) == named
                 and (best.feature_code.startswith("PP") or c.admin1 != best.admin1)), None)


def _settle_namesakes(added: list[_Mention], by_town: list[bool], resolved: list[_Mention]
                      ) -> None:
    """Of villages of one name in the region a name was looked up in ("Kyauk Tan" is dozens
    in Mandalay, "Kani" a town and two villages in Sagaing), the one nearest the document's
    other towns: those resolved before, and the looked-up names that had one reading only.
    A name looked up beside a town (``by_town``) has its readings nearest that town first
    already."""
    def ties(m: _Mention) -> list[Candidate]:
        return [c for c in m.cands if c.score >= m.cands[0].score - 1e-9]

    towns = [m.best for m in resolved if m.best and m.best.feature_code.startswith("PP")]
    towns += [m.best for m in added if m.best and len(ties(m)) == 1]
    for m, beside in zip(added, by_town, strict=True):
        if beside or len(ties(m)) < 2:
            continue
        others = [t for t in towns if t is not m.best]
        if others:
            m.best = min(ties(m), key=lambda c: min(
                haversine_km(c.lat, c.lon, t.lat, t.lon) for t in others))


def _clear_lead(cands: list[Candidate]) -> bool:
    """Whether the top reading leads every reading in another country by a clear margin."""
    top = cands[0]
    rivals = [c.score for c in cands[1:] if c.country_code != top.country_code]
    return not rivals or top.score - max(rivals) >= _CLEAR_LEAD


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
    assert m.best is not None
    return toponym_of(m.best, start=m.start, end=m.end, text=m.text)


def toponym_of(c: Candidate, *, start: int, end: int, text: str) -> Toponym:
    """The Toponym for ``text[start:end]`` read as the place ``c``."""
    return Toponym(
        start=start,
        end=end,
        text=text,
        geonameid=c.geonameid,
        name=c.name,
        lat=c.lat,
        lon=c.lon,
        country_code=c.country_code,
        admin1=c.admin1,
        feature_code=c.feature_code,
    )
