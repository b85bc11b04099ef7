"""A real OpenID Connect provider and signed-in browsers, for the sign-in tests (and the
nginx test, which signs in through the proxy the same way).

- `oidc_provider()`: `oidc-provider-mock` started on 127.0.0.1 in a thread; yields its
  issuer URL. `add_person(issuer, email)` sets that account's claims (`PUT /users/...`).
- `write_secrets(folder, app_url, issuer)`: a `secrets.toml` with an `[auth]` section for
  that provider, in a temp folder (never in the repository); give it to
  `streamlit run --secrets.files PATH` (see `SIGNIN_ARGS`).
- `sign_in(page, app_url, email)`: the whole redirect flow in Chromium: the landing
  page's "Sign in", the provider's form (its one field `sub`, "Authorize"), back to the
  dashboard signed in.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Page

CLIENT_ID = "coopdash-test"


@contextlib.contextmanager
def oidc_provider() -> Iterator[str]:
    """A real OIDC provider on loopback for the length of the block; yields its issuer."""
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def add_person(issuer: str, email: str, *, verified: bool = True) -> None:
    """Give the provider an account `email` (its `sub`) that vouches for that address."""
    body = json.dumps({"email": email, "email_verified": verified,
                       "name": email.split("@")[0].title()}).encode()
    req = urllib.request.Request(f"{issuer}/users/{email}", data=body, method="PUT",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 204, r.status


def write_secrets(folder: Path, app_url: str, issuer: str) -> Path:
    """`secrets.toml` with Streamlit's `[auth]` for the provider at `issuer`; the app's
    public URL `app_url` (with its sub-path, if any) decides the redirect URI."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url.rstrip("/")}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    return path


def signin_args(secrets_path: Path) -> tuple[str, ...]:
    """`streamlit run` arguments that read the secrets from `secrets_path` only."""
    return ("--secrets.files", str(secrets_path))


def sign_in(page: Page, app_url: str, email: str, timeout: float = 120.0,
            link: str = "") -> None:
    """Sign `email` in through the real redirect flow, from the landing page of `link`
    (a path and query; default the root), and wait for the dashboard."""
    page.goto(app_url + link)
    button = page.locator(".st-key-auth_sign_in button")
    button.wait_for(timeout=timeout * 1000)
    button.click()
    page.wait_for_selector('input[name="sub"]', timeout=timeout * 1000)
    page.fill('input[name="sub"]', email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(lambda url: url.startswith(app_url) and "oauth2callback" not in url,
                      timeout=timeout * 1000)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=timeout * 1000)


PEOPLE = {  # the test accounts: e-mail -> role kept in the store (None: no role)
    "viewer@office.example": "viewer",
    "analyst@office.example": "analyst",
    "keeper@office.example": "keeper",
    "nobody@office.example": None,
    "changed@office.example": "viewer",  # the one whose role the admin test changes
    "leaver@office.example": "viewer",  # the one who signs out (ending older sessions)
}
CHANGED = "changed@office.example"
LEAVER = "leaver@office.example"
ADMIN = "admin@office.example"  # an administrator by COOPDASH_ADMINS


@contextlib.contextmanager
def signin_dashboard(db: Path, folder: Path, env: dict[str, str] | None = None,
                     ) -> Iterator[tuple[str, str]]:
    """A real `streamlit run` with sign-in against a real provider on loopback, over the
    store `db` (whose roles are set from PEOPLE first); yields (app URL, issuer).
    The secrets file lives in `folder` (a test's temp folder)."""
    from conftest import _free_port, start_server

    from coopdash import store
    from coopdash.store import users

    with store.writing(db, actor="test-setup", what="role") as con:
        for email, role in PEOPLE.items():
            if role:
                users.set_role(con, email, role, actor="test-setup")
    with oidc_provider() as issuer:
        for email in (*PEOPLE, ADMIN):
            add_person(issuer, email)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        secrets_path = write_secrets(folder, url, issuer)
        proc, url = start_server(db, {"COOPDASH_ADMINS": ADMIN, **(env or {})}, port=port,
                                 args=signin_args(secrets_path))
        try:
            yield url, issuer
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def sign_out(page: Page, app_url: str, timeout: float = 120.0) -> None:
    """Press the sidebar's "Sign out": Streamlit clears its cookie and sends the browser
    to the provider's end-session page (confirmed with "End session"), which sends it
    back to the app's landing page."""
    page.locator(".st-key-auth_sign_out button").click()
    page.get_by_role("button", name="End session").click(timeout=timeout * 1000)
    page.wait_for_url(f"{app_url}/**", timeout=timeout * 1000)
    page.locator(".st-key-auth_sign_in button").wait_for(timeout=timeout * 1000)
