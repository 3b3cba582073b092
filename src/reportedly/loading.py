"""Loading what lives as long as the process, without the cyclic collector walking it, and
the numerical libraries' thread defaults that keep the process single-threaded."""

from __future__ import annotations

import gc
import os
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


# The thread pools of numerical libraries, one thread each unless the user chose otherwise.
# numpy's OpenBLAS starts a pool thread as numpy is imported, and from then on glibc counts the
# process as multi-threaded for good and makes every mutex operation atomic. spaCy's parser
# lets go of the interpreter lock and takes it back at every parse step, so the same extraction
# then costs about a seventh more (see reportedly.sidecar); none of reportedly's work calls a
# multi-threaded BLAS, and its parallelism is processes.
NUMERIC_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_thread_numerics() -> None:
    """Default the numerical libraries to one thread; effective before numpy is imported (the
    command line calls it first thing)."""
    for name in NUMERIC_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
