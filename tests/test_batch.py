"""Batch: folders of mixed inputs through prefilter and pipeline, a status for every document."""

from __future__ import annotations

import json
import shutil
from importlib import resources

import pytest

from reportedly.batch import _QUIET_LOCAL_CLUSTER, EVENTS_FILE, STATUS_FILE, _extractor, run_batch
from reportedly.cli import main

ATTACK = (
    "Gunmen attacked a police post in the town of Kidal on Tuesday, killing two officers, "
    "a regional official said. The attackers fled on motorbikes toward the border."
)
PROTEST = (
    "Hundreds of teachers marched to the education ministry in Dakar on Monday to demand "
    "unpaid wages, a union leader said. Police fired tear gas to disperse the crowd."
)
WEATHER = (
    "Rain and mild weather are expected across the coast this weekend, with sunshine "
    "returning on Monday, the national weather service said in its latest forecast."
)
FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Sahel Wire</title>'
    "<item><title>Protest</title><link>https://wire.example/p</link>"
    f"<pubDate>Mon, 04 Mar 2024 10:00:00 GMT</pubDate><description>{PROTEST}</description></item>"
    "</channel></rss>"
)


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def corpus(tmp_path):
    """A folder of mixed inputs: a relevant text, an irrelevant one, a feed, two bad inputs."""
    root = tmp_path / "in"
    (root / "feeds").mkdir(parents=True)
    (root / "attack.txt").write_text(ATTACK, encoding="utf-8")
    (root / "weather.txt").write_text(WEATHER, encoding="utf-8")
    (root / "feeds" / "wire.rss").write_text(FEED, encoding="utf-8")
    (root / "feeds" / "broken.xml").write_bytes(b"<rss><channel><item>")
    (root / "nav.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    return root


def test_batch_out_folder_has_events_and_a_status_per_document(corpus, tmp_path, pipeline,
                                                                capsys):
    """Relevant documents are extracted, the irrelevant one skipped, bad inputs failed."""
    out = tmp_path / "out"
    assert main(["batch", str(corpus), "--out", str(out), "--published", "2024-03-06"]) == 0
    status = {s["path"].rsplit("/", 1)[-1]: s for s in lines(out / STATUS_FILE)}
    assert status["attack.txt"]["status"] == "extracted"
    assert status["wire.rss#1"]["status"] == "extracted"
    assert status["weather.txt"] == {**status["weather.txt"], "status": "skipped",
                                     "reason": "not about conflict"}
    broken = status["broken.xml#1"]
    assert broken["status"] == "failed" and "malformed feed" in broken["reason"]
    assert status["nav.html"]["status"] == "failed"
    assert "no article text" in status["nav.html"]["reason"]
    events = lines(out / EVENTS_FILE)
    assert len(events) == 2 and all(e["events"] for e in events)
    assert "docs/s" in capsys.readouterr().err


def test_batch_without_prefilter_extracts_everything(corpus, tmp_path, pipeline):
    """--no-prefilter sends the irrelevant document through the pipeline too."""
    summary = run_batch([str(corpus)], out=str(tmp_path / "o"), use_prefilter=False,
                        progress=False)
    assert (summary.extracted, summary.skipped, summary.failed) == (3, 0, 2)


def test_batch_db_logs_every_status_and_skips_stored_documents(corpus, tmp_path, pipeline,
                                                                project_fuser):
    """Into a store: the ingest log has every document; a second run stores nothing new."""
    from reportedly.store import Store

    db = str(tmp_path / "e.duckdb")
    first = run_batch([str(corpus)], db=db, progress=False)
    second = run_batch([str(corpus)], db=db, progress=False)
    assert (first.extracted, first.skipped, first.failed) == (2, 1, 2)
    assert (second.extracted, second.skipped) == (0, 3)
    with Store(db) as store:
        log = store.ingest_log()
    reasons = [(r["status"], r["reason"]) for r in log]
    assert reasons.count(("skipped", "not about conflict")) == 2
    assert reasons.count(("skipped", "already stored")) == 2
    assert sum(r["status"] == "extracted" for r in log) == 2


@pytest.mark.parametrize(
    "argv",
    [["batch", "x"], ["batch", "x", "--out", "o", "--db", "d"],
     ["batch", "x", "--out", "o", "--engine", "spark"]],
)
def test_batch_command_line_mistakes_exit_2(argv, capsys):
    """No target, two targets or an unknown engine is a usage error."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_batch_zero_processes_is_a_one_line_error(tmp_path, capsys):
    """--processes 0 is refused before anything is read."""
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "o"), "--processes", "0"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_batch_every_document_failing_exits_1(tmp_path, capsys):
    """A run in which every document failed exits 1."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html></html>", encoding="utf-8")
    assert main(["batch", str(bad), "--out", str(tmp_path / "o")]) == 1


def test_batch_ingest_reads_the_new_formats(tmp_path, pipeline, project_fuser, capsys):
    """`reportedly ingest` takes a feed and a folder as well as text files."""
    from reportedly.store import Store

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "wire.rss").write_text(FEED, encoding="utf-8")
    (tmp_path / "in" / "a.txt").write_text(ATTACK, encoding="utf-8")
    db = str(tmp_path / "e.duckdb")
    assert main(["ingest", str(tmp_path / "in"), "--db", db, "--published", "2024-03-06"]) == 0
    with Store(db) as store:
        assert store.count()[0] == 2


def sample_folder(tmp_path):
    """The bundled sample reports (written for this project) copied into a folder."""
    folder = resources.files("reportedly").joinpath("data/sample")
    dest = tmp_path / "sample"
    dest.mkdir()
    for txt in folder.iterdir():
        if txt.name.endswith(".txt"):
            shutil.copyfile(str(txt), dest / txt.name)
    return dest


def test_batch_processes_give_the_same_output_as_one_process(tmp_path, pipeline):
    """Two worker processes write exactly what a single process writes, in the same order."""
    src = sample_folder(tmp_path)
    run_batch([str(src)], out=str(tmp_path / "one"), published=None, batch_size=4,
              progress=False)
    run_batch([str(src)], out=str(tmp_path / "two"), processes=2, batch_size=4, progress=False)
    for name in (EVENTS_FILE, STATUS_FILE):
        assert (tmp_path / "one" / name).read_text() == (tmp_path / "two" / name).read_text()
    assert len(lines(tmp_path / "one" / EVENTS_FILE)) >= 15


def test_batch_dask_engine_gives_the_same_output_as_one_process(tmp_path, pipeline):
    """A Dask LocalCluster of two workers writes exactly what a single process writes."""
    pytest.importorskip("dask.distributed")
    src = sample_folder(tmp_path)
    run_batch([str(src)], out=str(tmp_path / "one"), batch_size=5, progress=False)
    run_batch([str(src)], out=str(tmp_path / "dask"), engine="dask", processes=2, batch_size=5,
              progress=False)
    for name in (EVENTS_FILE, STATUS_FILE):
        assert (tmp_path / "one" / name).read_text() == (tmp_path / "dask" / name).read_text()


def _upkeep_settings() -> dict:
    import dask

    return {key: dask.config.get(key) for key in _QUIET_LOCAL_CLUSTER}


def test_batch_local_dask_cluster_keeps_its_upkeep_quiet(pipeline):
    """The workers of the local cluster a batch starts time their loops, read memory and
    system statistics seldom and steal no work: the settings reach every worker."""
    pytest.importorskip("dask.distributed")
    from dask.distributed import get_client

    with _extractor("dask", processes=2, policy=None, scheduler=None):
        seen = get_client().run(_upkeep_settings)
    assert len(seen) == 2
    assert all(values == _QUIET_LOCAL_CLUSTER for values in seen.values())


def test_batch_local_cluster_workers_start_with_ctrl_c_left_to_the_batch_process():
    """Workers fork while Ctrl-C is ignored, so an interrupt gives one message, not one
    traceback per worker; the batch process's own handler is back afterwards."""
    import signal
    import threading

    from reportedly.batch import _ctrl_c_ignored

    before = signal.getsignal(signal.SIGINT)
    with _ctrl_c_ignored():
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) is before

    seen = []

    def elsewhere():
        with _ctrl_c_ignored():
            seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert seen == [before]  # signal handlers belong to the main thread: left alone there
