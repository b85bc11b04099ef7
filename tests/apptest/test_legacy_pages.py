"""The shim around Streamlit's private legacy-pages flag (coopdash/web/legacy_pages.py):
these tests fail when Streamlit changes what the shim relies on."""

from __future__ import annotations

import inspect
from pathlib import Path

from streamlit.commands import navigation
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

from coopdash.web import legacy_pages

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_still_has_the_legacy_flag_the_shim_turns_off(monkeypatch):
    """A PagesManager for dashboard.py (a `pages/` folder beside it) still switches the
    legacy mode on through the class flag the shim reads and clears."""
    assert "uses_pages_directory" in vars(PagesManager)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    PagesManager(str(ROOT / "dashboard.py"))
    assert PagesManager.uses_pages_directory is True
    assert legacy_pages.in_legacy_mode()


def test_the_legacy_runner_is_still_keyed_on_that_flag():
    """The script runner still runs the legacy `pages/` mode when the flag is set, and
    `st.navigation` still clears it (only once called: hence the shim)."""
    runner = inspect.getsource(script_runner.ScriptRunner)
    assert "if PagesManager.uses_pages_directory:" in runner
    assert "_mpa_v1(" in runner
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(
        navigation.navigation)


def test_a_run_of_the_app_leaves_the_legacy_mode(app, sample_store):
    """A first run in a fresh process (flag reset, as AppTest does) ends outside the
    legacy mode, with the frame drawn (its sidebar language selector)."""
    at = app(sample_store, lang="en")
    at.run()
    assert not at.exception, at.exception
    assert not legacy_pages.in_legacy_mode()
    assert at.selectbox(key="lang").value == "en"
