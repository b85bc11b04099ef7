"""Each benchmark owns one section of docs/benchmarks.md, between its own markers
(`<!-- NAME -->` ... `<!-- /NAME -->`); `put` writes it in place, leaving the rest of the
file as it is (benchmarks/run.py keeps the marked sections when it rewrites the file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def put(doc: Path, start: str, end: str, block: str) -> None:
    """Put `block` (which begins with `start` and ends with `end`) where the file's
    section between those markers is, or at the end of the file when it has none."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if start in text and end in text:
        text = text[:text.index(start)] + block.strip("\n") + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block.strip("\n") + "\n"
    doc.write_text(text, encoding="utf-8")


def put_titled(doc: Path, name: str, title: str, script: str, body: str,
               note: str = "") -> None:
    """`put` the section `<!-- NAME -->` ... `<!-- /NAME -->`: the heading `title`, a line
    saying which `script` wrote it and when (then `note`), and `body`."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    stamp = dt.datetime.now().replace(microsecond=0).isoformat()
    put(doc, start, end, f"{start}\n## {title}\n\nWritten by `{script}` on {stamp}{note}."
                         f"\n\n{body}\n{end}")
