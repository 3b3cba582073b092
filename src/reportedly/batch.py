"""Batch extraction at scale: folders of reports in, events and a status per document out.

Documents are read by ``reportedly.readers`` (any mix of formats, folders walked), passed
through the cheap ``prefilter``, extracted in ``nlp.pipe`` batches (in this process, in a pool
of worker processes, or on a Dask cluster) and written either to a folder (``events.jsonl``
in the output contract, ``status.jsonl`` with one line per document) or into a store (events
fused, each document's status in its ingest log). Results come back in input order whatever
the engine, so every engine writes the same output.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from reportedly import prefilter, sidecar
from reportedly.errors import E, ReportedlyError
from reportedly.ingest import IngestError
from reportedly.loading import long_lived
from reportedly.readers import read_path
from reportedly.records import Document, Extraction

ENGINES = ("local", "dask")
EVENTS_FILE = "events.jsonl"
STATUS_FILE = "status.jsonl"
SKIPPED_IRRELEVANT = prefilter.REASON

log = logging.getLogger(__name__)


@dataclass
class Summary:
    """Counts of one batch run, by status."""

    read: int = 0
    extracted: int = 0
    skipped: int = 0
    failed: int = 0
    events: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    # When the first batch came back: what came before is start-up (models loading, workers
    # starting); what came after is the steady rate.
    first_extracted_s: float | None = None
    extracted_after_first: int = 0
    # Chunks a local Dask cluster's workers sent to their helper processes (reportedly.sidecar)
    helper_chunks: int = 0

    @property
    def steady_docs_per_s(self) -> float | None:
        """Documents extracted per second after the first batch came back (start-up left
        out), or None when there was only one batch."""
        if self.first_extracted_s is None or self.extracted_after_first <= 0:
            return None
        span = self.seconds - self.first_extracted_s
        return self.extracted_after_first / span if span > 0 else None

    def line(self) -> str:
        rate = self.read / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.read} documents: {self.extracted} extracted ({self.events} events), "
                f"{self.skipped} skipped, {self.failed} failed; {rate:.1f} docs/s")


@dataclass(frozen=True)
class Status:
    """What happened to one document: extracted, skipped or failed, and why."""

    id: str | None
    path: str | None
    status: str
    reason: str = ""
    events: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "status": self.status, "reason": self.reason,
                "events": self.events}


def run_batch(
    inputs: Sequence[str],
    *,
    out: str | None = None,
    db: str | None = None,
    processes: int = 1,
    engine: str = "local",
    published: date | None = None,
    outlet: str | None = None,
    csv_columns: Mapping[str, str] | None = None,
    use_prefilter: bool = True,
    batch_size: int | None = None,
    policy: Any = None,
    scheduler: str | None = None,
    progress: bool = True,
    seen: set[str] | None = None,
) -> Summary:
    """Read, filter, extract and write every document under ``inputs``; exactly one of ``out``
    (a folder) or ``db`` (a DuckDB file or a ``postgresql://`` URL, ``Store(db)``) receives
    the results. ``progress``: a line with
    docs/s on stderr, rewritten in place. ``seen`` (a watcher's memory): documents whose id it
    holds, or that are stored already, are passed over without a status; the id of every
    document given a status is added to it."""
    if (out is None) == (db is None):
        raise ReportedlyError(E.E001, path="(give exactly one of --out DIR or --db PATH)")
    if engine not in ENGINES:
        raise ReportedlyError(E.E014, value=engine, choices=", ".join(ENGINES))
    size = batch_size or _default_batch_size()
    meter = _Meter(sys.stderr if progress else None)
    sink = _FolderSink(out) if out is not None else _StoreSink(db, policy)  # type: ignore[arg-type]
    try:
        documents = _admitted(inputs, sink=sink, meter=meter, use_prefilter=use_prefilter,
                              seen=seen, published=published, outlet=outlet,
                              csv_columns=csv_columns)
        extractor = _extractor(engine, processes=max(1, processes), policy=policy,
                               scheduler=scheduler)
        with extractor as extract:
            for chunk, extractions in extract(_chunks(documents, size)):
                for doc, ex in zip(chunk, extractions, strict=True):
                    meter.count(sink.write(doc, ex))
                meter.first_batch_done()
            # The progress line ends before a cluster's closing words reach the log.
            summary = meter.finish()
    finally:
        sink.close()
    if extractor.helper_chunks is not None:
        summary.helper_chunks = extractor.helper_chunks
        log.info("%d chunks went through the workers' helper processes", summary.helper_chunks)
    return summary


def _default_batch_size() -> int:
    from reportedly.settings import setting

    return max(1, setting("batch_size"))


def _admitted(inputs: Iterable[str], *, sink, meter: _Meter, use_prefilter: bool,
              seen: set[str] | None = None, **read_options) -> Iterator[Document]:
    """Documents worth extracting; the others get their status written at once."""
    for path in inputs:
        for item in read_path(path, **read_options):
            if isinstance(item, IngestError):
                meter.count(sink.status(Status(None, item.id, "failed", item.message)))
            elif seen is not None and (item.id in seen or sink.has(item)):
                seen.add(item.id)
            elif use_prefilter and not prefilter.is_relevant(item.text):
                meter.count(sink.status(
                    Status(item.id, item.path, "skipped", SKIPPED_IRRELEVANT)))
            elif sink.has(item):
                meter.count(sink.status(Status(item.id, item.path, "skipped", "already stored")))
            else:
                yield item
            if seen is not None and not isinstance(item, IngestError):
                seen.add(item.id)


def _chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for doc in documents:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- engines --------------------------------------------------------------------------------

Chunks = Iterable[list[Document]]
Extractor = Callable[[Chunks], Iterator[tuple[list[Document], list[Extraction]]]]

_WORKER_PIPELINES: dict[str, Any] = {}


def extract_chunk(documents: list[Document], policy: Any = None) -> list[Extraction]:
    """Extract one chunk with this process's pipeline (loaded once per process and policy).
    A document the pipeline fails on becomes an error record; the chunk goes on."""
    key = repr(policy)
    if key not in _WORKER_PIPELINES:
        with long_lived():  # the import of spaCy and the model: made once, kept for good
            from reportedly.pipeline import Pipeline, default_pipeline

            _WORKER_PIPELINES[key] = (default_pipeline() if policy is None
                                      else Pipeline(policy=policy))
    pipeline = _WORKER_PIPELINES[key]
    try:
        return list(pipeline.pipe(documents, batch_size=len(documents) or 1))
    except Exception:  # noqa: BLE001 - find the document at fault, keep the others
        return [_extract_one(pipeline, d) for d in documents]


def extract_on_worker(documents: list[Document], policy: Any = None) -> list[Extraction]:
    """A Dask task: the chunk extracted by this worker's helper process where it has one
    (``reportedly.sidecar``), else here."""
    helper = sidecar.for_this_worker()
    extractions = helper.extract(documents, policy) if helper is not None else None
    return extract_chunk(documents, policy) if extractions is None else extractions


def _extract_one(pipeline, document: Document) -> Extraction:
    try:
        return pipeline(document)
    except Exception as exc:  # noqa: BLE001 - one bad document must not end a batch run
        return Extraction(document.id, (), error=f"{document.path or document.id}: pipeline "
                                                 f"error ({type(exc).__name__}: {exc})")


class _extractor:
    """Context manager giving an Extractor for the engine; closes pools and clusters."""

    def __init__(self, engine: str, *, processes: int, policy: Any, scheduler: str | None):
        self.engine, self.processes, self.policy, self.scheduler = (
            engine, processes, policy, scheduler)
        self._close: list[Callable[[], None]] = []
        self.helper_chunks: int | None = None  # after exit: what helpers extracted, if any

    def __enter__(self) -> Extractor:
        try:
            if self.engine == "dask":
                return self._dask()
            if self.processes > 1:
                return self._pool()
        except BaseException:
            self.__exit__()  # what had started before the failure (helpers, a cluster) ends
            raise
        return lambda chunks: ((c, extract_chunk(c, self.policy)) for c in chunks)

    def __exit__(self, *exc: object) -> None:
        for close in reversed(self._close):
            close()

    def _pool(self) -> Extractor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork shares the model already loaded in this process; elsewhere spawn loads it anew.
        method = "fork" if _can_fork() else "spawn"
        pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context(method))
        self._close.append(lambda: pool.shutdown(cancel_futures=True))
        return lambda chunks: _in_order(
            chunks, lambda c: pool.submit(extract_chunk, c, self.policy), 2 * self.processes)

    def _dask(self) -> Extractor:
        import dask
        from dask.distributed import Client, LocalCluster

        if self.scheduler:
            client = Client(self.scheduler)
            workers = max(1, len(client.scheduler_info().get("workers", {})))
        else:
            conf = {"distributed.nanny.pre-spawn-environ": _worker_environ(),
                    "distributed.worker.profile.enabled": False, **_QUIET_LOCAL_CLUSTER}
            n_workers = self.processes if self.processes > 1 else 2
            if _can_fork():
                # Workers forked from this process share the pipeline loaded here: one model
                # load instead of one per worker, and no worker imports spaCy anew. Helpers
                # forked before the cluster starts any thread extract for them (see sidecar).
                extract_chunk([], self.policy)
                conf["distributed.worker.multiprocessing-method"] = "fork"
                helpers = sidecar.start(range(n_workers))
                if helpers:
                    self._close.append(lambda: setattr(
                        self, "helper_chunks", sidecar.stop(helpers)))
                log.info("a local Dask cluster of %d workers, %s", n_workers,
                         "each extracting through its own helper process" if helpers else
                         "extracting in their own threads (this process has run threads, so "
                         "helpers forked from it would be no faster)")
            with dask.config.set(conf), _ctrl_c_ignored():
                cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1,
                                       processes=True, dashboard_address=None)
            self._close.append(cluster.close)
            client = Client(cluster)
            workers = len(cluster.workers)
        self._close.append(client.close)
        # pure=False: two identical chunks (the same texts twice) are still both extracted.
        # Four chunks a worker in flight: a result travels through the scheduler, and with
        # only two a worker waits for the next chunk while the oldest result is collected.
        return lambda chunks: _in_order(
            chunks, lambda c: client.submit(extract_on_worker, c, self.policy, pure=False),
            4 * workers)


# A local cluster's own upkeep, slowed down: by default its scheduler and workers wake every
# 20 ms to time their event loops, every 100 ms to read each worker's memory and every 500 ms
# for system statistics, and the scheduler looks for work to steal. Idle, that upkeep took
# 0.4 s of CPU in ten seconds in the batch process and 0.35 s in the two workers; with these
# settings 0.06 s and 0.04 s. On a laptop those cycles come out of the workers' two cores,
# and every wake-up takes the interpreter lock from a worker's running task. Chunks are sent
# in input order to at most four a worker, so there is nothing to steal; memory limits still
# hold, read every second.
_QUIET_LOCAL_CLUSTER = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
}


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """Ctrl-C ignored while the local cluster forks its workers: they inherit that and leave
    it to this process, which closes the cluster and reports the interruption once (each worker
    would otherwise print a traceback of its own). The main thread only; elsewhere a no-op."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _can_fork() -> bool:
    """Whether local workers may be forked (Linux; macOS's system libraries refuse forks of
    a threaded process, so spawn stays there and on Windows)."""
    import multiprocessing

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _worker_environ() -> dict[str, Any]:
    """The environment Dask's nannies give the workers they start, without the
    ``MALLOC_TRIM_THRESHOLD_`` Dask sets by default: a 64 KiB trim threshold hands the heap
    back to the kernel again and again under spaCy's many small allocations, work a worker
    that runs one job to its end does not need. The one-thread settings for BLAS stay. (The
    workers' statistical profiler is switched off beside it: sampling spaCy's deep stacks
    every 10 ms cost a quarter of the workers' throughput here.)"""
    import dask

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    return environ


def _in_order(chunks: Chunks, submit: Callable[[list[Document]], Any], window: int
              ) -> Iterator[tuple[list[Document], list[Extraction]]]:
    """Results in input order, with at most ``window`` chunks in flight so memory stays flat."""
    pending: deque[tuple[list[Document], Any]] = deque()
    for chunk in chunks:
        pending.append((chunk, submit(chunk)))
        if len(pending) >= window:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()


# --- sinks ----------------------------------------------------------------------------------


class _FolderSink:
    """events.jsonl (the output contract, extracted documents) and status.jsonl (all)."""

    def __init__(self, folder: str) -> None:
        path = Path(folder)
        try:
            path.mkdir(parents=True, exist_ok=True)
            self.events = (path / EVENTS_FILE).open("w", encoding="utf-8")
            self.statuses = (path / STATUS_FILE).open("w", encoding="utf-8")
        except OSError as exc:
            raise ReportedlyError(E.E203, path=folder, reason=exc.strerror or str(exc)) from None

    def has(self, document: Document) -> bool:
        return False

    def status(self, status: Status) -> Status:
        self.statuses.write(json.dumps(status.to_dict(), ensure_ascii=False) + "\n")
        return status

    def write(self, document: Document, extraction: Extraction) -> Status:
        self.events.write(json.dumps(extraction.to_dict(), ensure_ascii=False) + "\n")
        if extraction.error:
            return self.status(Status(document.id, document.path, "failed", extraction.error))
        return self.status(Status(document.id, document.path, "extracted", "",
                                  len(extraction.events)))

    def close(self) -> None:
        self.events.close()
        self.statuses.close()


class _StoreSink:
    """Events fused into a store; every document's status in its ingest log."""

    def __init__(self, db: str, policy: Any) -> None:
        from reportedly.store import Store

        self.store = Store(db, policy=policy)
        self.store.__enter__()

    def has(self, document: Document) -> bool:
        return self.store.is_stored(document)

    def status(self, status: Status) -> Status:
        self.store.log(status.id, status.path, status.status, status.reason)
        return status

    def write(self, document: Document, extraction: Extraction) -> Status:
        result = self.store.ingest(document, extraction, path=document.path)
        return Status(document.id, document.path, result.status, result.reason or "",
                      result.events)

    def close(self) -> None:
        self.store.__exit__(None, None, None)


class _Meter:
    """Counts by status and a progress line with docs/s on stderr, rewritten in place."""

    def __init__(self, stream: IO[str] | None, every: float = 0.5) -> None:
        self.stream, self.every = stream, every
        self.summary = Summary()
        self.t0 = self.last = time.perf_counter()

    def count(self, status: Status) -> None:
        s = self.summary
        s.read += 1
        s.statuses[status.status] = s.statuses.get(status.status, 0) + 1
        if status.status == "extracted":
            s.extracted += 1
            s.events += status.events
            if s.first_extracted_s is not None:
                s.extracted_after_first += 1
        elif status.status == "failed":
            s.failed += 1
        else:
            s.skipped += 1
        now = time.perf_counter()
        if self.stream is not None and now - self.last >= self.every:
            self.last = now
            s.seconds = now - self.t0
            print(f"\rreportedly: {s.line()}", end="", file=self.stream, flush=True)

    def first_batch_done(self) -> None:
        if self.summary.first_extracted_s is None:
            self.summary.first_extracted_s = time.perf_counter() - self.t0

    def finish(self) -> Summary:
        self.summary.seconds = time.perf_counter() - self.t0
        if self.stream is not None:
            print(f"\rreportedly: {self.summary.line()}", file=self.stream, flush=True)
        return self.summary
