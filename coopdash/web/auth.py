"""Sign-in and permissions in the browser: who is using this session, checked on every
rerun on the server.

Two modes, decided by the deployment:
- **sign-in** — `.streamlit/secrets.toml` has an `[auth]` section (Streamlit's own OpenID
  Connect: `st.login` / `st.user` / `st.logout`). Nothing of the store is drawn until a
  person is signed in; their role is read from the store (`coopdash.store.users`) on
  every rerun, so a role changed or removed by an administrator counts from that
  person's next click. No role: a polite page and no data.
- **one role for everyone** — no `[auth]`: `COOPDASH_ROLE` (a person on their own
  machine, a wall screen set to `viewer`).

**Sign-out everywhere.** Streamlit's `st.logout` clears the identity cookie of one
browser, but every session already open (another tab, another device with the same
cookie) keeps the identity it connected with. So "Sign out" also records the moment in
the store (`users.sign_out`), and every run (and every download, at its click) ends a
session whose sign-in (`iat`, the provider's issue time in the cookie) came before the
person's last sign-out: the landing page, nothing of the store.

**A role changed or removed** counts the same way, at the person's next click in every
session: the role is read from the store on every run, the page says what changed
(`access.changed.role`), and a download clicked after the change is refused with the
reason (`note_refusal`, the download button's click: the same check the file's build
makes, so the person reads why nothing arrived).

The rules themselves live in `coopdash.access`; a URL, a query parameter or a page left
open never grants more, because nothing here reads them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import duckdb
import streamlit as st
from streamlit import auth_util

from coopdash import access, store
from coopdash.i18n import t
from coopdash.settings import LANGS, ROOT, Settings
from coopdash.store import users
from coopdash.web import routes
from coopdash.web.literal import plain


def configured() -> bool:
    """Whether this deployment signs people in (an `[auth]` section in the secrets)."""
    return bool(auth_util.get_secrets_auth_section())


def _signed_in_email() -> str | None:
    """The e-mail address the provider vouches for (None: no usable address)."""
    user = st.user
    if user.get("email_verified") is False:
        return None
    try:
        return access.email(str(user.get("email") or ""))
    except access.AccessError:
        return None


def _signed_in_at() -> float | None:
    """When this session's sign-in was issued (the ID token's `iat`), None if not said."""
    iat = st.user.get("iat")
    return float(iat) if isinstance(iat, int | float) else None


def ended(con: duckdb.DuckDBPyConnection, email: str, signed_in_at: float | None) -> bool:
    """Whether a session of `email` signed in at `signed_in_at` was ended by a sign-out
    since (in any tab or device). Whole seconds, as `iat` is: a sign-in in the second
    of the sign-out counts as after it."""
    out = users.signed_out_at(con, email)
    return out is not None and (signed_in_at is None or int(signed_in_at) < int(out))


def current(settings: Settings, con: duckdb.DuckDBPyConnection) -> access.Person | None:
    """The person of this run; None for someone not (properly) signed in where sign-in
    is configured, or whose session a sign-out ended. The role is read fresh from the
    store each time."""
    if not configured():
        return access.Person(role=settings.role, actor=settings.actor)
    if not st.user.is_logged_in:
        return None
    address = _signed_in_email()
    if address is None or ended(con, address, _signed_in_at()):
        return None
    role = access.resolve(address, users.role_of(con, address), settings.admins,
                          settings.default_role)
    return access.Person(role=role, actor=address, email=address, signed_in=True,
                         signed_in_at=_signed_in_at())


_REFUSED = "auth_refused_file"  # session key: a file refused at its click (its name)
_SEEN = "auth_seen_role"  # session key: (e-mail, role) of this session's previous run


def note_refusal(check: Callable[[], bool], file_name: str) -> None:
    """A download button's click (its `on_click`, before the run it starts): when `check`
    (the check the file's build makes) refuses, remember the file, so that run says why
    nothing was downloaded (`gate`)."""
    if not check():
        st.session_state[_REFUSED] = file_name


def gate(settings: Settings, con: duckdb.DuckDBPyConnection) -> access.Person:
    """The person of this run, or — for someone with no access — a page that shows
    nothing of the store, and the run stops there. A file refused at its click is said
    with the reason; a role changed since this session's previous run is said too."""
    person = current(settings, con)
    refused = st.session_state.pop(_REFUSED, None)
    if person is None:
        _alone(lambda wanted: _landing(settings, wanted, refused))
    if person.role is None:
        _alone(lambda wanted: _no_role(settings, person, refused))
    _say_change(person, _lang(settings), refused)
    return person


def _say_change(person: access.Person, lang: str, refused: str | None) -> None:
    """A download refused by the person's new role, or their role changed by an
    administrator since this session's previous run: said above the page."""
    seen = st.session_state.get(_SEEN)
    st.session_state[_SEEN] = (person.email, person.role)
    if refused is not None:
        st.error(t("access.refused.role", lang, file=plain(refused),
                   role=t(f"role.{person.role}", lang)), icon=":material/block:")
    elif seen is not None and seen[0] == person.email and seen[1] != person.role:
        old = t(f"role.{seen[1]}", lang) if seen[1] else t("access.no_role", lang)
        st.warning(t("access.changed.role", lang, old=old, new=t(f"role.{person.role}", lang)),
                   icon=":material/manage_accounts:")


def _page_paths() -> list[str]:
    """The url paths of the dashboard's pages (`pages/*.py`, as `routes.PageMap`)."""
    return sorted(p.stem for p in (ROOT / "pages").glob("*.py") if not p.stem.startswith("_"))


def _alone(draw: Callable[[str | None], None]) -> None:
    """Draw `draw(wanted)` as the only page, then stop the run. Every page path of the
    dashboard leads to it (a link opened before sign-in shows it, never Streamlit's
    "Page not found"), with no menu; `wanted` is the page the link named (None: the
    root)."""
    paths = [p for p in _page_paths() if p != DEFAULT_PAGE]
    page = st.navigation([st.Page(_nothing, title="coopdash", url_path="signin", default=True),
                          *(st.Page(_nothing, title="coopdash", url_path=p) for p in paths)],
                         position="hidden")
    draw(page.url_path if page.url_path in paths else None)
    st.stop()


def _nothing() -> None:
    """The pages declared before sign-in draw nothing of their own (`_alone` draws)."""


def _lang(settings: Settings) -> str:
    """The language of a link (`?lang=`), else of the session, else the default."""
    for lang in (st.query_params.get("lang"), st.session_state.get("lang")):
        if lang in LANGS:
            return lang
    return settings.lang


def _landing(settings: Settings, wanted: str | None, refused: str | None = None) -> None:
    """What coopdash is, and "Sign in" (to open the page the link named), or why the
    provider's answer was not enough; a file refused at its click because the session
    was ended says so."""
    lang = _lang(settings)
    st.title(t("app.title", lang))
    if refused is not None:
        st.error(t("access.refused.signed_out", lang, file=plain(refused)),
                 icon=":material/block:")
    st.markdown(t("access.landing.what", lang))
    wrong = st.query_params.get(routes.NOT_FOUND_PARAM)
    if wrong is not None:  # /nothing: the URL rules sent it to the root, say so
        st.warning(t("access.landing.no_page", lang, path=plain(wrong)),
                   icon=":material/link_off:")
    if st.user.is_logged_in and _signed_in_email() is None:  # no (verified) address
        st.error(t("access.landing.no_email", lang), icon=":material/error:")
        _sign_out_button(lang, "auth_landing_out")
        return
    if st.user.is_logged_in:  # a session ended by a sign-out (another tab, device)
        st.info(t("access.landing.signed_out", lang), icon=":material/logout:")
    elif wanted is not None:
        st.info(t("access.landing.sign_in_to_open", lang, page=t(f"nav.{wanted}", lang)),
                icon=":material/lock:")
    else:
        st.info(t("access.landing.sign_in_needed", lang), icon=":material/lock:")
    if st.button(t("access.sign_in", lang), type="primary", key="auth_sign_in",
                 icon=":material/login:"):
        st.login()


DEFAULT_PAGE = "overview"  # served at the root (dashboard.py, app.py)


def _no_role(settings: Settings, person: access.Person, refused: str | None = None) -> None:
    lang = _lang(settings)
    st.title(t("app.title", lang))
    if refused is not None:
        st.error(t("access.refused.no_role", lang, file=plain(refused)), icon=":material/block:")
    st.warning(t("access.no_role_page", lang, email=plain(person.email)), icon=":material/lock:")
    _sign_out_button(lang, "auth_norole_out", person, settings)


def _sign_out_button(lang: str, key: str, person: access.Person | None = None,
                     settings: Settings | None = None) -> None:
    """"Sign out": of this browser (Streamlit clears its cookie) and, for a known
    person, of every session they have open (recorded in the store first)."""
    if not st.button(t("access.sign_out", lang), key=key, icon=":material/logout:"):
        return
    if person is not None and person.email and settings is not None:
        try:
            with store.writing(settings.db_path, actor=person.email, what="signout") as con:
                users.sign_out(con, person.email, time.time())
        except (store.WriterBusyError, store.StoreFullError) as exc:
            st.error(exc.message(lang), icon=":material/lock:")  # still signed in: retry
            return
    st.logout()


def sidebar(person: access.Person, lang: str, settings: Settings) -> None:
    """Which mode this deployment is in, who is signed in, and "Sign out"."""
    role = t(f"role.{person.role}", lang)
    if person.signed_in:
        st.caption(t("access.mode.signed_in", lang, email=plain(person.email), role=role))
        _sign_out_button(lang, "auth_sign_out", person, settings)
    else:
        st.caption(t("access.mode.shared", lang, role=role))


def not_allowed(lang: str) -> None:
    """Stop the run with "not allowed" (a page or an action beyond the person's role)."""
    st.error(t("access.not_allowed", lang), icon=":material/block:")
    st.stop()


def require(person: access.Person, what: str, lang: str) -> None:
    """At the point of use: go on only if `person` may do `what`."""
    if not person.can(what):
        not_allowed(lang)


def still_allowed(person: access.Person, settings: Settings, what: str | None,
                  names: bool = False) -> Callable[[], bool]:
    """A check for later (a download built at its click, off the page's run): whether
    `person` may still do `what` (None: anything, with a role) and, for a file drawn
    with participants' names (`names`: the meeting pack of an analyst), still see names,
    with a signed-in person's role read afresh from the store's current version (not
    the one the page was drawn from: an administrator may have changed the role since)
    and their session not ended by a sign-out since."""
    needs = [w for w in (what, "names" if names else None) if w is not None]

    def check() -> bool:
        if not person.signed_in:
            return all(person.can(w) for w in needs)
        with store.reading(settings.db_path) as con:
            if ended(con, person.email, person.signed_in_at):  # signed out since
                return False
            stored = users.role_of(con, person.email)
        role = access.resolve(person.email, stored, settings.admins, settings.default_role)
        return role is not None and all(access.can(role, w) for w in needs)

    return check


def recorder(person: access.Person, con: Callable[[], duckdb.DuckDBPyConnection], *,
             table: str, filters: dict[str, Any], fmt: str, n_rows: int | None
             ) -> Callable[[], None] | None:
    """What a download calls once its file is built, when the file holds participants'
    names (the person's role shows them): one line in the access log. None otherwise."""
    if not person.can("names"):
        return None

    def record() -> None:  # one published write of the store `con` reads
        with store.writing(store.path_of(con()), actor=person.actor, what="access",
                           file_name=table, mode=fmt) as w:
            users.log_access(w, actor=person.actor, role=person.role or "", table=table,
                             filters=filters, n_rows=n_rows, fmt=fmt)

    return record


