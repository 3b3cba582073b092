"""Evaluation harnesses: score the pipeline on gold sets read from a path, never shipped.

The gold sets live outside the package (``$REPORTEDLY_EVAL`` or ``../shared/eval`` beside the
checkout); a missing file raises E180, a file in another format E181.
"""

from __future__ import annotations

from .acled import AcledScores, evaluate_acled
from .common import default_eval_dir, sha256_file
from .wikievents import WikiScores, evaluate_wikievents

ACLED_DEV = "acled/acled-2022-dev.csv"
WIKIEVENTS_DEV = "wikievents/dev.jsonl"

__all__ = [
    "ACLED_DEV",
    "WIKIEVENTS_DEV",
    "AcledScores",
    "WikiScores",
    "default_eval_dir",
    "evaluate_acled",
    "evaluate_wikievents",
    "sha256_file",
]
