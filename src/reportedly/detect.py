"""The detect stage: event cues in sentences, mentions across sentences, ACLED typing.

Cues come from ``lexicons/triggers.yaml``. A document is read sentence by sentence with a
discourse focus: a sentence with event cues opens a mention (``background`` when its time
expression places it before the news, e.g. "last month"), or continues the mention in focus.
Generic statements ("hundreds of airstrikes since the war began") open nothing.
The sub-type of a mention is chosen by ``classify``: a decision list that follows the
priority rules of the ACLED codebook; each step names the rule that fired, for ``--explain``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span, Token

from reportedly import lexicons
from reportedly.nlp import doc_text, per_doc

SUBJECT_DEPS = {"nsubj", "csubj"}
AGENT_DEPS = {"agent"}
PLACE_NOUNS = {
    "village",
    "town",
    "city",
    "area",
    "position",
    "positions",
    "hill",
    "base",
    "district",
    "region",
    "territory",
    "settlement",
    "locality",
    "neighbourhood",
    "neighborhood",
    "outpost",
    "road",
    "highway",
    "bridge",
    "airport",
    "port",
    "island",
    "crossing",
    "checkpoint",
    "zone",
}


# Which trigger groups can tell each event type (a "reinforcement" in a sentence about an
# airstrike does not make its subject a party to the strike).
VIOLENT = frozenset(
    {
        "air",
        "shelling",
        "suicide",
        "ied",
        "grenade",
        "chemical",
        "attack",
        "strike_bare",
        "clash",
        "territory",
        "sexual",
        "abduction",
        "mob",
    }
)
FAMILY: dict[str, frozenset[str]] = {
    "Battles": VIOLENT,
    "Explosions/Remote violence": VIOLENT,
    "Violence against civilians": VIOLENT,
    "Riots": VIOLENT | {"protest", "riot_violence"},
    "Protests": frozenset({"protest", "strike_bare", "intervention", "lethal_force"}),
    "Strategic developments": frozenset(
        {
            "disrupted",
            "territory",
            "arrest",
            "looting",
            "destruction",
            "agreement",
            "hq",
            "change_group",
            "other_sd",
            "attack",
        }
    ),
}


@dataclass(frozen=True)
class CueHit:
    """One lexicon phrase found in a document: token span, its cue group and its sentence."""

    group: str
    start: int  # token index
    end: int
    sent: int

    def span(self, doc: Doc) -> Span:
        return doc[self.start : self.end]


@dataclass
class Mention:
    """An event mention under construction: the sentences that tell it and their cues."""

    role: str
    sents: list[int] = field(default_factory=list)
    lead: int = 0
    hits: list[CueHit] = field(default_factory=list)

    def groups(self, *, lead_only: bool = False) -> set[str]:
        return {h.group for h in self.hits if not lead_only or h.sent == self.lead}


@dataclass(frozen=True)
class Typing:
    event_type: str
    sub_event_type: str
    disorder_type: str
    plover_event: str
    plover_mode: str | None
    rule: str

    @property
    def crowds_on_both_sides(self) -> bool:
        """Mob violence between two unorganised groups: both sides are rioters."""
        return self.rule.startswith(MOB_SIDES_RULE)


# ACLED: in a fight between two unorganised groups both sides are rioters (actor2 too)
MOB_SIDES_RULE = "the sides named are unorganised groups"


class CueMatcher:
    """Finds every cue phrase by lemma or lower-case form; longest match at a position wins."""

    def __init__(self, cues: dict[str, dict]) -> None:
        self.index: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self.triggers = {name for name, c in cues.items() if c.get("trigger")}
        for name, cue in cues.items():
            for phrase in cue["phrases"]:
                words = tuple(_phrase_words(str(phrase)))
                self.index[words[0].split("/")[0]].append((words, name))
        for entries in self.index.values():
            entries.sort(key=lambda e: -len(e[0]))

    def __call__(self, doc: Doc) -> list[CueHit]:
        sent_of = _sentence_index(doc)
        # each token's forms and tag once per document, not once per phrase word tried on it
        forms = [_forms(tok) for tok in doc]
        tags = [tok.pos_ for tok in doc]
        hits: list[CueHit] = []
        for i, keys in enumerate(forms):
            for key in keys:
                for words, group in self.index.get(key, ()):
                    if _matches_at(forms, tags, i, words):
                        hits.append(CueHit(group, i, i + len(words), sent_of[i]))
        return _longest_per_group(hits)


def _phrase_words(phrase: str) -> list[str]:
    return phrase.replace("-", " - ").split()


def _forms(tok: Token) -> set[str]:
    """Lower-case form, lemma, and a crude singular ('Shells' when tagged as a name)."""
    low = tok.lower_
    forms = {low, tok.lemma_.lower()}
    if len(low) > 4 and low.endswith("s") and not low.endswith("ss"):
        forms.add(low[:-1])
    return forms


def _matches_at(
    forms: list[set[str]], tags: list[str], i: int, words: tuple[str, ...]
) -> bool:
    """Do the phrase words match the tokens from ``i`` on, given each token's precomputed
    forms and part of speech? A word may carry a part of speech: 'march/VERB' is not
    'March'."""
    if i + len(words) > len(forms):
        return False
    for n, word in enumerate(words):
        form, _, pos = word.partition("/")
        if pos and tags[i + n] not in pos.split("|"):
            return False
        if form not in forms[i + n]:
            return False
    return True


def _longest_per_group(hits: list[CueHit]) -> list[CueHit]:
    """Within a group keep the longest of overlapping hits; groups may overlap each other."""
    best: dict[tuple[str, int], CueHit] = {}
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        covered = any(o.group == h.group and o.start <= h.start < o.end for o in best.values())
        if not covered:
            best[(h.group, h.start)] = h
    return sorted(best.values(), key=lambda h: (h.start, h.group))


def _sentence_index(doc: Doc) -> list[int]:
    out = [0] * len(doc)
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            out[i] = n
    return out


@cache
def lexicon() -> dict:
    return lexicons.load("triggers")


@cache
def matcher() -> CueMatcher:
    return CueMatcher(lexicon()["cues"])


def typing_for(sub_event_type: str, rule: str, *, mode: str | None = None) -> Typing:
    """The full typing of an ACLED sub-type: event type, disorder type, PLOVER event and mode."""
    lex = lexicon()
    spec = lex["subtypes"][sub_event_type]
    event_type = spec["event_type"]
    disorder = spec.get("disorder_type") or lex["disorder_types"][event_type]
    p_event, p_mode = spec["plover"]
    return Typing(event_type, sub_event_type, disorder, p_event, mode or p_mode, rule)


# --- which sentences are generic, and which tokens are attackers or targets ---------------


def is_generic(sent: Span, hits: Iterable[CueHit], *, has_day: bool = False) -> bool:
    """A habitual or generic statement: a generic cue with no day of its own, or in the
    perfect, or counting its trigger nouns in dozens and hundreds."""
    hits = list(hits)
    triggers = matcher().triggers
    trigger_toks = {i for h in hits if h.group in triggers for i in range(h.start, h.end)}
    perfect_toks = {i for i in trigger_toks if _perfect(sent.doc[i])}
    participant_toks = {
        i for h in hits if h.group == "participant" for i in range(h.start, h.end)
    }
    has_perfect = bool(perfect_toks)
    for h in hits:
        if h.group != "quantified":
            continue
        counted = [c.i for c in sent.doc[h.end - 1].children if c.dep_ == "pobj"]
        counted += [h.end] if h.end < sent.end else []
        # "dozens of protesters": the size of a crowd, not a count of events
        counted = [i for i in counted if i not in participant_toks]
        # "have killed tens of thousands" (the count bears on the perfect event verb), not
        # "have clashed ..., and hundreds of families fled" (a count elsewhere in the sentence)
        if _bears_on(sent.doc[h.start], perfect_toks) or any(i in trigger_toks for i in counted):
            return True  # "hundreds of airstrikes", "have killed tens of thousands"
    generic = [
        h for h in hits if h.group == "generic" and _bears_on(sent.doc[h.start], trigger_toks)
    ]
    if not generic:
        return False
    if not has_day:
        return True
    plural_noun = any(
        h.group in triggers and h.end - h.start == 1 and sent.doc[h.start].tag_ in ("NNS", "NNPS")
        for h in hits
    )
    return has_perfect or plural_noun


def _bears_on(tok: Token, trigger_toks: set[int]) -> bool:
    """A cue that modifies an event word's clause (not a clause elsewhere in the sentence)."""
    if any(a.i in trigger_toks for a in list(tok.ancestors)[:4]):
        return True
    head = tok.head
    return any(t.i in trigger_toks for t in head.children) or head.i in trigger_toks


def _perfect(tok: Token) -> bool:
    """The clause of a token is in the present perfect ('have killed', 'has been shelled').

    The past perfect is not: 'said troops had clashed on Saturday' is reported speech
    shifted back a tense, and tells of one past event."""
    node = tok
    for _ in range(3):
        if node.pos_ in ("VERB", "AUX"):
            return any(
                c.dep_ in ("aux", "auxpass") and c.lemma_ == "have" and c.tag_ != "VBD"
                for c in node.children
            )
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def is_perfect_record(sent: Span, hits: Iterable[CueHit], *, has_day: bool = False) -> bool:
    """'The group has responded with bombings in the capital': every event word a bare plural
    noun in a present-perfect clause, with no day: a record of many acts, not one event."""
    triggers = matcher().triggers
    toks = [sent.doc[h.end - 1] for h in hits if h.group in triggers]
    return not has_day and bool(toks) and all(
        t.tag_ == "NNS" and not any(c.dep_ in ("det", "poss") for c in t.children) and _perfect(t)
        for t in toks
    )


def is_tally(sent: Span, hits: Iterable[CueHit]) -> bool:
    """A count over a period in the present perfect ('has claimed several lives this year'):
    a running total, neither an event nor a detail of the event in focus."""
    return any(h.group == "tally" and _perfect(sent.doc[h.start]) for h in hits)


# Prepositions that tie a follow-up act to an event named before ("in connection with the
# killing", "over the attack", "for the bombing").
_FOLLOW_UP_PREPS = {"with", "over", "for", "after", "following"}
_DEFINITE = {"the", "this", "that", "its", "their"}


def is_follow_up(sent: Span, hits: Iterable[CueHit]) -> bool:
    """Arrests of suspects for an event already told ('two men were arrested in connection
    with the killing'): police work that follows the event, not a new event (ACLED codes
    arrests as Strategic developments only when they are the news)."""
    hits = list(hits)
    triggers = matcher().triggers
    if not any(h.group == "arrest" for h in hits):
        return False
    for h in hits:
        if h.group not in triggers or h.group == "arrest":
            continue
        tok = sent.doc[h.end - 1]
        definite = any(c.dep_ in ("det", "poss") and c.lower_ in _DEFINITE for c in tok.children)
        tied = tok.dep_ == "pobj" and tok.head.lower_ in _FOLLOW_UP_PREPS
        if definite and tied and tok.pos_ == "NOUN":
            return True
    return False


def is_headline(sent: Span) -> bool:
    """A line of its own with no closing stop: 'Roadside bomb kills two soldiers'."""
    text, doc = sent.text.rstrip(), doc_text(sent.doc)
    end = sent.start_char + len(text)
    starts_line = sent.start_char == 0 or doc[: sent.start_char].rstrip(" ").endswith("\n")
    ends_line = end == len(doc) or doc[end] == "\n"
    return bool(text) and starts_line and ends_line and text[-1] not in ".!?\"'”’:;,"


def is_habitual(sent: Span, hits: Iterable[CueHit]) -> bool:
    """Every event verb is in the simple present ('its strikes target military sites'), and
    the sentence is not a headline (headlines tell past events in the present)."""
    if is_headline(sent):
        return False
    verbs = [sent.doc[h.start] for h in hits if h.group in matcher().triggers]
    verbs = [v for v in verbs if v.pos_ == "VERB"]
    return bool(verbs) and all(
        v.tag_ in ("VBZ", "VBP") and not any(c.dep_ in ("aux", "auxpass") for c in v.children)
        for v in verbs
    )


_MODAL = {"will", "would", "could", "may", "might", "shall", "should", "wo"}
_INTENT = {
    "plan",
    "threaten",
    "vow",
    "call",
    "intend",
    "promise",
    "urge",
    "warn",
    "demand",
    "seek",
    "want",
    "hope",
    "prepare",
    "expect",
}
# "banned all street demonstrations": the act named is prevented, not told of
_PREVENTED = {"ban", "prohibit", "forbid", "outlaw", "cancel", "postpone"}


def is_irrealis(sent: Span, hits: Iterable[CueHit]) -> bool:
    """Every event cue of the sentence is planned, threatened or hypothetical."""
    triggers = [h for h in hits if h.group in matcher().triggers]
    return bool(triggers) and all(_irrealis_token(sent.doc[h.start]) for h in triggers)


# How an event word hangs below a verb of intent when that verb governs it: "plan to attack",
# "called for protests", "banned demonstrations". "Protesters demanded jobs" (the subject)
# and "workers called by the unions protested" (an agent phrase) tell a real act.
_COMPLEMENT_DEPS = {"xcomp", "ccomp", "dobj", "prep", "pobj", "attr", "oprd", "acomp"}


def _irrealis_token(tok: Token) -> bool:
    node, came_by = tok, ""
    for _ in range(4):
        if any(c.dep_ == "aux" and c.lower_ in _MODAL for c in node.children):
            return True
        if (
            node.lemma_.lower() in _INTENT | _PREVENTED
            and node.i != tok.i
            and came_by in _COMPLEMENT_DEPS
            and not _names_it(node)
        ):
            return True
        if node.head.i == node.i or node.dep_ in ("ROOT", "ccomp"):
            break
        came_by, node = node.dep_, node.head
    return False


def _names_it(verb: Token) -> bool:
    """'called the explosion an attack': 'call' with a predicate names, it does not call for."""
    return verb.lemma_.lower() == "call" and any(c.dep_ == "oprd" for c in verb.children)


def attacker_tokens(sent: Span) -> frozenset[int]:
    """Token indices in active subjects and passive agents: the side that acts (worked out
    once per sentence: the target and side rules of every mention ask it of their lead)."""
    return per_doc(sent.doc, ("attackers", sent.start, sent.end), lambda: _attackers(sent))


def _attackers(sent: Span) -> frozenset[int]:
    out: set[int] = set()
    for tok in sent:
        if tok.dep_ in SUBJECT_DEPS or tok.dep_ in AGENT_DEPS:
            out.update(t.i for t in tok.subtree)
    return frozenset(out)


def target_groups(mention: Mention, doc: Doc) -> set[str]:
    """Target cue groups (armed/civilian) found outside the attacking side of the lead sentence."""
    sents = list(doc.sents)
    lead = sents[mention.lead]
    acting = attacker_tokens(lead)
    return {
        h.group
        for h in mention.hits
        if h.sent == mention.lead
        and h.group in ("armed_target", "civilian_target")
        and h.start not in acting
    }


_TARGET_PREPS = {"against", "on", "at", "upon", "towards", "toward"}


def _struck_heads(tok: Token) -> list[Token]:
    """The nouns an attack word acts on: its object, its passive subject, 'attack on X'."""
    heads = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in _TARGET_PREPS:
            heads += [c for c in prep.children if c.dep_ == "pobj"]
    if tok.dep_ in ("acl", "relcl") and tok.tag_ == "VBN":
        heads.append(tok.head)  # "a soldier killed by gunmen"
    return heads + [c for h in heads for c in h.conjuncts]


def struck_groups(mention: Mention, doc: Doc) -> set[str]:
    """Target cue groups (armed/civilian) found on the nouns the lead sentence's attack
    words act on, with their modifiers ('a military convoy', 'three police officers')
    but not their attachments ('a camp in X village')."""
    lead_hits = [h for h in mention.hits if h.sent == mention.lead]
    by_token = {
        i: h.group
        for h in lead_hits
        if h.group in ("armed_target", "civilian_target")
        for i in range(h.start, h.end)
    }
    out: set[str] = set()
    for h in lead_hits:
        if h.group != "attack":
            continue
        for head in _struck_heads(doc[h.end - 1]):
            words = [head] + [
                c for c in head.children if c.dep_ in ("compound", "amod", "nmod", "poss")
            ]
            out |= {by_token[w.i] for w in words if w.i in by_token}
            # "members of the Taliban", "one of the soldiers"
            for prep in head.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    out |= {by_token[c.i] for c in prep.children if c.i in by_token}
    return out


def _crowd_acts(mention: Mention, doc: Doc, *, group: str = "crowd_actor") -> bool:
    """An unorganised group (locals, a group of people) is the acting side of the lead."""
    lead = list(doc.sents)[mention.lead]
    acting = attacker_tokens(lead)
    # "the People's Defense Force attacked": a crowd word inside a name is no crowd
    return any(
        h.group == group and h.sent == mention.lead and h.start in acting
        and not _in_name(doc[h.start])
        for h in mention.hits
    )


def _residents_destroy(mention: Mention, doc: Doc) -> bool:
    """The people of a place are the subject of the lead's destruction or looting verb
    ('residents of Katuhunda set fire to the police office'), not of another clause
    ('soldiers torched houses after residents fled')."""
    lead = [h for h in mention.hits if h.sent == mention.lead]
    acts = {i for h in lead if h.group in ("destruction", "looting") for i in range(h.start, h.end)}
    for h in lead:
        if h.group != "residents":
            continue
        tok = h.span(doc).root
        if tok.dep_ == "pobj" and tok.head.lower_ == "of":
            tok = tok.head.head  # "a group of residents", "members of the community"
        if tok.dep_ in SUBJECT_DEPS and tok.head.i in acts:
            return True
    return False


def _between_tokens(sent: Span) -> set[int]:
    """Token indices under a 'between' preposition: the two sides of a clash."""
    return {t.i for tok in sent if tok.lower_ == "between" for t in tok.subtree}


def armed_sides(mention: Mention, doc: Doc) -> bool:
    """An armed, organised actor is one of the sides of the lead sentence: the side that
    acts, or one named in 'between X and Y' ('a dispute between two unknown armed groups').
    Armed people who are only hurt or sent ('policemen were injured') are not a side."""
    lead = list(doc.sents)[mention.lead]
    sides = attacker_tokens(lead) | _between_tokens(lead)
    return any(
        h.group == "armed_target" and h.sent == mention.lead and h.start in sides
        for h in mention.hits
    )


def territory_object(hit: CueHit, doc: Doc) -> bool:
    """'captured X' is about territory when X is a place (an entity or a place noun)."""
    window = doc[hit.end : min(len(doc), hit.end + 7)]
    if any(t.ent_type_ in ("GPE", "LOC", "FAC") for t in window):
        return True
    return any(t.lemma_.lower() in PLACE_NOUNS for t in window)


# --- the decision list -----------------------------------------------------------------------


# What happened at a demonstration: told anywhere in the mention ("Police intervened" in
# the second sentence of a protest report), but only where it is told as an act of the day,
# not as the demonstrators' topic ("protested against the arrests", "the Capitol riot").
CROWD_QUALIFIERS = frozenset({"riot", "riot_violence", "intervention", "lethal_force", "clash"})
# Nouns that name the act wherever they stand ("intervened with tear gas").
_ACT_NOUNS = {"gas", "teargas", "cannon", "bullet", "bullets", "spray", "charge", "grenade"}
# Prepositions that introduce what a protest is about or what it follows.
_TOPIC_PREPS = {"of", "against", "over", "about", "for", "after", "following", "since",
                "regarding", "on", "to", "in", "into", "at"}
_CLAUSES_OF_OTHERS = {"relcl", "acl", "pcomp", "csubj", "amod", "compound"}


def told_as_act(tok: Token, *, crowd_toks: frozenset[int] | None = None) -> bool:
    """A cue word reported as something done at the event, not a topic, an aim or a denial:
    'Police dispersed them' is; 'to demand the arrest of', 'a man who was arrested last
    year', 'the anniversary of the riot', 'did not intervene', 'no arrests' and 'the crowd
    dispersed' (the participants as the subject of an intervention word) are not."""
    if any(c.dep_ == "neg" or c.lower_ == "no" for c in tok.children):
        return False
    if tok.pos_ in ("NOUN", "PROPN") and tok.lower_ in _ACT_NOUNS:
        return True
    if _irrealis_token(tok):
        return False
    if _means_of_act(tok):
        return True
    if _told_as_background(tok):
        return False
    node = tok
    for _ in range(3):
        if node.dep_ in _CLAUSES_OF_OTHERS and node.pos_ in ("VERB", "AUX"):
            return False
        if node.pos_ in ("VERB", "AUX"):
            by_crowd = any(c.dep_ == "nsubj" and c.i in (crowd_toks or ()) for c in node.children)
            infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
            return not infinitive and not by_crowd
        if node.dep_ == "pobj" and node.head.lower_ in _TOPIC_PREPS:
            return False
        if node.dep_ not in ("compound", "amod", "conj", "appos") or node.head.i == node.i:
            return True
        node = node.head
    return True


_BACKGROUND_MARKS = {"after", "before", "since"}


def _told_as_background(tok: Token) -> bool:
    """'days after a clash between residents and squatters occurred', 'died following a
    clash': an earlier event the report gives as background, not done at this one."""
    node = tok
    for _ in range(4):
        if node.lower_ == "following" and node.tag_ == "VBG" and node is not tok:
            return True
        if node.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in _BACKGROUND_MARKS for c in node.children
        ):
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


_MEANS_PREPS = {"with", "by"}


def _means_of_act(tok: Token) -> bool:
    """'blocked the road with burning tires', 'demonstrated by burning tires': the way the
    crowd acted, told as done at the event (not a clause about something else)."""
    node = tok.head if tok.dep_ == "amod" else tok
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head  # "by blocking the road and burning tires": the first of the list
    if node.dep_ == "dobj" and node is not tok and node.head.dep_ == "pcomp":
        node = node.head  # "by blocking [the road and burning tires]": parsed as one object
    if node.dep_ == "pcomp" or (node.dep_ == "pobj" and node is not tok):
        prep = node.head
    else:
        return False
    return prep.lower_ in _MEANS_PREPS and prep.head.pos_ in ("VERB", "NOUN")


def _both_sides_fired(mention: Mention, doc: Doc, *, clash_counts: bool = False) -> bool:
    """The other side replied in the event itself: not 'killed a villager after exchanging
    fire', nor 'both sides have been accused of shelling' (a record, not this event)."""
    return any(
        h.group == "reciprocal"
        and (clash_counts or doc[h.start].lemma_ != "clash")
        and told_as_act(doc[h.start])
        and not _perfect(doc[h.start])
        for h in mention.hits
    )


def _in_name(tok: Token) -> bool:
    """A capitalised cue inside a name ('the Labor Fight Movement') names, it does not tell."""
    if tok.i == tok.sent.start or not tok.is_title:
        return False
    return tok.pos_ == "PROPN" or tok.dep_ == "compound" or tok.ent_type_ in ("ORG", "FAC")


def classify(mention: Mention, doc: Doc, *, actor1_inter: int | None = None) -> Typing | None:
    """Type a mention by the codebook's priority rules; None when nothing typable was found."""
    lead = mention.groups(lead_only=True)
    allg = mention.groups()
    people = frozenset(
        i for h in mention.hits if h.group == "participant" for i in range(h.start, h.end)
    )
    crowd = {
        h.group
        for h in mention.hits
        if h.group in CROWD_QUALIFIERS
        and not _in_name(doc[h.start])
        and told_as_act(doc[h.start], crowd_toks=people if h.group == "intervention" else None)
    }
    if "protest" in allg:
        crowd.add("protest")  # a demonstration told anywhere makes the crowd demonstrators
    if "grievance" in allg:
        crowd.add("grievance")
    if _crowd_acts(mention, doc):
        crowd.add("crowd_actor")
    for groups, scope in ((lead, "lead sentence"), (allg, "mention")):
        result = _decide(groups, mention, doc, actor1_inter=actor1_inter, crowd=crowd)
        if result:
            sub, rule = result
            return typing_for(sub, f"{rule} ({scope})", mode=_mode(sub, allg, mention, doc))
    return None


def _crowd_typing(g: set[str], crowd: set[str]) -> tuple[str, str]:
    """Protests and riots by what the crowd and the authorities did (codebook priority)."""
    protest = "protest" in g or ("strike_bare" in g and "labour" in g) or "protest" in crowd
    violent = crowd & {"riot", "riot_violence", "clash"}
    if "lethal_force" in crowd and protest and not violent:
        return "Excessive force against protesters", "protest met with lethal force"
    if violent and not protest and "grievance" not in crowd:
        return (
            "Mob violence",
            "codebook: rioters with no demonstration or grievance named are Mob violence",
        )
    if violent:
        return (
            "Violent demonstration",
            "demonstrators used violence or vandalism, or clashed (told anywhere in the mention)",
        )
    if "intervention" in crowd:
        return (
            "Protest with intervention",
            "authorities intervened without lethal force (told anywhere in the mention)",
        )
    return "Peaceful protest", "demonstration without violence or intervention"


def _decide(
    g: set[str],
    mention: Mention,
    doc: Doc,
    *,
    actor1_inter: int | None,
    crowd: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[str, str] | None:
    targets = target_groups(mention, doc)
    protest = "protest" in g or ("strike_bare" in g and "labour" in g)
    riot_word = "riot" in g and "riot" in crowd
    if "chemical" in g:
        return "Chemical weapon", "chemical weapon named"
    if "disrupted" in g:
        return (
            "Disrupted weapons use",
            "codebook: interceptions and downed drones are Disrupted weapons use",
        )
    if protest or riot_word:
        return _crowd_typing(g, crowd)
    primary = primary_group(mention, doc)
    if primary in ("destruction", "looting") and ("mob" in g or _residents_destroy(mention, doc)):
        # codebook: property destroyed or looted by a crowd (a mob, residents) is a riot
        return _crowd_typing(g | {"riot_violence"}, crowd | {"riot_violence"})
    if primary in PRIMARY_SD:
        sub = PRIMARY_SD[primary]
        return sub, f"the lead sentence is about {primary}: {sub}"
    territory = [h for h in mention.hits if h.group == "territory" and territory_object(h, doc)]
    if territory:
        if "peaceful_transfer" in g:
            return "Non-violent transfer of territory", "territory changed hands without fighting"
        if actor1_inter == 1:
            return "Government regains territory", "state forces took territory"
        return "Non-state actor overtakes territory", "a non-state actor took territory"
    armed = "armed_target" in g
    mob = "mob" in g or "crowd_actor" in crowd
    # "settlers and train guards assaulted a Palestinian": a crowd that acts stays a crowd
    armed_side = armed and "crowd_actor" not in crowd and armed_sides(mention, doc)
    if "clash" in g and "mob_sides" in g and not armed_side:
        # codebook: fights between unorganised groups (families, groups of villagers, rival
        # party supporters) are Mob violence, whoever else was hurt or came to stop them
        return "Mob violence", f"{MOB_SIDES_RULE} (families, villagers, rival supporters)"
    if "clash" in g and mob and not armed:
        return "Mob violence", "an unorganised group fought (physical clash, communal feud)"
    if ("clash" in g and armed) or ("clash_named" in g and not (mob and "attack" in g)):
        return (
            "Armed clash",
            "codebook: armed groups engaged (an airstrike during a battle is one Battles event)",
        )
    if "shelling" in g and _both_sides_fired(mention, doc, clash_counts=True):
        return (
            "Armed clash",
            "codebook: heavy weapons fire in an exchange where both sides engage is a Battle",
        )
    for cue, sub in (
        ("air", "Air/drone strike"),
        ("suicide", "Suicide bomb"),
        ("shelling", "Shelling/artillery/missile attack"),
        ("ied", "Remote explosive/landmine/IED"),
        ("grenade", "Grenade"),
    ):
        if cue in g:
            return sub, f"codebook priority among remote violence: {cue}"
    if "strike_bare" in g and not protest:
        return (
            "Air/drone strike",
            "a bare 'strike' with no labour context is an attack from the air",
        )
    if any(h.group == "sexual" and told_as_act(doc[h.start]) for h in mention.hits):
        # codebook: sexual violence told as done in the event types it, even beside other
        # violence; as a motive ("suspected of rape") it does not
        return "Sexual violence", "sexual violence told as an act of the event"
    if "abduction" in g:
        return "Abduction/forced disappearance", "abduction named"
    if mob and ("attack" in g or "riot_violence" in g) and not armed_side:
        return "Mob violence", "unorganised group violence"
    if "attack" in g and armed and _both_sides_fired(mention, doc):
        return (
            "Armed clash",
            "codebook: an attack on an armed actor that fires back ('both sides then exchanged "
            "fire') is a Battle",
        )
    if "attack" in g and ("civilian_target" in g or armed):
        struck = struck_groups(mention, doc)
        if struck:
            if struck == {"armed_target"}:
                return "Armed clash", "the object of the attack is an armed, organised actor"
            return "Attack", "the object of the attack is unarmed"
        if "armed_target" in targets and "civilian_target" not in targets:
            return "Armed clash", "attack on an armed target"
        return "Attack", "violence against an unarmed target"
    if "attack" in g and "lethal_force" in g:
        # "the head of 100 households was shot dead": a killing whose victim the cue lists
        # do not name is violence against the one killed (the codebook's default victim)
        return "Attack", "codebook: a killing with no armed target named is an Attack"
    for cue, sub in (
        ("arrest", "Arrests"),
        ("looting", "Looting/property destruction"),
        ("destruction", "Looting/property destruction"),
        ("agreement", "Agreement"),
        ("hq", "Headquarters or base established"),
        ("change_group", "Change to group/activity"),
        ("other_sd", "Other"),
    ):
        if cue in g:
            return sub, f"strategic development: {cue}"
    return None


# ACLED: an arrest is made by state forces; people detained by a rebel group or by unknown
# armed men are abducted (Abduction/forced disappearance, Violence against civilians).
DETAINERS_WHO_ABDUCT = frozenset({"rebel", "unidentified"})


def detention_by_armed_group(typing: Typing, actor1_kind: str | None) -> Typing:
    """Arrests whose first actor is a non-state armed group become an abduction."""
    if typing.sub_event_type != "Arrests" or actor1_kind not in DETAINERS_WHO_ABDUCT:
        return typing
    return typing_for(
        "Abduction/forced disappearance",
        "codebook: a detention by a non-state armed group is an abduction, not an arrest",
    )


# ACLED: Mob violence is by unorganised crowds; when the side that acts is an organised
# armed group (a rebel group; police facing rioters are the other side), it is a Battle.
ORGANISED_ARMED = frozenset({"rebel"})


def mob_of_organised_actor(typing: Typing, actor1_kind: str | None) -> Typing:
    """Mob violence whose first actor is an organised armed actor is an Armed clash."""
    if typing.sub_event_type != "Mob violence" or actor1_kind not in ORGANISED_ARMED:
        return typing
    return typing_for(
        "Armed clash",
        "codebook: an organised armed actor fighting is a Battle, not mob violence",
    )


# ACLED: violence against an armed, organised actor is a Battle, whoever started it ("killed
# two QSD members", "shot a Mara Salvatrucha member"); Violence against civilians is against
# the unarmed. Identity militias named from a community are often its people, not fighters.
ARMED_VICTIMS = frozenset({"state", "rebel", "militia", "external"})


# "an off-duty police officer", "a former soldier": out of service, a civilian victim
OUT_OF_SERVICE = ("off-duty", "off duty", "former", "retired", "ex-")


def attack_on_armed_actor(
    typing: Typing, actor2_kind: str | None, *, victim: str = "", bare_country: bool = False
) -> Typing:
    """An Attack whose first victim named is an armed, organised actor is an Armed clash.
    ``victim``: the words that tell of it (the lead sentence); ``bare_country``: the victim
    is named only by a country's name ('attacked a village in Cameroon' names a place, not
    its army)."""
    if typing.sub_event_type != "Attack" or actor2_kind not in ARMED_VICTIMS or bare_country:
        return typing
    if any(w in victim.lower() for w in OUT_OF_SERVICE):
        return typing
    return typing_for(
        "Armed clash",
        "codebook: an attack on an armed, organised actor is a Battle, not violence against "
        "civilians",
    )


# A lead sentence whose main verb is one of these is about that development, whatever
# violence it mentions around it ("signed an agreement to end revenge attacks").
PRIMARY_SD = {
    "agreement": "Agreement",
    "arrest": "Arrests",
    "looting": "Looting/property destruction",
    "destruction": "Looting/property destruction",
    "hq": "Headquarters or base established",
}


def primary_group(mention: Mention, doc: Doc) -> str | None:
    """The trigger group closest to the root of the lead sentence (the sentence's main news)."""
    triggers = matcher().triggers
    best: tuple[int, int, str] | None = None
    for h in mention.hits:
        if h.sent != mention.lead or h.group not in triggers:
            continue
        tok = doc[h.start]
        depth = sum(1 for _ in tok.ancestors)
        key = (depth, h.start, h.group)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def _mode(sub: str, groups: set[str], mention: Mention, doc: Doc) -> str | None:
    words = {doc[i].lemma_.lower() for h in mention.hits for i in range(h.start, h.end)}
    words |= {doc[i].lower_ for h in mention.hits for i in range(h.start, h.end)}
    for rule in lexicon().get("plover_modes", []):
        if rule["sub_event_type"] == sub and words & {str(p) for p in rule["phrases"]}:
            return rule["mode"]
    return None


# --- mentions across a document --------------------------------------------------------------


def group_hits_by_sentence(hits: list[CueHit]) -> dict[int, list[CueHit]]:
    out: dict[int, list[CueHit]] = defaultdict(list)
    for h in hits:
        out[h.sent].append(h)
    return out


def has_trigger(hits: Iterable[CueHit]) -> bool:
    triggers = matcher().triggers
    return any(h.group in triggers for h in hits)


# --- which sentences tell the event itself ----------------------------------------------------


@cache
def _telling() -> dict[str, frozenset[str]]:
    spec = lexicon().get("telling") or {}
    return {name: frozenset(str(p) for p in entry["phrases"]) for name, entry in spec.items()}


def _hit_forms(hit: CueHit, doc: Doc) -> set[str]:
    """The hit's words as written and as lemmas, and its head word's forms."""
    toks = list(hit.span(doc))
    root = hit.span(doc).root
    return {
        " ".join(t.lower_ for t in toks),
        " ".join(t.lemma_.lower() for t in toks),
        root.lower_,
        root.lemma_.lower(),
    }


def _wielded(tok: Token) -> bool:
    """A weapon named as what acts ('a bomb exploded', 'shells hit') or what is fired."""
    telling = _telling()
    if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.pos_ == "VERB":
        return tok.head.lemma_.lower() not in ("be", "have") and _realis_act(tok.head)
    if tok.dep_ == "dobj" and tok.head.lemma_.lower() in telling.get("firing_verbs", ()):
        return _realis_act(tok.head)
    return False


def _realis_act(tok: Token) -> bool:
    """Neither negated, nor planned or hypothetical, nor a purpose ('to target troops')."""
    if any(c.dep_ == "neg" or c.lower_ == "no" for c in tok.children):
        return False
    if _irrealis_token(tok):
        return False
    node = tok
    for _ in range(3):
        if node.pos_ in ("VERB", "AUX"):
            return not any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
        if node.head.i == node.i:
            break
        node = node.head
    return True


# Where a word stands as a noun whatever its tag ("improvised" or "landmines" tagged VERB)
_NOMINAL_DEPS = {"amod", "compound", "conj", "dobj", "pobj", "nsubj", "nsubjpass", "appos", "attr"}


def _verb_use(tok: Token) -> bool:
    """A weapon word used as the verb of the clause ('they bombed the town', 'mined')."""
    return tok.pos_ == "VERB" and tok.dep_ not in _NOMINAL_DEPS


@cache
def _violent_words() -> frozenset[str]:
    """The first words of the phrases of the violent cue groups ('strike', 'open', 'blow')."""
    cues = lexicon()["cues"]
    return frozenset(
        str(p).split()[0].split("/")[0] for g in VIOLENT for p in cues[g]["phrases"]
    )


def _violent_verb(tok: Token) -> bool:
    """A verb that can tell violence itself: 'struck', 'opened (fire)', 'blew (himself up)'."""
    return bool({tok.lemma_.lower(), tok.lower_} & _violent_words())


def _offence_named(tok: Token, heads: frozenset[str]) -> bool:
    """'on charges of murder', 'charged with murder': a bare noun after a charge names the
    offence (with an article, 'accused of the bombing', it refers to the event)."""
    if tok.pos_ != "NOUN" or tok.dep_ != "pobj":
        return False
    if any(c.dep_ in ("det", "poss") for c in tok.children):
        return False
    prep = tok.head
    return prep.lower_ in ("of", "with", "for") and (
        prep.head.lemma_.lower() in heads or prep.head.lower_ in heads
    )


def is_natural_death(sent: Span, hits: Iterable[CueHit]) -> bool:
    """Every violent cue of the sentence is a death word and a disease is named beside it
    ('eight people died of the disease', 'the symptoms of the dead'): no violence told."""
    hits = list(hits)
    if not any(h.group == "natural_death" for h in hits):
        return False
    deaths = _telling().get("death_words", frozenset())
    violent = [h for h in hits if h.group in VIOLENT and h.group in matcher().triggers]
    return bool(violent) and all(_hit_forms(h, sent.doc) & deaths for h in violent)


def is_heading(sent: Span) -> bool:
    """A line with no verb ('== The attack ==', '* 2007 airfield bombing', 'Car bombs'): a
    heading or a list item names a topic, it tells no event. A title-case headline may have
    its verb tagged as a name ('Court Convicts Friend of ...'): only a line with a heading or
    list mark, or of a few words, is taken for a heading."""
    if not is_headline(sent) or any(t.pos_ in ("VERB", "AUX") for t in sent):
        return False
    words = [t for t in sent if not t.is_punct and not t.is_space]
    marked = sent.text.lstrip()[:1] in ("*", "=", "-", "#", "•")
    return marked or len(words) <= 4


def tells_act(hit: CueHit, doc: Doc) -> bool:
    """The cue tells the event itself as something done: 'gunmen killed three', 'a bomb
    exploded', 'the attack on the convoy', 'was killed by'. A weapon only named ('car bombs'),
    a party or the wounded ('the attackers', 'three were wounded'), a compound modifier ('a
    death spiral'), an event referred to ('responsibility for the attack'), a negated, planned
    or purposed act ('to target security forces') are not."""
    telling = _telling()
    forms = _hit_forms(hit, doc)
    root = hit.span(doc).root
    if forms & telling.get("not_acts", frozenset()):
        # "gunmen opened fire", not "lone-wolf attackers show patterns"; what a suicide bomber
        # did ("crashed into a patrol") is the attack itself
        verb = root.head
        bomber_acted = hit.group == "suicide" and verb.tag_ == "VBD"
        return (
            root.dep_ in ("nsubj", "nsubjpass")
            and _wielded(root)
            and (_violent_verb(verb) or bomber_acted)
        )
    if forms & telling.get("instruments", frozenset()) and not _verb_use(root):
        return _wielded(root)
    if _offence_named(root, telling.get("offence_heads", frozenset())):
        return False
    heads = telling.get("compound_heads", frozenset())
    if root.dep_ == "compound" and root.head.lemma_.lower() not in heads:
        return False
    return _realis_act(root)


def telling_hits(hits: Iterable[CueHit], doc: Doc, *, event_type: str) -> list[CueHit]:
    """The cues of a sentence that tell an event of ``event_type`` as an act."""
    family = FAMILY.get(event_type, frozenset())
    triggers = matcher().triggers
    return [h for h in hits if h.group in triggers and h.group in family and tells_act(h, doc)]


def tells_harm(hit: CueHit, doc: Doc) -> bool:
    """The cue tells harm done to someone in the simple past passive ('several officers were
    injured'): not the act itself, but word that it took place."""
    root = hit.span(doc).root
    if not ({root.lemma_.lower(), root.lower_} & _telling().get("harm_verbs", frozenset())):
        return False
    past_passive = any(c.dep_ == "auxpass" and c.tag_ == "VBD" for c in root.children)
    sufferer = any(c.dep_ == "nsubjpass" for c in root.children)
    return root.tag_ == "VBN" and past_passive and sufferer and _realis_act(root)


def harm_hits(hits: Iterable[CueHit], doc: Doc, *, event_type: str) -> list[CueHit]:
    """The cues of a sentence that tell harm done in an event of ``event_type``."""
    family = FAMILY.get(event_type, frozenset())
    triggers = matcher().triggers
    return [h for h in hits if h.group in triggers and h.group in family and tells_harm(h, doc)]
