"""What the soak and the dashboard crash benchmarks share: a real `streamlit run app.py`
in its own process group (so `kill -9` takes the server and the children it started, as a
power cut or systemd's SIGKILL would), the memory of its process tree, the store's
figures as `summary --json` prints them, and a fingerprint of every record table.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-28"  # the day the store speaks for: the server's and summary's
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def env(db: Path, **extra: str) -> dict[str, str]:
    """The environment every child of a benchmark gets: the store, a fixed today."""
    return {**os.environ, "COOPDASH_DB": str(db), "COOPDASH_TODAY": TODAY,
            "COOPDASH_FIRST_RUN": "none", "COOPDASH_LANG": "en", **extra}


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    log: Path

    @property
    def port(self) -> int:
        return int(self.url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])

    def rss_mb(self) -> float:
        """Resident memory of the server and every process it started, in MB."""
        try:
            top = psutil.Process(self.proc.pid)
            procs = [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0.0
        total = 0
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                total += p.memory_info().rss
        return total / 2**20

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()

    def kill9(self) -> None:
        """SIGKILL to the whole process group: the server and its children die at once."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db: Path, log: Path, base_path: str = "", root: Path = ROOT, **extra: str
          ) -> Server:
    """`streamlit run app.py` on a free loopback port (under `base_path`, as behind the
    shipped nginx: `server.baseUrlPath`), its stderr (tracebacks) in `log`; `root`: the
    code's folder (another checkout, to compare with)."""
    port = _free_port()
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(root / "app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.baseUrlPath", base_path,
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=root, env=env(db, **extra), stdout=subprocess.DEVNULL, stderr=err,
            start_new_session=True)
    server = Server(proc, f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else ""),
                    log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(server.url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.kill9()
    raise RuntimeError("streamlit did not start: " + server.log_text()[-2000:])


def coopdash(*args: str, db: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    """A real `python -m coopdash` command on the store (English messages)."""
    return subprocess.run([sys.executable, "-m", "coopdash", *args, "--db", str(db),
                           "--lang", "en"], cwd=ROOT, env=env(db), capture_output=True,
                          text=True, timeout=timeout)


def summary_json(db: Path) -> dict:
    """The store's headline figures exactly as `summary --json` prints them."""
    done = coopdash("summary", "--json", "--as-of", TODAY, db=db)
    if done.returncode != 0:
        raise RuntimeError(f"summary of {db} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def records(db: Path) -> dict[str, str]:
    """A digest of every record table of the contract (rows sorted, every column)."""
    from coopdash import contract, store

    out = {}
    with store.reading(db) as con:
        for table in contract.TABLE_ORDER:
            rows = con.execute(f"select * from {table} order by all").fetchall()
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
    return out
