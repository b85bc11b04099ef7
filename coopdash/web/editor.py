"""The Explorer's editor (keepers and admins, issue 18 §1): the records of the page being
shown, in `st.data_editor` — codes as their labelled choices, every reference (a partner,
an agreement, a program, a delegation) among the records a search box beside the grid
finds (`record_search`: never the whole table), dates as date pickers — saved
through `coopdash.workbook.grid_edits` (the one validator and importer; one write;
conflicts between two keepers refused; deleted rows that others point to removed only
with them, once the keeper agrees).

Only the page's rows reach the browser (the Explorer pages in SQL), never a whole table.
What the keeper opened is kept in the session, so a save can tell whether someone else
changed those records meanwhile.
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st
from streamlit.runtime.state import get_session_state

from coopdash.contract import CODES, TABLES
from coopdash.i18n import code_label, fmt_int
from coopdash.web import auth, cache, storage
from coopdash.web.context import Context
from coopdash.workbook import grid_edits
from coopdash.workbook.validate import ValidationFailed

_LOG = logging.getLogger(__name__)
_OPENED = "_ex_edit_opened"
_ASKED = "_ex_edit_asked"  # (table, deleted ids, what depends on them): the question shown


def _opened(ctx: Context, table: str, ids: list[str]) -> pd.DataFrame:
    """The records as they were when the keeper opened them (kept until saved or until
    another page of rows is opened)."""
    kept = st.session_state.get(_OPENED)
    if kept is None or kept[0] != (table, tuple(ids)):
        con = storage.connection(ctx.settings, ctx.data_version)
        kept = ((table, tuple(ids)), grid_edits.records(con, table, ids))
        st.session_state[_OPENED] = kept
    return kept[1]


def _for_editor(table: str, opened: pd.DataFrame) -> pd.DataFrame:
    """The text cells with dates as dates (the date pickers need them)."""
    frame = opened.copy()
    for col in TABLES[table].columns:
        if col.kind == "date":
            frame[col.name] = pd.to_datetime(frame[col.name], errors="coerce").dt.date
    return frame


_FOUND = 50  # records a search offers at most


def _searched(ctx: Context, table: str, opened: pd.DataFrame) -> dict[str, dict[str, str]]:
    """For each table a reference column of `table` points at: a search box beside the
    grid, and {id: label} of what it found plus the ids the page's rows hold (the choices
    of that column). Never the whole table in the browser (1,250 partners, 1,811
    agreements, 50,000 programs, 95,000 delegations at 1M participants)."""
    refs = list(dict.fromkeys(c.ref for c in TABLES[table].columns if c.kind == "ref"))
    out: dict[str, dict[str, str]] = {}
    for where, ref in zip(st.columns(len(refs)) if refs else [], refs, strict=True):
        q = where.text_input(ctx.t("editor.find", target=ctx.t(f"store.target.{ref}")),
                             key=f"ex_edit_find_{ref}", help=ctx.t("editor.find_help",
                                                                  n=_FOUND))
        held = sorted({v for c in TABLES[table].columns if c.ref == ref
                       for v in opened[c.name] if v})
        rows = cache.run("record_search", ctx, target=ref, q=q.strip(), ids=held,
                         limit=_FOUND)
        out[ref] = {r.record_id: _label(ctx, r) for r in rows.itertuples()}
    return out


def _label(ctx: Context, row) -> str:
    side = f" — {code_label('side', row.side, ctx.lang)}" if row.side else ""
    return f"{row.label or ''}{side} ({row.record_id})"


def _column(ctx: Context, col, found: dict[str, dict[str, str]]):
    label = col.name + (" *" if col.required else "")
    if col.kind == "ref":
        names = found[col.ref]
        return st.column_config.SelectboxColumn(
            label, options=list(names), required=col.required,
            format_func=lambda v, n=names: n.get(v, v) if v else "")
    if col.kind == "code":
        return st.column_config.SelectboxColumn(
            label, options=list(CODES[col.codes]), required=col.required,
            format_func=lambda c, cl=col.codes: code_label(cl, c, ctx.lang))
    if col.kind == "date":
        return st.column_config.DateColumn(label, format="YYYY-MM-DD")
    return st.column_config.TextColumn(label, required=col.required)


def editor(ctx: Context, table: str, page: pd.DataFrame) -> None:
    """The records of `table` on the page shown (`page`, the Explorer's rows: its key
    column names them), editable, with a Save button."""
    if not ctx.can("write"):
        _forged(ctx)
        return
    if not st.toggle(ctx.t("editor.toggle"), key="ex_edit"):
        return
    st.caption(ctx.t("editor.help"))
    opened = _opened(ctx, table, [str(v) for v in page[TABLES[table].key]])
    found = _searched(ctx, table, opened)
    config = {c.name: _column(ctx, c, found) for c in TABLES[table].columns}
    edited = st.data_editor(_start(table, opened, found), key=f"ex_editor_{table}",
                            num_rows="dynamic", hide_index=True, column_config=config)
    st.session_state[_START] = (*st.session_state[_START][:3], edited)
    if st.button(ctx.t("editor.save"), type="primary", key="ex_edit_save",
                 icon=":material/save:"):
        st.session_state.pop(_ASKED, None)
        _save(ctx, table, opened, edited)
    elif _ASKED in st.session_state:
        _ask(ctx, table, opened, edited)


_KEYS = ("ex_edit", "_ex_edit")  # the editor's session keys and widget keys begin so


# (the records opened, the choices offered, the frame the grid starts from, the grid's
# frame as the last run returned it): one tuple, so that `_forged` can drop it
_START = "_ex_edit_start"


def _start(table: str, opened: pd.DataFrame, found: dict[str, dict[str, str]]
           ) -> pd.DataFrame:
    """The frame the grid is drawn from. Streamlit names a grid that can add rows by its
    data and its column config (`data_editor`: `key_as_main_identity` only for
    `num_rows="fixed"`), so when a search beside it changes a column's choices, the grid
    is a new widget and would drop what was typed; the typing so far (the grid's frame of
    the previous run) becomes then the frame the new grid starts from. `opened` stays
    what the save compares against."""
    offered = {ref: tuple(ids) for ref, ids in found.items()}
    kept = st.session_state.get(_START)
    if kept is None or kept[0] is not opened:
        frame = _for_editor(table, opened)
    elif kept[1] != offered:
        frame = kept[3]
    else:
        frame = kept[2]
    st.session_state[_START] = (opened, offered, frame, frame)
    return frame


def _forged(ctx: Context) -> None:
    """A session without the right to write that holds the editor's state (a crafted
    message or widget state: no editor was drawn for it): dropped, written to the
    server's log with who sent it (the keys, never the values: they may hold names), and
    said; nothing reaches the store."""
    held = [k for k in st.session_state
            if str(k).startswith(_KEYS) and st.session_state[k]]
    sent = _sent_for_editor()
    if not held and not sent:
        return
    for key in held:
        del st.session_state[key]
    _LOG.warning("editor state from %s (role %s), who may not write, dropped: %s",
                 ctx.person.actor, ctx.person.role,
                 ", ".join(sorted({*map(str, held), *sent})))
    st.warning(ctx.t("editor.forged"), icon=":material/block:")


def _sent_for_editor() -> list[str]:
    """The keys of the editor's widgets whose state this run's message from the browser
    carries. For a session that was never drawn an editor, only a crafted message does;
    Streamlit keeps such a state out of `st.session_state` (no widget of that id was
    drawn) and drops it at the end of the run, so it is read here from the message's
    widget states (`get_session_state`, public in `streamlit.runtime.state`). A widget's
    id is `$$ID-<hash>-<its key>`."""
    keys = (state.id.split("-", 2)[-1] for state in get_session_state().get_widget_states()
            if state.id.startswith("$$ID-"))
    return [key for key in keys if key.startswith(_KEYS)]


def _ask(ctx: Context, table: str, opened: pd.DataFrame, edited: pd.DataFrame) -> None:
    """Deleted records that others point to: what depends on them, and the question."""
    asked_table, ids, text = st.session_state[_ASKED]
    if asked_table != table or ids != grid_edits.deleted(table, opened, edited):
        st.session_state.pop(_ASKED)  # the grid changed since: Save asks again
        return
    st.warning(text, icon=":material/account_tree:")
    left, right = st.columns(2)
    if left.button(ctx.t("editor.delete_all"), key="ex_edit_delete_all",
                   icon=":material/delete:"):
        st.session_state.pop(_ASKED)
        _save(ctx, table, opened, edited, with_dependents=True)
    elif right.button(ctx.t("editor.keep_all"), key="ex_edit_keep_all"):
        st.session_state.pop(_ASKED)
        st.rerun()


def _save(ctx: Context, table: str, opened: pd.DataFrame, edited: pd.DataFrame,
          with_dependents: bool = False) -> None:
    auth.require(ctx.person, "write", ctx.lang)  # the role read on this very run
    if grid_edits.unchanged(table, opened, edited):  # no write at all, not an empty one
        st.info(ctx.t("editor.nothing"))
        return
    try:
        with storage.writing(ctx, "edit", file_name=grid_edits.FILE_NAME,
                             mode=grid_edits.MODE) as con:
            result = grid_edits.save(con, table, opened, edited, ctx.person.actor,
                                  with_dependents=with_dependents)
    except grid_edits.Conflict as exc:
        st.error(exc.message(ctx.lang), icon=":material/sync_problem:")
        return
    except grid_edits.HasDependents as exc:
        st.session_state[_ASKED] = (table, exc.ids, exc.message(ctx.lang))
        st.rerun()
    except ValidationFailed as exc:
        _refused(ctx, table, opened, edited, exc)
        return
    st.session_state.pop(_OPENED, None)
    st.session_state.pop(f"ex_editor_{table}", None)
    st.session_state["ex_edit_flash"] = ctx.t("editor.saved", what="; ".join(
        line.strip() for line in result.lines(ctx.lang)[1:]))
    st.rerun()


def _refused(ctx: Context, table: str, opened: pd.DataFrame, edited: pd.DataFrame,
             exc: ValidationFailed) -> None:
    """Each problem at its cell: the refused rows as typed, every cell at fault marked
    and its message in the row's first column; problems of other records listed below."""
    rows = grid_edits.changes(table, opened, edited)
    placed, rest = grid_edits.at_cells(table, rows, exc.issues)
    st.error(ctx.t("editor.refused", n=fmt_int(exc.total, ctx.lang)), icon=":material/error:")
    if placed:
        st.caption(ctx.t("editor.at_cells"))
        st.dataframe(_marked(ctx, rows, placed), hide_index=True, key="ex_edit_refused")
    key = TABLES[table].key
    lines = []
    for issue in rest:
        where = ""
        if issue.table == table and issue.row is not None and 2 <= issue.row < len(rows) + 2:
            where = ctx.t("editor.record", record=rows.iloc[issue.row - 2][key]) + ": "
        lines.append(f"- {where}{issue.format(ctx.lang)}")
    if lines:
        st.error("\n".join(lines))


_MARK = "background-color: #fdd8d6; color: #7a0b06; font-weight: 600"


def _marked(ctx: Context, rows: pd.DataFrame, placed: list):
    """`rows` with a first column of problems ("column: message" each) and the cells at
    fault marked (a Styler: the grid draws them red)."""
    said: dict[int, list[str]] = {}
    for at, column, issue in placed:
        said.setdefault(at, []).append(f"{column}: {issue.message(ctx.lang)}")
    problems = ctx.t("editor.problems")
    frame = rows.copy()
    frame.insert(0, problems, ["; ".join(said.get(i, [])) for i in range(len(rows))])
    marks = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for at, column, _ in placed:
        marks.iloc[at, frame.columns.get_loc(column)] = _MARK
        marks.iloc[at, 0] = _MARK
    return frame.style.apply(lambda _: marks, axis=None)


def flash(ctx: Context) -> None:
    if text := st.session_state.pop("ex_edit_flash", None):
        st.success(text, icon=":material/check_circle:")
