"""Check one extraction against a hand-written gold file (the sample reports, the seed).

A gold file (``<name>.gold.json`` beside ``<name>.txt``) says what a careful human coder takes
from one report: ``document`` (path, published, outlet), ``events`` (each a partial event: only
the keys present are checked) and optional ``must_not_checks``, machine-checkable things an
output must not do. Every gold is also checked for extra events: an output may not hold more
events of a role than the gold lists, unless the gold says ``"allow_extra_events": true``.

Event keys understood (everything else in an event is a gold-file error, so typos surface):
``role``, ``event_type``, ``sub_event_type``, ``disorder_type``, ``civilian_targeting``,
``inter1``, ``inter2``, ``interaction``, ``grade``, ``time_precision`` (equality);
``grade_any_of``; ``plover`` (the keys given); ``event_date``, ``event_date_any_of``,
``event_month``; ``location`` (``country``, ``admin1_any_of``, ``name_matches``,
``within_km_of {lat, lon, km}``, ``geo_precision``); ``<actor>_any_of`` / ``<actor>_matches``
for actor1, actor2, assoc_actor_1, assoc_actor_2 (``null`` in an ``_any_of`` list means
"no actor"); ``actors_include`` (regexes that must each match a different one of actor1 and
actor2, for event types where ACLED gives actor order no meaning); ``fatalities`` (the keys
given, ``null`` included); ``claims_required``; ``sources_include``. Descriptive keys
(``about``, ``note``, ``coded``, ``why``) are not checked.

``must_not_checks`` kinds: ``max_events`` {role?, n}; ``no_event_with_evidence_matching``
{pattern, role?, fields?}; ``field_not`` {field | fields, values, role?};
``field_not_matching`` / ``actor1_not_matching`` {pattern, field?, role?}; ``no_claim``
{field?, value_matches?, source_matches?, stance_any_of?, role?}.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import E, ReportedlyError
from ..geodesy import haversine_km

GOLD_SUFFIX = ".gold.json"
MUST_NOT_SUFFIX = ".must_not.json"
ACTOR_SLOTS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
EQUAL_KEYS = (
    "role",
    "event_type",
    "sub_event_type",
    "disorder_type",
    "civilian_targeting",
    "inter1",
    "inter2",
    "interaction",
    "grade",
    "time_precision",
)
DESCRIPTIVE_KEYS = frozenset({"about", "note", "notes", "coded", "why", "comment"})
LOCATION_KEYS = frozenset(
    {"country", "admin1_any_of", "name_matches", "within_km_of", "geo_precision", *DESCRIPTIVE_KEYS}
)
# Place-name words that differ between gazetteers without changing the place.
_ADMIN_WORDS = re.compile(
    r"\b(region|province|state|oblast|governorate|county|department|district|area|"
    r"municipality|prefecture|city|of|the)\b"
)
_CELL_WIDTH = 60


# ---------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class GoldItem:
    """One checked item: its name (``events[0].event_date``), outcome, and both values."""

    name: str
    passed: bool
    expected: Any
    got: Any

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "expected": self.expected,
            "got": self.got,
        }


@dataclass(frozen=True)
class GoldReport:
    """Every item checked for one document, and which predicted event each gold event met."""

    items: tuple[GoldItem, ...]
    matches: tuple[tuple[int, int | None], ...] = ()

    @property
    def passed(self) -> bool:
        return all(item.passed for item in self.items)

    @property
    def failures(self) -> tuple[GoldItem, ...]:
        return tuple(item for item in self.items if not item.passed)

    def table(self, *, failures_only: bool = False) -> str:
        """A plain-text table: ok/FAIL, item, expected, got (long values cut)."""
        rows = self.failures if failures_only else self.items
        cells = [("", "item", "expected", "got")]
        cells += [
            ("ok" if r.passed else "FAIL", r.name, _short(r.expected), _short(r.got)) for r in rows
        ]
        widths = [max(len(row[i]) for row in cells) for i in range(4)]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in cells
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "items": [i.to_dict() for i in self.items],
            "matches": [list(m) for m in self.matches],
        }


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _CELL_WIDTH else text[: _CELL_WIDTH - 1] + "…"


# ---------------------------------------------------------------------------------------------
# validation


def validate_gold(gold: Any, *, path: str = "<gold>") -> None:
    """Raise E011 when ``gold`` is not a gold this checker understands (typo, bad regex)."""
    problem = _gold_problem(gold)
    if problem:
        raise ReportedlyError(E.E011, path=path, reason=problem)


def _gold_problem(gold: Any) -> str | None:
    if not isinstance(gold, dict):
        return "the top level must be a JSON object"
    events = gold.get("events", [])
    if not isinstance(events, list):
        return '"events" must be a list'
    for i, spec in enumerate(events):
        problem = _event_problem(spec) if isinstance(spec, dict) else "not an object"
        if problem:
            return f"events[{i}]: {problem}"
    checks = gold.get("must_not_checks", [])
    if not isinstance(checks, list):
        return '"must_not_checks" must be a list'
    for i, check in enumerate(checks):
        problem = _check_problem(check)
        if problem:
            return f"must_not_checks[{i}]: {problem}"
    return None


def _event_problem(spec: dict[str, Any]) -> str | None:
    for key in spec:
        if key not in _EVENT_CHECKS and key not in DESCRIPTIVE_KEYS:
            return f"unknown key {key!r}"
    location = spec.get("location", {})
    if not isinstance(location, dict):
        return '"location" must be an object'
    unknown = set(location) - LOCATION_KEYS
    if unknown:
        return f"unknown location key {sorted(unknown)[0]!r}"
    within = location.get("within_km_of", {"lat": 0, "lon": 0})
    if not isinstance(within, dict) or not all(
        isinstance(within.get(k), int | float) for k in ("lat", "lon")
    ):
        return '"within_km_of" needs numeric "lat" and "lon"'
    return _regex_problem(_spec_patterns(spec))


def _spec_patterns(spec: dict[str, Any]) -> list[Any]:
    patterns = [spec[f"{slot}_matches"] for slot in ACTOR_SLOTS if f"{slot}_matches" in spec]
    patterns += list(spec.get("actors_include", []))
    patterns += list(spec.get("sources_include", []))
    patterns += [
        v for c in spec.get("claims_required", []) for k, v in c.items() if k.endswith("_matches")
    ]
    if "name_matches" in spec.get("location", {}):
        patterns.append(spec["location"]["name_matches"])
    return patterns


def _regex_problem(patterns: Iterable[Any]) -> str | None:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            return f"bad regular expression {pattern!r} ({exc})"
    return None


def _check_problem(check: Any) -> str | None:
    if not isinstance(check, dict) or check.get("kind") not in _MUST_NOT:
        kinds = ", ".join(sorted(_MUST_NOT))
        return f"each check needs a known 'kind' ({kinds})"
    return _regex_problem(
        v for k, v in check.items() if k in ("pattern", "value_matches", "source_matches")
    )


# ---------------------------------------------------------------------------------------------
# the check


def check_gold(extraction: Any, gold: dict[str, Any]) -> GoldReport:
    """Check an extraction (contract dict or ``records.Extraction``) against one gold."""
    validate_gold(
        gold,
        path=str(gold.get("document", {}).get("path", "<gold>"))
        if isinstance(gold, dict)
        else "<gold>",
    )
    extraction = _as_dict(extraction)
    predicted = _events_of(extraction)
    specs = gold.get("events", [])
    matches = match_events(specs, predicted)
    items: list[GoldItem] = []
    error = extraction.get("error")
    if error:
        items.append(GoldItem("extraction.error", False, None, error))
    for gi, pi in matches:
        items += _check_matched(
            f"events[{gi}]", specs[gi], predicted[pi] if pi is not None else None
        )
    if not gold.get("allow_extra_events", False):
        items += _check_extra_events(specs, predicted)
    for k, check in enumerate(gold.get("must_not_checks", [])):
        items.append(_MUST_NOT[check["kind"]](f"must_not[{k}].{check['kind']}", check, predicted))
    return GoldReport(tuple(items), tuple(matches))


def _as_dict(extraction: Any) -> dict[str, Any]:
    if hasattr(extraction, "to_dict") and not isinstance(extraction, dict):
        extraction = extraction.to_dict()
    return extraction if isinstance(extraction, dict) else {}


def _events_of(extraction: dict[str, Any]) -> list[dict[str, Any]]:
    events = extraction.get("events")
    return [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []


def match_events(
    specs: Sequence[dict[str, Any]], predicted: Sequence[dict[str, Any]]
) -> list[tuple[int, int | None]]:
    """Pair each gold event with at most one predicted event, best agreement first."""
    scored = sorted(
        (
            (-_agreement(s, p), gi, pi)
            for gi, s in enumerate(specs)
            for pi, p in enumerate(predicted)
        ),
    )
    taken_gold: dict[int, int] = {}
    taken_pred: set[int] = set()
    for _, gi, pi in scored:
        if gi not in taken_gold and pi not in taken_pred:
            taken_gold[gi] = pi
            taken_pred.add(pi)
    return [(gi, taken_gold.get(gi)) for gi in range(len(specs))]


def _agreement(spec: dict[str, Any], event: dict[str, Any]) -> int:
    # Role outweighs everything else, then type, sub-type and date: the brief's matching order.
    score = 8 * (event.get("role") == spec.get("role"))
    score += 4 * (event.get("event_type") == spec.get("event_type"))
    score += 2 * (event.get("sub_event_type") == spec.get("sub_event_type"))
    return score + _date_ok(spec, event.get("event_date"))


def _date_ok(spec: dict[str, Any], got: Any) -> bool:
    if "event_date" in spec:
        return got == spec["event_date"]
    if "event_date_any_of" in spec:
        return got in spec["event_date_any_of"]
    if "event_month" in spec:
        return isinstance(got, str) and got.startswith(spec["event_month"])
    return False


def _check_matched(
    prefix: str, spec: dict[str, Any], event: dict[str, Any] | None
) -> list[GoldItem]:
    if event is None:
        wanted = {k: spec.get(k) for k in ("role", "event_type", "sub_event_type")}
        return [GoldItem(f"{prefix}.found", False, wanted, None)]
    items = [GoldItem(f"{prefix}.found", True, spec.get("event_type"), event.get("event_type"))]
    for key, value in spec.items():
        if key in _EVENT_CHECKS:
            items += _EVENT_CHECKS[key](f"{prefix}.{key}", value, event)
    return items


def _role(event: dict[str, Any]) -> str | None:
    role = event.get("role")
    return role if isinstance(role, str) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _check_extra_events(
    specs: Sequence[dict[str, Any]], predicted: Sequence[dict[str, Any]]
) -> list[GoldItem]:
    wanted = Counter(_role(s) for s in specs)
    got = Counter(_role(e) for e in predicted)
    roles = sorted({*wanted, *got}, key=str) or ["any"]
    return [
        GoldItem(f"extra_events.{role}", got[role] <= wanted[role], f"<= {wanted[role]}", got[role])
        for role in roles
    ]


# ---------------------------------------------------------------------------------------------
# event items


Checker = Callable[[str, Any, dict[str, Any]], list[GoldItem]]


def _equal(key: str) -> Checker:
    def check(name: str, expected: Any, event: dict[str, Any]) -> list[GoldItem]:
        got = event.get(key)
        return [GoldItem(name, _same(got, expected), expected, got)]

    return check


def _same(got: Any, expected: Any) -> bool:
    if isinstance(expected, str) and isinstance(got, str):
        return got.strip().casefold() == expected.strip().casefold()
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        number = _number(got)
        return number is not None and number == expected
    return got == expected


def _number(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _check_grade_any_of(name: str, expected: Any, event: dict[str, Any]) -> list[GoldItem]:
    got = event.get("grade")
    return [GoldItem(name, got in expected, expected, got)]


def _check_plover(name: str, expected: dict[str, Any], event: dict[str, Any]) -> list[GoldItem]:
    got = event.get("plover") if isinstance(event.get("plover"), dict) else {}
    return [
        GoldItem(f"{name}.{k}", _same(got.get(k), v), v, got.get(k)) for k, v in expected.items()
    ]


def _date_check(key: str) -> Checker:
    """``event_date`` (exact), ``event_date_any_of`` (one of) or ``event_month`` (YYYY-MM)."""

    def check(name: str, expected: Any, event: dict[str, Any]) -> list[GoldItem]:
        got = event.get("event_date")
        return [GoldItem(name, _date_ok({key: expected}, got), expected, got)]

    return check


def _check_location(name: str, spec: dict[str, Any], event: dict[str, Any]) -> list[GoldItem]:
    loc = event.get("location") if isinstance(event.get("location"), dict) else {}
    items = []
    for key, expected in spec.items():
        if key in _LOCATION_CHECKS:
            items.append(_LOCATION_CHECKS[key](f"{name}.{key}", expected, loc))
    return items


def _norm_place(name: Any) -> str:
    """Accent-, case- and suffix-free form: "Nord-Kivu Province" and "nord kivu" agree."""
    if not isinstance(name, str):
        return ""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[’'`ʼ]", "", text)
    text = _ADMIN_WORDS.sub(" ", re.sub(r"[^a-z0-9]+", " ", text))
    return " ".join(text.split())


def _loc_country(name: str, expected: str, loc: dict[str, Any]) -> GoldItem:
    got = loc.get("country")
    return GoldItem(name, _norm_place(got) == _norm_place(expected) != "", expected, got)


def _loc_admin1(name: str, expected: list[str], loc: dict[str, Any]) -> GoldItem:
    got = loc.get("admin1")
    ok = _norm_place(got) != "" and _norm_place(got) in {_norm_place(a) for a in expected}
    return GoldItem(name, ok, expected, got)


def _loc_name(name: str, expected: str, loc: dict[str, Any]) -> GoldItem:
    got = loc.get("name")
    return GoldItem(name, _search(expected, got), expected, got)


def _loc_within(name: str, expected: dict[str, Any], loc: dict[str, Any]) -> GoldItem:
    lat, lon = _number(loc.get("lat")), _number(loc.get("lon"))
    if lat is None or lon is None:
        return GoldItem(name, False, expected, None)
    km = haversine_km(lat, lon, float(expected["lat"]), float(expected["lon"]))
    return GoldItem(
        name,
        km <= float(expected.get("km", 30)),
        expected,
        {"lat": lat, "lon": lon, "km": round(km, 1)},
    )


def _loc_precision(name: str, expected: int, loc: dict[str, Any]) -> GoldItem:
    got = loc.get("geo_precision")
    return GoldItem(name, _same(got, expected), expected, got)


def _search(pattern: str, value: Any) -> bool:
    return isinstance(value, str) and re.search(pattern, value) is not None


def _actor_any_of(slot: str) -> Checker:
    def check(name: str, expected: list[Any], event: dict[str, Any]) -> list[GoldItem]:
        got = event.get(slot) or None
        ok = any(_same(got, e) if e is not None else got is None for e in expected)
        return [GoldItem(name, ok, expected, got)]

    return check


def _actor_matches(slot: str) -> Checker:
    def check(name: str, expected: str, event: dict[str, Any]) -> list[GoldItem]:
        got = event.get(slot)
        return [GoldItem(name, _search(expected, got), expected, got)]

    return check


def _check_actors_include(name: str, expected: list[str], event: dict[str, Any]) -> list[GoldItem]:
    got = [event.get("actor1"), event.get("actor2")]
    # Each pattern must take its own slot: try both orders (there are only two slots).
    orders = [got, got[::-1]]
    ok = (
        any(all(_search(p, a) for p, a in zip(expected, order, strict=False)) for order in orders)
        and len(expected) <= 2
    )
    return [GoldItem(name, ok, expected, got)]


def _check_fatalities(name: str, expected: dict[str, Any], event: dict[str, Any]) -> list[GoldItem]:
    got = event.get("fatalities") if isinstance(event.get("fatalities"), dict) else {}
    return [
        GoldItem(
            f"{name}.{k}",
            _same(got.get(k), v) if v is not None else got.get(k) is None,
            v,
            got.get(k),
        )
        for k, v in expected.items()
    ]


def _claim_fits(spec: dict[str, Any], claim: Any) -> bool:
    """Does one predicted claim satisfy a ``claims_required`` / ``no_claim`` spec?"""
    if not isinstance(claim, dict):
        return False
    source = claim.get("source") if isinstance(claim.get("source"), dict) else {}
    if "field" in spec and claim.get("field") != spec["field"]:
        return False
    # The value may be normalised ("0") or verbatim ("did not have a count"): either will do.
    if "value_matches" in spec and not any(
        _search(spec["value_matches"], str(claim.get(k)))
        for k in ("value", "text")
        if claim.get(k) is not None
    ):
        return False
    if "source_matches" in spec and not any(
        _search(spec["source_matches"], source.get(k)) for k in ("name", "via")
    ):
        return False
    return "stance_any_of" not in spec or claim.get("stance") in spec["stance_any_of"]


def _check_claims(
    name: str, expected: list[dict[str, Any]], event: dict[str, Any]
) -> list[GoldItem]:
    claims = _list(event.get("claims"))
    items = []
    for j, spec in enumerate(expected):
        same_field = [
            _claim_summary(c)
            for c in claims
            if isinstance(c, dict) and c.get("field") == spec.get("field")
        ]
        ok = any(_claim_fits(spec, c) for c in claims)
        items.append(GoldItem(f"{name}[{j}]", ok, spec, same_field))
    return items


def _claim_summary(claim: dict[str, Any]) -> str:
    source = claim.get("source") if isinstance(claim.get("source"), dict) else {}
    via = f" via {source['via']}" if source.get("via") else ""
    return f"{claim.get('value')!r} by {source.get('name')}{via} ({claim.get('stance')})"


def _check_sources(name: str, expected: list[str], event: dict[str, Any]) -> list[GoldItem]:
    got = [s for s in _list(event.get("sources")) if isinstance(s, str)]
    return [
        GoldItem(f"{name}[{j}]", any(_search(p, s) for s in got), p, got)
        for j, p in enumerate(expected)
    ]


_EVENT_CHECKS: dict[str, Checker] = {
    **{key: _equal(key) for key in EQUAL_KEYS},
    "grade_any_of": _check_grade_any_of,
    "plover": _check_plover,
    **{key: _date_check(key) for key in ("event_date", "event_date_any_of", "event_month")},
    "location": _check_location,
    **{f"{slot}_any_of": _actor_any_of(slot) for slot in ACTOR_SLOTS},
    **{f"{slot}_matches": _actor_matches(slot) for slot in ACTOR_SLOTS},
    "actors_include": _check_actors_include,
    "fatalities": _check_fatalities,
    "claims_required": _check_claims,
    "sources_include": _check_sources,
}
_LOCATION_CHECKS: dict[str, Callable[[str, Any, dict[str, Any]], GoldItem]] = {
    "country": _loc_country,
    "admin1_any_of": _loc_admin1,
    "name_matches": _loc_name,
    "within_km_of": _loc_within,
    "geo_precision": _loc_precision,
}


# ---------------------------------------------------------------------------------------------
# must-not checks


MustNot = Callable[[str, dict[str, Any], list[dict[str, Any]]], GoldItem]


def _of_role(check: dict[str, Any], events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    role = check.get("role")
    return [e for e in events if role is None or e.get("role") == role]


def _why(check: dict[str, Any], default: str) -> str:
    return str(check.get("why") or default)


def _max_events(name: str, check: dict[str, Any], events: list[dict[str, Any]]) -> GoldItem:
    n = len(_of_role(check, events))
    return GoldItem(name, n <= int(check.get("n", 0)), _why(check, f"<= {check.get('n', 0)}"), n)


def _evidence_sentences(event: dict[str, Any], fields: Sequence[str]) -> list[str]:
    claims = [c for c in _list(event.get("claims")) if isinstance(c, dict)]
    chosen = [c for c in claims if c.get("field") in fields] or claims
    evidence = [c.get("evidence") for c in chosen]
    return [
        e["sentence"]
        for e in evidence
        if isinstance(e, dict) and isinstance(e.get("sentence"), str)
    ]


def _no_event_with_evidence(
    name: str, check: dict[str, Any], events: list[dict[str, Any]]
) -> GoldItem:
    fields = check.get("fields", ["event"])
    hits = [
        s
        for e in _of_role(check, events)
        for s in _evidence_sentences(e, fields)
        if re.search(check["pattern"], s)
    ]
    return GoldItem(name, not hits, _why(check, f"no event from /{check['pattern']}/"), hits)


def _dotted(event: dict[str, Any], path: str) -> Any:
    value: Any = event
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _check_fields(check: dict[str, Any]) -> list[str]:
    fields = check.get("fields") or [check.get("field", "actor1")]
    return [fields] if isinstance(fields, str) else list(fields)


def _field_not(name: str, check: dict[str, Any], events: list[dict[str, Any]]) -> GoldItem:
    values = check.get("values", [])
    hits = [
        f"{f}={_dotted(e, f)!r}"
        for e in _of_role(check, events)
        for f in _check_fields(check)
        if any(_same(_dotted(e, f), v) for v in values)
    ]
    return GoldItem(name, not hits, _why(check, f"{_check_fields(check)} not in {values}"), hits)


def _field_not_matching(name: str, check: dict[str, Any], events: list[dict[str, Any]]) -> GoldItem:
    hits = [
        f"{f}={_dotted(e, f)!r}"
        for e in _of_role(check, events)
        for f in _check_fields(check)
        if _search(check["pattern"], _dotted(e, f))
    ]
    return GoldItem(name, not hits, _why(check, f"not /{check['pattern']}/"), hits)


def _no_claim(name: str, check: dict[str, Any], events: list[dict[str, Any]]) -> GoldItem:
    spec = {
        k: v
        for k, v in check.items()
        if k in ("field", "value_matches", "source_matches", "stance_any_of")
    }
    hits = [
        _claim_summary(c)
        for e in _of_role(check, events)
        for c in _list(e.get("claims"))
        if _claim_fits(spec, c)
    ]
    return GoldItem(name, not hits, _why(check, f"no claim like {spec}"), hits)


_MUST_NOT: dict[str, MustNot] = {
    "max_events": _max_events,
    "no_event_with_evidence_matching": _no_event_with_evidence,
    "field_not": _field_not,
    "field_not_matching": _field_not_matching,
    "actor1_not_matching": _field_not_matching,  # field defaults to actor1
    "no_claim": _no_claim,
}


# ---------------------------------------------------------------------------------------------
# files


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and validate a gold file; E001 when missing, E011 when malformed."""
    p = Path(path)
    if not p.is_file():
        raise ReportedlyError(E.E001, path=str(p))
    try:
        gold = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportedlyError(E.E011, path=str(p), reason=str(exc)) from None
    validate_gold(gold, path=str(p))
    return gold


def load_must_not(path: str | Path) -> list[dict[str, Any]]:
    """Checks from a ``.must_not.json`` file: a list, or an object with ``must_not_checks``."""
    p = Path(path)
    if not p.is_file():
        raise ReportedlyError(E.E001, path=str(p))
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportedlyError(E.E011, path=str(p), reason=str(exc)) from None
    checks = data.get("must_not_checks") if isinstance(data, dict) else data
    validate_gold({"must_not_checks": checks}, path=str(p))
    return list(checks or [])


def gold_paths(path: str | Path) -> tuple[Path, Path]:
    """``(text, gold)`` paths for ``<name>.txt``, ``<name>.gold.json`` or ``<name>``."""
    p = Path(path)
    stem = _stem(p)
    gold = p.with_name(stem + GOLD_SUFFIX)
    text = p.with_name(stem + ".txt")
    if gold.is_file():
        doc_path = (json.loads(gold.read_text(encoding="utf-8")).get("document") or {}).get("path")
        if doc_path:
            text = gold.parent / doc_path
    return text, gold


def _stem(p: Path) -> str:
    name = p.name
    for suffix in (GOLD_SUFFIX, MUST_NOT_SUFFIX, ".txt"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def run_seed(
    path_txt_or_gold: str | Path,
    *,
    extract: Callable[..., Any] | None = None,
    checks: str | Path | None = None,
) -> GoldReport:
    """Extract ``<name>.txt`` with the pipeline and check it against ``<name>.gold.json``.

    Extra must-not checks come from ``<name>.must_not.json`` beside the gold, and from
    ``checks``: a file, or a folder holding ``<name>.must_not.json``.
    """
    text_path, gold_path = gold_paths(path_txt_or_gold)
    gold = load_gold(gold_path)
    if not text_path.is_file():
        raise ReportedlyError(E.E001, path=str(text_path))
    extra = [p for p in _must_not_files(gold_path, checks) if p.is_file()]
    if checks is not None and not extra:
        raise ReportedlyError(E.E001, path=str(checks))
    merged = [*gold.get("must_not_checks", []), *(c for p in extra for c in load_must_not(p))]
    gold = {**gold, "must_not_checks": merged}
    document = gold.get("document") or {}
    if extract is None:
        from ..pipeline import extract  # late: the checker must import without the full stack
    result = extract(
        text_path.read_text(encoding="utf-8"),
        published=document.get("published"),
        outlet=document.get("outlet"),
    )
    return check_gold(result, gold)


def _must_not_files(gold_path: Path, checks: str | Path | None) -> list[Path]:
    name = _stem(gold_path) + MUST_NOT_SUFFIX
    found = [gold_path.with_name(name)]
    if checks is not None:
        c = Path(checks)
        found.append(c / name if c.is_dir() else c)
    return list(dict.fromkeys(found))


def sample_golds() -> list[Path]:
    """The gold files of the bundled sample reports, in name order."""
    folder = Path(str(resources.files("reportedly").joinpath("data", "sample")))
    return sorted(folder.glob("*" + GOLD_SUFFIX))
