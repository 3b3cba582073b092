"""Shared fixtures: the spaCy pipeline and the extraction pipeline load once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """../shared beside the checkout (override with REPORTEDLY_SHARED)."""
    return Path(os.environ.get("REPORTEDLY_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def nlp():
    from reportedly.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def pipeline():
    from reportedly.pipeline import default_pipeline

    return default_pipeline()


# --- store and CLI helpers (store/export/cli helper) -----------------------------------------
# A small stand-in for reportedly.fuse.Fuser with the same interface, so the store's own
# behaviour (transactions, idempotence, superseding, filters) is tested whatever the fusion
# heuristics do. It joins mentions of the same sub-event type at the same place.


class StandInFuser:
    """Fuser interface: match by sub-event type and place; merge keeps every claim once."""

    def __init__(self, policy=None) -> None:
        self.policy = policy

    def match(self, candidate, existing):
        place = candidate.location.name.casefold() if candidate.location else None
        for event in existing:
            other = event.location.name.casefold() if event.location else None
            if event.sub_event_type == candidate.sub_event_type and place == other:
                return event
        return None

    def merge(self, stored, new):
        from dataclasses import replace

        seen, claims = set(), []
        for c in (*stored.claims, *new.claims):
            key = (c.evidence.doc_id, c.field, c.value, c.source.name, c.evidence.start)
            if key not in seen:
                seen.add(key)
                claims.append(c)
        sources = tuple(dict.fromkeys((*stored.sources, *new.sources)))
        docs = sorted({*(stored.extras.get("documents") or []),
                       *(new.extras.get("documents") or []),
                       *(c.evidence.doc_id for c in claims)})
        toll = max((stored.fatalities, new.fatalities), key=lambda f: f.acled)
        extras = {**stored.extras, "documents": docs, "number_of_sources": len(sources)}
        return replace(stored, claims=tuple(claims), sources=sources, fatalities=toll,
                       grade="fair" if len(sources) >= 2 else "weak", extras=extras)


def install_fuser_standin(monkeypatch=None) -> bool:
    """Use StandInFuser where reportedly.fuse is not there yet; True if it was installed."""
    import importlib.util

    import reportedly.store

    if importlib.util.find_spec("reportedly.fuse") is not None:
        return False
    if monkeypatch is not None:
        monkeypatch.setattr(reportedly.store, "load_fuser", StandInFuser)
    else:
        reportedly.store.load_fuser = StandInFuser
    return True


@pytest.fixture
def standin_fuser():
    return StandInFuser()


@pytest.fixture
def project_fuser(monkeypatch):
    """The project's Fuser for CLI runs, or the stand-in until reportedly/fuse.py exists."""
    install_fuser_standin(monkeypatch)
