"""Loading what lives as long as the process, without the cyclic collector walking it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Make objects that live as long as the process (a model, its vocabulary, lexicons).

    Loading makes hundreds of thousands of objects and no garbage; left on, the cyclic
    collector would walk all of them several times during the load and again in every full
    collection after it (a tenth of a second or more each). It is held off while they are
    made, and ``gc.freeze`` then moves everything made so far out of its reach: reference
    counting still frees them, and forked workers do not copy the pages it would touch."""
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.disable()
    # A threshold of 0 holds it off too: the import of a Cython module may switch the
    # collector back on (its type set-up disables and re-enables it).
    gc.set_threshold(0)
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(*thresholds)
        if enabled:
            gc.enable()
