"""overview page (placeholder until its page is built)."""

import streamlit as st

from coopdash import ui

ctx = ui.context()
st.title(ctx.t("nav.overview"))
ui.demo_banner(ctx)
