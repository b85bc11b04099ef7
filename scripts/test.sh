#!/usr/bin/env bash
# Set up (venv, pinned packages, Debian's Chromium) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
# Two workers (pytest-xdist), tests handed out one at a time as workers free up: the
# browser tests wait on their servers while the other worker runs. Each worker builds its
# own session stores and servers (temp folders and ports are per worker).
# COOPDASH_TEST_WORKERS=0 runs serially.
WORKERS=${COOPDASH_TEST_WORKERS:-2}
if [ "$WORKERS" = "0" ]; then
  .venv/bin/python -m pytest "$@"
else
  .venv/bin/python -m pytest -n "$WORKERS" --dist worksteal "$@"
fi
