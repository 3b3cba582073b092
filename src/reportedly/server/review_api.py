"""The review endpoints: verdicts on claims, corrections, merges, splits, and the audit trail.

Every change needs a key with write rights; the key's name is the reviewer the audit records.
Each change answers the event(s) as ``GET /api/events/{id}`` shows them.
"""

# No `from __future__ import annotations`: FastAPI reads the annotations of the route functions.

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from reportedly import review
from reportedly.server import errors, queries
from reportedly.server.auth import Reviewer

TEXT_MAX = 200
NOTE_MAX = 2000
Id = Annotated[str, PathParam(max_length=TEXT_MAX)]
Field_ = Literal["event_type", "sub_event_type", "actor1", "actor2", "assoc_actor_1",
                 "assoc_actor_2", "event_date", "location", "fatalities"]


class Verdict(BaseModel):
    """A reviewer's verdict on one claim."""

    verdict: Literal["accepted", "rejected"]
    note: str | None = Field(default=None, max_length=NOTE_MAX)


class Correction(BaseModel):
    """A reviewer's value for one field of an event (see the README for each field's form)."""

    field: Field_
    value: Any = None
    note: str | None = Field(default=None, max_length=NOTE_MAX)


class Merge(BaseModel):
    """The event to fold into this one."""

    other: str = Field(min_length=1, max_length=TEXT_MAX)
    note: str | None = Field(default=None, max_length=NOTE_MAX)


class Split(BaseModel):
    """The documents whose reports become a new event."""

    documents: list[str] = Field(min_length=1, max_length=500)
    note: str | None = Field(default=None, max_length=NOTE_MAX)


class SplitEvents(BaseModel):
    events: list[dict[str, Any]]


class AuditRecord(BaseModel):
    id: int
    at: str
    reviewer: str
    action: str
    event_id: str
    before: Any
    after: Any
    note: str | None


class AuditPage(BaseModel):
    audit: list[AuditRecord]
    total: int


def _event(request: Request, event_id: str) -> dict[str, Any]:
    with request.app.state.backend.reader() as con:
        found = queries.event(con, event_id)
    if found is None:
        raise HTTPException(404, f"no event {event_id!r}")
    return found


def _change(request: Request, change: Any) -> Any:
    try:
        return request.app.state.backend.write(change)
    except review.NotFound as exc:
        raise HTTPException(404, str(exc.args[0])) from None


def review_router(writer_check: Any, reader_check: Any = None) -> APIRouter:
    """The review routes; ``writer_check``/``reader_check`` are the app's key dependencies."""
    router = APIRouter(prefix="/api")
    writer = Annotated[Reviewer, Depends(writer_check)]
    changes = errors.documented(401, 403, 404, 413, 422)
    reads = [Depends(reader_check)] if reader_check is not None else []
    read_errors = errors.documented(401, 422) if reader_check is not None else \
        errors.documented(422)

    @router.post("/events/{event_id}/claims/{claim_id}/review", response_model=dict[str, Any],
                 responses=changes, summary="Accept or reject a claim")
    def post_review(request: Request, event_id: Id, claim_id: Id, body: Verdict,
                    who: writer) -> dict[str, Any]:
        _change(request, lambda s: s.review_claim(event_id, claim_id, verdict=body.verdict,
                                                  reviewer=who.name, note=body.note))
        return _event(request, event_id)

    @router.post("/events/{event_id}/corrections", response_model=dict[str, Any],
                 responses=changes, summary="Correct a field of an event")
    def post_correction(request: Request, event_id: Id, body: Correction,
                        who: writer) -> dict[str, Any]:
        _change(request, lambda s: s.correct(event_id, field=body.field, value=body.value,
                                             reviewer=who.name, note=body.note))
        return _event(request, event_id)

    @router.post("/events/{event_id}/merge", response_model=dict[str, Any], responses=changes,
                 summary="Merge another event into this one")
    def post_merge(request: Request, event_id: Id, body: Merge, who: writer) -> dict[str, Any]:
        _change(request, lambda s: s.merge(event_id, body.other, reviewer=who.name,
                                           note=body.note))
        return _event(request, event_id)

    @router.post("/events/{event_id}/split", response_model=SplitEvents, responses=changes,
                 summary="Split documents off into a new event")
    def post_split(request: Request, event_id: Id, body: Split, who: writer) -> SplitEvents:
        kept, new = _change(request, lambda s: s.split(
            event_id, documents=body.documents, reviewer=who.name, note=body.note))
        return SplitEvents(events=[_event(request, kept.event_id),
                                   _event(request, new.event_id)])

    @router.get("/audit", response_model=AuditPage, dependencies=reads, responses=read_errors,
                summary="The audit trail of reviews, newest first")
    def get_audit(request: Request,
                  event_id: Annotated[str | None, Query(max_length=TEXT_MAX)] = None,
                  reviewer: Annotated[str | None, Query(max_length=TEXT_MAX)] = None,
                  limit: Annotated[int, Query(ge=1, le=review.AUDIT_MAX)] = 50,
                  offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> AuditPage:
        with request.app.state.backend.reader() as con:
            rows, total = queries.audit(con, event_id=event_id, reviewer=reviewer,
                                        limit=limit, offset=offset)
        return AuditPage(audit=[AuditRecord(**r) for r in rows], total=total)

    @router.get("/events/{event_id}/audit", response_model=AuditPage, dependencies=reads,
                responses={**read_errors, **errors.documented(404)},
                summary="The audit trail of one event, newest first")
    def get_event_audit(request: Request, event_id: Id,
                        limit: Annotated[int, Query(ge=1, le=review.AUDIT_MAX)] = 50,
                        offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> AuditPage:
        with request.app.state.backend.reader() as con:
            rows, total = queries.audit(con, event_id=event_id, limit=limit, offset=offset)
            known = total or queries.event(con, event_id) is not None
        if not known:
            raise HTTPException(404, f"no event {event_id!r}")
        return AuditPage(audit=[AuditRecord(**r) for r in rows], total=total)

    return router
