"""Workbook in and out: the first stage of the flow.

Reads a record keeper's workbook (`reader`: .xlsx, CSV folder or .zip, as text, with row
numbers as a person sees them), checks every rule of the contract in one pass
(`validate`), and writes it into the store all or nothing (`importer`, and `edits` /
`intake` for the dashboard's own writes). Also the way back out: the whole store as a
workbook (`writer`), the empty `template`, the `demo` generator, the region reference
list (`regions`) and what a new store is filled with (`bootstrap`).

May import: `coopdash.settings`, `coopdash.contract`, `coopdash.i18n`, `coopdash.store`.
Never: `figures`, `charts`, `meeting`, `web`, `cli`, or Streamlit.
"""
