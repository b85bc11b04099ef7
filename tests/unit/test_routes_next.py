"""A link opened before sign-in survives it (coopdash.web.routes: `remembered` before,
`resumed` at the end of the sign-in). The whole flow in Chromium with a real provider:
tests/browser/test_signin.py."""

from __future__ import annotations

import pytest

from coopdash.web.routes import NEXT_COOKIE, USER_COOKIE, remembered, resumed

SIGNED = {USER_COOKIE: "signed-value"}


@pytest.mark.parametrize("base", ["", "coopdash"])
def test_a_page_link_is_remembered_before_sign_in_only(base):
    pre = f"/{base}" if base else ""
    assert remembered(f"{pre}/weekly", "lang=en&week=2026-W21", base, {}) == \
        f"{pre}/weekly?lang=en&week=2026-W21"
    assert remembered(f"{pre}/", "lang=en", base, {}) == f"{pre}/?lang=en"
    assert remembered(f"{pre}/weekly", "lang=en", base, SIGNED) is None  # signed in
    assert remembered(f"{pre}/", "", base, {}) is None  # nothing to come back to
    assert remembered(f"{pre}/", "page_not_found=%2Fx", base, {}) is None
    for own in ("/_stcore/health", "/static/js/a.js", "/oauth2callback", "/auth/login",
                "/favicon.png"):
        assert remembered(pre + own, "", base, {}) is None, own


@pytest.mark.parametrize("base", ["", "coopdash"])
def test_the_end_of_sign_in_resumes_the_link_of_this_app_only(base):
    pre = f"/{base}" if base else ""
    link = f"{pre}/explorer?tab=participants&q=Deputy"
    cookies = {**SIGNED, NEXT_COOKIE: link.replace("?", "%3F").replace("&", "%26")}
    assert resumed(f"{pre}/", "", base, cookies) == link
    assert resumed(pre or "/", "", base, cookies) == link
    assert resumed(f"{pre}/", "", base, {NEXT_COOKIE: link}) is None  # not signed in
    assert resumed(f"{pre}/funding", "", base, cookies) is None  # only at the root
    assert resumed(f"{pre}/", "lang=en", base, cookies) is None  # a link of its own
    for forged in ("https://evil.example/", "//evil.example/x", f"{pre}/\\\\evil",
                   f"{pre}/_stcore/stream", "/elsewhere/weekly" if base else "weekly"):
        assert resumed(f"{pre}/", "", base, {**SIGNED, NEXT_COOKIE: forged}) is None, forged
