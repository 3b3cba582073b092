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
def test_bench_mixed_stream_one_in_ten_is_a_report(size, tmp_path):
    """Without the ACLED dev set, every tenth document of the mixed stream is a sample report,
    the others other news."""
    reports = set(bench.sample_texts())
    stream = bench.mixed_stream(size, tmp_path / "missing.csv")
    assert len(stream) == size
    assert [i for i, t in enumerate(stream) if t in reports] == list(range(9, size, 10))


def test_bench_mixed_stream_takes_acled_notes_as_its_conflict_items(tmp_path):
    """With an ACLED export, every tenth document is one of its notes, in turn."""
    csv_path = tmp_path / "acled.csv"
    rows = ["notes", '"On 1 May, gunmen attacked a bus."', '"On 2 May, traders protested."']
    csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    stream = bench.mixed_stream(40, csv_path)
    notes = [t for t in stream if t.startswith("On ")]
    assert notes == ["On 1 May, gunmen attacked a bus.", "On 2 May, traders protested."] * 2
    assert [i for i, t in enumerate(stream) if t in notes] == [9, 19, 29, 39]


def test_bench_other_corpus_is_a_hundred_short_briefs():
    """The non-conflict corpus holds over a hundred separate news briefs of wire length, none
    of which the prefilter should need to extract (most are turned away)."""
    from reportedly import prefilter

    items = bench.other_texts()
    assert len(items) >= 100
    assert all(20 <= len(t.split()) <= 100 for t in items)
    assert sum(map(prefilter.is_relevant, items)) / len(items) < 0.15


def test_bench_acled_notes_absent_file_is_empty(tmp_path):
    """A missing ACLED export gives no notes, so the benchmark runs without the eval data."""
    assert bench.acled_notes(tmp_path / "missing.csv", 600) == []


def test_bench_table_reads_the_dask_ratio_against_the_machine_ceiling(capsys):
    """The scaling lines give the Dask ratio and, beside it, the same batch on two local
    processes and what two CPU-bound processes reach on the machine: the ceiling a
    two-worker batch is read against."""
    side = {"seconds": 1.0, "docs_per_s": 1.0, "words_per_s": 1.0, "load_s": None,
            "peak_rss_mb": 1.0, "extracted": 1, "skipped": 1}
    res = {m: dict(side) for m in bench.MODES}
    result = {
        "corpus": {"docs": 1, "sample_reports": 1, "acled_notes": 0, "words": 1},
        "mixed": {"docs": 1}, "runs": 1, "full_over_bare": 1.0,
        "mixed_full_over_bare": 1.0, "cold_start_report": "r.txt", "cold_start_s": 1.0,
        "scaling": {"docs": 2000, "batch_one": {**side, "startup_s": 1.0},
                    "batch_dask": {**side, "startup_s": 2.0, "runs_s": [2.0, 1.9],
                                   "helper_chunks": 63}, "dask_over_one": 1.41,
                    "batch_pool": {**side, "docs_per_s": 1.8}, "pool_over_one": 1.8,
                    "steady_dask_over_one": 1.5, "machine_parallel_ceiling": 1.37,
                    "same_output": True},
    }
    result["scaling"]["batch_one"]["runs_s"] = [2.9, 3.1]
    bench.print_table(result, res)
    out = capsys.readouterr().out
    assert "1.41x (target >= 1.6x)" in out
    assert "each run, in order (s): one process [2.9, 3.1], Dask [2.0, 1.9]" in out
    assert "the Dask workers extracted through a helper process each" in out
    assert "two CPU-bound processes run 1.37x one" in out
    assert "two processes (--processes 2, no Dask): 1.8 docs/s, 1.80x one process" in out
