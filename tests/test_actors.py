"""Specifications for actor naming: lexicons, phrase resolution, inter and interaction codes."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportedly import lexicons
from reportedly.actors import Actor, ActorResolver, inter_code, interaction, ruler_patterns

REGIONS = {
    "Western Africa", "Middle Africa", "Eastern Africa", "Southern Africa", "Northern Africa",
    "Middle East", "South Asia", "Southeast Asia", "East Asia", "Central Asia",
    "Caucasus and Central Asia", "Europe", "North America", "Central America", "South America",
    "Caribbean", "Oceania", "Antarctica",
}  # fmt: skip
COUNTRIES = lexicons.load("countries")["countries"]
ACTORS = lexicons.load("actors")


@pytest.fixture(scope="module")
def resolver() -> ActorResolver:
    """Today's actor names (periods closed as they closed), not a release's snapshot."""
    return ActorResolver(names_as_of=None)


@pytest.fixture(scope="module")
def nlp():
    from reportedly.nlp import load_nlp

    return load_nlp()


# ---- countries.yaml ---------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "iso2", "iso3"])
def test_actors_countries_codes_are_unique(field):
    """No two countries share a name or an ISO alpha code."""
    values = [c[field] for c in COUNTRIES]
    assert len(values) == len(set(values))


def test_actors_countries_numeric_codes_are_unique():
    """ISO numeric codes are unique (Kosovo's 0 is ACLED's stand-in and occurs once)."""
    values = [c["iso_num"] for c in COUNTRIES]
    assert len(values) == len(set(values)) and all(isinstance(v, int) for v in values)


def test_actors_countries_regions_are_acled_regions():
    """Every country sits in one of ACLED's regions and carries a rule."""
    assert {c["region"] for c in COUNTRIES} <= REGIONS
    assert all(c["rule"] for c in COUNTRIES) and len(COUNTRIES) >= 230


@pytest.mark.parametrize(
    ("name", "iso3", "iso_num", "region"),
    [
        ("Democratic Republic of Congo", "COD", 180, "Middle Africa"),
        ("Palestine", "PSE", 275, "Middle East"),
        ("Afghanistan", "AFG", 4, "Caucasus and Central Asia"),
        ("Kosovo", "XKX", 0, "Europe"),
        ("Mexico", "MEX", 484, "North America"),
        ("eSwatini", "SWZ", 748, "Southern Africa"),
    ],
)
def test_actors_countries_known_rows(name, iso3, iso_num, region):
    """Spot checks of ACLED's naming, codes and regions."""
    row = next(c for c in COUNTRIES if c["name"] == name)
    assert (row["iso3"], row["iso_num"], row["region"]) == (iso3, iso_num, region)


def test_actors_countries_demonyms_are_unambiguous():
    """A demonym names one country, so "<demonym> forces" has one owner."""
    demonyms = [d for c in COUNTRIES for d in c["demonyms"]]
    assert len(demonyms) == len(set(demonyms))


# ---- actors.yaml ------------------------------------------------------------------------


def test_actors_lexicon_is_versioned_with_rules():
    """The actor lexicon has a version and every entry names its rule."""
    assert ACTORS["version"] >= 1
    entries = ACTORS["state_forces"] + ACTORS["groups"] + ACTORS["generic"]
    assert all(e.get("rule") for e in entries)


def test_actors_state_forces_cover_many_countries():
    """At least 80 countries have state forces with a period, all known to countries.yaml."""
    names = {c["name"] for c in COUNTRIES}
    states = ACTORS["state_forces"]
    assert len(states) >= 80
    assert all(s["country"] in names and s["periods"] and s.get("evidence") for s in states)
    assert len({s["country"] for s in states}) == len(states)


def test_actors_group_names_unique_and_inter_in_range():
    """Named groups have unique names and inter codes 1..8."""
    named = [g for g in ACTORS["groups"] if "name" in g]
    assert len({g["name"] for g in named}) == len(named)
    assert all(1 <= g["inter"] <= 8 for g in named + ACTORS["generic"])


def _expected(group: dict, resolver: ActorResolver) -> tuple[str, str | None]:
    """The name an alias of ``group`` should give, and the event country to ask with."""
    if "unit_of" in group:
        country = group["unit_of"]["country"]
        return group["unit"] or "", country
    if "redirect" in group:
        return group["redirect"]["default"], "Syria"
    return group["name"], group["country"]


@pytest.mark.parametrize(
    "group", ACTORS["groups"], ids=lambda g: g.get("name") or g.get("unit") or "redirect"
)
def test_actors_every_alias_resolves_back(group, resolver):
    """Each alias of a group resolves to that group's own name."""
    part, country = _expected(group, resolver)
    for alias in group["aliases"]:
        actor = resolver.resolve(alias, country=country)
        assert actor is not None, alias
        if group.get("per_country"):
            assert actor.name.startswith(group["name"]), alias
        else:
            assert part in actor.name, alias


# ---- resolve ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "country", "name", "inter"),
    [
        ("Ukrainian forces", "Ukraine", "Military Forces of Ukraine (2019-)", 1),
        ("Russian troops", "Ukraine", "Military Forces of Russia (2000-)", 8),
        ("the IDF", "Palestine", "Military Forces of Israel (2022-)", 8),
        ("Israel", "Syria", "Military Forces of Israel (2022-)", 8),
        ("Turkish drones", "Iraq", "Military Forces of Turkey (2016-)", 8),
        (
            "Congolese soldiers",
            "Democratic Republic of Congo",
            "Military Forces of the Democratic Republic of Congo (2019-)",
            1,
        ),
        ("police", "India", "Police Forces of India (2014-)", 1),
        ("riot police", "France", "Police Forces of France (2017-)", 1),
        ("security forces", "Nigeria", "Military Forces of Nigeria (2015-)", 1),
        ("gunmen", "Nigeria", "Unidentified Armed Group (Nigeria)", 3),
        ("unknown assailants", "Mexico", "Unidentified Armed Group (Mexico)", 3),
        ("a gang", "Brazil", "Unidentified Gang (Brazil)", 3),
        ("protesters", "France", "Protesters (France)", 6),
        ("an angry mob", "Uganda", "Rioters (Uganda)", 5),
        ("two civilians", "Syria", "Civilians (Syria)", 7),
        ("a journalist", "Mexico", "Civilians (Mexico)", 7),
        ("a Syrian man", "Turkey", "Civilians (Syria)", 7),
        ("Dinka communal militia", "South Sudan", "Dinka Communal Militia (South Sudan)", 4),
        ("armed Fulani herdsmen", "Nigeria", "Fulani Ethnic Militia (Nigeria)", 4),
        (
            "Iranian proxy militias",
            "Syria",
            "Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps",
            8,
        ),
        (
            "Iran-backed militias",
            "Iraq",
            "Military Forces of Iraq (2022-) Popular Mobilization Forces",
            1,
        ),
        ("the U.S.-led international coalition", "Syria", "Global Coalition Against Daesh", 8),
        ("Operation Inherent Resolve", "Iraq", "Global Coalition Against Daesh", 8),
        ("Saudi-led coalition", "Yemen", "Operation Restoring Hope", 8),
        ("unidentified warplanes", "Syria", "Unidentified Military Forces", 8),
        ("SDF", "Syria", "QSD: Syrian Democratic Forces", 2),
        ("PKK", "Iraq", "PKK: Kurdistan Workers Party", 2),
        ("ISIS", "Iraq", "Islamic State (Iraq)", 2),
        ("Daesh", "Syria", "Islamic State (Syria)", 2),
        ("Islamic State militants", "Nigeria", "Islamic State (West Africa)", 2),
        ("ISWAP fighters", "Nigeria", "Islamic State (West Africa)", 2),
        ("Houthis", "Yemen", "Military Forces of Yemen (2016-) Supreme Political Council", 1),
        (
            "Houthi rebels",
            "Saudi Arabia",
            "Military Forces of Yemen (2016-) Supreme Political Council",
            8,
        ),
        ("the Taliban", "Afghanistan", "Military Forces of Afghanistan (2021-)", 1),
        ("Pakistani Taliban", "Pakistan", "TTP: Tehreek-i-Taliban Pakistan", 2),
        ("Hamas", "Palestine", "Hamas Movement", 2),
        ("al-Shabaab", "Somalia", "Al Shabaab", 2),
        ("DPR forces", "Ukraine", "NAF: United Armed Forces of Novorossiya", 2),
        ("Wagner mercenaries", "Mali", "Wagner Group", 8),
        ("the junta", "Myanmar", "Military Forces of Myanmar (2021-)", 1),
        ("PDF", "Myanmar", "PDF: People's Defense Force", 3),
        ("Israeli settlers", "Palestine", "Settlers (Israel)", 3),
        ("Russia's military", "Ukraine", "Military Forces of Russia (2000-)", 8),
    ],
)
def test_actors_resolve_phrase(resolver, phrase, country, name, inter):
    """A phrase in an event country resolves to ACLED's actor name and inter code."""
    actor = resolver.resolve(phrase, country=country)
    assert actor is not None
    assert (actor.name, actor.inter) == (name, inter)


@pytest.mark.parametrize(
    ("phrase", "on", "name"),
    [
        ("Pakistani forces", date(2022, 3, 1), "Military Forces of Pakistan (2018-2022)"),
        ("Pakistani forces", date(2022, 5, 1), "Military Forces of Pakistan (2022-)"),
        ("Israeli troops", date(2022, 8, 5), "Military Forces of Israel (2021-2022)"),
        ("Chilean police", datetime(2022, 1, 5, 10), "Police Forces of Chile (2018-2022)"),
        ("Somali soldiers", None, "Military Forces of Somalia (2022-)"),
    ],
)
def test_actors_resolve_period_by_date(resolver, phrase, on, name):
    """A dated event gets the regime period in force that day; undated gets the latest."""
    actor = resolver.resolve(phrase, on=on)
    assert actor is not None and actor.name == name


@pytest.mark.parametrize("phrase", ["", "   ", "hello world", "the", "supporters", "forces"])
def test_actors_resolve_unknown_is_none(resolver, phrase):
    """Phrases that name no actor (or a state force with no country) give None."""
    assert resolver.resolve(phrase) is None


def test_actors_resolve_generic_without_country(resolver):
    """A generic description without an event country keeps the bare ACLED label."""
    actor = resolver.resolve("protesters")
    assert actor == Actor("Protesters", 6, "protesters", None, "protesters")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60), st.sampled_from([None, "Syria", "Nowhere"]))
def test_actors_resolve_never_crashes(text, country):
    """Any text and any country give an Actor or None, never an exception."""
    result = ActorResolver().resolve(text, country=country)
    assert result is None or isinstance(result, Actor)


# ---- inter and interaction ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "event_country", "expected"),
    [
        (Actor("Military Forces of Turkey (2016-)", 1, "state", "Turkey"), "Turkey", 1),
        (Actor("Military Forces of Turkey (2016-)", 1, "state", "Turkey"), "Iraq", 8),
        (Actor("Military Forces of Turkey (2016-)", 8, "state", "Turkey"), None, 1),
        (Actor("PKK: Kurdistan Workers Party", 2, "rebel", "Turkey"), "Iraq", 2),
        (Actor("Protesters (France)", 6, "protesters", "France"), "France", 6),
    ],
)
def test_actors_inter_code_home_and_abroad(actor, event_country, expected):
    """State forces are 1 at home and 8 abroad; other actors keep their code."""
    assert inter_code(actor, event_country=event_country) == expected


@pytest.mark.parametrize(
    ("inter1", "inter2", "expected"),
    [
        (1, 7, 17),
        (7, 1, 17),
        (3, 7, 37),
        (6, None, 60),
        (6, 0, 60),
        (None, 5, 50),
        (8, 2, 28),
        (1, 1, 11),
        (None, None, None),
        (9, None, None),
    ],
)
def test_actors_interaction_lower_code_first(inter1, inter2, expected):
    """interaction is the two codes lower first; a lone actor gives its code times ten."""
    assert interaction(inter1, inter2) == expected


# ---- find -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        (
            "Ukrainian forces shelled a village, killing two civilians, as Russian troops "
            "advanced.",
            "Ukraine",
            [
                ("Ukrainian forces", "Military Forces of Ukraine (2019-)", 1),
                ("civilians", "Civilians (Ukraine)", 7),
                ("Russian troops", "Military Forces of Russia (2000-)", 8),
            ],
        ),
        (
            "Hundreds of workers rallied in the capital; riot police fired tear gas at them.",
            "France",
            [
                ("workers", "Protesters (France)", 6),
                ("riot police", "Police Forces of France (2017-)", 1),
            ],
        ),
        (
            "Officials in Israel said the U.S.-led international coalition hit ISIS cells.",
            "Syria",
            [
                ("U.S.-led international coalition", "Global Coalition Against Daesh", 8),
                ("ISIS cells", "Islamic State (Syria)", 2),
            ],
        ),
        (
            "On 2 May, Turkish army warplanes struck PKK militants near the border.",
            "Iraq",
            [
                ("Turkish army warplanes", "Military Forces of Turkey (2016-)", 8),
                ("PKK militants", "PKK: Kurdistan Workers Party", 2),
            ],
        ),
        (
            "ISWAP fighters attacked soldiers, and armed Fulani herdsmen killed 12 villagers.",
            "Nigeria",
            [
                ("ISWAP fighters", "Islamic State (West Africa)", 2),
                ("soldiers", "Military Forces of Nigeria (2015-)", 1),
                ("armed Fulani herdsmen", "Fulani Ethnic Militia (Nigeria)", 4),
                ("villagers", "Civilians (Nigeria)", 7),
            ],
        ),
    ],
)
def test_actors_find_mentions(nlp, resolver, text, country, expected):
    """find returns the longest non-overlapping actor mentions in text order."""
    doc = nlp(text)
    found = [(m.text, m.actor.name, m.actor.inter) for m in resolver.find(doc, country=country)]
    assert found == expected
    for m in resolver.find(doc, country=country):
        assert text[m.start : m.end] == m.text


def test_actors_find_empty_doc(nlp, resolver):
    """An empty text has no actor mentions."""
    assert resolver.find(nlp(""), country="Syria") == []


# ---- ruler patterns ---------------------------------------------------------------------------


def test_actors_ruler_patterns_name_groups():
    """Ruler patterns are unique ORG/NORP patterns and include the common acronyms."""
    patterns = ruler_patterns()
    texts = [p["pattern"] for p in patterns]
    assert len(texts) == len(set(texts))
    assert {p["label"] for p in patterns} <= {"ORG", "NORP"}
    assert {"IDF", "SDF", "PKK", "IRGC", "PMF", "ISIS"} <= set(texts)
    assert "SOHR" not in texts


# ---- named groups inside longer phrases -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Colombia's National Liberation Army (ELN)", "ELN: National Liberation Army"),
        ("the ELN's northern front", "ELN: National Liberation Army"),
        ("the Lakeside Defence Units (LDU)", "LDU: Lakeside Defence Units"),
        ("the Hill Country Brigades (HCB)", "HCB: Hill Country Brigades"),
    ],
)
def test_actors_named_group_within_longer_phrase(resolver, text, expected):
    """A known group under an owner, an acronym or as a wing, and an unknown group with its
    acronym, are named the ACLED way."""
    actor = resolver.resolve(text, country="Colombia")
    assert actor is not None and actor.name == expected


def test_actors_unknown_acronym_group_defaults_to_political_militia(resolver):
    """An unknown group's inter code is not told by its name: 3 by the documented default."""
    actor = resolver.resolve("the Lakeside Defence Units (LDU)", country="Iraq")
    assert actor is not None and actor.inter == 3 and actor.country == "Iraq"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Elders of the Bari and Mundari communities met the governor on Monday.",
         {"Bari Communal Militia (South Sudan)", "Mundari Communal Militia (South Sudan)"}),
        ("Fighters of the Lou and Gawaar clans clashed near the river.",
         {"Lou Clan Militia (South Sudan)", "Gawaar Clan Militia (South Sudan)"}),
    ],
)
def test_actors_coordinated_names_before_one_head_are_each_an_actor(resolver, nlp, text, names):
    """'the X and Y communities' names two communal actors, each with the shared head."""
    found = {m.actor.name for m in resolver.find(nlp(text), country="South Sudan")}
    assert names <= found


def test_actors_unnamed_community_is_no_actor(resolver):
    """'both communities' names nobody: no Unidentified Communal Militia is made up."""
    assert resolver.resolve("both communities", country="South Sudan") is None


@pytest.mark.parametrize("text", ["rights activists", "activists"])
def test_actors_activists_are_civilians(resolver, text):
    """Activists are civilians (inter 7) unless they protest."""
    actor = resolver.resolve(text, country="Zimbabwe")
    assert actor is not None and actor.name == "Civilians (Zimbabwe)"


# ---- release snapshot, branches, suspects and gangs -------------------------------------


@pytest.mark.parametrize(
    ("as_of", "on", "name"),
    [
        (date(2022, 7, 1), date(2022, 5, 1), "Military Forces of Iraq (2020-)"),
        (date(2022, 7, 1), date(2022, 11, 1), "Military Forces of Iraq (2020-)"),
        (date(2023, 1, 1), date(2022, 5, 1), "Military Forces of Iraq (2020-2022)"),
        (date(2023, 1, 1), date(2022, 11, 1), "Military Forces of Iraq (2022-)"),
        (None, date(2022, 5, 1), "Military Forces of Iraq (2020-2022)"),
    ],
)
def test_actors_period_names_follow_the_release(as_of, on, name):
    """A period that closed after the actor list was taken still reads open in it."""
    actor = ActorResolver(names_as_of=as_of).resolve("Iraqi forces", country="Iraq", on=on)
    assert actor is not None and actor.name == name


@pytest.mark.parametrize(
    ("phrase", "country", "name"),
    [
        ("Russian air forces", "Ukraine", "Military Forces of Russia (2000-) Air Force"),
        ("the air force", "Ukraine", "Military Forces of Ukraine (2019-)"),
        ("military police forces", "Brazil", "Military Forces of Brazil (2019-) Military Police"),
        ("military police", "Egypt", "Military Forces of Egypt (2014-)"),
        ("gendarmerie forces", "Turkey", "Military Forces of Turkey (2016-) Gendarmerie"),
        ("prison guards", "France", "Police Forces of France (2017-) Prison Guards"),
        ("Turkish army warplanes", "Iraq", "Military Forces of Turkey (2016-)"),
        ("Turkish army forces", "Iraq", "Military Forces of Turkey (2016-)"),
        ("pro-IRG forces", "Yemen", "Military Forces of Yemen (2012-)"),
        ("IS members", "Syria", "Islamic State (Syria)"),
        ("armed individuals", "Chile", "Unidentified Armed Group (Chile)"),
        ("a drug trafficking group", "Brazil", "Unidentified Gang (Brazil)"),
    ],
)
def test_actors_resolve_branches_and_owned_forces(resolver, phrase, country, name):
    """Branches named by a head word, a force named before a weapon, a group's members."""
    actor = resolver.resolve(phrase, country=country)
    assert actor is not None and actor.name == name


@pytest.mark.parametrize("phrase", ["family members", "members", "unit"])
def test_actors_named_only_heads_need_a_group(resolver, phrase):
    """'members' alone names no one."""
    assert resolver.resolve(phrase, country="Syria") is None


@pytest.mark.parametrize(
    ("country", "text", "air", "name"),
    [
        ("Mexico", "A man was killed and his dismembered body was found.", False,
         "Unidentified Gang (Mexico)"),
        ("Mexico", "Two armed men shot a man in the market.", False,
         "Unidentified Armed Group (Mexico)"),
        ("Brazil", "A man was killed in a drive-by shooting.", False,
         "Unidentified Gang and/or Police Militia"),
        ("Syria", "Gunmen linked to a drug gang shot a man.", False,
         "Unidentified Armed Group (Syria)"),
        ("Syria", "Unknown warplanes struck the town.", True, "Unidentified Military Forces"),
        (None, "", False, "Unidentified Armed Group"),
    ],
)
def test_actors_unidentified_perpetrator_by_context(resolver, country, text, air, name):
    """Unknown perpetrators are gangs where ACLED codes gangs and the report ties them to crime."""
    assert resolver.unidentified(country, text=text, air=air).name == name


def test_actors_find_recodes_armed_men_in_a_drug_war(resolver, nlp):
    """'armed men' in a Mexican report about a cartel are an Unidentified Gang."""
    doc = nlp("Armed men shot dead a cartel boss in Culiacan on Monday.")
    names = [m.actor.name for m in resolver.find(doc, country="Mexico")]
    assert "Unidentified Gang (Mexico)" in names


def test_actors_known_force_with_its_acronym_is_that_force():
    """'the Israeli Defense Forces (IDF)' is Israel's military, not a new 'IDF: ...' group."""
    from reportedly.actors import ActorResolver

    actor = ActorResolver(names_as_of=None).resolve("Israeli Defense Forces (IDF)", country="Syria")
    assert actor is not None and actor.name.startswith("Military Forces of Israel")


@pytest.mark.parametrize(
    ("text", "country", "name"),
    [
        ("two unspecified clan militias", "Sudan", "Unidentified Clan Militia (Sudan)"),
        ("two unknown tribal militias", "Iraq", "Unidentified Tribal Militia (Iraq)"),
        ("Global Coalition Forces", "Syria", "Global Coalition Against Daesh"),
        ("Turkish army helicopters", "Iraq", "Military Forces of Turkey (2016-)"),
    ],
)
def test_actors_resolve_unnamed_militias_and_coalition(resolver, text, country, name):
    """Unnamed clan/tribal militias are Unidentified <kind> Militia; the coalition by its name."""
    actor = resolver.resolve(text, country=country)
    assert actor is not None and actor.name == name


@pytest.mark.parametrize(
    ("phrase", "country", "name", "inter"),
    [
        ("Kaduna militiamen", "Nigeria", "Kaduna Communal Militia (Nigeria)", 4),
        ("a Zamfara militia", "Nigeria", "Zamfara Communal Militia (Nigeria)", 4),
        ("suspected Pokot militia", "Kenya", "Pokot Ethnic Militia (Kenya)", 4),
        ("Fulani militiamen", "Nigeria", "Fulani Ethnic Militia (Nigeria)", 4),
        ("Fulani pastoralists", "Chad", "Fulani Ethnic Militia (Chad)", 4),
        ("militiamen", "Nigeria", "Unidentified Armed Group (Nigeria)", 3),
        ("the militia", "Sudan", "Unidentified Armed Group (Sudan)", 3),
        ("XYZ militiamen", "Mali", "Unidentified Armed Group (Mali)", 3),
    ],
)
def test_actors_militias_are_named_after_their_people_or_place(
    resolver, phrase, country, name, inter
):
    """'<People> militia' is an Ethnic Militia, '<Place> militia' a Communal Militia, a
    militia of no one named (or of an unknown acronym) an Unidentified Armed Group."""
    actor = resolver.resolve(phrase, country=country)
    assert actor is not None and (actor.name, actor.inter) == (name, inter)


@pytest.mark.parametrize(
    ("phrase", "country", "name"),
    [
        ("Russian mine", "Ukraine", "Military Forces of Russia (2000-)"),
        ("Turkish army artillery shelling", "Iraq", "Military Forces of Turkey (2016-)"),
        ("Moroccan gunboats", "Western Sahara", "Military Forces of Morocco (1999-)"),
        ("regime snipers", "Syria", "Military Forces of Syria (2000-)"),
        ("the military council", "Myanmar", "Military Forces of Myanmar (2021-)"),
    ],
)
def test_actors_weapons_and_names_of_a_state_name_its_forces(resolver, phrase, country, name):
    """A weapon with its owner named ('Russian mine') and common names of a regime's forces
    stand for that state's military."""
    actor = resolver.resolve(phrase, country=country)
    assert actor is not None and actor.name == name


@pytest.mark.parametrize(
    ("phrase", "country", "name"),
    [
        ("Sudanese nationals", "South Korea", "Civilians (Sudan)"),
        ("Ukrainian citizens", "Italy", "Civilians (Ukraine)"),
    ],
)
def test_actors_nationals_abroad_keep_their_nationality(resolver, phrase, country, name):
    """People named by a demonym abroad are of their own country (ACLED codes nationality)."""
    actor = resolver.resolve(phrase, country=country)
    assert actor is not None and actor.name == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("About 60 Ukrainians living in the city held a rally on Sunday.", "Protesters (Ukraine)"),
        ("A dozen migrants staged a demonstration on Friday.", "Protesters (International)"),
        ("A dozen Venezuelan migrants staged a demonstration on Friday.", "Protesters (Venezuela)"),
    ],
)
def test_actors_crowds_named_by_nationality_or_as_migrants(nlp, resolver, text, name):
    """A plural demonym that rallies is a crowd of that country; migrants with no
    nationality named protest as Protesters (International)."""
    found = resolver.find(nlp(text), country="Italy")
    assert name in [m.actor.name for m in found]


def test_actors_plural_demonyms_take_an_s_only():
    """'Ukrainians' and 'Afghans' name their country; 'Sudanese' has no -s plural to add."""
    from reportedly.actors import _Knowledge

    owners = _Knowledge._plural_demonyms()
    assert owners["ukrainians"] == "Ukraine" and owners["afghans"] == "Afghanistan"
    assert "sudaneses" not in owners


@pytest.mark.parametrize(
    ("text", "country", "phrase", "name"),
    [
        (
            "Armed men (suspected Al Shabaab militants) attacked a bus on Monday.",
            "Kenya",
            "Armed men",
            "Al Shabaab",
        ),
        (
            "Anti-Houthi forces (the Saudi-led coalition) carried out two air raids on Monday.",
            "Yemen",
            "forces",
            "Operation Restoring Hope",
        ),
        (
            "Soldiers (including two officers) fled the base on Monday.",
            "Ukraine",
            "Soldiers",
            "Military Forces of Ukraine (2019-)",
        ),
    ],
)
def test_actors_a_description_glossed_by_a_name_is_that_actor(
    nlp, resolver, text, country, phrase, name
):
    """A description followed by a named actor in brackets is that actor; a bracket that
    names no group ('including two officers') changes nothing, and 'anti-X' is not X."""
    found = {m.text: m.actor.name for m in resolver.find(nlp(text), country=country)}
    assert found.get(phrase) == name


@pytest.mark.parametrize(
    ("country", "name"),
    [
        ("Syria", "Global Coalition Against Daesh"),
        ("Iraq", "Global Coalition Against Daesh"),
        ("Somalia", "Military Forces of the United States (2021-)"),
    ],
)
def test_actors_us_forces_in_syria_and_iraq_are_the_coalition(resolver, country, name):
    """ACLED codes US forces in Syria and Iraq as the Global Coalition Against Daesh."""
    actor = resolver.resolve("US military", country=country)
    assert actor is not None and actor.name == name


def test_actors_a_hyphenated_name_before_a_head_is_read_whole(nlp, resolver):
    """'Al-Shabaab militants' are Al Shabaab, not unidentified 'Shabaab militants'."""
    found = resolver.find(nlp("Al-Shabaab militants attacked a base on Monday."),
                          country="Somalia")
    assert [m.actor.name for m in found] == ["Al Shabaab"]


@pytest.mark.parametrize(
    ("phrase", "told"),
    [
        ("al-Shabaab", "actors.yaml groups 'Al Shabaab' (alias 'al-Shabaab')"),
        ("gunmen", "actors.yaml generic unidentified"),
        ("Russian forces", "owner Russia from countries.yaml"),
        ("the IDF", "actors.yaml state_forces Israel (military; alias 'IDF')"),
        ("Colombia's National Liberation Army (ELN)", "the name 'ELN' inside the phrase"),
        ("the Sinjar Resistance Units (YBS)", "actors.yaml acronym_groups"),
        ("the weather", "no lexicon entry names it"),
    ],
)
def test_actors_explain_names_the_lexicon_entry_that_decided(resolver, phrase, told):
    """--explain: the entry or rule that turned a phrase into an ACLED actor name."""
    assert told in resolver.explain(phrase, country="Colombia")
