"""Readers: HTML, feeds, WARC, CSV, JSONL and text in, one Document or error record each."""

from __future__ import annotations

import gzip
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportedly.ingest import IngestError
from reportedly.readers import format_of, parse_columns, read_path, sniff
from reportedly.readers.html import html_document
from reportedly.readers.rss import feed_items
from reportedly.records import Document

REPORT = (
    "Gunmen attacked a police post in the town of Kidal on Tuesday, killing two officers, "
    "a regional official said. The attackers fled on motorbikes toward the border, and the "
    "army said it had sent reinforcements to the area after the assault on the post."
)
SECOND = (
    "Protesters gathered outside the governor's office in the city on Monday to demand the "
    "release of detained students, a local reporter said. Police dispersed the crowd with "
    "tear gas and arrested at least ten people, according to a rights group in the city."
)


def page(body: str, *, title: str = "Police post attacked", charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>'
        '<meta property="og:site_name" content="Sahel Wire">'
        '<meta property="article:published_time" content="2024-03-06T09:00:00Z">'
        f"</head><body><nav>Home | World</nav><article><h1>{title}</h1><p>{body}</p>"
        "</article><footer>Copyright</footer></body></html>"
    )


def rss(*items: tuple[str, str]) -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>https://wire.example/{n}</link>"
        f"<pubDate>Wed, 06 Mar 2024 10:00:00 GMT</pubDate><description>{d}</description></item>"
        for n, (t, d) in enumerate(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Sahel Wire</title>'
        f"<link>https://wire.example</link>{entries}</channel></rss>"
    )


def warc_bytes(pages: list[tuple[str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, body in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=http))
    return out.getvalue()


def docs(items) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def errors(items) -> list[IngestError]:
    return [i for i in items if isinstance(i, IngestError)]


def test_readers_html_gives_article_text_title_date_and_outlet(tmp_path):
    """A saved page yields its article text without navigation, with title, date and site."""
    f = tmp_path / "a.html"
    f.write_text(page(REPORT), encoding="utf-8")
    [d] = list(read_path(f))
    assert isinstance(d, Document)
    assert "Gunmen attacked a police post" in d.text and "Home | World" not in d.text
    assert d.title == "Police post attacked"
    assert d.published_date == date(2024, 3, 6)
    assert d.outlet == "Sahel Wire"


def test_readers_html_with_no_article_body_is_a_clear_error(tmp_path):
    """A page with no article text is one error record saying so."""
    f = tmp_path / "empty.html"
    f.write_text("<html><head><title>x</title></head><body><nav>Home</nav></body></html>",
                 encoding="utf-8")
    [e] = list(read_path(f))
    assert isinstance(e, IngestError) and "no article text" in e.message and str(f) in e.message


def test_readers_html_in_a_declared_charset_is_decoded():
    """A Latin-1 page that declares its charset is read, accents intact."""
    raw = page(REPORT + " The café owner fled.", charset="iso-8859-1").encode("latin-1")
    d = html_document(raw, where="p.html")
    assert isinstance(d, Document) and "café" in d.text


def test_readers_html_not_utf8_and_undeclared_is_e004():
    """A page that is not UTF-8 and declares no charset is refused, not guessed."""
    raw = page(REPORT + " caf\xe9 " * 3).replace('<meta charset="utf-8">', "").encode("latin-1")
    e = html_document(raw, where="p.html")
    assert isinstance(e, IngestError) and "[E004]" in e.message


def test_readers_rss_gives_one_document_per_entry_with_metadata(tmp_path):
    """Each feed entry is a document with its link, title, date and the feed's title as outlet."""
    f = tmp_path / "feed.rss"
    f.write_text(rss(("Post attacked", f"<p>{REPORT}</p>"), ("Protest", SECOND)), encoding="utf-8")
    items = list(read_path(f))
    assert [type(i) for i in items] == [Document, Document]
    first = items[0]
    assert first.url == "https://wire.example/0" and first.title == "Post attacked"
    assert first.outlet == "Sahel Wire" and first.published_date == date(2024, 3, 6)
    assert first.published.tzinfo is not None and "<p>" not in first.text


@pytest.mark.parametrize(
    "content",
    [b"<rss><channel><item><title>broken", b"not a feed at all \x00\x01", b"<rss></rss>"],
)
def test_readers_malformed_feed_is_one_error_naming_the_feed(tmp_path, content):
    """A feed with no readable entry is one error record with a reason, not a crash."""
    f = tmp_path / "bad.xml"
    f.write_bytes(content)
    [e] = list(read_path(f))
    assert isinstance(e, IngestError) and str(f) in e.message


def test_readers_feed_entry_without_text_is_an_error_and_the_rest_go_on():
    """An empty entry is an error record; the next entry is still read."""
    raw = rss(("Empty", ""), ("Post attacked", REPORT)).encode()
    items = list(feed_items(raw, where="f.rss"))
    assert isinstance(items[0], IngestError) and "no text" in items[0].message
    assert isinstance(items[1], Document)


def test_readers_warc_gives_each_archived_page(tmp_path):
    """Every HTML response of a WARC is a document with its target URL."""
    f = tmp_path / "crawl.warc.gz"
    f.write_bytes(warc_bytes([("https://wire.example/a", page(REPORT).encode()),
                              ("https://wire.example/b", page(SECOND, title="Protest").encode())]))
    items = list(read_path(f))
    assert [d.url for d in docs(items)] == ["https://wire.example/a", "https://wire.example/b"]
    assert not errors(items)


def test_readers_truncated_warc_keeps_the_pages_before_the_damage(tmp_path):
    """A WARC cut short yields the complete records, then one error saying it is truncated."""
    whole = warc_bytes([("https://wire.example/a", page(REPORT).encode()),
                        ("https://wire.example/b", page(SECOND).encode())])
    f = tmp_path / "cut.warc"
    f.write_bytes(gzip.decompress(whole)[:-400])
    items = list(read_path(f))
    assert [d.url for d in docs(items)] == ["https://wire.example/a"]
    [e] = errors(items)
    assert "truncated" in e.message


def test_readers_csv_with_a_column_mapping(tmp_path):
    """CSV rows become documents through the column mapping; an empty text cell is an error."""
    f = tmp_path / "notes.csv"
    f.write_text('event_id,notes,day\nx1,"' + REPORT + '",2024-03-06\nx2,,2024-03-07\n',
                 encoding="utf-8")
    columns = parse_columns("id=event_id,text=notes,published=day")
    items = list(read_path(f, csv_columns=columns))
    assert isinstance(items[0], Document) and items[0].id == "x1"
    assert items[0].published_date == date(2024, 3, 6)
    assert isinstance(items[1], IngestError) and "empty" in items[1].message


def test_readers_csv_without_the_text_column_says_how_to_map_it(tmp_path):
    """A CSV with no text column is one error naming the columns and the option to map one."""
    f = tmp_path / "notes.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    [e] = list(read_path(f))
    assert isinstance(e, IngestError) and "--csv-columns" in e.message


@pytest.mark.parametrize("bad", ["text", "body=notes", "text="])
def test_readers_parse_columns_refuses_unknown_fields(bad):
    """A column mapping must be FIELD=COLUMN with a known field."""
    from reportedly.errors import ReportedlyError

    with pytest.raises(ReportedlyError):
        parse_columns(bad)


def test_readers_folder_is_walked_recursively_with_every_format(tmp_path):
    """A folder yields the documents of all its files, sub-folders included, in name order."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "sub" / "b.html").write_text(page(SECOND), encoding="utf-8")
    (tmp_path / "sub" / "c.jsonl").write_text('{"id": "j1", "text": "' + REPORT + '"}\n{oops\n',
                                              encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(REPORT, encoding="utf-8")
    items = list(read_path(tmp_path))
    assert len(docs(items)) == 3 and len(errors(items)) == 1
    assert docs(items)[2].id == "j1"


def test_readers_unreadable_file_in_a_folder_is_an_error_and_the_walk_goes_on(tmp_path,
                                                                             monkeypatch):
    """A file that cannot be read is one E010 record naming it; the other files are read."""
    import pathlib

    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    locked = tmp_path / "b.html"
    locked.write_text(page(SECOND), encoding="utf-8")
    real = pathlib.Path.read_bytes

    def read_bytes(self):
        # Root reads any file whatever its mode, so the permission error is simulated.
        if self.name == "b.html":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    items = list(read_path(tmp_path))
    assert len(docs(items)) == 1
    [e] = errors(items)
    assert "[E010]" in e.message and str(locked) in e.message and "Permission" in e.message


def test_readers_missing_path_is_e001(tmp_path):
    """A path that does not exist is one E001 record."""
    [e] = list(read_path(tmp_path / "nope"))
    assert isinstance(e, IngestError) and "[E001]" in e.message


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [("a.warc.gz", b"", "warc"), ("a.HTM", b"", "html"), ("a.atom", b"", "rss"),
     ("a.tsv", b"", "csv"), ("a", b"WARC/1.0\r\n", "warc"), ("a", b"<?xml?><rss>", "rss"),
     ("a", b"<!DOCTYPE html><html>", "html"), ("a", b'{"id": 1}', "jsonl"),
     ("a", b"Gunmen attacked", "txt")],
)
def test_readers_format_by_extension_then_by_sniffing(name, head, fmt):
    """The extension decides; without one the first bytes do."""
    assert format_of(name, head) == fmt


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=600))
def test_readers_sniff_and_feeds_never_crash(raw):
    """Any bytes give a format and a list of records, never an exception."""
    assert sniff(raw) in ("warc", "rss", "html", "jsonl", "txt")
    assert all(isinstance(i, Document | IngestError) for i in feed_items(raw, where="x"))


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=600))
def test_readers_html_never_crashes(raw):
    """Any bytes given as a page give a Document or an error record."""
    assert isinstance(html_document(raw, where="x.html"), Document | IngestError)


@settings(max_examples=40, deadline=None)
@given(raw=st.binary(max_size=400),
       ext=st.sampled_from([".warc", ".warc.gz", ".csv", ".tsv", ".jsonl", ".html", ".xml", ""]))
def test_readers_read_path_never_crashes_on_any_bytes(tmp_path_factory, raw, ext):
    """Any bytes under any extension give records (Documents or errors), never an exception."""
    f = tmp_path_factory.mktemp("any") / f"input{ext}"
    f.write_bytes(raw)
    assert all(isinstance(i, Document | IngestError) for i in read_path(f))
