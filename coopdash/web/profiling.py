"""Where a run's time goes on a served dashboard (issue 22 §3): with `COOPDASH_PROFILE`
set to a folder, every script run is profiled (cProfile, the run's own thread, timed by
that thread's CPU time: a run that waits for the GIL or a lock under load is not charged
for the wait) and its statistics written there as `run-<pid>-<n>.prof`, and so is every
warm-up after a write (`coopdash.web.warmup`, its own thread) as `warm-<pid>-<n>.prof`;
`python -m benchmarks capacity --profile` adds them up. Off (the default), a run pays one
reading of the settings.

With `COOPDASH_RUN_LOG` set to a file, every script run and every warm-up appends one line
of JSON to it (`logged`, `logged_warm`): when it began (epoch seconds), how long it waited
for a run slot (`queued_s`: `COOPDASH_RUNS`) and how long it ran (`ran_s`), its thread's
CPU, the page and store version, and how long it spent in the cache boundary computing
what was missing itself (`computed_s`, `misses`) or finding it (`cache_s`: hits, and waits
for a value another run or the warm-up was computing: Streamlit holds one lock per key);
a warm-up's line has the time of each of its parts. Unprofiled, it costs a run a few
clock readings and one line written; `python -m benchmarks capacity` reads it to say where
the slow runs waited. Off by default.

What it does not see: the server's event loop (the main thread), which turns each run's
messages into bytes and writes them to the WebSockets; `benchmarks capacity` reports that
thread's share of the server's CPU apart.
"""

from __future__ import annotations

import cProfile
import itertools
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
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


# --- the run log (`COOPDASH_RUN_LOG`) -----------------------------------------------------

@dataclass
class Tally:
    """One run's (or warm-up's) time in the cache boundary, and what it ran on."""

    kind: str
    at: float  # epoch seconds when it began (before waiting for a slot)
    queued_s: float = 0.0
    ran_s: float = 0.0
    cpu_s: float = 0.0
    cache_s: float = 0.0  # cache calls that found their value (or waited for another's)
    computed_s: float = 0.0  # cache calls that computed a missing value in this thread
    misses: int = 0
    page: str = ""
    version: int | None = None
    parts: dict[str, float] = field(default_factory=dict)  # a warm-up's parts (s)
    left: int = 0  # calls a warm-up left to the next one (a newer version published)
    pid: int = field(default_factory=os.getpid)
    _depth: int = 0


_current = threading.local()  # this thread's Tally while a logged run or warm-up goes


def _tally() -> Tally | None:
    return getattr(_current, "tally", None)


class _Admission:
    """`logged`'s handle: the run says when it got its slot."""

    def __init__(self, tally: Tally | None, start: float) -> None:
        self.tally, self.start = tally, start

    def admitted(self) -> None:
        if self.tally is not None:
            self.tally.queued_s = time.perf_counter() - self.start


@contextmanager
def logged(kind: str = "run") -> Iterator[_Admission]:
    """The block (a whole script run, its wait for a slot included: call the handle's
    `admitted()` once it has one) as one line of `COOPDASH_RUN_LOG`."""
    path = settings_mod.get().run_log
    if not path:
        yield _Admission(None, 0.0)
        return
    tally = Tally(kind, time.time())
    start, cpu = time.perf_counter(), time.thread_time()
    _current.tally = tally
    try:
        yield _Admission(tally, start)
    finally:
        _current.tally = None
        tally.ran_s = time.perf_counter() - start - tally.queued_s
        tally.cpu_s = time.thread_time() - cpu
        _append(path, tally)


@contextmanager
def logged_warm(version: int) -> Iterator[None]:
    """A warm-up after a write, logged like a run (`kind` "warm"; no slot to wait for)."""
    with logged("warm"):
        note(version=version)
        yield


def _append(path: str, tally: Tally) -> None:
    record = {k: (round(v, 4) if isinstance(v, float) else v)
              for k, v in asdict(tally).items() if not k.startswith("_")}
    record["parts"] = {k: round(v, 4) for k, v in tally.parts.items()}
    with open(path, "a", encoding="utf-8") as fh:  # one write of one line per record
        fh.write(json.dumps(record) + "\n")


def note(page: str | None = None, version: int | None = None, left: int = 0) -> None:
    """What this logged run shows: its page, the store version it reads (a warm-up: what
    it left to the next one)."""
    tally = _tally()
    if tally is None:
        return
    if page is not None:
        tally.page = page
    if version is not None:
        tally.version = version
    tally.left += left


@contextmanager
def cache_call() -> Iterator[None]:
    """A call of the cache boundary, timed for the run log: as computed when a value was
    missing and this thread computed it (`missed` called inside), else as found. Nested
    calls (a computed result's queries) count in the outermost one."""
    tally = _tally()
    if tally is None or tally._depth:
        yield
        return
    tally._depth, misses, start = 1, tally.misses, time.perf_counter()
    try:
        yield
    finally:
        tally._depth = 0
        spent = time.perf_counter() - start
        if tally.misses > misses:
            tally.computed_s += spent
        else:
            tally.cache_s += spent


def missed() -> None:
    """Called by a cached function's body: this thread computes a missing value."""
    tally = _tally()
    if tally is not None:
        tally.misses += 1


@contextmanager
def part(name: str) -> Iterator[None]:
    """A named part of a logged warm-up (its seconds in the record's `parts`)."""
    tally = _tally()
    start = time.perf_counter()
    try:
        yield
    finally:
        if tally is not None:
            tally.parts[name] = tally.parts.get(name, 0.0) + time.perf_counter() - start
