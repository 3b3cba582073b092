"""Versioned knowledge files (YAML/CSV) and their loader.

Every lexicon file carries a ``version`` and entries that name the ``rule`` they serve
(a codebook section or a documented convention of ours).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

# libyaml's safe loader builds the same objects about six times faster than the pure-Python
# one: the lexicons are read at every process start, so this is model-load time
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str) -> Any:
    """Load ``lexicons/<name>.yaml`` once per process."""
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)


def path(name: str) -> str:
    return str(resources.files(__package__).joinpath(name))
