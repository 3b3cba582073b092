"""The pipeline: documents in, events with their claims out.

``Pipeline.pipe(documents)`` streams ``Extraction`` records in input order, like spaCy's
``Language.pipe``; ``extract(text, ...)`` is the one-document convenience.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from spacy.tokens import Doc, Span, Token

from reportedly import counts, detect, timex
from reportedly.actors import Actor, ActorResolver
from reportedly.claims import RoleHit, agent_roles, make_claim, perpetrator_statements
from reportedly.dateline import find_dateline
from reportedly.detect import CueHit, Mention, Typing
from reportedly.geo import Geoparser
from reportedly.loading import long_lived
from reportedly.nlp import doc_text, load_nlp
from reportedly.records import (
    Claim,
    Document,
    Event,
    Extraction,
    Fatalities,
    Location,
    Source,
    Toponym,
)
from reportedly.resolve import Policy, one_event_per_day, resolve_event
from reportedly.sources import home_outlet

log = logging.getLogger(__name__)


@dataclass
class Context:
    """What the stages know about one document while it is being read."""

    document: Document
    doc: Doc
    sents: list[Span]
    hits: dict[int, list[CueHit]]
    times: dict[int, list[timex.TimeExpr]]
    toponyms: list[Toponym] = field(default_factory=list)
    dateline_end: int = 0
    statement_times: dict[int, list[timex.TimeExpr]] = field(default_factory=dict)
    sentence_sources: dict[int, tuple[Source, ...]] = field(default_factory=dict)
    # ISO2 of the country the document's outlet reports on (a weak geo prior), or None
    home_country: str | None = None

    @property
    def published(self) -> date | None:
        return self.document.published_date


class Pipeline:
    """All stages, loaded once: spaCy with entity rulers, gazetteer, actor lexicon."""

    def __init__(self, *, policy: Policy | None = None, names_as_of: date | None = None) -> None:
        """``names_as_of``: code actor names as ACLED's actor list read on that day (regime
        periods that closed later still read open); None: as of today."""
        self.nlp = load_nlp()
        with long_lived():
            self.geo = Geoparser()
            self.actors = ActorResolver(names_as_of=names_as_of)
        self.policy = policy or Policy()

    def pipe(self, documents: Iterable[Document], *, batch_size: int = 32) -> Iterator[Extraction]:
        """Extract every document, in input order."""
        docs = iter(documents)
        buffer: list[Document] = []
        for document in docs:
            buffer.append(document)
            if len(buffer) >= batch_size:
                yield from self._batch(buffer)
                buffer = []
        if buffer:
            yield from self._batch(buffer)

    def _batch(self, batch: list[Document]) -> Iterator[Extraction]:
        for document, doc in zip(
            batch, self.nlp.pipe(nlp_text(d.text) for d in batch), strict=True
        ):
            yield self.extract_doc(document, doc)

    def __call__(self, document: Document) -> Extraction:
        return self.extract_doc(document, self.nlp(nlp_text(document.text)))

    def extract_doc(self, document: Document, doc: Doc) -> Extraction:
        cues = detect.matcher()(doc)
        if not detect.has_trigger(cues):
            # no sentence holds an event word, so no mention opens (find_mentions) and no
            # event comes out: its dates, places and actors need not be read
            return Extraction(document.id, ())
        ctx = self._context(document, doc, cues)
        mentions = find_mentions(ctx)
        events = []
        for n, mention in enumerate(mentions):
            event = self._event(ctx, mention, n)
            if event is not None:
                events.extend(one_event_per_day(event))
        return Extraction(document.id, tuple(events))

    # --- stages ---------------------------------------------------------------------------

    def _context(self, document: Document, doc: Doc, cues: list[CueHit]) -> Context:
        sents = list(doc.sents)
        hits = detect.group_hits_by_sentence(cues)
        times: dict[int, list[timex.TimeExpr]] = {}
        bounds = [(s.start_char, s.end_char) for s in sents]
        text = doc_text(doc)
        dl = find_dateline(text)
        dateline_end = dl.end if dl else 0
        spoken: dict[int, list[timex.TimeExpr]] = {}
        for expr in timex.find_dates(text, published=document.published_date):
            if expr.start < dateline_end:
                continue  # when the reporter filed, not when the event happened
            # "..., police said on Saturday": when a source spoke; a fallback for the event day
            target = spoken if _statement_time(doc, expr) else times
            for n, (a, b) in enumerate(bounds):
                if a <= expr.start < b:
                    target.setdefault(n, []).append(expr)
        outlet = home_outlet(document.outlet)
        # an outlet the lexicon lacks may still name its country ("La Razon (Spain)")
        home = outlet.country if outlet else self.geo.outlet_country(document.outlet)
        ctx = Context(
            document, doc, sents, hits, times, dateline_end=dateline_end, statement_times=spoken,
            home_country=home,
        )
        ctx.toponyms = self.geo.toponyms(doc, outlet_country=home)
        return ctx

    def _event(self, ctx: Context, mention: Mention, n: int) -> Event | None:
        lead = ctx.sents[mention.lead]
        location = self._locate(ctx, mention, lead)
        country = location.country if location else None
        typing = detect.classify(mention, ctx.doc)
        if typing is None:
            return None
        family = detect.FAMILY[typing.event_type]
        date_expr = self._date(ctx, mention)
        on = date_expr.date if date_expr and date_expr.date else ctx.published
        claims, roles_actor = self._actor_claims(ctx, mention, country, family, on)
        first_actor1 = next((a for f, a in roles_actor if f == "actor1"), None)
        if first_actor1 is not None and typing.event_type == "Battles":
            typing = detect.classify(mention, ctx.doc, actor1_inter=first_actor1.inter) or typing
        if first_actor1 is not None:
            typing = detect.detention_by_armed_group(typing, first_actor1.kind)
            typing = detect.mob_of_organised_actor(typing, first_actor1.kind)
        first_actor2 = next((a for f, a in roles_actor if f == "actor2"), None)
        # "the army and its militia killed villagers" parsed with the army as an object:
        # a state's own forces on both sides are one side, not a battle
        same_side = (
            first_actor1 is not None and first_actor2 is not None
            and first_actor1.kind == first_actor2.kind == "state"
            and (first_actor1.name.startswith(first_actor2.name)
                 or first_actor2.name.startswith(first_actor1.name))
        )
        if first_actor2 is not None and not same_side:
            typing = detect.attack_on_armed_actor(
                typing, first_actor2.kind, victim=lead.text,
                bare_country=first_actor2.alias_matched in self.actors.k.bare_countries,
            )
        claims = self._event_claims(ctx, mention, typing) + claims
        claims += self._date_claims(ctx, date_expr)
        claims += self._location_claims(ctx, location)
        fat_claims, per_source, toll_rule = self._fatalities(ctx, mention)
        claims = _distinct(claims + fat_claims)
        event = resolve_event(
            event_id=_event_id(ctx.document.id, mention, n),
            mention=mention,
            typing=typing,
            claims=claims,
            actors=roles_actor,
            country=country,
            location=location,
            date_expr=date_expr,
            published=ctx.published,
            fatalities=counts.combine(per_source) if per_source else Fatalities(),
            policy=self.policy,
            resolver=self.actors,
            text=ctx.document.text,
        )
        # --explain: which rule decided the date and the toll, beside the typing rule
        rules = {"date_rule": date_expr.rule if date_expr else "", "toll_rule": toll_rule}
        if date_expr is not None and date_expr.kind == "range" and date_expr.span_end:
            # the days a span covers, for one event per day (resolve.one_event_per_day)
            rules |= {"span_end": date_expr.span_end.isoformat(), "span_text": date_expr.text}
        return replace(event, extras={**event.extras, **rules})

    def _locate(self, ctx: Context, mention: Mention, lead: Span) -> Location | None:
        # the dateline says where the reporter filed from, not where the event happened
        places = [t for t in ctx.toponyms if t.start >= ctx.dateline_end]
        return self.geo.locate(ctx.doc, places, start=lead.start_char, end=lead.end_char,
                               home_country=ctx.home_country)

    def _claims_for(
        self, ctx: Context, field_: str, value: str, text: str, start: int, **kw
    ) -> list[Claim]:
        span = ctx.doc.char_span(start, max(start + 1, start + len(text)), alignment_mode="expand")
        token = span.root if span is not None else ctx.doc[0]
        return make_claim(
            field_,
            value,
            text,
            token,
            doc_id=ctx.document.id,
            outlet=ctx.document.outlet,
            previous=self._sources_so_far(ctx, token),
            **kw,
        )

    def _sources_so_far(self, ctx: Context, token) -> Sequence[Source]:
        """The speakers of the sentences before ``token``'s (antecedents for 'he', 'its')."""
        return _EarlierSources(ctx, token)

    def _event_claims(self, ctx: Context, mention: Mention, typing: Typing) -> list[Claim]:
        claims: list[Claim] = []
        for sent_i in mention.sents:
            # only a cue that can tell this event type and tells it as done ("the body shop",
            # "a walk out of the restaurant" in a bombing story state no event)
            hits = ctx.hits.get(sent_i, [])
            telling = detect.telling_hits(hits, ctx.doc, event_type=typing.event_type)
            trig = [h for h in telling if not _presupposed(ctx.doc[h.start])]
            # "several officers were injured, the ministry said": harm told, a source for it
            trig = trig or detect.harm_hits(hits, ctx.doc, event_type=typing.event_type)
            stance = None
            if not trig:
                # "the road was closed after the explosion": the sentence is evidence of the
                # event, but it presupposes it without telling it, so its speaker is no source
                # (grading counts only firm stances)
                trig, stance = telling, "unknown"
            if not trig:
                continue
            span = trig[0].span(ctx.doc)
            claims += self._claims_for(
                ctx, "event", typing.sub_event_type, span.text, span.start_char, stance=stance
            )
        return claims

    def _actor_claims(
        self,
        ctx: Context,
        mention: Mention,
        country: str | None,
        family: frozenset[str],
        on: date | None,
    ) -> tuple[list[Claim], list[tuple[str, Actor]]]:
        found = self.actors.find(ctx.doc, country=country, on=on)
        known = {(m.start, m.end): m.actor for m in found}
        claims: list[Claim] = []
        roles: list[tuple[str, Actor]] = []
        for sent_i in mention.sents:
            sent = ctx.sents[sent_i]
            hits = ctx.hits.get(sent_i, [])
            hits = [h for h in hits if h.group in family]
            trigger_toks = {i for h in hits for i in range(h.start, h.end)}
            in_sent = [
                (m.start, m.end, m.text)
                for m in found
                if sent.start_char <= m.start < sent.end_char and not _is_place(ctx.doc, m)
                and not _inside_cue(ctx, sent_i, m)
            ]
            role_hits: list[RoleHit] = perpetrator_statements(sent, trigger_toks)
            claimed = {(r.start, r.end) for r in role_hits}
            if trigger_toks:
                antecedents = _subjects_before(ctx.doc, found, sent.start_char)
                role_hits += [
                    r
                    for r in agent_roles(sent, hits, in_sent + _pronoun_subjects(sent, antecedents))
                    if (r.start, r.end) not in claimed
                ]
            for rh in role_hits:
                # the actor found at that very span ("Apuk" in "the Apuk and Aguok
                # communities" is named by the shared head word, not by its own text)
                actor = known.get((rh.start, rh.end)) if rh.stance != "unknown" else None
                actor = actor or self._actor_value(
                    rh, country, on, typing_air=_has(hits, "air", "strike_bare"),
                    text=ctx.doc.text,
                )
                if actor is None:
                    continue
                roles.append((rh.field, actor))
                stance = rh.stance or _hedged_actor(rh.text)
                claims += self._claims_for(
                    ctx, rh.field, actor.name, rh.text, rh.start, stance=stance, source=rh.source
                )
        return claims, roles

    def _actor_value(
        self, rh: RoleHit, country: str | None, on: date | None, *, typing_air: bool,
        text: str = "",
    ) -> Actor | None:
        if rh.stance == "unknown":
            return self.actors.unidentified(country, text=text, air=typing_air)
        actor = self.actors.resolve(rh.text, country=country, on=on)
        if actor is not None and actor.name == f"Unidentified Armed Group ({country})":
            actor = self.actors.unidentified(country, text=text)
        return actor

    def _date(self, ctx: Context, mention: Mention) -> timex.TimeExpr | None:
        exprs = [e for i in mention.sents for e in ctx.times.get(i, [])]
        lead = [e for e in ctx.times.get(mention.lead, []) if e.date and not e.is_background]
        if mention.role == "main" and lead:
            # the lead sentence tells the news with its date; a later day in the story
            # ("appeared in court on Thursday") belongs to what followed
            exprs = lead
        if mention.role == "main" and not any(e.date and not e.is_background for e in exprs):
            exprs += [e for i in mention.sents for e in ctx.statement_times.get(i, [])]
        triggers = _trigger_tokens(ctx, mention)
        if mention.role == "main":
            exprs = [e for e in exprs if not e.is_background]
            # "vowed on Friday ... after a bomb killed six on Thursday": the day the event's
            # own words carry wins over the day of what followed it (a day, not a vaguer one)
            exprs = [
                e for e in exprs
                if e.time_precision == 1 and e.date and _tells_event(ctx.doc, e, triggers)
            ] or exprs
        else:
            exprs = [e for e in exprs if e.is_background] or exprs
        chosen = (
            timex.event_date(exprs, published=ctx.published)
            if mention.role == "main"
            else (exprs[0] if exprs else None)
        )
        spoken = chosen is not None and any(
            chosen is e for i in mention.sents for e in ctx.statement_times.get(i, [])
        )
        where = "the day a source spoke, no other day told" if spoken else ""
        if mention.role == "main" and chosen is not None:
            chosen, where = _counted_back(ctx.doc, chosen, triggers, where)
        rule = timex.date_rule(chosen, published=ctx.published, fallback=where)
        if chosen is None:
            return timex.TimeExpr(0, 0, "", None, None, None, rule=rule)
        return replace(chosen, rule=rule)

    def _date_claims(self, ctx: Context, expr: timex.TimeExpr | None) -> list[Claim]:
        if expr is None or expr.date is None:
            return []
        return self._claims_for(ctx, "event_date", expr.date.isoformat(), expr.text, expr.start)

    def _location_claims(self, ctx: Context, location: Location | None) -> list[Claim]:
        if location is None:
            return []
        top = next(
            (t for t in ctx.toponyms if t.geonameid and t.geonameid == location.geonameid), None
        )
        if top is None:
            top = next((t for t in ctx.toponyms if t.name == location.name), None)
        if top is None:
            return []
        return self._claims_for(ctx, "location", location.name, top.text, top.start)

    def _fatalities(
        self, ctx: Context, mention: Mention
    ) -> tuple[list[Claim], list[Fatalities], str]:
        """The fatality claims, each source's figure, and the codebook rule that decided."""
        claims: list[Claim] = []
        per_source: dict[str, list[counts.Toll]] = {}
        for sent_i in mention.sents:
            sent = ctx.sents[sent_i]
            for toll in counts.parse_tolls(sent.text):
                if toll.kind == "injured":
                    continue
                start = sent.start_char + toll.start
                value = _toll_value(toll)
                stance = "unknown" if toll.kind == "unknown" else None
                made = self._claims_for(ctx, "fatalities", value, toll.text, start, stance=stance)
                claims += made
                for c in made:
                    per_source.setdefault(c.source.name, []).append(toll)
        figures = [_fatalities_of(tolls) for tolls in per_source.values()]
        rule = counts.toll_rule(list(per_source.values()))
        return claims, [f for f in figures if f is not None], rule


class _EarlierSources(Sequence[Source]):
    """The speakers of the sentences before a token's, in order, worked out on first read:
    only a pronoun speaker ('he said', 'its monitors') reads them, and most claims have
    none. Each sentence's speakers are worked out once per document (``ctx``)."""

    def __init__(self, ctx: Context, token: Token) -> None:
        self._ctx, self._token = ctx, token
        self._sources: list[Source] | None = None

    def _all(self) -> list[Source]:
        if self._sources is None:
            from reportedly.sources import attribute

            ctx, out = self._ctx, []
            before = self._token.sent.start
            for n, s in enumerate(ctx.sents):
                if s.end > before:
                    break
                if n not in ctx.sentence_sources:
                    ctx.sentence_sources[n] = attribute(s.root, outlet=ctx.document.outlet).sources
                out.extend(ctx.sentence_sources[n])
            self._sources = out
        return self._sources

    def __getitem__(self, i):  # type: ignore[override]
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._all())


def nlp_text(text: str) -> str:
    """The text the parser reads: the dateline blanked out (same length, so every character
    offset still points into the document), since it names where the reporter filed from and
    would otherwise be read as the subject of the first sentence."""
    dl = find_dateline(text)
    return " " * dl.end + text[dl.end :] if dl else text


def _distinct(claims: list[Claim]) -> list[Claim]:
    """One claim per source, value and sentence: two rules reading the same words (an agent
    role and 'was behind') state it once."""
    seen: set[tuple] = set()
    out = []
    for c in claims:
        key = (c.field, c.value, c.source.name, c.source.via, c.stance, c.evidence.start)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _presupposed(tok) -> bool:
    """'closed after the explosion': an event named in a time adjunct is not reported there
    (its speaker does not tell the event, so it is no source for it). A verb in the adjunct
    is told: 'carried the bombs to the street before detonating them'."""
    head = tok.head
    in_adjunct = head.dep_ == "prep" and head.lower_ in (
        "after", "before", "since", "following", "until")
    return in_adjunct and tok.tag_ != "VBG"


def _trigger_tokens(ctx: Context, mention: Mention) -> set[int]:
    """The tokens of the mention's triggers that can tell its event type ('a protest for
    the death of a clerk': the death is not the protest's trigger)."""
    typing = detect.classify(mention, ctx.doc)
    family = detect.FAMILY.get(typing.event_type, frozenset()) if typing else frozenset()
    triggers = detect.matcher().triggers & family
    return {i for h in mention.hits if h.group in triggers for i in range(h.start, h.end)}


def _verb(tok: Token) -> Token | None:
    """The verb of the clause a token belongs to (the token itself when it is one)."""
    for node in (tok, *tok.ancestors):
        if node.pos_ in ("VERB", "AUX"):
            return node
    return None


def _tells_event(doc: Doc, expr: timex.TimeExpr, triggers: set[int]) -> bool:
    """A time expression of the event itself: its head, or the head of its preposition, is
    an event trigger ("killed on Monday", "fighting on Wednesday", "Wednesday's strike"), or
    the verb of the clause a trigger tells ("a bomb went off on Monday"). Only that close:
    a date deep in a noun phrase ("in support of ... the 24 June decision") is another's."""
    span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
    if span is None or not triggers:
        return False
    node = span.root
    for _ in range(2):
        if node.head == node:
            return False
        node = node.head
        if node.i in triggers or _period_of(node, triggers):
            return True
        if node.pos_ in ("VERB", "AUX"):
            return any(_event_verb(doc[i]) == node for i in triggers)
        if node.pos_ != "ADP":
            return False
    return False


def _period_of(node: Token, triggers: set[int]) -> bool:
    """'a day of fighting on Wednesday': a period noun whose of-phrase is the event."""
    return any(
        c.dep_ == "prep" and c.lower_ == "of" and any(g.i in triggers for g in c.children)
        for c in node.children
    )


# "returned on Thursday after a day of fighting": an event named in a time adjunct does
# not lend its clause's day to itself
_TIME_ADJUNCTS = frozenset({"after", "before", "since", "following", "until"})
# "buried their dead on Saturday", "attended the funeral of the victims on Tuesday": an event
# word that is only the object of another act does not make that act's day its own
_OBJECT_DEPS = frozenset({"dobj", "dative", "attr", "oprd"})


def _event_verb(tok: Token) -> Token | None:
    """The clause verb an event trigger is told by (the trigger itself when it is a verb);
    None when a time adjunct or an object relation lies between them."""
    for node in (tok, *tok.ancestors):
        if node.pos_ in ("VERB", "AUX"):
            return node
        if node.lower_ in _TIME_ADJUNCTS or node.dep_ in _OBJECT_DEPS:
            return None
    return None


def _counted_back(
    doc: Doc, chosen: timex.TimeExpr, triggers: set[int], where: str
) -> tuple[timex.TimeExpr, str]:
    """The day told, moved back by 'a day after <the event>' when the day is not the
    event's own; with the account of the move for ``--explain``."""
    if chosen.date is None or chosen.time_precision != 1 or _tells_event(doc, chosen, triggers):
        return chosen, where
    earlier = _interval_before(doc, chosen, triggers)
    if earlier is None:
        return chosen, where
    days, measure = earlier
    moved = replace(chosen, date=chosen.date - timedelta(days=days))
    return moved, f"the event was '{measure} after' it: {days} day(s) before"


def _interval_before(
    doc: Doc, expr: timex.TimeExpr, triggers: set[int]
) -> tuple[int, str] | None:
    """'swept up glass on Wednesday, a day after shells slammed into the market': the event
    sits in an 'after' adjunct with a measure of days under the clause that carries the day;
    returns the days to go back and the measure, or None."""
    span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
    verb = _verb(span.root.head) if span is not None and span.root.head != span.root else None
    if verb is None:
        return None
    for i in sorted(triggers):
        path = []
        for node in (doc[i], *doc[i].ancestors):
            if node == verb:
                break
            path.append(node)
        else:
            continue  # this trigger is not under the clause that carries the day
        for node in path:
            found = _after_measure(node)
            if found is not None:
                return found
    return None


def _after_measure(node: Token) -> tuple[int, str] | None:
    """The measure of an 'after' on this node: 'a day after' (mark or preposition)."""
    afters = [node] if node.lower_ == "after" else [
        c for c in node.children if c.lower_ == "after" and c.dep_ in ("mark", "prep")]
    for after in afters:
        for cand in (*after.children, *node.children):
            if cand.dep_ != "npadvmod":
                continue
            measure = _left_text(cand)
            days = timex.interval_days(measure)
            if days is not None:
                return days, measure
    return None


def _left_text(tok: Token) -> str:
    """The words of a token's subtree up to the token ('a day', 'two days')."""
    left = min(t.i for t in tok.subtree)
    return tok.doc[left : tok.i + 1].text


def _toll_value(toll: counts.Toll) -> str:
    if toll.kind == "unknown":
        return "unknown"
    if toll.kind == "none":
        return "0"
    if toll.low is not None and toll.high is not None and toll.high != toll.low:
        return f"{toll.low}-{toll.high}"
    if toll.low is not None:
        return str(toll.low)
    return toll.vague or toll.text


def _fatalities_of(tolls: list[counts.Toll]) -> Fatalities | None:
    killed = [t for t in tolls if t.kind in ("killed", "none")]
    if not killed:
        return None
    acled = counts.acled_fatalities(killed)
    lows = [t.low for t in killed if t.low is not None]
    highs = [t.high if t.high is not None else t.low for t in killed if t.low is not None]
    low = sum(lows) if lows else (0 if any(t.kind == "none" for t in killed) else None)
    high = sum(h for h in highs if h is not None) if highs else low
    return Fatalities(acled, low, low if low == high else None, high)


def _inside_cue(ctx: Context, sent_i: int, mention) -> bool:
    """'Movement of forces', 'joined forces': a head word inside a longer phrase of a
    change in a group's activity is part of the phrase, not an actor ('clashed with the
    police' names its other side, and keeps it)."""
    for h in ctx.hits.get(sent_i, []):
        if h.group != "change_group":
            continue
        span = h.span(ctx.doc)
        inside = span.start_char <= mention.start and mention.end <= span.end_char
        if inside and (span.end_char - span.start_char) > (mention.end - mention.start):
            return True
    return False


def _is_place(doc: Doc, mention) -> bool:
    """A country or town name that is not the subject of its clause is a place, not an actor."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or span.root.ent_type_ not in ("GPE", "LOC", "FAC"):
        return False
    if span[-1].ent_type_ not in ("GPE", "LOC", "FAC"):
        return False  # "a US military patrol": the country owns the force that is named
    return span.root.dep_ not in detect.SUBJECT_DEPS


# "presumed JNIM militants attacked": the report names a suspect, and ACLED codes the named
# suspect; the hedge qualifies who they are, not whether the event happened.
_SUSPECT_WORDS = frozenset({"presumed", "suspected", "alleged", "assumed", "reported"})


def _hedged_actor(text: str) -> str | None:
    """'alleged' for an actor phrase that itself says the actor is a suspect, else None."""
    words = text.lower().split()
    if words and words[0] in ("the", "a", "an", "some"):
        words = words[1:]
    return "alleged" if words and words[0] in _SUSPECT_WORDS else None


def _has(hits: list[CueHit], *groups: str) -> bool:
    return any(h.group in groups for h in hits)


def _subjects_before(doc: Doc, found, before: int) -> list[tuple[int, int, str]]:
    """Actors that were the subject of a clause before a point: antecedents for 'it'/'they'."""
    out = []
    for m in found:
        if m.start >= before:
            break
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None and span.root.dep_ in detect.SUBJECT_DEPS:
            out.append((m.start, m.end, m.text))
    return out


def _pronoun_subjects(
    sent: Span, subjects: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """A pronoun subject ('Last month it launched...') stands for the last actor named before."""
    if not subjects:
        return []
    out = []
    for tok in sent:
        if tok.dep_ in detect.SUBJECT_DEPS and tok.lower_ in ("it", "they"):
            out.append((tok.idx, tok.idx + len(tok.text), subjects[-1][2]))
    return out


def _event_id(doc_id: str, mention: Mention, n: int) -> str:
    return hashlib.sha1(f"{doc_id}:{n}:{mention.role}:{mention.lead}".encode()).hexdigest()[:16]


# --- mentions across the document -------------------------------------------------------------


def find_mentions(ctx: Context) -> list[Mention]:
    """Read the sentences in order with a discourse focus; see detect.py's module docstring."""
    mentions: list[Mention] = []
    focus: Mention | None = None
    main: Mention | None = None
    for i, sent in enumerate(ctx.sents):
        hits = ctx.hits.get(i, [])
        times = [t for t in ctx.times.get(i, []) if not _earlier_act_time(ctx.doc, t, hits)]
        if detect.is_tally(sent, hits):
            continue  # "has claimed several lives this year": a running total
        triggered = detect.has_trigger(hits)
        has_day = any(t.time_precision == 1 and t.date for t in times)
        if triggered and (
            detect.is_generic(sent, hits, has_day=has_day)
            or detect.is_irrealis(sent, hits)
            or _ongoing(sent, times, hits)
            or detect.is_natural_death(sent, hits)
            or detect.is_perfect_record(sent, hits, has_day=has_day)
            or detect.is_heading(sent)
            or _since_perfect(sent)
            or (not times and detect.is_habitual(sent, hits))
        ):
            continue
        # "On 3 February, ultras protested against the January transfer window": an
        # explicit day of its own keeps a sentence in the news despite an earlier month in it
        own_day = any(t.time_precision == 1 and t.date and not t.is_background for t in times)
        background = any(t.is_background for t in times) and not own_day
        if triggered and main is not None and not background and detect.is_follow_up(sent, hits):
            continue  # "arrested in connection with the killing": follows the news
        if triggered and (background or focus is None or _new_date(times, focus, ctx, hits)):
            focus = Mention("background" if background else "main", [i], i, list(hits))
            mentions.append(focus)
            if focus.role == "main" and main is None:
                main = focus
            continue
        if focus is None:
            continue
        target = focus
        if focus.role == "background" and main is not None and _refers_to_main(sent, hits, times):
            target = main
            focus = main
        target.sents.append(i)
        target.hits.extend(hits)
    return [m for m in mentions if m.role == "main"] + [m for m in mentions if m.role != "main"]


def _ongoing(sent: Span, times: list[timex.TimeExpr], hits: list[CueHit]) -> bool:
    """'has killed thousands since 2009', 'has claimed several lives this year': a tally over
    a period, told in the perfect, is not one event. The event words' own clause in the present
    perfect only: 'had been questioned in the past' (reported speech), 'believed to have
    planted' and 'a court has convicted the friend of the bombing suspect' tell one act. A
    clause joined to the event words' own counts with it: 'fighting broke out in mid-April and
    has since spread' tells how a conflict began and went on."""
    if not times or any(t.time_precision == 1 and t.date for t in times):
        return False
    triggers = detect.matcher().triggers
    perfect = any(
        h.group in triggers and _perfect_or_joined(sent.doc[h.start]) for h in hits
    )
    return perfect or any(
        t.relation == "since" and not _since_of_noun(sent.doc, t) for t in times
    )


def _perfect_or_joined(tok) -> bool:
    """The token's clause, or a clause coordinated with it, is in the present perfect."""
    if detect._perfect(tok):
        return True
    verbs = [t for t in (tok, *list(tok.ancestors)[:2]) if t.pos_ in ("VERB", "AUX")]
    return any(
        c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and detect._perfect(c)
        for v in verbs
        for c in v.children
    )


def _since_of_noun(doc: Doc, expr: timex.TimeExpr) -> bool:
    """'the first death of a general since 2017': a 'since' that qualifies a noun dates one
    event against an earlier one; it is no period over which something went on."""
    span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
    if span is None:
        return False
    since = next((t for t in (span.root, span.root.head) if t.lower_ == "since"), None)
    return since is not None and since.head.pos_ in ("NOUN", "PROPN")


def _since_perfect(sent: Span) -> bool:
    """'has seized large parts of the territory since it resumed fighting'. The present
    perfect only: 'blocked traffic, a demand they had been making since January' tells one
    act, with an older grievance beside it in the past perfect."""
    perfect = any(t.dep_ == "aux" and t.lemma_ == "have" and t.tag_ != "VBD" for t in sent)
    return perfect and any(t.lower_ == "since" and t.dep_ in ("mark", "prep") for t in sent)


def _earlier_act_time(doc: Doc, expr: timex.TimeExpr, hits: list[CueHit]) -> bool:
    """'the owner, who said he had bought it two months ago': a time in a past-perfect clause
    with no event word in it dates an earlier act told as background, not the event."""
    span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
    if span is None:
        return False
    verb = next((t for t in (span.root, *span.root.ancestors) if t.pos_ in ("VERB", "AUX")), None)
    if verb is None or not any(
        c.dep_ in ("aux", "auxpass") and c.lemma_ == "have" and c.tag_ == "VBD"
        for c in verb.children
    ):
        return False
    triggers = detect.matcher().triggers
    clause = {t.i for t in verb.subtree}
    return not any(h.group in triggers and h.start in clause for h in hits)


def _statement_time(doc: Doc, expr: timex.TimeExpr) -> bool:
    """'..., police said on Saturday': the day a source spoke, not the day of the event."""
    from reportedly.sources import REPORTING_LEMMAS

    span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
    if span is None:
        return False
    node = span.root
    for _ in range(3):
        if node.head.i == node.i:
            return False
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node.lemma_.lower() in REPORTING_LEMMAS
    return False


def _new_date(
    times: list[timex.TimeExpr], focus: Mention, ctx: Context, hits: list[CueHit]
) -> bool:
    """A sentence whose event verb has an explicit day that differs from the focus's day."""
    trigger_toks = {
        i for h in hits if h.group in detect.matcher().triggers for i in range(h.start, h.end)
    }
    days = [
        t.date
        for t in times
        if t.date
        and t.time_precision == 1
        and t.relation == "on"
        and _governed_by(ctx.doc, t, trigger_toks)
    ]
    if not days:
        return False
    focus_days = [t.date for i in focus.sents for t in ctx.times.get(i, []) if t.date]
    return bool(focus_days) and days[0] not in focus_days


def _governed_by(doc: Doc, expr: timex.TimeExpr, tokens: set[int]) -> bool:
    span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
    if span is None:
        return False
    return any(a.i in tokens for a in list(span.root.ancestors)[:4])


def _refers_to_main(sent: Span, hits: list[CueHit], times: list[timex.TimeExpr]) -> bool:
    """'the strike' (singular, definite) after a background passage points back to the news."""
    if times:
        return False
    for h in hits:
        tok = sent.doc[h.end - 1]
        if h.group in detect.matcher().triggers and tok.tag_ == "NN":
            # "the strike", "this attack", "Wednesday's blast" (a day as possessor)
            if any(c.lower_ in ("the", "this") or (c.dep_ == "poss" and c.ent_type_ == "DATE")
                   for c in tok.children):
                return True
    return False


_DEFAULT: Pipeline | None = None


def default_pipeline() -> Pipeline:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Pipeline()
    return _DEFAULT


def extract(
    text: str,
    *,
    published: str | date | None = None,
    outlet: str | None = None,
    doc_id: str | None = None,
) -> Extraction:
    """Extract the events of one report."""
    document = Document.from_text(text, id=doc_id, published=published, outlet=outlet)
    return default_pipeline()(document)
