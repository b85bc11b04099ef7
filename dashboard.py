"""coopdash: the entry point. `streamlit run dashboard.py`

Registers every page once (st.navigation), draws the shared sidebar (language, display
currency, filters — kept in the URL), and runs the chosen page; at most `COOPDASH_RUNS`
runs at once per process (`coopdash.web.admission`), each profiled when `COOPDASH_PROFILE`
names a folder and logged when `COOPDASH_RUN_LOG` names a file (`coopdash.web.profiling`).
"""

import streamlit as st

from coopdash.i18n import t
from coopdash.web import admission, assets, auth, frame, profiling, routes, views_ui
from coopdash.web.context import Context


def _pages(ctx: Context) -> dict[str, list]:
    """Every page, by menu section. Pages beyond the person's role stay registered (their
    URL says "not allowed") but are left out of the menu."""
    lang = ctx.lang

    def shown(url_path: str) -> str:
        return "visible" if ctx.person.can_open(url_path) else "hidden"

    return {
        t("nav.section_leadership", lang): [
            st.Page("pages/overview.py", title=t("nav.overview", lang),
                    icon=":material/dashboard:", url_path="overview", default=True),
            st.Page("pages/delegations.py", title=t("nav.delegations", lang),
                    icon=":material/groups:", url_path="delegations"),
            st.Page("pages/funding.py", title=t("nav.funding", lang),
                    icon=":material/payments:", url_path="funding"),
            st.Page("pages/timeline.py", title=t("nav.timeline", lang),
                    icon=":material/timeline:", url_path="timeline"),
        ],
        t("nav.section_work", lang): [
            st.Page("pages/explorer.py", title=t("nav.explorer", lang),
                    icon=":material/table_view:", url_path="explorer"),
            st.Page("pages/weekly.py", title=t("nav.weekly", lang),
                    icon=":material/event_note:", url_path="weekly"),
            st.Page("pages/record.py", title=t("nav.record", lang),
                    icon=":material/edit_note:", url_path="record", visibility=shown("record")),
            st.Page("pages/data.py", title=t("nav.data", lang),
                    icon=":material/upload_file:", url_path="data", visibility=shown("data")),
            st.Page("pages/admin.py", title=t("nav.admin", lang),
                    icon=":material/admin_panel_settings:", url_path="admin",
                    visibility=shown("admin")),
        ],
    }


def run() -> None:
    # the icon is a file of the app, served by it: a `:material/…:` page icon makes browsers
    # fetch it from a font host on the internet, and offices may run offline
    st.set_page_config(page_title="coopdash", page_icon=str(assets.ICON), layout="wide")
    ctx = frame.build_context()  # with sign-in, stops at the landing page for anyone without access
    page = st.navigation(_pages(ctx))
    profiling.note(page=page.url_path or "overview", version=ctx.data_version)
    with st.sidebar:
        auth.sidebar(ctx.person, ctx.lang, ctx.settings)
    views_ui.sidebar(ctx, page.url_path or "overview")
    routes.show_not_found(ctx.lang)
    if not ctx.person.can_open(page.url_path):
        auth.not_allowed(ctx.lang)
    page.run()


with profiling.logged() as log, admission.admitted(), profiling.profiled():
    log.admitted()
    run()
