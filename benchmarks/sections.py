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
    saying which `script` wrote it, when, on which commit, machine and load (then `note`),
    and `body`."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    stamp = dt.datetime.now().replace(microsecond=0).isoformat()
    put(doc, start, end, f"{start}\n## {title}\n\nWritten by `{script}` on {stamp}{note} "
                         f"({where()}).\n\n{body}\n{end}")


def where() -> str:
    """The commit, the machine and its load now, for a figure's reader: `commit 1a2b3c4,
    2 cores (Intel …), load average 3.1`."""
    import os
    import platform
    import subprocess

    root = Path(__file__).resolve().parent.parent
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                            capture_output=True, text=True).stdout.strip() or "unknown"
    cpu = platform.processor() or platform.machine()
    info = Path("/proc/cpuinfo")
    if info.exists():
        cpu = next((line.split(":", 1)[1].strip() for line in info.read_text().splitlines()
                    if line.startswith("model name")), cpu)
    return (f"commit {commit}, {os.cpu_count()} cores ({cpu}), "
            f"load average {os.getloadavg()[0]:.1f}")
