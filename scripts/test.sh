#!/usr/bin/env bash
# Set up (venv, pinned packages, Debian's Chromium) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
# One worker per core (pytest-xdist; at least 2, at most 4), tests handed out one at a
# time as workers free up: the browser tests wait on their servers while another worker
# runs. Each worker builds its own session stores and servers (temp folders and ports
# are per worker). COOPDASH_TEST_WORKERS=N sets the number; 0 runs serially. The 20
# slowest tests are listed at the end, for whoever wants the suite faster.
CORES=$(nproc)
WORKERS=${COOPDASH_TEST_WORKERS:-$(( CORES < 2 ? 2 : (CORES > 4 ? 4 : CORES) ))}
if [ "$WORKERS" = "0" ]; then
  .venv/bin/python -m pytest --durations=20 "$@"
else
  .venv/bin/python -m pytest -n "$WORKERS" --dist worksteal --durations=20 "$@"
fi
