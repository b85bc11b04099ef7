"""The explorer's search takes every character literally: `50%` and `a_b` find exactly
the rows holding those characters (LIKE's wildcards are escaped in the one `matches`
macro), on real rows of a real store, through the page."""

from __future__ import annotations

import pandas as pd
import pytest

from coopdash import store
from coopdash.workbook import importer

TITLES = {
    "p-pct": "Diskon 50% biaya pelatihan",
    "p-500": "Pelatihan 500 peserta",
    "p-under": "Seminar a_b daerah",
    "p-axb": "Seminar axb daerah",
    "p-slash": "Arsip C:\\data kerja sama",
    "p-plain": "Arsip C: data kerja sama",
}


@pytest.fixture
def titled(store_copy, sample_store):
    """The sample plus programs whose titles differ only by a wildcard character."""
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)
    programs = pd.DataFrame({"program_id": list(TITLES), "title": list(TITLES.values())}
                            ).assign(partner_id="jclair-sg", kind="seminar", status="planned")
    importer.import_frames(con, {"programs": programs}, file_name="titles.xlsx",
                           actor="pytest")
    con.close()
    return db


def _found(at) -> set[str]:
    """Program ids in the explorer's table."""
    table = at.dataframe[0].value
    return {v for col in table.columns for v in table[col].astype(str) if v in TITLES}


@pytest.mark.parametrize(("q", "expected"), [
    ("50%", {"p-pct"}),
    ("a_b", {"p-under"}),
    ("A_B", {"p-under"}),  # case is still ignored
    ("C:\\", {"p-slash"}),
    ("%", {"p-pct"}),
    ("_", {"p-under"}),
])
def test_search_matches_characters_literally(app, titled, q, expected):
    """A search for a wildcard character finds only the rows that hold that character."""
    at = app(titled, lang="en")
    at.query_params["tab"] = "programs"
    at.query_params["q"] = q
    at.switch_page("pages/explorer.py")
    at.run()
    assert not at.exception, at.exception
    assert at.text_input(key="ex_q").value == q
    assert _found(at) == expected
