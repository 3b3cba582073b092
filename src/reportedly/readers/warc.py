"""WARC archives (plain or gzipped): every archived HTML page, via warcio."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from reportedly.errors import E
from reportedly.readers._common import Item, failure, unreadable
from reportedly.readers.html import html_document
from reportedly.settings import setting

_PAGE_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(
    path: str | os.PathLike[str],
    *,
    published: date | None = None,
    outlet: str | None = None,
) -> Iterator[Item]:
    """The HTML responses of an archive, one document each. A damaged record ends the archive
    with one error record naming how many records were read before it."""
    from warcio.archiveiterator import ArchiveIterator

    where = str(path)
    p = Path(path)
    if not p.is_file():
        yield failure(where, E.E001, path=where)
        return
    n = 0
    try:
        with p.open("rb") as fh:
            for record in ArchiveIterator(fh):
                n += 1
                item = _record(record, where=f"{where}#{n}", published=published, outlet=outlet)
                if item is not None:
                    yield item
    except OSError as exc:
        yield unreadable(where, exc.strerror or str(exc))
    except Exception as exc:  # noqa: BLE001 - warcio and zlib raise many types on damaged data
        yield unreadable(
            f"{where}#{n + 1}" if n else where,
            f"damaged or truncated WARC record after {n} records ({type(exc).__name__})",
        )


def _record(record, *, where: str, published: date | None, outlet: str | None) -> Item | None:
    """A response or resource record holding a page; None for requests, metadata, images."""
    if record.rec_type not in ("response", "resource"):
        return None
    http = record.http_headers
    if record.rec_type == "response" and http is None:
        return None
    ctype = (http.get_header("Content-Type") if http else
             record.rec_headers.get_header("Content-Type")) or ""
    if not any(t in ctype.lower() for t in _PAGE_TYPES):
        return None
    if http is not None:
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            return None
    limit = setting("max_doc_mb") * 1024 * 1024
    raw = record.content_stream().read(limit + 1)
    url = record.rec_headers.get_header("WARC-Target-URI")
    if len(raw) > limit:
        return failure(where, E.E005, path=where, size_mb=len(raw) / 1e6,
                       limit_mb=setting("max_doc_mb"))
    charset = None
    if "charset=" in ctype.lower():
        charset = ctype.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'") or None
    return html_document(raw, where=where, url=url, charset=charset,
                         published=published, outlet=outlet)
