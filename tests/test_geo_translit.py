"""Romanisation-tolerant name comparison: sound forms, consonant skeletons, fuzzy lookup."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import fuzz

from reportedly.geo.gazetteer import Gazetteer
from reportedly.geo.normalise import skeleton, sound_key

_CUTOFF = Gazetteer.FUZZY_CUTOFF


def sounds_alike(a: str, b: str, cutoff: float = _CUTOFF) -> bool:
    """The gazetteer's rule: same consonant skeleton, sound forms within the cutoff."""
    return skeleton(a) == skeleton(b) and fuzz.ratio(sound_key(a), sound_key(b)) >= cutoff


def region_code(gaz: Gazetteer, name: str, cc: str) -> str:
    codes = [c.admin1 for c in gaz.candidates(name, limit=30)
             if c.feature_code == "ADM1" and c.country_code == cc]
    assert codes, f"no admin1 region {name!r} in {cc}"
    return codes[0]



# --- sound forms: one rule a case ----------------------------------------------------------


@pytest.mark.parametrize(("news", "gazetteer"), [
    ("Rastan", "Ar Rastan"),
    ("Salamiyah", "As Salamīyah"),
    ("Tal Abyad", "Tall al Abyaḑ"),
])
def test_normalise_sound_key_drops_article_words(news, gazetteer):
    """An article word anywhere in a name, assimilated or not, leaves the sound form unchanged."""
    assert sound_key(news) == sound_key(gazetteer)


@pytest.mark.parametrize(("news", "gazetteer"), [
    ("Sukhnah", "Assukhnah"),
    ("Qaryatayn", "Alqaryatayn"),
    ("Nasiriya", "Annasiriya"),
])
def test_normalise_sound_key_drops_joined_articles(news, gazetteer):
    """An article written onto its noun ("Assukhnah", "Alqaryatayn") is dropped like a word."""
    assert sound_key(news) == sound_key(gazetteer)


@pytest.mark.parametrize(("name", "headless"), [
    ("Assam", "Sam"),
    ("Alwar", "War"),
    ("Essen", "Sen"),
    ("Alexandria", "Exandria"),
])
def test_normalise_sound_key_keeps_short_and_vowel_heads(name, headless):
    """"As"/"Al" is no article where under four letters would remain or a vowel follows."""
    assert sound_key(name) != sound_key(headless)


@pytest.mark.parametrize(("news", "gazetteer"), [
    ("Qabasin", "Qabbāsīn"),
    ("Jarabulus", "Jarrābulus"),
])
def test_normalise_sound_key_collapses_doubled_letters(news, gazetteer):
    """A geminate is written single or double ("Qabasin" / "Qabbāsīn")."""
    assert sound_key(news) == sound_key(gazetteer)


@pytest.mark.parametrize(("news", "gazetteer"), [
    ("Ein al Arab", "‘Ayn al ‘Arab"),
    ("Ain Dara", "‘Ayn Dārah"),
    ("Deir Hafer", "Dayr Ḩāfir"),
])
def test_normalise_sound_key_unifies_ain_and_diphthongs(news, gazetteer):
    """"Ein", "Ain" and "‘Ayn", "Deir" and "Dayr" are one sound."""
    assert sounds_alike(news, gazetteer)


@pytest.mark.parametrize(("news", "gazetteer"), [
    ("Thi Qar", "Dhi Qar"),
    ("Khanaqin", "Xanaqin"),
    ("Ghazni", "Gazni"),
    ("Sheikh Maqsoud", "Shaykh Maqsud"),
    ("Qamishli", "Kamishli"),
    ("Djibouti", "Jibuti"),
])
def test_normalise_sound_key_unifies_consonant_spellings(news, gazetteer):
    """dh/th, kh/x, gh/g, q/k and dj/j are spellings of one consonant."""
    assert skeleton(news) == skeleton(gazetteer)
    assert sounds_alike(news, gazetteer)


@pytest.mark.parametrize(("news", "gazetteer"), [
    ("Souran", "Şūrān"),
    ("Sheikh Miskeen", "Shaykh Miskīn"),
    ("Horan", "Ḩawrān"),
    ("Tell Rifaat", "Tall Rif‘at"),
])
def test_normalise_sound_key_unifies_vowel_spellings(news, gazetteer):
    """ou/u, ee/i, aw/o and e/a write one vowel ("Souran" / "Şūrān", "Mosul" / "Mawşil")."""
    assert sounds_alike(news, gazetteer)


@pytest.mark.parametrize(("news", "gazetteer"), [
    ("Sukhneh", "As Sukhnah"),
    ("Hawija", "Al Ḩawījah"),
    ("Salamieh", "As Salamīyah"),
    ("Qayara", "Al Qayyārah"),
])
def test_normalise_sound_key_unifies_feminine_endings(news, gazetteer):
    """"-ah", "-eh", "-a" and "-iyah"/"-ieh" endings are one ending."""
    assert sounds_alike(news, gazetteer)


@pytest.mark.parametrize(("news", "gazetteer"), [
    ("Maarat al-Numan", "Ma‘arrat an Nu‘mān"),
    ("Busra al-Sham", "Buşrá ash Shām"),
])
def test_normalise_sound_key_tolerates_a_dropped_vowel(news, gazetteer):
    """With the consonants agreeing, a vowel written or not stays within the cutoff."""
    assert sounds_alike(news, gazetteer)


# --- junk stays junk ------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [
    ("Kibumba", "Kirumba"),
    ("Saturday", "Lusaka"),
    ("Mykolayivka", "Mykolayivske"),
    ("Tall Abyad", "Tall Aswad"),
    ("Hama", "Homs"),
    ("Kafr Nabl", "Kafr Nubbul Sharqi"),
])
def test_normalise_skeleton_keeps_distinct_consonants_apart(a, b):
    """Names with another consonant are other places, however close their letters."""
    assert skeleton(a) != skeleton(b)
    assert not sounds_alike(a, b)


@pytest.mark.parametrize(("a", "b"), [
    ("Bara", "Bira"),
    ("Duma", "Dama"),
    ("Sharan", "Şūrān"),
    ("Salim", "Sulaym"),
])
def test_normalise_sound_key_keeps_other_vowels_apart(a, b):
    """One skeleton with other vowels ("Sharan" / "Şūrān") is not one name."""
    assert skeleton(a) == skeleton(b)
    assert not sounds_alike(a, b)


@pytest.mark.parametrize("bad", [None, "", "   ", "---", 42, "‘’"])
def test_normalise_sound_key_bad_input_is_empty(bad):
    """Bad or empty input gives an empty form, never an exception."""
    assert sound_key(bad) == ""
    assert skeleton(bad) == ""


@given(st.text())
def test_normalise_sound_key_never_crashes(text):
    """Any text gives a string sound form whose skeleton has no vowels."""
    assert not set(skeleton(text)) & set("aiu")
    assert isinstance(sound_key(text), str)


# --- the gazetteer's fuzzy lookup ---------------------------------------------------------


@pytest.mark.parametrize(("news", "region", "cc", "expected"), [
    ("Salamieh", "Hama", "SY", "As Salamīyah"),
    ("Tal Rifaat", "Aleppo", "SY", "Tall Rif‘at"),
    ("Sukhneh", "Homs", "SY", "As Sukhnah"),
    ("Maarat al-Numan", "Idlib", "SY", "Ma‘arrat an Nu‘mān"),
    ("Busra al-Sham", "Daraa", "SY", "Buşrá ash Shām"),
    ("Qayara", "Nineveh", "IQ", "Al Qayyārah"),
])
def test_gazetteer_fuzzy_finds_other_romanisation(gaz, news, region, cc, expected):
    """Another romanisation of a town's name finds it in its region, with the region alone."""
    found = gaz.fuzzy(news, country_code=cc, admin1=region_code(gaz, region, cc), cutoff=88.0)
    assert found and found[0].name == expected


@pytest.mark.parametrize(("news", "region", "cc", "other"), [
    ("Kibumba", "Nord-Kivu", "CD", "Kirumba"),
    ("Sharan", "Aleppo", "SY", "Şūrān"),
    ("Sharan", "Aleppo", "SY", "Şirrīn ash Shamālīyah"),
])
def test_gazetteer_fuzzy_skips_similar_skeletons(gaz, news, region, cc, other):
    """A place whose name shares only letters or consonants with the name is not offered."""
    found = gaz.fuzzy(news, country_code=cc, admin1=region_code(gaz, region, cc), cutoff=88.0)
    assert other not in {c.name for c in found}


@pytest.mark.parametrize(("junk", "region", "cc"), [
    ("Saturday", "Lusaka", "ZM"),
    ("Tuesday", "Hama", "SY"),
    ("Ministry", "Aleppo", "SY"),
])
def test_gazetteer_fuzzy_finds_nothing_for_junk(gaz, junk, region, cc):
    """Capitalised common words find no place in the region."""
    assert gaz.fuzzy(junk, country_code=cc, admin1=region_code(gaz, region, cc)) == []


def test_gazetteer_fuzzy_lists_a_place_once(gaz):
    """A place matched under several of its names is offered once, at its best score."""
    found = gaz.fuzzy("Tal Rifaat", country_code="SY", admin1=region_code(gaz, "Aleppo", "SY"))
    ids = [c.geonameid for c in found]
    assert ids and len(ids) == len(set(ids))
