"""The command line refuses what it cannot do (issue 19 §4): a missing store for a writing
command, a setting or argument that cannot be used, in the person's language, exit 2, no
traceback, nothing created; a closed pipe ends quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coopdash import cli

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return code, text


@pytest.mark.parametrize("argv", [
    ("import", "data/sample"),
    ("users", "set", "a@x.id", "viewer"),
    ("undo", "3", "--yes"),
    ("restore", "backup.duckdb"),
    ("send-pack", "--to", "a@x.id"),
])
def test_a_mistyped_store_path_is_refused_and_not_created(capsys, tmp_path, argv):
    typo = tmp_path / "cooopdash.duckdb"
    code, text = run(capsys, *argv, "--db", str(typo), "--lang", "en")
    assert code == 2 and f"No store at {typo}" in text
    assert list(tmp_path.iterdir()) == []


def test_import_new_creates_the_store(capsys, tmp_path):
    db = tmp_path / "new.duckdb"
    code, text = run(capsys, "import", str(ROOT / "data/sample"), "--new", "--db", str(db),
                     "--lang", "en")
    assert code == 0, text
    assert db.exists()


@pytest.mark.parametrize(("name", "value", "words"), [
    ("COOPDASH_UNDO_KEEP", "abc", "must be a whole number, at least 1"),
    ("COOPDASH_UNDO_KEEP", "0", "at least 1"),
    ("COOPDASH_WRITE_WAIT", "soon", "must be a number"),
    ("COOPDASH_SMTP_PORT", "70000", "(≤ 65535)"),
    ("COOPDASH_INTAKE_MEMORY_MB", "-5", "at least 1"),
    ("COOPDASH_TODAY", "2023-02-29", "a date that exists in the calendar"),
    ("COOPDASH_TODAY", "2025-W53", "written YYYY-MM-DD"),
    ("COOPDASH_LANG", "fr", "accepted: id, en"),
    ("COOPDASH_ROLE", "boss", "accepted: viewer, analyst, keeper, admin"),
    ("COOPDASH_CURRENCY", "XYZ", "accepted: IDR, USD"),
])
def test_a_setting_that_cannot_be_used_is_refused_plainly(capsys, monkeypatch, published,
                                                           name, value, words):
    monkeypatch.setenv(name, value)
    code, text = run(capsys, "history", "--db", str(published), "--lang", "en")
    assert code == 2
    assert f"The setting {name}={value} cannot be used" in text and words in text


def test_settings_and_arguments_are_refused_in_indonesian(capsys, monkeypatch, published):
    monkeypatch.setenv("COOPDASH_UNDO_KEEP", "abc")
    code, text = run(capsys, "history", "--db", str(published), "--lang", "id")
    assert code == 2 and "Pengaturan COOPDASH_UNDO_KEEP=abc tidak dapat dipakai" in text
    monkeypatch.delenv("COOPDASH_UNDO_KEEP")
    with pytest.raises(SystemExit) as stop:
        cli.main(["summary", "--db", str(published), "--lang", "id", "--currency", "XYZ"])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert "nilai XYZ tidak diterima; yang diterima: IDR, USD, JPY" in err
    assert "invalid choice" not in err and "usage:" not in err


@pytest.mark.parametrize(("argv", "words"), [
    (("summary", "--filter", "colour=red"), "KEY one of: partner, country, kind"),
    (("summary", "--filter", "from=2099-99-99"), "from/to dates must exist in the calendar"),
    (("summary", "--as-of", "2023-02-29"), "a date that exists in the calendar, YYYY-MM-DD"),
    (("demo", "--out", "d", "--participants", "0"), "a whole number of at least 1"),
    (("demo", "--out", "d", "--participants", "-5"), "a whole number of at least 1"),
    (("summary", "--currency", "XYZ"), "accepted: IDR, USD, JPY, SGD, EUR, KRW"),
    (("nosuch",), "accepted: init, import"),
])
def test_arguments_are_refused_listing_what_is_accepted(capsys, published, argv, words):
    with pytest.raises(SystemExit) as stop:
        cli.main([*argv, "--lang", "en"] + (["--db", str(published)] if argv[0] != "nosuch"
                                            else []))
    assert stop.value.code == 2
    assert words in capsys.readouterr().err


def test_pack_and_backup_refuse_what_they_cannot_write(capsys, published, tmp_path):
    code, text = run(capsys, "pack", "--week", "2026-W48", "--out", str(tmp_path / "p.docx"),
                     "--db", str(published), "--lang", "en")
    assert code == 2 and "accepted: .html, .pdf, .pptx" in text
    assert not (tmp_path / "p.docx").exists()
    code, text = run(capsys, "backup", str(tmp_path / "nope" / "b.duckdb"),
                     "--db", str(published), "--lang", "en")
    assert code == 2 and "does not exist: create it" in text


def test_a_closed_pipe_ends_quietly(published):
    """`history | head -1`: the reader goes away; no traceback, no 'Exception ignored'."""
    proc = subprocess.Popen(
        f"{sys.executable} -m coopdash history --db {published} --lang en | head -c 1",
        shell=True, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "COOPDASH_ROLE": "admin"})
    out, err = proc.communicate(timeout=120)
    assert len(out) == 1
    assert b"Traceback" not in err and b"Exception ignored" not in err and b"Broken" not in err


@pytest.mark.parametrize("kind", ["folder", "damaged"])
def test_a_folder_or_a_damaged_file_is_not_called_busy(capsys, tmp_path, kind):
    """`--db` naming a folder or a damaged file: said as what it is (not "in use by
    another program"), exit 2, nothing made beside it."""
    db = tmp_path / "coopdash.duckdb"
    if kind == "folder":
        db.mkdir()
    else:
        db.write_bytes(os.urandom(5000))
    for argv in (("summary",), ("import", str(ROOT / "data/sample"))):
        code, text = run(capsys, *argv, "--db", str(db), "--lang", "en")
        assert code == 2 and f"{db} is not a coopdash store file" in text, text
        assert "in use by another program" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coopdash.duckdb"]
