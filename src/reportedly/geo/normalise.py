"""Name keys: the forms under which place names are stored and looked up.

Transliterations of the same place differ in accents, hyphens, apostrophes, spacing and the
Arabic article ("Al-Bukamal", "Albu Kamal", "AlbuKamal", "Ālbū Kamāl"); every name is reduced
to a key that ignores all of these, so the spellings meet in one index entry.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Apostrophe-like marks, including the ayn/hamza letters of romanised Arabic.
_APOSTROPHES = "'’‘`´ʼʻʿʾ′"
_HYPHENS = "-‐‑‒–—―_/"
_DROP = re.compile(r"[.\u0640]")  # periods ("U.S."), Arabic tatweel
_NON_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
# Romanised Arabic definite article in its assimilated forms ("al-", "el-", "ad-", "ash-").
_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|at|az|an|ash|adh|ath|ul)[\s-]+(?=\w{3})")
# Letters that Unicode does not decompose into a base letter and an accent: "Şanlıurfa" and
# "Sanliurfa", "Łódź" and "Lodz" are one name.
_UNDECOMPOSED = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h",
                               "æ": "ae", "œ": "oe", "þ": "th", "ŀ": "l"})
_SUFFIXES = (
    "governorate",
    "province",
    "oblast",
    "state",
    "region",
    "district",
    "county",
    "prefecture",
    "department",
    "municipality",
    "raion",
    "upazila",
    "regency",
    "parish",
    "subdivision",
    "locality",
    "woreda",
    "zone",
)
_SUFFIX = re.compile(r"\s+(?:" + "|".join(_SUFFIXES) + r")$")


def fold(text: str) -> str:
    """Casefold, strip accents, unify apostrophes and hyphens, collapse spaces."""
    if isinstance(text, str):
        return _fold_cached(text)
    return _fold(text)


# Every lookup folds the same few thousand names over and over (a region's towns, a report's
# capitalised words): the cache turns the per-character work into one dict hit.
@lru_cache(maxsize=1 << 16)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_UNDECOMPOSED)
    text = "".join("" if ch in _APOSTROPHES else " " if ch in _HYPHENS else ch for ch in text)
    text = _DROP.sub("", text)
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def key(text: str) -> str:
    """The lookup key: the folded name with no spaces at all ("albukamal")."""
    if isinstance(text, str):
        return _key_cached(text)
    return fold(text).replace(" ", "")


@lru_cache(maxsize=1 << 16)
def _key_cached(text: str) -> str:
    return _fold_cached(text).replace(" ", "")


def article_key(text: str) -> str | None:
    """The key without a leading Arabic article ("Al-Qaim" -> "qaim"), or None if there is none."""
    folded = fold(text)
    stripped = _ARTICLE.sub("", folded)
    if stripped == folded:
        return None
    return stripped.replace(" ", "")


def suffix_key(text: str) -> str | None:
    """The key without an administrative suffix ("Donetsk Oblast" -> "donetsk"), or None."""
    folded = fold(text)
    stripped = _SUFFIX.sub("", folded)
    if stripped == folded or not stripped:
        return None
    return stripped.replace(" ", "")


def keys(text: str) -> list[tuple[str, int]]:
    """All keys of a name with a flag: 0 the full key, 1 article dropped, 2 suffix dropped."""
    out: list[tuple[str, int]] = []
    full = key(text)
    if full:
        out.append((full, 0))
    for flag, variant in ((1, article_key(text)), (2, suffix_key(text))):
        if variant and variant != full:
            out.append((variant, flag))
    return out
