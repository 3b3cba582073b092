"""Versioned knowledge files (YAML/CSV) and their loader.

Every lexicon file carries a ``version`` and entries that name the ``rule`` they serve
(a codebook section or a documented convention of ours).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

# libyaml's safe loader builds the same objects about six times faster than the pure-Python
# one: the lexicons are read at every process start, so this is model-load time
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str) -> Any:
    """Load ``lexicons/<name>.yaml`` once per process (``read``)."""
    return read(name)


def read(name: str) -> Any:
    """What ``lexicons/<name>.yaml`` reads as.

    Even with libyaml, building the objects runs in Python: a twentieth of a second for the
    lexicons at every process start. What a file reads as is kept in the cache folder under
    the hash of its bytes (pickled), so a changed file is read anew and an unreadable or
    unwritable cache only costs the YAML reading."""
    raw = resources.files(__package__).joinpath(f"{name}.yaml").read_bytes()
    cached = _cached_path(name, raw)
    try:
        with cached.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        pass  # not there yet, or not a whole file: read the YAML
    data = yaml.load(raw.decode("utf-8"), Loader=_LOADER)
    _store(cached, data)
    return data


def _cached_path(name: str, raw: bytes) -> Path:
    from reportedly.settings import setting

    digest = hashlib.sha256(raw).hexdigest()[:16]
    return Path(setting("cache_dir")) / "lexicons" / f"{name}-{digest}.pickle"


def _store(path: Path, data: Any) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file renamed)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob(path.name.rsplit("-", 1)[0] + "-" + "?" * 16 + ".pickle"):
            if old != path:
                old.unlink(missing_ok=True)  # an earlier version of the file: never read again
    except OSError:
        return  # a read-only or full cache folder: the YAML is read each time instead


def path(name: str) -> str:
    return str(resources.files(__package__).joinpath(name))
