"""Specifications of the geoparser's resolver rules added for issue 4 (one test per case)."""

from __future__ import annotations

import math
import sqlite3

import pytest

from reportedly.geo.build import index_path


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
    found = gaz.fuzzy("Buuloburde", country_code="SO", admin1="Hiraan")
    assert found and found[0].name == "Buulobarde"
    far = (found[0].lat + 2.0, found[0].lon)
    assert gaz.fuzzy("Buuloburde", country_code="SO", admin1="Hiraan", near=far) == []
    here = (found[0].lat + 0.1, found[0].lon)
    assert gaz.fuzzy("Buuloburde", country_code="SO", admin1="Hiraan", near=here)


def test_geo_fuzzy_region_only_needs_a_closer_spelling(gaz):
    """With only a region as holder, one letter in seven is too loose ("Kibumba"/Kirumba)."""
    regions = [c.admin1 for c in gaz.candidates("Nord-Kivu") if c.feature_code == "ADM1"]
    assert regions
    assert all(c.name != "Kirumba" for c in gaz.fuzzy(
        "Kibumba", country_code="CD", admin1=regions[0], cutoff=88.0))


# --- place chains, lists and kinds (issue 4, second round) ---------------------------------


def by_text(geo, nlp, text):
    return {t.text: t for t in geo.toponyms(nlp(text))}


@pytest.mark.parametrize(("text", "name", "cc", "code"), [
    ("Artillery hit Krasnopillia, Sumy, late on Tuesday.", "Sumy", "UA", "ADM1"),
    ("Gunmen raided a farm in Kundu (Rafi, Niger) at dawn.", "Niger", "NG", "ADM1"),
])
def test_geo_chain_holder_is_a_region(geo, nlp, text, name, cc, code):
    """The name after "X, " or closing "X (.., Y)" is the region holding X, whatever NER says."""
    found = by_text(geo, nlp, text)
    assert (found[name].country_code, found[name].feature_code) == (cc, code)


def test_geo_chain_held_name_takes_reading_inside_holder(geo, nlp):
    """A name before its holder ("Lyman, Donetsk") is read as the place inside that region."""
    found = by_text(geo, nlp, "Troops pushed back an assault on Lyman, Donetsk, on Sunday.")
    assert found["Lyman"].country_code == "UA"


def test_geo_region_containment_beats_town_beside_town(geo, nlp):
    """A region that holds a reading vouches more than a same-named town abroad beside it."""
    found = by_text(geo, nlp, "Mortar fire struck Hays town (Hays, Al Hudaydah) on Monday.")
    assert all(t.country_code == "YE" for t in found.values())


def test_geo_list_members_share_a_kind(geo, nlp):
    """In a list of states, an ambiguous member ("Washington") is read as a state too."""
    found = by_text(geo, nlp, "Cases were confirmed in Oregon, Nevada, Utah, Washington and Idaho.")
    assert found["Washington"].feature_code == "ADM1"


def test_geo_region_names_its_country(geo, nlp):
    """A first-order region of one country ("Queensland") sets the document's country."""
    found = by_text(geo, nlp, "Police in Queensland said the boys were last seen in Edmonton.")
    assert found["Edmonton"].country_code == "AU"


def test_geo_region_holding_the_towns_of_the_text(geo, nlp):
    """A region that holds the document's towns is near them: "Quebec" beside Montreal is the
    province."""
    text = "The activist was freed in Montreal. He may not stay in Quebec until the trial."
    assert by_text(geo, nlp, text)["Quebec"].feature_code == "ADM1"


def test_geo_split_entity_joined_when_whole_is_a_name(geo, nlp):
    """Two adjacent place entities that together are a country name are that country."""
    found = geo.toponyms(nlp("Aid reached the Democratic Republic of the Congo on Friday."))
    assert [t.country_code for t in found] == ["CD"]


@pytest.mark.parametrize("text", ["Crowds marched to St. Marc on Sunday.",
                                  "Mt. Kenya rangers reported no fires."])
def test_geo_two_letter_abbreviation_is_no_place(geo, nlp, text):
    """"St." or "Mt." alone is an abbreviation, never a place of its own."""
    assert all(len(t.text) > 3 for t in geo.toponyms(nlp(text)))


@pytest.mark.parametrize(("text", "name"), [
    ("Russian forces shelled Mariupol overnight.", "Mariupol"),
    ("Farmers drove their tractors through Aalten at noon.", "Aalten"),
])
def test_geo_action_verb_cues_a_place(geo, nlp, text, name):
    """An attack verb or a path word ("shelled", "through") cues the name after it."""
    assert name in by_text(geo, nlp, text)


def test_geo_state_point_is_not_its_namesake_city(gaz):
    """A state whose source point is its namesake city's gets the centre of its towns."""
    state = next(c for c in gaz.candidates("New York") if c.feature_code == "ADM1")
    assert state.lat > 41.5  # upstate, not Manhattan at 40.7


def test_geo_bare_ocean_is_the_ocean(geo, nlp):
    """"the Pacific" is the ocean, not a town named Pacific."""
    found = geo.toponyms(nlp("The freighter sank in the Pacific after a storm."))
    assert [t.feature_code for t in found] == ["RGN"]


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "شنت طائرة مسيرة غارة على البوكمال",
                                  "Lat 91.5, lon -200.0: coordinates reported by the army."])
def test_geo_bad_text_gives_no_crash(geo, nlp, text):
    """Empty, whitespace-only, Arabic-script or out-of-range-coordinate text: a list, no crash."""
    found = geo.toponyms(nlp(text))
    assert isinstance(found, list)
    assert all(-90 <= t.lat <= 90 and -180 <= t.lon <= 180 for t in found if t.lat is not None)


def test_geo_ten_thousand_place_list_document(geo, nlp):
    """A 10,000-place list document resolves without crashing and keeps valid coordinates."""
    names = ["Mosul", "Aleppo", "Kharkiv", "Goma", "Kabul"] * 2000
    doc = nlp.make_doc(", ".join(names) + ".")  # tokens only: the geoparser's own work
    found = geo.toponyms(doc)
    assert all(-90 <= t.lat <= 90 for t in found)


@pytest.mark.parametrize("point", [(95.0, 10.0), (10.0, 200.0), (float("nan"), 0.0)])
def test_geo_curated_point_out_of_range_rejected(point):
    """A lexicon place with coordinates out of range is refused (E100), never half-loaded."""
    from reportedly.errors import ReportedlyError
    from reportedly.geo.places import validate_place

    entry = {"name": "Nowhere", "lat": point[0], "lon": point[1], "kind": "region", "rule": "x"}
    with pytest.raises(ReportedlyError):
        validate_place(entry)


# --- round 2: recognition, second-order regions, sentence country ---------------------------


@pytest.mark.parametrize(("a", "b"), [("Şanlıurfa", "Sanliurfa"), ("Łódź", "Lodz"),
                                      ("Tromsø", "Tromso")])
def test_geo_key_folds_undecomposed_letters(a, b):
    """Letters Unicode does not split into base and accent (ı, ł, ø) fold like accents do."""
    from reportedly.geo.normalise import key

    assert key(a) == key(b)


@pytest.mark.parametrize(("name", "cc", "admin1"), [
    ("Sanmatenga", "BF", "Centre-Nord"),
    ("Noakhali", "BD", "Chittagong"),
])
def test_geo_finer_source_state_is_second_order_region(gaz, name, cc, admin1):
    """A province or district the source lists under a region is an ADM2 place of that region."""
    found = [c for c in gaz.candidates(name) if c.feature_code == "ADM2"]
    assert found and found[0].country_code == cc and found[0].admin1 == admin1


@pytest.mark.parametrize(("name", "cc", "admin1"), [
    ("Central Sulawesi", "ID", "Central Sulawesi"),
    ("Middle Shebelle", "SO", "Middle Shabelle"),
    ("KPK", "PK", "Khyber Pakhtunkhwa"),
    ("Extreme-Nord", "CM", "Extreme-Nord"),
])
def test_geo_region_found_under_acled_and_news_names(gaz, name, cc, admin1):
    """Regions answer to ACLED's spelling and to the short forms news copy uses."""
    region = next(c for c in gaz.candidates(name) if c.feature_code == "ADM1")
    assert (region.country_code, region.admin1) == (cc, admin1)


@pytest.mark.parametrize(("outlet", "iso2"), [
    ("The Daily Star (Lebanon)", "LB"),
    ("Radio Trinidad and Tobago; Wire", "TT"),
    ("Kathmandu Post (Nepali)", "NP"),
    ("Taipei Times", "TW"),         # a capital
    ("Milano Today", "IT"),         # a city of a million, under its local name
    ("Meridian Wire", None),        # a small town's name is no home
    ("Victoria Herald", None),
    (None, None),
])
def test_geo_outlet_name_names_its_country(geo, outlet, iso2):
    """An outlet named after a country (or its people), or after a capital or a city of a
    million, gives that country; others give None."""
    assert geo.outlet_country(outlet) == iso2


def test_geo_grad_rockets_do_not_move_the_event_abroad(geo, nlp):
    """A weapon's name that is also a foreign town loses to the places named around it."""
    loc = locate_first(geo, nlp, "Separatist gunners fired Grad rockets at Vuhledar, Donetsk, "
                                 "overnight. No casualties were reported.")
    assert loc is not None and loc.country_code == "UA"


def test_geo_bracketed_namesake_is_read_where_the_town_is(geo, nlp):
    """"Rabat (Rabat)": the district named after the town lies in the town's country."""
    found = geo.toponyms(nlp("Teachers held a sit-in in Rabat (Rabat) on Monday."))
    assert {t.country_code for t in found} == {"MA"}


def test_geo_station_carries_its_town(geo, nlp):
    """A station named after a town places the event at that town."""
    found = geo.toponyms(nlp("Monitors heard bursts of gunfire near Kramatorsk Railway Station."))
    assert [t.name for t in found] == ["Kramatorsk"]


def test_geo_abbreviation_needs_its_state(geo, nlp):
    """", D.C." after a town outside the District is not the District of Columbia."""
    found = geo.toponyms(nlp("Residents marched in Bogota, D.C., on Friday night."))
    assert "US" not in {t.country_code for t in found}


def test_geo_of_joins_a_known_name(geo, nlp):
    """"Port of Spain" is one name across "of", not Port plus Spain."""
    found = geo.toponyms(nlp("Dock workers marched in Port of Spain on Monday."))
    assert [t.country_code for t in found] == ["TT"]


def test_geo_compass_word_after_comma_is_a_region(geo, nlp):
    """", Western)" closing a place chain is the Western Province; bare "(North)" is none."""
    found = geo.toponyms(nlp("A bus burned in Moratuwa (Moratuwa, Western) on Friday."))
    assert ("Western", "LK") in {(t.text, t.country_code) for t in found}
    found = geo.toponyms(nlp("Shots were fired in Dagon Myothit (North) at night."))
    assert "North" not in {t.text for t in found}


@pytest.mark.parametrize(("name", "cc"), [("Cadiz", "ES"), ("Salamanca", "ES")])
def test_geo_town_named_like_its_province_is_its_seat(gaz, name, cc):
    """A town that gives its name to the province around it outranks a namesake of its size."""
    towns = [c for c in gaz.candidates(name) if c.feature_code.startswith("PP")]
    assert towns[0].country_code == cc


def test_geo_outlet_country_is_the_last_resort(geo, nlp):
    """With no known place in the text, the event is coded to the outlet's country capital."""
    doc = nlp("Workers blocked the entrance of the cannery on Tuesday.")
    first = next(iter(doc.sents))
    assert geo.locate(doc, [], start=first.start_char, end=first.end_char) is None
    loc = geo.locate(doc, [], start=first.start_char, end=first.end_char, home_country="PT")
    assert (loc.country_code, loc.geo_precision, loc.relation) == ("PT", 3, "country")


# --- coding notes, regional coherence, area words, lexicon-named regions ---------------------


@pytest.mark.parametrize(("text", "name", "precision"), [
    ("On 3 May 2023, gunmen raided a farm outside a hamlet near the border (Kherson) "
     "[coded to Beryslav].", "Beryslav", 2),
    ("On 9 July 2023, rebels shelled positions in the hills (coded to Goma with GP3), "
     "North Kivu.", "Goma", 3),
    ("On 2 March 2023, a small bomb went off in a market. Location coded as Kandahar.",
     "Kandahar", 2),
])
def test_geo_coded_to_note_names_the_event_place(geo, nlp, text, name, precision):
    """An event note's "coded to X" names the place the event is coded to, with the
    precision it gives ("with GP3") or else 2: the event happened near X, not in it."""
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.geo_precision) == (name, precision)


def test_geo_coded_to_note_ignores_a_foreign_namesake(geo, nlp):
    """A coded name read as a town in another country than the sentence's is not taken."""
    text = ("On 4 April 2023, militia fighters abducted two farmers in a village of Ituri "
            "province [coded to Mambasa].")
    loc = locate_first(geo, nlp, text)
    assert loc is None or loc.country_code == "CD"


@pytest.mark.parametrize(("text", "name", "cc"), [
    ("On 21 June 2023, provincial police deployed 2,000 officers along the main road to "
     "secure pilgrims. The deployment is meant to protect travellers during the festival. "
     "Coded as Diwaniyah city.", "Al Diwaniyah", "IQ"),
    ("On 4 April 2023, rebels attacked civilians near Oicha, coded to nearby Butembo "
     "(Nord-Kivu).", "Butembo", "CD"),
])
def test_geo_coded_note_closing_the_report_names_the_event_place(geo, nlp, text, name, cc):
    """A coding note codes the event it is about wherever it stands after the trigger, the
    closing "Coded as X city." included, and "coded to nearby X" codes to X."""
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.country_code, loc.geo_precision) == (name, cc, 2)


def test_geo_coded_to_region_capital_is_the_capital(geo, nlp):
    """"Coded to Babil capital Hillah city": the region's capital is the coded place."""
    text = ("On 26 June 2023, police arrested a man wanted on terrorism charges in the "
            "countryside of Babil province. Coded to Babil capital Hillah city.")
    assert locate_first(geo, nlp, text).name == "Al Hillah"


def test_geo_coded_as_actor_is_no_place(geo, nlp):
    """"(coded as Kassala communal militia)" codes an actor: its first word is no place."""
    text = ("On 5 June 2023, gunmen (coded as Kassala communal militia) killed a herder in "
            "Wad Madani.")
    assert locate_first(geo, nlp, text).name == "Wad Medani"


def test_geo_coded_place_outweighs_a_misread_neighbour(geo, nlp):
    """A coded town the parser missed is taken under its own name in its one country, even
    when the sentence's other names were read abroad ("the Baltic sea")."""
    text = ("On 18 June 2023, activists took to the Baltic sea near Fyn island [coded to "
            "Svendborg] to protest against coal shipments.")
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.country_code) == ("Svendborg", "DK")


def test_geo_coder_remark_between_place_and_holder(geo, nlp):
    """"on Juban (coded to district level) (Ad Dali)": a coder's bracket between a place
    and its region does not break the chain, so the town is read in that region."""
    text = ("On 3 June 2023, coalition aircraft carried out two air raids on Juban (coded to "
            "district level) (Ad Dali). Casualties unknown.")
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.country_code) == ("Juban", "YE")


def test_geo_region_abroad_is_not_inside_the_bracketed_region(geo, nlp):
    """"in Loreto (Itapua)": Peru's Loreto region is not in Paraguay's Itapua; the place the
    gazetteer lacks falls back to the region the bracket names."""
    text = ("On 7 June 2023, in Loreto (Itapua), truck drivers blocked the highway to "
            "complain about fuel prices.")
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.country_code) == ("Itapua", "PY")


def test_geo_town_in_named_region_beats_namesake_elsewhere(geo, nlp):
    """Spatial coherence: with a region named in the sentence, the town inside it is the
    event place, not a namesake town of the same country far away."""
    text = ("On 4 June 2023, troops advanced in the direction of Pasika - Bohorodychne, "
            "Donetsk, under heavy fire.")
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.admin1) == ("Bohorodychne", "Donetsk")


@pytest.mark.parametrize("word", ["area", "axis", "township", "countryside"])
def test_geo_area_word_after_town_is_precision_two(geo, nlp, word):
    """"X area", "X axis", "X township": the area around the town is known, not the spot
    (ACLED geo_precision 2)."""
    text = f"On 6 June 2023, soldiers clashed with rebels in the Saraqib {word} overnight."
    loc = locate_first(geo, nlp, text)
    assert (loc.admin1, loc.geo_precision) == ("Idleb", 2)


def test_geo_area_word_does_not_vote_for_the_country():
    """"Toto area" makes Toto an area, not a region: a namesake town abroad gets one vote for
    its country, the region the sentence names two."""
    from reportedly.geo.locate import _sentence_countries
    from reportedly.records import Toponym

    text = "Gunmen looted sheep in Toto area, north of Kassala."
    toto = Toponym(23, 27, "Toto", 1, "Toto", 23.1, 84.5, "IN", "Jharkhand", "PPL")
    kassala = Toponym(43, 50, "Kassala", None, "Kassala", 15.5, 36.4, "SD", "Kassala", "ADM1")
    assert _sentence_countries(text, [toto, kassala]) == {"SD"}


@pytest.mark.parametrize(("town", "admin1"), [
    ("Nablus", "West Bank"), ("Hebron", "West Bank"), ("Khan Yunis", "Gaza Strip"),
])
def test_geo_lexicon_named_region_holds_its_towns(gaz, town, admin1):
    """Where the source lists only governorates, the admin1 lexicon names the first-order
    regions by GeoNames code (Palestine: West Bank, Gaza Strip) and the towns are filed there."""
    best = next(c for c in gaz.candidates(town) if c.country_code == "PS")
    assert best.admin1 == admin1


def test_geo_lexicon_named_region_keeps_governorates_as_second_order(gaz):
    """The source's governorates of such a country stay in the index as ADM2 places."""
    found = [c for c in gaz.candidates("Tulkarm") if c.feature_code == "ADM2"]
    assert found and found[0].admin1 == "West Bank"


def test_geo_sole_region_scopes_a_cued_name_without_holder(geo, nlp):
    """A cued name the gazetteer spells otherwise, with no holder right after it, is looked
    up among the towns of the one first-order region the text names."""
    text = ("On 3 May 2023, fighters stormed a checkpoint in Tel Hamis town and later clashed "
            "with tribal gunmen on the main road leading north to the Al Hasakeh countryside.")
    found = {t.text: t for t in geo.toponyms(nlp(text))}
    assert found["Tel Hamis"].admin1 == "Al Hasakeh"
    assert found["Tel Hamis"].feature_code == "PPL"


def test_geo_town_named_for_its_district_vouches_for_the_district(geo, nlp):
    """A holder town followed by "district" stands for the district: a close spelling of a
    town of its region farther than a town's surroundings still matches."""
    text = ("On 8 May 2023, soldiers burned houses in Mogoak town (Mogoak township, "
            "Pyin Oo Lwin district, Mandalay region).")
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.admin1) == ("Mogok", "Mandalay")


def test_geo_town_after_locative_beats_town_named_as_attribute(geo, nlp):
    """Of two towns in the trigger sentence, the one after "in" is the event place, not one
    named before it as an attribute ("the Kisumu traders' association")."""
    text = ("On 2 May 2023, a crowd attacked the office of the Kisumu traders' association "
            "in Homa Bay after a dispute over market fees.")
    loc = locate_first(geo, nlp, text)
    assert loc.name == "Homa Bay"


@pytest.mark.parametrize(("text", "name", "cc"), [
    ("Flights were halted at Heathrow on Monday after a drone sighting, police said.",
     "Heathrow Airport", "GB"),
    ("Two rockets landed inside Hmeimim Air Base late on Sunday.", "Hmeimim Air Base", "SY"),
])
def test_geo_airport_is_a_place(geo, nlp, text, name, cc):
    """An airport or air base the curated lexicon names is a place of its own (ACLED
    geo_precision 1), not a namesake town elsewhere ("Heathrow, Florida")."""
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.country_code, loc.geo_precision) == (name, cc, 1)


def test_geo_build_prunes_indexes_of_older_sources(tmp_path):
    """After a rebuild, indexes built from older sources are removed from the cache; other
    files there are left alone."""
    from reportedly.geo.build import _prune

    current = tmp_path / "gazetteer-new.sqlite"
    for name in ("gazetteer-new.sqlite", "gazetteer-old1.sqlite", "gazetteer-old2.sqlite",
                 "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    _prune(current)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gazetteer-new.sqlite", "notes.txt"]


def test_geo_index_holds_sound_forms_of_town_names():
    """Town names' consonant skeletons and sound forms are in the index, written names with
    their word breaks, so fuzzy lookups by sound read them instead of computing a region's."""
    from reportedly.geo.normalise import skeleton

    con = sqlite3.connect(f"file:{index_path()}?mode=ro", uri=True)
    rows = con.execute("SELECT sound FROM sounds s JOIN places p USING (pid) WHERE s.skel = ? "
                       "AND p.cc = 'SY'", (skeleton("Tall Tamr"),)).fetchall()
    con.close()
    assert rows


def test_geo_two_letter_town_with_settlement_word(geo, nlp):
    """A two-letter name followed by "town" or "village" is a town ("Ye town"); alone, two
    letters stay an abbreviation ("St.")."""
    text = ("On 4 May 2023, soldiers searched houses in Ye town of Ye township "
            "(Mawlamyine district, Mon State) after a bomb blast.")
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.admin1) == ("Ye", "Mon")
    found = geo.toponyms(nlp("Gunmen attacked a post near St. Marc."))
    assert not [t for t in found if t.text == "St"]


def test_geo_town_left_is_the_place_when_no_other_town_is_named(geo, nlp):
    """"evacuated from X, Region": with no other town in the sentence, the town left is the
    event place, not the region around it; an origin beside another town stays an origin."""
    loc = locate_first(geo, nlp, "On 3 April 2023, about 900 people were evacuated from "
                                 "Lozova, Kharkiv, officials said.")
    assert loc.name == "Lozova"
    loc = locate_first(geo, nlp, "On 3 April 2023, gunmen who came from Kherson shelled "
                                 "Mykolaiv, officials said.")
    assert loc.name == "Mykolaiv"


@pytest.mark.parametrize(("text", "name"), [
    ("On 3 February 2023, workers protested in Torbat e Jam (Razavi Khorasan) over unpaid "
     "wages.", "Torbat-e Jam"),
    ("On 3 February 2023, workers protested in Bandar e Anzali city over unpaid wages.",
     "Bandar-e Anzali"),
])
def test_geo_persian_ezafe_joins_one_name(geo, nlp, text, name):
    """The ezafe "e" written as a word joins one Persian name ("Bandar e Anzali" is
    Bandar-e Anzali, not a town called Bandar)."""
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.country_code) == (name, "IR")


@pytest.mark.parametrize("text", [
    "On 9 May 2023, gunmen abducted two traders from the commune of Sindou and fled.",
    "On 9 May 2023, gunmen abducted two traders from the department of Sindou and fled.",
    "On 4 May 2023, teachers demonstrated at the high school of Sindou against staff cuts.",
])
def test_geo_commune_department_and_school_of_cue_a_town(geo, nlp, text):
    """"the commune of X", "the department of X" and "the high school of X" name X as a
    place, as "the town of X" does."""
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.country_code) == ("Sindou", "BF")


def test_geo_bracket_region_read_where_its_town_is(geo, nlp):
    """"Niangoloko (Niangoloko, Comoe)": the town's one reading lies in Burkina Faso's
    Comoe province, so the bracket is read there, not as Ivory Coast's Comoe region."""
    text = "On 9 May 2023, gunmen abducted a trader on the road to Niangoloko (Niangoloko, Comoe)."
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.country_code) == ("Niangoloko", "BF")


def test_geo_part_of_a_big_city_with_no_reading_near_it(geo, nlp):
    """"in Ermita, Manila (Metro Manila)": a chain ending with a big city names a part of
    it; the only Ermita the gazetteer knows lies 450 km away, so the event falls to Manila."""
    text = ("On 12 May 2023, unidentified gunmen shot a customs officer in Ermita, Manila "
            "(Metro Manila). The officer survived.")
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.country_code) == ("Manila", "PH")


def test_geo_town_before_its_region_namesake_city_is_kept(geo, nlp):
    """"Kramatorsk, Donetsk": the city of Donetsk shares its name with the region holding
    Kramatorsk, so Kramatorsk is not taken for a part of the city."""
    text = "On 3 May 2023, Russian forces shelled Kramatorsk, Donetsk. Casualties unknown."
    assert locate_first(geo, nlp, text).name == "Kramatorsk"


def test_geo_honorific_prefix_dropped_inside_the_region(geo, nlp):
    """"Hazrati Imam Sahib district, Kunduz": the region lacks the name with its honorific,
    so it is looked up there again without it (the town "Imam Sahib")."""
    text = ("On 2 June 2023, Taliban fighters exchanged fire with smugglers in Hazrati Imam "
            "Sahib district, Kunduz, at night.")
    loc = locate_first(geo, nlp, text)
    assert (loc.name, loc.admin1) == ("Imam Sahib", "Kunduz")
