"""Review: reviewers accept or reject claims, correct fields, merge and split events.

Every change is an audit record (who, when, before, after). Verdicts are keyed by a claim's
own identity (``claim_id``: document, field, value, source, evidence span), not by the event
that holds it, so they follow the claim through rebuilds, merges and splits; corrections
belong to an event. Both are applied again whenever the store rebuilds or fuses an event, so
corrected values win over extracted ones when reports are extracted again:

- a rejected claim stops counting in the fusion (it no longer competes for actor1, the toll,
  the grade) but stays listed with its verdict; an accepted one counts as before;
- a corrected field shows the reviewer's value (in the API, the filters and every export),
  whatever the claims say.

``Reviews`` is the store's half of it (``Store.review_claim``, ``correct``, ``merge``,
``split``, ``audit``); the functions here are pure and work on records.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from reportedly import lexicons
from reportedly.errors import E, ReportedlyError
from reportedly.records import Claim, Event, Fatalities, Location, document_id

VERDICTS = ("accepted", "rejected")
FIELDS = ("event_type", "sub_event_type", "actor1", "actor2", "assoc_actor_1", "assoc_actor_2",
          "event_date", "location", "fatalities")
# Fields a reviewer may empty (an event always has a type, a sub-type and a toll).
NULLABLE = frozenset({"actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "event_date",
                      "location"})
NAME_MAX = 200
AUDIT_MAX = 500


class NotFound(LookupError):
    """An event or claim a review names is not in the store."""


def claim_id(claim: Claim) -> str:
    """A claim's stable id: a hash of what makes it this claim in any event (its document,
    field, value, source and evidence span)."""
    key = json.dumps([claim.evidence.doc_id, claim.field, claim.value, claim.source.name,
                      claim.evidence.start, claim.evidence.end], ensure_ascii=False)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def without(event: Event, rejected: set[str]) -> Event:
    """One report's event as the fusion counts it: without its rejected claims, and without
    the values (actor, place, date, toll) that only rejected claims of the report stated."""
    kept = tuple(c for c in event.claims if claim_id(c) not in rejected)
    if len(kept) == len(event.claims):
        return event
    gone = [c for c in event.claims if claim_id(c) in rejected]

    def unbacked(field: str, value: str | None) -> bool:
        said = {c.value for c in gone if c.field == field}
        return value is not None and value in said and value not in {
            c.value for c in kept if c.field == field}

    changes: dict[str, Any] = {"claims": kept}
    if unbacked("actor1", event.actor1):
        changes.update(actor1=None, inter1=None)
    if unbacked("actor2", event.actor2):
        changes.update(actor2=None, inter2=None)
    if event.location is not None and unbacked("location", event.location.name):
        changes["location"] = None
    if event.event_date is not None and unbacked("event_date", event.event_date.isoformat()):
        changes.update(event_date=None, time_precision=None)
    if any(c.field == "fatalities" for c in gone):
        changes["fatalities"] = _toll_of([c for c in kept if c.field == "fatalities"],
                                         event.fatalities)
    return replace(event, **changes)


def _toll_of(claims: list[Claim], stated: Fatalities) -> Fatalities:
    """A report's toll from the figures its remaining claims give (none left: no toll)."""
    figures = sorted(int(c.value) for c in claims if c.value.isdigit())
    if not figures:
        return stated if claims else Fatalities(0)
    best = max(set(figures), key=lambda v: (figures.count(v), -v))
    return Fatalities(figures[0], figures[0], best, figures[-1])


def with_claims(event: Event, extra: list[Claim]) -> Event:
    """The event listing ``extra`` claims too (once each), after its own."""
    seen = {claim_id(c) for c in event.claims}
    added = []
    for c in extra:
        if claim_id(c) not in seen:
            seen.add(claim_id(c))
            added.append(c)
    return replace(event, claims=(*event.claims, *added)) if added else event


def stamp(at: datetime | None) -> str | None:
    """A stored UTC time as ISO 8601 with its offset."""
    return at.replace(tzinfo=UTC).isoformat() if at is not None else None


def decorate(body: dict[str, Any], *, reviews: dict[str, dict[str, Any]],
             corrections: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An event body as the API shows it: each claim with its ``claim_id`` and ``review``
    (None or {verdict, reviewer, at}), the event with its ``corrections``."""
    claims = []
    for c in body.get("claims", ()):
        cid = claim_id(Claim.from_dict(c))
        claims.append({**c, "claim_id": cid, "review": reviews.get(cid)})
    return {**body, "claims": claims, "corrections": {
        field: {"value": c["value"], "reviewer": c["reviewer"], "at": c["at"]}
        for field, c in sorted(corrections.items())}}


# --- corrections ----------------------------------------------------------------------------


@cache
def _subtypes() -> dict[str, dict[str, Any]]:
    return lexicons.load("triggers")["subtypes"]


@cache
def _event_types() -> dict[str, str]:
    return lexicons.load("triggers")["disorder_types"]


def _refuse(field: str, reason: str) -> ReportedlyError:
    return ReportedlyError(E.E212, field=field, reason=reason, choices=", ".join(FIELDS))


def check_correction(field: str, value: Any) -> Any:
    """The value a correction stores (JSON-ready), or E212 saying what is wrong with it."""
    if field not in FIELDS:
        raise _refuse(field, "not a correctable field")
    if value is None:
        if field not in NULLABLE:
            raise _refuse(field, "it cannot be empty")
        return None
    check = _CHECKS[field]
    return check(field, value)


def _name(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > NAME_MAX:
        raise _refuse(field, f"give a name of 1-{NAME_MAX} characters")
    return value.strip()


def _event_type(field: str, value: Any) -> str:
    if value not in _event_types():
        raise _refuse(field, "not an ACLED event type; one of " + ", ".join(_event_types()))
    return value


def _sub_event_type(field: str, value: Any) -> str:
    if value not in _subtypes():
        raise _refuse(field, "not an ACLED sub-event type")
    return value


def _event_date(field: str, value: Any) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise _refuse(field, "give a date as YYYY-MM-DD") from None


def _location(field: str, value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict) or not isinstance(value.get("name"), str) \
            or not value["name"].strip() or len(value["name"]) > NAME_MAX:
        raise _refuse(field, 'give {"name", "lat", "lon", ...} (at least a name)')
    try:
        loc = Location.from_dict(value)
        lat = None if loc.lat is None else float(loc.lat)
        lon = None if loc.lon is None else float(loc.lon)
    except (TypeError, ValueError):
        raise _refuse(field, "lat and lon must be numbers") from None
    if (lat is None) != (lon is None) or lat is not None and not (
            -90 <= lat <= 90 and -180 <= lon <= 180):  # type: ignore[operator]
        raise _refuse(field, "give both lat (within ±90) and lon (within ±180), or neither")
    return replace(loc, name=loc.name.strip(), lat=lat, lon=lon).to_dict()


def _fatalities(field: str, value: Any) -> dict[str, Any]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = {"acled": value, "low": value, "best": value, "high": value}
    if not isinstance(value, dict) or set(value) - {"acled", "low", "best", "high"}:
        raise _refuse(field, 'give a number, or {"acled", "low", "best", "high"}')
    figures = {k: value.get(k) for k in ("acled", "low", "best", "high")}
    if figures["acled"] is None:
        figures["acled"] = figures["low"] if figures["low"] is not None else 0
    if any(v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0
                              or v > 10**7) for v in figures.values()):
        raise _refuse(field, "figures are whole numbers from 0")
    known = [figures[k] for k in ("low", "best", "high") if figures[k] is not None]
    if known != sorted(known):
        raise _refuse(field, "low <= best <= high")
    return figures


_CHECKS = {
    "event_type": _event_type, "sub_event_type": _sub_event_type, "actor1": _name,
    "actor2": _name, "assoc_actor_1": _name, "assoc_actor_2": _name,
    "event_date": _event_date, "location": _location, "fatalities": _fatalities,
}


def apply_corrections(event: Event, corrections: dict[str, dict[str, Any]]) -> Event:
    """The event with each corrected field set to the reviewer's value. A corrected sub-type
    brings its type, disorder type and PLOVER event (unless the type is corrected too); a
    corrected actor gets its ACLED inter code where the actor lexicon knows it; the summary
    is written again."""
    if not corrections:
        return event
    values = {field: c["value"] for field, c in corrections.items() if field in FIELDS}
    changes: dict[str, Any] = {}
    if "sub_event_type" in values:
        spec = _subtypes()[values["sub_event_type"]]
        changes.update(sub_event_type=values["sub_event_type"], event_type=spec["event_type"],
                       disorder_type=spec.get("disorder_type")
                       or _event_types()[spec["event_type"]])
        changes["plover"] = replace(event.plover, event=spec["plover"][0],
                                    mode=spec["plover"][1])
    if "event_type" in values:
        changes.update(event_type=values["event_type"],
                       disorder_type=_event_types()[values["event_type"]])
    for field in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
        if field in values:
            changes[field] = values[field]
    if "event_date" in values:
        changes["event_date"] = date.fromisoformat(values["event_date"]) \
            if values["event_date"] else None
    if "location" in values:
        changes["location"] = Location.from_dict(values["location"]) \
            if values["location"] else None
    if "fatalities" in values:
        changes["fatalities"] = Fatalities.from_dict(values["fatalities"])
    corrected = replace(event, **changes)
    corrected = _recode_actors(corrected, values)
    from reportedly.resolve import summary

    return replace(corrected, notes=summary(corrected))


def _recode_actors(event: Event, values: dict[str, Any]) -> Event:
    from reportedly.actors import inter_code, interaction

    if "actor1" not in values and "actor2" not in values:
        return event
    country = event.location.country if event.location else None
    codes = {}
    for field, inter in (("actor1", "inter1"), ("actor2", "inter2")):
        if field in values:
            name = values[field]
            actor = _resolver().resolve(name, country=country) if name else None
            codes[inter] = inter_code(actor, event_country=country) if actor else (
                None if name is None else getattr(event, inter))
    event = replace(event, **codes)
    return replace(event, interaction=interaction(event.inter1, event.inter2))


@cache
def _resolver() -> Any:
    from reportedly.actors import ActorResolver

    return ActorResolver()


def _shown(event: Event, field: str) -> Any:
    """A field's value as the event shows it, in its JSON form."""
    return event.to_dict().get(field)


# --- the store's half -----------------------------------------------------------------------


class Reviews:
    """Review operations of ``reportedly.store.Store`` (a mixin: it uses the store's
    connection, transactions and rebuild)."""

    con: Any
    dialect: Any

    # lookups ---------------------------------------------------------------------------

    def _rejected(self) -> set[str]:
        rows = self.con.execute(
            "SELECT claim_id FROM claim_reviews WHERE verdict = 'rejected'").fetchall()
        return {r[0] for r in rows}

    def _claim_reviews(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        wanted = set(ids)
        rows = self.con.execute(
            "SELECT claim_id, verdict, reviewer, created_at FROM claim_reviews").fetchall()
        return {cid: {"verdict": verdict, "reviewer": who, "at": stamp(at)}
                for cid, verdict, who, at in rows if cid in wanted}

    def _corrections(self, event_id: str) -> dict[str, dict[str, Any]]:
        rows = self.con.execute(
            "SELECT field, value, reviewer, created_at FROM corrections WHERE event_id = ?",
            [event_id]).fetchall()
        return {field: {"value": json.loads(value), "reviewer": who, "at": stamp(at)}
                for field, value, who, at in rows}

    def _require(self, event_id: str) -> Event:
        event = self.event(event_id)  # type: ignore[attr-defined]
        if event is None:
            raise NotFound(f"no event {event_id!r}")
        return event

    def _current_documents(self, event_id: str) -> list[str]:
        rows = self.con.execute(
            "SELECT DISTINCT m.doc_id FROM mentions m JOIN documents d ON d.id = m.doc_id "
            "WHERE m.event_id = ? AND d.superseded_by IS NULL ORDER BY m.doc_id",
            [event_id]).fetchall()
        return [r[0] for r in rows]

    def _audit(self, *, reviewer: str, action: str, event_id: str, before: Any, after: Any,
               note: str | None, other: str | None = None) -> None:
        from reportedly.store import _now

        row = self.con.execute("SELECT coalesce(max(id), 0) + 1 FROM audit").fetchone()
        self.con.execute(
            "INSERT INTO audit (id, created_at, reviewer, action, event_id, other_event_id, "
            "before, after, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [row[0] if row else 1, _now(), reviewer, action, event_id, other,
             json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False),
             note])

    # changes ---------------------------------------------------------------------------

    def review_claim(self, event_id: str, claim: str, *, verdict: str, reviewer: str,
                     note: str | None = None) -> Event:
        """Accept or reject one claim of an event (by ``claim_id``); the event is fused again
        and returned. NotFound for an unknown event or claim, E213 for a bad verdict."""
        from reportedly.store import _now

        if verdict not in VERDICTS:
            raise ReportedlyError(E.E213, verdict=verdict, choices=", ".join(VERDICTS))
        with self._transaction():  # type: ignore[attr-defined]
            event = self._require(event_id)
            if claim not in {claim_id(c) for c in event.claims}:
                raise NotFound(f"no claim {claim!r} in event {event_id!r}")
            before = self._claim_reviews([claim]).get(claim)
            self.con.execute("DELETE FROM claim_reviews WHERE claim_id = ?", [claim])
            self.con.execute("INSERT INTO claim_reviews VALUES (?, ?, ?, ?, ?)",
                             [claim, verdict, reviewer, _now(), note])
            self._audit(reviewer=reviewer, action="review", event_id=event_id,
                        before={"claim_id": claim, "review": before},
                        after={"claim_id": claim, "review": self._claim_reviews([claim])[claim]},
                        note=note)
            self._rebuild({event_id})  # type: ignore[attr-defined]
        return self._require(event_id)

    def correct(self, event_id: str, *, field: str, value: Any, reviewer: str,
                note: str | None = None) -> Event:
        """Set a field of an event to a reviewer's value, kept over whatever the claims say
        from now on; the event is returned as it now shows. E212 for a bad field or value."""
        from reportedly.store import _now

        stored = check_correction(field, value)
        with self._transaction():  # type: ignore[attr-defined]
            event = self._require(event_id)
            before = _shown(event, field)
            self.con.execute("DELETE FROM corrections WHERE event_id = ? AND field = ?",
                             [event_id, field])
            self.con.execute("INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?)",
                             [event_id, field, json.dumps(stored, ensure_ascii=False),
                              reviewer, _now(), note])
            self._rebuild({event_id})  # type: ignore[attr-defined]
            after = _shown(self._require(event_id), field)
            self._audit(reviewer=reviewer, action="correct", event_id=event_id,
                        before={"field": field, "value": before},
                        after={"field": field, "value": after}, note=note)
        return self._require(event_id)

    def merge(self, event_id: str, other: str, *, reviewer: str,
              note: str | None = None) -> Event:
        """Fold event ``other`` into ``event_id``: its reports, claims and corrections (where
        the kept event has none for the field) move over and ``other`` is gone."""
        with self._transaction():  # type: ignore[attr-defined]
            if other == event_id:
                raise ReportedlyError(E.E214, action="merge", event_id=event_id,
                                      reason="an event cannot be merged with itself")
            self._require(event_id)
            self._require(other)
            before = {"event_id": event_id, "other": other,
                      "documents": {event_id: self._current_documents(event_id),
                                    other: self._current_documents(other)}}
            self.con.execute("UPDATE mentions SET event_id = ? WHERE event_id = ?",
                             [event_id, other])
            self.con.execute(
                "UPDATE corrections SET event_id = ? WHERE event_id = ? AND field NOT IN "
                "(SELECT field FROM corrections WHERE event_id = ?)", [event_id, other, event_id])
            self.con.execute("DELETE FROM corrections WHERE event_id = ?", [other])
            self._delete_event(other)  # type: ignore[attr-defined]
            self._rebuild({event_id})  # type: ignore[attr-defined]
            after = {"event_id": event_id, "documents": self._current_documents(event_id)}
            self._audit(reviewer=reviewer, action="merge", event_id=event_id, before=before,
                        after=after, note=note, other=other)
        return self._require(event_id)

    def split(self, event_id: str, *, documents: list[str], reviewer: str,
              note: str | None = None) -> tuple[Event, Event]:
        """Move the listed documents' reports of an event to a new event of their own; gives
        (kept, new). E214 when a document is not the event's, or none would stay."""
        wanted = sorted(dict.fromkeys(documents))
        with self._transaction():  # type: ignore[attr-defined]
            self._require(event_id)
            current = self._current_documents(event_id)
            unknown = [d for d in wanted if d not in current]
            if not wanted or unknown or len(wanted) == len(current):
                reason = (f"documents {unknown} are not among its reports {current}" if unknown
                          else "list some, not all, of its documents: " + ", ".join(current))
                raise ReportedlyError(E.E214, action="split", event_id=event_id, reason=reason)
            new_id = self._fresh_id(  # type: ignore[attr-defined]
                document_id(f"{event_id}:split:{','.join(wanted)}"))
            for doc in wanted:
                self.con.execute("UPDATE mentions SET event_id = ? WHERE event_id = ? AND "
                                 "doc_id = ?", [new_id, event_id, doc])
            self._rebuild({event_id, new_id})  # type: ignore[attr-defined]
            after = {"event_id": event_id, "documents": self._current_documents(event_id),
                     "new_event_id": new_id, "new_documents": wanted}
            self._audit(reviewer=reviewer, action="split", event_id=event_id,
                        before={"event_id": event_id, "documents": current}, after=after,
                        note=note, other=new_id)
        return self._require(event_id), self._require(new_id)

    def audit(self, *, event_id: str | None = None, reviewer: str | None = None,
              limit: int = 50, offset: int = 0, con: Any = None
              ) -> tuple[list[dict[str, Any]], int]:
        """Audit records, newest first, and how many match: of one event (including merges
        into it and splits from it), of one reviewer, or all. ``con``: a reader connection."""
        return audit_records(con or self.con, event_id=event_id, reviewer=reviewer,
                             limit=limit, offset=offset)


def audit_records(con: Any, *, event_id: str | None, reviewer: str | None, limit: int,
                  offset: int) -> tuple[list[dict[str, Any]], int]:
    """The audit query on any connection (the API's readers use their own)."""
    where, params = ["1=1"], []
    if event_id:
        where.append("(event_id = ? OR other_event_id = ?)")
        params += [event_id, event_id]
    if reviewer:
        where.append("reviewer = ?")
        params.append(reviewer)
    sql = " AND ".join(where)
    total = con.execute(f"SELECT count(*) FROM audit WHERE {sql}", params).fetchone()
    rows = con.execute(
        "SELECT id, created_at, reviewer, action, event_id, before, after, note FROM audit "
        f"WHERE {sql} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, min(max(limit, 1), AUDIT_MAX), max(offset, 0)]).fetchall()
    keys = ("id", "at", "reviewer", "action", "event_id", "before", "after", "note")
    out = []
    for row in rows:
        record = dict(zip(keys, row, strict=True))
        record["at"] = stamp(record["at"])
        record["before"] = json.loads(record["before"]) if record["before"] else None
        record["after"] = json.loads(record["after"]) if record["after"] else None
        out.append(record)
    return out, (total[0] if total else 0)
