"""What every reader shares: the per-document checks and the error record they yield."""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path

from reportedly.errors import E, ReportedlyError
from reportedly.ingest import IngestError, check_text
from reportedly.records import Document
from reportedly.settings import setting

Item = Document | IngestError
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def failure(where: str, code: E, **kwargs: object) -> IngestError:
    """An error record whose id says where the document was (``file``, ``file:3``, ``file#2``)."""
    return IngestError(where, str(ReportedlyError(code, **kwargs)))


def unreadable(where: str, reason: str) -> IngestError:
    """A document that cannot be read, with the reason in words."""
    return failure(where, E.E010, path=where, reason=reason)


def too_large(raw: bytes | str, where: str) -> IngestError | None:
    limit_mb = setting("max_doc_mb")
    if len(raw) > limit_mb * 1024 * 1024:
        return failure(where, E.E005, path=where, size_mb=len(raw) / 1e6, limit_mb=limit_mb)
    return None


def decode_markup(raw: bytes, *, where: str, declared: str | None = None) -> str | IngestError:
    """Bytes of a web page to text: UTF-8, else the charset the page or its server declares.

    A page that is neither UTF-8 nor declares a charset Python knows is refused (E004)
    rather than guessed: a wrong guess silently garbles names and numbers.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    found = _CHARSET.search(raw[:4096])
    for name in (declared, found.group(1).decode("ascii", "replace") if found else None):
        if not name:
            continue
        try:
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return failure(where, E.E004, path=where)


def document(
    text: str,
    *,
    where: str,
    published: datetime | date | str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    title: str | None = None,
    doc_id: str | None = None,
) -> Item:
    """A checked ``Document`` (size, emptiness, language), or the error record saying why not."""
    big = too_large(text, where)
    if big is not None:
        return big
    try:
        check_text(text, name=where)
    except ReportedlyError as exc:
        return IngestError(where, str(exc))
    try:
        return Document.from_text(
            text, id=doc_id, published=published, outlet=outlet, url=url, title=title, path=where
        )
    except ValueError:
        # A date the record parser cannot read is dropped rather than losing the document.
        return Document.from_text(
            text, id=doc_id, outlet=outlet, url=url, title=title, path=where
        )


def read_bytes(path: str | os.PathLike[str]) -> bytes | IngestError:
    """A whole input file, or why it cannot be had (missing, too large, unreadable, empty).

    The size is checked before reading, so an oversized file is refused without loading it.
    """
    where = str(path)
    p = Path(path)
    try:
        if not p.is_file():
            return failure(where, E.E001, path=where)
        limit_mb = setting("max_doc_mb")
        size = p.stat().st_size
        if size > limit_mb * 1024 * 1024:
            return failure(where, E.E005, path=where, size_mb=size / 1e6, limit_mb=limit_mb)
        raw = p.read_bytes()
    except OSError as exc:
        return unreadable(where, exc.strerror or str(exc))
    if not raw.strip():
        return failure(where, E.E002, path=where)
    return raw
