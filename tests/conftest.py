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
