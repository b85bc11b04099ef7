"""explorer page (placeholder until its page is built)."""

import streamlit as st

from coopdash import ui

ctx = ui.context()
st.title(ctx.t("nav.explorer"))
ui.demo_banner(ctx)
