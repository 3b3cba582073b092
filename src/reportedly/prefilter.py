"""A cheap relevance gate before spaCy: does a text talk about conflict or protest at all?

One compiled regular expression built from lexicons (the trigger cues of ``triggers.yaml``
and the word list of ``prefilter.yaml``). It is recall-first: it turns away texts that
plainly are not about political violence, demonstrations or their aftermath, and lets
anything doubtful through to the full pipeline.
"""

from __future__ import annotations

import re
from functools import cache

from reportedly import lexicons

# How far into a long text to look: the lead of a report names what happened.
HEAD_CHARS = 20000
REASON = "not about conflict"


def _phrase_pattern(phrase: str) -> str | None:
    """A cue phrase ("take to the street", "rally/VERB|NOUN") as a regex: each word matches
    any word it begins, so inflected forms match too. A word of three letters or fewer takes
    only a plain ending ("war", "wars", not "warm"); a lone one- or two-letter word is
    skipped."""
    words = [w for w in re.split(r"\s+", phrase.split("/", 1)[0].strip().lower()) if w]
    if not words or (len(words) == 1 and len(words[0]) < 3):
        return None
    return r"\s+".join(re.escape(w) + _ending(w) for w in words)


def _ending(word: str) -> str:
    return r"[\w-]*" if len(word) > 3 else r"(?:s|es|d|ed|ing)?(?![\w-])"


def cue_words() -> list[str]:
    """Every phrase the prefilter looks for, from both lexicons, deduplicated and sorted."""
    phrases: set[str] = set()
    for group in lexicons.load("triggers")["cues"].values():
        if group.get("trigger"):
            phrases.update(str(p) for p in group.get("phrases") or [])
    for group in lexicons.load("prefilter")["groups"].values():
        phrases.update(str(w) for w in group.get("words") or [])
    return sorted(phrases)


@cache
def _regex() -> re.Pattern[str]:
    patterns = {p for p in (_phrase_pattern(w) for w in cue_words()) if p}
    # Longest first, so a phrase wins over a word it begins with.
    body = "|".join(sorted(patterns, key=lambda p: (-len(p), p)))
    return re.compile(rf"(?<![\w-])(?:{body})", re.IGNORECASE)


@cache
def _dates() -> re.Pattern[str]:
    """A capitalised month name beside a day number is a date ("March 3", "3 March"), never
    the protest cue "march" (the month names come from the time lexicon)."""
    names = "|".join(sorted(lexicons.load("time")["months"]["names"], key=len, reverse=True))
    return re.compile(rf"\b\d{{1,2}}\s+(?:{names})\b\.?|\b(?:{names})\.?\s+\d{{1,2}}\b")


def first_cue(text: str | None) -> str | None:
    """The first cue found in a text (for explaining a decision), or None."""
    if not text:
        return None
    head = _dates().sub(lambda m: " " * len(m.group(0)), text[:HEAD_CHARS])
    match = _regex().search(head)
    return match.group(0) if match else None


def is_relevant(text: str | None) -> bool:
    """True when the text holds at least one conflict or protest cue; empty text is not."""
    return first_cue(text) is not None
