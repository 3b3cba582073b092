"""Score the pipeline against ACLED notes: one note in, the main event out, field by field.

Every score is a fraction over all rows, so a note without a prediction counts as wrong for
every field; beside it stands the baseline of always answering the most common gold value.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import zip_longest
from typing import Any

from ..errors import E, ReportedlyError
from ..geo.normalise import fold as geo_fold
from ..geodesy import haversine_km
from ..records import Document
from .common import (
    FieldScore,
    Progress,
    existing_file,
    extraction_events,
    format_table,
    most_common,
    resolve_pipeline,
    to_float,
    to_int,
)

REQUIRED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
)
FIELDS = (
    "event_type",
    "sub_event_type",
    "event_date",
    "fatalities",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "within_25km",
    "geo_precision",
)
WITHIN_KM = 25.0
NONE_LABEL = "(none)"
EMPTY_IS_AN_ANSWER = frozenset({"actor2"})


@dataclass(frozen=True)
class GoldRow:
    """The gold values of one ACLED row that the harness scores, already typed."""

    id: str
    notes: str
    source: str
    event_date: date | None
    values: dict[str, Any]
    lat: float | None
    lon: float | None

    @classmethod
    def from_row(cls, row: dict[str, Any], *, index: int = 0) -> GoldRow:
        """Type one CSV row; unreadable cells become None rather than an exception."""

        def get(key: str) -> str:
            return _text(row.get(key))

        event_date = _to_date(get("event_date"))
        values = {
            "event_type": get("event_type"),
            "sub_event_type": get("sub_event_type"),
            "event_date": event_date.isoformat() if event_date else None,
            "fatalities": to_int(get("fatalities")) or 0,  # codebook: unknown = 0
            "actor1": get("actor1"),
            "actor2": get("actor2"),
            "country": _fold(get("country")),
            "admin1": _fold(get("admin1")),
            "geo_precision": to_int(get("geo_precision")),
        }
        return cls(
            id=get("event_id_cnty") or f"acled-row-{index}",
            notes=get("notes"),
            source=get("source"),
            event_date=event_date,
            values=values,
            lat=to_float(row.get("latitude")),
            lon=to_float(row.get("longitude")),
        )

    @property
    def point(self) -> tuple[float, float] | None:
        return (self.lat, self.lon) if self.lat is not None and self.lon is not None else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _to_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _fold(value: Any) -> str:
    """Place names compare without case, accents, hyphens, apostrophes or spaces: gazetteers
    disagree on all of them ("Deir ez-Zor" / "Deir ez Zor", "Sana'a" / "Sanaa", "Şırnak" /
    "Sirnak", where the dotless i is a letter Unicode does not decompose)."""
    return "".join(c for c in geo_fold(_text(value)) if c.isalnum())


def read_gold(path: str, *, limit: int | None = None) -> list[GoldRow]:
    """The rows of an ACLED CSV export (E180 if absent, E181 if the columns are not ACLED's)."""
    p = existing_file(path)
    with open(p, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            reason = "missing columns: " + ", ".join(missing)
            raise ReportedlyError(E.E181, path=str(p), kind="ACLED", reason=reason)
        rows = []
        for i, row in enumerate(reader):
            if limit is not None and i >= limit:
                break
            rows.append(GoldRow.from_row(row, index=i))
    return rows


def to_document(gold: GoldRow, *, published_offset_days: int | None) -> Document:
    """The note as a report: published a few days after the event, or with no date at all."""
    published = None
    if published_offset_days is not None and gold.event_date is not None:
        day = gold.event_date + timedelta(days=published_offset_days)
        published = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return Document.from_text(
        gold.notes, id=gold.id, published=published, outlet=gold.source or None
    )


def main_event(extraction: Any) -> dict[str, Any] | None:
    """The prediction for a note: its first event with role ``main``."""
    return next((e for e in extraction_events(extraction) if e.get("role") == "main"), None)


def predicted_values(event: dict[str, Any] | None) -> dict[str, Any]:
    """The scored fields of a predicted event in the gold row's typed form."""
    if event is None:
        return {}
    # A malformed prediction (a string where an object belongs) scores as missing values.
    loc = event.get("location") if isinstance(event.get("location"), dict) else {}
    fat = event.get("fatalities") if isinstance(event.get("fatalities"), dict) else {}
    return {
        "event_type": _text(event.get("event_type")),
        "sub_event_type": _text(event.get("sub_event_type")),
        "event_date": _text(event.get("event_date"))[:10] or None,
        "fatalities": to_int(fat.get("acled")),
        "actor1": _text(event.get("actor1")),
        "actor2": _text(event.get("actor2")),  # None and "" both mean "no second actor"
        "country": _fold(loc.get("country")),
        "admin1": _fold(loc.get("admin1")),
        "geo_precision": to_int(loc.get("geo_precision")),
        "lat": to_float(loc.get("lat")),
        "lon": to_float(loc.get("lon")),
    }


def _within(point: tuple[float, float] | None, lat: Any, lon: Any) -> bool:
    if point is None or lat is None or lon is None:
        return False
    return haversine_km(point[0], point[1], lat, lon) <= WITHIN_KM


def field_hits(gold: GoldRow, pred: dict[str, Any]) -> dict[str, bool]:
    """Which fields a prediction gets right; an empty prediction gets none right."""
    if not pred:
        return dict.fromkeys(FIELDS, False)
    hits = {name: _same(name, pred.get(name), gold.values.get(name)) for name in FIELDS}
    hits["within_25km"] = _within(gold.point, pred["lat"], pred["lon"])
    return hits


def _same(name: str, pred: Any, gold: Any) -> bool:
    # an empty gold actor2 is a real answer ("no second actor"); an empty gold country is a gap
    if gold is None or (gold == "" and name not in EMPTY_IS_AN_ANSWER):
        return False
    return pred == gold


def baseline_hits(rows: list[GoldRow]) -> dict[str, Callable[[GoldRow], bool]]:
    """Per field, a test of whether the most common gold answer is right for a row."""
    tests: dict[str, Callable[[GoldRow], bool]] = {}
    for name in FIELDS:
        if name == "within_25km":
            centre = most_common(r.point for r in rows if r.point is not None)
            tests[name] = lambda r, c=centre: c is not None and _within(c, r.lat, r.lon)
        else:
            value = most_common(r.values[name] for r in rows)
            tests[name] = lambda r, v=value, n=name: _same(n, v, r.values[n])
    return tests


@dataclass(frozen=True)
class AcledScores:
    """Per-field accuracy on ACLED notes, with baselines and a sub-event confusion matrix."""

    fields: dict[str, FieldScore]
    confusion: dict[str, dict[str, int]]
    n: int
    predicted: int
    published_offset_days: int | None
    seconds: float = 0.0
    path: str | None = None

    def score(self, name: str) -> float:
        return self.fields[name].score

    @property
    def docs_per_s(self) -> float:
        return self.n / self.seconds if self.seconds > 0 else 0.0

    def table(self) -> str:
        """field | score | baseline | n, one line per field, aligned."""
        rows = [(name, s.score, s.baseline, s.n) for name, s in self.fields.items()]
        found = self.predicted / self.n if self.n else 0.0
        rows.append(("(main event found)", found, None, self.n))
        return format_table(("field", "score", "baseline", "n"), rows)

    def confusion_table(self, *, top: int = 3) -> str:
        """Per gold sub-event type: rows, recall, precision and the commonest wrong answers."""
        predicted_as: Counter[str] = Counter()
        for preds in self.confusion.values():
            predicted_as.update(preds)
        rows = []
        for gold, preds in sorted(self.confusion.items(), key=lambda kv: -sum(kv[1].values())):
            n, hit = sum(preds.values()), preds.get(gold, 0)
            ranked = sorted(preds.items(), key=lambda pc: -pc[1])
            wrong = [(p, c) for p, c in ranked if p != gold][:top]
            precision = hit / predicted_as[gold] if predicted_as[gold] else None
            confused = ", ".join(f"{p} ({c})" for p, c in wrong)
            rows.append((gold, n, hit / n if n else 0.0, precision, confused))
        headers = ("gold sub_event_type", "n", "recall", "precision", "predicted instead")
        return format_table(headers, rows, align="lrrrl")

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": "acled",
            "path": self.path,
            "n": self.n,
            "predicted": self.predicted,
            "published_offset_days": self.published_offset_days,
            "seconds": round(self.seconds, 2),
            "docs_per_s": round(self.docs_per_s, 2),
            "fields": {name: s.to_dict() for name, s in self.fields.items()},
            "confusion": {g: dict(p) for g, p in self.confusion.items()},
        }


def score_predictions(
    rows: list[GoldRow],
    predictions: Iterable[dict[str, Any] | None],
    *,
    published_offset_days: int | None = None,
    seconds: float = 0.0,
    path: str | None = None,
) -> AcledScores:
    """Score predicted main events (contract dicts, or None) against gold rows, in order."""
    correct: Counter[str] = Counter()
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    found = 0
    for gold, event in zip_longest(rows, predictions):
        if gold is None:
            break  # a pipeline that yields more than it was given: the extra are ignored
        pred = predicted_values(event)
        found += bool(pred)
        correct.update(name for name, ok in field_hits(gold, pred).items() if ok)
        gold_sub = gold.values["sub_event_type"] or NONE_LABEL
        confusion[gold_sub][pred.get("sub_event_type") or NONE_LABEL] += 1
    tests = baseline_hits(rows)
    fields = {
        name: FieldScore(correct[name], sum(tests[name](r) for r in rows), len(rows))
        for name in FIELDS
    }
    return AcledScores(
        fields=fields,
        confusion=dict(confusion),
        n=len(rows),
        predicted=found,
        published_offset_days=published_offset_days,
        seconds=seconds,
        path=path,
    )


def _predict(
    pipeline: Any, documents: list[Document], *, batch_size: int, progress: Progress
) -> Iterator[dict[str, Any] | None]:
    for extraction in progress.track(pipeline.pipe(documents, batch_size=batch_size)):
        yield main_event(extraction)


def release_day(rows: list[GoldRow]) -> date | None:
    """The day an ACLED file was cut, as far as the file shows: its last event date."""
    days = [r.event_date for r in rows if r.event_date]
    return max(days) if days else None


def evaluate_acled(
    path: str,
    *,
    limit: int | None = None,
    published_offset_days: int | None = 3,
    pipeline: Any = None,
    progress: bool = True,
    batch_size: int = 32,
) -> AcledScores:
    """Run the pipeline over an ACLED CSV's notes and score its main events against the rows.

    ``published_offset_days=None`` gives the notes no publication date (the no-date-hint mode).
    """
    rows = read_gold(str(path), limit=limit)
    documents = [to_document(r, published_offset_days=published_offset_days) for r in rows]
    # actor names as the release itself wrote them: as of its last event day
    pipe = resolve_pipeline(pipeline, names_as_of=release_day(rows))
    meter = Progress("acled", total=len(rows), enabled=progress)
    predictions = list(_predict(pipe, documents, batch_size=batch_size, progress=meter))
    return score_predictions(
        rows,
        predictions,
        published_offset_days=published_offset_days,
        seconds=meter.elapsed,
        path=str(path),
    )
