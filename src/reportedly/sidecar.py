"""Single-threaded extraction processes beside the workers of a local Dask cluster (Linux).

Why: a Dask worker runs its tasks in a thread beside its event loop, so its process is always
multi-threaded, and once a process has had a second thread glibc makes every mutex operation
atomic. spaCy's parser lets go of the interpreter lock and takes it back at every parse step,
so in a worker the very same extraction costs about a seventh more than in a process that
never had a thread (on this project's 2-core machine, 500 texts in a forked child: 5.3 s of CPU
against 6.2 s after one thread was started and joined).

How: before the local cluster starts, while the batch process has the pipeline loaded and has
never run a second thread, it forks one helper per worker. The workers are forked from the same
process afterwards, so each inherits the helpers' pipes; on its first chunk worker ``i`` claims
helper ``i`` and from then on sends it every chunk and gets the extractions back. The helper runs
the very ``extract_chunk`` the worker would, with the same pipeline, so the output is the same
whichever process extracts. A worker the cluster restarts finds its helper claimed by the worker
before it, and a worker whose helper has gone, extract in their own thread, as every worker
does where no helper could be made (a remote cluster, or a batch process that already ran
threads). Helpers share the model's memory with the batch process; Dask's memory limit watches
the workers, not them.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable, Sequence
from typing import Any

# Helpers of the local cluster now running, by worker name (LocalCluster names its workers
# 0, 1, ...). Set in the batch process before the workers are forked, so they inherit it.
_HELPERS: dict[Any, Helper] = {}


class Helper:
    """One helper process and the pipe to it (see the module's docstring)."""

    def __init__(self, ctx: Any) -> None:
        self._conn, child = ctx.Pipe()
        self._owner = ctx.Value("q", 0)  # pid of the process that claimed it; 0: nobody yet
        self._served = ctx.Value("q", 0)  # chunks it has extracted, for every process to read
        self._process = ctx.Process(target=_serve, args=(child,), name="reportedly-helper",
                                    daemon=True)
        self._process.start()
        child.close()
        self._lock = threading.Lock()
        self._gone = False

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def extract(self, documents: list[Any], policy: Any) -> list[Any] | None:
        """The helper's extractions of ``documents``, or None where this process may not use
        it (another process claimed it, or it has gone): the caller then extracts itself."""
        if self._gone or not self._claim():
            return None
        with self._lock:
            try:
                self._conn.send((documents, policy))
                extractions, error = self._conn.recv()
            except (EOFError, OSError):
                self._gone = True
                return None
        if error is not None:
            raise RuntimeError(f"extraction helper: {error}")
        with self._served.get_lock():
            self._served.value += 1
        return extractions

    @property
    def served(self) -> int:
        """Chunks this helper has extracted, whichever process sent them."""
        return self._served.value

    def _claim(self) -> bool:
        pid = os.getpid()
        with self._owner.get_lock():
            if self._owner.value == 0:
                self._owner.value = pid
            return self._owner.value == pid

    def close(self, timeout: float = 5.0) -> None:
        """Ask the helper to finish, then end it if it does not (the batch process only)."""
        try:
            self._conn.send(None)
        except OSError:
            pass
        self._conn.close()
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def _serve(conn: Any) -> None:
    """The helper's loop: a chunk in, its extractions out, until None or the pipe closes."""
    # Ctrl-C reaches every process of the terminal's group; the batch process handles it and
    # closes the pipe, which ends this loop without a second traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from reportedly.batch import extract_chunk

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        documents, policy = message
        try:
            reply: tuple[Any, str | None] = (extract_chunk(documents, policy), None)
        except Exception as exc:  # noqa: BLE001 - sent back, raised in the worker's task
            reply = (None, f"{type(exc).__name__}: {exc}")
        conn.send(reply)


def start(names: Iterable[Any]) -> list[Helper]:
    """A helper for each worker name, or none where they would not help or could not be
    forked safely; the batch process must have loaded the pipeline before."""
    if not never_threaded():
        return []
    ctx = multiprocessing.get_context("fork")
    helpers = {name: Helper(ctx) for name in names}
    _HELPERS.update(helpers)
    return list(helpers.values())


def stop(helpers: Sequence[Helper]) -> int:
    """Close the helpers ``start`` made (after the cluster's workers have closed); the
    number of chunks they extracted."""
    for name in [n for n, h in _HELPERS.items() if h in helpers]:
        del _HELPERS[name]
    for helper in helpers:
        helper.close()
    return sum(helper.served for helper in helpers)


def for_this_worker() -> Helper | None:
    """The helper of the Dask worker running this task, if it has one."""
    if not _HELPERS:
        return None
    from distributed import get_worker

    try:
        return _HELPERS.get(get_worker().name)
    except ValueError:  # not inside a worker's task
        return None


def never_threaded() -> bool:
    """Whether this process has only ever run one thread, as glibc sees it (its public
    ``__libc_single_threaded`` flag, read only); False where that cannot be told."""
    if threading.active_count() != 1:
        return False
    try:
        flag = ctypes.c_char.in_dll(ctypes.CDLL(None), "__libc_single_threaded")
    except (OSError, ValueError, AttributeError):
        return False
    return flag.value == b"\x01"
