"""Writers: JSON lines, ACLED CSV (31 columns), UCDP-GED-style CSV, PLOVER JSON, GeoJSON
(RFC 7946), Parquet and the terminal table."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import geojson as geojson_lib
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


@pytest.mark.parametrize("fmt", export.TEXT_FORMATS)
def test_export_to_string_handles_no_events(fmt):
    """Every format writes something sensible for an empty result (no lines for JSON lines)."""
    text = export.to_string([], fmt)
    assert text.endswith("\n") or (fmt == "plover-json" and text == "")
    if fmt == "acled-csv":
        assert text.strip() == ",".join(export.ACLED_COLUMNS)
    if fmt == "geojson":
        assert json.loads(text) == {"type": "FeatureCollection", "features": []}
    if fmt == "ucdp-csv":
        assert text.strip() == ",".join(export.UCDP_COLUMNS)


UCDP_HEADER = (
    "id,year,type_of_violence,side_a,side_b,where_coordinates,latitude,longitude,country,adm_1,"
    "where_prec,date_start,date_end,date_prec,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,best,low,high,number_of_sources,source_article"
)


def test_export_ucdp_header_is_the_documented_columns():
    """The UCDP-style CSV has the GED columns the README lists, in that order."""
    buf = io.StringIO()
    export.write_ucdp_csv([event()], buf)
    assert buf.getvalue().splitlines()[0] == UCDP_HEADER


def test_export_ucdp_row_values():
    """Deaths go to deaths_unknown (best = their sum), places and precisions carry over."""
    row = export.ucdp_row(event(extras={"documents": ["doc1"], "number_of_sources": 3}),
                          articles={"doc1": "Wire, 2023-05-08, https://wire.example/gao"})
    assert (row["side_a"], row["side_b"]) == ("JNIM: Group for Support of Islam and Muslims",
                                              "Military Forces of Mali (2021-)")
    assert (row["where_coordinates"], row["adm_1"], row["where_prec"]) == ("Gao", "Gao", 2)
    assert (row["latitude"], row["longitude"]) == ("16.2712", "-0.0447")
    assert (row["date_start"], row["date_end"], row["date_prec"]) == ("2023-05-07",) * 2 + (1,)
    assert (row["best"], row["low"], row["high"], row["deaths_unknown"]) == (4, 4, 6, 4)
    assert row["deaths_a"] == row["deaths_b"] == row["deaths_civilians"] == 0
    assert row["number_of_sources"] == 3
    assert row["source_article"] == "Wire, 2023-05-08, https://wire.example/gao"
    assert row["type_of_violence"] == 1 and row["year"] == 2023


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, 1),
        ({"inter1": 2, "inter2": 3}, 2),
        ({"inter1": 3, "inter2": None}, 2),
        ({"inter2": 7, "civilian_targeting": "Civilian targeting"}, 3),
        ({"event_type": "Protests", "inter1": 6}, None),
        ({"event_type": "Riots", "inter1": 5, "inter2": 1}, None),
        ({"inter1": None}, None),
    ],
    ids=["state-based", "non-state", "one-group", "one-sided", "protest", "riot", "no-side"],
)
def test_export_ucdp_type_of_violence(changes, expected):
    """State on a side: 1; organised groups only: 2; civilians targeted: 3; protests: none."""
    assert export.type_of_violence(event(**changes)) == expected


def test_export_ucdp_one_sided_deaths_are_civilians_and_unknowns_are_empty():
    """One-sided violence counts its dead as civilians; an unknown toll leaves cells empty."""
    vac = export.ucdp_row(event(inter2=7, civilian_targeting="Civilian targeting"))
    assert (vac["deaths_civilians"], vac["deaths_unknown"]) == (4, 0)
    unknown = export.ucdp_row(event(fatalities=Fatalities(0), location=None, event_date=None))
    assert unknown["best"] == unknown["low"] == unknown["deaths_unknown"] == ""
    assert unknown["date_start"] == unknown["where_coordinates"] == ""
    assert "None" not in {str(v) for v in unknown.values()}


@pytest.mark.parametrize(("precision", "start", "end", "date_prec"),
                         [(1, "2023-05-07", "2023-05-07", 1), (2, "2023-05-04", "2023-05-10", 3),
                          (3, "2023-04-22", "2023-05-22", 5)])
def test_export_ucdp_dates_span_the_time_precision(precision, start, end, date_prec):
    """A week- or month-precise date becomes a start-end span with UCDP's date_prec."""
    row = export.ucdp_row(event(time_precision=precision))
    assert (row["date_start"], row["date_end"], row["date_prec"]) == (start, end, date_prec)


def test_export_plover_record_has_the_plover_fields_and_our_claims():
    """PLOVER JSON: actor, recipient, event, mode, context, dead, date, location, claims."""
    buf = io.StringIO()
    export.write_plover_json([event(), event(event_id="b", location=None)], buf)
    first, second = (json.loads(line) for line in buf.getvalue().splitlines())
    assert {"actor", "recipient", "event", "mode", "context", "dead", "date", "location",
            "claims"} <= set(first)
    assert (first["event"], first["mode"], first["dead"]) == ("ASSAULT", "firearms", 4)
    assert first["actor"].startswith("JNIM") and first["date"] == "2023-05-07"
    assert first["location"]["lat"] == GAO.lat and len(first["claims"]) == 2
    assert first["context"] == [] and second["location"] is None


def test_export_geojson_is_valid_for_a_geojson_library():
    """The FeatureCollection passes the geojson library's RFC 7946 validation."""
    buf = io.StringIO()
    export.write_geojson([event(), event(event_id="x", location=None)], buf)
    fc = geojson_lib.loads(buf.getvalue())
    assert fc.is_valid, fc.errors()
    assert all(f.is_valid for f in fc["features"])


def test_export_parquet_reads_back_equal_to_the_json(tmp_path):
    """Each Parquet row's body equals the JSON export's event, and the flat columns agree."""
    events = [event(), event(event_id="b", location=None, event_date=None,
                             fatalities=Fatalities(0))]
    path = tmp_path / "events.parquet"
    export.write_parquet(events, path)
    buf = io.StringIO()
    export.write_events(events, "json", buf)
    as_json = [json.loads(line) for line in buf.getvalue().splitlines()]
    rows = export.read_parquet(path)
    assert [json.loads(r["body"]) for r in rows] == as_json
    assert [json.loads(r["claims"]) for r in rows] == [e["claims"] for e in as_json]
    assert rows[0]["event_date"] == date(2023, 5, 7) and rows[0]["latitude"] == GAO.lat
    assert (rows[0]["fatalities"], rows[0]["high"]) == (4, 6)
    assert rows[1]["event_date"] is None and rows[1]["latitude"] is None


def test_export_parquet_with_no_events_is_an_empty_table(tmp_path):
    """No events still makes a readable Parquet file with the columns."""
    path = tmp_path / "none.parquet"
    export.write_parquet([], path)
    assert export.read_parquet(path) == []


def test_export_events_json_is_one_event_per_line():
    """The stored-events JSON writer prints each event's contract object on its own line."""
    buf = io.StringIO()
    export.write_events([event(), event(event_id="b")], "json", buf)
    lines = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert [e["event_id"] for e in lines] == ["0123456789abcdef", "b"]
