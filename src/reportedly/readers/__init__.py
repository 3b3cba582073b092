"""Readers: files and folders in, ``Document`` or ``IngestError`` records out, one per document.

``read_path`` walks a folder recursively and picks the reader by the file's extension, or by
sniffing its first bytes when the extension says nothing. A bad document (a malformed feed, a
truncated WARC record, a page with no article text, an unreadable file) becomes an
``IngestError`` naming it and why; reading goes on with the next one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

from reportedly.errors import E, ReportedlyError
from reportedly.ingest import IngestError, read_jsonl, read_text
from reportedly.readers._common import Item, failure, unreadable
from reportedly.readers.html import html_document, read_html
from reportedly.readers.rss import read_feed
from reportedly.readers.tabular import parse_columns, read_csv
from reportedly.readers.warc import read_warc
from reportedly.readers.web import is_url, read_url

__all__ = [
    "FORMATS", "Item", "IngestError", "format_of", "html_document", "parse_columns", "read_csv",
    "read_feed", "read_html", "read_path", "read_url", "read_warc",
]

# Extension (lower case, longest first) to format.
_EXTENSIONS = (
    (".warc.gz", "warc"), (".warc", "warc"), (".arc.gz", "warc"),
    (".jsonl", "jsonl"), (".ndjson", "jsonl"),
    (".html", "html"), (".htm", "html"), (".xhtml", "html"),
    (".rss", "rss"), (".atom", "rss"), (".xml", "rss"),
    (".csv", "csv"), (".tsv", "csv"),
    (".txt", "txt"), (".text", "txt"),
)
FORMATS = ("txt", "jsonl", "html", "rss", "warc", "csv")


def format_of(path: str | os.PathLike[str], head: bytes | None = None) -> str:
    """The reader for a file: by extension, else by its first bytes (``head``), else text."""
    name = str(path).lower()
    for ext, fmt in _EXTENSIONS:
        if name.endswith(ext):
            return fmt
    if head is None:
        head = _head(path)
    return sniff(head)


def sniff(head: bytes) -> str:
    """Guess a format from a file's first bytes: WARC, feed, HTML, JSON lines or text."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lower = start[:2048].lower()
    if start.startswith(b"WARC/") or start.startswith(b"\x1f\x8b"):
        # Gzip without a .warc.gz name: WARC is the only compressed input we read.
        return "warc"
    if b"<rss" in lower or b"<feed" in lower or b"<rdf:rdf" in lower:
        return "rss"
    if lower.startswith((b"<!doctype html", b"<html")) or b"<html" in lower[:512]:
        return "html"
    if start.startswith(b"{"):
        return "jsonl"
    return "txt"


def _head(path: str | os.PathLike[str]) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(4096)
    except OSError:
        return b""


def read_path(
    path: str | os.PathLike[str],
    *,
    published: date | None = None,
    outlet: str | None = None,
    csv_columns: Mapping[str, str] | None = None,
    fmt: str | None = None,
) -> Iterator[Item]:
    """Every document under ``path``: a file, a folder walked recursively in name order
    (hidden files and folders are left out), or an http(s) URL (a feed, a page, a text).
    ``fmt`` forces one reader for every file."""
    if is_url(path):
        yield from read_url(str(path), published=published, outlet=outlet)
        return
    p = Path(path)
    if p.is_dir():
        yield from _walk(p, published=published, outlet=outlet, csv_columns=csv_columns,
                         fmt=fmt)
        return
    if not p.exists():
        yield failure(str(path), E.E001, path=str(path))
        return
    yield from read_file(p, published=published, outlet=outlet, csv_columns=csv_columns,
                         fmt=fmt)


def _walk(root: Path, **options) -> Iterator[Item]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # A folder that cannot be listed is reported where the walk met it.
        while errors:
            exc = errors.pop(0)
            where = exc.filename or folder
            yield unreadable(str(where), exc.strerror or str(exc))
        for name in sorted(files):
            if not name.startswith("."):
                yield from read_file(Path(folder) / name, **options)
    for exc in errors:
        yield unreadable(str(exc.filename or root), exc.strerror or str(exc))


def read_file(
    path: Path,
    *,
    published: date | None = None,
    outlet: str | None = None,
    csv_columns: Mapping[str, str] | None = None,
    fmt: str | None = None,
) -> Iterator[Item]:
    """One file with the reader its format calls for."""
    kind = fmt or format_of(path)
    where = str(path)
    try:
        if kind == "jsonl":
            yield from _jsonl(path, published=published, outlet=outlet)
        elif kind == "csv":
            yield from read_csv(path, columns=csv_columns, published=published, outlet=outlet)
        elif kind in _READERS:
            yield from _READERS[kind](path, published=published, outlet=outlet)
        else:
            try:
                yield read_text(path, published=published, outlet=outlet)
            except ReportedlyError as exc:
                yield IngestError(where, str(exc))
    except OSError as exc:
        yield unreadable(where, exc.strerror or str(exc))


def _jsonl(path: Path, *, published: date | None, outlet: str | None) -> Iterator[Item]:
    """JSONL through the ingest reader; each record says where it came from (``file:n``, the
    n-th record of the file), as the other readers do."""
    try:
        for n, item in enumerate(read_jsonl(path, published=published, outlet=outlet), start=1):
            where = f"{path}:{n}"
            yield (IngestError(where, item.message) if isinstance(item, IngestError)
                   else replace(item, path=where))
    except ReportedlyError as exc:
        yield IngestError(str(path), str(exc))


_READERS: dict[str, Callable[..., Iterator[Item]]] = {
    "html": read_html,
    "rss": read_feed,
    "warc": read_warc,
}
