"""A figure's change is written like the figure (issue 17 §5): the Weekly page's "changes
recorded this week" read `7.329` with a change of `7329` under it (Streamlit writes a
number delta as it is)."""

from __future__ import annotations

import re

import pandas as pd

from coopdash import store
from coopdash.figures import weekly
from coopdash.i18n import fmt_int
from coopdash.workbook import importer

N = 1200  # participants added this week: a four-digit change


def test_the_weekly_change_is_written_like_the_figure(app, store_copy, sample_store):
    """This week's import of 1,200 participants: the figure and its change both carry
    the thousands separator of Bahasa Indonesia; every other change too (`±0` for none)."""
    db = store_copy(sample_store)
    added = pd.DataFrame({"participant_id": [f"big-{i:04d}" for i in range(N)],
                          "delegation_id": "jclair-seminar-tokyo-home",
                          "full_name": [f"Person {i}" for i in range(N)],
                          "status": "nominated"})
    with store.writing(db, actor="pytest", what="import") as con:
        importer.import_frames(con, {"participants": added}, file_name="big.xlsx",
                               actor="pytest")
    at = app(db, lang="id")
    at.switch_page("pages/weekly.py").run()
    assert not at.exception, at.exception
    shown = {m.label: m for m in at.metric}
    changes = shown[weekly.heading("fig.n_changes", "id")]
    n = int(changes.value.replace(".", ""))
    assert n >= N and changes.value == fmt_int(n, "id")
    for m in at.metric:
        assert m.delta == "±0" or re.fullmatch(r"[+-]\d{1,3}(\.\d{3})*", m.delta), m.delta
    assert changes.delta.startswith("+") and int(changes.delta[1:].replace(".", "")) >= N
    assert "." in changes.delta  # 1.200 or more, as the figure writes it
