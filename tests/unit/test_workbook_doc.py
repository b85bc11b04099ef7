"""The workbook contract is complete inside the repository: docs/workbook.md lists every
column of coopdash/contract.py with its kind, states the import rules, and nothing points
outside the repository."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from coopdash.contract import TABLES

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "workbook.md"


def _script():
    spec = importlib.util.spec_from_file_location("workbook_columns",
                                                  ROOT / "scripts" / "workbook_columns.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_column_is_documented_with_its_kind():
    """Each table's columns appear in the doc, in order, with the contract's kind and
    whether they are required (regenerate: scripts/workbook_columns.py)."""
    text = DOC.read_text(encoding="utf-8")
    script = _script()
    assert script.section() in text
    for name, table in TABLES.items():
        block = text.split(f"### `{name}`", 1)[1].split("###", 1)[0]
        rows = re.findall(r"^\| `(\w+)` \| (.*?) \| (.*?) \|$", block, re.M)
        assert [r[0] for r in rows] == table.column_names, name
        for (col, kind, required), c in zip(rows, table.columns, strict=True):
            assert kind == script.kind_text(c), (name, col)
            assert (required == "yes / ya") == c.required, (name, col)


def test_the_import_rules_are_stated_in_both_languages():
    """Upsert, replace and all-or-nothing are each explained in English and Indonesian."""
    text = DOC.read_text(encoding="utf-8")
    for rule in ("all or nothing / semua atau tidak sama sekali", "upsert", "replace / ganti"):
        line = next(ln for ln in text.splitlines() if ln.startswith(f"| {rule}"))
        en, id_ = line.split(" | ")[1:3]
        assert len(en) > 40 and len(id_) > 40, rule
    assert "never from a person's name" in text and "jangan pernah dari nama orang" in text


def test_nothing_points_outside_the_repository():
    """README, the contract and the sample's README name no `shared/…` file, and the
    sample's source article ships beside the sample."""
    for path in ("README.md", "coopdash/contract.py", "data/sample/README.md",
                 "docs/workbook.md"):
        assert "shared/" not in (ROOT / path).read_text(encoding="utf-8"), path
    article = ROOT / "data" / "sample" / "paradigmanews-bpsdm-jclair-2023-05-22.txt"
    assert article.read_text(encoding="utf-8").startswith("PARADIGMANEWS.COM, JAKARTA")
