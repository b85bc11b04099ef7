"""The capacity benchmark's load client (tests/wsload.py) speaks Streamlit's protocol
to a real served coopdash: a run of the Overview ends, and the figures it carries are
those `summary --json` prints for the store; a filter set through a widget state narrows
them as the store says it should."""

from __future__ import annotations

import asyncio

import pytest
import wsload
from headline import HEADLINE, dig, shown_figures

from benchmarks import served
from coopdash.i18n import code_label, fmt_int, t

pytestmark = pytest.mark.bench


async def _overview_then_study_visits(url: str) -> tuple[wsload.Run, wsload.Run, list[str]]:
    session = await wsload.Session.open(url)
    try:
        first = await session.run("", "lang=en")
        options = session.options("flt_kinds")
        session.choose("flt_kinds", [code_label("program_kind", "study_visit", "en")])
        narrowed = await session.run("", "lang=en")
        return first, narrowed, options
    finally:
        await session.close()


def test_a_run_of_the_overview_shows_what_summary_says(server, demo_store):
    """One session: the Overview's run ends (script_finished, then not running) with the
    six headline figures of `summary --json`; choosing "Study visit" in the kind filter
    reruns it with the study visits' count of programs."""
    summary = served.summary_json(demo_store)
    first, narrowed, options = asyncio.run(_overview_then_study_visits(server))

    assert first.seconds is not None and first.statuses[-1] == 0
    assert first.exceptions() == [] and narrowed.exceptions() == []
    shown = first.metrics()
    assert [shown[t(key, "en")] for key, _ in HEADLINE] == shown_figures(summary)
    assert len(options) == len(summary["programs"]["by_kind"])
    programs = narrowed.metrics()[t("lead.overview.programs", "en")]
    assert programs == fmt_int(dig(summary, ("programs", "by_kind", "study_visit")), "en")
    assert programs != shown[t("lead.overview.programs", "en")]


async def _signed_in_and_not(url: str, cookie: str) -> tuple[wsload.Run, wsload.Run]:
    sessions = [await wsload.Session.open(url, cookies={wsload.USER_COOKIE: cookie}),
                await wsload.Session.open(url)]
    try:
        return tuple([await s.run("", "lang=en") for s in sessions])
    finally:
        for s in sessions:
            await s.close()


def test_a_session_signs_in_with_the_identity_cookie(demo_store, tmp_path):
    """Where the deployment signs people in, a session carrying the identity cookie
    Streamlit sets after sign-in (signed with the deployment's secret) runs as that
    person: the Overview's figures and the person's address in the sidebar; a session
    without it gets the landing page and none of the store's figures."""
    import shutil

    from conftest import start_server

    db = tmp_path / "served.duckdb"
    shutil.copy(demo_store, db)
    secret, email = "wsload-test-secret-0123456789", "load.tester@office.example"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[auth]\nredirect_uri = "http://127.0.0.1:9/oauth2callback"\n'
                       f'cookie_secret = "{secret}"\nclient_id = "load"\n'
                       'client_secret = "load"\nserver_metadata_url = '
                       '"http://127.0.0.1:9/.well-known/openid-configuration"\n',
                       encoding="utf-8")
    proc, url = start_server(db, {"COOPDASH_TODAY": served.TODAY, "COOPDASH_ADMINS": email},
                             args=("--secrets.files", str(secrets)))
    try:
        cookie = wsload.identity_cookie(secret, wsload.origin_of(url), email)
        person, nobody = asyncio.run(_signed_in_and_not(url, cookie))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    shown = person.metrics()
    assert [shown[t(k, "en")] for k, _ in HEADLINE] == shown_figures(
        served.summary_json(demo_store))
    assert any(email in e.markdown.body for e in person.elements
               if e.WhichOneof("type") == "markdown")
    assert nobody.metrics() == {} and nobody.exceptions() == []
