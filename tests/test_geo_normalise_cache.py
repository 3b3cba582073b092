"""The name-key cache: folding through the cache gives what folding afresh gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportedly.geo.normalise import _fold, fold, key


@pytest.mark.parametrize("name", ["Al-Bukamal", "Ālbū Kamāl", "U.S.", "Kasserine", "", "  "])
def test_geo_normalise_cached_fold_matches_fresh_fold(name):
    """A name folded twice (the second time from the cache) equals the uncached fold."""
    assert fold(name) == _fold(name)
    assert fold(name) == _fold(name)


@pytest.mark.parametrize("value", [None, b"", 0])
def test_geo_normalise_fold_non_string_is_empty(value):
    """None and other empty non-strings fold to the empty key instead of failing in the cache."""
    assert fold(value) == ""  # type: ignore[arg-type]


@given(st.text(max_size=40))
def test_geo_normalise_key_cache_never_changes_a_key(text):
    """For any text, the cached key is the fresh fold without spaces."""
    assert key(text) == _fold(text).replace(" ", "")
