"""Each command of `python -m coopdash` once as a real child process, as a keeper or cron
runs it: the module's entry point, its exit code, what it prints. Every other test of
the command line calls `coopdash.cli.main` in its own process (conftest.run_cli), which
spares a child's imports; `import`, `summary` and `send-pack` also run as children where a
second process is the point (tests/unit/test_store_wal.py, tests/unit/test_cli_busy.py,
tests/apptest/test_mail.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from coopdash import store

# command -> (its arguments, with {db}, {out} for a folder of the test; exit; words printed)
COMMANDS = {
    "init": (["init", "--db", "{out}/new.duckdb", "--with", "none"], 0, ""),
    "template": (["template", "{out}/template.xlsx"], 0, ""),
    "demo": (["demo", "--out", "{out}/demo", "--participants", "30"], 0, ""),
    "export": (["export", "{out}/store.xlsx", "--db", "{db}"], 0, ""),
    "users": (["users", "set", "ana@office.example", "analyst", "--db", "{db}"], 0,
              "ana@office.example"),
    "history": (["history", "--db", "{db}"], 0, ""),
    "undo": (["undo", "999999", "--yes", "--db", "{db}"], 1, "999999"),
    "backup": (["backup", "{out}/copy.duckdb", "--db", "{db}"], 0, ""),
    "pack": (["pack", "--week", "2023-W21", "--out", "{out}/pack.html", "--db", "{db}"], 0,
             ""),
    "restore": (["restore", "{out}/backup.duckdb", "--db", "{db}"], 0, ""),
}
ENV = {"restore": {"COOPDASH_ROLE": "admin"}}  # an administrator's command


def test_every_command_is_smoked():
    """Each command has its child-process run (here, or in the files named above)."""
    from coopdash.cli import build_parser

    subparsers = next(a for a in build_parser()._actions if hasattr(a, "choices")
                      and isinstance(a.choices, dict))
    assert set(subparsers.choices) == {*COMMANDS, "import", "summary", "send-pack"}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_command_as_a_child_process(command, published, tmp_path):
    args, code, words = COMMANDS[command]
    args = [a.format(db=published, out=tmp_path) for a in args]
    if command == "restore":  # a backup to restore, made in process
        assert run_cli("backup", str(tmp_path / "backup.duckdb"), "--db", str(published),
                       env={"COOPDASH_ACTOR": "pytest"}).returncode == 0
    done = subprocess.run([sys.executable, "-m", "coopdash", *args, "--lang", "en"],
                          cwd=ROOT, capture_output=True, text=True, timeout=180,
                          env={**os.environ, **ENV.get(command, {})})
    assert done.returncode == code, done.stdout + done.stderr
    assert words in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for path in (a for a in args if a.startswith(str(tmp_path))):
        assert Path(path).exists(), path
    if command == "history":
        assert len(done.stdout.splitlines()) >= 2  # a heading and the store's first write
    if command == "backup":
        con = store.connect(tmp_path / "copy.duckdb", read_only=True)
        try:
            assert con.execute("select count(*) from programs").fetchone()[0] > 0
        finally:
            con.close()
