"""Chaos: a random sequence of writes against a model of what the store must hold.

    .venv/bin/python -m benchmarks chaos [--steps 200] [--seed 19] [--write]

On a copy of the sample store, each step is one of: an edit (a program's title), an
import (a delegation's planned seats, through the real importer), a role change, an undo
of a random undoable write (as an administrator), an undo of the newest undo, a backup,
a restore of an earlier backup, an outside DuckDB session that commits a partner into a
WAL beside the store and dies, and `kill -9` of an import at a random moment. The model
is independent of the store: the contract's tables as Python sets of rows, changed by
what each step does (a restored state is the model's own earlier state), the roles as a
dict, and which writes' changes are in effect. After each step the store is read back
(as the dashboard reads it: `store.Reader`) and compared: every record, the roles,
`history`'s undone marks, and the Overview's headline figures (`summary.headline`) against
those first seen for that state. `--write` puts the counts in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from coopdash import settings, store
from coopdash.contract import TABLE_ORDER
from coopdash.figures import summary
from coopdash.figures.scope import Scope
from coopdash.store import history, records, users
from coopdash.workbook import bootstrap, importer

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
EMAILS = ("ana@x.id", "budi@x.id", "citra@x.id")
ROLES = ("viewer", "analyst", "keeper", "admin")
OUTSIDE = textwrap.dedent("""
    import os, sys, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("pragma disable_checkpoint_on_shutdown")
    con.execute("set checkpoint_threshold = '10GB'")
    con.execute("insert into partners values ($id, 'Outside', 'JP', null, 'ngo')",
                {"id": sys.argv[2]})
    os._exit(0)
""")


def table_rows(db: Path) -> dict[str, frozenset]:
    with store.reading(db) as con:
        return {t: frozenset(con.execute(f"select * from {t}").fetchall())
                for t in TABLE_ORDER}


class Chaos:
    def __init__(self, db: Path, work: Path, rng: random.Random) -> None:
        self.db, self.work, self.rng = db, work, rng
        self.model = table_rows(db)
        self.roles: dict[str, str] = {}
        self.before: dict[int, dict] = {}  # write id -> the model's records before it
        self.backups: list[tuple[Path, dict]] = []
        self.headline: dict[frozenset, str] = {}
        self.n = 0

    # --- steps ----------------------------------------------------------------------

    def newest(self) -> int:
        with store.reading(self.db) as con:
            return con.execute("select max(write_id) from write_log").fetchall()[0][0]

    def _wrote(self, new_model: dict) -> None:
        self.before[self.newest()] = self.model
        self.model = new_model

    def edit(self) -> str:
        old = self.rng.choice(sorted(self.model["programs"]))
        title = f"Chaos {self.n}"
        with store.writing(self.db, actor=self.rng.choice(EMAILS), what="edit") as con:
            con.execute("update programs set title = $t where program_id = $p",
                        {"t": title, "p": old[0]})
        with store.reading(self.db) as con:
            col = [r[0] for r in con.execute("describe programs").fetchall()].index("title")
        new = (*old[:col], title, *old[col + 1:])
        self._wrote({**self.model, "programs": self.model["programs"] - {old} | {new}})
        return "edit"

    def _book(self, seats: int) -> tuple[Path, tuple, tuple]:
        src = (ROOT / "data/sample/delegations.csv").read_text(encoding="utf-8").splitlines()
        head = next(csv.reader([src[0]]))
        row = next(csv.reader([src[1]]))
        row[head.index("seats_planned")] = str(seats)
        folder = self.work / f"book-{self.n}"
        folder.mkdir()
        with open(folder / "delegations.csv", "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([head, row])
        old = next(r for r in self.model["delegations"] if r[0] == row[0])
        col = head.index("seats_planned")
        return folder, old, (*old[:col], seats, *old[col + 1:])

    def imp(self) -> str:
        folder, old, new = self._book(self.rng.randint(1, 40))
        importer.import_file(self.db, folder, actor=self.rng.choice(EMAILS), lang="en")
        self._wrote({**self.model,
                     "delegations": self.model["delegations"] - {old} | {new}})
        return "import"

    def role(self) -> str:
        email, role = self.rng.choice(EMAILS), self.rng.choice(ROLES)
        with store.writing(self.db, actor="admin", what="role") as con:
            users.set_role(con, email, role, actor="admin", admins=("boss@x.id",))
        self.roles[email] = role
        return "role"

    def _undo(self, write_id: int) -> None:
        restored = self.before[write_id]
        store.undo(self.db, write_id, actor="admin", admin=True)
        self._wrote(restored)

    def undo(self) -> str:
        with store.reading(self.db) as con:
            df = history.writes(con, self.db, limit=history.ALL, show_private=True)
        ids = [int(w) for w in df[df["is_undoable"]]["write_id"] if int(w) in self.before]
        if not ids:
            return self.edit()
        self._undo(self.rng.choice(ids))
        return "undo"

    def undo_undo(self) -> str:
        with store.reading(self.db) as con:
            df = history.writes(con, self.db, limit=history.ALL, show_private=True)
        undos = df[(df["what"] == "undo") & df["is_undoable"]]
        if undos.empty:
            return self.undo()
        self._undo(int(undos["write_id"].iloc[0]))
        return "undo of undo"

    def backup(self) -> str:
        dest = self.work / f"backup-{self.n}.duckdb"
        store.backup(self.db, dest)
        self.backups.append((dest, self.model))
        return "backup"

    def restore(self) -> str:
        if not self.backups:
            return self.backup()
        src, state = self.rng.choice(self.backups)
        store.restore(self.db, src, actor="admin")
        self._wrote(state)
        return "restore"

    def outside(self) -> str:
        pid = f"outside-{self.n}"
        subprocess.run([sys.executable, "-c", OUTSIDE, str(self.db), pid], check=True)
        store.Reader(self.db).version()  # the dashboard's next run takes the WAL in
        row = (pid, "Outside", "JP", None, "ngo")
        self._wrote({**self.model, "partners": self.model["partners"] | {row}})
        return "outside session"

    def kill(self) -> str:
        folder, old, new = self._book(self.rng.randint(41, 80))
        before = self.newest()
        proc = subprocess.Popen([sys.executable, "-m", "coopdash", "import", str(folder),
                                 "--db", str(self.db), "--lang", "en"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(self.rng.uniform(0.2, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if self.newest() != before:  # published before the kill: the import is whole
            self._wrote({**self.model,
                         "delegations": self.model["delegations"] - {old} | {new}})
        return "kill -9 of an import"

    # --- the comparison ---------------------------------------------------------------

    def agrees(self) -> dict[str, bool]:
        """As a dashboard's run reads it; its connection closed after (an outside session
        can only write to a store no process holds open)."""
        reader = store.Reader(self.db)
        con = reader.connection(reader.version())
        try:
            return self._compare(con)
        finally:
            con.close()

    def _compare(self, con) -> dict[str, bool]:
        got = {t: frozenset(con.execute(f"select * from {t}").fetchall())
               for t in TABLE_ORDER}
        stored_roles = dict(con.execute("select email, role from users").fetchall())
        df = history.writes(con, self.db, limit=history.ALL, show_private=True)
        effect = df[df["undone_by"].isna() & ~df["what"].isin(records.NO_RECORD_WRITES)]
        heads = str(summary.headline(con, Scope.of(settings.get())))
        key = frozenset((t, rows) for t, rows in self.model.items())
        return {
            "records": got == self.model,
            "roles": stored_roles == self.roles,
            "history": not set(self.before) - set(df["write_id"]) and all(
                int(w) in set(df["write_id"]) for w in effect["write_id"]),
            "figures": self.headline.setdefault(key, heads) == heads,
        }


STEPS = {"edit": 4, "imp": 3, "role": 2, "undo": 3, "undo_undo": 2, "backup": 1,
         "restore": 1, "outside": 1, "kill": 1}


def run(steps: int, seed: int) -> dict:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "chaos.duckdb"
        store.create(db, bootstrap.populate("sample"))
        chaos = Chaos(db, work, rng)
        names, weights = zip(*STEPS.items(), strict=True)
        counts: dict[str, list[int]] = {}
        agree = {"records": 0, "roles": 0, "history": 0, "figures": 0, "all": 0}
        started = time.perf_counter()
        for chaos.n in range(steps):
            kind = getattr(chaos, rng.choices(names, weights)[0])()
            checks = chaos.agrees()
            for name, ok in checks.items():
                agree[name] += ok
            agree["all"] += all(checks.values())
            counts.setdefault(kind, [0, 0])
            counts[kind][0] += 1
            counts[kind][1] += all(checks.values())
            if not all(checks.values()):
                print(f"step {chaos.n} {kind}: {checks}", flush=True)
        seconds = time.perf_counter() - started
    return {"steps": steps, "seed": seed, "agree": agree, "counts": counts,
            "seconds": round(seconds, 1), "load": f"{os.getloadavg()[0]:.2f}"}


def table(result: dict) -> str:
    a, n = result["agree"], result["steps"]
    lines = ["The model holds the contract's tables as sets of rows (changed by what each step "
             "does; an undo or a restore brings back the model's own earlier state), the roles "
             "and the writes in effect. Checked after every step as the dashboard reads the "
             "store: every record, the roles (never rolled back), that `history` still lists "
             "every write and every write in effect, and the Overview's headline figures "
             "against those first seen for that state. A `kill -9` counts as agreeing when the "
             "store is whole before or after the import.", "",
             "| step | how many | store, history and figures agreed with the model |",
             "| --- | --- | --- |"]
    lines += [f"| {k} | {c} | {ok} |" for k, (c, ok) in sorted(result["counts"].items())]
    lines += ["", f"Of {n} steps (seed {result['seed']}, {result['seconds']} s, load "
              f"{result['load']}): records agreed {a['records']}, roles {a['roles']}, "
              f"history {a['history']}, Overview figures {a['figures']}; all at once "
              f"{a['all']}."]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = ap.parse_args()
    os.environ.setdefault("COOPDASH_ACTOR", "chaos")
    result = run(args.steps, args.seed)
    text = table(result)
    print(text)
    if args.write:
        from benchmarks import sections

        sections.put_titled(DOC, "store:chaos", "Chaos: random writes against a model",
                            "python -m benchmarks chaos", text)
    return 0 if result["agree"]["all"] == result["steps"] else 1


if __name__ == "__main__":
    sys.exit(main())
