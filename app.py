"""coopdash served: `streamlit run app.py` (what the README, the systemd unit and the
tests start).

The dashboard itself is `dashboard.py`; this entry wraps Streamlit's server (`st.App`)
with `coopdash.web.routes.PageRoutes`, so every URL either opens a page or says why
(`/overview`, `/explorer/participants`, `/data/upload`), and with
`coopdash.web.compress.KeptCompression`, so Streamlit's scripts travel compressed (each
compressed once and kept; brotli 11 computed in the background and kept on disk, in
COOPDASH_STATIC_CACHE), and with `coopdash.web.preload.PreloadPlotly`, so the page asks
at once for the Plotly chunk, every page's heaviest script. `streamlit run dashboard.py`
still works, without any of them.
"""

from pathlib import Path

from starlette.middleware import Middleware
from streamlit.starlette import App

from coopdash import settings
from coopdash.figures.explorer import TAB_NAMES
from coopdash.web.compress import Best, KeptCompression
from coopdash.web.preload import PreloadPlotly
from coopdash.web.routes import PageMap, PageRoutes

HERE = Path(__file__).resolve().parent

PAGES = PageMap.from_folder(HERE / "pages", default="overview",
                            subviews={"explorer": ("tab", TAB_NAMES)})

MIDDLEWARE = [Middleware(PageRoutes, pages=PAGES), Middleware(PreloadPlotly),
              Middleware(KeptCompression, best=Best(settings.load().compressed_dir))]

app = App("dashboard.py", middleware=MIDDLEWARE)
