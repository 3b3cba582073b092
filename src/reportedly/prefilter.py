"""A cheap relevance gate before spaCy: does a text talk about conflict or protest at all?

One compiled regular expression built from lexicons (the trigger cues of ``triggers.yaml``
and the word list of ``prefilter.yaml``). It is recall-first: it turns away texts that
plainly are not about political violence, demonstrations or their aftermath, and lets
anything doubtful through to the full pipeline. Two tiers: one strong cue ("protesters",
"airstrike") is enough; the weak cues, words general news uses in other senses every day
("police", "rallied", "shot"), count only in twos. General-news phrases that hold a cue in
another sense ("heart attack", "strike a deal") and month names in dates are blanked first.
A text that shows two markers of a genre of general news (a sports, market, weather, culture
or science report) reads the genre's own cue words in its sense ("beat", "merger", "storm"):
they do not count there; any other cue still does.
"""

from __future__ import annotations

import re
from functools import cache

from reportedly import lexicons

# How far into a long text to look: the lead of a report names what happened.
HEAD_CHARS = 20000
REASON = "not about conflict"
STEM = 5  # weak cues sharing their first five letters count once


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


def _alternation(phrases: list[str]) -> str:
    patterns = {p for p in (_phrase_pattern(w) for w in phrases) if p}
    # Longest first, so a phrase wins over a word it begins with.
    return "|".join(sorted(patterns, key=lambda p: (-len(p), p)))


@cache
def _regex() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{_alternation(cue_words())})", re.IGNORECASE)


# Where a cue can begin: a letter or digit that starts a word (every cue phrase does).
_WORD_START = re.compile(r"(?<![\w-])[a-z0-9]", re.IGNORECASE)


@cache
def _buckets() -> dict[str, re.Pattern[str]]:
    """The cue alternation split by the first two letters of its phrases, in the same order.

    Python's ``re`` tries all 700 alternatives at every character of a text; at the start of
    a word only the phrases that begin with its two letters can match, so each word start
    tries only those. Every phrase begins with two ASCII letters or digits (the whole
    alternation stands in for anything else)."""
    groups: dict[str, list[str]] = {}
    for phrase in cue_words():
        pattern = _phrase_pattern(phrase)
        if pattern:
            groups.setdefault(phrase.strip().lower()[:2], []).append(phrase)
    return {key: re.compile(rf"(?:{_alternation(words)})", re.IGNORECASE)
            for key, words in groups.items()}


_ASCII_PAIR = re.compile(r"[a-z0-9]{2}")


def _cue_matches(head: str) -> list[str]:
    """The cue words of a text, as ``_regex().finditer`` reads them (left to right, the first
    alternative that matches at a position, the next search after its end)."""
    buckets = _buckets()
    found: list[str] = []
    end = 0
    for start in _WORD_START.finditer(head):
        i = start.start()
        if i < end:
            continue
        key = head[i : i + 2].lower()
        if _ASCII_PAIR.fullmatch(key):
            bucket = buckets.get(key)
            match = bucket.match(head, i) if bucket is not None else None
        else:  # a letter case-folding can make a cue of ("ſ" for "s"): the whole alternation
            match = _regex().match(head, i)
        if match is not None:
            found.append(match.group(0))
            end = match.end()
    return found


@cache
def _weak() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Whole-match tests: is a matched cue one of the weak phrases, one of the strong ones?"""
    weak = {str(w) for w in lexicons.load("prefilter").get("weak", {}).get("words") or []}
    strong = [w for w in cue_words() if w not in weak]
    return (re.compile(rf"(?:{_alternation(sorted(weak)) or '(?!)'})", re.IGNORECASE),
            re.compile(rf"(?:{_alternation(strong) or '(?!)'})", re.IGNORECASE))


@cache
def _masks() -> re.Pattern[str]:
    """General-news phrases holding a cue in another sense, matched as whole words."""
    data = lexicons.load("prefilter")
    phrases = data.get("masks", {}).get("phrases") or []
    body = "|".join(sorted((r"\s+".join(map(re.escape, str(p).split())) for p in phrases),
                           key=len, reverse=True))
    words = rf"(?i:(?<![\w-])(?:{body})(?![\w-]))" if body else r"(?!)"
    # Patterns keep their case: a team in a sports result is a capitalised name.
    patterns = data.get("sport_results", {}).get("patterns") or []
    return re.compile("|".join([words, *(f"(?:{p})" for p in patterns)]))


@cache
def _dates() -> re.Pattern[str]:
    """A capitalised month name in a date is never the protest cue "march": beside a day
    number ("March 3", "3 March"), a year ("March 2022") or after a word that introduces a
    month ("in March", "since March", "early March"). Month names from the time lexicon."""
    names = "|".join(sorted(lexicons.load("time")["months"]["names"], key=len, reverse=True))
    lead = r"(?:in|since|until|till|by|last|next|this|early|late|mid|of|from|through|during|"
    lead += r"between|and|or|to|before|after|In|Since|Until|By|Last|Next|This|Early|Late|Mid)"
    return re.compile(rf"\b\d{{1,2}}\s+(?:{names})\b\.?|\b(?:{names})\.?\s+\d{{1,4}}\b"
                      rf"|\b{lead}[\s-]+(?:{names})\b")


@cache
def _genres() -> tuple[tuple[frozenset[str], re.Pattern[str] | None, int, re.Pattern[str]], ...]:
    """Per genre of general news (prefilter.yaml ``genres``): its one-word markers as a set,
    its other markers (phrases, patterns) as one pattern, how many different ones make a text
    of that genre, and its senses (cues read its way)."""
    out = []
    for genre in (lexicons.load("prefilter").get("genres") or {}).values():
        if not isinstance(genre, dict):
            continue  # the section's own rule
        markers = [" ".join(str(m).lower().split()) for m in genre["markers"]]
        single = frozenset(m for m in markers if _WORD_RUN.fullmatch(m))
        words = sorted((r"\s+".join(map(re.escape, m.split())) for m in markers
                        if m not in single), key=len, reverse=True)
        parts = [*([rf"(?<![\w-])(?:{'|'.join(words)})(?![\w-])"] if words else []),
                 *(genre.get("patterns") or [])]
        other = re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE) if parts else None
        senses = _alternation([str(w) for w in genre["senses"]]) or "(?!)"
        out.append((single, other, int(genre.get("min_markers", 2)),
                    re.compile(senses, re.IGNORECASE)))
    return tuple(out)


# A maximal run of word characters and hyphens: what a one-word marker must be, whole
# (the markers' own bounds are "not a word character or hyphen" on both sides).
_WORD_RUN = re.compile(r"[\w-]+")


def _genre_senses(head: str) -> list[re.Pattern[str]]:
    """The senses of the genres a text belongs to: two different markers of one, or more.
    One-word markers are looked up among the text's words, read once for all genres."""
    found = []
    words = set(_WORD_RUN.findall(head.lower()))
    for single, other, least, senses in _genres():
        seen = single & words
        if other is not None and len(seen) < least:
            seen = seen | {" ".join(m.group(0).lower().split()) for m in other.finditer(head)}
        if len(seen) >= least:
            found.append(senses)
    return found


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def cues(text: str | None) -> tuple[list[str], list[str]]:
    """The strong and the weak cues of a text (matched words, lower case, in text order);
    a cue read in the sense of the text's genre (a sports report's "beat") is none."""
    matched = _matched(text)
    return _split(matched, _genre_senses(text[:HEAD_CHARS]) if matched and text else [])


def _matched(text: str | None) -> list[str]:
    """Every cue word of the text, dates and masked phrases blanked first."""
    if not text:
        return []
    head = _dates().sub(_blank, text[:HEAD_CHARS])
    head = _masks().sub(_blank, head)
    return [m.lower() for m in _cue_matches(head)]


def _split(matched: list[str], genres: list[re.Pattern[str]]) -> tuple[list[str], list[str]]:
    weak_re, strong_re = _weak()
    strong, weak = [], []
    for word in matched:
        if any(senses.fullmatch(word) for senses in genres):
            continue
        is_weak = weak_re.fullmatch(word) and not strong_re.fullmatch(word)
        (weak if is_weak else strong).append(word)
    return strong, weak


@cache
def _people() -> re.Pattern[str]:
    """Whole-match test: is a weak cue a participant word (``pairs: not_alone`` groups)?"""
    data = lexicons.load("prefilter")
    groups = (data.get("pairs") or {}).get("not_alone") or []
    words = [str(w) for g in groups for w in data["groups"][g].get("words") or []]
    return re.compile(rf"(?:{_alternation(words) or '(?!)'})", re.IGNORECASE)


def _decisive(strong: list[str], weak: list[str]) -> str | None:
    if strong:
        return strong[0]
    # "drill" and "drilling", "injury" and "injuries" are one cue, not two
    distinct = list({w[:STEM]: w for w in reversed(weak)}.values())[::-1]
    acts = [w for w in distinct if not _people().fullmatch(w)]
    if len(distinct) < 2 or not acts:
        return None  # one cue, or only who took part and for what: no act told
    pair = distinct[:2] if acts[0] in distinct[:2] else [distinct[0], acts[0]]
    return "+".join(pair)


def first_cue(text: str | None) -> str | None:
    """The cue that makes a text relevant (for explaining a decision): its first strong cue,
    else its first two different weak cues joined by "+"; None when it is not relevant."""
    matched = _matched(text)
    found = _decisive(*_split(matched, []))
    if found is None or not text:
        return None  # (the genres only take cues away: no need to look for them)
    genres = _genre_senses(text[:HEAD_CHARS])
    return _decisive(*_split(matched, genres)) if genres else found


def is_relevant(text: str | None) -> bool:
    """True when the text holds a strong cue or two different weak ones; empty text is not."""
    return first_cue(text) is not None
