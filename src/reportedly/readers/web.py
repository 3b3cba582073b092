"""Reports on the web: a feed, a page or a plain-text file at an http(s) URL.

The bytes are fetched with a timeout and a size limit, then read by the reader their content
calls for (the server's Content-Type, else their first bytes): a feed gives one document per
entry, a page its article text. A feed that times out, a server that answers an error or
cannot be reached, a body larger than the limit: each is one error record saying so, never an
exception, so a watcher or a batch goes on with the next input.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from email.message import Message

from reportedly import __version__
from reportedly.readers._common import Item, decode_markup, document, too_large, unreadable
from reportedly.readers.html import html_document
from reportedly.readers.rss import feed_items
from reportedly.settings import setting

SCHEMES = ("http://", "https://")
USER_AGENT = f"reportedly/{__version__} (+conflict event extraction; feed reader)"
_FEED_TYPES = ("rss", "atom", "rdf", "/xml", "+xml")


def is_url(value: object) -> bool:
    """True for an http(s) address (what the readers fetch rather than open)."""
    return isinstance(value, str) and value.lower().startswith(SCHEMES)


def fetch(url: str, *, timeout: float | None = None) -> tuple[bytes, Message] | str:
    """The body and headers at ``url``, or the reason in words why there are none."""
    limit = setting("max_doc_mb") * 1024 * 1024
    wait = float(timeout if timeout is not None else setting("fetch_timeout_s"))
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=wait) as response:  # noqa: S310 - http(s) only
            body = response.read(limit + 1)
            headers = response.headers
    except urllib.error.HTTPError as exc:
        return f"the server answered HTTP {exc.code} {exc.reason}"
    except TimeoutError:
        return f"timed out after {wait:g} s"
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return f"timed out after {wait:g} s"
        return f"cannot be reached ({reason})"
    except (OSError, ValueError, http.client.HTTPException) as exc:  # reset, malformed address
        return f"cannot be fetched ({type(exc).__name__}: {exc})"
    if len(body) > limit:
        return f"larger than the {setting('max_doc_mb')} MB limit (REPORTEDLY_MAX_DOC_MB)"
    return body, headers


def read_url(
    url: str,
    *,
    published: date | None = None,
    outlet: str | None = None,
    timeout: float | None = None,
) -> Iterator[Item]:
    """Every document at ``url``: a feed's entries, a page's article, or a text."""
    got = fetch(url, timeout=timeout)
    if isinstance(got, str):
        yield unreadable(url, got)
        return
    body, headers = got
    if not body.strip():
        yield unreadable(url, "the server sent an empty body")
        return
    kind = _kind(body, headers.get_content_type() if headers else "")
    charset = headers.get_content_charset() if headers else None
    if kind == "rss":
        yield from feed_items(body, where=url, published=published, outlet=outlet)
    elif kind == "html":
        yield html_document(body, where=url, url=url, charset=charset, published=published,
                            outlet=outlet)
    else:
        yield _text(body, url=url, charset=charset, published=published, outlet=outlet)


def _kind(body: bytes, content_type: str) -> str:
    """What the body is: the server's word for it when it says, else its first bytes."""
    from reportedly.readers import sniff

    sniffed = sniff(body[:4096])
    if content_type == "text/html" or sniffed == "html":
        return "html" if sniffed != "rss" else "rss"
    if any(mark in content_type for mark in _FEED_TYPES) or sniffed == "rss":
        return "rss"
    return "txt"


def _text(body: bytes, *, url: str, charset: str | None, published: date | None,
          outlet: str | None) -> Item:
    text = decode_markup(body, where=url, declared=charset)
    if not isinstance(text, str):
        return text
    big = too_large(text, url)
    return big if big is not None else document(text, where=url, url=url, published=published,
                                                outlet=outlet)
