"""Data: the template, an upload checked before it is loaded, the whole store out."""

import pandas as pd
import streamlit as st

from coopdash import store
from coopdash.figures import writes as writes_lines
from coopdash.i18n import fmt_int
from coopdash.store import history
from coopdash.web import auth, cache, frame, layout, literal, places, storage
from coopdash.web.download import download
from coopdash.workbook import importer, template, uploads, writer
from coopdash.workbook.validate import ValidationFailed

ctx = frame.context()
auth.require(ctx.person, "export", ctx.lang)  # a viewer opening /data gets "not allowed"
st.title(ctx.t("data.title"))
st.caption(ctx.t("data.intro"))
layout.demo_banner(ctx)


st.subheader(ctx.t("data.template_title"))
st.caption(ctx.t("data.template_help"))
download(ctx, "data_template", ctx.t("data.template_button"), template.template_bytes,
         "coopdash-template.xlsx", primary=False, record=None)  # no records at all


def _issues_frame(issues) -> pd.DataFrame:
    df = pd.DataFrame([i.as_dict(ctx.lang) for i in issues])
    return df.rename(columns={c: ctx.t(f"data.col.{c}") for c in df.columns})


def _show_notes(report: uploads.CheckReport) -> None:
    """An IATI file's counts and every text repair applied (`importer.notes_lines`)."""
    lines = importer.notes_lines(report.notes, ctx.lang)
    if lines:
        st.markdown("\n".join(f"- {literal.plain(line.strip())}" for line in lines))


def _show_report(report: uploads.CheckReport) -> None:
    _show_notes(report)
    if report.ok:
        st.success(ctx.t("data.check_ok", rows=fmt_int(sum(report.rows.values()), ctx.lang),
                         tables=fmt_int(len(report.rows), ctx.lang)),
                   icon=":material/check_circle:")
        table = report.table()
        st.dataframe(table.rename(columns={c: ctx.t(f"data.col.{c}") for c in table.columns}),
                     hide_index=True, key="data_report_table")
        return
    st.error(ctx.t("data.check_failed", file=literal.plain(report.file_name),
                   n=fmt_int(report.total_issues, ctx.lang)),
             icon=":material/error:")
    if report.total_issues > len(report.issues):
        st.caption(ctx.t("data.check_more", shown=fmt_int(len(report.issues), ctx.lang),
                         n=fmt_int(report.total_issues, ctx.lang)))
    st.dataframe(_issues_frame(report.issues), hide_index=True, key="data_issues")


def _losses_confirmed(report: uploads.CheckReport) -> bool:
    """A replace that removes stored records says how many, per table, and waits for the
    keeper to confirm; emptying a table is named apart. True when it may go ahead."""
    lost = {t: n for t, n in report.removed.items() if n}
    if not lost:
        return True
    lines = [ctx.t("intake.replace.loses", table=t, n=fmt_int(n, ctx.lang))
             for t, n in lost.items()]
    lines += [ctx.t("intake.replace.empties", table=t) for t in report.emptied]
    st.warning("\n\n".join(lines), icon=":material/delete_forever:")
    return st.checkbox(ctx.t("intake.replace.confirm", n=fmt_int(sum(lost.values()),
                                                                    ctx.lang)),
                       key="data_confirm_losses")


def _recipient(report: uploads.CheckReport | None) -> str | None:
    """An IATI file: which recipient country's activities to load (None: all)."""
    counts = report.recipients() if report else {}
    if not counts:
        return st.session_state.get("data_recipient")
    total = report.notes.get("activities", 0)
    return st.selectbox(
        ctx.t("data.recipient"), [None, *counts], key="data_recipient",
        format_func=lambda c: ctx.t("data.recipient_all", n=fmt_int(total, ctx.lang))
        if c is None else ctx.t("data.recipient_one", country=places.country_name(c, ctx.lang),
                                n=fmt_int(counts[c], ctx.lang)), placeholder=ctx.t("common.choose"))


def _check(upload, replace: bool, check_key, options: dict) -> None:
    report = uploads.check_upload(storage.connection(), upload.name, upload.getvalue(),
                                  replace, options)
    st.session_state["data_check"] = (check_key, report)


def _apply(upload, replace: bool, allow_empty: tuple[str, ...] = (),
           options: dict | None = None) -> None:
    auth.require(ctx.person, "write", ctx.lang)
    bar = st.progress(0.0)
    try:
        result = uploads.apply_upload(
            ctx.settings.db_path, upload.name, upload.getvalue(), replace=replace,
            actor=ctx.person.actor, lang=ctx.lang, allow_empty=allow_empty,
            progress=lambda f, msg: bar.progress(f, text=msg), options=options)
    except ValidationFailed as exc:  # the store changed since the check
        st.error(exc.report(ctx.lang))
        return
    except (store.WriterBusyError, store.StoreFullError) as exc:
        st.error(exc.message(ctx.lang), icon=":material/lock:")
        return
    st.session_state.pop("data_check", None)
    # the next run reads the version just published (this run stays on the one it began on)
    st.session_state["data_flash"] = ctx.t("data.applied", file=literal.plain(upload.name)) \
        + "\n\n" + "\n".join(f"- {line.strip()}" for line in result.lines(ctx.lang)[1:])
    st.rerun()


st.subheader(ctx.t("data.upload_title"))
if flash := st.session_state.pop("data_flash", None):
    st.success(flash, icon=":material/check_circle:")
if not ctx.can("write"):
    # with sign-in a role is an administrator's to give, not a server setting
    st.info(ctx.t("data.no_write_signin" if ctx.person.signed_in else "data.no_write"),
            icon=":material/lock:")
else:
    upload = st.file_uploader(ctx.t("data.upload_label"),
                              type=["xlsx", "xls", "ods", "zip", "csv", "xml"],
                              key="data_upload")
    mode = st.radio(ctx.t("data.mode"), ["upsert", "replace"], key="data_mode",
                    format_func=lambda m: ctx.t(f"data.mode_{m}"))
    if upload is not None:
        replace = mode == "replace"
        last = st.session_state.get("data_check")
        options = {"recipient": _recipient(
            last[1] if last and last[0][0] == upload.file_id else None),
                   "repair_text": st.session_state.get("data_repair") == upload.file_id}
        check_key = (upload.file_id, mode, ctx.data_version, options["recipient"],
                     options["repair_text"])
        if st.button(ctx.t("data.check_button"), key="data_check_button",
                     icon=":material/rule:"):
            _check(upload, replace, check_key, options)
            st.rerun()  # an IATI file's recipient choice is drawn from the report
        checked = st.session_state.get("data_check")
        if checked and checked[0] == check_key:
            _show_report(checked[1])
            if checked[1].repairable and st.button(ctx.t("data.repair_button"),
                                                   key="data_repair_button",
                                                   icon=":material/auto_fix_high:"):
                st.session_state["data_repair"] = upload.file_id
                _check(upload, replace, (*check_key[:4], True), {**options, "repair_text": True})
                st.rerun()
            confirmed = checked[1].ok and _losses_confirmed(checked[1])
            if checked[1].ok and st.button(ctx.t("data.apply_button"), type="primary",
                                           key="data_apply_button", disabled=not confirmed,
                                           icon=":material/upload:"):
                _apply(upload, replace, tuple(checked[1].emptied), options)

@st.cache_data(show_spinner=False)
def _excel_refusal(db: str, version: int, lang: str) -> str | None:
    del db, version  # the cache key
    return writer.excel_refusal(storage.connection(), lang)


def _export() -> None:
    """The whole store in the workbook format, built when its button is clicked."""
    st.subheader(ctx.t("data.export_title"))
    if not ctx.can("export"):
        st.info(ctx.t("data.no_export"), icon=":material/lock:")
        return
    st.caption(ctx.t("data.export_help"))
    fmt = st.radio(ctx.t("data.export_format"), ["xlsx", "zip"], horizontal=True,
                   key="data_export_format", format_func=lambda f: ctx.t(f"data.format.{f}"))
    unavailable = None
    if fmt == "xlsx":
        refusal = _excel_refusal(str(ctx.settings.db_path), ctx.data_version, ctx.lang)
        unavailable = refusal and refusal + " " + ctx.t("data.export_choose_csv")
    con, lang, name = storage.connection_ref(), ctx.lang, f"coopdash-store.{fmt}"
    download(ctx, "data_export_download", ctx.t("data.export_download", file=name),
             lambda: writer.store_bytes(con(), fmt, lang), name, permission="export",
             unavailable=unavailable,
             record=auth.recorder(ctx.person, con, table="store", filters={}, fmt=fmt,
                                  n_rows=None))


_export()

# --- writes and undo ----------------------------------------------------------------------

def _write_label(row) -> str:
    return " · ".join(v for v in (
        fmt_int(int(row.write_id), ctx.lang), writes_lines.when(row.written_at, ctx.lang),
        writes_lines.cell(row.actor), writes_lines.what_label(row.what, ctx.lang),
        writes_lines.cell(row.file_name)) if v)


def _undo(writes: pd.DataFrame) -> None:
    """Undo a recent write: the writes this person may undo (an admin any, a keeper only
    their own: `history.may_undo`), the same warning as `python -m coopdash undo`."""
    admin = ctx.can("manage")
    undoable = writes[[bool(r.is_undoable) and history.may_undo(
        writes, int(r.write_id), ctx.person.actor, admin) for r in writes.itertuples()]]
    if undoable.empty:
        st.caption(ctx.t("snap.page.undo_none"))
        return
    labels = {int(r.write_id): _write_label(r) for r in undoable.itertuples(index=False)}
    write_id = st.selectbox(ctx.t("snap.page.undo_pick"), list(labels),
                            format_func=labels.__getitem__, key="data_undo_pick",
                            placeholder=ctx.t("common.choose"))
    lost = history.lost_by_undo(writes, write_id)
    when = history.text(undoable.loc[undoable["write_id"] == write_id, "written_at"].iloc[0])
    st.warning(ctx.t("snap.page.undo_warning", id=write_id, when=when,
                     n=fmt_int(len(lost), ctx.lang),
                     list="; ".join(_write_label(r) for r in lost.itertuples(index=False))),
               icon=":material/undo:")
    sure = st.checkbox(ctx.t("snap.page.undo_confirm"), key=f"data_undo_sure_{write_id}")
    if st.button(ctx.t("snap.page.undo_button"), key="data_undo_button", disabled=not sure,
                 icon=":material/undo:"):
        try:
            store.undo(ctx.settings.db_path, write_id, actor=ctx.person.actor, admin=admin)
        except (store.WriterBusyError, store.StoreFullError, store.UndoRefusedError) as exc:
            st.error(exc.message(ctx.lang), icon=":material/lock:")
            return
        st.session_state["data_undo_flash"] = ctx.t("snap.page.undone", id=write_id)
        st.rerun()


st.subheader(ctx.t("data.history_title"))
st.caption(ctx.t("snap.page.help", n=fmt_int(ctx.settings.undo_keep, ctx.lang)))
if flash := st.session_state.pop("data_undo_flash", None):
    st.success(flash, icon=":material/check_circle:")
writes = history.with_undoable(cache.run("store_history", ctx, limit=50,  # access log: admins'
                                         show_private=ctx.can("manage")), ctx.settings.db_path)
if writes.empty:
    st.caption(ctx.t("data.history_empty"))
else:
    st.dataframe(writes_lines.lines(writes, ctx.lang, ctx.settings.undo_keep), hide_index=True,
                 key="data_history")
if ctx.can("write"):
    _undo(writes)
