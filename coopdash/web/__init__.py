"""The Streamlit glue shared by `dashboard.py` and `pages/`: the only package that
imports Streamlit.

`ui` holds the page context (settings, store, filters, language, currency), the cached
query boundary and view-model cache, the sidebar and the widgets pages share.

May import every other coopdash package; nothing imports it but `dashboard.py` and
`pages/`.
"""
