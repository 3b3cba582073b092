"""Name keys: the forms under which place names are stored and looked up.

Transliterations of the same place differ in accents, hyphens, apostrophes, spacing and the
Arabic article ("Al-Bukamal", "Albu Kamal", "AlbuKamal", "Ālbū Kamāl"); every name is reduced
to a key that ignores all of these, so the spellings meet in one index entry. Romanisations
that differ in letters too ("Ein Issa" / "‘Ayn ‘Īsá") meet only in the looser sound forms that
fuzzy lookup inside one region compares (``sound_key``, ``skeleton``).
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


# --- romanisation-tolerant forms ------------------------------------------------------------
#
# One Arabic, Kurdish or Burmese name reaches English copy under several romanisations
# ("Ein Issa" / "‘Ayn ‘Īsá", "Tal Tamer" / "Tall Tamr", "Thiban" / "Dhībān"). ``sound_key``
# rewrites a name so that the usual variants of one sound meet, and ``skeleton`` keeps only its
# consonants: two names are taken as one romanised name only when their skeletons are equal,
# the sound forms then being compared by edit distance (vowels are written the most freely).

# Article words, the assimilated forms included ("ash-Shaddadah", "adh-Dhahiriyah", "ez-Zor").
_ARTICLE_WORDS = frozenset(
    ["al", "el", "il", "ul", "ad", "ar", "as", "at", "az", "an", "ash", "adh", "ath",
     "ed", "er", "es", "et", "ez", "en", "esh"]
)
# An article written joined to its noun: assimilated, it doubles the noun's first consonant
# ("Azziyarah", "Ashshaddadah", "Annasiriya"); otherwise "al"/"el" before a consonant
# ("Alnasiriya"). Four letters must remain, so "Alwar" or "Assam" keep their heads.
_JOINED_ARTICLE = re.compile(
    r"^[ae](?:(sh|dh|th)(?=\1)|([dnrstz])(?=\2)|l(?=[^aeiouy\W]))(?=\w{4})"
)
# Letter groups for one sound, in order (a digraph before its single letters). Arabic dh and
# th (ذ, ث, ظ) reach print as "dh", "th" or "d" ("Dhiban"/"Thiban", "Dhi Qar"/"Thi Qar").
_SOUNDS = (
    (re.compile(r"dh|th"), "d"),
    (re.compile(r"kh"), "x"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"dj"), "j"),
    (re.compile(r"ck|q|c(?!h)"), "k"),
    (re.compile(r"ou|oo"), "u"),
    (re.compile(r"ee|ie"), "i"),
    # a glide after its own vowel is not written everywhere: "Ziyara"/"Ziara", "-iyah"/"-ia"
    (re.compile(r"iy(?=[aeiou])"), "i"),
    (re.compile(r"uw(?=[aeiou])"), "u"),
    # diphthongs written with a vowel or a glide: "Ein"/"Ain"/"Ayn", "Deir"/"Dayr", "Mosul"
    (re.compile(r"[ae][iy](?![aeiou])"), "e"),
    (re.compile(r"aw(?![aeiou])"), "u"),
    (re.compile(r"y(?![aeiou])"), "i"),
    # short vowels: fatha as "a" or "e" ("Tal"/"Tell"), damma as "u" or "o"
    (re.compile(r"e"), "a"),
    (re.compile(r"o"), "u"),
)
# The feminine ending is written "-ah", "-eh", "-a" or "-e" ("Ziyara"/"Az Ziyārah").
_FINAL_H = re.compile(r"(?<=[aeiou])h$")
_DOUBLED = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aiu]")


def sound_key(text: str) -> str:
    """A name's romanisation-tolerant form: "Ein Issa" and "‘Ayn ‘Īsá" both give "anisa"."""
    if not isinstance(text, str):
        return ""
    return _sound_key(text)


@lru_cache(maxsize=1 << 16)
def _sound_key(text: str) -> str:
    words = fold(text).split()
    # an article word names nothing by itself: "Tall al Abyad", "Ash Shaddadah", but not "As"
    words = [w for n, w in enumerate(words) if w not in _ARTICLE_WORDS or n == len(words) - 1]
    return "".join(_sound_word(w) for w in words)


def _sound_word(word: str) -> str:
    word = _JOINED_ARTICLE.sub("", word)
    word = _FINAL_H.sub("", _DOUBLED.sub(r"\1", word))
    for pattern, repl in _SOUNDS:
        word = pattern.sub(repl, word)
    return _DOUBLED.sub(r"\1", word)


def skeleton(text: str) -> str:
    """The consonants of ``sound_key``: "Tal Tamer" and "Tall Tamr" both give "tltmr"."""
    return _VOWELS.sub("", sound_key(text))
