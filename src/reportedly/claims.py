"""The claims stage: every argument value with its source, stance and evidence.

Perpetrator statements come in a few shapes, each a small rule here: an agent of the event
("Russian forces shelled ..."), "X blamed the attack on Y", "Y was behind the strike",
"Y claimed responsibility", "Y denied involvement", and "the source of the strike was not yet
known". Targets are actors on the receiving side of an event sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from reportedly import lexicons
from reportedly.detect import SUBJECT_DEPS, CueHit
from reportedly.nlp import per_doc
from reportedly.records import Claim, Evidence, Source, squash
from reportedly.sources import REPORTING_LEMMAS, Attribution, attribute, is_unknown_statement

PRONOUNS = {"it", "they", "he", "she", "its", "their"}


@dataclass(frozen=True)
class RoleHit:
    """An actor found in a role (actor1 = the side that acts, actor2 = the side acted on)."""

    field: str
    text: str
    start: int  # char offsets of the phrase
    end: int
    stance: str | None = None  # overrides the attribution stance (denied, asserted, unknown)
    source: Source | None = None  # overrides the attribution source (a party speaking for itself)
    rule: str = ""


@cache
def _perp() -> dict[str, Any]:
    return lexicons.load("attribution")["perpetrator"]


def evidence_for(doc: Doc, doc_id: str, sent: Span) -> Evidence:
    """The sentence's span without the blanks around it (a blanked dateline included)."""
    # every claim of a sentence shares its evidence: worked out once per document
    return per_doc(doc, ("evidence", doc_id, sent.start, sent.end),
                   lambda: _evidence(doc_id, sent))


def _evidence(doc_id: str, sent: Span) -> Evidence:
    text = sent.text
    start = sent.start_char + len(text) - len(text.lstrip())
    end = sent.end_char - (len(text) - len(text.rstrip()))
    return Evidence(doc_id, start, max(start, end), squash(text))


def make_claim(
    field: str,
    value: str,
    text: str,
    token: Token,
    *,
    doc_id: str,
    outlet: str | None,
    previous: Sequence[Source],
    stance: str | None = None,
    source: Source | None = None,
) -> list[Claim]:
    """One claim per source of the statement that ``token`` belongs to."""
    attribution: Attribution = attribute(token, outlet=outlet, previous=previous)
    sources = (source,) if source else attribution.sources
    ev = evidence_for(token.doc, doc_id, token.sent)
    return [Claim(field, value, squash(text), s, stance or attribution.stance, ev) for s in sources]


def _phrase(tok: Token) -> Span:
    return tok.doc[tok.left_edge.i : tok.right_edge.i + 1]


def _verb_of(tok: Token) -> Token:
    node = tok
    while node.dep_ not in ("ROOT",) and node.pos_ not in ("VERB", "AUX"):
        node = node.head
    return node


def _party_speaks(verb: Token, stance: str, rule: str) -> list[RoleHit]:
    """The subjects of 'claimed responsibility' / 'denied': parties speaking of their own role."""
    out = []
    for subj in (c for c in verb.children if c.dep_ in SUBJECT_DEPS):
        ph = _phrase(subj)
        out.append(RoleHit("actor1", ph.text, ph.start_char, ph.end_char, stance,
                           Source(ph.text, "party"), rule))
    return out


def perpetrator_statements(sent: Span, trigger_tokens: set[int]) -> list[RoleHit]:
    """Explicit statements about who carried out the event in this sentence."""
    out: list[RoleHit] = []
    low = sent.text.lower()
    for tok in sent:
        lemma = tok.lemma_.lower()
        if lemma in ("claim", "accept", "take") and any(
            c.dep_ == "dobj" and c.lemma_.lower() in ("responsibility", "credit")
            for c in tok.children
        ):
            out += _party_speaks(tok, "asserted", "claimed responsibility")
        elif lemma == "deny":
            out += _party_speaks(tok, "denied", "denied involvement")
        elif lemma in ("blame", "attribute", "accuse") and _embedded(tok):
            continue  # "accused the group of trying to blame the army": not the speaker's claim
        elif lemma in ("blame", "attribute") and _blame_preps(tok):
            # "blamed the attack on Y": the parser may hang "on Y" on the verb or on its object
            for prep in _blame_preps(tok):
                for obj in (g for g in prep.children if g.dep_ == "pobj"):
                    ph = _phrase(obj)
                    out.append(
                        RoleHit("actor1", ph.text, ph.start_char, ph.end_char, rule="blamed on")
                    )
        elif lemma == "blame" and not any(
            c.dep_ == "prep" and c.lower_ in ("on", "to")
            for h in (tok, *tok.children)
            for c in h.children
        ):
            # "X blamed Y for the attack"
            for obj in (c for c in tok.children if c.dep_ == "dobj"):
                ph = _phrase(obj)
                out.append(
                    RoleHit("actor1", ph.text, ph.start_char, ph.end_char, rule="blamed for")
                )
        elif lemma == "accuse":
            for obj in (c for c in tok.children if c.dep_ == "dobj"):
                ph = _phrase(obj)
                out.append(RoleHit("actor1", ph.text, ph.start_char, ph.end_char, rule="accused"))
        elif tok.lower_ == "behind" and tok.dep_ == "prep":
            head = tok.head
            if head.lemma_ == "be" or head.pos_ == "AUX":
                for subj in (c for c in head.children if c.dep_ in SUBJECT_DEPS):
                    ph = _phrase(subj)
                    out.append(
                        RoleHit("actor1", ph.text, ph.start_char, ph.end_char, rule="was behind")
                    )
    out += _self_attribution(sent, trigger_tokens)
    if is_unknown_statement(low) and trigger_tokens and _about_perpetrator(low):
        out.append(
            RoleHit(
                "actor1",
                "unknown",
                sent.start_char,
                sent.end_char,
                "unknown",
                rule="perpetrator not known",
            )
        )
    return out


def _self_attribution(sent: Span, trigger_tokens: set[int]) -> list[RoleHit]:
    """'The ELN said it was holding two engineers who were abducted': a speaker telling, in
    the first or third person, of its own act claims it."""
    out = []
    for verb in sent:
        if verb.lemma_.lower() not in REPORTING_LEMMAS or verb.i in trigger_tokens:
            continue
        speakers = [c for c in verb.children if c.dep_ == "nsubj"]
        content = [c for c in verb.children if c.dep_ == "ccomp"]
        for clause in content:
            subj = next((c for c in clause.children if c.dep_ in SUBJECT_DEPS), None)
            if subj is None or subj.lower_ not in ("it", "we", "they"):
                continue
            if speakers and any(t.i in trigger_tokens for t in clause.subtree):
                ph = _phrase(speakers[0])
                out.append(
                    RoleHit(
                        "actor1",
                        ph.text,
                        ph.start_char,
                        ph.end_char,
                        "asserted",
                        Source(ph.text, "party"),
                        "speaker tells of its own act",
                    )
                )
    return out


# Verbs under which a blame is someone else's move that the speaker rejects or reports:
# "accused X of trying to blame Y", "denied blaming Y", "rejected attempts to blame Y".
_EMBEDDING = frozenset({"accuse", "deny", "reject", "dismiss", "try", "attempt", "seek"})


def _embedded(tok: Token) -> bool:
    """A blame verb with no subject of its own, inside a verb that rejects or reports it."""
    if any(c.dep_ in SUBJECT_DEPS for c in tok.children):
        return False
    return any(a.lemma_.lower() in _EMBEDDING for a in list(tok.ancestors)[:4])


def _blame_preps(tok: Token) -> list[Token]:
    heads = [tok, *(c for c in tok.children if c.dep_ == "dobj")]
    return [c for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ in ("on", "to")]


def _about_perpetrator(low: str) -> bool:
    return any(
        w in low
        for w in (
            "source of",
            "who ",
            "perpetrator",
            "responsib",
            "claimed",
            "identity",
            "attacker",
            "culprit",
            "behind",
        )
    )


def agent_roles(
    sent: Span, hits: Iterable[CueHit], actor_spans: list[tuple[int, int, str]]
) -> list[RoleHit]:
    """Actors placed by syntax: subjects and agents of event verbs act, the others are acted on."""
    trigger_toks = {i for h in hits for i in range(h.start, h.end)}
    speaking = _speaker_tokens(sent, trigger_toks)
    out: list[RoleHit] = []
    for start, end, text in actor_spans:
        span = sent.doc.char_span(start, end, alignment_mode="expand")
        if span is None or not (sent.start <= span.root.i < sent.end):
            continue
        root = _nominal_root(span)
        if root.i in speaking:
            continue  # "a spokesman for the local militia said": a source, not a party
        role = _between(root, trigger_toks) or _role_of(root, trigger_toks)
        if role:
            out.append(RoleHit(role, text, start, end, rule=f"syntax: {role}"))
    return out


def _nominal_root(span: Span) -> Token:
    """The noun that heads an actor phrase. 'IS members attacked' may be parsed with 'IS' as
    an auxiliary beside the subject; both hang on the verb, and the noun is the phrase's head."""
    root = span.root
    if root.pos_ not in ("AUX", "VERB") and root.dep_ not in ("aux", "auxpass"):
        return root
    nouns = [
        t for t in span
        if t.pos_ in ("NOUN", "PROPN") and not (span.start <= t.head.i < span.end)
    ]
    return nouns[-1] if nouns else root


def _speaker_tokens(sent: Span, trigger_toks: set[int]) -> set[int]:
    """Tokens in the subject of a reporting verb: the words that name who speaks."""
    out: set[int] = set()
    for verb in sent:
        if verb.lemma_.lower() in REPORTING_LEMMAS and verb.i not in trigger_toks:
            for subj in (c for c in verb.children if c.dep_ in SUBJECT_DEPS):
                out.update(t.i for t in subj.subtree)
    return out


def _between(tok: Token, trigger_toks: set[int]) -> str | None:
    """'fighting between X and Y': X and Y are the two sides, in the order given."""
    node = tok
    while node.dep_ in ("compound", "amod") and node.head.i != node.i:
        node = node.head
    if node.dep_ == "nmod" and _between_obj(node.head, trigger_toks):
        # "between the army and M23 rebels", parsed as "(army and M23) rebels"
        return "actor1"
    if _between_obj(node, trigger_toks):
        coordinated = any(
            c.dep_ == "nmod" and any(g.dep_ == "cc" for g in c.children) for c in node.children
        )
        return "actor2" if coordinated else "actor1"
    if node.dep_ == "conj":
        first = node.head
        if (
            first.dep_ == "pobj"
            and first.head.lower_ == "between"
            and _anchored(first.head.head, trigger_toks)
        ):
            return "actor2"
    return None


def _between_obj(node: Token, trigger_toks: set[int]) -> bool:
    head = node.head
    return node.dep_ == "pobj" and head.lower_ == "between" and _anchored(head.head, trigger_toks)


def _anchored(tok: Token, trigger_toks: set[int]) -> bool:
    """The event word itself, or a verb whose subject it is: 'fighting broke out between X
    and Y', 'clashes erupted between X and Y' (the parser hangs 'between' on the verb)."""
    return tok.i in trigger_toks or any(
        c.i in trigger_toks and c.dep_ in SUBJECT_DEPS for c in tok.children)


def _role_of(tok: Token, trigger_toks: set[int]) -> str | None:
    """actor1 when the phrase is the subject/agent of an event verb; otherwise actor2."""
    node, dep = tok, tok.dep_
    while node.head.i != node.i and (
        dep in ("conj", "appos", "compound", "amod", "poss", "nmod")
        or (dep == "pobj" and node.head.lower_ == "of" and node.head.head.dep_ in SUBJECT_DEPS)
    ):
        # "leaders of the X community signed": X stands where its members stand
        node = node.head if dep != "pobj" else node.head.head
        dep = node.dep_
        if node.i in trigger_toks and tok.dep_ in ("compound", "nmod", "poss") and \
                _main_event_noun(node):
            return "actor1"  # "a US military patrol", "the army's raid": whose act it is
    if dep in SUBJECT_DEPS:
        verb = node.head
        if verb.lemma_.lower() in REPORTING_LEMMAS and verb.i not in trigger_toks:
            return None  # "..., police said": a source, not a party to the event
        if _is_event_verb(verb, trigger_toks):
            # "shot down drones that Russia launched": the author of what was acted on
            return "actor2" if verb.dep_ == "relcl" else "actor1"
        return None
    if dep == "pobj" and node.head.dep_ == "agent":
        verb = node.head.head
        # "artillery shells fired by the army hit ...": the agent of a participle that
        # describes the weapon or the event word
        described = verb.dep_ in ("acl", "relcl") and verb.head.i in trigger_toks
        return "actor1" if described or _is_event_verb(verb, trigger_toks) else None
    if dep in ("nsubjpass", "dobj", "pobj", "attr", "oprd", "dative"):
        return "actor2"
    return None


def _main_event_noun(node: Token) -> bool:
    """An event noun that is the news of its sentence: the subject or object of the main
    verb ('a patrol took place'), not a modifier ('an explosives expert') nor the object of
    a clause of purpose ('to secure the settlers' march')."""
    if node.pos_ not in ("NOUN", "PROPN"):
        return False
    if node.dep_ == "ROOT":
        return True
    return node.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and node.head.dep_ == "ROOT"


def _is_event_verb(verb: Token, trigger_toks: set[int]) -> bool:
    if verb.i in trigger_toks:
        return True
    for child in verb.subtree:
        if child.i in trigger_toks and child.dep_ not in SUBJECT_DEPS:
            return True
    return False


def resolve_pronoun(
    tok: Token, previous_subjects: list[tuple[int, int, str]]
) -> tuple[int, int, str] | None:
    """'it'/'they' as a subject stands for the last actor that was a subject before it."""
    if tok.lower_ in PRONOUNS and previous_subjects:
        return previous_subjects[-1]
    return None
