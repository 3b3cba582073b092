"""Watching feeds and reading URLs: new items ingested once, each failure logged with why."""

from __future__ import annotations

import json

import pytest

from conftest import LocalSite, rss_feed
from reportedly.cli import main
from reportedly.readers import read_path
from reportedly.readers.web import is_url, read_url
from reportedly.watch import Watcher, parse_interval

CLASH = (
    "Fighters of two armed groups clashed near the market town of Kidal on Tuesday, killing "
    "four people, a local official said. The fighting lasted several hours."
)
PROTEST = (
    "Hundreds of teachers marched to the education ministry in Dakar on Monday to demand "
    "unpaid wages, a union leader said. Police fired tear gas to disperse the crowd."
)
WEATHER = (
    "Rain and mild weather are expected across the coast this weekend, with sunshine "
    "returning on Monday, the national weather service said in its latest forecast."
)
PAGE = (
    "<html><head><title>Clashes near Kidal</title></head><body><nav>Home | World</nav>"
    f"<article><h1>Clashes near Kidal</h1><p>{CLASH}</p></article></body></html>"
)


@pytest.fixture
def site():
    s = LocalSite()
    yield s
    s.close()


def log_of(db: str) -> list[dict]:
    from reportedly.store import Store

    with Store(db) as store:
        return store.ingest_log()


@pytest.mark.parametrize(
    "text, seconds",
    [("15m", 900), ("90s", 90), ("1h30m", 5400), ("2h", 7200), ("1d", 86400), ("45", 45),
     ("0.5m", 30)],
)
def test_watch_interval_reads_units(text, seconds):
    """Intervals are a number with s, m, h or d (seconds when bare), parts added up."""
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15x", "-5m", "0s", "m", "15m garbage"])
def test_watch_bad_interval_is_a_one_line_error(text, tmp_path, capsys):
    """An interval that is not a positive duration is refused before anything is fetched."""
    assert main(["watch", "feed.xml", "--db", str(tmp_path / "w.duckdb"), f"--every={text}"]) == 2
    err = capsys.readouterr().err
    assert "E230" in err and err.count("\n") == 1


def test_watch_url_reader_tells_urls_from_paths():
    """Only http(s) addresses are fetched; everything else is a path."""
    assert is_url("https://wire.example/feed") and is_url("HTTP://x.example")
    assert not is_url("feeds/wire.rss") and not is_url("ftp://x.example") and not is_url(None)


def test_watch_url_reader_reads_a_feed_a_page_and_a_text(site):
    """A feed at a URL gives its entries; a page its article text; a text file its text."""
    feed = site.set("/feed", rss_feed(("clash", CLASH), ("protest", PROTEST)))
    page = site.set("/story.html", PAGE, "text/html; charset=utf-8")
    text = site.set("/brief.txt", CLASH, "text/plain; charset=utf-8")
    entries = list(read_url(feed))
    assert [d.url for d in entries] == ["https://wire.example/clash", "https://wire.example/protest"]
    assert entries[0].outlet == "Sahel Wire"
    (article,) = read_url(page)
    assert "clashed near the market town of Kidal" in article.text and "Home" not in article.text
    (brief,) = read_path(text)
    assert brief.text == CLASH and brief.url == text


@pytest.mark.parametrize(
    "path, reason",
    [("/missing", "HTTP 404"), ("/slow", "timed out after 0.3 s"), ("/empty", "empty body")],
)
def test_watch_url_reader_failures_are_one_record_with_the_reason(site, path, reason):
    """A server error, a timeout or an empty answer is one error record naming URL and reason."""
    site.pages["/empty"] = (200, "text/plain", b"  ")
    site.pages["/slow"] = (200, "application/rss+xml", rss_feed(("c", CLASH)).encode())
    site.delay = 2.0
    (item,) = read_url(site.url(path), timeout=0.3)
    assert not hasattr(item, "text")
    assert site.url(path) in item.message and reason in item.message


def test_watch_unreachable_host_is_an_error_record():
    """A port nobody listens on is 'cannot be reached', not an exception."""
    (item,) = read_url("http://127.0.0.1:9/feed", timeout=1)
    assert "cannot be reached" in item.message


@pytest.mark.parametrize("url", ["http://[::1", "http://", "https://exa mple.com/x", "http://:0/"])
def test_watch_malformed_url_is_an_error_record(url):
    """An address urllib cannot even parse is an error record naming it, not an exception."""
    (item,) = read_url(url, timeout=1)
    assert not hasattr(item, "text") and url in item.message


def test_watch_polls_ingest_new_items_once_and_log_each(site, tmp_path, pipeline, project_fuser):
    """The first poll ingests the feed's items; a repeat poll adds nothing and logs nothing; an
    item added later is ingested by the next poll; a failing feed is logged and the rest go on."""
    feed = site.set("/feed", rss_feed(("clash", CLASH), ("weather", WEATHER)))
    broken = site.url("/missing")
    db = str(tmp_path / "w.duckdb")
    out = []
    watcher = Watcher([feed, broken], db=db, every=60, stream=None)
    first = watcher.poll()
    assert (first.extracted, first.skipped, first.failed) == (1, 1, 1)
    n_log = len(log_of(db))
    again = watcher.poll()
    assert (again.read, again.failed) == (1, 1)  # only the broken feed, logged again
    assert len(log_of(db)) == n_log + 1
    site.set("/feed", rss_feed(("clash", CLASH), ("weather", WEATHER), ("protest", PROTEST)))
    third = watcher.poll()
    assert third.extracted == 1
    statuses = [(r["path"], r["status"]) for r in log_of(db)]
    assert statuses.count((broken, "failed")) == 3
    assert sum(1 for p, s in statuses if s == "extracted") == 2
    reasons = {r["status"]: r["reason"] for r in log_of(db)}
    assert "HTTP 404" in reasons["failed"] and reasons["skipped"] == "not about conflict"
    assert out == []


def test_watch_restarted_watcher_does_not_log_old_items_again(site, tmp_path, pipeline,
                                                              project_fuser):
    """A new watcher on the same store remembers what the log has seen, skipped items too."""
    feed = site.set("/feed", rss_feed(("clash", CLASH), ("weather", WEATHER)))
    db = str(tmp_path / "w.duckdb")
    Watcher([feed], db=db).poll()
    n_log = len(log_of(db))
    second = Watcher([feed], db=db).poll()
    assert second.read == 0 and len(log_of(db)) == n_log


def test_watch_command_polls_and_reports_each_poll(site, tmp_path, pipeline, project_fuser,
                                                   capsys):
    """`reportedly watch FEED --polls 2 --every 1s` polls twice, one line on stderr each."""
    feed = site.set("/feed", rss_feed(("clash", CLASH)))
    db = str(tmp_path / "w.duckdb")
    assert main(["watch", feed, "--db", db, "--every", "1s", "--polls", "2"]) == 0
    err = capsys.readouterr().err
    assert "poll 1" in err and "1 new entry (1 extracted" in err
    assert "poll 2" in err and "0 new entries" in err and "next poll in 1s" in err
    assert capsys.readouterr().out == ""


def test_watch_extract_with_processes_writes_what_one_process_writes(tmp_path, monkeypatch,
                                                                     capsys):
    """`extract --processes 2` over several batches prints exactly what one process prints,
    a bad line's error record in its place."""
    monkeypatch.setenv("REPORTEDLY_BATCH_SIZE", "2")
    jsonl = tmp_path / "in.jsonl"
    rows = [{"id": f"d{i}", "text": t, "published": "2024-03-06"}
            for i, t in enumerate([CLASH, PROTEST, WEATHER, CLASH + " Two were hurt.", PROTEST])]
    lines = [json.dumps(r) for r in rows]
    lines.insert(2, "not json")
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = []
    for n in ("1", "2"):
        assert main(["extract", "--input-jsonl", str(jsonl), "--processes", n]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    ids = [json.loads(line)["id"] for line in outputs[1].splitlines()]
    assert ids[:2] == ["d0", "d1"] and ids[3:] == ["d2", "d3", "d4"] and len(ids) == 6


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_watch_processes_must_be_a_positive_number(value, tmp_path, capsys):
    """--processes takes a whole number of at least 1, on extract and batch alike."""
    report = tmp_path / "r.txt"
    report.write_text(CLASH, encoding="utf-8")
    assert main(["extract", str(report), "--processes", value]) == 2
    assert "E231" in capsys.readouterr().err
