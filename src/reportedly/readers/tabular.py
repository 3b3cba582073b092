"""CSV and TSV: one document per row, columns named by a mapping."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Mapping
from datetime import date

from reportedly.errors import E, ReportedlyError
from reportedly.ingest import IngestError, parse_date
from reportedly.readers._common import Item, document, read_bytes, unreadable
from reportedly.settings import setting

FIELDS = ("id", "text", "published", "outlet", "url", "title")


def parse_columns(value: str | None) -> dict[str, str]:
    """``text=notes,published=event_date`` to {field: column}; an unknown field raises E014."""
    if not value:
        return {}
    mapping: dict[str, str] = {}
    for part in value.split(","):
        field, sep, column = (s.strip() for s in part.partition("="))
        if not sep or field not in FIELDS or not column:
            choices = ", ".join(f"{f}=COLUMN" for f in FIELDS)
            raise ReportedlyError(E.E014, value=part, choices=choices)
        mapping[field] = column
    return mapping


def read_csv(
    path: str | os.PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    published: date | None = None,
    outlet: str | None = None,
) -> Iterator[Item]:
    """Rows of a CSV (``.tsv``: tab-separated) file with a header; ``columns`` maps our fields
    (id, text, published, outlet, url, title) to the file's column names (default: the same
    names). A row without text, or with a bad date, is an error record; the others go on."""
    where = str(path)
    raw = read_bytes(path)
    if not isinstance(raw, bytes):
        yield raw
        return
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        yield IngestError(where, str(ReportedlyError(E.E004, path=where)))
        return
    names = {f: (columns or {}).get(f, f) for f in FIELDS}
    delimiter = "\t" if where.lower().endswith(".tsv") else ","
    # One cell may hold a whole article: allow cells up to the per-document limit.
    csv.field_size_limit(max(csv.field_size_limit(), setting("max_doc_mb") * 1024 * 1024))
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        yield unreadable(where, f"malformed CSV header ({exc})")
        return
    if names["text"] not in header:
        yield unreadable(where, f"no {names['text']!r} column (columns: {', '.join(header)}); "
                                "map one with --csv-columns text=COLUMN")
        return
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            yield unreadable(f"{where}:{reader.line_num}", f"malformed CSV row ({exc})")
            return
        yield _row(row, names, where=f"{where}:{reader.line_num}", published=published,
                   outlet=outlet)


def _row(row: Mapping[str, str | None], names: Mapping[str, str], *, where: str,
         published: date | None, outlet: str | None) -> Item:
    def cell(field: str) -> str | None:
        value = row.get(names[field])
        return value.strip() if isinstance(value, str) and value.strip() else None

    text = cell("text")
    if text is None:
        return unreadable(where, f"the {names['text']!r} cell is empty")
    try:
        when = parse_date(cell("published")) if cell("published") else published
    except ReportedlyError as exc:
        return IngestError(cell("id") or where, f"[{exc.code}] {where}: {exc.message}")
    return document(text, where=where, published=when, outlet=cell("outlet") or outlet,
                    url=cell("url"), title=cell("title"), doc_id=cell("id"))
