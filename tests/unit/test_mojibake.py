"""Mis-encoded text (issue 21 §4): the AidData case, a title like `Exim Bank … Station
(å\\x8d—æ¢¦3æ°´ç”µç«™)`, is refused at its cell with the character at fault, its position,
the part of the cell around it and the repaired text; `--repair-text` applies the repairs
and lists each; ordinary accented, Indonesian and Japanese text is left alone."""

from __future__ import annotations

from pathlib import Path

from coopdash import cli, store
from tests.fixtures_store import sha256

GOOD = "南梦3水电站"


def _as_windows_1252(data: bytes) -> str:
    """What a Windows-1252 reader makes of bytes (its five holes read as Latin-1 C1)."""
    out = []
    for b in data:
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


BAD = _as_windows_1252(GOOD.encode("utf-8"))  # 'å\x8d—æ¢¦3æ°´ç”µç«™', as in AidData's file
LONG = ("Exim Bank Buyer's Credit Loan for the Construction of the Nam Mo 3 Hydropower "
        "Station (")


def _programs_csv(folder: Path, titles: list[str]) -> Path:
    import csv

    folder.mkdir(exist_ok=True)
    with (folder / "programs.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["program_id", "partner_id", "title", "kind", "status"])
        for i, title in enumerate(titles):
            w.writerow([f"aid-{i}", "jclair-sg", title, "other", "planned"])
    return folder


def _import(db: Path, path: Path, capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["import", str(path), "--db", str(db), "--lang", "en", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def _titles(db: Path) -> dict[str, str]:
    con = store.connect(db, read_only=True)
    try:
        return dict(con.execute("select program_id, title from programs "
                                "where program_id like 'aid-%'").fetchall())
    finally:
        con.close()


def test_the_aiddata_case_is_refused_at_its_cell_with_the_repair(tmp_path, sample_store,
                                                                 store_copy, capsys):
    db = store_copy(sample_store)
    before = sha256(db)
    title = LONG + BAD + ")"
    assert BAD == "å\x8d—æ¢¦3æ°´ç”µç«™"  # the title; \x8d is also a control character
    folder = _programs_csv(tmp_path / "aid", [title, "Kab. Sleman – DIY (naïve café)",
                                              "東京研修 Zürich São Paulo", "cafÃ© crÃ¨me"])
    code, text = _import(db, folder, capsys)
    assert code == 1, text
    assert "Problems found: 2." in text, text
    at = len(LONG) + 1
    line = next(ln for ln in text.splitlines() if "row 2, column title" in ln)
    assert f"U+00E5 'å' at character {at}" in line
    assert f"Repaired, it reads: «{LONG}{GOOD})»" in line
    assert "æ¢¦3" in line.split(" — ")[0]  # the part at fault is shown, not cut away
    assert "row 5, column title" in text and "«café crème»" in text
    assert "row 3" not in text and "row 4" not in text  # ordinary text is left alone
    assert sha256(db) == before


def test_repair_text_applies_and_lists_every_repair(tmp_path, sample_store, store_copy,
                                                    capsys):
    db = store_copy(sample_store)
    folder = _programs_csv(tmp_path / "aid", [LONG + BAD + ")", "cafÃ© crÃ¨me", "Zürich"])
    code, text = _import(db, folder, capsys, "--repair-text")
    assert code == 0, text
    assert "2 mis-encoded texts repaired" in text
    assert f'→ "{LONG}{GOOD})"' in text and "→ 'café crème'" in text
    assert _titles(db) == {"aid-0": LONG + GOOD + ")", "aid-1": "café crème",
                           "aid-2": "Zürich"}


def test_a_control_character_is_shown_where_it_is(tmp_path, sample_store, store_copy,
                                                  capsys):
    """Past the first 80 characters, the message shows the part around the fault."""
    db = store_copy(sample_store)
    folder = _programs_csv(tmp_path / "ctl", ["x" * 120 + "bell\x07ring" + "y" * 50])
    code, text = _import(db, folder, capsys)
    assert code == 1, text
    assert "U+0007 at character 125" in text
    assert "bell\\x07ring" in text  # the context around it, as repr shows it
