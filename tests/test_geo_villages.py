"""Villages of national gazetteers (geo/villages.py, lexicons/gazetteers.yaml): reading the
sources, building them into the index, and the resolver rules that reach them."""

from __future__ import annotations

import gzip
import json
import math
import sqlite3
from collections import Counter

import pytest

from reportedly.geo import build, villages
from reportedly.geo.gazetteer import ascii_name


def _romaniser(table: str) -> villages.Romaniser:
    return villages.Romaniser(villages.spec()["romanisation"][table])


# --- sources --------------------------------------------------------------------------------


@pytest.mark.parametrize(("table", "cyrillic", "latin"), [
    ("uk", "Кам'янка", "Kamianka"),            # apostrophe dropped, я inside a word: ia
    ("uk", "Яблунівка", "Yablunivka"),         # я at the start of a word: ya
    ("uk", "Нова Йосипівка", "Nova Yosypivka"),  # й at the start of the second word: y
    ("uk", "Михайлівка", "Mykhailivka"),
    ("uk-news", "Михайлівка", "Mykhaylivka"),  # the looser spelling news copy uses
    ("uk-news", "Кам'янка", "Kamyanka"),
])
def test_villages_ukrainian_romanisation(table, cyrillic, latin):
    assert _romaniser(table)(cyrillic) == latin


def _mimu_db(root, villages_rows, wards_rows):
    folder = root / "mm_geo_coder" / "database"
    folder.mkdir(parents=True)
    con = sqlite3.connect(folder / "mimu_geo_data_public.db")
    con.execute("CREATE TABLE villages (village_eng TEXT, state_pcode TEXT, latitude REAL, "
                "longitude REAL)")
    con.execute("CREATE TABLE wards (town_pcode TEXT, town_eng TEXT, state_pcode TEXT, "
                "latitude REAL, longitude REAL)")
    con.executemany("INSERT INTO villages VALUES (?,?,?,?)", villages_rows)
    con.executemany("INSERT INTO wards VALUES (?,?,?,?,?)", wards_rows)
    con.commit()
    con.close()


def test_villages_mimu_reader_cleans_names_and_skips_bad_points(tmp_path):
    _mimu_db(tmp_path, [
        ("Kyun Hteik (East)", "S1", 16.1, 95.3),   # bracket dropped, kept as an alias
        ("Nowhere", "S1", None, None),             # no point: skipped
        ("Null Island", "S1", 0.0, 0.0),           # 0,0: skipped
    ], [])
    got = list(villages._mimu(tmp_path, {"country_code": "MM"}, []))
    assert [(v.name, v.aliases, v.region_label, v.feature_code) for v in got] == [
        ("Kyun Hteik", ("Kyun Hteik (East)",), "S1", "PPL")]


def test_villages_mimu_town_is_at_its_middle_ward_not_a_misplaced_one(tmp_path):
    """One ward of a town given a point on another continent must not carry the town there."""
    _mimu_db(tmp_path, [], [
        ("T1", "Sample Town", "S1", 22.07, 94.90),
        ("T1", "Sample Town", "S1", 22.08, 94.91),
        ("T1", "Sample Town", "S1", 32.15, -82.90),
    ])
    [town] = villages._mimu(tmp_path, {"country_code": "MM"}, [])
    assert (town.name, town.feature_code) == ("Sample", "PPLA3")
    assert abs(town.lat - 22.08) < 0.02 and abs(town.lon - 94.91) < 0.02


def test_villages_postal_reader_one_place_per_name_and_point(tmp_path):
    folder = tmp_path / "zip_finder" / "data"
    folder.mkdir(parents=True)
    rows = [
        {"country_code": "UA", "city": "Кам'янка", "state": "Kharkivska",
         "latitude": 49.4, "longitude": 37.0},
        {"country_code": "UA", "city": "Кам'янка", "state": "Kharkivska",
         "latitude": 49.4, "longitude": 37.0},                      # second post code
        {"country_code": "UA", "city": "Піски (с.)", "state": "Donetska",
         "latitude": 48.1, "longitude": 37.6},
        {"country_code": "PL", "city": "Kamionka", "state": "x",
         "latitude": 51.0, "longitude": 22.0},                      # another country
        {"country_code": "UA", "city": "Broken", "state": "x",
         "latitude": 123.0, "longitude": 37.0},                     # out of range
    ]
    with gzip.open(folder / "geonames_data.jsonl.gz", "wt", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    source = {"country_code": "UA"}
    got = list(villages._geonames_postal(tmp_path, source, [_romaniser("uk"),
                                                            _romaniser("uk-news")]))
    assert [(v.name, v.region_label) for v in got] == [("Kamianka", "Kharkivska"),
                                                       ("Pisky", "Donetska")]
    assert got[0].aliases == ("Kamyanka", "Кам'янка")


def test_villages_missing_package_gives_no_villages(monkeypatch):
    monkeypatch.setattr(villages, "spec", lambda: {"sources": [
        {"id": "x", "package": "no-such-distribution-here", "reader": "mimu",
         "country_code": "MM"}]})
    assert list(villages.read_all()) == []


# --- build ----------------------------------------------------------------------------------


def test_villages_build_names_regions_by_vote_and_drops_duplicates_and_slips(monkeypatch):
    """A source's region label takes the admin1 of the towns nearest its villages; a village
    that is a GeoNames town already, or lies far from every town of its country, is left
    out."""
    cities = {
        "1": {"geonameid": 1, "name": "Alpha", "alternatenames": [], "latitude": 20.0,
              "longitude": 95.0, "countrycode": "MM", "admin1code": "01"},
        "2": {"geonameid": 2, "name": "Beta", "alternatenames": [], "latitude": 24.0,
              "longitude": 95.0, "countrycode": "MM", "admin1code": "02"},
    }
    admin1_of = {("MM", "01"): "South Region", ("MM", "02"): "North Region"}
    rows = [
        villages.Village("Gamma", (), 20.1, 95.1, "MM", "S-south"),
        villages.Village("Delta", (), 23.9, 95.1, "MM", "S-north"),
        villages.Village("Epsilon", (), 24.1, 94.9, "MM", "S-north"),
        villages.Village("Alpha", (), 20.01, 95.01, "MM", "S-south"),  # the GeoNames town
        villages.Village("Far Away", (), 10.0, 60.0, "MM", "S-south"),  # the source's slip
    ]
    monkeypatch.setattr(villages, "read_all", lambda: iter(rows))
    con = sqlite3.connect(":memory:")
    con.executescript(build.SCHEMA)
    build._insert_villages(con, cities, admin1_of, build._Counter())
    got = con.execute("SELECT name, admin1, kind FROM places ORDER BY name").fetchall()
    assert got == [("Delta", "North Region", "village"), ("Epsilon", "North Region", "village"),
                   ("Gamma", "South Region", "village")]
    assert con.execute("SELECT COUNT(*) FROM names").fetchone()[0] == 3


def test_villages_in_the_index_with_their_regions():
    con = sqlite3.connect(build.ensure_index())
    counts = Counter(dict(con.execute(
        "SELECT cc, COUNT(*) FROM places WHERE kind = 'village' GROUP BY cc").fetchall()))
    assert counts["MM"] > 50_000 and counts["UA"] > 15_000
    unnamed = con.execute("SELECT COUNT(*) FROM places WHERE kind = 'village' AND "
                          "(admin1 IS NULL OR admin1 = '')").fetchone()[0]
    assert unnamed == 0


# --- resolver rules -------------------------------------------------------------------------


def test_geo_village_is_no_reading_of_a_bare_name(gaz):
    """A national-gazetteer village is looked up only inside its region, never by name alone:
    no candidate for it anywhere else."""
    assert gaz.candidates("Ah Pyin Boke Chaung") == []
    found = gaz.fuzzy("Ah Pyin Boke Chaung", country_code="MM", admin1="Ayeyarwady")[0]
    assert math.dist((found.lat, found.lon), (16.03, 95.26)) < 0.05


def test_geo_village_found_inside_the_region_a_text_names(geo, nlp):
    text = ("Soldiers set fire to houses in Ah Pyin Boke Chaung village (Bogale township, "
            "Pyapon district, Ayeyarwady region) on Tuesday, residents said.")
    by_text = {t.text: t for t in geo.toponyms(nlp(text))}
    village = by_text["Ah Pyin Boke Chaung"]
    assert math.dist((village.lat, village.lon), (16.03, 95.26)) < 0.05
    assert village.admin1 == "Ayeyarwady"


@pytest.mark.parametrize(("town", "point"), [
    ("Thanbyuzayat", (16.07, 97.76)),
    ("Mudon", (16.26, 97.55)),
])
def test_geo_namesake_villages_settled_by_the_town_named_beside(geo, nlp, town, point):
    """Two villages share a name in one region: the one near the town the text names."""
    text = (f"Troops shelled Ah Bit village in Mon state on Sunday, a day after clashes near "
            f"{town}, residents said.")
    by_text = {t.text: t for t in geo.toponyms(nlp(text))}
    village = by_text["Ah Bit"]
    assert math.dist((village.lat, village.lon), point) < 0.05


def test_geo_short_name_in_a_region_matches_exactly(gaz):
    """Names under five letters are never matched fuzzily, but the very name is found."""
    [town] = gaz.fuzzy("Saku", country_code="MM", admin1="Magway")
    assert town.feature_code == "PPLA3"
    assert gaz.fuzzy("Sako", country_code="MM", admin1="Magway") == []


def test_geo_oblast_named_like_its_city_holds_a_far_village(geo, nlp):
    """"X, Kyiv": the city reading of the holder lies 100 km from X; the oblast of its name
    holds it."""
    text = "Russian forces shelled Buda Radynska, Kyiv, on Monday, officials said."
    by_text = {t.text: t for t in geo.toponyms(nlp(text))}
    village = by_text["Buda Radynska"]
    assert math.dist((village.lat, village.lon), (51.18, 29.68)) < 0.05


@pytest.mark.parametrize("text", [
    "Warplanes carried out two air raids on Kafr Takharim on Friday, a monitor said.",
    "Shells hit the countryside of Kafr Takharim after the raid, a monitor said.",
])
def test_geo_raids_on_and_countryside_of_are_cues(geo, nlp, text):
    """spaCy reads the town as an organisation here: only the cue makes it a place."""
    names = [ascii_name(t.name) for t in geo.toponyms(nlp(text))]
    assert "Kafr Takharim" in names


def test_geo_gazetteer_reopens_its_connection_in_a_forked_child(gaz):
    """A forked worker must not share the parent's SQLite connection."""
    import os

    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    read, write = os.pipe()
    parent_con = id(gaz._con)
    pid = os.fork()
    if pid == 0:  # the child: a fresh connection that answers
        ok = id(gaz._con) != parent_con and bool(gaz.candidates("Aleppo"))
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    assert id(gaz._con) == parent_con


def test_geo_a_people_is_no_region_of_its_name(geo, nlp):
    """"the Polish and Chechen communities": spaCy's nationality, not the region an alias
    names; the town where they marched is the place."""
    text = ("Members of the Polish and Chechen communities marched in Lyon on Sunday against "
            "the war, organisers said.")
    names = [t.name for t in geo.toponyms(nlp(text))]
    assert "Lyon" in names and not any("Chechnya" in n for n in names)


def test_geo_camp_named_after_its_town_is_the_town(geo, nlp):
    """"Kakuma Camp": the camp's name ends in a type word; the town it is named after is
    the place."""
    text = "Refugees protested over food rations in Kakuma Camp on Monday, aid workers said."
    assert [t.name for t in geo.toponyms(nlp(text))] == ["Kakuma"]


def test_geo_theatre_named_after_a_town_is_a_site(geo, nlp):
    """"the San Carlo theatre in Naples": a site named like many towns; Naples is the place."""
    text = ("About 50 people gathered outside the San Carlo theatre in Naples on Sunday to "
            "call for peace, organisers said.")
    assert [t.name for t in geo.toponyms(nlp(text))] == ["Naples"]


def test_geo_border_town_filed_next_door_stays_in_the_named_region(geo, nlp):
    """A town GeoNames files under the neighbouring region, a few km from the border, stays
    the place when the text puts it in the region next door: in that region."""
    text = ("A crowd attacked a man outside Acornhoek (Bushbuckridge, Mpumalanga) on Friday, "
            "police said.")
    by_text = {t.text: t for t in geo.toponyms(nlp(text))}
    assert by_text["Acornhoek"].admin1 == "Mpumalanga"


def test_geo_far_namesake_of_a_chained_village_is_still_dropped(geo, nlp):
    """The border allowance needs the chain's towns nearby: a namesake by another region's
    capital, far from the township the text names, is not the village."""
    text = ("Troops burned houses in Thar Yar Kone village (Kale township, Kale district, "
            "Sagaing region) on Tuesday, residents said.")
    by_text = {t.text: t for t in geo.toponyms(nlp(text))}
    village = by_text["Thar Yar Kone"]
    assert village.geonameid is None and village.lat > 22.5  # the MIMU village near Kale
