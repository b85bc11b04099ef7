"""One reading of an ISO week (`contract.iso_week`): the workbook's week cells, the Weekly
page's link (`web.params.week`), `Week.parse` and the command line's `--week` agree, and
a week that does not exist (2025-W53) is said to be no such week."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from coopdash import cli
from coopdash.contract import WeekError, iso_week
from coopdash.figures import weekly
from coopdash.i18n import t
from coopdash.web import params
from coopdash.workbook.validate import Issues, check_file

SAMPLES = ["2026-W48", "2026-W01", "2026-W53", "2020-W53", "2025-W53", "2026-W00",
           "2026-W54", "0000-W01", "2026-w48", "2026-W5", "2026W48", "2026-W048",
           "٢٠٢٦-W48", " 2026-W48 ", "x"]


def _weeks_by_counting(year: int) -> int:
    """Independently of the code: Mondays whose ISO year is `year`."""
    day = dt.date(year, 1, 4) - dt.timedelta(days=dt.date(year, 1, 4).weekday())
    n = 0
    while day.isocalendar().year == year:
        n, day = n + 1, day + dt.timedelta(days=7)
    return n


def _python(text: str) -> str:
    try:
        iso_week(text)
    except WeekError as exc:
        return exc.code
    return "ok"


def _validator() -> dict[str, str]:
    """What the workbook's validator says of each sample as a follow-up's week cell."""
    frame = pd.DataFrame({"action_id": [f"a{i}" for i in range(len(SAMPLES))],
                          "meeting_week": SAMPLES}, dtype=str)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="_row")
    issues = Issues()
    check_file({"actions": frame}, issues)
    found = {i.row: i.code for i in issues.items if i.column == "meeting_week"}
    return {text: found.get(row, "ok") for row, text in zip(frame.index, SAMPLES, strict=True)}


def test_the_parser_and_the_workbook_validator_agree():
    expected = {"2026-W48": "ok", "2026-W01": "ok", "2026-W53": "ok", "2020-W53": "ok",
                "2025-W53": "week_invalid", "2026-W00": "week_invalid",
                "2026-W54": "week_invalid", "0000-W01": "week_invalid",
                "2026-w48": "week_format", "2026-W5": "week_format",
                "2026W48": "week_format", "2026-W048": "week_format",
                "٢٠٢٦-W48": "week_format", " 2026-W48 ": "ok", "x": "week_format"}
    assert {s: _python(s) for s in SAMPLES} == expected
    assert _validator() == expected
    assert [_weeks_by_counting(y) for y in (2020, 2025, 2026)] == [53, 52, 53]


def test_week_parse_is_as_strict_and_falls_back_only_when_asked():
    assert weekly.Week.parse(" 2026-W53 ").label == "2026-W53"
    with pytest.raises(WeekError) as err:
        weekly.Week.parse("2025-W53")
    assert err.value.code == "week_invalid" and err.value.params == {"weeks": 52}
    assert weekly.Week.parse("2026-w48", default=dt.date(2024, 3, 1)).label == "2024-W09"


@pytest.mark.parametrize(("value", "reason", "extra"), [
    ("2025-W53", "no_such_week", {"year": 2025, "weeks": 52}),
    ("2026-W00", "no_such_week", {"year": 2026, "weeks": 53}),
    ("2026-w48", "not_week", {}),
    ("0000-W01", "date_out_of_range", {"lo": 1900, "hi": 2200}),
    ("9999-W52", "date_out_of_range", {"lo": 1900, "hi": 2200}),
])
def test_a_link_names_the_week_it_did_not_use_and_why(value, reason, extra):
    parsed = params.week("week", value, default=(2026, 48))
    assert parsed.value == (2026, 48)
    assert (parsed.note.reason, dict(parsed.note.extra)) == (reason, extra)
    assert params.week("week", "2026-W53").value == (2026, 53)


def test_link_note_says_no_such_week_in_both_languages():
    note = params.week("week", "2025-W53", default=(2026, 48)).note
    assert note.message("en") == ("The link's `week` value `2025-W53`: no such week "
                                  "(2025 has ISO weeks 01 to 52); this week is shown.")
    assert "tidak ada" in note.message("id") and "52" in note.message("id")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_command_line_says_no_such_week(tmp_path, capsys, lang):
    """`pack --week 2025-W53`: exit 2, the validator's own sentence, nothing written."""
    out = tmp_path / "pack.html"
    assert cli.main(["pack", "--week", "2025-W53", "--lang", lang, "--out", str(out),
                     "--db", str(tmp_path / "none.duckdb")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("coopdash pack: 2025-W53: "
                           + t("store.err.week_invalid", lang, weeks=52))
    assert not out.exists()
