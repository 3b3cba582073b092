"""Helpers shared by the evaluation harnesses: paths, scores, tables, progress, distances."""

from __future__ import annotations

import hashlib
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..errors import E, ReportedlyError

EVAL_ENV = "REPORTEDLY_EVAL"


def _looks_like_repo_root(path: Path) -> bool:
    return (path / "pyproject.toml").is_file() and (path / "src" / "reportedly").is_dir()


def repo_root() -> Path | None:
    """The checkout this package runs from, found from this file's location, then the cwd."""
    here = Path(__file__).resolve()
    candidates = [*here.parents, Path.cwd(), *Path.cwd().resolve().parents]
    return next((p for p in candidates if _looks_like_repo_root(p)), None)


def default_eval_dir() -> Path:
    """Where the gold sets live: $REPORTEDLY_EVAL, else ``../shared/eval`` beside the checkout."""
    env = os.environ.get(EVAL_ENV)
    if env:
        return Path(env).expanduser()
    root = repo_root() or Path.cwd()
    return (root.parent / "shared" / "eval").resolve()


def existing_file(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, or E180 when there is no such file."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise ReportedlyError(E.E180, path=str(p))
    return p


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file's bytes: floors are tied to the exact corpus they were measured on."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def to_float(value: Any) -> float | None:
    """A finite float from a cell or a JSON value, else None."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def to_int(value: Any) -> int | None:
    """An int from a cell such as ``"3"`` or ``"3.0"``, else None."""
    f = to_float(value)
    return int(f) if f is not None and f.is_integer() else None


def most_common(values: Iterable[Hashable]) -> Any:
    """The most frequent value; ties go to the value seen first, so baselines are stable."""
    counts = Counter(values)
    return max(counts, key=counts.__getitem__) if counts else None


def event_dict(event: Any) -> dict[str, Any]:
    """The contract dict of an event, whether given as ``records.Event`` or already a dict."""
    return event if isinstance(event, dict) else event.to_dict()


def extraction_events(extraction: Any) -> list[dict[str, Any]]:
    """The events of an extraction as contract dicts; none for a missing or failed one."""
    if extraction is None or getattr(extraction, "error", None):
        return []
    events = extraction.get("events", ()) if isinstance(extraction, dict) else extraction.events
    return [event_dict(e) for e in events or ()]


def resolve_pipeline(pipeline: Any | None, **options: Any) -> Any:
    """The pipeline to evaluate: the one given, else a fresh ``reportedly.pipeline.Pipeline()``."""
    if pipeline is not None:
        return pipeline
    from ..pipeline import Pipeline  # late: the harness must import without the full stack

    return Pipeline(**options)


@dataclass(frozen=True)
class FieldScore:
    """One field's accuracy over all rows, beside the most-common-value baseline."""

    correct: int
    baseline_correct: int
    n: int

    @property
    def score(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def baseline(self) -> float:
        return self.baseline_correct / self.n if self.n else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "baseline": round(self.baseline, 4),
            "correct": self.correct,
            "baseline_correct": self.baseline_correct,
            "n": self.n,
        }


def format_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, align: str | None = None
) -> str:
    """An aligned plain-text table; ``align`` has one ``l``/``r`` per column (default ``lrr…``)."""
    cells = [[_cell(v) for v in row] for row in [headers, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    align = align or "l" + "r" * (len(headers) - 1)

    def line(row: list[str]) -> str:
        parts = zip(row, widths, align, strict=True)
        return "  ".join(c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


class Progress:
    """A one-line document counter with throughput on stderr, so stdout stays data."""

    def __init__(
        self,
        label: str,
        *,
        total: int | None = None,
        enabled: bool = True,
        stream: TextIO | None = None,
        every_s: float = 1.0,
    ) -> None:
        self.label, self.total, self.enabled = label, total, enabled
        self.stream = stream or sys.stderr
        self.every_s = every_s
        self.count = 0
        self.started = time.perf_counter()
        self._last = self.started

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed > 0 else 0.0

    def line(self) -> str:
        of = f"/{self.total}" if self.total is not None else ""
        return f"{self.label}: {self.count}{of} docs, {self.rate:.1f} docs/s"

    def update(self, n: int = 1) -> None:
        self.count += n
        now = time.perf_counter()
        if self.enabled and now - self._last >= self.every_s:
            self._last = now
            self._write(end="\r" if self.stream.isatty() else "\n")

    def close(self) -> None:
        if self.enabled:
            self._write(end="\n")

    def _write(self, *, end: str) -> None:
        self.stream.write(self.line() + end)
        self.stream.flush()

    def track(self, items: Iterable[Any]) -> Iterator[Any]:
        """Yield ``items`` while counting them, closing the line at the end."""
        try:
            for item in items:
                self.update()
                yield item
        finally:
            self.close()
