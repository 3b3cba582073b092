"""HTML pages: the article's main text, title, date and site name via trafilatura."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import date

from reportedly.errors import E
from reportedly.readers._common import (
    Item,
    decode_markup,
    document,
    failure,
    read_bytes,
    unreadable,
)

# trafilatura logs every page it finds no text in; the reader reports that itself.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
# trafilatura falls back to any text on the page ("Home", a cookie notice); fewer words than a
# one-sentence wire brief is not an article.
MIN_ARTICLE_WORDS = 8


def read_html(
    path: str | os.PathLike[str],
    *,
    published: date | None = None,
    outlet: str | None = None,
) -> Iterator[Item]:
    """One saved web page: its article text, or an error record saying why there is none."""
    where = str(path)
    raw = read_bytes(path)
    if isinstance(raw, bytes):
        yield html_document(raw, where=where, published=published, outlet=outlet)
    else:
        yield raw


def html_document(
    raw: bytes,
    *,
    where: str,
    url: str | None = None,
    charset: str | None = None,
    published: date | None = None,
    outlet: str | None = None,
) -> Item:
    """A page's bytes to a Document: the page's own date and site name win over the defaults."""
    markup = decode_markup(raw, where=where, declared=charset)
    if not isinstance(markup, str):
        return markup
    if not markup.strip():
        return failure(where, E.E002, path=where)
    import trafilatura

    try:
        found = trafilatura.bare_extraction(
            markup, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # noqa: BLE001 - a parser failure on one page must not end a run
        return unreadable(where, f"HTML could not be parsed: {type(exc).__name__}")
    text = getattr(found, "text", None) if found is not None else None
    if not text or len(text.split()) < MIN_ARTICLE_WORDS:
        return unreadable(where, "no article text found in the HTML")
    title = getattr(found, "title", None) or None
    page_date = getattr(found, "date", None) or None
    site = getattr(found, "sitename", None) or getattr(found, "hostname", None) or None
    return document(
        text,
        where=where,
        published=page_date or published,
        outlet=site or outlet,
        url=url or getattr(found, "url", None) or None,
        title=title,
    )
