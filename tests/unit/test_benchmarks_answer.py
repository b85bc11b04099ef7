"""Every benchmark imports and answers `python -m benchmarks NAME --help`, in the default
run: the benchmarks' own tests (`-m bench`, a 10,000-participant Scale run among them) are
left out of it by `scripts/test.sh`, so a benchmark broken by a change elsewhere (a module
moved, an import renamed) is still caught by CI. One child process asks them all; this
test never imports `benchmarks` itself (imports point one way: tests/unit/test_layout.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ASK_ALL = """
import contextlib, io, json
from benchmarks.__main__ import BENCHMARKS, main
said = {}
for name in BENCHMARKS:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            code = main([name, "--help"])
        except SystemExit as exc:
            code = exc.code
    said[name] = [code, out.getvalue()]
print(json.dumps(said))
"""


def test_every_benchmark_imports_and_answers_help():
    done = subprocess.run([sys.executable, "-c", ASK_ALL], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    said = json.loads(done.stdout.splitlines()[-1])
    assert {"scale", "first-visit", "store", "soak"} <= set(said)  # the list was read
    for name, (code, text) in said.items():
        assert code == 0, (name, text)
        assert text.startswith(f"usage: python -m benchmarks {name} "), (name, text[:200])
