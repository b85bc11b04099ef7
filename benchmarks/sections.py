"""How a benchmark writes its section of docs/benchmarks.md: through its own result file.

docs/benchmarks.md is generated (benchmarks/results.py): a benchmark never edits it in
place. `put_titled` saves the result `name` (docs/benchmarks/<name>.json, with the date,
commit, machine and load) and regenerates the page; `put` does the same for the older
scripts that build a marked block (`<!-- NAME -->`, a `## title` line, the body,
`<!-- /NAME -->`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks import results


def _folder(doc: Path) -> Path:
    """docs/benchmarks.md -> docs/benchmarks/ (where its results are)."""
    return doc.parent / doc.stem


def put_titled(doc: Path, name: str, title: str, script: str, body: str,
               note: str = "", figures: Any = None, when: dict | None = None) -> Path:
    """Save the result `name`: the heading `title`, which `script` wrote it, `note` after
    the date, commit, machine and load (now, unless `when` gives them), `body` and the raw
    `figures`; regenerate `doc`."""
    return results.save(name, title, script, body, figures=figures, note=note, when=when,
                        folder=_folder(doc), page=doc)


def put(doc: Path, start: str, end: str, block: str, script: str) -> Path:
    """`put_titled` for a marked block: `start` (`<!-- NAME -->` or `<!-- NAME:start -->`),
    a `## title` line, the body, `end`."""
    name = start.removeprefix("<!--").removesuffix("-->").strip().removesuffix(":start")
    inner = block.strip().removeprefix(start).removesuffix(end).strip("\n").splitlines()
    at = next(i for i, line in enumerate(inner) if line.startswith("## "))
    return put_titled(doc, name, inner[at][3:].strip(), script, "\n".join(inner[at + 1:]))

