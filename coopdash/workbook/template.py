"""An empty workbook to fill in: every table's sheet and header, a note on each header
(both languages), a dropdown on every code column, and a `_readme` sheet."""

from __future__ import annotations

import tempfile
from pathlib import Path

from coopdash.contract import CODES, TABLE_ORDER, TABLES, Column
from coopdash.i18n import t

LAST_ROW = 1_048_575

# column -> a further note for whoever fills it in (catalogue key)
EXTRA_NOTES = {"participant_id": "access.tpl.participant_id"}


def header_note(col: Column, lang: str) -> str:
    need = t("store.tpl.required" if col.required else "store.tpl.optional", lang)
    lines = [f"{col.name} ({need})", t(f"store.kind.{col.kind}", lang)]
    if col.kind == "ref":
        lines[-1] = t("store.tpl.refers", lang, table=col.ref)
    if col.codes:
        lines.append(f"{t('store.tpl.codes', lang)}: {', '.join(CODES[col.codes])}")
    if col.note and lang == "en":
        lines.append(col.note)
    if col.name in EXTRA_NOTES:
        lines.append(t(EXTRA_NOTES[col.name], lang))
    return "\n".join(lines)


def write_template(path: Path | str) -> Path:
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    readme = wb.add_worksheet("_readme")
    for i, lang in enumerate(("id", "en")):
        readme.write_string(i * 3, 0, t("store.tpl.readme_title", lang), bold)
        readme.write_string(i * 3 + 1, 0, t("store.tpl.readme", lang) + " "
                            + t("access.tpl.participant_id", lang))
    readme.set_column(0, 0, 120)
    for name in TABLE_ORDER:
        ws = wb.add_worksheet(name)
        for j, col in enumerate(TABLES[name].columns):
            ws.write_string(0, j, col.name, bold)
            ws.set_column(j, j, 20)
            note = header_note(col, "id") + "\n\n" + header_note(col, "en")
            ws.write_comment(0, j, note, {"x_scale": 2.5, "y_scale": 3})
            if col.codes:
                ws.data_validation(1, j, LAST_ROW, j, {
                    "validate": "list", "source": list(CODES[col.codes]),
                    "error_title": col.name,
                    "error_message": ", ".join(CODES[col.codes])[:255]})
        ws.freeze_panes(1, 0)
    wb.close()
    return path


def template_bytes() -> bytes:
    """The template as the bytes of an .xlsx (the Data page's download)."""
    with tempfile.TemporaryDirectory(prefix="coopdash-template-") as tmp:
        return write_template(Path(tmp) / "coopdash-template.xlsx").read_bytes()
