"""Where a run's time goes on a served dashboard (issue 22 §3): with `COOPDASH_PROFILE`
set to a folder, every script run is profiled (cProfile, the run's own thread, timed by
that thread's CPU time: a run that waits for the GIL or a lock under load is not charged
for the wait) and its statistics written there as `run-<pid>-<n>.prof`, and so is every
warm-up after a write (`coopdash.web.warmup`, its own thread) as `warm-<pid>-<n>.prof`;
`python -m benchmarks capacity --profile` adds them up. Off (the default), a run pays one
reading of the settings.

What it does not see: the server's event loop (the main thread), which turns each run's
messages into bytes and writes them to the WebSockets; `benchmarks capacity` reports that
thread's share of the server's CPU apart.
"""

from __future__ import annotations

import cProfile
import itertools
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from coopdash import settings as settings_mod

_runs = itertools.count(1)


@contextmanager
def profiled(kind: str = "run") -> Iterator[None]:
    """Profile the block (a whole script run, or `kind="warm"`: a warm-up) when
    `COOPDASH_PROFILE` names a folder."""
    folder = settings_mod.get().profile_dir
    if not folder:
        yield
        return
    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        Path(folder).mkdir(parents=True, exist_ok=True)
        profile.dump_stats(Path(folder) / f"{kind}-{os.getpid()}-{next(_runs)}.prof")
