"""The gazetteer: name -> candidate places, from the on-disk index plus curated lexicons.

GeoNames cities, admin1 regions, countries and continents live in the SQLite index built by
``reportedly.geo.build``; the curated places (places.yaml) and the ACLED-style country names,
aliases and demonyms (countries.yaml) are small and read at load time, so editing them needs
no rebuild.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from reportedly import lexicons
from reportedly.geo import build
from reportedly.geo.normalise import article_key, key, skeleton, sound_key, suffix_key
from reportedly.geo.places import curated
from reportedly.geodesy import haversine_km

# Prior weight of a kind of place: a bare name most often means a country, then a big city.
_KIND_WEIGHT = {
    "PCLI": 3.0,
    "CONT": 2.5,
    "TERR": 2.5,
    "RGN": 2.0,
    "PSTB": 2.0,
    "AIRP": 2.0,
    "ADM1": 0.3,
    "ADM2": 0.3,
    "PPLC": 1.0,
    "PPLA3": 0.5,  # a township's town (national gazetteers): likelier than a village namesake
    "PPL": 0.3,
}
_PRIMARY_BONUS = 1.0  # the name is the place's main name, not one of its alternates
_UNKNOWN_REGION_POP = 1_000_000
_VARIANT_PENALTY = 0.7  # matched only once an article or admin suffix was dropped
_FUZZY_MIN_LEN = 5  # shorter names have too many close neighbours
_FUZZY_CUTOFF = 85.0  # rapidfuzz ratio: one letter in ten may differ


@dataclass(frozen=True)
class Candidate:
    """One place a name may refer to, with its prior score (higher is likelier)."""

    geonameid: int | None
    name: str
    lat: float
    lon: float
    country_code: str | None
    admin1: str | None
    feature_code: str
    population: int
    score: float

    @property
    def ident(self) -> tuple:
        """The place itself, whatever name or reading it came by (a national gazetteer's
        village has no geonameid, so its name and point tell it apart)."""
        return (self.geonameid, self.name, self.lat, self.lon)


@dataclass(frozen=True)
class Country:
    """A country under its ACLED-style name, with its coordinates and capital."""

    name: str
    iso2: str
    iso3: str | None
    lat: float
    lon: float
    region: str | None = None
    capital: Candidate | None = None


def ascii_name(name: str) -> str:
    """A display form without diacritics ("Ālbū Kamāl" -> "Albu Kamal")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def prior(feature_code: str, population: int, *, primary: bool, variant: int) -> float:
    """Context-free likelihood of a reading: kind, size, and how well the name matched."""
    pop = population
    if feature_code == "ADM1":  # regions sum their cities; a region with none mapped is unknown
        pop = (population or _UNKNOWN_REGION_POP) / 5
    score = _KIND_WEIGHT.get(feature_code, 0.3) + math.log10(max(pop, 0) + 1) / 2
    if primary:
        score += _PRIMARY_BONUS
    if variant:
        score -= _VARIANT_PENALTY
    return score


class Gazetteer:
    """Read-only access to the index; one instance per process via ``Gazetteer.load()``."""

    FUZZY_CUTOFF = _FUZZY_CUTOFF
    _instance: Gazetteer | None = None
    _lock = threading.Lock()

    def __init__(self, path: str) -> None:
        self._path = path
        self._connect()  # again in a forked child (``load``)
        self._countries = self._read_countries()
        self._curated = self._read_curated()
        self._demonyms, self._country_names = self._read_country_lexicon()
        self._abbreviations = _state_abbreviations()

    def _connect(self) -> None:
        """Open the index. A forked worker (Dask, process pools) opens its own connection:
        SQLite's open files and locks must not be shared across a fork. Cached answers stay
        valid."""
        self._con = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True,
                                    check_same_thread=False)
        self._db_lock = threading.Lock()

    @classmethod
    def load(cls) -> Gazetteer:
        """The process-wide gazetteer, building the on-disk index first if needed."""
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls(str(build.ensure_index()))
                os.register_at_fork(after_in_child=cls._instance._connect)
            return cls._instance

    # --- loading ---------------------------------------------------------------------------

    def _read_countries(self) -> dict[str, Country]:
        rows = self._con.execute(
            "SELECT c.iso2, c.iso3, c.name, c.lat, c.lon, c.region, c.capital_pid FROM countries c"
        ).fetchall()
        lexicon = {c.get("iso2"): c for c in _country_lexicon()}
        out = {}
        for iso2, iso3, name, lat, lon, region, capital_pid in rows:
            entry = lexicon.get(iso2, {})
            capital = self._place(capital_pid) if capital_pid else None
            out[iso2] = Country(
                name=entry.get("name") or name,
                iso2=iso2,
                iso3=iso3,
                lat=lat,
                lon=lon,
                region=entry.get("region") or region,
                capital=capital,
            )
        return out

    def _read_curated(self) -> dict[str, list[tuple[Candidate, bool]]]:
        out: dict[str, list[tuple[Candidate, bool]]] = {}
        for place in curated():
            cand = Candidate(None, place.name, place.lat, place.lon, place.country_code,
                             place.admin1, place.feature_code, 0, 0.0)
            for i, name in enumerate((place.name, *place.aliases)):
                out.setdefault(key(name), []).append((cand, i == 0))
        return out

    def _read_country_lexicon(self) -> tuple[dict[str, str], dict[str, str]]:
        demonyms: dict[str, str] = {}
        names: dict[str, str] = {}
        for c in _country_lexicon():
            iso2 = c.get("iso2")
            if iso2 not in self._countries:
                continue
            for d in c.get("demonyms") or ():
                demonyms.setdefault(key(d), iso2)
            for n in (c.get("name"), *(c.get("aliases") or ())):
                if n:
                    names.setdefault(key(n), iso2)
        return demonyms, names

    # --- queries ---------------------------------------------------------------------------

    def _place(self, pid: int) -> Candidate | None:
        with self._db_lock:
            row = self._con.execute(
                "SELECT geonameid, name, lat, lon, cc, admin1, fcode, population FROM places "
                "WHERE pid = ?", (pid,)).fetchone()
        return Candidate(*row, 0.0) if row else None

    def country(self, name_or_code: str) -> Country | None:
        """A country by ISO2, ISO3, name, alias or demonym ("SY", "SYR", "Syria", "Syrian")."""
        if not isinstance(name_or_code, str) or not name_or_code.strip():
            return None
        text = name_or_code.strip()
        if text.upper() in self._countries and len(text) == 2:
            return self._countries[text.upper()]
        for c in self._countries.values():
            if c.iso3 and c.iso3 == text.upper() and len(text) == 3:
                return c
        k = key(text)
        iso2 = self._country_names.get(k) or self._demonyms.get(k)
        if iso2:
            return self._countries[iso2]
        for cand in self.candidates(text, limit=5):
            if cand.feature_code == "PCLI" and cand.country_code in self._countries:
                return self._countries[cand.country_code]
        return None

    def country_named(self, text: str) -> str | None:
        """ISO2 of the country a name or alias names ("Ukraine", "DRC"), without the place
        lookups ``country`` falls back on; None otherwise."""
        return self._country_names.get(key(text or "")) if text else None

    def abbreviations(self) -> tuple[str, ...]:
        """State abbreviations the gazetteer knows ("Ky.", "B.C."), longest first."""
        return tuple(sorted(self._abbreviations, key=lambda a: (-len(a), a)))

    def state_by_abbreviation(self, abbreviation: str) -> Candidate | None:
        """The first-order region an AP-style abbreviation names ("Ky." -> Kentucky), or None."""
        found = self._abbreviations.get((abbreviation or "").strip())
        if found is None:
            return None
        cc, name = found
        regions = [c for c in self.candidates(name, country_code=cc, limit=25)
                   if c.feature_code == "ADM1"]
        return regions[0] if regions else None

    def countries(self) -> list[Country]:
        return list(self._countries.values())

    def demonym(self, word: str) -> str | None:
        """ISO2 of the country a demonym names ("Syrian" -> "SY"), or None."""
        return self._demonyms.get(key(word or "")) if word else None

    def candidates(
        self, name: str, *, country_code: str | None = None, limit: int = 10
    ) -> list[Candidate]:
        """Places a name may refer to, best prior first; ``country_code`` keeps one country."""
        if not isinstance(name, str) or not key(name):
            return []
        found = self._lookup(name.strip())
        if country_code:
            found = [c for c in found if c.country_code == country_code.upper()]
        found.sort(key=lambda c: (-c.score, -c.population))
        return found[: max(limit, 0)]

    def _lookup(self, name: str) -> list[Candidate]:
        best: dict[tuple, Candidate] = {}
        for cand in self._raw(name):
            ident = (cand.geonameid, cand.name, cand.feature_code, cand.lat, cand.lon)
            if ident not in best or cand.score > best[ident].score:
                best[ident] = cand
        return _seat_bonus(list(best.values()))

    def _raw(self, name: str) -> list[Candidate]:
        full, art, suf = key(name), article_key(name), suffix_key(name)
        out = list(self._cached_rows(full, art, suf))
        for k, variant in ((full, 0), (art, 1), (suf, 2)):
            for cand, primary in self._curated.get(k or "", ()):
                score = prior(cand.feature_code, 0, primary=primary, variant=variant) + 2.0
                out.append(replace(cand, score=score))
        iso2 = self._country_names.get(full)
        if iso2:  # an ACLED-style name or alias of a country ("DRC", "U.S.")
            c = self._countries[iso2]
            out.append(Candidate(None, c.name, c.lat, c.lon, iso2, None, "PCLI", 0,
                                 prior("PCLI", 10**7, primary=True, variant=0)))
        return out

    @lru_cache(maxsize=20000)  # noqa: B019 - one gazetteer per process, the cache lives with it
    def _cached_rows(self, full: str, art: str | None, suf: str | None) -> tuple[Candidate, ...]:
        query = (
            "SELECT p.geonameid, p.name, p.lat, p.lon, p.cc, p.admin1, p.fcode, p.population, "
            "n.is_primary, n.variant, n.key FROM names n JOIN places p USING (pid) "
            "WHERE n.key IN (?, ?, ?) AND p.kind != 'village'"
        )
        with self._db_lock:
            rows = self._con.execute(query, (full, art or full, suf or full)).fetchall()
        out = []
        for *fields, is_primary, variant, k in rows:
            fcode = fields[6]
            if k == suf and k != full and fcode != "ADM1":
                continue  # "Donetsk Oblast" names the region, not the city
            via = 0 if k == full else 1
            score = prior(fcode, fields[7], primary=bool(is_primary), variant=variant or via)
            out.append(Candidate(*fields, score))
        return tuple(out)

    def fuzzy(
        self,
        name: str,
        *,
        country_code: str,
        admin1: str,
        limit: int = 3,
        near: tuple[float, float] | None = None,
        within_km: float = 60.0,
        cutoff: float = _FUZZY_CUTOFF,
    ) -> list[Candidate]:
        """Places of one admin1 region whose names are close spellings of ``name``.

        For villages news copy spells differently from GeoNames ("Buuloburde" / "Buulobarde")
        once the enclosing region is known; outside a region fuzzy matching finds junk.
        Another romanisation of the same name counts as a close spelling when both reduce to
        the same consonant skeleton ("Ein Issa" / "‘Ayn ‘Īsá", "Tal Tamer" / "Tall Tamr"): the
        sound forms are then scored instead of the letters. Junk stays out: "Saturday" is not
        Lusaka, "Kibumba" not Kirumba (another consonant), "Sharan" not Şūrān (other vowels).
        ``near`` keeps only places within ``within_km`` of the enclosing town: a region is too
        large to vouch for a one-letter neighbour ("Kibumba" is not Kirumba, 150 km away).
        """
        k = key(name or "")
        if len(k) < 2 or not country_code or not admin1:
            return []
        cc = country_code.upper()
        if len(k) < _FUZZY_MIN_LEN:  # "Pale town", "Kani township": the very name, or none
            close = [(k, 100.0)]
        else:
            close = self._close_names(name, k, cc, admin1, cutoff, limit)
        names = self._rows_named(cc, admin1, tuple(m for m, _ in close))
        best: dict[tuple, Candidate] = {}
        for match, score in close:
            for cand in map(_region_candidate, names.get(match, ())):
                if near and haversine_km(near[0], near[1], cand.lat, cand.lon) > within_km:
                    continue  # a close spelling far from the holding town is another place
                cand = replace(cand, score=cand.score + (score - 100) / 10)
                # a place matched under several of its names is one reading, at its best
                if cand.ident not in best or cand.score > best[cand.ident].score:
                    best[cand.ident] = cand
        if near:  # of namesakes alike, the one nearest the holding town
            out = sorted(best.values(), key=lambda c: (
                -c.score, haversine_km(near[0], near[1], c.lat, c.lon)))
        else:
            out = sorted(best.values(), key=lambda c: (-c.score, -c.population))
        return out[:limit]

    # --- fuzzy helpers: spelling and romanisation distance (used by ``fuzzy`` only) -------

    def _close_names(
        self, name: str, k: str, cc: str, admin1: str, cutoff: float, limit: int
    ) -> list[tuple[str, float]]:
        """Region name keys within ``cutoff`` of ``name``, by letters or by sound, best first."""
        from rapidfuzz import fuzz, process

        best: dict[str, float] = {}
        for match, score, _ in process.extract(
                k, self._region_keys(cc, admin1), scorer=fuzz.ratio, score_cutoff=cutoff,
                limit=limit):
            best[match] = score
        sound = sound_key(name)
        # only a name with the very same consonants may be another romanisation of it
        for other, match in self._sounds(skeleton(name), cc, admin1):
            score = fuzz.ratio(sound, other)
            if score >= cutoff and score > best.get(match, -1.0):
                best[match] = score
        return sorted(best.items(), key=lambda ms: -ms[1])

    @lru_cache(maxsize=8192)  # noqa: B019 - one gazetteer per process, the cache lives with it
    def _sounds(self, skel: str, cc: str, admin1: str) -> list[tuple[str, str]]:
        """(sound form, name key) of the region's town names with this consonant skeleton,
        read from the index (built once, from the written names)."""
        if not skel:
            return []
        query = (
            "SELECT DISTINCT s.sound, s.key FROM sounds s JOIN places p USING (pid) "
            "WHERE s.skel = ? AND p.cc = ? AND p.admin1 = ? AND p.kind IN ('city', 'village')"
        )
        with self._db_lock:
            return self._con.execute(query, (skel, cc, admin1)).fetchall()

    def near_region(self, country_code: str, admin1: str, lat: float, lon: float,
                    within_km: float) -> bool:
        """Whether a GeoNames town of the region lies within ``within_km`` of the point: a
        town filed under the neighbouring region that close may lie in this one (GeoNames'
        admin codes follow borders only roughly)."""
        if not country_code or not admin1:
            return False
        return any(haversine_km(lat, lon, row[2], row[3]) <= within_km
                   for rows in self._region_rows(country_code.upper(), admin1).values()
                   for row in rows)

    def region_seat(self, country_code: str, admin1: str) -> Candidate | None:
        """The town a region-level event is coded to: ACLED's provincial capital.

        Without capital flags in the data, the town named like the region ("Odesa" for the
        Odesa region) stands for it, else the region's most populous town.
        """
        if not country_code or not admin1:
            return None
        return self._seat(country_code.upper(), admin1)

    @lru_cache(maxsize=1024)  # noqa: B019 - one gazetteer per process, the cache lives with it
    def _seat(self, cc: str, admin1: str) -> Candidate | None:
        towns = [row for rows in self._region_rows(cc, admin1).values() for row in rows]
        if not towns:
            return None
        region = key(admin1)
        named = [row for row in towns if key(row[1]) == region]
        return _region_candidate(max(named or towns, key=lambda row: row[7]))

    _TOWN_NAMES = build.TOWN_NAMES_SQL  # (the one the stored region name lists were read by)

    @lru_cache(maxsize=256)  # noqa: B019 - one gazetteer per process, the cache lives with it
    def _region_keys(self, cc: str, admin1: str) -> tuple[str, ...]:
        """The name keys of a region's towns: all that fuzzy matching by letters reads."""
        with self._db_lock:
            row = self._con.execute("SELECT keys FROM region_keys WHERE cc = ? AND admin1 = ?",
                                    (cc, admin1)).fetchone()
        return tuple(row[0].split(build.KEY_SEPARATOR)) if row and row[0] else ()

    _TOWN_COLUMNS = ("SELECT p.geonameid, p.name, p.lat, p.lon, p.cc, p.admin1, p.fcode, "
                     "p.population, n.is_primary, n.key ")

    @lru_cache(maxsize=4096)  # noqa: B019 - one gazetteer per process, the cache lives with it
    def _rows_named(self, cc: str, admin1: str, wanted: tuple[str, ...]
                    ) -> dict[str, tuple[tuple[Any, ...], ...]]:
        """``_region_rows`` for just the ``wanted`` keys (the few a fuzzy lookup matched)."""
        if not wanted:
            return {}
        return self._town_rows(f" AND n.key IN ({','.join('?' * len(wanted))})",
                               (cc, admin1, *wanted))

    @lru_cache(maxsize=256)  # noqa: B019 - one gazetteer per process, the cache lives with it
    def _region_rows(self, cc: str, admin1: str) -> dict[str, tuple[tuple[Any, ...], ...]]:
        """Raw rows of all a region's GeoNames towns by name key, in index order (region
        seats: a national gazetteer's villages, of no known size, seat no region)."""
        return self._town_rows(" AND p.kind = 'city'", (cc, admin1))

    def _town_rows(self, extra: str, params: tuple) -> dict[str, tuple[tuple[Any, ...], ...]]:
        with self._db_lock:
            rows = self._con.execute(self._TOWN_COLUMNS + self._TOWN_NAMES + extra,
                                     params).fetchall()
        out: dict[str, list[tuple[Any, ...]]] = {}
        for row in rows:
            out.setdefault(row[9], []).append(row)
        return {k: tuple(v) for k, v in out.items()}

    def place_of(self, geonameid: int) -> Candidate | None:
        with self._db_lock:
            row = self._con.execute("SELECT pid FROM places WHERE geonameid = ?",
                                    (geonameid,)).fetchone()
        return self._place(row[0]) if row else None


def _region_candidate(row: tuple[Any, ...]) -> Candidate:
    """A candidate from one ``_region_rows`` row (its last two columns: is_primary, key)."""
    *fields, is_primary, _ = row
    return Candidate(*fields, prior(fields[6], fields[7], primary=bool(is_primary), variant=0))


_SEAT_KM = 150.0  # a town this close to the region named like it is that region's seat
_SEAT_BONUS = 0.5


def _seat_bonus(cands: list[Candidate]) -> list[Candidate]:
    """A town named like a region or province around it (Cadiz and the province of Cadiz) is
    that area's seat, more often meant than a namesake of its size elsewhere. GeoNames' seat
    codes (PPLA, PPLA2) are not in the packaged data; the namesake area stands in for them."""
    areas = [c for c in cands if c.feature_code in ("ADM1", "ADM2")]
    if not areas:
        return cands
    out = []
    for c in cands:
        if c.feature_code.startswith("PP") and any(
                a.country_code == c.country_code
                and haversine_km(a.lat, a.lon, c.lat, c.lon) < _SEAT_KM for a in areas):
            c = replace(c, score=c.score + _SEAT_BONUS)
        out.append(c)
    return out


def _state_abbreviations() -> dict[str, tuple[str, str]]:
    """"Ky." -> ("US", "Kentucky"), from places.yaml state_abbreviations; {} if absent."""
    try:
        section = (lexicons.load("places") or {}).get("state_abbreviations") or {}
    except (FileNotFoundError, OSError):
        return {}
    out = {}
    for cc, table in section.items():
        if isinstance(table, dict) and isinstance(cc, str) and len(cc) == 2:
            for abbr, name in table.items():
                if isinstance(abbr, str) and isinstance(name, str) and abbr.endswith("."):
                    out[abbr] = (cc, name)
    return out


def _country_lexicon() -> list[dict[str, Any]]:
    """Entries of countries.yaml (written by the countries lexicon), or [] if absent."""
    try:
        data = lexicons.load("countries") or {}
    except (FileNotFoundError, OSError):
        return []
    return [c for c in data.get("countries", []) if isinstance(c, dict)]
