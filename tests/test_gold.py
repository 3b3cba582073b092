"""Specification of the gold checker (reportedly.evaluate.gold) on synthetic predictions."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportedly.errors import ReportedlyError
from reportedly.evaluate.gold import (
    GoldReport,
    check_gold,
    gold_paths,
    load_gold,
    load_must_not,
    match_events,
    run_seed,
    validate_gold,
)

GOLD: dict[str, Any] = {
    "document": {"path": "x.txt", "published": "2022-06-15", "outlet": "Test Wire"},
    "events": [
        {
            "role": "main",
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Air/drone strike",
            "plover": {"event": "ASSAULT", "mode": "drone"},
            "event_date": "2022-06-14",
            "time_precision": 1,
            "location": {
                "country": "Iraq",
                "admin1_any_of": ["Nineveh", "Ninawa"],
                "within_km_of": {"lat": 36.3209, "lon": 41.8766, "km": 30},
                "geo_precision": 2,
            },
            "actor1_matches": "(?i)^military forces of turkey",
            "actor2_any_of": ["YBS: Sinjar Resistance Units"],
            "fatalities": {"acled": 0, "low": None, "high": None},
            "grade": "contested",
            "claims_required": [
                {
                    "field": "actor1",
                    "value_matches": "(?i)turk",
                    "source_matches": "(?i)defen[cs]e ministry",
                    "stance_any_of": ["asserted", "reported"],
                }
            ],
            "sources_include": ["(?i)defen[cs]e ministry"],
        },
        {
            "role": "background",
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Air/drone strike",
            "event_month": "2022-05",
            "time_precision": 3,
            "location": {"country": "Iraq"},
            "actors_include": ["(?i)turkey", "(?i)pkk"],
            "fatalities": {"acled": 30, "low": 30, "high": 57},
        },
    ],
}


def _claim(field: str, value: str, source: str, stance: str, sentence: str) -> dict[str, Any]:
    return {
        "field": field,
        "value": value,
        "text": value,
        "source": {"name": source, "kind": "official", "via": None},
        "stance": stance,
        "evidence": {"doc_id": "d", "start": 0, "end": 1, "sentence": sentence},
    }


def _good() -> dict[str, Any]:
    """A prediction that a careful coder would accept for GOLD."""
    main = {
        "role": "main",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "plover": {"event": "ASSAULT", "mode": "drone"},
        "event_date": "2022-06-14",
        "time_precision": 1,
        "actor1": "Military Forces of Turkey (2016-)",
        "actor2": "YBS: Sinjar Resistance Units",
        "location": {
            "name": "Sinjar",
            "lat": 36.40,
            "lon": 41.86,
            "country": "Iraq",
            "admin1": "Nīnawá Governorate",
            "geo_precision": 2,
        },
        "fatalities": {"acled": 0, "low": None, "best": None, "high": None},
        "grade": "contested",
        "claims": [
            _claim("event", "drone strike", "Test Wire", "reported", "A drone struck a car."),
            _claim(
                "actor1",
                "Military Forces of Turkey (2016-)",
                "Turkish defence ministry",
                "asserted",
                "The defence ministry said it struck.",
            ),
        ],
        "sources": ["Turkish defence ministry", "Test Wire"],
    }
    background = {
        "role": "background",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "event_date": "2022-05-15",
        "time_precision": 3,
        "actor1": "PKK: Kurdistan Workers Party",
        "actor2": "Military Forces of Turkey (2016-)",
        "location": {"country": "Iraq"},
        "fatalities": {"acled": 30, "low": 30, "best": None, "high": 57},
        "claims": [_claim("event", "strikes", "Test Wire", "reported", "Last month strikes hit.")],
    }
    return {"id": "d", "events": [background, main]}


def _set(d: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        d = d[int(part)] if part.isdigit() else d[part]  # type: ignore[index]
    d[int(last) if last.isdigit() else last] = value  # type: ignore[index]


def test_gold_check_passes_a_correct_prediction() -> None:
    """A prediction agreeing with every gold item passes, matched by role whatever its order."""
    report = check_gold(_good(), GOLD)
    assert report.passed, report.table()
    assert report.matches == ((0, 1), (1, 0))
    assert not report.failures


@pytest.mark.parametrize(
    ("path", "value", "failing"),
    [
        ("events.1.event_type", "Battles", "events[0].event_type"),
        ("events.1.sub_event_type", "Shelling", "events[0].sub_event_type"),
        ("events.1.plover.mode", "aerial", "events[0].plover.mode"),
        ("events.1.event_date", "2022-06-15", "events[0].event_date"),
        ("events.1.time_precision", 2, "events[0].time_precision"),
        ("events.1.location.country", "Syria", "events[0].location.country"),
        ("events.1.location.admin1", "Dohuk", "events[0].location.admin1_any_of"),
        ("events.1.location.lat", 35.0, "events[0].location.within_km_of"),
        ("events.1.location.geo_precision", 1, "events[0].location.geo_precision"),
        ("events.1.actor1", "Unidentified Military Forces", "events[0].actor1_matches"),
        ("events.1.actor2", "PKK: Kurdistan Workers Party", "events[0].actor2_any_of"),
        ("events.1.fatalities.acled", 30, "events[0].fatalities.acled"),
        ("events.1.fatalities.high", 57, "events[0].fatalities.high"),
        ("events.1.grade", "confirmed", "events[0].grade"),
        ("events.1.claims.1.stance", "alleged", "events[0].claims_required[0]"),
        ("events.1.claims.1.source.name", "Step News", "events[0].claims_required[0]"),
        ("events.1.claims.1.field", "actor2", "events[0].claims_required[0]"),
        ("events.1.sources", ["Test Wire"], "events[0].sources_include[0]"),
        ("events.0.event_date", "2022-06-01", "events[1].event_month"),
        ("events.0.actor1", "Unidentified Armed Group (Iraq)", "events[1].actors_include"),
        ("events.0.fatalities.acled", 57, "events[1].fatalities.acled"),
        ("events.0.role", "main", "events[1].role"),
    ],
)
def test_gold_check_flags_each_wrong_item(path: str, value: Any, failing: str) -> None:
    """Changing one predicted value fails exactly the gold item that checks it."""
    pred = _good()
    _set(pred, path, value)
    report = check_gold(pred, GOLD)
    names = [f.name for f in report.failures]
    assert failing in names, report.table()
    if failing != "events[1].role":  # a wrong role also shows as an extra main event
        assert names == [failing], report.table()


def test_gold_check_ignores_keys_the_gold_leaves_out() -> None:
    """Only what the gold states is checked: a bare gold accepts any values."""
    gold = {"events": [{"role": "main"}, {"role": "background"}]}
    pred = _good()
    _set(pred, "events.1.actor1", "anyone")
    report = check_gold(pred, gold)
    assert report.passed, report.table()
    assert {i.name for i in report.items} == {
        "events[0].found",
        "events[0].role",
        "events[1].found",
        "events[1].role",
        "extra_events.main",
        "extra_events.background",
    }


def test_gold_check_reports_a_missing_event() -> None:
    """A gold event with no prediction left to match fails as not found."""
    pred = _good()
    pred["events"] = pred["events"][1:]
    report = check_gold(pred, GOLD)
    assert [f.name for f in report.failures] == ["events[1].found"]
    assert report.matches == ((0, 0), (1, None))


@pytest.mark.parametrize("allow", [False, True])
def test_gold_check_counts_extra_events_per_role(allow: bool) -> None:
    """More events of a role than the gold lists fail, unless the gold allows extra events."""
    pred = _good()
    pred["events"].append(copy.deepcopy(pred["events"][0]))
    report = check_gold(pred, {**GOLD, "allow_extra_events": allow})
    assert report.passed is allow
    if not allow:
        assert [f.name for f in report.failures] == ["extra_events.background"]


def test_gold_check_zero_event_gold_rejects_any_event() -> None:
    """A gold with no events (a report not about conflict) fails any emitted event."""
    assert check_gold({"events": []}, {"events": []}).passed
    report = check_gold(_good(), {"events": []})
    assert {f.name for f in report.failures} == {"extra_events.main", "extra_events.background"}


def test_gold_check_flags_an_extraction_error() -> None:
    """An extraction that reports an error fails even against an empty gold."""
    assert not check_gold({"id": "d", "events": [], "error": "boom"}, {"events": []}).passed


@pytest.mark.parametrize(
    ("check", "passes_good"),
    [
        ({"kind": "max_events", "role": "main", "n": 1}, True),
        ({"kind": "max_events", "n": 1}, False),
        ({"kind": "no_event_with_evidence_matching", "pattern": "(?i)hundreds of strikes"}, True),
        ({"kind": "no_event_with_evidence_matching", "pattern": "(?i)last month"}, False),
        ({"kind": "no_event_with_evidence_matching", "pattern": "defence ministry"}, True),
        (
            {
                "kind": "no_event_with_evidence_matching",
                "pattern": "defence ministry",
                "fields": ["actor1"],
            },
            False,
        ),
        (
            {"kind": "field_not", "role": "main", "field": "fatalities.acled", "values": [30, 57]},
            True,
        ),
        ({"kind": "field_not", "field": "fatalities.acled", "values": [30, 57]}, False),
        (
            {
                "kind": "field_not",
                "role": "main",
                "fields": ["fatalities.low", "fatalities.high"],
                "values": [30, 57],
            },
            True,
        ),
        ({"kind": "actor1_not_matching", "role": "main", "pattern": "(?i)israel"}, True),
        ({"kind": "actor1_not_matching", "role": "main", "pattern": "(?i)turkey"}, False),
        ({"kind": "field_not_matching", "field": "location.country", "pattern": "Syria"}, True),
        (
            {
                "kind": "no_claim",
                "field": "actor1",
                "value_matches": "(?i)turk",
                "stance_any_of": ["alleged"],
            },
            True,
        ),
        (
            {
                "kind": "no_claim",
                "field": "actor1",
                "value_matches": "(?i)turk",
                "stance_any_of": ["asserted"],
            },
            False,
        ),
    ],
)
def test_gold_must_not_checks(check: dict[str, Any], passes_good: bool) -> None:
    """Each must-not kind passes or fails the correct prediction as its definition says."""
    report = check_gold(_good(), {**GOLD, "must_not_checks": [check]})
    item = report.items[-1]
    assert item.name == f"must_not[0].{check['kind']}"
    assert item.passed is passes_good, report.table()


def test_gold_match_events_prefers_role_then_type() -> None:
    """Matching puts the same role first, then the same type, one prediction per gold event."""
    specs = [{"role": "main", "event_type": "Battles"}, {"role": "main", "event_type": "Riots"}]
    preds = [
        {"role": "background", "event_type": "Battles"},
        {"role": "main", "event_type": "Riots"},
        {"role": "main", "event_type": "Battles"},
    ]
    assert match_events(specs, preds) == [(0, 2), (1, 1)]
    assert match_events(specs, preds[:1]) == [(0, 0), (1, None)]


@pytest.mark.parametrize(
    "gold",
    [
        [],
        {"events": {}},
        {"events": [{"role": "main", "actor1": "typo"}]},
        {"events": [{"location": {"city": "x"}}]},
        {"events": [{"actor1_matches": "(unclosed"}]},
        {"events": [], "must_not_checks": [{"kind": "nonsense"}]},
        {"events": [], "must_not_checks": [{"kind": "field_not_matching", "pattern": "["}]},
    ],
)
def test_gold_validate_rejects_malformed_gold(gold: Any) -> None:
    """A gold with an unknown key, kind or a bad regex raises E011 instead of passing silently."""
    with pytest.raises(ReportedlyError) as err:
        validate_gold(gold)
    assert err.value.code == "E011"


def test_gold_table_lists_every_item_with_its_outcome() -> None:
    """The table has a header, a rule, one line per item, FAIL marking the failures."""
    pred = _good()
    _set(pred, "events.1.grade", "weak")
    report = check_gold(pred, GOLD)
    lines = report.table().splitlines()
    assert len(lines) == 2 + len(report.items)
    assert [ln for ln in lines if ln.startswith("FAIL")] == [
        ln for ln in lines if "events[0].grade" in ln
    ]
    assert len(report.table(failures_only=True).splitlines()) == 3
    assert json.loads(json.dumps(report.to_dict()))["passed"] is False


def _write_case(folder: Path, stem: str = "case") -> Path:
    (folder / f"{stem}.txt").write_text("A drone struck a car near Sinjar.", encoding="utf-8")
    (folder / f"{stem}.gold.json").write_text(
        json.dumps(
            GOLD
            | {
                "document": {
                    "path": f"{stem}.txt",
                    "published": "2022-06-15",
                    "outlet": "Test Wire",
                }
            }
        ),
        encoding="utf-8",
    )
    return folder / f"{stem}.gold.json"


def test_gold_run_seed_extracts_with_the_gold_document_fields(tmp_path: Path) -> None:
    """run_seed reads the text and gold, passes published/outlet to extract, and checks."""
    gold_path = _write_case(tmp_path)
    seen: dict[str, Any] = {}

    def extract(text: str, *, published: Any = None, outlet: Any = None) -> dict[str, Any]:
        seen.update(text=text, published=published, outlet=outlet)
        return _good()

    for given_path in (gold_path, tmp_path / "case.txt", tmp_path / "case"):
        report = run_seed(given_path, extract=extract)
        assert isinstance(report, GoldReport) and report.passed, report.table()
    assert seen == {
        "text": "A drone struck a car near Sinjar.",
        "published": "2022-06-15",
        "outlet": "Test Wire",
    }
    assert gold_paths(gold_path) == (tmp_path / "case.txt", gold_path)


def test_gold_run_seed_applies_must_not_files(tmp_path: Path) -> None:
    """Checks in <stem>.must_not.json beside the gold, or in a given file, are applied."""
    gold_path = _write_case(tmp_path)
    failing = {"must_not_checks": [{"kind": "max_events", "n": 0}]}
    other = tmp_path / "elsewhere.json"
    other.write_text(json.dumps(failing), encoding="utf-8")
    assert not run_seed(gold_path, extract=lambda t, **k: _good(), checks=other).passed
    assert run_seed(gold_path, extract=lambda t, **k: _good()).passed
    (tmp_path / "case.must_not.json").write_text(
        json.dumps(failing["must_not_checks"]), encoding="utf-8"
    )
    assert not run_seed(gold_path, extract=lambda t, **k: _good()).passed
    assert len(load_must_not(tmp_path / "case.must_not.json")) == 1


def test_gold_run_seed_missing_files_raise_e001(tmp_path: Path) -> None:
    """A missing gold, text or checks file is a user error with code E001."""
    with pytest.raises(ReportedlyError, match="E001"):
        run_seed(tmp_path / "nothing.gold.json", extract=lambda t, **k: {})
    gold_path = _write_case(tmp_path)
    with pytest.raises(ReportedlyError, match="E001"):
        run_seed(gold_path, extract=lambda t, **k: {}, checks=tmp_path / "absent.json")
    (tmp_path / "case.txt").unlink()
    with pytest.raises(ReportedlyError, match="E001"):
        run_seed(gold_path, extract=lambda t, **k: {})
    with pytest.raises(ReportedlyError, match="E001"):
        load_gold(tmp_path / "absent.gold.json")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "role",
                    "event_type",
                    "location",
                    "lat",
                    "actor1",
                    "claims",
                    "field",
                    "source",
                    "evidence",
                    "sentence",
                    "fatalities",
                    "acled",
                    "events",
                    "event_date",
                    "sources",
                    "plover",
                    "name",
                    "stance",
                    "value",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(pred=_json)
def test_gold_check_never_crashes_on_junk_predictions(pred: Any) -> None:
    """Any JSON-like prediction yields a report, never an exception."""
    gold = {
        **GOLD,
        "must_not_checks": [
            {"kind": "no_event_with_evidence_matching", "pattern": "x"},
            {"kind": "field_not", "field": "fatalities.acled", "values": [1]},
            {"kind": "no_claim", "field": "actor1", "value_matches": "x"},
            {"kind": "actor1_not_matching", "pattern": "x"},
        ],
    }
    extraction = pred if isinstance(pred, dict) else {"events": pred}
    assert isinstance(check_gold(extraction, gold).passed, bool)
