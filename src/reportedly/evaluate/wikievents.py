"""Score event detection on WikiEvents articles at the sentence level.

A gold sentence holds an attack or a death trigger (``Conflict.Attack*``, ``Life.Die*``); a
predicted sentence holds the evidence of an ``event`` claim of an emitted event that is an
attack on people. Our types map to ``Conflict.Attack`` / ``Life.Die`` this way: the ACLED
political-violence types Battles, Explosions/Remote violence and Violence against civilians
count whole; of Riots only Mob violence (a crowd attacking people; a Violent demonstration is
WikiEvents' ``Conflict.Demonstrate.DemonstrateWithViolence``); of Protests only Excessive
force against protesters (lethal force used on a crowd); Strategic developments never (arrests,
agreements, property destruction, movements of forces attack no one). The document text
is rebuilt from the corpus's own sentences, one per line, so every character offset the
pipeline reports falls in exactly one gold sentence or in a line break between two.
"""

from __future__ import annotations

import bisect
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any

from ..errors import E, ReportedlyError
from ..records import Document, document_id
from .common import (
    Progress,
    existing_file,
    extraction_events,
    format_table,
    resolve_pipeline,
    to_int,
)

GOLD_TYPE_PREFIXES = ("Conflict.Attack", "Life.Die")
# Which of our events are attacks or killings (see the module docstring for why)
ATTACK_EVENT_TYPES = frozenset(
    {"Battles", "Explosions/Remote violence", "Violence against civilians"}
)
ATTACK_SUB_EVENT_TYPES = frozenset({"Mob violence", "Excessive force against protesters"})
SENTENCE_SEPARATOR = "\n"


@dataclass(frozen=True)
class WikiDoc:
    """One article: the text rebuilt from its sentences, their offsets, the gold sentences."""

    id: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    gold: frozenset[int]

    def sentence_at(self, offset: int) -> int | None:
        """The index of the sentence holding character ``offset``, or None between sentences."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return i if 0 <= i and offset < self.ends[i] else None

    def sentences_in(self, start: int, end: int) -> set[int]:
        """The sentences a character span ``[start, end)`` overlaps (one for an empty span)."""
        if end <= start:
            hit = self.sentence_at(start)
            return set() if hit is None else {hit}
        first = max(0, bisect.bisect_right(self.starts, start) - 1)
        last = bisect.bisect_left(self.starts, end)
        return {i for i in range(first, last) if self.starts[i] < end and start < self.ends[i]}

    def document(self) -> Document:
        # built directly, not through from_text: normalising must not move any offset
        return Document(id=self.id or document_id(self.text), text=self.text)


def _sentence_text(sentence: Any) -> str:
    """A sentence's text on one line: WikiEvents stores ``[tokens, text]`` pairs."""
    if isinstance(sentence, list | tuple) and len(sentence) == 2:
        sentence = sentence[1]
        if isinstance(sentence, list):  # tokens only: rebuild from the token strings
            sentence = " ".join(str(t[0]) for t in sentence if isinstance(t, list | tuple) and t)
    text = unicodedata.normalize("NFC", sentence if isinstance(sentence, str) else "")
    return " ".join(text.split())


def _gold_sentences(mentions: Any) -> frozenset[int]:
    found = set()
    for mention in mentions if isinstance(mentions, list) else ():
        kind = mention.get("event_type", "") if isinstance(mention, dict) else ""
        trigger = mention.get("trigger") if isinstance(mention, dict) else None
        idx = to_int(trigger.get("sent_idx")) if isinstance(trigger, dict) else None
        if isinstance(kind, str) and kind.startswith(GOLD_TYPE_PREFIXES) and idx is not None:
            found.add(idx)
    return frozenset(found)


def parse_document(record: dict[str, Any], *, index: int = 0) -> WikiDoc:
    """One JSONL record as a WikiDoc; missing pieces give an empty text, never an exception."""
    sentences = record.get("sentences")
    texts = [_sentence_text(s) for s in (sentences if isinstance(sentences, list) else ())]
    starts, ends, offset = [], [], 0
    for text in texts:
        starts.append(offset)
        ends.append(offset + len(text))
        offset += len(text) + len(SENTENCE_SEPARATOR)
    gold = _gold_sentences(record.get("event_mentions"))
    return WikiDoc(
        id=str(record.get("doc_id") or f"wikievents-{index}"),
        text=SENTENCE_SEPARATOR.join(texts),
        starts=tuple(starts),
        ends=tuple(ends),
        gold=frozenset(i for i in gold if 0 <= i < len(texts)),
    )


def read_gold(path: str) -> list[WikiDoc]:
    """The articles of a WikiEvents JSONL file (E180 if absent, E181 if not WikiEvents)."""
    p = existing_file(path)
    docs = []
    with open(p, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            record = _load_line(p, line, line_no)
            docs.append(parse_document(record, index=line_no))
    return docs


def _load_line(path: Path, line: str, line_no: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        reason = f"line {line_no}: {exc.msg}"
        raise ReportedlyError(E.E181, path=str(path), kind="WikiEvents", reason=reason) from None
    if not isinstance(record, dict) or "sentences" not in record:
        reason = f'line {line_no}: no "sentences"'
        raise ReportedlyError(E.E181, path=str(path), kind="WikiEvents", reason=reason)
    return record


def is_attack(event: dict[str, Any]) -> bool:
    """An emitted event that WikiEvents would call an attack or a killing."""
    return (
        event.get("event_type") in ATTACK_EVENT_TYPES
        or event.get("sub_event_type") in ATTACK_SUB_EVENT_TYPES
    )


def predicted_sentences(doc: WikiDoc, extraction: Any) -> set[int]:
    """The sentences holding the evidence of the ``event`` claims of emitted attacks."""
    found: set[int] = set()
    for event in extraction_events(extraction):
        if not is_attack(event):
            continue
        for claim in event.get("claims") or ():
            evidence = claim.get("evidence") or {}
            start, end = to_int(evidence.get("start")), to_int(evidence.get("end"))
            if claim.get("field") == "event" and start is not None:
                found |= doc.sentences_in(start, end if end is not None else start)
    return found


@dataclass(frozen=True)
class WikiScores:
    """Sentence-level recall, precision and F1 of event detection on WikiEvents."""

    documents: int
    sentences: int
    gold: int
    predicted: int
    true_positives: int
    path: str | None = None

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def score(self, name: str) -> float:
        return float(getattr(self, name))

    def table(self) -> str:
        rows = [
            ("recall", self.recall, f"{self.true_positives}/{self.gold}"),
            ("precision", self.precision, f"{self.true_positives}/{self.predicted}"),
            ("f1", self.f1, ""),
        ]
        return format_table(("sentence-level", "score", "counts"), rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": "wikievents",
            "path": self.path,
            "documents": self.documents,
            "sentences": self.sentences,
            "gold": self.gold,
            "predicted": self.predicted,
            "true_positives": self.true_positives,
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "f1": round(self.f1, 4),
        }


def score_documents(
    docs: list[WikiDoc], extractions: Iterable[Any], *, path: str | None = None
) -> WikiScores:
    """Count gold, predicted and shared sentences; a missing extraction predicts nothing."""
    gold = predicted = shared = 0
    for doc, extraction in zip_longest(docs, extractions):
        if doc is None:
            break  # a pipeline that yields more than it was given: the extra are ignored
        found = predicted_sentences(doc, extraction)
        gold, predicted = gold + len(doc.gold), predicted + len(found)
        shared += len(found & doc.gold)
    return WikiScores(
        documents=len(docs),
        sentences=sum(len(d.starts) for d in docs),
        gold=gold,
        predicted=predicted,
        true_positives=shared,
        path=path,
    )


def evaluate_wikievents(
    path: str, *, pipeline: Any = None, progress: bool = False, batch_size: int = 8
) -> WikiScores:
    """Run the pipeline once per WikiEvents article and score sentence-level detection."""
    docs = read_gold(str(path))
    pipe = resolve_pipeline(pipeline)
    meter = Progress("wikievents", total=len(docs), enabled=progress)
    stream = pipe.pipe([d.document() for d in docs], batch_size=batch_size)
    extractions = list(meter.track(stream))
    return score_documents(docs, extractions, path=str(path))
