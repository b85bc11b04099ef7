"""Workbook in and out: the first stage of the flow.

Reads a record keeper's workbook (.xlsx, CSV folder or .zip) as text, with row numbers
as a person sees them, in two halves: `reading` (this process: starts the reading child,
checks what it hands back, frames it) and `child` (a package that runs only in that
limited child process: checks the file's type and zip entries, pre-scans .xlsx sheets,
parses); `cells` is the one text form of a cell both halves share. Then it checks every
rule of the contract in one pass (`validate`) and writes it into the store all or nothing
(`importer`, with `replacing` for what a replace removes; `uploads` is the Data page's
check-then-apply of an upload, `edits` the meeting's follow-ups and minutes, `entry`
the Record page's form). Also the way back out: the whole store as a workbook
(`writer`), the empty `template`, the `demo` generator, the region reference list
(`regions`) and what a new store is filled with (`bootstrap`).

May import: `coopdash.settings`, `coopdash.contract`, `coopdash.i18n`, `coopdash.store`.
Never: `figures`, `charts`, `pack`, `web`, `cli`, or Streamlit.
"""
