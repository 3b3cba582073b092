"""Specifications of the geoparser's resolver rules added for issue 4 (one test per case)."""

from __future__ import annotations

import math
import sqlite3

import pytest

from reportedly.geo import Gazetteer, Geoparser
from reportedly.geo.build import index_path


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.load()


@pytest.fixture(scope="module")
def geo(gaz, nlp):
    return Geoparser(gazetteer=gaz)


def locate_first(geo, nlp, text):
    """Location of an event whose trigger is the first sentence of ``text``."""
    doc = nlp(text)
    first = next(iter(doc.sents))
    return geo.locate(doc, geo.toponyms(doc), start=first.start_char, end=first.end_char)


@pytest.mark.parametrize(("name", "point"), [
    ("Canada", (60.10867, -113.64258)),
    ("United States", (39.76, -98.5)),
    ("Australia", (-25.0, 135.0)),
])
def test_geo_country_resolves_to_geonames_point(gaz, name, point):
    """A large country resolves to GeoNames' country point, not a centroid of another source."""
    country = next(c for c in gaz.candidates(name) if c.feature_code == "PCLI")
    assert math.dist((country.lat, country.lon), point) < 0.01


def test_geo_region_names_are_indexed_by_place():
    """The index carries names(pid), so per-region name lists need no full scan."""
    con = sqlite3.connect(f"file:{index_path()}?mode=ro", uri=True)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    con.close()
    assert "names_pid" in names


@pytest.mark.parametrize(("text", "town", "admin1"), [
    ("GLASGOW, Ky. (AP) -- A woman died in a crash in Glasgow.", "GLASGOW", "Kentucky"),
    ("PARIS, Mo. -- Two men were hurt when a barn burned near Paris.", "PARIS", "Missouri"),
    ("A shelter opened in Surrey, B.C. on Monday.", "Surrey", "British Columbia"),
])
def test_geo_state_abbreviation_after_town(geo, nlp, text, town, admin1):
    """An AP-style abbreviation after a town ("GLASGOW, Ky.") names the state holding it."""
    found = {t.text: t for t in geo.toponyms(nlp(text))}
    assert found[town].admin1 == admin1


def test_geo_abbreviation_needs_a_comma_before_it(geo, nlp):
    """Without the dateline comma an abbreviation-like word is no state ("Mo. Salah")."""
    doc = nlp("Mo. Salah scored twice on Sunday.")
    assert all(t.admin1 != "Missouri" for t in geo.toponyms(doc))


def test_geo_associative_demonym_is_its_country(geo, nlp):
    """Asked for associative toponyms, a demonym ("Russian officials") is its country."""
    doc = nlp("Russian officials met the delegation on Monday.")
    assert geo.toponyms(doc) == []
    assert [t.country_code for t in geo.toponyms(doc, associative=True)] == ["RU"]


def test_geo_associative_place_inside_organisation(geo, nlp):
    """Asked for associative toponyms, a state inside an agency's name is a toponym."""
    doc = nlp("Kentucky State Police said the driver was taken to hospital.")
    assoc = geo.toponyms(doc, associative=True)
    assert any(t.admin1 == "Kentucky" for t in assoc)


@pytest.mark.parametrize("statement", [
    "Moscow did not comment on the report.",
    "Moscow said the strike hit military targets.",
])
def test_geo_speaking_capital_is_not_the_event_place(geo, nlp, statement):
    """A capital named as a government that speaks ("Moscow did not comment") is not the place."""
    loc = locate_first(geo, nlp, f"Shelling hit a market overnight. {statement}")
    assert loc is None or loc.country_code != "RU"


def test_geo_fuzzy_village_stays_near_its_town(gaz):
    """A fuzzy village must lie near the town named as holding it, not anywhere in the region."""
    found = gaz.fuzzy("Buuloburde", country_code="SO", admin1="Hiran")
    assert found and found[0].name == "Buulobarde"
    far = (found[0].lat + 2.0, found[0].lon)
    assert gaz.fuzzy("Buuloburde", country_code="SO", admin1="Hiran", near=far) == []
    here = (found[0].lat + 0.1, found[0].lon)
    assert gaz.fuzzy("Buuloburde", country_code="SO", admin1="Hiran", near=here)


def test_geo_fuzzy_region_only_needs_a_closer_spelling(gaz):
    """With only a region as holder, one letter in seven is too loose ("Kibumba"/Kirumba)."""
    regions = [c.admin1 for c in gaz.candidates("Nord-Kivu") if c.feature_code == "ADM1"]
    assert regions
    assert all(c.name != "Kirumba" for c in gaz.fuzzy(
        "Kibumba", country_code="CD", admin1=regions[0], cutoff=88.0))
