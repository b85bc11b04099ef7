"""A real `streamlit run` serving the store while the command line reads and writes it:
readers never wait, a reloaded page shows what the command line imported."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from browser_util import exceptions, metrics, wait_charts, wait_idle
from conftest import OUTPUT, run_cli, server_log, start_server

from coopdash import store
from coopdash.i18n import fmt_int, t
from coopdash.workbook import demo

pytestmark = pytest.mark.browser
TODAY = "2026-11-28"  # the server's and the command line's day


def cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    """`python -m coopdash ARGS --db DB --lang en`, in this process (another process than
    the server's, as a keeper's terminal is), on the server's day: with the real date
    after it, `--as-of` that day would count the store as it stood then."""
    return run_cli(*args, "--db", str(db), "--lang", "en", env={"COOPDASH_TODAY": TODAY})


def n_programs(db: Path) -> int:
    done = cli("summary", "--json", "--as-of", "2026-11-28", db=db)
    assert done.returncode == 0, done.stderr
    return sum(json.loads(done.stdout)["programs"]["by_status"].values())


def test_cli_reads_and_writes_while_the_dashboard_serves(demo_store, tmp_path, page):
    """While `streamlit run` serves a page, summary / export / pack / history / backup run
    at once and import lands; a reloaded page then shows the imported figures."""
    db = tmp_path / "served.duckdb"
    shutil.copy(demo_store, db)
    proc, url = start_server(db, {"COOPDASH_TODAY": TODAY})
    try:
        page.goto(f"{url}/?lang=en")
        wait_idle(page, 120)
        assert exceptions(page) == []
        wait_charts(page, 120)
        label = t("lead.overview.programs", "en")
        before = n_programs(db)
        assert metrics(page)[label] == fmt_int(before, "en")

        for args in (("export", str(tmp_path / "out.xlsx")), ("history",),
                     ("backup", str(tmp_path / "backup.duckdb")),
                     ("pack", "--week", "2026-W48", "--out", str(tmp_path / "pack.pptx"))):
            done = cli(*args, db=db)
            assert done.returncode == 0, (args, done.stderr)
        assert n_programs(tmp_path / "backup.duckdb") == before

        folder = demo.write(demo.generate(participants=2000, seed=3), tmp_path / "demo")
        done = cli("import", str(folder), "--replace", db=db)
        assert done.returncode == 0, done.stderr
        after = n_programs(db)
        assert after != before

        page.reload()
        wait_idle(page, 120)
        wait_charts(page, 120)
        assert exceptions(page) == []
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "store-after-cli-import.png"), full_page=True)
        assert metrics(page)[label] == fmt_int(after, "en")
        assert store.holder(db) is None
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log = server_log(proc)
    assert "Traceback" not in log, log[-3000:]
