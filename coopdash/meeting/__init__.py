"""The weekly meeting's outputs: the meeting pack (HTML, PDF) built from the same
weekly review figures and charts the page shows.

May import: `coopdash.settings`, `coopdash.contract`, `coopdash.i18n`, `coopdash.store`,
`coopdash.workbook`, `coopdash.figures`, `coopdash.charts`. Never `web` or Streamlit.
"""
