"""Sources: who says a statement and how firmly (reporting verbs, 'according to', hedges)."""

from __future__ import annotations

import pytest

from reportedly.sources import attribute, find_outlet, home_outlet, is_unknown_statement


def _attr(nlp, text, word, outlet="Wire Service"):
    doc = nlp(text)
    tok = next(t for t in doc if t.text == word)
    return attribute(tok, outlet=outlet)


@pytest.mark.parametrize(
    ("text", "word", "names", "stance"),
    [
        ("Police said two men were killed in the raid.", "killed", ["Police"], "reported"),
        (
            "According to local officials, the convoy was ambushed near the river.",
            "ambushed",
            ["local officials"],
            "reported",
        ),
        (
            "The rebels claimed that government jets bombed the market.",
            "bombed",
            ["The rebels"],
            "alleged",
        ),
        (
            "The ministry denied that its forces shelled the village.",
            "shelled",
            ["The ministry"],
            "denied",
        ),
        (
            "Gunmen reportedly stormed the compound before dawn.",
            "stormed",
            ["Wire Service"],
            "reported",
        ),
        ("Gunmen stormed the compound before dawn.", "stormed", ["Wire Service"], "asserted"),
        (
            "The blast appears to have been caused by a mine.",
            "blast",
            ["Wire Service"],
            "speculative",
        ),
    ],
)
def test_sources_attribute_finds_speaker_and_stance(nlp, text, word, names, stance):
    """The reporting verb's subject is the source; the verb and hedges set the stance."""
    a = _attr(nlp, text, word)
    assert [s.name for s in a.sources] == names
    assert a.stance == stance


def test_sources_trailing_report_with_two_speakers(nlp):
    """'<statement>, X (ACR) and several agencies reported' names both speakers."""
    a = _attr(
        nlp,
        "The depot burned for hours near the border, the Syrian Observatory for Human "
        "Rights (SOHR) and several local news agencies reported Monday.",
        "burned",
    )
    assert [s.name for s in a.sources] == [
        "Syrian Observatory for Human Rights",
        "several local news agencies",
    ]
    assert a.stance == "reported"


def test_sources_speaker_via_outlet(nlp):
    """'A source told Outlet that...' keeps the outlet as 'via'."""
    a = _attr(nlp, "A military source told Shafaq News that the attackers fled east.", "fled")
    assert a.sources[0].name == "A military source" and a.sources[0].via == "Shafaq News"
    assert a.sources[0].kind == "anonymous"


@pytest.mark.parametrize("name", ["SOHR", "the Syrian Observatory", "Step News", "AFP"])
def test_sources_find_outlet_by_alias(name):
    """Outlet aliases resolve to the outlet's canonical entry."""
    assert find_outlet(name) is not None


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("The identity of the attackers was not yet known.", True),
        ("No group has claimed the bombing.", True),
        ("The army said it destroyed the launcher.", False),
    ],
)
def test_sources_unknown_statements(text, unknown):
    """Statements that a value is unknown are recognised."""
    assert is_unknown_statement(text) is unknown


def test_sources_report_outlet_is_no_relay(nlp):
    """'told <the report's own outlet>' names no second source: the via is dropped."""
    text = "The mayor told Harbour Post that the camp was shelled at dawn."
    a = _attr(nlp, text, "shelled", outlet="Harbour Post")
    assert [s.via for s in a.sources] == [None]
    b = _attr(nlp, text, "shelled", outlet="Valley Times")
    assert [s.via for s in b.sources] == ["Harbour Post"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The agency, citing a police officer, said two men were shot dead.", "shot"),
        ("Two men were shot dead, the agency said, citing a police officer.", "shot"),
    ],
)
def test_sources_citing_names_the_speaker_via_the_relay(nlp, text, word):
    """'X said, citing Y': Y is the source, speaking via X (a nested source)."""
    a = _attr(nlp, text, word)
    assert [(s.name, s.via) for s in a.sources] == [("a police officer", "The agency")] or [
        (s.name, s.via) for s in a.sources
    ] == [("a police officer", "the agency")]


@pytest.mark.parametrize(
    ("text", "word", "speaker"),
    [
        ('"We have counted eight bodies so far," the coordinator said.', "bodies",
         "the coordinator"),
        ("\u201cOur forces repelled the attack,\u201d a rebel spokesman told reporters.",
         "repelled", "a rebel spokesman"),
    ],
)
def test_sources_quote_belongs_to_its_speaker(nlp, text, word, speaker):
    """A quotation is claimed by the speaker the sentence names."""
    assert [s.name for s in _attr(nlp, text, word).sources] == [speaker]


@pytest.mark.parametrize(("byline", "iso2"), [
    ("Taipei Times; Liberty Times", "TW"),       # several outlets: the first the lexicon knows
    ("A Local Blog; ABC Color", "PY"),
    ("SOHR", "SY"),                               # a monitor: the one country it documents
    ("Reuters", None),                            # a wire that reports on the whole world
    ("An Unknown Weekly", None),
    (None, None),
])
def test_sources_home_outlet_gives_the_country_reported_on(byline, iso2):
    found = home_outlet(byline)
    assert (found.country if found else None) == iso2
