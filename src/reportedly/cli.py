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
from reportedly.export import FORMATS, TEXT_FORMATS
from reportedly.loading import one_thread_numerics
from reportedly.records import Document, Extraction

log = logging.getLogger("reportedly")
EXTRACT_FORMATS = TEXT_FORMATS
# The values reportedly.resolve.Policy accepts (a test keeps the two in step).
POLICY_CHOICES = {
    "contested_perpetrator": ("unidentified", "most_sources", "first"),
    "toll": ("conservative", "highest"),
}
POLICY_HELP = (
    "resolution policy NAME=VALUE, repeatable: contested_perpetrator="
    "unidentified|most_sources|first, toll=conservative|highest"
)
EVAL_KINDS = ("seed", "acled", "geo", "wikievents")
CSV_COLUMNS_HELP = (
    "CSV/TSV inputs: which column holds each field, e.g. text=notes,published=event_date "
    "(fields: id, text, published, outlet, url, title)"
)


def _add_store_input_options(parser: argparse.ArgumentParser) -> None:
    """The options `ingest` and `batch` share: defaults for the reports, CSV mapping, policy."""
    parser.add_argument(
        "--published",
        metavar="YYYY-MM-DD",
        help="publication date of reports that do not give their own",
    )
    parser.add_argument(
        "--outlet", metavar="NAME", help="outlet of reports that do not give their own"
    )
    parser.add_argument("--csv-columns", metavar="FIELD=COLUMN,...", help=CSV_COLUMNS_HELP)
    parser.add_argument("--policy", action="append", metavar="NAME=VALUE", help=POLICY_HELP)


DATABASE_URL_HELP = (
    "PostgreSQL database instead of a DuckDB file, postgresql://USER@HOST:PORT/DB "
    "(default: $REPORTEDLY_DATABASE_URL)"
)


def _add_store_options(
    parser: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup, *, db_help: str
) -> None:
    """The store a command works on: ``--db FILE`` or ``--database-url URL``, never both
    (``_db`` picks the one given, else the settings)."""
    group = (
        parser
        if isinstance(parser, argparse._MutuallyExclusiveGroup)
        else parser.add_mutually_exclusive_group()
    )
    group.add_argument("--db", default=None, metavar="FILE", help=db_help)
    group.add_argument("--database-url", default=None, metavar="URL", help=DATABASE_URL_HELP)


DB_HELP = "DuckDB file (default: $REPORTEDLY_DB or reportedly.duckdb)"


def default_processes() -> int:
    """Every core this process may run on (the default of ``--processes``)."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def _processes(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ReportedlyError(E.E231, value=value)
    return n


def _add_processes_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--processes",
        type=str,
        default=None,
        metavar="N",
        help=f"worker processes, each loading the model once (default: all cores, here "
        f"{default_processes()})",
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; tests read it to check that the README documents every option."""
    p = argparse.ArgumentParser(
        prog="reportedly",
        description="Conflict news reports to geocoded, dated event data with every claim kept.",
    )
    p.add_argument("--version", action="version", version=f"reportedly {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ex = sub.add_parser(
        "extract", help="extract events from reports (one JSON object per document)"
    )
    ex.add_argument("files", nargs="*", metavar="FILE", help="plain-text reports")
    ex.add_argument(
        "--input-jsonl", metavar="FILE", help='JSONL lines {"id","text","published","outlet","url"}'
    )
    ex.add_argument("--published", metavar="YYYY-MM-DD", help="publication date of the reports")
    ex.add_argument("--outlet", metavar="NAME", help="the outlet that published the reports")
    ex.add_argument(
        "--format",
        choices=EXTRACT_FORMATS,
        default="json",
        help="output format (default: json, the output contract; the other "
        "formats list the events, as `reportedly events` does)",
    )
    ex.add_argument(
        "--explain", action="store_true", help="print which rule typed each event (stderr)"
    )
    ex.add_argument("--policy", action="append", metavar="NAME=VALUE", help=POLICY_HELP)
    _add_processes_option(ex)

    geo = sub.add_parser("geoparse", help="find and resolve the place names of reports")
    geo.add_argument("files", nargs="*", metavar="FILE", help="plain-text reports")
    geo.add_argument(
        "--input-jsonl", metavar="FILE", help='JSONL lines {"id","text",...}, as for extract'
    )

    ev = sub.add_parser("eval", help="score reportedly against a gold set")
    ev.add_argument("kind", choices=EVAL_KINDS, help="which gold set format PATH is")
    ev.add_argument(
        "path", help="gold file (seed .txt or .gold.json, ACLED CSV, geo XML, WikiEvents JSONL)"
    )
    ev.add_argument("--limit", type=int, help="score only the first N items")
    ev.add_argument(
        "--no-date-hint",
        action="store_true",
        help="acled: give no publication date (explicit dates only)",
    )
    ev.add_argument(
        "--confusion", action="store_true", help="acled: also print the sub-type confusion table"
    )
    ev.add_argument(
        "--checks",
        metavar="PATH",
        help="seed: machine-checkable must-not rules, a file or a folder holding "
        "<name>.must_not.json (default: tests/fixtures when it has one)",
    )

    sample = sub.add_parser("sample", help="extract the bundled sample reports into a DuckDB file")
    sample.add_argument(
        "--db", default=None, help="DuckDB file (default: $REPORTEDLY_DB or reportedly.duckdb)"
    )

    ing = sub.add_parser("ingest", help="extract reports and fuse their events into the store")
    ing.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files (.txt, .jsonl, .html, .rss/.atom/.xml, .warc(.gz), .csv/.tsv) or folders",
    )
    _add_store_options(ing, db_help=DB_HELP)
    _add_store_input_options(ing)

    bat = sub.add_parser(
        "batch", help="extract folders of reports at scale, with a prefilter and a status log"
    )
    bat.add_argument(
        "inputs", nargs="+", metavar="IN", help="files or folders (walked recursively), any format"
    )
    from reportedly.settings import setting

    # A target is required, unless REPORTEDLY_DATABASE_URL names the store to fuse into.
    target = bat.add_mutually_exclusive_group(required=not setting("database_url"))
    target.add_argument("--out", metavar="DIR", help="write events.jsonl and status.jsonl into DIR")
    _add_store_options(target, db_help="fuse the events into this DuckDB file")
    _add_processes_option(bat)
    bat.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local (this machine's processes) or dask (a LocalCluster, or --scheduler)",
    )
    bat.add_argument("--scheduler", metavar="ADDRESS", help="dask: a running scheduler's address")
    bat.add_argument(
        "--no-prefilter", action="store_true", help="extract every document, relevant or not"
    )
    _add_store_input_options(bat)

    wat = sub.add_parser("watch", help="poll RSS/Atom feeds and ingest their new items")
    wat.add_argument("feeds", nargs="+", metavar="FEED", help="feed URLs (http/https) or files")
    _add_store_options(wat, db_help=DB_HELP)
    wat.add_argument(
        "--every", default="15m", metavar="INTERVAL", help="time between polls (default: 15m)"
    )
    wat.add_argument(
        "--polls", type=int, default=None, metavar="N", help="stop after N polls (default: never)"
    )
    wat.add_argument(
        "--no-prefilter", action="store_true", help="extract every item, relevant or not"
    )
    wat.add_argument(
        "--published",
        metavar="YYYY-MM-DD",
        help="publication date of items that do not give their own",
    )
    wat.add_argument(
        "--outlet", metavar="NAME", help="outlet of items whose feed does not name one"
    )
    wat.add_argument("--policy", action="append", metavar="NAME=VALUE", help=POLICY_HELP)

    evs = sub.add_parser("events", help="list or export stored events")
    _add_store_options(evs, db_help=DB_HELP)
    evs.add_argument("--since", metavar="YYYY-MM-DD", help="only events on or after this date")
    evs.add_argument("--until", metavar="YYYY-MM-DD", help="only events on or before this date")
    evs.add_argument("--country", help="only events in this country, name or ISO code")
    evs.add_argument(
        "--type",
        dest="event_type",
        help="only events of this event type or sub-event type (e.g. Protests)",
    )
    evs.add_argument(
        "--bbox",
        metavar="W,S,E,N",
        help="only events located in this box (degrees: west,south,east,north)",
    )
    evs.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="output format (default: table); parquet needs --out",
    )
    evs.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    evs.add_argument("--policy", action="append", metavar="NAME=VALUE", help=POLICY_HELP)

    srv = sub.add_parser("serve", help="run the JSON API over a store (the team server)")
    _add_store_options(srv, db_help=DB_HELP)
    srv.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    srv.add_argument(
        "--port", type=_port, default=8000, metavar="PORT", help="port, 1-65535 (default: 8000)"
    )
    srv.add_argument(
        "--workers", type=_workers, default=1, metavar="N",
        help="API worker processes (default: 1; more need --database-url)",
    )
    return p


def _port(value: str) -> int:
    """A TCP port number, 1-65535 (argparse turns the ValueError into a usage error)."""
    port = int(value)
    if not 1 <= port <= 65535:
        raise ValueError(value)
    return port


def _own_or_warning(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or record.name.split(".")[0] == "reportedly"


def main(argv: Sequence[str] | None = None) -> int:
    one_thread_numerics()  # before anything imports numpy
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="reportedly: %(message)s",
        stream=sys.stderr,
    )
    # --verbose is for reportedly's own progress: from other libraries (a Dask cluster's
    # start-up and shut-down chatter, a dozen lines a worker) only warnings and errors show.
    for handler in logging.getLogger().handlers:
        handler.addFilter(_own_or_warning)
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
    return _read_documents(
        args.files, args.input_jsonl, published=published, outlet=getattr(args, "outlet", None)
    )


def _read_documents(
    files: Sequence[str], input_jsonl: str | None, *, published: date | None, outlet: str | None
) -> Iterator[Document | tuple[str, str]]:
    from reportedly.ingest import IngestError, read_jsonl, read_text

    for f in files:
        try:
            yield read_text(f, published=published, outlet=outlet)
        except ReportedlyError as exc:
            yield (f, str(exc))
    if input_jsonl:
        for item in read_jsonl(input_jsonl, published=published, outlet=outlet):
            yield (item.id, item.message) if isinstance(item, IngestError) else item


def _pipeline(policy=None):
    """The shared pipeline, or one resolving with the given policy."""
    from reportedly.pipeline import Pipeline, default_pipeline

    return default_pipeline() if policy is None else Pipeline(policy=policy)


def parse_policy(values: Sequence[str] | None):
    """``--policy NAME=VALUE`` options to a ``resolve.Policy`` (None when none is given)."""
    if not values:
        return None
    choices = "; ".join(f"{k}={'|'.join(v)}" for k, v in POLICY_CHOICES.items())
    chosen: dict[str, str] = {}
    for value in values:
        name, sep, setting_ = (part.strip() for part in value.partition("="))
        if not sep or name not in POLICY_CHOICES:
            raise ReportedlyError(
                E.E201, value=value, reason=f"no policy named {name!r}", choices=choices
            )
        if setting_ not in POLICY_CHOICES[name]:
            raise ReportedlyError(
                E.E201, value=value, reason=f"{name} cannot be {setting_!r}", choices=choices
            )
        chosen[name] = setting_
    from reportedly.resolve import Policy

    return Policy(**chosen)


def parse_bbox(value: str | None):
    """``--bbox W,S,E,N`` to a ``store.BBox``; a box across the antimeridian is refused."""
    if value is None:
        return None
    from reportedly.store import BBox

    parts = [p.strip() for p in value.split(",")]
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ReportedlyError(E.E200, value=value, reason="four numbers are needed") from None
    problems = (
        (not all(map(_finite, (west, south, east, north))), "not finite"),
        (not (-180 <= west <= 180 and -180 <= east <= 180), "longitude outside -180..180"),
        (not (-90 <= south <= 90 and -90 <= north <= 90), "latitude outside -90..90"),
        (west > east, "west is east of east"),
        (south > north, "south is north of north"),
    )
    for bad, reason in problems:
        if bad:
            raise ReportedlyError(E.E200, value=value, reason=reason)
    return BBox(west, south, east, north)


def _finite(x: float) -> bool:
    return x == x and abs(x) != float("inf")


def _run_pipeline(
    items: Iterable[Document | tuple[str, str]], *, policy=None, processes: int = 1
) -> Iterator[Extraction]:
    """Extract documents in order, passing error records through, with progress on stderr.
    Documents go in batches of ``REPORTEDLY_BATCH_SIZE``; with ``processes`` > 1 and more than
    one batch of input, the batches go to a pool of worker processes (one batch is extracted
    here: starting workers would cost more)."""
    from collections import deque
    from itertools import chain, islice

    size = _batch_size()
    stream = iter(items)
    groups = iter(lambda: list(islice(stream, size)), [])
    head = list(islice(groups, 2)) if processes > 1 else []
    progress = _Progress()
    if len(head) < 2:
        pipeline = _pipeline(policy)
        for group in chain(head, groups):
            done = pipeline.pipe(_docs_of(group), batch_size=size)
            yield from _emit(group, done, progress)
        progress.done()
        return
    from reportedly.batch import _extractor

    pending: deque[list] = deque()

    def chunks() -> Iterator[list[Document]]:
        for group in chain(head, groups):
            pending.append(group)
            yield _docs_of(group)

    with _extractor("local", processes=processes, policy=policy, scheduler=None) as extract:
        for _chunk, extractions in extract(chunks()):
            yield from _emit(pending.popleft(), extractions, progress)
    progress.done()


def _docs_of(group: list) -> list[Document]:
    return [item for item in group if not isinstance(item, tuple)]


def _emit(group: list, extractions: Iterable[Extraction], progress: _Progress
          ) -> Iterator[Extraction]:
    """A group's results in input order: its error records where they were."""
    done = iter(extractions)
    for item in group:
        if isinstance(item, tuple):
            print(f"reportedly: error: {item[1]}", file=sys.stderr)
            progress.step(failed=True)
            yield Extraction(item[0], (), error=item[1])
        else:
            progress.step()
            yield next(done)


def _batch_size() -> int:
    from reportedly.settings import setting

    return max(1, setting("batch_size"))


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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _explain(doc_id: str, event) -> None:
    """Which rule decided each field of an event (stderr)."""
    print(f"reportedly: {doc_id} {event.role} event:", file=sys.stderr)
    for label, value, rule in (
        ("type", event.sub_event_type, event.extras.get("rule")),
        ("date", event.event_date, event.extras.get("date_rule")),
        ("toll", event.fatalities.acled, event.extras.get("toll_rule")),
    ):
        print(f"  {label:<5} {value} <- {rule or 'no rule recorded'}", file=sys.stderr)
    from reportedly.actors import ActorResolver

    resolver = ActorResolver()  # the lexicons are loaded once per process
    country = event.location.country if event.location else None
    for field in ("actor1", "actor2", "location"):
        claims = [c for c in event.claims if c.field == field]
        value = getattr(event, field, None)
        if field == "location" and value is not None:
            loc = value
            print(
                f"  {field:<5} {loc.name} ({loc.admin1 or '-'}, {loc.country or '-'}) <- "
                f"gazetteer id {loc.geonameid}, relation {loc.relation!r}, geo_precision "
                f"{loc.geo_precision}",
                file=sys.stderr,
            )
        elif field != "location" and value:
            same = [c for c in claims if c.value == value]
            if same and same[0].stance == "unknown":
                how = "a source says the perpetrator is not known: the codebook's unknown actor"
            elif same:
                how = f"{same[0].text!r} named by " + resolver.explain(same[0].text,
                                                                       country=country)
            elif value.startswith("Unidentified"):
                how = "no perpetrator told: the codebook's unknown perpetrator"
            else:
                how = f"the actor rule of {event.event_type} (the crowd or victims it codes)"
            print(f"  {field:<5} {value} <- {how}", file=sys.stderr)
        if claims:
            c = claims[0]
            print(
                f"  {field:<5} <- {len(claims)} claim(s), first: {c.value!r} from "
                f"{c.source.name} ({c.stance}): {c.text!r}",
                file=sys.stderr,
            )


def cmd_extract(args: argparse.Namespace) -> int:
    from reportedly import export

    extractions: list[Extraction] = []
    out = sys.stdout
    ok = failed = 0
    policy = parse_policy(args.policy)
    processes = _chosen_processes(args)
    for ex in _run_pipeline(_documents(args), policy=policy, processes=processes):
        failed += ex.error is not None
        ok += ex.error is None
        if args.explain:
            for e in ex.events:
                _explain(ex.id, e)
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
        print(
            json.dumps(
                {"id": item.id, "toponyms": [t.to_dict() for t in toponyms]}, ensure_ascii=False
            )
        )
        ok += 1
    return 1 if failed and not ok else 0


# --- eval -----------------------------------------------------------------------------------


def _seed_checks(given: str | None, path: Path) -> str | None:
    """The must-not rules for a seed: as given, else the checkout's tests/fixtures copy."""
    if given:
        return given
    stem = path.name.removesuffix(".gold.json").removesuffix(".txt")
    here = Path("tests/fixtures")
    return str(here) if (here / f"{stem}.must_not.json").is_file() else None


def cmd_eval(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        raise ReportedlyError(E.E012, path=str(path))
    if args.kind == "seed":
        from reportedly.evaluate.gold import run_seed

        report = run_seed(str(path), checks=_seed_checks(args.checks, path))
        print(report.table())
        return 0 if report.passed else 1
    if args.kind == "acled":
        from reportedly.evaluate.acled import evaluate_acled

        scores = evaluate_acled(
            str(path), limit=args.limit, published_offset_days=None if args.no_date_hint else 3
        )
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
    """The store a command works on: ``--database-url``, else ``--db``, else
    ``$REPORTEDLY_DATABASE_URL`` (for the commands that take ``--database-url``), else
    ``$REPORTEDLY_DB``, else ``reportedly.duckdb``. A database URL that is not a
    ``postgresql://`` one is E211 here, before anything is read."""
    from reportedly.settings import setting
    from reportedly.storage import is_url, redact

    takes_url = hasattr(args, "database_url")
    url = getattr(args, "database_url", None) or (
        None if args.db or not takes_url else setting("database_url") or None
    )
    if url is None:
        return args.db or setting("db")
    if not is_url(url):
        raise ReportedlyError(
            E.E211, url=redact(url), reason="it does not start with postgresql://"
        )
    return url


def sample_documents() -> list[Document]:
    """The bundled sample: reports written for this project, with their date and outlet."""
    from importlib import resources

    folder = resources.files("reportedly").joinpath("data/sample")
    docs = []
    for txt in sorted(p for p in folder.iterdir() if p.name.endswith(".txt")):
        meta_file = folder.joinpath(txt.name[:-4] + ".gold.json")
        meta = (
            json.loads(meta_file.read_text("utf-8")).get("document", {})
            if meta_file.is_file()
            else {}
        )
        docs.append(
            Document.from_text(
                txt.read_text("utf-8"),
                published=meta.get("published"),
                outlet=meta.get("outlet"),
                path=txt.name,
            )
        )
    return docs


def _ingest(store, documents: list[tuple[Document, str]], *, policy=None) -> tuple[int, int]:
    """Extract and store documents one transaction each, skipping those stored already;
    a line per document on stderr. Returns (stored, skipped)."""
    todo = []
    skipped = 0
    for doc, path in documents:
        if store.is_stored(doc):
            store.log(doc.id, path, "skipped", "already stored")
            print(f"reportedly: {path}: already stored, skipped", file=sys.stderr)
            skipped += 1
        else:
            todo.append((doc, path))
    if not todo:
        return 0, skipped
    pipeline = _pipeline(policy)
    extractions = pipeline.pipe((d for d, _ in todo), batch_size=_batch_size())
    stored = 0
    for i, ((doc, path), ex) in enumerate(zip(todo, extractions, strict=True), start=1):
        result = store.ingest(doc, ex, path=path)
        if result.status == "failed":
            print(f"reportedly: error: {result.reason}", file=sys.stderr)
        elif result.status == "extracted":
            stored += 1
            print(
                f"reportedly: [{i}/{len(todo)}] {path}: {_count(result.events, 'event')}, "
                f"{result.merged} joined a stored event",
                file=sys.stderr,
            )
        else:
            skipped += 1
            print(
                f"reportedly: [{i}/{len(todo)}] {path}: skipped ({result.reason})", file=sys.stderr
            )
    return stored, skipped


def cmd_sample(args: argparse.Namespace) -> int:
    from reportedly import export
    from reportedly.store import Store

    db = _db(args)
    documents = sample_documents()
    print(f"reportedly: extracting {len(documents)} sample reports into {db} ...", file=sys.stderr)
    with Store(db) as store:
        _ingest(store, [(d, d.path or d.id) for d in documents])
        n_docs, n_events = store.count()
        events = list(store.events())
    print(export.table(events))
    print(f"\n{n_events} events from {n_docs} reports stored in {db}.")
    print(
        f"Look further: .venv/bin/reportedly events --db {db} --format json "
        "(or --format acled-csv / ucdp-csv / geojson, --country Syria, --type Protests)"
    )
    return 0


def _ingest_inputs(
    paths: Sequence[str],
    *,
    published: date | None,
    outlet: str | None,
    csv_columns: dict[str, str] | None = None,
) -> Iterator[tuple[Document, str] | tuple[None, str, str]]:
    """(document, where it came from) for each readable input; (None, where, message) otherwise.

    Any format the readers know, folders walked recursively (``reportedly.readers``)."""
    from reportedly.ingest import IngestError
    from reportedly.readers import read_path

    for path in paths:
        for item in read_path(path, published=published, outlet=outlet, csv_columns=csv_columns):
            if isinstance(item, IngestError):
                yield (None, item.id, item.message)
            else:
                yield (item, item.path or path)


def cmd_ingest(args: argparse.Namespace) -> int:
    from reportedly.ingest import parse_date
    from reportedly.store import Store

    published = parse_date(args.published)
    policy = parse_policy(args.policy)
    db = _db(args)
    documents: list[tuple[Document, str]] = []
    failures: list[tuple[str, str]] = []
    from reportedly.readers import parse_columns

    columns = parse_columns(args.csv_columns)
    for item in _ingest_inputs(
        args.paths, published=published, outlet=args.outlet, csv_columns=columns
    ):
        if item[0] is None:
            print(f"reportedly: error: {item[2]}", file=sys.stderr)
            failures.append((item[1], item[2]))
        else:
            documents.append((item[0], item[1]))
    with Store(db, policy=policy) as store:
        for where, message in failures:
            store.log(None, where, "failed", message)
        stored, skipped = _ingest(store, documents, policy=policy)
        n_docs, n_events = store.count()
    print(
        f"reportedly: stored {stored} documents ({skipped} skipped, {len(failures)} failed); "
        f"the store holds {n_events} events from {n_docs} documents",
        file=sys.stderr,
    )
    return 1 if failures and not documents else 0


def cmd_batch(args: argparse.Namespace) -> int:
    from reportedly.batch import run_batch
    from reportedly.ingest import parse_date
    from reportedly.readers import parse_columns

    published = parse_date(args.published)
    policy = parse_policy(args.policy)
    columns = parse_columns(args.csv_columns)
    processes = _chosen_processes(args)
    summary = run_batch(
        args.inputs,
        out=args.out,
        db=None if args.out else _db(args),
        processes=processes,
        engine=args.engine,
        scheduler=args.scheduler,
        published=published,
        outlet=args.outlet,
        csv_columns=columns,
        use_prefilter=not args.no_prefilter,
        policy=policy,
    )
    return 1 if summary.failed and summary.failed == summary.read else 0


def _chosen_processes(args: argparse.Namespace) -> int:
    value = getattr(args, "processes", None)
    return default_processes() if value is None else _processes(value)


def cmd_watch(args: argparse.Namespace) -> int:
    from reportedly.ingest import parse_date
    from reportedly.watch import Watcher, parse_interval

    every = parse_interval(args.every)
    published = parse_date(args.published)
    policy = parse_policy(args.policy)
    if args.polls is not None and args.polls < 1:
        raise ReportedlyError(E.E231, value=str(args.polls))
    from reportedly.storage import redact

    db = _db(args)
    watcher = Watcher(args.feeds, db=db, every=every, published=published,
                      outlet=args.outlet, use_prefilter=not args.no_prefilter, policy=policy)
    print(f"reportedly: watching {_count(len(args.feeds), 'feed')} into {redact(db)} every "
          f"{args.every} (Ctrl-C to stop)", file=sys.stderr)
    watcher.run(polls=args.polls)
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    from reportedly import export
    from reportedly.ingest import parse_date
    from reportedly.store import Store

    since, until = parse_date(args.since), parse_date(args.until)
    bbox = parse_bbox(args.bbox)
    policy = parse_policy(args.policy)
    if args.format in export.BINARY_FORMATS and not args.out:
        raise ReportedlyError(E.E202, fmt=args.format)
    from reportedly.storage import is_url

    db = _db(args)
    if not is_url(db) and not Path(db).exists():
        raise ReportedlyError(
            E.E013, path=db, reason="no such file; run `reportedly ingest` or `make run` first"
        )
    with Store(db) as store:
        events = list(
            store.events(
                since=since,
                until=until,
                country=args.country,
                event_type=args.event_type,
                bbox=bbox,
            )
        )
        if policy is not None:
            events = store.resolved_again(events, policy=policy)
        articles = store.articles()
    _write_events(events, args.format, args.out, articles=articles)
    print(f"reportedly: {len(events)} events", file=sys.stderr)
    return 0


def _write_events(events, fmt: str, out: str | None, *, articles: dict[str, str]) -> None:
    import duckdb

    from reportedly import export

    try:
        if fmt in export.BINARY_FORMATS:
            export.write_parquet(events, out)
        elif out:
            with open(out, "w", encoding="utf-8", newline="") as fh:
                export.write_events(events, fmt, fh, articles=articles)
        else:
            export.write_events(events, fmt, sys.stdout, articles=articles)
    except OSError as exc:
        raise ReportedlyError(E.E203, path=out, reason=exc.strerror or str(exc)) from None
    except duckdb.Error as exc:  # the Parquet target cannot be written
        raise ReportedlyError(E.E203, path=out, reason=str(exc).splitlines()[0]) from None


# --- serve ----------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from reportedly.server import create_app
    from reportedly.storage import is_url, redact

    target = _db(args)
    if args.workers > 1 and not is_url(target):
        raise ReportedlyError(E.E215, workers=args.workers)
    app = create_app(db=target)  # opens the store now: a bad file or server fails here
    print(f"reportedly: serving {redact(target)} on http://{args.host}:{args.port} with "
          f"{args.workers} worker(s) (OpenAPI at /openapi.json)", file=sys.stderr)
    if args.workers == 1:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
        return 0
    app.state.backend.close()
    # Each worker process builds its own app from the settings, on the one database.
    os.environ["REPORTEDLY_DATABASE_URL"] = target
    uvicorn.run("reportedly.server.app:app_from_settings", factory=True, workers=args.workers,
                host=args.host, port=args.port, log_level="warning")
    return 0


def _workers(value: str) -> int:
    """A number of API worker processes, 1-64."""
    workers = int(value)
    if not 1 <= workers <= 64:
        raise ValueError(value)
    return workers


COMMANDS = {
    "extract": cmd_extract,
    "geoparse": cmd_geoparse,
    "eval": cmd_eval,
    "sample": cmd_sample,
    "ingest": cmd_ingest,
    "events": cmd_events,
    "batch": cmd_batch,
    "watch": cmd_watch,
    "serve": cmd_serve,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
