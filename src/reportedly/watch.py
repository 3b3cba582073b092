"""Watching feeds: poll RSS/Atom feeds (URLs or files) every so often and ingest what is new.

Each poll is one ``reportedly.batch`` run over the feeds into a store: entries stored already
are passed over without a word (a feed repeats its items for days), new entries go through the
prefilter and the pipeline and are fused into the stored events, and every new entry's fate
(extracted, skipped as not about conflict, failed and why) is a line of the store's ingest log.
A feed that times out or is malformed is logged as failed with its reason, and the next poll
tries it again; one bad feed never stops the others.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from reportedly.batch import Summary, run_batch
from reportedly.errors import E, ReportedlyError

MIN_INTERVAL_S = 1.0
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")


def parse_interval(value: str) -> float:
    """``15m``, ``90s``, ``1h30m``, ``2h``, ``1d`` or a bare number of seconds, as seconds."""
    text = (value or "").strip().lower().replace(" ", "")
    parts = _PART.findall(text) if text else []
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ReportedlyError(E.E230, value=value, minimum=MIN_INTERVAL_S)
    seconds = sum(float(n) * _UNITS[u or "s"] for n, u in parts)
    if not seconds >= MIN_INTERVAL_S or seconds == float("inf"):
        raise ReportedlyError(E.E230, value=value, minimum=MIN_INTERVAL_S)
    return seconds


@dataclass
class Watcher:
    """Polls ``feeds`` into the store ``db`` (a DuckDB file or a ``postgresql://`` URL);
    ``poll()`` once, ``run()`` on a schedule."""

    feeds: Sequence[str]
    db: str
    every: float = 900.0
    published: date | None = None
    outlet: str | None = None
    use_prefilter: bool = True
    policy: Any = None
    stream: IO[str] | None = None
    seen: set[str] | None = None

    def poll(self) -> Summary:
        """One pass over every feed: new entries ingested, each one's status logged."""
        if self.seen is None:
            self.seen = _logged_ids(self.db)
        return run_batch(list(self.feeds), db=self.db, processes=1, published=self.published,
                         outlet=self.outlet, use_prefilter=self.use_prefilter,
                         policy=self.policy, progress=False, seen=self.seen)

    def run(self, *, polls: int | None = None,
            sleep: Callable[[float], None] = time.sleep) -> list[Summary]:
        """Poll until interrupted, or ``polls`` times; one line on the stream per poll."""
        done: list[Summary] = []
        while polls is None or len(done) < polls:
            started = time.monotonic()
            summary = self.poll()
            done.append(summary)
            last = polls is not None and len(done) >= polls
            self._say(len(done), summary, None if last else self.every)
            if last:
                break
            sleep(max(0.0, self.every - (time.monotonic() - started)))
        return done

    def _say(self, n: int, summary: Summary, wait: float | None) -> None:
        stream = self.stream if self.stream is not None else sys.stderr
        now = datetime.now().strftime("%H:%M:%S")
        new = summary.read
        line = (f"reportedly: poll {n} at {now}: {new} new {'entry' if new == 1 else 'entries'}"
                f" ({summary.extracted} extracted, {summary.events} events; {summary.skipped} "
                f"skipped, {summary.failed} failed)")
        if wait is not None:
            line += f"; next poll in {_human(wait)}"
        print(line, file=stream, flush=True)


def _logged_ids(db: str) -> set[str]:
    """Documents the store's ingest log has seen before (stored, or skipped as irrelevant), so
    a restarted watcher does not log the same feed items again."""
    from pathlib import Path

    from reportedly.storage import is_url
    from reportedly.store import Store

    if not is_url(db) and not Path(db).exists():
        return set()
    with Store(db) as store:
        return {row["doc_id"] for row in store.ingest_log() if row.get("doc_id")
                and row.get("status") != "failed"}


def _human(seconds: float) -> str:
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"
