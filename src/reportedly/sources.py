"""Sources and stance: who asserts a statement in a sentence, and how firmly.

``attribute(token, outlet=...)`` walks from a token up its dependency path to the verb that
reports it ("X said", "X reported that", "X blamed ... on Y", "X didn't have a count"),
or finds "according to X" / "citing X" in the sentence. Without one, the outlet itself
asserts. Hedges around the statement ("reportedly", "if so", "appears") lower the stance.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.tokens import Span, Token

from reportedly import lexicons
from reportedly.nlp import per_doc
from reportedly.records import Source

STANCE_ORDER = ("asserted", "reported", "alleged", "speculative", "unknown", "denied")
_DET = re.compile(r"^(the|a|an)\s+", re.I)


@dataclass(frozen=True)
class Outlet:
    name: str
    aliases: tuple[str, ...]
    kind: str
    country: str | None


@dataclass(frozen=True)
class Attribution:
    """The sources of a statement, its stance, and the reporting token (None: the outlet)."""

    sources: tuple[Source, ...]
    stance: str
    verb: int | None = None


@cache
def _attr() -> dict[str, Any]:
    return lexicons.load("attribution")


# The lexicon's word lists read as sets and compiled patterns once per process: attribution
# runs for every sentence and every claim, and rebuilt them on each call.


@cache
def _verb_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The strong, the weak, and all reporting verbs."""
    verbs = _attr()["reporting_verbs"]
    weak = frozenset(verbs["weak"])
    strong = frozenset(verbs["verbs"]) - weak
    return strong, weak, strong | weak


@cache
def _speaker_patterns() -> tuple[tuple[str, re.Pattern[str] | None], ...]:
    """One pattern per speaker kind: any of its nouns as a whole word (None: no nouns)."""
    nouns = _attr()["speaker_nouns"]
    return tuple(
        (kind, re.compile(r"\b(?:" + "|".join(re.escape(n) for n in nouns[kind]) + r")\b")
         if nouns[kind] else None)
        for kind in ("anonymous", "media", "official", "witness")
    )


@cache
def _hedge_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Per stance a hedge lowers to, weakest first: its hedges as one whole-word pattern."""
    by_stance: dict[str, list[str]] = {}
    for word, hedged in _attr()["hedges"]["words"].items():
        by_stance.setdefault(hedged, []).append(re.escape(str(word)))
    order = sorted(by_stance, key=STANCE_ORDER.index, reverse=True)
    return tuple((re.compile(rf"\b(?:{'|'.join(by_stance[st])})\b"), st) for st in order)


REPORTING_LEMMAS = frozenset(
    {
        "say",
        "tell",
        "report",
        "announce",
        "state",
        "add",
        "confirm",
        "claim",
        "deny",
        "write",
        "tweet",
        "post",
        "note",
        "accuse",
        "blame",
        "allege",
        "quote",
        "cite",
        "estimate",
        "describe",
        "explain",
    }
)


@cache
def outlets() -> tuple[Outlet, ...]:
    data = lexicons.load("outlets")
    return tuple(
        Outlet(o["name"], tuple(o.get("aliases") or ()), o["kind"], o.get("country"))
        for o in data["outlets"]
    )


@cache
def _outlet_index() -> dict[str, Outlet]:
    index: dict[str, Outlet] = {}
    for o in outlets():
        for alias in (o.name, *o.aliases):
            index[_key(alias)] = o
    return index


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", _DET.sub("", text.strip()).lower()).strip()


def find_outlet(text: str | None) -> Outlet | None:
    """The outlet a name refers to ("SOHR", "the Step News Agency"), or None."""
    if not text:
        return None
    return _outlet_index().get(_key(text))


def home_outlet(byline: str | None) -> Outlet | None:
    """The first outlet of a document's outlet field that the lexicon knows with a home
    country; the field may list several ("Taipei Times; Liberty Times")."""
    if not byline:
        return None
    for part in byline.split(";"):
        found = find_outlet(part)
        if found is not None and found.country:
            return found
    return None


def ruler_patterns() -> list[dict[str, Any]]:
    """EntityRuler patterns (ORG) for every outlet name and alias of two or more letters."""
    return [
        {"label": "ORG", "pattern": alias, "id": f"outlet:{o.name}"}
        for o in outlets()
        for alias in (o.name, *o.aliases)
        if len(alias) > 2
    ]


def speaker_kind(span_text: str) -> str | None:
    """The kind of speaker a subject names, or None when it names no speaker."""
    outlet = find_outlet(span_text)
    if outlet:
        return outlet.kind
    low = span_text.lower()
    for kind, pattern in _speaker_patterns():
        if pattern is not None and pattern.search(low):
            return kind
    return None


def canonical_source_name(span_text: str) -> str:
    outlet = find_outlet(span_text)
    return outlet.name if outlet else _clean(span_text)


def _strip_parenthetical(span: Span) -> str:
    """'the Syrian Observatory for Human Rights (SOHR)' -> its name, or the acronym's outlet."""
    inner = re.findall(r"\(([^)]+)\)", span.text)
    outer = re.sub(r"\s*\([^)]*\)", "", span.text)
    if not find_outlet(outer) and inner and find_outlet(inner[0]):
        return inner[0]
    return outer


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,.;:\"'“”")


def subject_phrases(verb: Token) -> list[Span]:
    """The active subject of a verb split on coordination: 'SOHR and several agencies' -> two."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return []
    heads = [subj, *[c for c in subj.conjuncts]]
    spans = []
    for head in heads:
        toks = [t for t in head.subtree if not (t.dep_ in ("conj", "cc") and t.head == head)]
        toks = _without_conj_subtrees(head, toks)
        spans.append(verb.doc[min(t.i for t in toks) : max(t.i for t in toks) + 1])
    return spans


def _without_conj_subtrees(head: Token, toks: list[Token]) -> list[Token]:
    excluded: set[int] = set()
    for c in head.children:
        if c.dep_ in ("conj", "cc", "punct") and c.i > head.i:
            excluded.update(t.i for t in c.subtree)
    kept = [t for t in toks if t.i not in excluded]
    return kept or [head]


_PRONOUNS = ("its", "their", "he", "she", "they")


def _resolve_possessive(span: Span, previous: Sequence[Source]) -> str:
    """'its observers' and 'he' speak for the last speaker named before them."""
    if span[0].lower_ not in _PRONOUNS:
        return span.text  # (before ``previous`` is read: it may be worked out only now)
    speakers = [s for s in previous if s.kind != "outlet"]
    return speakers[-1].name if speakers else span.text


def _names_speaker(span: Span) -> bool:
    """A weak verb attributes only when its subject's head is an outlet or a speaker noun."""
    if find_outlet(span.text) or span.root.ent_type_ == "ORG" and find_outlet(span.root.text):
        return True
    head = span.doc[span.root.left_edge.i : span.root.i + 1].text
    return speaker_kind(span.root.text) is not None or find_outlet(head) is not None


def _via(verb: Token) -> str | None:
    """'said to Al-Sumaria News', 'told Reuters': the outlet the speaker spoke through."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "to":
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None:
                return canonical_source_name(verb.doc[obj.left_edge.i : obj.right_edge.i + 1].text)
        if c.dep_ in ("dative", "dobj") and verb.lemma_ == "tell":
            return canonical_source_name(verb.doc[c.left_edge.i : c.right_edge.i + 1].text)
    return None


def _reporting_verb(token: Token) -> Token | None:
    node: Token | None = token
    seen = 0
    while node is not None and seen < 40:
        if _reports(node):
            return node
        if node.head.i == node.i:
            break
        node = node.head
        seen += 1
    return None


def _reports(node: Token) -> bool:
    """A reporting verb with a subject that can speak ('police said', not 'no one said');
    asked of the same verbs by every claim of a sentence, so answered once per document."""
    return per_doc(node.doc, ("reports", node.i), lambda: _find_reports(node))


def _find_reports(node: Token) -> bool:
    strong, _, either = _verb_sets()
    lemma = node.lemma_.lower()
    if node.pos_ in ("VERB", "AUX") and lemma in either:
        subs = [s for s in subject_phrases(node) if s[0].lower_ not in ("no", "nobody", "none")]
        if subs and (lemma in strong or any(_names_speaker(s) for s in subs)):
            return True
    return False


# Attribution runs once per claim and once per sentence, and each run asks the same questions
# of the claim's sentence (its lowered text, a trailing source, "according to", the hedges).
# The answers depend on the sentence alone, so they are kept for the latest document.


def _per_sentence(key: tuple[Any, ...], sent: Span, compute: Callable[[], Any]) -> Any:
    return per_doc(sent.doc, (*key, sent.start, sent.end), compute)


def _lowered(sent: Span) -> str:
    return _per_sentence(("lower",), sent, lambda: sent.text.lower())


def _according_to(sent: Span) -> Span | None:
    return _per_sentence(("according",), sent, lambda: _find_according_to(sent))


def _find_according_to(sent: Span) -> Span | None:
    text = _lowered(sent)
    for phrase in _attr()["according_to"]["phrases"]:
        idx = text.find(phrase + " ")
        if idx < 0:
            continue
        start_char = sent.start_char + idx + len(phrase) + 1
        tok = next((t for t in sent if t.idx >= start_char), None)
        if tok is None:
            continue
        end = tok.i
        while end < sent.end and sent.doc[end].text not in (",", ".", ";") and end - tok.i < 12:
            end += 1
        return sent.doc[tok.i : end]
    return None


def _trailing_report(sent: Span) -> tuple[list[Span], Token] | None:
    """'<statement>, SOHR and several Iraqi agencies reported Wednesday.': the speakers after
    the last comma before a sentence-final reporting verb (the parser often misreads these)."""
    return _per_sentence(("trailing",), sent, lambda: _find_trailing_report(sent))


def _find_trailing_report(sent: Span) -> tuple[list[Span], Token] | None:
    strong, _, _ = _verb_sets()
    for v in reversed(list(sent)):
        if v.lemma_.lower() not in strong or v.pos_ not in ("VERB", "AUX"):
            continue
        commas = [t.i for t in sent if t.text == "," and t.i < v.i]
        if not commas or v.i - commas[-1] > 16:
            return None
        speaker = sent.doc[commas[-1] + 1 : v.i]
        content = sent.doc[sent.start : commas[-1]]
        if not len(speaker) or not (speaker_kind(speaker.text) or speaker.ents):
            return None
        if any(t.text in ("-", "–", "—", "(", ")") for t in speaker[:1]) or not any(
            t.pos_ in ("VERB", "AUX") for t in content
        ):
            return None  # "BOGOTA, Oct 22 (Wire) - X said": a dateline, not a trailing source
        return _split_and(speaker), v
    return None


def _split_and(span: Span) -> list[Span]:
    parts, start, depth = [], span.start, 0
    for t in span:
        depth += {"(": 1, ")": -1}.get(t.text, 0)
        if t.lower_ == "and" and depth == 0:
            parts.append(span.doc[start : t.i])
            start = t.i + 1
    parts.append(span.doc[start : span.end])
    return [p for p in parts if len(p)]


def _cited(sent: Span) -> Span | None:
    """'..., citing a police officer' / 'quoting witnesses': the one a relay speaks for."""
    for tok in sent:
        if tok.lower_ in ("citing", "quoting"):
            obj = next((c for c in tok.children if c.dep_ in ("dobj", "pobj")), None)
            if obj is not None:
                return sent.doc[obj.left_edge.i : obj.right_edge.i + 1]
    return None


def hedge_stance(sent: Span, base: str) -> str:
    """Lower a stance by the hedges in the sentence, never raise it."""
    return _per_sentence(("hedge", base), sent, lambda: _hedged(sent, base))


def _hedged(sent: Span, base: str) -> str:
    low = " " + _lowered(sent) + " "
    for pattern, hedged in _hedge_patterns():  # the weakest stance a hedge of it lowers to
        if not _weaker(hedged, base):
            break
        if pattern.search(low):
            return hedged
    return base


def is_unknown_statement(text: str) -> bool:
    low = text.lower()
    return any(p in low for p in _attr()["unknown"]["phrases"])


def _weaker(a: str, b: str) -> bool:
    return STANCE_ORDER.index(a) > STANCE_ORDER.index(b)


def outlet_source(outlet: str | None) -> Source:
    name = outlet or "unknown outlet"
    found = find_outlet(name)
    return Source(found.name if found else name, found.kind if found else "outlet")


def attribute(
    token: Token, *, outlet: str | None, previous: Sequence[Source] | None = None
) -> Attribution:
    """Who states what ``token`` belongs to, and how firmly. ``previous``: the speakers of
    the sentences before, read only for a pronoun speaker (it may be a lazy sequence)."""
    sent = token.sent
    previous = () if previous is None else previous
    trailing = _trailing_report(sent)
    if trailing is not None and token.i < trailing[1].i:
        speakers, tverb = trailing
        base = _attr()["reporting_verbs"]["verbs"][tverb.lemma_.lower()]
        names = [
            _resolve_possessive(s, previous)
            if s[0].lower_ in _PRONOUNS
            else _strip_parenthetical(s)
            for s in speakers
        ]
        sources = tuple(Source(canonical_source_name(n), speaker_kind(n) or "party") for n in names)
        return Attribution(sources, hedge_stance(sent, base), tverb.i)
    verb = _reporting_verb(token)
    if verb is not None:
        base = _attr()["reporting_verbs"]["verbs"][verb.lemma_.lower()]
        via = _via(verb)
        if via is not None and via == outlet_source(outlet).name:
            via = None  # "told <outlet>" in that outlet's own report: no relay, no second source
        sources = tuple(
            Source(
                canonical_source_name(_resolve_possessive(s, previous)),
                speaker_kind(s.text) or "party",
                via,
            )
            for s in subject_phrases(verb)
        )
        cited = _cited(sent)
        if cited is not None and sources:
            # "the agency said, citing a police officer": the officer speaks, via the agency
            relay = sources[0].name
            sources = (Source(canonical_source_name(cited.text),
                              speaker_kind(cited.text) or "unknown", relay),)
        return Attribution(sources, hedge_stance(sent, base), verb.i)
    according = _according_to(sent)
    if according is not None and len(according):
        src = Source(
            canonical_source_name(according.text), speaker_kind(according.text) or "unknown"
        )
        return Attribution((src,), hedge_stance(sent, "reported"), according.start)
    return Attribution((outlet_source(outlet),), hedge_stance(sent, "asserted"), None)
