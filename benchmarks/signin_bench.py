"""The warm rerun with sign-in on, against the same pages with sign-in off.

    .venv/bin/python -m benchmarks signin --db STORE [--repeats 7]

Sign-in adds work to every rerun: reading the identity (`st.user`), and the person's role
read afresh from the store (`queries/users_role.sql`, a primary-key lookup), so that a
role an administrator removed counts at the next click. This measures each page's warm
rerun in AppTest over the store `STORE` (a 1M-participant store for the budget), once
with an `[auth]` section and a signed-in analyst, once without, each in a fresh process,
and writes the table as its result, docs/benchmarks/signin.json, from which
`docs/benchmarks.md` is regenerated (benchmarks/results.py). The budget: a warm rerun <= 150 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import tempfile
from pathlib import Path

from benchmarks import measure, sections

ROOT = Path(__file__).resolve().parent.parent

PAGES = ("overview", "delegations", "funding", "timeline", "explorer", "weekly")
EMAIL = "bench-analyst@office.example"
BUDGET_MS = 150.0
START, END = "<!-- signin:start -->", "<!-- signin:end -->"


def _child(db: str, signed_in: bool, repeats: int) -> dict[str, tuple[float, float]]:
    """Warm rerun per page (median ms, worst ms of `repeats`), in this fresh process."""
    from streamlit import config

    if signed_in:
        folder = Path(tempfile.mkdtemp(prefix="coopdash-bench-auth-"))
        secrets = folder / "secrets.toml"
        secrets.write_text('[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback"\n'
                           'cookie_secret = "bench-cookie-secret-0123456789"\n'
                           'client_id = "bench"\nclient_secret = "bench"\n'
                           'server_metadata_url = "http://127.0.0.1:9/.well-known/'
                           'openid-configuration"\n', encoding="utf-8")
        config.set_option("secrets.files", [str(secrets)])
    os.environ.update(measure.bench_env(db))
    measure.apptest_like_a_server()
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=1800)
    if signed_in:
        at.user = {"is_logged_in": True, "email": EMAIL, "email_verified": True}
    at.run()
    out = {}
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [str(e.value)[:300] for e in at.exception]
        if signed_in:  # the run really was a signed-in analyst's
            assert any(EMAIL in c.value for c in at.sidebar.caption), page
        at.run()  # the warm-up
        times = [measure.timed(at.run)[0] for _ in range(repeats)]
        out[page] = (statistics.median(times), max(times))
    return out


def _give_role(db: str) -> float:
    """Give the benchmark's analyst a role; return the median ms of the one lookup that
    sign-in adds to every rerun (the role read from the store), over 200 reads."""
    from coopdash import store
    from coopdash.store import users

    with store.writing(db, actor="benchmark", what="role") as con:
        users.set_role(con, EMAIL, "analyst", actor="benchmark")
    with store.reading(db) as con:
        return measure.median_ms(lambda: users.role_of(con, EMAIL), 200, warmup=5)[0]


def markdown(db: Path, n_participants: int, off: dict, on: dict, repeats: int,
             lookup_ms: float, load: str) -> str:
    lines = [START, "## Sign-in: warm rerun with sign-in on", "",
             f"Measured {dt.date.today().isoformat()} by `benchmarks/signin_bench.py` on "
             f"{platform.machine()}, {os.cpu_count()} cores, over a store of "
             f"{n_participants:,} participants (`{db.name}`), median and worst of {repeats} "
             "warm reruns per page in AppTest (after one warm-up; page scripts compiled "
             "once, as a server does), each mode in a fresh process. Sign-in off: the "
             "keeper role for everyone (the weekly page draws its two forms). Sign-in on: an "
             "`[auth]` section and a signed-in analyst whose role is read from the store "
             f"on every rerun. Budget: a warm rerun <= {BUDGET_MS:.0f} ms.", "",
             f"What sign-in adds to each rerun: the role read from the store, median "
             f"**{lookup_ms:.2f} ms** over 200 reads (`queries/users_role.sql`), plus "
             "reading `st.user` from the session. Load average (`uptime`): "
             f"{load}.", "",
             "| page | off: median (ms) | off: worst (ms) | on: median (ms) | on: worst (ms) "
             "| difference of medians (ms) | median within budget |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for page in PAGES:
        (off_med, off_max), (on_med, on_max) = off[page], on[page]
        ok = "yes" if on_med <= BUDGET_MS else "**no**"
        lines.append(f"| {page} | {off_med:.1f} | {off_max:.1f} | {on_med:.1f} | {on_max:.1f} "
                     f"| {on_med - off_med:+.1f} | {ok} |")
    lines += ["", END]
    return "\n".join(lines)


def write_section(text: str, path: Path = ROOT / "docs" / "benchmarks.md") -> None:
    sections.put(path, START, END, text, "python -m benchmarks signin")


def _load() -> str:
    """The load average over 1, 5 and 15 minutes, as `uptime` prints it."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="the store to measure over")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    db = Path(args.db).resolve()
    before = _load()
    lookup_ms = measure.in_child(_give_role, str(db))
    off = measure.in_child(_child, str(db), False, args.repeats)
    on = measure.in_child(_child, str(db), True, args.repeats)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    n = con.execute("select count(*) from participants").fetchall()[0][0]
    con.close()
    print(json.dumps({"off": off, "on": on}, indent=1))
    load = f"{before} at the start, {_load()} at the end"
    print(json.dumps({"role_lookup_ms": lookup_ms, "load": load}))
    write_section(markdown(db, n, off, on, args.repeats, lookup_ms, load))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
