"""RSS and Atom feeds: one document per entry, via feedparser."""

from __future__ import annotations

import calendar
import html as htmllib
import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

from reportedly.readers._common import Item, document, read_bytes, unreadable

_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(?:p|br|div|li|h[1-6])\b[^>]*>", re.IGNORECASE)


def read_feed(
    path: str | os.PathLike[str],
    *,
    published: date | None = None,
    outlet: str | None = None,
) -> Iterator[Item]:
    """Each entry of a feed; a feed feedparser cannot read at all is one error record."""
    where = str(path)
    raw = read_bytes(path)
    if not isinstance(raw, bytes):
        yield raw
        return
    yield from feed_items(raw, where=where, published=published, outlet=outlet)


def feed_items(
    raw: bytes, *, where: str, published: date | None = None, outlet: str | None = None
) -> Iterator[Item]:
    import feedparser

    try:
        feed = feedparser.parse(raw)
    except Exception as exc:  # noqa: BLE001 - feedparser raises odd types on odd bytes
        yield unreadable(where, f"malformed feed ({type(exc).__name__})")
        return
    entries = list(feed.get("entries") or [])
    if not entries:
        # feedparser reads what it can of a broken feed; with no entries at all, say why.
        problem = feed.get("bozo_exception")
        reason = f"malformed feed ({_first_line(problem)})" if problem else "a feed with no entries"
        yield unreadable(where, reason)
        return
    site = (feed.get("feed") or {}).get("title") or None
    problem = feed.get("bozo_exception")
    broken = f"; malformed feed ({_first_line(problem)})" if feed.get("bozo") and problem else ""
    for n, entry in enumerate(entries, start=1):
        yield _entry(entry, where=f"{where}#{n}", site=site, published=published, outlet=outlet,
                     broken=broken)


def _entry(entry, *, where: str, site: str | None, published: date | None,
           outlet: str | None, broken: str = "") -> Item:
    body = ""
    for content in entry.get("content") or []:
        if isinstance(content, dict) and content.get("value"):
            body = str(content["value"])
            break
    body = body or str(entry.get("summary") or "")
    text = markup_to_text(body)
    if not text:
        return unreadable(where, f"feed entry has no text (no content or summary){broken}")
    when = _entry_date(entry)
    return document(
        text,
        where=where,
        published=when or published,
        outlet=site or outlet,
        url=entry.get("link") or None,
        title=entry.get("title") or None,
    )


def markup_to_text(value: str) -> str:
    """An entry's HTML snippet as plain text, paragraphs on their own lines."""
    text = _BLOCK.sub("\n", value)
    text = htmllib.unescape(_TAG.sub("", text))
    lines = (re_space(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def re_space(line: str) -> str:
    return " ".join(line.split())


def _entry_date(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                # feedparser gives UTC struct_time; keep it timezone-aware.
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _first_line(exc: object) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__
