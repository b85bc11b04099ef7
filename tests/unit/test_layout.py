"""The tests' layout by kind (tests/conftest.py): each test is marked with its kind, and a
test in a lighter kind's folder is refused at collection."""

from __future__ import annotations

import ast

import pytest
from conftest import ROOT, pytest_collection_modifyitems


class Item:
    """What the collection hook reads of a collected test."""

    def __init__(self, path: str, fixtures: tuple[str, ...] = (), marker: str | None = None):
        self.path = ROOT / path
        self.nodeid = f"{path}::test_x"
        self.fixturenames = ["_isolated", *fixtures]
        self.markers = [marker] if marker else []

    def add_marker(self, name: str) -> None:
        self.markers.append(name)

    def get_closest_marker(self, name: str):
        return name if name in self.markers else None


@pytest.mark.parametrize(("path", "fixtures", "kind"), [
    ("tests/unit/test_a.py", ("sample_store",), "unit"),
    ("tests/apptest/test_a.py", ("app", "sample_store"), "apptest"),
    ("tests/apptest/test_a.py", ("sample_store",), "apptest"),  # a light one beside its file
    ("tests/browser/test_a.py", ("browser", "page"), "browser"),
    ("tests/browser/test_a.py", (), "browser"),
    ("tests/test_a.py", ("app",), "apptest"),  # not sorted yet: marked by what it uses
    ("tests/test_a.py", ("browser",), "browser"),
])
def test_each_test_is_marked_with_its_kind(path, fixtures, kind):
    item = Item(path, fixtures)
    pytest_collection_modifyitems(None, [item])
    assert item.markers == [kind]


@pytest.mark.parametrize(("path", "fixtures", "marker", "kind"), [
    ("tests/apptest/test_a.py", ("browser",), None, "browser"),
    ("tests/apptest/test_a.py", (), "browser", "browser"),  # Chromium of the product
    ("tests/unit/test_a.py", ("page", "browser"), None, "browser"),
    ("tests/unit/test_a.py", ("app",), None, "apptest"),
])
def test_a_test_in_a_lighter_folder_is_refused(path, fixtures, marker, kind):
    item = Item(path, fixtures, marker)
    with pytest.raises(pytest.UsageError) as refused:
        pytest_collection_modifyitems(None, [Item("tests/unit/test_b.py"), item])
    assert str(refused.value) == f"{path}::test_x is a {kind} test: move it to tests/{kind}/"


def test_one_conftest():
    """One conftest.py (tests/): its helpers are imported as `conftest` by the tests and
    helpers of every kind, which a second conftest.py would make ambiguous."""
    assert sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("conftest.py")
                  ) == ["tests/conftest.py"]


def _imports_benchmarks(path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        if any(n == "benchmarks" or n.startswith("benchmarks.") for n in names):
            return True
    return False


def test_tests_import_benchmarks_only_to_test_them():
    """Imports point one way: benchmarks use tests' helpers (the pandas peer, the hostile
    corpus), tests never use the benchmarks' code, except the tests of the benchmarks
    themselves, marked `bench` (`-m "not bench"` leaves them out)."""
    files = sorted((ROOT / "tests").rglob("*.py"))
    importing = [p for p in files if _imports_benchmarks(p)]
    assert importing  # the check reads imports: the benchmarks' own tests are found
    unmarked = [p.relative_to(ROOT).as_posix() for p in importing
                if not p.name.startswith("test_")
                or "pytestmark = pytest.mark.bench" not in p.read_text(encoding="utf-8")]
    assert unmarked == []
