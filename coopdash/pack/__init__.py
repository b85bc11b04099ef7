"""The meeting pack: the files a weekly meeting is handed, built from the same weekly
review figures and charts the Weekly page shows.

    document   the pack as HTML (one self-contained file) or PDF; `make_pack` is the one
               entry for every format (html, pdf, pptx)
    deck       the pack as an editable PowerPoint deck (native charts)
    mail       the pack by e-mail (`send-pack`), every attempt logged
    markup     the minutes' Markdown as styled lines, for the document and the deck

One name per concept in the weekly feature: `weekly` is the review of one ISO week (the
page, `figures.weekly`, `charts.weekly`, `queries/weekly_*.sql`); `meeting` is the
meeting itself (its minutes, the follow-ups made in it, "since last meeting":
`figures.meeting`); `pack` is the files made for it (this package; commands `pack` and
`send-pack` in `coopdash.cli.pack`).

May import: `coopdash.settings`, `coopdash.contract`, `coopdash.i18n`, `coopdash.store`,
`coopdash.workbook`, `coopdash.figures`, `coopdash.charts`. Never `web` or Streamlit.
"""
