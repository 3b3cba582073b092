"""Writers: JSON lines, ACLED CSV (31 columns), GeoJSON (RFC 7946) and the terminal table."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from reportedly import export
from reportedly.records import (
    Claim,
    Event,
    Evidence,
    Extraction,
    Fatalities,
    Location,
    Plover,
    Source,
)

GAO = Location("Gao", 2457163, 16.271234567, -0.044698765, "Mali", "ML", "Gao", "Gao Cercle",
               geo_precision=1, where_prec=2)


def event(**changes: Any) -> Event:
    """An attack near Gao reported by two sources; keyword arguments change fields."""
    claim = Claim("actor1", "JNIM", "jihadists", Source("Mali army", "official"), "reported",
                  Evidence("doc1", 10, 40, "The army blamed jihadists for the attack."))
    base = Event(
        event_id="0123456789abcdef", role="main", event_type="Battles",
        sub_event_type="Armed clash", disorder_type="Political violence",
        plover=Plover("ASSAULT", "firearms"), event_date=date(2023, 5, 7), time_precision=1,
        actor1="JNIM: Group for Support of Islam and Muslims", assoc_actor_1=None,
        actor2="Military Forces of Mali (2021-)", assoc_actor_2=None, inter1=2, inter2=1,
        interaction=12, civilian_targeting=None, location=GAO,
        fatalities=Fatalities(4, 4, 4, 6), grade="fair", claims=(claim, claim),
        sources=("Wire", "Mali army"), notes="On 7 May 2023, JNIM attacked an army post.",
    )
    return replace(base, **changes)


def test_export_acled_row_keys_are_the_31_columns_in_order():
    """An ACLED row has exactly the codebook's columns, in the codebook's order."""
    row = export.acled_row(event())
    assert tuple(row) == export.ACLED_COLUMNS and len(row) == 31


def test_export_acled_row_values():
    """Coordinates to 4 decimals, sources joined by '; ', country facts from the lexicon."""
    now = datetime(2024, 1, 2, tzinfo=UTC)
    row = export.acled_row(event(), now=now)
    assert (row["latitude"], row["longitude"]) == ("16.2712", "-0.0447")
    assert row["source"] == "Wire; Mali army"
    assert row["event_id_cnty"] == "MLI01234567"
    assert (row["iso"], row["region"], row["country"]) == (466, "Western Africa", "Mali")
    assert (row["event_date"], row["year"], row["fatalities"]) == ("2023-05-07", 2023, 4)
    assert (row["inter1"], row["inter2"], row["interaction"]) == (2, 1, 12)
    assert row["admin1"] == "Gao" and row["admin2"] == "Gao Cercle"
    assert row["timestamp"] == int(now.timestamp())


def test_export_acled_row_leaves_unknown_cells_empty():
    """An event with no place or date gets empty cells, not 'None'."""
    row = export.acled_row(event(location=None, event_date=None, actor2=None, inter2=None,
                                 interaction=None))
    assert row["latitude"] == row["longitude"] == row["location"] == row["country"] == ""
    assert row["event_date"] == row["year"] == "" and row["actor2"] == ""
    assert row["event_id_cnty"].startswith("XXX")
    assert "None" not in {str(v) for v in row.values()}


def test_export_acled_csv_round_trips_through_csv_reader():
    """Notes with commas and quotes stay one cell each."""
    tricky = event(notes='Gunmen said "we will return", then fled, the army said.')
    buf = io.StringIO()
    export.write_acled_csv([tricky, event(event_id="fedcba9876543210")], buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert len(rows) == 2 and rows[0]["notes"] == tricky.notes
    assert list(rows[0]) == list(export.ACLED_COLUMNS)


def assert_feature_collection(fc: dict[str, Any]) -> None:
    """RFC 7946 shape: a FeatureCollection of Features with Point or null geometry."""
    assert fc["type"] == "FeatureCollection" and isinstance(fc["features"], list)
    for feature in fc["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            lon, lat = geometry["coordinates"]
            assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_export_geojson_is_lon_lat_with_null_geometry_when_unlocated():
    """Points are [lon, lat]; an event without coordinates keeps its feature, geometry null."""
    no_coords = event(event_id="aaaa", location=replace(GAO, lat=None, lon=None))
    no_place = event(event_id="bbbb", location=None)
    fc = export.geojson([event(), no_coords, no_place])
    assert_feature_collection(fc)
    located, *unlocated = fc["features"]
    assert located["geometry"]["coordinates"] == [round(GAO.lon, 6), round(GAO.lat, 6)]
    assert [f["geometry"] for f in unlocated] == [None, None]
    assert [f["id"] for f in fc["features"]] == ["0123456789abcdef", "aaaa", "bbbb"]


def test_export_geojson_properties_carry_the_event_without_claims():
    """Properties hold the event fields and a claim count instead of the claims themselves."""
    props = export.geojson([event()])["features"][0]["properties"]
    assert "claims" not in props and props["number_of_claims"] == 2
    assert props["sub_event_type"] == "Armed clash" and props["fatalities"]["acled"] == 4
    json.dumps(props)


def test_export_geojson_writer_prints_one_valid_document():
    """write_geojson prints a single JSON document that parses back to a FeatureCollection."""
    buf = io.StringIO()
    export.write_geojson([], buf)
    fc = json.loads(buf.getvalue())
    assert_feature_collection(fc)
    assert fc["features"] == []


def test_export_json_writes_one_line_per_extraction():
    """The JSON writer prints one {"id", "events"} object per extraction, errors included."""
    buf = io.StringIO()
    export.write_json([Extraction("a", (event(),)), Extraction("b", (), error="[E002] empty")], buf)
    first, second = (json.loads(line) for line in buf.getvalue().splitlines())
    assert set(first) == {"id", "events"} and first["events"][0]["event_id"] == "0123456789abcdef"
    assert second == {"id": "b", "events": [], "error": "[E002] empty"}


def test_export_table_shows_every_column_in_full_width():
    """The table has a header, a rule, one row per event, and the grade is never cut off."""
    text = export.table([event(), event(grade="contested", location=None, event_date=None)])
    header, rule, *rows = text.splitlines()
    assert header.split() == ["date", "role", "sub-event", "type", "actor1", "where", "dead",
                              "grade"]
    assert set(rule) == {"-", " "} and len(rows) == 2
    assert rows[0].startswith("2023-05-07") and rows[0].endswith("fair")
    assert "Gao, Mali" in rows[0]
    assert rows[1].startswith("?") and rows[1].endswith("contested")


def test_export_table_shortens_long_cells_with_an_ellipsis():
    """Cells longer than their column end in '…' and keep the columns aligned."""
    long_actor = "Military Forces of the Democratic Republic of Congo (2019-)"
    rows = export.table([event(actor1=long_actor), event()]).splitlines()[2:]
    assert "…" in rows[0] and long_actor not in rows[0]
    assert rows[0].index("Gao") == rows[1].index("Gao")


def test_export_table_width_cuts_lines_when_asked():
    """An explicit width cuts every line to at most that many characters."""
    assert max(len(line) for line in export.table([event()], width=40).splitlines()) <= 40


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_export_to_string_handles_no_events(fmt):
    """Every format writes something sensible for an empty result."""
    text = export.to_string([], fmt)
    assert text.endswith("\n")
    if fmt == "acled-csv":
        assert text.strip() == ",".join(export.ACLED_COLUMNS)
    if fmt == "geojson":
        assert json.loads(text) == {"type": "FeatureCollection", "features": []}
