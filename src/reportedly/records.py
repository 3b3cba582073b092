"""Typed records passed between the pipeline stages.

Every record is a frozen dataclass with ``to_dict`` / ``from_dict``; the dict form of
``Event`` is the public output contract (v1) described in DESIGN.md.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

STANCES = ("asserted", "reported", "alleged", "denied", "unknown", "speculative")
CLAIM_FIELDS = ("event", "actor1", "actor2", "location", "event_date", "fatalities")
GRADES = ("confirmed", "fair", "weak", "contested")
ROLES = ("main", "background")


def normalise_text(text: str) -> str:
    """The form of a text its id is computed from: NFC, unified newlines, trimmed lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def document_id(text: str) -> str:
    """Stable id of a document: a hash of its normalised text."""
    return hashlib.sha1(normalise_text(text).encode("utf-8")).hexdigest()[:16]


def _parse_datetime(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@dataclass(frozen=True)
class Document:
    """One report as read by ingest: normalised text plus what is known about it."""

    id: str
    text: str
    published: datetime | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    language: str = "en"
    path: str | None = None

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        id: str | None = None,  # noqa: A002 - the contract's key is "id"
        published: datetime | date | str | None = None,
        outlet: str | None = None,
        url: str | None = None,
        title: str | None = None,
        language: str = "en",
        path: str | None = None,
    ) -> Document:
        text = normalise_text(text)
        return cls(
            id=id or document_id(text),
            text=text,
            published=_parse_datetime(published),
            outlet=outlet,
            url=url,
            title=title,
            language=language,
            path=path,
        )

    @property
    def published_date(self) -> date | None:
        return self.published.date() if self.published else None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        kw["published"] = _parse_datetime(kw.get("published"))
        return cls(**kw)


@dataclass(frozen=True)
class Source:
    """Who asserts a claim: the outlet itself or an attributed speaker, possibly via an outlet."""

    name: str
    kind: str = (
        "outlet"  # outlet | agency | monitor | official | media | anonymous | party | unknown
    )
    via: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "via": self.via}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Source:
        return cls(name=d["name"], kind=d.get("kind", "outlet"), via=d.get("via"))


@dataclass(frozen=True)
class Evidence:
    """Where in which document a claim is made; offsets are into ``Document.text``."""

    doc_id: str
    start: int
    end: int
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        return cls(d["doc_id"], int(d["start"]), int(d["end"]), d["sentence"])


@dataclass(frozen=True)
class Claim:
    """One source's statement of one field's value, with its stance and evidence."""

    field: str
    value: str
    text: str
    source: Source
    stance: str
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "value": self.value,
            "text": self.text,
            "source": self.source.to_dict(),
            "stance": self.stance,
            "evidence": self.evidence.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        return cls(
            field=d["field"],
            value=d["value"],
            text=d["text"],
            source=Source.from_dict(d["source"]),
            stance=d["stance"],
            evidence=Evidence.from_dict(d["evidence"]),
        )


@dataclass(frozen=True)
class Location:
    """Where an event happened, with ACLED geo_precision and UCDP where_prec."""

    name: str
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    country_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    geo_precision: int | None = None
    where_prec: int | None = None
    relation: str = "in"  # in | near | outskirts | offset | between | region | country

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Location:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass(frozen=True)
class Toponym:
    """A place name found in a text and resolved against the gazetteer."""

    start: int
    end: int
    text: str
    geonameid: int | None
    name: str | None
    lat: float | None
    lon: float | None
    country_code: str | None
    admin1: str | None
    feature_code: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Toponym:
        known = {f.name for f in fields(cls)}
        return cls(**{k: d.get(k) for k in known})


@dataclass(frozen=True)
class Fatalities:
    """A toll: the ACLED figure (an int, codebook rules) and UCDP-style low/best/high."""

    acled: int = 0
    low: int | None = None
    best: int | None = None
    high: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Fatalities:
        return cls(int(d.get("acled") or 0), d.get("low"), d.get("best"), d.get("high"))


@dataclass(frozen=True)
class Plover:
    event: str
    mode: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.event, "mode": self.mode}


@dataclass(frozen=True)
class Event:
    """One event as coded from one or more documents: the public output contract (v1)."""

    event_id: str
    role: str
    event_type: str
    sub_event_type: str
    disorder_type: str
    plover: Plover
    event_date: date | None
    time_precision: int | None
    actor1: str | None
    assoc_actor_1: str | None
    actor2: str | None
    assoc_actor_2: str | None
    inter1: int | None
    inter2: int | None
    interaction: int | None
    civilian_targeting: str | None
    location: Location | None
    fatalities: Fatalities
    grade: str
    claims: tuple[Claim, ...] = ()
    sources: tuple[str, ...] = ()
    notes: str = ""
    extras: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "role": self.role,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "disorder_type": self.disorder_type,
            "plover": self.plover.to_dict(),
            "event_date": self.event_date.isoformat() if self.event_date else None,
            "time_precision": self.time_precision,
            "actor1": self.actor1,
            "assoc_actor_1": self.assoc_actor_1,
            "actor2": self.actor2,
            "assoc_actor_2": self.assoc_actor_2,
            "inter1": self.inter1,
            "inter2": self.inter2,
            "interaction": self.interaction,
            "civilian_targeting": self.civilian_targeting,
            "location": self.location.to_dict() if self.location else None,
            "fatalities": self.fatalities.to_dict(),
            "grade": self.grade,
            "claims": [c.to_dict() for c in self.claims],
            "sources": list(self.sources),
            "notes": self.notes,
            **self.extras,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        plover = d.get("plover") or {}
        known = {f.name for f in fields(cls)}
        return cls(
            event_id=d["event_id"],
            role=d["role"],
            event_type=d["event_type"],
            sub_event_type=d["sub_event_type"],
            disorder_type=d["disorder_type"],
            plover=Plover(plover.get("event", ""), plover.get("mode")),
            event_date=date.fromisoformat(d["event_date"]) if d.get("event_date") else None,
            time_precision=d.get("time_precision"),
            actor1=d.get("actor1"),
            assoc_actor_1=d.get("assoc_actor_1"),
            actor2=d.get("actor2"),
            assoc_actor_2=d.get("assoc_actor_2"),
            inter1=d.get("inter1"),
            inter2=d.get("inter2"),
            interaction=d.get("interaction"),
            civilian_targeting=d.get("civilian_targeting"),
            location=Location.from_dict(d["location"]) if d.get("location") else None,
            fatalities=Fatalities.from_dict(d.get("fatalities") or {}),
            grade=d.get("grade", "weak"),
            claims=tuple(Claim.from_dict(c) for c in d.get("claims", ())),
            sources=tuple(d.get("sources", ())),
            notes=d.get("notes", ""),
            extras={k: v for k, v in d.items() if k not in known},
        )


@dataclass(frozen=True)
class Extraction:
    """What the pipeline returns for one document: its id and its events (or an error)."""

    id: str
    events: tuple[Event, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "events": [e.to_dict() for e in self.events]}
        if self.error:
            d["error"] = self.error
        return d


_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of whitespace, as evidence sentences are shown."""
    return _WS.sub(" ", text).strip()
