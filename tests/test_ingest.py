"""Ingest: plain text and JSONL in, Documents out; bad input named in one line."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportedly.errors import ReportedlyError
from reportedly.ingest import IngestError, check_text, parse_date, read_jsonl, read_text
from reportedly.records import Document, document_id

REPORT = (
    "Gunmen attacked a police post in the town of Kidal on Tuesday, killing two officers, "
    "a regional official said. The attackers fled on motorbikes toward the border."
)


def test_ingest_text_file_gives_document_with_stable_id(tmp_path):
    """The same text read twice gives the same document id."""
    f = tmp_path / "a.txt"
    f.write_text(REPORT + "\n", encoding="utf-8")
    a = read_text(f, published=date(2024, 3, 7), outlet="Wire")
    b = read_text(f, published=date(2024, 3, 7), outlet="Wire")
    assert a.id == b.id == document_id(REPORT)
    assert a.published_date == date(2024, 3, 7) and a.outlet == "Wire"


def test_ingest_crlf_and_trailing_spaces_do_not_change_the_id():
    """Normalisation makes Windows line ends and trailing blanks irrelevant to the id."""
    assert document_id(REPORT.replace(". ", ".\r\n")) == document_id(REPORT.replace(". ", ".  \n"))


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "E002"),
        (b"   \n\t ", "E002"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "E003"),
        ("Des hommes armés ont attaqué".encode("latin-1") + b" \xe9\xe9", "E004"),
    ],
)
def test_ingest_bad_file_raises_coded_error_naming_the_file(tmp_path, content, code):
    """Empty, binary and non-UTF-8 files are refused with a coded, one-line message."""
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(ReportedlyError) as err:
        read_text(f)
    assert err.value.code == code
    assert str(f) in str(err.value) and "\n" not in str(err.value)


def test_ingest_missing_file_is_e001(tmp_path):
    """A path that does not exist is E001."""
    with pytest.raises(ReportedlyError) as err:
        read_text(tmp_path / "nope.txt")
    assert err.value.code == "E001"


def test_ingest_oversized_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    """A document over the size limit is E005 (the limit is a setting)."""
    monkeypatch.setenv("REPORTEDLY_MAX_DOC_MB", "1")
    f = tmp_path / "big.txt"
    f.write_text(REPORT * 20000, encoding="utf-8")
    with pytest.raises(ReportedlyError) as err:
        read_text(f)
    assert err.value.code == "E005"


@pytest.mark.parametrize(
    "text",
    [
        "Des hommes armés ont attaqué un poste de police à Kidal mardi, tuant deux agents, "
        "selon un responsable régional. Les assaillants ont fui à moto vers la frontière du pays.",
        "مسلحون هاجموا مركزا للشرطة في بلدة كيدال يوم الثلاثاء مما أسفر عن مقتل اثنين من "
        "الضباط وقال مسؤول إقليمي إن المهاجمين فروا على دراجات نارية نحو الحدود مع الجزائر",
    ],
)
def test_ingest_report_in_another_language_is_e006(text):
    """Reports that are not in English get a clear E006 instead of empty output."""
    with pytest.raises(ReportedlyError) as err:
        check_text(text, name="x.txt")
    assert err.value.code == "E006"


def test_ingest_jsonl_bad_lines_become_error_records_and_good_lines_go_on(tmp_path):
    """A line that is not JSON or has no text is an error record; the others are read."""
    f = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a", "text": REPORT, "published": "2024-03-07", "outlet": "Wire"}),
        "{not json",
        json.dumps({"id": "c", "title": "no text here"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "e", "text": REPORT, "published": "31 February"}),
        json.dumps({"id": "f", "text": REPORT}),
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_jsonl(f))
    kinds = [type(i).__name__ for i in items]
    assert kinds == [
        "Document",
        "IngestError",
        "IngestError",
        "IngestError",
        "IngestError",
        "Document",
    ]
    assert items[0].id == "a" and items[0].published_date == date(2024, 3, 7)
    assert isinstance(items[2], IngestError) and items[2].id == "c" and "E008" in items[2].message
    assert "E007" in items[1].message and ":2:" in items[1].message
    assert "E009" in items[4].message


@pytest.mark.parametrize("value", ["2021-13-01", "yesterday", "31/02/2021"])
def test_ingest_parse_date_rejects_non_dates(value):
    """--published takes YYYY-MM-DD; anything else is E009."""
    with pytest.raises(ReportedlyError) as err:
        parse_date(value)
    assert err.value.code == "E009"


@given(st.text(max_size=400))
def test_ingest_document_roundtrip_never_crashes(text):
    """Any text makes a Document whose dict form reads back equal."""
    doc = Document.from_text(text, published="2024-01-02", outlet="x")
    assert Document.from_dict(doc.to_dict()) == doc


def _language_verdict(text: str) -> str | None:
    """The language check read word by word: the hint of the refusal, or None."""
    from reportedly.ingest import _ENGLISH, _OTHER, _WORD

    words = _WORD.findall(text[:20000])
    if len(words) < 20:
        return None
    lowered = [w.lower() for w in words]
    english = sum(w in _ENGLISH for w in lowered)
    other = sum(w in _OTHER for w in lowered)
    if sum(w.isascii() for w in words) / len(words) < 0.5:
        return "mostly non-Latin script"
    if english / len(words) < 0.03:
        return "few common English words"
    if other >= 3 and other >= 2 * english:
        return "more common words of another language"
    return None


_LANGUAGE_WORDS = st.sampled_from(["the", "of", "said", "Les", "de", "la", "und", "der", "el",
                                   "Police", "Gaza", "مدينة", "Київ", "Şırnak", "KILLED", "2-0"])


@given(st.lists(_LANGUAGE_WORDS, min_size=15, max_size=60).map(" ".join))
def test_ingest_language_check_reads_as_word_by_word(text):
    """Read in one pass over a lower-cased ASCII text or word by word over any other, the
    language check refuses exactly the texts the word-by-word reading refuses."""
    expected = _language_verdict(text)
    if expected is None:
        assert check_text(text, name="t") == text
    else:
        with pytest.raises(ReportedlyError, match=expected):
            check_text(text, name="t")
