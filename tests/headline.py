"""The Overview's headline figures as a person reads them, and where `summary --json`
says each: what the soak and capacity benchmarks, the load client's test and the nginx test
compare a served page against (one list, so they compare the same figures)."""

from __future__ import annotations

from coopdash.i18n import fmt_int

LANG = "en"
HEADLINE = (  # (label key on the Overview, path in `summary --json`)
    ("lead.overview.agreements", ("agreements", "total")),
    ("lead.overview.programs", ("programs", "total")),
    ("lead.overview.seats_out", ("seats_planned", "outbound")),
    ("lead.overview.seats_in", ("seats_planned", "inbound")),
    ("lead.overview.funding", ("funding", "lines")),
    ("lead.overview.actions_open", ("actions", "open")),
)


def dig(data: dict, path: tuple[str, ...]):
    for key in path:
        data = data[key]
    return data


def shown_figures(summary: dict) -> list[str]:
    """The headline figures of `summary --json` as the Overview writes them (English)."""
    return [fmt_int(dig(summary, path), LANG) for _, path in HEADLINE]
