"""The shared sidebar (language, display currency, filters) and the URL it mirrors: a
session's first run reads its filters, language and currency from the link; every run
writes them back. What of a link cannot be used is noted and said (`link_notes`); chart
selections narrow the filters (`drill_to`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from coopdash import settings as settings_mod
from coopdash.access import Person
from coopdash.contract import CODES
from coopdash.figures.filters import NONE, Filters
from coopdash.i18n import code_label, t
from coopdash.settings import DISPLAY_CURRENCIES, LANGS, Settings
from coopdash.web import cache, params, profiling
from coopdash.web.context import Context
from coopdash.web.places import country_name, province_names

_WIDGETS = {  # widget key -> (Filters field, URL key)
    "flt_partners": ("partners", "partner"),
    "flt_countries": ("countries", "country"),
    "flt_kinds": ("kinds", "kind"),
    "flt_statuses": ("statuses", "status"),
    "flt_sources": ("sources", "source"),
    "flt_regions": ("regions", "region"),
    "flt_sides": ("sides", "side"),
    "flt_origins": ("origins", "origin"),
    "flt_recipients": ("recipients", "recipient"),
}


def drill_to(tab: str, **filters: list[str] | tuple[str, ...]) -> None:
    """Open the explorer on `tab` with the shared filters narrowed (chart selections).

    `filters` uses the Filters field names (`kinds=["seminar"]`, `partners=[...]`). The
    sidebar widgets were already drawn in this run, so the change is applied at the start
    of the next run, before they are drawn again.
    """
    st.session_state["_pending_filters"] = {k: list(v) for k, v in filters.items()}
    st.session_state["explorer_tab"] = tab
    st.query_params["tab"] = tab
    st.switch_page("pages/explorer.py")


def _apply_pending() -> None:
    pending = st.session_state.pop("_pending_filters", None)
    if not pending:
        return
    by_field = {field: key for key, (field, _) in _WIDGETS.items()}
    for field, values in pending.items():
        if field in by_field:
            st.session_state[by_field[field]] = values


def _seed_from_url() -> None:
    """On a session's first run, the URL decides the filters, language and currency. Every
    value goes through `coopdash.web.params`; what cannot be used is noted (`link_notes`)."""
    _apply_pending()
    if st.session_state.get("_seeded"):
        return
    qp = st.query_params
    for key, (_field, url_key) in _WIDGETS.items():
        st.session_state[key] = list(noted(params.codes(url_key, qp.get(url_key))))
    for key, url_key in (("flt_from", "from"), ("flt_to", "to")):
        st.session_state[key] = noted(params.date(url_key, qp.get(url_key)))
    st.session_state["_url_period"] = (qp.get("from"), qp.get("to"))
    lang = noted(params.choice("lang", qp.get("lang"), LANGS, ""))
    if lang:
        st.session_state["lang"] = lang
    cur = noted(params.choice("cur", (qp.get("cur") or "").upper() or None,
                               DISPLAY_CURRENCIES, ""))
    if cur:
        st.session_state["currency"] = cur
    st.session_state["_seeded"] = True


def hold(*keys: str) -> None:
    """Re-assert these widgets' values through the Session State API before they are
    drawn, so that every run sends the browser the value the server uses.

    A widget whose value the server only remembers is drawn without it; if the browser
    has lost its copy meanwhile (a run cut short by the next click), it shows the
    widget's default and sends that back with the next click: the language fell back to
    Indonesian after a menu click under load. Only for widgets drawn without a default
    argument (Streamlit warns when a widget has both)."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def noted(parsed: params.Parsed) -> Any:
    """The parsed value; its note (if any) kept to be shown by `link_notes`."""
    if parsed.note is not None:
        note(parsed.note)
    return parsed.value


def note(item: params.Note) -> None:
    """Keep a note about a link's value for `link_notes` (once per distinct note)."""
    notes = st.session_state.setdefault("_link_notes", [])
    if item not in notes:
        notes.append(item)


def link_notes(lang: str, where: str = "frame") -> None:
    """Say which parts of the link were not used, and why, until the reader dismisses
    them. Called by the frame (the sidebar's keys) and by a page after it read its own
    keys (`where` names the caller); each note is shown once per run."""
    shown = st.session_state.setdefault("_link_notes_shown", set())
    notes = [n for n in st.session_state.get("_link_notes", []) if n not in shown]
    if not notes:
        return
    shown.update(notes)
    with st.container(border=True, key=f"link_notes_{where}"):
        st.markdown(f"**{t('link.title', lang)}**")
        for item in notes:
            st.caption(":material/link_off: " + item.message(lang))
        st.button(t("link.dismiss", lang), key=f"link_notes_dismiss_{where}",
                  on_click=_dismiss_notes)


def _dismiss_notes() -> None:
    """The dismiss button's callback: runs before the next run draws anything."""
    st.session_state["_link_notes"] = []


_CODED = {"flt_kinds": "program_kind", "flt_statuses": "program_status",
          "flt_sources": "source", "flt_sides": "side"}  # widget key -> codelist


def choices(db_path: str, version: int, lang: str
            ) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Widget key -> (options, option -> label) of every sidebar filter, and the program
    years under `years`: read from `version` of the store and labelled once per content of
    what `filter_options` reads and language, not on every rerun nor after every write."""
    with profiling.cache_call():
        return _choices(db_path=db_path,
                        data=cache.data_key(db_path, version, "filter_options"), lang=lang,
                        _version=version)


@st.cache_resource(ttl=cache.TTL, max_entries=16, show_spinner=False)
def _choices(db_path: str, data: str, lang: str, _version: int
             ) -> dict[str, tuple[list[str], dict[str, str]]]:
    del data  # the cache key only
    profiling.missed()
    version = _version
    settings = settings_mod.get()
    ctx0 = Context(settings, "en", "IDR", Filters(), version, settings.today(),
                   Person(role="viewer", actor="coopdash"))  # options hold no names
    opts = cache.run("filter_options", ctx0)
    by_kind = {kind: rows for kind, rows in opts.groupby("kind", sort=False)}
    empty = opts.iloc[0:0]

    def listed(kind: str) -> list[str]:
        return by_kind.get(kind, empty)["value"].tolist()

    partners = by_kind.get("partner", empty)
    provinces = province_names()
    out = {
        "flt_partners": (listed("partner"), dict(zip(partners["value"], partners["label"],
                                                     strict=True))),
        "flt_countries": (listed("country"), {v: f"{country_name(v, lang)} ({v})"
                                              for v in listed("country")}),
        "flt_regions": (listed("province"), {v: f"{provinces.get(v, v)} ({v})"
                                             for v in listed("province")}),
        "years": (listed("year"), {}),
        "flt_origins": _labelled(by_kind.get("origin", empty)),
        "flt_recipients": (listed("recipient"), {v: f"{country_name(v, lang)} ({v})"
                                                 for v in listed("recipient")}),
    }
    for key, codelist in _CODED.items():
        codes = list(CODES[codelist])
        out[key] = (codes, {c: code_label(codelist, c, lang) for c in codes})
    for key in ("flt_sources", "flt_regions", "flt_origins"):  # can be empty: say so, last
        options, labels = out[key]
        out[key] = ([*options, NONE], {**labels, NONE: t(f"filter.none.{_WIDGETS[key][1]}", lang)})
    return out


def _labelled(rows) -> tuple[list[str], dict[str, str]]:
    return rows["value"].tolist(), dict(zip(rows["value"], rows["label"], strict=True))


def _multiselect(key: str, label: str, choices: tuple[list[str], dict[str, str]],
                 lang: str) -> None:
    options, labels = choices
    # keep only still-existing values (a URL may name a partner that was removed): noted
    chosen = st.session_state.get(key, [])
    current = [v for v in chosen if v in labels]
    if len(current) < len(chosen):
        note(params.Note(_WIDGETS[key][1], "unknown_codes",
                         params.shown(", ".join(v for v in chosen if v not in labels))))
    st.session_state[key] = current
    st.multiselect(label, options, key=key, format_func=labels.__getitem__,
                   placeholder=t("common.all", lang),
                   help=t(f"filter.help.{_WIDGETS[key][1]}", lang))


def sidebar(settings: Settings, version: int) -> Filters:
    """Language, currency and the shared filters; returns the filter state."""
    _seed_from_url()
    st.session_state.setdefault("lang", settings.lang)
    st.session_state.setdefault("currency", settings.currency)
    hold("lang", "currency")
    with st.sidebar:
        lang = st.selectbox(t("app.language", st.session_state["lang"]), LANGS, key="lang",
                            format_func=lambda v: t(f"app.lang_{v}", v),
                            placeholder=t("common.choose", st.session_state["lang"]))
        st.selectbox(t("app.currency", lang), DISPLAY_CURRENCIES, key="currency",
                     placeholder=t("common.choose", lang))
        st.subheader(t("filter.title", lang))
        _filter_widgets(choices(str(settings.db_path), version, lang), lang)
    flt = _filters_from_state()
    _write_url(flt, lang)
    return flt


def _filter_widgets(options: dict[str, tuple[list[str], dict[str, str]]], lang: str) -> None:
    for key, label in (("flt_partners", "partner"), ("flt_countries", "country"),
                       ("flt_kinds", "kind"), ("flt_statuses", "status")):
        _multiselect(key, t(f"filter.{label}", lang), options[key], lang)
    _period_widget(options["years"][0], lang)
    for key, label in (("flt_sources", "source"), ("flt_regions", "region"),
                       ("flt_sides", "side"), ("flt_origins", "origin"),
                       ("flt_recipients", "recipient")):
        _multiselect(key, t(f"filter.{label}", lang), options[key], lang)
    if st.button(t("filter.reset", lang), key="flt_reset", width="stretch"):
        for key in (*_WIDGETS, "flt_from", "flt_to"):
            st.session_state.pop(key, None)
        st.session_state["_seeded"] = True
        st.query_params.clear()
        st.rerun()


def _period_widget(year_values: list[str], lang: str) -> None:
    years = sorted(int(y) for y in year_values) or [dt.date.today().year]
    lo, hi = years[0], years[-1]
    _check_url_period(lo, hi)
    cur_from, cur_to = st.session_state.get("flt_from"), st.session_state.get("flt_to")
    value = (cur_from.year if cur_from else lo, cur_to.year if cur_to else hi)
    value = (max(lo, min(value[0], hi)), max(lo, min(value[1], hi)))
    if lo == hi:
        return
    chosen = st.slider(t("filter.period", lang), lo, hi, value=value, key="flt_years",
                       help=t("filter.help.period", lang))
    full = chosen == (lo, hi)
    if not full:
        st.caption(t("filter.help.period", lang))
    st.session_state["flt_from"] = None if full else dt.date(chosen[0], 1, 1)
    st.session_state["flt_to"] = None if full else dt.date(chosen[1], 12, 31)


def _check_url_period(lo: int, hi: int) -> None:
    """Once, for the link's period: say how it is shown when the data's years (lo..hi) or
    the slider's whole years cannot show it as written."""
    raw = st.session_state.pop("_url_period", None)
    start, end = st.session_state.get("flt_from"), st.session_state.get("flt_to")
    if raw is None or (start is None and end is None):
        return
    value = params.shown(" – ".join(str(v) for v in raw if v))
    y0, y1 = (start.year if start else lo), (end.year if end else hi)
    reason, shown = None, None
    if y0 > y1:
        reason = "period_reversed"
    elif y0 > hi or y1 < lo:
        reason = "period_outside"
    elif y0 < lo or y1 > hi:
        reason, shown = "period_clamped", f"{max(y0, lo)}–{min(y1, hi)}"
    elif (start and (start.month, start.day) != (1, 1)) or (end and (end.month, end.day)
                                                            != (12, 31)):
        reason, shown = "period_years", f"{y0}–{y1}"
    if reason in ("period_reversed", "period_outside"):
        st.session_state["flt_from"] = st.session_state["flt_to"] = None
    if reason:
        note(params.Note("from/to", reason, value,
                         (("hi", hi), ("lo", lo), ("shown", shown or ""))))


def _filters_from_state() -> Filters:
    kw = {field: tuple(st.session_state.get(key) or ()) for key, (field, _) in _WIDGETS.items()}
    return Filters(date_from=st.session_state.get("flt_from"),
                   date_to=st.session_state.get("flt_to"), **kw)


def _write_url(flt: Filters, lang: str) -> None:
    """Mirror the filters, language and currency into the URL (page keys are kept)."""
    wanted = {**flt.to_query_params(), "lang": lang, "cur": st.session_state["currency"]}
    for key in (*flt.url_keys, "lang", "cur"):
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]

