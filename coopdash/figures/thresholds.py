"""Every day-count threshold a figure uses, named once.

The SQL never writes these numbers: each query that needs one names it as a parameter
(`$soon_days`, `$next_days`, `$expiring_days`, `$stalled_days`) and the caller passes
`params()`; the query runner binds only the parameters a query names, so every caller can
hand over all of them. The pages and the meeting pack write the value into their headings
(`words()`), so what a person reads is what was counted.

| name | days | used by |
| --- | --- | --- |
| `SOON_DAYS` | 14 | weekly review: programs starting or ending soon |
| `NEXT_DAYS` | 30 | weekly review: programs starting or ending next; its headline figure |
| `EXPIRING_DAYS` | 90 | agreements expiring (weekly review, timeline) |
| `EXPIRING_LATER_DAYS` | 180 | the timeline's second, longer look ahead |
| `STALLED_DAYS` | 60 | explorations with no milestone (weekly review, timeline) |
"""

from __future__ import annotations

SOON_DAYS = 14
NEXT_DAYS = 30
EXPIRING_DAYS = 90
EXPIRING_LATER_DAYS = 180
STALLED_DAYS = 60


def params() -> dict[str, int]:
    """The thresholds as query parameters (`$soon_days` ...)."""
    return {"soon_days": SOON_DAYS, "next_days": NEXT_DAYS, "expiring_days": EXPIRING_DAYS,
            "stalled_days": STALLED_DAYS}


def words() -> dict[str, int]:
    """The thresholds as catalogue placeholders: `{soon}`, `{soon_after}` (the first day
    after the soon list), `{next}`, `{expiring}`, `{stalled}`."""
    return {"soon": SOON_DAYS, "soon_after": SOON_DAYS + 1, "next": NEXT_DAYS,
            "expiring": EXPIRING_DAYS, "stalled": STALLED_DAYS}
