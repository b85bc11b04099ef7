"""Files with personal data never outlive their download: every file the pages offer is
made in memory at the click, so the server's temporary folder stays empty, while it runs
and after it stops (they used to stay in a shared temp folder, 0755/0644). The session's
served demo store (conftest `served_demo`) has a temp folder of its own: the explorer's
downloads in tests/browser/test_browser.py land there too."""

from __future__ import annotations

import duckdb
import pytest
from browser_util import click_download, wait_idle
from deploy_checks import PATIENCE, open_path

from coopdash.i18n import t

pytestmark = pytest.mark.browser


def _download(page, key: str, folder):
    got = click_download(page, page.locator(f".st-key-{key} button"), PATIENCE)
    path = folder / f"{key}-{got.suggested_filename}"
    got.save_as(path)
    return path


def _left_in(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_downloads_leave_no_file_behind(served_demo, demo_store, page, tmp_path):
    """A keeper downloads the participants (CSV, Excel, Parquet), the whole store (Excel,
    CSV zip), the week's change list and the meeting pack through the session's served
    demo store, whose temp folder is its own: the files hold names, the folder holds
    nothing (and nothing once the server stopped: the `served_demo` fixture checks)."""
    url, temp = served_demo
    got = tmp_path / "downloads"
    got.mkdir()
    con = duckdb.connect(str(demo_store), read_only=True)
    names = {r[0] for r in con.execute("select full_name from participants").fetchall()}
    # the week the store was made in (the real date): the week whose change list is long
    # enough to be offered whole, whatever day the tests run
    (made,) = con.execute("select max(imported_at) from import_log").fetchone()
    con.close()
    iso = made.isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    files = []
    open_path(page, url, "/explorer?tab=participants")
    files += [_download(page, f"ex_dl_{fmt}", got) for fmt in ("csv", "xlsx", "parquet")]
    open_path(page, url, "/data")
    files.append(_download(page, "data_export_download", got))
    page.get_by_text(t("data.format.zip", "id"), exact=True).click()
    # the run the choice starts has drawn the zip's button (a click on the old one, or
    # during that run, would get no file: see browser_util.click_download)
    page.locator(".st-key-data_export_download button").filter(
        has_text="coopdash-store.zip").wait_for(timeout=PATIENCE * 1000)
    wait_idle(page, timeout=PATIENCE)
    files.append(_download(page, "data_export_download", got))
    open_path(page, url, f"/weekly?week={week}")
    files += [_download(page, key, got) for key in ("wk_list_download", "wk_pack_html")]
    # the pack named for its week and the page's language
    assert files[-1].name == f"wk_pack_html-coopdash-weekly-{week}-id.html"
    assert len({f.suffix for f in files}) >= 5 and all(f.stat().st_size for f in files)
    csv_text = files[0].read_text(encoding="utf-8-sig")
    assert sum(name in csv_text for name in names) == len(names)  # personal data
    assert _left_in(temp) == []  # while the server runs
