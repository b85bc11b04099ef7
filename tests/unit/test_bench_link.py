"""The slow link the first-visit benchmark measures the office's network with
(benchmarks/link.py, instead of Chromium's network emulation, which stalled): bytes cross
whole and in order, no faster than the rate and the delay asked, both ways, and the
benchmark's slow addresses go through it; and the benchmarks' browser launchers load
outside pytest."""

from __future__ import annotations

import os
import socket
import socketserver
import subprocess
import sys
import threading
import time

import pytest

from benchmarks.first_visit import slow
from benchmarks.link import shaped_link

pytestmark = pytest.mark.bench


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(65536):
            self.request.sendall(data)


@pytest.fixture
def echo_port():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _round_trip(port: int, payload: bytes) -> tuple[bytes, float]:
    with socket.create_connection(("127.0.0.1", port)) as s:
        t0 = time.perf_counter()
        threading.Thread(target=s.sendall, args=(payload,), daemon=True).start()
        got = bytearray()
        while len(got) < len(payload):
            chunk = s.recv(65536)
            assert chunk, "the link closed before every byte came back"
            got += chunk
        return bytes(got), time.perf_counter() - t0


def test_bytes_cross_whole_at_the_rate_and_delay_asked(echo_port):
    payload = os.urandom(200_000)  # 1.6 Mbit up, then 1.6 Mbit down
    with shaped_link(echo_port, mbit=4, delay_ms=50) as near:
        assert near != echo_port
        small, small_s = _round_trip(near, b"ping")
        back, big_s = _round_trip(near, payload)
    assert small == b"ping"
    assert small_s >= 0.1  # one delay each way
    assert back == payload
    # up and down are separate ways of the link and overlap: at least one way's 0.4 s
    assert big_s >= 1.6e6 / 4e6 + 0.1


def test_the_benchmarks_slow_addresses_cross_the_link(echo_port):
    url = f"https://127.0.0.1:{echo_port}/coopdash"
    with slow(url) as far:
        scheme, rest = far.split("://")
        port = int(rest.split("/")[0].split(":")[1])
        assert (scheme, rest.split("/", 1)[1]) == ("https", "coopdash")
        assert port != echo_port
        _, seconds = _round_trip(port, b"x")
    assert seconds >= 0.04  # SLOW's 20 ms each way


def test_the_benchmarks_load_the_tests_launchers_outside_pytest():
    """benchmarks.browser loads tests/conftest.py (which imports `browser_util`, found on
    pytest's path only) in a plain process: `python -m benchmarks first-visit` failed
    there with ModuleNotFoundError since af0b3b5."""
    from benchmarks.measure import ROOT

    code = ("from benchmarks.browser import _conftest; "
            "m = _conftest(); print(callable(m.start_server), len(m.CHROMIUM_ARGS) > 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "True"]
