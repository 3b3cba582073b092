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
from collections.abc import Iterable
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


def _dispatch(patterns: list[str]) -> str:
    """The alternation of ``patterns`` (in their order) regrouped by their first two
    characters: ``ab(?:x|y)|ac(?:z)``. Alternatives of different groups never match at one
    place, and each group keeps its members' order, so the first alternative to match is
    the same as in the flat alternation; ``re`` tries a handful of groups at a position
    instead of 700 alternatives. Each pattern must begin with two literal characters."""
    groups: dict[str, list[str]] = {}
    for p in patterns:
        groups.setdefault(p[:2], []).append(p[2:])
    return "|".join(f"{key}(?:{'|'.join(rest)})" for key, rest in groups.items())


@cache
def _lower_regex() -> re.Pattern[str]:
    """``_regex()`` for lower-case ASCII text, case-sensitive and grouped (``_dispatch``):
    on such a text it finds the same cues at the same places, several times faster."""
    patterns = sorted({p for p in map(_phrase_pattern, cue_words()) if p},
                      key=lambda p: (-len(p), p))
    if not all(_ASCII_PAIR.fullmatch(p[:2]) for p in patterns):
        raise ValueError("every cue phrase must begin with two ASCII letters or digits")
    return re.compile(rf"(?<![\w-])(?:{_dispatch(patterns)})")


def _cue_matches(head: str) -> list[str]:
    """The cue words of a text, as ``_regex().finditer`` reads them (left to right, the first
    alternative that matches at a position, the next search after its end)."""
    if head.isascii():  # case folding is plain lower-casing, and keeps every offset
        return [head[m.start():m.end()] for m in _lower_regex().finditer(head.lower())]
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
    weak, strong = _tiers()
    return (re.compile(rf"(?:{_alternation(weak) or '(?!)'})", re.IGNORECASE),
            re.compile(rf"(?:{_alternation(strong) or '(?!)'})", re.IGNORECASE))


@cache
def _tiers() -> tuple[list[str], list[str]]:
    """The weak cue phrases and the strong ones."""
    weak = {str(w) for w in lexicons.load("prefilter").get("weak", {}).get("words") or []}
    return sorted(weak), [w for w in cue_words() if w not in weak]


@cache
def _tier_test(tier: int, key: str) -> re.Pattern[str]:
    """``_weak()[tier]`` for a word beginning with the two letters ``key``: only the phrases
    that begin with them can match it whole. Compiled when first asked for (the two whole
    tests cost a twentieth of a second to compile, most of them never needed)."""
    phrases = [w for w in _tiers()[tier] if w.strip().lower()[:2] == key]
    return re.compile(rf"(?:{_alternation(phrases) or '(?!)'})", re.IGNORECASE)


_WEAK_MEMO: dict[str, bool] = {}


def _is_weak(word: str) -> bool:
    """Whether a matched cue (lower case) is a weak phrase and no strong one."""
    known = _WEAK_MEMO.get(word)
    if known is None:
        if word.isascii():
            key = word[:2]
            known = bool(_tier_test(0, key).fullmatch(word)
                         and not _tier_test(1, key).fullmatch(word))
        else:  # case folding may make a cue of other letters: the whole tests
            weak_re, strong_re = _weak()
            known = bool(weak_re.fullmatch(word) and not strong_re.fullmatch(word))
        if len(_WEAK_MEMO) > 100_000:
            _WEAK_MEMO.clear()
        _WEAK_MEMO[word] = known
    return known


@cache
def _masks() -> re.Pattern[str]:
    """General-news phrases holding a cue in another sense, matched as whole words."""
    return re.compile("|".join([_mask_words(), *_sport_results()]))


def _mask_words() -> str:
    phrases = lexicons.load("prefilter").get("masks", {}).get("phrases") or []
    body = "|".join(sorted((r"\s+".join(map(re.escape, str(p).split())) for p in phrases),
                           key=len, reverse=True))
    return rf"(?i:(?<![\w-])(?:{body})(?![\w-]))" if body else r"(?!)"


def _sport_results() -> list[str]:
    # Patterns keep their case: a team in a sports result is a capitalised name.
    patterns = lexicons.load("prefilter").get("sport_results", {}).get("patterns") or []
    return [f"(?:{p})" for p in patterns]


@cache
def _sport_regex() -> re.Pattern[str] | None:
    """``_masks()`` where no mask phrase can be in the text: its sports results alone."""
    patterns = _sport_results()
    return re.compile("|".join(patterns)) if patterns else None


def _runs(phrase: str) -> frozenset[str]:
    """The word runs (``_WORD_RUN``) a whole-word phrase needs in a text, lower case."""
    return frozenset(_WORD_RUN.findall(" ".join(str(phrase).lower().split())))


@cache
def _mask_runs() -> _Needs:
    return _Needs(_runs(p) for p in lexicons.load("prefilter").get("masks", {}).get("phrases")
                  or [])


class _Needs:
    """The word runs each of some whole-word phrases needs in a text, by one run of each."""

    def __init__(self, needs: Iterable[frozenset[str]]) -> None:
        self.by_run: dict[str, list[frozenset[str]]] = {}
        for need in needs:
            self.by_run.setdefault(min(need, default=""), []).append(need)

    def possible(self, words: frozenset[str] | None) -> bool:
        """Whether any of the phrases could be in a text with these word runs (None: not
        known, so yes). A phrase matched whole, words apart by spaces, shows each of its
        words as a run of the text: one run missing, the phrase is not there."""
        if words is None or "" in self.by_run:
            return True
        return any(need <= words for run in self.by_run.keys() & words
                   for need in self.by_run[run])


def _mask(head: str, words: frozenset[str] | None) -> str:
    """``head`` with masked phrases and sports results blanked (``_masks``). Where no mask
    phrase can be in the text, its sports results alone are looked for: the same blanks."""
    if _mask_runs().possible(words):
        return _masks().sub(_blank, head)
    sport = _sport_regex()
    return sport.sub(_blank, head) if sport is not None else head


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
def _genre_table() -> tuple[tuple, ...]:
    """Per genre of general news (prefilter.yaml ``genres``): its one-word markers as a set,
    its other markers (phrases, patterns) as one pattern, how many different ones make a text
    of that genre, its senses (cues read its way), the word runs each phrase marker needs,
    and its ``patterns`` alone (what its other markers can find where no phrase is there)."""
    out = []
    for genre in (lexicons.load("prefilter").get("genres") or {}).values():
        if not isinstance(genre, dict):
            continue  # the section's own rule
        markers = [" ".join(str(m).lower().split()) for m in genre["markers"]]
        single = frozenset(m for m in markers if _WORD_RUN.fullmatch(m))
        phrases = [m for m in markers if m not in single]
        words = sorted((r"\s+".join(map(re.escape, m.split())) for m in phrases),
                       key=len, reverse=True)
        patterns = list(genre.get("patterns") or [])
        parts = [*([rf"(?<![\w-])(?:{'|'.join(words)})(?![\w-])"] if words else []),
                 *patterns]
        other = re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE) if parts else None
        alone = (re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
                 if patterns else None)
        senses = _alternation([str(w) for w in genre["senses"]]) or "(?!)"
        out.append((single, other, int(genre.get("min_markers", 2)),
                    re.compile(senses, re.IGNORECASE), _Needs(map(_runs, phrases)), alone))
    return tuple(out)


@cache
def _months() -> re.Pattern[str]:
    """Any month name: where none is in a text, ``_dates()`` has nothing to blank."""
    return re.compile("|".join(map(re.escape, lexicons.load("time")["months"]["names"])))


# A maximal run of word characters and hyphens: what a one-word marker must be, whole
# (the markers' own bounds are "not a word character or hyphen" on both sides).
_WORD_RUN = re.compile(r"[\w-]+")


def _ascii_runs(head: str) -> frozenset[str] | None:
    """The lower-case word runs of an ASCII text; None for any other text, where ``re``'s
    case folding is more than lower-casing (it reads "ſ" as "s")."""
    return frozenset(_WORD_RUN.findall(head.lower())) if head.isascii() else None


def _genre_senses(head: str, runs: frozenset[str] | None = None) -> list[re.Pattern[str]]:
    """The senses of the genres a text belongs to: two different markers of one, or more.
    One-word markers are looked up among the text's words, read once for all genres; phrase
    markers are looked for only where their words are there (``runs``: ``_ascii_runs``)."""
    found = []
    words = runs if runs is not None else set(_WORD_RUN.findall(head.lower()))
    for single, other, least, senses, needs, alone in _genre_table():
        seen = single & words
        if other is not None and len(seen) < least:
            regex = other if needs.possible(runs) else alone
            if regex is not None:
                seen = seen | {" ".join(m.group(0).lower().split())
                               for m in regex.finditer(head)}
        if len(seen) >= least:
            found.append(senses)
    return found


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def cues(text: str | None) -> tuple[list[str], list[str]]:
    """The strong and the weak cues of a text (matched words, lower case, in text order);
    a cue read in the sense of the text's genre (a sports report's "beat") is none."""
    if not text:
        return [], []
    head = text[:HEAD_CHARS]
    runs = _ascii_runs(head)
    matched = _matched(head, runs)
    return _split(matched, _genre_senses(head, runs) if matched else [])


def _matched(head: str, runs: frozenset[str] | None) -> list[str]:
    """Every cue word of a text's head, dates and masked phrases blanked first (``runs``:
    ``_ascii_runs(head)``)."""
    if _months().search(head):
        head = _dates().sub(_blank, head)
    head = _mask(head, runs)
    return [m.lower() for m in _cue_matches(head)]


def _split(matched: list[str], genres: list[re.Pattern[str]]) -> tuple[list[str], list[str]]:
    strong, weak = [], []
    for word in matched:
        if any(senses.fullmatch(word) for senses in genres):
            continue
        (weak if _is_weak(word) else strong).append(word)
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
    if not text:
        return None
    head = text[:HEAD_CHARS]
    runs = _ascii_runs(head)
    matched = _matched(head, runs)
    found = _decisive(*_split(matched, []))
    if found is None:
        return None  # (the genres only take cues away: no need to look for them)
    genres = _genre_senses(head, runs)
    return _decisive(*_split(matched, genres)) if genres else found


def is_relevant(text: str | None) -> bool:
    """True when the text holds a strong cue or two different weak ones; empty text is not."""
    return first_cue(text) is not None
