"""Versioned knowledge files (YAML/CSV) and their loader.

Every lexicon file carries a ``version`` and entries that name the ``rule`` they serve
(a codebook section or a documented convention of ours).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> Any:
    """Load ``lexicons/<name>.yaml`` once per process."""
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def path(name: str) -> str:
    return str(resources.files(__package__).joinpath(name))
