"""Admin: who has which role (add, change, remove; every change logged), the role log and
the access log of exports that held participants' names. Administrators only: the role
is checked here, at the point of use, whatever the menu or the URL said."""

import pandas as pd
import streamlit as st

from coopdash import access
from coopdash.i18n import fmt_int
from coopdash.store import users
from coopdash.web import auth, frame, literal, storage
from coopdash.web.download import download

ctx = frame.context()
auth.require(ctx.person, "manage", ctx.lang)
st.title(ctx.t("admin.title"))
st.caption(ctx.t("admin.intro"))
if not auth.configured():
    st.info(ctx.t("admin.no_signin"), icon=":material/info:")


def _role_label(role) -> str:
    return ctx.t(f"role.{role}") if isinstance(role, str) and role else ctx.t("access.no_role")


def _headed(df: pd.DataFrame) -> pd.DataFrame:
    return df.rename(columns={c: ctx.t(f"admin.col.{c}") for c in df.columns})


def _people() -> list[str]:
    st.subheader(ctx.t("admin.people"))
    df = users.listed(storage.connection())
    if df.empty:
        st.caption(ctx.t("admin.nobody"))
    else:
        shown = df.assign(role=df["role"].map(_role_label))
        st.dataframe(_headed(shown), hide_index=True, key="adm_people")
    if ctx.settings.admins:
        st.caption(ctx.t("admin.from_setting", emails=", ".join(ctx.settings.admins)))
    default = ctx.settings.default_role
    st.caption(ctx.t("admin.default_role", role=_role_label(default)) if default
               else ctx.t("admin.no_default"))
    return df["email"].tolist()


def _change(email: str, role: str | None) -> None:
    auth.require(ctx.person, "manage", ctx.lang)  # the role is read fresh on this run
    try:
        with storage.writing(ctx, "role", file_name=email) as con:
            old, new = users.set_role(con, email, role, actor=ctx.person.actor,
                                      admins=ctx.settings.admins)
    except access.LastAdminError as exc:
        st.error(ctx.t("access.last_admin", email=literal.plain(exc.email)),
                 icon=":material/error:")
        return
    except access.AccessError:
        st.error(ctx.t("admin.bad_email", value=literal.plain(email)), icon=":material/error:")
        return
    key = "admin.changed" if old != new else "admin.unchanged"
    address = email.strip().lower()
    said = ctx.t(key, email=literal.plain(address), old=_role_label(old), new=_role_label(new))
    if address in ctx.settings.admins:  # stored, but the setting keeps them admin
        st.session_state["adm_flash"] = ("warning", said + "\n\n" + ctx.t(
            "access.cli.setting_wins", email=literal.plain(address)))
    else:
        st.session_state["adm_flash"] = ("success", said)
    st.rerun()


def _forms(emails: list[str]) -> None:
    left, right = st.columns(2)
    with left.form("adm_set", clear_on_submit=True, border=True):
        st.markdown("**" + ctx.t("admin.set_title") + "**")
        email = st.text_input(ctx.t("admin.email"), key="adm_email")
        role = st.selectbox(ctx.t("admin.role"), access.ROLES, key="adm_role",
                            format_func=_role_label, placeholder=ctx.t("common.choose"))
        if st.form_submit_button(ctx.t("admin.save"), type="primary"):
            _change(email, role)
    with right.form("adm_remove", border=True):
        st.markdown("**" + ctx.t("admin.remove_title") + "**")
        who = st.selectbox(ctx.t("admin.remove_who"), emails, key="adm_remove_who",
                           index=None, placeholder=ctx.t("common.choose"))
        if st.form_submit_button(ctx.t("admin.remove"), disabled=not emails) and who:
            _change(who, None)


def _logs() -> None:
    st.subheader(ctx.t("admin.role_log"))
    log = users.role_log(storage.connection())
    log = log.assign(old_role=log["old_role"].map(_role_label),
                     new_role=log["new_role"].map(_role_label))
    st.dataframe(_headed(log), hide_index=True, key="adm_role_log")
    st.subheader(ctx.t("admin.access_log"))
    seen = users.access_log(storage.connection())
    if seen.empty:
        st.caption(ctx.t("admin.access_empty"))
        return
    st.caption(ctx.t("common.rows", n=fmt_int(len(seen), ctx.lang)))
    st.dataframe(_headed(seen), hide_index=True, key="adm_access_log")
    # who downloaded what (staff e-mails, tables, filters): no participant's name
    download(ctx, "adm_access_dl", ctx.t("admin.access_download"),
             lambda: seen.to_csv(index=False).encode("utf-8-sig"), "coopdash-access-log.csv",
             permission="manage", primary=False, record=None)


flash = st.session_state.pop("adm_flash", None)
if flash and flash[0] == "warning":  # a change that COOPDASH_ADMINS overrides
    st.warning(flash[1], icon=":material/info:")
elif flash:
    st.success(flash[1], icon=":material/check_circle:")
_forms(_people())
_logs()
