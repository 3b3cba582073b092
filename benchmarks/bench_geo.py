"""Benchmark: how much geoparsing adds to the spaCy pass, on the same texts, in one run.

Corpus: the sample reports shipped with the package, repeated, plus the ACLED dev notes when
the shared evaluation folder is present. Two configurations are timed side by side, each the
median of three runs, run in turn: bare ``nlp.pipe``, and ``nlp.pipe`` followed by
``Geoparser.toponyms`` and one ``locate`` per document (its first sentence as the trigger).
Prints a table and writes a JSON file.

    .venv/bin/python benchmarks/bench_geo.py [--repeat 20] [--acled PATH] [--limit 600]
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ACLED = ROOT.parent / "shared" / "eval" / "acled" / "acled-2022-dev.csv"
RUNS = 3


def sample_texts(repeat: int) -> list[str]:
    """The sample reports of the package, each ``repeat`` times."""
    folder = resources.files("reportedly.data").joinpath("sample")
    texts = sorted(
        (p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.name.endswith(".txt")
    )
    return [t for _, t in texts] * max(repeat, 1)


def acled_notes(path: Path, limit: int) -> list[str]:
    """The notes column of an ACLED export, first ``limit`` rows; [] if the file is absent."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        notes = [row.get("notes") or "" for row in csv.DictReader(f)]
    return [n for n in notes if n.strip()][:limit]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def median_times(fns: list[Callable[[], object]], runs: int = RUNS
                 ) -> list[tuple[float, list[float]]]:
    """Median and all times of each function, the functions run in turn ``runs`` times
    (interleaved, so a neighbour's load on a shared machine falls on each alike)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, own in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            own.append(time.perf_counter() - started)
    return [(statistics.median(own), own) for own in times]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="copies of the sample reports")
    ap.add_argument("--acled", type=Path, default=DEFAULT_ACLED, help="ACLED export (optional)")
    ap.add_argument("--limit", type=int, default=600, help="ACLED notes to use")
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "bench_geo.json")
    args = ap.parse_args(argv)

    from reportedly.geo import Gazetteer, Geoparser
    from reportedly.nlp import load_nlp

    texts = sample_texts(args.repeat) + acled_notes(args.acled, args.limit)
    started = time.perf_counter()
    nlp = load_nlp()
    nlp_load_s = time.perf_counter() - started
    rss_after_nlp = peak_rss_mb()
    started = time.perf_counter()
    gaz = Gazetteer.load()
    geo_load_s = time.perf_counter() - started
    geo = Geoparser(gazetteer=gaz)

    def bare() -> None:
        for _ in nlp.pipe(texts, batch_size=32):
            pass

    def with_geo() -> None:
        for doc in nlp.pipe(texts, batch_size=32):
            toponyms = geo.toponyms(doc)
            first = next(iter(doc.sents), None)
            if first is not None:
                geo.locate(doc, toponyms, start=first.start_char, end=first.end_char)

    # Interleaved warm-up so neither configuration pays for first-call costs alone.
    for _ in nlp.pipe(texts[:8]):
        pass
    (bare_s, bare_runs), (geo_s, geo_runs) = median_times([bare, with_geo])
    n = len(texts)
    result = {
        "docs": n,
        "chars": sum(len(t) for t in texts),
        "runs": RUNS,
        "spacy_s": bare_s,
        "spacy_geo_s": geo_s,
        "spacy_docs_per_s": n / bare_s,
        "spacy_geo_docs_per_s": n / geo_s,
        "geo_overhead": geo_s / bare_s - 1,
        "spacy_runs": bare_runs,
        "spacy_geo_runs": geo_runs,
        "nlp_load_s": nlp_load_s,
        "gazetteer_load_s": geo_load_s,
        "peak_rss_mb_after_nlp": rss_after_nlp,
        "peak_rss_mb": peak_rss_mb(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    rows = [
        ("configuration", "seconds", "docs/s"),
        ("spaCy nlp.pipe", f"{bare_s:.2f}", f"{n / bare_s:.1f}"),
        ("spaCy + geoparse + locate", f"{geo_s:.2f}", f"{n / geo_s:.1f}"),
    ]
    print(f"corpus: {n} documents, {result['chars']} characters; median of {RUNS} runs")
    for a, b, c in rows:
        print(f"{a:<28}{b:>10}{c:>10}")
    print(f"geoparsing adds {result['geo_overhead']:.1%} to the spaCy pass (target <= 20%)")
    print(f"gazetteer load {geo_load_s:.2f} s (target <= 2 s); spaCy load {nlp_load_s:.2f} s")
    print(f"peak RSS {result['peak_rss_mb']:.0f} MiB (after spaCy load {rss_after_nlp:.0f} MiB)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
