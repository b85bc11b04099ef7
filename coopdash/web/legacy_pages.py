"""The one place coopdash touches a private part of Streamlit (a shim, kept small).

Why: the project keeps its pages in the top-level `pages/` folder (the agreed layout),
and `dashboard.py` registers them with `st.navigation`. Streamlit sees a `pages/` folder
beside the main script and, until `st.navigation` has been called once in the process,
runs in its legacy "pages directory" mode (`streamlit.runtime.pages_manager.PagesManager`
class flag `uses_pages_directory`, read by the script runner to run `_mpa_v1`). In that
mode a deep link (`/explorer`) runs the page file alone (no frame, no sidebar, no wide
layout), and the root runs dashboard.py under another script hash, so the sidebar widgets
drawn in that first run get other ids than in every later run: the language selectbox
came back as a new widget on the first page change, at its first option (Bahasa
Indonesia), whatever the session had chosen.

What: `leave_legacy_mode()` turns that flag off and reruns before any widget is drawn,
so the frame and its widgets keep one identity from the first run on. There is no
public switch for it in Streamlit 1.67 (no config option; `st.navigation` itself sets
the flag, but only after the legacy run has started).

Guarded by tests/apptest/test_legacy_pages.py, which fails when Streamlit changes underneath
(the flag gone or renamed, the legacy runner no longer keyed on it, `st.navigation` no
longer clearing it): then look for a public way again, or drop this module if Streamlit
no longer has the legacy mode.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def in_legacy_mode() -> bool:
    """Whether this run was started in Streamlit's legacy `pages/` directory mode."""
    return bool(PagesManager.uses_pages_directory)


def leave_legacy_mode() -> None:
    """Leave the legacy mode and run again (before any widget is drawn)."""
    if in_legacy_mode():
        PagesManager.uses_pages_directory = False
        st.rerun()
