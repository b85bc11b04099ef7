"""Every path and module the docs and docstrings name exists: a newcomer who follows
`coopdash/cli/pack.py`, `queries/weekly_figures.sql`, `docs/workbook.md`,
`tests/unit/test_layers.py` or `coopdash.workbook.reading.read_workbook` finds it.

Read: docs/*.md, README.md, and the docstrings of every Python file of the repository.
A path may use a pattern (`queries/weekly_happened_*.sql`, `coopdash/i18n/<area>.toml`):
something must match it. A dotted name `coopdash.<module>…` must import, and what follows
the module must be its attributes. The only names allowed not to exist are the "old"
column of a rename table in a doc (`| old | new |`)."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATH = re.compile(r"(?<![\w/.-])((?:coopdash|queries|docs|tests)/[\w./*<>{}-]*[\w*>}/])")
DOTTED = re.compile(r"(?<![\w./-])(coopdash(?:\.\w+)+)")
SKIP_DIRS = {".venv", ".git", "bench-work", "test-output", "node_modules"}


def _python_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py")
                  if not SKIP_DIRS & set(p.relative_to(ROOT).parts))


def _docstrings(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
                and (doc := ast.get_docstring(node, clean=False)):
            yield doc


def _doc_lines(path: Path) -> Iterator[str]:
    """A doc's lines, without the "old" cell of a rename table's rows."""
    old_table = False
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|"):
            old_table = False
            yield line
        elif cells and cells[0] == "old":
            old_table = True
        else:
            yield " | ".join(cells[1:]) if old_table else line


def _texts() -> Iterator[tuple[str, str]]:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for text in _doc_lines(path):
            yield path.relative_to(ROOT).as_posix(), text
    for path in _python_files():
        for doc in _docstrings(path):
            yield path.relative_to(ROOT).as_posix(), doc


def _path_exists(named: str) -> bool:
    """A file or folder (or a pattern something matches); `tests/fixtures_store.new_store`
    names the module `tests/fixtures_store.py` and one of its names."""
    name = named.rstrip("/.")
    if any(c in name for c in "*<{"):
        return any(ROOT.glob(re.sub(r"<[^>]*>|\{[^}]*\}", "*", name)))
    if (ROOT / name).exists():
        return True
    module, _, attr = name.rpartition(".")
    return bool(module) and "/" not in attr and (ROOT / f"{module}.py").is_file()


def _is_module(dotted: str) -> bool:
    base = ROOT / Path(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _resolves(dotted: str) -> bool:
    """`coopdash.a.b.c`: the longest module prefix imports and the rest are attributes.
    Names whose second part is no module (`coopdash.duckdb`, a file) are not modules."""
    parts = dotted.split(".")
    if not _is_module(".".join(parts[:2])):
        return True
    n = max(i for i in range(2, len(parts) + 1) if _is_module(".".join(parts[:i])))
    obj = importlib.import_module(".".join(parts[:n]))
    for attr in parts[n:]:
        if not hasattr(obj, attr):
            return False
        obj = getattr(obj, attr)
    return True


def _missing() -> tuple[list[str], list[str]]:
    paths, names = set(), set()
    for where, text in _texts():
        paths.update(f"{where}: {p}" for p in PATH.findall(text) if not _path_exists(p))
        names.update(f"{where}: {d}" for d in DOTTED.findall(text) if not _resolves(d))
    return sorted(paths), sorted(names)


def test_every_named_path_and_module_exists():
    paths, names = _missing()
    assert paths == [], "paths named in docs or docstrings that do not exist"
    assert names == [], "modules or attributes named in docs or docstrings that do not exist"


@pytest.mark.parametrize(("text", "found"), [
    ("see `coopdash/pack.py`", "coopdash/pack.py"),
    ("`queries/no_such_query.sql`", "queries/no_such_query.sql"),
    ("`coopdash.workbook.reader.read_path`", "coopdash.workbook.reader.read_path"),
    ("`coopdash.workbook.reading.no_such_function`", "coopdash.workbook.reading.no_such_function"),
])
def test_a_stale_name_would_be_found(text, found):
    """The check can fail: an old path or a missing attribute is reported."""
    assert found in PATH.findall(text) + DOTTED.findall(text)
    if found in PATH.findall(text):
        assert not _path_exists(found)
    else:
        assert not _resolves(found)


def test_a_rename_tables_old_column_is_not_read(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("| old | new |\n| --- | --- |\n"
                   "| `coopdash/pack.py` | `coopdash/meeting/pack.py` |\n"
                   "\n`coopdash/cli.py` named in prose\n", encoding="utf-8")
    found = [p for line in _doc_lines(doc) for p in PATH.findall(line)]
    assert found == ["coopdash/meeting/pack.py", "coopdash/cli.py"]
