"""Files the app serves itself, so no page asks the internet for anything (the office may
run offline, and a request to a third party tells it who reads what).

- the page icon is `ICON` (a `:material/…:` page icon makes the browser fetch the
  glyph from an internet font host).
- `topojson_url()`: where plotly.js fetches a geo chart's base map. plotly.js asks
  Plotly's CDN by default; the map files ship in `static/topojson/` (see its README and
  licence) and Streamlit serves `static/` at `<server.baseUrlPath>/app/static/` when
  `server.enableStaticServing` is on (`.streamlit/config.toml`).
"""

from __future__ import annotations

from pathlib import Path

from coopdash.settings import ROOT

ICON = Path(__file__).resolve().parent / "icon.png"  # the page icon, served by the app

STATIC_DIR = ROOT / "static"
TOPOJSON_DIR = STATIC_DIR / "topojson"


def topojson_url() -> str:
    """The base maps' URL as the browser must ask for it: absolute on this host, under
    the server's base path (`/coopdash/app/static/topojson/` behind nginx)."""
    import streamlit as st

    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return ("/" + base if base else "") + "/app/static/topojson/"


def chart_config(config: dict) -> dict:
    """A Plotly chart config with the app's own base maps."""
    return {**config, "topojsonURL": topojson_url()}
