"""Prefilter shortcuts: on any text they decide exactly what the full regular expressions do."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportedly import lexicons
from reportedly import prefilter as pf


def _phrases() -> list[str]:
    """Every phrase the shortcuts reason about: cues, masks, genre markers, month names."""
    data = lexicons.load("prefilter")
    genres = [g for g in data["genres"].values() if isinstance(g, dict)]
    return sorted({*pf.cue_words(), *map(str, data["masks"]["phrases"]),
                   *(str(m) for g in genres for m in g["markers"]),
                   *lexicons.load("time")["months"]["names"]})


# Pieces that make the phrases' neighbours interesting: scores, capitalised team names,
# hyphens and apostrophes at word edges, case-folding letters ("ſ" reads as "s", "K" as "k").
_PIECES = ["2-0", "beat", "beaten by", "Rovers", "City", "3 March", "in", "-", "'s", "anti-",
           ".", ",", "\n", "ſ", "K", "İ", "ı", "Shot", "WAR", "Heart Attack"]
_TEXT = st.lists(st.sampled_from(_phrases()) | st.sampled_from(_PIECES)
                 | st.text(alphabet="abcdefghiklmnorstuw -'.", max_size=12),
                 max_size=12).map(" ".join)
_JOINED = st.lists(st.sampled_from(_phrases()) | st.sampled_from(_PIECES),
                   max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT | _JOINED)
def test_prefilter_fast_masking_blanks_what_the_whole_mask_pattern_blanks(text):
    """Looking for mask phrases only where all their words are in the text blanks exactly
    what the one mask pattern blanks."""
    assert pf._mask(text, pf._ascii_runs(text)) == pf._masks().sub(pf._blank, text)


@settings(max_examples=400, deadline=None)
@given(_TEXT | _JOINED)
def test_prefilter_fast_genre_markers_read_as_the_whole_marker_patterns(text):
    """A genre found with its phrase markers looked for only where their words are there is
    the genre found with every marker pattern run over the text."""
    assert pf._genre_senses(text, pf._ascii_runs(text)) == pf._genre_senses(text)


@settings(max_examples=400, deadline=None)
@given(_TEXT | _JOINED)
def test_prefilter_fast_cue_scan_reads_as_the_whole_alternation(text):
    """The grouped, lower-case scan of an ASCII text finds the cues the one big alternation
    finds, at the same places."""
    assert pf._cue_matches(text) == [m.group(0) for m in pf._regex().finditer(text)]


@settings(max_examples=200, deadline=None)
@given(_TEXT | _JOINED)
def test_prefilter_fast_dates_are_blanked_only_where_a_month_is_named(text):
    """A text without a month name has no date to blank."""
    if not pf._months().search(text):
        assert pf._dates().sub(pf._blank, text) == text


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (["abc", "abd", "xyz", "ab"], "ab(?:c|d|)|xy(?:z)"),
        (["kill[\\w-]*", "kidnap[\\w-]*"], "ki(?:ll[\\w-]*|dnap[\\w-]*)"),
    ],
)
def test_prefilter_dispatch_groups_by_first_two_letters_in_order(patterns, expected):
    """The alternatives are grouped by their first two characters, each group in the order
    given, so the first alternative to match is the same as in the flat alternation."""
    assert pf._dispatch(patterns) == expected


def test_prefilter_ascii_runs_are_none_for_other_text():
    """Word runs are read only from ASCII text, where case folding is lower-casing."""
    assert pf._ascii_runs("Shelling near Kyiv-Sviatoshyn") == frozenset(
        {"shelling", "near", "kyiv-sviatoshyn"})
    assert pf._ascii_runs("Shelling near Kharkiv’s edge") is None


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(pf.cue_words()).map(str.lower)
       | st.text(alphabet="abcdeiklorstuwſK -", max_size=14))
def test_prefilter_fast_weak_test_reads_as_the_whole_tests(word):
    """Telling a weak cue from a strong one with the phrases of its first two letters gives
    what the two whole tests give."""
    weak_re, strong_re = pf._weak()
    expected = bool(weak_re.fullmatch(word) and not strong_re.fullmatch(word))
    assert pf._is_weak(word) is expected
