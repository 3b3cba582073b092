"""The ingest stage: files in, ``Document`` records out (plain text and JSONL for now).

Every check that fails raises ``ReportedlyError`` naming the input and what to do; JSONL
readers yield an ``IngestError`` for a bad line and go on with the others.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportedly import lexicons
from reportedly.errors import E, ReportedlyError
from reportedly.records import Document
from reportedly.settings import setting

_LANG = lexicons.load("languages")
_ENGLISH = frozenset(_LANG["english"]["words"])
_OTHER = frozenset(_LANG["other"]["words"])
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class IngestError:
    """A document that could not be read, kept so batch output can say why."""

    id: str
    message: str


def parse_date(value: str | None) -> date | None:
    """A ``--published`` value: YYYY-MM-DD (or a full ISO datetime)."""
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        raise ReportedlyError(E.E009, value=value) from None


def check_text(text: str, *, name: str) -> str:
    """Reject what is not a readable English report, with a message naming the input."""
    if not text.strip():
        raise ReportedlyError(E.E002, path=name)
    head = text[:20000]
    if head.isascii():  # (lower-casing ASCII keeps every word a word: one call for the text)
        lowered = _WORD.findall(head.lower())
        latin = len(lowered)
    else:
        words = _WORD.findall(head)
        latin = sum(map(str.isascii, words))
        lowered = [w.lower() for w in words]
    if len(lowered) >= 20:
        english = sum(map(_ENGLISH.__contains__, lowered))
        other = sum(map(_OTHER.__contains__, lowered))
        if latin / len(lowered) < 0.5:
            raise ReportedlyError(E.E006, path=name, hint="mostly non-Latin script")
        if english / len(lowered) < 0.03:
            raise ReportedlyError(E.E006, path=name, hint="few common English words")
        # English reports quoting French or Spanish names stay far below twice as many.
        if other >= 3 and other >= 2 * english:
            raise ReportedlyError(E.E006, path=name, hint="more common words of another language")
    return text


def decode(raw: bytes, *, name: str) -> str:
    limit_mb = setting("max_doc_mb")
    if len(raw) > limit_mb * 1024 * 1024:
        raise ReportedlyError(E.E005, path=name, size_mb=len(raw) / 1e6, limit_mb=limit_mb)
    if not raw.strip():
        raise ReportedlyError(E.E002, path=name)
    if b"\x00" in raw[:8192]:
        raise ReportedlyError(E.E003, path=name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReportedlyError(E.E004, path=name) from None


def read_text(
    path: str | os.PathLike[str],
    *,
    published: date | None = None,
    outlet: str | None = None,
) -> Document:
    """One plain-text report."""
    p = Path(path)
    if not p.is_file():
        raise ReportedlyError(E.E001, path=str(path))
    limit_mb = setting("max_doc_mb")
    try:
        # The size is checked before reading, so an oversized file is refused without loading it.
        size = p.stat().st_size
        if size > limit_mb * 1024 * 1024:
            raise ReportedlyError(E.E005, path=str(path), size_mb=size / 1e6, limit_mb=limit_mb)
        raw = p.read_bytes()
    except OSError as exc:
        raise ReportedlyError(E.E010, path=str(path), reason=exc.strerror or str(exc)) from None
    text = check_text(decode(raw, name=str(path)), name=str(path))
    return Document.from_text(text, published=published, outlet=outlet, path=str(p))


def read_jsonl(
    path: str | os.PathLike[str],
    *,
    published: date | None = None,
    outlet: str | None = None,
) -> Iterator[Document | IngestError]:
    """The batch form: lines of {"id", "text", "published", "outlet", "url"}."""
    p = Path(path)
    if not p.is_file():
        raise ReportedlyError(E.E001, path=str(path))
    with p.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            yield _jsonl_line(raw, n, str(path), published=published, outlet=outlet)


def _jsonl_line(raw: bytes, n: int, name: str, *, published: date | None, outlet: str | None
                ) -> Document | IngestError:
    fallback_id = f"{Path(name).name}:{n}"
    limit_mb = setting("max_doc_mb")
    # One line is one document, so the per-document limit applies to each line as well.
    if len(raw) > limit_mb * 1024 * 1024:
        return IngestError(fallback_id, ReportedlyError(
            E.E005, path=f"{name}:{n}", size_mb=len(raw) / 1e6, limit_mb=limit_mb).args[0])
    try:
        obj = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else exc.msg
        return IngestError(fallback_id,
                           ReportedlyError(E.E007, path=name, line=n, reason=reason).args[0])
    if not isinstance(obj, dict):
        return IngestError(fallback_id, ReportedlyError(E.E007, path=name, line=n,
                                                        reason=type(obj).__name__).args[0])
    doc_id = str(obj.get("id") or fallback_id)
    text = obj.get("text")
    if not isinstance(text, str):
        return IngestError(doc_id, ReportedlyError(E.E008, path=name, line=n).args[0])
    try:
        check_text(text, name=f"{name}:{n}")
    except ReportedlyError as exc:
        return IngestError(doc_id, str(exc))
    try:
        when = parse_date(obj.get("published")) if obj.get("published") else published
    except ReportedlyError as exc:
        # The date message names no input of its own; in a batch, say which line it is.
        return IngestError(doc_id, f"[{exc.code}] {name}:{n}: {exc.message}")
    return Document.from_text(
        text,
        id=doc_id,
        published=when,
        outlet=obj.get("outlet") or outlet,
        url=obj.get("url"),
        title=obj.get("title"),
    )
