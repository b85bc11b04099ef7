"""Charts: pure builders, DataFrame (+ language, currency) -> plotly Figure or table.

No Streamlit, no I/O, no store: a chart is a function of the figures it is given, so it
is tested by inspecting its traces. `leadership` draws the leadership pages' charts,
`review` those of the weekly review and its pack.

May import: `coopdash.settings`, `coopdash.contract`, `coopdash.i18n`. Nothing else of
coopdash.
"""
