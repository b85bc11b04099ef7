"""Each benchmark owns one section of docs/benchmarks.md, between its own markers
(`<!-- NAME -->` ... `<!-- /NAME -->`); `put` writes it in place, leaving the rest of the
file as it is (benchmarks/run.py keeps the marked sections when it rewrites the file)."""

from __future__ import annotations

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
