"""The command line: a thin wrapper that parses, checks, calls the library and prints.

Data goes to stdout (JSON lines, CSV, GeoJSON, tables); logs and progress go to stderr.
A user's mistake is one line on stderr and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path

from reportedly import __version__
from reportedly.errors import E, ReportedlyError
from reportedly.records import Document, Extraction

log = logging.getLogger("reportedly")
EXTRACT_FORMATS = ("json", "acled-csv", "geojson", "table")
EVAL_KINDS = ("seed", "acled", "geo", "wikievents")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; tests read it to check that the README documents every option."""
    p = argparse.ArgumentParser(
        prog="reportedly",
        description="Conflict news reports to geocoded, dated event data with every claim kept.",
    )
    p.add_argument("--version", action="version", version=f"reportedly {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ex = sub.add_parser("extract",
                        help="extract events from reports (one JSON object per document)")
    ex.add_argument("files", nargs="*", metavar="FILE", help="plain-text reports")
    ex.add_argument("--input-jsonl", metavar="FILE",
                    help='JSONL lines {"id","text","published","outlet","url"}')
    ex.add_argument("--published", metavar="YYYY-MM-DD", help="publication date of the reports")
    ex.add_argument("--outlet", metavar="NAME", help="the outlet that published the reports")
    ex.add_argument("--format", choices=EXTRACT_FORMATS, default="json",
                    help="output format (default: json, the output contract)")
    ex.add_argument("--explain", action="store_true",
                    help="print which rule typed each event (stderr)")

    geo = sub.add_parser("geoparse", help="find and resolve the place names of reports")
    geo.add_argument("files", nargs="*", metavar="FILE", help="plain-text reports")
    geo.add_argument("--input-jsonl", metavar="FILE",
                     help='JSONL lines {"id","text",...}, as for extract')

    ev = sub.add_parser("eval", help="score reportedly against a gold set")
    ev.add_argument("kind", choices=EVAL_KINDS, help="which gold set format PATH is")
    ev.add_argument("path", help="gold file (seed .txt or .gold.json, ACLED CSV, geo XML, "
                                 "WikiEvents JSONL)")
    ev.add_argument("--limit", type=int, help="score only the first N items")
    ev.add_argument("--no-date-hint", action="store_true",
                    help="acled: give no publication date (explicit dates only)")
    ev.add_argument("--confusion", action="store_true",
                    help="acled: also print the sub-type confusion table")

    sample = sub.add_parser("sample", help="extract the bundled sample reports into a DuckDB file")
    sample.add_argument("--db", default=None,
                        help="DuckDB file (default: $REPORTEDLY_DB or reportedly.duckdb)")

    ing = sub.add_parser("ingest", help="extract reports and store their events")
    ing.add_argument("paths", nargs="+", metavar="PATH", help=".txt or .jsonl files")
    ing.add_argument("--db", default=None,
                     help="DuckDB file (default: $REPORTEDLY_DB or reportedly.duckdb)")
    ing.add_argument("--published", metavar="YYYY-MM-DD",
                     help="publication date of reports that do not give their own")
    ing.add_argument("--outlet", metavar="NAME",
                     help="outlet of reports that do not give their own")

    evs = sub.add_parser("events", help="list stored events")
    evs.add_argument("--db", default=None,
                     help="DuckDB file (default: $REPORTEDLY_DB or reportedly.duckdb)")
    evs.add_argument("--country", help="only events in this country (e.g. Syria)")
    evs.add_argument("--type", dest="event_type",
                     help="only events of this event type or sub-event type (e.g. Protests)")
    evs.add_argument("--format", choices=EXTRACT_FORMATS, default="table",
                     help="output format (default: table)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="reportedly: %(message)s", stream=sys.stderr)
    try:
        return COMMANDS[args.command](args)
    except ReportedlyError as exc:
        print(f"reportedly: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("reportedly: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


# --- extract --------------------------------------------------------------------------------


def _documents(args: argparse.Namespace) -> Iterator[Document | tuple[str, str]]:
    """Documents from FILE arguments and --input-jsonl; a bad input yields (id, message).

    The command line itself is checked here, before anything is read or the model loads.
    """
    from reportedly.ingest import parse_date

    published = parse_date(getattr(args, "published", None))
    if not args.files and not args.input_jsonl:
        raise ReportedlyError(E.E001, path="(no input: give FILE... or --input-jsonl FILE)")
    if args.input_jsonl and not Path(args.input_jsonl).is_file():
        raise ReportedlyError(E.E001, path=args.input_jsonl)
    return _read_documents(args.files, args.input_jsonl, published=published,
                           outlet=getattr(args, "outlet", None))


def _read_documents(files: Sequence[str], input_jsonl: str | None, *, published: date | None,
                    outlet: str | None) -> Iterator[Document | tuple[str, str]]:
    from reportedly.ingest import IngestError, read_jsonl, read_text

    for f in files:
        try:
            yield read_text(f, published=published, outlet=outlet)
        except ReportedlyError as exc:
            yield (f, str(exc))
    if input_jsonl:
        for item in read_jsonl(input_jsonl, published=published, outlet=outlet):
            yield (item.id, item.message) if isinstance(item, IngestError) else item


def _run_pipeline(items: Iterable[Document | tuple[str, str]]) -> Iterator[Extraction]:
    """Extract documents in order, passing error records through, with progress on stderr."""
    from reportedly.pipeline import default_pipeline

    pipeline = default_pipeline()
    batch_size = _batch_size()
    pending: list[Document] = []
    progress = _Progress()
    for item in items:
        if isinstance(item, tuple):
            yield from _flush(pipeline, pending, progress)
            pending = []
            print(f"reportedly: error: {item[1]}", file=sys.stderr)
            progress.step(failed=True)
            yield Extraction(item[0], (), error=item[1])
            continue
        pending.append(item)
        if len(pending) >= batch_size:
            yield from _flush(pipeline, pending, progress)
            pending = []
    yield from _flush(pipeline, pending, progress)
    progress.done()


def _batch_size() -> int:
    from reportedly.settings import setting

    return max(1, setting("batch_size"))


def _flush(pipeline, pending: list[Document], progress: _Progress) -> Iterator[Extraction]:
    for ex in pipeline.pipe(pending, batch_size=_batch_size()):
        progress.step()
        yield ex


class _Progress:
    """A docs/s counter on stderr for long runs (silent for a handful of documents)."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.n = self.failed = 0
        self.shown = False

    def step(self, *, failed: bool = False) -> None:
        self.n += 1
        self.failed += failed
        if self.n % 100 == 0:
            rate = self.n / max(time.perf_counter() - self.t0, 1e-9)
            print(f"\rreportedly: {self.n} documents, {rate:.1f} docs/s", end="", file=sys.stderr)
            self.shown = True

    def done(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    from reportedly import export

    extractions: list[Extraction] = []
    out = sys.stdout
    ok = failed = 0
    for ex in _run_pipeline(_documents(args)):
        failed += ex.error is not None
        ok += ex.error is None
        if args.explain:
            for e in ex.events:
                print(f"reportedly: {ex.id} {e.role}: {e.sub_event_type} <- {e.extras.get('rule')}",
                      file=sys.stderr)
        if args.format == "json":
            export.write_json([ex], out)
        else:
            extractions.append(ex)
    if args.format != "json":
        export.write(extractions, args.format, out)
    return 1 if failed and not ok else 0


def cmd_geoparse(args: argparse.Namespace) -> int:
    from reportedly.geo import Geoparser
    from reportedly.nlp import load_nlp

    geo = Geoparser()
    nlp = load_nlp()
    ok = failed = 0
    for item in _documents(args):
        if isinstance(item, tuple):
            print(f"reportedly: error: {item[1]}", file=sys.stderr)
            print(json.dumps({"id": item[0], "toponyms": [], "error": item[1]}))
            failed += 1
            continue
        toponyms = geo.toponyms(nlp(item.text))
        print(json.dumps({"id": item.id, "toponyms": [t.to_dict() for t in toponyms]},
                         ensure_ascii=False))
        ok += 1
    return 1 if failed and not ok else 0


# --- eval -----------------------------------------------------------------------------------


def cmd_eval(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        raise ReportedlyError(E.E012, path=str(path))
    if args.kind == "seed":
        from reportedly.evaluate.gold import run_seed

        report = run_seed(str(path))
        print(report.table())
        return 0 if report.passed else 1
    if args.kind == "acled":
        from reportedly.evaluate.acled import evaluate_acled

        scores = evaluate_acled(str(path), limit=args.limit,
                                published_offset_days=None if args.no_date_hint else 3)
        print(scores.table())
        if args.confusion:
            print()
            print(scores.confusion_table())
        return 0
    if args.kind == "geo":
        from reportedly.evaluate.geo import evaluate_geo

        print(evaluate_geo(str(path), limit=args.limit).table())
        return 0
    from reportedly.evaluate.wikievents import evaluate_wikievents

    print(evaluate_wikievents(str(path)).table())
    return 0


# --- store ----------------------------------------------------------------------------------


def _db(args: argparse.Namespace) -> str:
    from reportedly.settings import setting

    return args.db or setting("db")


def sample_documents() -> list[Document]:
    """The bundled sample: reports written for this project, with their date and outlet."""
    from importlib import resources

    folder = resources.files("reportedly").joinpath("data/sample")
    docs = []
    for txt in sorted(p for p in folder.iterdir() if p.name.endswith(".txt")):
        meta_file = folder.joinpath(txt.name[:-4] + ".gold.json")
        meta = (json.loads(meta_file.read_text("utf-8")).get("document", {})
                if meta_file.is_file() else {})
        docs.append(Document.from_text(txt.read_text("utf-8"), published=meta.get("published"),
                                       outlet=meta.get("outlet"), path=txt.name))
    return docs


def _store_extractions(db: str, documents: list[Document]) -> tuple[int, int]:
    from reportedly.pipeline import default_pipeline
    from reportedly.store import Store

    with Store(db) as store:
        pipeline = default_pipeline()
        store.add_many(zip(documents, pipeline.pipe(documents, batch_size=_batch_size()),
                           strict=True))
        return store.count()


def cmd_sample(args: argparse.Namespace) -> int:
    from reportedly import export
    from reportedly.store import Store

    db = _db(args)
    documents = sample_documents()
    print(f"reportedly: extracting {len(documents)} sample reports into {db} ...", file=sys.stderr)
    n_docs, n_events = _store_extractions(db, documents)
    with Store(db) as store:
        events = list(store.events())
    print(export.table(events))
    print(f"\n{n_events} events from {n_docs} reports stored in {db}.")
    print(f"Look further: .venv/bin/reportedly events --db {db} --format json "
          "(or --format acled-csv / geojson, --country Syria, --type Protests)")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from reportedly.ingest import IngestError, parse_date, read_jsonl, read_text

    published = parse_date(args.published)
    documents: list[Document] = []
    failed = 0
    for path in args.paths:
        try:
            if path.endswith(".jsonl"):
                for item in read_jsonl(path, published=published, outlet=args.outlet):
                    if isinstance(item, IngestError):
                        print(f"reportedly: error: {item.message}", file=sys.stderr)
                        failed += 1
                    else:
                        documents.append(item)
            else:
                documents.append(read_text(path, published=published, outlet=args.outlet))
        except ReportedlyError as exc:
            print(f"reportedly: error: {exc}", file=sys.stderr)
            failed += 1
    if not documents:
        return 1 if failed else 0
    n_docs, n_events = _store_extractions(_db(args), documents)
    print(f"reportedly: stored {len(documents)} documents; the store holds {n_events} events "
          f"from {n_docs} documents", file=sys.stderr)
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    from reportedly import export
    from reportedly.store import Store

    db = _db(args)
    if not Path(db).exists():
        raise ReportedlyError(E.E013, path=db,
                              reason="no such file; run `reportedly ingest` or `make run` first")
    with Store(db) as store:
        events = list(store.events(country=args.country, event_type=args.event_type))
    export.write([Extraction("store", tuple(events))], args.format, sys.stdout)
    return 0


COMMANDS = {
    "extract": cmd_extract,
    "geoparse": cmd_geoparse,
    "eval": cmd_eval,
    "sample": cmd_sample,
    "ingest": cmd_ingest,
    "events": cmd_events,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
