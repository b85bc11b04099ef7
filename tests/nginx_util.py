"""nginx, as Debian ships it, with coopdash's own site file (deploy/nginx-coopdash.conf)
in front of a served app: a child process of the caller, everything in a temp folder
(no /etc, /var, /run), a certificate made on the spot. Used by tests/browser/test_nginx.py
and by the benchmark that measures a visit through nginx (benchmarks/first_visit.py, as
`tests.nginx_util`): it imports nothing from the tests' conftest."""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx-coopdash.conf"
BASE_PATH = "coopdash"


SHIPPED_UPSTREAM = "    server 127.0.0.1:8501;\n    server 127.0.0.1:8502;\n"


def site_config(http_port: int, https_port: int, app_ports: Sequence[int], cert: Path,
                key: Path) -> str:
    """The shipped site file with only its ports and certificate paths changed (the
    upstream's two servers become one line per port of `app_ports`); each value must
    appear exactly once, so a reshaped file fails here, not in an office."""
    text = SITE.read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in app_ports)
    for old, new in (("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                     (SHIPPED_UPSTREAM, servers),
                     ("/etc/ssl/certs/coopdash.crt", str(cert)),
                     ("/etc/ssl/private/coopdash.key", str(key))):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def main_config(prefix: Path, site: Path) -> str:
    """nginx's own frame for the site, everything under `prefix` (no /etc, /var, /run)."""
    temps = "\n".join(f"    {name}_temp_path {prefix / name};"
                      for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    return (f"{user}daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\n"
            f"error_log {prefix / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n    include /etc/nginx/mime.types;\n"
            f"    access_log {prefix / 'access.log'};\n{temps}\n    include {site};\n}}\n")


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "coopdash.crt", folder / "coopdash.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def wait_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("nginx stopped: " + log.read_text(errors="replace")[-2000:])
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("nginx did not listen on its port")


@contextlib.contextmanager
def nginx_in_front(app_port: int | Sequence[int], work: Path, https_port: int | None = None,
                   started: Callable[[str, Path, subprocess.Popen], None] | None = None,
                   ) -> Iterator[tuple[str, int]]:
    """nginx (a child of the test, not a daemon) with the shipped site in front of the app
    on `app_port` (or of one process per port: the sticky upstream); yields (https base
    URL at /coopdash, http port). `started(name, error log, process)` is called once it
    runs (the tests' `browser_util.served`: its log's tail in a failed test's report)."""
    app_ports = [app_port] if isinstance(app_port, int) else list(app_port)
    prefix = work / "prefix"
    prefix.mkdir()
    cert, key = self_signed(work)
    http_port, https_port = free_port(), https_port or free_port()
    site = prefix / "coopdash.conf"
    site.write_text(site_config(http_port, https_port, app_ports, cert, key), encoding="utf-8")
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(prefix, site), encoding="utf-8")
    subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(conf)], check=True,
                   capture_output=True)
    proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if started is not None:
        started(f"nginx on port {https_port}", prefix / "error.log", proc)
    try:
        wait_port(https_port, proc, prefix / "error.log")
        yield f"https://127.0.0.1:{https_port}/{BASE_PATH}", http_port
    finally:
        proc.terminate()
        proc.wait(timeout=20)
