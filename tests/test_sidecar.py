"""Single-threaded helper processes beside a local Dask cluster's workers (reportedly.sidecar)."""

from __future__ import annotations

import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reportedly import sidecar
from reportedly.batch import EVENTS_FILE, STATUS_FILE, extract_chunk, extract_on_worker, run_batch
from reportedly.loading import NUMERIC_THREAD_VARIABLES, one_thread_numerics
from reportedly.records import Document

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="helpers are forked: Linux only")

REPO = Path(__file__).resolve().parents[1]

TEXTS = [
    "KHARTOUM, March 3 (Wire) - Shelling killed four civilians in a market in Omdurman on "
    "Sunday, residents said, blaming the paramilitary forces for the attack.",
    "Police in the capital said on Tuesday that two officers were wounded when gunmen opened "
    "fire on a checkpoint near Mogadishu airport.",
    "The central bank kept its main rate unchanged on Thursday, citing steady inflation.",
]
DOCS = [Document.from_text(text, id=f"sc-{i}") for i, text in enumerate(TEXTS)]


def _fork_helper() -> sidecar.Helper:
    extract_chunk([], None)  # the pipeline loaded before the fork, as the batch process does
    return sidecar.Helper(multiprocessing.get_context("fork"))


@pytest.fixture
def helper(pipeline):
    h = _fork_helper()
    yield h
    h.close()


def test_helper_extracts_exactly_what_this_process_extracts(helper):
    from_helper = helper.extract(DOCS, None)
    assert from_helper == extract_chunk(DOCS, None)
    assert sum(len(ex.events) for ex in from_helper) >= 2  # the two attack reports
    assert helper.served == 1


def _use_and_report(h: sidecar.Helper, queue) -> None:
    queue.put(h.extract(DOCS[:1], None) is not None)


def test_a_helper_serves_only_the_process_that_claimed_it(helper):
    """A worker the cluster restarts finds its helper claimed by the worker before it, and
    extracts in its own thread instead of sharing the pipe."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    first = ctx.Process(target=_use_and_report, args=(helper, queue))
    first.start()
    first.join(60)
    assert queue.get(timeout=5) is True
    assert helper.extract(DOCS, None) is None


def test_a_helper_that_has_gone_leaves_the_caller_to_extract(helper):
    os.kill(helper.pid, signal.SIGKILL)
    assert helper.extract(DOCS, None) is None
    assert helper.extract(DOCS, None) is None  # remembered: no second try on a dead pipe


def test_an_error_in_the_helper_is_raised_in_the_caller(pipeline, monkeypatch):
    def broken(documents, policy=None):
        raise ValueError("gazetteer index unreadable")

    extract_chunk([], None)
    monkeypatch.setattr("reportedly.batch.extract_chunk", broken)  # inherited by the fork
    h = sidecar.Helper(multiprocessing.get_context("fork"))
    try:
        with pytest.raises(RuntimeError, match="ValueError: gazetteer index unreadable"):
            h.extract(DOCS, None)
    finally:
        h.close()


def test_close_ends_the_helper_process(pipeline):
    h = _fork_helper()
    pid = h.pid
    h.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_outside_a_worker_the_task_extracts_in_this_process(pipeline):
    assert sidecar.for_this_worker() is None
    assert extract_on_worker(DOCS, None) == extract_chunk(DOCS, None)


def test_no_helpers_from_a_process_running_threads():
    """Forking beside a running thread is neither safe nor, for glibc's locks, any faster."""
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not sidecar.never_threaded()
        assert sidecar.start([0, 1]) == []
        assert sidecar._HELPERS == {}
    finally:
        release.set()
        thread.join()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="reads glibc's flag")
def test_a_fresh_process_counts_as_never_threaded_until_a_thread_runs():
    code = ("import threading; from reportedly.sidecar import never_threaded as n; a = n(); "
            "t = threading.Thread(target=print); t.start(); t.join(); print(a, n())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert out.stdout.split()[-2:] == ["True", "False"]


def test_one_thread_numerics_keeps_what_the_user_chose(monkeypatch):
    for name in NUMERIC_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    one_thread_numerics()
    assert os.environ["OMP_NUM_THREADS"] == "3"
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert os.environ["MKL_NUM_THREADS"] == "1"


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="reads glibc's flag")
def test_batch_on_local_dask_extracts_through_helpers_with_the_same_output(tmp_path, pipeline):
    """From the command line (a process that has run no thread) each worker of the local
    cluster gets a helper, and the output is what one process writes."""
    pytest.importorskip("dask.distributed")
    src = tmp_path / "in"
    src.mkdir()
    sample = REPO / "src" / "reportedly" / "data" / "sample"
    for i, report in enumerate(sorted(sample.glob("*.txt"))[:12]):
        (src / f"{i:02d}.txt").write_text(report.read_text(encoding="utf-8"), encoding="utf-8")
    run_batch([str(src)], out=str(tmp_path / "one"), batch_size=3, progress=False)
    env = {k: v for k, v in os.environ.items() if k not in NUMERIC_THREAD_VARIABLES}
    proc = subprocess.run(
        [sys.executable, "-m", "reportedly.cli", "-v", "batch", str(src), "--out",
         str(tmp_path / "dask"), "--engine", "dask", "--processes", "2"],
        capture_output=True, text=True, timeout=300, env={**env, "REPORTEDLY_BATCH_SIZE": "3"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "each extracting through its own helper process" in proc.stderr
    assert "4 chunks went through the workers' helper processes" in proc.stderr  # 12 docs / 3
    for name in (EVENTS_FILE, STATUS_FILE):
        assert (tmp_path / "one" / name).read_text() == (tmp_path / "dask" / name).read_text()
