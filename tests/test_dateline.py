"""Datelines: recognised at the start of wire copy, never inside a sentence."""

from __future__ import annotations

import pytest

from reportedly.dateline import find_dateline


@pytest.mark.parametrize(
    ("text", "place", "region", "outlet"),
    [
        ("KAMPALA, Aug 13 (Meridian Wire) - A crowd beat a man.", "KAMPALA", None, "Meridian Wire"),
        (
            "GOMA, Democratic Republic of Congo, Nov 7 (Wire) - Fighting broke out.",
            "GOMA",
            "Democratic Republic of Congo",
            "Wire",
        ),
        ("NEW DELHI, 3 March (Agency) — Police said.", "NEW DELHI", None, "Agency"),
        ("ERBIL, Iraq - A drone struck a car.", "ERBIL", "Iraq", None),
    ],
)
def test_dateline_found(text, place, region, outlet):
    """A capitalised place, optional region, date and outlet, then a dash."""
    d = find_dateline(text)
    assert d is not None and (d.place, d.region, d.outlet) == (place, region, outlet)
    assert text[d.end - 2 : d.end].strip() in ("-", "—", "")


@pytest.mark.parametrize(
    "text",
    [
        "A drone struck a car near Erbil - officials said.",
        "The UN - which runs the camp - said.",
        "",
    ],
)
def test_dateline_absent(text):
    """Ordinary sentences have no dateline."""
    assert find_dateline(text) is None
