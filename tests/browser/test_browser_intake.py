"""In a real Chromium against a real `streamlit run`: a file that exhausts the reading
child is refused on the Data page and the server keeps serving; hostile links open the
pages that echo them with no exception, no script run and no traceback in the server's
log (issue 13)."""

from __future__ import annotations

import shutil
import urllib.parse

import pytest
from browser_util import PAGES, exceptions, wait_idle
from conftest import OUTPUT, server_log, start_server

from tests.hostile_corpus import big_sheet, good_partner, partners_rows, row, s, xlsx_bytes

pytestmark = pytest.mark.browser

HOSTILE_LINK = {"kind": "<script>alert(1)</script>", "partner": "1' or '1'='1", "pg": "²",
                "size": "9" * 10_000, "from": "0001-01-01", "to": "9999-12-31",
                "week": "9999-W52", "tab": "<img src=x onerror=alert(2)>", "lang": "xx",
                "q": "\x1b[2J" + "a" * 10_000, "sort": "-' or 1=1"}


@pytest.fixture(scope="module")
def served(sample_store, tmp_path_factory):
    """The dashboard over a copy of the sample store, the reading child held to 400 MB;
    one server for this file's tests (neither writes to the store), each reading its log."""
    db = tmp_path_factory.mktemp("intake") / "served.duckdb"
    shutil.copy(sample_store, db)
    proc, url = start_server(db, {"COOPDASH_INTAKE_MEMORY_MB": "400", "COOPDASH_LANG": "en"})
    yield url, proc, db
    proc.terminate()
    proc.wait(timeout=20)


def test_a_file_that_kills_the_reader_leaves_the_server_serving(served, page, tmp_path):
    """Upload a workbook that exhausts the reading child, and one with a crafted row
    number (which aborted the whole server before): each is refused plainly, and the
    next page is still served."""
    url, proc, _ = served
    heavy = tmp_path / "heavy.xlsx"
    heavy.write_bytes(xlsx_bytes([("partners", partners_rows(
        *(good_partner(i, s(f"B{i}", "y" * (5 << 20))) for i in range(2, 32))))]))
    crafted = tmp_path / "crafted_*x*_[y](z).xlsx"  # shown literally, not as Markdown
    crafted.write_bytes(xlsx_bytes([("partners", big_sheet(2) + row(
        4_294_967_295, [s("A4294967295", "x")]))]))
    for path, words in ((heavy, "over the memory limit (400 MB"),
                        (crafted, "beyond Excel's last cell")):
        page.goto(f"{url}/data")
        wait_idle(page)
        page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
            str(path))
        page.get_by_role("button", name="Check the file").click()
        # the banner names the file, as the keeper sees it (Markdown escaped, not shown)
        page.get_by_text(f"The file {path.name} cannot be loaded").first.wait_for(
            timeout=120_000)
        # the problem's row of the report grid (the grid's cells are in the page's HTML)
        page.locator("td", has_text=words).first.wait_for(state="attached")
        assert proc.poll() is None, "the server is still running"
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"intake-refused-{path.stem}.png"), full_page=True)
    page.goto(f"{url}/explorer")
    wait_idle(page)
    assert page.locator("h1").first.inner_text()
    assert exceptions(page) == []
    assert "Traceback" not in server_log(proc)


# the default page (the sidebar's keys) and the pages that echo keys of their own (tab, q,
# sort, pg, size; week); every page's words: tests/apptest/test_hostile_links.py, and no
# page draws raw HTML: tests/unit/test_literal.py
ECHOING = ("overview", "explorer", "weekly")


def test_hostile_links_run_no_script_and_log_no_traceback(served, page):
    """The pages that echo a link's keys opened with hostile values for every key: no
    exception box, no dialog (no script ran), notes instead, and the server's log holds
    no traceback."""
    url, proc, _ = served
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    query = urllib.parse.urlencode(HOSTILE_LINK)
    for name in ECHOING:
        path = PAGES[name]
        page.goto(f"{url}/{path}?{query}&kind=seminar")  # a repeated key too
        wait_idle(page)
        assert exceptions(page) == [], name
        assert page.get_by_text("Part of this link was not used").count() >= 1, name
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "intake-hostile-link.png"), full_page=True)
    assert dialogs == []
    assert "Traceback" not in server_log(proc)
