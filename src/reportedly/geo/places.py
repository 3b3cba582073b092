"""The curated places lexicon (lexicons/places.yaml): validation and EntityRuler patterns."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from reportedly import lexicons
from reportedly.errors import E, ReportedlyError

# kind -> the GeoNames-style feature code the gazetteer reports for it.
KINDS = {"region": "RGN", "territory": "TERR", "crossing": "PSTB", "airport": "AIRP"}


@dataclass(frozen=True)
class Place:
    """One curated place."""

    name: str
    aliases: tuple[str, ...]
    lat: float
    lon: float
    country_code: str | None
    admin1: str | None
    kind: str
    rule: str

    @property
    def feature_code(self) -> str:
        return KINDS[self.kind]


def _number(entry: dict, field: str, low: float, high: float) -> float:
    value = entry.get(field)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReportedlyError(E.E100, entry=entry.get("name"), reason=f"{field} is not a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise ReportedlyError(
            E.E100, entry=entry.get("name"), reason=f"{field} {value} is outside [{low}, {high}]"
        )
    return float(value)


def validate_place(entry: Any) -> Place:
    """One places.yaml entry as a Place; raises ReportedlyError E100 if it is malformed."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ReportedlyError(E.E100, entry=entry, reason="an entry needs a name")
    name = entry["name"].strip()
    if not name:
        raise ReportedlyError(E.E100, entry=entry, reason="the name is empty")
    if entry.get("kind") not in KINDS:
        raise ReportedlyError(E.E100, entry=name, reason=f"kind must be one of {sorted(KINDS)}")
    if not entry.get("rule"):
        raise ReportedlyError(E.E100, entry=name, reason="every entry names its rule")
    cc = entry.get("country_code")
    if cc is not None and not (isinstance(cc, str) and len(cc) == 2 and cc.isupper()):
        raise ReportedlyError(E.E100, entry=name, reason="country_code must be ISO alpha-2")
    return Place(
        name=name,
        aliases=tuple(str(a) for a in entry.get("aliases") or ()),
        lat=_number(entry, "lat", -90.0, 90.0),
        lon=_number(entry, "lon", -180.0, 180.0),
        country_code=cc,
        admin1=entry.get("admin1"),
        kind=entry["kind"],
        rule=str(entry["rule"]),
    )


def validate_places(data: Any) -> list[Place]:
    """All entries of a places lexicon, validated."""
    if not isinstance(data, dict) or not isinstance(data.get("places"), list):
        raise ReportedlyError(E.E100, entry="(file)", reason="needs a top-level places: list")
    return [validate_place(e) for e in data["places"]]


@cache
def curated() -> tuple[Place, ...]:
    return tuple(validate_places(lexicons.load("places")))


@cache
def place_nouns() -> frozenset[str]:
    """Head nouns that make a demonym denote a place ("the Syrian capital")."""
    words = (lexicons.load("places").get("place_nouns") or {}).get("words") or ()
    return frozenset(w.lower() for w in words)


@cache
def name_prefixes() -> frozenset[str]:
    """Honorific first words a place's gazetteer name may lack ("Hazrati Imam Sahib")."""
    words = (lexicons.load("places").get("name_prefixes") or {}).get("words") or ()
    return frozenset(w.lower() for w in words)


def without_prefix(name: str) -> str | None:
    """``name`` without its honorific first word, or None when it has none."""
    first, _, rest = name.partition(" ")
    if first.lower() not in name_prefixes():
        return None
    return rest.strip() or None


def _variants(name: str) -> set[str]:
    """Surface forms an EntityRuler should match: as written, and with the first letter cased."""
    out = {name, name[0].upper() + name[1:], name[0].lower() + name[1:]}
    if name.lower().startswith("the "):
        rest = name[4:]
        out |= {rest, rest[0].upper() + rest[1:]}
    return out


def ruler_patterns() -> list[dict[str, Any]]:
    """EntityRuler patterns for the curated names only (GeoNames is matched by the parser)."""
    patterns = []
    for place in curated():
        label = "LOC" if place.kind in ("region", "crossing", "airport") else "GPE"
        for name in (place.name, *place.aliases):
            for form in sorted(_variants(name)):
                patterns.append({"label": label, "pattern": form, "id": f"place:{place.name}"})
    return patterns
