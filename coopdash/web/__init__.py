"""The Streamlit glue shared by `dashboard.py` and `pages/`: the only package that
imports Streamlit.

One job per module: `context` (the page context: settings, filters, language, currency,
data version, person), `storage` (the store's reader, connections and writes), `cache`
(the one cache boundary: query results, views, computed results), `warmup` (those
computed again after a write, before anyone asks), `sidebar` (the shared filters and the
URL they mirror), `frame` (builds the context once per run), `layout` (pieces of page
layout pages share), `places` (names of countries and provinces).

May import every other coopdash package; nothing imports it but `dashboard.py` and
`pages/`.
"""
