"""Hostile links: every page opened with unusable values for every key the app writes
shows no exception, uses nothing it cannot read, and says what it dropped (issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdash.figures import explorer as ex
from coopdash.i18n import t
from coopdash.web import params

PAGES = ["pages/overview.py", "pages/delegations.py", "pages/funding.py",
         "pages/timeline.py", "pages/explorer.py", "pages/weekly.py", "pages/data.py"]
LIST_KEYS = ["partner", "country", "kind", "status", "source", "region", "side",
             *sorted({f.url for tab in ex.TABS.values() for f in tab.filters})]
SCALAR_KEYS = ["from", "to", "lang", "cur", "tab", "q", "pg", "sort", "size", "week"]
SQL = "1' or '1'='1'; drop table programs; --"
SCRIPT = "<script>alert(1)</script><img src=x onerror=alert(2)>"
BUNDLES = {
    "sql": SQL,
    "long": "9" * 10_000,
    "unicode_digits": "²",
    "script": SCRIPT,
    "extreme": "9999-W52",
    "control": "\x1b[2J\u202eevil\x00",
}


def _open(at, page: str, values: dict):
    for key, value in values.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    return at


def _texts(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("bundle", sorted(BUNDLES))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_survives_hostile_values_for_every_key(app, sample_store, page, bundle):
    """Every key set to one hostile value: the page draws, without an exception box."""
    value = BUNDLES[bundle]
    at = _open(app(sample_store, lang="en"), page, {k: value for k in LIST_KEYS + SCALAR_KEYS})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "the page drew its title"
    shown = _texts(at)
    for line in shown.splitlines():  # a value is echoed only inside a code span (literal)
        if "<script>" in line:
            assert "`<script>" in line, line
    assert "Part of this link was not used" in shown  # the reader is told


@pytest.mark.parametrize("value", ["²", "٣", "1e3", "-1", "0x10", "99999999999"])
def test_explorer_page_number_from_unicode_digits_is_dropped_with_a_note(app, sample_store,
                                                                         value):
    """`/explorer?pg=²`: no crash; page 1 is shown and the note names the value."""
    at = _open(app(sample_store, lang="en"), "pages/explorer.py", {"pg": value, "size": value})
    assert not at.exception, [e.value for e in at.exception]
    shown = _texts(at)
    assert f"The link's `pg` value `{value}`" in shown
    assert f"The link's `size` value `{value}`" in shown
    assert "pg" not in at.query_params  # page 1 is not written in the link


@pytest.mark.parametrize("value", ["9999-W52", "0001-W01", "2026-W54", "2026-W00", "x"])
def test_weekly_unusable_week_shows_this_week_with_a_note(app, sample_store, monkeypatch,
                                                         value):
    """`/weekly?week=9999-W52`: this week is shown, the link rewritten, and the note says so."""
    monkeypatch.setenv("COOPDASH_TODAY", "2026-11-28")
    at = _open(app(sample_store, lang="en"), "pages/weekly.py", {"week": value})
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["week"] in ("2026-W48", ["2026-W48"])
    assert f"The link's `week` value `{value}`" in _texts(at)
    at.run()  # the session keeps working on the next rerun
    assert not at.exception


@pytest.mark.parametrize(("frm", "to", "reason"), [
    ("1900-01-01", "1900-12-31", "is outside the data"),
    ("0001-01-01", None, "outside the years 1900–2200"),
    (None, "0001-01-01", "outside the years 1900–2200"),
    ("2026-W01", None, "is not a date"),
    ("1900-01-01", None, "reaches beyond the data"),
    ("2024-12-31", "2023-01-01", "ends before it starts"),
])
def test_an_unusable_period_is_never_swapped_silently(app, sample_store, frm, to, reason):
    """An out-of-range or unreadable period in a link is dropped or narrowed with a note."""
    values = {k: v for k, v in (("from", frm), ("to", to)) if v}
    at = _open(app(sample_store, lang="en"), "pages/overview.py", values)
    assert not at.exception, [e.value for e in at.exception]
    assert reason in _texts(at)


def test_notes_go_once_dismissed(app, sample_store):
    """The reader dismisses the notes; they do not come back on the next run."""
    at = _open(app(sample_store, lang="en"), "pages/overview.py", {"kind": "nope"})
    assert "`nope`" in _texts(at)
    at.button(key="link_notes_dismiss_frame").click().run()
    assert "`nope`" not in _texts(at)
    assert not at.exception


def test_a_clean_link_gives_no_note(app, sample_store):
    """A link the app wrote itself is read back with no note at all."""
    at = _open(app(sample_store, lang="en"), "pages/explorer.py",
               {"tab": "programs", "pg": "1", "size": "25", "lang": "en", "cur": "USD"})
    assert "Part of this link was not used" not in _texts(at)
    assert at.selectbox(key="ex_size").value == 25


# --- the parsers alone --------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["²", "١٢", "+1", " 7 ", "1" * 20, "", None, ["3", "²"]])
def test_integer_never_raises(raw):
    """Any text gives a value in range or the default, never an exception."""
    got = params.integer("pg", raw, 1, 1, 100)
    assert 1 <= got.value <= 100


def test_repeated_keys_use_the_last_value():
    """`?pg=2&pg=3` reads 3, like Streamlit's own `query_params.get`."""
    assert params.integer("pg", ["2", "3"], 1, 1, 10).value == 3


@pytest.mark.parametrize(("raw", "ok"), [("2026-11-28", True), ("20261128", False),
                                         ("2026-W48-1", False), ("2026-02-30", False),
                                         ("9999-12-31", False), ("1900-01-01", True)])
def test_date_reads_only_iso_dates_in_range(raw, ok):
    """Python's fromisoformat accepts `20261128` and `2026-W48-1`; a link may not."""
    got = params.date("from", raw)
    assert (got.note is None) == ok
    assert isinstance(got.value, dt.date) == ok


def test_codes_keeps_well_formed_known_values_and_names_the_rest():
    """A list keeps the known ids, drops the others, and the note names them (cleaned)."""
    got = params.codes("kind", "seminar,<b>x</b>,webinar,nope", ["seminar", "webinar"])
    assert got.value == ("seminar", "webinar")
    assert got.note.value == "<b>x</b>, nope"


def test_shown_value_is_short_and_printable():
    """A note never carries control or direction characters, nor more than 40 chars."""
    out = params.shown("\x1b[2J\u202e" + "a" * 100)
    assert "\x1b" not in out and "\u202e" not in out and len(out) == params.MAX_SHOWN + 1


@pytest.mark.parametrize(("raw", "reason"), [("99999999999", "out_of_range"),
                                             ("1" * 5000, "out_of_range"),
                                             ("-1", "out_of_range"), ("0", "out_of_range"),
                                             ("²", "not_integer"), ("1.5", "not_integer")])
def test_whole_numbers_out_of_range_are_said_so(raw, reason):
    """A whole number outside the range is "outside the choices", never "not a whole
    number" (however long: no int() limit is hit)."""
    got = params.integer("pg", raw, 1, 1, 100)
    assert (got.value, got.note.reason) == (1, reason)


def test_a_page_past_the_last_is_noted(app, sample_store):
    """`/explorer?pg=50000`: the last page is shown, and the note says so."""
    at = _open(app(sample_store, lang="en"), "pages/explorer.py",
               {"tab": "programs", "pg": "50000"})
    assert not at.exception
    last = at.session_state["ex_page"]
    assert 1 <= last < 50000
    assert t("link.page_beyond", "en", param="pg", value="50000", last=last) in _texts(at)


def test_a_repeated_key_is_noted(app, sample_store):
    """`?lang=id&lang=en`: the last is used (English), and the note says the key came twice."""
    at = _open(app(sample_store, lang="id"), "pages/overview.py", {"lang": ["id", "en"]})
    assert not at.exception
    assert t("link.repeated", "en", param="lang", n=2, value="en") in _texts(at)
