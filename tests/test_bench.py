"""The benchmark's corpora (benchmarks/bench.py): fixed, and mixed as the issue asks."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"
_spec = importlib.util.spec_from_file_location("reportedly_bench", _PATH)
bench = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(bench)  # type: ignore[union-attr]


@pytest.mark.parametrize("size", [10, 100, 503])
def test_bench_mixed_stream_one_in_ten_is_a_report(size):
    """Every tenth document of the mixed stream is a sample report, the others other news."""
    reports = set(bench.sample_texts())
    stream = bench.mixed_stream(size)
    assert len(stream) == size
    assert [i for i, t in enumerate(stream) if t in reports] == list(range(9, size, 10))


def test_bench_other_corpus_has_ten_items():
    """The non-conflict corpus holds at least ten separate short news items."""
    items = bench.other_texts()
    assert len(items) >= 10
    assert all(20 <= len(t.split()) <= 80 for t in items)


def test_bench_acled_notes_absent_file_is_empty(tmp_path):
    """A missing ACLED export gives no notes, so the benchmark runs without the eval data."""
    assert bench.acled_notes(tmp_path / "missing.csv", 600) == []
