"""What a new store is filled with: nothing, the sample case, or sample + demo data.

Everything goes through the one importer (and so the one validator), like any workbook.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from coopdash import store
from coopdash.settings import SAMPLE_DIR

CHOICES = ("none", "sample", "demo")


def populate(with_: str, *, participants: int = 5000, seed: int = 7, actor: str = "coopdash",
             progress: Callable[[float, str], None] | None = None
             ) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """A `populate(con)` for `store.create`: `none`, `sample`, or `demo` (= sample + demo)."""
    if with_ not in CHOICES:
        raise ValueError(f"--with must be one of {', '.join(CHOICES)}, not {with_!r}")

    def fill(con: duckdb.DuckDBPyConnection) -> None:
        from coopdash.workbook import importer

        if with_ in ("sample", "demo"):
            importer.import_path(con, SAMPLE_DIR, actor=actor, mode="init")
        if with_ == "demo":
            from coopdash.workbook import demo

            frames = demo.generate(participants=participants, seed=seed)
            importer.import_frames(con, frames, file_name=f"demo (seed {seed})",
                                   actor=actor, mode="init", progress=progress)

    return fill


def ensure(path: Path, with_: str) -> bool:
    """Create the store at `path` with `with_` if there is none; True if created."""
    if Path(path).exists():
        return False
    store.create(path, populate(with_))
    return True
