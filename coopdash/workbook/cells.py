"""One cell in the workbook's text form, the form both halves of reading share.

The reading child writes every cell this way (`coopdash.workbook.child.parse`), the
validator reads it (`validate.as_text`) and the CSV export writes it: an Excel date at
00:00 -> `2023-05-22`, an integral number -> `2`, a number in a region column ->
`32.10`, an amount as Excel shows it, other numbers by their shortest repr. Standard
library only (it runs in the child, which starts without pandas).
"""

from __future__ import annotations

import datetime as dt

# A cell beginning with one of = + - @ TAB CR (or the apostrophe that marks them) is written
# by the export with an apostrophe in front in CSV, with Excel's quote prefix in xlsx; the
# reading child takes that one apostrophe off a CSV cell again.
NEUTRALISED = "=+-@\t\r'"


def cell_text(value, kind: str | None = None) -> str:
    """One cell in workbook text form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value, kind)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")  # the validator says: a date without time of day
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _float_text(value: float, kind: str | None) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if kind == "region":
        return f"{value:.2f}"
    if kind == "amount":
        return _amount_text(value)
    return repr(value)


def _amount_text(value: float) -> str:
    """An amount as Excel shows it: `=1500000*1.1` is 1650000.0000000002 in binary, shown
    (15 significant digits) and meant as 1650000. Accepted when those digits have at most
    two decimals; otherwise the exact value, which the validator refuses."""
    shown = f"{value:.15g}"
    if "e" not in shown and len(shown.partition(".")[2]) <= 2:
        return shown
    return repr(value)
