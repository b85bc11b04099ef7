#!/usr/bin/env bash
# Set up (venv, pinned packages, Debian's Chromium) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
# One worker per core (pytest-xdist; at least 2, at most 4), whole test files handed out
# longest first (`--dist loadfile --no-loadscope-reorder`; the order is tests/conftest.py's
# SLOWEST_FILES): the long browser files start at once, a module's server is started once,
# and the last files handed out are short unit files. Each worker builds its own session
# stores and servers (temp folders and ports are per worker). COOPDASH_TEST_WORKERS=N sets
# the number; 0 runs serially. The benchmarks' own tests are left out (`-m "not bench"`;
# run them with `bash scripts/test.sh -m bench`); tests/unit/test_benchmarks_answer.py
# still asks every benchmark for its --help. The 20 slowest tests are listed at the end.
CORES=$(nproc)
WORKERS=${COOPDASH_TEST_WORKERS:-$(( CORES < 2 ? 2 : (CORES > 4 ? 4 : CORES) ))}
if [ "$WORKERS" = "0" ]; then
  .venv/bin/python -m pytest -m "not bench" --durations=20 "$@"
else
  .venv/bin/python -m pytest -m "not bench" -n "$WORKERS" --dist loadfile \
    --no-loadscope-reorder --durations=20 "$@"
fi
