"""Figures: every number and table a person reads, each defined once.

Turns the store into pandas DataFrames through the one query runner
(`coopdash.store.query`) and the SQL in `queries/`: the shared filter state (`filters`),
the headline figures shared by the Overview, `summary --json` and the pack (`summary`),
the explorer's tables (`explorer`) and the files made from them (`exports`), and the
weekly review (`weekly`), with its thresholds named in `thresholds`.

May import: `coopdash.settings`, `coopdash.contract`, `coopdash.i18n`, `coopdash.store`,
`coopdash.workbook` (reference lists, the whole-store writer). Never: `charts`,
`pack`, `web`, `cli`, or Streamlit.
"""
