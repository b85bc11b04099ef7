"""How many script runs one server process computes at once (`COOPDASH_RUNS`, 4 by
default; 0: no limit). Runs beyond it wait their turn, blocked on a semaphore, before
they draw anything.

Why: Streamlit runs every session's script in its own thread of one Python process, and
Python runs one thread at a time (the GIL). Fifty runs at once do not finish sooner than
four at a time on one core: they take turns every few milliseconds, each run lasts as long
as all of them together, and the server's event loop — which accepts new WebSockets and
sends every run's messages — is one more thread among fifty waiting for its turn. A
waiting run holds no turn. Several runs still overlap where they wait outside Python
(DuckDB's queries, sockets). A run waiting here never holds what a running one needs (a
cached value is computed by a run that was admitted, or by the warm-up, which is not
limited), so the wait cannot deadlock. Measured: docs/architecture.md, "How a
deployment grows".
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from coopdash import settings as settings_mod


@functools.cache
def _slots(limit: int) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(limit)


@contextmanager
def admitted() -> Iterator[None]:
    """The block (a whole script run) once fewer than `COOPDASH_RUNS` runs are going."""
    limit = settings_mod.get().runs
    if not limit:
        yield
        return
    with _slots(limit):
        yield
