"""The store commands on either backend: `ingest`, `events`, `batch` and `watch` take
`--db FILE` or `--database-url postgresql://...` (or `REPORTEDLY_DATABASE_URL`), never both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportedly.cli import main
from reportedly.store import Store

# Short wire-style reports written for these tests: one attack told twice, and a protest.
REPORTS = {
    "beledweyne-wire.txt": (
        "BELEDWEYNE, Somalia (Wire) - Gunmen attacked a police station in Beledweyne on "
        "Tuesday, killing three officers, a police spokesman said."
    ),
    "beledweyne-radio.txt": (
        "BELEDWEYNE, Somalia (Radio Hiiraan) - Five police officers were killed when gunmen "
        "stormed a police station in Beledweyne on Tuesday, a local elder said."
    ),
    "kano.txt": (
        "KANO, Nigeria (Wire) - Hundreds of traders marched through Kano on Monday to protest "
        "against a new market levy, witnesses said."
    ),
}
PUBLISHED = "2024-03-06"
FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Test Wire</title>
<item><title>Attack in Beledweyne</title><link>https://wire.example/1</link>
<guid>https://wire.example/1</guid><pubDate>Wed, 06 Mar 2024 08:00:00 GMT</pubDate>
<description>{text}</description></item>
</channel></rss>
"""


def report_files(folder: Path) -> list[str]:
    paths = []
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    return paths


def store_option(target: str) -> list[str]:
    return ["--database-url", target] if target.startswith("postgresql://") else ["--db", target]


def listed(target: str, *args: str, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["events", *store_option(target), "--format", "json", *args]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_store_cli_ingest_and_events_on_each_backend(store_target, tmp_path, capsys, pipeline,
                                                   project_fuser):
    """`ingest` fuses the reports into the store the option names and `events` lists them;
    ingesting again changes nothing."""
    target = store_target()
    files = report_files(tmp_path)
    assert main(["ingest", *files, *store_option(target), "--published", PUBLISHED]) == 0
    assert "stored 3 documents" in capsys.readouterr().err
    events = listed(target, capsys=capsys)
    (attack,) = [e for e in events if len(e["documents"]) == 2]
    assert attack["location"]["name"] == "Beledweyne"
    assert [e["event_id"] for e in listed(target, "--country", "SO", capsys=capsys)] == [
        attack["event_id"]]
    assert main(["ingest", *files, *store_option(target)]) == 0
    assert "stored 0 documents (3 skipped" in capsys.readouterr().err
    assert listed(target, capsys=capsys) == events


def test_store_cli_events_policy_keeps_the_reviewers_corrections(store_target, tmp_path,
                                                                capsys, pipeline, project_fuser):
    """`events --policy` re-resolves the stored events, and a corrected field still shows
    the reviewer's value."""
    target = store_target()
    assert main(["ingest", *report_files(tmp_path), *store_option(target),
                 "--published", PUBLISHED]) == 0
    (attack,) = [e for e in listed(target, capsys=capsys) if len(e["documents"]) == 2]
    highest = {e["event_id"]: e for e in listed(target, "--policy", "toll=highest",
                                                capsys=capsys)}
    assert highest[attack["event_id"]]["fatalities"]["acled"] == 5
    with Store(target) as store:
        store.correct(attack["event_id"], field="fatalities", value=4, reviewer="alice")
    again = {e["event_id"]: e for e in listed(target, "--policy", "toll=highest",
                                              capsys=capsys)}
    assert again[attack["event_id"]]["fatalities"]["acled"] == 4
    assert again[attack["event_id"]]["corrections"]["fatalities"]["reviewer"] == "alice"


def test_store_cli_database_url_comes_from_the_environment(pg_schemas, tmp_path, capsys,
                                                         monkeypatch, pipeline, project_fuser):
    """Without an option the commands use REPORTEDLY_DATABASE_URL; `--db` still picks a file."""
    url = pg_schemas()
    monkeypatch.setenv("REPORTEDLY_DATABASE_URL", url)
    files = report_files(tmp_path)
    assert main(["ingest", files[2], "--published", PUBLISHED]) == 0
    with Store(url) as store:
        assert store.count() == (1, 1)
    capsys.readouterr()
    assert main(["events", "--format", "json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    db = str(tmp_path / "own.duckdb")
    assert main(["ingest", files[0], "--db", db, "--published", PUBLISHED]) == 0
    with Store(db) as store:
        assert store.count()[0] == 1


@pytest.mark.parametrize("command", [
    ["ingest", "x.txt"], ["events"], ["batch", "x"], ["watch", "feed.xml"], ["serve"]])
def test_store_cli_db_and_database_url_are_exclusive(command, tmp_path):
    """Giving both a DuckDB file and a database URL is a usage error."""
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--db", str(tmp_path / "x.duckdb"), "--database-url",
              "postgresql://postgres@127.0.0.1:5432/test"])
    assert exit_.value.code == 2
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.parametrize("how", ["option", "environment"])
def test_store_cli_a_database_url_that_is_not_postgresql_is_e211(how, tmp_path, capsys,
                                                              monkeypatch):
    """A --database-url (or REPORTEDLY_DATABASE_URL) that is not a postgresql:// URL is one
    coded line, and no file of that name is made."""
    bad = str(tmp_path / "events.duckdb")
    if how == "option":
        argv = ["events", "--database-url", bad]
    else:
        monkeypatch.setenv("REPORTEDLY_DATABASE_URL", bad)
        argv = ["events"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "[E211]" in err[0]
    assert not Path(bad).exists()


def test_store_cli_batch_and_watch_write_into_postgresql(pg_schemas, tmp_path, capsys,
                                                        pipeline, project_fuser):
    """`batch --database-url` and `watch --database-url` fuse into the PostgreSQL store and
    log every document there; a second poll passes over what the first stored."""
    url = pg_schemas()
    folder = tmp_path / "reports"
    folder.mkdir()
    report_files(folder)
    assert main(["batch", str(folder), "--database-url", url, "--processes", "1"]) == 0
    with Store(url) as store:
        assert store.count()[0] == 3
        assert {r["status"] for r in store.ingest_log()} == {"extracted"}
    feed_url = pg_schemas()
    feed = tmp_path / "feed.xml"
    feed.write_text(FEED.format(text=REPORTS["beledweyne-wire.txt"]), encoding="utf-8")
    for _ in range(2):
        assert main(["watch", str(feed), "--database-url", feed_url, "--polls", "1",
                     "--every", "1s"]) == 0
    with Store(feed_url) as store:
        assert store.count() == (1, 1)
        assert [r["status"] for r in store.ingest_log()] == ["extracted"]
