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

from spacy.tokens import Doc, Span

from reportedly.geo.gazetteer import Candidate, Gazetteer, haversine_km
from reportedly.geo.normalise import key
from reportedly.geo.places import place_nouns
from reportedly.records import Toponym

_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_NUMERIC = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}
_BIG_CITY = 1_000_000  # a bare name this big is a place even when spaCy says otherwise
# A word before a name that makes it a place: "in X", "near X", "the town of X".
_CUE = re.compile(
    r"(?:\b(?:in|near|outside|between|outskirts of|province of|town of)\s+(?:the\s+)?"
    r"|\b(?:city|town|village|district|province|governorate|region|enclave|suburb|outskirts|"
    r"neighbou?rhood|area|camp|state|county|capital)\s+of\s+"
    r"|\b(?:km|kms|kilomet(?:er|re)s?|miles?)\s+(?:[a-z-]+\s+)?(?:of|from)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_COUNTRY_CONTEXT = 2.5  # bonus for a reading in a country the document is about
_CONTAINED = 4.0  # bonus for a reading inside the place named next to it ("X, Y")
_NEARBY = 1.2  # bonus for a reading close to other places of the document


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    cands: list[Candidate]
    cued: bool = False
    bonus: dict[int, float] = field(default_factory=dict)
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

    def toponyms(self, doc: Doc, *, outlet_country: str | None = None) -> list[Toponym]:
        """Resolved place names of ``doc``, in text order."""
        mentions = self._mentions(doc)
        if not mentions:
            return []
        context = self._country_context(doc, mentions, outlet_country)
        self._containment(doc.text, mentions)
        self._resolve(mentions, context)
        return [_toponym(m) for m in mentions if m.best is not None]

    # --- recognition -------------------------------------------------------------------------

    def _mentions(self, doc: Doc) -> list[_Mention]:
        out: dict[int, _Mention] = {}
        doubtful: list[tuple[Span, bool]] = []
        for ent in doc.ents:
            m = None
            if ent.label_ in _PLACE_LABELS:
                m = self._mention(doc, ent, strict=False, standalone=True)
            elif ent.label_ == "NORP" and self.gaz.demonym(ent.text):
                m = self._demonym_place(ent)
            elif ent.label_ not in _NUMERIC:
                doubtful.append((ent, ent.label_ != "PERSON"))
            if m is not None:
                out[m.start] = m
        doubtful += [(span, True) for span in _uncovered_names(doc)]
        # One sense per discourse: a name taken as a place once is a place throughout.
        known = {key(m.text) for m in out.values()}
        for span, standalone in doubtful:
            m = self._mention(doc, span, strict=True, standalone=standalone, known=known)
            if m is not None and m.start not in out:
                out[m.start] = m
        return sorted(out.values(), key=lambda m: m.start)

    def _mention(
        self,
        doc: Doc,
        span: Span,
        *,
        strict: bool,
        standalone: bool,
        known: set[str] | None = None,
    ) -> _Mention | None:
        """A place mention for ``span``; when ``strict``, only with a cue or a clear reading."""
        text = _POSSESSIVE.sub("", _LEADING_THE.sub("", span.text)).strip()
        if not text or not key(text) or not text[0].isupper() and strict:
            return None
        start = span.start_char + span.text.find(text)
        cued = bool(_CUE.search(doc.text[max(0, start - 40) : start]))
        cands = self.gaz.candidates(text, limit=25)
        if not cands:
            return None
        if strict and not cued and key(text) not in (known or ()):
            if not (standalone and _standalone(cands[0])):
                return None
        return _Mention(start, start + len(text), text, cands, cued)

    def _demonym_place(self, ent: Span) -> _Mention | None:
        """A demonym names its country only before a place noun ("the Iraqi border")."""
        iso2 = self.gaz.demonym(ent.text)
        nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
        if iso2 is None or nxt is None or nxt.lower_ not in place_nouns():
            return None
        country = self.gaz.country(iso2)
        if country is None:
            return None
        cand = Candidate(None, country.name, country.lat, country.lon, iso2, None, "PCLI", 0, 9.0)
        return _Mention(ent.start_char, ent.end_char, ent.text, [cand])

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
                weights[iso2] += 0.3  # "Iraqi militias" hints at Iraq without naming a place
        if outlet_country and (c := self.gaz.country(outlet_country)):
            weights[c.iso2] += 0.5
        top = max(weights.values(), default=0.0)
        return {cc: w / top for cc, w in weights.items()} if top else {}

    def _containment(self, text: str, mentions: list[_Mention]) -> None:
        """Reward readings of X inside the place named right after it: "X, Y", "X (Y", "X in Y"."""
        for a, b in zip(mentions, mentions[1:], strict=False):
            gap = text[a.end : b.start]
            if not re.fullmatch(r"\s*(?:,|\(|,?\s+in)\s*(?:the\s+)?", gap, re.IGNORECASE):
                continue
            for i, ca in enumerate(a.cands):
                for j, cb in enumerate(b.cands):
                    if _contains(cb, ca):
                        a.bonus[i] = max(a.bonus.get(i, 0.0), _CONTAINED)
                        b.bonus[j] = max(b.bonus.get(j, 0.0), _CONTAINED / 2)

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
        return c.score + bonus + m.bonus.get(i, 0.0)


def _contains(outer: Candidate, inner: Candidate) -> bool:
    if outer is inner or inner.country_code is None or outer.country_code != inner.country_code:
        return False
    if outer.feature_code == "PCLI":
        return True
    if outer.feature_code in ("ADM1", "TERR", "RGN"):
        return bool(inner.admin1) and key(inner.admin1 or "") == key(outer.admin1 or outer.name)
    return False


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


def _uncovered_names(doc: Doc) -> list[Span]:
    """Runs of proper nouns outside any entity (spaCy missed them)."""
    covered = {t.i for ent in doc.ents for t in ent}
    out, run = [], []
    for t in doc:
        if t.i not in covered and t.pos_ == "PROPN" and t.text[:1].isupper():
            run.append(t.i)
            continue
        if run:
            out.append(doc[run[0] : run[-1] + 1])
        run = []
    if run:
        out.append(doc[run[0] : run[-1] + 1])
    return out


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
