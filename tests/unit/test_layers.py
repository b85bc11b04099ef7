"""The layout's import rules, read from the code itself: each package's docstring says
what it may import, and no two coopdash modules import each other in a cycle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "coopdash"
ALL = frozenset({"settings", "contract", "i18n", "store", "workbook", "figures", "charts",
                 "pack", "web", "cli"})


def _modules() -> dict[str, Path]:
    """Every module of coopdash by dotted name (`coopdash.store` is its __init__)."""
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The modules `path` imports, anywhere in it (lazy imports in functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from coopdash.web import cache`: cache is a module of its own
            found.update(f"{node.module}.{a.name}" for a in node.names
                         if f"{node.module}.{a.name}" in MODULES)
    return found


def _layer(module: str) -> str | None:
    """`coopdash.figures.weekly` -> `figures`; None for the package root / __main__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALL else None


def _allowed(package: str) -> frozenset[str]:
    """What `package` may import, from the 'May import' sentence of its docstring."""
    path = PKG / package / "__init__.py"
    if not path.exists():
        path = PKG / f"{package}.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    rule = re.search(r"May import(.*?)(?:\.\s|\.$|$)", " ".join(doc.split()))
    assert rule, f"coopdash/{package}: its docstring says nothing of what it may import"
    text = rule.group(1)
    if "every other coopdash package" in text:
        return ALL - {package}
    if m := re.search(r"every package but `(\w+)`", text):
        return ALL - {package, m.group(1)}
    named = set(re.findall(r"`coopdash\.(\w+)`", text))
    assert named <= ALL, (package, named)
    return frozenset(named)


def test_every_package_says_what_it_may_import():
    """Each package (and foundation module) has a 'May import' rule in its docstring."""
    for package in sorted(ALL):
        _allowed(package)


def test_no_import_goes_against_the_layer_rules():
    """Every import of a coopdash module by another package is one its docstring allows,
    and only the web package imports Streamlit."""
    wrong = []
    for module, path in MODULES.items():
        layer = _layer(module)
        if layer is None:
            continue
        allowed = _allowed(layer) | {layer}
        for imported in _imports(path):
            target = _layer(imported) if imported.startswith("coopdash.") else None
            if target is not None and target not in allowed:
                wrong.append(f"{module} imports {imported} ({layer} may not import {target})")
            if imported.split(".")[0] == "streamlit" and layer != "web":
                wrong.append(f"{module} imports {imported} (only web may use Streamlit)")
    assert wrong == []


def _graph() -> dict[str, set[str]]:
    return {module: {i for i in _imports(path) if i in MODULES and i != module}
            for module, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, out = {}, {}, [], []

    def pop_group(v: str) -> list[str]:
        group = [stack.pop()]
        while group[-1] != v:
            group.append(stack.pop())
        return group

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v] and len(group := pop_group(v)) > 1:
            out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_between_coopdash_modules():
    """No two coopdash modules import each other, directly or round a loop."""
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    """The check above can fail: a loop of three modules is found."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_the_reading_child_imports_no_pandas_and_nothing_of_the_parent():
    """The reading child (`coopdash.workbook.child`) starts without pandas or DuckDB
    (pyarrow brings numpy), and imports of coopdash only what its docstring allows (so
    it never touches the store, and the parent's half stays out of it)."""
    import subprocess
    import sys

    probe = ("import sys, runpy; import coopdash.workbook.child.parse; "
             "runpy.run_module('coopdash.workbook.child.__main__', run_name='probe'); "
             "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('coopdash', 'pandas', 'duckdb'))))")
    loaded = set(subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout.split())
    allowed = {"coopdash", "coopdash.contract", "coopdash.workbook", "coopdash.workbook.cells"}
    assert {m for m in loaded if not m.startswith("coopdash.workbook.child")} <= allowed, loaded
    assert "coopdash.workbook.child.parse" in loaded  # the probe did import the child
